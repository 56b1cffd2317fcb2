/* test_sgdma_faults.c - sgdma fault sites (tests/devices): dev.desc_error (descriptor fails with
 * DEVICE, channel ERROR), dev.short_xfer (SHORT with the bytes moved, channel goes on), dev.stall
 * (no progress until ABORT; the coalescing timer still announces earlier completions), and the
 * platform's dev.bus_abort seen as BUS_ABORT.  dev.drop_irq and dev.spurious_irq are in
 * test_sgdma_irq.c.  Spec: docs/devices/sgdma.md section 11. */
#include "test_sgdma_fixture.h"

static void arm(struct sg *s, const char *site, uint64_t countdown)
{
    REQUIRE(fault_arm(s->m->faults, site, &(struct fault_spec){.countdown = countdown}) == 0);
}

static void test_desc_error(void)
{
    struct sg s;

    sg_setup(&s, NULL);
    struct sg_buf b = sg_buf_alloc(&s, 3, IOMMU_DIR_DEVICE_READS);
    struct sg_ring r = sg_ring_setup(&s, SG_H2D, 8);
    sg_pattern_fill(b.va, 3 * SG_PAGE, 2);
    sg_fill(&r, 0, &b, 0, 3 * SG_PAGE, 0, SG_PAGE, 0);
    arm(&s, "dev.desc_error", 2);
    sg_go(&s, SG_H2D, 3);
    sg_wait_seen(&s, SG_H2D, SGDMA_INT_ERROR(SG_H2D));
    CHECK_EQ(fault_fired(s.m->faults, "dev.desc_error"), 1);
    CHECK_EQ(sg_desc_status(&r, 0), SGDMA_DSTAT_DONE);
    CHECK_EQ(sg_desc_status(&r, 1), SG_DSTAT_ERR(SGDMA_ERR_DEVICE));
    CHECK_EQ(sg_desc_bytes(&r, 1), 0);
    CHECK_EQ(sg_desc_status(&r, 2), 0);
    CHECK_EQ(sg_crd(&s, SG_H2D, SGDMA_CH_HEAD), 1);
    CHECK_EQ(sg_crd(&s, SG_H2D, SGDMA_CH_ERR_STATUS),
             SGDMA_ERR_DEVICE | SGDMA_ERR_PHASE_SETUP << SGDMA_ERR_PHASE_SHIFT);
    CHECK_EQ(sg_crd(&s, SG_H2D, SGDMA_CH_ERR_DESC), 1);
    CHECK_EQ(sg_state(&s, SG_H2D), SGDMA_CHAN_STATE_ERROR);
    uint8_t got[SG_PAGE];
    sg_mem_read(&s, SG_PAGE, got, SG_PAGE);
    for (size_t i = 0; i < SG_PAGE; i++)
        if (got[i] != 0) {
            CHECK(!"the failed descriptor moved data");
            break;
        }
    sg_chan_reset(&s, SG_H2D);
    sg_ring_free(&s, &r);
    sg_buf_free(&s, &b);
    sg_teardown(&s);
}

static void test_short_xfer(void)
{
    static const char *const opts[] = {"align=8", NULL};
    struct sg s;

    sg_setup(&s, opts);
    struct sg_buf b = sg_buf_alloc(&s, 1, IOMMU_DIR_DEVICE_READS);
    struct sg_ring r = sg_ring_setup(&s, SG_H2D, 8);
    sg_pattern_fill(b.va, SG_PAGE, 4);
    sg_desc_set(&r, 0, b.bus[0], 0, 1000, 0);    /* short: 500 rounded down to 8 = 496 */
    sg_desc_set(&r, 1, b.bus[0], 2048, 1000, 0); /* normal */
    arm(&s, "dev.short_xfer", 1);
    sg_go(&s, SG_H2D, 2);
    sg_wait_done_head(&s, SG_H2D, 2);
    CHECK_EQ(fault_fired(s.m->faults, "dev.short_xfer"), 1);
    CHECK_EQ(sg_desc_status(&r, 0), SGDMA_DSTAT_DONE | SGDMA_DSTAT_SHORT);
    CHECK_EQ(sg_desc_bytes(&r, 0), 496);
    CHECK_EQ(sg_desc_status(&r, 1), SGDMA_DSTAT_DONE);
    CHECK_EQ(sg_desc_bytes(&r, 1), 1000);
    CHECK_EQ(sg_crd64(&s, SG_H2D, SGDMA_CH_DESC_COUNT), 2);
    CHECK_EQ(sg_crd64(&s, SG_H2D, SGDMA_CH_BYTE_COUNT), 1496);
    CHECK_EQ(sg_state(&s, SG_H2D), SGDMA_CHAN_STATE_RUNNING);
    uint8_t got[1000];
    sg_mem_read(&s, 0, got, sizeof(got));
    CHECK_EQ(sg_pattern_check(got, 496, 4), 496);
    CHECK_EQ(got[496], 0);
    CHECK_EQ(got[999], 0);
    sg_chan_reset(&s, SG_H2D);
    sg_ring_free(&s, &r);
    sg_buf_free(&s, &b);
    sg_teardown(&s);
}

/* Stall on the second descriptor.  The first completion is announced by the time rule's timer
 * although the channel never reaches a descriptor boundary again; nothing else happens until
 * ABORT, which takes effect at once. */
static void test_stall(void)
{
    struct sg s;

    sg_setup(&s, NULL);
    struct sg_buf b = sg_buf_alloc(&s, 3, IOMMU_DIR_DEVICE_READS);
    struct sg_ring r = sg_ring_setup(&s, SG_H2D, 8);
    sg_fill(&r, 0, &b, 0, 3 * SG_PAGE, 0, SG_PAGE, 0);
    sg_cwr(&s, SG_H2D, SGDMA_CH_COALESCE_COUNT, 0);
    sg_cwr(&s, SG_H2D, SGDMA_CH_COALESCE_TIME_US, 20000);
    arm(&s, "dev.stall", 2);
    sg_go(&s, SG_H2D, 3);
    sg_wait_done_head(&s, SG_H2D, 1);
    CHECK_EQ(fault_fired(s.m->faults, "dev.stall"), 1);
    CHECK_EQ(sg_crd(&s, SG_H2D, SGDMA_CH_STATUS), SGDMA_CHAN_STATE_RUNNING | SGDMA_STATUS_BUSY);

    /* A bounded wait for something that must not happen: no progress, no interrupt. */
    unsigned calls = atomic_load(&s.isr[SG_H2D].calls);
    exec_event_reset(&s.isr[SG_H2D].ev);
    CHECK(!exec_event_wait(&s.isr[SG_H2D].ev, 100 * SG_MS));
    CHECK_EQ(atomic_load(&s.isr[SG_H2D].calls), calls);
    CHECK_EQ(sg_crd(&s, SG_H2D, SGDMA_CH_HEAD), 1);
    CHECK_EQ(sg_desc_status(&r, 1), 0);

    sg_cwr(&s, SG_H2D, SGDMA_CH_CTRL, SGDMA_CTRL_ABORT);
    CHECK_EQ(sg_crd(&s, SG_H2D, SGDMA_CH_STATUS), SGDMA_CHAN_STATE_ABORTED);
    sg_wait_seen(&s, SG_H2D, SGDMA_INT_ABORTED(SG_H2D));
    CHECK_EQ(sg_crd(&s, SG_H2D, SGDMA_CH_HEAD), 1);
    CHECK_EQ(sg_desc_status(&r, 1), 0);
    CHECK_EQ(sg_desc_status(&r, 2), 0);

    /* After CH_RESET the channel works again (the site fired once and is spent). */
    sg_chan_reset(&s, SG_H2D);
    sg_ring_program(&s, SG_H2D, &r);
    sg_isr_reset(&s, SG_H2D);
    sg_fill(&r, 0, &b, 0, 3 * SG_PAGE, 0, SG_PAGE, 0);
    sg_go(&s, SG_H2D, 3);
    sg_wait_done_head(&s, SG_H2D, 3);
    CHECK_EQ(sg_desc_status(&r, 2), SGDMA_DSTAT_DONE);
    sg_chan_reset(&s, SG_H2D);
    sg_ring_free(&s, &r);
    sg_buf_free(&s, &b);
    sg_teardown(&s);
}

/* The platform's injected bus abort hits the first DMA access: the descriptor fetch. */
static void test_bus_abort_site(void)
{
    struct sg s;

    sg_setup(&s, NULL);
    struct sg_buf b = sg_buf_alloc(&s, 1, IOMMU_DIR_DEVICE_WRITES);
    struct sg_ring r = sg_ring_setup(&s, SG_D2H, 8);
    sg_desc_set(&r, 0, b.bus[0], 0, 64, 0);
    arm(&s, "dev.bus_abort", 1);
    sg_go(&s, SG_D2H, 1);
    sg_wait_seen(&s, SG_D2H, SGDMA_INT_ERROR(SG_D2H));
    CHECK_EQ(sg_crd(&s, SG_D2H, SGDMA_CH_ERR_STATUS) & (SGDMA_ERR_CODE_MASK | SGDMA_ERR_PHASE_MASK),
             SGDMA_ERR_BUS_ABORT | SGDMA_ERR_PHASE_FETCH << SGDMA_ERR_PHASE_SHIFT);
    CHECK_EQ(sg_desc_status(&r, 0), 0);
    sg_chan_reset(&s, SG_D2H);
    sg_ring_free(&s, &r);
    sg_buf_free(&s, &b);
    sg_teardown(&s);
}

int main(void)
{
    test_desc_error();
    test_short_xfer();
    test_stall();
    test_bus_abort_site();
    return check_done();
}
