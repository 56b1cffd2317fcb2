/* fx_queue.h - framework I/O queues and the per-device I/O package (kmdf layer, internal).
 * struct fx_io_device hangs off a WDFDEVICE as a framework-private context: the device's queues,
 * its default queue, the per-request-type dispatch table, the live requests and the power hook
 * through which queues take part in the PnP/power sequence (fx_device.h).  struct fx_queue is
 * a WDFQUEUE: the requests waiting in it, the requests the driver got from it, its driver-visible
 * state (accepting, dispatching) and its power state.  fx_queue.c holds creation, state changes
 * and power; fx_queue_dispatch.c presents requests to the driver.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/managing-i-o-queues
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/using-power-managed-i-o-queues
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/synchronization-techniques-for-wdf-drivers */
#ifndef DMABOX_KMDF_IO_FX_QUEUE_H
#define DMABOX_KMDF_IO_FX_QUEUE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include <ntddk.h>
#include <wdf.h>

#include "kmdf/core/fx_device.h"
#include "kmdf/object/fx_list.h"
#include "kmdf/object/fx_object.h"
#include "platform/exec.h"

struct fx_request;
struct exec_ctx;

/* ---- callback lock (synchronization scope) ----
 * With SynchronizationScope Queue or Device the framework calls a queue's request handlers,
 * EvtIoStop/EvtIoResume/EvtIoCanceledOnQueue and EvtRequestCancel one at a time, holding this
 * lock: a spin lock taken at DISPATCH_LEVEL, or a passive wait lock when the ExecutionLevel is
 * passive.  A thread that already holds it (a driver calling WdfRequestMarkCancelable from its
 * handler) does not take it again. */
struct fx_callback_lock {
    bool passive;                        /* exec_event lock at PASSIVE_LEVEL, else spin lock */
    KSPIN_LOCK spin;
    struct exec_event free;              /* passive: auto-reset, signalled while free */
    _Atomic(const struct exec_ctx *) owner;
    KIRQL saved_irql;                    /* owner only */
};

void fx_callback_lock_init(struct fx_callback_lock *l, bool passive);
/* Takes the lock unless the calling thread holds it already; returns whether it took it (pass
 * that to fx_callback_lock_release).  NULL lock: nothing, returns false. */
bool fx_callback_lock_acquire(struct fx_callback_lock *l);
void fx_callback_lock_release(struct fx_callback_lock *l, bool taken);

/* ---- the per-device I/O package ---- */

#define FX_QUEUE_MAX_DISPATCHERS 16

struct fx_io_device {
    _Atomic int init_state;              /* 0 new, 1 initialising, 2 ready */
    struct fx_device *device;
    struct machine *machine;
    pthread_mutex_t lock;                /* everything below except where noted */
    struct fx_list queues;               /* struct fx_queue.dev_link, creation order */
    struct fx_queue *default_queue;
    /* per IRP_MJ_* code: the queue WdfDeviceConfigureRequestDispatching chose */
    struct fx_queue *dispatch[IRP_MJ_MAXIMUM_FUNCTION + 1];
    struct fx_list live;                 /* struct fx_request.dev_link: not yet completed */
    unsigned long live_count;
    struct exec_event live_idle;         /* manual-reset: set while live_count == 0 */
    _Atomic bool powered;                /* between the queues_start and queues_stop hooks */
    _Atomic bool removed;                /* the queues_purge hook ran */
    struct fx_callback_lock device_lock; /* SynchronizationScopeDevice */
    bool device_lock_ready;              /* lock */
    struct fx_device_power_hook hook;
};

/* The device's I/O package, or NULL if the driver never created a queue.  Any IRQL. */
struct fx_io_device *fx_io_device_of(struct fx_device *dev);

/* The package, created on first use (WdfIoQueueCreate, WdfDeviceConfigureRequestDispatching):
 * attaches it to the device and registers its power hook on the driver's PnP thread.  Returns
 * STATUS_SUCCESS, STATUS_INSUFFICIENT_RESOURCES, STATUS_DELETE_PENDING (device being deleted) or
 * STATUS_INVALID_DEVICE_STATE (first use above PASSIVE_LEVEL off the PnP thread). */
NTSTATUS fx_io_device_get(struct fx_device *dev, struct fx_io_device **out);

/* The SynchronizationScopeDevice lock, initialised by its first user (a queue, or a DPC / timer /
 * work item / interrupt with AutomaticSerialization) as a passive or spin lock.  Any IRQL <=
 * DISPATCH_LEVEL. */
struct fx_callback_lock *fx_io_device_sync_lock(struct fx_io_device *iodev, bool passive);

/* ---- the queue ----
 *
 * Request states as the queue sees them (struct fx_request.state, changed under q->lock):
 *   QUEUED  in q->pending; the driver cannot reach it
 *   OWNED   in q->owned: presented, retrieved, or handed over by EvtIoCanceledOnQueue
 *   COMPLETED (fx_request.c) gone from the queue
 * Transitions: insert -> QUEUED; present/retrieve/cancel-from-queue -> OWNED;
 * StopAcknowledge(TRUE)/Requeue -> QUEUED (head); Forward -> QUEUED in another queue;
 * completion -> COMPLETED. */

enum fx_queue_wait {                     /* what a pending EvtIoQueueState callback waits for */
    FX_QUEUE_WAIT_NONE,
    FX_QUEUE_WAIT_STOP,                  /* the driver owns nothing from the queue */
    FX_QUEUE_WAIT_EMPTY,                 /* drain/purge: and nothing waits in it */
};

struct fx_queue {
    struct fx_object obj;                /* first, as for every object */
    struct fx_io_device *iodev;
    WDF_IO_QUEUE_CONFIG config;          /* as given (Size-checked), callbacks included */
    bool power_managed;
    bool passive;                        /* effective ExecutionLevel is passive */
    struct fx_callback_lock *cb_lock;    /* NULL: SynchronizationScopeNone */
    struct fx_callback_lock queue_lock;  /* the lock for SynchronizationScopeQueue */
    struct exec_work work;               /* passive presentation deferred from DISPATCH_LEVEL */

    pthread_mutex_t lock;                /* everything below */
    struct fx_list pending;              /* struct fx_request.qlink, QUEUED, FIFO */
    struct fx_list owned;                /* struct fx_request.qlink, OWNED */
    unsigned long pending_count, driver_count;
    bool accepting, dispatching;         /* driver-visible state (WdfIoQueueStart/Stop/...) */
    bool power_on;                       /* power-managed: the device is in D0 */
    bool disposed;
    unsigned presenting;                 /* threads between taking a request and its handler's end */
    unsigned stop_waiting;               /* EvtIoStop calls not yet completed/acknowledged */
    struct exec_event changed;           /* manual-reset; set whenever a count above drops */
    const struct exec_ctx *dispatchers[FX_QUEUE_MAX_DISPATCHERS]; /* threads in the dispatch loop */
    enum fx_queue_wait wait;
    PFN_WDF_IO_QUEUE_STATE state_cb;
    WDFCONTEXT state_ctx;
    struct fx_list dev_link;             /* in iodev->queues; iodev->lock */
};

static inline struct fx_queue *to_queue(struct fx_object *o)
{
    FX_ASSERT(o->ops->type == FX_TYPE_QUEUE);
    return FX_CONTAINER_OF(o, struct fx_queue, obj);
}

static inline WDFQUEUE fx_queue_handle(const struct fx_queue *q)
{
    return (WDFQUEUE)fx_object_handle(&q->obj);
}

/* WdfIoQueueCreate's work (the shim checked IRQL and pointers).  Statuses as wdfio.h lists. */
NTSTATUS fx_queue_create(struct fx_device *dev, PWDF_IO_QUEUE_CONFIG config,
                         PWDF_OBJECT_ATTRIBUTES attributes, const char *ddi, const void *caller,
                         struct fx_queue **out);

/* WdfDeviceConfigureRequestDispatching's work.  STATUS_SUCCESS, STATUS_INVALID_PARAMETER or
 * STATUS_WDF_BUSY. */
NTSTATUS fx_queue_configure_dispatching(struct fx_queue *q, WDF_REQUEST_TYPE type);

/* Driver-visible state changes (fx_queue.c).  Any IRQL <= DISPATCH_LEVEL; the synchronous
 * forms wait at PASSIVE_LEVEL. */
void fx_queue_start(struct fx_queue *q);
void fx_queue_stop(struct fx_queue *q, PFN_WDF_IO_QUEUE_STATE cb, WDFCONTEXT ctx);
void fx_queue_drain(struct fx_queue *q, PFN_WDF_IO_QUEUE_STATE cb, WDFCONTEXT ctx);
/* keep_accepting: WdfIoQueueStopAndPurge (stops delivering, keeps accepting) instead of
 * WdfIoQueuePurge (stops accepting, keeps its dispatching state). */
void fx_queue_purge(struct fx_queue *q, bool keep_accepting, PFN_WDF_IO_QUEUE_STATE cb,
                    WDFCONTEXT ctx);
/* Waits until the pending operation's condition holds (the callback-free synchronous forms). */
void fx_queue_wait_idle(struct fx_queue *q, enum fx_queue_wait what);
WDF_IO_QUEUE_STATE fx_queue_get_state(struct fx_queue *q, ULONG *queued, ULONG *owned);

/* WdfIoQueueRetrieveNextRequest's work.  STATUS_SUCCESS (*out OWNED), STATUS_NO_MORE_ENTRIES,
 * STATUS_INVALID_DEVICE_STATE (parallel queue) or STATUS_WDF_PAUSED. */
NTSTATUS fx_queue_retrieve(struct fx_queue *q, struct fx_request **out);

/* ---- requests entering and leaving (fx_queue_dispatch.c) ---- */

/* A new request routed to q (from fx_io_submit, or forwarded).  Completes it at once when the
 * queue does not accept (STATUS_INVALID_DEVICE_STATE), has no handler for its type
 * (STATUS_INVALID_DEVICE_REQUEST) or it is a zero-length read/write the queue does not want
 * (STATUS_SUCCESS); otherwise queues it at the tail (head when at_head) and presents what the
 * queue's dispatch type allows, on the calling thread.  Any IRQL <= DISPATCH_LEVEL. */
void fx_queue_insert(struct fx_queue *q, struct fx_request *r, bool at_head);

/* Presents waiting requests as the dispatch type, power and state allow.  Runs the handlers on
 * the calling thread, or queues the passive work item when the queue's ExecutionLevel is passive
 * and the caller is above PASSIVE_LEVEL. */
void fx_queue_dispatch(struct fx_queue *q);

/* The driver is done with an OWNED request (completed, requeued, forwarded, acknowledged with
 * Requeue): drops it from q->owned.  Returns with q->lock released; the caller then calls
 * fx_queue_dispatch (after the request's completion has been reported). */
void fx_queue_release_owned(struct fx_queue *q, struct fx_request *r);

/* Caller holds q->lock.  Moves r from q->pending to q->owned: state OWNED, counted as the
 * driver's.  canceled: it leaves because it was canceled (cancel_state CANCELING; the caller
 * then calls fx_queue_call_canceled outside the lock). */
void fx_queue_own_locked(struct fx_queue *q, struct fx_request *r, bool canceled);

/* Caller holds q->lock; r is OWNED by the driver from q.  Puts it back at the head of q->pending
 * (WdfRequestStopAcknowledge with Requeue, WdfRequestRequeue).  If it was canceled meanwhile it
 * is taken out again at once and the function returns true: the caller then calls
 * fx_queue_call_canceled after unlocking. */
bool fx_queue_requeue_locked(struct fx_queue *q, struct fx_request *r);

/* Cancels every request waiting in q, one at a time: with notify_driver through
 * fx_queue_call_canceled, otherwise by completing it with STATUS_CANCELLED. */
void fx_queue_flush_pending(struct fx_queue *q, bool notify_driver);

/* Host cancellation of a request that may be waiting in q.  Returns true if it took the
 * request out of the queue (and handed it to EvtIoCanceledOnQueue or completed it). */
bool fx_queue_cancel_queued(struct fx_queue *q, struct fx_request *r);

/* Calls a request handler / queue event under the queue's callback lock. */
void fx_queue_call_stop(struct fx_queue *q, struct fx_request *r, ULONG flags);
void fx_queue_call_resume(struct fx_queue *q, struct fx_request *r);
/* A request taken out of q because it was canceled: EvtIoCanceledOnQueue hands it to the
 * driver (which must complete it); without one the framework completes it with
 * STATUS_CANCELLED. */
void fx_queue_call_canceled(struct fx_queue *q, struct fx_request *r);

/* Fires the pending EvtIoQueueState callback if its condition now holds.  Caller holds q->lock;
 * returns with it released. */
void fx_queue_check_wait_unlock(struct fx_queue *q);

/* ---- power (the hook, fx_queue.c) ---- */
NTSTATUS fx_io_queues_start(struct fx_device *dev, void *ctx, WDF_POWER_DEVICE_STATE state);
NTSTATUS fx_io_queues_stop(struct fx_device *dev, void *ctx, WDF_POWER_DEVICE_STATE state);
NTSTATUS fx_io_queues_purge(struct fx_device *dev, void *ctx);

/* How long removal waits for the driver to complete the requests it still owns after the
 * queues were purged, before it reports each (WDF-REQ-003) and completes it itself. */
#define FX_IO_REMOVE_WAIT_NS (1000ull * 1000 * 1000)

#endif
