/* wdfrequest.c - DDI shims of wdfrequest.h (kmdf layer): handle, IRQL and parameter checks, the
 * documented statuses and the request misuse findings that need the DDI's name and caller; the
 * request logic is in fx_request.c and fx_request_cancel.c.  Completion and the buffer DDIs
 * accept a request already completed but kept by a driver reference, to report WDF-REQ-001 /
 * WDF-REQ-004 instead of a stale handle.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfrequest/ */
#include "kmdf/ddi_table.h"
#include "kmdf/io/fx_request.h"
#include "platform/exec_ctx.h"
#include "verifier/vf.h"

static struct fx_request *request_resolve(PWDF_DRIVER_GLOBALS globals, WDFREQUEST handle,
                                          unsigned flags, const char *ddi, const void *caller)
{
    struct fx_object *obj;

    fx_check_irql(EXEC_LEVEL_DISPATCH, ddi, caller);
    obj = fx_object_resolve_ex(globals, handle, FX_TYPE_REQUEST, flags, ddi, caller);
    return obj != NULL ? to_request(obj) : NULL;
}

/* ---- completion ---- */

VOID imp_WdfRequestComplete(PWDF_DRIVER_GLOBALS globals, WDFREQUEST Request, NTSTATUS Status)
{
    static const char ddi[] = "WdfRequestComplete";
    const void *caller = VF_CALLER();
    struct fx_request *r = request_resolve(globals, Request, FX_RESOLVE_ALLOW_DISPOSED, ddi,
                                           caller);

    if (r != NULL)
        fx_request_complete(r, Status, atomic_load(&r->information), false, ddi, caller);
}

VOID imp_WdfRequestCompleteWithPriorityBoost(PWDF_DRIVER_GLOBALS globals, WDFREQUEST Request,
                                             NTSTATUS Status, CCHAR PriorityBoost)
{
    static const char ddi[] = "WdfRequestCompleteWithPriorityBoost";
    const void *caller = VF_CALLER();
    struct fx_request *r = request_resolve(globals, Request, FX_RESOLVE_ALLOW_DISPOSED, ddi,
                                           caller);

    /* The simulated scheduler has no thread priorities to boost. */
    UNREFERENCED_PARAMETER(PriorityBoost);
    if (r != NULL)
        fx_request_complete(r, Status, atomic_load(&r->information), false, ddi, caller);
}

VOID imp_WdfRequestCompleteWithInformation(PWDF_DRIVER_GLOBALS globals, WDFREQUEST Request,
                                           NTSTATUS Status, ULONG_PTR Information)
{
    static const char ddi[] = "WdfRequestCompleteWithInformation";
    const void *caller = VF_CALLER();
    struct fx_request *r = request_resolve(globals, Request, FX_RESOLVE_ALLOW_DISPOSED, ddi,
                                           caller);

    if (r != NULL)
        fx_request_complete(r, Status, Information, false, ddi, caller);
}

VOID imp_WdfRequestSetInformation(PWDF_DRIVER_GLOBALS globals, WDFREQUEST Request,
                                  ULONG_PTR Information)
{
    static const char ddi[] = "WdfRequestSetInformation";
    const void *caller = VF_CALLER();
    struct fx_request *r = request_resolve(globals, Request, 0, ddi, caller);

    if (r != NULL)
        atomic_store(&r->information, Information);
}

ULONG_PTR imp_WdfRequestGetInformation(PWDF_DRIVER_GLOBALS globals, WDFREQUEST Request)
{
    static const char ddi[] = "WdfRequestGetInformation";
    const void *caller = VF_CALLER();
    struct fx_request *r = request_resolve(globals, Request, 0, ddi, caller);

    return r != NULL ? atomic_load(&r->information) : 0;
}

NTSTATUS imp_WdfRequestGetStatus(PWDF_DRIVER_GLOBALS globals, WDFREQUEST Request)
{
    static const char ddi[] = "WdfRequestGetStatus";
    const void *caller = VF_CALLER();
    struct fx_request *r = request_resolve(globals, Request, 0, ddi, caller);

    return r != NULL ? r->irp->IoStatus.Status : STATUS_INVALID_HANDLE;
}

/* Rule WDF-PARAM-002: the caller's structure must have the documented Size; it is left as is. */
VOID imp_WdfRequestGetParameters(PWDF_DRIVER_GLOBALS globals, WDFREQUEST Request,
                                 PWDF_REQUEST_PARAMETERS Parameters)
{
    static const char ddi[] = "WdfRequestGetParameters";
    const void *caller = VF_CALLER();
    struct fx_request *r = request_resolve(globals, Request, 0, ddi, caller);

    if (r == NULL || !fx_check_not_null(Parameters, "Parameters", ddi, caller))
        return;
    if (Parameters->Size != sizeof(WDF_REQUEST_PARAMETERS)) {
        vf_report(VF_RULE_PARAM_INVALID, Request, ddi, caller,
                  "WDF_REQUEST_PARAMETERS.Size is %u, expected %zu", (unsigned)Parameters->Size,
                  sizeof(WDF_REQUEST_PARAMETERS));
        return;
    }
    fx_request_get_parameters(r, Parameters);
}

/* ---- buffers ---- */

/* The common front of the six retrieval DDIs: resolves (a completed request kept alive by a
 * reference included) and reports Rule WDF-REQ-004 for a completed one. */
static struct fx_request *request_for_buffers(PWDF_DRIVER_GLOBALS globals, WDFREQUEST Request,
                                              const void *out, const char *out_name,
                                              const char *ddi, const void *caller,
                                              NTSTATUS *status)
{
    struct fx_request *r = request_resolve(globals, Request, FX_RESOLVE_ALLOW_DISPOSED, ddi,
                                           caller);

    *status = STATUS_INVALID_PARAMETER;
    if (r == NULL || !fx_check_not_null(out, out_name, ddi, caller))
        return NULL;
    if (fx_request_state(r) == FX_REQ_COMPLETED) {
        vf_report(VF_RULE_REQUEST_USED_AFTER_COMPLETE, Request, ddi, caller,
                  "the request was already completed; its buffers are gone");
        *status = STATUS_INTERNAL_ERROR;
        return NULL;
    }
    return r;
}

static NTSTATUS request_buffer(PWDF_DRIVER_GLOBALS globals, WDFREQUEST Request, bool output,
                               size_t minimum, PVOID *Buffer, size_t *Length, const char *ddi,
                               const void *caller)
{
    NTSTATUS status;
    struct fx_request *r;

    if (Buffer != NULL)
        *Buffer = NULL;
    if (Length != NULL)
        *Length = 0;
    r = request_for_buffers(globals, Request, Buffer, "Buffer", ddi, caller, &status);
    return r != NULL ? fx_request_buffer(r, output, minimum, Buffer, Length) : status;
}

NTSTATUS imp_WdfRequestRetrieveInputBuffer(PWDF_DRIVER_GLOBALS globals, WDFREQUEST Request,
                                           size_t MinimumRequiredLength, PVOID *Buffer,
                                           size_t *Length)
{
    return request_buffer(globals, Request, false, MinimumRequiredLength, Buffer, Length,
                          "WdfRequestRetrieveInputBuffer", VF_CALLER());
}

NTSTATUS imp_WdfRequestRetrieveOutputBuffer(PWDF_DRIVER_GLOBALS globals, WDFREQUEST Request,
                                            size_t MinimumRequiredSize, PVOID *Buffer,
                                            size_t *Length)
{
    return request_buffer(globals, Request, true, MinimumRequiredSize, Buffer, Length,
                          "WdfRequestRetrieveOutputBuffer", VF_CALLER());
}

static NTSTATUS request_mdl(PWDF_DRIVER_GLOBALS globals, WDFREQUEST Request, bool output,
                            PMDL *Mdl, const char *ddi, const void *caller)
{
    NTSTATUS status;
    struct fx_request *r;

    if (Mdl != NULL)
        *Mdl = NULL;
    r = request_for_buffers(globals, Request, Mdl, "Mdl", ddi, caller, &status);
    return r != NULL ? fx_request_mdl(r, output, Mdl) : status;
}

NTSTATUS imp_WdfRequestRetrieveInputWdmMdl(PWDF_DRIVER_GLOBALS globals, WDFREQUEST Request,
                                           PMDL *Mdl)
{
    return request_mdl(globals, Request, false, Mdl, "WdfRequestRetrieveInputWdmMdl",
                       VF_CALLER());
}

NTSTATUS imp_WdfRequestRetrieveOutputWdmMdl(PWDF_DRIVER_GLOBALS globals, WDFREQUEST Request,
                                            PMDL *Mdl)
{
    return request_mdl(globals, Request, true, Mdl, "WdfRequestRetrieveOutputWdmMdl",
                       VF_CALLER());
}

static NTSTATUS request_memory(PWDF_DRIVER_GLOBALS globals, WDFREQUEST Request, bool output,
                               WDFMEMORY *Memory, const char *ddi, const void *caller)
{
    NTSTATUS status;
    struct fx_request *r;

    if (Memory != NULL)
        *Memory = NULL;
    r = request_for_buffers(globals, Request, Memory, "Memory", ddi, caller, &status);
    return r != NULL ? fx_request_memory(r, output, Memory) : status;
}

NTSTATUS imp_WdfRequestRetrieveInputMemory(PWDF_DRIVER_GLOBALS globals, WDFREQUEST Request,
                                           WDFMEMORY *Memory)
{
    return request_memory(globals, Request, false, Memory, "WdfRequestRetrieveInputMemory",
                          VF_CALLER());
}

NTSTATUS imp_WdfRequestRetrieveOutputMemory(PWDF_DRIVER_GLOBALS globals, WDFREQUEST Request,
                                            WDFMEMORY *Memory)
{
    return request_memory(globals, Request, true, Memory, "WdfRequestRetrieveOutputMemory",
                          VF_CALLER());
}

/* ---- cancellation ---- */

VOID imp_WdfRequestMarkCancelable(PWDF_DRIVER_GLOBALS globals, WDFREQUEST Request,
                                  PFN_WDF_REQUEST_CANCEL EvtRequestCancel)
{
    static const char ddi[] = "WdfRequestMarkCancelable";
    const void *caller = VF_CALLER();
    struct fx_request *r = request_resolve(globals, Request, 0, ddi, caller);

    if (r != NULL && fx_check_not_null((const void *)EvtRequestCancel, "EvtRequestCancel", ddi,
                                       caller))
        fx_request_mark_cancelable(r, EvtRequestCancel, false);
}

NTSTATUS imp_WdfRequestMarkCancelableEx(PWDF_DRIVER_GLOBALS globals, WDFREQUEST Request,
                                        PFN_WDF_REQUEST_CANCEL EvtRequestCancel)
{
    static const char ddi[] = "WdfRequestMarkCancelableEx";
    const void *caller = VF_CALLER();
    struct fx_request *r = request_resolve(globals, Request, 0, ddi, caller);

    if (r == NULL)
        return STATUS_INVALID_HANDLE;
    if (!fx_check_not_null((const void *)EvtRequestCancel, "EvtRequestCancel", ddi, caller))
        return STATUS_INVALID_PARAMETER;
    return fx_request_mark_cancelable(r, EvtRequestCancel, true);
}

NTSTATUS imp_WdfRequestUnmarkCancelable(PWDF_DRIVER_GLOBALS globals, WDFREQUEST Request)
{
    static const char ddi[] = "WdfRequestUnmarkCancelable";
    const void *caller = VF_CALLER();
    struct fx_request *r = request_resolve(globals, Request, 0, ddi, caller);

    return r != NULL ? fx_request_unmark_cancelable(r) : STATUS_INVALID_HANDLE;
}

BOOLEAN imp_WdfRequestIsCanceled(PWDF_DRIVER_GLOBALS globals, WDFREQUEST Request)
{
    static const char ddi[] = "WdfRequestIsCanceled";
    const void *caller = VF_CALLER();
    struct fx_request *r = request_resolve(globals, Request, 0, ddi, caller);

    return r != NULL && atomic_load(&r->canceled) ? TRUE : FALSE;
}

/* ---- queues and power ---- */

WDFQUEUE imp_WdfRequestGetIoQueue(PWDF_DRIVER_GLOBALS globals, WDFREQUEST Request)
{
    static const char ddi[] = "WdfRequestGetIoQueue";
    const void *caller = VF_CALLER();
    struct fx_request *r = request_resolve(globals, Request, 0, ddi, caller);
    struct fx_queue *q = r != NULL ? r->queue : NULL;

    return q != NULL ? fx_queue_handle(q) : NULL;
}

NTSTATUS imp_WdfRequestRequeue(PWDF_DRIVER_GLOBALS globals, WDFREQUEST Request)
{
    static const char ddi[] = "WdfRequestRequeue";
    const void *caller = VF_CALLER();
    struct fx_request *r = request_resolve(globals, Request, 0, ddi, caller);

    return r != NULL ? fx_request_requeue(r) : STATUS_INVALID_HANDLE;
}

NTSTATUS imp_WdfRequestForwardToIoQueue(PWDF_DRIVER_GLOBALS globals, WDFREQUEST Request,
                                        WDFQUEUE DestinationQueue)
{
    static const char ddi[] = "WdfRequestForwardToIoQueue";
    const void *caller = VF_CALLER();
    struct fx_request *r = request_resolve(globals, Request, 0, ddi, caller);
    struct fx_object *dest =
        fx_object_resolve(globals, DestinationQueue, FX_TYPE_QUEUE, ddi, caller);

    if (r == NULL || dest == NULL)
        return STATUS_INVALID_HANDLE;
    return fx_request_forward(r, to_queue(dest));
}

VOID imp_WdfRequestStopAcknowledge(PWDF_DRIVER_GLOBALS globals, WDFREQUEST Request,
                                   BOOLEAN Requeue)
{
    static const char ddi[] = "WdfRequestStopAcknowledge";
    const void *caller = VF_CALLER();
    struct fx_request *r = request_resolve(globals, Request, 0, ddi, caller);

    if (r != NULL)
        fx_request_stop_acknowledge(r, Requeue != FALSE, ddi, caller);
}

/* ---- WDM view ---- */

PIRP imp_WdfRequestWdmGetIrp(PWDF_DRIVER_GLOBALS globals, WDFREQUEST Request)
{
    static const char ddi[] = "WdfRequestWdmGetIrp";
    const void *caller = VF_CALLER();
    struct fx_request *r = request_resolve(globals, Request, 0, ddi, caller);

    return r != NULL ? r->irp : NULL;
}

KPROCESSOR_MODE imp_WdfRequestGetRequestorMode(PWDF_DRIVER_GLOBALS globals, WDFREQUEST Request)
{
    static const char ddi[] = "WdfRequestGetRequestorMode";
    const void *caller = VF_CALLER();
    struct fx_request *r = request_resolve(globals, Request, 0, ddi, caller);

    return r != NULL ? r->irp->RequestorMode : KernelMode;
}
