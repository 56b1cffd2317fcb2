/* adapter.h - the DMA adapter as other layers see it (wdm layer, internal interface): creating an
 * adapter for a plugged bus device (what KMDF's DMA enabler calls instead of IoGetDmaAdapter),
 * binding a PDO to its bus device so IoGetDmaAdapter finds it, and the per-adapter statistics.
 * Design, limits and the rules it enforces: docs/dma-adapter.md.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-iogetdmaadapter
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/map-registers */
#ifndef DMABOX_WDM_ADAPTER_ADAPTER_H
#define DMABOX_WDM_ADAPTER_ADAPTER_H

#include <stdint.h>

#include <wdm.h>

struct machine;
struct dmabox_dev;

/* Map registers an adapter gets at most when the caller sets no cap: enough for a 4 MiB transfer
 * at any page offset.  IoGetDmaAdapter grants min(BYTES_TO_PAGES(MaximumLength) + 1, cap). */
#define WDM_DMA_DEFAULT_MAP_REGISTER_CAP 1025u

struct wdm_dma_adapter_params {
    ULONG map_register_cap;        /* 0: WDM_DMA_DEFAULT_MAP_REGISTER_CAP */
};

/* Creates the adapter IoGetDmaAdapter would return for bus device `dev` of machine m, described
 * by *desc, and stores the number of map registers granted in *nmr.  Returns NULL (nothing
 * allocated) when the description is not one dmabox supports (system DMA, version above 3, an
 * address width outside 24..64) or memory runs out; an invalid description is also reported as
 * DMA-ADP-001.  PASSIVE_LEVEL, on a thread of machine m. */
PDMA_ADAPTER wdm_dma_adapter_create(struct machine *m, struct dmabox_dev *dev,
                                    const DEVICE_DESCRIPTION *desc, ULONG *nmr);
/* As above with a map-register cap (params may be NULL). */
PDMA_ADAPTER wdm_dma_adapter_create_ex(struct machine *m, struct dmabox_dev *dev,
                                       const DEVICE_DESCRIPTION *desc,
                                       const struct wdm_dma_adapter_params *params, ULONG *nmr);

/* PutDmaAdapter: reports what is still outstanding (DMA-SG-002, DMA-MR-002, DMA-CB-003, one
 * finding per object), releases it (closing every IOMMU window the adapter opened) and frees the
 * adapter.  PASSIVE_LEVEL. */
void wdm_dma_adapter_put(PDMA_ADAPTER adapter);

/* Counters of one adapter.  "now" values are a snapshot; the others count since creation. */
struct wdm_dma_adapter_stats {
    uint32_t map_registers;           /* granted at creation (NumberOfMapRegisters) */
    uint32_t map_registers_in_use;    /* now */
    uint32_t map_registers_peak;
    uint32_t address_bits;            /* the width the adapter assumes the device drives */
    uint64_t sg_lists_built;          /* Get/Build[Ex] grants */
    uint64_t sg_elements;             /* elements in those lists */
    uint64_t sg_lists_outstanding;    /* now: granted, not yet put */
    uint64_t channel_grants;          /* AllocateAdapterChannel[Ex] grants */
    uint64_t mappings;                /* MapTransfer[Ex] calls that mapped something */
    uint64_t deferred;                /* allocations that had to wait for map registers */
    uint64_t waiting;                 /* now: allocations queued */
    uint64_t bounce_bytes_in;         /* copied into bounce pages before the device reads */
    uint64_t bounce_bytes_out;        /* copied out of bounce pages after the device wrote */
    uint64_t bounced_pieces;          /* buffer pieces that went through a bounce page */
    uint64_t windows_open;            /* now: IOMMU windows this adapter holds open */
    uint64_t windows_opened;          /* IOMMU windows opened so far */
    uint64_t common_buffers;          /* now: common buffers allocated */
    uint64_t common_buffer_bytes;     /* now: their requested lengths */
};

/* Fills *out; returns 0, or -1 if adapter is not a dmabox adapter.  Any IRQL. */
int wdm_dma_adapter_get_stats(PDMA_ADAPTER adapter, struct wdm_dma_adapter_stats *out);

/* The IOMMU device id of the adapter's bus device (for tests that inspect windows/faults). */
unsigned wdm_dma_adapter_device_id(PDMA_ADAPTER adapter);

/* ---- PDO binding for IoGetDmaAdapter ----
 * The bus side (the framework or the host, whoever creates the physical device object) binds a
 * PDO to its bus device with caller-owned storage that must outlive every IoGetDmaAdapter call on
 * that PDO.  The binding lives in the PDO's DeviceObjectExtension (the I/O manager's field, which
 * drivers never touch).  IoGetDmaAdapter on an unbound PDO reports DMA-ADP-001 and returns NULL. */
struct wdm_dma_pdo_binding {
    uint32_t magic;
    struct machine *machine;
    struct dmabox_dev *dev;
    struct wdm_dma_adapter_params params;
};

void wdm_dma_pdo_bind(PDEVICE_OBJECT pdo, struct wdm_dma_pdo_binding *binding,
                      struct machine *m, struct dmabox_dev *dev,
                      const struct wdm_dma_adapter_params *params);
void wdm_dma_pdo_unbind(PDEVICE_OBJECT pdo);

#endif
