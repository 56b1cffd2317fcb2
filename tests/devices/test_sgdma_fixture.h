/* test_sgdma_fixture.h - shared set-up of the sgdma device tests (tests/devices, no KMDF): a machine
 * with one sgdma in slot 0, BAR0 mapped, one ISR per MSI vector that reads INT_STATUS, clears the
 * unmasked bits of its channel (W1C), records what it saw and signals the channel's event; plus
 * descriptor rings and physically scattered buffers with per-page IOMMU windows, and
 * self-describing data patterns.  Spec: docs/devices/sgdma.md.  Nothing here sleeps to wait for
 * the device: every wait is on an event the ISR sets. */
#ifndef DMABOX_TEST_SGDMA_FIXTURE_H
#define DMABOX_TEST_SGDMA_FIXTURE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "platform/bus.h"
#include "platform/exec.h"
#include "platform/fault.h"
#include "platform/intr.h"
#include "platform/iommu.h"
#include "platform/machine.h"
#include "platform/mmio.h"
#include "platform/physmem.h"
#include "sgdma/sgdma.h"
#include "sgdma/sgdma_regs.h"

#define SG_TIMEOUT_NS (30ull * 1000000000ull)   /* only a hang runs into it (sanitizers, 2 cores) */
#define SG_MS 1000000ull
#define SG_MAX_OPTS 8
#define SG_H2D SGDMA_CHAN_H2D
#define SG_D2H SGDMA_CHAN_D2H
#define SG_PAGE PHYSMEM_PAGE_SIZE
#define SG_NO_HEAD 0xFFFFFFFFu                  /* last_done_head before any DONE */
#define SG_DSTAT_ERR(code) (SGDMA_DSTAT_DONE | SGDMA_DSTAT_ERROR | \
                            ((uint32_t)(code) << SGDMA_DSTAT_ERR_CODE_SHIFT))

struct sg_isr_chan {
    _Atomic unsigned calls, claimed, unclaimed;
    _Atomic unsigned done, errors, aborted;   /* ISR calls that found the cause */
    _Atomic uint32_t seen;                    /* every cause bit the ISR cleared */
    _Atomic uint32_t last_head;               /* HEAD as read by the last claiming ISR call */
    _Atomic uint32_t last_pending;            /* causes of the last claiming call */
    _Atomic uint32_t last_done_head;          /* HEAD as read by the last call that found DONE */
    struct exec_event ev;                     /* auto-reset: set on every ISR call */
};

struct sg {
    struct machine *m;
    struct dmabox_dev *dev;
    struct intr_source *src;
    void *regs;
    uint64_t bar_len;
    unsigned devid;
    struct dmabox_prop opts[SG_MAX_OPTS];
    char optbuf[SG_MAX_OPTS][64];
    _Atomic uint32_t mask;                    /* what the test wrote to INT_MASK */
    struct sg_isr_chan isr[SGDMA_CHANNELS];
};

struct sg_ring {
    uint8_t *va;
    uint64_t bus;
    unsigned size;
    size_t pages;
};

struct sg_buf {
    uint8_t *va;
    size_t pages;
    uint64_t *bus;                            /* per page */
    enum iommu_dir dir;                       /* per-page windows opened, 0 = none */
};

/* ---- registers ---- */

static inline uint32_t sg_rd(struct sg *s, uint32_t off)
{
    uint64_t v = 0;
    int rc = mmio_read(s->m, (uint8_t *)s->regs + off, 4, &v);

    if (rc != 0)
        check_fail(__FILE__, __LINE__, "mmio_read", "offset 0x%x rc %d", off, rc);
    return (uint32_t)v;
}

static inline void sg_wr(struct sg *s, uint32_t off, uint32_t v)
{
    int rc = mmio_write(s->m, (uint8_t *)s->regs + off, 4, v);

    if (rc != 0)
        check_fail(__FILE__, __LINE__, "mmio_write", "offset 0x%x rc %d", off, rc);
}

static inline uint64_t sg_rd64(struct sg *s, uint32_t off)
{
    uint64_t v = 0;
    int rc = mmio_read(s->m, (uint8_t *)s->regs + off, 8, &v);

    if (rc != 0)
        check_fail(__FILE__, __LINE__, "mmio_read64", "offset 0x%x rc %d", off, rc);
    return v;
}

static inline void sg_wr64(struct sg *s, uint32_t off, uint64_t v)
{
    int rc = mmio_write(s->m, (uint8_t *)s->regs + off, 8, v);

    if (rc != 0)
        check_fail(__FILE__, __LINE__, "mmio_write64", "offset 0x%x rc %d", off, rc);
}

static inline uint32_t sg_crd(struct sg *s, unsigned c, uint32_t reg)
{
    return sg_rd(s, SGDMA_CHAN_BASE(c) + reg);
}

static inline void sg_cwr(struct sg *s, unsigned c, uint32_t reg, uint32_t v)
{
    sg_wr(s, SGDMA_CHAN_BASE(c) + reg, v);
}

static inline uint64_t sg_crd64(struct sg *s, unsigned c, uint32_t reg)
{
    return sg_rd64(s, SGDMA_CHAN_BASE(c) + reg);
}

static inline unsigned sg_state(struct sg *s, unsigned c)
{
    return sg_crd(s, c, SGDMA_CH_STATUS) & SGDMA_STATUS_STATE_MASK;
}

static inline void sg_set_mask(struct sg *s, uint32_t mask)
{
    atomic_store(&s->mask, mask);
    sg_wr(s, SGDMA_REG_INT_MASK, mask);
}

/* ---- the ISR (device level, under the interrupt lock) ---- */

static inline bool sg_isr(void *ctx, unsigned message_id)
{
    struct sg *s = ctx;
    unsigned c = message_id % SGDMA_CHANNELS;
    struct sg_isr_chan *ic = &s->isr[c];
    uint32_t pending = sg_rd(s, SGDMA_REG_INT_STATUS) & ~atomic_load(&s->mask) &
                       SGDMA_INT_CHAN_BITS(c);

    atomic_fetch_add(&ic->calls, 1);
    if (pending == 0) {
        atomic_fetch_add(&ic->unclaimed, 1);
        exec_event_set(&ic->ev);
        return false;
    }
    sg_wr(s, SGDMA_REG_INT_STATUS, pending);
    atomic_store(&ic->last_head, sg_crd(s, c, SGDMA_CH_HEAD));
    atomic_store(&ic->last_pending, pending);
    atomic_fetch_or(&ic->seen, pending);
    atomic_fetch_add(&ic->claimed, 1);
    if (pending & SGDMA_INT_DONE(c)) {
        atomic_store(&ic->last_done_head, atomic_load(&ic->last_head));
        atomic_fetch_add(&ic->done, 1);
    }
    if (pending & SGDMA_INT_ERROR(c))
        atomic_fetch_add(&ic->errors, 1);
    if (pending & SGDMA_INT_ABORTED(c))
        atomic_fetch_add(&ic->aborted, 1);
    exec_event_set(&ic->ev);
    return true;
}

/* Waits for the next ISR call on channel c's vector; a timeout is a hang and fails the test. */
static inline void sg_wait_isr(struct sg *s, unsigned c)
{
    if (!exec_event_wait(&s->isr[c].ev, SG_TIMEOUT_NS)) {
        check_fail(__FILE__, __LINE__, "sg_wait_isr", "channel %u: no interrupt", c);
        exit(1);
    }
}

/* Waits until the ISR has cleared every cause in `bits` (since the last sg_isr_reset). */
static inline void sg_wait_seen(struct sg *s, unsigned c, uint32_t bits)
{
    while ((atomic_load(&s->isr[c].seen) & bits) != bits)
        sg_wait_isr(s, c);
}

/* Waits until an ISR call that found DONE read HEAD >= head (the ISR may run late, after more
 * completions): completions up to head have been announced.  Rings in these tests never wrap. */
static inline void sg_wait_done_head(struct sg *s, unsigned c, uint32_t head)
{
    for (;;) {
        uint32_t h = atomic_load(&s->isr[c].last_done_head);
        if (h != SG_NO_HEAD && h >= head)
            return;
        sg_wait_isr(s, c);
    }
}

/* Waits until the ISR has been called `calls` times on channel c's vector. */
static inline void sg_wait_calls(struct sg *s, unsigned c, unsigned calls)
{
    while (atomic_load(&s->isr[c].calls) < calls)
        sg_wait_isr(s, c);
}

static inline void sg_isr_reset(struct sg *s, unsigned c)
{
    struct sg_isr_chan *ic = &s->isr[c];

    atomic_store(&ic->calls, 0);
    atomic_store(&ic->claimed, 0);
    atomic_store(&ic->unclaimed, 0);
    atomic_store(&ic->done, 0);
    atomic_store(&ic->errors, 0);
    atomic_store(&ic->aborted, 0);
    atomic_store(&ic->seen, 0);
    atomic_store(&ic->last_head, SG_NO_HEAD);
    atomic_store(&ic->last_pending, 0);
    atomic_store(&ic->last_done_head, SG_NO_HEAD);
    exec_event_reset(&ic->ev);
}

/* Waits out an ISR call in progress (the interrupt lock excludes it). */
static inline void sg_sync_isr(struct sg *s)
{
    uint8_t old = intr_lock_acquire(s->src);

    intr_lock_release(s->src, old);
}

/* ---- set-up ---- */

/* Plugs sgdma with options given as "name=value" strings (NULL-terminated list, or NULL), maps
 * BAR0, connects the ISR and unmasks every cause. */
static inline void sg_setup(struct sg *s, const char *const *options)
{
    struct dmabox_props props = {.items = s->opts, .count = 0};
    struct bus_resource res[4];
    char err[256] = "";

    memset(s, 0, sizeof(*s));
    REQUIRE(machine_create(NULL, &s->m) == 0);
    for (; options != NULL && options[props.count] != NULL; props.count++) {
        char *eq;

        REQUIRE(props.count < SG_MAX_OPTS);
        snprintf(s->optbuf[props.count], sizeof(s->optbuf[0]), "%s", options[props.count]);
        eq = strchr(s->optbuf[props.count], '=');
        REQUIRE(eq != NULL);
        *eq = '\0';
        s->opts[props.count].name = s->optbuf[props.count];
        s->opts[props.count].value = eq + 1;
    }
    if (bus_plug(s->m->bus, 0, &sgdma_model, &props, &s->dev, err, sizeof(err)) != 0) {
        fprintf(stderr, "bus_plug: %s\n", err);
        REQUIRE(!"bus_plug failed");
    }
    REQUIRE(bus_resources(s->dev, res, 4) == 2);
    REQUIRE(res[0].type == BUS_RES_MEMORY && res[0].bar == 0 && res[0].length == SGDMA_BAR0_SIZE);
    REQUIRE(res[1].type == BUS_RES_INTERRUPT && res[1].message && res[1].vectors == SGDMA_MSI_VECTORS);
    s->bar_len = res[0].length;
    s->regs = mmio_map(s->m, res[0].start, res[0].length);
    REQUIRE(s->regs != NULL);
    s->src = bus_device_intr(s->dev);
    s->devid = bus_device_id(s->dev);
    for (unsigned c = 0; c < SGDMA_CHANNELS; c++) {
        exec_event_init(&s->isr[c].ev, true, false);
        sg_isr_reset(s, c);
    }
    atomic_store(&s->mask, SGDMA_INT_MASK_RESET);
    REQUIRE(intr_connect(s->src, sg_isr, s) == 0);
    intr_source_enable(s->src);
    sg_set_mask(s, 0);
}

static inline void sg_teardown(struct sg *s)
{
    fault_disarm_all(s->m->faults);
    intr_disconnect(s->src);
    CHECK(mmio_unmap(s->m, s->regs, s->bar_len) == 0);
    bus_unplug(s->dev);
    machine_destroy(s->m);
}

static inline uint64_t sg_guest_errors(struct sg *s)
{
    struct bus_dev_stats st;

    bus_device_stats(s->dev, &st);
    return st.guest_errors;
}

static inline uint64_t sg_raised(struct sg *s)
{
    struct intr_stats st;

    intr_source_stats(s->src, &st);
    return st.raised;
}

/* ---- rings and buffers ---- */

/* A physically contiguous ring of `size` descriptors, mapped for device reads and writes, and
 * programmed into channel c (RING_BASE as one 64-bit write, RING_SIZE). */
static inline struct sg_ring sg_ring_setup(struct sg *s, unsigned c, unsigned size)
{
    struct sg_ring r = {.size = size};

    r.pages = (size * SGDMA_DESC_SIZE + SG_PAGE - 1) / SG_PAGE;
    r.va = physmem_alloc(s->m->mem, r.pages, PHYSMEM_CONTIGUOUS | PHYSMEM_ZERO);
    REQUIRE(r.va != NULL);
    r.bus = iommu_phys_to_bus(physmem_virt_to_phys(s->m->mem, r.va));
    REQUIRE(iommu_map(s->m->iommu, s->devid, r.bus, r.pages * SG_PAGE, IOMMU_DIR_BOTH) == 0);
    sg_wr64(s, SGDMA_CHAN_BASE(c) + SGDMA_CH_RING_BASE, r.bus);
    sg_cwr(s, c, SGDMA_CH_RING_SIZE, size);
    return r;
}

/* Programs an existing ring into channel c again (after CH_RESET or RESET). */
static inline void sg_ring_program(struct sg *s, unsigned c, const struct sg_ring *r)
{
    sg_wr64(s, SGDMA_CHAN_BASE(c) + SGDMA_CH_RING_BASE, r->bus);
    sg_cwr(s, c, SGDMA_CH_RING_SIZE, r->size);
}

static inline void sg_ring_free(struct sg *s, struct sg_ring *r)
{
    CHECK(iommu_unmap(s->m->iommu, s->devid, r->bus, r->pages * SG_PAGE, IOMMU_DIR_BOTH) == 0);
    CHECK(physmem_free(s->m->mem, r->va) == 0);
}

static inline void sg_put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }
static inline void sg_put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }

static inline void sg_desc_set(struct sg_ring *r, unsigned i, uint64_t host, uint64_t dev_off,
                               uint32_t len, uint32_t flags)
{
    uint8_t *d = r->va + (size_t)(i % r->size) * SGDMA_DESC_SIZE;

    sg_put64(d + SGDMA_DESC_HOST_ADDR, host);
    sg_put64(d + SGDMA_DESC_DEV_OFFSET, dev_off);
    sg_put32(d + SGDMA_DESC_LENGTH, len);
    sg_put32(d + SGDMA_DESC_FLAGS, flags);
    sg_put32(d + SGDMA_DESC_STATUS, 0);
    sg_put32(d + SGDMA_DESC_BYTES_DONE, 0);
}

static inline uint32_t sg_desc_status(const struct sg_ring *r, unsigned i)
{
    uint32_t v;

    memcpy(&v, r->va + (size_t)(i % r->size) * SGDMA_DESC_SIZE + SGDMA_DESC_STATUS, 4);
    return v;
}

static inline uint32_t sg_desc_bytes(const struct sg_ring *r, unsigned i)
{
    uint32_t v;

    memcpy(&v, r->va + (size_t)(i % r->size) * SGDMA_DESC_SIZE + SGDMA_DESC_BYTES_DONE, 4);
    return v;
}

/* A physically scattered buffer of `pages` pages; with a non-zero dir one IOMMU window per page. */
static inline struct sg_buf sg_buf_alloc(struct sg *s, size_t pages, enum iommu_dir dir)
{
    struct sg_buf b = {.pages = pages, .dir = dir};

    b.va = physmem_alloc(s->m->mem, pages, PHYSMEM_SCATTERED);
    REQUIRE(b.va != NULL);
    b.bus = calloc(pages, sizeof(*b.bus));
    REQUIRE(b.bus != NULL);
    for (size_t i = 0; i < pages; i++) {
        b.bus[i] = iommu_phys_to_bus(physmem_virt_to_phys(s->m->mem, b.va + i * SG_PAGE));
        if (dir != 0)
            REQUIRE(iommu_map(s->m->iommu, s->devid, b.bus[i], SG_PAGE, dir) == 0);
    }
    return b;
}

static inline void sg_buf_free(struct sg *s, struct sg_buf *b)
{
    for (size_t i = 0; b->dir != 0 && i < b->pages; i++)
        CHECK(iommu_unmap(s->m->iommu, s->devid, b->bus[i], SG_PAGE, b->dir) == 0);
    CHECK(physmem_free(s->m->mem, b->va) == 0);
    free(b->bus);
}

/* Is the buffer physically scattered (some neighbouring pages not adjacent)? */
static inline bool sg_buf_scattered(const struct sg_buf *b)
{
    for (size_t i = 1; i < b->pages; i++)
        if (b->bus[i] != b->bus[i - 1] + SG_PAGE)
            return true;
    return false;
}

/* Writes descriptors from ring index `first` covering buffer bytes [boff, boff+len) and device
 * memory from dev_off, in pieces of at most `piece` bytes that never cross a host page.  `flags`
 * go on the last descriptor.  Returns the number of descriptors written. */
static inline unsigned sg_fill(struct sg_ring *r, unsigned first, const struct sg_buf *b, size_t boff,
                               size_t len, uint64_t dev_off, size_t piece, uint32_t flags)
{
    unsigned n = 0;

    for (size_t o = boff; o < boff + len; n++) {
        size_t k = boff + len - o;
        size_t to_page = SG_PAGE - o % SG_PAGE;

        if (k > to_page)
            k = to_page;
        if (k > piece)
            k = piece;
        bool last = o + k == boff + len;
        sg_desc_set(r, first + n, b->bus[o / SG_PAGE] + o % SG_PAGE, dev_off + (o - boff),
                    (uint32_t)k, last ? flags : 0);
        o += k;
    }
    return n;
}

/* ---- data patterns ---- */

static inline uint8_t sg_pattern(uint32_t seed, size_t i)
{
    return (uint8_t)(seed * 131u + i * 7u + (i >> 8) * 13u + 1u);
}

static inline void sg_pattern_fill(uint8_t *p, size_t len, uint32_t seed)
{
    for (size_t i = 0; i < len; i++)
        p[i] = sg_pattern(seed, i);
}

/* Returns the first offset where p differs from the pattern, or len. */
static inline size_t sg_pattern_check(const uint8_t *p, size_t len, uint32_t seed)
{
    for (size_t i = 0; i < len; i++)
        if (p[i] != sg_pattern(seed, i))
            return i;
    return len;
}

/* Reads device memory through the MEM_WIN registers (64-bit window accesses). */
static inline void sg_mem_read(struct sg *s, uint64_t off, uint8_t *out, size_t len)
{
    sg_wr64(s, SGDMA_REG_MEM_WIN_ADDR, off);
    for (size_t i = 0; i < len; i += 8) {
        uint64_t v = sg_rd64(s, SGDMA_REG_MEM_WIN_DATA);
        memcpy(out + i, &v, len - i < 8 ? len - i : 8);
    }
}

static inline void sg_mem_write(struct sg *s, uint64_t off, const uint8_t *in, size_t len)
{
    sg_wr64(s, SGDMA_REG_MEM_WIN_ADDR, off);
    for (size_t i = 0; i < len; i += 8) {
        uint64_t v = 0;
        memcpy(&v, in + i, len - i < 8 ? len - i : 8);
        sg_wr64(s, SGDMA_REG_MEM_WIN_DATA, v);
    }
}

/* ---- reset values (sgdma_regs.h tables) ---- */

struct sg_opts {
    uint32_t max_desc_bytes, align;
    uint64_t mem_size;
};

#define SG_OPTS_DEFAULT ((struct sg_opts){SGDMA_OPT_MAX_DESC_BYTES_DEFAULT, SGDMA_OPT_ALIGN_DEFAULT, \
                                          (uint64_t)SGDMA_OPT_MEM_MIB_DEFAULT << 20})

static inline uint64_t sg_reset_value(const struct sgdma_reg_info *ri, struct sg_opts o)
{
    switch (ri->reset_kind) {
    case SGDMA_RESET_OPT_MAX_DESC_BYTES: return o.max_desc_bytes;
    case SGDMA_RESET_OPT_ALIGN: return o.align;
    case SGDMA_RESET_OPT_MEM_SIZE: return o.mem_size;
    default: return ri->reset;
    }
}

static inline void sg_check_reg(struct sg *s, const struct sgdma_reg_info *ri, uint32_t off,
                                uint64_t want, const char *file, int line)
{
    uint64_t v = ri->width == 64 ? sg_rd64(s, off) : sg_rd(s, off);

    if (v == want)
        check_passed++;
    else
        check_fail(file, line, ri->name, "at 0x%03x reads 0x%llx, reset value 0x%llx", off,
                   (unsigned long long)v, (unsigned long long)want);
}

/* Every register of the global block (if `global`) and of the channels in `chans` (bit mask)
 * reads its reset value; with `counters` false the channel counters are not checked. */
static inline void sg_check_reset_values_at(struct sg *s, struct sg_opts o, bool global, unsigned chans,
                                            bool counters, const char *file, int line)
{
    for (size_t i = 0; global && i < SGDMA_GLOBAL_REG_COUNT; i++)
        if (sgdma_global_regs[i].reset_kind != SGDMA_RESET_NONE)
            sg_check_reg(s, &sgdma_global_regs[i], sgdma_global_regs[i].offset,
                         sg_reset_value(&sgdma_global_regs[i], o), file, line);
    for (unsigned c = 0; c < SGDMA_CHANNELS; c++) {
        if (!(chans & (1u << c)))
            continue;
        for (size_t i = 0; i < SGDMA_CHAN_REG_COUNT; i++) {
            const struct sgdma_reg_info *ri = &sgdma_chan_regs[i];
            if (!counters && ri->offset >= SGDMA_CH_DESC_COUNT)
                continue;
            sg_check_reg(s, ri, SGDMA_CHAN_BASE(c) + ri->offset, sg_reset_value(ri, o), file, line);
        }
    }
}
#define sg_check_reset_values(s, o, global, chans, counters) \
    sg_check_reset_values_at((s), (o), (global), (chans), (counters), __FILE__, __LINE__)

/* Starts channel c (RUN) and rings the doorbell. */
static inline void sg_go(struct sg *s, unsigned c, uint32_t tail)
{
    sg_cwr(s, c, SGDMA_CH_CTRL, SGDMA_CTRL_RUN);
    sg_cwr(s, c, SGDMA_CH_TAIL, tail);
}

/* CH_RESET: returns once the channel's engine has let go of its descriptor and sent what it had
 * decided to send, so the interrupt counters are final.  Counters survive it. */
static inline void sg_chan_reset(struct sg *s, unsigned c)
{
    sg_cwr(s, c, SGDMA_CH_CTRL, SGDMA_CTRL_CH_RESET);
}

#endif
