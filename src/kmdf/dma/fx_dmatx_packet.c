/* fx_dmatx_packet.c - the packet profile of the DMA transaction (kmdf layer): one adapter channel
 * (map registers) per transaction, one MapTransfer per transfer handed to EvtProgramDma as a
 * one-element SG list, FlushAdapterBuffers when it completes, FreeMapRegisters at the end; the
 * DMA v2 per-device packet token; AllocateResources / FreeResources (DMA v3 reservations).
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/using-packet-based-dma
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdmatransaction/nf-wdfdmatransaction-wdfdmatransactionallocateresources
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/using-dma-version-3 */
#include "kmdf/dma/fx_dmatransaction.h"

#include "platform/exec_ctx.h"
#include "verifier/vf.h"

static NTSTATUS packet_init_resources(struct fx_dma_transaction *tx)
{
    size_t fits, pages;

    /* DMA v2 packet transactions cannot span an MDL chain (using-dma-version-3). */
    if (!fx_dma_enabler_supports_chained_mdls(tx->enabler) &&
        tx->start_offset + tx->length > MmGetMdlByteCount(tx->mdl))
        return STATUS_INVALID_PARAMETER;
    pages = fx_dmatx_pages(tx, 0, tx->length, (size_t)-1, &fits);
    if (fits < tx->length)
        return STATUS_BUFFER_TOO_SMALL;
    if (tx->single_transfer) {
        size_t regs = tx->reserved_regs != 0 ? tx->reserved_regs : tx->dir->map_registers;

        if (tx->length > tx->max_fragment)
            return STATUS_WDF_TOO_MANY_TRANSFERS;
        if (pages > regs)
            return STATUS_WDF_NOT_ENOUGH_MAP_REGISTERS;
        if (tx->mdl->Next != NULL && tx->start_offset + tx->length > MmGetMdlByteCount(tx->mdl))
            return STATUS_WDF_TOO_FRAGMENTED; /* a packet transfer is one element */
    }
    return STATUS_SUCCESS;
}

/* Map registers for the whole transaction: the span of the buffer when one transfer covers it,
 * else the worst case of a T-byte transfer starting at the last byte of a page (spec §5.3). */
static ULONG packet_map_count(const struct fx_dma_transaction *tx)
{
    size_t off;
    PMDL mdl = fx_dmatx_locate(tx, 0, &off);
    size_t need;

    if (tx->length <= tx->max_fragment && mdl->Next == NULL)
        need = ADDRESS_AND_SIZE_TO_SPAN_PAGES((char *)MmGetMdlVirtualAddress(mdl) + off,
                                              tx->length);
    else
        need = (PAGE_SIZE - 1 + tx->max_fragment + PAGE_SIZE - 1) >> PAGE_SHIFT;
    if (need > tx->dir->map_registers)
        need = tx->dir->map_registers;
    return (ULONG)need;
}

static NTSTATUS packet_stage(struct fx_dma_transaction *tx);

/* The adapter's execution routine: the channel and map registers are granted.  Granted inside
 * AllocateAdapterChannel (the usual case): only note it, Execute stages next.  Granted later,
 * on the thread that freed the registers: stage from here.  DISPATCH_LEVEL. */
static IO_ALLOCATION_ACTION NTAPI packet_adapter_control(PDEVICE_OBJECT devobj, PIRP irp,
                                                         PVOID base, PVOID context)
{
    struct fx_dma_transaction *tx = context;

    (void)devobj;
    (void)irp;
    tx->map_base = base;
    tx->channel_held = true;
    if (atomic_load(&tx->starting) == exec_ctx_self()) {
        atomic_store(&tx->granted_sync, true);
    } else if (!NT_SUCCESS(packet_stage(tx))) {
        /* Mapping a granted channel does not fail for a valid buffer. */
        FX_ASSERT(!"packet staging failed after a deferred grant");
    }
    return DeallocateObjectKeepRegisters;
}

static NTSTATUS packet_start(struct fx_dma_transaction *tx)
{
    PDMA_ADAPTER a = tx->dir->adapter;
    PDMA_OPERATIONS ops = a->DmaOperations;
    PDEVICE_OBJECT devobj = fx_dma_enabler_device_object(tx->enabler);
    NTSTATUS st;

    /* DMA v2: one packet transaction per device in Transfer (nf-...-wdfdmatransactionexecute,
     * STATUS_WDF_BUSY). */
    if (tx->dma_version < 3) {
        if (!fx_dma_packet_token_acquire(tx->enabler, tx))
            return STATUS_WDF_BUSY;
        tx->token_held = true;
    }
    if (tx->reserved_regs != 0) {
        tx->map_base = tx->reserved_base;
        tx->map_count = tx->reserved_regs;
        return STATUS_SUCCESS;
    }
    tx->map_count = packet_map_count(tx);
    atomic_store(&tx->granted_sync, false);
    atomic_store(&tx->starting, exec_ctx_self());
    if (tx->dma_version >= 3 && ops->AllocateAdapterChannelEx != NULL) {
        PVOID base = NULL;

        st = ops->AllocateAdapterChannelEx(a, devobj, tx->transfer_context, tx->map_count,
                                           tx->immediate ? DMA_SYNCHRONOUS_CALLBACK : 0,
                                           packet_adapter_control, tx, &base);
    } else {
        st = ops->AllocateAdapterChannel(a, devobj, tx->map_count, packet_adapter_control, tx);
    }
    atomic_store(&tx->starting, NULL);
    if (!NT_SUCCESS(st))
        return st;
    /* Deferred grant: the execution routine stages; tx is no longer ours. */
    if (!atomic_load(&tx->granted_sync))
        tx->first_staged = true;
    return STATUS_SUCCESS;
}

/* One transfer: len = min(remaining, T); with a reservation smaller than the need, at most what
 * the reserved registers map from this page offset; with an MDL chain, to the end of the MDL
 * holding the first byte (a packet mapping is one element).  MapTransfer may map less; the rest
 * goes back to `remaining`. */
static NTSTATUS packet_stage(struct fx_dma_transaction *tx)
{
    PDMA_ADAPTER a = tx->dir->adapter;
    BOOLEAN write = tx->direction == WdfDmaDirectionWriteToDevice;
    size_t off, len;
    PMDL mdl = fx_dmatx_locate(tx, tx->transferred, &off);
    char *va;
    ULONG mapped;
    PHYSICAL_ADDRESS la;

    FX_ASSERT(mdl != NULL && tx->remaining > 0);
    va = (char *)MmGetMdlVirtualAddress(mdl) + off;
    len = tx->remaining < tx->max_fragment ? tx->remaining : tx->max_fragment;
    if (len > MmGetMdlByteCount(mdl) - off)
        len = MmGetMdlByteCount(mdl) - off;
    if (ADDRESS_AND_SIZE_TO_SPAN_PAGES(va, len) > tx->map_count)
        len = (size_t)PAGE_SIZE * (tx->map_count - 1) + (PAGE_SIZE - BYTE_OFFSET(va));
    mapped = (ULONG)len;
    la = a->DmaOperations->MapTransfer(a, mdl, tx->map_base, va, &mapped, write);
    if (mapped == 0)
        return STATUS_INSUFFICIENT_RESOURCES;
    tx->map_mdl = mdl;
    tx->map_va = va;
    tx->remaining -= mapped;
    tx->packet_sg.list.NumberOfElements = 1;
    tx->packet_sg.list.Reserved = 0;
    tx->packet_sg.element.Address = la;
    tx->packet_sg.element.Length = mapped;
    tx->packet_sg.element.Reserved = 0;
    fx_dmatx_program(tx, &tx->packet_sg.list);
    return STATUS_SUCCESS;
}

/* Flushes what the driver credited (done_len): for a read through bounce pages that is what gets
 * copied back, so bytes the device never wrote stay untouched. */
static NTSTATUS packet_transfer_completed(struct fx_dma_transaction *tx)
{
    PDMA_ADAPTER a = tx->dir->adapter;

    if (tx->map_mdl == NULL)
        return STATUS_SUCCESS;
    if (!a->DmaOperations->FlushAdapterBuffers(a, tx->map_mdl, tx->map_base, tx->map_va,
                                               (ULONG)tx->done_len,
                                               tx->direction == WdfDmaDirectionWriteToDevice)) {
        tx->map_mdl = NULL;
        return STATUS_UNSUCCESSFUL;
    }
    tx->map_mdl = NULL;
    return STATUS_SUCCESS;
}

static void packet_release(struct fx_dma_transaction *tx)
{
    if (tx->map_mdl != NULL) {
        tx->done_len = 0;
        (void)packet_transfer_completed(tx);
    }
    if (tx->channel_held) {
        PDMA_ADAPTER a = tx->dir->adapter;

        a->DmaOperations->FreeMapRegisters(a, tx->map_base, tx->map_count);
        tx->channel_held = false;
    }
    tx->map_base = NULL;
    tx->map_count = 0;
    if (tx->token_held) {
        fx_dma_packet_token_release(tx->enabler, tx);
        tx->token_held = false;
    }
}

const struct fx_dmatx_profile_ops fx_dmatx_packet_ops = {
    .name = "packet",
    .init_resources = packet_init_resources,
    .start = packet_start,
    .stage = packet_stage,
    .transfer_completed = packet_transfer_completed,
    .release = packet_release,
};

/* ---- reservations (DMA v3 packet profile) ---- */

static IO_ALLOCATION_ACTION NTAPI packet_reserve_control(PDEVICE_OBJECT devobj, PIRP irp,
                                                         PVOID base, PVOID context)
{
    struct fx_dma_transaction *tx = context;

    (void)devobj;
    (void)irp;
    tx->reserved_base = base;
    tx->reserved_info = tx->dir;
    tx->reserved_regs = tx->map_count;
    tx->map_count = 0;
    tx->reserve_evt(fx_dmatx_handle(tx), tx->reserve_ctx);
    return DeallocateObjectKeepRegisters;
}

/* Rule DMA-TX-007 for the v2 / SG cases (documented as a verifier break and
 * STATUS_INVALID_DEVICE_REQUEST); DMA-TX-001 for the wrong states. */
NTSTATUS fx_dmatx_allocate_resources(struct fx_dma_transaction *tx, WDF_DMA_DIRECTION dir,
                                     ULONG regs, PFN_WDF_RESERVE_DMA evt, PVOID ctx,
                                     const char *ddi, const void *caller)
{
    enum fx_dmatx_state s = fx_dmatx_state(tx);
    const struct fx_dma_adapter_info *info;
    NTSTATUS st;
    KIRQL old;

    if (tx->dma_version < 3 || tx->ops != &fx_dmatx_packet_ops) {
        vf_report(VF_RULE_DMATX_NOT_SUPPORTED, fx_dmatx_handle(tx), ddi, caller,
                  "needs a DMA version 3 packet-profile enabler (version %lu, %s profile)",
                  (unsigned long)tx->dma_version, tx->ops->name);
        return STATUS_INVALID_DEVICE_REQUEST;
    }
    if (!fx_dma_direction_valid(dir))
        return STATUS_INVALID_PARAMETER;
    if ((regs == 0 && s != FX_DMATX_STATE_INITIALIZED) || tx->reserved_regs != 0) {
        vf_report(VF_RULE_DMATX_WRONG_STATE, fx_dmatx_handle(tx), ddi, caller,
                  "AllocateResources in state %s with %lu registers%s", fx_dmatx_state_name(s),
                  (unsigned long)regs, tx->reserved_regs != 0 ? " (already reserved)" : "");
        return STATUS_INVALID_DEVICE_REQUEST;
    }
    if (!fx_dmatx_check_state(tx, FX_DMATX_EVENT_ALLOCATE_RESOURCES, ddi, caller))
        return STATUS_INVALID_DEVICE_REQUEST;
    if (regs == 0)
        regs = packet_map_count(tx);
    info = fx_dma_enabler_info(tx->enabler, dir);
    /* The reservation replaces the buffer description (spec §2.3). */
    tx->direction = dir;
    tx->dir = info;
    tx->mdl = NULL;
    tx->length = tx->remaining = tx->transferred = 0;
    tx->reserve_evt = evt;
    tx->reserve_ctx = ctx;
    tx->map_count = regs;
    atomic_store_explicit(&tx->state, FX_DMATX_STATE_RESERVED, memory_order_release);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    st = info->adapter->DmaOperations->AllocateAdapterChannelEx(
        info->adapter, fx_dma_enabler_device_object(tx->enabler), tx->transfer_context, regs, 0,
        packet_reserve_control, tx, NULL);
    KeLowerIrql(old);
    if (!NT_SUCCESS(st)) {
        tx->map_count = 0;
        atomic_store_explicit(&tx->state, FX_DMATX_STATE_TRANSFER_FAILED, memory_order_release);
    }
    return st;
}

void fx_dmatx_packet_unreserve(struct fx_dma_transaction *tx)
{
    if (tx->reserved_regs != 0) {
        const struct fx_dma_adapter_info *info = tx->reserved_info;

        info->adapter->DmaOperations->FreeMapRegisters(info->adapter, tx->reserved_base,
                                                       tx->reserved_regs);
        tx->reserved_regs = 0;
        tx->reserved_base = NULL;
    }
}

void fx_dmatx_free_resources(struct fx_dma_transaction *tx, const char *ddi, const void *caller)
{
    KIRQL old;

    if (tx->dma_version < 3 || tx->ops != &fx_dmatx_packet_ops) {
        vf_report(VF_RULE_DMATX_NOT_SUPPORTED, fx_dmatx_handle(tx), ddi, caller,
                  "needs a DMA version 3 packet-profile enabler");
        return;
    }
    if (!fx_dmatx_check_state(tx, FX_DMATX_EVENT_FREE_RESOURCES, ddi, caller))
        return;
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    fx_dmatx_packet_unreserve(tx);
    KeLowerIrql(old);
    (void)fx_dmatx_release(tx, ddi, caller);
}
