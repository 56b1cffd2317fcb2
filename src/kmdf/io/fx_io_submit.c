/* fx_io_submit.c - I/O from the host into a device (kmdf layer): builds the IRP the Windows I/O
 * manager would build for the device's I/O type and the IOCTL's transfer method, wraps it in a
 * WDFREQUEST, routes it to the queue configured for its type (else the default queue), and
 * reports the completion to the submitter once.  See fx_io_submit.h for the contract.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/methods-for-accessing-data-buffers
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/buffer-descriptions-for-i-o-control-codes
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/creating-i-o-queues */
#include "kmdf/io/fx_io_submit.h"

#include <stdlib.h>
#include <string.h>

#include "kmdf/io/fx_request.h"
#include "platform/machine.h"
#include "platform/physmem.h"
#include "wdm/wdm_machine.h"

#define FX_IO_POOL_TAG 0x6f497846u /* 'FxIo' */

/* ---- the IRP ---- */

static void fx_io_free(struct fx_io *io)
{
    pthread_mutex_destroy(&io->lock);
    free(io);
}

void fx_io_put(struct fx_io *io)
{
    if (atomic_fetch_sub(&io->refs, 1) == 1)
        fx_io_free(io);
}

void fx_io_release(struct fx_io *io)
{
    if (io != NULL)
        fx_io_put(io);
}

PIRP fx_io_irp(struct fx_io *io)
{
    return &io->irp;
}

static void fx_io_release_buffers(struct fx_io *io)
{
    if (io->mdl != NULL) {
        MmUnlockPages(io->mdl);
        IoFreeMdl(io->mdl);
        io->mdl = NULL;
        io->irp.MdlAddress = NULL;
    }
    if (io->system_buffer != NULL) {
        wdm_pool_free(io->system_buffer, FX_IO_POOL_TAG, 1, "IoCompleteRequest", NULL);
        io->system_buffer = NULL;
        io->irp.AssociatedIrp.SystemBuffer = NULL;
    }
}

/* A nonpaged copy of the caller's data (buffered I/O); in may be NULL for an output-only one. */
static NTSTATUS fx_io_system_buffer(struct fx_io *io, size_t size, const void *in, size_t in_len)
{
    if (size == 0)
        return STATUS_SUCCESS;
    io->system_buffer = wdm_pool_alloc(size, FX_IO_POOL_TAG, WDM_POOL_ZERO, "fx_io_submit", NULL);
    if (io->system_buffer == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    io->system_length = size;
    if (in != NULL && in_len != 0)
        memcpy(io->system_buffer, in, in_len);
    io->irp.AssociatedIrp.SystemBuffer = io->system_buffer;
    io->irp.Flags |= IRP_BUFFERED_IO | IRP_DEALLOCATE_BUFFER;
    return STATUS_SUCCESS;
}

/* The caller's pages, locked (direct I/O).  They must be machine RAM: an MDL describes frames. */
static NTSTATUS fx_io_lock_pages(struct fx_io *io, void *buffer, size_t length, bool device_writes)
{
    if (length == 0)
        return STATUS_SUCCESS;
    if (!physmem_contains(io->machine->mem, buffer, length))
        return STATUS_ACCESS_VIOLATION;
    io->mdl = IoAllocateMdl(buffer, (ULONG)length, FALSE, FALSE, NULL);
    if (io->mdl == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    MmProbeAndLockPages(io->mdl, UserMode, device_writes ? IoWriteAccess : IoReadAccess);
    io->irp.MdlAddress = io->mdl;
    return STATUS_SUCCESS;
}

static NTSTATUS fx_io_build_rw(struct fx_io *io, const struct fx_io_params *p)
{
    bool read = p->major == IRP_MJ_READ;
    IO_STACK_LOCATION *s = &io->stack;

    s->Parameters.Read.Length = (ULONG)p->length;
    s->Parameters.Read.ByteOffset.QuadPart = p->offset;
    io->irp.UserBuffer = p->buffer;
    if (read)
        io->irp.Flags |= IRP_INPUT_OPERATION;
    switch (io->io_type) {
    case WdfDeviceIoDirect:
        return fx_io_lock_pages(io, p->buffer, p->length, read);
    case WdfDeviceIoNeither:
        return STATUS_SUCCESS;
    default:
        if (read) {
            io->copy_back = p->buffer;
            io->copy_back_length = p->length;
        }
        return fx_io_system_buffer(io, p->length, read ? NULL : p->buffer, p->length);
    }
}

static NTSTATUS fx_io_build_ioctl(struct fx_io *io, const struct fx_io_params *p)
{
    IO_STACK_LOCATION *s = &io->stack;
    ULONG method = METHOD_FROM_CTL_CODE(p->ioctl);

    s->Parameters.DeviceIoControl.OutputBufferLength = (ULONG)p->out_length;
    s->Parameters.DeviceIoControl.InputBufferLength = (ULONG)p->in_length;
    s->Parameters.DeviceIoControl.IoControlCode = p->ioctl;
    switch (method) {
    case METHOD_BUFFERED:
        /* One buffer, large enough for either direction; the output is copied back. */
        io->copy_back = p->out;
        io->copy_back_length = p->out_length;
        return fx_io_system_buffer(io, p->in_length > p->out_length ? p->in_length : p->out_length,
                                   p->in, p->in_length);
    case METHOD_IN_DIRECT:
    case METHOD_OUT_DIRECT: {
        NTSTATUS status = fx_io_system_buffer(io, p->in_length, p->in, p->in_length);
        if (!NT_SUCCESS(status))
            return status;
        return fx_io_lock_pages(io, p->out, p->out_length, method == METHOD_OUT_DIRECT);
    }
    default:
        s->Parameters.DeviceIoControl.Type3InputBuffer = (PVOID)p->in;
        io->irp.UserBuffer = p->out;
        return STATUS_SUCCESS;
    }
}

static NTSTATUS fx_io_check_params(const struct fx_io_params *p)
{
    switch (p->major) {
    case IRP_MJ_READ:
    case IRP_MJ_WRITE:
        if ((p->buffer == NULL && p->length != 0) || p->length > MAXULONG)
            return STATUS_INVALID_PARAMETER;
        return STATUS_SUCCESS;
    case IRP_MJ_DEVICE_CONTROL:
    case IRP_MJ_INTERNAL_DEVICE_CONTROL:
        if ((p->in == NULL && p->in_length != 0) || (p->out == NULL && p->out_length != 0) ||
            p->in_length > MAXULONG || p->out_length > MAXULONG)
            return STATUS_INVALID_PARAMETER;
        return STATUS_SUCCESS;
    default:
        return STATUS_INVALID_PARAMETER;
    }
}

static struct fx_io *fx_io_alloc(struct fx_device *dev, const struct fx_io_params *p,
                                 fx_io_done_fn *done, void *ctx)
{
    struct fx_io *io = calloc(1, sizeof(*io));

    if (io == NULL)
        return NULL;
    io->machine = dev->obj.globals->machine;
    atomic_init(&io->refs, 1); /* the creation reference; the request and the host add theirs */
    pthread_mutex_init(&io->lock, NULL);
    io->done = done;
    io->done_ctx = ctx;
    /* IRPs from applications carry UserMode; internal IOCTLs come from kernel components. */
    io->io_type = dev->io_type;
    io->irp.Type = IO_TYPE_IRP;
    io->irp.Size = (USHORT)sizeof(IRP);
    io->irp.StackCount = 1;
    io->irp.CurrentLocation = 1;
    io->irp.RequestorMode = p->major == IRP_MJ_INTERNAL_DEVICE_CONTROL ? KernelMode : UserMode;
    io->irp.IoStatus.Status = STATUS_PENDING;
    io->irp.Tail.Overlay.CurrentStackLocation = &io->stack;
    io->stack.MajorFunction = p->major;
    io->stack.DeviceObject = &dev->wdm;
    return io;
}

/* The queue for a new request: the one configured for its type, else the default queue. */
static struct fx_queue *fx_io_route(struct fx_io_device *iodev, UCHAR major)
{
    struct fx_queue *q;

    pthread_mutex_lock(&iodev->lock);
    q = iodev->dispatch[major] != NULL ? iodev->dispatch[major] : iodev->default_queue;
    if (q != NULL)
        fx_object_reference(&q->obj);
    pthread_mutex_unlock(&iodev->lock);
    return q;
}

NTSTATUS fx_io_submit(struct fx_device *dev, const struct fx_io_params *p, fx_io_done_fn *done,
                      void *ctx, struct fx_io **out)
{
    struct fx_io_device *iodev = fx_io_device_of(dev);
    struct fx_request *r;
    struct fx_queue *q;
    struct fx_io *io;
    NTSTATUS status = fx_io_check_params(p);

    *out = NULL;
    if (!NT_SUCCESS(status))
        return status;
    if (iodev != NULL && atomic_load(&iodev->removed))
        return STATUS_DELETE_PENDING;
    io = fx_io_alloc(dev, p, done, ctx);
    if (io == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    status = p->major == IRP_MJ_READ || p->major == IRP_MJ_WRITE ? fx_io_build_rw(io, p)
                                                                  : fx_io_build_ioctl(io, p);
    if (NT_SUCCESS(status) && iodev == NULL) {
        /* No queue at all: a function driver fails what it cannot take. */
        status = STATUS_INVALID_DEVICE_REQUEST;
        goto complete_alone;
    }
    if (NT_SUCCESS(status))
        status = fx_request_create(iodev, io, &r);
    if (!NT_SUCCESS(status)) {
        fx_io_release_buffers(io);
        fx_io_free(io);
        return status;
    }
    pthread_mutex_lock(&io->lock);
    io->request = r;
    pthread_mutex_unlock(&io->lock);
    atomic_fetch_add(&io->refs, 1); /* the host's handle, returned below */
    *out = io;

    q = fx_io_route(iodev, p->major);
    if (q == NULL) {
        fx_request_complete(r, STATUS_INVALID_DEVICE_REQUEST, 0, true, "fx_io_submit", NULL);
    } else {
        fx_queue_insert(q, r, false);
        fx_object_dereference(&q->obj);
    }
    /* The host's handle and the request's reference remain; drop the creation reference. */
    fx_io_put(io);
    return STATUS_PENDING;

complete_alone:
    atomic_fetch_add(&io->refs, 1);
    *out = io;
    fx_io_complete(io, status, 0);
    fx_io_put(io);
    return STATUS_PENDING;
}

void fx_io_complete(struct fx_io *io, NTSTATUS status, ULONG_PTR information)
{
    /* Buffered output reaches the caller unless the I/O failed, as the I/O manager does it. */
    if (io->copy_back != NULL && io->system_buffer != NULL && !NT_ERROR(status)) {
        size_t n = information < io->copy_back_length ? information : io->copy_back_length;
        memcpy(io->copy_back, io->system_buffer, n);
    }
    fx_io_release_buffers(io);
    io->irp.IoStatus.Status = status;
    io->irp.IoStatus.Information = information;
    pthread_mutex_lock(&io->lock);
    io->request = NULL;
    io->completed = true;
    pthread_mutex_unlock(&io->lock);
    io->done(io->done_ctx, io, status, information);
}

void fx_io_cancel(struct fx_io *io)
{
    struct fx_request *r;

    pthread_mutex_lock(&io->lock);
    if (io->completed || io->cancel_requested) {
        pthread_mutex_unlock(&io->lock);
        return;
    }
    io->cancel_requested = true;
    __atomic_store_n(&io->irp.Cancel, TRUE, __ATOMIC_RELEASE);
    r = io->request;
    if (r != NULL)
        fx_object_reference(&r->obj);
    pthread_mutex_unlock(&io->lock);
    if (r != NULL) {
        fx_request_cancel(r);
        fx_object_dereference(&r->obj);
    }
}
