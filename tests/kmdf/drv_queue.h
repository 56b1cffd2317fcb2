/* drv_queue.h - the I/O queue test driver's entry points (tests/kmdf).  The driver (drv_queue.c)
 * is built with dmabox_add_driver and sees only the WDK headers; the harnesses (test_queue*.c,
 * test_request.c, test_request_cancel.c) configure it before adding a device, submit requests
 * through the runtime, and call these plain functions to drive and inspect it.
 *
 * The driver's default queue handles reads, writes and IOCTLs in one of three modes: complete
 * at once (reads fill the buffer with DRVQ_PATTERN, writes checksum theirs, IOCTLs per code), park
 * the request, or park it cancelable (WdfRequestMarkCancelableEx, with the documented
 * lock-protected hand-off between the completion path and EvtRequestCancel).  Every callback
 * reports to an optional observer, so a harness can see the thread and IRQL it ran on. */
#ifndef DRV_QUEUE_H
#define DRV_QUEUE_H

#include <ntddk.h>
#include <wdf.h>

DRIVER_INITIALIZE DriverEntry;

/* Byte i of a read at DeviceOffset off. */
#define DRVQ_PATTERN(off, i) ((UCHAR)(((off) + (i)) ^ 0xA5))

#define DRVQ_DEVICE_TYPE 0x8000
/* Output = input reversed; Information = input length. */
#define IOCTL_DRVQ_REVERSE CTL_CODE(DRVQ_DEVICE_TYPE, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_DRVQ_REVERSE_IN_DIRECT CTL_CODE(DRVQ_DEVICE_TYPE, 0x801, METHOD_IN_DIRECT, FILE_ANY_ACCESS)
#define IOCTL_DRVQ_REVERSE_OUT_DIRECT CTL_CODE(DRVQ_DEVICE_TYPE, 0x802, METHOD_OUT_DIRECT, FILE_ANY_ACCESS)
/* Completes with the status of WdfRequestRetrieveInputBuffer (neither I/O from user mode). */
#define IOCTL_DRVQ_NEITHER CTL_CODE(DRVQ_DEVICE_TYPE, 0x803, METHOD_NEITHER, FILE_ANY_ACCESS)
/* Completes with the status of WdfRequestRetrieveOutputBuffer(OutputBufferLength + 1). */
#define IOCTL_DRVQ_TOO_SMALL CTL_CODE(DRVQ_DEVICE_TYPE, 0x804, METHOD_BUFFERED, FILE_ANY_ACCESS)
/* Output bytes written through the WDFMEMORY and checked through the MDLs (METHOD_OUT_DIRECT);
 * Information = output length. */
#define IOCTL_DRVQ_VIEWS CTL_CODE(DRVQ_DEVICE_TYPE, 0x805, METHOD_OUT_DIRECT, FILE_ANY_ACCESS)

enum drvq_mode {
    DRVQ_MODE_COMPLETE = 0,
    DRVQ_MODE_PARK = 1,
    DRVQ_MODE_PARK_CANCELABLE = 2,
};

enum drvq_stop_action {
    DRVQ_STOP_NONE = 0,          /* no EvtIoStop registered */
    DRVQ_STOP_REQUEUE = 1,       /* WdfRequestStopAcknowledge(TRUE) (unmarking first) */
    DRVQ_STOP_KEEP = 2,          /* WdfRequestStopAcknowledge(FALSE); EvtIoResume afterwards */
    DRVQ_STOP_COMPLETE = 3,      /* complete with STATUS_CANCELLED */
};

typedef struct _DRVQ_CONFIG {
    WDF_IO_QUEUE_DISPATCH_TYPE Dispatch;   /* of the default queue */
    ULONG ParallelLimit;                   /* NumberOfPresentedRequests; 0 keeps the INIT value */
    WDF_TRI_STATE PowerManaged;
    WDF_DEVICE_IO_TYPE IoType;             /* 0: leave the default */
    WDF_EXECUTION_LEVEL ExecutionLevel;    /* of the device object (queues inherit) */
    WDF_SYNCHRONIZATION_SCOPE Scope;       /* of the device object */
    BOOLEAN AllowZeroLength;
    BOOLEAN CanceledOnQueue;               /* register EvtIoCanceledOnQueue */
    BOOLEAN ManualWriteQueue;              /* writes go to a second, manual queue */
    BOOLEAN NoDefaultQueue;
    enum drvq_mode Mode;
    enum drvq_stop_action StopAction;
} DRVQ_CONFIG;

/* Resets the driver's state and takes the configuration for the next device. */
VOID DrvQueueConfigure(const DRVQ_CONFIG *Config);

enum drvq_event {
    DRVQ_EV_READ = 1,
    DRVQ_EV_WRITE,
    DRVQ_EV_IOCTL,
    DRVQ_EV_STOP,            /* Arg: ActionFlags */
    DRVQ_EV_RESUME,
    DRVQ_EV_CANCELED_ON_QUEUE,
    DRVQ_EV_CANCEL,          /* EvtRequestCancel */
    DRVQ_EV_STATE,           /* an EvtIoQueueState callback; Arg: its context */
    DRVQ_EV_COUNT
};

/* Called from inside each callback (on its thread) when set. */
typedef VOID DRVQ_OBSERVER(ULONG Event, WDFREQUEST Request, ULONG_PTR Arg);
VOID DrvQueueSetObserver(DRVQ_OBSERVER *Observer);
LONG DrvQueueCount(ULONG Event);
/* Self-checks inside the driver that failed (parameters, queue/device handles, IRP view). */
LONG DrvQueueErrors(VOID);
ULONG DrvQueueLastWriteSum(VOID);

/* The device and queues DeviceAdd created. */
WDFDEVICE DrvQueueDevice(VOID);
WDFQUEUE DrvQueueDefault(VOID);
WDFQUEUE DrvQueueWrites(VOID);

/* Parked requests: how many, and complete the oldest with Status and Information (the
 * documented unmark-under-lock hand-off in cancelable mode).  Returns TRUE if it completed one;
 * FALSE if none was parked or EvtRequestCancel owns it.  IRQL <= DISPATCH_LEVEL. */
ULONG DrvQueueParkedCount(VOID);
BOOLEAN DrvQueueCompleteParked(NTSTATUS Status, ULONG_PTR Information);

/* The oldest parked request: WdfRequestIsCanceled; WdfRequestMarkCancelable[Ex] with the
 * driver's EvtRequestCancel (when Ex reports STATUS_CANCELLED the driver completes it with that
 * status); WdfRequestUnmarkCancelable.  Each returns the DDI's result (MarkCancelable:
 * STATUS_SUCCESS).  Nothing parked: STATUS_NOT_FOUND / FALSE. */
BOOLEAN DrvQueueParkedIsCanceled(VOID);
NTSTATUS DrvQueueMarkParked(BOOLEAN Ex);
NTSTATUS DrvQueueUnmarkParked(VOID);

/* Takes the oldest parked request and forwards it to Destination (WdfRequestForwardToIoQueue);
 * on failure completes it with the failure.  Returns the DDI's status (STATUS_NOT_FOUND when
 * nothing is parked). */
NTSTATUS DrvQueueForwardParked(WDFQUEUE Destination);
/* WdfRequestRequeue on the oldest parked request (which stays parked if that fails, is unparked
 * if it succeeds); returns its status. */
NTSTATUS DrvQueueRequeueParked(VOID);

/* Retrieves the next request from Queue and completes it as in DRVQ_MODE_COMPLETE (or parks
 * it in the park modes).  Returns the retrieval status. */
NTSTATUS DrvQueueRetrieveOne(WDFQUEUE Queue);

/* Queue state changes; the asynchronous forms pass Context to the EvtIoQueueState callback,
 * which reports DRVQ_EV_STATE. */
VOID DrvQueueStop(WDFQUEUE Queue, BOOLEAN Synchronously, ULONG_PTR Context);
VOID DrvQueueStart(WDFQUEUE Queue);
VOID DrvQueueDrain(WDFQUEUE Queue, BOOLEAN Synchronously, ULONG_PTR Context);
VOID DrvQueuePurge(WDFQUEUE Queue, BOOLEAN Synchronously, ULONG_PTR Context);
VOID DrvQueueStopAndPurge(WDFQUEUE Queue, BOOLEAN Synchronously, ULONG_PTR Context);
WDF_IO_QUEUE_STATE DrvQueueState(WDFQUEUE Queue, PULONG Queued, PULONG Owned);

/* Plain DDI calls for the harness. */
NTSTATUS DrvQueueCreateQueue(WDF_IO_QUEUE_DISPATCH_TYPE Dispatch, BOOLEAN Default,
                             BOOLEAN WithHandler, ULONG ConfigSize, WDFQUEUE *Queue);
NTSTATUS DrvQueueConfigureDispatching(WDFQUEUE Queue, WDF_REQUEST_TYPE Type);

#endif
