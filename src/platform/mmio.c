/* mmio.c - register and port dispatch to device models (platform layer).
 *
 * A PROT_NONE arena stands for the CPU's view of BAR space: a driver that dereferences a mapped
 * register directly faults, while mmio_read/mmio_write look the address up in a table with one
 * entry per arena page ({slot, BAR, page of the BAR}) and call the model's ops in O(1).  Ports use a
 * table with one entry per port number.  Readers take no lock: they announce themselves in a
 * per-slot counter and re-check the entry, so unplugging a device can wait until no access is
 * inside its ops (see slot_enter).  MmMapIoSpace and READ_REGISTER_* build on this:
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-mmmapiospace */
#include "mmio.h"

#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "bus_dev.h"
#include "machine.h"

#define MMIO_ARENA_SIZE (256ull << 20)
#define MMIO_ARENA_PAGES (MMIO_ARENA_SIZE >> PHYSMEM_PAGE_SHIFT)
#define MMIO_MAX_ALIGN_PAGES 16u
#define PORT_COUNT 0x10000u

/* Table entries: bit 0 valid, bits 1-3 slot, bits 4-6 BAR, then the page of the BAR (memory) or
 * the offset in the BAR (ports).  0 = nothing mapped. */
#define ENT_VALID 1u
#define ENT_SLOT(e) ((unsigned)((e) >> 1) & 7u)
#define ENT_BAR(e) ((unsigned)((e) >> 4) & 7u)
#define ENT_POS_SHIFT 8

struct mmio_slot {
    _Atomic(struct dmabox_dev *) dev;
    atomic_ulong active;                 /* accesses currently past slot_enter */
} __attribute__((aligned(64)));

struct mmio_mapping {
    uintptr_t va;                        /* what mmio_map returned */
    size_t len;
    uint64_t first_page, npages;         /* arena pages */
    unsigned slot;
    bool live;                           /* false once the device was detached */
};

struct mmio {
    uint8_t *arena;
    _Atomic uint64_t *pages;             /* MMIO_ARENA_PAGES entries */
    _Atomic uint32_t *ports;             /* PORT_COUNT entries */
    struct mmio_slot slots[BUS_MAX_SLOTS];
    pthread_mutex_t lock;                /* map/unmap/attach/detach; readers never take it */
    uint8_t *used;                       /* arena page in use */
    uint64_t cursor;                     /* next-fit: freed pages are reused late */
    struct mmio_mapping *maps;
    size_t nmaps, cap;
};

static uint64_t ent_make(unsigned slot, unsigned bar, uint64_t pos)
{
    return ENT_VALID | (uint64_t)slot << 1 | (uint64_t)bar << 4 | pos << ENT_POS_SHIFT;
}

int mmio_create(struct machine *m)
{
    struct mmio *mm = calloc(1, sizeof(*mm));
    if (mm == NULL)
        return -ENOMEM;
    mm->arena = mmap(NULL, MMIO_ARENA_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                     -1, 0);
    mm->pages = calloc(MMIO_ARENA_PAGES, sizeof(*mm->pages));
    mm->ports = calloc(PORT_COUNT, sizeof(*mm->ports));
    mm->used = calloc(MMIO_ARENA_PAGES, 1);
    if (mm->arena == MAP_FAILED || mm->pages == NULL || mm->ports == NULL || mm->used == NULL) {
        if (mm->arena != MAP_FAILED)
            munmap(mm->arena, MMIO_ARENA_SIZE);
        free(mm->pages);
        free(mm->ports);
        free(mm->used);
        free(mm);
        return -ENOMEM;
    }
    pthread_mutex_init(&mm->lock, NULL);
    m->mmio = mm;
    return 0;
}

void mmio_destroy(struct machine *m)
{
    struct mmio *mm = m->mmio;
    if (mm == NULL)
        return;
    munmap(mm->arena, MMIO_ARENA_SIZE);
    pthread_mutex_destroy(&mm->lock);
    free(mm->pages);
    free(mm->ports);
    free(mm->used);
    free(mm->maps);
    free(mm);
    m->mmio = NULL;
}

/* ---- the reader side ---- */

/* Enters the slot named by entry *ent (value e): announces the access, then re-checks the entry.
 * Pairs with detach (store 0 to the entry, then wait for active == 0): with both sides seq_cst,
 * either the re-check sees the cleared entry or detach sees this access and waits for it. */
static struct dmabox_dev *slot_enter(struct mmio *mm, const void *ent, uint64_t e, bool port)
{
    struct mmio_slot *ms = &mm->slots[ENT_SLOT(e)];
    uint64_t again;
    atomic_fetch_add(&ms->active, 1);
    again = port ? atomic_load((_Atomic uint32_t *)ent) : atomic_load((_Atomic uint64_t *)ent);
    if (again == e) {
        struct dmabox_dev *dev = atomic_load_explicit(&ms->dev, memory_order_acquire);
        if (dev != NULL)
            return dev;
    }
    atomic_fetch_sub_explicit(&ms->active, 1, memory_order_release);
    return NULL;
}

static void slot_leave(struct mmio *mm, const struct dmabox_dev *dev)
{
    atomic_fetch_sub_explicit(&mm->slots[dev->slot].active, 1, memory_order_release);
}

static bool width_ok(const struct dmabox_mmio_ops *ops, unsigned size, uint64_t offset, bool port)
{
    unsigned lo = ops->valid_min ? ops->valid_min : 1, hi = ops->valid_max ? ops->valid_max : 8;
    if (size != 1 && size != 2 && size != 4 && (size != 8 || port))
        return false;
    return offset % size == 0 && size >= lo && size <= hi;
}

/* Checks and performs one access at `offset` of BAR `bar` of dev.  Caller is inside slot_enter. */
static int dev_access(struct dmabox_dev *dev, unsigned bar, uint64_t offset, unsigned size,
                      bool write, uint64_t *value, bool port)
{
    const struct dmabox_bar_desc *bd = &dev->model->bars[bar];
    uint64_t mask = size >= 8 ? ~0ull : (1ull << (size * 8)) - 1;
    if (!width_ok(bd->ops, size, offset, port))
        return -EINVAL;
    if (offset >= bd->size || size > bd->size - offset)
        return -EFAULT;
    if (write) {
        atomic_fetch_add_explicit(&dev->stats.mmio_writes, 1, memory_order_relaxed);
        bd->ops->write(dev->state, offset, *value & mask, size);
    } else {
        atomic_fetch_add_explicit(&dev->stats.mmio_reads, 1, memory_order_relaxed);
        *value = bd->ops->read(dev->state, offset, size) & mask;
    }
    return 0;
}

static int mem_access(struct machine *m, uintptr_t a, unsigned size, bool write, uint64_t *value)
{
    struct mmio *mm = m->mmio;
    uintptr_t rel = a - (uintptr_t)mm->arena;
    _Atomic uint64_t *ent;
    struct dmabox_dev *dev;
    uint64_t e, offset;
    int rc;
    if (rel >= MMIO_ARENA_SIZE)
        return -EFAULT;
    ent = &mm->pages[rel >> PHYSMEM_PAGE_SHIFT];
    e = atomic_load_explicit(ent, memory_order_acquire);
    if (e == 0 || (dev = slot_enter(mm, ent, e, false)) == NULL)
        return -EFAULT;
    offset = ((e >> ENT_POS_SHIFT) << PHYSMEM_PAGE_SHIFT) | (rel & (PHYSMEM_PAGE_SIZE - 1));
    rc = dev_access(dev, ENT_BAR(e), offset, size, write, value, false);
    slot_leave(mm, dev);
    return rc;
}

int mmio_read(struct machine *m, const volatile void *addr, unsigned size, uint64_t *value)
{
    int rc = mem_access(m, (uintptr_t)addr, size, false, value);
    if (rc < 0)
        *value = ~0ull;
    return rc;
}

int mmio_write(struct machine *m, volatile void *addr, unsigned size, uint64_t value)
{
    return mem_access(m, (uintptr_t)addr, size, true, &value);
}

static int port_access(struct machine *m, uint64_t port, unsigned size, bool write, uint64_t *value)
{
    struct mmio *mm = m->mmio;
    _Atomic uint32_t *ent;
    struct dmabox_dev *dev;
    uint32_t e;
    int rc;
    if (port >= PORT_COUNT)
        return -EFAULT;
    ent = &mm->ports[port];
    e = atomic_load_explicit(ent, memory_order_acquire);
    if (e == 0 || (dev = slot_enter(mm, ent, e, true)) == NULL)
        return -EFAULT;
    rc = dev_access(dev, ENT_BAR(e), e >> ENT_POS_SHIFT, size, write, value, true);
    slot_leave(mm, dev);
    return rc;
}

int port_read(struct machine *m, uint64_t port, unsigned size, uint64_t *value)
{
    int rc = port_access(m, port, size, false, value);
    if (rc < 0)
        *value = ~0ull;
    return rc;
}

int port_write(struct machine *m, uint64_t port, unsigned size, uint64_t value)
{
    return port_access(m, port, size, true, &value);
}

/* ---- mapping ---- */

static bool pages_free_locked(const struct mmio *mm, uint64_t first, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        if (mm->used[first + i])
            return false;
    return true;
}

/* Next-fit allocation of n arena pages aligned to min(n rounded up to a power of two, 16) pages.
 * Caller holds mm->lock.  Returns the first page, or UINT64_MAX. */
static uint64_t arena_alloc_locked(struct mmio *mm, uint64_t n)
{
    uint64_t align = 1;
    while (align < n && align < MMIO_MAX_ALIGN_PAGES)
        align <<= 1;
    for (int pass = 0; pass < 2; pass++) {
        uint64_t p = pass == 0 ? (mm->cursor + align - 1) & ~(align - 1) : 0;
        for (; p + n <= MMIO_ARENA_PAGES; p += align) {
            if (pages_free_locked(mm, p, n)) {
                memset(mm->used + p, 1, n);
                mm->cursor = p + n;
                return p;
            }
        }
    }
    return UINT64_MAX;
}

static void clear_pages(struct mmio *mm, const struct mmio_mapping *mp)
{
    for (uint64_t i = 0; i < mp->npages; i++)
        atomic_store(&mm->pages[mp->first_page + i], 0);
}

static bool maps_reserve_locked(struct mmio *mm)
{
    struct mmio_mapping *n;
    if (mm->nmaps < mm->cap)
        return true;
    n = reallocarray(mm->maps, mm->cap * 2 + 8, sizeof(*n));
    if (n == NULL)
        return false;
    mm->maps = n;
    mm->cap = mm->cap * 2 + 8;
    return true;
}

void *mmio_map(struct machine *m, phys_addr_t pa, size_t len)
{
    struct mmio *mm = m->mmio;
    struct mmio_mapping mp = {0};
    struct dmabox_dev *dev;
    unsigned bar, slot;
    uint64_t off, page_off = pa & (PHYSMEM_PAGE_SIZE - 1);
    if (len == 0 || (dev = bus_find_mem_bar(m->bus, pa, len, &slot, &bar, &off)) == NULL)
        return NULL;
    mp.npages = (page_off + len + PHYSMEM_PAGE_SIZE - 1) >> PHYSMEM_PAGE_SHIFT;
    mp.len = len;
    mp.slot = slot;
    mp.live = true;
    pthread_mutex_lock(&mm->lock);
    /* The device may have been unplugged since bus_find_mem_bar (dev may be freed: compare the
     * pointer before touching it); once it is attached here it stays alive until we unlock. */
    if (atomic_load(&mm->slots[slot].dev) != dev || dev->bar_base[bar] + off != pa ||
        dev->model->bars[bar].type == DMABOX_BAR_IO || len > dev->model->bars[bar].size - off ||
        mp.npages > MMIO_ARENA_PAGES || !maps_reserve_locked(mm) ||
        (mp.first_page = arena_alloc_locked(mm, mp.npages)) == UINT64_MAX) {
        pthread_mutex_unlock(&mm->lock);
        return NULL;
    }
    for (uint64_t i = 0; i < mp.npages; i++)
        atomic_store_explicit(&mm->pages[mp.first_page + i],
                              ent_make(slot, bar, (off >> PHYSMEM_PAGE_SHIFT) + i),
                              memory_order_release);
    mp.va = (uintptr_t)mm->arena + (mp.first_page << PHYSMEM_PAGE_SHIFT) + page_off;
    mm->maps[mm->nmaps++] = mp;
    pthread_mutex_unlock(&mm->lock);
    return (void *)mp.va;
}

int mmio_unmap(struct machine *m, void *va, size_t len)
{
    struct mmio *mm = m->mmio;
    int rc = -EINVAL;
    pthread_mutex_lock(&mm->lock);
    for (size_t i = 0; i < mm->nmaps; i++) {
        struct mmio_mapping *mp = &mm->maps[i];
        if (mp->va != (uintptr_t)va || mp->len != len)
            continue;
        if (mp->live)
            clear_pages(mm, mp);
        memset(mm->used + mp->first_page, 0, mp->npages);
        mm->maps[i] = mm->maps[--mm->nmaps];
        rc = 0;
        break;
    }
    pthread_mutex_unlock(&mm->lock);
    return rc;
}

static void set_ports(struct mmio *mm, const struct dmabox_dev *dev, bool on)
{
    for (unsigned bar = 0; bar < BUS_MAX_BARS; bar++) {
        const struct dmabox_bar_desc *bd = &dev->model->bars[bar];
        if (bd->type != DMABOX_BAR_IO)
            continue;
        for (uint64_t i = 0; i < bd->size; i++)
            atomic_store(&mm->ports[dev->bar_base[bar] + i],
                         on ? (uint32_t)ent_make(dev->slot, bar, i) : 0u);
    }
}

int mmio_attach_device(struct machine *m, struct dmabox_dev *dev)
{
    struct mmio *mm = m->mmio;
    int rc = 0;
    pthread_mutex_lock(&mm->lock);
    if (atomic_load(&mm->slots[dev->slot].dev) != NULL) {
        rc = -EBUSY;
    } else {
        atomic_store_explicit(&mm->slots[dev->slot].dev, dev, memory_order_release);
        set_ports(mm, dev, true);
    }
    pthread_mutex_unlock(&mm->lock);
    return rc;
}

void mmio_detach_device(struct machine *m, struct dmabox_dev *dev)
{
    struct mmio *mm = m->mmio;
    struct mmio_slot *ms = &mm->slots[dev->slot];
    pthread_mutex_lock(&mm->lock);
    if (atomic_load(&ms->dev) != dev) {
        pthread_mutex_unlock(&mm->lock);
        return;
    }
    set_ports(mm, dev, false);
    for (size_t i = 0; i < mm->nmaps; i++) {
        if (mm->maps[i].slot == dev->slot && mm->maps[i].live) {
            clear_pages(mm, &mm->maps[i]);
            mm->maps[i].live = false;
        }
    }
    pthread_mutex_unlock(&mm->lock);
    /* Accesses that entered before the entries were cleared finish inside the model's ops; they
     * are short (a register read or write), so yielding until they leave is enough. */
    while (atomic_load(&ms->active) != 0)
        sched_yield();
    atomic_store_explicit(&ms->dev, NULL, memory_order_release);
}
