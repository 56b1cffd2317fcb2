/* physmem.c - simulated physical memory: RAM frames, the device's linear view, and kernel-virtual
 * ranges built from chosen frames (platform layer; knows nothing of NT).  See physmem.h and
 * docs/memory.md.  Layout:
 *   RAM      one memfd; frame n lives at memfd offset n * 4 KiB.
 *   banks    frames [0, below) at phys 1 MiB + i * 4 KiB; frames [below, n) at 4 GiB + j * 4 KiB.
 *   linear   one MAP_SHARED mapping of the whole memfd: the device view (physmem_phys_to_host).
 *   arena    one PROT_NONE reservation; each range maps its frames there with MAP_FIXED and is
 *            followed by at least one PROT_NONE guard page, so an overrun faults. */
#include "physmem.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define BELOW_BASE (1ull << 20)        /* the below-4G bank starts at 1 MiB, like a PC */
#define ARENA_MIN (1ull << 30)         /* kernel-virtual arena: 4x RAM, at least 1 GiB */
#define SCATTER_RUN_MAX 8              /* scattered allocations take runs of 1..8 frames */
#define PTE_NONE 0u                    /* page-table entry: frame + 1, or 0 when unmapped */

/* A free extent of arena pages [start, start + npages). */
struct physmem_extent {
    uint64_t start, npages;
};

struct physmem {
    int memfd;
    uint64_t nframes, below;           /* total frames; frames [0, below) are below 4 GiB */
    uint8_t *linear;                   /* device view of all RAM */
    uint8_t *arena;                    /* kernel-virtual arena */
    uint64_t arena_pages;
    /* Arena page -> frame + 1 (PTE_NONE when unmapped).  Written under lock, read lock-free. */
    _Atomic uint32_t *pte;
    /* Arena page -> length in pages of the live range that starts there (0 elsewhere). */
    _Atomic uint32_t *range_len;

    pthread_mutex_t lock;              /* protects everything below */
    uint64_t *bitmap;                  /* one bit per frame, 1 = in use */
    uint64_t free_below, free_above;
    uint64_t ranges;
    struct physmem_extent *holes;      /* free arena extents, sorted by start */
    size_t nholes, holes_cap;
    uint64_t rng;                      /* xorshift64* state */
};

static uint64_t rng_next(struct physmem *pm)
{
    uint64_t x = pm->rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    pm->rng = x;
    return x * 0x2545F4914F6CDD1Dull;
}

static uint64_t rng_below(struct physmem *pm, uint64_t n)
{
    return rng_next(pm) % n;
}

static phys_addr_t frame_phys(const struct physmem *pm, uint64_t frame)
{
    if (frame < pm->below)
        return BELOW_BASE + (frame << PHYSMEM_PAGE_SHIFT);
    return PHYSMEM_4G + ((frame - pm->below) << PHYSMEM_PAGE_SHIFT);
}

static int frame_used(const struct physmem *pm, uint64_t f)
{
    return (pm->bitmap[f >> 6] >> (f & 63)) & 1;
}

static void frame_mark(struct physmem *pm, uint64_t f, int used)
{
    if (used)
        pm->bitmap[f >> 6] |= 1ull << (f & 63);
    else
        pm->bitmap[f >> 6] &= ~(1ull << (f & 63));
    if (f < pm->below) {
        if (used)
            pm->free_below--;
        else
            pm->free_below++;
    } else {
        if (used)
            pm->free_above--;
        else
            pm->free_above++;
    }
}

/* First free frame at or after f within [lo, hi), wrapping once; hi if none.  Skips full words. */
static uint64_t frame_find_free(const struct physmem *pm, uint64_t f, uint64_t lo, uint64_t hi)
{
    for (int pass = 0; pass < 2; pass++) {
        uint64_t end = pass == 0 ? hi : f;
        uint64_t i = pass == 0 ? f : lo;
        while (i < end) {
            if ((i & 63) == 0 && i + 64 <= end && pm->bitmap[i >> 6] == ~0ull) {
                i += 64;
                continue;
            }
            if (!frame_used(pm, i))
                return i;
            i++;
        }
    }
    return hi;
}

/* The frame interval [lo, hi) a flags word may draw from; returns 0 if it is empty. */
static int frame_window(const struct physmem *pm, unsigned flags, uint64_t *lo, uint64_t *hi,
                        uint64_t *nfree)
{
    *lo = 0;
    *hi = pm->nframes;
    *nfree = pm->free_below + pm->free_above;
    if (flags & PHYSMEM_BELOW_4G) {
        *hi = pm->below;
        *nfree = pm->free_below;
    }
    if (flags & PHYSMEM_ABOVE_4G) {
        *lo = pm->below;
        *nfree = (flags & PHYSMEM_BELOW_4G) ? 0 : pm->free_above;
    }
    return *lo < *hi;
}

/* Scattered placement: random short runs drawn from the allowed frames.  Caller holds pm->lock
 * and has checked that enough frames are free.  Short runs keep a multi-page buffer physically
 * non-contiguous while bounding the number of host mappings a range needs. */
static void frames_take_scattered(struct physmem *pm, uint64_t lo, uint64_t hi, uint32_t *out,
                                  size_t n)
{
    size_t got = 0;
    while (got < n) {
        uint64_t want = 1 + rng_below(pm, SCATTER_RUN_MAX);
        uint64_t f = frame_find_free(pm, lo + rng_below(pm, hi - lo), lo, hi);
        /* Runs never cross the bank boundary, so a run is also physically contiguous. */
        uint64_t bank_end = f < pm->below ? pm->below : pm->nframes;
        while (want-- > 0 && got < n && f < bank_end && f < hi && !frame_used(pm, f)) {
            frame_mark(pm, f, 1);
            out[got++] = (uint32_t)f;
            f++;
        }
    }
}

/* Contiguous placement: first fit in one bank, banks tried in a seeded order.  Caller holds lock. */
static int frames_take_contiguous(struct physmem *pm, uint64_t lo, uint64_t hi, uint32_t *out,
                                  size_t n)
{
    uint64_t banks[2][2] = {{lo, hi < pm->below ? hi : pm->below},
                            {lo > pm->below ? lo : pm->below, hi}};
    int first = (int)rng_below(pm, 2);
    for (int k = 0; k < 2; k++) {
        uint64_t b_lo = banks[(first + k) & 1][0], b_hi = banks[(first + k) & 1][1];
        uint64_t run = 0;
        for (uint64_t f = b_lo; f < b_hi; f++) {
            run = frame_used(pm, f) ? 0 : run + 1;
            if (run == n) {
                for (size_t i = 0; i < n; i++) {
                    out[i] = (uint32_t)(f + 1 - n + i);
                    frame_mark(pm, out[i], 1);
                }
                return 0;
            }
        }
    }
    return -ENOMEM;
}

/* Takes a free arena extent of `need` pages (first fit).  Caller holds lock.  Returns the start
 * page or UINT64_MAX. */
static uint64_t arena_take(struct physmem *pm, uint64_t need)
{
    for (size_t i = 0; i < pm->nholes; i++) {
        struct physmem_extent *h = &pm->holes[i];
        if (h->npages < need)
            continue;
        uint64_t start = h->start;
        h->start += need;
        h->npages -= need;
        if (h->npages == 0) {
            memmove(h, h + 1, (pm->nholes - i - 1) * sizeof(*h));
            pm->nholes--;
        }
        return start;
    }
    return UINT64_MAX;
}

/* Returns [start, start + npages) to the free extents, merging neighbours.  Caller holds lock.
 * Returns -ENOMEM if the hole table cannot grow (the pages are then leaked, never reused). */
static int arena_give(struct physmem *pm, uint64_t start, uint64_t npages)
{
    size_t i = 0;
    while (i < pm->nholes && pm->holes[i].start < start)
        i++;
    int merge_prev = i > 0 && pm->holes[i - 1].start + pm->holes[i - 1].npages == start;
    int merge_next = i < pm->nholes && start + npages == pm->holes[i].start;
    if (merge_prev && merge_next) {
        pm->holes[i - 1].npages += npages + pm->holes[i].npages;
        memmove(&pm->holes[i], &pm->holes[i + 1], (pm->nholes - i - 1) * sizeof(pm->holes[0]));
        pm->nholes--;
    } else if (merge_prev) {
        pm->holes[i - 1].npages += npages;
    } else if (merge_next) {
        pm->holes[i].start = start;
        pm->holes[i].npages += npages;
    } else {
        if (pm->nholes == pm->holes_cap) {
            size_t cap = pm->holes_cap * 2;
            struct physmem_extent *h = realloc(pm->holes, cap * sizeof(*h));
            if (h == NULL)
                return -ENOMEM;
            pm->holes = h;
            pm->holes_cap = cap;
        }
        memmove(&pm->holes[i + 1], &pm->holes[i], (pm->nholes - i) * sizeof(pm->holes[0]));
        pm->holes[i].start = start;
        pm->holes[i].npages = npages;
        pm->nholes++;
    }
    return 0;
}

static int arena_reserve(struct physmem *pm, uint64_t page, uint64_t npages)
{
    void *p = mmap(pm->arena + (page << PHYSMEM_PAGE_SHIFT), npages << PHYSMEM_PAGE_SHIFT, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
    return p == MAP_FAILED ? -errno : 0;
}

/* Maps frames[0..n) at arena page `page`, one mmap per run of consecutive frames. */
static int arena_map(struct physmem *pm, uint64_t page, const uint32_t *frames, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t run = 1;
        while (i + run < n && frames[i + run] == frames[i] + run)
            run++;
        void *want = pm->arena + ((page + i) << PHYSMEM_PAGE_SHIFT);
        void *p = mmap(want, run << PHYSMEM_PAGE_SHIFT, PROT_READ | PROT_WRITE,
                       MAP_SHARED | MAP_FIXED, pm->memfd, (off_t)frames[i] << PHYSMEM_PAGE_SHIFT);
        if (p == MAP_FAILED)
            return -errno;
        i += run;
    }
    return 0;
}

int physmem_create(uint64_t ram_bytes, uint64_t above_4g, uint64_t seed, struct physmem **out)
{
    *out = NULL;
    if (ram_bytes == 0 || (ram_bytes | above_4g) & (PHYSMEM_PAGE_SIZE - 1) || above_4g > ram_bytes ||
        BELOW_BASE + (ram_bytes - above_4g) > PHYSMEM_4G ||
        (ram_bytes >> PHYSMEM_PAGE_SHIFT) >= UINT32_MAX)
        return -EINVAL;

    struct physmem *pm = calloc(1, sizeof(*pm));
    if (pm == NULL)
        return -ENOMEM;
    int rc = -ENOMEM;
    pm->memfd = -1;
    pm->linear = pm->arena = MAP_FAILED;
    pm->nframes = ram_bytes >> PHYSMEM_PAGE_SHIFT;
    pm->below = (ram_bytes - above_4g) >> PHYSMEM_PAGE_SHIFT;
    pm->free_below = pm->below;
    pm->free_above = pm->nframes - pm->below;
    pm->rng = seed ? seed : 0x9E3779B97F4A7C15ull; /* xorshift state must be non-zero */
    pm->arena_pages = (ram_bytes * 4 < ARENA_MIN ? ARENA_MIN : ram_bytes * 4) >> PHYSMEM_PAGE_SHIFT;
    pthread_mutex_init(&pm->lock, NULL);

    pm->bitmap = calloc((pm->nframes + 63) / 64, sizeof(uint64_t));
    pm->pte = calloc(pm->arena_pages, sizeof(*pm->pte));
    pm->range_len = calloc(pm->arena_pages, sizeof(*pm->range_len));
    pm->holes_cap = 64;
    pm->holes = malloc(pm->holes_cap * sizeof(*pm->holes));
    if (pm->bitmap == NULL || pm->pte == NULL || pm->range_len == NULL || pm->holes == NULL)
        goto fail;
    /* Arena page 0 stays a guard page, so the first range has one before it too. */
    pm->holes[0] = (struct physmem_extent){1, pm->arena_pages - 1};
    pm->nholes = 1;

    pm->memfd = memfd_create("dmabox-ram", MFD_CLOEXEC);
    if (pm->memfd < 0 || ftruncate(pm->memfd, (off_t)ram_bytes) < 0) {
        rc = -errno;
        goto fail;
    }
    pm->linear = mmap(NULL, ram_bytes, PROT_READ | PROT_WRITE, MAP_SHARED, pm->memfd, 0);
    pm->arena = mmap(NULL, pm->arena_pages << PHYSMEM_PAGE_SHIFT, PROT_NONE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (pm->linear == MAP_FAILED || pm->arena == MAP_FAILED) {
        rc = -errno;
        goto fail;
    }
    *out = pm;
    return 0;
fail:
    physmem_destroy(pm);
    return rc;
}

void physmem_destroy(struct physmem *pm)
{
    if (pm == NULL)
        return;
    if (pm->arena != MAP_FAILED)
        munmap(pm->arena, pm->arena_pages << PHYSMEM_PAGE_SHIFT);
    if (pm->linear != MAP_FAILED)
        munmap(pm->linear, pm->nframes << PHYSMEM_PAGE_SHIFT);
    if (pm->memfd >= 0)
        close(pm->memfd);
    free(pm->bitmap);
    free((void *)pm->pte);
    free((void *)pm->range_len);
    free(pm->holes);
    pthread_mutex_destroy(&pm->lock);
    free(pm);
}

void *physmem_alloc(struct physmem *pm, size_t npages, unsigned flags)
{
    uint64_t lo, hi, nfree;
    if (npages == 0 || npages >= UINT32_MAX)
        return NULL;
    uint32_t *frames = malloc(npages * sizeof(*frames));
    if (frames == NULL)
        return NULL;

    pthread_mutex_lock(&pm->lock);
    if (!frame_window(pm, flags, &lo, &hi, &nfree) || nfree < npages)
        goto fail_unlock;
    if (flags & PHYSMEM_CONTIGUOUS) {
        if (frames_take_contiguous(pm, lo, hi, frames, npages) < 0)
            goto fail_unlock;
    } else {
        frames_take_scattered(pm, lo, hi, frames, npages);
    }
    uint64_t page = arena_take(pm, npages + 1); /* + 1: the trailing guard page */
    if (page == UINT64_MAX || arena_map(pm, page, frames, npages) < 0) {
        if (page != UINT64_MAX) {
            arena_reserve(pm, page, npages);
            arena_give(pm, page, npages + 1);
        }
        for (size_t i = 0; i < npages; i++)
            frame_mark(pm, frames[i], 0);
        goto fail_unlock;
    }
    for (size_t i = 0; i < npages; i++)
        atomic_store_explicit(&pm->pte[page + i], frames[i] + 1, memory_order_release);
    atomic_store_explicit(&pm->range_len[page], (uint32_t)npages, memory_order_release);
    pm->ranges++;
    pthread_mutex_unlock(&pm->lock);
    free(frames);

    void *va = pm->arena + (page << PHYSMEM_PAGE_SHIFT);
    if (flags & PHYSMEM_ZERO)
        memset(va, 0, npages << PHYSMEM_PAGE_SHIFT);
    return va;

fail_unlock:
    pthread_mutex_unlock(&pm->lock);
    free(frames);
    return NULL;
}

/* Arena page index of va, or UINT64_MAX if va is outside the arena. */
static uint64_t arena_page(const struct physmem *pm, const void *va)
{
    uintptr_t a = (uintptr_t)va, base = (uintptr_t)pm->arena;
    if (a < base || a - base >= (pm->arena_pages << PHYSMEM_PAGE_SHIFT))
        return UINT64_MAX;
    return (a - base) >> PHYSMEM_PAGE_SHIFT;
}

int physmem_free(struct physmem *pm, void *va)
{
    uint64_t page = arena_page(pm, va);
    if (page == UINT64_MAX || ((uintptr_t)va & (PHYSMEM_PAGE_SIZE - 1)) != 0)
        return -EINVAL;

    pthread_mutex_lock(&pm->lock);
    uint32_t n = atomic_load_explicit(&pm->range_len[page], memory_order_relaxed);
    if (n == 0) {
        pthread_mutex_unlock(&pm->lock);
        return -EINVAL;
    }
    /* Unpublish before unmapping, so lock-free readers never translate a page being recycled. */
    atomic_store_explicit(&pm->range_len[page], 0, memory_order_release);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t e = atomic_exchange_explicit(&pm->pte[page + i], PTE_NONE, memory_order_acq_rel);
        frame_mark(pm, e - 1, 0);
    }
    /* If re-reserving fails the old frames stay mapped there; never hand that VA out again. */
    if (arena_reserve(pm, page, n) == 0)
        arena_give(pm, page, (uint64_t)n + 1);
    pm->ranges--;
    pthread_mutex_unlock(&pm->lock);
    return 0;
}

phys_addr_t physmem_virt_to_phys(const struct physmem *pm, const void *va)
{
    uint64_t page = arena_page(pm, va);
    if (page == UINT64_MAX)
        return PHYSMEM_BAD_ADDR;
    uint32_t e = atomic_load_explicit(&pm->pte[page], memory_order_acquire);
    if (e == PTE_NONE)
        return PHYSMEM_BAD_ADDR;
    return frame_phys(pm, e - 1) + ((uintptr_t)va & (PHYSMEM_PAGE_SIZE - 1));
}

void *physmem_phys_to_host(const struct physmem *pm, phys_addr_t pa, size_t len)
{
    uint64_t below_end = BELOW_BASE + (pm->below << PHYSMEM_PAGE_SHIFT);
    uint64_t above_end = PHYSMEM_4G + ((pm->nframes - pm->below) << PHYSMEM_PAGE_SHIFT);
    uint64_t span = len ? len : 1;
    if (pa >= BELOW_BASE && pa < below_end && span <= below_end - pa)
        return pm->linear + (pa - BELOW_BASE);
    if (pa >= PHYSMEM_4G && pa < above_end && span <= above_end - pa)
        return pm->linear + (pm->below << PHYSMEM_PAGE_SHIFT) + (pa - PHYSMEM_4G);
    return NULL;
}

int physmem_contains(const struct physmem *pm, const void *va, size_t len)
{
    uint64_t first = arena_page(pm, va);
    if (first == UINT64_MAX)
        return 0;
    uint64_t span = len ? len : 1;
    uint64_t last = arena_page(pm, (const uint8_t *)va + (span - 1));
    if (last == UINT64_MAX || last < first)
        return 0;
    /* Ranges are separated by unmapped guard pages, so all pages mapped means one range. */
    for (uint64_t p = first; p <= last; p++)
        if (atomic_load_explicit(&pm->pte[p], memory_order_acquire) == PTE_NONE)
            return 0;
    return 1;
}

void physmem_get_stats(struct physmem *pm, struct physmem_stats *out)
{
    pthread_mutex_lock(&pm->lock);
    out->frames_total = pm->nframes;
    out->frames_below_4g_free = pm->free_below;
    out->frames_above_4g_free = pm->free_above;
    out->frames_free = pm->free_below + pm->free_above;
    out->ranges_mapped = pm->ranges;
    pthread_mutex_unlock(&pm->lock);
}
