/* fx_context.c - object context space (kmdf layer): typed, zeroed, 16-byte aligned contexts,
 * several per object, found by the address of their type info; see fx_context.h.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/framework-object-context-space
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfobject/nf-wdfobject-wdfobjectallocatecontext */
#include "kmdf/object/fx_context.h"

#include <stdlib.h>

#include "kmdf/kmdf_machine.h"

/* A context type is identified by its UniqueType (the structure itself for types declared with
 * WDF_DECLARE_CONTEXT_TYPE*); a KMDF 1.0 type info has no such member and is its own identity. */
static PCWDF_OBJECT_CONTEXT_TYPE_INFO fx_context_key(PCWDF_OBJECT_CONTEXT_TYPE_INFO info)
{
    if (info != NULL && info->Size >= sizeof(WDF_OBJECT_CONTEXT_TYPE_INFO) &&
        info->UniqueType != NULL)
        return info->UniqueType;
    return info;
}

static size_t fx_context_size(PWDF_OBJECT_ATTRIBUTES a)
{
    if (a == NULL || a->ContextTypeInfo == NULL)
        return 0;
    return a->ContextSizeOverride != 0 ? a->ContextSizeOverride : a->ContextTypeInfo->ContextSize;
}

static void fx_context_init(struct fx_context *c, struct fx_object *owner,
                            PWDF_OBJECT_ATTRIBUTES a, size_t size, bool added)
{
    atomic_init(&c->next, NULL);
    c->owner = owner;
    c->key = a != NULL ? fx_context_key(a->ContextTypeInfo) : NULL;
    c->cleanup = a != NULL ? a->EvtCleanupCallback : NULL;
    c->destroy = a != NULL ? a->EvtDestroyCallback : NULL;
    c->size = size;
    c->magic = FX_CONTEXT_MAGIC;
    c->added = added;
}

struct fx_object *fx_context_alloc_object(size_t object_size, PWDF_OBJECT_ATTRIBUTES attributes)
{
    size_t offset = WDF_ALIGN_SIZE_UP(object_size, FX_CONTEXT_ALIGN);
    size_t size = fx_context_size(attributes);
    struct fx_object *obj;
    struct fx_context *c;

    if (size > SIZE_MAX - offset - sizeof(struct fx_context))
        return NULL;
    /* calloc: the driver's context must start zeroed, and so must the type's fields. */
    obj = calloc(1, offset + sizeof(struct fx_context) + size);
    if (obj == NULL)
        return NULL;
    c = (struct fx_context *)((char *)obj + offset);
    fx_context_init(c, obj, attributes, size, false);
    atomic_init(&obj->contexts, c);
    return obj;
}

void *fx_object_context(struct fx_object *obj, PCWDF_OBJECT_CONTEXT_TYPE_INFO type)
{
    PCWDF_OBJECT_CONTEXT_TYPE_INFO key = fx_context_key(type);
    struct fx_context *c;

    if (key == NULL)
        return NULL;
    for (c = atomic_load_explicit(&obj->contexts, memory_order_acquire); c != NULL;
         c = atomic_load_explicit(&c->next, memory_order_acquire))
        if (c->key == key)
            return c->data;
    return NULL;
}

NTSTATUS fx_object_context_add(struct fx_object *obj, PWDF_OBJECT_ATTRIBUTES attributes,
                               void **out)
{
    struct kmdf_machine *k = obj->globals->kmdf;
    size_t size = fx_context_size(attributes);
    struct fx_context *c, *last;
    void *existing;

    FX_ASSERT(attributes != NULL && attributes->ContextTypeInfo != NULL);
    if (size > SIZE_MAX - sizeof(struct fx_context))
        return STATUS_INSUFFICIENT_RESOURCES;
    c = calloc(1, sizeof(*c) + size);
    if (c == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    fx_context_init(c, obj, attributes, size, true);

    pthread_mutex_lock(&k->tree_lock);
    if (fx_object_state(obj) != FX_OBJECT_STATE_ALIVE) {
        pthread_mutex_unlock(&k->tree_lock);
        free(c);
        return STATUS_DELETE_PENDING;
    }
    /* Checked under the lock so that two threads adding the same type attach it once. */
    existing = fx_object_context(obj, c->key);
    if (existing != NULL) {
        pthread_mutex_unlock(&k->tree_lock);
        free(c);
        *out = existing;
        return STATUS_OBJECT_NAME_EXISTS;
    }
    last = atomic_load_explicit(&obj->contexts, memory_order_relaxed);
    while (atomic_load_explicit(&last->next, memory_order_relaxed) != NULL)
        last = atomic_load_explicit(&last->next, memory_order_relaxed);
    atomic_store_explicit(&last->next, c, memory_order_release);
    pthread_mutex_unlock(&k->tree_lock);
    *out = c->data;
    return STATUS_SUCCESS;
}

struct fx_object *fx_object_from_context(void *ptr)
{
    struct fx_context *c;

    if (ptr == NULL || ((uintptr_t)ptr & (FX_CONTEXT_ALIGN - 1)) != 0)
        return NULL;
    c = FX_CONTAINER_OF(ptr, struct fx_context, data);
    return c->magic == FX_CONTEXT_MAGIC ? c->owner : NULL;
}

void fx_context_run_cleanup(struct fx_object *obj)
{
    for (struct fx_context *c = atomic_load_explicit(&obj->contexts, memory_order_acquire);
         c != NULL; c = atomic_load_explicit(&c->next, memory_order_acquire))
        if (c->cleanup != NULL)
            c->cleanup(obj->handle);
}

void fx_context_run_destroy(struct fx_object *obj)
{
    for (struct fx_context *c = atomic_load_explicit(&obj->contexts, memory_order_acquire);
         c != NULL; c = atomic_load_explicit(&c->next, memory_order_acquire))
        if (c->destroy != NULL)
            c->destroy(obj->handle);
}

void fx_context_clear_callbacks(struct fx_object *obj)
{
    for (struct fx_context *c = atomic_load_explicit(&obj->contexts, memory_order_acquire);
         c != NULL; c = atomic_load_explicit(&c->next, memory_order_acquire)) {
        c->cleanup = NULL;
        c->destroy = NULL;
    }
}

void fx_context_free_added(struct fx_object *obj)
{
    struct fx_context *c = atomic_load_explicit(&obj->contexts, memory_order_acquire);

    while (c != NULL) {
        struct fx_context *next = atomic_load_explicit(&c->next, memory_order_acquire);
        c->magic = 0;
        if (c->added)
            free(c);
        c = next;
    }
}
