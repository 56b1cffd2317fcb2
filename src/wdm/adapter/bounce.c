/* bounce.c - bounce pages of a DMA adapter (wdm layer): one page per map register, in one
 * physically contiguous run of machine RAM below the device's address limit, allocated when the
 * adapter is created if it can ever need them (the device cannot reach all RAM, or it is not a
 * scatter/gather device and scattered buffers must be made contiguous).  The scatter/gather and
 * the packet paths both go through here: data is copied in before the device reads host memory,
 * and copied back after it wrote host memory, when the list is put or the buffers flushed.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/map-registers
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nc-wdm-pflush_adapter_buffers */
#include "wdm/adapter/adapter_priv.h"

#include <errno.h>
#include <string.h>

#include "platform/machine.h"

int wdm_bounce_init(struct wdm_dma_adapter *a)
{
    struct physmem *mem = a->machine->mem;
    uint8_t *va;
    phys_addr_t pa;

    /* Contiguous placement is first fit from the bottom of the low bank, so a device narrower
     * than 32 bits gets the lowest pages there are; if even those are too high it gets none. */
    va = physmem_alloc(mem, a->nmr, PHYSMEM_BELOW_4G | PHYSMEM_CONTIGUOUS | PHYSMEM_ZERO);
    if (va == NULL)
        return -ENOMEM;
    pa = physmem_virt_to_phys(mem, va);
    if (!wdm_dma_reachable(a, pa, (uint64_t)a->nmr * PAGE_SIZE)) {
        physmem_free(mem, va);
        return -ENOMEM;
    }
    a->bounce_va = va;
    a->bounce_pa = pa;
    return 0;
}

void wdm_bounce_fini(struct wdm_dma_adapter *a)
{
    if (a->bounce_va == NULL)
        return;
    physmem_free(a->machine->mem, a->bounce_va);
    a->bounce_va = NULL;
}

bus_addr_t wdm_bounce_bus(const struct wdm_dma_adapter *a, uint64_t off)
{
    return iommu_phys_to_bus(a->bounce_pa + off);
}

void wdm_bounce_prepare(struct wdm_dma_adapter *a, uint32_t r, bool write_to_device)
{
    struct wdm_map_reg *reg = &a->regs[r];
    uint8_t *dst = a->bounce_va + reg->bounce_off;

    if (write_to_device) {
        /* The pieces were checked to be RAM when the request was measured. */
        const uint8_t *src = physmem_phys_to_host(a->machine->mem, reg->host_pa, reg->len);

        memcpy(dst, src, reg->len);
        atomic_fetch_add_explicit(&a->stats.bounce_bytes_in, reg->len, memory_order_relaxed);
    } else {
        /* Windows leaves whatever the bounce page held; a fixed fill makes bytes the device did
         * not write come back the same way every time. */
        memset(dst, WDM_DMA_BOUNCE_FILL, reg->len);
    }
    atomic_fetch_add_explicit(&a->stats.bounced_pieces, 1, memory_order_relaxed);
}

uint64_t wdm_bounce_copy_out(struct wdm_dma_adapter *a, uint32_t first, uint32_t n, uint64_t max)
{
    uint64_t seen = 0, copied = 0;

    for (uint32_t r = first; r < first + n && seen < max; r++) {
        struct wdm_map_reg *reg = &a->regs[r];
        uint64_t k = reg->len;

        if (k == 0)
            continue;
        if (k > max - seen)
            k = max - seen;
        seen += k;
        if (!reg->bounced)
            continue;
        memcpy(physmem_phys_to_host(a->machine->mem, reg->host_pa, k),
               a->bounce_va + reg->bounce_off, k);
        copied += k;
    }
    atomic_fetch_add_explicit(&a->stats.bounce_bytes_out, copied, memory_order_relaxed);
    return copied;
}
