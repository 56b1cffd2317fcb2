/* fx_context.h - object context space (kmdf layer, internal to src/kmdf/object).
 * Every object carries at least one context record: the one described by the attributes it was
 * created with (possibly of no type, holding just the EvtCleanupCallback/EvtDestroyCallback),
 * allocated in the same block right after the type's struct.  WdfObjectAllocateContext appends
 * more records, each separately allocated; records are never removed before the object is freed,
 * so the list may be read without a lock.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/framework-object-context-space */
#ifndef DMABOX_KMDF_FX_CONTEXT_H
#define DMABOX_KMDF_FX_CONTEXT_H

#include <stdbool.h>
#include <stdint.h>

#include "kmdf/object/fx_object.h"

/* Context data alignment: MEMORY_ALLOCATION_ALIGNMENT on x64, as KMDF guarantees. */
#define FX_CONTEXT_ALIGN 16u
/* WDF_OBJECT_CONTEXT_TYPE_INFO as KMDF 1.0 drivers declare it (no UniqueType member). */
#define FX_CONTEXT_TYPE_INFO_V1_0_SIZE 24u
#define FX_CONTEXT_MAGIC 0x58544346u /* "FCTX" */

struct fx_context {
    struct fx_context *_Atomic next;       /* appended under the tree lock */
    struct fx_object *owner;
    PCWDF_OBJECT_CONTEXT_TYPE_INFO key;    /* the type's identity (UniqueType); NULL: untyped */
    PFN_WDF_OBJECT_CONTEXT_CLEANUP cleanup;
    PFN_WDF_OBJECT_CONTEXT_DESTROY destroy;
    size_t size;                           /* bytes of data */
    uint32_t magic;                        /* FX_CONTEXT_MAGIC: lets WdfObjectContextGetObject
                                              reject a pointer that is not a context */
    bool added;                            /* separately allocated by WdfObjectAllocateContext */
    _Alignas(FX_CONTEXT_ALIGN) unsigned char data[];
};

/* Allocates one zeroed block holding an object of object_size bytes followed by its creation
 * context as described by attributes (validated already; may be NULL), and links the context
 * to the object (obj->contexts, owner).  NULL if out of memory or the size overflows. */
struct fx_object *fx_context_alloc_object(size_t object_size, PWDF_OBJECT_ATTRIBUTES attributes);

/* Each context's EvtCleanupCallback / EvtDestroyCallback, in attach order, with obj's handle. */
void fx_context_run_cleanup(struct fx_object *obj);
void fx_context_run_destroy(struct fx_object *obj);

/* Forgets every driver callback (an object whose creation failed is deleted silently). */
void fx_context_clear_callbacks(struct fx_object *obj);

/* Frees the contexts WdfObjectAllocateContext added; the first lives in the object's block. */
void fx_context_free_added(struct fx_object *obj);

#endif
