/* drv_pnp.h - the PnP/power test driver's entry points (tests/kmdf).  The driver (drv_pnp.c) is
 * built with dmabox_add_driver and sees only the WDK headers; the harnesses (test_pnp*.c) load
 * it with fx_driver_load and read what it saw through these plain functions.
 *
 * Every callback appends one entry to a log, e.g. "D0Entry(D3Final)", followed by "=fail" when
 * the harness made it fail; entries are separated by one space.  Power states print as D0, D1,
 * D2, D3, D3Final.  A callback that finds itself above PASSIVE_LEVEL appends "!IRQL". */
#ifndef DRV_PNP_H
#define DRV_PNP_H

#include <ntddk.h>
#include <wdf.h>

DRIVER_INITIALIZE DriverEntry;

/* The interface class the driver registers for each device. */
DEFINE_GUID(GUID_DEVINTERFACE_DRVPNP, 0x6d1f4a1e, 0x3b2c, 0x4e5f, 0x8a, 0x9b, 0x10, 0x21, 0x32,
            0x43, 0x54, 0x65);

const CHAR *DrvPnpLog(VOID);
VOID DrvPnpLogReset(VOID);
VOID DrvPnpLogAppend(const CHAR *Entry);

/* Makes the callback named Name ("PrepareHardware", "D0Entry", "DriverEntry", "DeviceAdd", ...)
 * return Status from now on; NULL clears it. */
VOID DrvPnpFailCallback(const CHAR *Name, NTSTATUS Status);

/* Misuse the driver commits in EvtDriverDeviceAdd, for the verifier tests. */
enum drv_pnp_misuse {
    DRV_PNP_MISUSE_NONE = 0,
    DRV_PNP_MISUSE_INIT_AFTER_CREATE = 1, /* WdfDeviceInitSetIoType on the consumed init */
    DRV_PNP_MISUSE_BAD_CALLBACK_SIZE = 2, /* WDF_PNPPOWER_EVENT_CALLBACKS.Size off by 8 */
    DRV_PNP_MISUSE_BAD_IO_TYPE = 3,       /* WdfDeviceInitSetIoType(…, 7) */
    DRV_PNP_MISUSE_NULL_DEVICE_INIT = 4,  /* WdfDeviceCreate(NULL, …) first */
    DRV_PNP_MISUSE_NO_DEVICE = 5,         /* succeed without creating a device */
};
VOID DrvPnpSetMisuse(int Misuse);

/* What EvtDevicePrepareHardware saw: descriptor counts, and a copy of descriptor Index of the
 * raw (Raw TRUE) or translated list; FALSE past the end.  DeviceId is the ID register read
 * through the mapped translated BAR 0 (0 if nothing was mapped). */
ULONG DrvPnpResourceCount(BOOLEAN Raw);
BOOLEAN DrvPnpResource(BOOLEAN Raw, ULONG Index, PCM_PARTIAL_RESOURCE_DESCRIPTOR Descriptor);
ULONG DrvPnpDeviceId(VOID);
/* WdfCmResourceListGetDescriptor(translated, Count) returned NULL, as documented. */
BOOLEAN DrvPnpPastEndWasNull(VOID);

/* The last device EvtDriverDeviceAdd created (NULL before). */
WDFDEVICE DrvPnpDevice(VOID);

/* Plain DDI calls on behalf of the harness. */
ULONG DrvPnpGetAlignment(WDFDEVICE Device);
VOID DrvPnpSetAlignment(WDFDEVICE Device, ULONG Alignment);
WDFDRIVER DrvPnpGetDriver(WDFDEVICE Device);
WDFDRIVER DrvPnpGlobalDriver(VOID);
PDEVICE_OBJECT DrvPnpWdmDevice(WDFDEVICE Device);
PDRIVER_OBJECT DrvPnpWdmDriver(WDFDRIVER Driver);
WDFDRIVER DrvPnpDriverFromWdm(PDRIVER_OBJECT DriverObject);
PWSTR DrvPnpRegistryPath(WDFDRIVER Driver);
NTSTATUS DrvPnpCreateDriverAgain(VOID);
NTSTATUS DrvPnpAddInterface(WDFDEVICE Device, const GUID *Guid, PCWSTR Reference);
VOID DrvPnpDeleteObject(WDFOBJECT Object);
ULONG DrvPnpCountOf(WDFCMRESLIST List);
/* The device context the driver keeps (its Magic is 0x504e5044 once EvtDriverDeviceAdd ran). */
ULONG DrvPnpContextMagic(WDFDEVICE Device);

#endif
