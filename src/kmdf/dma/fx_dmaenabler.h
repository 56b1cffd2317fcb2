/* fx_dmaenabler.h - the framework DMA enabler object (kmdf layer, internal): struct
 * fx_dma_enabler, what WdfDmaEnablerCreate computed for it (profile, DMA version, the WDM adapter
 * per direction with its map registers and maximum fragment length, SG-list buffer size), the
 * accessors DMA transactions use, the preallocated SG-list buffers, the per-device DMA state
 * (enablers in creation order, the DMA-v2 packet token) and the enabler power callbacks' hook.
 * Everything but max_sg_elements is constant once WdfDmaEnablerCreate returned.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdmaenabler/nf-wdfdmaenabler-wdfdmaenablercreate
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/enabling-dma-transactions
 * docs/dma-enabler.md describes the enabler as built. */
#ifndef DMABOX_KMDF_DMA_FX_DMAENABLER_H
#define DMABOX_KMDF_DMA_FX_DMAENABLER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include <ntddk.h>
#include <wdf.h>

#include "wdfdmaenabler.h"

#include "kmdf/core/fx_device.h"
#include "kmdf/object/fx_list.h"
#include "kmdf/object/fx_object.h"

/* The transaction class a profile selects (WDF's packet / scatter-gather / system objects). */
enum fx_dma_kind {
    FX_DMA_KIND_PACKET,         /* WdfDmaProfilePacket, WdfDmaProfilePacket64 */
    FX_DMA_KIND_SCATTER_GATHER, /* the four ScatterGather profiles */
    FX_DMA_KIND_SYSTEM,         /* System, SystemDuplex (not supported by dmabox) */
};

/* The default WDM DMA version of the enabler on x64 when the driver does not override it. */
#define FX_DMA_DEFAULT_VERSION 2u

/* One direction's adapter.  For a simplex profile both directions hold the same values (and the
 * same adapter pointer, released once). */
struct fx_dma_adapter_info {
    PDMA_ADAPTER adapter;
    ULONG map_registers;          /* NumberOfMapRegisters the adapter granted (NMR) */
    size_t max_fragment_length;   /* min(MaximumLength, (NMR - 1) * PAGE_SIZE) */
    ULONG sg_list_size;           /* bytes of an SG list for the largest transfer (SG profiles) */
};

struct fx_dma_device;

struct fx_dma_enabler {
    struct fx_object obj;         /* first, as for every object */
    struct fx_device *device;     /* the parent WDFDEVICE */
    struct fx_dma_device *dma_dev;/* the device's DMA state (enabler list, packet token) */

    WDF_DMA_PROFILE profile;
    enum fx_dma_kind kind;
    bool is_64bit;                /* Packet64 / ScatterGather64[Duplex] */
    bool duplex;                  /* separate read and write adapters */
    ULONG dma_version;            /* 2 (default) or 3 (override / address-width override) */
    ULONG address_width;          /* bits the adapter assumes the device drives */
    ULONG flags;                  /* WDF_DMA_ENABLER_CONFIG_FLAGS */
    size_t maximum_length;        /* Config->MaximumLength truncated to ULONG */
    ULONG common_buffer_alignment;/* mask; SG profiles: device alignment; packet: 0 */
    _Atomic size_t max_sg_elements; /* WDF_DMA_ENABLER_UNLIMITED_FRAGMENTS until set */

    struct fx_dma_adapter_info read, write;

    /* Preallocated SG-list buffers (SG profiles without NO_SGLIST_PREALLOCATION). */
    pthread_mutex_t sg_lock;
    void *sg_free;                /* singly linked through the first word of each buffer */
    size_t sg_free_count;
    ULONG sg_buffer_size;         /* max(read.sg_list_size, write.sg_list_size) */

    /* Power callbacks from the config, and what happened to them (PnP thread only). */
    PFN_WDF_DMA_ENABLER_FILL evt_fill;
    PFN_WDF_DMA_ENABLER_FLUSH evt_flush;
    PFN_WDF_DMA_ENABLER_ENABLE evt_enable;
    PFN_WDF_DMA_ENABLER_DISABLE evt_disable;
    PFN_WDF_DMA_ENABLER_SELFMANAGED_IO_START evt_io_start;
    PFN_WDF_DMA_ENABLER_SELFMANAGED_IO_STOP evt_io_stop;
    bool fill_failed;             /* the last Fill failed: Disable and Flush are skipped */
    bool enable_failed;           /* the last Enable failed: Flush is skipped */

    struct fx_list link;          /* in dma_dev->enablers (creation order); dma_dev->lock */
};

static inline struct fx_dma_enabler *to_dma_enabler(struct fx_object *o)
{
    FX_ASSERT(o->ops->type == FX_TYPE_DMA_ENABLER);
    return FX_CONTAINER_OF(o, struct fx_dma_enabler, obj);
}

static inline WDFDMAENABLER fx_dma_enabler_handle(const struct fx_dma_enabler *e)
{
    return (WDFDMAENABLER)fx_object_handle(&e->obj);
}

/* Resolves a driver's WDFDMAENABLER at the top of a DDI (findings as fx_object_resolve);
 * NULL after a finding. */
struct fx_dma_enabler *fx_dma_enabler_resolve(PWDF_DRIVER_GLOBALS globals, WDFDMAENABLER handle,
                                              const char *ddi, const void *caller);

/* ---- accessors for DMA transactions (any IRQL; the values never change) ---- */

static inline bool fx_dma_direction_valid(WDF_DMA_DIRECTION dir)
{
    return dir == WdfDmaDirectionReadFromDevice || dir == WdfDmaDirectionWriteToDevice;
}

/* The direction's adapter info; dir must be valid (check with fx_dma_direction_valid). */
static inline const struct fx_dma_adapter_info *fx_dma_enabler_info(const struct fx_dma_enabler *e,
                                                                     WDF_DMA_DIRECTION dir)
{
    FX_ASSERT(fx_dma_direction_valid(dir));
    return dir == WdfDmaDirectionWriteToDevice ? &e->write : &e->read;
}

static inline PDMA_ADAPTER fx_dma_enabler_adapter(const struct fx_dma_enabler *e,
                                                  WDF_DMA_DIRECTION dir)
{
    return fx_dma_enabler_info(e, dir)->adapter;
}

/* min(MaximumLength, (NMR - 1) * PAGE_SIZE) of the direction's adapter. */
static inline size_t fx_dma_enabler_fragment_length(const struct fx_dma_enabler *e,
                                                    WDF_DMA_DIRECTION dir)
{
    return fx_dma_enabler_info(e, dir)->max_fragment_length;
}

static inline ULONG fx_dma_enabler_map_registers(const struct fx_dma_enabler *e,
                                                 WDF_DMA_DIRECTION dir)
{
    return fx_dma_enabler_info(e, dir)->map_registers;
}

static inline size_t fx_dma_enabler_maximum_length(const struct fx_dma_enabler *e)
{
    return e->maximum_length;
}

static inline size_t fx_dma_enabler_max_sg_elements(const struct fx_dma_enabler *e)
{
    return atomic_load_explicit(&e->max_sg_elements, memory_order_relaxed);
}

static inline enum fx_dma_kind fx_dma_enabler_kind(const struct fx_dma_enabler *e)
{
    return e->kind;
}

static inline bool fx_dma_enabler_is_64bit(const struct fx_dma_enabler *e)
{
    return e->is_64bit;
}

static inline bool fx_dma_enabler_is_duplex(const struct fx_dma_enabler *e)
{
    return e->duplex;
}

/* The WDM DMA version of the enabler's adapters (2 or 3). */
static inline ULONG fx_dma_enabler_version(const struct fx_dma_enabler *e)
{
    return e->dma_version;
}

static inline ULONG fx_dma_enabler_flags(const struct fx_dma_enabler *e)
{
    return e->flags;
}

static inline bool fx_dma_enabler_requires_single_transfer(const struct fx_dma_enabler *e)
{
    return (e->flags & WDF_DMA_ENABLER_CONFIG_REQUIRE_SINGLE_TRANSFER) != 0;
}

/* SG profiles allocate SG lists up front unless the driver set NO_SGLIST_PREALLOCATION. */
static inline bool fx_dma_enabler_preallocates_sg(const struct fx_dma_enabler *e)
{
    return e->kind == FX_DMA_KIND_SCATTER_GATHER &&
           !(e->flags & WDF_DMA_ENABLER_CONFIG_NO_SGLIST_PREALLOCATION);
}

/* A transaction may span an MDL chain unless the profile is packet and the version 2
 * (https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/using-dma-version-3). */
static inline bool fx_dma_enabler_supports_chained_mdls(const struct fx_dma_enabler *e)
{
    return e->kind != FX_DMA_KIND_PACKET || e->dma_version >= 3;
}

static inline struct fx_device *fx_dma_enabler_device(const struct fx_dma_enabler *e)
{
    return e->device;
}

/* The DEVICE_OBJECT to pass to the adapter's routines. */
static inline PDEVICE_OBJECT fx_dma_enabler_device_object(struct fx_dma_enabler *e)
{
    return &e->device->wdm;
}

/* ---- preallocated SG-list buffers ---- */

/* A buffer of sg_buffer_size bytes for BuildScatterGatherList[Ex] (a transaction takes one at
 * creation and returns it when destroyed).  NULL if the enabler does not preallocate or memory
 * runs out (WdfDmaTransactionCreate then fails with STATUS_INSUFFICIENT_RESOURCES).  Any IRQL
 * <= DISPATCH_LEVEL. */
void *fx_dma_enabler_sg_buffer_get(struct fx_dma_enabler *e, ULONG *size);
void fx_dma_enabler_sg_buffer_put(struct fx_dma_enabler *e, void *buffer);

/* ---- DMA version 2 packet serialization ----
 * With DMA v2 one packet-profile transaction per WDFDEVICE may be in the transfer state
 * (WdfDmaTransactionExecute returns STATUS_WDF_BUSY for the next).  `owner` is the transaction.
 * Acquire returns false if another owner holds it.  Any IRQL. */
bool fx_dma_packet_token_acquire(struct fx_dma_enabler *e, const void *owner);
void fx_dma_packet_token_release(struct fx_dma_enabler *e, const void *owner);

/* ---- the per-device DMA state (fx_dmaenabler.c) ---- */

/* A framework-internal child object of the device (the driver never sees its handle), created
 * with the device's first enabler and deleted with the device.  Each linked enabler holds a
 * reference on it, so an enabler deleted after the device's own cleanup can still unlink. */
struct fx_dma_device {
    struct fx_object obj;               /* first, as for every object */
    struct fx_device *device;
    struct fx_device_power_hook hook;   /* dma_enable / dma_disable: the power callbacks; the hook
                                           list changes on the device's PnP thread only */
    pthread_mutex_t lock;               /* enablers, live; never held across a callback */
    struct fx_list enablers;            /* struct fx_dma_enabler.link, creation order */
    size_t live;                        /* enablers linked */
    _Atomic(const void *) packet_owner; /* DMA v2 packet token */
};

/* ---- common buffers (fx_commonbuffer.c) ---- */

/* A WDFCOMMONBUFFER: memory from the enabler's read adapter (AllocateCommonBuffer), contiguous,
 * reachable by the device, with an IOMMU window over it until the object is deleted. */
struct fx_common_buffer {
    struct fx_object obj;         /* first, as for every object */
    struct fx_dma_enabler *enabler; /* the parent; referenced until destroy */
    PDMA_ADAPTER adapter;         /* NULL once freed */
    PVOID raw_va;                 /* what AllocateCommonBuffer returned */
    PHYSICAL_ADDRESS raw_la;
    ULONG raw_length;             /* Length, plus the alignment mask when it exceeds a page */
    PVOID va;                     /* aligned, as the driver sees them */
    PHYSICAL_ADDRESS la;
    size_t length;                /* the Length the driver asked for */
    ULONG alignment;              /* the mask applied */
    UCHAR guard[64];              /* the adapter's first guard bytes after raw_length, as
                                     allocated (FX_CB_GUARD_CHECKED, fx_commonbuffer.c) */
};

static inline struct fx_common_buffer *to_common_buffer(struct fx_object *o)
{
    FX_ASSERT(o->ops->type == FX_TYPE_COMMON_BUFFER);
    return FX_CONTAINER_OF(o, struct fx_common_buffer, obj);
}

/* WdfCommonBufferCreate[WithConfig]'s work (the shim checked IRQL, pointers, Length 0 and the
 * config's Size).  alignment: the mask to honour (the enabler's, or the config's).  Returns
 * STATUS_SUCCESS, STATUS_INSUFFICIENT_RESOURCES (no memory the device reaches, or a length the
 * adapter cannot take) or an object-creation status (STATUS_WDF_PARENT_ASSIGNMENT_NOT_ALLOWED
 * when Attributes has a ParentObject). */
NTSTATUS fx_common_buffer_create(struct fx_dma_enabler *e, size_t length, ULONG alignment,
                                 PWDF_OBJECT_ATTRIBUTES attributes, const char *ddi,
                                 const void *caller, struct fx_common_buffer **out);

/* ---- creation (fx_dmaenabler.c; the shim checked IRQL, the device handle and pointers) ---- */

/* WdfDmaEnablerCreate's work: validates the attributes (ParentObject ignored: the device is the
 * parent), Config->Size and the configuration in KMDF's order, creates the object under
 * the device, obtains the adapter(s), computes fragment lengths and SG sizes, preallocates SG
 * buffers and links the enabler in the device's list.  Returns the statuses documented in
 * wdfdmaenabler.h; on failure nothing is left behind. */
NTSTATUS fx_dma_enabler_create(struct fx_device *dev, const WDF_DMA_ENABLER_CONFIG *config,
                               PWDF_OBJECT_ATTRIBUTES attributes, const char *ddi,
                               const void *caller, struct fx_dma_enabler **out);

#endif
