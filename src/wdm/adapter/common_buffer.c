/* common_buffer.c - common buffers of a DMA adapter (wdm layer): AllocateCommonBuffer[Ex] and
 * FreeCommonBuffer.  A common buffer is physically contiguous machine RAM the device can reach
 * (its address width, and the caller's maximum address), zeroed, with an IOMMU window for device
 * reads and writes over exactly the requested length for its whole lifetime.  The rest of its last
 * page (at least 64 bytes: a whole extra page when the length fills its pages) holds guard bytes;
 * FreeCommonBuffer and PutDmaAdapter check them, so a CPU write past the end is reported
 * (DMA-CB-001) while a device access past the end is refused by the IOMMU window.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nc-wdm-pallocate_common_buffer
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nc-wdm-pallocate_common_buffer_ex
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nc-wdm-pfree_common_buffer */
#include "wdm/adapter/adapter_priv.h"

#include <string.h>

#include "platform/machine.h"
#include "verifier/vf.h"
#include "wdm/wdm_irql.h"
#include "wdm/wdm_machine.h"

#define CB_GUARD_MIN 64u
#define CB_GUARD_FILL 0xCB

/* Contiguous pages, all below `limit` (0: anywhere); NULL if none fit. */
static uint8_t *cb_pages(struct wdm_dma_adapter *a, size_t pages, uint64_t limit)
{
    struct physmem *mem = a->machine->mem;
    unsigned flags = PHYSMEM_CONTIGUOUS | PHYSMEM_ZERO;
    uint8_t *va;

    if (limit != 0 && limit <= PHYSMEM_4G)
        flags |= PHYSMEM_BELOW_4G;
    for (;;) {
        va = physmem_alloc(mem, pages, flags);
        if (va == NULL)
            return NULL;
        if (limit == 0 || physmem_virt_to_phys(mem, va) + pages * PAGE_SIZE <= limit)
            return va;
        physmem_free(mem, va);
        /* The first try may have landed in the high bank; the low bank is the last chance. */
        if (flags & PHYSMEM_BELOW_4G)
            return NULL;
        flags |= PHYSMEM_BELOW_4G;
    }
}

PVOID wdm_common_buffer_alloc(struct wdm_dma_adapter *a, uint64_t max_address, ULONG length,
                              PPHYSICAL_ADDRESS logical, const char *ddi, const void *caller)
{
    uint64_t limit = a->limit;
    size_t pages = (size_t)(((uint64_t)length + CB_GUARD_MIN + PAGE_SIZE - 1) / PAGE_SIZE);
    struct wdm_common_buffer *cb;
    uint8_t *va;

    if (max_address != 0 && max_address != UINT64_MAX && (limit == 0 || max_address < limit))
        limit = max_address + 1;
    va = cb_pages(a, pages, limit);
    if (va == NULL)
        return NULL;
    cb = wdm_pool_alloc(sizeof(*cb), WDM_DMA_CB_TAG, 0, ddi, caller);
    if (cb == NULL) {
        physmem_free(a->machine->mem, va);
        return NULL;
    }
    *cb = (struct wdm_common_buffer){.va = va, .pa = physmem_virt_to_phys(a->machine->mem, va),
                                     .length = length, .pages = pages, .caller = caller};
    memset(va + length, CB_GUARD_FILL, pages * PAGE_SIZE - length);
    if (iommu_map(a->machine->iommu, a->devid, iommu_phys_to_bus(cb->pa), length,
                  IOMMU_DIR_BOTH) != 0) {
        wdm_pool_free(cb, WDM_DMA_CB_TAG, 1, ddi, caller);
        physmem_free(a->machine->mem, va);
        return NULL;
    }
    atomic_fetch_add_explicit(&a->stats.windows_open, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&a->stats.windows_opened, 1, memory_order_relaxed);
    pthread_mutex_lock(&a->lock);
    cb->next = a->common;
    a->common = cb;
    a->common_count++;
    a->common_bytes += length;
    pthread_mutex_unlock(&a->lock);
    logical->QuadPart = (LONGLONG)iommu_phys_to_bus(cb->pa);
    return va;
}

/* Rule DMA-CB-001: the guard bytes after the buffer are as AllocateCommonBuffer left them. */
static void cb_check_guard(const struct wdm_common_buffer *cb, const char *ddi,
                           const void *caller)
{
    const uint8_t *g = cb->va + cb->length;
    size_t n = cb->pages * PAGE_SIZE - cb->length, first = n, count = 0;

    for (size_t i = 0; i < n; i++) {
        if (g[i] != CB_GUARD_FILL) {
            if (first == n)
                first = i;
            count++;
        }
    }
    if (count != 0)
        vf_report(VF_RULE_COMMON_BUFFER_OVERRUN, cb->va, ddi, caller,
                  "%zu byte(s) written past the end of a %u-byte common buffer, the first at "
                  "offset +%zu (allocated by %p)", count, cb->length, first, cb->caller);
}

/* Closes the window, checks the guard and gives the pages back.  The record is unlinked. */
static void cb_release(struct wdm_dma_adapter *a, struct wdm_common_buffer *cb, const char *ddi,
                       const void *caller)
{
    cb_check_guard(cb, ddi, caller);
    iommu_unmap(a->machine->iommu, a->devid, iommu_phys_to_bus(cb->pa), cb->length,
                IOMMU_DIR_BOTH);
    atomic_fetch_sub_explicit(&a->stats.windows_open, 1, memory_order_relaxed);
    physmem_free(a->machine->mem, cb->va);
    wdm_pool_free(cb, WDM_DMA_CB_TAG, 1, ddi, caller);
}

void wdm_common_buffer_teardown(struct wdm_dma_adapter *a)
{
    struct wdm_common_buffer *cb, *next;

    pthread_mutex_lock(&a->lock);
    cb = a->common;
    a->common = NULL;
    a->common_count = a->common_bytes = 0;
    pthread_mutex_unlock(&a->lock);
    for (; cb != NULL; cb = next) {
        next = cb->next;
        /* Rule DMA-CB-003: Driver Verifier's DMA checks flag common buffers still allocated
         * when the adapter is put. */
        vf_report(VF_RULE_DMA_COMMON_BUFFER_LEAK, cb->va, "PutDmaAdapter", cb->caller,
                  "common buffer of %u bytes at logical 0x%llx never freed", cb->length,
                  (unsigned long long)cb->pa);
        cb_release(a, cb, "PutDmaAdapter", cb->caller);
    }
}

PVOID NTAPI wdm_dma_allocate_common_buffer(PDMA_ADAPTER DmaAdapter, ULONG Length,
                                           PPHYSICAL_ADDRESS LogicalAddress,
                                           BOOLEAN CacheEnabled)
{
    static const char ddi[] = "AllocateCommonBuffer";
    const void *caller = VF_CALLER();
    struct wdm_dma_adapter *a = wdm_dma_resolve(DmaAdapter, 1, ddi, caller);

    UNREFERENCED_PARAMETER(CacheEnabled);   /* documented as ignored on x64 */
    if (a == NULL || !wdm_irql_check_passive(ddi, caller))
        return NULL;
    if (LogicalAddress == NULL) {
        vf_report(VF_RULE_NULL_PARAMETER, a, ddi, caller, "LogicalAddress is NULL");
        return NULL;
    }
    if (Length == 0)
        return NULL;
    return wdm_common_buffer_alloc(a, 0, Length, LogicalAddress, ddi, caller);
}

PVOID NTAPI wdm_dma_allocate_common_buffer_ex(PDMA_ADAPTER DmaAdapter,
                                              PPHYSICAL_ADDRESS MaximumAddress, ULONG Length,
                                              PPHYSICAL_ADDRESS LogicalAddress,
                                              BOOLEAN CacheEnabled, NODE_REQUIREMENT PreferredNode)
{
    static const char ddi[] = "AllocateCommonBufferEx";
    const void *caller = VF_CALLER();
    struct wdm_dma_adapter *a = wdm_dma_resolve(DmaAdapter, 3, ddi, caller);

    UNREFERENCED_PARAMETER(CacheEnabled);
    UNREFERENCED_PARAMETER(PreferredNode);  /* one NUMA node */
    if (a == NULL || !wdm_irql_check_passive(ddi, caller))
        return NULL;
    if (LogicalAddress == NULL) {
        vf_report(VF_RULE_NULL_PARAMETER, a, ddi, caller, "LogicalAddress is NULL");
        return NULL;
    }
    if (Length == 0)
        return NULL;
    return wdm_common_buffer_alloc(
        a, MaximumAddress != NULL ? (uint64_t)MaximumAddress->QuadPart : 0, Length,
        LogicalAddress, ddi, caller);
}

VOID NTAPI wdm_dma_free_common_buffer(PDMA_ADAPTER DmaAdapter, ULONG Length,
                                      PHYSICAL_ADDRESS LogicalAddress, PVOID VirtualAddress,
                                      BOOLEAN CacheEnabled)
{
    static const char ddi[] = "FreeCommonBuffer";
    const void *caller = VF_CALLER();
    struct wdm_dma_adapter *a = wdm_dma_resolve(DmaAdapter, 1, ddi, caller);
    struct wdm_common_buffer **pp, *cb = NULL;

    UNREFERENCED_PARAMETER(CacheEnabled);
    if (a == NULL)
        return;
    wdm_irql_check_passive(ddi, caller);
    pthread_mutex_lock(&a->lock);
    for (pp = &a->common; *pp != NULL; pp = &(*pp)->next) {
        if ((*pp)->va == VirtualAddress) {
            cb = *pp;
            *pp = cb->next;
            a->common_count--;
            a->common_bytes -= cb->length;
            break;
        }
    }
    pthread_mutex_unlock(&a->lock);
    /* Rule DMA-CB-002: the three values are those AllocateCommonBuffer produced. */
    if (cb == NULL) {
        vf_report(VF_RULE_DMA_COMMON_BUFFER_BAD_FREE, VirtualAddress, ddi, caller,
                  "not a common buffer of this adapter (or already freed)");
        return;
    }
    if (Length != cb->length || (uint64_t)LogicalAddress.QuadPart != iommu_phys_to_bus(cb->pa))
        vf_report(VF_RULE_DMA_COMMON_BUFFER_BAD_FREE, VirtualAddress, ddi, caller,
                  "Length %u / LogicalAddress 0x%llx, allocated %u bytes at 0x%llx; freed as "
                  "allocated", Length, (unsigned long long)LogicalAddress.QuadPart, cb->length,
                  (unsigned long long)cb->pa);
    cb_release(a, cb, ddi, caller);
}
