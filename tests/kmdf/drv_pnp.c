/* drv_pnp.c - PnP/power test driver (tests/kmdf): a KMDF function driver written as a Windows
 * driver would be, against the WDK headers only.  It registers every PnP/power callback, logs
 * each call with its power-state argument, maps its first memory BAR in PrepareHardware and
 * reads the ID register, and can be told to fail any callback.  See drv_pnp.h. */
#include <ntddk.h>
#include <wdf.h>

#include "drv_pnp.h"

#define DRV_PNP_MAGIC 0x504e5044u

typedef struct _DEVICE_CONTEXT {
    ULONG Magic;
    PUCHAR Registers;      /* mapped translated BAR 0 */
    ULONG RegistersLength;
} DEVICE_CONTEXT, *PDEVICE_CONTEXT;

WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(DEVICE_CONTEXT, DeviceGetContext)

#define DRV_MAX_RESOURCES 8

static CHAR LogText[4096];
static size_t LogLength;
static const CHAR *FailName;
static NTSTATUS FailStatus;
static int Misuse;
static WDFDEVICE LastDevice;
static ULONG ResourceCount[2];
static CM_PARTIAL_RESOURCE_DESCRIPTOR Resources[2][DRV_MAX_RESOURCES];
static ULONG DeviceId;
static BOOLEAN PastEndWasNull;

/* ---- log ---- */

static BOOLEAN SameText(const CHAR *A, const CHAR *B)
{
    while (*A != '\0' && *A == *B) {
        A++;
        B++;
    }
    return *A == *B;
}

static VOID LogRaw(const CHAR *Text)
{
    while (*Text != '\0' && LogLength + 1 < sizeof(LogText))
        LogText[LogLength++] = *Text++;
    LogText[LogLength] = '\0';
}

VOID DrvPnpLogAppend(const CHAR *Entry)
{
    if (LogLength != 0)
        LogRaw(" ");
    LogRaw(Entry);
}

const CHAR *DrvPnpLog(VOID)
{
    return LogText;
}

VOID DrvPnpLogReset(VOID)
{
    LogLength = 0;
    LogText[0] = '\0';
}

static const CHAR *StateName(WDF_POWER_DEVICE_STATE State)
{
    switch (State) {
    case WdfPowerDeviceD0: return "D0";
    case WdfPowerDeviceD1: return "D1";
    case WdfPowerDeviceD2: return "D2";
    case WdfPowerDeviceD3: return "D3";
    case WdfPowerDeviceD3Final: return "D3Final";
    default: return "?";
    }
}

/* Logs Name (with the power state when State is not WdfPowerDeviceInvalid) and returns the
 * status the harness wants this callback to return. */
static NTSTATUS Enter(const CHAR *Name, WDF_POWER_DEVICE_STATE State)
{
    NTSTATUS status = STATUS_SUCCESS;

    DrvPnpLogAppend(Name);
    if (State != WdfPowerDeviceInvalid) {
        LogRaw("(");
        LogRaw(StateName(State));
        LogRaw(")");
    }
    if (FailName != NULL && SameText(FailName, Name)) {
        LogRaw("=fail");
        status = FailStatus;
    }
    if (KeGetCurrentIrql() != PASSIVE_LEVEL)
        LogRaw("!IRQL");
    return status;
}

VOID DrvPnpFailCallback(const CHAR *Name, NTSTATUS Status)
{
    FailName = Name;
    FailStatus = Status;
}

VOID DrvPnpSetMisuse(int Value)
{
    Misuse = Value;
}

/* ---- PnP and power callbacks ---- */

static EVT_WDF_DEVICE_PREPARE_HARDWARE DrvEvtPrepareHardware;
static EVT_WDF_DEVICE_RELEASE_HARDWARE DrvEvtReleaseHardware;
static EVT_WDF_DEVICE_D0_ENTRY DrvEvtD0Entry;
static EVT_WDF_DEVICE_D0_ENTRY_POST_INTERRUPTS_ENABLED DrvEvtD0EntryPostInterruptsEnabled;
static EVT_WDF_DEVICE_D0_EXIT DrvEvtD0Exit;
static EVT_WDF_DEVICE_D0_EXIT_PRE_INTERRUPTS_DISABLED DrvEvtD0ExitPreInterruptsDisabled;
static EVT_WDF_DEVICE_SELF_MANAGED_IO_INIT DrvEvtSelfManagedIoInit;
static EVT_WDF_DEVICE_SELF_MANAGED_IO_SUSPEND DrvEvtSelfManagedIoSuspend;
static EVT_WDF_DEVICE_SELF_MANAGED_IO_RESTART DrvEvtSelfManagedIoRestart;
static EVT_WDF_DEVICE_SELF_MANAGED_IO_FLUSH DrvEvtSelfManagedIoFlush;
static EVT_WDF_DEVICE_SELF_MANAGED_IO_CLEANUP DrvEvtSelfManagedIoCleanup;
static EVT_WDF_DEVICE_SURPRISE_REMOVAL DrvEvtSurpriseRemoval;
static EVT_WDF_DEVICE_ARM_WAKE_FROM_S0 DrvEvtArmWakeFromS0;
static EVT_WDF_OBJECT_CONTEXT_CLEANUP DrvEvtDeviceCleanup;
static EVT_WDF_OBJECT_CONTEXT_CLEANUP DrvEvtDriverCleanup;
static EVT_WDF_DRIVER_DEVICE_ADD DrvEvtDeviceAdd;
static EVT_WDF_DRIVER_UNLOAD DrvEvtDriverUnload;

static VOID CopyResources(ULONG Which, WDFCMRESLIST List)
{
    ULONG count = WdfCmResourceListGetCount(List);

    ResourceCount[Which] = count;
    for (ULONG i = 0; i < count && i < DRV_MAX_RESOURCES; i++) {
        PCM_PARTIAL_RESOURCE_DESCRIPTOR d = WdfCmResourceListGetDescriptor(List, i);
        if (d != NULL)
            Resources[Which][i] = *d;
    }
}

static NTSTATUS DrvEvtPrepareHardware(WDFDEVICE Device, WDFCMRESLIST ResourcesRaw,
                                      WDFCMRESLIST ResourcesTranslated)
{
    PDEVICE_CONTEXT context = DeviceGetContext(Device);
    NTSTATUS status = Enter("PrepareHardware", WdfPowerDeviceInvalid);
    ULONG count;

    if (!NT_SUCCESS(status))
        return status;
    CopyResources(0, ResourcesRaw);
    CopyResources(1, ResourcesTranslated);
    count = WdfCmResourceListGetCount(ResourcesTranslated);
    PastEndWasNull = WdfCmResourceListGetDescriptor(ResourcesTranslated, count) == NULL;
    for (ULONG i = 0; i < count; i++) {
        PCM_PARTIAL_RESOURCE_DESCRIPTOR d = WdfCmResourceListGetDescriptor(ResourcesTranslated, i);
        if (d->Type == CmResourceTypeMemory && context->Registers == NULL) {
            context->Registers =
                (PUCHAR)MmMapIoSpace(d->u.Memory.Start, d->u.Memory.Length, MmNonCached);
            if (context->Registers == NULL)
                return STATUS_INSUFFICIENT_RESOURCES;
            context->RegistersLength = d->u.Memory.Length;
        }
    }
    if (context->Registers != NULL)
        DeviceId = READ_REGISTER_ULONG((volatile ULONG *)context->Registers);
    return STATUS_SUCCESS;
}

static NTSTATUS DrvEvtReleaseHardware(WDFDEVICE Device, WDFCMRESLIST ResourcesTranslated)
{
    PDEVICE_CONTEXT context = DeviceGetContext(Device);
    NTSTATUS status = Enter("ReleaseHardware", WdfPowerDeviceInvalid);

    UNREFERENCED_PARAMETER(ResourcesTranslated);
    if (context->Registers != NULL) {
        MmUnmapIoSpace(context->Registers, context->RegistersLength);
        context->Registers = NULL;
    }
    return status;
}

static NTSTATUS DrvEvtD0Entry(WDFDEVICE Device, WDF_POWER_DEVICE_STATE PreviousState)
{
    UNREFERENCED_PARAMETER(Device);
    return Enter("D0Entry", PreviousState);
}

static NTSTATUS DrvEvtD0EntryPostInterruptsEnabled(WDFDEVICE Device,
                                                   WDF_POWER_DEVICE_STATE PreviousState)
{
    UNREFERENCED_PARAMETER(Device);
    return Enter("D0EntryPostInterruptsEnabled", PreviousState);
}

static NTSTATUS DrvEvtD0Exit(WDFDEVICE Device, WDF_POWER_DEVICE_STATE TargetState)
{
    UNREFERENCED_PARAMETER(Device);
    return Enter("D0Exit", TargetState);
}

static NTSTATUS DrvEvtD0ExitPreInterruptsDisabled(WDFDEVICE Device,
                                                  WDF_POWER_DEVICE_STATE TargetState)
{
    UNREFERENCED_PARAMETER(Device);
    return Enter("D0ExitPreInterruptsDisabled", TargetState);
}

static NTSTATUS DrvEvtSelfManagedIoInit(WDFDEVICE Device)
{
    UNREFERENCED_PARAMETER(Device);
    return Enter("SelfManagedIoInit", WdfPowerDeviceInvalid);
}

static NTSTATUS DrvEvtSelfManagedIoSuspend(WDFDEVICE Device)
{
    UNREFERENCED_PARAMETER(Device);
    return Enter("SelfManagedIoSuspend", WdfPowerDeviceInvalid);
}

static NTSTATUS DrvEvtSelfManagedIoRestart(WDFDEVICE Device)
{
    UNREFERENCED_PARAMETER(Device);
    return Enter("SelfManagedIoRestart", WdfPowerDeviceInvalid);
}

static VOID DrvEvtSelfManagedIoFlush(WDFDEVICE Device)
{
    UNREFERENCED_PARAMETER(Device);
    Enter("SelfManagedIoFlush", WdfPowerDeviceInvalid);
}

static VOID DrvEvtSelfManagedIoCleanup(WDFDEVICE Device)
{
    UNREFERENCED_PARAMETER(Device);
    Enter("SelfManagedIoCleanup", WdfPowerDeviceInvalid);
}

static VOID DrvEvtSurpriseRemoval(WDFDEVICE Device)
{
    UNREFERENCED_PARAMETER(Device);
    Enter("SurpriseRemoval", WdfPowerDeviceInvalid);
}

static NTSTATUS DrvEvtArmWakeFromS0(WDFDEVICE Device)
{
    UNREFERENCED_PARAMETER(Device);
    return Enter("ArmWakeFromS0", WdfPowerDeviceInvalid);
}

static VOID DrvEvtDeviceCleanup(WDFOBJECT Object)
{
    UNREFERENCED_PARAMETER(Object);
    Enter("DeviceCleanup", WdfPowerDeviceInvalid);
}

static VOID DrvEvtDriverCleanup(WDFOBJECT Object)
{
    UNREFERENCED_PARAMETER(Object);
    Enter("DriverCleanup", WdfPowerDeviceInvalid);
}

/* ---- driver ---- */

static NTSTATUS DrvEvtDeviceAdd(WDFDRIVER Driver, PWDFDEVICE_INIT DeviceInit)
{
    WDF_PNPPOWER_EVENT_CALLBACKS pnpPowerCallbacks;
    WDF_POWER_POLICY_EVENT_CALLBACKS powerPolicyCallbacks;
    WDF_OBJECT_ATTRIBUTES attributes;
    PWDFDEVICE_INIT savedInit = DeviceInit;
    WDFDEVICE device;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(Driver);
    status = Enter("DeviceAdd", WdfPowerDeviceInvalid);
    if (!NT_SUCCESS(status) || Misuse == DRV_PNP_MISUSE_NO_DEVICE)
        return status;

    WDF_PNPPOWER_EVENT_CALLBACKS_INIT(&pnpPowerCallbacks);
    pnpPowerCallbacks.EvtDevicePrepareHardware = DrvEvtPrepareHardware;
    pnpPowerCallbacks.EvtDeviceReleaseHardware = DrvEvtReleaseHardware;
    pnpPowerCallbacks.EvtDeviceD0Entry = DrvEvtD0Entry;
    pnpPowerCallbacks.EvtDeviceD0EntryPostInterruptsEnabled = DrvEvtD0EntryPostInterruptsEnabled;
    pnpPowerCallbacks.EvtDeviceD0Exit = DrvEvtD0Exit;
    pnpPowerCallbacks.EvtDeviceD0ExitPreInterruptsDisabled = DrvEvtD0ExitPreInterruptsDisabled;
    pnpPowerCallbacks.EvtDeviceSelfManagedIoInit = DrvEvtSelfManagedIoInit;
    pnpPowerCallbacks.EvtDeviceSelfManagedIoSuspend = DrvEvtSelfManagedIoSuspend;
    pnpPowerCallbacks.EvtDeviceSelfManagedIoRestart = DrvEvtSelfManagedIoRestart;
    pnpPowerCallbacks.EvtDeviceSelfManagedIoFlush = DrvEvtSelfManagedIoFlush;
    pnpPowerCallbacks.EvtDeviceSelfManagedIoCleanup = DrvEvtSelfManagedIoCleanup;
    pnpPowerCallbacks.EvtDeviceSurpriseRemoval = DrvEvtSurpriseRemoval;
    if (Misuse == DRV_PNP_MISUSE_BAD_CALLBACK_SIZE)
        pnpPowerCallbacks.Size -= 8;
    WdfDeviceInitSetPnpPowerEventCallbacks(DeviceInit, &pnpPowerCallbacks);

    WDF_POWER_POLICY_EVENT_CALLBACKS_INIT(&powerPolicyCallbacks);
    powerPolicyCallbacks.EvtDeviceArmWakeFromS0 = DrvEvtArmWakeFromS0;
    WdfDeviceInitSetPowerPolicyEventCallbacks(DeviceInit, &powerPolicyCallbacks);

    WdfDeviceInitSetIoType(DeviceInit, Misuse == DRV_PNP_MISUSE_BAD_IO_TYPE
                                           ? (WDF_DEVICE_IO_TYPE)7
                                           : WdfDeviceIoDirect);
    WdfDeviceInitSetExclusive(DeviceInit, TRUE);
    WdfDeviceInitSetDeviceType(DeviceInit, FILE_DEVICE_CONTROLLER);

    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, DEVICE_CONTEXT);
    attributes.EvtCleanupCallback = DrvEvtDeviceCleanup;
    if (Misuse == DRV_PNP_MISUSE_NULL_DEVICE_INIT &&
        WdfDeviceCreate(NULL, &attributes, &device) != STATUS_INVALID_PARAMETER)
        return STATUS_UNSUCCESSFUL;
    status = WdfDeviceCreate(&DeviceInit, &attributes, &device);
    if (!NT_SUCCESS(status))
        return status;
    if (DeviceInit != NULL)
        return STATUS_UNSUCCESSFUL;
    if (Misuse == DRV_PNP_MISUSE_INIT_AFTER_CREATE)
        WdfDeviceInitSetIoType(savedInit, WdfDeviceIoBuffered);
    DeviceGetContext(device)->Magic = DRV_PNP_MAGIC;
    LastDevice = device;

    status = WdfDeviceCreateDeviceInterface(device, &GUID_DEVINTERFACE_DRVPNP, NULL);
    if (!NT_SUCCESS(status))
        return status;
    /* The harness may make the callback fail after the device exists. */
    return Enter("DeviceAddDone", WdfPowerDeviceInvalid);
}

static VOID DrvEvtDriverUnload(WDFDRIVER Driver)
{
    UNREFERENCED_PARAMETER(Driver);
    Enter("DriverUnload", WdfPowerDeviceInvalid);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    WDF_DRIVER_CONFIG config;
    WDF_OBJECT_ATTRIBUTES attributes;
    NTSTATUS status;

    status = Enter("DriverEntry", WdfPowerDeviceInvalid);
    if (!NT_SUCCESS(status))
        return status;
    WDF_DRIVER_CONFIG_INIT(&config, DrvEvtDeviceAdd);
    config.EvtDriverUnload = DrvEvtDriverUnload;
    WDF_OBJECT_ATTRIBUTES_INIT(&attributes);
    attributes.EvtCleanupCallback = DrvEvtDriverCleanup;
    status = WdfDriverCreate(DriverObject, RegistryPath, &attributes, &config, WDF_NO_HANDLE);
    if (!NT_SUCCESS(status))
        return status;
    return Enter("DriverEntryDone", WdfPowerDeviceInvalid);
}

/* ---- harness accessors ---- */

ULONG DrvPnpResourceCount(BOOLEAN Raw)
{
    return ResourceCount[Raw ? 0 : 1];
}

BOOLEAN DrvPnpResource(BOOLEAN Raw, ULONG Index, PCM_PARTIAL_RESOURCE_DESCRIPTOR Descriptor)
{
    ULONG which = Raw ? 0 : 1;

    if (Index >= ResourceCount[which] || Index >= DRV_MAX_RESOURCES)
        return FALSE;
    *Descriptor = Resources[which][Index];
    return TRUE;
}

ULONG DrvPnpDeviceId(VOID)
{
    return DeviceId;
}

BOOLEAN DrvPnpPastEndWasNull(VOID)
{
    return PastEndWasNull;
}

WDFDEVICE DrvPnpDevice(VOID)
{
    return LastDevice;
}

ULONG DrvPnpGetAlignment(WDFDEVICE Device)
{
    return WdfDeviceGetAlignmentRequirement(Device);
}

VOID DrvPnpSetAlignment(WDFDEVICE Device, ULONG Alignment)
{
    WdfDeviceSetAlignmentRequirement(Device, Alignment);
}

WDFDRIVER DrvPnpGetDriver(WDFDEVICE Device)
{
    return WdfDeviceGetDriver(Device);
}

WDFDRIVER DrvPnpGlobalDriver(VOID)
{
    return WdfGetDriver();
}

PDEVICE_OBJECT DrvPnpWdmDevice(WDFDEVICE Device)
{
    return WdfDeviceWdmGetDeviceObject(Device);
}

PDRIVER_OBJECT DrvPnpWdmDriver(WDFDRIVER Driver)
{
    return WdfDriverWdmGetDriverObject(Driver);
}

WDFDRIVER DrvPnpDriverFromWdm(PDRIVER_OBJECT DriverObject)
{
    return WdfWdmDriverGetWdfDriverHandle(DriverObject);
}

PWSTR DrvPnpRegistryPath(WDFDRIVER Driver)
{
    return WdfDriverGetRegistryPath(Driver);
}

NTSTATUS DrvPnpCreateDriverAgain(VOID)
{
    WDF_DRIVER_CONFIG config;
    UNICODE_STRING path;

    WDF_DRIVER_CONFIG_INIT(&config, DrvEvtDeviceAdd);
    RtlInitUnicodeString(&path, WdfDriverGetRegistryPath(WdfGetDriver()));
    return WdfDriverCreate(WdfDriverWdmGetDriverObject(WdfGetDriver()), &path,
                           WDF_NO_OBJECT_ATTRIBUTES, &config, WDF_NO_HANDLE);
}

NTSTATUS DrvPnpAddInterface(WDFDEVICE Device, const GUID *Guid, PCWSTR Reference)
{
    UNICODE_STRING reference;

    if (Reference == NULL)
        return WdfDeviceCreateDeviceInterface(Device, Guid, NULL);
    RtlInitUnicodeString(&reference, Reference);
    return WdfDeviceCreateDeviceInterface(Device, Guid, &reference);
}

VOID DrvPnpDeleteObject(WDFOBJECT Object)
{
    WdfObjectDelete(Object);
}

ULONG DrvPnpCountOf(WDFCMRESLIST List)
{
    return WdfCmResourceListGetCount(List);
}

ULONG DrvPnpContextMagic(WDFDEVICE Device)
{
    return DeviceGetContext(Device)->Magic;
}
