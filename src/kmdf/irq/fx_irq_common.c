/* fx_irq_common.c - helpers shared by interrupts, DPCs, work items and timers (kmdf layer):
 * device lookup, effective execution level and synchronization scope, the AutomaticSerialization
 * check and lock, and the rundown of an object's deferred callbacks.  See fx_irq_common.h.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/using-automatic-synchronization
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/specifying-synchronization-and-execution-levels */
#include "kmdf/irq/fx_irq_common.h"

#include "kmdf/core/fx_device.h"
#include "kmdf/fx_globals.h"
#include "kmdf/io/fx_queue.h"
#include "platform/exec_ctx.h"
#include "platform/machine.h"

struct fx_device *fx_irq_device_of(struct fx_object *obj)
{
    while (obj != NULL && fx_object_type(obj) != FX_TYPE_DEVICE)
        obj = fx_object_parent(obj);
    return obj != NULL ? to_device(obj) : NULL;
}

WDF_EXECUTION_LEVEL fx_irq_effective_level(struct fx_object *obj)
{
    for (; obj != NULL; obj = fx_object_parent(obj)) {
        if (obj->execution_level == WdfExecutionLevelPassive ||
            obj->execution_level == WdfExecutionLevelDispatch)
            return obj->execution_level;
    }
    return WdfExecutionLevelDispatch;
}

WDF_SYNCHRONIZATION_SCOPE fx_irq_effective_scope(struct fx_object *obj)
{
    for (; obj != NULL; obj = fx_object_parent(obj)) {
        if (obj->sync_scope == WdfSynchronizationScopeDevice ||
            obj->sync_scope == WdfSynchronizationScopeQueue ||
            obj->sync_scope == WdfSynchronizationScopeNone)
            return obj->sync_scope;
    }
    return WdfSynchronizationScopeNone;
}

struct exec *fx_irq_exec(const struct fx_object *obj)
{
    return obj->globals->machine->exec;
}

const char *fx_irq_level_name(unsigned level)
{
    static const char *const names[] = {"PASSIVE_LEVEL", "APC_LEVEL", "DISPATCH_LEVEL"};

    return level < 3 ? names[level] : "DIRQL";
}

/* ---- AutomaticSerialization ---- */

static struct fx_queue *fx_serial_queue_of(struct fx_object *obj)
{
    for (; obj != NULL; obj = fx_object_parent(obj))
        if (fx_object_type(obj) == FX_TYPE_QUEUE)
            return to_queue(obj);
    return NULL;
}

NTSTATUS fx_serial_init(struct fx_serial *s, struct fx_object *parent, bool automatic,
                        bool passive_callback)
{
    WDF_SYNCHRONIZATION_SCOPE scope = fx_irq_effective_scope(parent);
    bool parent_passive = fx_irq_effective_level(parent) == WdfExecutionLevelPassive;

    s->lock = NULL;
    /* A parent without a scope has no callback lock: AutomaticSerialization has no effect. */
    if (!automatic || scope == WdfSynchronizationScopeNone)
        return STATUS_SUCCESS;
    if (parent_passive != passive_callback)
        return STATUS_WDF_INCOMPATIBLE_EXECUTION_LEVEL;
    if (scope == WdfSynchronizationScopeQueue) {
        struct fx_queue *q = fx_serial_queue_of(parent);

        s->lock = q != NULL ? q->cb_lock : NULL;
        return STATUS_SUCCESS;
    }
    struct fx_device *dev = fx_irq_device_of(parent);
    struct fx_io_device *iodev;
    NTSTATUS status;

    if (dev == NULL)
        return STATUS_SUCCESS;
    status = fx_io_device_get(dev, &iodev);
    if (!NT_SUCCESS(status))
        return status;
    s->lock = fx_io_device_sync_lock(iodev, parent_passive);
    return STATUS_SUCCESS;
}

void fx_serial_destroy(struct fx_serial *s)
{
    s->lock = NULL;
}

bool fx_serial_enter(struct fx_serial *s)
{
    return fx_callback_lock_acquire(s->lock);
}

void fx_serial_leave(struct fx_serial *s, bool taken)
{
    fx_callback_lock_release(s->lock, taken);
}

/* ---- work gate ---- */

void fx_work_gate_drain(struct fx_work_gate *g)
{
    unsigned i = 0;

    while (atomic_load_explicit(&g->exited, memory_order_acquire) !=
           atomic_load_explicit(&g->started, memory_order_relaxed))
        exec_cpu_relax(i++);
}

/* ---- rundown ---- */

static void fx_rundown_work(struct exec_work *w, void *arg)
{
    struct fx_rundown *r = arg;
    struct fx_object *obj = r->obj;

    (void)w;
    r->wait(obj);
    /* May free the object holding r: nothing touches r after this. */
    fx_object_dereference(obj);
}

void fx_rundown_init(struct fx_rundown *r, struct fx_object *obj, fx_rundown_fn wait)
{
    r->obj = obj;
    r->wait = wait;
    exec_work_init(&r->work, fx_rundown_work, r);
    fx_object_reference(obj);
}

void fx_rundown_run(struct fx_rundown *r, bool can_wait_here)
{
    struct fx_object *obj = r->obj;

    if (can_wait_here) {
        fx_rundown_work(&r->work, r);
        return;
    }
    /* The work threads stop only at machine teardown, after every driver is gone; if they
     * already have, nothing can still run the object's callbacks. */
    if (!exec_work_queue(fx_irq_exec(obj), &r->work))
        fx_object_dereference(obj);
}
