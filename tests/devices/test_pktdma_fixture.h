/* test_pktdma_fixture.h - shared set-up of the pktdma device tests (tests/devices, no KMDF): a
 * machine with one pktdma in slot 0, BAR0 mapped, an ISR that reads STATUS, clears DONE/ERROR
 * (W1C, which drops the level), records what it saw and signals an event; plus buffers with IOMMU
 * windows, transfer helpers and self-describing data patterns.  Spec: docs/devices/pktdma.md. */
#ifndef DMABOX_TEST_PKTDMA_FIXTURE_H
#define DMABOX_TEST_PKTDMA_FIXTURE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
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
#include "pktdma/pktdma.h"
#include "pktdma/pktdma_regs.h"

#define PK_TIMEOUT_NS (30ull * 1000000000ull)   /* generous: sanitizer builds on 2 cores */
#define PK_MAX_OPTS 8
#define PK_DONE PKTDMA_STATUS_DONE
#define PK_ERR(code) (PKTDMA_STATUS_ERROR | ((uint32_t)(code) << PKTDMA_STATUS_CODE_SHIFT))
#define PK_H2D PKTDMA_CTRL_DIRECTION
#define PK_D2H 0u
#define PK_LOW (PHYSMEM_BELOW_4G | PHYSMEM_CONTIGUOUS)

enum pk_isr_mode {
    PK_ISR_CLEAR,        /* every call: record, W1C, signal */
    PK_ISR_CLEAR_AT,     /* claim without clearing until the isr_at-th claimed call, then clear */
    PK_ISR_NEVER_CLEAR,  /* claim, never clear; signal at the isr_at-th claimed call */
};

struct pk {
    struct machine *m;
    struct dmabox_dev *dev;
    struct intr_source *src;
    void *regs;
    uint64_t bar_len;
    unsigned devid;
    struct dmabox_prop opts[PK_MAX_OPTS];
    char optbuf[PK_MAX_OPTS][64];

    _Atomic int isr_mode;
    _Atomic unsigned isr_at;
    _Atomic unsigned isr_mode_claims;      /* claimed calls since the mode was set */
    _Atomic unsigned isr_calls, isr_claimed, isr_unclaimed;
    _Atomic uint32_t last_status, last_bytes, unclaimed_status;
    struct exec_event done_ev;             /* auto-reset: a completion was handled */
    struct exec_event unclaimed_ev;        /* auto-reset: the ISR found nothing to claim */
};

struct pk_buf {
    uint8_t *va;
    phys_addr_t pa;
    size_t len;
    enum iommu_dir dir;                    /* window opened over the whole buffer, 0 = none */
};

static inline uint32_t pk_rd(struct pk *p, uint32_t off)
{
    uint64_t v = 0;
    int rc = mmio_read(p->m, (uint8_t *)p->regs + off, 4, &v);

    if (rc != 0)
        check_fail(__FILE__, __LINE__, "mmio_read", "offset 0x%x rc %d", off, rc);
    return (uint32_t)v;
}

static inline void pk_wr(struct pk *p, uint32_t off, uint32_t v)
{
    int rc = mmio_write(p->m, (uint8_t *)p->regs + off, 4, v);

    if (rc != 0)
        check_fail(__FILE__, __LINE__, "mmio_write", "offset 0x%x rc %d", off, rc);
}

static inline void pk_record(struct pk *p, uint32_t st)
{
    atomic_store(&p->last_bytes, pk_rd(p, PKTDMA_REG_BYTES_DONE));
    atomic_store(&p->last_status, st);
}

/* The driver's ISR, at device level under the interrupt lock. */
static inline bool pk_isr(void *ctx, unsigned message_id)
{
    struct pk *p = ctx;
    uint32_t st = pk_rd(p, PKTDMA_REG_STATUS);
    unsigned n;

    (void)message_id;
    atomic_fetch_add(&p->isr_calls, 1);
    if (!(st & (PKTDMA_STATUS_DONE | PKTDMA_STATUS_ERROR))) {
        atomic_store(&p->unclaimed_status, st);
        atomic_fetch_add(&p->isr_unclaimed, 1);
        exec_event_set(&p->unclaimed_ev);
        return false;
    }
    atomic_fetch_add(&p->isr_claimed, 1);
    n = atomic_fetch_add(&p->isr_mode_claims, 1) + 1;
    switch (atomic_load(&p->isr_mode)) {
    case PK_ISR_CLEAR_AT:
        if (n < atomic_load(&p->isr_at))
            break;
        /* fall through */
    case PK_ISR_CLEAR:
        pk_record(p, st);
        pk_wr(p, PKTDMA_REG_STATUS, st & (PKTDMA_STATUS_DONE | PKTDMA_STATUS_ERROR));
        exec_event_set(&p->done_ev);
        break;
    case PK_ISR_NEVER_CLEAR:
        if (n == atomic_load(&p->isr_at)) {
            pk_record(p, st);
            exec_event_set(&p->done_ev);
        }
        break;
    }
    return true;
}

static inline void pk_set_isr_mode(struct pk *p, enum pk_isr_mode mode, unsigned at)
{
    atomic_store(&p->isr_at, at);
    atomic_store(&p->isr_mode_claims, 0);
    atomic_store(&p->isr_mode, (int)mode);
}

/* Waits until the delivery thread has finished with the ISR call in progress and its accounting
 * (the interrupt lock excludes both). */
static inline void pk_sync_isr(struct pk *p)
{
    uint8_t old = intr_lock_acquire(p->src);

    intr_lock_release(p->src, old);
}

/* Plugs pktdma with options given as "name=value" strings (NULL-terminated list, or NULL). */
static inline void pk_setup(struct pk *p, const char *const *options)
{
    struct dmabox_props props = {.items = p->opts, .count = 0};
    struct bus_resource res[4];
    char err[256] = "";
    size_t n;

    memset(p, 0, sizeof(*p));
    REQUIRE(machine_create(NULL, &p->m) == 0);
    REQUIRE(p->m->bus != NULL && p->m->mmio != NULL && p->m->intr != NULL && p->m->iommu != NULL);
    for (; options != NULL && options[props.count] != NULL; props.count++) {
        char *eq;

        REQUIRE(props.count < PK_MAX_OPTS);
        snprintf(p->optbuf[props.count], sizeof(p->optbuf[0]), "%s", options[props.count]);
        eq = strchr(p->optbuf[props.count], '=');
        REQUIRE(eq != NULL);
        *eq = '\0';
        p->opts[props.count].name = p->optbuf[props.count];
        p->opts[props.count].value = eq + 1;
    }
    if (bus_plug(p->m->bus, 0, &pktdma_model, &props, &p->dev, err, sizeof(err)) != 0) {
        fprintf(stderr, "bus_plug: %s\n", err);
        REQUIRE(!"bus_plug failed");
    }
    n = bus_resources(p->dev, res, 4);
    REQUIRE(n == 2);
    REQUIRE(res[0].type == BUS_RES_MEMORY && res[0].bar == 0 && res[0].length == PKTDMA_BAR0_SIZE);
    REQUIRE(res[1].type == BUS_RES_INTERRUPT && !res[1].message && res[1].vectors == 1);
    p->bar_len = res[0].length;
    p->regs = mmio_map(p->m, res[0].start, res[0].length);
    REQUIRE(p->regs != NULL);
    p->src = bus_device_intr(p->dev);
    p->devid = bus_device_id(p->dev);
    exec_event_init(&p->done_ev, true, false);
    exec_event_init(&p->unclaimed_ev, true, false);
    pk_set_isr_mode(p, PK_ISR_CLEAR, 0);
    REQUIRE(intr_connect(p->src, pk_isr, p) == 0);
    intr_source_enable(p->src);
}

static inline void pk_teardown(struct pk *p)
{
    intr_disconnect(p->src);
    CHECK(mmio_unmap(p->m, p->regs, p->bar_len) == 0);
    bus_unplug(p->dev);
    machine_destroy(p->m);
}

/* A buffer of `pages` pages; with a non-zero dir an IOMMU window over all of it. */
static inline struct pk_buf pk_buf_alloc(struct pk *p, size_t pages, unsigned flags, enum iommu_dir dir)
{
    struct pk_buf b = {.len = pages * PHYSMEM_PAGE_SIZE, .dir = dir};

    b.va = physmem_alloc(p->m->mem, pages, flags);
    REQUIRE(b.va != NULL);
    b.pa = physmem_virt_to_phys(p->m->mem, b.va);
    REQUIRE(b.pa != PHYSMEM_BAD_ADDR);
    if (flags & PHYSMEM_CONTIGUOUS)
        REQUIRE(physmem_virt_to_phys(p->m->mem, b.va + b.len - 1) == b.pa + b.len - 1);
    if (dir != 0)
        REQUIRE(iommu_map(p->m->iommu, p->devid, iommu_phys_to_bus(b.pa), b.len, dir) == 0);
    return b;
}

static inline void pk_buf_free(struct pk *p, struct pk_buf *b)
{
    if (b->dir != 0)
        CHECK(iommu_unmap(p->m->iommu, p->devid, iommu_phys_to_bus(b->pa), b->len, b->dir) == 0);
    CHECK(physmem_free(p->m->mem, b->va) == 0);
    b->va = NULL;
}

/* Programs a transfer the way a driver does and sets GO (interrupt enabled). */
static inline void pk_start(struct pk *p, uint64_t bus, uint32_t len, uint32_t dev_off, uint32_t dir)
{
    pk_wr(p, PKTDMA_REG_ADDR_LO, (uint32_t)bus);
    pk_wr(p, PKTDMA_REG_ADDR_HI, (uint32_t)(bus >> 32));
    pk_wr(p, PKTDMA_REG_LENGTH, len);
    pk_wr(p, PKTDMA_REG_DEV_OFFSET, dev_off);
    pk_wr(p, PKTDMA_REG_CTRL, dir | PKTDMA_CTRL_INT_ENABLE | PKTDMA_CTRL_GO);
}

/* Waits for the ISR to handle a completion; returns the STATUS it saw. */
static inline uint32_t pk_wait(struct pk *p)
{
    REQUIRE(exec_event_wait(&p->done_ev, PK_TIMEOUT_NS));
    return atomic_load(&p->last_status);
}

static inline uint32_t pk_xfer(struct pk *p, uint64_t bus, uint32_t len, uint32_t dev_off, uint32_t dir)
{
    pk_start(p, bus, len, dev_off, dir);
    return pk_wait(p);
}

/* What a driver does when it has lost an interrupt: polls STATUS (with a deadline). */
static inline uint32_t pk_poll_status(struct pk *p, uint32_t mask)
{
    uint64_t deadline = exec_now_ns() + PK_TIMEOUT_NS;
    uint32_t st;

    for (unsigned i = 0; !((st = pk_rd(p, PKTDMA_REG_STATUS)) & mask); i++) {
        if (exec_now_ns() >= deadline) {
            check_fail(__FILE__, __LINE__, "STATUS", "0x%x never shows 0x%x", st, mask);
            exit(1);
        }
        exec_cpu_relax(i);
    }
    return st;
}

/* Waits until a register reaches at least `min` (progress is visible only in BYTES_DONE), polling
 * as a driver would, with a deadline. */
static inline uint32_t pk_poll_at_least(struct pk *p, uint32_t off, uint32_t min)
{
    uint64_t deadline = exec_now_ns() + PK_TIMEOUT_NS;
    uint32_t v;

    for (unsigned i = 0; (v = pk_rd(p, off)) < min; i++) {
        if (exec_now_ns() >= deadline) {
            check_fail(__FILE__, __LINE__, "register progress", "0x%x stays at %u", off, v);
            exit(1);
        }
        exec_cpu_relax(i);
    }
    return v;
}

/* Position-encoded pattern: a mismatch tells which byte of which buffer went wrong. */
static inline uint8_t pk_pattern(size_t i, unsigned seed)
{
    return (uint8_t)(i * 7u + (i >> 8) * 13u + seed * 29u + 1u);
}

static inline void pk_fill(uint8_t *buf, size_t len, unsigned seed)
{
    for (size_t i = 0; i < len; i++)
        buf[i] = pk_pattern(i, seed);
}

/* Index of the first byte of buf[0..len) that is not pattern `seed` at position start+i, or -1. */
static inline long pk_find_bad(const uint8_t *buf, size_t len, unsigned seed, size_t start)
{
    for (size_t i = 0; i < len; i++)
        if (buf[i] != pk_pattern(start + i, seed))
            return (long)i;
    return -1;
}

/* Index of the first byte that is not `v`, or -1. */
static inline long pk_find_not(const uint8_t *buf, size_t len, uint8_t v)
{
    for (size_t i = 0; i < len; i++)
        if (buf[i] != v)
            return (long)i;
    return -1;
}

static inline struct bus_dev_stats pk_dev_stats(struct pk *p)
{
    struct bus_dev_stats s;

    bus_device_stats(p->dev, &s);
    return s;
}

static inline struct intr_stats pk_intr_stats(struct pk *p)
{
    struct intr_stats s;

    pk_sync_isr(p);
    intr_source_stats(p->src, &s);
    return s;
}

#endif
