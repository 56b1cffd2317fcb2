/* drv_queue_bad.c - a deliberately wrong KMDF driver (tests/kmdf), written against the WDK
 * headers only: one parallel default queue whose EvtIoRead commits the misuse the harness chose
 * (drv_queue_bad.h), so test_request_vf.c can count the verifier's findings exactly. */
#include <ntddk.h>
#include <wdf.h>

#include "drv_queue_bad.h"

#define MAX_STATUSES 8

static int Misuse;
static NTSTATUS Statuses[MAX_STATUSES];
static ULONG StatusCount;
static LONG CancelCalls;
static WDFDEVICE Device;
static WDFQUEUE Queue;

static VOID Record(NTSTATUS Status)
{
    if (StatusCount < MAX_STATUSES)
        Statuses[StatusCount++] = Status;
}

static VOID EvtRequestCancel(WDFREQUEST Request)
{
    InterlockedIncrement(&CancelCalls);
    WdfRequestComplete(Request, STATUS_CANCELLED);
}

static VOID BuffersAfterComplete(WDFREQUEST Request)
{
    PVOID buffer = NULL;
    PMDL mdl = NULL;
    WDFMEMORY memory = NULL;

    WdfObjectReference(Request);
    WdfRequestComplete(Request, STATUS_SUCCESS);
    Record(WdfRequestRetrieveOutputBuffer(Request, 1, &buffer, NULL));
    Record(WdfRequestRetrieveOutputWdmMdl(Request, &mdl));
    Record(WdfRequestRetrieveOutputMemory(Request, &memory));
    WdfObjectDereference(Request);
}

static VOID BadHandles(WDFQUEUE Q, WDFREQUEST Request)
{
    WdfRequestComplete(NULL, STATUS_SUCCESS);
    WdfRequestComplete((WDFREQUEST)Q, STATUS_SUCCESS);
    WdfIoQueueStart((WDFQUEUE)Device);
    WdfRequestComplete(Request, STATUS_SUCCESS);
}

static VOID EvtIoRead(WDFQUEUE Q, WDFREQUEST Request, size_t Length)
{
    WDF_REQUEST_PARAMETERS params;
    KIRQL oldIrql;

    UNREFERENCED_PARAMETER(Length);
    StatusCount = 0;
    switch (Misuse) {
    case DRVBAD_COMPLETE_TWICE:
        WdfObjectReference(Request);
        WdfRequestComplete(Request, STATUS_SUCCESS);
        WdfRequestComplete(Request, STATUS_UNSUCCESSFUL);
        WdfObjectDereference(Request);
        break;
    case DRVBAD_COMPLETE_TWICE_NOREF:
        WdfRequestComplete(Request, STATUS_SUCCESS);
        WdfRequestComplete(Request, STATUS_UNSUCCESSFUL);
        break;
    case DRVBAD_COMPLETE_CANCELABLE:
        Record(WdfRequestMarkCancelableEx(Request, EvtRequestCancel));
        WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, 3);
        break;
    case DRVBAD_KEEP_FOREVER:
        break;
    case DRVBAD_BUFFERS_AFTER_COMPLETE:
        BuffersAfterComplete(Request);
        break;
    case DRVBAD_STOP_ACK_WITHOUT_STOP:
        WdfRequestStopAcknowledge(Request, FALSE);
        WdfRequestComplete(Request, STATUS_SUCCESS);
        break;
    case DRVBAD_BAD_HANDLES:
        BadHandles(Q, Request);
        break;
    case DRVBAD_PARAMETERS_SIZE:
        WDF_REQUEST_PARAMETERS_INIT(&params);
        params.Size = sizeof(params) - 8;
        params.Type = WdfRequestTypeMax;
        WdfRequestGetParameters(Request, &params);
        Record(params.Type == WdfRequestTypeMax ? STATUS_SUCCESS : STATUS_UNSUCCESSFUL);
        WdfRequestComplete(Request, STATUS_SUCCESS);
        break;
    case DRVBAD_SYNC_AT_DISPATCH:
        KeRaiseIrql(DISPATCH_LEVEL, &oldIrql);
        WdfIoQueuePurgeSynchronously(Q);
        KeLowerIrql(oldIrql);
        WdfRequestComplete(Request, STATUS_SUCCESS);
        break;
    default:
        WdfRequestComplete(Request, STATUS_SUCCESS);
        break;
    }
}

VOID DrvBadSetMisuse(int NewMisuse)
{
    Misuse = NewMisuse;
    CancelCalls = 0;
    StatusCount = 0;
}

NTSTATUS DrvBadStatus(ULONG Index)
{
    return Index < StatusCount ? Statuses[Index] : 0;
}

LONG DrvBadCancelCalls(VOID)
{
    return InterlockedCompareExchange(&CancelCalls, 0, 0);
}

WDFQUEUE DrvBadQueue(VOID)
{
    return Queue;
}

static NTSTATUS EvtDeviceAdd(WDFDRIVER Driver, PWDFDEVICE_INIT DeviceInit)
{
    WDF_IO_QUEUE_CONFIG config;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(Driver);
    status = WdfDeviceCreate(&DeviceInit, WDF_NO_OBJECT_ATTRIBUTES, &Device);
    if (!NT_SUCCESS(status))
        return status;
    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&config, WdfIoQueueDispatchParallel);
    config.EvtIoRead = EvtIoRead;
    return WdfIoQueueCreate(Device, &config, WDF_NO_OBJECT_ATTRIBUTES, &Queue);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    WDF_DRIVER_CONFIG config;

    WDF_DRIVER_CONFIG_INIT(&config, EvtDeviceAdd);
    return WdfDriverCreate(DriverObject, RegistryPath, WDF_NO_OBJECT_ATTRIBUTES, &config,
                           WDF_NO_HANDLE);
}
