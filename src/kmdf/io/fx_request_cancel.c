/* fx_request_cancel.c - cancellation of requests and the ownership changes around it (kmdf
 * layer): the cancel interlock of fx_request.h (WdfRequestMarkCancelable[Ex],
 * WdfRequestUnmarkCancelable, the host's cancel), WdfRequestStopAcknowledge, WdfRequestRequeue
 * and WdfRequestForwardToIoQueue.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/canceling-i-o-requests
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfrequest/nf-wdfrequest-wdfrequestmarkcancelable
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfrequest/nf-wdfrequest-wdfrequestmarkcancelableex
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfrequest/nf-wdfrequest-wdfrequestunmarkcancelable
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfrequest/nf-wdfrequest-wdfrequeststopacknowledge
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfrequest/nf-wdfrequest-wdfrequestrequeue */
#include "kmdf/io/fx_request.h"

#include "verifier/vf.h"

void fx_request_call_cancel(struct fx_request *r)
{
    struct fx_queue *q = r->queue;
    PFN_WDF_REQUEST_CANCEL cb = atomic_load(&r->evt_cancel);
    struct fx_callback_lock *lock = q != NULL ? q->cb_lock : NULL;
    bool taken;

    /* The callback completes the request: neither r nor (through r) q may be touched after it,
     * so the queue is pinned for the lock release. */
    if (q != NULL)
        fx_object_reference(&q->obj);
    taken = fx_callback_lock_acquire(lock);
    cb(fx_request_handle(r));
    fx_callback_lock_release(lock, taken);
    if (q != NULL)
        fx_object_dereference(&q->obj);
}

void fx_request_cancel(struct fx_request *r)
{
    atomic_store(&r->canceled, true);
    for (;;) {
        int expected = FX_CANCEL_CANCELABLE;
        struct fx_queue *q;

        switch (fx_request_state(r)) {
        case FX_REQ_QUEUED:
            /* Waiting: take it out under its queue's lock, unless it moves meanwhile. */
            q = r->queue;
            if (q != NULL && fx_queue_cancel_queued(q, r))
                return;
            continue;
        case FX_REQ_OWNED:
            /* Driver-owned: EvtRequestCancel if it is cancelable and this cancel wins. */
            if (atomic_compare_exchange_strong(&r->cancel_state, &expected, FX_CANCEL_CANCELING))
                fx_request_call_cancel(r);
            return;
        default:
            /* Not yet queued (the queue checks the flag when it links it) or completed. */
            return;
        }
    }
}

NTSTATUS fx_request_mark_cancelable(struct fx_request *r, PFN_WDF_REQUEST_CANCEL cb, bool ex)
{
    int expected = FX_CANCEL_CANCELABLE;

    if (fx_request_state(r) != FX_REQ_OWNED || atomic_load(&r->cancel_state) != FX_CANCEL_NONE)
        return STATUS_INVALID_DEVICE_REQUEST;
    atomic_store(&r->evt_cancel, cb);
    if (atomic_load(&r->canceled)) {
        /* Already canceled: the Ex form reports it, the plain form cancels right away. */
        if (ex)
            return STATUS_CANCELLED;
        atomic_store(&r->cancel_state, FX_CANCEL_CANCELING);
        fx_request_call_cancel(r);
        return STATUS_SUCCESS;
    }
    atomic_store(&r->cancel_state, FX_CANCEL_CANCELABLE);
    if (!atomic_load(&r->canceled))
        return STATUS_SUCCESS;
    /* A cancel arrived while marking: take the mark back, unless the canceler already won. */
    if (ex)
        return atomic_compare_exchange_strong(&r->cancel_state, &expected, FX_CANCEL_NONE)
                   ? STATUS_CANCELLED
                   : STATUS_SUCCESS;
    if (atomic_compare_exchange_strong(&r->cancel_state, &expected, FX_CANCEL_CANCELING))
        fx_request_call_cancel(r);
    return STATUS_SUCCESS;
}

NTSTATUS fx_request_unmark_cancelable(struct fx_request *r)
{
    int expected = FX_CANCEL_CANCELABLE;

    if (fx_request_state(r) != FX_REQ_OWNED)
        return STATUS_INVALID_DEVICE_REQUEST;
    if (atomic_compare_exchange_strong(&r->cancel_state, &expected, FX_CANCEL_NONE))
        return STATUS_SUCCESS;
    /* CANCELING: EvtRequestCancel runs or ran, and it completes the request. */
    return expected == FX_CANCEL_CANCELING ? STATUS_CANCELLED : STATUS_INVALID_PARAMETER;
}

/* Rule WDF-REQ-005: WdfRequestStopAcknowledge answers an EvtIoStop for that request; without one
 * outstanding it is misuse and changes nothing. */
void fx_request_stop_acknowledge(struct fx_request *r, bool requeue, const char *ddi,
                                 const void *caller)
{
    struct fx_queue *q = r->queue;
    bool canceled = false;

    if (q != NULL) {
        pthread_mutex_lock(&q->lock);
        if (fx_request_state(r) == FX_REQ_OWNED && r->stop_state == FX_STOP_PENDING) {
            if (requeue) {
                canceled = fx_queue_requeue_locked(q, r);
            } else {
                r->stop_state = FX_STOP_ACKED;
                q->stop_waiting--;
                exec_event_set(&q->changed);
            }
            fx_queue_check_wait_unlock(q);
            if (canceled)
                fx_queue_call_canceled(q, r);
            return;
        }
        pthread_mutex_unlock(&q->lock);
    }
    vf_report(VF_RULE_REQUEST_STOP_ACK_NO_STOP, fx_request_handle(r), ddi, caller,
              "no EvtIoStop is waiting for this request (state %d)", (int)fx_request_state(r));
}

NTSTATUS fx_request_requeue(struct fx_request *r)
{
    struct fx_queue *q = r->queue;
    bool canceled;

    if (q == NULL || q->config.DispatchType != WdfIoQueueDispatchManual ||
        atomic_load(&r->cancel_state) == FX_CANCEL_CANCELABLE)
        return STATUS_INVALID_DEVICE_REQUEST;
    pthread_mutex_lock(&q->lock);
    if (fx_request_state(r) != FX_REQ_OWNED) {
        pthread_mutex_unlock(&q->lock);
        return STATUS_INVALID_DEVICE_REQUEST;
    }
    canceled = fx_queue_requeue_locked(q, r);
    fx_queue_check_wait_unlock(q);
    if (canceled)
        fx_queue_call_canceled(q, r);
    return STATUS_SUCCESS;
}

NTSTATUS fx_request_forward(struct fx_request *r, struct fx_queue *dest)
{
    struct fx_queue *src = r->queue;
    bool accepting;

    if (src == NULL || src == dest || dest->iodev != r->iodev ||
        fx_request_state(r) != FX_REQ_OWNED ||
        atomic_load(&r->cancel_state) == FX_CANCEL_CANCELABLE)
        return STATUS_INVALID_DEVICE_REQUEST;
    pthread_mutex_lock(&dest->lock);
    accepting = dest->accepting;
    pthread_mutex_unlock(&dest->lock);
    if (!accepting)
        return STATUS_WDF_BUSY;
    /* The source may present its next request (sequential) once this one has left it. */
    fx_object_reference(&src->obj);
    fx_queue_release_owned(src, r);
    atomic_store(&r->cancel_state, FX_CANCEL_NONE);
    atomic_store(&r->state, FX_REQ_NEW);
    fx_queue_insert(dest, r, false);
    fx_queue_dispatch(src);
    fx_object_dereference(&src->obj);
    return STATUS_SUCCESS;
}
