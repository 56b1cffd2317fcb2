/* test_dmatx_vf.c - the DMA transaction verifier rules, each triggered by name by a deliberately
 * wrong drv_dmatx (docs/rules.md): DMA-TX-001 (Execute twice, Initialize without Release),
 * DMA-TX-002 (DmaCompleted with no transfer in flight), DMA-TX-003 (reported length over the
 * transfer), DMA-TX-004 (Release / delete while executing), DMA-TX-006 (in flight at device
 * removal), DMA-TX-007 (v3-only and system-only DDIs on a v2 bus-master transaction), IRQL-001
 * (a transaction DDI above DISPATCH_LEVEL), and the device's DMA into a buffer whose transaction
 * completed faulting in the IOMMU (the window closed at PutScatterGatherList).
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/debugger/bug-check-0x10d---wdf-violation
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/devtest/dma-verification */
#include "registry.h"
#include "test_dmatx_fixture.h"

static const DRV_DMATX_CONFIG sg_cfg = {
    .Profile = WdfDmaProfileScatterGather64Duplex, .MaximumLength = 1u << 20, .SgDevice = TRUE};

/* One 16 KiB write with the driver misbehaving as `misuse`; returns its result. */
static DRV_DMATX_RESULT run(struct dmatx_buf *b, DRV_DMATX_MISUSE misuse)
{
    DRV_DMATX_RESULT r;

    vf_reset();
    DrvDmaTxSetMisuse(misuse);
    DrvDmaTxTransfer(0, WdfDmaDirectionWriteToDevice, b->mdl, 0, 16 * 1024, 0, 0, &r);
    DrvDmaTxSetMisuse(DrvDmaTxMisuseNone);
    return r;
}

/* After a finding the same transaction must still work. */
static void still_works(struct dmatx_buf *b)
{
    DRV_DMATX_RESULT r = run(b, DrvDmaTxMisuseNone);

    CHECK_EQ(r.Status, STATUS_SUCCESS);
    CHECK_EQ(r.Bytes, 16 * 1024);
    CHECK_EQ(vf_total(), 0);
}

static void test_state_rules(void)
{
    struct dmatx_fixture f;
    struct dmatx_buf b;
    DRV_DMATX_RESULT r;

    dmatx_up(&f, "sgdma", &sg_cfg);
    b = dmatx_buf_new(&f, 8, PHYSMEM_SCATTERED);
    still_works(&b);

    /* Rule DMA-TX-001: the second Execute is refused (documented status), the first runs on. */
    r = run(&b, DrvDmaTxMisuseExecuteTwice);
    CHECK_EQ(vf_count(VF_RULE_DMATX_WRONG_STATE), 1);
    CHECK_EQ(vf_total(), 1);
    CHECK_EQ(r.ExecuteStatus, STATUS_INVALID_DEVICE_REQUEST);
    CHECK_EQ(r.Status, STATUS_SUCCESS);
    still_works(&b);

    /* Rule DMA-TX-001: Initialize after the terminal completion without Release. */
    r = run(&b, DrvDmaTxMisuseInitializeNoRelease);
    CHECK_EQ(vf_count(VF_RULE_DMATX_WRONG_STATE), 1);
    CHECK_EQ(vf_total(), 1);
    CHECK_EQ(r.InitStatus, STATUS_INVALID_DEVICE_REQUEST);
    still_works(&b);

    /* Rule DMA-TX-002: a second DmaCompleted after TRUE. */
    r = run(&b, DrvDmaTxMisuseCompleteTwice);
    CHECK_EQ(vf_count(VF_RULE_DMATX_NO_TRANSFER), 1);
    CHECK_EQ(vf_total(), 1);
    CHECK_EQ(r.Status, STATUS_SUCCESS);
    still_works(&b);

    /* Rule DMA-TX-003: TRUE with STATUS_INVALID_PARAMETER, nothing credited. */
    r = run(&b, DrvDmaTxMisuseLengthOver);
    CHECK_EQ(vf_count(VF_RULE_DMATX_LENGTH_OVER), 1);
    CHECK_EQ(vf_total(), 1);
    CHECK_EQ(r.DmaStatus, STATUS_INVALID_PARAMETER);
    CHECK_EQ(r.Bytes, 0);
    CHECK_EQ(r.FalseReturns, 0);
    still_works(&b);

    /* Rule DMA-TX-004: Release in Transfer; the SG list goes back anyway. */
    r = run(&b, DrvDmaTxMisuseReleaseExecuting);
    CHECK_EQ(vf_count(VF_RULE_DMATX_RELEASE_EXECUTING), 1);
    CHECK_EQ(vf_total(), 1);
    still_works(&b);

    /* Rule DMA-TX-007: SetImmediateExecution (v3 only) and SetDeviceAddressOffset (system DMA
     * only) on a v2 bus-master transaction do nothing but are reported. */
    r = run(&b, DrvDmaTxMisuseV3DdiOnV2);
    CHECK_EQ(vf_count(VF_RULE_DMATX_NOT_SUPPORTED), 2);
    CHECK_EQ(vf_total(), 2);
    CHECK_EQ(r.Status, STATUS_SUCCESS);
    still_works(&b);

    /* IRQL-001: WdfDmaTransactionGetBytesTransferred at HIGH_LEVEL. */
    r = run(&b, DrvDmaTxMisuseHighIrql);
    CHECK_EQ(vf_count(VF_RULE_IRQL_TOO_HIGH), 1);
    CHECK_EQ(vf_total(), 1);
    still_works(&b);

    /* The device DMAs to the buffer after its transaction completed: the adapter closed the
     * IOMMU window at PutScatterGatherList, so the access faults and the descriptor fails. */
    {
        uint64_t faults = iommu_fault_count(f.m->iommu);
        struct iommu_fault fault;

        r = run(&b, DrvDmaTxMisuseDmaAfterComplete);
        CHECK_EQ(r.Status, STATUS_DEVICE_DATA_ERROR);
        CHECK_EQ(iommu_fault_count(f.m->iommu), faults + 1);
        REQUIRE(iommu_fault_get(f.m->iommu, faults, &fault) == 0);
        CHECK_EQ(fault.addr & ~(bus_addr_t)(PAGE_SIZE - 1),
                 DrvDmaTxLastAddress(0) & ~(ULONG64)(PAGE_SIZE - 1));
        CHECK_EQ(fault.dir, IOMMU_DIR_DEVICE_READS);
        still_works(&b);
    }

    /* Rule DMA-TX-004: WdfObjectDelete in Transfer (the transaction is gone afterwards). */
    r = run(&b, DrvDmaTxMisuseDeleteExecuting);
    CHECK_EQ(vf_count(VF_RULE_DMATX_RELEASE_EXECUTING), 1);
    CHECK_EQ(vf_total(), 1);
    dmatx_buf_free(&f, &b);
    dmatx_down(&f);
}

/* Rule DMA-TX-006: the driver leaves a transaction in flight and the device is removed. */
static void test_leak_at_removal(void)
{
    struct dmatx_fixture f;
    struct dmatx_buf b;
    DRV_DMATX_RESULT r;

    dmatx_up(&f, "sgdma", &sg_cfg);
    b = dmatx_buf_new(&f, 8, PHYSMEM_SCATTERED);
    r = run(&b, DrvDmaTxMisuseLeakAtRemoval);
    CHECK_EQ(r.Status, STATUS_PENDING);
    CHECK_EQ(vf_total(), 0);
    CHECK_EQ(fx_device_remove(f.dev), STATUS_SUCCESS);
    CHECK_EQ(vf_count(VF_RULE_DMATX_LEAKED), 1);
    CHECK_EQ(vf_total(), 1);
    dmatx_buf_free(&f, &b);
    dmatx_down(&f);
}

int main(void)
{
    test_state_rules();
    test_leak_at_removal();
    return check_done();
}
