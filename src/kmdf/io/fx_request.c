/* fx_request.c - framework request objects (kmdf layer): a WDFREQUEST around each submitted IRP,
 * its parameters, the views of its buffers the driver retrieves (address, MDL, WDFMEMORY) with
 * the documented statuses, and the completion path that reports to the submitter exactly once
 * and lets a sequential queue present its next request from the completing thread.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/completing-i-o-requests
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/accessing-data-buffers-in-wdf-drivers
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfrequest/nf-wdfrequest-wdfrequestretrieveinputbuffer
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfrequest/nf-wdfrequest-wdfrequestretrieveoutputbuffer
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfrequest/nf-wdfrequest-wdfrequestcomplete */
#include "kmdf/io/fx_request.h"

#include "kmdf/core/fx_device.h"
#include "verifier/vf.h"

/* ---- the object ---- */

static void fx_request_free_mdls(struct fx_request *r)
{
    pthread_mutex_lock(&r->lock);
    if (r->in_mdl != NULL)
        IoFreeMdl(r->in_mdl);
    if (r->out_mdl != NULL)
        IoFreeMdl(r->out_mdl);
    r->in_mdl = r->out_mdl = NULL;
    pthread_mutex_unlock(&r->lock);
}

/* Deleted before it was completed: only when its device goes away without the removal sequence
 * (a driver unbound while requests were outstanding).  The submitter still gets its answer. */
static void fx_request_dispose(struct fx_object *obj)
{
    struct fx_request *r = to_request(obj);
    struct fx_queue *q = r->queue;

    if (fx_request_state(r) == FX_REQ_COMPLETED)
        return;
    if (q != NULL) {
        pthread_mutex_lock(&q->lock);
        if (fx_request_state(r) == FX_REQ_QUEUED)
            fx_queue_own_locked(q, r, true);
        pthread_mutex_unlock(&q->lock);
    }
    fx_request_complete(r, STATUS_CANCELLED, 0, true, "delete", NULL);
}

static void fx_request_destroy(struct fx_object *obj)
{
    struct fx_request *r = to_request(obj);

    fx_request_free_mdls(r);
    if (r->queue != NULL)
        fx_object_dereference(&r->queue->obj);
    fx_io_put(r->io);
    pthread_mutex_destroy(&r->lock);
}

static const struct fx_object_ops fx_request_ops = {
    .type = FX_TYPE_REQUEST,
    .size = sizeof(struct fx_request),
    .flags = FX_OBJECT_NO_DRIVER_DELETE,
    .dispose = fx_request_dispose,
    .destroy = fx_request_destroy,
};

/* The WDFMEMORY views of a request's buffers: children of the request, never deleted by the
 * driver, describing memory the framework owns. */
static const struct fx_object_ops fx_request_memory_ops = {
    .type = FX_TYPE_MEMORY,
    .size = sizeof(struct fx_memory),
    .flags = FX_OBJECT_NO_DRIVER_DELETE,
};

NTSTATUS fx_request_create(struct fx_io_device *iodev, struct fx_io *io, struct fx_request **out)
{
    struct fx_device *dev = iodev->device;
    struct fx_object *obj;
    struct fx_request *r;
    NTSTATUS status;

    *out = NULL;
    status = fx_object_create(dev->obj.globals, &fx_request_ops, NULL, &dev->obj, "WDFREQUEST",
                              NULL, &obj);
    if (!NT_SUCCESS(status))
        return status;
    r = to_request(obj);
    r->io = io;
    r->irp = &io->irp;
    r->iodev = iodev;
    fx_list_init(&r->qlink);
    atomic_init(&r->state, FX_REQ_NEW);
    atomic_init(&r->cancel_state, FX_CANCEL_NONE);
    atomic_init(&r->canceled, false);
    atomic_init(&r->evt_cancel, NULL);
    atomic_init(&r->information, 0);
    pthread_mutex_init(&r->lock, NULL);
    atomic_fetch_add(&io->refs, 1);

    pthread_mutex_lock(&iodev->lock);
    fx_list_add_tail(&iodev->live, &r->dev_link);
    if (iodev->live_count++ == 0)
        exec_event_reset(&iodev->live_idle);
    pthread_mutex_unlock(&iodev->lock);
    *out = r;
    return STATUS_SUCCESS;
}

/* ---- completion ---- */

/* Rule WDF-REQ-002: outside EvtRequestCancel a cancelable request must be unmarked before it is
 * completed (nf-wdfrequest-wdfrequestunmarkcancelable).  The framework unmarks it itself. */
static void fx_request_check_cancelable(struct fx_request *r, bool by_framework, const char *ddi,
                                        const void *caller)
{
    int expected = FX_CANCEL_CANCELABLE;

    if (atomic_load(&r->cancel_state) != FX_CANCEL_CANCELABLE)
        return;
    if (!by_framework)
        vf_report(VF_RULE_REQUEST_COMPLETE_CANCELABLE, fx_request_handle(r), ddi, caller,
                  "request completed while still marked cancelable: call "
                  "WdfRequestUnmarkCancelable first");
    atomic_compare_exchange_strong(&r->cancel_state, &expected, FX_CANCEL_NONE);
}

void fx_request_complete(struct fx_request *r, NTSTATUS status, ULONG_PTR information,
                         bool by_framework, const char *ddi, const void *caller)
{
    struct fx_io_device *iodev = r->iodev;
    struct fx_queue *q;
    int old = atomic_exchange(&r->state, FX_REQ_COMPLETED);

    /* Rule WDF-REQ-001: a request is completed once.  A framework completion that loses a race
     * with the driver's (removal, purge) simply stands back. */
    if (old == FX_REQ_COMPLETED) {
        if (!by_framework)
            vf_report(VF_RULE_REQUEST_COMPLETED_TWICE, fx_request_handle(r), ddi, caller,
                      "request completed again (status 0x%08x); it was already completed",
                      (unsigned)status);
        return;
    }
    FX_ASSERT(old != FX_REQ_QUEUED);
    fx_request_check_cancelable(r, by_framework, ddi, caller);

    q = r->queue;
    if (q != NULL) {
        /* Kept until the queue has had its chance to present the next request. */
        fx_object_reference(&q->obj);
        if (old == FX_REQ_OWNED)
            fx_queue_release_owned(q, r);
    }
    pthread_mutex_lock(&iodev->lock);
    fx_list_del(&r->dev_link);
    if (--iodev->live_count == 0)
        exec_event_set(&iodev->live_idle);
    pthread_mutex_unlock(&iodev->lock);

    fx_request_free_mdls(r);
    fx_io_complete(r->io, status, information);
    /* The request object goes now (cleanup callbacks run); a driver reference keeps its memory. */
    fx_object_delete(&r->obj);
    if (q != NULL) {
        fx_queue_dispatch(q);
        fx_object_dereference(&q->obj);
    }
}

/* ---- parameters ---- */

void fx_request_get_parameters(struct fx_request *r, PWDF_REQUEST_PARAMETERS p)
{
    const IO_STACK_LOCATION *s = &r->io->stack;

    p->Type = (WDF_REQUEST_TYPE)s->MajorFunction;
    p->MinorFunction = s->MinorFunction;
    switch (s->MajorFunction) {
    case IRP_MJ_READ:
        p->Parameters.Read.Length = s->Parameters.Read.Length;
        p->Parameters.Read.Key = s->Parameters.Read.Key;
        p->Parameters.Read.DeviceOffset = s->Parameters.Read.ByteOffset.QuadPart;
        break;
    case IRP_MJ_WRITE:
        p->Parameters.Write.Length = s->Parameters.Write.Length;
        p->Parameters.Write.Key = s->Parameters.Write.Key;
        p->Parameters.Write.DeviceOffset = s->Parameters.Write.ByteOffset.QuadPart;
        break;
    case IRP_MJ_DEVICE_CONTROL:
    case IRP_MJ_INTERNAL_DEVICE_CONTROL:
        p->Parameters.DeviceIoControl.OutputBufferLength =
            s->Parameters.DeviceIoControl.OutputBufferLength;
        p->Parameters.DeviceIoControl.InputBufferLength =
            s->Parameters.DeviceIoControl.InputBufferLength;
        p->Parameters.DeviceIoControl.IoControlCode = s->Parameters.DeviceIoControl.IoControlCode;
        p->Parameters.DeviceIoControl.Type3InputBuffer =
            s->Parameters.DeviceIoControl.Type3InputBuffer;
        break;
    default:
        p->Parameters.Others.Arg1 = s->Parameters.Others.Argument1;
        p->Parameters.Others.Arg2 = s->Parameters.Others.Argument2;
        p->Parameters.Others.Arg4 = s->Parameters.Others.Argument4;
        break;
    }
}

/* ---- buffers ----
 * Where each buffer lives, as the I/O manager lays it out (and KMDF retrieves it):
 *   read / write, buffered I/O     Irp->AssociatedIrp.SystemBuffer
 *   read / write, direct I/O       Irp->MdlAddress
 *   IOCTL input, any but NEITHER   Irp->AssociatedIrp.SystemBuffer
 *   IOCTL output, METHOD_BUFFERED  Irp->AssociatedIrp.SystemBuffer (the same one)
 *   IOCTL output, IN/OUT_DIRECT    Irp->MdlAddress
 *   neither I/O, METHOD_NEITHER    user addresses: only for kernel-mode requesters
 *   (Type3InputBuffer / UserBuffer)
 * A read has no input buffer and a write no output buffer. */
struct fx_buffer_desc {
    void *system;
    PMDL mdl;
    size_t length;
};

static NTSTATUS fx_request_describe(struct fx_request *r, bool output, struct fx_buffer_desc *d)
{
    struct fx_io *io = r->io;
    const IO_STACK_LOCATION *s = &io->stack;
    PIRP irp = &io->irp;
    ULONG method;

    d->system = NULL;
    d->mdl = NULL;
    switch (s->MajorFunction) {
    case IRP_MJ_READ:
    case IRP_MJ_WRITE:
        if (output != (s->MajorFunction == IRP_MJ_READ))
            return STATUS_INVALID_DEVICE_REQUEST;
        d->length = s->Parameters.Read.Length;
        if (io->io_type == WdfDeviceIoDirect)
            d->mdl = irp->MdlAddress;
        else if (io->io_type == WdfDeviceIoBuffered)
            d->system = irp->AssociatedIrp.SystemBuffer;
        else
            return STATUS_INVALID_DEVICE_REQUEST;
        return STATUS_SUCCESS;
    case IRP_MJ_DEVICE_CONTROL:
    case IRP_MJ_INTERNAL_DEVICE_CONTROL:
        method = METHOD_FROM_CTL_CODE(s->Parameters.DeviceIoControl.IoControlCode);
        d->length = output ? s->Parameters.DeviceIoControl.OutputBufferLength
                           : s->Parameters.DeviceIoControl.InputBufferLength;
        if (method == METHOD_NEITHER) {
            if (irp->RequestorMode != KernelMode)
                return STATUS_INVALID_DEVICE_REQUEST;
            d->system = output ? irp->UserBuffer : s->Parameters.DeviceIoControl.Type3InputBuffer;
        } else if (output && method != METHOD_BUFFERED) {
            d->mdl = irp->MdlAddress;
        } else {
            d->system = irp->AssociatedIrp.SystemBuffer;
        }
        return STATUS_SUCCESS;
    default:
        return STATUS_INVALID_DEVICE_REQUEST;
    }
}

/* Rule WDF-REQ-004: a request's buffers are valid only until it is completed; afterwards the
 * retrieval DDIs return STATUS_INTERNAL_ERROR (nf-wdfrequest-wdfrequestretrieveoutputbuffer). */
static NTSTATUS fx_request_check_live(struct fx_request *r)
{
    if (fx_request_state(r) != FX_REQ_COMPLETED)
        return STATUS_SUCCESS;
    return STATUS_INTERNAL_ERROR;
}

NTSTATUS fx_request_buffer(struct fx_request *r, bool output, size_t minimum, void **buffer,
                           size_t *length)
{
    struct fx_buffer_desc d;
    NTSTATUS status = fx_request_check_live(r);

    if (NT_SUCCESS(status))
        status = fx_request_describe(r, output, &d);
    if (!NT_SUCCESS(status))
        return status;
    if (d.length == 0 || d.length < minimum)
        return STATUS_BUFFER_TOO_SMALL;
    if (d.mdl != NULL)
        d.system = MmGetSystemAddressForMdlSafe(d.mdl, NormalPagePriority);
    if (d.system == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    *buffer = d.system;
    if (length != NULL)
        *length = d.length;
    return STATUS_SUCCESS;
}

NTSTATUS fx_request_mdl(struct fx_request *r, bool output, PMDL *mdl)
{
    struct fx_buffer_desc d;
    NTSTATUS status = fx_request_check_live(r);
    PMDL *slot = output ? &r->out_mdl : &r->in_mdl;

    if (NT_SUCCESS(status))
        status = fx_request_describe(r, output, &d);
    if (!NT_SUCCESS(status))
        return status;
    if (d.length == 0)
        return STATUS_BUFFER_TOO_SMALL;
    if (d.mdl != NULL) {
        *mdl = d.mdl;
        return STATUS_SUCCESS;
    }
    /* A buffered request has no MDL of its own: describe the system buffer, once. */
    pthread_mutex_lock(&r->lock);
    if (*slot == NULL && d.system != NULL) {
        *slot = IoAllocateMdl(d.system, (ULONG)d.length, FALSE, FALSE, NULL);
        if (*slot != NULL)
            MmBuildMdlForNonPagedPool(*slot);
    }
    *mdl = *slot;
    pthread_mutex_unlock(&r->lock);
    return *mdl != NULL ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}

NTSTATUS fx_request_memory(struct fx_request *r, bool output, WDFMEMORY *memory)
{
    struct fx_memory **slot = output ? &r->out_mem : &r->in_mem;
    struct fx_object *obj;
    void *buffer;
    size_t length;
    NTSTATUS status = fx_request_buffer(r, output, 0, &buffer, &length);

    if (!NT_SUCCESS(status))
        return status;
    pthread_mutex_lock(&r->lock);
    if (*slot == NULL) {
        status = fx_object_create(r->obj.globals, &fx_request_memory_ops, NULL, &r->obj,
                                  output ? "WdfRequestRetrieveOutputMemory"
                                         : "WdfRequestRetrieveInputMemory",
                                  NULL, &obj);
        if (NT_SUCCESS(status)) {
            *slot = to_memory(obj);
            (*slot)->kind = FX_MEMORY_KIND_FRAMEWORK;
            (*slot)->buffer = buffer;
            (*slot)->size = length;
        }
    }
    if (NT_SUCCESS(status))
        *memory = (WDFMEMORY)fx_object_handle(&(*slot)->obj);
    pthread_mutex_unlock(&r->lock);
    return status;
}
