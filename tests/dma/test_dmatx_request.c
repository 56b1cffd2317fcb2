/* test_dmatx_request.c - WdfDmaTransactionInitializeUsingRequest on sgdma: reads and writes
 * submitted through the runtime's I/O path reach drv_dmatx's sequential queue with direct I/O;
 * EvtIoRead/EvtIoWrite initialize the preallocated transaction from the request (its MDL and
 * length), execute it, and complete the request with GetBytesTransferred after Release.  The
 * caller's bytes arrive and GetRequest returns the request (the driver checks it).  Also rule
 * DMA-TX-005: a driver that completes the request while the transaction is in flight.  Buffered
 * reads/writes and every I/O control method of the InitializeUsingRequest table.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdmatransaction/nf-wdfdmatransaction-wdfdmatransactioninitializeusingrequest */
#include "kmdf/io/fx_io_submit.h"
#include "registry.h"
#include "test_dmatx_fixture.h"

struct io_wait {
    KEVENT done;
    NTSTATUS status;
    ULONG_PTR information;
};

static void io_done(void *ctx, struct fx_io *io, NTSTATUS status, ULONG_PTR information)
{
    struct io_wait *w = ctx;

    (void)io;
    w->status = status;
    w->information = information;
    KeSetEvent(&w->done, IO_NO_INCREMENT, FALSE);
}

static NTSTATUS submit_params(struct dmatx_fixture *f, const struct fx_io_params *p,
                              ULONG_PTR *information)
{
    struct io_wait w;
    struct fx_io *io = NULL;
    NTSTATUS st;

    KeInitializeEvent(&w.done, NotificationEvent, FALSE);
    st = fx_io_submit(f->dev, p, io_done, &w, &io);
    if (st != STATUS_PENDING)
        return st;
    KeWaitForSingleObject(&w.done, Executive, KernelMode, FALSE, NULL);
    fx_io_release(io);
    *information = w.information;
    return w.status;
}

static NTSTATUS submit(struct dmatx_fixture *f, UCHAR major, void *buf, size_t len,
                       ULONG_PTR *information)
{
    struct fx_io_params p = {.major = major, .buffer = buf, .length = len};

    return submit_params(f, &p, information);
}

/* An I/O control whose data buffer is `in` (writes) or `out` (reads). */
static NTSTATUS ioctl(struct dmatx_fixture *f, ULONG code, const void *in, size_t in_len,
                      void *out, size_t out_len, ULONG_PTR *information)
{
    struct fx_io_params p = {.major = IRP_MJ_DEVICE_CONTROL, .ioctl = code, .in = in,
                             .in_length = in_len, .out = out, .out_length = out_len};

    return submit_params(f, &p, information);
}

/* Buffered reads and writes (the framework's MDL over the system buffer), then every I/O
 * control method: METHOD_BUFFERED both ways (input length for writes, output for reads),
 * METHOD_IN_DIRECT writes and METHOD_OUT_DIRECT reads from the output buffer, and the refused
 * combinations (METHOD_NEITHER, METHOD_IN_DIRECT reading): STATUS_INVALID_DEVICE_REQUEST. */
static void test_buffered_and_ioctls(void)
{
    static const DRV_DMATX_CONFIG cfg = {.Profile = WdfDmaProfileScatterGather64Duplex,
                                         .MaximumLength = 64 * 1024, .SgDevice = TRUE,
                                         .Queue = TRUE, .BufferedIo = TRUE};
    struct dmatx_fixture f;
    DRV_DMATX_RESULT r;
    ULONG_PTR info = 0;
    uint8_t *src, *dst;
    size_t len = 100 * 1024 + 9;

    dmatx_up(&f, "sgdma", &cfg);
    src = physmem_alloc(f.m->mem, 32, PHYSMEM_SCATTERED);
    dst = physmem_alloc(f.m->mem, 32, PHYSMEM_SCATTERED);
    REQUIRE(src != NULL && dst != NULL);
    dmatx_fill(src, len, 61);
    CHECK_EQ(submit(&f, IRP_MJ_WRITE, src, len, &info), STATUS_SUCCESS);
    CHECK_EQ(info, len);
    memset(dst, 0, 32 * PAGE_SIZE);
    CHECK_EQ(submit(&f, IRP_MJ_READ, dst, len, &info), STATUS_SUCCESS);
    CHECK_EQ(info, len);
    CHECK_EQ(dmatx_check(dst, len, 61, 0), (size_t)-1);
    DrvDmaTxIoResult(1, &r);
    CHECK_EQ(r.ProgramCalls, 2);

    /* METHOD_BUFFERED: write 8 KiB of pattern 62 from the input, read it back to the output. */
    dmatx_fill(src, 8192, 62);
    CHECK_EQ(ioctl(&f, IOCTL_DMATX_WRITE_BUFFERED, src, 8192, NULL, 0, &info), STATUS_SUCCESS);
    memset(dst, 0, 8192);
    CHECK_EQ(ioctl(&f, IOCTL_DMATX_READ_BUFFERED, NULL, 0, dst, 8192, &info), STATUS_SUCCESS);
    CHECK_EQ(info, 8192);
    CHECK_EQ(dmatx_check(dst, 8192, 62, 0), (size_t)-1);
    /* METHOD_IN_DIRECT carries the data to the device in the output buffer. */
    dmatx_fill(src, 12288, 63);
    CHECK_EQ(ioctl(&f, IOCTL_DMATX_WRITE_IN_DIRECT, NULL, 0, src, 12288, &info),
             STATUS_SUCCESS);
    DrvDmaTxIoResult(0, &r);
    CHECK_EQ(r.Bytes, 12288);
    memset(dst, 0, 12288);
    CHECK_EQ(ioctl(&f, IOCTL_DMATX_READ_OUT_DIRECT, NULL, 0, dst, 12288, &info),
             STATUS_SUCCESS);
    CHECK_EQ(info, 12288);
    CHECK_EQ(dmatx_check(dst, 12288, 63, 0), (size_t)-1);
    /* Refused before anything is mapped. */
    CHECK_EQ(ioctl(&f, IOCTL_DMATX_WRITE_NEITHER, src, 4096, NULL, 0, &info),
             STATUS_INVALID_DEVICE_REQUEST);
    DrvDmaTxIoResult(0, &r);
    CHECK_EQ(r.InitStatus, STATUS_INVALID_DEVICE_REQUEST);
    CHECK_EQ(r.ProgramCalls, 0);
    CHECK_EQ(ioctl(&f, IOCTL_DMATX_READ_IN_DIRECT, NULL, 0, dst, 4096, &info),
             STATUS_INVALID_DEVICE_REQUEST);
    CHECK_EQ(physmem_free(f.m->mem, src), 0);
    CHECK_EQ(physmem_free(f.m->mem, dst), 0);
    CHECK_EQ(vf_total(), 0);
    dmatx_down(&f);
}

static void test_direct(void)
{
    static const DRV_DMATX_CONFIG cfg = {
        .Profile = WdfDmaProfileScatterGather64Duplex, .MaximumLength = 64 * 1024, .SgDevice = TRUE,
        .Queue = TRUE};
    struct dmatx_fixture f;
    DRV_DMATX_RESULT r;
    ULONG_PTR info = 0;
    uint8_t *src, *dst;
    size_t len = 200 * 1024 + 5;

    dmatx_up(&f, "sgdma", &cfg);
    src = physmem_alloc(f.m->mem, 64, PHYSMEM_SCATTERED);
    dst = physmem_alloc(f.m->mem, 64, PHYSMEM_SCATTERED);
    REQUIRE(src != NULL && dst != NULL);
    dmatx_fill(src + 3, len, 31);
    memset(dst, 0xEE, 64 * PAGE_SIZE);

    CHECK_EQ(submit(&f, IRP_MJ_WRITE, src + 3, len, &info), STATUS_SUCCESS);
    CHECK_EQ(info, len);
    DrvDmaTxIoResult(0, &r);
    CHECK_EQ(r.InitStatus, STATUS_SUCCESS);
    CHECK_EQ(r.Bytes, len);
    CHECK_EQ(r.ProgramCalls, 4); /* 64 KiB transfers */
    CHECK_EQ(r.Status, STATUS_SUCCESS);

    CHECK_EQ(submit(&f, IRP_MJ_READ, dst + 3, len, &info), STATUS_SUCCESS);
    CHECK_EQ(info, len);
    DrvDmaTxIoResult(1, &r);
    CHECK_EQ(r.Status, STATUS_SUCCESS);
    CHECK_EQ(r.ProgramCalls, 4);
    CHECK_EQ(dmatx_check(dst + 3, len, 31, 0), (size_t)-1);
    CHECK_EQ(dst[2], 0xEE);
    CHECK_EQ(dst[3 + len], 0xEE);

    /* Many requests in a row on the same two transactions. */
    for (unsigned i = 0; i < 200; i++) {
        size_t n = 4096 * (1 + i % 20) + i;

        dmatx_fill(src, n, 40 + i);
        if (submit(&f, IRP_MJ_WRITE, src, n, &info) != STATUS_SUCCESS || info != n ||
            submit(&f, IRP_MJ_READ, dst, n, &info) != STATUS_SUCCESS || info != n ||
            dmatx_check(dst, n, 40 + i, 0) != (size_t)-1) {
            CHECK(!"request round trip");
            break;
        }
    }
    CHECK_EQ(vf_total(), 0);

    /* Rule DMA-TX-005: the driver completes the request before its transaction ends; the
     * transaction reports it at the next DmaCompleted*. */
    DrvDmaTxSetMisuse(DrvDmaTxMisuseCompleteRequestEarly);
    CHECK_EQ(submit(&f, IRP_MJ_WRITE, src, 64 * 1024, &info), STATUS_SUCCESS);
    DrvDmaTxSetMisuse(DrvDmaTxMisuseNone);
    CHECK_EQ(vf_count(VF_RULE_DMATX_REQUEST_COMPLETED), 1);
    CHECK_EQ(vf_total(), 1);
    vf_reset();
    /* The transaction is reusable afterwards. */
    CHECK_EQ(submit(&f, IRP_MJ_READ, dst, 4096, &info), STATUS_SUCCESS);
    CHECK_EQ(info, 4096);
    CHECK_EQ(physmem_free(f.m->mem, src), 0);
    CHECK_EQ(physmem_free(f.m->mem, dst), 0);
    CHECK_EQ(vf_total(), 0);
    dmatx_down(&f);
}

int main(void)
{
    test_direct();
    test_buffered_and_ioctls();
    return check_done();
}
