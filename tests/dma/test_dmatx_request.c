/* test_dmatx_request.c - WdfDmaTransactionInitializeUsingRequest on sgdma: reads and writes
 * submitted through the runtime's I/O path reach drv_dmatx's sequential queue with direct I/O;
 * EvtIoRead/EvtIoWrite initialize the preallocated transaction from the request (its MDL and
 * length), execute it, and complete the request with GetBytesTransferred after Release.  The
 * caller's bytes arrive and GetRequest returns the request (the driver checks it).  Also rule
 * DMA-TX-005: a driver that completes the request while the transaction is in flight.
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

static NTSTATUS submit(struct dmatx_fixture *f, UCHAR major, void *buf, size_t len,
                       ULONG_PTR *information)
{
    struct fx_io_params p = {.major = major, .buffer = buf, .length = len};
    struct io_wait w;
    struct fx_io *io = NULL;
    NTSTATUS st;

    KeInitializeEvent(&w.done, NotificationEvent, FALSE);
    st = fx_io_submit(f->dev, &p, io_done, &w, &io);
    if (st != STATUS_PENDING)
        return st;
    KeWaitForSingleObject(&w.done, Executive, KernelMode, FALSE, NULL);
    fx_io_release(io);
    *information = w.information;
    return w.status;
}

int main(void)
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
    return check_done();
}
