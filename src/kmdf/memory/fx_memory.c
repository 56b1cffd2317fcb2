/* fx_memory.c - framework memory objects (kmdf layer): pool-backed and preallocated WDFMEMORY,
 * bounds-checked copies.  Pool buffers come from the machine's pool (src/wdm/pool.c), so they
 * are machine RAM a device can reach, and an unreleased one shows up as a pool leak.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfmemory/nf-wdfmemory-wdfmemorycreate
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfmemory/nf-wdfmemory-wdfmemorycopytobuffer
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfmemory/nf-wdfmemory-wdfmemorycopyfrombuffer */
#include "kmdf/memory/fx_memory.h"

#include <string.h>

#include "wdm/wdm_machine.h"

/* The pool buffer goes with the object's memory, after the driver's EvtDestroyCallback: a
 * driver holding a reference may use the buffer until it releases the reference. */
static void fx_memory_destroy(struct fx_object *obj)
{
    struct fx_memory *m = to_memory(obj);

    if (m->kind == FX_MEMORY_KIND_POOL && m->buffer != NULL)
        wdm_pool_free(m->buffer, m->tag, 1, "WdfMemory (destroy)", obj->origin);
    m->buffer = NULL;
}

static const struct fx_object_ops fx_memory_pool_ops = {
    .type = FX_TYPE_MEMORY,
    .size = sizeof(struct fx_memory),
    .destroy = fx_memory_destroy,
};

static const struct fx_object_ops fx_memory_preallocated_ops = {
    .type = FX_TYPE_MEMORY,
    .size = sizeof(struct fx_memory),
};

int fx_memory_pool_type_paged(POOL_TYPE pool_type)
{
    unsigned t = (unsigned)pool_type & ~(unsigned)(NonPagedPoolNx | NonPagedPoolSession);
    bool nx = ((unsigned)pool_type & NonPagedPoolNx) != 0;

    if (t >= MaxPoolType || t == DontUseThisType || (nx && (t & PagedPool)))
        return -1;
    return (t & PagedPool) != 0;
}

static unsigned fx_memory_pool_flags(POOL_TYPE pool_type)
{
    unsigned t = (unsigned)pool_type & ~(unsigned)(NonPagedPoolNx | NonPagedPoolSession);

    return ((t & PagedPool) ? WDM_POOL_PAGED : 0) |
           ((t & NonPagedPoolCacheAligned) ? WDM_POOL_CACHE_ALIGNED : 0) |
           ((t & NonPagedPoolMustSucceed) ? WDM_POOL_MUST_SUCCEED : 0);
}

NTSTATUS fx_memory_create_pool(struct fx_driver_globals *g, PWDF_OBJECT_ATTRIBUTES attributes,
                               POOL_TYPE pool_type, ULONG tag, size_t size, const char *ddi,
                               const void *caller, struct fx_memory **out)
{
    int paged = fx_memory_pool_type_paged(pool_type);
    struct fx_object *obj;
    struct fx_memory *m;
    NTSTATUS status;

    *out = NULL;
    if (paged < 0)
        return STATUS_INVALID_PARAMETER;
    status = fx_object_create(g, &fx_memory_pool_ops, attributes, NULL, ddi, caller, &obj);
    if (!NT_SUCCESS(status))
        return status;
    m = to_memory(obj);
    m->kind = FX_MEMORY_KIND_POOL;
    m->paged = paged != 0;
    m->tag = tag != 0 ? tag : g->pub.DriverTag;
    m->buffer = wdm_pool_alloc(size, m->tag, fx_memory_pool_flags(pool_type), ddi, caller);
    if (m->buffer == NULL) {
        fx_object_discard(obj);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    m->size = size;
    *out = m;
    return STATUS_SUCCESS;
}

NTSTATUS fx_memory_create_preallocated(struct fx_driver_globals *g,
                                       PWDF_OBJECT_ATTRIBUTES attributes, void *buffer,
                                       size_t size, const char *ddi, const void *caller,
                                       struct fx_memory **out)
{
    struct fx_object *obj;
    NTSTATUS status;

    *out = NULL;
    status = fx_object_create(g, &fx_memory_preallocated_ops, attributes, NULL, ddi, caller, &obj);
    if (!NT_SUCCESS(status))
        return status;
    *out = to_memory(obj);
    (*out)->kind = FX_MEMORY_KIND_PREALLOCATED;
    (*out)->buffer = buffer;
    (*out)->size = size;
    return STATUS_SUCCESS;
}

NTSTATUS fx_memory_copy_out(struct fx_memory *m, size_t offset, void *dst, size_t length)
{
    if (offset > m->size || length > m->size - offset)
        return STATUS_BUFFER_TOO_SMALL;
    memmove(dst, (char *)m->buffer + offset, length);
    return STATUS_SUCCESS;
}

NTSTATUS fx_memory_copy_in(struct fx_memory *m, size_t offset, const void *src, size_t length)
{
    if (offset >= m->size)
        return STATUS_INVALID_BUFFER_SIZE;
    if (length > m->size - offset)
        return STATUS_BUFFER_TOO_SMALL;
    memmove((char *)m->buffer + offset, src, length);
    return STATUS_SUCCESS;
}
