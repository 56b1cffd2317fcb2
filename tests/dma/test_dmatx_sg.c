/* test_dmatx_sg.c - DMA transactions on sgdma (ScatterGather64Duplex, 64-bit) through the
 * drv_dmatx driver: data moves byte for byte both ways; transfers split at the transaction's
 * maximum length (WdfDmaTransactionSetMaximumLength) and the enabler's; the SG element limit is
 * respected and a buffer that needs more elements per transfer gets STATUS_WDF_TOO_FRAGMENTED;
 * duplex reads and writes in flight together; a device error mid-transaction and a short
 * transfer, both polled and through the MSI interrupts, ISRs and DPCs.  No verifier findings for
 * the correct driver.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdmatransaction/nf-wdfdmatransaction-wdfdmatransactioninitialize
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdmatransaction/nf-wdfdmatransaction-wdfdmatransactionsetmaximumlength
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdmatransaction/nf-wdfdmatransaction-wdfdmatransactiondmacompletedwithlength */
#include <pthread.h>

#include "platform/exec_ctx.h"
#include "platform/fault.h"
#include "platform/intr.h"
#include "registry.h"
#include "test_dmatx_fixture.h"

static const DRV_DMATX_CONFIG sg_cfg = {
    .Profile = WdfDmaProfileScatterGather64Duplex, .MaximumLength = 1u << 20, .SgDevice = TRUE};
/* The same completed through the two MSI messages, the ISRs and the DPCs. */
static const DRV_DMATX_CONFIG sg_irq_cfg = {.Profile = WdfDmaProfileScatterGather64Duplex,
                                            .MaximumLength = 1u << 20, .SgDevice = TRUE,
                                            .Interrupts = TRUE};

/* Writes `len` bytes at `off` of a scattered buffer to the device and reads them back into a
 * second buffer; checks both transactions and the bytes. */
static void roundtrip(struct dmatx_fixture *f, size_t pages, size_t off, size_t len,
                      size_t maxlen, unsigned seed, DRV_DMATX_RESULT *w, DRV_DMATX_RESULT *r)
{
    struct dmatx_buf src = dmatx_buf_new(f, pages, PHYSMEM_SCATTERED);
    struct dmatx_buf dst = dmatx_buf_new(f, pages, PHYSMEM_SCATTERED);

    dmatx_fill(src.va + off, len, seed);
    memset(dst.va, 0xEE, pages * PAGE_SIZE);
    DrvDmaTxTransfer(0, WdfDmaDirectionWriteToDevice, src.mdl, off, len, 4096, maxlen, w);
    DrvDmaTxTransfer(1, WdfDmaDirectionReadFromDevice, dst.mdl, off, len, 4096, maxlen, r);
    CHECK_EQ(w->Status, STATUS_SUCCESS);
    CHECK_EQ(r->Status, STATUS_SUCCESS);
    CHECK_EQ(w->Bytes, len);
    CHECK_EQ(r->Bytes, len);
    CHECK_EQ(dmatx_check(dst.va + off, len, seed, 0), (size_t)-1);
    /* Guard bytes around the transfer stay untouched. */
    if (off > 0)
        CHECK_EQ(dst.va[off - 1], 0xEE);
    if (off + len < pages * PAGE_SIZE)
        CHECK_EQ(dst.va[off + len], 0xEE);
    CHECK_EQ(w->NotDispatch, 0);
    CHECK_EQ(r->NotDispatch, 0);
    dmatx_buf_free(f, &src);
    dmatx_buf_free(f, &dst);
}

static void test_basic_and_split_by_set_maximum_length(void)
{
    struct dmatx_fixture f;
    DRV_DMATX_RESULT w, r;

    dmatx_up(&f, "sgdma", &sg_cfg);
    /* One transfer covers 64 KiB: one EvtProgramDma per direction, one element per page run. */
    roundtrip(&f, 16, 0, 64 * 1024, 0, 1, &w, &r);
    CHECK_EQ(w.ProgramCalls, 1);
    CHECK_EQ(r.ProgramCalls, 1);
    CHECK(w.MaxElements >= 1 && w.MaxElements <= 16);
    CHECK_EQ(w.MaxTransfer, 64 * 1024);
    CHECK_EQ(w.FalseReturns, 0);
    /* SetMaximumLength(16 KiB) after Initialize: 256 KiB move as 16 transfers of 16 KiB, the
     * first 15 completions returning FALSE (the next transfer staged inside DmaCompleted). */
    roundtrip(&f, 64, 0, 256 * 1024, 16 * 1024, 2, &w, &r);
    CHECK_EQ(w.ProgramCalls, 16);
    CHECK_EQ(r.ProgramCalls, 16);
    CHECK_EQ(w.MaxTransfer, 16 * 1024);
    CHECK_EQ(w.FalseReturns, 15);
    CHECK(w.MaxElements <= 4);
    /* Unaligned start and length: the last transfer is the remainder. */
    roundtrip(&f, 20, 123, 70000, 16 * 1024, 3, &w, &r);
    CHECK_EQ(w.ProgramCalls, 5);
    CHECK_EQ(w.MaxTransfer, 16 * 1024);
    /* A larger SetMaximumLength is ignored: the enabler's 1 MiB applies. */
    roundtrip(&f, 64, 0, 256 * 1024, 4u << 20, 4, &w, &r);
    CHECK_EQ(w.ProgramCalls, 1);
    CHECK_EQ(vf_total(), 0);
    dmatx_down(&f);
}

/* The enabler's MaximumLength (64 KiB) and an element limit of 16. */
static void test_split_by_enabler_and_element_limit(void)
{
    static const DRV_DMATX_CONFIG cfg = {
        .Profile = WdfDmaProfileScatterGather64Duplex, .MaximumLength = 64 * 1024,
        .MaxSgElements = 16, .SgDevice = TRUE};
    struct dmatx_fixture f;
    DRV_DMATX_RESULT w, r;
    struct dmatx_buf b;

    dmatx_up(&f, "sgdma", &cfg);
    CHECK_EQ(WdfDmaEnablerGetFragmentLength(DrvDmaTxEnabler(), WdfDmaDirectionWriteToDevice),
             64 * 1024);
    roundtrip(&f, 256, 0, 1u << 20, 0, 5, &w, &r);
    CHECK_EQ(w.ProgramCalls, 16);
    CHECK_EQ(r.ProgramCalls, 16);
    CHECK_EQ(w.MaxTransfer, 64 * 1024);
    CHECK(w.MaxElements <= 16 && r.MaxElements <= 16);
    /* Starting mid-page, each 64 KiB transfer spans 17 pages > 16 elements: Initialize fails
     * with STATUS_WDF_TOO_FRAGMENTED and the transaction stays reusable. */
    b = dmatx_buf_new(&f, 64, PHYSMEM_SCATTERED);
    DrvDmaTxTransfer(0, WdfDmaDirectionWriteToDevice, b.mdl, 100, 128 * 1024, 0, 0, &w);
    CHECK_EQ(w.InitStatus, STATUS_WDF_TOO_FRAGMENTED);
    CHECK_EQ(w.ProgramCalls, 0);
    /* A transfer that fits 16 pages from that offset works. */
    DrvDmaTxTransfer(0, WdfDmaDirectionWriteToDevice, b.mdl, 100, 60 * 1024, 0, 0, &w);
    CHECK_EQ(w.Status, STATUS_SUCCESS);
    CHECK_EQ(w.Bytes, 60 * 1024);
    dmatx_buf_free(&f, &b);
    CHECK_EQ(vf_total(), 0);
    dmatx_down(&f);
}

struct duplex_arg {
    struct dmatx_fixture *f;
    ULONG channel;
    int rounds;
    int failures;
};

static void *duplex_thread(void *p)
{
    struct duplex_arg *a = p;
    WDF_DMA_DIRECTION dir = a->channel == 0 ? WdfDmaDirectionWriteToDevice
                                            : WdfDmaDirectionReadFromDevice;
    struct dmatx_buf b;

    exec_ctx_attach(a->f->m, a->channel == 0 ? "app-w" : "app-r");
    b = dmatx_buf_new(a->f, 32, PHYSMEM_SCATTERED);
    for (int i = 0; i < a->rounds; i++) {
        DRV_DMATX_RESULT res;

        if (a->channel == 0)
            dmatx_fill(b.va, 128 * 1024, 100 + (unsigned)i);
        /* The write channel uses device memory [1 MiB, ...), the read channel [0, 128 KiB). */
        DrvDmaTxTransfer(a->channel, dir, b.mdl, 0, 128 * 1024, a->channel == 0 ? 1u << 20 : 0,
                         32 * 1024, &res);
        if (res.Status != STATUS_SUCCESS || res.Bytes != 128 * 1024 || res.ProgramCalls != 4)
            a->failures++;
        if (a->channel == 1 && dmatx_check(b.va, 128 * 1024, 7, 0) != (size_t)-1)
            a->failures++;
    }
    dmatx_buf_free(a->f, &b);
    return NULL;
}

static void test_duplex(const DRV_DMATX_CONFIG *cfg)
{
    struct dmatx_fixture f;
    struct dmatx_buf seedbuf;
    DRV_DMATX_RESULT w;
    struct duplex_arg aw, ar;
    pthread_t tw, tr;

    dmatx_up(&f, "sgdma", cfg);
    /* Device memory [0, 128 KiB) holds pattern 7 for the reader. */
    seedbuf = dmatx_buf_new(&f, 32, PHYSMEM_SCATTERED);
    dmatx_fill(seedbuf.va, 128 * 1024, 7);
    DrvDmaTxTransfer(0, WdfDmaDirectionWriteToDevice, seedbuf.mdl, 0, 128 * 1024, 0, 0, &w);
    REQUIRE(w.Status == STATUS_SUCCESS);
    dmatx_buf_free(&f, &seedbuf);
    aw = (struct duplex_arg){&f, 0, 200, 0};
    ar = (struct duplex_arg){&f, 1, 200, 0};
    REQUIRE(pthread_create(&tw, NULL, duplex_thread, &aw) == 0);
    REQUIRE(pthread_create(&tr, NULL, duplex_thread, &ar) == 0);
    pthread_join(tw, NULL);
    pthread_join(tr, NULL);
    CHECK_EQ(aw.failures, 0);
    CHECK_EQ(ar.failures, 0);
    CHECK_EQ(dmatx_stats(0).transfers, 1 + 200 * 4);
    CHECK_EQ(dmatx_stats(1).transfers, 200 * 4);
    if (cfg->Interrupts) {
        struct intr_stats is;

        /* One message per transfer (INT_ON_COMPLETE on its last descriptor). */
        intr_source_stats(bus_device_intr(f.bus), &is);
        CHECK_EQ(is.claimed, 1 + 2 * 200 * 4);
    }
    CHECK_EQ(vf_total(), 0);
    dmatx_down(&f);
}

/* dev.desc_error on the 3rd descriptor of a transaction split into 16 KiB single-page-run
 * transfers: the driver ends it with DmaCompletedFinal(bytes done) -> TRUE/STATUS_SUCCESS and
 * completes with its own error; GetBytesTransferred counts what moved before the failure. */
static void test_device_error_and_short(const DRV_DMATX_CONFIG *cfg)
{
    struct fx_dmatx_stats before;
    struct dmatx_fixture f;
    struct fault_spec spec = {0};
    struct dmatx_buf b, d;
    DRV_DMATX_RESULT w, r;

    dmatx_up(&f, "sgdma", cfg);
    b = dmatx_buf_new(&f, 32, PHYSMEM_CONTIGUOUS);
    d = dmatx_buf_new(&f, 32, PHYSMEM_CONTIGUOUS);
    dmatx_fill(b.va, 128 * 1024, 9);
    /* Physically contiguous: one element per transfer, so the 3rd descriptor is transfer 3. */
    spec.countdown = 3;
    REQUIRE(fault_arm(f.m->faults, "dev.desc_error", &spec) == 0);
    DrvDmaTxTransfer(0, WdfDmaDirectionWriteToDevice, b.mdl, 0, 128 * 1024, 0, 16 * 1024, &w);
    CHECK_EQ(w.Status, STATUS_DEVICE_DATA_ERROR);
    CHECK_EQ(w.DmaStatus, STATUS_SUCCESS);
    CHECK_EQ(w.Bytes, 2 * 16 * 1024);
    CHECK_EQ(w.ProgramCalls, 3);
    /* The channel was reset by the driver; the transaction is reusable at once. */
    DrvDmaTxTransfer(0, WdfDmaDirectionWriteToDevice, b.mdl, 0, 128 * 1024, 0, 16 * 1024, &w);
    CHECK_EQ(w.Status, STATUS_SUCCESS);
    CHECK_EQ(w.Bytes, 128 * 1024);
    /* dev.short_xfer on the 2nd transfer of the read: DmaCompletedWithLength(8 KiB) returns
     * FALSE and the framework re-stages the remaining 8 KiB of it; all bytes arrive. */
    before = dmatx_stats(1);
    spec.countdown = 2;
    REQUIRE(fault_arm(f.m->faults, "dev.short_xfer", &spec) == 0);
    memset(d.va, 0, 32 * PAGE_SIZE);
    DrvDmaTxTransfer(1, WdfDmaDirectionReadFromDevice, d.mdl, 0, 128 * 1024, 0, 16 * 1024, &r);
    CHECK_EQ(r.Status, STATUS_SUCCESS);
    CHECK_EQ(r.Bytes, 128 * 1024);
    CHECK_EQ(r.ProgramCalls, 9);
    CHECK_EQ(r.FalseReturns, 8);
    CHECK_EQ(dmatx_check(d.va, 128 * 1024, 9, 0), (size_t)-1);
    CHECK_EQ(dmatx_stats(1).transfers - before.transfers, 9);
    dmatx_buf_free(&f, &b);
    dmatx_buf_free(&f, &d);
    CHECK_EQ(vf_total(), 0);
    dmatx_down(&f);
}

int main(void)
{
    test_basic_and_split_by_set_maximum_length();
    test_split_by_enabler_and_element_limit();
    test_duplex(&sg_cfg);
    test_duplex(&sg_irq_cfg);
    test_device_error_and_short(&sg_cfg);
    test_device_error_and_short(&sg_irq_cfg);
    return check_done();
}
