/* test_sgdma_irq.c - sgdma interrupts (tests/devices): INT_STATUS W1C, INT_MASK (masked causes are
 * recorded, unmasking a pending cause sends a message), INT_SET, coalescing by count (exact
 * message counts), by INT_ON_COMPLETE and by time (fewer messages than descriptors, last completion
 * delivered), and the fault sites dev.drop_irq and dev.spurious_irq.
 * Spec: docs/devices/sgdma.md sections 8 and 11. */
#include "test_sgdma_fixture.h"

static void test_status_mask_set(void)
{
    struct sg s;

    sg_setup(&s, NULL);
    sg_set_mask(&s, SGDMA_INT_ALL);
    uint64_t raised = sg_raised(&s);

    /* Masked causes are recorded without a message. */
    sg_wr(&s, SGDMA_REG_INT_SET, SGDMA_INT_DONE(SG_H2D) | SGDMA_INT_ABORTED(SG_D2H) | (1u << 20));
    CHECK_EQ(sg_rd(&s, SGDMA_REG_INT_STATUS), SGDMA_INT_DONE(SG_H2D) | SGDMA_INT_ABORTED(SG_D2H));
    CHECK_EQ(sg_raised(&s), raised);
    CHECK_EQ(sg_crd64(&s, SG_H2D, SGDMA_CH_IRQ_COUNT), 0);
    CHECK_EQ(sg_rd(&s, SGDMA_REG_INT_SET), 0);

    /* W1C clears exactly the bits written as 1. */
    sg_wr(&s, SGDMA_REG_INT_STATUS, 0);
    CHECK_EQ(sg_rd(&s, SGDMA_REG_INT_STATUS), SGDMA_INT_DONE(SG_H2D) | SGDMA_INT_ABORTED(SG_D2H));
    sg_wr(&s, SGDMA_REG_INT_STATUS, SGDMA_INT_DONE(SG_H2D) | SGDMA_INT_ERROR(SG_H2D));
    CHECK_EQ(sg_rd(&s, SGDMA_REG_INT_STATUS), SGDMA_INT_ABORTED(SG_D2H));

    /* Unmasking the D2H causes sends one message on vector 1 for the pending ABORTED. */
    sg_set_mask(&s, SGDMA_INT_CHAN_BITS(SG_H2D));
    CHECK_EQ(sg_crd64(&s, SG_D2H, SGDMA_CH_IRQ_COUNT), 1);
    sg_wait_seen(&s, SG_D2H, SGDMA_INT_ABORTED(SG_D2H));
    CHECK_EQ(sg_rd(&s, SGDMA_REG_INT_STATUS), 0);
    CHECK_EQ(atomic_load(&s.isr[SG_H2D].calls), 0);

    /* Unmasking with nothing pending sends nothing; an unmasked INT_SET sends one message. */
    sg_set_mask(&s, 0);
    CHECK_EQ(sg_crd64(&s, SG_H2D, SGDMA_CH_IRQ_COUNT), 0);
    sg_wr(&s, SGDMA_REG_INT_SET, SGDMA_INT_ERROR(SG_H2D));
    CHECK_EQ(sg_crd64(&s, SG_H2D, SGDMA_CH_IRQ_COUNT), 1);
    sg_wait_seen(&s, SG_H2D, SGDMA_INT_ERROR(SG_H2D));
    CHECK_EQ(sg_raised(&s), raised + 2);

    /* A masked DONE from a real completion stays in INT_STATUS while an unmasked ERROR interrupts;
     * the ISR clears only the ERROR; unmasking DONE then delivers it. */
    struct sg_buf b = sg_buf_alloc(&s, 1, IOMMU_DIR_DEVICE_READS);
    struct sg_ring r = sg_ring_setup(&s, SG_H2D, 8);
    sg_isr_reset(&s, SG_H2D);
    sg_set_mask(&s, SGDMA_INT_DONE(SG_H2D));
    sg_desc_set(&r, 0, b.bus[0], 0, 256, SGDMA_DESC_FLAG_INT_ON_COMPLETE);
    sg_desc_set(&r, 1, b.bus[0], 0, 0, 0);   /* BAD_LENGTH */
    sg_go(&s, SG_H2D, 2);
    sg_wait_seen(&s, SG_H2D, SGDMA_INT_ERROR(SG_H2D));
    CHECK_EQ(atomic_load(&s.isr[SG_H2D].done), 0);
    CHECK_EQ(sg_rd(&s, SGDMA_REG_INT_STATUS), SGDMA_INT_DONE(SG_H2D));
    CHECK_EQ(sg_crd64(&s, SG_H2D, SGDMA_CH_IRQ_COUNT), 2);   /* INT_SET above + the ERROR */
    sg_set_mask(&s, 0);
    sg_wait_seen(&s, SG_H2D, SGDMA_INT_DONE(SG_H2D));
    CHECK_EQ(sg_crd64(&s, SG_H2D, SGDMA_CH_IRQ_COUNT), 3);
    CHECK_EQ(sg_rd(&s, SGDMA_REG_INT_STATUS), 0);
    sg_chan_reset(&s, SG_H2D);
    sg_ring_free(&s, &r);
    sg_buf_free(&s, &b);
    sg_teardown(&s);
}

/* Runs 16 descriptors with one doorbell and returns the DONE messages the device sent.  After the
 * CH_RESET barrier every message it decided to send has been sent, so the interrupt controller's
 * count matches, and every message was delivered or merged. */
static unsigned run_batch(struct sg *s, struct sg_ring *r, const struct sg_buf *b, uint32_t count,
                          uint32_t time_us, const uint32_t *ioc, unsigned nioc, unsigned ndesc)
{
    struct intr_stats before, after;

    sg_isr_reset(s, SG_H2D);
    sg_ring_program(s, SG_H2D, r);
    sg_cwr(s, SG_H2D, SGDMA_CH_COALESCE_COUNT, count);
    sg_cwr(s, SG_H2D, SGDMA_CH_COALESCE_TIME_US, time_us);
    for (unsigned i = 0; i < ndesc; i++) {
        uint32_t flags = 0;
        for (unsigned k = 0; k < nioc; k++)
            if (ioc[k] == i)
                flags = SGDMA_DESC_FLAG_INT_ON_COMPLETE;
        sg_desc_set(r, i, b->bus[0] + 64 * (i % 64), 64 * i, 64, flags);
    }
    uint64_t sent0 = sg_crd64(s, SG_H2D, SGDMA_CH_IRQ_COUNT);
    intr_source_stats(s->src, &before);
    sg_go(s, SG_H2D, ndesc);
    sg_wait_done_head(s, SG_H2D, ndesc);
    sg_chan_reset(s, SG_H2D);
    intr_source_stats(s->src, &after);
    unsigned sent = (unsigned)(sg_crd64(s, SG_H2D, SGDMA_CH_IRQ_COUNT) - sent0);
    CHECK_EQ(after.raised - before.raised, sent);
    unsigned delivered = (unsigned)(sent - (after.coalesced - before.coalesced));
    sg_wait_calls(s, SG_H2D, delivered);
    sg_sync_isr(s);
    CHECK_EQ(atomic_load(&s->isr[SG_H2D].calls), delivered);
    CHECK(atomic_load(&s->isr[SG_H2D].done) >= 1);
    for (unsigned i = 0; i < ndesc; i++)
        CHECK_EQ(sg_desc_status(r, i), SGDMA_DSTAT_DONE);
    return sent;
}

static void test_coalesce_count(void)
{
    static const uint32_t ioc[] = {3, 9};
    struct sg s;

    sg_setup(&s, NULL);
    struct sg_buf b = sg_buf_alloc(&s, 1, IOMMU_DIR_DEVICE_READS);
    struct sg_ring r = sg_ring_setup(&s, SG_H2D, 32);

    CHECK_EQ(run_batch(&s, &r, &b, 1, 0, NULL, 0, 16), 16);  /* reset value: every completion */
    CHECK_EQ(run_batch(&s, &r, &b, 4, 0, NULL, 0, 16), 4);   /* 4, 8, 12, 16 */
    CHECK_EQ(run_batch(&s, &r, &b, 5, 0, NULL, 0, 16), 4);   /* 5, 10, 15, 16 (ring empty) */
    CHECK_EQ(run_batch(&s, &r, &b, 0, 0, NULL, 0, 16), 1);   /* ring empty only */
    CHECK_EQ(run_batch(&s, &r, &b, 0, 0, ioc, 2, 16), 3);    /* 4th, 10th, 16th */
    CHECK_EQ(run_batch(&s, &r, &b, 4, 0, ioc, 2, 16), 5);    /* 4th, 8th, 10th (IOC), 14th, 16th */
    sg_ring_free(&s, &r);
    sg_buf_free(&s, &b);
    sg_teardown(&s);
}

/* Time rule: 40 descriptors of at least 0.5 ms each, no count rule, 3 ms window: the time rule
 * fires several times, far fewer than 40, and the last completion is announced (ring empty). */
static void test_coalesce_time(void)
{
    static const char *const opts[] = {"latency_ns=500000", NULL};
    struct sg s;

    sg_setup(&s, opts);
    struct sg_buf b = sg_buf_alloc(&s, 1, IOMMU_DIR_DEVICE_READS);
    struct sg_ring r = sg_ring_setup(&s, SG_H2D, 64);
    unsigned sent = run_batch(&s, &r, &b, 0, 3000, NULL, 0, 40);
    CHECK(sent >= 2);
    CHECK(sent < 40);
    CHECK_EQ(sg_crd64(&s, SG_H2D, SGDMA_CH_DESC_COUNT), 40);
    sg_ring_free(&s, &r);
    sg_buf_free(&s, &b);
    sg_teardown(&s);
}

/* dev.drop_irq swallows the first DONE message; the second one finds both completions. */
static void test_drop_irq(void)
{
    struct sg s;

    sg_setup(&s, NULL);
    struct sg_buf b = sg_buf_alloc(&s, 1, IOMMU_DIR_DEVICE_READS);
    struct sg_ring r = sg_ring_setup(&s, SG_H2D, 8);
    REQUIRE(fault_arm(s.m->faults, "dev.drop_irq", &(struct fault_spec){.countdown = 1}) == 0);
    sg_desc_set(&r, 0, b.bus[0], 0, 128, SGDMA_DESC_FLAG_INT_ON_COMPLETE);
    sg_desc_set(&r, 1, b.bus[0], 128, 128, SGDMA_DESC_FLAG_INT_ON_COMPLETE);
    uint64_t raised = sg_raised(&s);
    sg_go(&s, SG_H2D, 2);
    sg_wait_done_head(&s, SG_H2D, 2);
    sg_chan_reset(&s, SG_H2D);
    CHECK_EQ(fault_fired(s.m->faults, "dev.drop_irq"), 1);
    CHECK_EQ(sg_crd64(&s, SG_H2D, SGDMA_CH_IRQ_COUNT), 1);
    CHECK_EQ(sg_raised(&s), raised + 1);
    CHECK_EQ(sg_crd64(&s, SG_H2D, SGDMA_CH_DESC_COUNT), 2);
    sg_sync_isr(&s);
    CHECK_EQ(atomic_load(&s.isr[SG_H2D].calls), 1);
    sg_ring_free(&s, &r);
    sg_buf_free(&s, &b);
    sg_teardown(&s);
}

/* dev.spurious_irq: with DONE masked the only message is the spurious one; the ISR finds no unmasked
 * cause and does not claim it, though the completion itself happened. */
static void test_spurious_irq(void)
{
    struct sg s;

    sg_setup(&s, NULL);
    struct sg_buf b = sg_buf_alloc(&s, 1, IOMMU_DIR_DEVICE_READS);
    struct sg_ring r = sg_ring_setup(&s, SG_H2D, 8);
    sg_set_mask(&s, SGDMA_INT_DONE(SG_H2D));
    REQUIRE(fault_arm(s.m->faults, "dev.spurious_irq", &(struct fault_spec){.countdown = 1}) == 0);
    sg_desc_set(&r, 0, b.bus[0], 0, 128, SGDMA_DESC_FLAG_INT_ON_COMPLETE);
    sg_go(&s, SG_H2D, 1);
    sg_wait_calls(&s, SG_H2D, 1);
    sg_sync_isr(&s);
    CHECK_EQ(atomic_load(&s.isr[SG_H2D].unclaimed), 1);
    CHECK_EQ(atomic_load(&s.isr[SG_H2D].claimed), 0);
    CHECK_EQ(sg_crd(&s, SG_H2D, SGDMA_CH_HEAD), 1);
    CHECK_EQ(sg_desc_status(&r, 0), SGDMA_DSTAT_DONE);
    CHECK_EQ(sg_rd(&s, SGDMA_REG_INT_STATUS), SGDMA_INT_DONE(SG_H2D));
    CHECK_EQ(sg_crd64(&s, SG_H2D, SGDMA_CH_IRQ_COUNT), 1);
    CHECK_EQ(fault_fired(s.m->faults, "dev.spurious_irq"), 1);
    sg_chan_reset(&s, SG_H2D);
    sg_ring_free(&s, &r);
    sg_buf_free(&s, &b);
    sg_teardown(&s);
}

int main(void)
{
    test_status_mask_set();
    test_coalesce_count();
    test_coalesce_time();
    test_drop_irq();
    test_spurious_irq();
    return check_done();
}
