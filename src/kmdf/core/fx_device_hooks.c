/* fx_device_hooks.c - power hooks of a device (kmdf layer): how queues, interrupts and DMA
 * enablers take part in the PnP/power sequence without fx_pnp.c knowing them.  See
 * fx_device.h for the contract; the points follow the documented order of
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/a-user-plugs-in-a-device
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/a-device-enters-a-low-power-state */
#include "kmdf/core/fx_device.h"
#include "kmdf/core/fx_driver.h"
#include "kmdf/core/fx_resource.h"
#include "kmdf/core/fx_worker.h"

void fx_device_hook_register(struct fx_device *dev, struct fx_device_power_hook *hook)
{
    FX_ASSERT(hook->ops != NULL && fx_worker_is_current(dev->image->worker));
    fx_list_add_tail(&dev->hooks, &hook->link);
}

void fx_device_hook_unregister(struct fx_device *dev, struct fx_device_power_hook *hook)
{
    FX_ASSERT(fx_worker_is_current(dev->image->worker));
    fx_list_del(&hook->link);
}

static struct fx_device_power_hook *to_hook(struct fx_list *e)
{
    return FX_CONTAINER_OF(e, struct fx_device_power_hook, link);
}

static bool fx_hook_point_enables(enum fx_hook_point point)
{
    return point == FX_HOOK_RESOURCES_ASSIGN || point == FX_HOOK_INTERRUPTS_ENABLE ||
           point == FX_HOOK_DMA_ENABLE || point == FX_HOOK_QUEUES_START;
}

/* Calls one hook's op for `point`; a hook without that op succeeds. */
static NTSTATUS fx_hook_call(struct fx_device *dev, struct fx_device_power_hook *h,
                             enum fx_hook_point point, WDF_POWER_DEVICE_STATE state)
{
    const struct fx_device_power_hook_ops *ops = h->ops;

    switch (point) {
    case FX_HOOK_RESOURCES_ASSIGN:
        return ops->resources_assign == NULL
                   ? STATUS_SUCCESS
                   : ops->resources_assign(dev, h->ctx, fx_cmreslist_get(dev->raw),
                                           fx_cmreslist_get(dev->translated));
    case FX_HOOK_INTERRUPTS_ENABLE:
        return ops->interrupts_enable == NULL ? STATUS_SUCCESS
                                              : ops->interrupts_enable(dev, h->ctx, state);
    case FX_HOOK_DMA_ENABLE:
        return ops->dma_enable == NULL ? STATUS_SUCCESS : ops->dma_enable(dev, h->ctx, state);
    case FX_HOOK_QUEUES_START:
        return ops->queues_start == NULL ? STATUS_SUCCESS : ops->queues_start(dev, h->ctx, state);
    case FX_HOOK_QUEUES_STOP:
        return ops->queues_stop == NULL ? STATUS_SUCCESS : ops->queues_stop(dev, h->ctx, state);
    case FX_HOOK_DMA_DISABLE:
        return ops->dma_disable == NULL ? STATUS_SUCCESS : ops->dma_disable(dev, h->ctx, state);
    case FX_HOOK_INTERRUPTS_DISABLE:
        return ops->interrupts_disable == NULL ? STATUS_SUCCESS
                                               : ops->interrupts_disable(dev, h->ctx, state);
    case FX_HOOK_RESOURCES_RELEASE:
        return ops->resources_release == NULL ? STATUS_SUCCESS
                                              : ops->resources_release(dev, h->ctx);
    case FX_HOOK_QUEUES_PURGE:
        return ops->queues_purge == NULL ? STATUS_SUCCESS : ops->queues_purge(dev, h->ctx);
    }
    FX_ASSERT(!"unknown hook point");
    return STATUS_INTERNAL_ERROR;
}

/* The disabling point that undoes an enabling one. */
static enum fx_hook_point fx_hook_undo_point(enum fx_hook_point point)
{
    switch (point) {
    case FX_HOOK_RESOURCES_ASSIGN:
        return FX_HOOK_RESOURCES_RELEASE;
    case FX_HOOK_INTERRUPTS_ENABLE:
        return FX_HOOK_INTERRUPTS_DISABLE;
    case FX_HOOK_DMA_ENABLE:
        return FX_HOOK_DMA_DISABLE;
    default:
        FX_ASSERT(point == FX_HOOK_QUEUES_START);
        return FX_HOOK_QUEUES_STOP;
    }
}

/* Registration order; on a failure the hooks already enabled are undone newest first, with the
 * power state the unwinding sequence goes to. */
static NTSTATUS fx_hooks_enable(struct fx_device *dev, enum fx_hook_point point,
                                WDF_POWER_DEVICE_STATE state)
{
    for (struct fx_list *e = dev->hooks.next; e != &dev->hooks; e = e->next) {
        NTSTATUS status = fx_hook_call(dev, to_hook(e), point, state);

        if (NT_SUCCESS(status))
            continue;
        for (struct fx_list *u = e->prev; u != &dev->hooks; u = u->prev)
            fx_hook_call(dev, to_hook(u), fx_hook_undo_point(point), WdfPowerDeviceD3Final);
        return status;
    }
    return STATUS_SUCCESS;
}

/* Reverse registration order (the purge runs in registration order); every hook runs. */
static NTSTATUS fx_hooks_disable(struct fx_device *dev, enum fx_hook_point point,
                                 WDF_POWER_DEVICE_STATE state)
{
    bool forward = point == FX_HOOK_QUEUES_PURGE;
    NTSTATUS first = STATUS_SUCCESS;
    struct fx_list *e = forward ? dev->hooks.next : dev->hooks.prev;

    while (e != &dev->hooks) {
        /* The op may unregister its own hook. */
        struct fx_list *next = forward ? e->next : e->prev;
        NTSTATUS status = fx_hook_call(dev, to_hook(e), point, state);

        if (!NT_SUCCESS(status) && NT_SUCCESS(first))
            first = status;
        e = next;
    }
    return first;
}

NTSTATUS fx_device_hooks_run(struct fx_device *dev, enum fx_hook_point point,
                             WDF_POWER_DEVICE_STATE state)
{
    FX_ASSERT(fx_worker_is_current(dev->image->worker));
    return fx_hook_point_enables(point) ? fx_hooks_enable(dev, point, state)
                                        : fx_hooks_disable(dev, point, state);
}
