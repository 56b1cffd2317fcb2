/* fx_pnp_steps.c - the steps of the PnP/power sequence (kmdf layer): one function per transient
 * state of fx_pnp.c's table, each calling one driver callback or one hook point and returning
 * the event its row maps to the next state.  All run on the driver's PnP thread at PASSIVE_LEVEL
 * with no framework lock held, as the callbacks' IRQL requirement says.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/pnp-and-power-management-scenarios
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/using-self-managed-i-o
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdevice/nc-wdfdevice-evt_wdf_device_d0_entry
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdevice/nc-wdfdevice-evt_wdf_device_d0_exit */
#include "kmdf/core/fx_pnp.h"

#include "kmdf/core/fx_device.h"
#include "kmdf/core/fx_resource.h"
#include "wdm/wdm_cmres.h"

#define E(x) FX_PNP_EVENT_##x

/* Records a step's failure; the request returns the first one. */
static enum fx_pnp_event fx_pnp_result(struct fx_device *dev, NTSTATUS status)
{
    if (NT_SUCCESS(status))
        return E(SUCCESS);
    if (!dev->pnp.step_failed)
        dev->pnp.status = status;
    dev->pnp.step_failed = true;
    return E(FAILURE);
}

static WDFCMRESLIST fx_list_handle(struct fx_cmreslist *l)
{
    return (WDFCMRESLIST)fx_object_handle(&l->obj);
}

/* ---- start and return to D0 ---- */

enum fx_pnp_event fx_pnp_step_assign_resources(struct fx_device *dev)
{
    PCM_RESOURCE_LIST raw = NULL, translated = NULL;
    NTSTATUS status;

    if (dev->bus_dev != NULL) {
        status = wdm_cmres_build(dev->bus_dev, &raw, &translated);
        if (!NT_SUCCESS(status))
            return fx_pnp_result(dev, status);
    }
    fx_cmreslist_set(dev->raw, raw);
    fx_cmreslist_set(dev->translated, translated);
    status = fx_device_hooks_run(dev, FX_HOOK_RESOURCES_ASSIGN, dev->pnp.previous);
    if (!NT_SUCCESS(status)) {
        fx_cmreslist_set(dev->raw, NULL);
        fx_cmreslist_set(dev->translated, NULL);
        return fx_pnp_result(dev, status);
    }
    dev->pnp.resources_assigned = true;
    return E(SUCCESS);
}

enum fx_pnp_event fx_pnp_step_prepare_hardware(struct fx_device *dev)
{
    PFN_WDF_DEVICE_PREPARE_HARDWARE cb = dev->pnp_callbacks.EvtDevicePrepareHardware;

    if (cb == NULL)
        return E(SUCCESS);
    return fx_pnp_result(dev, cb(fx_device_handle(dev), fx_list_handle(dev->raw),
                                 fx_list_handle(dev->translated)));
}

enum fx_pnp_event fx_pnp_step_d0_entry(struct fx_device *dev)
{
    PFN_WDF_DEVICE_D0_ENTRY cb = dev->pnp_callbacks.EvtDeviceD0Entry;
    NTSTATUS status = cb != NULL ? cb(fx_device_handle(dev), dev->pnp.previous) : STATUS_SUCCESS;

    /* A failed D0 entry is never paired with a D0 exit. */
    dev->pnp.in_d0 = NT_SUCCESS(status);
    return fx_pnp_result(dev, status);
}

enum fx_pnp_event fx_pnp_step_interrupts_enable(struct fx_device *dev)
{
    return fx_pnp_result(dev, fx_device_hooks_run(dev, FX_HOOK_INTERRUPTS_ENABLE,
                                                  dev->pnp.previous));
}

enum fx_pnp_event fx_pnp_step_d0_entry_post_interrupts(struct fx_device *dev)
{
    PFN_WDF_DEVICE_D0_ENTRY_POST_INTERRUPTS_ENABLED cb =
        dev->pnp_callbacks.EvtDeviceD0EntryPostInterruptsEnabled;

    if (cb == NULL)
        return E(SUCCESS);
    return fx_pnp_result(dev, cb(fx_device_handle(dev), dev->pnp.previous));
}

enum fx_pnp_event fx_pnp_step_dma_enable(struct fx_device *dev)
{
    return fx_pnp_result(dev, fx_device_hooks_run(dev, FX_HOOK_DMA_ENABLE, dev->pnp.previous));
}

enum fx_pnp_event fx_pnp_step_queues_start(struct fx_device *dev)
{
    return fx_pnp_result(dev, fx_device_hooks_run(dev, FX_HOOK_QUEUES_START, dev->pnp.previous));
}

/* Init once per device, Restart after each Suspend.  The state moves before the callback, so a
 * failed Init or Restart still gets its Flush and Cleanup at removal (the documented pairing). */
enum fx_pnp_event fx_pnp_step_self_io_start(struct fx_device *dev)
{
    PFN_WDF_DEVICE_SELF_MANAGED_IO_INIT init = dev->pnp_callbacks.EvtDeviceSelfManagedIoInit;
    PFN_WDF_DEVICE_SELF_MANAGED_IO_RESTART restart =
        dev->pnp_callbacks.EvtDeviceSelfManagedIoRestart;
    enum fx_pnp_self_io was = dev->pnp.self_io;

    dev->pnp.self_io = FX_PNP_SELF_IO_RUNNING;
    if (was == FX_PNP_SELF_IO_NONE && init != NULL)
        return fx_pnp_result(dev, init(fx_device_handle(dev)));
    if (was == FX_PNP_SELF_IO_SUSPENDED && restart != NULL)
        return fx_pnp_result(dev, restart(fx_device_handle(dev)));
    return E(SUCCESS);
}

enum fx_pnp_event fx_pnp_step_enable_interfaces(struct fx_device *dev)
{
    fx_device_set_interfaces_enabled(dev, true);
    return E(SUCCESS);
}

enum fx_pnp_event fx_pnp_step_power_up_failed(struct fx_device *dev)
{
    return dev->pnp.goal == FX_PNP_GOAL_START ? E(FIRST_START) : E(RESUME);
}

/* ---- power-down ---- */

enum fx_pnp_event fx_pnp_step_self_io_suspend(struct fx_device *dev)
{
    PFN_WDF_DEVICE_SELF_MANAGED_IO_SUSPEND cb = dev->pnp_callbacks.EvtDeviceSelfManagedIoSuspend;

    if (dev->pnp.self_io != FX_PNP_SELF_IO_RUNNING)
        return E(SUCCESS);
    dev->pnp.self_io = FX_PNP_SELF_IO_SUSPENDED;
    return cb != NULL ? fx_pnp_result(dev, cb(fx_device_handle(dev))) : E(SUCCESS);
}

enum fx_pnp_event fx_pnp_step_queues_stop(struct fx_device *dev)
{
    return fx_pnp_result(dev, fx_device_hooks_run(dev, FX_HOOK_QUEUES_STOP, dev->pnp.target));
}

enum fx_pnp_event fx_pnp_step_dma_disable(struct fx_device *dev)
{
    return fx_pnp_result(dev, fx_device_hooks_run(dev, FX_HOOK_DMA_DISABLE, dev->pnp.target));
}

enum fx_pnp_event fx_pnp_step_d0_exit_pre_interrupts(struct fx_device *dev)
{
    PFN_WDF_DEVICE_D0_EXIT_PRE_INTERRUPTS_DISABLED cb =
        dev->pnp_callbacks.EvtDeviceD0ExitPreInterruptsDisabled;

    if (cb == NULL)
        return E(SUCCESS);
    return fx_pnp_result(dev, cb(fx_device_handle(dev), dev->pnp.target));
}

enum fx_pnp_event fx_pnp_step_interrupts_disable(struct fx_device *dev)
{
    return fx_pnp_result(dev, fx_device_hooks_run(dev, FX_HOOK_INTERRUPTS_DISABLE,
                                                  dev->pnp.target));
}

enum fx_pnp_event fx_pnp_step_d0_exit(struct fx_device *dev)
{
    PFN_WDF_DEVICE_D0_EXIT cb = dev->pnp_callbacks.EvtDeviceD0Exit;

    FX_ASSERT(dev->pnp.in_d0);
    dev->pnp.in_d0 = false;
    if (cb == NULL)
        return E(SUCCESS);
    return fx_pnp_result(dev, cb(fx_device_handle(dev), dev->pnp.target));
}

/* Where a power-down leads.  A failure while powering down to Dx fails the device (the
 * framework stops it and the PnP manager removes it); removal goes on regardless. */
enum fx_pnp_event fx_pnp_step_power_down_done(struct fx_device *dev)
{
    switch (dev->pnp.goal) {
    case FX_PNP_GOAL_DX:
        if (dev->pnp.step_failed)
            return E(TO_FAILED);
        dev->pnp.dx_state = dev->pnp.target;
        return E(TO_DX);
    case FX_PNP_GOAL_REMOVE:
        return E(TO_REMOVE);
    default:
        FX_ASSERT(dev->pnp.goal == FX_PNP_GOAL_SURPRISE);
        return E(TO_SURPRISE);
    }
}

/* ---- removal ---- */

enum fx_pnp_event fx_pnp_step_remove_disable_interfaces(struct fx_device *dev)
{
    fx_device_set_interfaces_enabled(dev, false);
    if (dev->pnp.in_d0)
        return E(IN_D0);
    return dev->pnp.resources_assigned ? E(HW_ASSIGNED) : E(NO_HARDWARE);
}

enum fx_pnp_event fx_pnp_step_surprise_disable_interfaces(struct fx_device *dev)
{
    fx_device_set_interfaces_enabled(dev, false);
    return E(SUCCESS);
}

/* EvtDeviceSurpriseRemoval comes first; a device already out of D0 goes straight on to
 * EvtDeviceReleaseHardware (surprise-removal-sequence). */
enum fx_pnp_event fx_pnp_step_surprise_callback(struct fx_device *dev)
{
    PFN_WDF_DEVICE_SURPRISE_REMOVAL cb = dev->pnp_callbacks.EvtDeviceSurpriseRemoval;

    FX_ASSERT(dev->pnp.resources_assigned);
    if (cb != NULL)
        cb(fx_device_handle(dev));
    return dev->pnp.in_d0 ? E(IN_D0) : E(HW_ASSIGNED);
}

enum fx_pnp_event fx_pnp_step_release_hardware(struct fx_device *dev)
{
    PFN_WDF_DEVICE_RELEASE_HARDWARE cb = dev->pnp_callbacks.EvtDeviceReleaseHardware;
    NTSTATUS status = STATUS_SUCCESS, hooks;

    if (!dev->pnp.resources_assigned)
        return E(SUCCESS);
    if (cb != NULL)
        status = cb(fx_device_handle(dev), fx_list_handle(dev->translated));
    hooks = fx_device_hooks_run(dev, FX_HOOK_RESOURCES_RELEASE, dev->pnp.target);
    fx_cmreslist_set(dev->raw, NULL);
    fx_cmreslist_set(dev->translated, NULL);
    dev->pnp.resources_assigned = false;
    return fx_pnp_result(dev, NT_SUCCESS(status) ? hooks : status);
}

enum fx_pnp_event fx_pnp_step_queues_purge(struct fx_device *dev)
{
    return fx_pnp_result(dev, fx_device_hooks_run(dev, FX_HOOK_QUEUES_PURGE, dev->pnp.target));
}

/* Flush and Cleanup pair with Init: a driver whose self-managed I/O never started gets
 * neither. */
enum fx_pnp_event fx_pnp_step_self_io_flush(struct fx_device *dev)
{
    PFN_WDF_DEVICE_SELF_MANAGED_IO_FLUSH cb = dev->pnp_callbacks.EvtDeviceSelfManagedIoFlush;

    if (cb != NULL && dev->pnp.self_io != FX_PNP_SELF_IO_NONE &&
        dev->pnp.self_io != FX_PNP_SELF_IO_CLEANED)
        cb(fx_device_handle(dev));
    return E(SUCCESS);
}

enum fx_pnp_event fx_pnp_step_self_io_cleanup(struct fx_device *dev)
{
    PFN_WDF_DEVICE_SELF_MANAGED_IO_CLEANUP cb = dev->pnp_callbacks.EvtDeviceSelfManagedIoCleanup;

    if (dev->pnp.self_io == FX_PNP_SELF_IO_NONE || dev->pnp.self_io == FX_PNP_SELF_IO_CLEANED)
        return E(SUCCESS);
    dev->pnp.self_io = FX_PNP_SELF_IO_CLEANED;
    if (cb != NULL)
        cb(fx_device_handle(dev));
    return E(SUCCESS);
}

/* The device object goes with its children; the engine still holds a reference, so `dev`
 * stays readable until the request ends. */
enum fx_pnp_event fx_pnp_step_delete(struct fx_device *dev)
{
    fx_object_delete(&dev->obj);
    return E(SUCCESS);
}
