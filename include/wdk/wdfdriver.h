/* wdfdriver.h - the framework driver object (WDFDRIVER), as declared by the WDK (KMDF 1.33):
 * WDF_DRIVER_CONFIG, EvtDriverDeviceAdd / EvtDriverUnload and the driver DDIs.  Runtime side:
 * src/kmdf/core/wdfdriver.c (shims) and fx_driver.c (logic).
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdriver/
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/driverentry-for-kmdf-drivers */
#ifndef DMABOX_WDK_WDFDRIVER_H
#define DMABOX_WDK_WDFDRIVER_H

#include "wdfobject.h"

#ifndef WDF_STRUCTURE_SIZE
#define WDF_STRUCTURE_SIZE(_struct) ((ULONG)sizeof(_struct))
#endif

typedef enum _WDF_DRIVER_INIT_FLAGS {
    WdfDriverInitNonPnpDriver = 0x00000001,       /* no EvtDriverDeviceAdd */
    WdfDriverInitNoDispatchOverride = 0x00000002, /* miniports */
    WdfVerifyOn = 0x00000004,
    WdfVerifierOn = 0x00000008,
    WdfDriverInitCompanion = 0x00000010,
} WDF_DRIVER_INIT_FLAGS;

/* Called at PASSIVE_LEVEL for each device the PnP manager reports; the driver calls
 * WdfDeviceCreate with DeviceInit.  The framework frees DeviceInit when the callback returns. */
typedef NTSTATUS NTAPI EVT_WDF_DRIVER_DEVICE_ADD(WDFDRIVER Driver, PWDFDEVICE_INIT DeviceInit);
typedef EVT_WDF_DRIVER_DEVICE_ADD *PFN_WDF_DRIVER_DEVICE_ADD;

/* Called at PASSIVE_LEVEL before the driver is unloaded; never if DriverEntry failed. */
typedef VOID NTAPI EVT_WDF_DRIVER_UNLOAD(WDFDRIVER Driver);
typedef EVT_WDF_DRIVER_UNLOAD *PFN_WDF_DRIVER_UNLOAD;

typedef struct _WDF_DRIVER_CONFIG {
    ULONG Size;
    PFN_WDF_DRIVER_DEVICE_ADD EvtDriverDeviceAdd;
    PFN_WDF_DRIVER_UNLOAD EvtDriverUnload;
    ULONG DriverInitFlags; /* WDF_DRIVER_INIT_FLAGS */
    ULONG DriverPoolTag;   /* tag of the framework's allocations for this driver; 0: default */
} WDF_DRIVER_CONFIG, *PWDF_DRIVER_CONFIG;

FORCEINLINE VOID WDF_DRIVER_CONFIG_INIT(PWDF_DRIVER_CONFIG Config,
                                        PFN_WDF_DRIVER_DEVICE_ADD EvtDriverDeviceAdd)
{
    memset(Config, 0, sizeof(WDF_DRIVER_CONFIG));
    Config->Size = WDF_STRUCTURE_SIZE(WDF_DRIVER_CONFIG);
    Config->EvtDriverDeviceAdd = EvtDriverDeviceAdd;
}

/* The calling driver's WDFDRIVER (NULL before WdfDriverCreate succeeded). */
FORCEINLINE WDFDRIVER WdfGetDriver(VOID)
{
    return WdfDriverGlobals->Driver;
}

/* ---- DDIs ---- */

/* PASSIVE_LEVEL, from DriverEntry.  Returns STATUS_SUCCESS, STATUS_DRIVER_INTERNAL_ERROR (called
 * twice), STATUS_INVALID_PARAMETER (a non-PnP driver with EvtDriverDeviceAdd), or an object
 * creation status. */
typedef NTSTATUS(NTAPI *PFN_WDFDRIVERCREATE)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                             PDRIVER_OBJECT DriverObject,
                                             PCUNICODE_STRING RegistryPath,
                                             PWDF_OBJECT_ATTRIBUTES DriverAttributes,
                                             PWDF_DRIVER_CONFIG DriverConfig, WDFDRIVER *Driver);
FORCEINLINE NTSTATUS WdfDriverCreate(PDRIVER_OBJECT DriverObject, PCUNICODE_STRING RegistryPath,
                                     PWDF_OBJECT_ATTRIBUTES DriverAttributes,
                                     PWDF_DRIVER_CONFIG DriverConfig, WDFDRIVER *Driver)
{
    return ((PFN_WDFDRIVERCREATE)WdfFunctions[WdfDriverCreateTableIndex])(
        WdfDriverGlobals, DriverObject, RegistryPath, DriverAttributes, DriverConfig, Driver);
}

/* PASSIVE_LEVEL.  The registry path DriverEntry received, NUL-terminated. */
typedef PWSTR(NTAPI *PFN_WDFDRIVERGETREGISTRYPATH)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                   WDFDRIVER Driver);
FORCEINLINE PWSTR WdfDriverGetRegistryPath(WDFDRIVER Driver)
{
    return ((PFN_WDFDRIVERGETREGISTRYPATH)WdfFunctions[WdfDriverGetRegistryPathTableIndex])(
        WdfDriverGlobals, Driver);
}

/* IRQL <= DISPATCH_LEVEL. */
typedef PDRIVER_OBJECT(NTAPI *PFN_WDFDRIVERWDMGETDRIVEROBJECT)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                               WDFDRIVER Driver);
FORCEINLINE PDRIVER_OBJECT WdfDriverWdmGetDriverObject(WDFDRIVER Driver)
{
    return ((PFN_WDFDRIVERWDMGETDRIVEROBJECT)WdfFunctions[WdfDriverWdmGetDriverObjectTableIndex])(
        WdfDriverGlobals, Driver);
}

/* IRQL <= DISPATCH_LEVEL.  The WDFDRIVER of a DRIVER_OBJECT, NULL if it has none. */
typedef WDFDRIVER(NTAPI *PFN_WDFWDMDRIVERGETWDFDRIVERHANDLE)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                             PDRIVER_OBJECT DriverObject);
FORCEINLINE WDFDRIVER WdfWdmDriverGetWdfDriverHandle(PDRIVER_OBJECT DriverObject)
{
    return ((PFN_WDFWDMDRIVERGETWDFDRIVERHANDLE)
                WdfFunctions[WdfWdmDriverGetWdfDriverHandleTableIndex])(WdfDriverGlobals,
                                                                        DriverObject);
}

#endif
