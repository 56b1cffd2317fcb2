/* pool.c - executive pool (ExAllocatePool2, ExAllocatePoolWithTag, ExFreePoolWithTag, ...) over the
 * calling thread's machine RAM (wdm layer).  Small blocks are slots carved from 16-page slabs in
 * power-of-two classes; blocks of a page or more get their own physmem range.  Every block has a
 * header (magic, tag, size, owner) just before it, so frees are validated.  docs/memory.md.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-exallocatepool2
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-exallocatepoolwithtag
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-exfreepoolwithtag */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <wdm.h>

#include "platform/exec_ctx.h"
#include "platform/physmem.h"
#include "verifier/vf.h"
#include "wdm/wdm_machine.h"

#define POOL_MAGIC_LIVE 0x4c4f4f50u  /* "POOL" */
#define POOL_MAGIC_FREE 0x45455246u  /* "FREE" */
#define POOL_CLASS_LARGE 0xffffu
#define POOL_SLAB_PAGES 16
#define POOL_MIN_SLOT 64
#define POOL_FREE_POISON 0xdd        /* freed small blocks are filled with it: use-after-free shows */
#define POOL_ALIGN 16
#define POOL_CACHE_LINE 64

/* Sits immediately before every block handed to a driver. */
struct wdm_pool_block {
    uint32_t magic;
    uint32_t tag;
    uint64_t size;                     /* bytes the driver asked for */
    struct wdm_machine *owner;
    struct wdm_pool_block *prev, *next; /* live list; or the class free list (next) when free */
    uint16_t cls;                      /* size class, or POOL_CLASS_LARGE */
    uint16_t paged;
    uint32_t lead;                     /* bytes from the slot / range start to this header */
};
_Static_assert(sizeof(struct wdm_pool_block) == 48, "pool header is 48 bytes");
_Static_assert(sizeof(struct wdm_pool_block) % POOL_ALIGN == 0, "header keeps 16-byte alignment");

struct wdm_pool_slab {
    void *base;
    struct wdm_pool_slab *next;
};

#define HDR sizeof(struct wdm_pool_block)

static size_t class_slot(unsigned cls)
{
    return (size_t)POOL_MIN_SLOT << cls;
}

static void *block_data(struct wdm_pool_block *b)
{
    return (uint8_t *)b + HDR;
}

static void live_link(struct wdm_pool *pool, struct wdm_pool_block *b)
{
    b->prev = NULL;
    b->next = pool->live;
    if (pool->live != NULL)
        pool->live->prev = b;
    pool->live = b;
}

static void live_unlink(struct wdm_pool *pool, struct wdm_pool_block *b)
{
    if (b->prev != NULL)
        b->prev->next = b->next;
    else
        pool->live = b->next;
    if (b->next != NULL)
        b->next->prev = b->prev;
}

/* Adds one slab of slots to class cls.  Caller holds pool->lock. */
static int slab_grow_locked(struct wdm_machine *w, unsigned cls)
{
    struct wdm_pool *pool = &w->pool;
    struct wdm_pool_slab *slab = malloc(sizeof(*slab));
    if (slab == NULL)
        return -ENOMEM;
    slab->base = physmem_alloc(w->machine->mem, POOL_SLAB_PAGES, PHYSMEM_SCATTERED);
    if (slab->base == NULL) {
        free(slab);
        return -ENOMEM;
    }
    slab->next = pool->slabs;
    pool->slabs = slab;
    pool->stats.pages_mapped += POOL_SLAB_PAGES;

    size_t slot = class_slot(cls), n = POOL_SLAB_PAGES * PHYSMEM_PAGE_SIZE / slot;
    /* Push in reverse so slots are handed out in address order. */
    for (size_t i = n; i-- > 0;) {
        struct wdm_pool_block *b = (struct wdm_pool_block *)((uint8_t *)slab->base + i * slot);
        b->magic = POOL_MAGIC_FREE;
        b->cls = (uint16_t)cls;
        b->lead = 0;
        b->next = pool->free_slots[cls];
        pool->free_slots[cls] = b;
    }
    return 0;
}

/* A slot of class cls whose header sits `lead` bytes into it.  Caller holds pool->lock. */
static struct wdm_pool_block *small_alloc_locked(struct wdm_machine *w, unsigned cls, size_t lead)
{
    struct wdm_pool *pool = &w->pool;
    if (pool->free_slots[cls] == NULL && slab_grow_locked(w, cls) < 0)
        return NULL;
    struct wdm_pool_block *slot = pool->free_slots[cls];
    pool->free_slots[cls] = slot->next;
    /* The slot's own header may move for cache alignment; the slot start is then recomputed
     * from `lead` at free time. */
    slot->magic = 0;
    struct wdm_pool_block *b = (struct wdm_pool_block *)((uint8_t *)slot + lead);
    b->cls = (uint16_t)cls;
    b->lead = (uint32_t)lead;
    return b;
}

/* A block of `size` bytes with its own range: one header page, then the page-aligned data. */
static struct wdm_pool_block *large_alloc_locked(struct wdm_machine *w, size_t size)
{
    size_t pages = 1 + (size + PHYSMEM_PAGE_SIZE - 1) / PHYSMEM_PAGE_SIZE;
    uint8_t *range = physmem_alloc(w->machine->mem, pages, PHYSMEM_SCATTERED);
    if (range == NULL)
        return NULL;
    w->pool.stats.pages_mapped += pages;
    struct wdm_pool_block *b = (struct wdm_pool_block *)(range + PHYSMEM_PAGE_SIZE - HDR);
    b->cls = POOL_CLASS_LARGE;
    b->lead = PHYSMEM_PAGE_SIZE - HDR;
    return b;
}

static size_t large_pages(const struct wdm_pool_block *b)
{
    return 1 + (b->size + PHYSMEM_PAGE_SIZE - 1) / PHYSMEM_PAGE_SIZE;
}

/* Returns the storage of a (no longer live) block.  Caller holds pool->lock. */
static void block_release_locked(struct wdm_machine *w, struct wdm_pool_block *b)
{
    struct wdm_pool *pool = &w->pool;
    if (b->cls == POOL_CLASS_LARGE) {
        pool->stats.pages_mapped -= large_pages(b);
        b->magic = POOL_MAGIC_FREE;
        physmem_free(w->machine->mem, (uint8_t *)b - b->lead);
        return;
    }
    unsigned cls = b->cls;
    struct wdm_pool_block *slot = (struct wdm_pool_block *)((uint8_t *)b - b->lead);
    memset(block_data(b), POOL_FREE_POISON, b->size);
    b->magic = POOL_MAGIC_FREE; /* a double free of this pointer is recognised until reuse */
    slot->magic = POOL_MAGIC_FREE;
    slot->cls = (uint16_t)cls;
    slot->lead = 0;
    slot->next = pool->free_slots[cls];
    pool->free_slots[cls] = slot;
}

/* The calling thread's wdm state, or NULL after reporting VF_RULE_NO_MACHINE. */
static struct wdm_machine *pool_machine(const char *ddi, const void *caller)
{
    struct machine *m = exec_ctx_self()->machine;
    if (m == NULL || m->wdm == NULL) {
        /* Rule CTX-001: WDM services exist only on a machine's threads. */
        vf_report(VF_RULE_NO_MACHINE, NULL, ddi, caller, "thread '%s' has no machine%s",
                  exec_ctx_self()->name, m != NULL ? " with the wdm layer attached" : "");
        return NULL;
    }
    return to_wdm_machine(m);
}

/* Rule IRQL-001 (pool): nonpaged pool at IRQL <= DISPATCH_LEVEL, paged pool at <= APC_LEVEL.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-exallocatepool2 */
static void pool_check_level(int paged, const void *object, const char *ddi, const void *caller)
{
    unsigned level = exec_ctx_self()->level;
    unsigned max = paged ? EXEC_LEVEL_APC : EXEC_LEVEL_DISPATCH;
    if (level > max)
        vf_report(VF_RULE_IRQL_TOO_HIGH, object, ddi, caller, "%s pool at IRQL %u (maximum %u)",
                  paged ? "paged" : "nonpaged", level, max);
}

void *wdm_pool_alloc(size_t size, uint32_t tag, unsigned flags, const char *ddi, const void *caller)
{
    struct wdm_machine *w = pool_machine(ddi, caller);
    if (w == NULL)
        return NULL;
    int paged = (flags & WDM_POOL_PAGED) != 0;
    pool_check_level(paged, NULL, ddi, caller);

    struct wdm_pool_block *b = NULL;
    size_t lead = (flags & WDM_POOL_CACHE_ALIGNED) ? POOL_CACHE_LINE - HDR : 0;
    pthread_mutex_lock(&w->pool.lock);
    if (size <= SIZE_MAX - PHYSMEM_PAGE_SIZE * 2) {
        size_t need = lead + HDR + (size ? size : 1);
        unsigned cls = 0;
        while (cls < WDM_POOL_CLASSES && class_slot(cls) < need)
            cls++;
        /* A page or more is page-aligned and gets its own range, as Windows does. */
        if (size < PHYSMEM_PAGE_SIZE && cls < WDM_POOL_CLASSES)
            b = small_alloc_locked(w, cls, lead);
        else
            b = large_alloc_locked(w, size);
    }
    if (b != NULL) {
        b->magic = POOL_MAGIC_LIVE;
        b->tag = tag;
        b->size = size;
        b->owner = w;
        b->paged = (uint16_t)paged;
        live_link(&w->pool, b);
        w->pool.stats.allocations++;
        w->pool.stats.live_blocks++;
        w->pool.stats.bytes_outstanding += size;
    }
    pthread_mutex_unlock(&w->pool.lock);

    if (b == NULL) {
        if (flags & WDM_POOL_MUST_SUCCEED)
            /* Rule POOL-005: Windows raises (or bug-checks) here; we can only return NULL. */
            vf_report(VF_RULE_POOL_CANNOT_RAISE, NULL, ddi, caller,
                      "allocation of %zu bytes failed and cannot raise; returning NULL", size);
        return NULL;
    }
    if (flags & WDM_POOL_ZERO)
        memset(block_data(b), 0, size);
    return block_data(b);
}

static void tag_text(uint32_t tag, char out[5])
{
    for (int i = 0; i < 4; i++) {
        unsigned char c = (unsigned char)(tag >> (8 * i));
        out[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '.';
    }
    out[4] = 0;
}

void wdm_pool_free(void *p, uint32_t tag, int check_tag, const char *ddi, const void *caller)
{
    struct wdm_machine *w = pool_machine(ddi, caller);
    if (w == NULL)
        return;
    uintptr_t a = (uintptr_t)p;
    struct wdm_pool_block *b = (struct wdm_pool_block *)(a - HDR);
    /* Rule POOL-001: only a live block from this machine's pool may be freed.  The header is
     * read only after checking it lies in mapped machine RAM; the pool lock keeps a racing free
     * of a large block from unmapping it in between. */
    pthread_mutex_lock(&w->pool.lock);
    int readable = p != NULL && a % POOL_ALIGN == 0 && a >= HDR &&
                   physmem_contains(w->machine->mem, b, HDR);
    if (!readable || b->magic != POOL_MAGIC_LIVE || b->owner != w) {
        int freed = readable && b->magic == POOL_MAGIC_FREE;
        pthread_mutex_unlock(&w->pool.lock);
        vf_report(VF_RULE_POOL_BAD_FREE, p, ddi, caller, "%s",
                  freed ? "block already freed (double free)" : "pointer is not a pool block");
        return;
    }
    pool_check_level(b->paged, p, ddi, caller);
    if (check_tag && tag != b->tag) {
        char want[5], got[5];
        tag_text(b->tag, want);
        tag_text(tag, got);
        /* Rule POOL-003: ExFreePoolWithTag's tag must be the one the block was allocated with.
         * The block is freed anyway, as the driver intended. */
        vf_report(VF_RULE_POOL_TAG_MISMATCH, p, ddi, caller,
                  "freed with tag '%s' (0x%08x), allocated with '%s' (0x%08x)", got, tag, want,
                  b->tag);
    }
    live_unlink(&w->pool, b);
    w->pool.stats.frees++;
    w->pool.stats.live_blocks--;
    w->pool.stats.bytes_outstanding -= b->size;
    block_release_locked(w, b);
    pthread_mutex_unlock(&w->pool.lock);
}

int wdm_pool_init(struct wdm_machine *w)
{
    memset(&w->pool, 0, sizeof(w->pool));
    return -pthread_mutex_init(&w->pool.lock, NULL);
}

void wdm_pool_fini(struct wdm_machine *w)
{
    struct wdm_pool *pool = &w->pool;
    struct exec_ctx *ctx = exec_ctx_self();
    struct machine *saved = ctx->machine;

    /* Findings belong to this machine's verifier whichever thread tears it down. */
    ctx->machine = w->machine;
    while (pool->live != NULL) {
        struct wdm_pool_block *b = pool->live;
        char text[5];
        tag_text(b->tag, text);
        /* Rule POOL-002: every pool block must be freed before the machine goes away. */
        vf_report(VF_RULE_POOL_LEAK, block_data(b), "wdm_machine_detach", NULL,
                  "pool block tag '%s' (0x%08x), %llu bytes, %s, still allocated", text, b->tag,
                  (unsigned long long)b->size, b->paged ? "paged" : "nonpaged");
        live_unlink(pool, b);
        pool->stats.live_blocks--;
        pool->stats.bytes_outstanding -= b->size;
        block_release_locked(w, b);
    }
    ctx->machine = saved;
    while (pool->slabs != NULL) {
        struct wdm_pool_slab *s = pool->slabs;
        pool->slabs = s->next;
        physmem_free(w->machine->mem, s->base);
        free(s);
    }
    pthread_mutex_destroy(&pool->lock);
}

void wdm_pool_get_stats(struct machine *m, struct wdm_pool_stats *out)
{
    struct wdm_machine *w = to_wdm_machine(m);
    pthread_mutex_lock(&w->pool.lock);
    *out = w->pool.stats;
    pthread_mutex_unlock(&w->pool.lock);
}

/* The DDIs: shims that decode their arguments into wdm_pool_alloc / wdm_pool_free calls. */

/* Decodes a POOL_TYPE into wdm_pool_flags; returns -1 for an invalid type. */
static int pool_type_flags(POOL_TYPE type)
{
    unsigned t = (unsigned)type;
    int nx = (t & NonPagedPoolNx) != 0;
    t &= ~(unsigned)(NonPagedPoolNx | NonPagedPoolSession);
    if (t >= MaxPoolType || t == DontUseThisType || (nx && (t & PagedPool)))
        return -1;
    return ((t & PagedPool) ? WDM_POOL_PAGED : 0) |
           ((t & NonPagedPoolCacheAligned) ? WDM_POOL_CACHE_ALIGNED : 0) |
           ((t & NonPagedPoolMustSucceed) ? WDM_POOL_MUST_SUCCEED : 0);
}

PVOID ExAllocatePool2(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag)
{
    const ULONG64 known = POOL_FLAG_USE_QUOTA | POOL_FLAG_UNINITIALIZED | POOL_FLAG_SESSION |
                          POOL_FLAG_CACHE_ALIGNED | POOL_FLAG_RAISE_ON_FAILURE |
                          POOL_FLAG_NON_PAGED | POOL_FLAG_NON_PAGED_EXECUTE | POOL_FLAG_PAGED;
    const ULONG64 kinds = POOL_FLAG_NON_PAGED | POOL_FLAG_NON_PAGED_EXECUTE | POOL_FLAG_PAGED;
    ULONG64 required = Flags & 0xffffffffull, kind = Flags & kinds;
    unsigned flags = 0;

    /* Rule POOL-004: tag 0, unknown required flags, not exactly one pool kind, or zero bytes are
     * invalid requests; Windows returns NULL (or raises with RAISE_ON_FAILURE). */
    if (Tag == 0 || (required & ~known) != 0 || kind == 0 || (kind & (kind - 1)) != 0 ||
        NumberOfBytes == 0) {
        vf_report(VF_RULE_POOL_BAD_REQUEST, NULL, "ExAllocatePool2", VF_CALLER(),
                  "flags 0x%llx, %zu bytes, tag 0x%08x", (unsigned long long)Flags,
                  (size_t)NumberOfBytes, Tag);
        return NULL;
    }
    if (kind == POOL_FLAG_PAGED)
        flags |= WDM_POOL_PAGED;
    if (!(Flags & POOL_FLAG_UNINITIALIZED))
        flags |= WDM_POOL_ZERO;
    if (Flags & POOL_FLAG_CACHE_ALIGNED)
        flags |= WDM_POOL_CACHE_ALIGNED;
    if (Flags & POOL_FLAG_RAISE_ON_FAILURE)
        flags |= WDM_POOL_MUST_SUCCEED;
    return wdm_pool_alloc(NumberOfBytes, Tag, flags, "ExAllocatePool2", VF_CALLER());
}

static PVOID pool_alloc_typed(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag, unsigned extra,
                              const char *ddi, const void *caller)
{
    int flags = pool_type_flags(PoolType);
    if (flags < 0) {
        vf_report(VF_RULE_POOL_BAD_REQUEST, NULL, ddi, caller, "invalid POOL_TYPE %d",
                  (int)PoolType);
        return NULL;
    }
    return wdm_pool_alloc(NumberOfBytes, Tag, (unsigned)flags | extra, ddi, caller);
}

PVOID ExAllocatePoolWithTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    return pool_alloc_typed(PoolType, NumberOfBytes, Tag, 0, "ExAllocatePoolWithTag", VF_CALLER());
}

PVOID ExAllocatePoolZero(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    return pool_alloc_typed(PoolType, NumberOfBytes, Tag, WDM_POOL_ZERO, "ExAllocatePoolZero",
                            VF_CALLER());
}

PVOID ExAllocatePoolUninitialized(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    return pool_alloc_typed(PoolType, NumberOfBytes, Tag, 0, "ExAllocatePoolUninitialized",
                            VF_CALLER());
}

VOID ExFreePoolWithTag(PVOID P, ULONG Tag)
{
    wdm_pool_free(P, Tag, 1, "ExFreePoolWithTag", VF_CALLER());
}

VOID ExFreePool(PVOID P)
{
    wdm_pool_free(P, 0, 0, "ExFreePool", VF_CALLER());
}
