/* wdfrequest.h - framework request objects (WDFREQUEST), as declared by the WDK (KMDF 1.33):
 * request types, stop-action flags, WDF_REQUEST_PARAMETERS and the request DDIs dmabox
 * implements for requests that arrive through I/O queues.  Runtime side:
 * src/kmdf/io/wdfrequest.c (shims), fx_request.c and fx_request_cancel.c.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfrequest/
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/completing-i-o-requests
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/canceling-i-o-requests */
#ifndef DMABOX_WDK_WDFREQUEST_H
#define DMABOX_WDK_WDFREQUEST_H

#include "wdfobject.h"

/* The values are the IRP_MJ_* codes of the request's IRP. */
typedef enum _WDF_REQUEST_TYPE {
    WdfRequestTypeCreate = 0x0,
    WdfRequestTypeCreateNamedPipe = 0x1,
    WdfRequestTypeClose = 0x2,
    WdfRequestTypeRead = 0x3,
    WdfRequestTypeWrite = 0x4,
    WdfRequestTypeQueryInformation = 0x5,
    WdfRequestTypeSetInformation = 0x6,
    WdfRequestTypeQueryEA = 0x7,
    WdfRequestTypeSetEA = 0x8,
    WdfRequestTypeFlushBuffers = 0x9,
    WdfRequestTypeQueryVolumeInformation = 0xa,
    WdfRequestTypeSetVolumeInformation = 0xb,
    WdfRequestTypeDirectoryControl = 0xc,
    WdfRequestTypeFileSystemControl = 0xd,
    WdfRequestTypeDeviceControl = 0xe,
    WdfRequestTypeDeviceControlInternal = 0xf,
    WdfRequestTypeShutdown = 0x10,
    WdfRequestTypeLockControl = 0x11,
    WdfRequestTypeCleanup = 0x12,
    WdfRequestTypeCreateMailSlot = 0x13,
    WdfRequestTypeQuerySecurity = 0x14,
    WdfRequestTypeSetSecurity = 0x15,
    WdfRequestTypePower = 0x16,
    WdfRequestTypeSystemControl = 0x17,
    WdfRequestTypeDeviceChange = 0x18,
    WdfRequestTypeQueryQuota = 0x19,
    WdfRequestTypeSetQuota = 0x1A,
    WdfRequestTypePnp = 0x1B,
    WdfRequestTypeOther = 0x1C,
    WdfRequestTypeUsb = 0x40,
    WdfRequestTypeNoFormat = 0xFF,
    WdfRequestTypeMax,
} WDF_REQUEST_TYPE;

/* EvtIoStop's ActionFlags: Suspend (leaving D0) or Purge (removal), plus Cancelable when the
 * driver has marked the request cancelable. */
typedef enum _WDF_REQUEST_STOP_ACTION_FLAGS {
    WdfRequestStopActionInvalid = 0,
    WdfRequestStopActionSuspend = 0x01,
    WdfRequestStopActionPurge = 0x2,
    WdfRequestStopRequestCancelable = 0x10000000,
} WDF_REQUEST_STOP_ACTION_FLAGS;

/* IRQL <= DISPATCH_LEVEL.  Called once for a canceled request the driver marked cancelable; it
 * must complete the request (typically with STATUS_CANCELLED). */
typedef VOID NTAPI EVT_WDF_REQUEST_CANCEL(WDFREQUEST Request);
typedef EVT_WDF_REQUEST_CANCEL *PFN_WDF_REQUEST_CANCEL;

/* The WDK aligns some members to pointer size (POINTER_ALIGNMENT); spelled out here because
 * ntdef.h defines that macro empty. */
#define DMABOX_WDF_PTR_ALIGNED __attribute__((aligned(sizeof(void *))))

typedef struct _WDF_REQUEST_PARAMETERS {
    USHORT Size;
    UCHAR MinorFunction;
    WDF_REQUEST_TYPE Type;
    union {
        struct {
            PIO_SECURITY_CONTEXT SecurityContext;
            ULONG Options;
            USHORT DMABOX_WDF_PTR_ALIGNED FileAttributes;
            USHORT ShareAccess;
            ULONG DMABOX_WDF_PTR_ALIGNED EaLength;
        } Create;
        struct {
            size_t Length;
            ULONG DMABOX_WDF_PTR_ALIGNED Key;
            LONGLONG DeviceOffset;
        } Read;
        struct {
            size_t Length;
            ULONG DMABOX_WDF_PTR_ALIGNED Key;
            LONGLONG DeviceOffset;
        } Write;
        struct {
            size_t OutputBufferLength;
            size_t DMABOX_WDF_PTR_ALIGNED InputBufferLength;
            ULONG DMABOX_WDF_PTR_ALIGNED IoControlCode;
            PVOID Type3InputBuffer;
        } DeviceIoControl;
        struct {
            PVOID Arg1;
            PVOID Arg2;
            ULONG DMABOX_WDF_PTR_ALIGNED IoControlCode;
            PVOID Arg4;
        } Others;
    } Parameters;
} WDF_REQUEST_PARAMETERS, *PWDF_REQUEST_PARAMETERS;

C_ASSERT(FIELD_OFFSET(WDF_REQUEST_PARAMETERS, Parameters) == 8);
C_ASSERT(FIELD_OFFSET(WDF_REQUEST_PARAMETERS, Parameters.Read.DeviceOffset) == 24);
C_ASSERT(FIELD_OFFSET(WDF_REQUEST_PARAMETERS, Parameters.DeviceIoControl.IoControlCode) == 24);
C_ASSERT(sizeof(WDF_REQUEST_PARAMETERS) == 40);

FORCEINLINE VOID WDF_REQUEST_PARAMETERS_INIT(PWDF_REQUEST_PARAMETERS Parameters)
{
    memset(Parameters, 0, sizeof(WDF_REQUEST_PARAMETERS));
    Parameters->Size = sizeof(WDF_REQUEST_PARAMETERS);
}

/* ---- completion: IRQL <= DISPATCH_LEVEL.  The request object is gone afterwards (unless the
 * driver holds a reference); a sequential queue may present its next request from inside. ---- */

typedef VOID(NTAPI *PFN_WDFREQUESTCOMPLETE)(PWDF_DRIVER_GLOBALS DriverGlobals, WDFREQUEST Request,
                                            NTSTATUS Status);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfRequestComplete(WDFREQUEST Request, NTSTATUS Status)
{
    ((PFN_WDFREQUESTCOMPLETE)WdfFunctions[WdfRequestCompleteTableIndex])(WdfDriverGlobals,
                                                                         Request, Status);
}

typedef VOID(NTAPI *PFN_WDFREQUESTCOMPLETEWITHPRIORITYBOOST)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                             WDFREQUEST Request, NTSTATUS Status,
                                                             CCHAR PriorityBoost);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfRequestCompleteWithPriorityBoost(WDFREQUEST Request, NTSTATUS Status,
                                                     CCHAR PriorityBoost)
{
    ((PFN_WDFREQUESTCOMPLETEWITHPRIORITYBOOST)
         WdfFunctions[WdfRequestCompleteWithPriorityBoostTableIndex])(WdfDriverGlobals, Request,
                                                                      Status, PriorityBoost);
}

typedef VOID(NTAPI *PFN_WDFREQUESTCOMPLETEWITHINFORMATION)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                           WDFREQUEST Request, NTSTATUS Status,
                                                           ULONG_PTR Information);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfRequestCompleteWithInformation(WDFREQUEST Request, NTSTATUS Status,
                                                   ULONG_PTR Information)
{
    ((PFN_WDFREQUESTCOMPLETEWITHINFORMATION)
         WdfFunctions[WdfRequestCompleteWithInformationTableIndex])(WdfDriverGlobals, Request,
                                                                    Status, Information);
}

/* IRQL <= DISPATCH_LEVEL.  The IoStatus.Information the completion will report. */
typedef VOID(NTAPI *PFN_WDFREQUESTSETINFORMATION)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                  WDFREQUEST Request, ULONG_PTR Information);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfRequestSetInformation(WDFREQUEST Request, ULONG_PTR Information)
{
    ((PFN_WDFREQUESTSETINFORMATION)WdfFunctions[WdfRequestSetInformationTableIndex])(
        WdfDriverGlobals, Request, Information);
}

typedef ULONG_PTR(NTAPI *PFN_WDFREQUESTGETINFORMATION)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                       WDFREQUEST Request);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE ULONG_PTR WdfRequestGetInformation(WDFREQUEST Request)
{
    return ((PFN_WDFREQUESTGETINFORMATION)WdfFunctions[WdfRequestGetInformationTableIndex])(
        WdfDriverGlobals, Request);
}

/* IRQL <= DISPATCH_LEVEL.  The status in the request's IRP. */
typedef NTSTATUS(NTAPI *PFN_WDFREQUESTGETSTATUS)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                 WDFREQUEST Request);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfRequestGetStatus(WDFREQUEST Request)
{
    return ((PFN_WDFREQUESTGETSTATUS)WdfFunctions[WdfRequestGetStatusTableIndex])(
        WdfDriverGlobals, Request);
}

/* IRQL <= DISPATCH_LEVEL.  Parameters->Size must be sizeof(WDF_REQUEST_PARAMETERS). */
typedef VOID(NTAPI *PFN_WDFREQUESTGETPARAMETERS)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                 WDFREQUEST Request,
                                                 PWDF_REQUEST_PARAMETERS Parameters);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfRequestGetParameters(WDFREQUEST Request, PWDF_REQUEST_PARAMETERS Parameters)
{
    ((PFN_WDFREQUESTGETPARAMETERS)WdfFunctions[WdfRequestGetParametersTableIndex])(
        WdfDriverGlobals, Request, Parameters);
}

/* ---- buffers: IRQL <= DISPATCH_LEVEL.  Each returns STATUS_SUCCESS, STATUS_BUFFER_TOO_SMALL
 * (length zero or below MinimumRequiredSize), STATUS_INVALID_DEVICE_REQUEST (the request type
 * has no such buffer, or it uses neither buffered nor direct I/O), STATUS_INTERNAL_ERROR (already
 * completed) or STATUS_INSUFFICIENT_RESOURCES.  Valid until the request is completed. ---- */

typedef NTSTATUS(NTAPI *PFN_WDFREQUESTRETRIEVEINPUTMEMORY)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                           WDFREQUEST Request, WDFMEMORY *Memory);
_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfRequestRetrieveInputMemory(WDFREQUEST Request, WDFMEMORY *Memory)
{
    return ((PFN_WDFREQUESTRETRIEVEINPUTMEMORY)
                WdfFunctions[WdfRequestRetrieveInputMemoryTableIndex])(WdfDriverGlobals, Request,
                                                                       Memory);
}

typedef NTSTATUS(NTAPI *PFN_WDFREQUESTRETRIEVEOUTPUTMEMORY)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                            WDFREQUEST Request, WDFMEMORY *Memory);
_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfRequestRetrieveOutputMemory(WDFREQUEST Request, WDFMEMORY *Memory)
{
    return ((PFN_WDFREQUESTRETRIEVEOUTPUTMEMORY)
                WdfFunctions[WdfRequestRetrieveOutputMemoryTableIndex])(WdfDriverGlobals, Request,
                                                                        Memory);
}

typedef NTSTATUS(NTAPI *PFN_WDFREQUESTRETRIEVEINPUTBUFFER)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                           WDFREQUEST Request,
                                                           size_t MinimumRequiredLength,
                                                           PVOID *Buffer, size_t *Length);
_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfRequestRetrieveInputBuffer(WDFREQUEST Request,
                                                   size_t MinimumRequiredLength, PVOID *Buffer,
                                                   size_t *Length)
{
    return ((PFN_WDFREQUESTRETRIEVEINPUTBUFFER)
                WdfFunctions[WdfRequestRetrieveInputBufferTableIndex])(
        WdfDriverGlobals, Request, MinimumRequiredLength, Buffer, Length);
}

typedef NTSTATUS(NTAPI *PFN_WDFREQUESTRETRIEVEOUTPUTBUFFER)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                            WDFREQUEST Request,
                                                            size_t MinimumRequiredSize,
                                                            PVOID *Buffer, size_t *Length);
_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfRequestRetrieveOutputBuffer(WDFREQUEST Request,
                                                    size_t MinimumRequiredSize, PVOID *Buffer,
                                                    size_t *Length)
{
    return ((PFN_WDFREQUESTRETRIEVEOUTPUTBUFFER)
                WdfFunctions[WdfRequestRetrieveOutputBufferTableIndex])(
        WdfDriverGlobals, Request, MinimumRequiredSize, Buffer, Length);
}

typedef NTSTATUS(NTAPI *PFN_WDFREQUESTRETRIEVEINPUTWDMMDL)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                           WDFREQUEST Request, PMDL *Mdl);
_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfRequestRetrieveInputWdmMdl(WDFREQUEST Request, PMDL *Mdl)
{
    return ((PFN_WDFREQUESTRETRIEVEINPUTWDMMDL)
                WdfFunctions[WdfRequestRetrieveInputWdmMdlTableIndex])(WdfDriverGlobals, Request,
                                                                       Mdl);
}

typedef NTSTATUS(NTAPI *PFN_WDFREQUESTRETRIEVEOUTPUTWDMMDL)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                            WDFREQUEST Request, PMDL *Mdl);
_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfRequestRetrieveOutputWdmMdl(WDFREQUEST Request, PMDL *Mdl)
{
    return ((PFN_WDFREQUESTRETRIEVEOUTPUTWDMMDL)
                WdfFunctions[WdfRequestRetrieveOutputWdmMdlTableIndex])(WdfDriverGlobals, Request,
                                                                        Mdl);
}

/* ---- cancellation: IRQL <= DISPATCH_LEVEL ---- */

/* If the request is already canceled, EvtRequestCancel runs before this returns. */
typedef VOID(NTAPI *PFN_WDFREQUESTMARKCANCELABLE)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                  WDFREQUEST Request,
                                                  PFN_WDF_REQUEST_CANCEL EvtRequestCancel);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfRequestMarkCancelable(WDFREQUEST Request,
                                          PFN_WDF_REQUEST_CANCEL EvtRequestCancel)
{
    ((PFN_WDFREQUESTMARKCANCELABLE)WdfFunctions[WdfRequestMarkCancelableTableIndex])(
        WdfDriverGlobals, Request, EvtRequestCancel);
}

/* Never calls EvtRequestCancel itself.  Returns STATUS_SUCCESS, STATUS_CANCELLED (already
 * canceled: the driver completes it) or STATUS_INVALID_DEVICE_REQUEST (not owned by the driver,
 * or already cancelable). */
typedef NTSTATUS(NTAPI *PFN_WDFREQUESTMARKCANCELABLEEX)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                        WDFREQUEST Request,
                                                        PFN_WDF_REQUEST_CANCEL EvtRequestCancel);
_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfRequestMarkCancelableEx(WDFREQUEST Request,
                                                PFN_WDF_REQUEST_CANCEL EvtRequestCancel)
{
    return ((PFN_WDFREQUESTMARKCANCELABLEEX)WdfFunctions[WdfRequestMarkCancelableExTableIndex])(
        WdfDriverGlobals, Request, EvtRequestCancel);
}

/* Returns STATUS_SUCCESS (EvtRequestCancel will not run), STATUS_CANCELLED (it runs or ran: do
 * not complete the request here), STATUS_INVALID_PARAMETER (not cancelable) or
 * STATUS_INVALID_DEVICE_REQUEST (not owned by the driver). */
typedef NTSTATUS(NTAPI *PFN_WDFREQUESTUNMARKCANCELABLE)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                        WDFREQUEST Request);
_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfRequestUnmarkCancelable(WDFREQUEST Request)
{
    return ((PFN_WDFREQUESTUNMARKCANCELABLE)WdfFunctions[WdfRequestUnmarkCancelableTableIndex])(
        WdfDriverGlobals, Request);
}

typedef BOOLEAN(NTAPI *PFN_WDFREQUESTISCANCELED)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                 WDFREQUEST Request);
_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE BOOLEAN WdfRequestIsCanceled(WDFREQUEST Request)
{
    return ((PFN_WDFREQUESTISCANCELED)WdfFunctions[WdfRequestIsCanceledTableIndex])(
        WdfDriverGlobals, Request);
}

/* ---- queues and power ---- */

/* IRQL <= DISPATCH_LEVEL.  The queue the request came from (NULL if none). */
typedef WDFQUEUE(NTAPI *PFN_WDFREQUESTGETIOQUEUE)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                  WDFREQUEST Request);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE WDFQUEUE WdfRequestGetIoQueue(WDFREQUEST Request)
{
    return ((PFN_WDFREQUESTGETIOQUEUE)WdfFunctions[WdfRequestGetIoQueueTableIndex])(
        WdfDriverGlobals, Request);
}

/* IRQL <= DISPATCH_LEVEL.  Manual queues only: back to the head of the queue it came from.
 * Returns STATUS_SUCCESS or STATUS_INVALID_DEVICE_REQUEST. */
typedef NTSTATUS(NTAPI *PFN_WDFREQUESTREQUEUE)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                               WDFREQUEST Request);
_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfRequestRequeue(WDFREQUEST Request)
{
    return ((PFN_WDFREQUESTREQUEUE)WdfFunctions[WdfRequestRequeueTableIndex])(WdfDriverGlobals,
                                                                              Request);
}

/* IRQL <= DISPATCH_LEVEL.  Moves a request the driver owns into another queue of the same
 * device.  Returns STATUS_SUCCESS, STATUS_INVALID_DEVICE_REQUEST (not owned, cancelable, same
 * queue or another device) or STATUS_WDF_BUSY (the destination does not accept requests). */
typedef NTSTATUS(NTAPI *PFN_WDFREQUESTFORWARDTOIOQUEUE)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                        WDFREQUEST Request,
                                                        WDFQUEUE DestinationQueue);
_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfRequestForwardToIoQueue(WDFREQUEST Request, WDFQUEUE DestinationQueue)
{
    return ((PFN_WDFREQUESTFORWARDTOIOQUEUE)WdfFunctions[WdfRequestForwardToIoQueueTableIndex])(
        WdfDriverGlobals, Request, DestinationQueue);
}

/* IRQL <= DISPATCH_LEVEL.  Only in answer to EvtIoStop: Requeue TRUE puts the request back at
 * the head of its queue (delivered again after D0); FALSE keeps it with the driver (EvtIoResume
 * after D0). */
typedef VOID(NTAPI *PFN_WDFREQUESTSTOPACKNOWLEDGE)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                   WDFREQUEST Request, BOOLEAN Requeue);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfRequestStopAcknowledge(WDFREQUEST Request, BOOLEAN Requeue)
{
    ((PFN_WDFREQUESTSTOPACKNOWLEDGE)WdfFunctions[WdfRequestStopAcknowledgeTableIndex])(
        WdfDriverGlobals, Request, Requeue);
}

/* ---- WDM view ---- */

/* IRQL <= DISPATCH_LEVEL.  The IRP the request is built around. */
typedef PIRP(NTAPI *PFN_WDFREQUESTWDMGETIRP)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                             WDFREQUEST Request);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE PIRP WdfRequestWdmGetIrp(WDFREQUEST Request)
{
    return ((PFN_WDFREQUESTWDMGETIRP)WdfFunctions[WdfRequestWdmGetIrpTableIndex])(
        WdfDriverGlobals, Request);
}

/* IRQL <= DISPATCH_LEVEL.  UserMode for requests from applications, KernelMode otherwise. */
typedef KPROCESSOR_MODE(NTAPI *PFN_WDFREQUESTGETREQUESTORMODE)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                               WDFREQUEST Request);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE KPROCESSOR_MODE WdfRequestGetRequestorMode(WDFREQUEST Request)
{
    return ((PFN_WDFREQUESTGETREQUESTORMODE)WdfFunctions[WdfRequestGetRequestorModeTableIndex])(
        WdfDriverGlobals, Request);
}

#endif
