/* fx_dpc.c - framework DPC objects (kmdf layer): creation under a device or queue, queueing on
 * the platform's per-CPU DPC queues, cancel, and the rundown at delete (a queued DPC still runs,
 * then the object goes, as KMDF flushes queued DPCs in its dispose).
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/using-dpc-objects
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdpc/nf-wdfdpc-wdfdpcenqueue
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdpc/nf-wdfdpc-wdfdpccancel */
#include "kmdf/irq/fx_dpc.h"

#include "kmdf/fx_globals.h"
#include "platform/exec_ctx.h"
#include "wdm/wdm_irql.h"

/* The platform calls this on a DPC thread at DISPATCH_LEVEL; the queue's reference keeps the
 * object alive until the callback has returned. */
static void fx_dpc_thunk(struct exec_dpc *dpc, void *arg)
{
    struct fx_dpc *d = arg;

    (void)dpc;
    bool serial_taken = fx_serial_enter(&d->serial);

    d->fn((WDFDPC)fx_object_handle(&d->obj));
    fx_serial_leave(&d->serial, serial_taken);
    fx_object_dereference(&d->obj);
}

bool fx_dpc_enqueue(struct fx_dpc *d)
{
    fx_object_reference(&d->obj);
    if (exec_dpc_queue(fx_irq_exec(&d->obj), &d->dpc, -1))
        return true;
    fx_object_dereference(&d->obj);
    return false;
}

bool fx_dpc_cancel(struct fx_dpc *d, bool wait)
{
    struct exec *x = fx_irq_exec(&d->obj);
    bool removed = exec_dpc_cancel(x, &d->dpc);

    if (removed)
        fx_object_dereference(&d->obj);
    else if (wait)
        exec_dpc_flush(x);
    return removed;
}

/* Rundown wait (PASSIVE_LEVEL): every DPC queued before now, this one included, has run. */
static void fx_dpc_wait(struct fx_object *obj)
{
    exec_dpc_flush(fx_irq_exec(obj));
}

static void fx_dpc_dispose(struct fx_object *obj)
{
    struct fx_dpc *d = to_dpc(obj);

    if (d->ready)
        fx_rundown_run(&d->rundown, wdm_irql_current() == PASSIVE_LEVEL);
}

static void fx_dpc_destroy(struct fx_object *obj)
{
    struct fx_dpc *d = to_dpc(obj);

    if (d->ready)
        fx_serial_destroy(&d->serial);
}

static NTSTATUS fx_dpc_check_parent(struct fx_object *parent)
{
    return fx_irq_device_of(parent) != NULL ? STATUS_SUCCESS : STATUS_INVALID_DEVICE_REQUEST;
}

static const struct fx_object_ops fx_dpc_ops = {
    .type = FX_TYPE_DPC,
    .size = sizeof(struct fx_dpc),
    .attr_options = FX_ATTR_PARENT_REQUIRED,
    .check_parent = fx_dpc_check_parent,
    .dispose = fx_dpc_dispose,
    .destroy = fx_dpc_destroy,
};

NTSTATUS fx_dpc_create(struct fx_driver_globals *g, PWDF_DPC_CONFIG config,
                       PWDF_OBJECT_ATTRIBUTES attributes, const char *ddi, const void *caller,
                       struct fx_dpc **out)
{
    struct fx_object *obj;
    struct fx_dpc *d;
    NTSTATUS status;

    if (config->Size != sizeof(WDF_DPC_CONFIG))
        return STATUS_INFO_LENGTH_MISMATCH;
    status = fx_object_create(g, &fx_dpc_ops, attributes, NULL, ddi, caller, &obj);
    if (!NT_SUCCESS(status))
        return status;
    d = to_dpc(obj);
    d->parent = fx_object_parent(obj);
    d->fn = config->EvtDpcFunc;
    status = fx_serial_init(&d->serial, d->parent, config->AutomaticSerialization != FALSE,
                            false);
    if (!NT_SUCCESS(status)) {
        fx_object_discard(obj);
        return status;
    }
    exec_dpc_init(&d->dpc, fx_dpc_thunk, d);
    fx_rundown_init(&d->rundown, obj, fx_dpc_wait);
    d->ready = true;
    *out = d;
    return STATUS_SUCCESS;
}
