/* fx_io_submit.h - the runtime's entry point for I/O from the host (kmdf layer, internal): what
 * the host API calls to send a read, write or device I/O control request to a device, and how
 * it learns the outcome.  The runtime builds the IRP as the Windows I/O manager would for the
 * device's I/O type (a pool system buffer with copy-in/copy-out for buffered I/O, a locked MDL of
 * the caller's pages for direct I/O, the caller's address for neither I/O), wraps it in a
 * WDFREQUEST and routes it to the device's queues.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/accessing-data-buffers-in-wdf-drivers
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/buffer-descriptions-for-i-o-control-codes */
#ifndef DMABOX_KMDF_IO_FX_IO_SUBMIT_H
#define DMABOX_KMDF_IO_FX_IO_SUBMIT_H

#include <stddef.h>

#include <ntddk.h>

struct fx_device;
struct fx_io;

/* What to send.  major is IRP_MJ_READ, IRP_MJ_WRITE, IRP_MJ_DEVICE_CONTROL or
 * IRP_MJ_INTERNAL_DEVICE_CONTROL.  Reads and writes use buffer/length/offset; I/O controls use
 * ioctl and the input/output buffers (either may be NULL with length 0).  For direct I/O the
 * buffers must be machine RAM (physmem_alloc): the MDL describes their real pages.  Lengths are
 * ULONG in the IRP, so at most 4 GiB - 1. */
struct fx_io_params {
    UCHAR major;
    void *buffer;
    size_t length;
    LONGLONG offset;
    ULONG ioctl;
    const void *in;
    size_t in_length;
    void *out;
    size_t out_length;
};

/* Called exactly once per accepted submission, on the thread that completed the request (a
 * driver thread, possibly at DISPATCH_LEVEL, or the submitting thread itself).  Buffered output
 * has been copied back to the caller's buffer before it runs. */
typedef void fx_io_done_fn(void *ctx, struct fx_io *io, NTSTATUS status, ULONG_PTR information);

/* Submits an I/O request to dev from a thread attached to dev's machine at PASSIVE_LEVEL.
 * Returns STATUS_PENDING when accepted: done(ctx, ...) will run exactly once, possibly before
 * fx_io_submit returns, and *out is the host's handle on the I/O (release it with
 * fx_io_release).  Otherwise done never runs and *out is NULL:
 *   STATUS_INVALID_PARAMETER       bad major code, NULL buffer with a length, length > 4 GiB - 1
 *   STATUS_ACCESS_VIOLATION        direct I/O on a buffer that is not machine RAM
 *   STATUS_INSUFFICIENT_RESOURCES  no memory for the IRP, system buffer, MDL or request
 *   STATUS_DELETE_PENDING          the device has been removed. */
NTSTATUS fx_io_submit(struct fx_device *dev, const struct fx_io_params *params,
                      fx_io_done_fn *done, void *ctx, struct fx_io **out);

/* Cancels the I/O (IoCancelIrp): a request waiting in a queue leaves it (EvtIoCanceledOnQueue
 * or completion with STATUS_CANCELLED), a request the driver marked cancelable gets
 * EvtRequestCancel, any other request is only flagged (WdfRequestIsCanceled).  Harmless after
 * completion and when repeated.  Any thread attached to the machine, IRQL <= DISPATCH_LEVEL. */
void fx_io_cancel(struct fx_io *io);

/* Drops the host's handle; the I/O's memory goes once it is also completed.  NULL is ignored. */
void fx_io_release(struct fx_io *io);

/* The IRP behind the I/O (for tests that look at what the driver saw). */
PIRP fx_io_irp(struct fx_io *io);

#endif
