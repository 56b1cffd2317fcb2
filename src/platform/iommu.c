/* iommu.c - per-device DMA windows and fault recording (platform layer).
 *
 * Each device has a domain holding two sorted arrays under a reader-writer lock:
 *   - the windows as opened (address, length, direction) with a multiplicity, so each map needs
 *     its own unmap and overlapping or repeated windows are fine;
 *   - a coverage map: the bus address space cut into segments, each with how many read and how
 *     many write windows cover it, plus where the run of covered segments starting there ends.
 * A check is one binary search plus a comparison with the run end: O(log n) however many windows
 * an access crosses.  Map and unmap rebuild the run ends in O(n).  Windows are byte-exact (stricter
 * than a page-granular IOMMU, so a device overrunning its buffer by one byte is caught).  DMA
 * verification in Driver Verifier checks the same thing from the CPU side:
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/devtest/dma-verification */
#include "iommu.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "machine.h"

#define IOMMU_MAX_DEVICES 64        /* device ids 1..63 (the bus uses slot + 1) */
#define IOMMU_FAULT_LOG 64

struct iommu_window {
    bus_addr_t addr;
    uint64_t len;
    unsigned dir;
    unsigned long mult;               /* times opened and not yet closed */
};

/* Segment [start, next segment's start) covered by rcnt read and wcnt write windows; r_end/w_end
 * is the end of the run of consecutive segments with rcnt/wcnt > 0 that contains it. */
struct iommu_seg {
    uint64_t start;
    uint32_t rcnt, wcnt;
    uint64_t r_end, w_end;
};

struct iommu_domain {
    pthread_rwlock_t lock;
    struct iommu_window *wins;
    size_t nwins, wcap;
    struct iommu_seg *segs;           /* never empty: segs[0].start == 0 */
    size_t nsegs, scap;
    size_t open;                      /* windows counting multiplicity */
};

struct iommu {
    atomic_bool passthrough;
    struct iommu_domain dom[IOMMU_MAX_DEVICES];
    pthread_mutex_t fault_lock;
    struct iommu_fault faults[IOMMU_FAULT_LOG];
    atomic_uint_fast64_t fault_count;
};

int iommu_create(struct machine *m)
{
    struct iommu *io = calloc(1, sizeof(*io));
    if (io == NULL)
        return -ENOMEM;
    for (unsigned i = 0; i < IOMMU_MAX_DEVICES; i++) {
        struct iommu_domain *d = &io->dom[i];
        pthread_rwlock_init(&d->lock, NULL);
        d->segs = calloc(1, sizeof(*d->segs));
        d->nsegs = d->scap = d->segs != NULL;
        if (d->segs == NULL) {
            m->iommu = io;
            iommu_destroy(m);
            return -ENOMEM;
        }
    }
    pthread_mutex_init(&io->fault_lock, NULL);
    m->iommu = io;
    return 0;
}

void iommu_destroy(struct machine *m)
{
    struct iommu *io = m->iommu;
    if (io == NULL)
        return;
    for (unsigned i = 0; i < IOMMU_MAX_DEVICES; i++) {
        pthread_rwlock_destroy(&io->dom[i].lock);
        free(io->dom[i].wins);
        free(io->dom[i].segs);
    }
    pthread_mutex_destroy(&io->fault_lock);
    free(io);
    m->iommu = NULL;
}

/* ---- the coverage map (caller holds the domain's write lock) ---- */

/* Index of the segment containing addr: the last one whose start is <= addr. */
static size_t seg_find(const struct iommu_domain *d, uint64_t addr)
{
    size_t lo = 0, hi = d->nsegs;          /* segs[lo].start <= addr < segs[hi].start */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->segs[mid].start <= addr)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* Makes a segment start exactly at addr (capacity reserved by the caller); returns its index. */
static size_t seg_split(struct iommu_domain *d, uint64_t addr)
{
    size_t i = seg_find(d, addr);
    if (d->segs[i].start == addr)
        return i;
    memmove(&d->segs[i + 2], &d->segs[i + 1], (d->nsegs - i - 1) * sizeof(*d->segs));
    d->segs[i + 1] = d->segs[i];
    d->segs[i + 1].start = addr;
    d->nsegs++;
    return i + 1;
}

/* Merges neighbours with equal counts, then recomputes the run ends from the right. */
static void seg_normalize(struct iommu_domain *d)
{
    size_t n = 1;
    for (size_t i = 1; i < d->nsegs; i++) {
        if (d->segs[i].rcnt == d->segs[n - 1].rcnt && d->segs[i].wcnt == d->segs[n - 1].wcnt)
            continue;
        d->segs[n++] = d->segs[i];
    }
    d->nsegs = n;
    /* The last segment reaches 2^64 and is never covered: a window ends at or below UINT64_MAX. */
    d->segs[n - 1].r_end = d->segs[n - 1].w_end = 0;
    for (size_t i = n - 1; i-- > 0;) {
        const struct iommu_seg *next = &d->segs[i + 1];
        d->segs[i].r_end = !d->segs[i].rcnt ? 0 : next->rcnt ? next->r_end : next->start;
        d->segs[i].w_end = !d->segs[i].wcnt ? 0 : next->wcnt ? next->w_end : next->start;
    }
}

static void seg_add(struct iommu_domain *d, uint64_t addr, uint64_t len, unsigned dir, int delta)
{
    size_t first = seg_split(d, addr), last = seg_split(d, addr + len);
    for (size_t i = first; i < last; i++) {
        if (dir & IOMMU_DIR_DEVICE_READS)
            d->segs[i].rcnt += (uint32_t)delta;
        if (dir & IOMMU_DIR_DEVICE_WRITES)
            d->segs[i].wcnt += (uint32_t)delta;
    }
    seg_normalize(d);
}

/* ---- windows ---- */

static int win_cmp(const struct iommu_window *w, bus_addr_t addr, uint64_t len, unsigned dir)
{
    if (w->addr != addr)
        return w->addr < addr ? -1 : 1;
    if (w->len != len)
        return w->len < len ? -1 : 1;
    return w->dir == dir ? 0 : w->dir < dir ? -1 : 1;
}

/* Index of the window (addr, len, dir), or of where it would be inserted; *found says which. */
static size_t win_find(const struct iommu_domain *d, bus_addr_t addr, uint64_t len, unsigned dir,
                       bool *found)
{
    size_t lo = 0, hi = d->nwins;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = win_cmp(&d->wins[mid], addr, len, dir);
        if (c == 0) {
            *found = true;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = false;
    return lo;
}

static bool grow(void **arr, size_t *cap, size_t need, size_t elem)
{
    void *n;
    size_t c = *cap;
    if (need <= c)
        return true;
    while (c < need)
        c = c * 2 + 8;
    n = reallocarray(*arr, c, elem);
    if (n == NULL)
        return false;
    *arr = n;
    *cap = c;
    return true;
}

static struct iommu_domain *domain(struct iommu *io, unsigned device_id)
{
    return device_id > 0 && device_id < IOMMU_MAX_DEVICES ? &io->dom[device_id] : NULL;
}

static bool args_ok(uint64_t addr, uint64_t len, unsigned dir)
{
    return len > 0 && len <= UINT64_MAX - addr && dir != 0 && (dir & ~(unsigned)IOMMU_DIR_BOTH) == 0;
}

int iommu_map(struct iommu *io, unsigned device_id, bus_addr_t addr, uint64_t len, enum iommu_dir dir)
{
    struct iommu_domain *d = domain(io, device_id);
    bool found;
    size_t i;
    int rc = 0;
    if (d == NULL || !args_ok(addr, len, dir))
        return -EINVAL;
    pthread_rwlock_wrlock(&d->lock);
    i = win_find(d, addr, len, dir, &found);
    if (!found && !grow((void **)&d->wins, &d->wcap, d->nwins + 1, sizeof(*d->wins)))
        rc = -ENOMEM;
    else if (!grow((void **)&d->segs, &d->scap, d->nsegs + 2, sizeof(*d->segs)))
        rc = -ENOMEM;
    if (rc == 0) {
        if (found) {
            d->wins[i].mult++;
        } else {
            memmove(&d->wins[i + 1], &d->wins[i], (d->nwins - i) * sizeof(*d->wins));
            d->wins[i] = (struct iommu_window){.addr = addr, .len = len, .dir = dir, .mult = 1};
            d->nwins++;
        }
        d->open++;
        seg_add(d, addr, len, dir, 1);
    }
    pthread_rwlock_unlock(&d->lock);
    return rc;
}

int iommu_unmap(struct iommu *io, unsigned device_id, bus_addr_t addr, uint64_t len, enum iommu_dir dir)
{
    struct iommu_domain *d = domain(io, device_id);
    bool found;
    size_t i;
    int rc = 0;
    if (d == NULL || !args_ok(addr, len, dir))
        return -ENOENT;
    pthread_rwlock_wrlock(&d->lock);
    i = win_find(d, addr, len, dir, &found);
    /* Splitting may need two more segments before the merge shrinks the array again. */
    if (!found)
        rc = -ENOENT;
    else if (!grow((void **)&d->segs, &d->scap, d->nsegs + 2, sizeof(*d->segs)))
        rc = -ENOMEM;
    if (rc == 0) {
        if (--d->wins[i].mult == 0) {
            memmove(&d->wins[i], &d->wins[i + 1], (d->nwins - i - 1) * sizeof(*d->wins));
            d->nwins--;
        }
        d->open--;
        seg_add(d, addr, len, dir, -1);
    }
    pthread_rwlock_unlock(&d->lock);
    return rc;
}

static void record_fault(struct iommu *io, unsigned device_id, bus_addr_t addr, uint64_t len,
                         enum iommu_dir dir)
{
    struct iommu_fault f = {.device_id = device_id, .addr = addr, .len = len, .dir = dir,
                            .time_ns = exec_now_ns()};
    pthread_mutex_lock(&io->fault_lock);
    io->faults[atomic_load_explicit(&io->fault_count, memory_order_relaxed) % IOMMU_FAULT_LOG] = f;
    atomic_fetch_add_explicit(&io->fault_count, 1, memory_order_release);
    pthread_mutex_unlock(&io->fault_lock);
}

static bool covered_locked(const struct iommu_domain *d, bus_addr_t addr, uint64_t len, unsigned dir)
{
    const struct iommu_seg *s = &d->segs[seg_find(d, addr)];
    uint64_t end = addr + len;
    if ((dir & IOMMU_DIR_DEVICE_READS) && (s->rcnt == 0 || s->r_end < end))
        return false;
    if ((dir & IOMMU_DIR_DEVICE_WRITES) && (s->wcnt == 0 || s->w_end < end))
        return false;
    return true;
}

bool iommu_check(struct iommu *io, unsigned device_id, bus_addr_t addr, uint64_t len, enum iommu_dir dir)
{
    struct iommu_domain *d;
    bool ok = false;
    if (atomic_load_explicit(&io->passthrough, memory_order_relaxed))
        return true;
    d = domain(io, device_id);
    if (d != NULL && args_ok(addr, len, dir)) {
        pthread_rwlock_rdlock(&d->lock);
        ok = covered_locked(d, addr, len, dir);
        pthread_rwlock_unlock(&d->lock);
    }
    if (!ok)
        record_fault(io, device_id, addr, len, dir);
    return ok;
}

void iommu_set_passthrough(struct iommu *io, bool on)
{
    atomic_store(&io->passthrough, on);
}

bool iommu_passthrough(const struct iommu *io)
{
    return atomic_load(&io->passthrough);
}

uint64_t iommu_fault_count(const struct iommu *io)
{
    return atomic_load_explicit(&io->fault_count, memory_order_acquire);
}

int iommu_fault_get(const struct iommu *io, uint64_t index, struct iommu_fault *out)
{
    struct iommu *mut = (struct iommu *)io;   /* the lock is not part of the logical state */
    uint64_t n;
    int rc = -1;
    pthread_mutex_lock(&mut->fault_lock);
    n = atomic_load_explicit(&io->fault_count, memory_order_relaxed);
    if (index < n && n - index <= IOMMU_FAULT_LOG) {
        *out = io->faults[index % IOMMU_FAULT_LOG];
        rc = 0;
    }
    pthread_mutex_unlock(&mut->fault_lock);
    return rc;
}

size_t iommu_window_count(const struct iommu *io, unsigned device_id)
{
    struct iommu_domain *d = domain((struct iommu *)io, device_id);
    size_t n;
    if (d == NULL)
        return 0;
    pthread_rwlock_rdlock(&d->lock);
    n = d->open;
    pthread_rwlock_unlock(&d->lock);
    return n;
}
