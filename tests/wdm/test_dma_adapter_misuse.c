/* test_dma_adapter_misuse.c - verifier findings of the DMA adapter (wdm layer, label dma), each
 * with an exact count and the call still handled safely: DMA-ADP-001 (foreign or NULL adapter,
 * unsupported description, a version 3 routine on a version 2 adapter, an unbound PDO),
 * DMA-IRQL-001 (a DISPATCH_LEVEL-only routine called at PASSIVE_LEVEL), DMA-BUF-001 (CurrentVa
 * outside the MDL, zero length, an offset past the chain), DMA-SG-001 (foreign list, double put,
 * other direction), DMA-MR-001 (bad MapRegisterBase, wrong count, channel not held, over-mapping,
 * freeing mapped registers, bad IO_ALLOCATION_ACTION), and the leak report at PutDmaAdapter:
 * DMA-SG-002, DMA-MR-002 (registers, held channel, queued allocation).
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/devtest/dma-verification
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nc-wdm-pput_scatter_gather_list
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nc-wdm-pfree_map_registers */
#include "test_dma_adapter_fixture.h"

#define MAXLEN (64u * 1024u)

static IO_ALLOCATION_ACTION NTAPI answer(PDEVICE_OBJECT DeviceObject, PIRP Irp,
                                         PVOID MapRegisterBase, PVOID Context)
{
    (void)DeviceObject;
    (void)Irp;
    *(PVOID *)((PVOID *)Context)[0] = MapRegisterBase;
    return (IO_ALLOCATION_ACTION)(uintptr_t)((PVOID *)Context)[1];
}

/* AllocateAdapterChannel whose routine returns `action`; returns the MapRegisterBase. */
static PVOID channel(PDMA_ADAPTER a, ULONG n, IO_ALLOCATION_ACTION action)
{
    PVOID base = NULL;
    PVOID ctx[2] = {&base, (PVOID)(uintptr_t)action};
    NTSTATUS st;

    DMA_AT_DISPATCH(st = a->DmaOperations->AllocateAdapterChannel(a, NULL, n, answer, ctx));
    CHECK_EQ(st, STATUS_SUCCESS);
    return base;
}

static PSCATTER_GATHER_LIST get(PDMA_ADAPTER a, struct dma_buf *b, BOOLEAN write,
                                struct dma_capture *cap)
{
    NTSTATUS st;

    memset(cap, 0, sizeof(*cap));
    DMA_AT_DISPATCH(st = a->DmaOperations->GetScatterGatherList(a, NULL, b->mdl, b->start, b->len,
                                                                 dma_capture_list, cap, write));
    CHECK_EQ(st, STATUS_SUCCESS);
    return cap->list;
}

static void test_adapter_invalid(struct pk *p)
{
    /* Room behind the header: the check reads the adapter's private part once the operations
     * pointer looks genuine. */
    union {
        DMA_ADAPTER hdr;
        uint8_t room[1024];
    } fake;
    DEVICE_DESCRIPTION d = dma_desc(DEVICE_DESCRIPTION_VERSION2, TRUE, TRUE, MAXLEN);
    DEVICE_OBJECT pdo;
    ULONG nmr = 0;
    PHYSICAL_ADDRESS la;
    DMA_ADAPTER_INFO info = {.Version = DMA_ADAPTER_INFO_VERSION1};

    /* A genuine adapter's table called with a pointer that is not one. */
    PDMA_ADAPTER a = dma_adapter(p->m, p->dev, d, 0, &nmr);
    PDMA_OPERATIONS ops = a->DmaOperations;
    memset(&fake, 0, sizeof(fake));
    fake.hdr = (DMA_ADAPTER){.Version = 1, .Size = sizeof(DMA_ADAPTER), .DmaOperations = ops};
    vf_reset();
    CHECK(ops->AllocateCommonBuffer(&fake.hdr, 64, &la, TRUE) == NULL);
    ops->PutScatterGatherList(NULL, NULL, TRUE);
    CHECK_EQ(vf_count(VF_RULE_DMA_ADAPTER_INVALID), 2);

    /* A version 3 routine on a version 2 adapter (its table's Size stops before it). */
    CHECK(ops->Size <= FIELD_OFFSET(DMA_OPERATIONS, GetDmaAdapterInfo));
    CHECK_EQ(ops->GetDmaAdapterInfo(a, &info), STATUS_INVALID_PARAMETER);
    CHECK_EQ(vf_count(VF_RULE_DMA_ADAPTER_INVALID), 3);
    ops->PutDmaAdapter(a);

    /* Descriptions dmabox cannot serve: an unknown version and an impossible width are
     * reported; system DMA (not a bus master) just gets no adapter. */
    d.Version = 4;
    CHECK(wdm_dma_adapter_create(p->m, p->dev, &d, &nmr) == NULL);
    d.Version = DEVICE_DESCRIPTION_VERSION3;
    d.DmaAddressWidth = 12;
    CHECK(wdm_dma_adapter_create(p->m, p->dev, &d, &nmr) == NULL);
    CHECK_EQ(vf_count(VF_RULE_DMA_ADAPTER_INVALID), 5);
    d.DmaAddressWidth = 0;
    d.Master = FALSE;
    CHECK(wdm_dma_adapter_create(p->m, p->dev, &d, &nmr) == NULL);

    /* A PDO nobody bound. */
    memset(&pdo, 0, sizeof(pdo));
    d.Master = TRUE;
    CHECK(IoGetDmaAdapter(&pdo, &d, &nmr) == NULL);
    CHECK_EQ(vf_count(VF_RULE_DMA_ADAPTER_INVALID), 6);
    CHECK_EQ(vf_total(), 6);
}

static void test_irql_and_buffer(struct pk *p)
{
    struct dma_capture cap = {0};
    ULONG nmr, size;
    NTSTATUS st;
    PDMA_ADAPTER a = dma_adapter(p->m, p->dev, dma_desc(DEVICE_DESCRIPTION_VERSION3, TRUE, TRUE, MAXLEN),
                                 0, &nmr);
    PDMA_OPERATIONS ops = a->DmaOperations;
    struct dma_buf b = dma_buf_new(p->m, 2, PHYSMEM_SCATTERED, 0x100, PAGE_SIZE);

    /* Rule DMA-IRQL-001: called at PASSIVE_LEVEL; the routine still runs at DISPATCH_LEVEL. */
    vf_reset();
    st = ops->GetScatterGatherList(a, NULL, b.mdl, b.start, b.len, dma_capture_list, &cap, TRUE);
    CHECK_EQ(st, STATUS_SUCCESS);
    CHECK_EQ(cap.calls, 1);
    CHECK_EQ(cap.irql, DISPATCH_LEVEL);
    CHECK_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
    ops->PutScatterGatherList(a, cap.list, TRUE);
    CHECK_EQ(vf_count(VF_RULE_DMA_IRQL_NOT_DISPATCH), 2);
    CHECK_EQ(vf_total(), 2);

    /* Rule DMA-BUF-001: CurrentVa before the MDL, Length 0, an offset past the chain. */
    vf_reset();
    memset(&cap, 0, sizeof(cap));
    DMA_AT_DISPATCH(st = ops->GetScatterGatherList(a, NULL, b.mdl, b.start - 1, 16,
                                                   dma_capture_list, &cap, TRUE));
    CHECK_EQ(st, STATUS_BUFFER_TOO_SMALL);
    DMA_AT_DISPATCH(st = ops->GetScatterGatherList(a, NULL, b.mdl, b.start, 0, dma_capture_list,
                                                   &cap, TRUE));
    CHECK_EQ(st, STATUS_BUFFER_TOO_SMALL);
    CHECK_EQ(ops->CalculateScatterGatherList(a, b.mdl, b.start + b.len, 1, &size, NULL),
             STATUS_BUFFER_TOO_SMALL);
    DMA_AT_DISPATCH(st = ops->GetScatterGatherListEx(a, NULL, NULL, b.mdl, b.len, 1, 0,
                                                     dma_capture_list, &cap, TRUE, NULL, NULL,
                                                     NULL));
    CHECK_EQ(st, STATUS_INVALID_PARAMETER);
    CHECK_EQ(cap.calls, 0);
    CHECK_EQ(vf_count(VF_RULE_DMA_BAD_BUFFER), 4);
    CHECK_EQ(vf_total(), 4);
    CHECK_EQ(dma_stats(a).map_registers_in_use, 0);

    ops->PutDmaAdapter(a);
    dma_buf_free(p->m, &b);
}

static void test_bad_put(struct pk *p)
{
    struct dma_capture cap, other;
    ULONG nmr;
    SCATTER_GATHER_LIST forged = {.NumberOfElements = 1};
    PDMA_ADAPTER a = dma_adapter(p->m, p->dev, dma_desc(DEVICE_DESCRIPTION_VERSION2, TRUE, TRUE, MAXLEN),
                                 0, &nmr);
    PDMA_ADAPTER a2 = dma_adapter(p->m, p->dev, dma_desc(DEVICE_DESCRIPTION_VERSION2, TRUE, TRUE, MAXLEN),
                                  0, &nmr);
    struct dma_buf b = dma_buf_new(p->m, 2, PHYSMEM_SCATTERED, 0, 2 * PAGE_SIZE);

    /* Rule DMA-SG-001: a list this adapter did not hand out, twice the same list, another
     * adapter's list, and the other direction (which is still put, the way it was built). */
    PSCATTER_GATHER_LIST l = get(a, &b, TRUE, &cap);
    PSCATTER_GATHER_LIST l2 = get(a2, &b, FALSE, &other);
    vf_reset();
    DMA_AT_DISPATCH(a->DmaOperations->PutScatterGatherList(a, &forged, TRUE));
    DMA_AT_DISPATCH(a->DmaOperations->PutScatterGatherList(a, l2, FALSE));
    CHECK_EQ(vf_count(VF_RULE_DMA_SG_BAD_PUT), 2);
    CHECK_EQ(dma_stats(a).sg_lists_outstanding, 1);
    DMA_AT_DISPATCH(a->DmaOperations->PutScatterGatherList(a, l, FALSE));
    CHECK_EQ(vf_count(VF_RULE_DMA_SG_BAD_PUT), 3);
    CHECK_EQ(dma_stats(a).sg_lists_outstanding, 0);
    CHECK_EQ(iommu_window_count(p->m->iommu, p->devid), other.n);
    DMA_AT_DISPATCH(a->DmaOperations->PutScatterGatherList(a, l, TRUE));
    CHECK_EQ(vf_count(VF_RULE_DMA_SG_BAD_PUT), 4);
    CHECK_EQ(vf_total(), 4);

    /* Rule DMA-SG-002: a list never put is reported (and released) at PutDmaAdapter. */
    vf_reset();
    a2->DmaOperations->PutDmaAdapter(a2);
    CHECK_EQ(vf_count(VF_RULE_DMA_SG_LEAK), 1);
    CHECK_EQ(vf_total(), 1);
    CHECK_EQ(iommu_window_count(p->m->iommu, p->devid), 0);
    a->DmaOperations->PutDmaAdapter(a);
    dma_buf_free(p->m, &b);
}

static void test_map_registers(struct pk *p)
{
    ULONG nmr, len;
    PVOID base, kept, stray;
    PHYSICAL_ADDRESS la;
    struct dma_capture cap;
    PDMA_ADAPTER a = dma_adapter(p->m, p->dev, dma_desc(DEVICE_DESCRIPTION_VERSION2, TRUE, TRUE, MAXLEN),
                                 4, &nmr);
    PDMA_OPERATIONS ops = a->DmaOperations;
    struct dma_buf b = dma_buf_new(p->m, 3, PHYSMEM_SCATTERED, 0, 3 * PAGE_SIZE);

    vf_reset();
    /* Rule DMA-MR-001: a MapRegisterBase that was never allocated. */
    base = channel(a, 1, DeallocateObjectKeepRegisters);
    DMA_AT_DISPATCH(ops->FreeMapRegisters(a, (uint8_t *)base + 1, 1));
    len = 16;
    la = ops->MapTransfer(a, b.mdl, &len, b.start, &len, TRUE);
    CHECK_EQ(len, 0);
    CHECK_EQ(la.QuadPart, 0);
    CHECK_EQ(vf_count(VF_RULE_DMA_MAP_REGISTERS_MISUSE), 2);

    /* Mapping more than was allocated: one register, then nothing left until a flush. */
    len = b.len;
    la = ops->MapTransfer(a, b.mdl, base, b.start, &len, TRUE);
    CHECK(len > 0 && len <= PAGE_SIZE);
    ULONG second = b.len - len;
    ops->MapTransfer(a, b.mdl, base, b.start + len, &second, TRUE);
    CHECK_EQ(second, 0);
    CHECK_EQ(vf_count(VF_RULE_DMA_MAP_REGISTERS_MISUSE), 3);

    /* Freeing mapped registers with the wrong count: two findings, the registers still go. */
    DMA_AT_DISPATCH(ops->FreeMapRegisters(a, base, 2));
    CHECK_EQ(vf_count(VF_RULE_DMA_MAP_REGISTERS_MISUSE), 5);
    CHECK_EQ(dma_stats(a).map_registers_in_use, 0);
    CHECK_EQ(iommu_window_count(p->m->iommu, p->devid), 0);
    DMA_AT_DISPATCH(ops->FreeMapRegisters(a, base, 1));        /* double free */
    CHECK_EQ(vf_count(VF_RULE_DMA_MAP_REGISTERS_MISUSE), 6);

    /* FreeAdapterChannel without holding the channel; FreeMapRegisters of the held channel's
     * registers; an AdapterControl answer that is no IO_ALLOCATION_ACTION. */
    DMA_AT_DISPATCH(ops->FreeAdapterChannel(a));
    kept = channel(a, 1, KeepObject);
    DMA_AT_DISPATCH(ops->FreeMapRegisters(a, kept, 1));
    CHECK_EQ(vf_count(VF_RULE_DMA_MAP_REGISTERS_MISUSE), 8);
    DMA_AT_DISPATCH(ops->FreeAdapterChannel(a));
    stray = channel(a, 1, (IO_ALLOCATION_ACTION)7);
    CHECK_EQ(vf_count(VF_RULE_DMA_MAP_REGISTERS_MISUSE), 9);
    CHECK_EQ(vf_total(), 9);
    (void)stray;

    /* Rule DMA-MR-002 at PutDmaAdapter: the stray registers, a held channel with registers, and
     * a request still queued behind it; one finding each, and everything released. */
    kept = channel(a, 2, KeepObject);
    memset(&cap, 0, sizeof(cap));
    NTSTATUS st;
    DMA_AT_DISPATCH(st = ops->GetScatterGatherList(a, NULL, b.mdl, b.start, b.len,
                                                   dma_capture_list, &cap, TRUE));
    CHECK_EQ(st, STATUS_SUCCESS);
    CHECK_EQ(cap.calls, 0);
    CHECK_EQ(dma_stats(a).waiting, 1);
    vf_reset();
    ops->PutDmaAdapter(a);
    CHECK_EQ(vf_count(VF_RULE_DMA_MAP_REGISTERS_LEAK), 4);
    CHECK_EQ(vf_total(), 4);
    CHECK_EQ(cap.calls, 0);
    dma_buf_free(p->m, &b);
}

int main(void)
{
    struct pk p;

    dma_pk_up(&p, NULL);
    test_adapter_invalid(&p);
    test_irql_and_buffer(&p);
    test_bad_put(&p);
    test_map_registers(&p);
    CHECK_EQ(iommu_window_count(p.m->iommu, p.devid), 0);
    dma_pk_down(&p);
    return check_done();
}
