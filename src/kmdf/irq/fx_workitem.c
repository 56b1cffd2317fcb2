/* fx_workitem.c - framework work items (kmdf layer): creation under a device or queue, enqueue
 * (at most once while queued; a running work item may be queued again), the callback at
 * PASSIVE_LEVEL on a work thread, flush, and the rundown at delete (waits for a queued or
 * running callback, as KMDF's dispose does).
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/using-framework-work-items
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfworkitem/nf-wdfworkitem-wdfworkitemenqueue
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfworkitem/nf-wdfworkitem-wdfworkitemflush */
#include "kmdf/irq/fx_workitem.h"

#include "kmdf/fx_globals.h"
#include "wdm/wdm_irql.h"

/* On a work thread at PASSIVE_LEVEL.  The object is alive: its rundown waits for the gate. */
static void fx_workitem_thunk(struct exec_work *work, void *arg)
{
    struct fx_workitem *w = arg;

    (void)work;
    pthread_mutex_lock(&w->lock);
    /* Cleared first, so the callback may queue the work item again. */
    w->enqueued = false;
    w->running++;
    pthread_mutex_unlock(&w->lock);

    atomic_store(&w->thread, exec_ctx_self());
    bool serial_taken = fx_serial_enter(&w->serial);

    w->fn((WDFWORKITEM)fx_object_handle(&w->obj));
    fx_serial_leave(&w->serial, serial_taken);
    atomic_store(&w->thread, NULL);

    pthread_mutex_lock(&w->lock);
    if (--w->running == 0 && !w->enqueued)
        exec_event_set(&w->idle);
    pthread_mutex_unlock(&w->lock);
    fx_work_gate_exit(&w->gate);
}

void fx_workitem_enqueue(struct fx_workitem *w)
{
    pthread_mutex_lock(&w->lock);
    if (w->enqueued) {
        pthread_mutex_unlock(&w->lock);
        return;
    }
    w->enqueued = true;
    exec_event_reset(&w->idle);
    pthread_mutex_unlock(&w->lock);

    fx_work_gate_start(&w->gate);
    if (exec_work_queue(fx_irq_exec(&w->obj), &w->work))
        return;
    /* The work threads have stopped (machine teardown): it will never run. */
    pthread_mutex_lock(&w->lock);
    w->enqueued = false;
    if (w->running == 0)
        exec_event_set(&w->idle);
    pthread_mutex_unlock(&w->lock);
    fx_work_gate_exit(&w->gate);
}

void fx_workitem_flush(struct fx_workitem *w)
{
    exec_event_wait(&w->idle, UINT64_MAX);
}

bool fx_workitem_in_callback(struct fx_workitem *w)
{
    return atomic_load(&w->thread) == exec_ctx_self();
}

static void fx_workitem_wait(struct fx_object *obj)
{
    struct fx_workitem *w = to_workitem(obj);

    fx_workitem_flush(w);
    fx_work_gate_drain(&w->gate);
}

static void fx_workitem_dispose(struct fx_object *obj)
{
    struct fx_workitem *w = to_workitem(obj);

    if (w->ready)
        fx_rundown_run(&w->rundown,
                       wdm_irql_current() == PASSIVE_LEVEL && !fx_workitem_in_callback(w));
}

static void fx_workitem_destroy(struct fx_object *obj)
{
    struct fx_workitem *w = to_workitem(obj);

    if (!w->ready)
        return;
    fx_serial_destroy(&w->serial);
    pthread_mutex_destroy(&w->lock);
}

static NTSTATUS fx_workitem_check_parent(struct fx_object *parent)
{
    return fx_irq_device_of(parent) != NULL ? STATUS_SUCCESS : STATUS_INVALID_DEVICE_REQUEST;
}

static const struct fx_object_ops fx_workitem_ops = {
    .type = FX_TYPE_WORKITEM,
    .size = sizeof(struct fx_workitem),
    .attr_options = FX_ATTR_PARENT_REQUIRED,
    .check_parent = fx_workitem_check_parent,
    .dispose = fx_workitem_dispose,
    .destroy = fx_workitem_destroy,
};

NTSTATUS fx_workitem_create(struct fx_driver_globals *g, PWDF_WORKITEM_CONFIG config,
                            PWDF_OBJECT_ATTRIBUTES attributes, const char *ddi,
                            const void *caller, struct fx_workitem **out)
{
    struct fx_object *obj;
    struct fx_workitem *w;
    NTSTATUS status;

    if (config->Size != sizeof(WDF_WORKITEM_CONFIG))
        return STATUS_INFO_LENGTH_MISMATCH;
    status = fx_object_create(g, &fx_workitem_ops, attributes, NULL, ddi, caller, &obj);
    if (!NT_SUCCESS(status))
        return status;
    w = to_workitem(obj);
    w->parent = fx_object_parent(obj);
    w->fn = config->EvtWorkItemFunc;
    status = fx_serial_init(&w->serial, w->parent, config->AutomaticSerialization != FALSE, true);
    if (!NT_SUCCESS(status)) {
        fx_object_discard(obj);
        return status;
    }
    pthread_mutex_init(&w->lock, NULL);
    exec_event_init(&w->idle, false, true);
    atomic_init(&w->thread, NULL);
    exec_work_init(&w->work, fx_workitem_thunk, w);
    fx_rundown_init(&w->rundown, obj, fx_workitem_wait);
    w->ready = true;
    *out = w;
    return STATUS_SUCCESS;
}
