/* fx_interrupt.c - framework interrupt objects (kmdf layer): WdfInterruptCreate's validation
 * and construction, the DPC and work item an ISR queues, and the object's rundown.  The lock
 * is in fx_interrupt_lock.c, the connection to the device's interrupt source and the PnP/power
 * points in fx_interrupt_set.c.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfinterrupt/nf-wdfinterrupt-wdfinterruptcreate
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfinterrupt/ns-wdfinterrupt-_wdf_interrupt_config
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfinterrupt/nf-wdfinterrupt-wdfinterruptqueuedpcforisr
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfinterrupt/nf-wdfinterrupt-wdfinterruptqueueworkitemforisr */
#include "kmdf/irq/fx_interrupt.h"

#include <stddef.h>
#include <string.h>

#include "kmdf/core/fx_driver.h"
#include "kmdf/core/fx_worker.h"
#include "kmdf/fx_globals.h"
#include "kmdf/sync/fx_sync.h"
#include "wdm/wdm_spinlock.h"

/* Configuration sizes of older KMDF versions a driver may pass: 1.9 (up to
 * EvtInterruptDisable) and 1.11 (up to ReportInactiveOnPowerDown, 8-byte aligned). */
#define FX_INTERRUPT_CONFIG_SIZE_V1_9 (offsetof(WDF_INTERRUPT_CONFIG, EvtInterruptWorkItem))
#define FX_INTERRUPT_CONFIG_SIZE_V1_11 (offsetof(WDF_INTERRUPT_CONFIG, CanWakeDevice))

/* ---- deferred callbacks ---- */

/* DISPATCH_LEVEL on the DPC thread of the CPU that queued it (the ISR's delivery thread). */
static void fx_interrupt_dpc_thunk(struct exec_dpc *dpc, void *arg)
{
    struct fx_interrupt *irq = arg;

    (void)dpc;
    bool serial_taken = fx_serial_enter(&irq->serial);

    irq->config.EvtInterruptDpc(fx_interrupt_handle(irq), fx_object_handle(irq->parent));
    fx_serial_leave(&irq->serial, serial_taken);
    fx_object_dereference(&irq->obj);
}

static void fx_interrupt_work_done(struct fx_interrupt *irq)
{
    wdm_spinlock_acquire(&irq->lock, "EvtInterruptWorkItem", NULL);
    if (--irq->work_pending == 0)
        exec_event_set(&irq->work_idle);
    wdm_spinlock_release(&irq->lock, "EvtInterruptWorkItem", NULL);
}

/* PASSIVE_LEVEL on a work thread; the object's dispose waits for the gate. */
static void fx_interrupt_work_thunk(struct exec_work *work, void *arg)
{
    struct fx_interrupt *irq = arg;

    (void)work;
    bool serial_taken = fx_serial_enter(&irq->serial);

    irq->config.EvtInterruptWorkItem(fx_interrupt_handle(irq), fx_object_handle(irq->parent));
    fx_serial_leave(&irq->serial, serial_taken);
    fx_interrupt_work_done(irq);
    fx_work_gate_exit(&irq->gate);
}

bool fx_interrupt_queue_dpc(struct fx_interrupt *irq)
{
    fx_object_reference(&irq->obj);
    if (exec_dpc_queue(fx_irq_exec(&irq->obj), &irq->dpc, -1))
        return true;
    fx_object_dereference(&irq->obj);
    return false;
}

bool fx_interrupt_queue_work(struct fx_interrupt *irq)
{
    wdm_spinlock_acquire(&irq->lock, "WdfInterruptQueueWorkItemForIsr", NULL);
    if (irq->work_pending++ == 0)
        exec_event_reset(&irq->work_idle);
    wdm_spinlock_release(&irq->lock, "WdfInterruptQueueWorkItemForIsr", NULL);
    fx_work_gate_start(&irq->gate);
    if (exec_work_queue(fx_irq_exec(&irq->obj), &irq->work))
        return true;
    fx_interrupt_work_done(irq);
    fx_work_gate_exit(&irq->gate);
    return false;
}

void fx_interrupt_get_info(struct fx_interrupt *irq, WDF_INTERRUPT_INFO *out)
{
    wdm_spinlock_acquire(&irq->lock, "WdfInterruptGetInfo", NULL);
    *out = irq->info;
    wdm_spinlock_release(&irq->lock, "WdfInterruptGetInfo", NULL);
}

/* ---- the object ---- */

/* Interrupts go away with their device (or after EvtDeviceReleaseHardware when created in
 * EvtDevicePrepareHardware), on the PnP thread: the ISR is disconnected by then; queued
 * deferred callbacks still run before the object goes. */
static void fx_interrupt_dispose(struct fx_object *obj)
{
    struct fx_interrupt *irq = to_interrupt(obj);

    if (!irq->ready)
        return;
    exec_dpc_flush(fx_irq_exec(obj));
    exec_event_wait(&irq->work_idle, UINT64_MAX);
    fx_work_gate_drain(&irq->gate);
    fx_interrupt_set_remove(irq->set, irq);
}

static void fx_interrupt_destroy(struct fx_object *obj)
{
    struct fx_interrupt *irq = to_interrupt(obj);

    if (irq->ready)
        fx_serial_destroy(&irq->serial);
}

/* Rule: an interrupt's parent is its device or a queue (KMDF 1.11 and later). */
static NTSTATUS fx_interrupt_check_parent(struct fx_object *parent)
{
    enum fx_object_type type = fx_object_type(parent);

    return type == FX_TYPE_DEVICE || type == FX_TYPE_QUEUE
               ? STATUS_SUCCESS
               : STATUS_WDF_PARENT_ASSIGNMENT_NOT_ALLOWED;
}

static const struct fx_object_ops fx_interrupt_ops = {
    .type = FX_TYPE_INTERRUPT,
    .size = sizeof(struct fx_interrupt),
    .flags = FX_OBJECT_NO_DRIVER_DELETE,
    .check_parent = fx_interrupt_check_parent,
    .dispose = fx_interrupt_dispose,
    .destroy = fx_interrupt_destroy,
};

static const struct fx_object_ops fx_interrupt_ops_parent_not_allowed = {
    .type = FX_TYPE_INTERRUPT,
    .size = sizeof(struct fx_interrupt),
    .flags = FX_OBJECT_NO_DRIVER_DELETE,
    .attr_options = FX_ATTR_PARENT_NOT_ALLOWED,
    .dispose = fx_interrupt_dispose,
    .destroy = fx_interrupt_destroy,
};

/* Copies the driver's configuration, filling the fields an older KMDF version's structure
 * lacks with WDF_INTERRUPT_CONFIG_INIT's defaults. */
static NTSTATUS fx_interrupt_normalise(const WDF_INTERRUPT_CONFIG *in, WDF_INTERRUPT_CONFIG *out)
{
    if (in->Size != sizeof(WDF_INTERRUPT_CONFIG) && in->Size != FX_INTERRUPT_CONFIG_SIZE_V1_11 &&
        in->Size != FX_INTERRUPT_CONFIG_SIZE_V1_9)
        return STATUS_INFO_LENGTH_MISMATCH;
    WDF_INTERRUPT_CONFIG_INIT(out, in->EvtInterruptIsr, in->EvtInterruptDpc);
    memcpy(out, in, in->Size);
    out->Size = sizeof(WDF_INTERRUPT_CONFIG);
    return STATUS_SUCCESS;
}

/* The documented rules that depend on when WdfInterruptCreate is called, and the DIRQL-only
 * rules (KMDF's order). */
static NTSTATUS fx_interrupt_check_config(struct fx_device *dev, const WDF_INTERRUPT_CONFIG *c,
                                          bool *in_prepare)
{
    enum fx_pnp_state state = fx_device_state(dev);

    if (c->EvtInterruptIsr == NULL)
        return STATUS_INVALID_PARAMETER;
    /* Rule: only from EvtDriverDeviceAdd (before the first start) or EvtDevicePrepareHardware,
     * both on the device's PnP thread. */
    if (!fx_worker_is_current(dev->image->worker) ||
        (state != FX_PNP_STATE_ADDED && state != FX_PNP_STATE_PREPARE_HARDWARE))
        return STATUS_INVALID_DEVICE_STATE;
    *in_prepare = state == FX_PNP_STATE_PREPARE_HARDWARE;
    if (!*in_prepare) {
        /* EvtDriverDeviceAdd: resources are not known yet; wake needs them. */
        if (c->InterruptRaw != NULL || c->InterruptTranslated != NULL || c->CanWakeDevice)
            return STATUS_INVALID_PARAMETER;
    } else {
        /* EvtDevicePrepareHardware: the descriptors are required, sharing is decided. */
        if (c->InterruptRaw == NULL || c->InterruptTranslated == NULL ||
            c->ShareVector != WdfUseDefault)
            return STATUS_INVALID_DEVICE_STATE;
    }
    if (c->EvtInterruptDpc != NULL && c->EvtInterruptWorkItem != NULL)
        return STATUS_INVALID_PARAMETER;
    if (c->PassiveHandling)
        return STATUS_NOT_SUPPORTED;
    if (c->WaitLock != NULL || c->CanWakeDevice)
        return STATUS_INVALID_PARAMETER;
    return STATUS_SUCCESS;
}

static void fx_interrupt_init_fields(struct fx_interrupt *irq, struct fx_device *dev,
                                     const WDF_INTERRUPT_CONFIG *c)
{
    irq->device = dev;
    irq->parent = fx_object_parent(&irq->obj);
    irq->config = *c;
    KeInitializeSpinLock(&irq->lock);
    irq->descriptor = -1;
    WDF_INTERRUPT_INFO_INIT(&irq->info);
    atomic_init(&irq->connected, false);
    atomic_init(&irq->enabled, false);
    exec_event_init(&irq->work_idle, false, true);
    exec_dpc_init(&irq->dpc, fx_interrupt_dpc_thunk, irq);
    exec_work_init(&irq->work, fx_interrupt_work_thunk, irq);
}

NTSTATUS fx_interrupt_create(struct fx_device *dev, PWDF_INTERRUPT_CONFIG config,
                             PWDF_OBJECT_ATTRIBUTES attributes, const char *ddi,
                             const void *caller, struct fx_interrupt **out)
{
    WDF_INTERRUPT_CONFIG c;
    struct fx_interrupt_set *set;
    struct fx_spinlock *spin = NULL;
    struct fx_interrupt *irq;
    struct fx_object *obj;
    bool in_prepare = false;
    NTSTATUS status;

    status = fx_interrupt_normalise(config, &c);
    if (!NT_SUCCESS(status))
        return status;
    status = fx_interrupt_check_config(dev, &c, &in_prepare);
    if (!NT_SUCCESS(status))
        return status;
    if (c.SpinLock != NULL) {
        obj = fx_object_resolve(&dev->obj.globals->pub, c.SpinLock, FX_TYPE_SPINLOCK, ddi,
                                caller);
        if (obj == NULL)
            return STATUS_INVALID_PARAMETER;
        spin = to_spinlock(obj);
    }
    set = fx_interrupt_set_get(dev);
    if (set == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    /* Rule: a ParentObject only with AutomaticSerialization. */
    status = fx_object_create(dev->obj.globals,
                              c.AutomaticSerialization ? &fx_interrupt_ops
                                                       : &fx_interrupt_ops_parent_not_allowed,
                              attributes, &dev->obj, ddi, caller, &obj);
    if (!NT_SUCCESS(status)) {
        fx_interrupt_set_remove(set, NULL);
        return status;
    }
    irq = to_interrupt(obj);
    fx_interrupt_init_fields(irq, dev, &c);
    irq->spinlock = spin;
    irq->created_in_prepare = in_prepare;
    /* The parent must be dev itself or one of its queues. */
    if (fx_irq_device_of(irq->parent) != dev)
        status = STATUS_WDF_PARENT_ASSIGNMENT_NOT_ALLOWED;
    else
        status = fx_serial_init(&irq->serial, irq->parent, c.AutomaticSerialization != FALSE,
                                c.EvtInterruptWorkItem != NULL);
    if (NT_SUCCESS(status) && !fx_interrupt_set_add(set, irq)) {
        fx_serial_destroy(&irq->serial);
        status = STATUS_INSUFFICIENT_RESOURCES;
    }
    if (!NT_SUCCESS(status)) {
        /* Not in the set: the object goes without a rundown; a set made for it goes too. */
        fx_object_discard(obj);
        fx_interrupt_set_remove(set, NULL);
        return status;
    }
    irq->ready = true;
    if (in_prepare) {
        status = fx_interrupt_set_bind(set, irq, c.InterruptRaw, c.InterruptTranslated);
        if (!NT_SUCCESS(status)) {
            fx_object_discard(obj);
            return status;
        }
    }
    *out = irq;
    return STATUS_SUCCESS;
}
