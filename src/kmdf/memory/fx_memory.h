/* fx_memory.h - framework memory objects (kmdf layer, internal): a WDFMEMORY is a buffer and its
 * size.  Every object of type FX_TYPE_MEMORY starts with a struct fx_memory, whichever module
 * creates it (a request's input/output memory is one too), so the WdfMemory* DDIs work on all.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/using-memory-buffers */
#ifndef DMABOX_KMDF_FX_MEMORY_H
#define DMABOX_KMDF_FX_MEMORY_H

#include <stdbool.h>

#include <ntddk.h>
#include <wdf.h>

#include "kmdf/object/fx_object.h"

enum fx_memory_kind {
    FX_MEMORY_KIND_POOL,         /* WdfMemoryCreate: pool buffer freed when the object goes */
    FX_MEMORY_KIND_PREALLOCATED, /* WdfMemoryCreatePreallocated: the driver's buffer, never freed
                                    here; WdfMemoryAssignBuffer may replace it */
    FX_MEMORY_KIND_FRAMEWORK,    /* a view the framework made of a buffer it manages elsewhere */
};

struct fx_memory {
    struct fx_object obj;        /* first, as for every object */
    void *buffer;
    size_t size;
    enum fx_memory_kind kind;
    bool paged;                  /* pageable buffer: touch it only at IRQL <= APC_LEVEL */
    ULONG tag;                   /* pool tag of a FX_MEMORY_KIND_POOL buffer */
};

static inline struct fx_memory *to_memory(struct fx_object *o)
{
    FX_ASSERT(o->ops->type == FX_TYPE_MEMORY);
    return FX_CONTAINER_OF(o, struct fx_memory, obj);
}

/* WdfMemoryCreate's work: an object whose buffer of `size` bytes (not zeroed, as in Windows)
 * comes from machine pool of pool_type with `tag` (0: the driver's tag).  Returns
 * STATUS_SUCCESS, STATUS_INVALID_PARAMETER (bad pool type), STATUS_INSUFFICIENT_RESOURCES or an
 * fx_object_create status. */
NTSTATUS fx_memory_create_pool(struct fx_driver_globals *g, PWDF_OBJECT_ATTRIBUTES attributes,
                               POOL_TYPE pool_type, ULONG tag, size_t size, const char *ddi,
                               const void *caller, struct fx_memory **out);

/* WdfMemoryCreatePreallocated's work: an object describing the driver's buffer. */
NTSTATUS fx_memory_create_preallocated(struct fx_driver_globals *g,
                                       PWDF_OBJECT_ATTRIBUTES attributes, void *buffer,
                                       size_t size, const char *ddi, const void *caller,
                                       struct fx_memory **out);

/* The pool type's paged-ness, or -1 for a type no allocation accepts. */
int fx_memory_pool_type_paged(POOL_TYPE pool_type);

/* Bounds-checked copies with the documented statuses:
 * out: STATUS_BUFFER_TOO_SMALL when offset + length passes the end.
 * in:  STATUS_INVALID_BUFFER_SIZE when offset is at or past the end, STATUS_BUFFER_TOO_SMALL
 *      when the rest of the buffer is shorter than length. */
NTSTATUS fx_memory_copy_out(struct fx_memory *m, size_t offset, void *dst, size_t length);
NTSTATUS fx_memory_copy_in(struct fx_memory *m, size_t offset, const void *src, size_t length);

#endif
