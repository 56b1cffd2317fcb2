/* drv_queue.c - I/O queue test driver (tests/kmdf): a KMDF function driver written as a Windows
 * driver would be, against the WDK headers only.  DeviceAdd builds a default queue (and
 * optionally a manual write queue) as configured by the harness; the request handlers complete,
 * park, or park cancelable; EvtIoStop/EvtIoResume/EvtIoCanceledOnQueue follow the configuration.
 * See drv_queue.h. */
#include <ntddk.h>
#include <wdf.h>

#include "drv_queue.h"

#define DRVQ_MAX_PARKED 512

typedef struct _DEVICE_CONTEXT {
    ULONG Magic;
} DEVICE_CONTEXT, *PDEVICE_CONTEXT;

WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(DEVICE_CONTEXT, DeviceGetContext)

static DRVQ_CONFIG Config;
static DRVQ_OBSERVER *Observer;
static LONG Counts[DRVQ_EV_COUNT];
static LONG Errors;
static ULONG LastWriteSum;
static WDFDEVICE Device;
static WDFQUEUE DefaultQueue, WriteQueue;

/* Parked requests, oldest first, with the lock that hands each to exactly one of the completion
 * path and EvtRequestCancel. */
static WDFSPINLOCK ParkLock;
static WDFREQUEST Parked[DRVQ_MAX_PARKED];
static ULONG ParkedCount;

static VOID Report(ULONG Event, WDFREQUEST Request, ULONG_PTR Arg)
{
    InterlockedIncrement(&Counts[Event]);
    if (Observer != NULL)
        Observer(Event, Request, Arg);
}

static VOID Expect(BOOLEAN Condition)
{
    if (!Condition)
        InterlockedIncrement(&Errors);
}

/* ---- parking ---- */

/* Caller holds ParkLock. */
static BOOLEAN ParkRemoveLocked(WDFREQUEST Request)
{
    for (ULONG i = 0; i < ParkedCount; i++) {
        if (Parked[i] == Request) {
            for (; i + 1 < ParkedCount; i++)
                Parked[i] = Parked[i + 1];
            ParkedCount--;
            return TRUE;
        }
    }
    return FALSE;
}

/* EvtRequestCancel always completes: it alone owns the request once the framework calls it. */
static VOID EvtRequestCancel(WDFREQUEST Request)
{
    Report(DRVQ_EV_CANCEL, Request, 0);
    WdfSpinLockAcquire(ParkLock);
    ParkRemoveLocked(Request);
    WdfSpinLockRelease(ParkLock);
    WdfRequestComplete(Request, STATUS_CANCELLED);
}

static VOID Park(WDFREQUEST Request)
{
    NTSTATUS status = STATUS_SUCCESS;

    WdfSpinLockAcquire(ParkLock);
    if (Config.Mode == DRVQ_MODE_PARK_CANCELABLE)
        status = WdfRequestMarkCancelableEx(Request, EvtRequestCancel);
    if (NT_SUCCESS(status) && ParkedCount < DRVQ_MAX_PARKED)
        Parked[ParkedCount++] = Request;
    WdfSpinLockRelease(ParkLock);
    /* Already canceled: do what EvtRequestCancel would have done. */
    if (status == STATUS_CANCELLED)
        WdfRequestComplete(Request, STATUS_CANCELLED);
    else
        Expect(NT_SUCCESS(status));
}

ULONG DrvQueueParkedCount(VOID)
{
    ULONG count;

    WdfSpinLockAcquire(ParkLock);
    count = ParkedCount;
    WdfSpinLockRelease(ParkLock);
    return count;
}

BOOLEAN DrvQueueCompleteParked(NTSTATUS Status, ULONG_PTR Information)
{
    WDFREQUEST request = NULL;

    WdfSpinLockAcquire(ParkLock);
    if (ParkedCount != 0) {
        request = Parked[0];
        /* Unmarked under the lock EvtRequestCancel takes first: if the cancel won, it is still
         * parked and EvtRequestCancel will find and complete it. */
        if (Config.Mode == DRVQ_MODE_PARK_CANCELABLE &&
            WdfRequestUnmarkCancelable(request) == STATUS_CANCELLED)
            request = NULL;
        else
            ParkRemoveLocked(request);
    }
    WdfSpinLockRelease(ParkLock);
    if (request == NULL)
        return FALSE;
    WdfRequestCompleteWithInformation(request, Status, Information);
    return TRUE;
}

static WDFREQUEST OldestParked(VOID)
{
    WDFREQUEST request;

    WdfSpinLockAcquire(ParkLock);
    request = ParkedCount != 0 ? Parked[0] : NULL;
    WdfSpinLockRelease(ParkLock);
    return request;
}

BOOLEAN DrvQueueParkedIsCanceled(VOID)
{
    WDFREQUEST request = OldestParked();

    return request != NULL && WdfRequestIsCanceled(request);
}

NTSTATUS DrvQueueMarkParked(BOOLEAN Ex)
{
    WDFREQUEST request = OldestParked();
    NTSTATUS status;

    if (request == NULL)
        return STATUS_NOT_FOUND;
    if (!Ex) {
        /* May call EvtRequestCancel at once, which takes ParkLock: not called under it. */
        WdfRequestMarkCancelable(request, EvtRequestCancel);
        return STATUS_SUCCESS;
    }
    WdfSpinLockAcquire(ParkLock);
    status = WdfRequestMarkCancelableEx(request, EvtRequestCancel);
    if (status == STATUS_CANCELLED)
        ParkRemoveLocked(request);
    WdfSpinLockRelease(ParkLock);
    if (status == STATUS_CANCELLED)
        WdfRequestComplete(request, STATUS_CANCELLED);
    return status;
}

NTSTATUS DrvQueueUnmarkParked(VOID)
{
    WDFREQUEST request = OldestParked();

    return request != NULL ? WdfRequestUnmarkCancelable(request) : STATUS_NOT_FOUND;
}

NTSTATUS DrvQueueForwardParked(WDFQUEUE Destination)
{
    WDFREQUEST request;
    NTSTATUS status;

    WdfSpinLockAcquire(ParkLock);
    request = ParkedCount != 0 ? Parked[0] : NULL;
    if (request != NULL)
        ParkRemoveLocked(request);
    WdfSpinLockRelease(ParkLock);
    if (request == NULL)
        return STATUS_NOT_FOUND;
    status = WdfRequestForwardToIoQueue(request, Destination);
    if (!NT_SUCCESS(status))
        WdfRequestComplete(request, status);
    return status;
}

NTSTATUS DrvQueueRequeueParked(VOID)
{
    WDFREQUEST request;
    NTSTATUS status = STATUS_NOT_FOUND;

    WdfSpinLockAcquire(ParkLock);
    request = ParkedCount != 0 ? Parked[0] : NULL;
    if (request != NULL) {
        status = WdfRequestRequeue(request);
        if (NT_SUCCESS(status))
            ParkRemoveLocked(request);
    }
    WdfSpinLockRelease(ParkLock);
    return status;
}

/* ---- processing ---- */

static VOID CheckRequestView(WDFQUEUE Queue, WDFREQUEST Request, UCHAR Major)
{
    PIRP irp = WdfRequestWdmGetIrp(Request);

    Expect(WdfRequestGetIoQueue(Request) == Queue);
    Expect(WdfIoQueueGetDevice(Queue) == Device);
    Expect(irp != NULL && IoGetCurrentIrpStackLocation(irp)->MajorFunction == Major);
    Expect(WdfRequestGetRequestorMode(Request) == UserMode);
}

static VOID CompleteRead(WDFREQUEST Request)
{
    WDF_REQUEST_PARAMETERS params;
    PUCHAR buffer;
    size_t length;
    NTSTATUS status;

    WDF_REQUEST_PARAMETERS_INIT(&params);
    WdfRequestGetParameters(Request, &params);
    Expect(params.Type == WdfRequestTypeRead);
    status = WdfRequestRetrieveOutputBuffer(Request, 1, (PVOID *)&buffer, &length);
    if (!NT_SUCCESS(status)) {
        WdfRequestComplete(Request, status);
        return;
    }
    Expect(length == params.Parameters.Read.Length);
    /* A read has no input buffer. */
    Expect(WdfRequestRetrieveInputBuffer(Request, 0, &(PVOID){NULL}, NULL) ==
           STATUS_INVALID_DEVICE_REQUEST);
    for (size_t i = 0; i < length; i++)
        buffer[i] = DRVQ_PATTERN((ULONG)params.Parameters.Read.DeviceOffset, i);
    WdfRequestSetInformation(Request, length);
    Expect(WdfRequestGetInformation(Request) == length);
    WdfRequestComplete(Request, STATUS_SUCCESS);
}

static VOID CompleteWrite(WDFREQUEST Request)
{
    PUCHAR buffer;
    size_t length;
    ULONG sum = 0;
    NTSTATUS status = WdfRequestRetrieveInputBuffer(Request, 1, (PVOID *)&buffer, &length);

    if (!NT_SUCCESS(status)) {
        WdfRequestComplete(Request, status);
        return;
    }
    /* A write has no output buffer. */
    Expect(WdfRequestRetrieveOutputBuffer(Request, 0, &(PVOID){NULL}, NULL) ==
           STATUS_INVALID_DEVICE_REQUEST);
    for (size_t i = 0; i < length; i++)
        sum += buffer[i];
    LastWriteSum = sum;
    WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, length);
}

static VOID CompleteViews(WDFREQUEST Request, size_t OutputLength)
{
    WDFMEMORY memory;
    PMDL mdl, mdl2;
    PUCHAR buffer;
    size_t size;
    NTSTATUS status = WdfRequestRetrieveOutputMemory(Request, &memory);

    if (!NT_SUCCESS(status)) {
        WdfRequestComplete(Request, status);
        return;
    }
    buffer = WdfMemoryGetBuffer(memory, &size);
    Expect(size == OutputLength);
    for (size_t i = 0; i < size; i++)
        Expect(NT_SUCCESS(WdfMemoryCopyFromBuffer(memory, i, &(UCHAR){(UCHAR)(0x30 + i)}, 1)));
    status = WdfRequestRetrieveOutputWdmMdl(Request, &mdl);
    Expect(NT_SUCCESS(status) && MmGetMdlByteCount(mdl) == OutputLength);
    Expect(NT_SUCCESS(status) && MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority) == buffer);
    /* The input of METHOD_OUT_DIRECT is a system buffer; the framework builds an MDL for it. */
    status = WdfRequestRetrieveInputWdmMdl(Request, &mdl2);
    Expect(NT_SUCCESS(status) && mdl2 != mdl);
    WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, size);
}

static VOID CompleteIoctl(WDFREQUEST Request, size_t OutputLength, size_t InputLength, ULONG Code)
{
    PUCHAR in, out;
    NTSTATUS status;

    switch (Code) {
    case IOCTL_DRVQ_REVERSE:
    case IOCTL_DRVQ_REVERSE_IN_DIRECT:
    case IOCTL_DRVQ_REVERSE_OUT_DIRECT:
        status = WdfRequestRetrieveInputBuffer(Request, InputLength, (PVOID *)&in, NULL);
        if (NT_SUCCESS(status))
            status = WdfRequestRetrieveOutputBuffer(Request, InputLength, (PVOID *)&out, NULL);
        if (!NT_SUCCESS(status))
            break;
        if (Code == IOCTL_DRVQ_REVERSE) {
            UCHAR copy[256];
            /* One buffer serves both directions: keep the input before writing output. */
            RtlCopyMemory(copy, in, InputLength < sizeof(copy) ? InputLength : sizeof(copy));
            in = copy;
            for (size_t i = 0; i < InputLength && i < sizeof(copy); i++)
                out[i] = in[InputLength - 1 - i];
        } else {
            for (size_t i = 0; i < InputLength; i++)
                out[i] = in[InputLength - 1 - i];
        }
        WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, InputLength);
        return;
    case IOCTL_DRVQ_NEITHER:
        status = WdfRequestRetrieveInputBuffer(Request, 1, (PVOID *)&in, NULL);
        break;
    case IOCTL_DRVQ_TOO_SMALL:
        status = WdfRequestRetrieveOutputBuffer(Request, OutputLength + 1, (PVOID *)&out, NULL);
        break;
    case IOCTL_DRVQ_VIEWS:
        CompleteViews(Request, OutputLength);
        return;
    default:
        status = STATUS_INVALID_DEVICE_REQUEST;
        break;
    }
    WdfRequestComplete(Request, status);
}

/* The request as DRVQ_MODE_COMPLETE handles it. */
static VOID Process(WDFREQUEST Request)
{
    WDF_REQUEST_PARAMETERS params;

    WDF_REQUEST_PARAMETERS_INIT(&params);
    WdfRequestGetParameters(Request, &params);
    switch (params.Type) {
    case WdfRequestTypeRead:
        CompleteRead(Request);
        break;
    case WdfRequestTypeWrite:
        CompleteWrite(Request);
        break;
    case WdfRequestTypeDeviceControl:
        CompleteIoctl(Request, params.Parameters.DeviceIoControl.OutputBufferLength,
                      params.Parameters.DeviceIoControl.InputBufferLength,
                      params.Parameters.DeviceIoControl.IoControlCode);
        break;
    default:
        WdfRequestComplete(Request, STATUS_INVALID_DEVICE_REQUEST);
        break;
    }
}

static VOID Handle(WDFREQUEST Request)
{
    if (Config.Mode == DRVQ_MODE_COMPLETE)
        Process(Request);
    else
        Park(Request);
}

/* ---- queue callbacks ---- */

static EVT_WDF_IO_QUEUE_IO_READ EvtIoRead;
static EVT_WDF_IO_QUEUE_IO_WRITE EvtIoWrite;
static EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL EvtIoDeviceControl;
static EVT_WDF_IO_QUEUE_IO_STOP EvtIoStop;
static EVT_WDF_IO_QUEUE_IO_RESUME EvtIoResume;
static EVT_WDF_IO_QUEUE_IO_CANCELED_ON_QUEUE EvtIoCanceledOnQueue;
static EVT_WDF_IO_QUEUE_STATE EvtIoQueueState;

static VOID EvtIoRead(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
    Report(DRVQ_EV_READ, Request, Length);
    CheckRequestView(Queue, Request, IRP_MJ_READ);
    Handle(Request);
}

static VOID EvtIoWrite(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
    Report(DRVQ_EV_WRITE, Request, Length);
    CheckRequestView(Queue, Request, IRP_MJ_WRITE);
    Handle(Request);
}

static VOID EvtIoDeviceControl(WDFQUEUE Queue, WDFREQUEST Request, size_t OutputBufferLength,
                               size_t InputBufferLength, ULONG IoControlCode)
{
    UNREFERENCED_PARAMETER(OutputBufferLength);
    UNREFERENCED_PARAMETER(InputBufferLength);
    Report(DRVQ_EV_IOCTL, Request, IoControlCode);
    CheckRequestView(Queue, Request, IRP_MJ_DEVICE_CONTROL);
    Handle(Request);
}

static VOID EvtIoStop(WDFQUEUE Queue, WDFREQUEST Request, ULONG ActionFlags)
{
    BOOLEAN ours;

    UNREFERENCED_PARAMETER(Queue);
    Report(DRVQ_EV_STOP, Request, ActionFlags);
    if (Config.StopAction == DRVQ_STOP_KEEP) {
        WdfRequestStopAcknowledge(Request, FALSE);
        return;
    }
    /* Take it back from the park; if EvtRequestCancel owns it, that completes it. */
    WdfSpinLockAcquire(ParkLock);
    ours = ParkRemoveLocked(Request);
    if (ours && (ActionFlags & WdfRequestStopRequestCancelable) &&
        WdfRequestUnmarkCancelable(Request) == STATUS_CANCELLED)
        ours = FALSE;
    WdfSpinLockRelease(ParkLock);
    if (!ours)
        return;
    if (Config.StopAction == DRVQ_STOP_REQUEUE)
        WdfRequestStopAcknowledge(Request, TRUE);
    else
        WdfRequestComplete(Request, STATUS_CANCELLED);
}

static VOID EvtIoResume(WDFQUEUE Queue, WDFREQUEST Request)
{
    UNREFERENCED_PARAMETER(Queue);
    Report(DRVQ_EV_RESUME, Request, 0);
}

/* Completed with Information 0xCA so the harness can tell the driver's cancellation from the
 * framework's. */
static VOID EvtIoCanceledOnQueue(WDFQUEUE Queue, WDFREQUEST Request)
{
    UNREFERENCED_PARAMETER(Queue);
    Report(DRVQ_EV_CANCELED_ON_QUEUE, Request, 0);
    WdfRequestCompleteWithInformation(Request, STATUS_CANCELLED, 0xCA);
}

static VOID EvtIoQueueState(WDFQUEUE Queue, WDFCONTEXT Context)
{
    UNREFERENCED_PARAMETER(Queue);
    Report(DRVQ_EV_STATE, NULL, (ULONG_PTR)Context);
}

/* ---- harness entry points ---- */

VOID DrvQueueConfigure(const DRVQ_CONFIG *NewConfig)
{
    Config = *NewConfig;
    Observer = NULL;
    for (ULONG i = 0; i < DRVQ_EV_COUNT; i++)
        Counts[i] = 0;
    Errors = 0;
    LastWriteSum = 0;
    ParkedCount = 0;
    Device = NULL;
    DefaultQueue = WriteQueue = NULL;
}

VOID DrvQueueSetObserver(DRVQ_OBSERVER *NewObserver)
{
    Observer = NewObserver;
}

LONG DrvQueueCount(ULONG Event)
{
    return InterlockedCompareExchange(&Counts[Event], 0, 0);
}

LONG DrvQueueErrors(VOID)
{
    return InterlockedCompareExchange(&Errors, 0, 0);
}

ULONG DrvQueueLastWriteSum(VOID)
{
    return LastWriteSum;
}

WDFDEVICE DrvQueueDevice(VOID)
{
    return Device;
}

WDFQUEUE DrvQueueDefault(VOID)
{
    return DefaultQueue;
}

WDFQUEUE DrvQueueWrites(VOID)
{
    return WriteQueue;
}

NTSTATUS DrvQueueRetrieveOne(WDFQUEUE Queue)
{
    WDFREQUEST request;
    NTSTATUS status = WdfIoQueueRetrieveNextRequest(Queue, &request);

    if (NT_SUCCESS(status))
        Handle(request);
    else
        Expect(request == NULL);
    return status;
}

VOID DrvQueueStop(WDFQUEUE Queue, BOOLEAN Synchronously, ULONG_PTR Context)
{
    if (Synchronously)
        WdfIoQueueStopSynchronously(Queue);
    else
        WdfIoQueueStop(Queue, EvtIoQueueState, (WDFCONTEXT)Context);
}

VOID DrvQueueStart(WDFQUEUE Queue)
{
    WdfIoQueueStart(Queue);
}

VOID DrvQueueDrain(WDFQUEUE Queue, BOOLEAN Synchronously, ULONG_PTR Context)
{
    if (Synchronously)
        WdfIoQueueDrainSynchronously(Queue);
    else
        WdfIoQueueDrain(Queue, EvtIoQueueState, (WDFCONTEXT)Context);
}

VOID DrvQueuePurge(WDFQUEUE Queue, BOOLEAN Synchronously, ULONG_PTR Context)
{
    if (Synchronously)
        WdfIoQueuePurgeSynchronously(Queue);
    else
        WdfIoQueuePurge(Queue, EvtIoQueueState, (WDFCONTEXT)Context);
}

VOID DrvQueueStopAndPurge(WDFQUEUE Queue, BOOLEAN Synchronously, ULONG_PTR Context)
{
    if (Synchronously)
        WdfIoQueueStopAndPurgeSynchronously(Queue);
    else
        WdfIoQueueStopAndPurge(Queue, EvtIoQueueState, (WDFCONTEXT)Context);
}

WDF_IO_QUEUE_STATE DrvQueueState(WDFQUEUE Queue, PULONG Queued, PULONG Owned)
{
    return WdfIoQueueGetState(Queue, Queued, Owned);
}

NTSTATUS DrvQueueCreateQueue(WDF_IO_QUEUE_DISPATCH_TYPE Dispatch, BOOLEAN Default,
                             BOOLEAN WithHandler, ULONG ConfigSize, WDFQUEUE *Queue)
{
    WDF_IO_QUEUE_CONFIG config;

    WDF_IO_QUEUE_CONFIG_INIT(&config, Dispatch);
    config.Size = ConfigSize;
    config.DefaultQueue = Default;
    if (WithHandler)
        config.EvtIoRead = EvtIoRead;
    return WdfIoQueueCreate(Device, &config, WDF_NO_OBJECT_ATTRIBUTES, Queue);
}

NTSTATUS DrvQueueConfigureDispatching(WDFQUEUE Queue, WDF_REQUEST_TYPE Type)
{
    return WdfDeviceConfigureRequestDispatching(Device, Queue, Type);
}

/* ---- driver ---- */

static NTSTATUS CreateQueues(WDFDEVICE NewDevice)
{
    WDF_IO_QUEUE_CONFIG config;
    NTSTATUS status;

    if (!Config.NoDefaultQueue) {
        WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&config, Config.Dispatch);
        if (Config.ParallelLimit != 0)
            config.Settings.Parallel.NumberOfPresentedRequests = Config.ParallelLimit;
        config.PowerManaged = Config.PowerManaged;
        config.AllowZeroLengthRequests = Config.AllowZeroLength;
        config.EvtIoRead = EvtIoRead;
        config.EvtIoWrite = EvtIoWrite;
        config.EvtIoDeviceControl = EvtIoDeviceControl;
        if (Config.StopAction != DRVQ_STOP_NONE) {
            config.EvtIoStop = EvtIoStop;
            config.EvtIoResume = EvtIoResume;
        }
        if (Config.CanceledOnQueue)
            config.EvtIoCanceledOnQueue = EvtIoCanceledOnQueue;
        status = WdfIoQueueCreate(NewDevice, &config, WDF_NO_OBJECT_ATTRIBUTES, &DefaultQueue);
        if (!NT_SUCCESS(status))
            return status;
    }
    if (Config.ManualWriteQueue) {
        WDF_IO_QUEUE_CONFIG_INIT(&config, WdfIoQueueDispatchManual);
        config.PowerManaged = Config.PowerManaged;
        if (Config.CanceledOnQueue)
            config.EvtIoCanceledOnQueue = EvtIoCanceledOnQueue;
        status = WdfIoQueueCreate(NewDevice, &config, WDF_NO_OBJECT_ATTRIBUTES, &WriteQueue);
        if (NT_SUCCESS(status))
            status = WdfDeviceConfigureRequestDispatching(NewDevice, WriteQueue,
                                                          WdfRequestTypeWrite);
        if (!NT_SUCCESS(status))
            return status;
    }
    return STATUS_SUCCESS;
}

static NTSTATUS DrvEvtDeviceAdd(WDFDRIVER Driver, PWDFDEVICE_INIT DeviceInit)
{
    WDF_OBJECT_ATTRIBUTES attributes;
    WDFDEVICE newDevice;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(Driver);
    if (Config.IoType != WdfDeviceIoUndefined)
        WdfDeviceInitSetIoType(DeviceInit, Config.IoType);
    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, DEVICE_CONTEXT);
    if (Config.ExecutionLevel != WdfExecutionLevelInvalid)
        attributes.ExecutionLevel = Config.ExecutionLevel;
    if (Config.Scope != WdfSynchronizationScopeInvalid)
        attributes.SynchronizationScope = Config.Scope;
    status = WdfDeviceCreate(&DeviceInit, &attributes, &newDevice);
    if (!NT_SUCCESS(status))
        return status;
    DeviceGetContext(newDevice)->Magic = 0x51554555;
    Device = newDevice;
    WDF_OBJECT_ATTRIBUTES_INIT(&attributes);
    attributes.ParentObject = newDevice;
    status = WdfSpinLockCreate(&attributes, &ParkLock);
    if (!NT_SUCCESS(status))
        return status;
    return CreateQueues(newDevice);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    WDF_DRIVER_CONFIG config;

    WDF_DRIVER_CONFIG_INIT(&config, DrvEvtDeviceAdd);
    return WdfDriverCreate(DriverObject, RegistryPath, WDF_NO_OBJECT_ATTRIBUTES, &config,
                           WDF_NO_HANDLE);
}
