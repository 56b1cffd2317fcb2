/* map_transfer.c - packet-mode DMA through an adapter (wdm layer): AllocateAdapterChannel and
 * the AdapterControl protocol, MapTransfer, FlushAdapterBuffers, FreeMapRegisters and
 * FreeAdapterChannel.  MapTransfer maps one device-contiguous run per call: for a scatter/gather
 * adapter the physically contiguous part it reaches (or a bounced run of pages it does not reach);
 * for a packet adapter the whole request, bounced into contiguous bounce pages when the buffer is
 * scattered or out of reach (as the HAL does for devices without scatter/gather).
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nc-wdm-pallocate_adapter_channel
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nc-wdm-pmap_transfer
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nc-wdm-pflush_adapter_buffers
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nc-wdm-pfree_map_registers
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/ne-wdm-_io_allocation_action */
#include "wdm/adapter/adapter_priv.h"

#include "platform/machine.h"
#include "verifier/vf.h"
#include "wdm/wdm_irql.h"

void wdm_channel_release(struct wdm_dma_adapter *a, struct wdm_map_set *set,
                         IO_ALLOCATION_ACTION action, const char *ddi, const void *caller)
{
    bool released = true;

    pthread_mutex_lock(&a->lock);
    switch (action) {
    case KeepObject:
        a->channel = WDM_DMA_CHANNEL_KEPT;
        a->channel_set = set;
        released = false;
        break;
    case DeallocateObject:
        if (set != NULL) {
            wdm_dma_unmap_regs(a, set, set->base, set->count);
            wdm_set_free_locked(a, set);
        }
        break;
    case DeallocateObjectKeepRegisters:
        break;
    default:
        /* Rule DMA-MR-001: only the three IO_ALLOCATION_ACTION values exist.  The registers stay
         * with the driver, as the least destructive reading. */
        vf_report(VF_RULE_DMA_MAP_REGISTERS_MISUSE, a, ddi, caller,
                  "IO_ALLOCATION_ACTION %d is not KeepObject, DeallocateObject or "
                  "DeallocateObjectKeepRegisters", (int)action);
        break;
    }
    if (released) {
        a->channel = WDM_DMA_CHANNEL_FREE;
        a->channel_set = NULL;
    }
    pthread_mutex_unlock(&a->lock);
    if (released)
        wdm_dma_run_waiters(a);
}

PVOID wdm_channel_grant(struct wdm_dma_adapter *a, struct wdm_map_set *set,
                        const struct wdm_channel_request *rq)
{
    IO_ALLOCATION_ACTION action;
    KIRQL old;

    atomic_fetch_add_explicit(&a->stats.channel_grants, 1, memory_order_relaxed);
    if (rq->routine == NULL) {
        /* A synchronous Ex grant without a routine: the caller holds the channel until
         * FreeAdapterObject or FreeAdapterChannel. */
        wdm_channel_release(a, set, KeepObject, "AllocateAdapterChannelEx", rq->caller);
        return set;
    }
    old = wdm_dma_enter_dispatch();
    action = rq->routine(rq->devobj, wdm_dma_current_irp(rq->devobj), set, rq->context);
    wdm_irql_set(old);
    wdm_channel_release(a, set, action, "AdapterControl", rq->caller);
    return set;
}

NTSTATUS wdm_channel_start(struct wdm_dma_adapter *a, const struct wdm_channel_request *rq,
                           bool sync_only, PVOID *base_out, const char *ddi)
{
    struct wdm_dma_wait w = {.is_sg = false, .ch = *rq};
    struct wdm_map_set *set = NULL;
    uint32_t base = 0;
    NTSTATUS st;
    PVOID granted;

    /* Documented: more map registers than IoGetDmaAdapter granted can never be satisfied. */
    if (rq->nregs > a->nmr)
        return STATUS_INSUFFICIENT_RESOURCES;
    pthread_mutex_lock(&a->lock);
    if (wdm_dma_can_grant_locked(a, rq->nregs, &base)) {
        if (rq->nregs > 0)
            set = wdm_set_claim_locked(a, base, rq->nregs, WDM_MAP_SET_CHANNEL, rq->caller);
        a->channel = WDM_DMA_CHANNEL_GRANTING;
        pthread_mutex_unlock(&a->lock);
        granted = wdm_channel_grant(a, set, rq);
        if (base_out != NULL)
            *base_out = granted;
        return STATUS_SUCCESS;
    }
    if (sync_only) {
        pthread_mutex_unlock(&a->lock);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    st = wdm_dma_enqueue_locked(a, &w, ddi, rq->caller);
    pthread_mutex_unlock(&a->lock);
    return st;
}

static struct wdm_map_set *base_resolve_locked(struct wdm_dma_adapter *a, PVOID base,
                                               const char *ddi, const void *caller)
{
    uintptr_t p = (uintptr_t)base, lo = (uintptr_t)a->sets, hi = (uintptr_t)(a->sets + a->nmr);
    struct wdm_map_set *set = (struct wdm_map_set *)base;

    /* Rule DMA-MR-001: MapRegisterBase is what an AdapterControl routine was given. */
    if (p < lo || p >= hi || (p - lo) % sizeof(struct wdm_map_set) != 0 ||
        set->kind != WDM_MAP_SET_CHANNEL) {
        vf_report(VF_RULE_DMA_MAP_REGISTERS_MISUSE, base, ddi, caller,
                  "MapRegisterBase %p was not allocated by this adapter (or is freed)", base);
        return NULL;
    }
    return set;
}

struct wdm_map_set *wdm_map_base_resolve(struct wdm_dma_adapter *a, PVOID base, const char *ddi,
                                         const void *caller)
{
    struct wdm_map_set *set;

    pthread_mutex_lock(&a->lock);
    set = base_resolve_locked(a, base, ddi, caller);
    pthread_mutex_unlock(&a->lock);
    return set;
}

/* Bytes from (mdl, offset) that can go directly to the device in one run: physically contiguous
 * and reachable. */
static uint64_t direct_run(struct wdm_dma_adapter *a, PMDL mdl, ULONG offset, uint64_t want)
{
    struct wdm_mdl_walk w = {mdl, offset};
    uint64_t done = 0;
    phys_addr_t pa, next = 0;
    ULONG len;

    while (done < want && wdm_mdl_next_piece(&w, want - done, &pa, &len)) {
        if ((done > 0 && pa != next) || !wdm_dma_reachable(a, pa, len))
            break;
        next = pa + len;
        done += len;
    }
    return done;
}

/* Bytes from (mdl, offset) the device cannot reach, up to the first page it can. */
static uint64_t unreachable_run(struct wdm_dma_adapter *a, PMDL mdl, ULONG offset, uint64_t want)
{
    struct wdm_mdl_walk w = {mdl, offset};
    uint64_t done = 0;
    phys_addr_t pa;
    ULONG len;

    while (done < want && wdm_mdl_next_piece(&w, want - done, &pa, &len) &&
           !wdm_dma_reachable(a, pa, len))
        done += len;
    return done;
}

bus_addr_t wdm_map_transfer(struct wdm_dma_adapter *a, struct wdm_map_set *set, PMDL mdl,
                            ULONG offset, ULONG *length, bool write_to_device, const char *ddi,
                            const void *caller)
{
    uint32_t avail = set->count - set->cursor, first = set->base + set->cursor, r = first;
    uint64_t in_page = ((uint64_t)MmGetMdlByteOffset(mdl) + offset) & (PAGE_SIZE - 1);
    uint64_t want = *length, mapped, layout;
    struct wdm_mdl_walk w = {mdl, offset};
    bool bounce;
    phys_addr_t pa, start_pa = 0;
    ULONG len;
    bus_addr_t bus;

    if (avail == 0) {
        /* Rule DMA-MR-001: a driver maps at most the registers it was granted, then flushes. */
        vf_report(VF_RULE_DMA_MAP_REGISTERS_MISUSE, set, ddi, caller,
                  "all %u map registers are mapped; FlushAdapterBuffers first", set->count);
        *length = 0;
        return 0;
    }
    /* One call maps within the MDL it is given, and at most what the free registers cover. */
    if (want > MmGetMdlByteCount(mdl) - offset)
        want = MmGetMdlByteCount(mdl) - offset;
    if (want > (uint64_t)avail * PAGE_SIZE - in_page)
        want = (uint64_t)avail * PAGE_SIZE - in_page;
    mapped = direct_run(a, mdl, offset, want);
    if (a->scatter_gather) {
        bounce = mapped == 0;
        if (bounce)
            mapped = unreachable_run(a, mdl, offset, want);
    } else {
        bounce = mapped != want;
        if (bounce)
            mapped = want;
    }
    layout = (uint64_t)first * PAGE_SIZE + in_page;
    for (uint64_t done = 0; done < mapped; r++) {
        wdm_mdl_next_piece(&w, mapped - done, &pa, &len);
        if (done == 0)
            start_pa = pa;
        a->regs[r] = (struct wdm_map_reg){.host_pa = pa, .len = len, .bounced = bounce,
                                          .bounce_off = layout + done};
        if (bounce)
            wdm_bounce_prepare(a, r, write_to_device);
        done += len;
    }
    bus = bounce ? wdm_bounce_bus(a, layout) : iommu_phys_to_bus(start_pa);
    wdm_dma_window_open(a, first, bus, mapped, write_to_device);
    set->cursor += r - first;
    set->write_to_device = write_to_device;
    atomic_fetch_add_explicit(&a->stats.mappings, 1, memory_order_relaxed);
    *length = (ULONG)mapped;
    return bus;
}

void wdm_map_flush(struct wdm_dma_adapter *a, struct wdm_map_set *set, uint64_t length)
{
    /* Mappings were made in buffer order from the first register, so the first `length` bytes
     * of them are the bytes the transfer moved. */
    if (!set->write_to_device)
        wdm_bounce_copy_out(a, set->base, set->cursor, length);
    wdm_dma_unmap_regs(a, set, set->base, set->cursor);
    set->cursor = 0;
}

NTSTATUS NTAPI wdm_dma_allocate_adapter_channel(PDMA_ADAPTER DmaAdapter,
                                                PDEVICE_OBJECT DeviceObject,
                                                ULONG NumberOfMapRegisters,
                                                PDRIVER_CONTROL ExecutionRoutine, PVOID Context)
{
    static const char ddi[] = "AllocateAdapterChannel";
    const void *caller = VF_CALLER();
    struct wdm_dma_adapter *a = wdm_dma_resolve(DmaAdapter, 1, ddi, caller);
    struct wdm_channel_request rq = {.devobj = DeviceObject, .nregs = NumberOfMapRegisters,
                                     .routine = ExecutionRoutine, .context = Context,
                                     .caller = caller};

    if (a == NULL)
        return STATUS_INVALID_PARAMETER;
    wdm_dma_check_dispatch(a, ddi, caller);
    if (ExecutionRoutine == NULL) {
        vf_report(VF_RULE_NULL_PARAMETER, a, ddi, caller, "ExecutionRoutine is NULL");
        return STATUS_INVALID_PARAMETER;
    }
    return wdm_channel_start(a, &rq, false, NULL, ddi);
}

VOID NTAPI wdm_dma_free_adapter_channel(PDMA_ADAPTER DmaAdapter)
{
    static const char ddi[] = "FreeAdapterChannel";
    const void *caller = VF_CALLER();
    struct wdm_dma_adapter *a = wdm_dma_resolve(DmaAdapter, 1, ddi, caller);
    struct wdm_map_set *set;

    if (a == NULL)
        return;
    wdm_dma_check_dispatch(a, ddi, caller);
    if (!wdm_channel_held(a, &set, ddi, caller))
        return;
    /* The channel's registers go with it. */
    wdm_channel_release(a, set, DeallocateObject, ddi, caller);
}

bool wdm_channel_held(struct wdm_dma_adapter *a, struct wdm_map_set **set, const char *ddi,
                      const void *caller)
{
    bool held;

    pthread_mutex_lock(&a->lock);
    held = a->channel == WDM_DMA_CHANNEL_KEPT;
    *set = a->channel_set;
    pthread_mutex_unlock(&a->lock);
    if (!held) /* Rule DMA-MR-001: only a holder (KeepObject) frees the channel. */
        vf_report(VF_RULE_DMA_MAP_REGISTERS_MISUSE, a, ddi, caller,
                  "the adapter channel is not held");
    return held;
}

VOID NTAPI wdm_dma_free_map_registers(PDMA_ADAPTER DmaAdapter, PVOID MapRegisterBase,
                                      ULONG NumberOfMapRegisters)
{
    static const char ddi[] = "FreeMapRegisters";
    const void *caller = VF_CALLER();
    struct wdm_dma_adapter *a = wdm_dma_resolve(DmaAdapter, 1, ddi, caller);
    struct wdm_map_set *set;

    if (a == NULL)
        return;
    wdm_dma_check_dispatch(a, ddi, caller);
    pthread_mutex_lock(&a->lock);
    set = base_resolve_locked(a, MapRegisterBase, ddi, caller);
    if (set != NULL && set == a->channel_set) {
        /* Rule DMA-MR-001: registers kept with the channel (KeepObject) are freed with it. */
        vf_report(VF_RULE_DMA_MAP_REGISTERS_MISUSE, set, ddi, caller,
                  "registers belong to the held adapter channel; FreeAdapterChannel frees them");
        set = NULL;
    }
    if (set != NULL) {
        if (NumberOfMapRegisters != set->count)
            vf_report(VF_RULE_DMA_MAP_REGISTERS_MISUSE, set, ddi, caller,
                      "NumberOfMapRegisters %u, %u were allocated", NumberOfMapRegisters,
                      set->count);
        if (set->cursor != 0)
            vf_report(VF_RULE_DMA_MAP_REGISTERS_MISUSE, set, ddi, caller,
                      "%u map registers still mapped (FlushAdapterBuffers first)", set->cursor);
        wdm_dma_unmap_regs(a, set, set->base, set->count);
        wdm_set_free_locked(a, set);
    }
    pthread_mutex_unlock(&a->lock);
    if (set != NULL)
        wdm_dma_run_waiters(a);
}

PHYSICAL_ADDRESS NTAPI wdm_dma_map_transfer(PDMA_ADAPTER DmaAdapter, PMDL Mdl,
                                            PVOID MapRegisterBase, PVOID CurrentVa,
                                            PULONG Length, BOOLEAN WriteToDevice)
{
    static const char ddi[] = "MapTransfer";
    const void *caller = VF_CALLER();
    struct wdm_dma_adapter *a = wdm_dma_resolve(DmaAdapter, 1, ddi, caller);
    PHYSICAL_ADDRESS out = {.QuadPart = 0};
    struct wdm_map_set *set;
    ULONG offset;

    if (a == NULL || Length == NULL)
        return out;
    wdm_irql_check_max(DISPATCH_LEVEL, ddi, caller);
    set = wdm_map_base_resolve(a, MapRegisterBase, ddi, caller);
    if (set == NULL || Mdl == NULL ||
        !wdm_mdl_va_offset(Mdl, CurrentVa, *Length, &offset, ddi, caller)) {
        *Length = 0;
        return out;
    }
    out.QuadPart = (LONGLONG)wdm_map_transfer(a, set, Mdl, offset, Length, WriteToDevice, ddi,
                                              caller);
    return out;
}

BOOLEAN NTAPI wdm_dma_flush_adapter_buffers(PDMA_ADAPTER DmaAdapter, PMDL Mdl,
                                            PVOID MapRegisterBase, PVOID CurrentVa, ULONG Length,
                                            BOOLEAN WriteToDevice)
{
    static const char ddi[] = "FlushAdapterBuffers";
    const void *caller = VF_CALLER();
    struct wdm_dma_adapter *a = wdm_dma_resolve(DmaAdapter, 1, ddi, caller);
    struct wdm_map_set *set;

    UNREFERENCED_PARAMETER(Mdl);
    UNREFERENCED_PARAMETER(CurrentVa);
    UNREFERENCED_PARAMETER(WriteToDevice);
    if (a == NULL)
        return FALSE;
    wdm_irql_check_max(DISPATCH_LEVEL, ddi, caller);
    set = wdm_map_base_resolve(a, MapRegisterBase, ddi, caller);
    if (set == NULL)
        return FALSE;
    wdm_map_flush(a, set, Length);
    return TRUE;
}
