/* drv_queue_bad.h - a deliberately wrong queue/request driver (tests/kmdf/drv_queue_bad.c) for
 * the verifier tests of test_request_vf.c: its EvtIoRead commits the misuse the harness selects,
 * and records the statuses the DDIs returned to it. */
#ifndef DRV_QUEUE_BAD_H
#define DRV_QUEUE_BAD_H

#include <ntddk.h>
#include <wdf.h>

DRIVER_INITIALIZE DriverEntry;

enum drvbad_misuse {
    DRVBAD_NONE = 0,             /* complete with STATUS_SUCCESS, as a correct driver */
    DRVBAD_COMPLETE_TWICE,       /* WdfObjectReference, complete, complete again */
    DRVBAD_COMPLETE_TWICE_NOREF, /* complete, complete again (the handle is gone) */
    DRVBAD_COMPLETE_CANCELABLE,  /* WdfRequestMarkCancelableEx, then complete */
    DRVBAD_KEEP_FOREVER,         /* never complete (not cancelable, no EvtIoStop) */
    DRVBAD_BUFFERS_AFTER_COMPLETE, /* reference, complete, retrieve buffer, MDL and memory */
    DRVBAD_STOP_ACK_WITHOUT_STOP,  /* WdfRequestStopAcknowledge while nothing is stopping */
    DRVBAD_BAD_HANDLES,          /* complete NULL, complete the queue handle, start the device */
    DRVBAD_PARAMETERS_SIZE,      /* WdfRequestGetParameters with a wrong Size */
    DRVBAD_SYNC_AT_DISPATCH,     /* WdfIoQueuePurgeSynchronously at DISPATCH_LEVEL */
};

VOID DrvBadSetMisuse(int Misuse);
/* Statuses the DDIs returned inside the last EvtIoRead, in call order (0 past the end). */
NTSTATUS DrvBadStatus(ULONG Index);
LONG DrvBadCancelCalls(VOID);
WDFQUEUE DrvBadQueue(VOID);

#endif
