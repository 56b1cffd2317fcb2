/* drv_host.c - the host-API test driver (tests/kmdf): a small KMDF function driver written as a
 * Windows driver would be, against <ntddk.h> and <wdf.h> only, built both linked-in (STATIC) and
 * as a shared object.  Direct I/O; each device keeps DRV_HOST_STORAGE bytes that reads and
 * writes copy to and from; I/O controls park requests in a manual queue (to be cancelled or
 * released), report counters, sum an input buffer into a direct output buffer, and leak pool
 * on request (for the teardown's leak report).
 * The codes and counters are in drv_host.h.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/creating-i-o-queues
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/accessing-data-buffers-in-wdf-drivers */
#include <ntddk.h>
#include <wdf.h>

#include "drv_host.h"

typedef struct _DEVICE_CONTEXT {
    WDFQUEUE HoldQueue;
    LONG Info[DRV_HOST_INFO_COUNT];
    UCHAR Storage[DRV_HOST_STORAGE];
} DEVICE_CONTEXT, *PDEVICE_CONTEXT;

WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(DEVICE_CONTEXT, DeviceGetContext)

static const GUID DrvHostInterface = DRV_HOST_INTERFACE_INIT;

DRIVER_INITIALIZE DriverEntry;
static EVT_WDF_DRIVER_DEVICE_ADD DrvHostDeviceAdd;
static EVT_WDF_DEVICE_PREPARE_HARDWARE DrvHostPrepareHardware;
static EVT_WDF_DEVICE_D0_ENTRY DrvHostD0Entry;
static EVT_WDF_DEVICE_D0_EXIT DrvHostD0Exit;
static EVT_WDF_IO_QUEUE_IO_READ DrvHostRead;
static EVT_WDF_IO_QUEUE_IO_WRITE DrvHostWrite;
static EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL DrvHostDeviceControl;
static EVT_WDF_IO_QUEUE_IO_CANCELED_ON_QUEUE DrvHostCanceledOnQueue;

static PDEVICE_CONTEXT QueueContext(WDFQUEUE Queue)
{
    return DeviceGetContext(WdfIoQueueGetDevice(Queue));
}

/* Request handlers run at IRQL <= DISPATCH_LEVEL, PnP/power callbacks at PASSIVE_LEVEL. */
static VOID CheckIrql(PDEVICE_CONTEXT Context, KIRQL Max)
{
    if (KeGetCurrentIrql() > Max)
        InterlockedIncrement(&Context->Info[DRV_HOST_INFO_WRONG_IRQL]);
}

/* ---- PnP and power ---- */

static NTSTATUS DrvHostPrepareHardware(WDFDEVICE Device, WDFCMRESLIST ResourcesRaw,
                                       WDFCMRESLIST ResourcesTranslated)
{
    PDEVICE_CONTEXT context = DeviceGetContext(Device);
    ULONG count = WdfCmResourceListGetCount(ResourcesTranslated);

    UNREFERENCED_PARAMETER(ResourcesRaw);
    CheckIrql(context, PASSIVE_LEVEL);
    for (ULONG i = 0; i < count; i++) {
        PCM_PARTIAL_RESOURCE_DESCRIPTOR d = WdfCmResourceListGetDescriptor(ResourcesTranslated, i);
        if (d != NULL && d->Type == CmResourceTypeMemory)
            context->Info[DRV_HOST_INFO_HAS_HARDWARE] = 1;
    }
    return STATUS_SUCCESS;
}

static NTSTATUS DrvHostD0Entry(WDFDEVICE Device, WDF_POWER_DEVICE_STATE PreviousState)
{
    PDEVICE_CONTEXT context = DeviceGetContext(Device);

    UNREFERENCED_PARAMETER(PreviousState);
    CheckIrql(context, PASSIVE_LEVEL);
    InterlockedIncrement(&context->Info[DRV_HOST_INFO_D0_ENTRY]);
    return STATUS_SUCCESS;
}

static NTSTATUS DrvHostD0Exit(WDFDEVICE Device, WDF_POWER_DEVICE_STATE TargetState)
{
    PDEVICE_CONTEXT context = DeviceGetContext(Device);

    UNREFERENCED_PARAMETER(TargetState);
    CheckIrql(context, PASSIVE_LEVEL);
    InterlockedIncrement(&context->Info[DRV_HOST_INFO_D0_EXIT]);
    return STATUS_SUCCESS;
}

/* ---- reads and writes ---- */

/* Bytes of storage a transfer of Length at Offset may touch; 0 at or past the end. */
static size_t Span(LONGLONG Offset, size_t Length)
{
    if (Offset < 0 || (ULONGLONG)Offset >= DRV_HOST_STORAGE)
        return 0;
    return Length < DRV_HOST_STORAGE - (size_t)Offset ? Length : DRV_HOST_STORAGE - (size_t)Offset;
}

static VOID DrvHostRead(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
    PDEVICE_CONTEXT context = QueueContext(Queue);
    WDF_REQUEST_PARAMETERS params;
    PVOID buffer;
    NTSTATUS status;
    size_t n;

    CheckIrql(context, DISPATCH_LEVEL);
    InterlockedIncrement(&context->Info[DRV_HOST_INFO_READS]);
    WDF_REQUEST_PARAMETERS_INIT(&params);
    WdfRequestGetParameters(Request, &params);
    n = Span(params.Parameters.Read.DeviceOffset, Length);
    if (n == 0) {
        WdfRequestCompleteWithInformation(Request, STATUS_END_OF_FILE, 0);
        return;
    }
    status = WdfRequestRetrieveOutputBuffer(Request, n, &buffer, NULL);
    if (NT_SUCCESS(status))
        RtlCopyMemory(buffer, context->Storage + params.Parameters.Read.DeviceOffset, n);
    WdfRequestCompleteWithInformation(Request, status, NT_SUCCESS(status) ? n : 0);
}

static VOID DrvHostWrite(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
    PDEVICE_CONTEXT context = QueueContext(Queue);
    WDF_REQUEST_PARAMETERS params;
    PVOID buffer;
    NTSTATUS status;
    size_t n;

    CheckIrql(context, DISPATCH_LEVEL);
    InterlockedIncrement(&context->Info[DRV_HOST_INFO_WRITES]);
    WDF_REQUEST_PARAMETERS_INIT(&params);
    WdfRequestGetParameters(Request, &params);
    n = Span(params.Parameters.Write.DeviceOffset, Length);
    if (n == 0) {
        WdfRequestCompleteWithInformation(Request, STATUS_END_OF_FILE, 0);
        return;
    }
    status = WdfRequestRetrieveInputBuffer(Request, n, &buffer, NULL);
    if (NT_SUCCESS(status))
        RtlCopyMemory(context->Storage + params.Parameters.Write.DeviceOffset, buffer, n);
    WdfRequestCompleteWithInformation(Request, status, NT_SUCCESS(status) ? n : 0);
}

/* ---- I/O controls ---- */

static VOID Hold(PDEVICE_CONTEXT Context, WDFREQUEST Request)
{
    NTSTATUS status;

    InterlockedIncrement(&Context->Info[DRV_HOST_INFO_HELD]);
    status = WdfRequestForwardToIoQueue(Request, Context->HoldQueue);
    if (!NT_SUCCESS(status)) {
        InterlockedDecrement(&Context->Info[DRV_HOST_INFO_HELD]);
        WdfRequestComplete(Request, status);
    }
}

static VOID Release(PDEVICE_CONTEXT Context, WDFREQUEST Request)
{
    WDFREQUEST held;
    ULONG_PTR count = 0;

    while (NT_SUCCESS(WdfIoQueueRetrieveNextRequest(Context->HoldQueue, &held))) {
        InterlockedDecrement(&Context->Info[DRV_HOST_INFO_HELD]);
        WdfRequestComplete(held, STATUS_SUCCESS);
        count++;
    }
    WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, count);
}

static VOID Info(PDEVICE_CONTEXT Context, WDFREQUEST Request)
{
    const size_t size = sizeof(ULONG) * DRV_HOST_INFO_COUNT;
    PULONG out;
    NTSTATUS status = WdfRequestRetrieveOutputBuffer(Request, size, (PVOID *)&out, NULL);

    if (NT_SUCCESS(status)) {
        for (ULONG i = 0; i < DRV_HOST_INFO_COUNT; i++)
            out[i] = (ULONG)InterlockedAdd(&Context->Info[i], 0);
    }
    WdfRequestCompleteWithInformation(Request, status, NT_SUCCESS(status) ? size : 0);
}

static VOID Sum(WDFREQUEST Request)
{
    PUCHAR in;
    PULONG out;
    size_t length;
    ULONG sum = 0;
    NTSTATUS status = WdfRequestRetrieveInputBuffer(Request, 1, (PVOID *)&in, &length);

    if (NT_SUCCESS(status))
        status = WdfRequestRetrieveOutputBuffer(Request, sizeof(ULONG), (PVOID *)&out, NULL);
    if (NT_SUCCESS(status)) {
        for (size_t i = 0; i < length; i++)
            sum += in[i];
        *out = sum;
    }
    WdfRequestCompleteWithInformation(Request, status, NT_SUCCESS(status) ? sizeof(ULONG) : 0);
}

static VOID DrvHostDeviceControl(WDFQUEUE Queue, WDFREQUEST Request, size_t OutputBufferLength,
                                 size_t InputBufferLength, ULONG IoControlCode)
{
    PDEVICE_CONTEXT context = QueueContext(Queue);

    UNREFERENCED_PARAMETER(OutputBufferLength);
    UNREFERENCED_PARAMETER(InputBufferLength);
    CheckIrql(context, DISPATCH_LEVEL);
    switch (IoControlCode) {
    case DRV_HOST_IOCTL_HOLD: Hold(context, Request); break;
    case DRV_HOST_IOCTL_RELEASE: Release(context, Request); break;
    case DRV_HOST_IOCTL_INFO: Info(context, Request); break;
    case DRV_HOST_IOCTL_SUM: Sum(Request); break;
    case DRV_HOST_IOCTL_LEAK:
        WdfRequestComplete(Request, ExAllocatePool2(POOL_FLAG_NON_PAGED, 64, 'kaeL') != NULL
                                        ? STATUS_SUCCESS
                                        : STATUS_INSUFFICIENT_RESOURCES);
        break;
    default: WdfRequestComplete(Request, STATUS_INVALID_DEVICE_REQUEST); break;
    }
}

/* A parked request was cancelled: the driver owns it now and completes it. */
static VOID DrvHostCanceledOnQueue(WDFQUEUE Queue, WDFREQUEST Request)
{
    PDEVICE_CONTEXT context = QueueContext(Queue);

    CheckIrql(context, DISPATCH_LEVEL);
    InterlockedDecrement(&context->Info[DRV_HOST_INFO_HELD]);
    WdfRequestComplete(Request, STATUS_CANCELLED);
}

/* ---- device and driver ---- */

static NTSTATUS CreateQueues(WDFDEVICE Device, PDEVICE_CONTEXT Context)
{
    WDF_IO_QUEUE_CONFIG config;
    NTSTATUS status;

    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&config, WdfIoQueueDispatchParallel);
    config.EvtIoRead = DrvHostRead;
    config.EvtIoWrite = DrvHostWrite;
    config.EvtIoDeviceControl = DrvHostDeviceControl;
    status = WdfIoQueueCreate(Device, &config, WDF_NO_OBJECT_ATTRIBUTES, WDF_NO_HANDLE);
    if (!NT_SUCCESS(status))
        return status;
    WDF_IO_QUEUE_CONFIG_INIT(&config, WdfIoQueueDispatchManual);
    config.EvtIoCanceledOnQueue = DrvHostCanceledOnQueue;
    return WdfIoQueueCreate(Device, &config, WDF_NO_OBJECT_ATTRIBUTES, &Context->HoldQueue);
}

static NTSTATUS DrvHostDeviceAdd(WDFDRIVER Driver, PWDFDEVICE_INIT DeviceInit)
{
    WDF_PNPPOWER_EVENT_CALLBACKS pnp;
    WDF_OBJECT_ATTRIBUTES attributes;
    WDFDEVICE device;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(Driver);
    WdfDeviceInitSetIoType(DeviceInit, WdfDeviceIoDirect);
    WDF_PNPPOWER_EVENT_CALLBACKS_INIT(&pnp);
    pnp.EvtDevicePrepareHardware = DrvHostPrepareHardware;
    pnp.EvtDeviceD0Entry = DrvHostD0Entry;
    pnp.EvtDeviceD0Exit = DrvHostD0Exit;
    WdfDeviceInitSetPnpPowerEventCallbacks(DeviceInit, &pnp);
    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, DEVICE_CONTEXT);
    status = WdfDeviceCreate(&DeviceInit, &attributes, &device);
    if (!NT_SUCCESS(status))
        return status;
    status = CreateQueues(device, DeviceGetContext(device));
    if (!NT_SUCCESS(status))
        return status;
    return WdfDeviceCreateDeviceInterface(device, &DrvHostInterface, NULL);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    WDF_DRIVER_CONFIG config;

    WDF_DRIVER_CONFIG_INIT(&config, DrvHostDeviceAdd);
    return WdfDriverCreate(DriverObject, RegistryPath, WDF_NO_OBJECT_ATTRIBUTES, &config,
                           WDF_NO_HANDLE);
}
