/* adapter_priv.h - the DMA adapter object shared by the files of src/wdm/adapter (wdm layer,
 * private to that folder): map registers, the sets granted from them, the wait queue, bounce
 * pages, common buffers and the helpers the DMA_OPERATIONS implementations share.
 * Model (docs/dma-adapter.md): an adapter has NMR map registers; each maps at most one page of a
 * transfer.  A grant takes a contiguous run of registers (first fit, as the Windows HAL's register
 * bitmap does); register r owns bounce page r of a contiguous low-memory region, so a run of
 * registers is also a contiguous run of bounce pages, and a transfer bounced through it keeps its
 * byte layout (its first page offset, then packed) and stays device-contiguous.  Bus addresses equal machine-physical
 * addresses (docs/platform.md); what mapping adds is an IOMMU window with the transfer's direction.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/map-registers */
#ifndef DMABOX_WDM_ADAPTER_ADAPTER_PRIV_H
#define DMABOX_WDM_ADAPTER_ADAPTER_PRIV_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <wdm.h>

#include "platform/iommu.h"
#include "platform/physmem.h"
#include "wdm/adapter/adapter.h"

#define WDM_DMA_MAGIC 0x414d4457u          /* "WDMA" */
#define WDM_DMA_POOL_TAG 0x41616d44u       /* 'DmaA': the adapter (leaks show as POOL-002) */
#define WDM_DMA_WAIT_TAG 0x57616d44u       /* 'DmaW': a queued allocation */
#define WDM_DMA_CB_TAG 0x43616d44u         /* 'DmaC': a common buffer's record */
#define WDM_DMA_BOUNCE_FILL 0xB5           /* bounce bytes of a device-to-host mapping before the
                                            * device writes: undefined by the docs, visible here */
#define WDM_DMA_SG_SLOT 48u                /* bytes of list storage per register (Get's lists) */
#define WDM_DMA_CTX_MAGIC 0x58544344u      /* "DCTX": an initialized DMA transfer context */

/* One map register: one page of device address space, and what it maps now. */
struct wdm_map_reg {
    phys_addr_t host_pa;        /* the piece of the driver's buffer */
    uint32_t len;               /* bytes of the piece; 0 = not mapped */
    bool bounced;               /* the device sees a copy in the bounce region instead */
    uint64_t bounce_off;        /* where that copy is, from the start of the bounce region */
    bool win_device_reads;      /* the window's direction: host-to-device */
    bus_addr_t win_bus;         /* an IOMMU window [win_bus, win_bus + win_len) starts here */
    uint64_t win_len;           /* 0 = none */
};

enum wdm_map_set_kind {
    WDM_MAP_SET_FREE = 0,
    WDM_MAP_SET_SG,             /* a scatter/gather list (Get/Build[Ex]) */
    WDM_MAP_SET_CHANNEL,        /* packet mode (AllocateAdapterChannel[Ex]) */
};

/* Registers [base, base + count) granted together; lives at sets[base].  Owned by the adapter
 * while free or queued, by the driver between grant and release. */
struct wdm_map_set {
    uint32_t base, count;
    enum wdm_map_set_kind kind;
    bool write_to_device;       /* SG: the list's direction; packet: the current mappings' */
    uint32_t cursor;            /* packet: registers used by mappings since the last flush */
    PSCATTER_GATHER_LIST list;  /* SG: the list handed out */
    const void *caller;         /* where it was allocated, for leak reports */
};

/* A Get/Build[Ex] request, as made and (when deferred) as kept in the queue. */
struct wdm_sg_request {
    PDEVICE_OBJECT devobj;
    PMDL mdl;                   /* the MDL holding the first byte */
    ULONG offset;               /* of the first byte from MmGetMdlVirtualAddress(mdl) */
    ULONG length;
    ULONG nregs;                /* map registers (pieces) it needs */
    BOOLEAN write;
    PDRIVER_LIST_CONTROL routine;
    PVOID context;
    PVOID buffer;               /* Build: the caller's buffer; Get: NULL (adapter storage) */
    ULONG buffer_length;
    PVOID transfer_context;     /* version 3 requests, for CancelAdapterChannel */
    const void *caller;
};

/* An AllocateAdapterChannel[Ex] request. */
struct wdm_channel_request {
    PDEVICE_OBJECT devobj;
    ULONG nregs;
    PDRIVER_CONTROL routine;
    PVOID context;
    PVOID transfer_context;
    const void *caller;
};

struct wdm_dma_wait {
    struct wdm_dma_wait *next;
    bool is_sg;
    union {
        struct wdm_sg_request sg;
        struct wdm_channel_request ch;
    };
};

/* Who holds the adapter channel (one per adapter, as in Windows). */
enum wdm_dma_channel_state {
    WDM_DMA_CHANNEL_FREE = 0,
    WDM_DMA_CHANNEL_GRANTING,   /* an AdapterControl routine is running */
    WDM_DMA_CHANNEL_KEPT,       /* KeepObject, or a synchronous Ex grant: until freed */
};

struct wdm_common_buffer {
    struct wdm_common_buffer *next;
    uint8_t *va;                /* what the driver got */
    phys_addr_t pa;
    ULONG length;               /* requested */
    size_t pages;               /* allocated; [length, pages * PAGE_SIZE) are guard bytes */
    const void *caller;
};

/* Counters updated outside the lock (relaxed atomics). */
struct wdm_dma_counters {
    _Atomic uint64_t sg_lists_built, sg_elements, channel_grants, mappings, deferred;
    _Atomic uint64_t bounce_bytes_in, bounce_bytes_out, bounced_pieces;
    _Atomic uint64_t windows_open, windows_opened;
};

struct wdm_dma_adapter {
    DMA_ADAPTER pub;            /* first: drivers hold &pub */
    uint32_t magic;
    struct machine *machine;
    struct dmabox_dev *dev;
    unsigned devid;             /* IOMMU device id */
    ULONG version;              /* DMA_OPERATIONS version, 1..3 */
    bool scatter_gather;
    uint32_t address_bits;
    uint64_t limit;             /* first bus address the device cannot drive; 0 = none */
    uint32_t nmr;

    pthread_mutex_t lock;       /* protects everything below */
    uint64_t *reg_bitmap;       /* bit r set: register r allocated */
    struct wdm_map_reg *regs;   /* [nmr] */
    struct wdm_map_set *sets;   /* [nmr], indexed by base register */
    uint8_t *sg_storage;        /* [WDM_DMA_SG_SLOT * nmr]: set b's list at b * SLOT */
    uint32_t regs_in_use, regs_peak;
    uint64_t sg_outstanding;
    enum wdm_dma_channel_state channel;
    struct wdm_map_set *channel_set; /* registers the channel holder got (NULL: none) */
    struct wdm_dma_wait *wait_head, *wait_tail;
    uint64_t waiting;
    bool draining;              /* a thread is granting queued requests */
    struct wdm_common_buffer *common;
    uint64_t common_count, common_bytes;

    uint8_t *bounce_va;         /* nmr contiguous pages below limit, or NULL (never bounces) */
    phys_addr_t bounce_pa;

    struct wdm_dma_counters stats;
};

static inline struct wdm_dma_adapter *to_wdm_dma_adapter(PDMA_ADAPTER p)
{
    return (struct wdm_dma_adapter *)p;
}

/* ---- adapter.c ---- */

/* Resolves the adapter a DMA_OPERATIONS routine was given.  NULL or a foreign pointer, or a
 * routine beyond the adapter's version (min_version), is DMA-ADP-001 and returns NULL. */
struct wdm_dma_adapter *wdm_dma_resolve(PDMA_ADAPTER p, ULONG min_version, const char *ddi,
                                        const void *caller);

/* Rule DMA-IRQL-001 / IRQL-001: the routine is documented for DISPATCH_LEVEL exactly. */
void wdm_dma_check_dispatch(struct wdm_dma_adapter *a, const char *ddi, const void *caller);

/* Raises to DISPATCH_LEVEL for a driver callback; returns the level to restore. */
KIRQL wdm_dma_enter_dispatch(void);

/* The Irp argument of AdapterControl / AdapterListControl: the device's CurrentIrp. */
PIRP wdm_dma_current_irp(PDEVICE_OBJECT devobj);

/* Does the device reach [pa, pa + len)? */
static inline bool wdm_dma_reachable(const struct wdm_dma_adapter *a, phys_addr_t pa, uint64_t len)
{
    return a->limit == 0 || (pa < a->limit && len <= a->limit - pa);
}

/* ---- map_registers.c ---- */

/* First fit of n contiguous free registers; sets *base.  Caller holds a->lock. */
bool wdm_regs_alloc_locked(struct wdm_dma_adapter *a, uint32_t n, uint32_t *base);
/* Returns the set's registers to the pool and marks the set free.  Caller holds a->lock. */
void wdm_set_free_locked(struct wdm_dma_adapter *a, struct wdm_map_set *set);
/* Marks registers [base, base+n) as a set of `kind` owned by the caller.  Caller holds a->lock. */
struct wdm_map_set *wdm_set_claim_locked(struct wdm_dma_adapter *a, uint32_t base, uint32_t n,
                                         enum wdm_map_set_kind kind, const void *caller);
/* Can a new request be granted now (nothing queued before it, channel free, registers free)?
 * On true, registers are allocated and *base set.  Caller holds a->lock. */
bool wdm_dma_can_grant_locked(struct wdm_dma_adapter *a, uint32_t n, uint32_t *base);
/* Appends a copy of the request to the FIFO; STATUS_SUCCESS or STATUS_INSUFFICIENT_RESOURCES.
 * Caller holds a->lock. */
NTSTATUS wdm_dma_enqueue_locked(struct wdm_dma_adapter *a, const struct wdm_dma_wait *w,
                                const char *ddi, const void *caller);
/* Grants queued requests, in order, while resources allow; runs their routines at
 * DISPATCH_LEVEL in the calling thread.  Called without the lock after anything is released;
 * returns at once if another thread (or an outer frame of this one) is already granting. */
void wdm_dma_run_waiters(struct wdm_dma_adapter *a);
/* Opens the IOMMU window of a mapping starting at register r. */
void wdm_dma_window_open(struct wdm_dma_adapter *a, uint32_t r, bus_addr_t bus, uint64_t len,
                         bool write_to_device);
/* Closes every window and forgets every mapping of registers [first, first + n) of set. */
void wdm_dma_unmap_regs(struct wdm_dma_adapter *a, const struct wdm_map_set *set,
                        uint32_t first, uint32_t n);
/* Releases whatever the adapter still holds at put, reporting each object (adapter.c calls). */
void wdm_regs_teardown(struct wdm_dma_adapter *a);

/* ---- bounce.c ---- */

/* Allocates the bounce region (nmr pages below the limit).  0 or -ENOMEM. */
int wdm_bounce_init(struct wdm_dma_adapter *a);
void wdm_bounce_fini(struct wdm_dma_adapter *a);
/* The bus address of byte `off` of the bounce region. */
bus_addr_t wdm_bounce_bus(const struct wdm_dma_adapter *a, uint64_t off);
/* Prepares the bounce copy of register r's piece (reg->bounce_off): copies the piece in
 * (host-to-device) or fills it with WDM_DMA_BOUNCE_FILL (device-to-host). */
void wdm_bounce_prepare(struct wdm_dma_adapter *a, uint32_t r, bool write_to_device);
/* Copies up to max bytes of the bounced pieces of registers [first, first + n) back to the
 * buffer, in register order (device-to-host transfers).  Returns the bytes copied. */
uint64_t wdm_bounce_copy_out(struct wdm_dma_adapter *a, uint32_t first, uint32_t n, uint64_t max);

/* ---- sglist.c ---- */

/* A position in an MDL chain: byte `off` after MmGetMdlVirtualAddress(mdl). */
struct wdm_mdl_walk {
    PMDL mdl;
    uint64_t off;
};

/* The next piece of the chain (at most `max` bytes, inside one page of one MDL) and moves past
 * it; false at the chain's end. */
bool wdm_mdl_next_piece(struct wdm_mdl_walk *w, uint64_t max, phys_addr_t *pa, ULONG *len);

/* Walks (mdl, offset, length) across the chain: number of one-page pieces (= map registers)
 * in *pieces.  Returns STATUS_SUCCESS, or STATUS_BUFFER_TOO_SMALL when the chain ends first, or
 * STATUS_INVALID_PARAMETER (after reporting MDL-001) when a page is not machine RAM. */
NTSTATUS wdm_mdl_count_pieces(struct wdm_dma_adapter *a, PMDL mdl, ULONG offset, ULONG length,
                              ULONG *pieces, const char *ddi, const void *caller);
/* The offset of CurrentVa from MmGetMdlVirtualAddress(mdl); false after reporting DMA-BUF-001
 * when CurrentVa is outside the MDL or length is 0. */
bool wdm_mdl_va_offset(PMDL mdl, PVOID current_va, ULONG length, ULONG *offset,
                       const char *ddi, const void *caller);
/* Moves (mdl, offset) forward by `skip` bytes across the chain; false if the chain ends. */
bool wdm_mdl_seek(PMDL *mdl, uint64_t *offset, uint64_t skip);
/* Builds the list of a granted SG request in set's registers and calls its routine (if any) at
 * DISPATCH_LEVEL.  Returns the list. */
PSCATTER_GATHER_LIST wdm_sg_grant(struct wdm_dma_adapter *a, struct wdm_map_set *set,
                                  const struct wdm_sg_request *rq);
/* Starts an SG request: grants now (routine called before return), queues it (STATUS_SUCCESS,
 * routine called later), or fails.  sync_only: fail with STATUS_INSUFFICIENT_RESOURCES rather
 * than queue.  *out (may be NULL) receives the list of a grant made now. */
NTSTATUS wdm_sg_start(struct wdm_dma_adapter *a, struct wdm_sg_request *rq, bool sync_only,
                      PSCATTER_GATHER_LIST *out, const char *ddi);
/* PutScatterGatherList's work. */
void wdm_sg_put(struct wdm_dma_adapter *a, PSCATTER_GATHER_LIST list, BOOLEAN write,
                const char *ddi, const void *caller);

/* ---- map_transfer.c (packet mode) ---- */

/* Grants a channel request: runs its routine and applies the action it returns.  With a NULL
 * routine (synchronous Ex grant) the channel stays held.  Returns the MapRegisterBase. */
PVOID wdm_channel_grant(struct wdm_dma_adapter *a, struct wdm_map_set *set,
                        const struct wdm_channel_request *rq);
/* Starts a channel request: grants now (routine run before return; *base_out gets the
 * MapRegisterBase), queues it, or fails (sync_only: STATUS_INSUFFICIENT_RESOURCES instead of
 * queuing). */
NTSTATUS wdm_channel_start(struct wdm_dma_adapter *a, const struct wdm_channel_request *rq,
                           bool sync_only, PVOID *base_out, const char *ddi);
/* Applies what an AdapterControl routine returned (or FreeAdapterObject's action) to the channel
 * and the registers `set` it got; runs queued requests if the channel was released. */
void wdm_channel_release(struct wdm_dma_adapter *a, struct wdm_map_set *set,
                         IO_ALLOCATION_ACTION action, const char *ddi, const void *caller);
/* Is the channel held (KeepObject)?  Then *set is its register set (NULL if it has none);
 * otherwise DMA-MR-001 is reported (only a holder may free the channel). */
bool wdm_channel_held(struct wdm_dma_adapter *a, struct wdm_map_set **set, const char *ddi,
                      const void *caller);
/* The set a MapRegisterBase names, or NULL after reporting DMA-MR-001. */
struct wdm_map_set *wdm_map_base_resolve(struct wdm_dma_adapter *a, PVOID base, const char *ddi,
                                         const void *caller);
/* Maps up to *length bytes at (mdl, offset) into set's free registers (one device-contiguous
 * run); returns the bus address and sets *length to the bytes mapped (0 on failure). */
bus_addr_t wdm_map_transfer(struct wdm_dma_adapter *a, struct wdm_map_set *set, PMDL mdl,
                            ULONG offset, ULONG *length, bool write_to_device, const char *ddi,
                            const void *caller);
/* Ends the set's mappings: copies bounced device-to-host data back (at most `length` bytes) and
 * closes their windows. */
void wdm_map_flush(struct wdm_dma_adapter *a, struct wdm_map_set *set, uint64_t length);

/* ---- common_buffer.c ---- */

PVOID wdm_common_buffer_alloc(struct wdm_dma_adapter *a, uint64_t max_address, ULONG length,
                              PPHYSICAL_ADDRESS logical, const char *ddi, const void *caller);
/* Frees every common buffer still allocated at put, reporting each (DMA-CB-003). */
void wdm_common_buffer_teardown(struct wdm_dma_adapter *a);

/* ---- the DMA_OPERATIONS entry points, by file ---- */

VOID NTAPI wdm_dma_put_adapter(PDMA_ADAPTER DmaAdapter);
PVOID NTAPI wdm_dma_allocate_common_buffer(PDMA_ADAPTER, ULONG, PPHYSICAL_ADDRESS, BOOLEAN);
VOID NTAPI wdm_dma_free_common_buffer(PDMA_ADAPTER, ULONG, PHYSICAL_ADDRESS, PVOID, BOOLEAN);
PVOID NTAPI wdm_dma_allocate_common_buffer_ex(PDMA_ADAPTER, PPHYSICAL_ADDRESS, ULONG,
                                              PPHYSICAL_ADDRESS, BOOLEAN, NODE_REQUIREMENT);
NTSTATUS NTAPI wdm_dma_allocate_adapter_channel(PDMA_ADAPTER, PDEVICE_OBJECT, ULONG,
                                                PDRIVER_CONTROL, PVOID);
BOOLEAN NTAPI wdm_dma_flush_adapter_buffers(PDMA_ADAPTER, PMDL, PVOID, PVOID, ULONG, BOOLEAN);
VOID NTAPI wdm_dma_free_adapter_channel(PDMA_ADAPTER);
VOID NTAPI wdm_dma_free_map_registers(PDMA_ADAPTER, PVOID, ULONG);
PHYSICAL_ADDRESS NTAPI wdm_dma_map_transfer(PDMA_ADAPTER, PMDL, PVOID, PVOID, PULONG, BOOLEAN);
NTSTATUS NTAPI wdm_dma_get_sg_list(PDMA_ADAPTER, PDEVICE_OBJECT, PMDL, PVOID, ULONG,
                                   PDRIVER_LIST_CONTROL, PVOID, BOOLEAN);
VOID NTAPI wdm_dma_put_sg_list(PDMA_ADAPTER, PSCATTER_GATHER_LIST, BOOLEAN);
NTSTATUS NTAPI wdm_dma_calculate_sg_list(PDMA_ADAPTER, PMDL, PVOID, ULONG, PULONG, PULONG);
NTSTATUS NTAPI wdm_dma_build_sg_list(PDMA_ADAPTER, PDEVICE_OBJECT, PMDL, PVOID, ULONG,
                                     PDRIVER_LIST_CONTROL, PVOID, BOOLEAN, PVOID, ULONG);
NTSTATUS NTAPI wdm_dma_get_transfer_info(PDMA_ADAPTER, PMDL, ULONGLONG, ULONG, BOOLEAN,
                                         PDMA_TRANSFER_INFO);
NTSTATUS NTAPI wdm_dma_get_sg_list_ex(PDMA_ADAPTER, PDEVICE_OBJECT, PVOID, PMDL, ULONGLONG,
                                      ULONG, ULONG, PDRIVER_LIST_CONTROL, PVOID, BOOLEAN,
                                      PDMA_COMPLETION_ROUTINE, PVOID, PSCATTER_GATHER_LIST *);
NTSTATUS NTAPI wdm_dma_build_sg_list_ex(PDMA_ADAPTER, PDEVICE_OBJECT, PVOID, PMDL, ULONGLONG,
                                        ULONG, ULONG, PDRIVER_LIST_CONTROL, PVOID, BOOLEAN,
                                        PVOID, ULONG, PDMA_COMPLETION_ROUTINE, PVOID, PVOID);
NTSTATUS NTAPI wdm_dma_allocate_adapter_channel_ex(PDMA_ADAPTER, PDEVICE_OBJECT, PVOID, ULONG,
                                                   ULONG, PDRIVER_CONTROL, PVOID, PVOID *);
BOOLEAN NTAPI wdm_dma_cancel_adapter_channel(PDMA_ADAPTER, PDEVICE_OBJECT, PVOID);
NTSTATUS NTAPI wdm_dma_map_transfer_ex(PDMA_ADAPTER, PMDL, PVOID, ULONGLONG, ULONG, PULONG,
                                       BOOLEAN, PSCATTER_GATHER_LIST, ULONG,
                                       PDMA_COMPLETION_ROUTINE, PVOID);
NTSTATUS NTAPI wdm_dma_flush_adapter_buffers_ex(PDMA_ADAPTER, PMDL, PVOID, ULONGLONG, ULONG,
                                                BOOLEAN);
VOID NTAPI wdm_dma_free_adapter_object(PDMA_ADAPTER, IO_ALLOCATION_ACTION);
NTSTATUS NTAPI wdm_dma_initialize_transfer_context(PDMA_ADAPTER, PVOID);
NTSTATUS NTAPI wdm_dma_build_mdl_from_sg_list(PDMA_ADAPTER, PSCATTER_GATHER_LIST, PMDL, PMDL *);
NTSTATUS NTAPI wdm_dma_configure_adapter_channel(PDMA_ADAPTER, ULONG, PVOID);
NTSTATUS NTAPI wdm_dma_cancel_mapped_transfer(PDMA_ADAPTER, PVOID);
NTSTATUS NTAPI wdm_dma_allocate_domain_common_buffer(PDMA_ADAPTER, HANDLE, PPHYSICAL_ADDRESS,
                                                     ULONG, ULONG, MEMORY_CACHING_TYPE *,
                                                     NODE_REQUIREMENT, PPHYSICAL_ADDRESS,
                                                     PVOID *);
NTSTATUS NTAPI wdm_dma_flush_dma_buffer(PDMA_ADAPTER, PMDL, BOOLEAN);
NTSTATUS NTAPI wdm_dma_join_dma_domain(PDMA_ADAPTER, HANDLE);
NTSTATUS NTAPI wdm_dma_leave_dma_domain(PDMA_ADAPTER);
HANDLE NTAPI wdm_dma_get_dma_domain(PDMA_ADAPTER);
PVOID NTAPI wdm_dma_allocate_common_buffer_with_bounds(PDMA_ADAPTER, PPHYSICAL_ADDRESS,
                                                       PPHYSICAL_ADDRESS, ULONG, ULONG,
                                                       MEMORY_CACHING_TYPE *, NODE_REQUIREMENT,
                                                       PPHYSICAL_ADDRESS);
NTSTATUS NTAPI wdm_dma_allocate_common_buffer_vector(PDMA_ADAPTER, PHYSICAL_ADDRESS,
                                                     PHYSICAL_ADDRESS, MEMORY_CACHING_TYPE, ULONG,
                                                     ULONG, ULONG, ULONGLONG,
                                                     PDMA_COMMON_BUFFER_VECTOR *);
VOID NTAPI wdm_dma_get_common_buffer_from_vector_by_index(PDMA_ADAPTER, PDMA_COMMON_BUFFER_VECTOR,
                                                          ULONG, PVOID *, PPHYSICAL_ADDRESS);
VOID NTAPI wdm_dma_free_common_buffer_from_vector(PDMA_ADAPTER, PDMA_COMMON_BUFFER_VECTOR, ULONG);
VOID NTAPI wdm_dma_free_common_buffer_vector(PDMA_ADAPTER, PDMA_COMMON_BUFFER_VECTOR);
NTSTATUS NTAPI wdm_dma_create_common_buffer_from_mdl(PDMA_ADAPTER, PMDL,
                                                     PDMA_COMMON_BUFFER_EXTENDED_CONFIGURATION,
                                                     ULONG, PPHYSICAL_ADDRESS);

#endif
