/* sglist.c - scatter/gather lists of a DMA adapter (wdm layer): GetScatterGatherList,
 * BuildScatterGatherList, CalculateScatterGatherList, PutScatterGatherList and the MDL walk they
 * share.  A transfer is cut into pieces of at most one page of one MDL of the chain; each piece
 * takes one map register and is mapped directly (the device reaches it) or through the register's
 * bounce page; device-contiguous pieces merge into one element.  Each element gets an IOMMU window
 * with the transfer's direction for as long as the list is out.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nc-wdm-pget_scatter_gather_list
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nc-wdm-pbuild_scatter_gather_list
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nc-wdm-pcalculate_scatter_gather_list_size
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nc-wdm-pput_scatter_gather_list */
#include "wdm/adapter/adapter_priv.h"

#include "platform/machine.h"
#include "verifier/vf.h"
#include "wdm/wdm_irql.h"

bool wdm_mdl_next_piece(struct wdm_mdl_walk *w, uint64_t max, phys_addr_t *pa, ULONG *len)
{
    uint64_t abs, in_page, n;

    while (w->mdl != NULL && w->off >= MmGetMdlByteCount(w->mdl)) {
        w->mdl = w->mdl->Next;
        w->off = 0;
    }
    if (w->mdl == NULL || max == 0)
        return false;
    abs = (uint64_t)MmGetMdlByteOffset(w->mdl) + w->off;
    in_page = abs & (PAGE_SIZE - 1);
    n = PAGE_SIZE - in_page;
    if (n > MmGetMdlByteCount(w->mdl) - w->off)
        n = MmGetMdlByteCount(w->mdl) - w->off;
    if (n > max)
        n = max;
    *pa = ((phys_addr_t)MmGetMdlPfnArray(w->mdl)[abs >> PAGE_SHIFT] << PAGE_SHIFT) + in_page;
    *len = (ULONG)n;
    w->off += n;
    return true;
}

bool wdm_mdl_seek(PMDL *mdl, uint64_t *offset, uint64_t skip)
{
    uint64_t pos = *offset + skip;

    while (*mdl != NULL && pos >= MmGetMdlByteCount(*mdl)) {
        pos -= MmGetMdlByteCount(*mdl);
        *mdl = (*mdl)->Next;
    }
    *offset = pos;
    return *mdl != NULL;
}

NTSTATUS wdm_mdl_count_pieces(struct wdm_dma_adapter *a, PMDL mdl, ULONG offset, ULONG length,
                              ULONG *pieces, const char *ddi, const void *caller)
{
    struct wdm_mdl_walk w = {mdl, offset};
    uint64_t left = length;
    phys_addr_t pa;
    ULONG len, n = 0;

    while (left > 0 && wdm_mdl_next_piece(&w, left, &pa, &len)) {
        if (physmem_phys_to_host(a->machine->mem, pa, len) == NULL) {
            /* Rule MDL-001: an MDL handed to the adapter must describe machine RAM. */
            vf_report(VF_RULE_MDL_BAD_BUFFER, w.mdl, ddi, caller,
                      "page at physical 0x%llx is not machine RAM", (unsigned long long)pa);
            return STATUS_INVALID_PARAMETER;
        }
        left -= len;
        n++;
    }
    *pieces = n;
    return left == 0 ? STATUS_SUCCESS : STATUS_BUFFER_TOO_SMALL;
}

/* Non-scatter/gather adapters get one element: direct if the whole transfer is physically
 * contiguous and reachable, else bounced into contiguous bounce pages. */
static bool whole_transfer_direct(struct wdm_dma_adapter *a, const struct wdm_sg_request *rq)
{
    struct wdm_mdl_walk w = {rq->mdl, rq->offset};
    uint64_t left = rq->length, next = 0;
    phys_addr_t pa;
    ULONG len;
    bool first = true;

    while (left > 0 && wdm_mdl_next_piece(&w, left, &pa, &len)) {
        if ((!first && pa != next) || !wdm_dma_reachable(a, pa, len))
            return false;
        first = false;
        next = pa + len;
        left -= len;
    }
    return true;
}

PSCATTER_GATHER_LIST wdm_sg_grant(struct wdm_dma_adapter *a, struct wdm_map_set *set,
                                  const struct wdm_sg_request *rq)
{
    PSCATTER_GATHER_LIST list = rq->buffer != NULL
        ? rq->buffer : (PSCATTER_GATHER_LIST)(a->sg_storage + (size_t)set->base * WDM_DMA_SG_SLOT);
    struct wdm_mdl_walk w = {rq->mdl, rq->offset};
    bool all_direct = a->scatter_gather || whole_transfer_direct(a, rq);
    uint64_t left = rq->length, layout = 0;
    uint32_t r = set->base, elem_reg = set->base;
    ULONG count = 0, len;
    phys_addr_t pa;
    KIRQL old;

    set->write_to_device = rq->write;
    set->list = list;
    while (left > 0 && wdm_mdl_next_piece(&w, left, &pa, &len)) {
        struct wdm_map_reg *reg = &a->regs[r];
        bool direct = all_direct && wdm_dma_reachable(a, pa, len);
        bus_addr_t bus;
        PSCATTER_GATHER_ELEMENT prev = count > 0 ? &list->Elements[count - 1] : NULL;

        /* Bounce copies mirror the transfer: its first page offset, then byte after byte. */
        if (r == set->base)
            layout = (uint64_t)set->base * PAGE_SIZE + (pa & (PAGE_SIZE - 1));
        *reg = (struct wdm_map_reg){.host_pa = pa, .len = len, .bounced = !direct,
                                    .bounce_off = layout};
        layout += len;
        bus = direct ? iommu_phys_to_bus(pa) : wdm_bounce_bus(a, reg->bounce_off);
        if (!direct)
            wdm_bounce_prepare(a, r, rq->write);
        if (prev != NULL && (bus_addr_t)prev->Address.QuadPart + prev->Length == bus &&
            prev->Length <= UINT32_MAX - len) {
            prev->Length += len;
        } else {
            if (prev != NULL)
                wdm_dma_window_open(a, elem_reg, (bus_addr_t)prev->Address.QuadPart,
                                    prev->Length, rq->write);
            list->Elements[count++] = (SCATTER_GATHER_ELEMENT){
                .Address.QuadPart = (LONGLONG)bus, .Length = len};
            elem_reg = r;
        }
        left -= len;
        r++;
    }
    wdm_dma_window_open(a, elem_reg, (bus_addr_t)list->Elements[count - 1].Address.QuadPart,
                        list->Elements[count - 1].Length, rq->write);
    list->NumberOfElements = count;
    list->Reserved = (ULONG_PTR)set;
    atomic_fetch_add_explicit(&a->stats.sg_lists_built, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&a->stats.sg_elements, count, memory_order_relaxed);
    if (rq->routine != NULL) {
        /* After the routine returns the driver may already have put the list. */
        old = wdm_dma_enter_dispatch();
        rq->routine(rq->devobj, wdm_dma_current_irp(rq->devobj), list, rq->context);
        wdm_irql_set(old);
    }
    return list;
}

NTSTATUS wdm_sg_start(struct wdm_dma_adapter *a, struct wdm_sg_request *rq, bool sync_only,
                      PSCATTER_GATHER_LIST *out, const char *ddi)
{
    struct wdm_dma_wait w = {.is_sg = true};
    struct wdm_map_set *set;
    PSCATTER_GATHER_LIST list;
    uint32_t base = 0;
    NTSTATUS st;

    st = wdm_mdl_count_pieces(a, rq->mdl, rq->offset, rq->length, &rq->nregs, ddi, rq->caller);
    if (!NT_SUCCESS(st))
        return st;
    /* Documented: a transfer needing more map registers than IoGetDmaAdapter granted fails. */
    if (rq->nregs > a->nmr)
        return STATUS_INSUFFICIENT_RESOURCES;
    if (rq->buffer != NULL &&
        rq->buffer_length < sizeof(SCATTER_GATHER_LIST) +
                                (uint64_t)rq->nregs * sizeof(SCATTER_GATHER_ELEMENT))
        return STATUS_BUFFER_TOO_SMALL;
    pthread_mutex_lock(&a->lock);
    if (wdm_dma_can_grant_locked(a, rq->nregs, &base)) {
        set = wdm_set_claim_locked(a, base, rq->nregs, WDM_MAP_SET_SG, rq->caller);
        pthread_mutex_unlock(&a->lock);
        list = wdm_sg_grant(a, set, rq);
        if (out != NULL)
            *out = list;
        return STATUS_SUCCESS;
    }
    if (sync_only) {
        pthread_mutex_unlock(&a->lock);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    w.sg = *rq;
    st = wdm_dma_enqueue_locked(a, &w, ddi, rq->caller);
    pthread_mutex_unlock(&a->lock);
    return st;
}

/* The set a list handed out by this adapter belongs to, claimed for the put; NULL after
 * reporting DMA-SG-001.  Caller holds a->lock. */
static struct wdm_map_set *list_claim_locked(struct wdm_dma_adapter *a, PSCATTER_GATHER_LIST list,
                                             const char *ddi, const void *caller)
{
    uintptr_t p = list != NULL ? (uintptr_t)list->Reserved : 0;
    uintptr_t lo = (uintptr_t)a->sets, hi = (uintptr_t)(a->sets + a->nmr);
    struct wdm_map_set *set;

    /* Rule DMA-SG-001: only a list this adapter handed out, once. */
    if (p < lo || p >= hi || (p - lo) % sizeof(struct wdm_map_set) != 0) {
        vf_report(VF_RULE_DMA_SG_BAD_PUT, list, ddi, caller,
                  "not a scatter/gather list of this adapter");
        return NULL;
    }
    set = (struct wdm_map_set *)p;
    if (set->kind != WDM_MAP_SET_SG || set->list != list) {
        vf_report(VF_RULE_DMA_SG_BAD_PUT, list, ddi, caller,
                  "scatter/gather list already put");
        return NULL;
    }
    set->list = NULL;
    return set;
}

void wdm_sg_put(struct wdm_dma_adapter *a, PSCATTER_GATHER_LIST list, BOOLEAN write,
                const char *ddi, const void *caller)
{
    struct wdm_map_set *set;

    pthread_mutex_lock(&a->lock);
    set = list_claim_locked(a, list, ddi, caller);
    pthread_mutex_unlock(&a->lock);
    if (set == NULL)
        return;
    if (!write != !set->write_to_device)
        vf_report(VF_RULE_DMA_SG_BAD_PUT, list, ddi, caller,
                  "put with WriteToDevice=%d, the list was built with %d", !!write,
                  set->write_to_device);
    /* The device is done: data it wrote into bounce pages goes back to the buffer, then the
     * windows close, so any later DMA of the device to these addresses faults. */
    if (!set->write_to_device)
        wdm_bounce_copy_out(a, set->base, set->count, UINT64_MAX);
    wdm_dma_unmap_regs(a, set, set->base, set->count);
    pthread_mutex_lock(&a->lock);
    wdm_set_free_locked(a, set);
    pthread_mutex_unlock(&a->lock);
    wdm_dma_run_waiters(a);
}

bool wdm_mdl_va_offset(PMDL mdl, PVOID current_va, ULONG length, ULONG *offset,
                       const char *ddi, const void *caller)
{
    uintptr_t start = (uintptr_t)MmGetMdlVirtualAddress(mdl), va = (uintptr_t)current_va;

    /* Rule DMA-BUF-001: CurrentVa lies in the MDL passed, and something is to be mapped. */
    if (va < start || va - start >= MmGetMdlByteCount(mdl)) {
        vf_report(VF_RULE_DMA_BAD_BUFFER, mdl, ddi, caller,
                  "CurrentVa %p outside the MDL [%p, +0x%x)", current_va, (void *)start,
                  MmGetMdlByteCount(mdl));
        return false;
    }
    if (length == 0) {
        vf_report(VF_RULE_DMA_BAD_BUFFER, mdl, ddi, caller, "Length 0");
        return false;
    }
    *offset = (ULONG)(va - start);
    return true;
}

NTSTATUS NTAPI wdm_dma_get_sg_list(PDMA_ADAPTER DmaAdapter, PDEVICE_OBJECT DeviceObject,
                                   PMDL Mdl, PVOID CurrentVa, ULONG Length,
                                   PDRIVER_LIST_CONTROL ExecutionRoutine, PVOID Context,
                                   BOOLEAN WriteToDevice)
{
    static const char ddi[] = "GetScatterGatherList";
    const void *caller = VF_CALLER();
    struct wdm_dma_adapter *a = wdm_dma_resolve(DmaAdapter, 1, ddi, caller);
    struct wdm_sg_request rq = {.devobj = DeviceObject, .mdl = Mdl, .length = Length,
                                .write = WriteToDevice, .routine = ExecutionRoutine,
                                .context = Context, .caller = caller};

    if (a == NULL)
        return STATUS_INVALID_PARAMETER;
    wdm_dma_check_dispatch(a, ddi, caller);
    if (Mdl == NULL || ExecutionRoutine == NULL) {
        vf_report(VF_RULE_NULL_PARAMETER, a, ddi, caller, "Mdl %p, ExecutionRoutine %p",
                  (void *)Mdl, (void *)ExecutionRoutine);
        return STATUS_INVALID_PARAMETER;
    }
    if (!wdm_mdl_va_offset(Mdl, CurrentVa, Length, &rq.offset, ddi, caller))
        return STATUS_BUFFER_TOO_SMALL;
    return wdm_sg_start(a, &rq, false, NULL, ddi);
}

NTSTATUS NTAPI wdm_dma_build_sg_list(PDMA_ADAPTER DmaAdapter, PDEVICE_OBJECT DeviceObject,
                                     PMDL Mdl, PVOID CurrentVa, ULONG Length,
                                     PDRIVER_LIST_CONTROL ExecutionRoutine, PVOID Context,
                                     BOOLEAN WriteToDevice, PVOID ScatterGatherBuffer,
                                     ULONG ScatterGatherLength)
{
    static const char ddi[] = "BuildScatterGatherList";
    const void *caller = VF_CALLER();
    struct wdm_dma_adapter *a = wdm_dma_resolve(DmaAdapter, 2, ddi, caller);
    struct wdm_sg_request rq = {.devobj = DeviceObject, .mdl = Mdl, .length = Length,
                                .write = WriteToDevice, .routine = ExecutionRoutine,
                                .context = Context, .buffer = ScatterGatherBuffer,
                                .buffer_length = ScatterGatherLength, .caller = caller};

    if (a == NULL)
        return STATUS_INVALID_PARAMETER;
    wdm_dma_check_dispatch(a, ddi, caller);
    if (Mdl == NULL || ExecutionRoutine == NULL || ScatterGatherBuffer == NULL) {
        vf_report(VF_RULE_NULL_PARAMETER, a, ddi, caller,
                  "Mdl %p, ExecutionRoutine %p, ScatterGatherBuffer %p", (void *)Mdl,
                  (void *)ExecutionRoutine, ScatterGatherBuffer);
        return STATUS_INVALID_PARAMETER;
    }
    if (!wdm_mdl_va_offset(Mdl, CurrentVa, Length, &rq.offset, ddi, caller))
        return STATUS_BUFFER_TOO_SMALL;
    return wdm_sg_start(a, &rq, false, NULL, ddi);
}

VOID NTAPI wdm_dma_put_sg_list(PDMA_ADAPTER DmaAdapter, PSCATTER_GATHER_LIST ScatterGather,
                               BOOLEAN WriteToDevice)
{
    static const char ddi[] = "PutScatterGatherList";
    const void *caller = VF_CALLER();
    struct wdm_dma_adapter *a = wdm_dma_resolve(DmaAdapter, 1, ddi, caller);

    if (a == NULL)
        return;
    wdm_dma_check_dispatch(a, ddi, caller);
    wdm_sg_put(a, ScatterGather, WriteToDevice, ddi, caller);
}

NTSTATUS NTAPI wdm_dma_calculate_sg_list(PDMA_ADAPTER DmaAdapter, PMDL Mdl, PVOID CurrentVa,
                                         ULONG Length, PULONG ScatterGatherListSize,
                                         PULONG pNumberOfMapRegisters)
{
    static const char ddi[] = "CalculateScatterGatherList";
    const void *caller = VF_CALLER();
    struct wdm_dma_adapter *a = wdm_dma_resolve(DmaAdapter, 2, ddi, caller);
    ULONG offset, pieces;
    NTSTATUS st;

    if (a == NULL)
        return STATUS_INVALID_PARAMETER;
    wdm_irql_check_max(DISPATCH_LEVEL, ddi, caller);
    if (ScatterGatherListSize == NULL) {
        vf_report(VF_RULE_NULL_PARAMETER, a, ddi, caller, "ScatterGatherListSize is NULL");
        return STATUS_INVALID_PARAMETER;
    }
    if (Mdl == NULL) {
        /* Without an MDL: the worst case for Length bytes starting at CurrentVa's page offset. */
        pieces = ADDRESS_AND_SIZE_TO_SPAN_PAGES(CurrentVa, Length);
    } else {
        if (!wdm_mdl_va_offset(Mdl, CurrentVa, Length, &offset, ddi, caller))
            return STATUS_BUFFER_TOO_SMALL;
        st = wdm_mdl_count_pieces(a, Mdl, offset, Length, &pieces, ddi, caller);
        if (!NT_SUCCESS(st))
            return st;
    }
    *ScatterGatherListSize =
        (ULONG)(sizeof(SCATTER_GATHER_LIST) + (uint64_t)pieces * sizeof(SCATTER_GATHER_ELEMENT));
    if (pNumberOfMapRegisters != NULL)
        *pNumberOfMapRegisters = pieces;
    return STATUS_SUCCESS;
}
