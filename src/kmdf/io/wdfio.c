/* wdfio.c - DDI shims of wdfio.h and WdfDeviceConfigureRequestDispatching (kmdf layer): handle,
 * IRQL and parameter checks and the documented statuses; the queue logic is in fx_queue*.c.
 * A bad handle is a finding (a bug check on Windows); in RECORD mode the DDI then does nothing
 * and a status-returning DDI returns STATUS_INVALID_HANDLE.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfio/
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdevice/nf-wdfdevice-wdfdeviceconfigurerequestdispatching */
#include "kmdf/ddi_table.h"
#include "kmdf/io/fx_queue.h"
#include "kmdf/io/fx_request.h"
#include "platform/exec_ctx.h"
#include "verifier/vf.h"
#include "wdm/wdm_irql.h"

static struct fx_queue *queue_resolve(PWDF_DRIVER_GLOBALS globals, WDFQUEUE handle,
                                      const char *ddi, const void *caller)
{
    struct fx_object *obj = fx_object_resolve(globals, handle, FX_TYPE_QUEUE, ddi, caller);
    return obj != NULL ? to_queue(obj) : NULL;
}

NTSTATUS imp_WdfIoQueueCreate(PWDF_DRIVER_GLOBALS globals, WDFDEVICE Device,
                              PWDF_IO_QUEUE_CONFIG Config, PWDF_OBJECT_ATTRIBUTES QueueAttributes,
                              WDFQUEUE *Queue)
{
    static const char ddi[] = "WdfIoQueueCreate";
    const void *caller = VF_CALLER();
    struct fx_object *dev;
    struct fx_queue *q;
    NTSTATUS status;

    if (Queue != NULL)
        *Queue = NULL;
    if (!fx_check_irql(EXEC_LEVEL_DISPATCH, ddi, caller))
        return STATUS_INVALID_DEVICE_REQUEST;
    dev = fx_object_resolve(globals, Device, FX_TYPE_DEVICE, ddi, caller);
    if (dev == NULL)
        return STATUS_INVALID_HANDLE;
    if (!fx_check_not_null(Config, "Config", ddi, caller))
        return STATUS_INVALID_PARAMETER;
    status = fx_queue_create(to_device(dev), Config, QueueAttributes, ddi, caller, &q);
    if (NT_SUCCESS(status) && Queue != NULL)
        *Queue = fx_queue_handle(q);
    return status;
}

WDF_IO_QUEUE_STATE imp_WdfIoQueueGetState(PWDF_DRIVER_GLOBALS globals, WDFQUEUE Queue,
                                          PULONG QueueRequests, PULONG DriverRequests)
{
    static const char ddi[] = "WdfIoQueueGetState";
    const void *caller = VF_CALLER();
    struct fx_queue *q = queue_resolve(globals, Queue, ddi, caller);

    fx_check_irql(EXEC_LEVEL_DISPATCH, ddi, caller);
    if (q == NULL)
        return (WDF_IO_QUEUE_STATE)0;
    return fx_queue_get_state(q, QueueRequests, DriverRequests);
}

VOID imp_WdfIoQueueStart(PWDF_DRIVER_GLOBALS globals, WDFQUEUE Queue)
{
    static const char ddi[] = "WdfIoQueueStart";
    const void *caller = VF_CALLER();
    struct fx_queue *q = queue_resolve(globals, Queue, ddi, caller);

    fx_check_irql(EXEC_LEVEL_DISPATCH, ddi, caller);
    if (q != NULL)
        fx_queue_start(q);
}

VOID imp_WdfIoQueueStop(PWDF_DRIVER_GLOBALS globals, WDFQUEUE Queue,
                        PFN_WDF_IO_QUEUE_STATE StopComplete, WDFCONTEXT Context)
{
    static const char ddi[] = "WdfIoQueueStop";
    const void *caller = VF_CALLER();
    struct fx_queue *q = queue_resolve(globals, Queue, ddi, caller);

    fx_check_irql(EXEC_LEVEL_DISPATCH, ddi, caller);
    if (q != NULL)
        fx_queue_stop(q, StopComplete, Context);
}

VOID imp_WdfIoQueueStopSynchronously(PWDF_DRIVER_GLOBALS globals, WDFQUEUE Queue)
{
    static const char ddi[] = "WdfIoQueueStopSynchronously";
    const void *caller = VF_CALLER();
    struct fx_queue *q = queue_resolve(globals, Queue, ddi, caller);

    if (q == NULL || !wdm_irql_check_passive(ddi, caller))
        return;
    fx_queue_stop(q, NULL, NULL);
    fx_queue_wait_idle(q, FX_QUEUE_WAIT_STOP);
}

WDFDEVICE imp_WdfIoQueueGetDevice(PWDF_DRIVER_GLOBALS globals, WDFQUEUE Queue)
{
    static const char ddi[] = "WdfIoQueueGetDevice";
    const void *caller = VF_CALLER();
    struct fx_queue *q = queue_resolve(globals, Queue, ddi, caller);

    fx_check_irql(EXEC_LEVEL_DISPATCH, ddi, caller);
    return q != NULL ? fx_device_handle(q->iodev->device) : NULL;
}

NTSTATUS imp_WdfIoQueueRetrieveNextRequest(PWDF_DRIVER_GLOBALS globals, WDFQUEUE Queue,
                                           WDFREQUEST *OutRequest)
{
    static const char ddi[] = "WdfIoQueueRetrieveNextRequest";
    const void *caller = VF_CALLER();
    struct fx_queue *q = queue_resolve(globals, Queue, ddi, caller);
    struct fx_request *r;
    NTSTATUS status;

    if (!fx_check_not_null(OutRequest, "OutRequest", ddi, caller))
        return STATUS_INVALID_PARAMETER;
    *OutRequest = NULL;
    fx_check_irql(EXEC_LEVEL_DISPATCH, ddi, caller);
    if (q == NULL)
        return STATUS_INVALID_PARAMETER;
    status = fx_queue_retrieve(q, &r);
    if (NT_SUCCESS(status))
        *OutRequest = fx_request_handle(r);
    return status;
}

VOID imp_WdfIoQueueDrain(PWDF_DRIVER_GLOBALS globals, WDFQUEUE Queue,
                         PFN_WDF_IO_QUEUE_STATE DrainComplete, WDFCONTEXT Context)
{
    static const char ddi[] = "WdfIoQueueDrain";
    const void *caller = VF_CALLER();
    struct fx_queue *q = queue_resolve(globals, Queue, ddi, caller);

    fx_check_irql(EXEC_LEVEL_DISPATCH, ddi, caller);
    if (q != NULL)
        fx_queue_drain(q, DrainComplete, Context);
}

VOID imp_WdfIoQueueDrainSynchronously(PWDF_DRIVER_GLOBALS globals, WDFQUEUE Queue)
{
    static const char ddi[] = "WdfIoQueueDrainSynchronously";
    const void *caller = VF_CALLER();
    struct fx_queue *q = queue_resolve(globals, Queue, ddi, caller);

    if (q == NULL || !wdm_irql_check_passive(ddi, caller))
        return;
    fx_queue_drain(q, NULL, NULL);
    fx_queue_wait_idle(q, FX_QUEUE_WAIT_EMPTY);
}

VOID imp_WdfIoQueuePurge(PWDF_DRIVER_GLOBALS globals, WDFQUEUE Queue,
                         PFN_WDF_IO_QUEUE_STATE PurgeComplete, WDFCONTEXT Context)
{
    static const char ddi[] = "WdfIoQueuePurge";
    const void *caller = VF_CALLER();
    struct fx_queue *q = queue_resolve(globals, Queue, ddi, caller);

    fx_check_irql(EXEC_LEVEL_DISPATCH, ddi, caller);
    if (q != NULL)
        fx_queue_purge(q, false, PurgeComplete, Context);
}

VOID imp_WdfIoQueuePurgeSynchronously(PWDF_DRIVER_GLOBALS globals, WDFQUEUE Queue)
{
    static const char ddi[] = "WdfIoQueuePurgeSynchronously";
    const void *caller = VF_CALLER();
    struct fx_queue *q = queue_resolve(globals, Queue, ddi, caller);

    if (q == NULL || !wdm_irql_check_passive(ddi, caller))
        return;
    fx_queue_purge(q, false, NULL, NULL);
    fx_queue_wait_idle(q, FX_QUEUE_WAIT_EMPTY);
}

VOID imp_WdfIoQueueStopAndPurge(PWDF_DRIVER_GLOBALS globals, WDFQUEUE Queue,
                                PFN_WDF_IO_QUEUE_STATE StopAndPurgeComplete, WDFCONTEXT Context)
{
    static const char ddi[] = "WdfIoQueueStopAndPurge";
    const void *caller = VF_CALLER();
    struct fx_queue *q = queue_resolve(globals, Queue, ddi, caller);

    fx_check_irql(EXEC_LEVEL_DISPATCH, ddi, caller);
    if (q != NULL)
        fx_queue_purge(q, true, StopAndPurgeComplete, Context);
}

VOID imp_WdfIoQueueStopAndPurgeSynchronously(PWDF_DRIVER_GLOBALS globals, WDFQUEUE Queue)
{
    static const char ddi[] = "WdfIoQueueStopAndPurgeSynchronously";
    const void *caller = VF_CALLER();
    struct fx_queue *q = queue_resolve(globals, Queue, ddi, caller);

    if (q == NULL || !wdm_irql_check_passive(ddi, caller))
        return;
    fx_queue_purge(q, true, NULL, NULL);
    fx_queue_wait_idle(q, FX_QUEUE_WAIT_STOP);
}

NTSTATUS imp_WdfDeviceConfigureRequestDispatching(PWDF_DRIVER_GLOBALS globals, WDFDEVICE Device,
                                                  WDFQUEUE Queue, WDF_REQUEST_TYPE RequestType)
{
    static const char ddi[] = "WdfDeviceConfigureRequestDispatching";
    const void *caller = VF_CALLER();
    struct fx_object *dev = fx_object_resolve(globals, Device, FX_TYPE_DEVICE, ddi, caller);
    struct fx_queue *q = queue_resolve(globals, Queue, ddi, caller);

    fx_check_irql(EXEC_LEVEL_DISPATCH, ddi, caller);
    if (dev == NULL || q == NULL)
        return STATUS_INVALID_HANDLE;
    if (q->iodev->device != to_device(dev))
        return STATUS_INVALID_PARAMETER;
    return fx_queue_configure_dispatching(q, RequestType);
}
