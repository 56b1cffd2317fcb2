/* wdfio.h - framework I/O queues (WDFQUEUE), as declared by the WDK (KMDF 1.33): dispatch types,
 * queue states, the request-handler callbacks, WDF_IO_QUEUE_CONFIG and the queue DDIs dmabox
 * implements.  Runtime side: src/kmdf/io/wdfio.c (shims), fx_queue.c and fx_queue_dispatch.c.
 * docs/kmdf-io.md describes the behaviour as built.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfio/
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/managing-i-o-queues
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/dispatching-methods-for-i-o-requests */
#ifndef DMABOX_WDK_WDFIO_H
#define DMABOX_WDK_WDFIO_H

#include "wdfobject.h"
#include "wdfrequest.h"

typedef enum _WDF_IO_QUEUE_DISPATCH_TYPE {
    WdfIoQueueDispatchInvalid = 0,
    WdfIoQueueDispatchSequential, /* one request at a time: the next after the driver completes */
    WdfIoQueueDispatchParallel,   /* as soon as they arrive, up to NumberOfPresentedRequests */
    WdfIoQueueDispatchManual,     /* never presented: WdfIoQueueRetrieveNextRequest */
    WdfIoQueueDispatchMax,
} WDF_IO_QUEUE_DISPATCH_TYPE;

/* WdfIoQueueGetState's bits. */
typedef enum _WDF_IO_QUEUE_STATE {
    WdfIoQueueAcceptRequests = 0x01,   /* new requests are queued (else completed with failure) */
    WdfIoQueueDispatchRequests = 0x02, /* queued requests are presented (sequential/parallel) */
    WdfIoQueueNoRequests = 0x04,       /* nothing waits in the queue */
    WdfIoQueueDriverNoRequests = 0x08, /* the driver owns no request that came from the queue */
    WdfIoQueuePnpHeld = 0x10,          /* power-managed and the device is not in D0 */
} WDF_IO_QUEUE_STATE;

FORCEINLINE BOOLEAN WDF_IO_QUEUE_IDLE(WDF_IO_QUEUE_STATE State)
{
    return (State & WdfIoQueueNoRequests) && (State & WdfIoQueueDriverNoRequests) ? TRUE : FALSE;
}

FORCEINLINE BOOLEAN WDF_IO_QUEUE_READY(WDF_IO_QUEUE_STATE State)
{
    return (State & WdfIoQueueDispatchRequests) && (State & WdfIoQueueAcceptRequests) &&
                   (State & WdfIoQueuePnpHeld) == 0
               ? TRUE
               : FALSE;
}

FORCEINLINE BOOLEAN WDF_IO_QUEUE_STOPPED(WDF_IO_QUEUE_STATE State)
{
    return (State & WdfIoQueueDispatchRequests) == 0 && (State & WdfIoQueueAcceptRequests) &&
                   (State & WdfIoQueueDriverNoRequests)
               ? TRUE
               : FALSE;
}

FORCEINLINE BOOLEAN WDF_IO_QUEUE_DRAINED(WDF_IO_QUEUE_STATE State)
{
    return (State & WdfIoQueueAcceptRequests) == 0 && (State & WdfIoQueueDispatchRequests) &&
                   (State & WdfIoQueueNoRequests) && (State & WdfIoQueueDriverNoRequests)
               ? TRUE
               : FALSE;
}

FORCEINLINE BOOLEAN WDF_IO_QUEUE_PURGED(WDF_IO_QUEUE_STATE State)
{
    return (State & WdfIoQueueAcceptRequests) == 0 && (State & WdfIoQueueNoRequests) &&
                   (State & WdfIoQueueDriverNoRequests)
               ? TRUE
               : FALSE;
}

/* ---- request handlers and queue events: IRQL <= DISPATCH_LEVEL (PASSIVE_LEVEL when the queue's
 * ExecutionLevel is WdfExecutionLevelPassive) ---- */

typedef VOID NTAPI EVT_WDF_IO_QUEUE_IO_DEFAULT(WDFQUEUE Queue, WDFREQUEST Request);
typedef EVT_WDF_IO_QUEUE_IO_DEFAULT *PFN_WDF_IO_QUEUE_IO_DEFAULT;

typedef VOID NTAPI EVT_WDF_IO_QUEUE_IO_STOP(WDFQUEUE Queue, WDFREQUEST Request,
                                            ULONG ActionFlags);
typedef EVT_WDF_IO_QUEUE_IO_STOP *PFN_WDF_IO_QUEUE_IO_STOP;

typedef VOID NTAPI EVT_WDF_IO_QUEUE_IO_RESUME(WDFQUEUE Queue, WDFREQUEST Request);
typedef EVT_WDF_IO_QUEUE_IO_RESUME *PFN_WDF_IO_QUEUE_IO_RESUME;

typedef VOID NTAPI EVT_WDF_IO_QUEUE_IO_READ(WDFQUEUE Queue, WDFREQUEST Request, size_t Length);
typedef EVT_WDF_IO_QUEUE_IO_READ *PFN_WDF_IO_QUEUE_IO_READ;

typedef VOID NTAPI EVT_WDF_IO_QUEUE_IO_WRITE(WDFQUEUE Queue, WDFREQUEST Request, size_t Length);
typedef EVT_WDF_IO_QUEUE_IO_WRITE *PFN_WDF_IO_QUEUE_IO_WRITE;

typedef VOID NTAPI EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL(WDFQUEUE Queue, WDFREQUEST Request,
                                                      size_t OutputBufferLength,
                                                      size_t InputBufferLength,
                                                      ULONG IoControlCode);
typedef EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL *PFN_WDF_IO_QUEUE_IO_DEVICE_CONTROL;

typedef VOID NTAPI EVT_WDF_IO_QUEUE_IO_INTERNAL_DEVICE_CONTROL(WDFQUEUE Queue,
                                                               WDFREQUEST Request,
                                                               size_t OutputBufferLength,
                                                               size_t InputBufferLength,
                                                               ULONG IoControlCode);
typedef EVT_WDF_IO_QUEUE_IO_INTERNAL_DEVICE_CONTROL *PFN_WDF_IO_QUEUE_IO_INTERNAL_DEVICE_CONTROL;

typedef VOID NTAPI EVT_WDF_IO_QUEUE_IO_CANCELED_ON_QUEUE(WDFQUEUE Queue, WDFREQUEST Request);
typedef EVT_WDF_IO_QUEUE_IO_CANCELED_ON_QUEUE *PFN_WDF_IO_QUEUE_IO_CANCELED_ON_QUEUE;

/* Stop / drain / purge finished (every request the driver got from the queue is done). */
typedef VOID NTAPI EVT_WDF_IO_QUEUE_STATE(WDFQUEUE Queue, WDFCONTEXT Context);
typedef EVT_WDF_IO_QUEUE_STATE *PFN_WDF_IO_QUEUE_STATE;

/* Member order is the WDK's (Driver was appended in KMDF 1.11). */
typedef struct _WDF_IO_QUEUE_CONFIG {
    ULONG Size;
    WDF_IO_QUEUE_DISPATCH_TYPE DispatchType;
    WDF_TRI_STATE PowerManaged;      /* WdfUseDefault: power-managed (dmabox has no filters) */
    BOOLEAN AllowZeroLengthRequests; /* FALSE: zero-length reads/writes complete with success */
    BOOLEAN DefaultQueue;
    PFN_WDF_IO_QUEUE_IO_DEFAULT EvtIoDefault;
    PFN_WDF_IO_QUEUE_IO_READ EvtIoRead;
    PFN_WDF_IO_QUEUE_IO_WRITE EvtIoWrite;
    PFN_WDF_IO_QUEUE_IO_DEVICE_CONTROL EvtIoDeviceControl;
    PFN_WDF_IO_QUEUE_IO_INTERNAL_DEVICE_CONTROL EvtIoInternalDeviceControl;
    PFN_WDF_IO_QUEUE_IO_STOP EvtIoStop;
    PFN_WDF_IO_QUEUE_IO_RESUME EvtIoResume;
    PFN_WDF_IO_QUEUE_IO_CANCELED_ON_QUEUE EvtIoCanceledOnQueue;
    union {
        struct {
            ULONG NumberOfPresentedRequests; /* (ULONG)-1: no limit */
        } Parallel;
    } Settings;
    WDFDRIVER Driver;                /* reserved: NULL */
} WDF_IO_QUEUE_CONFIG, *PWDF_IO_QUEUE_CONFIG;

/* Zeroes the structure, sets Size, PowerManaged = WdfUseDefault and the dispatch type; a parallel
 * queue gets an unlimited NumberOfPresentedRequests. */
FORCEINLINE VOID WDF_IO_QUEUE_CONFIG_INIT(PWDF_IO_QUEUE_CONFIG Config,
                                          WDF_IO_QUEUE_DISPATCH_TYPE DispatchType)
{
    memset(Config, 0, sizeof(WDF_IO_QUEUE_CONFIG));
    Config->Size = sizeof(WDF_IO_QUEUE_CONFIG);
    Config->PowerManaged = WdfUseDefault;
    Config->DispatchType = DispatchType;
    if (DispatchType == WdfIoQueueDispatchParallel)
        Config->Settings.Parallel.NumberOfPresentedRequests = (ULONG)-1;
}

/* The same, for the device's default queue (DefaultQueue = TRUE). */
FORCEINLINE VOID WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(PWDF_IO_QUEUE_CONFIG Config,
                                                        WDF_IO_QUEUE_DISPATCH_TYPE DispatchType)
{
    WDF_IO_QUEUE_CONFIG_INIT(Config, DispatchType);
    Config->DefaultQueue = TRUE;
}

/* ---- DDIs ---- */

/* IRQL <= DISPATCH_LEVEL.  The queue's parent is the device unless ParentObject names an object
 * whose parent chain leads to it.  Returns STATUS_SUCCESS, STATUS_INVALID_PARAMETER,
 * STATUS_INFO_LENGTH_MISMATCH, STATUS_WDF_NO_CALLBACK (no handler, not manual),
 * STATUS_UNSUCCESSFUL (a second default queue) or STATUS_INSUFFICIENT_RESOURCES. */
typedef NTSTATUS(NTAPI *PFN_WDFIOQUEUECREATE)(PWDF_DRIVER_GLOBALS DriverGlobals, WDFDEVICE Device,
                                              PWDF_IO_QUEUE_CONFIG Config,
                                              PWDF_OBJECT_ATTRIBUTES QueueAttributes,
                                              WDFQUEUE *Queue);
_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfIoQueueCreate(WDFDEVICE Device, PWDF_IO_QUEUE_CONFIG Config,
                                      PWDF_OBJECT_ATTRIBUTES QueueAttributes, WDFQUEUE *Queue)
{
    return ((PFN_WDFIOQUEUECREATE)WdfFunctions[WdfIoQueueCreateTableIndex])(
        WdfDriverGlobals, Device, Config, QueueAttributes, Queue);
}

/* IRQL <= DISPATCH_LEVEL.  The state bits, and optionally the number of requests waiting in the
 * queue and owned by the driver. */
typedef WDF_IO_QUEUE_STATE(NTAPI *PFN_WDFIOQUEUEGETSTATE)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                         WDFQUEUE Queue, PULONG QueueRequests,
                                                         PULONG DriverRequests);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE WDF_IO_QUEUE_STATE WdfIoQueueGetState(WDFQUEUE Queue, PULONG QueueRequests,
                                                  PULONG DriverRequests)
{
    return ((PFN_WDFIOQUEUEGETSTATE)WdfFunctions[WdfIoQueueGetStateTableIndex])(
        WdfDriverGlobals, Queue, QueueRequests, DriverRequests);
}

/* IRQL <= DISPATCH_LEVEL.  Accepts and delivers requests again. */
typedef VOID(NTAPI *PFN_WDFIOQUEUESTART)(PWDF_DRIVER_GLOBALS DriverGlobals, WDFQUEUE Queue);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfIoQueueStart(WDFQUEUE Queue)
{
    ((PFN_WDFIOQUEUESTART)WdfFunctions[WdfIoQueueStartTableIndex])(WdfDriverGlobals, Queue);
}

/* IRQL <= DISPATCH_LEVEL.  Stops delivering (requests still queue up); StopComplete runs once
 * every request the driver got from the queue is completed or requeued. */
typedef VOID(NTAPI *PFN_WDFIOQUEUESTOP)(PWDF_DRIVER_GLOBALS DriverGlobals, WDFQUEUE Queue,
                                        PFN_WDF_IO_QUEUE_STATE StopComplete, WDFCONTEXT Context);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfIoQueueStop(WDFQUEUE Queue, PFN_WDF_IO_QUEUE_STATE StopComplete,
                                WDFCONTEXT Context)
{
    ((PFN_WDFIOQUEUESTOP)WdfFunctions[WdfIoQueueStopTableIndex])(WdfDriverGlobals, Queue,
                                                                 StopComplete, Context);
}

/* PASSIVE_LEVEL.  WdfIoQueueStop, then waits for the driver's requests. */
typedef VOID(NTAPI *PFN_WDFIOQUEUESTOPSYNCHRONOUSLY)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                     WDFQUEUE Queue);
_IRQL_requires_max_(PASSIVE_LEVEL)
FORCEINLINE VOID WdfIoQueueStopSynchronously(WDFQUEUE Queue)
{
    ((PFN_WDFIOQUEUESTOPSYNCHRONOUSLY)WdfFunctions[WdfIoQueueStopSynchronouslyTableIndex])(
        WdfDriverGlobals, Queue);
}

/* IRQL <= DISPATCH_LEVEL. */
typedef WDFDEVICE(NTAPI *PFN_WDFIOQUEUEGETDEVICE)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                  WDFQUEUE Queue);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE WDFDEVICE WdfIoQueueGetDevice(WDFQUEUE Queue)
{
    return ((PFN_WDFIOQUEUEGETDEVICE)WdfFunctions[WdfIoQueueGetDeviceTableIndex])(WdfDriverGlobals,
                                                                                  Queue);
}

/* IRQL <= DISPATCH_LEVEL.  Returns STATUS_SUCCESS (*OutRequest now owned by the driver),
 * STATUS_NO_MORE_ENTRIES (empty), STATUS_INVALID_DEVICE_STATE (a parallel queue) or
 * STATUS_WDF_PAUSED (stopped, or power-managed while the device is not in D0). */
typedef NTSTATUS(NTAPI *PFN_WDFIOQUEUERETRIEVENEXTREQUEST)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                           WDFQUEUE Queue, WDFREQUEST *OutRequest);
_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfIoQueueRetrieveNextRequest(WDFQUEUE Queue, WDFREQUEST *OutRequest)
{
    return ((PFN_WDFIOQUEUERETRIEVENEXTREQUEST)
                WdfFunctions[WdfIoQueueRetrieveNextRequestTableIndex])(WdfDriverGlobals, Queue,
                                                                       OutRequest);
}

/* PASSIVE_LEVEL.  WdfIoQueueDrain, then waits until it is drained. */
typedef VOID(NTAPI *PFN_WDFIOQUEUEDRAINSYNCHRONOUSLY)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                      WDFQUEUE Queue);
_IRQL_requires_max_(PASSIVE_LEVEL)
FORCEINLINE VOID WdfIoQueueDrainSynchronously(WDFQUEUE Queue)
{
    ((PFN_WDFIOQUEUEDRAINSYNCHRONOUSLY)WdfFunctions[WdfIoQueueDrainSynchronouslyTableIndex])(
        WdfDriverGlobals, Queue);
}

/* IRQL <= DISPATCH_LEVEL.  Stops accepting (new requests fail with STATUS_INVALID_DEVICE_STATE)
 * but keeps delivering what is queued; DrainComplete runs when nothing is left. */
typedef VOID(NTAPI *PFN_WDFIOQUEUEDRAIN)(PWDF_DRIVER_GLOBALS DriverGlobals, WDFQUEUE Queue,
                                         PFN_WDF_IO_QUEUE_STATE DrainComplete, WDFCONTEXT Context);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfIoQueueDrain(WDFQUEUE Queue, PFN_WDF_IO_QUEUE_STATE DrainComplete,
                                 WDFCONTEXT Context)
{
    ((PFN_WDFIOQUEUEDRAIN)WdfFunctions[WdfIoQueueDrainTableIndex])(WdfDriverGlobals, Queue,
                                                                   DrainComplete, Context);
}

/* PASSIVE_LEVEL.  WdfIoQueuePurge, then waits until it is purged. */
typedef VOID(NTAPI *PFN_WDFIOQUEUEPURGESYNCHRONOUSLY)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                      WDFQUEUE Queue);
_IRQL_requires_max_(PASSIVE_LEVEL)
FORCEINLINE VOID WdfIoQueuePurgeSynchronously(WDFQUEUE Queue)
{
    ((PFN_WDFIOQUEUEPURGESYNCHRONOUSLY)WdfFunctions[WdfIoQueuePurgeSynchronouslyTableIndex])(
        WdfDriverGlobals, Queue);
}

/* IRQL <= DISPATCH_LEVEL.  Stops accepting, cancels every queued request (EvtIoCanceledOnQueue,
 * or completion with STATUS_CANCELLED) and every cancelable request the driver owns
 * (EvtRequestCancel); PurgeComplete runs when the driver owns none. */
typedef VOID(NTAPI *PFN_WDFIOQUEUEPURGE)(PWDF_DRIVER_GLOBALS DriverGlobals, WDFQUEUE Queue,
                                         PFN_WDF_IO_QUEUE_STATE PurgeComplete, WDFCONTEXT Context);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfIoQueuePurge(WDFQUEUE Queue, PFN_WDF_IO_QUEUE_STATE PurgeComplete,
                                 WDFCONTEXT Context)
{
    ((PFN_WDFIOQUEUEPURGE)WdfFunctions[WdfIoQueuePurgeTableIndex])(WdfDriverGlobals, Queue,
                                                                   PurgeComplete, Context);
}

/* IRQL <= DISPATCH_LEVEL (KMDF 1.11).  Stops delivering and cancels as a purge does, but the
 * queue keeps accepting new requests; WdfIoQueueStart resumes delivery. */
typedef VOID(NTAPI *PFN_WDFIOQUEUESTOPANDPURGE)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                WDFQUEUE Queue,
                                                PFN_WDF_IO_QUEUE_STATE StopAndPurgeComplete,
                                                WDFCONTEXT Context);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfIoQueueStopAndPurge(WDFQUEUE Queue,
                                        PFN_WDF_IO_QUEUE_STATE StopAndPurgeComplete,
                                        WDFCONTEXT Context)
{
    ((PFN_WDFIOQUEUESTOPANDPURGE)WdfFunctions[WdfIoQueueStopAndPurgeTableIndex])(
        WdfDriverGlobals, Queue, StopAndPurgeComplete, Context);
}

/* PASSIVE_LEVEL (KMDF 1.11). */
typedef VOID(NTAPI *PFN_WDFIOQUEUESTOPANDPURGESYNCHRONOUSLY)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                             WDFQUEUE Queue);
_IRQL_requires_max_(PASSIVE_LEVEL)
FORCEINLINE VOID WdfIoQueueStopAndPurgeSynchronously(WDFQUEUE Queue)
{
    ((PFN_WDFIOQUEUESTOPANDPURGESYNCHRONOUSLY)
         WdfFunctions[WdfIoQueueStopAndPurgeSynchronouslyTableIndex])(WdfDriverGlobals, Queue);
}

/* ---- from wdfdevice.h ----
 * WdfDeviceConfigureRequestDispatching belongs to wdfdevice.h in the WDK; it is declared here
 * until that header carries it.  IRQL <= DISPATCH_LEVEL.  RequestType must be Create, Read,
 * Write, DeviceControl or DeviceControlInternal (else STATUS_INVALID_PARAMETER); a type that
 * already has a queue gives STATUS_WDF_BUSY. */
#ifndef DMABOX_WDFDEVICE_HAS_CONFIGURE_REQUEST_DISPATCHING
typedef NTSTATUS(NTAPI *PFN_WDFDEVICECONFIGUREREQUESTDISPATCHING)(
    PWDF_DRIVER_GLOBALS DriverGlobals, WDFDEVICE Device, WDFQUEUE Queue,
    WDF_REQUEST_TYPE RequestType);
_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfDeviceConfigureRequestDispatching(WDFDEVICE Device, WDFQUEUE Queue,
                                                          WDF_REQUEST_TYPE RequestType)
{
    return ((PFN_WDFDEVICECONFIGUREREQUESTDISPATCHING)
                WdfFunctions[WdfDeviceConfigureRequestDispatchingTableIndex])(
        WdfDriverGlobals, Device, Queue, RequestType);
}
#endif

#endif
