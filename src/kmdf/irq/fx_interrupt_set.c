/* fx_interrupt_set.c - a device's framework interrupts in the PnP/power sequence (kmdf layer):
 * the per-device set and its power hook.  Resources are matched to the interrupt objects in
 * creation order when they are assigned (one object per message of an MSI descriptor), the
 * source is connected and each EvtInterruptEnable called after EvtDeviceD0Entry, each
 * EvtInterruptDisable called (reverse order) and the source disconnected after
 * EvtDeviceD0ExitPreInterruptsDisabled, and the resources are forgotten, with the objects
 * created in EvtDevicePrepareHardware deleted, after EvtDeviceReleaseHardware.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/a-user-plugs-in-a-device
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/a-device-enters-a-low-power-state
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/creating-an-interrupt-object
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfinterrupt/nf-wdfinterrupt-wdfinterruptenable */
#include "kmdf/irq/fx_interrupt.h"

#include <stdlib.h>
#include <string.h>

#include "kmdf/core/fx_driver.h"
#include "kmdf/core/fx_resource.h"
#include "kmdf/core/fx_worker.h"
#include "platform/bus.h"
#include "platform/intr.h"
#include "wdm/wdm_spinlock.h"

static const struct fx_device_power_hook_ops fx_interrupt_hook_ops;

/* ---- set membership ---- */

struct fx_interrupt_set *fx_interrupt_set_get(struct fx_device *dev)
{
    struct fx_interrupt_set *set;

    FX_ASSERT(fx_worker_is_current(dev->image->worker));
    for (struct fx_list *e = dev->hooks.next; e != &dev->hooks; e = e->next) {
        struct fx_device_power_hook *h = FX_CONTAINER_OF(e, struct fx_device_power_hook, link);

        if (h->ops == &fx_interrupt_hook_ops)
            return h->ctx;
    }
    set = calloc(1, sizeof(*set));
    if (set == NULL)
        return NULL;
    set->device = dev;
    set->hook.ops = &fx_interrupt_hook_ops;
    set->hook.ctx = set;
    atomic_init(&set->source, NULL);
    atomic_init(&set->connected, false);
    atomic_init(&set->owner, NULL);
    pthread_mutex_init(&set->state, NULL);
    fx_device_hook_register(dev, &set->hook);
    return set;
}

bool fx_interrupt_set_add(struct fx_interrupt_set *set, struct fx_interrupt *irq)
{
    if (set->count == FX_INTERRUPT_MAX)
        return false;
    irq->index = set->count;
    irq->set = set;
    set->irqs[set->count++] = irq;
    set->live++;
    return true;
}

static void fx_interrupt_set_free(struct fx_interrupt_set *set)
{
    struct fx_device *dev = set->device;

    FX_ASSERT(!atomic_load(&set->connected));
    /* The device's own deletion runs on its PnP thread; a machine torn down with the driver
     * still bound deletes from the host thread, where the list is no longer walked. */
    if (fx_worker_is_current(dev->image->worker))
        fx_device_hook_unregister(dev, &set->hook);
    else
        fx_list_del(&set->hook.link);
    pthread_mutex_destroy(&set->state);
    free(set);
}

void fx_interrupt_set_remove(struct fx_interrupt_set *set, struct fx_interrupt *irq)
{
    if (irq != NULL) {
        FX_ASSERT(set->irqs[irq->index] == irq && !atomic_load(&irq->connected));
        set->irqs[irq->index] = NULL;
        if (irq->assigned && set->by_message[irq->message] == irq)
            set->by_message[irq->message] = NULL;
        set->live--;
    }
    if (set->live == 0)
        fx_interrupt_set_free(set);
}

/* ---- resources ---- */

static unsigned fx_interrupt_messages(PCM_PARTIAL_RESOURCE_DESCRIPTOR raw,
                                      PCM_PARTIAL_RESOURCE_DESCRIPTOR tr)
{
    if (!(tr->Flags & CM_RESOURCE_INTERRUPT_MESSAGE))
        return 1;
    return raw->u.MessageInterrupt.Raw.MessageCount != 0 ? raw->u.MessageInterrupt.Raw.MessageCount
                                                         : 1;
}

/* Binds irq to message m of translated descriptor k, as KMDF's AssignResources fills the
 * interrupt's information (a multi-message MSI descriptor gives each message its own vector). */
static void fx_interrupt_assign(struct fx_interrupt_set *set, struct fx_interrupt *irq, int k,
                                unsigned m, PCM_PARTIAL_RESOURCE_DESCRIPTOR raw,
                                PCM_PARTIAL_RESOURCE_DESCRIPTOR tr)
{
    bool msi = (tr->Flags & CM_RESOURCE_INTERRUPT_MESSAGE) != 0;
    WDF_INTERRUPT_INFO *info = &irq->info;

    wdm_spinlock_acquire(&irq->lock, "WdfInterruptCreate", NULL);
    irq->assigned = true;
    irq->descriptor = k;
    irq->message = msi ? m : 0;
    WDF_INTERRUPT_INFO_INIT(info);
    info->MessageNumber = msi ? m : 0;
    info->MessageSignaled = msi;
    info->Mode = (tr->Flags & CM_RESOURCE_INTERRUPT_LATCHED) ? Latched : LevelSensitive;
    info->Polarity = WdfInterruptPolarityUnknown;
    info->ShareDisposition = tr->ShareDisposition;
    info->Irql = (KIRQL)tr->u.Interrupt.Level;
    info->TargetProcessorSet = tr->u.Interrupt.Affinity;
    info->Vector = tr->u.Interrupt.Vector +
                   (msi && raw->u.MessageInterrupt.Raw.MessageCount > 1 ? m : 0);
    wdm_spinlock_release(&irq->lock, "WdfInterruptCreate", NULL);
    set->by_message[irq->message] = irq;
}

/* The source behind the device's interrupt descriptors (one per bus device in dmabox). */
static void fx_interrupt_set_source(struct fx_interrupt_set *set)
{
    struct dmabox_dev *bus = set->device->bus_dev;

    if (atomic_load(&set->source) == NULL && bus != NULL)
        atomic_store(&set->source, bus_device_intr(bus));
}

NTSTATUS fx_interrupt_set_bind(struct fx_interrupt_set *set, struct fx_interrupt *irq,
                               PCM_PARTIAL_RESOURCE_DESCRIPTOR raw,
                               PCM_PARTIAL_RESOURCE_DESCRIPTOR translated)
{
    struct fx_device *dev = set->device;
    ULONG n = fx_cmreslist_count(dev->translated);
    unsigned taken = 0;
    int k = -1;

    for (ULONG i = 0; i < n; i++) {
        if (fx_cmreslist_descriptor(dev->translated, i) == translated &&
            fx_cmreslist_descriptor(dev->raw, i) == raw)
            k = (int)i;
    }
    if (k < 0 || translated->Type != CmResourceTypeInterrupt)
        return STATUS_INVALID_PARAMETER;
    for (unsigned i = 0; i < set->count; i++) {
        if (set->irqs[i] != NULL && set->irqs[i]->assigned && set->irqs[i]->descriptor == k)
            taken++;
    }
    if (taken >= fx_interrupt_messages(raw, translated))
        return STATUS_INVALID_PARAMETER;
    fx_interrupt_set_source(set);
    fx_interrupt_assign(set, irq, k, taken, raw, translated);
    return STATUS_SUCCESS;
}

/* Rule: without InterruptRaw/InterruptTranslated (objects created in EvtDriverDeviceAdd) the
 * framework hands out the interrupt resources in order, one per object, each message of an MSI
 * descriptor to the next object.  Objects left over get no resource and never interrupt. */
static NTSTATUS fx_interrupt_hook_assign(struct fx_device *dev, void *ctx, PCM_RESOURCE_LIST raw,
                                         PCM_RESOURCE_LIST translated)
{
    struct fx_interrupt_set *set = ctx;
    ULONG n = fx_cmreslist_count(dev->translated);
    unsigned next = 0;

    (void)raw;
    (void)translated;
    fx_interrupt_set_source(set);
    for (ULONG k = 0; k < n; k++) {
        PCM_PARTIAL_RESOURCE_DESCRIPTOR tr = fx_cmreslist_descriptor(dev->translated, k);
        PCM_PARTIAL_RESOURCE_DESCRIPTOR rw = fx_cmreslist_descriptor(dev->raw, k);

        if (tr == NULL || rw == NULL || tr->Type != CmResourceTypeInterrupt)
            continue;
        for (unsigned m = 0; m < fx_interrupt_messages(rw, tr); m++) {
            while (next < set->count &&
                   (set->irqs[next] == NULL || set->irqs[next]->created_in_prepare))
                next++;
            if (next == set->count)
                return STATUS_SUCCESS;
            fx_interrupt_assign(set, set->irqs[next++], (int)k, m, rw, tr);
        }
    }
    return STATUS_SUCCESS;
}

static void fx_interrupt_unassign(struct fx_interrupt_set *set, struct fx_interrupt *irq)
{
    ULONG number = irq->info.MessageNumber;

    if (irq->assigned && set->by_message[irq->message] == irq)
        set->by_message[irq->message] = NULL;
    wdm_spinlock_acquire(&irq->lock, "EvtDeviceReleaseHardware", NULL);
    irq->assigned = false;
    irq->descriptor = -1;
    irq->message = 0;
    WDF_INTERRUPT_INFO_INIT(&irq->info);
    irq->info.MessageNumber = number;
    wdm_spinlock_release(&irq->lock, "EvtDeviceReleaseHardware", NULL);
}

/* After EvtDeviceReleaseHardware: resources forgotten; objects created in
 * EvtDevicePrepareHardware are deleted (the last deletion frees the set: touch nothing after). */
static NTSTATUS fx_interrupt_hook_release(struct fx_device *dev, void *ctx)
{
    struct fx_interrupt_set *set = ctx;
    struct fx_interrupt *doomed[FX_INTERRUPT_MAX];
    unsigned n = 0;

    (void)dev;
    FX_ASSERT(!atomic_load(&set->connected));
    for (unsigned i = 0; i < set->count; i++) {
        struct fx_interrupt *irq = set->irqs[i];

        if (irq == NULL)
            continue;
        fx_interrupt_unassign(set, irq);
        if (irq->created_in_prepare)
            doomed[n++] = irq;
    }
    atomic_store(&set->source, NULL);
    for (unsigned i = 0; i < n; i++)
        fx_object_delete(&doomed[i]->obj);
    return STATUS_SUCCESS;
}

/* ---- connection and the enable/disable callbacks ---- */

static bool fx_interrupt_set_any_assigned(const struct fx_interrupt_set *set)
{
    for (unsigned i = 0; i < set->count; i++) {
        if (set->irqs[i] != NULL && set->irqs[i]->assigned)
            return true;
    }
    return false;
}

/* Caller holds set->state. */
static void fx_interrupt_disconnect_locked(struct fx_interrupt_set *set)
{
    struct intr_source *src = atomic_load(&set->source);

    for (unsigned i = 0; i < set->count; i++) {
        if (set->irqs[i] != NULL)
            atomic_store(&set->irqs[i]->connected, false);
    }
    intr_source_disable(src);
    intr_disconnect(src);
    atomic_store(&set->connected, false);
}

/* Caller holds set->state.  The ISR is live from here on, before EvtInterruptEnable, as after
 * IoConnectInterruptEx on Windows. */
static NTSTATUS fx_interrupt_connect_locked(struct fx_interrupt_set *set)
{
    struct intr_source *src = atomic_load(&set->source);

    if (intr_connect(src, fx_interrupt_isr_thunk, set) != 0)
        return STATUS_INSUFFICIENT_RESOURCES;
    for (unsigned i = 0; i < set->count; i++) {
        if (set->irqs[i] != NULL && set->irqs[i]->assigned)
            atomic_store(&set->irqs[i]->connected, true);
    }
    atomic_store(&set->connected, true);
    intr_source_enable(src);
    return STATUS_SUCCESS;
}

/* The DPCs and work items the ISRs queued have finished (KMDF flushes them at disconnect). */
static void fx_interrupt_set_flush(struct fx_interrupt_set *set)
{
    bool any = false;

    for (unsigned i = 0; i < set->count; i++) {
        if (set->irqs[i] != NULL) {
            exec_event_wait(&set->irqs[i]->work_idle, UINT64_MAX);
            any = true;
        }
    }
    if (any)
        exec_dpc_flush(fx_irq_exec(&set->device->obj));
}

/* After EvtDeviceD0Entry: connect, then EvtInterruptEnable for each object in creation order.
 * A failure disables the ones already enabled (reverse order), disconnects and fails the
 * power-up with the callback's status. */
static NTSTATUS fx_interrupt_hook_enable(struct fx_device *dev, void *ctx,
                                         WDF_POWER_DEVICE_STATE state)
{
    struct fx_interrupt_set *set = ctx;
    NTSTATUS status = STATUS_SUCCESS;
    unsigned i;

    (void)dev;
    (void)state;
    pthread_mutex_lock(&set->state);
    if (atomic_load(&set->source) == NULL || !fx_interrupt_set_any_assigned(set)) {
        pthread_mutex_unlock(&set->state);
        return STATUS_SUCCESS;
    }
    if (!atomic_load(&set->connected))
        status = fx_interrupt_connect_locked(set);
    for (i = 0; NT_SUCCESS(status) && i < set->count; i++) {
        if (set->irqs[i] != NULL && set->irqs[i]->assigned)
            status = fx_interrupt_call_enable(set->irqs[i]);
    }
    if (!NT_SUCCESS(status) && atomic_load(&set->connected)) {
        while (i-- > 0) {
            if (set->irqs[i] != NULL && atomic_load(&set->irqs[i]->enabled))
                fx_interrupt_call_disable(set->irqs[i]);
        }
        fx_interrupt_disconnect_locked(set);
    }
    pthread_mutex_unlock(&set->state);
    if (!NT_SUCCESS(status))
        fx_interrupt_set_flush(set);
    return status;
}

/* After EvtDeviceD0ExitPreInterruptsDisabled: EvtInterruptDisable for each enabled object in
 * reverse creation order, then disconnect and flush.  A failing callback is recorded, the
 * power-down goes on. */
static NTSTATUS fx_interrupt_hook_disable(struct fx_device *dev, void *ctx,
                                          WDF_POWER_DEVICE_STATE state)
{
    struct fx_interrupt_set *set = ctx;
    NTSTATUS first = STATUS_SUCCESS;

    (void)dev;
    (void)state;
    pthread_mutex_lock(&set->state);
    if (!atomic_load(&set->connected)) {
        pthread_mutex_unlock(&set->state);
        return STATUS_SUCCESS;
    }
    for (unsigned i = set->count; i-- > 0;) {
        struct fx_interrupt *irq = set->irqs[i];

        if (irq != NULL && atomic_load(&irq->enabled)) {
            NTSTATUS status = fx_interrupt_call_disable(irq);
            if (!NT_SUCCESS(status) && NT_SUCCESS(first))
                first = status;
        }
    }
    fx_interrupt_disconnect_locked(set);
    pthread_mutex_unlock(&set->state);
    fx_interrupt_set_flush(set);
    return first;
}

static const struct fx_device_power_hook_ops fx_interrupt_hook_ops = {
    .name = "interrupts",
    .resources_assign = fx_interrupt_hook_assign,
    .interrupts_enable = fx_interrupt_hook_enable,
    .interrupts_disable = fx_interrupt_hook_disable,
    .resources_release = fx_interrupt_hook_release,
};

/* ---- driver-initiated enable/disable ---- */

/* Rule: WdfInterruptDisable calls EvtInterruptDisable and stops the ISR until
 * WdfInterruptEnable calls EvtInterruptEnable again; only while the device is in D0 (the
 * interrupt connected).  A source none of whose objects is connected is masked, so a level
 * interrupt does not storm. */
void fx_interrupt_force_disable(struct fx_interrupt *irq)
{
    struct fx_interrupt_set *set = irq->set;
    bool any = false;

    pthread_mutex_lock(&set->state);
    if (atomic_load(&set->connected) && atomic_load(&irq->connected)) {
        if (atomic_load(&irq->enabled))
            fx_interrupt_call_disable(irq);
        atomic_store(&irq->connected, false);
        for (unsigned i = 0; i < set->count; i++)
            any |= set->irqs[i] != NULL && atomic_load(&set->irqs[i]->connected);
        if (!any)
            intr_source_disable(atomic_load(&set->source));
    }
    pthread_mutex_unlock(&set->state);
}

void fx_interrupt_force_enable(struct fx_interrupt *irq)
{
    struct fx_interrupt_set *set = irq->set;

    pthread_mutex_lock(&set->state);
    if (atomic_load(&set->connected) && irq->assigned && !atomic_load(&irq->connected)) {
        atomic_store(&irq->connected, true);
        intr_source_enable(atomic_load(&set->source));
        fx_interrupt_call_enable(irq);
    }
    pthread_mutex_unlock(&set->state);
}
