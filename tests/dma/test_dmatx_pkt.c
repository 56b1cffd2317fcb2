/* test_dmatx_pkt.c - DMA transactions on pktdma (Packet profile, 32-bit bus master, DMA v2)
 * through the drv_dmatx driver: buffers whose pages all sit above 4 GiB go through the adapter's
 * bounce pages and arrive byte for byte; every transfer is one element below 4 GiB at most the
 * fragment length; a short transfer is re-staged; a device error ends the transaction with the
 * bytes moved before it; the same through the line interrupt, ISR and DPC.  No verifier findings.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/using-packet-based-dma
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/map-registers */
#include "platform/fault.h"
#include "platform/intr.h"
#include "registry.h"
#include "test_dmatx_fixture.h"
#include "wdm/adapter/adapter.h"

static const DRV_DMATX_CONFIG pkt_cfg = {
    .Profile = WdfDmaProfilePacket, .MaximumLength = 64 * 1024};

static struct wdm_dma_adapter_stats adapter_stats(WDF_DMA_DIRECTION dir)
{
    struct wdm_dma_adapter_stats s;

    REQUIRE(wdm_dma_adapter_get_stats(WdfDmaEnablerWdmGetDmaAdapter(DrvDmaTxEnabler(), dir),
                                      &s) == 0);
    return s;
}

static void test_bounce_above_4g(void)
{
    struct dmatx_fixture f;
    struct dmatx_buf src, dst;
    DRV_DMATX_RESULT w, r;
    struct wdm_dma_adapter_stats s0, s1;
    size_t off = 300, len = 200 * 1024 + 77;

    dmatx_up(&f, "pktdma", &pkt_cfg);
    src = dmatx_buf_new(&f, 64, PHYSMEM_ABOVE_4G);
    dst = dmatx_buf_new(&f, 64, PHYSMEM_ABOVE_4G);
    CHECK(physmem_virt_to_phys(f.m->mem, src.va) >= PHYSMEM_4G);
    CHECK(physmem_virt_to_phys(f.m->mem, dst.va) >= PHYSMEM_4G);
    dmatx_fill(src.va + off, len, 21);
    memset(dst.va, 0xEE, 64 * PAGE_SIZE);
    s0 = adapter_stats(WdfDmaDirectionWriteToDevice);
    DrvDmaTxTransfer(0, WdfDmaDirectionWriteToDevice, src.mdl, off, len, 8192, 0, &w);
    DrvDmaTxTransfer(1, WdfDmaDirectionReadFromDevice, dst.mdl, off, len, 8192, 0, &r);
    s1 = adapter_stats(WdfDmaDirectionWriteToDevice);
    CHECK_EQ(w.Status, STATUS_SUCCESS);
    CHECK_EQ(r.Status, STATUS_SUCCESS);
    CHECK_EQ(w.Bytes, len);
    CHECK_EQ(r.Bytes, len);
    /* 200 KiB + 77 in transfers of at most 64 KiB, each a single element. */
    CHECK_EQ(w.ProgramCalls, 4);
    CHECK_EQ(r.ProgramCalls, 4);
    CHECK_EQ(w.MaxElements, 1);
    CHECK_EQ(w.Elements, 4);
    CHECK_EQ(w.MaxTransfer, 64 * 1024);
    CHECK_EQ(dmatx_check(dst.va + off, len, 21, 0), (size_t)-1);
    CHECK_EQ(dst.va[off - 1], 0xEE);
    CHECK_EQ(dst.va[off + len], 0xEE);
    /* Both directions went through bounce pages (simplex: one adapter). */
    CHECK(s1.bounce_bytes_in - s0.bounce_bytes_in >= len);
    CHECK(s1.bounce_bytes_out - s0.bounce_bytes_out >= len);
    CHECK_EQ(s1.map_registers_in_use, 0);
    dmatx_buf_free(&f, &src);
    dmatx_buf_free(&f, &dst);
    CHECK_EQ(vf_total(), 0);
    dmatx_down(&f);
}

static void test_short_and_error(void)
{
    struct dmatx_fixture f;
    struct fault_spec spec = {0};
    struct dmatx_buf src, dst;
    DRV_DMATX_RESULT w, r;

    dmatx_up(&f, "pktdma", &pkt_cfg);
    src = dmatx_buf_new(&f, 32, PHYSMEM_ABOVE_4G);
    dst = dmatx_buf_new(&f, 32, PHYSMEM_ABOVE_4G);
    dmatx_fill(src.va, 128 * 1024, 22);
    DrvDmaTxTransfer(0, WdfDmaDirectionWriteToDevice, src.mdl, 0, 128 * 1024, 0, 0, &w);
    CHECK_EQ(w.Status, STATUS_SUCCESS);
    /* Read: the 1st 64 KiB transfer moves only 32 KiB; DmaCompletedWithLength(32 KiB) returns
     * FALSE and the rest is re-staged: 32 + 64 + 32 KiB. */
    spec.countdown = 1;
    REQUIRE(fault_arm(f.m->faults, "dev.short_xfer", &spec) == 0);
    memset(dst.va, 0, 32 * PAGE_SIZE);
    DrvDmaTxTransfer(1, WdfDmaDirectionReadFromDevice, dst.mdl, 0, 128 * 1024, 0, 0, &r);
    CHECK_EQ(r.Status, STATUS_SUCCESS);
    CHECK_EQ(r.Bytes, 128 * 1024);
    CHECK_EQ(r.ProgramCalls, 3);
    CHECK_EQ(r.FalseReturns, 2);
    CHECK_EQ(dmatx_check(dst.va, 128 * 1024, 22, 0), (size_t)-1);
    /* dev.desc_error on the 2nd transfer: 64 KiB done, then DmaCompletedFinal(0). */
    spec.countdown = 2;
    REQUIRE(fault_arm(f.m->faults, "dev.desc_error", &spec) == 0);
    DrvDmaTxTransfer(1, WdfDmaDirectionReadFromDevice, dst.mdl, 0, 128 * 1024, 0, 0, &r);
    CHECK_EQ(r.Status, STATUS_DEVICE_DATA_ERROR);
    CHECK_EQ(r.DmaStatus, STATUS_SUCCESS);
    CHECK_EQ(r.Bytes, 64 * 1024);
    CHECK_EQ(r.ProgramCalls, 2);
    /* Nothing stays mapped. */
    CHECK_EQ(adapter_stats(WdfDmaDirectionReadFromDevice).map_registers_in_use, 0);
    dmatx_buf_free(&f, &src);
    dmatx_buf_free(&f, &dst);
    CHECK_EQ(vf_total(), 0);
    dmatx_down(&f);
}

/* The real path: pktdma's line interrupt, the ISR (W1C, save status), the DPC calling
 * DmaCompleted*, the next transfer's EvtProgramDma running inside it; the caller waits for the
 * DPC's event.  One claimed interrupt per transfer, a device error ends it from the DPC. */
static void test_interrupt_path(void)
{
    static const DRV_DMATX_CONFIG cfg = {.Profile = WdfDmaProfilePacket,
                                         .MaximumLength = 64 * 1024, .Interrupts = TRUE};
    struct dmatx_fixture f;
    struct fault_spec spec = {0};
    struct dmatx_buf src, dst;
    struct intr_stats is;
    DRV_DMATX_RESULT w, r;
    ULONG transfers = 0;
    int bad = 0;

    dmatx_up(&f, "pktdma", &cfg);
    src = dmatx_buf_new(&f, 64, PHYSMEM_ABOVE_4G);
    dst = dmatx_buf_new(&f, 64, PHYSMEM_ABOVE_4G);
    for (unsigned i = 0; i < 100; i++) {
        size_t len = 4096 * (1 + i % 50) + i;

        dmatx_fill(src.va, len, 50 + i);
        DrvDmaTxTransfer(0, WdfDmaDirectionWriteToDevice, src.mdl, 0, len, 0, 0, &w);
        DrvDmaTxTransfer(1, WdfDmaDirectionReadFromDevice, dst.mdl, 0, len, 0, 0, &r);
        transfers += w.ProgramCalls + r.ProgramCalls;
        if (w.Status != STATUS_SUCCESS || r.Status != STATUS_SUCCESS || w.Bytes != len ||
            r.Bytes != len || w.NotDispatch != 0 || r.NotDispatch != 0 ||
            w.ProgramCalls != (len + 65535) / 65536 ||
            dmatx_check(dst.va, len, 50 + i, 0) != (size_t)-1)
            bad++;
    }
    CHECK_EQ(bad, 0);
    intr_source_stats(bus_device_intr(f.bus), &is);
    CHECK_EQ(is.claimed, transfers);
    /* A device error on the 2nd transfer, seen by the ISR and finished by the DPC. */
    spec.countdown = 2;
    REQUIRE(fault_arm(f.m->faults, "dev.desc_error", &spec) == 0);
    DrvDmaTxTransfer(1, WdfDmaDirectionReadFromDevice, dst.mdl, 0, 192 * 1024, 0, 0, &r);
    CHECK_EQ(r.Status, STATUS_DEVICE_DATA_ERROR);
    CHECK_EQ(r.Bytes, 64 * 1024);
    CHECK_EQ(r.ProgramCalls, 2);
    dmatx_buf_free(&f, &src);
    dmatx_buf_free(&f, &dst);
    CHECK_EQ(vf_total(), 0);
    dmatx_down(&f);
}

int main(void)
{
    test_bounce_above_4g();
    test_short_and_error();
    test_interrupt_path();
    return check_done();
}
