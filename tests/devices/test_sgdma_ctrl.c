/* test_sgdma_ctrl.c - sgdma channel control and resets (tests/devices): a function-level reset
 * during long bandwidth-limited transfers on both channels (prompt, registers at reset values,
 * nothing written back afterwards, the device usable again), CH_RESET of one channel while the
 * other keeps running, ABORT (after the descriptor in progress; RUN cannot leave ABORTED), pause
 * and resume.  Spec: docs/devices/sgdma.md sections 7 and 9. */
#include "test_sgdma_fixture.h"

/* A physically contiguous buffer with one IOMMU window, for descriptors longer than a page. */
struct sg_big {
    uint8_t *va;
    uint64_t bus;
    size_t pages;
};

static struct sg_big big_alloc(struct sg *s, size_t pages)
{
    struct sg_big b = {.pages = pages};

    b.va = physmem_alloc(s->m->mem, pages, PHYSMEM_CONTIGUOUS | PHYSMEM_ZERO);
    REQUIRE(b.va != NULL);
    b.bus = physmem_virt_to_phys(s->m->mem, b.va);
    REQUIRE(iommu_map(s->m->iommu, s->devid, b.bus, pages * SG_PAGE, IOMMU_DIR_BOTH) == 0);
    return b;
}

static void big_free(struct sg *s, struct sg_big *b)
{
    CHECK(iommu_unmap(s->m->iommu, s->devid, b->bus, b->pages * SG_PAGE, IOMMU_DIR_BOTH) == 0);
    CHECK(physmem_free(s->m->mem, b->va) == 0);
}

/* H2D then D2H of `pages` pages through device offset dev_off; the data must come back intact. */
static void roundtrip(struct sg *s, struct sg_ring *rh, struct sg_ring *rd, size_t pages,
                      uint64_t dev_off, uint32_t seed)
{
    struct sg_buf a = sg_buf_alloc(s, pages, IOMMU_DIR_DEVICE_READS);
    struct sg_buf b = sg_buf_alloc(s, pages, IOMMU_DIR_DEVICE_WRITES);

    sg_pattern_fill(a.va, pages * SG_PAGE, seed);
    memset(b.va, 0, pages * SG_PAGE);
    sg_isr_reset(s, SG_H2D);
    sg_isr_reset(s, SG_D2H);
    unsigned nh = sg_fill(rh, 0, &a, 0, pages * SG_PAGE, dev_off, SG_PAGE, 0);
    sg_go(s, SG_H2D, nh);
    sg_wait_done_head(s, SG_H2D, nh);
    unsigned nd = sg_fill(rd, 0, &b, 0, pages * SG_PAGE, dev_off, SG_PAGE, 0);
    sg_go(s, SG_D2H, nd);
    sg_wait_done_head(s, SG_D2H, nd);
    CHECK_EQ(sg_pattern_check(b.va, pages * SG_PAGE, seed), pages * SG_PAGE);
    sg_buf_free(s, &a);
    sg_buf_free(s, &b);
}

/* The timing tests below leave seconds of margin: on 2 loaded cores under TSan an ISR can run
 * tens of milliseconds after its message, so "still in progress" must hold for much longer. */
#define LONG_OPTS "bandwidth=1024000", "max_desc_bytes=4194304"   /* 4 ms per 4 KiB page */
#define LIVE_MASK (SGDMA_STATUS_STATE_MASK | SGDMA_STATUS_EMPTY)     /* RUNNING, work left */

static void test_reset_during_transfer(void)
{
    static const char *const opts[] = {LONG_OPTS, NULL};
    struct sg s;

    sg_setup(&s, opts);
    struct sg_big hb = big_alloc(&s, 1025);
    struct sg_big db = big_alloc(&s, 513);
    struct sg_ring rh = sg_ring_setup(&s, SG_H2D, 8);
    struct sg_ring rd = sg_ring_setup(&s, SG_D2H, 8);
    memset(db.va, 0xA5, db.pages * SG_PAGE);

    /* Each channel: one page that interrupts, then one long descriptor (4 MiB = 4 s, 2 MiB = 2 s). */
    sg_desc_set(&rh, 0, hb.bus, 0, SG_PAGE, SGDMA_DESC_FLAG_INT_ON_COMPLETE);
    sg_desc_set(&rh, 1, hb.bus + SG_PAGE, 0x100000, 1024 * SG_PAGE, SGDMA_DESC_FLAG_INT_ON_COMPLETE);
    sg_desc_set(&rd, 0, db.bus, 0, SG_PAGE, SGDMA_DESC_FLAG_INT_ON_COMPLETE);
    sg_desc_set(&rd, 1, db.bus + SG_PAGE, 0x800000, 512 * SG_PAGE, SGDMA_DESC_FLAG_INT_ON_COMPLETE);
    sg_go(&s, SG_H2D, 2);
    sg_go(&s, SG_D2H, 2);
    sg_wait_done_head(&s, SG_H2D, 1);
    sg_wait_done_head(&s, SG_D2H, 1);
    /* Both long descriptors are pending or in progress (BUSY may still be 0 for the moment
     * between the first completion and the engine taking the next descriptor). */
    CHECK_EQ(sg_crd(&s, SG_H2D, SGDMA_CH_STATUS) & LIVE_MASK, SGDMA_CHAN_STATE_RUNNING);
    CHECK_EQ(sg_crd(&s, SG_D2H, SGDMA_CH_STATUS) & LIVE_MASK, SGDMA_CHAN_STATE_RUNNING);

    uint64_t t0 = exec_now_ns();
    sg_wr(&s, SGDMA_REG_RESET, SGDMA_RESET_FLR);
    uint64_t took = exec_now_ns() - t0;
    atomic_store(&s.mask, SGDMA_INT_MASK_RESET);
    /* The long descriptors had seconds to go: the reset abandoned them. */
    CHECK(took < 1000 * SG_MS);
    sg_check_reset_values(&s, ((struct sg_opts){4194304, 1, 64u << 20}), true, 3, true);
    CHECK_EQ(sg_desc_status(&rh, 1), 0);
    CHECK_EQ(sg_desc_status(&rd, 1), 0);
    CHECK_EQ(sg_desc_bytes(&rh, 1), 0);
    /* The long D2H descriptor stopped part-way: its tail never reached host memory. */
    CHECK_EQ(db.va[db.pages * SG_PAGE - 1], 0xA5);

    /* Usable again once programmed like after power-up. */
    sg_set_mask(&s, 0);
    sg_ring_program(&s, SG_H2D, &rh);
    sg_ring_program(&s, SG_D2H, &rd);
    roundtrip(&s, &rh, &rd, 2, 0x300000, 11);
    CHECK_EQ(sg_crd64(&s, SG_H2D, SGDMA_CH_DESC_COUNT), 2);

    sg_chan_reset(&s, SG_H2D);
    sg_chan_reset(&s, SG_D2H);
    sg_ring_free(&s, &rh);
    sg_ring_free(&s, &rd);
    big_free(&s, &hb);
    big_free(&s, &db);
    sg_teardown(&s);
}

/* CH_RESET of H2D in the middle of a long descriptor while D2H is in the middle of its own; D2H
 * completes undisturbed. */
static void test_chan_reset_isolated(void)
{
    static const char *const opts[] = {LONG_OPTS, NULL};
    struct sg s;

    sg_setup(&s, opts);
    struct sg_big hb = big_alloc(&s, 1025);
    struct sg_big zb = big_alloc(&s, 256);
    struct sg_buf b = sg_buf_alloc(&s, 4, IOMMU_DIR_DEVICE_WRITES);
    uint8_t pat[4 * 4096];
    sg_pattern_fill(pat, sizeof(pat), 5);
    sg_mem_write(&s, 0x800000, pat, sizeof(pat));
    memset(zb.va, 0xCC, zb.pages * SG_PAGE);
    struct sg_ring rh = sg_ring_setup(&s, SG_H2D, 8);
    struct sg_ring rd = sg_ring_setup(&s, SG_D2H, 8);
    /* D2H: 16 KiB of pattern, then 1 MiB (1 s) of never-written, hence zero, device memory. */
    unsigned nd = sg_fill(&rd, 0, &b, 0, sizeof(pat), 0x800000, SG_PAGE, SGDMA_DESC_FLAG_INT_ON_COMPLETE);
    sg_desc_set(&rd, nd++, zb.bus, 0x900000, 256 * SG_PAGE, SGDMA_DESC_FLAG_INT_ON_COMPLETE);
    sg_desc_set(&rh, 0, hb.bus, 0, SG_PAGE, SGDMA_DESC_FLAG_INT_ON_COMPLETE);
    sg_desc_set(&rh, 1, hb.bus + SG_PAGE, 0x100000, 1024 * SG_PAGE, 0);
    sg_go(&s, SG_D2H, nd);
    sg_wait_done_head(&s, SG_D2H, nd - 1);
    sg_go(&s, SG_H2D, 2);
    sg_wait_done_head(&s, SG_H2D, 1);
    CHECK_EQ(sg_crd(&s, SG_D2H, SGDMA_CH_STATUS) & LIVE_MASK, SGDMA_CHAN_STATE_RUNNING);

    sg_chan_reset(&s, SG_H2D);
    sg_check_reset_values(&s, SG_OPTS_DEFAULT, false, 1u << SG_H2D, false);
    CHECK_EQ(sg_crd64(&s, SG_H2D, SGDMA_CH_DESC_COUNT), 1);
    CHECK_EQ(sg_desc_status(&rh, 1), 0);
    CHECK_EQ(sg_rd(&s, SGDMA_REG_INT_STATUS) & SGDMA_INT_CHAN_BITS(SG_H2D), 0);

    sg_wait_done_head(&s, SG_D2H, nd);
    CHECK_EQ(sg_pattern_check(b.va, sizeof(pat), 5), sizeof(pat));
    for (size_t i = 0; i < zb.pages * SG_PAGE; i++)
        if (zb.va[i] != 0) {
            CHECK(!"D2H of zeroed device memory returned other bytes");
            break;
        }
    CHECK_EQ(sg_crd64(&s, SG_D2H, SGDMA_CH_DESC_COUNT), nd);
    CHECK_EQ(sg_desc_status(&rd, nd - 1), SGDMA_DSTAT_DONE);
    CHECK_EQ(sg_crd64(&s, SG_H2D, SGDMA_CH_DESC_COUNT), 1);   /* no progress after the reset */

    sg_chan_reset(&s, SG_D2H);
    sg_ring_free(&s, &rh);
    sg_ring_free(&s, &rd);
    big_free(&s, &hb);
    big_free(&s, &zb);
    sg_buf_free(&s, &b);
    sg_teardown(&s);
}

/* 16 descriptors of >= 25 ms each; the first one interrupts. */
#define SLOW_DESCS 16u
static unsigned start_slow_ring(struct sg *s, struct sg_ring *r, const struct sg_buf *b)
{
    sg_isr_reset(s, SG_H2D);
    sg_ring_program(s, SG_H2D, r);
    sg_cwr(s, SG_H2D, SGDMA_CH_COALESCE_COUNT, 0);
    for (unsigned i = 0; i < SLOW_DESCS; i++)
        sg_desc_set(r, i, b->bus[i % b->pages], SG_PAGE * i, SG_PAGE,
                    i == 0 ? SGDMA_DESC_FLAG_INT_ON_COMPLETE : 0);
    sg_go(s, SG_H2D, SLOW_DESCS);
    sg_wait_done_head(s, SG_H2D, 1);
    return SLOW_DESCS;
}

static void test_abort(void)
{
    static const char *const opts[] = {"latency_ns=25000000", NULL};
    struct sg s;

    sg_setup(&s, opts);
    struct sg_buf b = sg_buf_alloc(&s, 8, IOMMU_DIR_DEVICE_READS);
    struct sg_ring r = sg_ring_setup(&s, SG_H2D, 32);
    unsigned n = start_slow_ring(&s, &r, &b);

    sg_cwr(&s, SG_H2D, SGDMA_CH_CTRL, SGDMA_CTRL_ABORT);
    sg_wait_seen(&s, SG_H2D, SGDMA_INT_ABORTED(SG_H2D));
    uint32_t head = sg_crd(&s, SG_H2D, SGDMA_CH_HEAD);
    CHECK(head >= 1 && head < n);
    for (unsigned i = 0; i < n; i++)
        CHECK_EQ(sg_desc_status(&r, i), i < head ? SGDMA_DSTAT_DONE : 0);
    CHECK_EQ(sg_crd(&s, SG_H2D, SGDMA_CH_STATUS), SGDMA_CHAN_STATE_ABORTED);
    CHECK_EQ(sg_crd(&s, SG_H2D, SGDMA_CH_CTRL), 0);
    CHECK_EQ(sg_crd64(&s, SG_H2D, SGDMA_CH_ABORT_COUNT), 1);
    CHECK_EQ(sg_crd64(&s, SG_H2D, SGDMA_CH_DESC_COUNT), head);
    /* Every processed descriptor was announced with the abort or before it. */
    CHECK_EQ(atomic_load(&s.isr[SG_H2D].last_done_head), head);

    /* RUN and ABORT do nothing on an ABORTED channel; RUN is a guest error. */
    uint64_t ge = sg_guest_errors(&s);
    sg_cwr(&s, SG_H2D, SGDMA_CH_CTRL, SGDMA_CTRL_RUN);
    sg_cwr(&s, SG_H2D, SGDMA_CH_CTRL, SGDMA_CTRL_ABORT);
    CHECK_EQ(sg_state(&s, SG_H2D), SGDMA_CHAN_STATE_ABORTED);
    CHECK_EQ(sg_crd64(&s, SG_H2D, SGDMA_CH_ABORT_COUNT), 1);
    CHECK_EQ(sg_guest_errors(&s), ge + 1);
    CHECK_EQ(sg_crd(&s, SG_H2D, SGDMA_CH_HEAD), head);

    /* ABORT of an IDLE channel takes effect at once. */
    sg_chan_reset(&s, SG_H2D);
    sg_isr_reset(&s, SG_H2D);
    sg_cwr(&s, SG_H2D, SGDMA_CH_CTRL, SGDMA_CTRL_ABORT);
    CHECK_EQ(sg_state(&s, SG_H2D), SGDMA_CHAN_STATE_ABORTED);
    sg_wait_seen(&s, SG_H2D, SGDMA_INT_ABORTED(SG_H2D));
    CHECK_EQ(sg_crd64(&s, SG_H2D, SGDMA_CH_ABORT_COUNT), 2);
    sg_chan_reset(&s, SG_H2D);
    sg_ring_free(&s, &r);
    sg_buf_free(&s, &b);
    sg_teardown(&s);
}

static void test_pause_resume(void)
{
    static const char *const opts[] = {"latency_ns=25000000", NULL};
    struct sg s;

    sg_setup(&s, opts);
    struct sg_buf b = sg_buf_alloc(&s, 8, IOMMU_DIR_DEVICE_READS);
    struct sg_ring r = sg_ring_setup(&s, SG_H2D, 32);
    unsigned n = start_slow_ring(&s, &r, &b);

    /* Pause: at once if the engine is between descriptors, else after the one in progress,
     * which is then announced (a pending stop forces DONE). */
    sg_cwr(&s, SG_H2D, SGDMA_CH_CTRL, 0);
    while (sg_state(&s, SG_H2D) != SGDMA_CHAN_STATE_IDLE)
        sg_wait_isr(&s, SG_H2D);
    uint32_t head = sg_crd(&s, SG_H2D, SGDMA_CH_HEAD);
    CHECK(head >= 1 && head < n);
    CHECK_EQ(sg_desc_status(&r, head), 0);
    CHECK_EQ(sg_crd(&s, SG_H2D, SGDMA_CH_CTRL), 0);
    CHECK_EQ(sg_crd64(&s, SG_H2D, SGDMA_CH_DESC_COUNT), head);

    /* Resume from HEAD. */
    sg_cwr(&s, SG_H2D, SGDMA_CH_CTRL, SGDMA_CTRL_RUN);
    sg_wait_done_head(&s, SG_H2D, n);
    for (unsigned i = 0; i < n; i++)
        CHECK_EQ(sg_desc_status(&r, i), SGDMA_DSTAT_DONE);
    CHECK_EQ(sg_crd64(&s, SG_H2D, SGDMA_CH_DESC_COUNT), n);
    CHECK_EQ(sg_crd64(&s, SG_H2D, SGDMA_CH_ABORT_COUNT), 0);
    sg_chan_reset(&s, SG_H2D);
    sg_ring_free(&s, &r);
    sg_buf_free(&s, &b);
    sg_teardown(&s);
}

int main(void)
{
    test_reset_during_transfer();
    test_chan_reset_isolated();
    test_abort();
    test_pause_resume();
    return check_done();
}
