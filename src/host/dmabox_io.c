/* dmabox_io.c - reads, writes and I/O controls through the host API (host layer), synchronous
 * and asynchronous, with cancellation.  Each I/O goes to the framework with fx_io_submit
 * (src/kmdf/io/fx_io_submit.h), which builds the IRP as the I/O manager would for the device's
 * I/O type and queues the request; the completion comes back through io_done on whichever
 * thread completed the request.  A completion that arrives while the submission is still inside
 * fx_io_submit is reported after it returns, so the application's callback never runs inside
 * the host's submission path.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/handling-irps
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/cancel-routines
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/using-power-managed-i-o-queues */
#include "host.h"

#include <ntddk.h>
#include <stdlib.h>
#include <wdf.h>

#include "kmdf/io/fx_io_submit.h"

/* ---- completion ---- */

/* Reports the outcome: buffers released, the handle's in-flight list left, counters, the
 * application's callback, then the waiters; then drops the completion's reference. */
static void io_finish(struct dmabox_io *io)
{
    struct dmabox_machine *hm = io->hm;

    host_buffer_unuse(io->bufs[0]);
    host_buffer_unuse(io->bufs[1]);
    pthread_mutex_lock(&hm->lock);
    fx_list_del(&io->h_link);
    pthread_mutex_unlock(&hm->lock);
    atomic_fetch_add(&hm->io_completed, 1);
    if (io->done != NULL)
        io->done(io->ctx, io->status, io->information);
    atomic_store(&io->phase, HOST_IO_DONE);
    exec_event_set(&io->completed);
    host_obj_put(&io->obj);                 /* the completion's reference */
}

static void io_done(void *ctx, struct fx_io *fxio, NTSTATUS status, ULONG_PTR information)
{
    struct dmabox_io *io = ctx;
    int expected = HOST_IO_SUBMITTING;

    (void)fxio;
    io->status = status;
    io->information = information;
    if (atomic_compare_exchange_strong(&io->phase, &expected, HOST_IO_EARLY))
        return;                             /* the submitter reports it (io_submit) */
    io_finish(io);
}

/* ---- submission ---- */

static void io_free(struct host_obj *o)
{
    struct dmabox_io *io = FX_CONTAINER_OF(o, struct dmabox_io, obj);
    struct dmabox_machine *hm = io->hm;

    fx_io_release(io->fx);
    pthread_mutex_lock(&hm->lock);
    fx_list_del(&io->m_link);
    pthread_mutex_unlock(&hm->lock);
    host_obj_put(&io->handle->obj);
    host_obj_put(&hm->obj);
    free(io);
}

/* A new I/O on h holding the caller's reference; in hm->ios until freed. */
static struct dmabox_io *io_new(struct dmabox_handle *h, dmabox_io_done_fn *done, void *ctx)
{
    struct dmabox_io *io = calloc(1, sizeof(*io));

    if (io == NULL)
        return NULL;
    host_obj_init(&io->obj, HOST_TYPE_IO, io_free);
    host_obj_ref(&h->hm->obj);
    host_obj_ref(&h->obj);
    io->hm = h->hm;
    io->handle = h;
    io->done = done;
    io->ctx = ctx;
    atomic_init(&io->phase, HOST_IO_SUBMITTING);
    exec_event_init(&io->completed, false, false);
    fx_list_init(&io->h_link);
    pthread_mutex_lock(&h->hm->lock);
    fx_list_add_tail(&h->hm->ios, &io->m_link);
    pthread_mutex_unlock(&h->hm->lock);
    return io;
}

/* Claims the buffers the parameters name: each must lie inside one dmabox_buffer_alloc buffer. */
static dmabox_status_t io_buffers(struct dmabox_io *io, const struct fx_io_params *p)
{
    const void *ptr[2] = {p->buffer, NULL};
    size_t len[2] = {p->length, 0};

    if (p->major == IRP_MJ_DEVICE_CONTROL) {
        ptr[0] = p->in;
        len[0] = p->in_length;
        ptr[1] = p->out;
        len[1] = p->out_length;
    }
    for (int i = 0; i < 2; i++) {
        if (len[i] == 0)
            continue;
        io->bufs[i] = host_buffer_use(io->hm, ptr[i], len[i]);
        if (io->bufs[i] == NULL) {
            host_buffer_unuse(io->bufs[0]);
            io->bufs[0] = NULL;
            return STATUS_INVALID_USER_BUFFER;
        }
    }
    return STATUS_SUCCESS;
}

/* Sends the I/O.  Returns STATUS_PENDING once the framework accepted it (the completion will be
 * reported exactly once), or the reason it was refused (nothing will be reported). */
static dmabox_status_t io_submit(struct dmabox_handle *h, struct dmabox_io *io,
                                 const struct fx_io_params *p)
{
    struct dmabox_machine *hm = h->hm;
    struct dmabox_device *d = h->dev;
    struct fx_device *fx;
    dmabox_status_t st;
    int expected = HOST_IO_SUBMITTING;

    st = io_buffers(io, p);
    if (st != STATUS_SUCCESS)
        return st;
    st = host_device_acquire(d, &fx);
    if (st != STATUS_SUCCESS) {
        host_buffer_unuse(io->bufs[0]);
        host_buffer_unuse(io->bufs[1]);
        return st;
    }
    pthread_mutex_lock(&hm->lock);
    fx_list_add_tail(&h->ios, &io->h_link);
    pthread_mutex_unlock(&hm->lock);
    host_obj_ref(&io->obj);                 /* the completion's reference */
    st = fx_io_submit(fx, p, io_done, io, &io->fx);
    host_device_release(d);
    if (st != STATUS_PENDING) {
        pthread_mutex_lock(&hm->lock);
        fx_list_del(&io->h_link);
        pthread_mutex_unlock(&hm->lock);
        host_buffer_unuse(io->bufs[0]);
        host_buffer_unuse(io->bufs[1]);
        host_obj_put(&io->obj);             /* the caller's reference remains */
        /* The runtime's "not machine RAM" can only mean the buffer is not the host's. */
        return st == STATUS_ACCESS_VIOLATION ? STATUS_INVALID_USER_BUFFER : st;
    }
    atomic_fetch_add(&hm->io_submitted, 1);
    if (!atomic_compare_exchange_strong(&io->phase, &expected, HOST_IO_PENDING))
        io_finish(io);                      /* it completed inside fx_io_submit */
    return STATUS_PENDING;
}

/* Resolves the handle and checks the parameters common to every I/O. */
static dmabox_status_t io_enter(struct host_call *c, dmabox_handle_t *handle,
                                enum host_call_kind kind, const struct fx_io_params *p,
                                struct dmabox_handle **out)
{
    struct host_obj *o;
    dmabox_status_t st;

    st = host_enter_obj(c, handle, HOST_TYPE_HANDLE, kind, &o);
    if (st != STATUS_SUCCESS)
        return st;
    *out = FX_CONTAINER_OF(o, struct dmabox_handle, obj);
    if (p->major == IRP_MJ_DEVICE_CONTROL) {
        if ((p->in == NULL) != (p->in_length == 0) || (p->out == NULL) != (p->out_length == 0) ||
            p->in_length > DMABOX_MAX_TRANSFER || p->out_length > DMABOX_MAX_TRANSFER)
            st = STATUS_INVALID_PARAMETER;
    } else if (p->buffer == NULL || p->length == 0 || p->length > DMABOX_MAX_TRANSFER ||
               p->offset < 0) {
        st = STATUS_INVALID_PARAMETER;
    }
    if (st != STATUS_SUCCESS) {
        host_leave_obj(c, o);
        *out = NULL;
    }
    return st;
}

static dmabox_status_t io_sync(dmabox_handle_t *handle, const struct fx_io_params *p,
                               size_t *bytes)
{
    struct dmabox_handle *h;
    struct dmabox_io *io;
    struct host_call c;
    dmabox_status_t st;

    if (bytes != NULL)
        *bytes = 0;
    st = io_enter(&c, handle, HOST_CALL_BLOCKING, p, &h);
    if (st != STATUS_SUCCESS)
        return st;
    io = io_new(h, NULL, NULL);
    st = io != NULL ? io_submit(h, io, p) : STATUS_INSUFFICIENT_RESOURCES;
    if (st == STATUS_PENDING) {
        exec_event_wait(&io->completed, UINT64_MAX);
        st = io->status;
        if (bytes != NULL)
            *bytes = io->information;
    }
    if (io != NULL)
        host_obj_put(&io->obj);
    host_leave_obj(&c, &h->obj);
    return st;
}

static dmabox_status_t io_async(dmabox_handle_t *handle, const struct fx_io_params *p,
                                dmabox_io_done_fn *done, void *ctx, dmabox_io_t **out)
{
    struct dmabox_handle *h;
    struct dmabox_io *io;
    struct host_call c;
    dmabox_status_t st;

    if (out != NULL)
        *out = NULL;
    st = io_enter(&c, handle, HOST_CALL_PASSIVE, p, &h);
    if (st != STATUS_SUCCESS)
        return st;
    io = io_new(h, done, ctx);
    st = io != NULL ? io_submit(h, io, p) : STATUS_INSUFFICIENT_RESOURCES;
    if (st != STATUS_PENDING || out == NULL) {
        /* Refused, or nobody wants an io handle: the completion's reference (if any) keeps it. */
        if (io != NULL)
            host_obj_put(&io->obj);
    } else {
        host_obj_register(&io->obj);
        *out = io;
    }
    host_leave_obj(&c, &h->obj);
    return st;
}

/* ---- entry points ---- */

dmabox_status_t dmabox_read(dmabox_handle_t *handle, void *buffer, size_t length, uint64_t offset,
                            size_t *bytes)
{
    struct fx_io_params p = {.major = IRP_MJ_READ, .buffer = buffer, .length = length,
                             .offset = (LONGLONG)offset};
    return io_sync(handle, &p, bytes);
}

dmabox_status_t dmabox_write(dmabox_handle_t *handle, const void *buffer, size_t length,
                             uint64_t offset, size_t *bytes)
{
    /* The driver only reads a write's buffer; fx_io_params has one pointer for both. */
    struct fx_io_params p = {.major = IRP_MJ_WRITE, .buffer = (void *)buffer, .length = length,
                             .offset = (LONGLONG)offset};
    return io_sync(handle, &p, bytes);
}

dmabox_status_t dmabox_ioctl(dmabox_handle_t *handle, uint32_t code, const void *in,
                             size_t in_length, void *out, size_t out_length, size_t *bytes)
{
    struct fx_io_params p = {.major = IRP_MJ_DEVICE_CONTROL, .ioctl = code, .in = in,
                             .in_length = in_length, .out = out, .out_length = out_length};
    return io_sync(handle, &p, bytes);
}

dmabox_status_t dmabox_read_async(dmabox_handle_t *handle, void *buffer, size_t length,
                                  uint64_t offset, dmabox_io_done_fn *done, void *ctx,
                                  dmabox_io_t **io)
{
    struct fx_io_params p = {.major = IRP_MJ_READ, .buffer = buffer, .length = length,
                             .offset = (LONGLONG)offset};
    return io_async(handle, &p, done, ctx, io);
}

dmabox_status_t dmabox_write_async(dmabox_handle_t *handle, const void *buffer, size_t length,
                                   uint64_t offset, dmabox_io_done_fn *done, void *ctx,
                                   dmabox_io_t **io)
{
    struct fx_io_params p = {.major = IRP_MJ_WRITE, .buffer = (void *)buffer, .length = length,
                             .offset = (LONGLONG)offset};
    return io_async(handle, &p, done, ctx, io);
}

dmabox_status_t dmabox_ioctl_async(dmabox_handle_t *handle, uint32_t code, const void *in,
                                   size_t in_length, void *out, size_t out_length,
                                   dmabox_io_done_fn *done, void *ctx, dmabox_io_t **io)
{
    struct fx_io_params p = {.major = IRP_MJ_DEVICE_CONTROL, .ioctl = code, .in = in,
                             .in_length = in_length, .out = out, .out_length = out_length};
    return io_async(handle, &p, done, ctx, io);
}

dmabox_status_t dmabox_cancel(dmabox_io_t *io)
{
    struct dmabox_io *x;
    struct host_obj *o;
    struct host_call c;
    dmabox_status_t st;

    st = host_enter_obj(&c, io, HOST_TYPE_IO, HOST_CALL_ANY, &o);
    if (st != STATUS_SUCCESS)
        return st;
    x = FX_CONTAINER_OF(o, struct dmabox_io, obj);
    atomic_fetch_add(&x->hm->io_cancels, 1);
    /* Harmless after completion (fx_io_cancel checks); x->fx lives until x is freed. */
    fx_io_cancel(x->fx);
    host_leave_obj(&c, o);
    return STATUS_SUCCESS;
}

dmabox_status_t dmabox_io_wait(dmabox_io_t *io, uint64_t timeout_ms, size_t *information)
{
    struct dmabox_io *x;
    struct host_obj *o;
    struct host_call c;
    dmabox_status_t st;
    uint64_t ns;

    st = host_enter_obj(&c, io, HOST_TYPE_IO, HOST_CALL_BLOCKING, &o);
    if (st != STATUS_SUCCESS)
        return st;
    x = FX_CONTAINER_OF(o, struct dmabox_io, obj);
    ns = timeout_ms >= UINT64_MAX / 1000000u ? UINT64_MAX : timeout_ms * 1000000u;
    if (exec_event_wait(&x->completed, ns)) {
        st = x->status;
        if (information != NULL)
            *information = x->information;
    } else {
        st = STATUS_TIMEOUT;
    }
    host_leave_obj(&c, o);
    return st;
}

dmabox_status_t dmabox_io_release(dmabox_io_t *io)
{
    struct host_obj *o;
    struct host_call c;
    dmabox_status_t st;

    st = host_enter_obj(&c, io, HOST_TYPE_IO, HOST_CALL_ANY, &o);
    if (st != STATUS_SUCCESS)
        return st;
    if (!host_obj_unregister(o))
        st = STATUS_INVALID_HANDLE;         /* released twice at the same time */
    host_leave_obj(&c, o);
    return st;
}

/* ---- teardown helpers ---- */

void host_handle_cancel_all(struct dmabox_handle *h)
{
    struct dmabox_machine *hm = h->hm;
    struct dmabox_io **list = NULL;
    size_t n = 0, cap = 0;

    /* fx_io_cancel may complete the I/O on this thread (io_finish takes hm->lock), so the I/Os
     * are collected, referenced, under the lock and cancelled after it.  An I/O still inside
     * fx_io_submit is not cancelled: it was submitted concurrently with the close. */
    pthread_mutex_lock(&hm->lock);
    for (struct fx_list *e = h->ios.next; e != &h->ios; e = e->next)
        cap++;
    list = cap != 0 ? calloc(cap, sizeof(*list)) : NULL;
    for (struct fx_list *e = h->ios.next; list != NULL && e != &h->ios; e = e->next) {
        struct dmabox_io *io = FX_CONTAINER_OF(e, struct dmabox_io, h_link);
        if (atomic_load(&io->phase) == HOST_IO_PENDING) {
            host_obj_ref(&io->obj);
            list[n++] = io;
        }
    }
    pthread_mutex_unlock(&hm->lock);
    for (size_t i = 0; i < n; i++) {
        fx_io_cancel(list[i]->fx);
        host_obj_put(&list[i]->obj);
    }
    free(list);
}

size_t host_ios_release_all(struct dmabox_machine *hm)
{
    struct dmabox_io **list = NULL;
    size_t n = 0, cap = 0, released = 0;

    pthread_mutex_lock(&hm->lock);
    for (struct fx_list *e = hm->ios.next; e != &hm->ios; e = e->next)
        cap++;
    list = cap != 0 ? calloc(cap, sizeof(*list)) : NULL;
    for (struct fx_list *e = hm->ios.next; list != NULL && e != &hm->ios; e = e->next) {
        list[n] = FX_CONTAINER_OF(e, struct dmabox_io, m_link);
        host_obj_ref(&list[n++]->obj);
    }
    pthread_mutex_unlock(&hm->lock);
    /* Unregistering an I/O the application never released drops its reference; the others
     * (synchronous ones, self-releasing ones) are not registered and only lose ours. */
    for (size_t i = 0; i < n; i++) {
        released += host_obj_unregister(&list[i]->obj);
        host_obj_put(&list[i]->obj);
    }
    free(list);
    return released;
}
