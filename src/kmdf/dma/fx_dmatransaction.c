/* fx_dmatransaction.c - the DMA transaction's base skeleton (kmdf layer): the state table, object
 * creation and deletion, Initialize, Execute, DmaCompleted*, Release, the per-transaction settings
 * and the MDL walking the profiles share.  Every state change happens here; the profile ops
 * (fx_dmatx_sg.c, fx_dmatx_packet.c) only map, program and unmap.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/dma-transactions-and-dma-transfers
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdmatransaction/nf-wdfdmatransaction-wdfdmatransactiondmacompleted
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdmatransaction/nf-wdfdmatransaction-wdfdmatransactionrelease
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/reusing-dma-transaction-objects */
#include "kmdf/dma/fx_dmatransaction.h"

#include <string.h>

#include "kmdf/io/fx_request.h"
#include "kmdf/kmdf_machine.h"
#include "platform/exec_ctx.h"
#include "verifier/vf.h"

static const char *const fx_dmatx_state_names[FX_DMATX_STATE_COUNT] = {
    [FX_DMATX_STATE_INVALID] = "Invalid",
    [FX_DMATX_STATE_CREATED] = "Created",
    [FX_DMATX_STATE_RESERVED] = "Reserved",
    [FX_DMATX_STATE_INITIALIZED] = "Initialized",
    [FX_DMATX_STATE_TRANSFER] = "Transfer",
    [FX_DMATX_STATE_TRANSFER_COMPLETED] = "TransferCompleted",
    [FX_DMATX_STATE_TRANSFER_FAILED] = "TransferFailed",
    [FX_DMATX_STATE_RELEASED] = "Released",
    [FX_DMATX_STATE_DELETED] = "Deleted",
};

const char *fx_dmatx_state_name(enum fx_dmatx_state state)
{
    return (unsigned)state < FX_DMATX_STATE_COUNT ? fx_dmatx_state_names[state] : "?";
}

#define S(x) (1u << FX_DMATX_STATE_##x)

/* Legal states per event (spec §5.1, WDF FxDmaTransactionBase).  Release is legal everywhere a
 * live object can be; in Transfer it is DMA-TX-004 instead (checked by fx_dmatx_release). */
static const unsigned fx_dmatx_legal[FX_DMATX_EVENT_COUNT] = {
    [FX_DMATX_EVENT_INITIALIZE] = S(CREATED) | S(RESERVED) | S(RELEASED),
    [FX_DMATX_EVENT_EXECUTE] = S(INITIALIZED),
    [FX_DMATX_EVENT_DMA_COMPLETED] = S(TRANSFER),
    [FX_DMATX_EVENT_RELEASE] = S(CREATED) | S(RESERVED) | S(INITIALIZED) | S(TRANSFER_COMPLETED) |
                               S(TRANSFER_FAILED) | S(RELEASED),
    [FX_DMATX_EVENT_ALLOCATE_RESOURCES] = S(CREATED) | S(INITIALIZED) | S(RELEASED),
    [FX_DMATX_EVENT_FREE_RESOURCES] = S(RESERVED) | S(INITIALIZED) | S(TRANSFER_COMPLETED) |
                                      S(TRANSFER_FAILED) | S(RELEASED),
    [FX_DMATX_EVENT_CANCEL] = S(RESERVED) | S(INITIALIZED) | S(TRANSFER) |
                              S(TRANSFER_COMPLETED) | S(TRANSFER_FAILED),
    [FX_DMATX_EVENT_GET_TRANSFER_INFO] = S(INITIALIZED),
    [FX_DMATX_EVENT_SET_SINGLE_TRANSFER] = S(CREATED) | S(RESERVED) | S(RELEASED),
    [FX_DMATX_EVENT_SET_IMMEDIATE] = S(CREATED) | S(INITIALIZED) | S(RELEASED),
    [FX_DMATX_EVENT_GET_TRANSFER_CONTEXT] = S(RESERVED) | S(INITIALIZED) | S(TRANSFER) |
                                            S(TRANSFER_COMPLETED) | S(TRANSFER_FAILED),
};

static const char *const fx_dmatx_event_names[FX_DMATX_EVENT_COUNT] = {
    [FX_DMATX_EVENT_INITIALIZE] = "Initialize",
    [FX_DMATX_EVENT_EXECUTE] = "Execute",
    [FX_DMATX_EVENT_DMA_COMPLETED] = "DmaCompleted",
    [FX_DMATX_EVENT_RELEASE] = "Release",
    [FX_DMATX_EVENT_ALLOCATE_RESOURCES] = "AllocateResources",
    [FX_DMATX_EVENT_FREE_RESOURCES] = "FreeResources",
    [FX_DMATX_EVENT_CANCEL] = "Cancel",
    [FX_DMATX_EVENT_GET_TRANSFER_INFO] = "GetTransferInfo",
    [FX_DMATX_EVENT_SET_SINGLE_TRANSFER] = "SetSingleTransferRequirement",
    [FX_DMATX_EVENT_SET_IMMEDIATE] = "SetImmediateExecution",
    [FX_DMATX_EVENT_GET_TRANSFER_CONTEXT] = "WdmGetTransferContext",
};

bool fx_dmatx_allowed(enum fx_dmatx_state state, enum fx_dmatx_event event)
{
    if ((unsigned)state >= FX_DMATX_STATE_COUNT || (unsigned)event >= FX_DMATX_EVENT_COUNT)
        return false;
    return (fx_dmatx_legal[event] & (1u << state)) != 0;
}

/* Rule DMA-TX-001: a transaction DDI in a state its table row does not allow (KMDF bug check
 * 0x10D / 0x8 WDF_DMA_FATAL_ERROR, P3 = the state). */
bool fx_dmatx_check_state(struct fx_dma_transaction *tx, enum fx_dmatx_event event,
                          const char *ddi, const void *caller)
{
    enum fx_dmatx_state s = fx_dmatx_state(tx);

    if (fx_dmatx_allowed(s, event))
        return true;
    vf_report(VF_RULE_DMATX_WRONG_STATE, fx_dmatx_handle(tx), ddi, caller,
              "%s is not allowed in state %s (%d)", fx_dmatx_event_names[event],
              fx_dmatx_state_name(s), (int)s);
    return false;
}

static void fx_dmatx_set_state(struct fx_dma_transaction *tx, enum fx_dmatx_state s)
{
    atomic_store_explicit(&tx->state, (int)s, memory_order_release);
}

/* ---- MDL walking ---- */

PMDL fx_dmatx_locate(const struct fx_dma_transaction *tx, size_t pos, size_t *offset_in_mdl)
{
    PMDL mdl = tx->mdl;
    size_t off = tx->start_offset + pos;

    while (mdl != NULL && off >= MmGetMdlByteCount(mdl)) {
        off -= MmGetMdlByteCount(mdl);
        mdl = mdl->Next;
    }
    *offset_in_mdl = off;
    return mdl;
}

size_t fx_dmatx_pages(const struct fx_dma_transaction *tx, size_t pos, size_t len, size_t limit,
                      size_t *fits_len)
{
    size_t off, pages = 0, done = 0;
    PMDL mdl = fx_dmatx_locate(tx, pos, &off);

    *fits_len = 0;
    while (mdl != NULL && done < len) {
        size_t piece = MmGetMdlByteCount(mdl) - off;
        char *va = (char *)MmGetMdlVirtualAddress(mdl) + off;

        if (piece > len - done)
            piece = len - done;
        pages += ADDRESS_AND_SIZE_TO_SPAN_PAGES(va, piece);
        done += piece;
        if (pages <= limit)
            *fits_len = done;
        mdl = mdl->Next;
        off = 0;
    }
    return pages;
}

/* ---- the object ---- */

static void fx_dmatx_drop_request(struct fx_dma_transaction *tx)
{
    if (tx->request_ref) {
        tx->request_ref = false;
        tx->request_reported = false;
        fx_object_dereference(&tx->request->obj);
    }
}

/* Rule DMA-TX-005: the request must not be completed while its transaction is in flight (KMDF
 * bug check 0x10D/0x3: the framework holds a reference on the request's IRP from Execute to the
 * terminal completion).  Without a hook in the request completion path the transaction notices
 * it at its next step (DmaCompleted*, Release, delete) and reports it once, naming that step.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/completing-a-dma-transaction */
static void fx_dmatx_check_request(struct fx_dma_transaction *tx, const char *ddi,
                                   const void *caller)
{
    if (!tx->request_ref || tx->request_reported ||
        fx_request_state(tx->request) != FX_REQ_COMPLETED)
        return;
    tx->request_reported = true;
    vf_report(VF_RULE_DMATX_REQUEST_COMPLETED, fx_dmatx_handle(tx), ddi, caller,
              "request %p was completed while this transaction was in flight (%zu of %zu bytes "
              "done); complete it after the terminal DmaCompleted* and Release",
              (void *)fx_request_handle(tx->request), tx->transferred, tx->length);
}

/* Gives back what a transfer in flight and the transaction hold, whatever the state (Release in
 * Transfer, delete).  DISPATCH_LEVEL. */
static void fx_dmatx_force_stop(struct fx_dma_transaction *tx)
{
    if (atomic_exchange(&tx->in_flight, false)) {
        tx->done_len = 0;
        (void)tx->ops->transfer_completed(tx);
    }
    tx->ops->release(tx);
    fx_dmatx_drop_request(tx);
}

/* The "Reset" of Release (spec §5.1): every per-use field; not the reservation. */
static void fx_dmatx_reset(struct fx_dma_transaction *tx)
{
    tx->direction = WdfDmaDirectionReadFromDevice;
    tx->dir = NULL;
    tx->evt_program = NULL;
    tx->context = NULL;
    tx->mdl = NULL;
    tx->start_offset = tx->length = tx->max_fragment = 0;
    tx->remaining = tx->transferred = tx->current = tx->done_len = 0;
    tx->single_transfer = fx_dma_enabler_requires_single_transfer(tx->enabler);
    tx->immediate = false;
    tx->request = NULL;
    tx->request_handle = NULL;
    tx->sg_list = NULL;
    tx->first_staged = false;
}

static void fx_dmatx_dispose(struct fx_object *obj)
{
    struct fx_dma_transaction *tx = to_dma_transaction(obj);
    KIRQL old;

    if (fx_dmatx_state(tx) == FX_DMATX_STATE_TRANSFER) {
        fx_dmatx_check_request(tx, "WdfObjectDelete", obj->origin);
        /* Rule DMA-TX-004 (driver delete) / DMA-TX-006 (its device or enabler went away): a
         * transaction must be completed or released before it is deleted (KMDF verifier).
         * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/using-kmdf-verifier */
        if (obj->disposed_by_parent)
            vf_report(VF_RULE_DMATX_LEAKED, fx_dmatx_handle(tx), "WdfObjectDelete", obj->origin,
                      "transaction still in state Transfer (%zu of %zu bytes done) when its "
                      "enabler/device was deleted",
                      tx->transferred, tx->length);
        else
            vf_report(VF_RULE_DMATX_RELEASE_EXECUTING, fx_dmatx_handle(tx), "WdfObjectDelete",
                      NULL, "transaction deleted in state Transfer");
    }
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    fx_dmatx_force_stop(tx);
    fx_dmatx_packet_unreserve(tx);
    KeLowerIrql(old);
    if (tx->sg_buffer != NULL) {
        fx_dma_enabler_sg_buffer_put(tx->enabler, tx->sg_buffer);
        tx->sg_buffer = NULL;
    }
    fx_dmatx_set_state(tx, FX_DMATX_STATE_DELETED);
}

static const struct fx_object_ops fx_dmatx_object_ops = {
    .type = FX_TYPE_DMA_TRANSACTION,
    .size = sizeof(struct fx_dma_transaction),
    .attr_options = FX_ATTR_PARENT_NOT_ALLOWED,
    .dispose = fx_dmatx_dispose,
};

NTSTATUS fx_dmatx_create(struct fx_driver_globals *g, struct fx_dma_enabler *e,
                         PWDF_OBJECT_ATTRIBUTES attributes, const char *ddi, const void *caller,
                         struct fx_dma_transaction **out)
{
    struct fx_object *obj;
    struct fx_dma_transaction *tx;
    NTSTATUS status;

    if (fx_dma_enabler_kind(e) == FX_DMA_KIND_SYSTEM)
        return STATUS_NOT_SUPPORTED;
    status = fx_object_create(g, &fx_dmatx_object_ops, attributes, &e->obj, ddi, caller, &obj);
    if (!NT_SUCCESS(status))
        return status;
    tx = to_dma_transaction(obj);
    tx->enabler = e;
    tx->dma_version = fx_dma_enabler_version(e);
    if (fx_dma_enabler_kind(e) == FX_DMA_KIND_SCATTER_GATHER) {
        tx->ops = &fx_dmatx_sg_ops;
        if (fx_dma_enabler_preallocates_sg(e)) {
            tx->sg_buffer = fx_dma_enabler_sg_buffer_get(e, &tx->sg_buffer_size);
            atomic_fetch_add_explicit(&tx->stats.allocations, 1, memory_order_relaxed);
            if (tx->sg_buffer == NULL) {
                fx_object_discard(obj);
                return STATUS_INSUFFICIENT_RESOURCES;
            }
        }
    } else {
        tx->ops = &fx_dmatx_packet_ops;
    }
    fx_dmatx_reset(tx);
    fx_dmatx_set_state(tx, FX_DMATX_STATE_CREATED);
    *out = tx;
    return STATUS_SUCCESS;
}

/* ---- Initialize ---- */

NTSTATUS fx_dmatx_initialize(struct fx_dma_transaction *tx, PFN_WDF_PROGRAM_DMA evt,
                             WDF_DMA_DIRECTION dir, PMDL mdl, size_t offset, size_t length,
                             const char *ddi, const void *caller)
{
    struct fx_dma_enabler *e = tx->enabler;
    NTSTATUS status;

    if (!fx_dmatx_check_state(tx, FX_DMATX_EVENT_INITIALIZE, ddi, caller))
        return STATUS_INVALID_DEVICE_REQUEST;
    tx->direction = dir;
    tx->dir = fx_dma_enabler_info(e, dir);
    tx->evt_program = evt;
    tx->mdl = mdl;
    tx->start_offset = offset;
    /* WDF keeps the length in a ULONG (spec §8): lengths of 4 GiB and more wrap. */
    tx->length = (ULONG)length;
    tx->remaining = tx->length;
    tx->transferred = tx->current = 0;
    tx->max_fragment = tx->dir->max_fragment_length;
    if (tx->single_transfer && tx->max_fragment < fx_dma_enabler_maximum_length(e))
        tx->max_fragment = fx_dma_enabler_maximum_length(e);
    if (tx->dma_version >= 3 && tx->dir->adapter->DmaOperations->InitializeDmaTransferContext)
        (void)tx->dir->adapter->DmaOperations->InitializeDmaTransferContext(
            tx->dir->adapter, tx->transfer_context);
    status = tx->ops->init_resources(tx);
    if (!NT_SUCCESS(status)) {
        /* A failure of the core leaves the transaction released, as in WDF. */
        fx_dmatx_reset(tx);
        fx_dmatx_set_state(tx, FX_DMATX_STATE_RELEASED);
        return status;
    }
    fx_dmatx_set_state(tx, FX_DMATX_STATE_INITIALIZED);
    return STATUS_SUCCESS;
}

void fx_dmatx_set_request(struct fx_dma_transaction *tx, struct fx_request *r)
{
    tx->request = r;
    tx->request_handle = fx_request_handle(r);
}

/* ---- Execute ---- */

NTSTATUS fx_dmatx_execute(struct fx_dma_transaction *tx, WDFCONTEXT context, const char *ddi,
                          const void *caller)
{
    int expect = FX_DMATX_STATE_INITIALIZED;
    NTSTATUS status;
    KIRQL old;

    /* Rule DMA-TX-001: Execute once per Initialize (KMDF bug check 0x8; the page documents
     * STATUS_INVALID_DEVICE_REQUEST, which the call returns after the finding).
     * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdmatransaction/nf-wdfdmatransaction-wdfdmatransactionexecute */
    if (!fx_dmatx_check_state(tx, FX_DMATX_EVENT_EXECUTE, ddi, caller))
        return STATUS_INVALID_DEVICE_REQUEST;
    tx->context = context;
    if (tx->request != NULL) {
        fx_object_reference(&tx->request->obj);
        tx->request_ref = true;
    }
    atomic_fetch_add_explicit(&tx->stats.transactions, 1, memory_order_relaxed);
    tx->first_staged = false;
    /* The driver may delete the transaction from inside EvtProgramDma: keep the memory until
     * this call is done with it. */
    fx_object_reference(&tx->obj);
    if (!atomic_compare_exchange_strong(&tx->state, &expect, FX_DMATX_STATE_TRANSFER)) {
        fx_dmatx_drop_request(tx);
        fx_object_dereference(&tx->obj);
        return STATUS_INVALID_DEVICE_REQUEST;
    }
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    status = tx->ops->start(tx);
    if (NT_SUCCESS(status) && !tx->first_staged)
        status = tx->ops->stage(tx);
    /* After a successful stage the transaction belongs to whoever completes it. */
    if (!NT_SUCCESS(status)) {
        tx->ops->release(tx);
        fx_dmatx_drop_request(tx);
        tx->current = 0;
        fx_dmatx_set_state(tx, FX_DMATX_STATE_TRANSFER_FAILED);
    }
    KeLowerIrql(old);
    fx_object_dereference(&tx->obj);
    return status;
}

void fx_dmatx_program(struct fx_dma_transaction *tx, PSCATTER_GATHER_LIST list)
{
    size_t len = 0;
    ULONG i;
    KIRQL old;

    for (i = 0; i < list->NumberOfElements; i++)
        len += list->Elements[i].Length;
    tx->current = len;
    atomic_fetch_add_explicit(&tx->stats.transfers, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&tx->stats.sg_elements, list->NumberOfElements,
                              memory_order_relaxed);
    if (list->NumberOfElements > atomic_load_explicit(&tx->stats.max_elements,
                                                      memory_order_relaxed))
        atomic_store_explicit(&tx->stats.max_elements, list->NumberOfElements,
                              memory_order_relaxed);
    atomic_store(&tx->in_flight, true);
    /* EvtProgramDma runs at DISPATCH_LEVEL (nc-wdfdmatransaction-evt_wdf_program_dma). */
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    tx->evt_program(fx_dmatx_handle(tx), fx_device_handle(fx_dma_enabler_device(tx->enabler)),
                    tx->context, tx->direction, list);
    KeLowerIrql(old);
}

/* ---- DmaCompleted* ---- */

/* Terminal completion: per-transaction resources back, request reference dropped. */
static BOOLEAN fx_dmatx_finish(struct fx_dma_transaction *tx, NTSTATUS st, NTSTATUS *status)
{
    tx->ops->release(tx);
    fx_dmatx_drop_request(tx);
    tx->current = 0;
    fx_dmatx_set_state(tx, NT_SUCCESS(st) ? FX_DMATX_STATE_TRANSFER_COMPLETED
                                          : FX_DMATX_STATE_TRANSFER_FAILED);
    *status = st;
    return TRUE;
}

BOOLEAN fx_dmatx_dma_completed(struct fx_dma_transaction *tx, bool has_length, size_t length,
                               bool final, NTSTATUS *status, const char *ddi, const void *caller)
{
    enum fx_dmatx_state s = fx_dmatx_state(tx);
    size_t cur;
    NTSTATUS st;
    BOOLEAN done;
    KIRQL old;

    /* Rule DMA-TX-002: one DmaCompleted* per programmed transfer (KMDF bug check 0x8 outside
     * Transfer).  The exchange makes a racing second completion lose. */
    if (s != FX_DMATX_STATE_TRANSFER || !atomic_exchange(&tx->in_flight, false)) {
        vf_report(VF_RULE_DMATX_NO_TRANSFER, fx_dmatx_handle(tx), ddi, caller,
                  "no transfer in flight (state %s)", fx_dmatx_state_name(s));
        *status = STATUS_INVALID_DEVICE_STATE;
        return FALSE;
    }
    fx_dmatx_check_request(tx, ddi, caller);
    cur = tx->current;
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    if (has_length && length > cur) {
        /* Rule DMA-TX-003: the reported length cannot exceed the transfer (WDF: verifier break,
         * then TRUE with STATUS_INVALID_PARAMETER).  The SG list still goes back. */
        vf_report(VF_RULE_DMATX_LENGTH_OVER, fx_dmatx_handle(tx), ddi, caller,
                  "reported %zu bytes, the current transfer has %zu", length, cur);
        tx->done_len = 0;
        (void)tx->ops->transfer_completed(tx);
        done = fx_dmatx_finish(tx, STATUS_INVALID_PARAMETER, status);
        KeLowerIrql(old);
        return done;
    }
    if (!has_length)
        length = cur;
    tx->transferred += length;
    tx->remaining += cur - length;
    tx->done_len = length;
    tx->current = 0;
    st = tx->ops->transfer_completed(tx);
    if (NT_SUCCESS(st) && tx->single_transfer && tx->remaining > 0)
        st = STATUS_WDF_TOO_MANY_TRANSFERS;
    if (!NT_SUCCESS(st) || tx->remaining == 0 || final) {
        done = fx_dmatx_finish(tx, st, status);
        KeLowerIrql(old);
        return done;
    }
    fx_object_reference(&tx->obj);
    st = tx->ops->stage(tx);
    if (NT_SUCCESS(st)) {
        /* The next EvtProgramDma has run (or will when resources free up): hands off. */
        *status = STATUS_MORE_PROCESSING_REQUIRED;
        done = FALSE;
    } else {
        done = fx_dmatx_finish(tx, st, status);
    }
    KeLowerIrql(old);
    fx_object_dereference(&tx->obj);
    return done;
}

/* ---- Release ---- */

NTSTATUS fx_dmatx_release(struct fx_dma_transaction *tx, const char *ddi, const void *caller)
{
    enum fx_dmatx_state s = fx_dmatx_state(tx);
    KIRQL old;

    /* Released twice: WDF traces and succeeds (the page's STATUS_INVALID_DEVICE_STATE is not
     * what the framework returns; docs/dma.md). */
    if (s == FX_DMATX_STATE_RELEASED)
        return STATUS_SUCCESS;
    if (s == FX_DMATX_STATE_TRANSFER) {
        /* Rule DMA-TX-004: Release while a transfer may still be running (KMDF verifier,
         * drivers >= 1.11); it then proceeds and gives everything back. */
        vf_report(VF_RULE_DMATX_RELEASE_EXECUTING, fx_dmatx_handle(tx), ddi, caller,
                  "Release in state Transfer (%zu of %zu bytes done)", tx->transferred,
                  tx->length);
        fx_dmatx_check_request(tx, ddi, caller);
    }
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    fx_dmatx_force_stop(tx);
    KeLowerIrql(old);
    fx_dmatx_reset(tx);
    fx_dmatx_set_state(tx, FX_DMATX_STATE_RELEASED);
    return STATUS_SUCCESS;
}

/* ---- settings and queries ---- */

void fx_dmatx_set_maximum_length(struct fx_dma_transaction *tx, size_t maximum)
{
    /* Only lowers; needs the direction chosen by Initialize (spec §2.3). */
    if (tx->dir != NULL && maximum != 0 && maximum < tx->dir->max_fragment_length)
        tx->max_fragment = maximum;
}

void fx_dmatx_get_transfer_info(struct fx_dma_transaction *tx, ULONG *map_registers,
                                ULONG *elements, const char *ddi, const void *caller)
{
    size_t fits, pages = 0;

    if (fx_dmatx_check_state(tx, FX_DMATX_EVENT_GET_TRANSFER_INFO, ddi, caller))
        pages = fx_dmatx_pages(tx, 0, tx->length, (size_t)-1, &fits);
    /* Worst case over the whole buffer: one register and one element per page spanned. */
    if (map_registers != NULL)
        *map_registers = (ULONG)pages;
    if (elements != NULL)
        *elements = (ULONG)pages;
}

void fx_dmatx_set_single_transfer(struct fx_dma_transaction *tx, bool on, const char *ddi,
                                  const void *caller)
{
    if (fx_dmatx_check_state(tx, FX_DMATX_EVENT_SET_SINGLE_TRANSFER, ddi, caller))
        tx->single_transfer = on;
}

void fx_dmatx_set_immediate(struct fx_dma_transaction *tx, bool on, const char *ddi,
                            const void *caller)
{
    /* WDF breaks into the verifier but still applies the flag. */
    (void)fx_dmatx_check_state(tx, FX_DMATX_EVENT_SET_IMMEDIATE, ddi, caller);
    tx->immediate = on;
}

PVOID fx_dmatx_transfer_context(struct fx_dma_transaction *tx, const char *ddi,
                                const void *caller)
{
    if (!fx_dmatx_check_state(tx, FX_DMATX_EVENT_GET_TRANSFER_CONTEXT, ddi, caller))
        return NULL;
    return tx->transfer_context;
}

BOOLEAN fx_dmatx_cancel(struct fx_dma_transaction *tx, const char *ddi, const void *caller)
{
    PDMA_ADAPTER a;
    BOOLEAN cancelled;

    if (!fx_dmatx_check_state(tx, FX_DMATX_EVENT_CANCEL, ddi, caller))
        return FALSE;
    if (fx_dmatx_state(tx) != FX_DMATX_STATE_TRANSFER || tx->dir == NULL ||
        atomic_load(&tx->in_flight))
        return FALSE;
    a = tx->dir->adapter;
    if (a->DmaOperations->CancelAdapterChannel == NULL)
        return FALSE;
    cancelled = a->DmaOperations->CancelAdapterChannel(
        a, fx_dma_enabler_device_object(tx->enabler), tx->transfer_context);
    if (cancelled) {
        NTSTATUS ignored;
        KIRQL old;

        KeRaiseIrql(DISPATCH_LEVEL, &old);
        (void)fx_dmatx_finish(tx, STATUS_CANCELLED, &ignored);
        KeLowerIrql(old);
    }
    return cancelled;
}

bool fx_dmatx_get_stats(WDFDMATRANSACTION handle, struct fx_dmatx_stats *out)
{
    struct machine *m = exec_ctx_self()->machine;
    struct fx_dma_transaction *tx;
    struct fx_object *obj;

    if (m == NULL || m->kmdf == NULL ||
        fx_handle_lookup(&kmdf_of(m)->handles, (WDFOBJECT)handle, &obj) != FX_HANDLE_LIVE ||
        obj->ops->type != FX_TYPE_DMA_TRANSACTION)
        return false;
    tx = to_dma_transaction(obj);
    out->allocations = atomic_load_explicit(&tx->stats.allocations, memory_order_relaxed);
    out->transfers = atomic_load_explicit(&tx->stats.transfers, memory_order_relaxed);
    out->sg_elements = atomic_load_explicit(&tx->stats.sg_elements, memory_order_relaxed);
    out->max_elements = atomic_load_explicit(&tx->stats.max_elements, memory_order_relaxed);
    out->transactions = atomic_load_explicit(&tx->stats.transactions, memory_order_relaxed);
    return true;
}
