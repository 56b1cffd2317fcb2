/* fx_request.h - framework request objects and the submitted I/O behind them (kmdf layer,
 * internal).  struct fx_io is one host submission: the IRP (with its single stack location),
 * the caller's buffers as Windows would describe them (a system buffer from pool for buffered
 * I/O, a locked MDL for direct I/O), the completion callback and the cancel flag.  struct
 * fx_request is the WDFREQUEST built around it.  fx_request.c: creation, parameters, buffers,
 * completion; fx_request_cancel.c: the cancel interlock, stop acknowledgement, requeue and
 * forwarding.
 *
 * Cancel interlock (the documented rules, made atomic):
 *   cancel_state NONE -> CANCELABLE      WdfRequestMarkCancelable[Ex]
 *   CANCELABLE -> NONE                   WdfRequestUnmarkCancelable (STATUS_SUCCESS), or the
 *                                        Mark call itself when it finds the request canceled
 *   CANCELABLE -> CANCELING              the canceler: it alone calls EvtRequestCancel, once
 *   NONE -> CANCELING                    a request canceled while waiting in its queue
 * Every transition out of CANCELABLE is one compare-and-swap, so exactly one of "unmark",
 * "cancel" wins; the loser sees STATUS_CANCELLED (unmark) or does nothing (cancel).  The
 * `canceled` flag is set before the canceler looks at cancel_state and read after the marker
 * stores CANCELABLE (both sequentially consistent), so a cancel never falls between the two.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/canceling-i-o-requests
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfrequest/nf-wdfrequest-wdfrequestunmarkcancelable */
#ifndef DMABOX_KMDF_IO_FX_REQUEST_H
#define DMABOX_KMDF_IO_FX_REQUEST_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include <ntddk.h>
#include <wdf.h>

#include "kmdf/io/fx_io_submit.h"
#include "kmdf/io/fx_queue.h"
#include "kmdf/memory/fx_memory.h"
#include "kmdf/object/fx_object.h"

struct machine;

/* ---- one submission ---- */
struct fx_io {
    IRP irp;
    IO_STACK_LOCATION stack;             /* irp.Tail.Overlay.CurrentStackLocation */
    struct machine *machine;
    _Atomic long refs;                   /* the host's handle + the framework until completion */
    pthread_mutex_t lock;                /* request, completed, cancel_requested */
    struct fx_request *request;          /* NULL once completed */
    bool completed;
    bool cancel_requested;
    WDF_DEVICE_IO_TYPE io_type;          /* how reads and writes were described (the device's) */
    fx_io_done_fn *done;
    void *done_ctx;
    void *copy_back;                     /* buffered read / METHOD_BUFFERED output: the caller's */
    size_t copy_back_length;             /* buffer, filled from the system buffer at completion */
    void *system_buffer;                 /* pool (buffered I/O), freed at completion */
    size_t system_length;
    PMDL mdl;                            /* locked MDL over the caller's buffer (direct I/O) */
};

/* The I/O's completion (fx_io_submit.c), called once by fx_request_complete: sets IoStatus,
 * copies buffered output back (unless the status is an error), releases the system buffer and
 * the MDL, then calls the submitter's callback.  IRQL <= DISPATCH_LEVEL. */
void fx_io_complete(struct fx_io *io, NTSTATUS status, ULONG_PTR information);

/* Drops one reference (the host's, or the request object's); the last frees the I/O. */
void fx_io_put(struct fx_io *io);

/* ---- the request ---- */

enum fx_request_state {
    FX_REQ_NEW,                          /* built, not yet in a queue */
    FX_REQ_QUEUED,
    FX_REQ_OWNED,
    FX_REQ_COMPLETED,
};

enum fx_cancel_state {
    FX_CANCEL_NONE,
    FX_CANCEL_CANCELABLE,
    FX_CANCEL_CANCELING,
};

enum fx_stop_state {                     /* power-down bookkeeping; queue lock */
    FX_STOP_NONE,
    FX_STOP_PENDING,                     /* EvtIoStop called (or waited for), no answer yet */
    FX_STOP_ACKED,                       /* WdfRequestStopAcknowledge(FALSE): EvtIoResume at D0 */
};

struct fx_request {
    struct fx_object obj;                /* first, as for every object */
    struct fx_io *io;
    PIRP irp;
    struct fx_io_device *iodev;
    struct fx_queue *_Atomic queue;      /* referenced; changed under the queues' locks */
    struct fx_list qlink;                /* in queue->pending or queue->owned; queue lock */
    struct fx_list dev_link;             /* in iodev->live; iodev->lock */
    _Atomic int state;                   /* enum fx_request_state */
    _Atomic int cancel_state;            /* enum fx_cancel_state */
    _Atomic bool canceled;               /* the I/O was canceled (host) or purged */
    _Atomic(PFN_WDF_REQUEST_CANCEL) evt_cancel;
    enum fx_stop_state stop_state;       /* queue lock */
    _Atomic ULONG_PTR information;       /* WdfRequestSetInformation */
    pthread_mutex_t lock;                /* the lazily built views below */
    struct fx_memory *in_mem, *out_mem;
    PMDL in_mdl, out_mdl;                /* framework MDLs over the system buffer */
};

static inline struct fx_request *to_request(struct fx_object *o)
{
    FX_ASSERT(o->ops->type == FX_TYPE_REQUEST);
    return FX_CONTAINER_OF(o, struct fx_request, obj);
}

static inline WDFREQUEST fx_request_handle(const struct fx_request *r)
{
    return (WDFREQUEST)fx_object_handle(&r->obj);
}

static inline enum fx_request_state fx_request_state(const struct fx_request *r)
{
    return (enum fx_request_state)atomic_load(&r->state);
}

/* Builds the WDFREQUEST for io on iodev's device (a child of the device, no driver context) and
 * links it into iodev->live.  Returns STATUS_SUCCESS or an object creation status. */
NTSTATUS fx_request_create(struct fx_io_device *iodev, struct fx_io *io, struct fx_request **out);

/* The completion path (WdfRequestComplete*, and the framework's own completions with
 * by_framework set, which skip the driver-misuse checks): reports double completion
 * (WDF-REQ-001) and completion while cancelable (WDF-REQ-002); otherwise releases the request
 * from its queue, copies buffered output back, reports status and information to the submitter
 * exactly once, deletes the request object (its cleanup callbacks run) and lets the queue
 * present its next request from this thread.  IRQL <= DISPATCH_LEVEL. */
void fx_request_complete(struct fx_request *r, NTSTATUS status, ULONG_PTR information,
                         bool by_framework, const char *ddi, const void *caller);

/* WdfRequestGetParameters' fill. */
void fx_request_get_parameters(struct fx_request *r, PWDF_REQUEST_PARAMETERS p);

/* Buffer views, with the documented statuses (wdfrequest.h). */
NTSTATUS fx_request_buffer(struct fx_request *r, bool output, size_t minimum, void **buffer,
                           size_t *length);
NTSTATUS fx_request_mdl(struct fx_request *r, bool output, PMDL *mdl);
NTSTATUS fx_request_memory(struct fx_request *r, bool output, WDFMEMORY *memory);

/* ---- cancellation and ownership changes (fx_request_cancel.c) ---- */

/* Cancels the request on behalf of its submitter or a purge: sets `canceled`, takes it out of its
 * queue if it waits there (EvtIoCanceledOnQueue, or completion with STATUS_CANCELLED), or calls
 * EvtRequestCancel if the driver owns it cancelable.  The caller holds a reference on r.
 * Any IRQL <= DISPATCH_LEVEL. */
void fx_request_cancel(struct fx_request *r);

/* Calls EvtRequestCancel once the caller has won CANCELABLE -> CANCELING. */
void fx_request_call_cancel(struct fx_request *r);

NTSTATUS fx_request_mark_cancelable(struct fx_request *r, PFN_WDF_REQUEST_CANCEL cb, bool ex);
NTSTATUS fx_request_unmark_cancelable(struct fx_request *r);

/* WdfRequestStopAcknowledge: WDF-REQ-005 when no EvtIoStop is waiting for this request. */
void fx_request_stop_acknowledge(struct fx_request *r, bool requeue, const char *ddi,
                                 const void *caller);
NTSTATUS fx_request_requeue(struct fx_request *r);
NTSTATUS fx_request_forward(struct fx_request *r, struct fx_queue *dest);

#endif
