/* map_registers.c - the map registers of a DMA adapter (wdm layer): the register pool (first-fit
 * runs in a bitmap), the sets granted from it, the FIFO of allocations waiting for registers or
 * for the adapter channel, the IOMMU windows of mappings, and the release of everything at put.
 * Requests never block: when registers run out they are queued in order and granted, in the
 * thread that returns registers, as soon as the request at the head fits (docs/dma-adapter.md).
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/map-registers
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/allocating-the-adapter-channel
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/devtest/dma-verification */
#include "wdm/adapter/adapter_priv.h"

#include "platform/machine.h"
#include "verifier/vf.h"
#include "wdm/wdm_machine.h"

static bool reg_used(const struct wdm_dma_adapter *a, uint32_t r)
{
    return (a->reg_bitmap[r >> 6] >> (r & 63)) & 1;
}

static void reg_mark(struct wdm_dma_adapter *a, uint32_t r, bool used)
{
    if (used)
        a->reg_bitmap[r >> 6] |= 1ull << (r & 63);
    else
        a->reg_bitmap[r >> 6] &= ~(1ull << (r & 63));
}

bool wdm_regs_alloc_locked(struct wdm_dma_adapter *a, uint32_t n, uint32_t *base)
{
    uint32_t start = 0;

    if (n == 0 || n > a->nmr - a->regs_in_use)
        return false;
    while (start + n <= a->nmr) {
        uint32_t r = start;

        while (r < start + n && !reg_used(a, r))
            r++;
        if (r == start + n) {
            for (r = start; r < start + n; r++)
                reg_mark(a, r, true);
            *base = start;
            return true;
        }
        start = r + 1;     /* the run cannot contain the used register r */
    }
    return false;
}

struct wdm_map_set *wdm_set_claim_locked(struct wdm_dma_adapter *a, uint32_t base, uint32_t n,
                                         enum wdm_map_set_kind kind, const void *caller)
{
    struct wdm_map_set *set = &a->sets[base];

    *set = (struct wdm_map_set){.base = base, .count = n, .kind = kind, .caller = caller};
    a->regs_in_use += n;
    if (a->regs_in_use > a->regs_peak)
        a->regs_peak = a->regs_in_use;
    if (kind == WDM_MAP_SET_SG)
        a->sg_outstanding++;
    return set;
}

void wdm_set_free_locked(struct wdm_dma_adapter *a, struct wdm_map_set *set)
{
    for (uint32_t r = set->base; r < set->base + set->count; r++)
        reg_mark(a, r, false);
    a->regs_in_use -= set->count;
    if (set->kind == WDM_MAP_SET_SG)
        a->sg_outstanding--;
    set->kind = WDM_MAP_SET_FREE;
    set->count = 0;
    set->list = NULL;
}

bool wdm_dma_can_grant_locked(struct wdm_dma_adapter *a, uint32_t n, uint32_t *base)
{
    /* FIFO: nothing overtakes a queued request, even one that would fit now.  Every grant also
     * needs the adapter channel for a moment (GetScatterGatherList allocates it internally and
     * lets it go before calling back), so a KeepObject holder stops all of them. */
    if (a->wait_head != NULL || a->channel != WDM_DMA_CHANNEL_FREE)
        return false;
    return n == 0 || wdm_regs_alloc_locked(a, n, base);
}

NTSTATUS wdm_dma_enqueue_locked(struct wdm_dma_adapter *a, const struct wdm_dma_wait *w,
                                const char *ddi, const void *caller)
{
    struct wdm_dma_wait *copy = wdm_pool_alloc(sizeof(*copy), WDM_DMA_WAIT_TAG, 0, ddi, caller);

    if (copy == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    *copy = *w;
    copy->next = NULL;
    if (a->wait_tail != NULL)
        a->wait_tail->next = copy;
    else
        a->wait_head = copy;
    a->wait_tail = copy;
    a->waiting++;
    atomic_fetch_add_explicit(&a->stats.deferred, 1, memory_order_relaxed);
    return STATUS_SUCCESS;
}

/* Takes the head request if it can be granted now; claims its registers (and the channel).
 * Caller holds a->lock. */
static struct wdm_dma_wait *take_grantable_locked(struct wdm_dma_adapter *a,
                                                  struct wdm_map_set **set)
{
    struct wdm_dma_wait *w = a->wait_head;
    uint32_t base = 0, n;

    if (w == NULL || a->channel != WDM_DMA_CHANNEL_FREE)
        return NULL;
    n = w->is_sg ? w->sg.nregs : w->ch.nregs;
    if (n > 0 && !wdm_regs_alloc_locked(a, n, &base))
        return NULL;
    a->wait_head = w->next;
    if (a->wait_head == NULL)
        a->wait_tail = NULL;
    a->waiting--;
    *set = n == 0 ? NULL
                  : wdm_set_claim_locked(a, base, n,
                                         w->is_sg ? WDM_MAP_SET_SG : WDM_MAP_SET_CHANNEL,
                                         w->is_sg ? w->sg.caller : w->ch.caller);
    if (!w->is_sg)
        a->channel = WDM_DMA_CHANNEL_GRANTING;
    return w;
}

void wdm_dma_run_waiters(struct wdm_dma_adapter *a)
{
    struct wdm_dma_wait *w;
    struct wdm_map_set *set;

    pthread_mutex_lock(&a->lock);
    if (a->draining) {
        /* The granting thread re-checks the queue under the lock after each grant, so what this
         * caller released is seen there. */
        pthread_mutex_unlock(&a->lock);
        return;
    }
    a->draining = true;
    while ((w = take_grantable_locked(a, &set)) != NULL) {
        pthread_mutex_unlock(&a->lock);
        /* Driver routines run without the adapter lock: they may put lists, free registers or
         * ask for more, which re-enters here and returns at once (draining). */
        if (w->is_sg)
            wdm_sg_grant(a, set, &w->sg);
        else
            wdm_channel_grant(a, set, &w->ch);
        wdm_pool_free(w, WDM_DMA_WAIT_TAG, 1, "DmaAdapter(grant)", NULL);
        pthread_mutex_lock(&a->lock);
    }
    a->draining = false;
    pthread_mutex_unlock(&a->lock);
}

void wdm_dma_window_open(struct wdm_dma_adapter *a, uint32_t r, bus_addr_t bus, uint64_t len,
                         bool write_to_device)
{
    enum iommu_dir dir = write_to_device ? IOMMU_DIR_DEVICE_READS : IOMMU_DIR_DEVICE_WRITES;
    struct wdm_map_reg *reg = &a->regs[r];

    /* iommu_map fails only when the host is out of memory; the window is then missing and the
     * device's accesses fault (recorded by the IOMMU), which is how a test would notice. */
    if (iommu_map(a->machine->iommu, a->devid, bus, len, dir) != 0)
        return;
    reg->win_bus = bus;
    reg->win_len = len;
    reg->win_device_reads = write_to_device;
    atomic_fetch_add_explicit(&a->stats.windows_open, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&a->stats.windows_opened, 1, memory_order_relaxed);
}

void wdm_dma_unmap_regs(struct wdm_dma_adapter *a, const struct wdm_map_set *set,
                        uint32_t first, uint32_t n)
{
    for (uint32_t r = first; r < first + n && r < set->base + set->count; r++) {
        struct wdm_map_reg *reg = &a->regs[r];

        if (reg->win_len != 0) {
            enum iommu_dir dir = reg->win_device_reads ? IOMMU_DIR_DEVICE_READS
                                                       : IOMMU_DIR_DEVICE_WRITES;
            iommu_unmap(a->machine->iommu, a->devid, reg->win_bus, reg->win_len, dir);
            atomic_fetch_sub_explicit(&a->stats.windows_open, 1, memory_order_relaxed);
        }
        *reg = (struct wdm_map_reg){0};
    }
}

/* Rules DMA-SG-002 / DMA-MR-002: Driver Verifier's DMA checks flag lists, map registers and
 * adapter channels a driver still holds when it puts the adapter
 * (https://learn.microsoft.com/en-us/windows-hardware/drivers/devtest/dma-verification). */
void wdm_regs_teardown(struct wdm_dma_adapter *a)
{
    struct wdm_dma_wait *w, *next;

    pthread_mutex_lock(&a->lock);
    for (uint32_t b = 0; b < a->nmr;) {
        struct wdm_map_set *set = &a->sets[b];
        uint32_t n = set->count;

        if (set->kind == WDM_MAP_SET_FREE) {
            b++;
            continue;
        }
        if (set->kind == WDM_MAP_SET_SG)
            vf_report(VF_RULE_DMA_SG_LEAK, set->list, "PutDmaAdapter", set->caller,
                      "scatter/gather list of %u map registers never put", n);
        else
            vf_report(VF_RULE_DMA_MAP_REGISTERS_LEAK, set, "PutDmaAdapter", set->caller,
                      "%u map registers at base %u never freed", n, b);
        wdm_dma_unmap_regs(a, set, set->base, n);
        wdm_set_free_locked(a, set);
        b += n;
    }
    if (a->channel != WDM_DMA_CHANNEL_FREE)
        vf_report(VF_RULE_DMA_MAP_REGISTERS_LEAK, a, "PutDmaAdapter", NULL,
                  "adapter channel still held");
    a->channel = WDM_DMA_CHANNEL_FREE;
    a->channel_set = NULL;
    for (w = a->wait_head; w != NULL; w = next) {
        next = w->next;
        vf_report(VF_RULE_DMA_MAP_REGISTERS_LEAK, w, "PutDmaAdapter",
                  w->is_sg ? w->sg.caller : w->ch.caller,
                  "%s allocation of %u map registers still queued",
                  w->is_sg ? "scatter/gather" : "adapter channel",
                  w->is_sg ? w->sg.nregs : w->ch.nregs);
        wdm_pool_free(w, WDM_DMA_WAIT_TAG, 1, "PutDmaAdapter", NULL);
    }
    a->wait_head = a->wait_tail = NULL;
    a->waiting = 0;
    pthread_mutex_unlock(&a->lock);
}
