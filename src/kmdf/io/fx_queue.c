/* fx_queue.c - I/O queue objects and the per-device I/O package (kmdf layer): creation with the
 * documented validation, the dispatch table of WdfDeviceConfigureRequestDispatching, the
 * driver-visible state changes (start, stop, drain, purge) with their completion callbacks, and
 * manual retrieval.  Presentation is in fx_queue_dispatch.c, power in fx_queue_power.c.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfio/nf-wdfio-wdfioqueuecreate
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfio/ns-wdfio-_wdf_io_queue_config
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdevice/nf-wdfdevice-wdfdeviceconfigurerequestdispatching
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfio/nf-wdfio-wdfioqueueretrievenextrequest */
#include "kmdf/io/fx_queue.h"

#include <stdlib.h>

#include "kmdf/core/fx_driver.h"
#include "kmdf/core/fx_worker.h"
#include "kmdf/io/fx_request.h"
#include "platform/exec_ctx.h"
#include "platform/machine.h"
#include "wdm/wdm_irql.h"

/* ---- the I/O package, a framework-private context of the device ---- */

static const WDF_OBJECT_CONTEXT_TYPE_INFO fx_io_device_type = {
    sizeof(WDF_OBJECT_CONTEXT_TYPE_INFO), "dmabox-io-package", sizeof(struct fx_io_device),
    &fx_io_device_type, NULL,
};

static const struct fx_device_power_hook_ops fx_io_hook_ops = {
    .name = "io-queues",
    .queues_start = fx_io_queues_start,
    .queues_stop = fx_io_queues_stop,
    .queues_purge = fx_io_queues_purge,
};

struct fx_io_device *fx_io_device_of(struct fx_device *dev)
{
    struct fx_io_device *iodev = fx_object_context(&dev->obj, &fx_io_device_type);

    if (iodev == NULL || atomic_load(&iodev->init_state) != 2)
        return NULL;
    return iodev;
}

static NTSTATUS fx_io_hook_register(void *arg)
{
    struct fx_io_device *iodev = arg;

    fx_device_hook_register(iodev->device, &iodev->hook);
    return STATUS_SUCCESS;
}

/* The device is powered for its queues once the sequence has passed the QUEUES_START point of
 * the current power-up (a package created later, e.g. in EvtDeviceSelfManagedIoInit, missed it). */
static bool fx_io_device_in_d0(struct fx_device *dev)
{
    enum fx_pnp_state s = fx_device_state(dev);
    return s == FX_PNP_STATE_STARTED || s == FX_PNP_STATE_SELF_IO_START ||
           s == FX_PNP_STATE_ENABLE_INTERFACES;
}

static NTSTATUS fx_io_device_init(struct fx_io_device *iodev, struct fx_device *dev)
{
    struct fx_worker *worker = dev->image->worker;
    NTSTATUS status = STATUS_SUCCESS;

    iodev->device = dev;
    iodev->machine = dev->obj.globals->machine;
    pthread_mutex_init(&iodev->lock, NULL);
    fx_list_init(&iodev->queues);
    fx_list_init(&iodev->live);
    exec_event_init(&iodev->live_idle, false, true);
    atomic_init(&iodev->powered, fx_io_device_in_d0(dev));
    atomic_init(&iodev->removed, false);
    iodev->hook.ops = &fx_io_hook_ops;
    iodev->hook.ctx = iodev;
    fx_list_init(&iodev->hook.link);
    /* Hooks are registered on the PnP thread only, so the sequence never sees the list change. */
    if (fx_worker_is_current(worker))
        fx_device_hook_register(dev, &iodev->hook);
    else if (wdm_irql_current() == PASSIVE_LEVEL)
        status = fx_worker_call(worker, fx_io_hook_register, iodev);
    else
        status = STATUS_INVALID_DEVICE_STATE;
    if (!NT_SUCCESS(status))
        pthread_mutex_destroy(&iodev->lock);
    return status;
}

NTSTATUS fx_io_device_get(struct fx_device *dev, struct fx_io_device **out)
{
    struct fx_io_device *iodev = fx_object_context(&dev->obj, &fx_io_device_type);
    NTSTATUS status;

    *out = NULL;
    if (iodev == NULL) {
        WDF_OBJECT_ATTRIBUTES a;
        void *ctx;

        WDF_OBJECT_ATTRIBUTES_INIT(&a);
        a.ContextTypeInfo = &fx_io_device_type;
        status = fx_object_context_add(&dev->obj, &a, &ctx);
        if (!NT_SUCCESS(status) && status != STATUS_OBJECT_NAME_EXISTS)
            return status;
        iodev = ctx;
    }
    /* One creator initialises; a concurrent first use waits for it (creation is rare and short). */
    for (unsigned i = 0;; i++) {
        int expected = 0;

        if (atomic_load(&iodev->init_state) == 2)
            break;
        if (atomic_compare_exchange_strong(&iodev->init_state, &expected, 1)) {
            status = fx_io_device_init(iodev, dev);
            atomic_store(&iodev->init_state, NT_SUCCESS(status) ? 2 : 0);
            if (!NT_SUCCESS(status))
                return status;
            break;
        }
        exec_cpu_relax(i);
    }
    *out = iodev;
    return STATUS_SUCCESS;
}

struct fx_callback_lock *fx_io_device_sync_lock(struct fx_io_device *iodev, bool passive)
{
    pthread_mutex_lock(&iodev->lock);
    if (!iodev->device_lock_ready) {
        fx_callback_lock_init(&iodev->device_lock, passive);
        iodev->device_lock_ready = true;
    }
    pthread_mutex_unlock(&iodev->lock);
    return &iodev->device_lock;
}

/* ---- effective execution level and synchronization scope ----
 * InheritFromParent walks up the parent chain (queue -> device -> driver); the framework's
 * defaults at the top are WdfExecutionLevelDispatch and WdfSynchronizationScopeNone.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/using-automatic-synchronization */
static void fx_queue_effective_attributes(struct fx_object *obj, WDF_EXECUTION_LEVEL *level,
                                          WDF_SYNCHRONIZATION_SCOPE *scope)
{
    *level = WdfExecutionLevelInheritFromParent;
    *scope = WdfSynchronizationScopeInheritFromParent;
    for (struct fx_object *o = obj; o != NULL; o = fx_object_parent(o)) {
        if (*level == WdfExecutionLevelInheritFromParent &&
            (o->execution_level == WdfExecutionLevelPassive ||
             o->execution_level == WdfExecutionLevelDispatch))
            *level = o->execution_level;
        if (*scope == WdfSynchronizationScopeInheritFromParent &&
            (o->sync_scope == WdfSynchronizationScopeDevice ||
             o->sync_scope == WdfSynchronizationScopeQueue ||
             o->sync_scope == WdfSynchronizationScopeNone))
            *scope = o->sync_scope;
    }
    if (*level == WdfExecutionLevelInheritFromParent)
        *level = WdfExecutionLevelDispatch;
    if (*scope == WdfSynchronizationScopeInheritFromParent)
        *scope = WdfSynchronizationScopeNone;
}

/* ---- the object ---- */

static void fx_queue_work_fn(struct exec_work *work, void *arg)
{
    struct fx_queue *q = arg;

    (void)work;
    fx_queue_dispatch(q);
    fx_object_dereference(&q->obj);
}

/* Deletion (WdfObjectDelete, or with the device): requests still waiting are completed with
 * STATUS_CANCELLED; requests the driver owns keep the queue's memory alive through their
 * reference until they complete. */
static void fx_queue_dispose(struct fx_object *obj)
{
    struct fx_queue *q = to_queue(obj);
    struct fx_io_device *iodev = q->iodev;

    pthread_mutex_lock(&iodev->lock);
    fx_list_del(&q->dev_link);
    if (iodev->default_queue == q)
        iodev->default_queue = NULL;
    for (size_t i = 0; i < sizeof(iodev->dispatch) / sizeof(iodev->dispatch[0]); i++)
        if (iodev->dispatch[i] == q)
            iodev->dispatch[i] = NULL;
    pthread_mutex_unlock(&iodev->lock);

    pthread_mutex_lock(&q->lock);
    q->disposed = true;
    q->accepting = false;
    pthread_mutex_unlock(&q->lock);
    fx_queue_flush_pending(q, false);
}

static void fx_queue_destroy(struct fx_object *obj)
{
    pthread_mutex_destroy(&to_queue(obj)->lock);
}

static const struct fx_object_ops fx_queue_ops = {
    .type = FX_TYPE_QUEUE,
    .size = sizeof(struct fx_queue),
    .attr_options = FX_ATTR_EXECUTION_LEVEL_ALLOWED | FX_ATTR_SYNCHRONIZATION_SCOPE_ALLOWED,
    .dispose = fx_queue_dispose,
    .destroy = fx_queue_destroy,
};

static bool fx_queue_has_handler(const WDF_IO_QUEUE_CONFIG *c)
{
    return c->EvtIoDefault != NULL || c->EvtIoRead != NULL || c->EvtIoWrite != NULL ||
           c->EvtIoDeviceControl != NULL || c->EvtIoInternalDeviceControl != NULL;
}

/* The documented validation of WDF_IO_QUEUE_CONFIG (nf-wdfio-wdfioqueuecreate). */
static NTSTATUS fx_queue_check_config(const WDF_IO_QUEUE_CONFIG *c)
{
    if (c->Size != sizeof(WDF_IO_QUEUE_CONFIG))
        return STATUS_INFO_LENGTH_MISMATCH;
    if (c->DispatchType <= WdfIoQueueDispatchInvalid || c->DispatchType >= WdfIoQueueDispatchMax)
        return STATUS_INVALID_PARAMETER;
    if (c->PowerManaged != WdfTrue && c->PowerManaged != WdfFalse &&
        c->PowerManaged != WdfUseDefault)
        return STATUS_INVALID_PARAMETER;
    if (c->DispatchType != WdfIoQueueDispatchManual && !fx_queue_has_handler(c))
        return STATUS_WDF_NO_CALLBACK;
    return STATUS_SUCCESS;
}

/* True if obj is dev or has dev among its ancestors (a queue's parent must lead to its device). */
static bool fx_object_under(struct fx_object *obj, struct fx_object *dev)
{
    for (struct fx_object *o = obj; o != NULL; o = fx_object_parent(o))
        if (o == dev)
            return true;
    return false;
}

static void fx_queue_init_fields(struct fx_queue *q, struct fx_io_device *iodev,
                                 const WDF_IO_QUEUE_CONFIG *config)
{
    WDF_EXECUTION_LEVEL level;
    WDF_SYNCHRONIZATION_SCOPE scope;

    q->iodev = iodev;
    q->config = *config;
    q->power_managed = config->PowerManaged != WdfFalse;
    fx_queue_effective_attributes(&q->obj, &level, &scope);
    q->passive = level == WdfExecutionLevelPassive;
    fx_callback_lock_init(&q->queue_lock, q->passive);
    if (scope == WdfSynchronizationScopeQueue) {
        q->cb_lock = &q->queue_lock;
    } else if (scope == WdfSynchronizationScopeDevice) {
        q->cb_lock = fx_io_device_sync_lock(iodev, q->passive);
    }
    exec_work_init(&q->work, fx_queue_work_fn, q);
    pthread_mutex_init(&q->lock, NULL);
    fx_list_init(&q->pending);
    fx_list_init(&q->owned);
    fx_list_init(&q->dev_link);
    exec_event_init(&q->changed, false, false);
    q->accepting = true;
    q->dispatching = true;
    q->power_on = !q->power_managed || atomic_load(&iodev->powered);
}

NTSTATUS fx_queue_create(struct fx_device *dev, PWDF_IO_QUEUE_CONFIG config,
                         PWDF_OBJECT_ATTRIBUTES attributes, const char *ddi, const void *caller,
                         struct fx_queue **out)
{
    struct fx_io_device *iodev;
    struct fx_object *obj;
    struct fx_queue *q;
    NTSTATUS status;

    *out = NULL;
    status = fx_queue_check_config(config);
    if (!NT_SUCCESS(status))
        return status;
    status = fx_io_device_get(dev, &iodev);
    if (!NT_SUCCESS(status))
        return status;
    /* Checked again when the queue is linked; this spares creating an object to discard. */
    pthread_mutex_lock(&iodev->lock);
    status = config->DefaultQueue && iodev->default_queue != NULL ? STATUS_UNSUCCESSFUL
                                                                   : STATUS_SUCCESS;
    pthread_mutex_unlock(&iodev->lock);
    if (!NT_SUCCESS(status))
        return status;
    status = fx_object_create(dev->obj.globals, &fx_queue_ops, attributes, &dev->obj, ddi, caller,
                              &obj);
    if (!NT_SUCCESS(status))
        return status;
    if (!fx_object_under(obj, &dev->obj)) {
        fx_object_discard(obj);
        return STATUS_INVALID_PARAMETER;
    }
    q = to_queue(obj);
    fx_queue_init_fields(q, iodev, config);

    pthread_mutex_lock(&iodev->lock);
    if (config->DefaultQueue && iodev->default_queue != NULL) {
        pthread_mutex_unlock(&iodev->lock);
        fx_object_discard(obj);
        return STATUS_UNSUCCESSFUL;
    }
    if (config->DefaultQueue)
        iodev->default_queue = q;
    fx_list_add_tail(&iodev->queues, &q->dev_link);
    pthread_mutex_unlock(&iodev->lock);
    *out = q;
    return STATUS_SUCCESS;
}

NTSTATUS fx_queue_configure_dispatching(struct fx_queue *q, WDF_REQUEST_TYPE type)
{
    struct fx_io_device *iodev = q->iodev;
    NTSTATUS status = STATUS_SUCCESS;

    if (type != WdfRequestTypeCreate && type != WdfRequestTypeRead &&
        type != WdfRequestTypeWrite && type != WdfRequestTypeDeviceControl &&
        type != WdfRequestTypeDeviceControlInternal)
        return STATUS_INVALID_PARAMETER;
    pthread_mutex_lock(&iodev->lock);
    if (iodev->dispatch[type] != NULL)
        status = STATUS_WDF_BUSY;
    else
        iodev->dispatch[type] = q;
    pthread_mutex_unlock(&iodev->lock);
    return status;
}

/* ---- driver-visible state ---- */

static bool fx_queue_wait_holds(const struct fx_queue *q, enum fx_queue_wait what)
{
    switch (what) {
    case FX_QUEUE_WAIT_STOP:
        return q->driver_count == 0;
    case FX_QUEUE_WAIT_EMPTY:
        return q->driver_count == 0 && q->pending_count == 0;
    case FX_QUEUE_WAIT_NONE:
        break;
    }
    return true;
}

void fx_queue_check_wait_unlock(struct fx_queue *q)
{
    PFN_WDF_IO_QUEUE_STATE cb = NULL;
    WDFCONTEXT ctx = NULL;

    if (q->wait != FX_QUEUE_WAIT_NONE && fx_queue_wait_holds(q, q->wait)) {
        cb = q->state_cb;
        ctx = q->state_ctx;
        q->wait = FX_QUEUE_WAIT_NONE;
        q->state_cb = NULL;
    }
    pthread_mutex_unlock(&q->lock);
    if (cb != NULL) {
        bool taken = fx_callback_lock_acquire(q->cb_lock);
        cb(fx_queue_handle(q), ctx);
        fx_callback_lock_release(q->cb_lock, taken);
    }
}

/* Caller holds q->lock.  A later operation's callback replaces an earlier one still pending. */
static void fx_queue_set_wait(struct fx_queue *q, enum fx_queue_wait what,
                              PFN_WDF_IO_QUEUE_STATE cb, WDFCONTEXT ctx)
{
    if (cb == NULL)
        return;
    q->wait = what;
    q->state_cb = cb;
    q->state_ctx = ctx;
}

void fx_queue_start(struct fx_queue *q)
{
    pthread_mutex_lock(&q->lock);
    q->accepting = !q->disposed;
    q->dispatching = true;
    pthread_mutex_unlock(&q->lock);
    fx_queue_dispatch(q);
}

void fx_queue_stop(struct fx_queue *q, PFN_WDF_IO_QUEUE_STATE cb, WDFCONTEXT ctx)
{
    pthread_mutex_lock(&q->lock);
    q->dispatching = false;
    /* The documented side effect: a stopped queue accepts again (e.g. after a drain). */
    q->accepting = !q->disposed;
    fx_queue_set_wait(q, FX_QUEUE_WAIT_STOP, cb, ctx);
    fx_queue_check_wait_unlock(q);
}

void fx_queue_drain(struct fx_queue *q, PFN_WDF_IO_QUEUE_STATE cb, WDFCONTEXT ctx)
{
    pthread_mutex_lock(&q->lock);
    q->accepting = false;
    fx_queue_set_wait(q, FX_QUEUE_WAIT_EMPTY, cb, ctx);
    fx_queue_check_wait_unlock(q);
    fx_queue_dispatch(q);
}

/* Caller holds q->lock.  Wins the cancellation of every owned request the driver marked
 * cancelable (CANCELABLE -> CANCELING) and returns them, referenced, for EvtRequestCancel
 * outside the lock.  *count is 0 when there are none or no memory for the list. */
static struct fx_request **fx_queue_take_cancelable_locked(struct fx_queue *q, size_t *count)
{
    struct fx_request **items;
    size_t n = 0;

    *count = 0;
    for (struct fx_list *e = q->owned.next; e != &q->owned; e = e->next)
        n++;
    if (n == 0 || (items = calloc(n, sizeof(*items))) == NULL)
        return NULL;
    for (struct fx_list *e = q->owned.next; e != &q->owned; e = e->next) {
        struct fx_request *r = FX_CONTAINER_OF(e, struct fx_request, qlink);
        int expected = FX_CANCEL_CANCELABLE;

        atomic_store(&r->canceled, true);
        if (atomic_compare_exchange_strong(&r->cancel_state, &expected, FX_CANCEL_CANCELING)) {
            fx_object_reference(&r->obj);
            items[(*count)++] = r;
        }
    }
    return items;
}

void fx_queue_purge(struct fx_queue *q, bool keep_accepting, PFN_WDF_IO_QUEUE_STATE cb,
                    WDFCONTEXT ctx)
{
    struct fx_request **owned;
    size_t count;

    pthread_mutex_lock(&q->lock);
    if (keep_accepting)
        q->dispatching = false;
    else
        q->accepting = false;
    owned = fx_queue_take_cancelable_locked(q, &count);
    fx_queue_set_wait(q, FX_QUEUE_WAIT_EMPTY, cb, ctx);
    pthread_mutex_unlock(&q->lock);

    fx_queue_flush_pending(q, true);
    for (size_t i = 0; i < count; i++) {
        fx_request_call_cancel(owned[i]);
        fx_object_dereference(&owned[i]->obj);
    }
    free(owned);
    pthread_mutex_lock(&q->lock);
    fx_queue_check_wait_unlock(q);
}

void fx_queue_wait_idle(struct fx_queue *q, enum fx_queue_wait what)
{
    pthread_mutex_lock(&q->lock);
    while (!fx_queue_wait_holds(q, what)) {
        exec_event_reset(&q->changed);
        pthread_mutex_unlock(&q->lock);
        exec_event_wait(&q->changed, UINT64_MAX);
        pthread_mutex_lock(&q->lock);
    }
    pthread_mutex_unlock(&q->lock);
}

WDF_IO_QUEUE_STATE fx_queue_get_state(struct fx_queue *q, ULONG *queued, ULONG *owned)
{
    int state = 0;

    pthread_mutex_lock(&q->lock);
    if (q->accepting)
        state |= WdfIoQueueAcceptRequests;
    if (q->dispatching)
        state |= WdfIoQueueDispatchRequests;
    if (q->pending_count == 0)
        state |= WdfIoQueueNoRequests;
    if (q->driver_count == 0)
        state |= WdfIoQueueDriverNoRequests;
    if (q->power_managed && !q->power_on)
        state |= WdfIoQueuePnpHeld;
    if (queued != NULL)
        *queued = (ULONG)q->pending_count;
    if (owned != NULL)
        *owned = (ULONG)q->driver_count;
    pthread_mutex_unlock(&q->lock);
    return (WDF_IO_QUEUE_STATE)state;
}

NTSTATUS fx_queue_retrieve(struct fx_queue *q, struct fx_request **out)
{
    *out = NULL;
    if (q->config.DispatchType == WdfIoQueueDispatchParallel)
        return STATUS_INVALID_DEVICE_STATE;
    for (;;) {
        struct fx_request *r;

        pthread_mutex_lock(&q->lock);
        if (!q->dispatching || (q->power_managed && !q->power_on)) {
            pthread_mutex_unlock(&q->lock);
            return STATUS_WDF_PAUSED;
        }
        if (fx_list_empty(&q->pending)) {
            pthread_mutex_unlock(&q->lock);
            return STATUS_NO_MORE_ENTRIES;
        }
        r = FX_CONTAINER_OF(q->pending.next, struct fx_request, qlink);
        if (!atomic_load(&r->canceled)) {
            fx_queue_own_locked(q, r, false);
            pthread_mutex_unlock(&q->lock);
            *out = r;
            return STATUS_SUCCESS;
        }
        /* Canceled while waiting: whoever finds it under the lock handles the cancellation. */
        fx_queue_own_locked(q, r, true);
        pthread_mutex_unlock(&q->lock);
        fx_queue_call_canceled(q, r);
    }
}
