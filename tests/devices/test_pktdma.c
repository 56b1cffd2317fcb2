/* test_pktdma.c - the pktdma device model driven through the platform only (tests/devices, label
 * devices, no KMDF): data in both directions, the 32-bit address limit, IOMMU refusals, length
 * checks, GO while busy, level-interrupt semantics and storms, ABORT and RESET mid-transfer.
 * Every expectation is a statement of docs/devices/pktdma.md. */
#include "test_pktdma_fixture.h"

/* Data both ways, byte for byte, with an odd length and odd start addresses (align=1), over
 * several 64 KiB chunks and many 4 KiB boundaries. */
static void test_roundtrip(void)
{
    struct pk p;
    struct pk_buf src, dst;
    const uint32_t len = 200003;
    struct bus_dev_stats ds;
    struct intr_stats is;

    pk_setup(&p, NULL);
    src = pk_buf_alloc(&p, 52, PK_LOW, IOMMU_DIR_DEVICE_READS);
    dst = pk_buf_alloc(&p, 52, PK_LOW, IOMMU_DIR_DEVICE_WRITES);
    pk_fill(src.va, src.len, 1);
    memset(dst.va, 0xEE, dst.len);

    CHECK_EQ(pk_xfer(&p, src.pa + 3, len, 0x1000, PK_H2D), PK_DONE);
    CHECK_EQ(atomic_load(&p.last_bytes), len);
    CHECK_EQ(pk_xfer(&p, dst.pa + 5, len, 0x1000, PK_D2H), PK_DONE);
    CHECK_EQ(atomic_load(&p.last_bytes), len);
    CHECK_EQ(pk_find_not(dst.va, 5, 0xEE), -1);
    CHECK_EQ(pk_find_bad(dst.va + 5, len, 1, 3), -1);
    CHECK_EQ(pk_find_not(dst.va + 5 + len, dst.len - 5 - len, 0xEE), -1);
    CHECK_EQ(pk_find_bad(src.va, src.len, 1, 0), -1);   /* the source is only read */

    CHECK_EQ(pk_rd(&p, PKTDMA_REG_STATUS), 0);           /* the ISR cleared DONE */
    CHECK_EQ(pk_rd(&p, PKTDMA_REG_STAT_XFERS), 2);
    CHECK_EQ(pk_rd(&p, PKTDMA_REG_STAT_BYTES_LO), 2 * len);
    CHECK_EQ(pk_rd(&p, PKTDMA_REG_STAT_BYTES_HI), 0);
    CHECK_EQ(pk_rd(&p, PKTDMA_REG_STAT_IRQS), 2);
    CHECK_EQ(pk_rd(&p, PKTDMA_REG_STAT_ERRORS), 0);
    ds = pk_dev_stats(&p);
    CHECK_EQ(ds.dma_bytes_read, len);
    CHECK_EQ(ds.dma_bytes_written, len);
    CHECK_EQ(ds.dma_denied, 0);
    CHECK_EQ(ds.guest_errors, 0);
    CHECK_EQ(iommu_fault_count(p.m->iommu), 0);
    is = pk_intr_stats(&p);
    CHECK_EQ(is.claimed, 2);
    CHECK_EQ(is.unclaimed, 0);
    CHECK_EQ(is.redelivered, 0);

    pk_buf_free(&p, &src);
    pk_buf_free(&p, &dst);
    pk_teardown(&p);
}

/* A buffer above 4 GiB: the device refuses with ADDR_RANGE and writes nothing, neither the buffer
 * nor the page a truncating device would hit (its alias below 4 GiB, even with a window open). */
static void test_above_4g(void)
{
    struct pk p;
    struct pk_buf low, hi;
    uint8_t *alias, *snapshot = NULL;
    phys_addr_t alias_pa;
    struct bus_dev_stats ds0, ds;

    pk_setup(&p, NULL);
    low = pk_buf_alloc(&p, 4, PK_LOW, IOMMU_DIR_BOTH);
    hi = pk_buf_alloc(&p, 4, PHYSMEM_ABOVE_4G | PHYSMEM_CONTIGUOUS, IOMMU_DIR_BOTH);
    REQUIRE(hi.pa >= PHYSMEM_4G);
    alias_pa = hi.pa & 0xFFFFFFFFull;
    alias = physmem_phys_to_host(p.m->mem, alias_pa, hi.len);
    if (alias != NULL) {
        snapshot = malloc(hi.len);
        REQUIRE(snapshot != NULL);
        memcpy(snapshot, alias, hi.len);
        REQUIRE(iommu_map(p.m->iommu, p.devid, alias_pa, hi.len, IOMMU_DIR_BOTH) == 0);
    }
    /* Device memory holds a pattern a wrapping device would copy out. */
    pk_fill(low.va, low.len, 2);
    CHECK_EQ(pk_xfer(&p, low.pa, (uint32_t)low.len, 0, PK_H2D), PK_DONE);
    memset(hi.va, 0x5A, hi.len);
    ds0 = pk_dev_stats(&p);

    CHECK_EQ(pk_xfer(&p, hi.pa, (uint32_t)hi.len, 0, PK_D2H), PK_ERR(PKTDMA_ERR_ADDR_RANGE));
    CHECK_EQ(atomic_load(&p.last_bytes), 0);
    CHECK_EQ(pk_find_not(hi.va, hi.len, 0x5A), -1);
    if (alias != NULL)
        CHECK(memcmp(alias, snapshot, hi.len) == 0);

    /* Host-to-device from above 4 GiB: device memory keeps its pattern. */
    pk_fill(hi.va, hi.len, 3);
    CHECK_EQ(pk_xfer(&p, hi.pa, (uint32_t)hi.len, 0, PK_H2D), PK_ERR(PKTDMA_ERR_ADDR_RANGE));
    /* A buffer below 4 GiB whose end crosses it. */
    CHECK_EQ(pk_xfer(&p, 0xFFFFF000ull, 0x2000, 0, PK_H2D), PK_ERR(PKTDMA_ERR_ADDR_RANGE));
    ds = pk_dev_stats(&p);
    CHECK_EQ(ds.dma_reads, ds0.dma_reads);      /* never put on the bus at all */
    CHECK_EQ(ds.dma_writes, ds0.dma_writes);
    CHECK_EQ(ds.dma_denied, 0);

    memset(low.va, 0, low.len);
    CHECK_EQ(pk_xfer(&p, low.pa, (uint32_t)low.len, 0, PK_D2H), PK_DONE);
    CHECK_EQ(pk_find_bad(low.va, low.len, 2, 0), -1);
    if (alias != NULL) {
        CHECK(memcmp(alias, snapshot, hi.len) == 0);
        CHECK(iommu_unmap(p.m->iommu, p.devid, alias_pa, hi.len, IOMMU_DIR_BOTH) == 0);
    }
    CHECK_EQ(pk_rd(&p, PKTDMA_REG_STAT_ERRORS), 3);
    free(snapshot);
    pk_buf_free(&p, &low);
    pk_buf_free(&p, &hi);
    pk_teardown(&p);
}

/* Outside the IOMMU windows: BUS_ABORT after exactly the bytes that were allowed, a recorded fault
 * naming device, address and direction, and nothing touched beyond. */
static void test_iommu_denied(void)
{
    struct pk p;
    struct pk_buf src, dst, bare;
    struct iommu_fault f;
    uint64_t faults0;

    pk_setup(&p, NULL);
    src = pk_buf_alloc(&p, 4, PK_LOW, 0);
    REQUIRE(iommu_map(p.m->iommu, p.devid, src.pa, 8192, IOMMU_DIR_DEVICE_READS) == 0);
    dst = pk_buf_alloc(&p, 4, PK_LOW, IOMMU_DIR_DEVICE_WRITES);
    bare = pk_buf_alloc(&p, 1, PK_LOW, 0);
    pk_fill(src.va, src.len, 4);
    faults0 = iommu_fault_count(p.m->iommu);

    CHECK_EQ(pk_xfer(&p, src.pa, 16384, 0, PK_H2D), PK_ERR(PKTDMA_ERR_BUS_ABORT));
    CHECK_EQ(atomic_load(&p.last_bytes), 8192);
    CHECK_EQ(iommu_fault_count(p.m->iommu), faults0 + 1);
    REQUIRE(iommu_fault_get(p.m->iommu, faults0, &f) == 0);
    CHECK_EQ(f.device_id, p.devid);
    CHECK_EQ(f.addr, src.pa + 8192);
    CHECK_EQ(f.dir, IOMMU_DIR_DEVICE_READS);

    memset(dst.va, 0xEE, dst.len);
    CHECK_EQ(pk_xfer(&p, dst.pa, 16384, 0, PK_D2H), PK_DONE);
    CHECK_EQ(pk_find_bad(dst.va, 8192, 4, 0), -1);
    CHECK_EQ(pk_find_not(dst.va + 8192, 8192, 0), -1);   /* device memory starts zeroed */

    memset(bare.va, 0x77, bare.len);
    CHECK_EQ(pk_xfer(&p, bare.pa, 4096, 0, PK_D2H), PK_ERR(PKTDMA_ERR_BUS_ABORT));
    CHECK_EQ(atomic_load(&p.last_bytes), 0);
    CHECK_EQ(pk_find_not(bare.va, bare.len, 0x77), -1);
    CHECK_EQ(iommu_fault_count(p.m->iommu), faults0 + 2);
    REQUIRE(iommu_fault_get(p.m->iommu, faults0 + 1, &f) == 0);
    CHECK_EQ(f.addr, bare.pa);
    CHECK_EQ(f.dir, IOMMU_DIR_DEVICE_WRITES);
    CHECK_EQ(pk_dev_stats(&p).dma_denied, 2);
    CHECK_EQ(pk_rd(&p, PKTDMA_REG_STAT_ERRORS), 2);

    CHECK(iommu_unmap(p.m->iommu, p.devid, src.pa, 8192, IOMMU_DIR_DEVICE_READS) == 0);
    pk_buf_free(&p, &src);
    pk_buf_free(&p, &dst);
    pk_buf_free(&p, &bare);
    pk_teardown(&p);
}

/* GO's checks: BAD_LENGTH, DEV_RANGE and (with align=64) ALIGN end the transfer at once, with an
 * interrupt and without a single bus access. */
static void test_length_checks(void)
{
    static const char *const opts[] = {"mem_mib=1", "max_len=65536", "align=64", NULL};
    struct pk p;
    struct pk_buf b;
    struct bus_dev_stats ds;

    pk_setup(&p, opts);
    b = pk_buf_alloc(&p, 32, PK_LOW, IOMMU_DIR_BOTH);
    CHECK_EQ(pk_xfer(&p, b.pa, 0, 0, PK_H2D), PK_ERR(PKTDMA_ERR_BAD_LENGTH));
    CHECK_EQ(pk_xfer(&p, b.pa, 65536 + 64, 0, PK_H2D), PK_ERR(PKTDMA_ERR_BAD_LENGTH));
    CHECK_EQ(pk_xfer(&p, b.pa, 8192, (1u << 20) - 4096, PK_D2H), PK_ERR(PKTDMA_ERR_DEV_RANGE));
    CHECK_EQ(pk_xfer(&p, b.pa + 8, 4096, 0, PK_H2D), PK_ERR(PKTDMA_ERR_ALIGN));
    CHECK_EQ(pk_xfer(&p, b.pa, 100, 0, PK_H2D), PK_ERR(PKTDMA_ERR_ALIGN));
    CHECK_EQ(pk_xfer(&p, b.pa, 4096, 32, PK_H2D), PK_ERR(PKTDMA_ERR_ALIGN));
    CHECK_EQ(atomic_load(&p.last_bytes), 0);
    ds = pk_dev_stats(&p);
    CHECK_EQ(ds.dma_reads + ds.dma_writes, 0);
    CHECK_EQ(pk_rd(&p, PKTDMA_REG_STAT_ERRORS), 6);
    CHECK_EQ(pk_rd(&p, PKTDMA_REG_STAT_IRQS), 6);
    /* The largest aligned transfer is fine. */
    pk_fill(b.va, b.len, 5);
    CHECK_EQ(pk_xfer(&p, b.pa + 64, 65536, (1u << 20) - 65536, PK_H2D), PK_DONE);
    CHECK_EQ(atomic_load(&p.last_bytes), 65536);
    pk_buf_free(&p, &b);
    pk_teardown(&p);
}

/* GO while BUSY is a guest error and is ignored; the registers were latched by the first GO; the
 * bandwidth limit holds. */
static void test_go_while_busy(void)
{
    static const char *const opts[] = {"bandwidth=1048576", NULL};
    struct pk p;
    struct pk_buf b;
    const uint32_t len = 256u << 10;
    uint64_t t0, elapsed;

    pk_setup(&p, opts);
    b = pk_buf_alloc(&p, len / 4096, PK_LOW, IOMMU_DIR_DEVICE_READS);
    pk_fill(b.va, b.len, 6);
    t0 = exec_now_ns();
    pk_start(&p, b.pa, len, 0, PK_H2D);
    CHECK(pk_rd(&p, PKTDMA_REG_STATUS) & PKTDMA_STATUS_BUSY);
    pk_wr(&p, PKTDMA_REG_LENGTH, 4096);
    pk_wr(&p, PKTDMA_REG_CTRL, PK_H2D | PKTDMA_CTRL_INT_ENABLE | PKTDMA_CTRL_GO);
    CHECK_EQ(pk_dev_stats(&p).guest_errors, 1);
    CHECK_EQ(pk_wait(&p), PK_DONE);
    elapsed = exec_now_ns() - t0;
    CHECK_EQ(atomic_load(&p.last_bytes), len);
    CHECK(elapsed >= (uint64_t)len * 1000000000ull / 1048576 * 9 / 10);
    CHECK_EQ(pk_rd(&p, PKTDMA_REG_STAT_XFERS), 1);
    CHECK_EQ(pk_dev_stats(&p).dma_bytes_read, len);
    CHECK_EQ(pk_rd(&p, PKTDMA_REG_LENGTH), 4096);   /* the register kept the driver's write */
    pk_buf_free(&p, &b);
    pk_teardown(&p);
}

/* Level semantics: an ISR that claims without clearing gets the interrupt again at once, until it
 * clears DONE; then the line stays quiet until the next completion. */
static void test_level_interrupt(void)
{
    struct pk p;
    struct pk_buf b;
    struct intr_stats is;

    pk_setup(&p, NULL);
    b = pk_buf_alloc(&p, 1, PK_LOW, IOMMU_DIR_BOTH);
    pk_set_isr_mode(&p, PK_ISR_CLEAR_AT, 3);
    CHECK_EQ(pk_xfer(&p, b.pa, 4096, 0, PK_D2H), PK_DONE);
    is = pk_intr_stats(&p);
    CHECK_EQ(is.delivered, 3);
    CHECK_EQ(is.claimed, 3);
    CHECK_EQ(is.redelivered, 2);
    CHECK_EQ(is.storms, 0);
    CHECK_EQ(pk_rd(&p, PKTDMA_REG_STATUS), 0);

    pk_set_isr_mode(&p, PK_ISR_CLEAR, 0);
    CHECK_EQ(pk_xfer(&p, b.pa, 4096, 0, PK_H2D), PK_DONE);
    is = pk_intr_stats(&p);
    CHECK_EQ(is.delivered, 4);            /* nothing in between: the line had dropped */
    CHECK_EQ(is.redelivered, 2);
    CHECK_EQ(pk_rd(&p, PKTDMA_REG_STAT_IRQS), 2);
    CHECK_EQ(pk_dev_stats(&p).irqs_raised, 2);

    /* INT_ENABLE = 0: DONE is set but the line stays low (nothing is raised). */
    pk_wr(&p, PKTDMA_REG_ADDR_LO, (uint32_t)b.pa);
    pk_wr(&p, PKTDMA_REG_CTRL, PK_H2D | PKTDMA_CTRL_GO);
    CHECK_EQ(pk_poll_status(&p, PK_DONE), PK_DONE);
    CHECK_EQ(pk_dev_stats(&p).irqs_raised, 2);
    /* Enabling it now raises the line for the pending DONE. */
    pk_wr(&p, PKTDMA_REG_CTRL, PKTDMA_CTRL_INT_ENABLE);
    CHECK_EQ(pk_wait(&p), PK_DONE);
    CHECK_EQ(pk_dev_stats(&p).irqs_raised, 3);
    pk_buf_free(&p, &b);
    pk_teardown(&p);
}

/* An ISR that never clears: the platform detects the storm and masks the line. */
static void test_storm(void)
{
    struct pk p;
    struct pk_buf b;
    struct intr_stats is;

    pk_setup(&p, NULL);
    b = pk_buf_alloc(&p, 1, PK_LOW, IOMMU_DIR_BOTH);
    intr_set_storm_threshold(p.src, 20);
    pk_set_isr_mode(&p, PK_ISR_NEVER_CLEAR, 21);
    CHECK_EQ(pk_xfer(&p, b.pa, 4096, 0, PK_D2H), PK_DONE);
    intr_source_disable(p.src);           /* waits out the delivery in progress */
    is = pk_intr_stats(&p);
    CHECK_EQ(is.storms, 1);
    CHECK_EQ(is.delivered, 21);
    CHECK_EQ(is.claimed, 21);
    CHECK_EQ(pk_rd(&p, PKTDMA_REG_STATUS), PK_DONE);   /* still pending: the line is held */
    CHECK_EQ(pk_rd(&p, PKTDMA_REG_STAT_IRQS), 1);
    pk_wr(&p, PKTDMA_REG_STATUS, PK_DONE);
    CHECK_EQ(pk_rd(&p, PKTDMA_REG_STATUS), 0);
    pk_buf_free(&p, &b);
    pk_teardown(&p);
}

/* ABORT during a long, bandwidth-limited transfer: ERROR/ABORTED with BYTES_DONE whole chunks,
 * device memory holding exactly those bytes, no DMA after the ABORT write returned, and the device
 * working again. */
static void test_abort(void)
{
    static const char *const opts[] = {"bandwidth=1048576", "max_len=4194304", NULL};
    const uint32_t len = 4u << 20;
    struct pk p;
    struct pk_buf src, dst;
    uint32_t done;
    uint64_t read_after_abort;

    pk_setup(&p, opts);
    src = pk_buf_alloc(&p, len / 4096, PK_LOW, IOMMU_DIR_DEVICE_READS);
    dst = pk_buf_alloc(&p, len / 4096, PK_LOW, IOMMU_DIR_DEVICE_WRITES);
    pk_fill(src.va, src.len, 7);
    pk_start(&p, src.pa, len, 0, PK_H2D);
    /* Abort mid-transfer: once the first chunk has moved (the next is due 64 ms later). */
    pk_poll_at_least(&p, PKTDMA_REG_BYTES_DONE, 64u << 10);
    pk_wr(&p, PKTDMA_REG_CTRL, PK_H2D | PKTDMA_CTRL_INT_ENABLE | PKTDMA_CTRL_ABORT);
    read_after_abort = pk_dev_stats(&p).dma_bytes_read;
    CHECK_EQ(pk_wait(&p), PK_ERR(PKTDMA_ERR_ABORTED));
    done = atomic_load(&p.last_bytes);
    CHECK(done >= (64u << 10) && done < len);
    CHECK_EQ(done % (64u << 10), 0);
    CHECK_EQ(read_after_abort, done);
    CHECK_EQ(pk_rd(&p, PKTDMA_REG_STAT_ABORTS), 1);
    CHECK_EQ(pk_rd(&p, PKTDMA_REG_STAT_ERRORS), 0);
    CHECK_EQ(pk_rd(&p, PKTDMA_REG_STAT_XFERS), 0);
    CHECK_EQ(pk_rd(&p, PKTDMA_REG_STAT_BYTES_LO), done);
    /* A negative check over several chunk periods (64 ms each here): the aborted run neither
     * moves more data nor completes. */
    CHECK(!exec_event_wait(&p.done_ev, 300000000ull));
    CHECK_EQ(pk_dev_stats(&p).dma_bytes_read, done);
    CHECK_EQ(pk_rd(&p, PKTDMA_REG_STATUS), 0);

    /* Read back what moved plus one chunk: the moved part matches, the next chunk is untouched. */
    memset(dst.va, 0xEE, dst.len);
    CHECK_EQ(pk_xfer(&p, dst.pa, done + (64u << 10), 0, PK_D2H), PK_DONE);
    CHECK_EQ(pk_find_bad(dst.va, done, 7, 0), -1);
    CHECK_EQ(pk_find_not(dst.va + done, 64u << 10, 0), -1);
    CHECK_EQ(pk_dev_stats(&p).dma_bytes_read, done);   /* the aborted run never came back */

    /* A fresh transfer works. */
    pk_fill(src.va, 65536, 8);
    CHECK_EQ(pk_xfer(&p, src.pa, 65536, 0, PK_H2D), PK_DONE);
    memset(dst.va, 0, 65536);
    CHECK_EQ(pk_xfer(&p, dst.pa, 65536, 0, PK_D2H), PK_DONE);
    CHECK_EQ(pk_find_bad(dst.va, 65536, 8, 0), -1);
    /* ABORT when idle does nothing. */
    pk_wr(&p, PKTDMA_REG_CTRL, PKTDMA_CTRL_ABORT);
    CHECK_EQ(pk_rd(&p, PKTDMA_REG_STATUS), 0);
    CHECK_EQ(pk_rd(&p, PKTDMA_REG_STAT_ABORTS), 1);
    pk_buf_free(&p, &src);
    pk_buf_free(&p, &dst);
    pk_teardown(&p);
}

/* RESET during a long transfer: every register back to reset, no status, no interrupt, no DMA
 * afterwards, and the device works for a new transfer. */
static void test_reset(void)
{
    static const char *const opts[] = {"bandwidth=1048576", "max_len=4194304", NULL};
    const uint32_t len = 4u << 20;
    struct pk p;
    struct pk_buf src, dst;
    uint64_t read_at_reset;

    pk_setup(&p, opts);
    src = pk_buf_alloc(&p, len / 4096, PK_LOW, IOMMU_DIR_DEVICE_READS);
    dst = pk_buf_alloc(&p, 16, PK_LOW, IOMMU_DIR_DEVICE_WRITES);
    pk_fill(src.va, src.len, 9);
    pk_start(&p, src.pa, len, 0x100000, PK_H2D);
    pk_poll_at_least(&p, PKTDMA_REG_BYTES_DONE, 64u << 10);   /* the run is under way */
    pk_wr(&p, PKTDMA_REG_CTRL, PKTDMA_CTRL_RESET);
    read_at_reset = pk_dev_stats(&p).dma_bytes_read;
    for (size_t i = 0; i < PKTDMA_NREGS; i++) {
        uint32_t want = pktdma_regs[i].reset;

        if (pktdma_regs[i].offset == PKTDMA_REG_CAP_MAX_LEN)
            want = len;
        CHECK_EQ(pk_rd(&p, pktdma_regs[i].offset), want);
    }
    /* Negative check over several chunk periods: the abandoned run neither moves data nor
     * reports anything. */
    CHECK(!exec_event_wait(&p.done_ev, 300000000ull));
    CHECK_EQ(pk_dev_stats(&p).dma_bytes_read, read_at_reset);
    CHECK_EQ(pk_dev_stats(&p).irqs_raised, 0);
    CHECK_EQ(pk_rd(&p, PKTDMA_REG_STATUS), 0);

    pk_fill(src.va, 65536, 10);
    CHECK_EQ(pk_xfer(&p, src.pa, 65536, 0, PK_H2D), PK_DONE);
    memset(dst.va, 0, dst.len);
    CHECK_EQ(pk_xfer(&p, dst.pa, 65536, 0, PK_D2H), PK_DONE);
    CHECK_EQ(pk_find_bad(dst.va, 65536, 10, 0), -1);
    CHECK_EQ(pk_dev_stats(&p).dma_bytes_read, read_at_reset + 65536);
    CHECK_EQ(atomic_load(&p.isr_calls), 2);   /* only the two new transfers interrupted */
    CHECK_EQ(pk_rd(&p, PKTDMA_REG_STAT_XFERS), 2);
    pk_buf_free(&p, &src);
    pk_buf_free(&p, &dst);
    pk_teardown(&p);
}

/* Unplugging the device in the middle of a long transfer stops its worker promptly (the transfer
 * alone would take 4 s) and leaves nothing behind (ASan/TSan builds check the rest). */
static void test_unplug_busy(void)
{
    static const char *const opts[] = {"bandwidth=1048576", "max_len=4194304", NULL};
    const uint32_t len = 4u << 20;
    struct pk p;
    struct pk_buf src;
    uint64_t t0;

    pk_setup(&p, opts);
    src = pk_buf_alloc(&p, len / 4096, PK_LOW, IOMMU_DIR_DEVICE_READS);
    pk_start(&p, src.pa, len, 0, PK_H2D);
    pk_poll_at_least(&p, PKTDMA_REG_BYTES_DONE, 64u << 10);
    t0 = exec_now_ns();
    intr_disconnect(p.src);
    CHECK(mmio_unmap(p.m, p.regs, p.bar_len) == 0);
    bus_unplug(p.dev);
    CHECK(exec_now_ns() - t0 < 2000000000ull);
    CHECK(bus_slot_device(p.m->bus, 0) == NULL);
    /* The framework's window outlives the device until the framework unmaps it. */
    CHECK_EQ(iommu_window_count(p.m->iommu, p.devid), 1);
    pk_buf_free(&p, &src);
    machine_destroy(p.m);
}

int main(void)
{
    test_roundtrip();
    test_above_4g();
    test_iommu_denied();
    test_length_checks();
    test_go_while_busy();
    test_level_interrupt();
    test_storm();
    test_abort();
    test_reset();
    test_unplug_busy();
    return check_done();
}
