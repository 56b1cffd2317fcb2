/* fx_handle.h - the per-machine handle table (kmdf layer, internal).
 * A WDF handle never holds a pointer: it encodes a slot index and the slot's generation,
 *     handle = generation << 32 | index << 1 | 1
 * so a handle to a freed object (older generation), a forged value or a value never issued is
 * recognised in O(1) without touching freed memory.  Lookups are lock-free (chunks are published
 * with release stores and never move or shrink while the machine lives); allocation and freeing
 * take the table's mutex.  See docs/objects.md. */
#ifndef DMABOX_KMDF_FX_HANDLE_H
#define DMABOX_KMDF_FX_HANDLE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "wdftypes.h"

struct fx_object;

#define FX_HANDLE_CHUNK_SHIFT 10
#define FX_HANDLE_CHUNK_SLOTS (1u << FX_HANDLE_CHUNK_SHIFT)
#define FX_HANDLE_MAX_CHUNKS 4096u /* 4 Mi live objects per machine */

struct fx_handle_slot {
    _Atomic uint32_t gen;            /* 0: never issued; bumped when the object is freed */
    uint32_t next_free;              /* free list link (index + 1, 0 ends); table lock */
    struct fx_object *_Atomic obj;   /* NULL while free */
};

struct fx_handle_table {
    pthread_mutex_t lock;            /* allocation, free list, enumeration */
    struct fx_handle_slot *_Atomic chunks[FX_HANDLE_MAX_CHUNKS];
    uint32_t nslots;                 /* slots handed out at least once; lock */
    uint32_t free_head;              /* index + 1 of the first free slot, 0 = none; lock */
};

enum fx_handle_lookup {
    FX_HANDLE_LIVE,                  /* *out is the object */
    FX_HANDLE_INVALID,               /* never issued here (NULL, forged, another machine's) */
    FX_HANDLE_STALE,                 /* issued, but that object has been freed */
};

int fx_handle_table_init(struct fx_handle_table *t);
void fx_handle_table_fini(struct fx_handle_table *t);   /* frees chunks; objects already gone */

/* Publishes obj in a free slot.  Returns 0 and the handle, or -1 when the table is full or a
 * chunk cannot be allocated. */
int fx_handle_alloc(struct fx_handle_table *t, struct fx_object *obj, WDFOBJECT *out);

/* Retires the handle: later lookups of it return FX_HANDLE_STALE. */
void fx_handle_free(struct fx_handle_table *t, WDFOBJECT handle);

/* Lock-free lookup, any thread, any IRQL. */
enum fx_handle_lookup fx_handle_lookup(struct fx_handle_table *t, WDFOBJECT handle,
                                       struct fx_object **out);

/* Copies the handles of up to max live objects into out[] (under the table lock) and returns
 * how many live objects there are in total; used at driver unbind and machine teardown, which
 * look each handle up again because deleting one object may free others. */
size_t fx_handle_snapshot(struct fx_handle_table *t, WDFOBJECT *out, size_t max);

#endif
