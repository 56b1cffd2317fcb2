/* wdm_machine.h - the wdm layer's per-machine state (hung on machine->wdm) and the internal
 * helpers other wdm files share (wdm layer).  Created by wdm_machine_attach, freed by
 * wdm_machine_detach (wdm_init.c).  Other wdm parts add their fields to struct wdm_machine here.
 * Pool design and limits: docs/memory.md. */
#ifndef DMABOX_WDM_WDM_MACHINE_H
#define DMABOX_WDM_WDM_MACHINE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "platform/machine.h"

struct wdm_pool_block;
struct wdm_pool_slab;

/* Small blocks come from slot classes of 64 .. 4096 bytes (header included). */
#define WDM_POOL_CLASSES 7

struct wdm_pool_stats {
    uint64_t allocations;       /* successful allocations since attach */
    uint64_t frees;             /* successful frees since attach */
    uint64_t live_blocks;       /* allocated and not yet freed */
    uint64_t bytes_outstanding; /* bytes requested by the live blocks */
    uint64_t pages_mapped;      /* machine RAM pages held by the pool (slabs and large blocks) */
};

struct wdm_pool {
    pthread_mutex_t lock;                                /* protects everything in this struct */
    struct wdm_pool_block *free_slots[WDM_POOL_CLASSES]; /* per class, singly linked via next */
    struct wdm_pool_block *live;                         /* every live block, doubly linked */
    struct wdm_pool_slab *slabs;                         /* slab ranges, freed at detach */
    struct wdm_pool_stats stats;
};

struct wdm_machine {
    struct machine *machine;
    struct wdm_pool pool;
};

static inline struct wdm_machine *to_wdm_machine(struct machine *m)
{
    return (struct wdm_machine *)m->wdm;
}

/* Creates the wdm state of m (after vf_machine_attach).  Returns 0 or a negative errno. */
int wdm_machine_attach(struct machine *m);

/* Reports every still-allocated pool block as VF_RULE_POOL_LEAK (to m's verifier, so call it
 * before vf_machine_detach), then frees all wdm state.  Idempotent. */
void wdm_machine_detach(struct machine *m);

/* Pool counters of machine m. */
void wdm_pool_get_stats(struct machine *m, struct wdm_pool_stats *out);

/* Internal pool interface, shared by the Ex*Pool* shims and other wdm files (IoAllocateMdl).
 * Both check the caller's machine and level and report misuse against `ddi` and `caller`. */
enum wdm_pool_flags {
    WDM_POOL_PAGED = 1 << 0,          /* paged pool: IRQL <= APC_LEVEL */
    WDM_POOL_ZERO = 1 << 1,           /* zero the block */
    WDM_POOL_CACHE_ALIGNED = 1 << 2,  /* 64-byte aligned block */
    WDM_POOL_MUST_SUCCEED = 1 << 3,   /* failure is reported (Windows raises or bug-checks) */
};
void *wdm_pool_alloc(size_t size, uint32_t tag, unsigned flags, const char *ddi,
                     const void *caller);
/* check_tag: compare tag with the allocation's (ExFreePoolWithTag), else ignore it. */
void wdm_pool_free(void *p, uint32_t tag, int check_tag, const char *ddi, const void *caller);

/* Called by wdm_machine_attach / _detach only. */
int wdm_pool_init(struct wdm_machine *w);
void wdm_pool_fini(struct wdm_machine *w);

#endif
