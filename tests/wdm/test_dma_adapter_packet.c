/* test_dma_adapter_packet.c - packet-mode DMA and map-register scarcity (wdm layer, label dma):
 * AllocateAdapterChannel / MapTransfer / FlushAdapterBuffers / FreeMapRegisters with the 32-bit
 * pktdma device (a scattered buffer above 4 GiB becomes one contiguous bounce run; data reaches
 * the buffer at the flush, partial flushes copy only what moved); MapTransfer of a scatter/gather
 * adapter maps one physically contiguous run per call; running out of map registers queues
 * requests, which run in FIFO order at DISPATCH_LEVEL in the thread that frees registers;
 * KeepObject holds the channel (its registers are not FreeMapRegisters' to free: DMA-MR-001);
 * the version 3 synchronous grants, CancelAdapterChannel and
 * FreeAdapterObject; IoGetDmaAdapter through a bound PDO.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nc-wdm-pallocate_adapter_channel
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nc-wdm-pmap_transfer
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nc-wdm-pflush_adapter_buffers
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/ne-wdm-_io_allocation_action
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nc-wdm-pcancel_adapter_channel */
#include "test_dma_adapter_fixture.h"

#define MAXLEN (64u * 1024u)

/* What an AdapterControl routine saw, and what it answers. */
struct channel_capture {
    int calls;
    KIRQL irql;
    PVOID base;
    PIRP irp;
    IO_ALLOCATION_ACTION action;
    int order;
    int *sequence;
};

static IO_ALLOCATION_ACTION NTAPI capture_channel(PDEVICE_OBJECT DeviceObject, PIRP Irp,
                                                  PVOID MapRegisterBase, PVOID Context)
{
    struct channel_capture *c = Context;

    (void)DeviceObject;
    c->calls++;
    c->irql = KeGetCurrentIrql();
    c->base = MapRegisterBase;
    c->irp = Irp;
    if (c->sequence != NULL)
        c->order = ++*c->sequence;
    return c->action;
}

static NTSTATUS alloc_channel(PDMA_ADAPTER a, ULONG n, struct channel_capture *c)
{
    NTSTATUS st;

    DMA_AT_DISPATCH(st = a->DmaOperations->AllocateAdapterChannel(a, NULL, n, capture_channel, c));
    return st;
}

static void free_regs(PDMA_ADAPTER a, PVOID base, ULONG n)
{
    DMA_AT_DISPATCH(a->DmaOperations->FreeMapRegisters(a, base, n));
}

static NTSTATUS get_list(PDMA_ADAPTER a, struct dma_buf *b, BOOLEAN write, struct dma_capture *cap)
{
    NTSTATUS st;

    DMA_AT_DISPATCH(st = a->DmaOperations->GetScatterGatherList(a, NULL, b->mdl, b->start, b->len,
                                                                 dma_capture_list, cap, write));
    return st;
}

static void put_list(PDMA_ADAPTER a, struct dma_capture *cap)
{
    DMA_AT_DISPATCH(a->DmaOperations->PutScatterGatherList(a, cap->list, TRUE));
}

/* ---- packet mode through the 32-bit device ---- */

static void test_packet_bounce(void)
{
    struct pk p;
    struct channel_capture ch = {.action = DeallocateObjectKeepRegisters};
    ULONG nmr, len;
    PHYSICAL_ADDRESS la;

    dma_pk_up(&p, NULL);
    PDMA_ADAPTER a = dma_adapter(p.m, p.dev, dma_desc(DEVICE_DESCRIPTION_VERSION2, FALSE, FALSE, MAXLEN),
                                 0, &nmr);
    struct dma_buf src = dma_buf_new(p.m, 4, PHYSMEM_ABOVE_4G, 0x100, 3 * PAGE_SIZE);
    struct dma_buf dst = dma_buf_new(p.m, 4, PHYSMEM_ABOVE_4G | PHYSMEM_ZERO, 0x100, src.len);
    ULONG regs = ADDRESS_AND_SIZE_TO_SPAN_PAGES(src.start, src.len);
    pk_fill(src.start, src.len, 21);

    CHECK_EQ(alloc_channel(a, regs, &ch), STATUS_SUCCESS);
    CHECK_EQ(ch.calls, 1);
    CHECK_EQ(ch.irql, DISPATCH_LEVEL);
    REQUIRE(ch.base != NULL);
    CHECK_EQ(dma_stats(a).map_registers_in_use, regs);

    /* The whole scattered, unreachable buffer becomes one device-contiguous run below 4 GiB. */
    len = src.len;
    la = a->DmaOperations->MapTransfer(a, src.mdl, ch.base, src.start, &len, TRUE);
    CHECK_EQ(len, src.len);
    CHECK((uint64_t)la.QuadPart + len <= PHYSMEM_4G);
    CHECK_EQ(iommu_window_count(p.m->iommu, p.devid), 1);
    CHECK_EQ(pk_xfer(&p, (uint64_t)la.QuadPart, len, 0, PK_H2D), PK_DONE);
    CHECK(a->DmaOperations->FlushAdapterBuffers(a, src.mdl, ch.base, src.start, len, TRUE));
    CHECK_EQ(iommu_window_count(p.m->iommu, p.devid), 0);

    /* Device to host: nothing reaches the buffer before the flush. */
    len = dst.len;
    la = a->DmaOperations->MapTransfer(a, dst.mdl, ch.base, dst.start, &len, FALSE);
    CHECK_EQ(len, dst.len);
    CHECK_EQ(pk_xfer(&p, (uint64_t)la.QuadPart, len, 0, PK_D2H), PK_DONE);
    CHECK_EQ(pk_find_not(dst.start, dst.len, 0), -1);
    CHECK(a->DmaOperations->FlushAdapterBuffers(a, dst.mdl, ch.base, dst.start, len, FALSE));
    CHECK_EQ(pk_find_bad(dst.start, dst.len, 21, 0), -1);

    /* A flush of fewer bytes copies back only those (the transfer moved only them). */
    memset(dst.start, 0, dst.len);
    len = dst.len;
    la = a->DmaOperations->MapTransfer(a, dst.mdl, ch.base, dst.start, &len, FALSE);
    CHECK_EQ(pk_xfer(&p, (uint64_t)la.QuadPart, len, 0, PK_D2H), PK_DONE);
    CHECK(a->DmaOperations->FlushAdapterBuffers(a, dst.mdl, ch.base, dst.start, 5000, FALSE));
    CHECK_EQ(pk_find_bad(dst.start, 5000, 21, 0), -1);
    CHECK_EQ(pk_find_not(dst.start + 5000, dst.len - 5000, 0), -1);

    struct wdm_dma_adapter_stats st = dma_stats(a);
    CHECK_EQ(st.mappings, 3);
    CHECK_EQ(st.bounce_bytes_in, src.len);
    CHECK_EQ(st.bounce_bytes_out, dst.len + 5000);
    CHECK_EQ(st.channel_grants, 1);
    free_regs(a, ch.base, regs);
    CHECK_EQ(dma_stats(a).map_registers_in_use, 0);
    CHECK_EQ(dma_stats(a).windows_open, 0);

    a->DmaOperations->PutDmaAdapter(a);
    CHECK_EQ(vf_total(), 0);
    dma_buf_free(p.m, &src);
    dma_buf_free(p.m, &dst);
    dma_pk_down(&p);
}

/* A scatter/gather adapter maps one physically contiguous run per MapTransfer. */
static void test_sg_adapter_runs(void)
{
    struct pk p;
    struct channel_capture ch = {.action = DeallocateObjectKeepRegisters};
    SCATTER_GATHER_ELEMENT want[DMA_MAX_ELEMENTS];
    ULONG nmr, len, n, done = 0;
    PHYSICAL_ADDRESS la;

    dma_pk_up(&p, NULL);
    PDMA_ADAPTER a = dma_adapter(p.m, p.dev, dma_desc(DEVICE_DESCRIPTION_VERSION2, TRUE, TRUE, MAXLEN),
                                 0, &nmr);
    struct dma_buf b = dma_buf_new(p.m, 12, PHYSMEM_SCATTERED, 0x300, 11 * PAGE_SIZE);
    ULONG regs = ADDRESS_AND_SIZE_TO_SPAN_PAGES(b.start, b.len);
    n = dma_expected(p.m, b.start, b.len, want);
    REQUIRE(n > 1);

    CHECK_EQ(alloc_channel(a, regs, &ch), STATUS_SUCCESS);
    for (ULONG i = 0; i < n; i++) {
        len = b.len - done;
        la = a->DmaOperations->MapTransfer(a, b.mdl, ch.base, b.start + done, &len, TRUE);
        CHECK_EQ(la.QuadPart, want[i].Address.QuadPart);
        CHECK_EQ(len, want[i].Length);
        done += len;
    }
    CHECK_EQ(done, b.len);
    CHECK_EQ(iommu_window_count(p.m->iommu, p.devid), n);
    CHECK(a->DmaOperations->FlushAdapterBuffers(a, b.mdl, ch.base, b.start, b.len, TRUE));
    CHECK_EQ(iommu_window_count(p.m->iommu, p.devid), 0);
    CHECK_EQ(dma_stats(a).bounced_pieces, 0);
    free_regs(a, ch.base, regs);

    a->DmaOperations->PutDmaAdapter(a);
    CHECK_EQ(vf_total(), 0);
    dma_buf_free(p.m, &b);
    dma_pk_down(&p);
}

/* ---- running out of map registers ---- */

static void test_deferral_fifo(void)
{
    struct pk p;
    int seq = 0;
    struct dma_capture ca = {.sequence = &seq}, cb = {.sequence = &seq}, cc = {.sequence = &seq};
    struct dma_capture ce = {.sequence = &seq}, cf = {.sequence = &seq};
    struct channel_capture cd = {.action = DeallocateObjectKeepRegisters, .sequence = &seq};
    ULONG nmr;

    dma_pk_up(&p, NULL);
    PDMA_ADAPTER a = dma_adapter(p.m, p.dev, dma_desc(DEVICE_DESCRIPTION_VERSION2, TRUE, TRUE, MAXLEN),
                                 4, &nmr);
    CHECK_EQ(nmr, 4);                       /* the cap wins over MaximumLength */
    struct dma_buf two[3], one[2];
    for (int i = 0; i < 3; i++)
        two[i] = dma_buf_new(p.m, 2, PHYSMEM_SCATTERED, 0, 2 * PAGE_SIZE);
    for (int i = 0; i < 2; i++)
        one[i] = dma_buf_new(p.m, 1, PHYSMEM_SCATTERED, 0x10, 0x100);

    CHECK_EQ(get_list(a, &two[0], TRUE, &ca), STATUS_SUCCESS);
    CHECK_EQ(get_list(a, &two[1], TRUE, &cb), STATUS_SUCCESS);
    CHECK(ca.calls == 1 && cb.calls == 1);
    /* No register left: the next requests are queued; Get/Allocate still succeed. */
    CHECK_EQ(get_list(a, &two[2], TRUE, &cc), STATUS_SUCCESS);
    CHECK_EQ(alloc_channel(a, 1, &cd), STATUS_SUCCESS);
    CHECK_EQ(get_list(a, &one[0], TRUE, &ce), STATUS_SUCCESS);
    CHECK(cc.calls == 0 && cd.calls == 0 && ce.calls == 0);
    struct wdm_dma_adapter_stats st = dma_stats(a);
    CHECK_EQ(st.waiting, 3);
    CHECK_EQ(st.deferred, 3);
    CHECK_EQ(st.map_registers_in_use, 4);

    /* Two registers come back: the head (2 registers) runs inside the put, at DISPATCH_LEVEL;
     * the channel request behind it needs one more register and waits, and so does the
     * 1-register list behind that (FIFO, no overtaking). */
    put_list(a, &ca);
    CHECK_EQ(cc.calls, 1);
    CHECK_EQ(cc.irql, DISPATCH_LEVEL);
    CHECK_EQ(cc.order, 3);
    CHECK(cd.calls == 0 && ce.calls == 0);
    CHECK_EQ(dma_stats(a).waiting, 2);

    put_list(a, &cb);
    CHECK_EQ(cd.calls, 1);
    CHECK_EQ(cd.order, 4);
    CHECK_EQ(cd.irql, DISPATCH_LEVEL);
    CHECK_EQ(ce.calls, 1);
    CHECK_EQ(ce.order, 5);
    CHECK_EQ(dma_stats(a).map_registers_in_use, 4);
    CHECK_EQ(dma_stats(a).waiting, 0);

    /* Queue empty but no register free: queued again; FreeMapRegisters lets it run. */
    CHECK_EQ(get_list(a, &one[1], TRUE, &cf), STATUS_SUCCESS);
    CHECK_EQ(cf.calls, 0);
    free_regs(a, cd.base, 1);
    CHECK_EQ(cf.calls, 1);
    CHECK_EQ(cf.order, 6);

    put_list(a, &cc);
    put_list(a, &ce);
    put_list(a, &cf);
    st = dma_stats(a);
    CHECK_EQ(st.map_registers_in_use, 0);
    CHECK_EQ(st.map_registers_peak, 4);
    CHECK_EQ(st.deferred, 4);
    CHECK_EQ(st.sg_lists_built, 5);
    CHECK_EQ(st.windows_open, 0);

    a->DmaOperations->PutDmaAdapter(a);
    CHECK_EQ(vf_total(), 0);
    for (int i = 0; i < 3; i++)
        dma_buf_free(p.m, &two[i]);
    for (int i = 0; i < 2; i++)
        dma_buf_free(p.m, &one[i]);
    dma_pk_down(&p);
}

/* KeepObject keeps the adapter channel (and its registers) until FreeAdapterChannel; nothing
 * else is granted meanwhile. */
static void test_keep_object(void)
{
    struct pk p;
    struct channel_capture ch = {.action = KeepObject};
    struct dma_capture cap = {0};
    ULONG nmr;

    dma_pk_up(&p, NULL);
    PDMA_ADAPTER a = dma_adapter(p.m, p.dev, dma_desc(DEVICE_DESCRIPTION_VERSION2, TRUE, TRUE, MAXLEN),
                                 0, &nmr);
    struct dma_buf b = dma_buf_new(p.m, 1, PHYSMEM_SCATTERED, 0, 64);

    CHECK_EQ(alloc_channel(a, 2, &ch), STATUS_SUCCESS);
    CHECK_EQ(ch.calls, 1);
    /* Rule DMA-MR-001: registers kept with the channel are not FreeMapRegisters' to free. */
    free_regs(a, ch.base, 2);
    CHECK_EQ(vf_count(VF_RULE_DMA_MAP_REGISTERS_MISUSE), 1);
    CHECK_EQ(dma_stats(a).map_registers_in_use, 2);
    CHECK_EQ(get_list(a, &b, TRUE, &cap), STATUS_SUCCESS);
    CHECK_EQ(cap.calls, 0);
    CHECK_EQ(dma_stats(a).waiting, 1);
    CHECK_EQ(dma_stats(a).map_registers_in_use, 2);
    DMA_AT_DISPATCH(a->DmaOperations->FreeAdapterChannel(a));
    CHECK_EQ(cap.calls, 1);
    CHECK_EQ(dma_stats(a).map_registers_in_use, 1);   /* the channel's two went with it */
    put_list(a, &cap);

    a->DmaOperations->PutDmaAdapter(a);
    CHECK_EQ(vf_total(), 1);
    vf_reset();
    dma_buf_free(p.m, &b);
    dma_pk_down(&p);
}

/* ---- version 3: synchronous grants, cancel, FreeAdapterObject, MapTransferEx ---- */

static void test_v3_channel(void)
{
    struct pk p;
    struct channel_capture queued = {.action = DeallocateObject};
    UCHAR ctx1[DMA_TRANSFER_CONTEXT_SIZE_V1], ctx2[DMA_TRANSFER_CONTEXT_SIZE_V1];
    uint8_t sgbuf[sizeof(SCATTER_GATHER_LIST) + sizeof(SCATTER_GATHER_ELEMENT)];
    PSCATTER_GATHER_LIST sg = (PSCATTER_GATHER_LIST)sgbuf;
    PSCATTER_GATHER_LIST list = (PSCATTER_GATHER_LIST)1;
    PVOID base = NULL, other = (PVOID)1;
    ULONG nmr, len;
    NTSTATUS st;
    PDMA_OPERATIONS ops;

    dma_pk_up(&p, NULL);
    PDMA_ADAPTER a = dma_adapter(p.m, p.dev, dma_desc(DEVICE_DESCRIPTION_VERSION3, FALSE, FALSE, MAXLEN),
                                 0, &nmr);
    ops = a->DmaOperations;
    struct dma_buf b = dma_buf_new(p.m, 3, PHYSMEM_ABOVE_4G, 0x20, 2 * PAGE_SIZE);
    pk_fill(b.start, b.len, 33);
    CHECK_EQ(ops->InitializeDmaTransferContext(a, ctx1), STATUS_SUCCESS);
    CHECK_EQ(ops->InitializeDmaTransferContext(a, ctx2), STATUS_SUCCESS);

    /* Synchronous, no routine: the caller holds the channel and gets the registers back. */
    st = ops->AllocateAdapterChannelEx(a, NULL, ctx1, 3, DMA_SYNCHRONOUS_CALLBACK, NULL, NULL, &base);
    CHECK_EQ(st, STATUS_SUCCESS);
    REQUIRE(base != NULL);
    st = ops->AllocateAdapterChannelEx(a, NULL, ctx2, 1, DMA_SYNCHRONOUS_CALLBACK, NULL, NULL, &other);
    CHECK_EQ(st, STATUS_INSUFFICIENT_RESOURCES);
    CHECK(other == NULL);
    st = ops->GetScatterGatherListEx(a, NULL, ctx2, b.mdl, 0, 64, DMA_SYNCHRONOUS_CALLBACK, NULL,
                                     NULL, TRUE, NULL, NULL, &list);
    CHECK_EQ(st, STATUS_INSUFFICIENT_RESOURCES);
    CHECK(list == NULL);

    /* Queued, then cancelled before it was granted: its routine never runs. */
    st = ops->AllocateAdapterChannelEx(a, NULL, ctx2, 1, 0, capture_channel, &queued, NULL);
    CHECK_EQ(st, STATUS_SUCCESS);
    CHECK_EQ(dma_stats(a).waiting, 1);
    CHECK(ops->CancelAdapterChannel(a, NULL, ctx2));
    CHECK(!ops->CancelAdapterChannel(a, NULL, ctx2));
    CHECK_EQ(dma_stats(a).waiting, 0);

    /* MapTransferEx fills a one-element list; FlushAdapterBuffersEx ends the mapping. */
    len = b.len;
    st = ops->MapTransferEx(a, b.mdl, base, 0, 0, &len, TRUE, sg, sizeof(sgbuf), NULL, NULL);
    CHECK_EQ(st, STATUS_SUCCESS);
    CHECK_EQ(len, b.len);
    CHECK_EQ(sg->NumberOfElements, 1);
    CHECK_EQ(sg->Elements[0].Length, b.len);
    CHECK((uint64_t)sg->Elements[0].Address.QuadPart + b.len <= PHYSMEM_4G);
    CHECK_EQ(pk_xfer(&p, (uint64_t)sg->Elements[0].Address.QuadPart, len, 0, PK_H2D), PK_DONE);
    CHECK_EQ(ops->FlushAdapterBuffersEx(a, b.mdl, base, 0, len, TRUE), STATUS_SUCCESS);

    /* Channel released, registers kept; then freed. */
    ops->FreeAdapterObject(a, DeallocateObjectKeepRegisters);
    CHECK_EQ(dma_stats(a).map_registers_in_use, 3);
    st = ops->AllocateAdapterChannelEx(a, NULL, ctx2, 1, 0, capture_channel, &queued, NULL);
    CHECK_EQ(st, STATUS_SUCCESS);
    CHECK_EQ(queued.calls, 1);                 /* DeallocateObject: its register went back */
    free_regs(a, base, 3);
    CHECK_EQ(dma_stats(a).map_registers_in_use, 0);

    DMA_ADAPTER_INFO info = {.Version = DMA_ADAPTER_INFO_VERSION1};
    CHECK_EQ(ops->GetDmaAdapterInfo(a, &info), STATUS_SUCCESS);
    CHECK_EQ(info.V1.DmaAddressWidth, 32);
    CHECK_EQ(info.V1.ScatterGatherLimit, nmr);
    CHECK_EQ(ops->GetDmaAlignment(a), 1);
    CHECK_EQ(ops->ConfigureAdapterChannel(a, 0, NULL), STATUS_NOT_SUPPORTED);
    CHECK(ops->GetDmaDomain(a) == NULL);

    ops->PutDmaAdapter(a);
    CHECK_EQ(vf_total(), 0);
    dma_buf_free(p.m, &b);
    dma_pk_down(&p);
}

/* IoGetDmaAdapter finds the bus device through the PDO the bus side bound. */
static void test_io_get_dma_adapter(void)
{
    struct pk p;
    DEVICE_OBJECT pdo;
    struct wdm_dma_pdo_binding binding;
    struct wdm_dma_adapter_params params = {.map_register_cap = 8};
    struct dma_capture cap = {0};
    DEVICE_DESCRIPTION d = dma_desc(DEVICE_DESCRIPTION_VERSION, TRUE, FALSE, MAXLEN);
    ULONG nmr = 0;
    NTSTATUS st;

    dma_pk_up(&p, NULL);
    memset(&pdo, 0, sizeof(pdo));
    pdo.Type = IO_TYPE_DEVICE;
    pdo.CurrentIrp = (PIRP)&binding;          /* any pointer: it is handed back as the Irp */
    wdm_dma_pdo_bind(&pdo, &binding, p.m, p.dev, &params);
    PDMA_ADAPTER a = IoGetDmaAdapter(&pdo, &d, &nmr);
    REQUIRE(a != NULL);
    CHECK_EQ(nmr, 8);
    CHECK_EQ(a->Version, 1);
    CHECK_EQ(a->DmaOperations->Size, FIELD_OFFSET(DMA_OPERATIONS, CalculateScatterGatherList));
    CHECK_EQ(wdm_dma_adapter_device_id(a), p.devid);

    struct dma_buf b = dma_buf_new(p.m, 1, PHYSMEM_BELOW_4G, 0, 128);
    DMA_AT_DISPATCH(st = a->DmaOperations->GetScatterGatherList(a, &pdo, b.mdl, b.start, b.len,
                                                                 dma_capture_list, &cap, TRUE));
    CHECK_EQ(st, STATUS_SUCCESS);
    CHECK(cap.dev == &pdo);
    CHECK(cap.irp == pdo.CurrentIrp);
    CHECK_EQ(cap.el[0].Address.QuadPart, (LONGLONG)dma_pa(p.m, b.start));
    put_list(a, &cap);
    a->DmaOperations->PutDmaAdapter(a);
    wdm_dma_pdo_unbind(&pdo);
    CHECK(pdo.DeviceObjectExtension == NULL);
    CHECK_EQ(vf_total(), 0);
    dma_buf_free(p.m, &b);
    dma_pk_down(&p);
}

int main(void)
{
    test_packet_bounce();
    test_sg_adapter_runs();
    test_deferral_fifo();
    test_keep_object();
    test_v3_channel();
    test_io_get_dma_adapter();
    return check_done();
}
