/* fx_queue_power.c - I/O queues in the device's PnP/power sequence (kmdf layer): the power hook
 * of the I/O package (fx_device.h) that stops power-managed queues when the device leaves D0
 * (EvtIoStop for each request the driver owns, then waiting for every one to be completed or
 * acknowledged), restarts them in D0 (EvtIoResume for requests the driver kept), and purges every
 * queue at removal, completing whatever the driver still holds after a grace period.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/using-power-managed-i-o-queues
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/power-management-for-i-o-queues
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfio/nc-wdfio-evt_wdf_io_queue_io_stop
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfrequest/ne-wdfrequest-_wdf_request_stop_action_flags */
#include <stdlib.h>

#include "kmdf/io/fx_queue.h"
#include "kmdf/io/fx_request.h"
#include "platform/exec.h"
#include "verifier/vf.h"

/* The device's queues, each referenced (the list may change while the hook works). */
static struct fx_queue **fx_io_queues_snapshot(struct fx_io_device *iodev, size_t *count)
{
    struct fx_queue **items = NULL;
    size_t n = 0;

    pthread_mutex_lock(&iodev->lock);
    for (struct fx_list *e = iodev->queues.next; e != &iodev->queues; e = e->next)
        n++;
    if (n != 0)
        items = calloc(n, sizeof(*items));
    n = 0;
    if (items != NULL) {
        for (struct fx_list *e = iodev->queues.next; e != &iodev->queues; e = e->next) {
            items[n] = FX_CONTAINER_OF(e, struct fx_queue, dev_link);
            fx_object_reference(&items[n++]->obj);
        }
    }
    pthread_mutex_unlock(&iodev->lock);
    *count = n;
    return items;
}

static void fx_io_queues_put(struct fx_queue **items, size_t count)
{
    for (size_t i = 0; i < count; i++)
        fx_object_dereference(&items[i]->obj);
    free(items);
}

/* Caller holds q->lock; waits (lock released meanwhile) until *counter is 0. */
static void fx_queue_wait_zero_locked(struct fx_queue *q, const unsigned *counter)
{
    while (*counter != 0) {
        exec_event_reset(&q->changed);
        pthread_mutex_unlock(&q->lock);
        exec_event_wait(&q->changed, UINT64_MAX);
        pthread_mutex_lock(&q->lock);
    }
}

/* Caller holds q->lock.  The requests the driver owns that have no stop outstanding, marked
 * STOP_PENDING and referenced. */
static struct fx_request **fx_queue_mark_stopping_locked(struct fx_queue *q, size_t *count)
{
    struct fx_request **items = NULL;

    *count = 0;
    if (q->driver_count != 0)
        items = calloc(q->driver_count, sizeof(*items));
    for (struct fx_list *e = q->owned.next; e != &q->owned; e = e->next) {
        struct fx_request *r = FX_CONTAINER_OF(e, struct fx_request, qlink);
        if (r->stop_state != FX_STOP_NONE)
            continue;
        r->stop_state = FX_STOP_PENDING;
        q->stop_waiting++;
        if (items != NULL) {
            fx_object_reference(&r->obj);
            items[(*count)++] = r;
        }
    }
    return items;
}

/* One power-managed queue leaves D0.  No new request is presented; when no handler is running,
 * EvtIoStop runs once for every request the driver owns (Suspend, or Purge at removal, plus
 * Cancelable when marked).  For a power-down the device may leave D0 only when each has been
 * completed or acknowledged (WdfRequestStopAcknowledge).  At removal the queue is purged right
 * away and the removal purge (fx_io_queues_purge) takes over the waiting, with its grace period. */
static void fx_queue_power_down(struct fx_queue *q, bool removal)
{
    struct fx_request **items;
    size_t count;

    pthread_mutex_lock(&q->lock);
    q->power_on = false;
    fx_queue_wait_zero_locked(q, &q->presenting);
    items = fx_queue_mark_stopping_locked(q, &count);
    pthread_mutex_unlock(&q->lock);

    for (size_t i = 0; i < count; i++) {
        struct fx_request *r = items[i];
        ULONG flags = removal ? WdfRequestStopActionPurge : WdfRequestStopActionSuspend;
        bool still;

        pthread_mutex_lock(&q->lock);
        still = fx_request_state(r) == FX_REQ_OWNED && r->stop_state == FX_STOP_PENDING &&
                r->queue == q;
        pthread_mutex_unlock(&q->lock);
        if (atomic_load(&r->cancel_state) == FX_CANCEL_CANCELABLE)
            flags |= WdfRequestStopRequestCancelable;
        if (still && q->config.EvtIoStop != NULL)
            fx_queue_call_stop(q, r, flags);
        fx_object_dereference(&r->obj);
    }
    free(items);
    if (removal) {
        /* Leaving D0 for good (removal, surprise removal): the queue is purged now, as KMDF
         * purges power-managed queues in this power-down; the removal purge waits for the rest. */
        fx_queue_purge(q, false, NULL, NULL);
        return;
    }
    pthread_mutex_lock(&q->lock);
    fx_queue_wait_zero_locked(q, &q->stop_waiting);
    pthread_mutex_unlock(&q->lock);
}

/* One power-managed queue back in D0: EvtIoResume for the requests the driver kept
 * (WdfRequestStopAcknowledge with Requeue FALSE), then what waited is presented. */
static void fx_queue_power_up(struct fx_queue *q)
{
    struct fx_request **items = NULL;
    size_t count = 0;

    pthread_mutex_lock(&q->lock);
    q->power_on = true;
    if (q->driver_count != 0)
        items = calloc(q->driver_count, sizeof(*items));
    for (struct fx_list *e = q->owned.next; e != &q->owned; e = e->next) {
        struct fx_request *r = FX_CONTAINER_OF(e, struct fx_request, qlink);
        if (r->stop_state == FX_STOP_PENDING)
            q->stop_waiting--;
        if (r->stop_state == FX_STOP_ACKED && items != NULL) {
            fx_object_reference(&r->obj);
            items[count++] = r;
        }
        r->stop_state = FX_STOP_NONE;
    }
    pthread_mutex_unlock(&q->lock);
    for (size_t i = 0; i < count; i++) {
        if (q->config.EvtIoResume != NULL && fx_request_state(items[i]) == FX_REQ_OWNED)
            fx_queue_call_resume(q, items[i]);
        fx_object_dereference(&items[i]->obj);
    }
    free(items);
    fx_queue_dispatch(q);
}

NTSTATUS fx_io_queues_start(struct fx_device *dev, void *ctx, WDF_POWER_DEVICE_STATE state)
{
    struct fx_io_device *iodev = ctx;
    struct fx_queue **queues;
    size_t count;

    (void)dev;
    (void)state;
    atomic_store(&iodev->powered, true);
    queues = fx_io_queues_snapshot(iodev, &count);
    for (size_t i = 0; i < count; i++)
        if (queues[i]->power_managed)
            fx_queue_power_up(queues[i]);
    fx_io_queues_put(queues, count);
    return STATUS_SUCCESS;
}

NTSTATUS fx_io_queues_stop(struct fx_device *dev, void *ctx, WDF_POWER_DEVICE_STATE state)
{
    struct fx_io_device *iodev = ctx;
    struct fx_queue **queues;
    size_t count;

    (void)dev;
    atomic_store(&iodev->powered, false);
    queues = fx_io_queues_snapshot(iodev, &count);
    for (size_t i = 0; i < count; i++)
        if (queues[i]->power_managed)
            fx_queue_power_down(queues[i], state == WdfPowerDeviceD3Final);
    fx_io_queues_put(queues, count);
    return STATUS_SUCCESS;
}

/* Rule WDF-REQ-003: at removal the driver must have completed every request it got; what it
 * still holds after the queues were purged and a grace period passed is reported and completed
 * with STATUS_CANCELLED here, so no submitter is left waiting. */
static void fx_io_complete_leftovers(struct fx_io_device *iodev)
{
    for (unsigned spin = 0;; spin++) {
        struct fx_request *r;

        pthread_mutex_lock(&iodev->lock);
        if (fx_list_empty(&iodev->live)) {
            pthread_mutex_unlock(&iodev->lock);
            return;
        }
        r = FX_CONTAINER_OF(iodev->live.next, struct fx_request, dev_link);
        fx_object_reference(&r->obj);
        pthread_mutex_unlock(&iodev->lock);
        if (fx_request_state(r) == FX_REQ_COMPLETED) {
            exec_cpu_relax(spin); /* its completion is leaving the list right now */
        } else {
            vf_report(VF_RULE_REQUEST_NOT_COMPLETED, fx_request_handle(r), "device removal",
                      r->obj.origin,
                      "the driver still owns this request (IRP major 0x%02x) after the queues "
                      "were purged; completing it with STATUS_CANCELLED",
                      (unsigned)r->io->stack.MajorFunction);
            fx_request_complete(r, STATUS_CANCELLED, 0, true, "device removal", NULL);
        }
        fx_object_dereference(&r->obj);
    }
}

NTSTATUS fx_io_queues_purge(struct fx_device *dev, void *ctx)
{
    struct fx_io_device *iodev = ctx;
    struct fx_queue **queues;
    size_t count;

    (void)dev;
    atomic_store(&iodev->removed, true);
    queues = fx_io_queues_snapshot(iodev, &count);
    for (size_t i = 0; i < count; i++)
        fx_queue_purge(queues[i], false, NULL, NULL);
    fx_io_queues_put(queues, count);
    exec_event_wait(&iodev->live_idle, FX_IO_REMOVE_WAIT_NS);
    fx_io_complete_leftovers(iodev);
    return STATUS_SUCCESS;
}
