/* fx_handle.c - the per-machine handle table with generation counters (kmdf layer); see
 * fx_handle.h.  The lookup path is three acquire loads and no lock, so it may run at any IRQL on
 * any thread; the WDF verifier's handle checks it models:
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/using-kmdf-verifier */
#include "kmdf/object/fx_handle.h"

#include <stdlib.h>

#define FX_HANDLE_INDEX_MAX (FX_HANDLE_CHUNK_SLOTS * FX_HANDLE_MAX_CHUNKS)

static WDFOBJECT fx_handle_encode(uint32_t index, uint32_t gen)
{
    return (WDFOBJECT)(uintptr_t)(((uint64_t)gen << 32) | ((uint64_t)index << 1) | 1u);
}

static struct fx_handle_slot *fx_handle_slot_at(struct fx_handle_table *t, uint32_t index)
{
    struct fx_handle_slot *chunk;

    if (index >= FX_HANDLE_INDEX_MAX)
        return NULL;
    chunk = atomic_load_explicit(&t->chunks[index >> FX_HANDLE_CHUNK_SHIFT], memory_order_acquire);
    return chunk != NULL ? &chunk[index & (FX_HANDLE_CHUNK_SLOTS - 1)] : NULL;
}

int fx_handle_table_init(struct fx_handle_table *t)
{
    for (size_t i = 0; i < FX_HANDLE_MAX_CHUNKS; i++)
        atomic_init(&t->chunks[i], NULL);
    t->nslots = 0;
    t->free_head = 0;
    return pthread_mutex_init(&t->lock, NULL) == 0 ? 0 : -1;
}

void fx_handle_table_fini(struct fx_handle_table *t)
{
    for (size_t i = 0; i < FX_HANDLE_MAX_CHUNKS; i++) {
        free(atomic_load_explicit(&t->chunks[i], memory_order_relaxed));
        atomic_store_explicit(&t->chunks[i], NULL, memory_order_relaxed);
    }
    pthread_mutex_destroy(&t->lock);
}

/* Caller holds t->lock.  Returns the index of a free slot, growing the table if needed. */
static int fx_handle_take_slot_locked(struct fx_handle_table *t, uint32_t *index)
{
    if (t->free_head != 0) {
        *index = t->free_head - 1;
        t->free_head = fx_handle_slot_at(t, *index)->next_free;
        return 0;
    }
    if (t->nslots >= FX_HANDLE_INDEX_MAX)
        return -1;
    if ((t->nslots & (FX_HANDLE_CHUNK_SLOTS - 1)) == 0) {
        struct fx_handle_slot *chunk = calloc(FX_HANDLE_CHUNK_SLOTS, sizeof(*chunk));
        if (chunk == NULL)
            return -1;
        /* Readers may see the chunk as soon as it is stored; its slots read as never issued. */
        atomic_store_explicit(&t->chunks[t->nslots >> FX_HANDLE_CHUNK_SHIFT], chunk,
                              memory_order_release);
    }
    *index = t->nslots++;
    return 0;
}

int fx_handle_alloc(struct fx_handle_table *t, struct fx_object *obj, WDFOBJECT *out)
{
    struct fx_handle_slot *slot;
    uint32_t index, gen;

    pthread_mutex_lock(&t->lock);
    if (fx_handle_take_slot_locked(t, &index) != 0) {
        pthread_mutex_unlock(&t->lock);
        return -1;
    }
    slot = fx_handle_slot_at(t, index);
    gen = atomic_load_explicit(&slot->gen, memory_order_relaxed);
    if (gen == 0) {
        gen = 1;
        atomic_store_explicit(&slot->gen, gen, memory_order_release);
    }
    slot->next_free = 0;
    atomic_store_explicit(&slot->obj, obj, memory_order_release);
    pthread_mutex_unlock(&t->lock);
    *out = fx_handle_encode(index, gen);
    return 0;
}

void fx_handle_free(struct fx_handle_table *t, WDFOBJECT handle)
{
    uint32_t index = (uint32_t)(((uintptr_t)handle >> 1) & 0x7fffffffu);
    struct fx_handle_slot *slot;
    uint32_t gen;

    pthread_mutex_lock(&t->lock);
    slot = fx_handle_slot_at(t, index);
    /* Clear the object before bumping the generation: a racing lookup of the old handle sees
     * either the generation change or the NULL object, both reported as stale. */
    atomic_store_explicit(&slot->obj, NULL, memory_order_release);
    gen = atomic_load_explicit(&slot->gen, memory_order_relaxed) + 1;
    if (gen == 0)
        gen = 1;
    atomic_store_explicit(&slot->gen, gen, memory_order_release);
    slot->next_free = t->free_head;
    t->free_head = index + 1;
    pthread_mutex_unlock(&t->lock);
}

enum fx_handle_lookup fx_handle_lookup(struct fx_handle_table *t, WDFOBJECT handle,
                                       struct fx_object **out)
{
    uint64_t v = (uint64_t)(uintptr_t)handle;
    uint32_t index = (uint32_t)((v >> 1) & 0x7fffffffu);
    uint32_t gen = (uint32_t)(v >> 32);
    struct fx_handle_slot *slot;
    struct fx_object *obj;
    uint32_t slot_gen;

    *out = NULL;
    if ((v & 1u) == 0 || gen == 0)
        return FX_HANDLE_INVALID;
    slot = fx_handle_slot_at(t, index);
    if (slot == NULL)
        return FX_HANDLE_INVALID;
    slot_gen = atomic_load_explicit(&slot->gen, memory_order_acquire);
    if (slot_gen != gen)
        return gen < slot_gen ? FX_HANDLE_STALE : FX_HANDLE_INVALID;
    obj = atomic_load_explicit(&slot->obj, memory_order_acquire);
    if (obj == NULL)
        return FX_HANDLE_STALE;
    *out = obj;
    return FX_HANDLE_LIVE;
}

size_t fx_handle_snapshot(struct fx_handle_table *t, WDFOBJECT *out, size_t max)
{
    size_t n = 0;

    pthread_mutex_lock(&t->lock);
    for (uint32_t i = 0; i < t->nslots; i++) {
        struct fx_handle_slot *slot = fx_handle_slot_at(t, i);
        if (atomic_load_explicit(&slot->obj, memory_order_acquire) == NULL)
            continue;
        if (n < max)
            out[n] = fx_handle_encode(i, atomic_load_explicit(&slot->gen, memory_order_relaxed));
        n++;
    }
    pthread_mutex_unlock(&t->lock);
    return n;
}
