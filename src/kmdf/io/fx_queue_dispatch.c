/* fx_queue_dispatch.c - how requests enter a queue and reach the driver (kmdf layer): insertion
 * with the framework's own completions (queue not accepting, no handler, zero length), the
 * presentation loop for sequential and parallel queues, the callback lock of the synchronization
 * scope, and the queue side of cancellation.
 *
 * Threading, as documented: a request is presented on the thread that made presentation
 * possible - the submitting thread, or for a sequential queue the thread that completed the
 * previous request, at whatever IRQL that thread runs (DISPATCH_LEVEL from a DPC) - unless the
 * queue's ExecutionLevel is passive, in which case a work item presents at PASSIVE_LEVEL.
 * A thread already inside the presentation loop of a queue (a driver completing synchronously
 * from its handler) does not recurse: the outer loop presents the next request.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/dispatching-methods-for-i-o-requests
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/request-handlers
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/synchronization-techniques-for-wdf-drivers
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfio/ns-wdfio-_wdf_io_queue_config */
#include "kmdf/io/fx_queue.h"

#include "kmdf/io/fx_request.h"
#include "platform/exec_ctx.h"
#include "platform/machine.h"
#include "wdm/wdm_irql.h"
#include "wdm/wdm_spinlock.h"

/* ---- callback lock ---- */

void fx_callback_lock_init(struct fx_callback_lock *l, bool passive)
{
    l->passive = passive;
    l->spin = 0;
    exec_event_init(&l->free, true, true);
    atomic_init(&l->owner, NULL);
    l->saved_irql = PASSIVE_LEVEL;
}

bool fx_callback_lock_acquire(struct fx_callback_lock *l)
{
    const struct exec_ctx *self = exec_ctx_self();

    if (l == NULL || atomic_load(&l->owner) == self)
        return false;
    if (l->passive) {
        exec_event_wait(&l->free, UINT64_MAX);
    } else {
        /* Spin-lock scope: callbacks run at DISPATCH_LEVEL, as with a KSPIN_LOCK. */
        KIRQL old = wdm_irql_current();
        if (old < DISPATCH_LEVEL)
            wdm_irql_set(DISPATCH_LEVEL);
        wdm_spinlock_acquire(&l->spin, "queue synchronization lock", NULL);
        l->saved_irql = old;
    }
    atomic_store(&l->owner, self);
    return true;
}

void fx_callback_lock_release(struct fx_callback_lock *l, bool taken)
{
    if (!taken)
        return;
    atomic_store(&l->owner, NULL);
    if (l->passive) {
        exec_event_set(&l->free);
    } else {
        KIRQL old = l->saved_irql;
        wdm_spinlock_release(&l->spin, "queue synchronization lock", NULL);
        if (old < DISPATCH_LEVEL)
            wdm_irql_set(old);
    }
}

/* ---- ownership moves ---- */

void fx_queue_own_locked(struct fx_queue *q, struct fx_request *r, bool canceled)
{
    FX_ASSERT(fx_request_state(r) == FX_REQ_QUEUED && r->queue == q);
    fx_list_del(&r->qlink);
    q->pending_count--;
    fx_list_add_tail(&q->owned, &r->qlink);
    q->driver_count++;
    if (canceled)
        atomic_store(&r->cancel_state, FX_CANCEL_CANCELING);
    atomic_store(&r->state, FX_REQ_OWNED);
}

void fx_queue_release_owned(struct fx_queue *q, struct fx_request *r)
{
    pthread_mutex_lock(&q->lock);
    fx_list_del(&r->qlink);
    FX_ASSERT(q->driver_count > 0);
    q->driver_count--;
    if (r->stop_state == FX_STOP_PENDING) {
        FX_ASSERT(q->stop_waiting > 0);
        q->stop_waiting--;
    }
    r->stop_state = FX_STOP_NONE;
    exec_event_set(&q->changed);
    fx_queue_check_wait_unlock(q);
}

/* ---- calling the driver ---- */

static void fx_queue_present(struct fx_queue *q, struct fx_request *r)
{
    const WDF_IO_QUEUE_CONFIG *c = &q->config;
    const IO_STACK_LOCATION *s = &r->io->stack;
    WDFQUEUE qh = fx_queue_handle(q);
    WDFREQUEST rh = fx_request_handle(r);
    bool taken = fx_callback_lock_acquire(q->cb_lock);

    /* After the handler returns the request may already be completed and gone. */
    switch (s->MajorFunction) {
    case IRP_MJ_READ:
        if (c->EvtIoRead != NULL)
            c->EvtIoRead(qh, rh, s->Parameters.Read.Length);
        else
            c->EvtIoDefault(qh, rh);
        break;
    case IRP_MJ_WRITE:
        if (c->EvtIoWrite != NULL)
            c->EvtIoWrite(qh, rh, s->Parameters.Write.Length);
        else
            c->EvtIoDefault(qh, rh);
        break;
    case IRP_MJ_DEVICE_CONTROL:
        if (c->EvtIoDeviceControl != NULL)
            c->EvtIoDeviceControl(qh, rh, s->Parameters.DeviceIoControl.OutputBufferLength,
                                  s->Parameters.DeviceIoControl.InputBufferLength,
                                  s->Parameters.DeviceIoControl.IoControlCode);
        else
            c->EvtIoDefault(qh, rh);
        break;
    case IRP_MJ_INTERNAL_DEVICE_CONTROL:
        if (c->EvtIoInternalDeviceControl != NULL)
            c->EvtIoInternalDeviceControl(qh, rh,
                                          s->Parameters.DeviceIoControl.OutputBufferLength,
                                          s->Parameters.DeviceIoControl.InputBufferLength,
                                          s->Parameters.DeviceIoControl.IoControlCode);
        else
            c->EvtIoDefault(qh, rh);
        break;
    default:
        c->EvtIoDefault(qh, rh);
        break;
    }
    fx_callback_lock_release(q->cb_lock, taken);
}

void fx_queue_call_stop(struct fx_queue *q, struct fx_request *r, ULONG flags)
{
    bool taken = fx_callback_lock_acquire(q->cb_lock);
    q->config.EvtIoStop(fx_queue_handle(q), fx_request_handle(r), flags);
    fx_callback_lock_release(q->cb_lock, taken);
}

void fx_queue_call_resume(struct fx_queue *q, struct fx_request *r)
{
    bool taken = fx_callback_lock_acquire(q->cb_lock);
    q->config.EvtIoResume(fx_queue_handle(q), fx_request_handle(r));
    fx_callback_lock_release(q->cb_lock, taken);
}

void fx_queue_call_canceled(struct fx_queue *q, struct fx_request *r)
{
    bool taken, disposed;

    pthread_mutex_lock(&q->lock);
    disposed = q->disposed;
    pthread_mutex_unlock(&q->lock);
    if (q->config.EvtIoCanceledOnQueue == NULL || disposed) {
        fx_request_complete(r, STATUS_CANCELLED, 0, true, "cancel", NULL);
        return;
    }
    taken = fx_callback_lock_acquire(q->cb_lock);
    q->config.EvtIoCanceledOnQueue(fx_queue_handle(q), fx_request_handle(r));
    fx_callback_lock_release(q->cb_lock, taken);
}

/* ---- entering ---- */

/* Whether the queue has a handler for the request's type (manual queues take everything). */
static bool fx_queue_handles(const struct fx_queue *q, UCHAR major)
{
    const WDF_IO_QUEUE_CONFIG *c = &q->config;

    if (c->DispatchType == WdfIoQueueDispatchManual || c->EvtIoDefault != NULL)
        return true;
    switch (major) {
    case IRP_MJ_READ:
        return c->EvtIoRead != NULL;
    case IRP_MJ_WRITE:
        return c->EvtIoWrite != NULL;
    case IRP_MJ_DEVICE_CONTROL:
        return c->EvtIoDeviceControl != NULL;
    case IRP_MJ_INTERNAL_DEVICE_CONTROL:
        return c->EvtIoInternalDeviceControl != NULL;
    default:
        return false;
    }
}

static bool fx_request_zero_length(const struct fx_request *r)
{
    const IO_STACK_LOCATION *s = &r->io->stack;

    return (s->MajorFunction == IRP_MJ_READ && s->Parameters.Read.Length == 0) ||
           (s->MajorFunction == IRP_MJ_WRITE && s->Parameters.Write.Length == 0);
}

/* Caller holds q->lock; r is not in any queue and already belongs to q (r->queue). */
static void fx_queue_link_locked(struct fx_queue *q, struct fx_request *r, bool at_head)
{
    FX_ASSERT(r->queue == q);
    if (at_head) {
        r->qlink.next = q->pending.next;
        r->qlink.prev = &q->pending;
        q->pending.next->prev = &r->qlink;
        q->pending.next = &r->qlink;
    } else {
        fx_list_add_tail(&q->pending, &r->qlink);
    }
    q->pending_count++;
    atomic_store(&r->state, FX_REQ_QUEUED);
}

bool fx_queue_requeue_locked(struct fx_queue *q, struct fx_request *r)
{
    FX_ASSERT(fx_request_state(r) == FX_REQ_OWNED && r->queue == q);
    fx_list_del(&r->qlink);
    q->driver_count--;
    if (r->stop_state == FX_STOP_PENDING)
        q->stop_waiting--;
    r->stop_state = FX_STOP_NONE;
    /* The framework owns it again: it is presented afresh, not cancelable. */
    atomic_store(&r->cancel_state, FX_CANCEL_NONE);
    fx_queue_link_locked(q, r, true);
    exec_event_set(&q->changed);
    if (!atomic_load(&r->canceled))
        return false;
    fx_queue_own_locked(q, r, true);
    return true;
}

void fx_queue_insert(struct fx_queue *q, struct fx_request *r, bool at_head)
{
    UCHAR major = r->io->stack.MajorFunction;
    struct fx_queue *old = r->queue;
    NTSTATUS fail = STATUS_SUCCESS;
    bool done = true;

    /* The request now belongs to q; the previous queue (forwarding) is released only after q's
     * lock, since dropping the last reference may run the driver's destroy callback. */
    if (old != q) {
        fx_object_reference(&q->obj);
        r->queue = q;
    }
    if (old != NULL && old != q)
        fx_object_dereference(&old->obj);
    pthread_mutex_lock(&q->lock);
    if (!q->accepting) /* drained, purged or deleted: WdfIoQueuePurge / WdfIoQueueDrain */
        fail = STATUS_INVALID_DEVICE_STATE;
    else if (!fx_queue_handles(q, major)) /* no handler and no EvtIoDefault */
        fail = STATUS_INVALID_DEVICE_REQUEST;
    else if (fx_request_zero_length(r) && !q->config.AllowZeroLengthRequests)
        fail = STATUS_SUCCESS; /* WDF_IO_QUEUE_CONFIG.AllowZeroLengthRequests FALSE */
    else
        done = false;
    if (done) {
        pthread_mutex_unlock(&q->lock);
        fx_request_complete(r, fail, 0, true, "queue", NULL);
        return;
    }
    fx_queue_link_locked(q, r, at_head);
    /* A cancel that came before the request was linked is ours to handle (see fx_request.h). */
    if (atomic_load(&r->canceled)) {
        fx_queue_own_locked(q, r, true);
        pthread_mutex_unlock(&q->lock);
        fx_queue_call_canceled(q, r);
        return;
    }
    pthread_mutex_unlock(&q->lock);
    fx_queue_dispatch(q);
}

bool fx_queue_cancel_queued(struct fx_queue *q, struct fx_request *r)
{
    pthread_mutex_lock(&q->lock);
    if (r->queue != q || fx_request_state(r) != FX_REQ_QUEUED) {
        pthread_mutex_unlock(&q->lock);
        return false;
    }
    fx_queue_own_locked(q, r, true);
    pthread_mutex_unlock(&q->lock);
    fx_queue_call_canceled(q, r);
    return true;
}

void fx_queue_flush_pending(struct fx_queue *q, bool notify_driver)
{
    for (;;) {
        struct fx_request *r;

        pthread_mutex_lock(&q->lock);
        if (fx_list_empty(&q->pending)) {
            pthread_mutex_unlock(&q->lock);
            return;
        }
        r = FX_CONTAINER_OF(q->pending.next, struct fx_request, qlink);
        atomic_store(&r->canceled, true);
        fx_queue_own_locked(q, r, true);
        pthread_mutex_unlock(&q->lock);
        if (notify_driver)
            fx_queue_call_canceled(q, r);
        else
            fx_request_complete(r, STATUS_CANCELLED, 0, true, "queue", NULL);
    }
}

/* ---- presenting ---- */

/* Caller holds q->lock. */
static bool fx_queue_can_present_locked(const struct fx_queue *q)
{
    ULONG limit;

    if (q->disposed || !q->dispatching || fx_list_empty(&q->pending))
        return false;
    if (q->power_managed && !q->power_on)
        return false;
    switch (q->config.DispatchType) {
    case WdfIoQueueDispatchSequential:
        return q->driver_count == 0;
    case WdfIoQueueDispatchParallel:
        /* (ULONG)-1 is unlimited; 0, as older drivers zero the structure, is treated alike. */
        limit = q->config.Settings.Parallel.NumberOfPresentedRequests;
        return limit == 0 || limit == (ULONG)-1 || q->driver_count < limit;
    default:
        return false;
    }
}

/* Caller holds q->lock.  Registers the calling thread in the loop; false if it is there already. */
static bool fx_queue_enter_locked(struct fx_queue *q, const struct exec_ctx *self, int *slot)
{
    *slot = -1;
    for (int i = 0; i < FX_QUEUE_MAX_DISPATCHERS; i++) {
        if (q->dispatchers[i] == self)
            return false;
        if (q->dispatchers[i] == NULL && *slot < 0)
            *slot = i;
    }
    if (*slot >= 0)
        q->dispatchers[*slot] = self;
    return true;
}

/* Caller holds q->lock and is above PASSIVE_LEVEL: the passive work item presents instead. */
static void fx_queue_defer_locked(struct fx_queue *q)
{
    if (!fx_queue_can_present_locked(q))
        return;
    fx_object_reference(&q->obj);
    if (!exec_work_queue(q->iodev->machine->exec, &q->work))
        fx_object_dereference(&q->obj);
}

void fx_queue_dispatch(struct fx_queue *q)
{
    const struct exec_ctx *self = exec_ctx_self();
    int slot;

    pthread_mutex_lock(&q->lock);
    if (!fx_queue_enter_locked(q, self, &slot)) {
        /* Recursion from a handler: the loop below on this thread re-checks after it returns. */
        pthread_mutex_unlock(&q->lock);
        return;
    }
    if (q->passive && wdm_irql_current() > PASSIVE_LEVEL) {
        fx_queue_defer_locked(q);
    } else {
        while (fx_queue_can_present_locked(q)) {
            struct fx_request *r = FX_CONTAINER_OF(q->pending.next, struct fx_request, qlink);
            bool canceled = atomic_load(&r->canceled);

            fx_queue_own_locked(q, r, canceled);
            if (!canceled)
                q->presenting++;
            pthread_mutex_unlock(&q->lock);
            if (canceled)
                fx_queue_call_canceled(q, r);
            else
                fx_queue_present(q, r);
            pthread_mutex_lock(&q->lock);
            if (!canceled && --q->presenting == 0)
                exec_event_set(&q->changed);
        }
    }
    if (slot >= 0)
        q->dispatchers[slot] = NULL;
    fx_queue_check_wait_unlock(q);
}
