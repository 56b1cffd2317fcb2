/* fx_dmatransaction.h - the framework DMA transaction object (kmdf layer, internal): struct
 * fx_dma_transaction, its one state enum, the profile ops table (packet, scatter/gather) and the
 * base skeleton that owns every state change (fx_dmatransaction.c).  The transaction never moves
 * data and never touches the device: it sizes transfers, asks the enabler's WDM adapter for each
 * transfer's SG list (or map registers), hands it to EvtProgramDma and gives it back.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/starting-a-dma-transaction
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/completing-a-dma-transfer
 * docs/dma.md describes the lifecycle, the split rules and the verifier rules as built. */
#ifndef DMABOX_KMDF_DMA_FX_DMATRANSACTION_H
#define DMABOX_KMDF_DMA_FX_DMATRANSACTION_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ntddk.h>
#include <wdf.h>

#include "kmdf/dma/fx_dmaenabler.h"
#include "kmdf/object/fx_object.h"

struct exec_ctx;
struct fx_request;

/* ---- the state machine ----
 *
 * enum fx_dmatx_state (the numbers are WDF's; a finding prints the name):
 *   (create)                         -> CREATED
 *   CREATED | RESERVED | RELEASED    -> INITIALIZED          Initialize* succeeded
 *   CREATED | RESERVED | RELEASED    -> RELEASED             Initialize* failed after the
 *                                                            argument checks (the core resets)
 *   INITIALIZED                      -> TRANSFER             Execute (set before mapping)
 *   TRANSFER                         -> TRANSFER_FAILED      Execute failed synchronously
 *   TRANSFER                         -> TRANSFER             DmaCompleted* staged the next
 *                                                            transfer (FALSE)
 *   TRANSFER                         -> TRANSFER_COMPLETED   DmaCompleted* finished (TRUE, success)
 *   TRANSFER                         -> TRANSFER_FAILED      DmaCompleted* failed (TRUE, error),
 *                                                            or Cancel won (TRUE)
 *   CREATED | INITIALIZED | RELEASED -> RESERVED             AllocateResources (v3 packet)
 *   any but RELEASED                 -> RELEASED             Release (TRANSFER: DMA-TX-004 first),
 *                                                            FreeResources
 *   any                              -> DELETED              the object is deleted (TRANSFER:
 *                                                            DMA-TX-004, or DMA-TX-006 when the
 *                                                            device is being removed)
 * Every other (state, event) pair is DMA-TX-001 (KMDF: bug check 0x10D/0x8, WDF_DMA_FATAL_ERROR);
 * the DDI then returns its documented failure without changing anything. */
enum fx_dmatx_state {
    FX_DMATX_STATE_INVALID = 0,
    FX_DMATX_STATE_CREATED,
    FX_DMATX_STATE_RESERVED,
    FX_DMATX_STATE_INITIALIZED,
    FX_DMATX_STATE_TRANSFER,
    FX_DMATX_STATE_TRANSFER_COMPLETED,
    FX_DMATX_STATE_TRANSFER_FAILED,
    FX_DMATX_STATE_RELEASED,
    FX_DMATX_STATE_DELETED,
    FX_DMATX_STATE_COUNT
};

const char *fx_dmatx_state_name(enum fx_dmatx_state state);

/* The events of the table above, for the legality check (fx_dmatx_allowed). */
enum fx_dmatx_event {
    FX_DMATX_EVENT_INITIALIZE,
    FX_DMATX_EVENT_EXECUTE,
    FX_DMATX_EVENT_DMA_COMPLETED,
    FX_DMATX_EVENT_RELEASE,
    FX_DMATX_EVENT_ALLOCATE_RESOURCES,
    FX_DMATX_EVENT_FREE_RESOURCES,
    FX_DMATX_EVENT_CANCEL,
    FX_DMATX_EVENT_GET_TRANSFER_INFO,
    FX_DMATX_EVENT_SET_SINGLE_TRANSFER,
    FX_DMATX_EVENT_SET_IMMEDIATE,
    FX_DMATX_EVENT_GET_TRANSFER_CONTEXT,
    FX_DMATX_EVENT_COUNT
};

/* True if `event` is legal in `state` (the table, as data).  Pure; for the shims and the tests. */
bool fx_dmatx_allowed(enum fx_dmatx_state state, enum fx_dmatx_event event);

struct fx_dma_transaction;

/* ---- profiles ----
 * The base skeleton calls these; none of them changes tx->state.  They run at DISPATCH_LEVEL
 * except init_resources (caller's IRQL). */
struct fx_dmatx_profile_ops {
    const char *name;
    /* Initialize: validate the buffer against the profile's limits (fragmentation, MDL chains).
     * Returns STATUS_SUCCESS, STATUS_WDF_TOO_FRAGMENTED or STATUS_INVALID_PARAMETER. */
    NTSTATUS (*init_resources)(struct fx_dma_transaction *tx);
    /* Execute, before the first stage: per-transaction resources (packet: the DMA v2 token and
     * the adapter channel).  May stage and program the first transfer itself (packet: from the
     * AdapterControl routine); sets tx->first_staged then. */
    NTSTATUS (*start)(struct fx_dma_transaction *tx);
    /* Maps the next transfer at tx->transferred for min(remaining, max_fragment) bytes (or less,
     * see docs/dma.md) and calls EvtProgramDma through fx_dmatx_program, now or when the
     * adapter grants resources.  After a success return the driver may already have completed
     * the transfer on another thread: the caller must not touch tx. */
    NTSTATUS (*stage)(struct fx_dma_transaction *tx);
    /* DmaCompleted*: the current transfer is over; give its SG list back / flush it. */
    NTSTATUS (*transfer_completed)(struct fx_dma_transaction *tx);
    /* Terminal completion, Release or delete: free what start took.  Idempotent. */
    void (*release)(struct fx_dma_transaction *tx);
};

extern const struct fx_dmatx_profile_ops fx_dmatx_sg_ops;
extern const struct fx_dmatx_profile_ops fx_dmatx_packet_ops;

/* Per-transaction counters (read with fx_dmatx_get_stats). */
struct fx_dmatx_stats {
    uint64_t allocations;     /* pool allocations this transaction made (creation only) */
    uint64_t transfers;       /* EvtProgramDma calls */
    uint64_t sg_elements;     /* elements in the lists handed to EvtProgramDma */
    uint64_t max_elements;    /* largest list handed to EvtProgramDma */
    uint64_t transactions;    /* Execute calls that succeeded */
};

/* A packet-profile transfer's one-element list lives in the transaction (WDF: on the stack). */
struct fx_dmatx_packet_sg {
    SCATTER_GATHER_LIST list;
    SCATTER_GATHER_ELEMENT element;
};

struct fx_dma_transaction {
    struct fx_object obj;                 /* first, as for every object */
    struct fx_dma_enabler *enabler;       /* parent; outlives the transaction */
    const struct fx_dmatx_profile_ops *ops;
    ULONG dma_version;
    _Atomic int state;                    /* enum fx_dmatx_state */
    /* A transfer has been handed to EvtProgramDma and not yet completed.  Exchanged to false
     * by exactly one DmaCompleted*, so a second completion is DMA-TX-002 even in a race. */
    _Atomic bool in_flight;

    /* Set by Initialize*, cleared by Release (the "Reset" list of docs/dma.md). */
    WDF_DMA_DIRECTION direction;
    const struct fx_dma_adapter_info *dir;/* the direction's adapter */
    PFN_WDF_PROGRAM_DMA evt_program;
    WDFCONTEXT context;                   /* Execute's Context */
    PMDL mdl;                             /* first MDL of the buffer */
    size_t start_offset;                  /* of the first byte, from MmGetMdlVirtualAddress(mdl) */
    size_t length;                        /* transaction length (ULONG-truncated, as WDF) */
    size_t max_fragment;                  /* T: direction's fragment length, lowered by
                                             SetMaximumLength, raised for single transfer */
    size_t remaining;                     /* bytes not yet staged */
    size_t transferred;                   /* bytes credited by DmaCompleted* */
    size_t current;                       /* bytes of the transfer in flight (0: none) */
    bool single_transfer;
    bool immediate;                       /* v3 DMA_SYNCHRONOUS_CALLBACK */
    struct fx_request *request;           /* InitializeUsingRequest; dereferenced only while
                                             request_ref is held */
    WDFREQUEST request_handle;            /* its handle, for GetRequest until Release (the
                                             request itself may be gone by then) */
    bool request_ref;                     /* the in-flight reference on the request is held */
    bool request_reported;                /* DMA-TX-005 reported for this execution */

    /* Profile state. */
    PSCATTER_GATHER_LIST sg_list;         /* SG: list of the transfer in flight (NULL: none) */
    void *sg_buffer;                      /* SG: preallocated list storage (from the enabler);
                                             NULL: NO_SGLIST_PREALLOCATION, the adapter's lists */
    ULONG sg_buffer_size;
    PVOID map_base;                       /* packet: MapRegisterBase of the channel */
    PMDL map_mdl;                         /* packet: MDL and VA of the mapping in flight */
    PVOID map_va;
    size_t done_len;                      /* bytes the driver credited to the transfer that
                                             transfer_completed flushes */
    struct exec_ctx *_Atomic starting;    /* packet: the thread inside AllocateAdapterChannel */
    _Atomic bool granted_sync;            /* packet: the channel was granted inside the call */
    ULONG map_count;                      /* packet: registers allocated for this transaction */
    bool channel_held;                    /* packet: between grant and release */
    bool token_held;                      /* packet, DMA v2: the device's packet token */
    bool first_staged;                    /* start() staged the first transfer itself */
    NTSTATUS grant_status;                /* packet: status of staging inside AdapterControl */
    struct fx_dmatx_packet_sg packet_sg;
    ULONG reserved_regs;                  /* AllocateResources (v3 packet): kept across Release */
    PVOID reserved_base;
    const struct fx_dma_adapter_info *reserved_info;
    PFN_WDF_RESERVE_DMA reserve_evt;
    PVOID reserve_ctx;
    UCHAR transfer_context[DMA_TRANSFER_CONTEXT_SIZE_V1]; /* v3 WDM transfer context */

    /* Counters behind struct fx_dmatx_stats: relaxed atomics, so statistics may be read while
     * the transaction runs on other threads. */
    struct {
        _Atomic uint64_t allocations, transfers, sg_elements, max_elements, transactions;
    } stats;
};

static inline struct fx_dma_transaction *to_dma_transaction(struct fx_object *o)
{
    FX_ASSERT(o->ops->type == FX_TYPE_DMA_TRANSACTION);
    return FX_CONTAINER_OF(o, struct fx_dma_transaction, obj);
}

static inline WDFDMATRANSACTION fx_dmatx_handle(const struct fx_dma_transaction *tx)
{
    return (WDFDMATRANSACTION)fx_object_handle(&tx->obj);
}

static inline enum fx_dmatx_state fx_dmatx_state(const struct fx_dma_transaction *tx)
{
    return (enum fx_dmatx_state)atomic_load_explicit(&tx->state, memory_order_acquire);
}

/* ---- the base skeleton (fx_dmatransaction.c).  IRQL <= DISPATCH_LEVEL unless said.  The shims
 * (wdfdmatransaction.c) resolved the handle and checked IRQL and NULL pointers. ---- */

/* WdfDmaTransactionCreate: a child of the enabler, its profile's ops, the SG buffer taken from
 * the enabler.  STATUS_SUCCESS, STATUS_INSUFFICIENT_RESOURCES, STATUS_NOT_SUPPORTED (system
 * profile) or an object creation status. */
NTSTATUS fx_dmatx_create(struct fx_driver_globals *g, struct fx_dma_enabler *e,
                         PWDF_OBJECT_ATTRIBUTES attributes, const char *ddi, const void *caller,
                         struct fx_dma_transaction **out);

/* The Initialize core: the argument checks are done (Mdl, direction, VA inside the first MDL).
 * Wrong state: DMA-TX-001 + STATUS_INVALID_DEVICE_REQUEST.  Returns STATUS_SUCCESS
 * (INITIALIZED), or a profile / single-transfer failure (then RELEASED). */
NTSTATUS fx_dmatx_initialize(struct fx_dma_transaction *tx, PFN_WDF_PROGRAM_DMA evt,
                             WDF_DMA_DIRECTION dir, PMDL mdl, size_t offset, size_t length,
                             const char *ddi, const void *caller);

/* Associates the request of InitializeUsingRequest (after a successful core). */
void fx_dmatx_set_request(struct fx_dma_transaction *tx, struct fx_request *r);

NTSTATUS fx_dmatx_execute(struct fx_dma_transaction *tx, WDFCONTEXT context, const char *ddi,
                          const void *caller);

/* DmaCompleted / WithLength / Final.  `length` is ignored for the plain form (has_length false).
 * Returns the BOOLEAN of the DDI and sets *status (docs/dma.md, the return/status matrix). */
BOOLEAN fx_dmatx_dma_completed(struct fx_dma_transaction *tx, bool has_length, size_t length,
                               bool final, NTSTATUS *status, const char *ddi, const void *caller);

NTSTATUS fx_dmatx_release(struct fx_dma_transaction *tx, const char *ddi, const void *caller);

/* Called by a profile when a transfer is mapped: records it and calls EvtProgramDma at
 * DISPATCH_LEVEL.  After it returns the transaction may be completed, released or deleted. */
void fx_dmatx_program(struct fx_dma_transaction *tx, PSCATTER_GATHER_LIST list);

void fx_dmatx_set_maximum_length(struct fx_dma_transaction *tx, size_t maximum);
BOOLEAN fx_dmatx_cancel(struct fx_dma_transaction *tx, const char *ddi, const void *caller);
void fx_dmatx_get_transfer_info(struct fx_dma_transaction *tx, ULONG *map_registers,
                                ULONG *elements, const char *ddi, const void *caller);
void fx_dmatx_set_single_transfer(struct fx_dma_transaction *tx, bool on, const char *ddi,
                                  const void *caller);
void fx_dmatx_set_immediate(struct fx_dma_transaction *tx, bool on, const char *ddi,
                            const void *caller);
PVOID fx_dmatx_transfer_context(struct fx_dma_transaction *tx, const char *ddi,
                                const void *caller);
NTSTATUS fx_dmatx_allocate_resources(struct fx_dma_transaction *tx, WDF_DMA_DIRECTION dir,
                                     ULONG regs, PFN_WDF_RESERVE_DMA evt, PVOID ctx,
                                     const char *ddi, const void *caller);
void fx_dmatx_free_resources(struct fx_dma_transaction *tx, const char *ddi,
                             const void *caller);

/* AllocateResources' reservation (fx_dmatx_packet.c): gives the reserved map registers back;
 * nothing if none.  DISPATCH_LEVEL. */
void fx_dmatx_packet_unreserve(struct fx_dma_transaction *tx);

/* True if `event` is legal now; otherwise reports DMA-TX-001 naming the state, returns false. */
bool fx_dmatx_check_state(struct fx_dma_transaction *tx, enum fx_dmatx_event event,
                          const char *ddi, const void *caller);

/* ---- helpers shared with the profiles ---- */

/* Walks the MDL chain from the first MDL to the byte at transaction offset `pos` (relative to
 * the transaction's first byte); returns the MDL holding it and the offset in that MDL. */
PMDL fx_dmatx_locate(const struct fx_dma_transaction *tx, size_t pos, size_t *offset_in_mdl);

/* Pages (= map registers) spanned by `len` bytes from transaction offset `pos`, summed over the
 * MDLs they touch; *fits_len is set to the largest prefix (cut at an MDL boundary) that needs at
 * most `limit` pages (len itself when it fits). */
size_t fx_dmatx_pages(const struct fx_dma_transaction *tx, size_t pos, size_t len,
                      size_t limit, size_t *fits_len);

/* Counters of a transaction (tests/dma, host statistics), a snapshot that may be read while the
 * transaction runs.  Returns false if the handle is not a live transaction on the calling
 * thread's machine.  The allocation counter proves a reused transaction allocates nothing. */
bool fx_dmatx_get_stats(WDFDMATRANSACTION handle, struct fx_dmatx_stats *out);

#endif
