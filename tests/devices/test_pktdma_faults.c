/* test_pktdma_faults.c - the pktdma fault sites (tests/devices, label devices, no KMDF):
 * dev.desc_error, dev.drop_irq, dev.spurious_irq, dev.stall, dev.short_xfer (and the platform's
 * dev.bus_abort) each behave as docs/devices/pktdma.md ("Fault sites") says, fire exactly when
 * armed, and leave the device working for the next transfer. */
#include "test_pktdma_fixture.h"

static void pk_arm_next(struct pk *p, const char *site)
{
    struct fault_spec spec = {.probability = 0, .countdown = 1, .every = 0};

    REQUIRE(fault_arm(p->m->faults, site, &spec) == 0);
}

/* dev.desc_error: ERROR with code DEVICE, nothing moved; the next transfer is clean. */
static void test_desc_error(void)
{
    struct pk p;
    struct pk_buf b;

    pk_setup(&p, NULL);
    b = pk_buf_alloc(&p, 1, PK_LOW, IOMMU_DIR_BOTH);
    pk_arm_next(&p, "dev.desc_error");
    CHECK_EQ(pk_xfer(&p, b.pa, 4096, 0, PK_H2D), PK_ERR(PKTDMA_ERR_DEVICE));
    CHECK_EQ(atomic_load(&p.last_bytes), 0);
    CHECK_EQ(pk_dev_stats(&p).dma_reads, 0);
    CHECK_EQ(fault_fired(p.m->faults, "dev.desc_error"), 1);
    CHECK_EQ(pk_rd(&p, PKTDMA_REG_STAT_ERRORS), 1);
    CHECK_EQ(pk_xfer(&p, b.pa, 4096, 0, PK_H2D), PK_DONE);
    CHECK_EQ(atomic_load(&p.last_bytes), 4096);
    CHECK_EQ(fault_fired(p.m->faults, "dev.desc_error"), 1);
    pk_buf_free(&p, &b);
    pk_teardown(&p);
}

/* dev.drop_irq: DONE is set, the line is never raised (a driver finds out only by polling); once
 * the driver clears DONE the next completion interrupts normally. */
static void test_drop_irq(void)
{
    struct pk p;
    struct pk_buf b;

    pk_setup(&p, NULL);
    b = pk_buf_alloc(&p, 1, PK_LOW, IOMMU_DIR_BOTH);
    pk_fill(b.va, b.len, 11);
    pk_arm_next(&p, "dev.drop_irq");
    pk_start(&p, b.pa, 4096, 0, PK_H2D);
    CHECK_EQ(pk_poll_status(&p, PK_DONE | PKTDMA_STATUS_ERROR), PK_DONE);
    CHECK_EQ(pk_rd(&p, PKTDMA_REG_BYTES_DONE), 4096);
    /* The line would have gone up together with DONE, under the model's lock. */
    CHECK_EQ(pk_dev_stats(&p).irqs_raised, 0);
    CHECK_EQ(pk_rd(&p, PKTDMA_REG_STAT_IRQS), 0);
    CHECK_EQ(fault_fired(p.m->faults, "dev.drop_irq"), 1);
    /* Toggling INT_ENABLE does not resurrect the lost interrupt. */
    pk_wr(&p, PKTDMA_REG_CTRL, 0);
    pk_wr(&p, PKTDMA_REG_CTRL, PKTDMA_CTRL_INT_ENABLE);
    CHECK_EQ(pk_dev_stats(&p).irqs_raised, 0);
    pk_wr(&p, PKTDMA_REG_STATUS, PK_DONE);

    memset(b.va, 0, b.len);
    CHECK_EQ(pk_xfer(&p, b.pa, 4096, 0, PK_D2H), PK_DONE);
    CHECK_EQ(pk_find_bad(b.va, 4096, 11, 0), -1);
    CHECK_EQ(atomic_load(&p.isr_calls), 1);
    CHECK_EQ(pk_dev_stats(&p).irqs_raised, 1);
    pk_buf_free(&p, &b);
    pk_teardown(&p);
}

/* dev.spurious_irq: the ISR is called once with no DONE/ERROR (unclaimed), then the transfer
 * completes normally with its own interrupt. */
static void test_spurious_irq(void)
{
    struct pk p;
    struct pk_buf b;
    struct intr_stats is;

    pk_setup(&p, NULL);
    b = pk_buf_alloc(&p, 2, PK_LOW, IOMMU_DIR_BOTH);
    pk_arm_next(&p, "dev.spurious_irq");
    pk_start(&p, b.pa, 8192, 0, PK_D2H);
    REQUIRE(exec_event_wait(&p.unclaimed_ev, PK_TIMEOUT_NS));
    CHECK_EQ(atomic_load(&p.unclaimed_status) & (PK_DONE | PKTDMA_STATUS_ERROR), 0);
    CHECK_EQ(pk_wait(&p), PK_DONE);
    CHECK_EQ(atomic_load(&p.last_bytes), 8192);
    is = pk_intr_stats(&p);
    CHECK_EQ(is.unclaimed, 1);
    CHECK_EQ(is.claimed, 1);
    CHECK_EQ(pk_rd(&p, PKTDMA_REG_STAT_IRQS), 1);   /* the glitch is not a completion */
    CHECK_EQ(fault_fired(p.m->faults, "dev.spurious_irq"), 1);
    pk_buf_free(&p, &b);
    pk_teardown(&p);
}

/* dev.stall: BUSY forever, nothing moves; ABORT ends it with ABORTED, RESET with nothing. */
static void test_stall(void)
{
    struct pk p;
    struct pk_buf b;

    pk_setup(&p, NULL);
    b = pk_buf_alloc(&p, 16, PK_LOW, IOMMU_DIR_BOTH);
    pk_arm_next(&p, "dev.stall");
    pk_start(&p, b.pa, 65536, 0, PK_H2D);
    /* A negative check: no completion within a time far longer than the transfer needs. */
    CHECK(!exec_event_wait(&p.done_ev, 300000000ull));
    CHECK_EQ(pk_rd(&p, PKTDMA_REG_STATUS), PKTDMA_STATUS_BUSY);
    CHECK_EQ(pk_rd(&p, PKTDMA_REG_BYTES_DONE), 0);
    CHECK_EQ(fault_fired(p.m->faults, "dev.stall"), 1);
    pk_wr(&p, PKTDMA_REG_CTRL, PK_H2D | PKTDMA_CTRL_INT_ENABLE | PKTDMA_CTRL_ABORT);
    CHECK_EQ(pk_wait(&p), PK_ERR(PKTDMA_ERR_ABORTED));
    CHECK_EQ(atomic_load(&p.last_bytes), 0);
    CHECK_EQ(pk_dev_stats(&p).dma_reads, 0);

    pk_arm_next(&p, "dev.stall");
    pk_start(&p, b.pa, 65536, 0, PK_H2D);
    CHECK(!exec_event_wait(&p.done_ev, 300000000ull));
    CHECK_EQ(fault_fired(p.m->faults, "dev.stall"), 2);
    pk_wr(&p, PKTDMA_REG_CTRL, PKTDMA_CTRL_RESET);
    CHECK_EQ(pk_rd(&p, PKTDMA_REG_STATUS), 0);

    pk_fill(b.va, 65536, 12);
    CHECK_EQ(pk_xfer(&p, b.pa, 65536, 0, PK_H2D), PK_DONE);
    memset(b.va, 0, 65536);
    CHECK_EQ(pk_xfer(&p, b.pa, 65536, 0, PK_D2H), PK_DONE);
    CHECK_EQ(pk_find_bad(b.va, 65536, 12, 0), -1);
    CHECK_EQ(atomic_load(&p.isr_calls), 3);   /* the abort and the two transfers */
    pk_buf_free(&p, &b);
    pk_teardown(&p);
}

/* dev.short_xfer: DONE with BYTES_DONE = LENGTH / 2; only that much moved. */
static void test_short_xfer(void)
{
    struct pk p;
    struct pk_buf src, dst;

    pk_setup(&p, NULL);
    src = pk_buf_alloc(&p, 3, PK_LOW, IOMMU_DIR_DEVICE_READS);
    dst = pk_buf_alloc(&p, 3, PK_LOW, IOMMU_DIR_DEVICE_WRITES);
    pk_fill(src.va, src.len, 13);
    pk_arm_next(&p, "dev.short_xfer");
    CHECK_EQ(pk_xfer(&p, src.pa, 10000, 0, PK_H2D), PK_DONE);
    CHECK_EQ(atomic_load(&p.last_bytes), 5000);
    CHECK_EQ(pk_dev_stats(&p).dma_bytes_read, 5000);
    memset(dst.va, 0xEE, dst.len);
    CHECK_EQ(pk_xfer(&p, dst.pa, 10000, 0, PK_D2H), PK_DONE);
    CHECK_EQ(atomic_load(&p.last_bytes), 10000);
    CHECK_EQ(pk_find_bad(dst.va, 5000, 13, 0), -1);
    CHECK_EQ(pk_find_not(dst.va + 5000, 5000, 0), -1);
    CHECK_EQ(pk_find_not(dst.va + 10000, dst.len - 10000, 0xEE), -1);
    CHECK_EQ(fault_fired(p.m->faults, "dev.short_xfer"), 1);
    pk_buf_free(&p, &src);
    pk_buf_free(&p, &dst);
    pk_teardown(&p);
}

/* The platform's dev.bus_abort on the third bus access (one access per 4 KiB page): BUS_ABORT
 * after exactly two pages. */
static void test_bus_abort(void)
{
    struct pk p;
    struct pk_buf b;
    struct fault_spec spec = {.probability = 0, .countdown = 3, .every = 0};

    pk_setup(&p, NULL);
    b = pk_buf_alloc(&p, 4, PK_LOW, IOMMU_DIR_BOTH);
    REQUIRE(fault_arm(p.m->faults, "dev.bus_abort", &spec) == 0);
    CHECK_EQ(pk_xfer(&p, b.pa, 16384, 0, PK_H2D), PK_ERR(PKTDMA_ERR_BUS_ABORT));
    CHECK_EQ(atomic_load(&p.last_bytes), 8192);
    CHECK_EQ(pk_dev_stats(&p).dma_bytes_read, 8192);
    CHECK_EQ(pk_dev_stats(&p).faults_injected, 1);
    CHECK_EQ(pk_xfer(&p, b.pa, 16384, 0, PK_H2D), PK_DONE);
    pk_buf_free(&p, &b);
    pk_teardown(&p);
}

int main(void)
{
    test_desc_error();
    test_drop_irq();
    test_spurious_irq();
    test_stall();
    test_short_xfer();
    test_bus_abort();
    return check_done();
}
