/* dmabox_buffer.c - application I/O buffers in machine RAM (host layer).  A buffer is a
 * physmem range (docs/memory.md), so an MDL describes its real frames and the device's DMA lands
 * in it directly; the table here (sorted by address, under a reader/writer lock) lets an I/O
 * check in O(log n) that its bytes lie inside one live buffer, and keeps a buffer from being
 * freed while an I/O uses it. */
#include "host.h"

#include <ntdef.h>
#include <ntstatus.h>
#include <stdlib.h>

#include "platform/machine.h"
#include "platform/physmem.h"

int host_buffers_init(struct host_buffers *b)
{
    b->sorted = NULL;
    b->count = b->cap = 0;
    b->bytes = 0;
    return pthread_rwlock_init(&b->lock, NULL) == 0 ? 0 : -1;
}

/* Index of the last buffer starting at or below p, or -1.  Lock held. */
static long buffers_floor(const struct host_buffers *b, const void *p)
{
    long lo = 0, hi = (long)b->count - 1, found = -1;

    while (lo <= hi) {
        long mid = lo + (hi - lo) / 2;
        if ((uintptr_t)b->sorted[mid]->va <= (uintptr_t)p) {
            found = mid;
            lo = mid + 1;
        } else {
            hi = mid - 1;
        }
    }
    return found;
}

static bool buffers_insert(struct host_buffers *b, struct host_buffer *buf)
{
    long at;

    if (b->count == b->cap) {
        size_t cap = b->cap != 0 ? b->cap * 2 : 16;
        struct host_buffer **n = realloc(b->sorted, cap * sizeof(*n));
        if (n == NULL)
            return false;
        b->sorted = n;
        b->cap = cap;
    }
    at = buffers_floor(b, buf->va) + 1;
    for (size_t i = b->count; i > (size_t)at; i--)
        b->sorted[i] = b->sorted[i - 1];
    b->sorted[at] = buf;
    b->count++;
    b->bytes += buf->size;
    return true;
}

static void buffers_remove_at(struct host_buffers *b, size_t at)
{
    b->bytes -= b->sorted[at]->size;
    for (size_t i = at; i + 1 < b->count; i++)
        b->sorted[i] = b->sorted[i + 1];
    b->count--;
}

dmabox_status_t dmabox_buffer_alloc(dmabox_machine_t *machine, size_t size, unsigned flags,
                                    void **out)
{
    const unsigned known = DMABOX_BUF_CONTIGUOUS | DMABOX_BUF_BELOW_4G | DMABOX_BUF_ABOVE_4G;
    struct dmabox_machine *hm;
    struct host_buffer *buf;
    unsigned pflags = PHYSMEM_ZERO;
    struct host_obj *o;
    struct host_call c;
    dmabox_status_t st;
    bool inserted;

    if (out == NULL)
        return STATUS_INVALID_PARAMETER;
    *out = NULL;
    st = host_enter_obj(&c, machine, HOST_TYPE_MACHINE, HOST_CALL_PASSIVE, &o);
    if (st != STATUS_SUCCESS)
        return st;
    hm = FX_CONTAINER_OF(o, struct dmabox_machine, obj);
    if (size == 0 || size > hm->cfg.ram_bytes || (flags & ~known) != 0 ||
        (flags & (DMABOX_BUF_BELOW_4G | DMABOX_BUF_ABOVE_4G)) ==
            (DMABOX_BUF_BELOW_4G | DMABOX_BUF_ABOVE_4G)) {
        host_leave_obj(&c, o);
        return STATUS_INVALID_PARAMETER;
    }
    pflags |= (flags & DMABOX_BUF_CONTIGUOUS) ? PHYSMEM_CONTIGUOUS : 0;
    pflags |= (flags & DMABOX_BUF_BELOW_4G) ? PHYSMEM_BELOW_4G : 0;
    pflags |= (flags & DMABOX_BUF_ABOVE_4G) ? PHYSMEM_ABOVE_4G : 0;
    buf = calloc(1, sizeof(*buf));
    if (buf != NULL)
        buf->va = physmem_alloc(hm->m->mem, (size + PHYSMEM_PAGE_SIZE - 1) / PHYSMEM_PAGE_SIZE,
                                pflags);
    if (buf == NULL || buf->va == NULL) {
        free(buf);
        host_leave_obj(&c, o);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    buf->size = size;
    atomic_init(&buf->busy, 0);
    pthread_rwlock_wrlock(&hm->buffers.lock);
    inserted = buffers_insert(&hm->buffers, buf);
    pthread_rwlock_unlock(&hm->buffers.lock);
    if (!inserted) {
        physmem_free(hm->m->mem, buf->va);
        free(buf);
        st = STATUS_INSUFFICIENT_RESOURCES;
    } else {
        *out = buf->va;
    }
    host_leave_obj(&c, o);
    return st;
}

dmabox_status_t dmabox_buffer_free(dmabox_machine_t *machine, void *buffer)
{
    struct host_buffer *buf = NULL;
    struct dmabox_machine *hm;
    struct host_obj *o;
    struct host_call c;
    dmabox_status_t st;
    long at;

    st = host_enter_obj(&c, machine, HOST_TYPE_MACHINE, HOST_CALL_PASSIVE, &o);
    if (st != STATUS_SUCCESS)
        return st;
    hm = FX_CONTAINER_OF(o, struct dmabox_machine, obj);
    pthread_rwlock_wrlock(&hm->buffers.lock);
    at = buffer != NULL ? buffers_floor(&hm->buffers, buffer) : -1;
    if (at < 0 || hm->buffers.sorted[at]->va != buffer) {
        st = STATUS_INVALID_USER_BUFFER;
    } else if (atomic_load(&hm->buffers.sorted[at]->busy) != 0) {
        st = STATUS_DEVICE_BUSY;            /* an I/O still uses it */
    } else {
        buf = hm->buffers.sorted[at];
        buffers_remove_at(&hm->buffers, (size_t)at);
    }
    pthread_rwlock_unlock(&hm->buffers.lock);
    if (buf != NULL) {
        physmem_free(hm->m->mem, buf->va);
        free(buf);
    }
    host_leave_obj(&c, o);
    return st;
}

struct host_buffer *host_buffer_use(struct dmabox_machine *hm, const void *p, size_t len)
{
    struct host_buffer *found = NULL;
    long at;

    pthread_rwlock_rdlock(&hm->buffers.lock);
    at = buffers_floor(&hm->buffers, p);
    if (at >= 0) {
        struct host_buffer *b = hm->buffers.sorted[at];
        size_t off = (size_t)((uintptr_t)p - (uintptr_t)b->va);
        if (off < b->size && len <= b->size - off) {
            atomic_fetch_add(&b->busy, 1);
            found = b;
        }
    }
    pthread_rwlock_unlock(&hm->buffers.lock);
    return found;
}

void host_buffer_unuse(struct host_buffer *b)
{
    if (b != NULL)
        atomic_fetch_sub(&b->busy, 1);
}

void host_buffers_count(struct dmabox_machine *hm, uint64_t *count, uint64_t *bytes)
{
    pthread_rwlock_rdlock(&hm->buffers.lock);
    *count = hm->buffers.count;
    *bytes = hm->buffers.bytes;
    pthread_rwlock_unlock(&hm->buffers.lock);
}

size_t host_buffers_fini(struct dmabox_machine *hm)
{
    size_t n;

    pthread_rwlock_wrlock(&hm->buffers.lock);
    n = hm->buffers.count;
    for (size_t i = 0; i < n; i++) {
        physmem_free(hm->m->mem, hm->buffers.sorted[i]->va);
        free(hm->buffers.sorted[i]);
    }
    hm->buffers.count = 0;
    hm->buffers.bytes = 0;
    pthread_rwlock_unlock(&hm->buffers.lock);
    return n;
}
