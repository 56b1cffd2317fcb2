/* wdfdevice.c - DDI shims of wdfdevice.h (kmdf layer): handle, IRQL and parameter checks and the
 * documented statuses; the work is in fx_device.c.  A WDFDEVICE_INIT is valid only inside
 * EvtDriverDeviceAdd and only until WdfDeviceCreate consumed it (Rule WDF-DEV-001); callback
 * structures must carry the KMDF 1.33 Size and enums a listed value (Rule WDF-PARAM-002).
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdevice/nf-wdfdevice-wdfdevicecreate
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdevice/nf-wdfdevice-wdfdeviceinitsetpnppowereventcallbacks
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdevice/nf-wdfdevice-wdfdeviceinitsetiotype
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdevice/nf-wdfdevice-wdfdevicecreatedeviceinterface
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdevice/nf-wdfdevice-wdfdevicesetalignmentrequirement */
#include "kmdf/core/fx_device.h"
#include "kmdf/core/fx_driver.h"
#include "kmdf/ddi_table.h"
#include "platform/exec_ctx.h"
#include "verifier/vf.h"

static struct fx_device *fx_device_resolve(PWDF_DRIVER_GLOBALS globals, WDFDEVICE handle,
                                           const char *ddi, const void *caller)
{
    struct fx_object *obj = fx_object_resolve(globals, handle, FX_TYPE_DEVICE, ddi, caller);
    return obj != NULL ? to_device(obj) : NULL;
}

/* Rule WDF-DEV-001: the WDFDEVICE_INIT DDIs take the structure EvtDriverDeviceAdd received,
 * before WdfDeviceCreate consumed it. */
static struct WDFDEVICE_INIT *fx_device_init_check(PWDF_DRIVER_GLOBALS globals,
                                                   PWDFDEVICE_INIT init, const char *ddi,
                                                   const void *caller)
{
    if (!fx_check_irql(EXEC_LEVEL_PASSIVE, ddi, caller) ||
        !fx_check_not_null(init, "DeviceInit", ddi, caller))
        return NULL;
    if (init->magic != FX_DEVICE_INIT_MAGIC || init->driver->obj.globals != fx_globals(globals)) {
        vf_report(VF_RULE_DEVICE_INIT_MISUSE, init, ddi, caller,
                  "not a WDFDEVICE_INIT this driver received in EvtDriverDeviceAdd");
        return NULL;
    }
    if (init->consumed) {
        vf_report(VF_RULE_DEVICE_INIT_MISUSE, init, ddi, caller,
                  "WDFDEVICE_INIT used after WdfDeviceCreate consumed it");
        return NULL;
    }
    return init;
}

/* Rule WDF-PARAM-002: a callback structure's Size is that of KMDF 1.33's structure. */
static bool fx_check_size(ULONG size, ULONG expected, const char *what, const char *ddi,
                          const void *caller)
{
    if (size == expected)
        return true;
    vf_report(VF_RULE_PARAM_INVALID, NULL, ddi, caller, "%s.Size is %lu, expected %lu", what,
              (unsigned long)size, (unsigned long)expected);
    return false;
}

VOID imp_WdfDeviceInitSetPnpPowerEventCallbacks(
    PWDF_DRIVER_GLOBALS globals, PWDFDEVICE_INIT DeviceInit,
    PWDF_PNPPOWER_EVENT_CALLBACKS PnpPowerEventCallbacks)
{
    static const char ddi[] = "WdfDeviceInitSetPnpPowerEventCallbacks";
    const void *caller = VF_CALLER();
    struct WDFDEVICE_INIT *init = fx_device_init_check(globals, DeviceInit, ddi, caller);

    if (init == NULL ||
        !fx_check_not_null(PnpPowerEventCallbacks, "PnpPowerEventCallbacks", ddi, caller) ||
        !fx_check_size(PnpPowerEventCallbacks->Size, sizeof(WDF_PNPPOWER_EVENT_CALLBACKS),
                       "WDF_PNPPOWER_EVENT_CALLBACKS", ddi, caller))
        return;
    init->pnp_callbacks = *PnpPowerEventCallbacks;
}

VOID imp_WdfDeviceInitSetPowerPolicyEventCallbacks(
    PWDF_DRIVER_GLOBALS globals, PWDFDEVICE_INIT DeviceInit,
    PWDF_POWER_POLICY_EVENT_CALLBACKS PowerPolicyEventCallbacks)
{
    static const char ddi[] = "WdfDeviceInitSetPowerPolicyEventCallbacks";
    const void *caller = VF_CALLER();
    struct WDFDEVICE_INIT *init = fx_device_init_check(globals, DeviceInit, ddi, caller);

    if (init == NULL ||
        !fx_check_not_null(PowerPolicyEventCallbacks, "PowerPolicyEventCallbacks", ddi, caller) ||
        !fx_check_size(PowerPolicyEventCallbacks->Size, sizeof(WDF_POWER_POLICY_EVENT_CALLBACKS),
                       "WDF_POWER_POLICY_EVENT_CALLBACKS", ddi, caller))
        return;
    init->power_policy_callbacks = *PowerPolicyEventCallbacks;
}

VOID imp_WdfDeviceInitSetIoType(PWDF_DRIVER_GLOBALS globals, PWDFDEVICE_INIT DeviceInit,
                                WDF_DEVICE_IO_TYPE IoType)
{
    static const char ddi[] = "WdfDeviceInitSetIoType";
    const void *caller = VF_CALLER();
    struct WDFDEVICE_INIT *init = fx_device_init_check(globals, DeviceInit, ddi, caller);

    if (init == NULL)
        return;
    if (IoType < WdfDeviceIoNeither || IoType > WdfDeviceIoBufferedOrDirect) {
        vf_report(VF_RULE_PARAM_INVALID, DeviceInit, ddi, caller,
                  "IoType %d is not a WDF_DEVICE_IO_TYPE value", (int)IoType);
        return;
    }
    init->io_type = IoType;
}

VOID imp_WdfDeviceInitSetExclusive(PWDF_DRIVER_GLOBALS globals, PWDFDEVICE_INIT DeviceInit,
                                   BOOLEAN IsExclusive)
{
    struct WDFDEVICE_INIT *init =
        fx_device_init_check(globals, DeviceInit, "WdfDeviceInitSetExclusive", VF_CALLER());

    if (init != NULL)
        init->exclusive = IsExclusive;
}

VOID imp_WdfDeviceInitSetDeviceType(PWDF_DRIVER_GLOBALS globals, PWDFDEVICE_INIT DeviceInit,
                                    DEVICE_TYPE DeviceType)
{
    struct WDFDEVICE_INIT *init =
        fx_device_init_check(globals, DeviceInit, "WdfDeviceInitSetDeviceType", VF_CALLER());

    if (init != NULL)
        init->device_type = DeviceType;
}

/* On success *DeviceInit becomes NULL: the framework owns (and frees) the structure. */
NTSTATUS imp_WdfDeviceCreate(PWDF_DRIVER_GLOBALS globals, PWDFDEVICE_INIT *DeviceInit,
                             PWDF_OBJECT_ATTRIBUTES DeviceAttributes, WDFDEVICE *Device)
{
    static const char ddi[] = "WdfDeviceCreate";
    const void *caller = VF_CALLER();
    struct WDFDEVICE_INIT *init;
    struct fx_device *dev;
    NTSTATUS status;

    if (!fx_check_not_null(Device, "Device", ddi, caller))
        return STATUS_INVALID_PARAMETER;
    *Device = NULL;
    if (!fx_check_not_null(DeviceInit, "DeviceInit", ddi, caller))
        return STATUS_INVALID_PARAMETER;
    init = fx_device_init_check(globals, *DeviceInit, ddi, caller);
    if (init == NULL)
        return STATUS_INVALID_PARAMETER;
    status = fx_device_create(init, DeviceAttributes, ddi, caller, &dev);
    if (!NT_SUCCESS(status))
        return status;
    *DeviceInit = NULL;
    *Device = fx_device_handle(dev);
    return STATUS_SUCCESS;
}

NTSTATUS imp_WdfDeviceCreateDeviceInterface(PWDF_DRIVER_GLOBALS globals, WDFDEVICE Device,
                                            CONST GUID *InterfaceClassGUID,
                                            PCUNICODE_STRING ReferenceString)
{
    static const char ddi[] = "WdfDeviceCreateDeviceInterface";
    const void *caller = VF_CALLER();
    struct fx_device *dev;

    if (!fx_check_irql(EXEC_LEVEL_PASSIVE, ddi, caller))
        return STATUS_INVALID_DEVICE_REQUEST;
    dev = fx_device_resolve(globals, Device, ddi, caller);
    if (dev == NULL || !fx_check_not_null(InterfaceClassGUID, "InterfaceClassGUID", ddi, caller))
        return STATUS_INVALID_PARAMETER;
    return fx_device_add_interface(dev, InterfaceClassGUID, ReferenceString);
}

/* The value also lands in DEVICE_OBJECT.AlignmentRequirement, where WDM code reads it. */
VOID imp_WdfDeviceSetAlignmentRequirement(PWDF_DRIVER_GLOBALS globals, WDFDEVICE Device,
                                          ULONG AlignmentRequirement)
{
    static const char ddi[] = "WdfDeviceSetAlignmentRequirement";
    const void *caller = VF_CALLER();
    struct fx_device *dev;

    if (!fx_check_irql(EXEC_LEVEL_DISPATCH, ddi, caller))
        return;
    dev = fx_device_resolve(globals, Device, ddi, caller);
    if (dev == NULL)
        return;
    atomic_store_explicit(&dev->alignment, AlignmentRequirement, memory_order_relaxed);
    __atomic_store_n(&dev->wdm.AlignmentRequirement, AlignmentRequirement, __ATOMIC_RELAXED);
}

ULONG imp_WdfDeviceGetAlignmentRequirement(PWDF_DRIVER_GLOBALS globals, WDFDEVICE Device)
{
    static const char ddi[] = "WdfDeviceGetAlignmentRequirement";
    const void *caller = VF_CALLER();
    struct fx_device *dev;

    if (!fx_check_irql(EXEC_LEVEL_DISPATCH, ddi, caller))
        return 0;
    dev = fx_device_resolve(globals, Device, ddi, caller);
    return dev != NULL ? atomic_load_explicit(&dev->alignment, memory_order_relaxed) : 0;
}

WDFDRIVER imp_WdfDeviceGetDriver(PWDF_DRIVER_GLOBALS globals, WDFDEVICE Device)
{
    static const char ddi[] = "WdfDeviceGetDriver";
    const void *caller = VF_CALLER();
    struct fx_device *dev;

    if (!fx_check_irql(EXEC_LEVEL_DISPATCH, ddi, caller))
        return NULL;
    dev = fx_device_resolve(globals, Device, ddi, caller);
    return dev != NULL ? (WDFDRIVER)fx_object_handle(&dev->driver->obj) : NULL;
}

PDEVICE_OBJECT imp_WdfDeviceWdmGetDeviceObject(PWDF_DRIVER_GLOBALS globals, WDFDEVICE Device)
{
    static const char ddi[] = "WdfDeviceWdmGetDeviceObject";
    const void *caller = VF_CALLER();
    struct fx_device *dev;

    if (!fx_check_irql(EXEC_LEVEL_DISPATCH, ddi, caller))
        return NULL;
    dev = fx_device_resolve(globals, Device, ddi, caller);
    return dev != NULL ? &dev->wdm : NULL;
}
