/* test_sgdma_data.c - sgdma data movement and descriptor errors, driven through MMIO, DMA and MSI
 * without KMDF (tests/devices).  Proves: identity and resources; H2D and D2H byte for byte over
 * physically scattered pages with many descriptors; both channels running at the same time;
 * IOMMU denials (payload, direction, descriptor fetch) as BUS_ABORT with a recorded fault;
 * BAD_LENGTH, MISALIGNED, RANGE and BAD_RING.  Spec: docs/devices/sgdma.md sections 6-8. */
#include "test_sgdma_fixture.h"

static void test_identity(void)
{
    struct sg s;

    sg_setup(&s, NULL);
    CHECK_EQ(bus_config_read(s.dev, 0x00, 2), SGDMA_VENDOR_ID);
    CHECK_EQ(bus_config_read(s.dev, 0x02, 2), SGDMA_DEVICE_ID);
    CHECK_EQ(bus_config_read(s.dev, 0x08, 4) >> 8, SGDMA_CLASS_CODE);
    CHECK_EQ(bus_config_read(s.dev, 0x08, 1), SGDMA_REVISION);
    CHECK_EQ(sg_rd(&s, SGDMA_REG_ID), SGDMA_ID_MAGIC);
    CHECK_EQ(sg_rd(&s, SGDMA_REG_ADDR_WIDTH), 64);
    sg_teardown(&s);
}

/* H2D a 64 KiB pattern into device memory in odd-sized pieces, check device memory through the
 * window, then D2H it back into another scattered buffer and compare, guards included. */
static void test_roundtrip(void)
{
    enum { PAGES = 16, LEN = PAGES * 4096 - 100, DEV_OFF = 0x30000 };
    struct sg s;

    sg_setup(&s, NULL);
    struct sg_buf src = sg_buf_alloc(&s, PAGES, IOMMU_DIR_DEVICE_READS);
    struct sg_buf dst = sg_buf_alloc(&s, PAGES, IOMMU_DIR_DEVICE_WRITES);
    CHECK(sg_buf_scattered(&src) && sg_buf_scattered(&dst));
    sg_pattern_fill(src.va, PAGES * SG_PAGE, 1);
    memset(dst.va, 0xEE, PAGES * SG_PAGE);

    struct sg_ring h2d = sg_ring_setup(&s, SG_H2D, 64);
    struct sg_ring d2h = sg_ring_setup(&s, SG_D2H, 64);
    unsigned n = sg_fill(&h2d, 0, &src, 0, LEN, DEV_OFF, 1500, SGDMA_DESC_FLAG_INT_ON_COMPLETE);
    CHECK(n > 2 * PAGES);
    sg_go(&s, SG_H2D, n);
    sg_wait_done_head(&s, SG_H2D, n);
    for (unsigned i = 0; i < n; i++)
        CHECK_EQ(sg_desc_status(&h2d, i), SGDMA_DSTAT_DONE);
    CHECK_EQ(sg_desc_bytes(&h2d, 0), 1500);
    CHECK_EQ(sg_crd64(&s, SG_H2D, SGDMA_CH_DESC_COUNT), n);
    CHECK_EQ(sg_crd64(&s, SG_H2D, SGDMA_CH_BYTE_COUNT), LEN);
    CHECK_EQ(sg_state(&s, SG_H2D), SGDMA_CHAN_STATE_RUNNING);

    uint8_t *mem = malloc(LEN + 8);
    REQUIRE(mem != NULL);
    sg_mem_read(&s, DEV_OFF, mem, LEN);
    CHECK_EQ(sg_pattern_check(mem, LEN, 1), LEN);
    sg_mem_read(&s, DEV_OFF + LEN, mem, 8);
    for (int i = 0; i < 8; i++)
        CHECK_EQ(mem[i], 0);   /* device memory after the transfer untouched (reset to zero) */
    free(mem);

    n = sg_fill(&d2h, 0, &dst, 0, LEN, DEV_OFF, 4096, SGDMA_DESC_FLAG_INT_ON_COMPLETE);
    sg_go(&s, SG_D2H, n);
    sg_wait_done_head(&s, SG_D2H, n);
    CHECK_EQ(sg_pattern_check(dst.va, LEN, 1), LEN);
    for (size_t i = LEN; i < PAGES * SG_PAGE; i++)
        if (dst.va[i] != 0xEE) {
            CHECK(!"D2H wrote past its last descriptor");
            break;
        }
    CHECK_EQ(sg_crd64(&s, SG_D2H, SGDMA_CH_BYTE_COUNT), LEN);

    sg_ring_free(&s, &h2d);
    sg_ring_free(&s, &d2h);
    sg_buf_free(&s, &src);
    sg_buf_free(&s, &dst);
    sg_teardown(&s);
}

/* Both channels at once.  Paced run: after each channel has announced its first descriptor, both
 * are still RUNNING with work left, so they overlap.  Then an unpaced run of 2 MiB each way. */
static void run_both(struct sg *s, size_t pages, size_t piece, bool check_overlap)
{
    size_t len = pages * SG_PAGE;
    struct sg_buf a = sg_buf_alloc(s, pages, IOMMU_DIR_DEVICE_READS);
    struct sg_buf b = sg_buf_alloc(s, pages, IOMMU_DIR_DEVICE_WRITES);
    uint8_t *pre = malloc(len);
    REQUIRE(pre != NULL);

    /* Device memory [len, 2 len) holds pattern 7 for the D2H side; H2D writes [0, len). */
    sg_pattern_fill(pre, len, 7);
    sg_mem_write(s, len, pre, len);
    sg_pattern_fill(a.va, len, 3);
    memset(b.va, 0, len);
    struct sg_ring rh = sg_ring_setup(s, SG_H2D, 1024);
    struct sg_ring rd = sg_ring_setup(s, SG_D2H, 1024);
    sg_isr_reset(s, SG_H2D);
    sg_isr_reset(s, SG_D2H);
    unsigned nh = sg_fill(&rh, 0, &a, 0, len, 0, piece, 0);
    unsigned nd = sg_fill(&rd, 0, &b, 0, len, len, piece, 0);
    /* The first descriptor of each ring interrupts; the rest wait for the ring-empty rule. */
    sg_desc_set(&rh, 0, a.bus[0], 0, (uint32_t)(piece < SG_PAGE ? piece : SG_PAGE),
                SGDMA_DESC_FLAG_INT_ON_COMPLETE);
    sg_desc_set(&rd, 0, b.bus[0], len, (uint32_t)(piece < SG_PAGE ? piece : SG_PAGE),
                SGDMA_DESC_FLAG_INT_ON_COMPLETE);
    sg_cwr(s, SG_H2D, SGDMA_CH_COALESCE_COUNT, 0);
    sg_cwr(s, SG_D2H, SGDMA_CH_COALESCE_COUNT, 0);
    sg_go(s, SG_H2D, nh);
    sg_go(s, SG_D2H, nd);
    if (check_overlap) {
        sg_wait_done_head(s, SG_H2D, 1);
        sg_wait_done_head(s, SG_D2H, 1);
        uint32_t sh = sg_crd(s, SG_H2D, SGDMA_CH_STATUS), sd = sg_crd(s, SG_D2H, SGDMA_CH_STATUS);
        CHECK_EQ(sh & (SGDMA_STATUS_STATE_MASK | SGDMA_STATUS_EMPTY), SGDMA_CHAN_STATE_RUNNING);
        CHECK_EQ(sd & (SGDMA_STATUS_STATE_MASK | SGDMA_STATUS_EMPTY), SGDMA_CHAN_STATE_RUNNING);
    }
    sg_wait_done_head(s, SG_H2D, nh);
    sg_wait_done_head(s, SG_D2H, nd);
    CHECK_EQ(sg_pattern_check(b.va, len, 7), len);
    sg_mem_read(s, 0, pre, len);
    CHECK_EQ(sg_pattern_check(pre, len, 3), len);
    CHECK_EQ(sg_crd64(s, SG_H2D, SGDMA_CH_DESC_COUNT), nh);
    CHECK_EQ(sg_crd64(s, SG_D2H, SGDMA_CH_DESC_COUNT), nd);
    free(pre);
    sg_chan_reset(s, SG_H2D);
    sg_chan_reset(s, SG_D2H);
    sg_ring_free(s, &rh);
    sg_ring_free(s, &rd);
    sg_buf_free(s, &a);
    sg_buf_free(s, &b);
}

static void test_concurrent(void)
{
    static const char *const paced[] = {"bandwidth=4096000", NULL};
    struct sg s;

    /* 256 pages each way at 4 MB/s: 1 ms per page, about 256 ms per channel (a wide margin for a
     * late ISR on loaded sanitizer runs). */
    sg_setup(&s, paced);
    run_both(&s, 256, SG_PAGE, true);
    sg_teardown(&s);

    sg_setup(&s, NULL);
    run_both(&s, 512, SG_PAGE, false);
    sg_teardown(&s);
}

/* A descriptor whose page has no IOMMU window: BUS_ABORT/IOMMU_DENIED in the write-back and in
 * ERR_*, HEAD stays on it, later descriptors untouched, the IOMMU recorded the fault. */
static void test_iommu_denied(void)
{
    enum { PAGES = 4 };
    struct sg s;

    sg_setup(&s, NULL);
    struct sg_buf src = sg_buf_alloc(&s, PAGES, 0);
    for (unsigned i = 0; i < PAGES; i++)
        if (i != 2)
            REQUIRE(iommu_map(s.m->iommu, s.devid, src.bus[i], SG_PAGE, IOMMU_DIR_DEVICE_READS) == 0);
    struct sg_ring r = sg_ring_setup(&s, SG_H2D, 16);
    unsigned n = sg_fill(&r, 0, &src, 0, PAGES * SG_PAGE, 0, SG_PAGE, 0);
    CHECK_EQ(n, PAGES);
    uint64_t faults = iommu_fault_count(s.m->iommu);
    sg_go(&s, SG_H2D, n);
    sg_wait_seen(&s, SG_H2D, SGDMA_INT_ERROR(SG_H2D));
    CHECK_EQ(sg_desc_status(&r, 0), SGDMA_DSTAT_DONE);
    CHECK_EQ(sg_desc_status(&r, 1), SGDMA_DSTAT_DONE);
    CHECK_EQ(sg_desc_status(&r, 2), SG_DSTAT_ERR(SGDMA_ERR_BUS_ABORT) |
                                        (uint32_t)DMABOX_DMA_IOMMU_DENIED << SGDMA_DSTAT_RESULT_SHIFT);
    CHECK_EQ(sg_desc_bytes(&r, 2), 0);
    CHECK_EQ(sg_desc_status(&r, 3), 0);
    CHECK_EQ(sg_state(&s, SG_H2D), SGDMA_CHAN_STATE_ERROR);
    CHECK_EQ(sg_crd(&s, SG_H2D, SGDMA_CH_CTRL), 0);
    CHECK_EQ(sg_crd(&s, SG_H2D, SGDMA_CH_HEAD), 2);
    CHECK_EQ(sg_crd(&s, SG_H2D, SGDMA_CH_ERR_STATUS),
             SGDMA_ERR_BUS_ABORT | DMABOX_DMA_IOMMU_DENIED << SGDMA_ERR_RESULT_SHIFT |
                 SGDMA_ERR_PHASE_DATA << SGDMA_ERR_PHASE_SHIFT);
    CHECK_EQ(sg_crd(&s, SG_H2D, SGDMA_CH_ERR_DESC), 2);
    CHECK_EQ(sg_crd64(&s, SG_H2D, SGDMA_CH_ERR_ADDR), src.bus[2]);
    CHECK_EQ(sg_crd64(&s, SG_H2D, SGDMA_CH_ERR_COUNT), 1);
    CHECK_EQ(iommu_fault_count(s.m->iommu), faults + 1);
    struct iommu_fault f;
    REQUIRE(iommu_fault_get(s.m->iommu, faults, &f) == 0);
    CHECK_EQ(f.device_id, s.devid);
    CHECK_EQ(f.addr, src.bus[2]);
    CHECK_EQ(f.dir, IOMMU_DIR_DEVICE_READS);

    /* RUN does not leave ERROR; CH_RESET does, and the channel works again. */
    uint64_t ge = sg_guest_errors(&s);
    sg_cwr(&s, SG_H2D, SGDMA_CH_CTRL, SGDMA_CTRL_RUN);
    CHECK_EQ(sg_state(&s, SG_H2D), SGDMA_CHAN_STATE_ERROR);
    CHECK_EQ(sg_guest_errors(&s), ge + 1);
    sg_chan_reset(&s, SG_H2D);
    CHECK_EQ(sg_crd(&s, SG_H2D, SGDMA_CH_STATUS), SGDMA_STATUS_RESET);
    CHECK_EQ(sg_crd(&s, SG_H2D, SGDMA_CH_ERR_STATUS), 0);
    CHECK_EQ(sg_crd64(&s, SG_H2D, SGDMA_CH_ERR_COUNT), 1);   /* counters survive CH_RESET */
    sg_ring_program(&s, SG_H2D, &r);
    sg_isr_reset(&s, SG_H2D);
    sg_fill(&r, 0, &src, 0, 2 * SG_PAGE, 0, SG_PAGE, 0);
    sg_go(&s, SG_H2D, 2);
    sg_wait_done_head(&s, SG_H2D, 2);
    CHECK_EQ(sg_desc_status(&r, 1), SGDMA_DSTAT_DONE);

    sg_ring_free(&s, &r);
    for (unsigned i = 0; i < PAGES; i++)
        if (i != 2)
            CHECK(iommu_unmap(s.m->iommu, s.devid, src.bus[i], SG_PAGE, IOMMU_DIR_DEVICE_READS) == 0);
    src.dir = 0;
    sg_buf_free(&s, &src);
    sg_teardown(&s);
}

/* D2H into a window that allows device reads only, and a ring the device cannot read. */
static void test_iommu_direction_and_fetch(void)
{
    struct sg s;

    sg_setup(&s, NULL);
    struct sg_buf ro = sg_buf_alloc(&s, 1, IOMMU_DIR_DEVICE_READS);
    struct sg_ring r = sg_ring_setup(&s, SG_D2H, 8);
    uint64_t faults = iommu_fault_count(s.m->iommu);
    sg_desc_set(&r, 0, ro.bus[0], 0, 512, 0);
    sg_go(&s, SG_D2H, 1);
    sg_wait_seen(&s, SG_D2H, SGDMA_INT_ERROR(SG_D2H));
    CHECK_EQ(sg_desc_status(&r, 0), SG_DSTAT_ERR(SGDMA_ERR_BUS_ABORT) |
                                        (uint32_t)DMABOX_DMA_IOMMU_DENIED << SGDMA_DSTAT_RESULT_SHIFT);
    struct iommu_fault f;
    REQUIRE(iommu_fault_get(s.m->iommu, faults, &f) == 0);
    CHECK_EQ(f.dir, IOMMU_DIR_DEVICE_WRITES);
    CHECK_EQ(f.addr, ro.bus[0]);
    sg_chan_reset(&s, SG_D2H);
    sg_ring_free(&s, &r);

    /* A ring with no window: the fetch fails, nothing is written back. */
    uint8_t *unmapped = physmem_alloc(s.m->mem, 1, PHYSMEM_CONTIGUOUS | PHYSMEM_ZERO);
    REQUIRE(unmapped != NULL);
    uint64_t ring_bus = physmem_virt_to_phys(s.m->mem, unmapped);
    sg_isr_reset(&s, SG_D2H);
    sg_wr64(&s, SGDMA_CHAN_BASE(SG_D2H) + SGDMA_CH_RING_BASE, ring_bus);
    sg_cwr(&s, SG_D2H, SGDMA_CH_RING_SIZE, 8);
    sg_go(&s, SG_D2H, 1);
    sg_wait_seen(&s, SG_D2H, SGDMA_INT_ERROR(SG_D2H));
    CHECK_EQ(sg_crd(&s, SG_D2H, SGDMA_CH_ERR_STATUS),
             SGDMA_ERR_BUS_ABORT | DMABOX_DMA_IOMMU_DENIED << SGDMA_ERR_RESULT_SHIFT |
                 SGDMA_ERR_PHASE_FETCH << SGDMA_ERR_PHASE_SHIFT);
    CHECK_EQ(sg_crd64(&s, SG_D2H, SGDMA_CH_ERR_ADDR), ring_bus);
    CHECK_EQ(sg_crd(&s, SG_D2H, SGDMA_CH_HEAD), 0);
    CHECK(physmem_free(s.m->mem, unmapped) == 0);
    sg_buf_free(&s, &ro);
    sg_teardown(&s);
}

/* Runs one descriptor on a fresh ring of channel c and expects it to fail with `code`. */
static void expect_desc_error(struct sg *s, unsigned c, uint64_t host, uint64_t dev_off, uint32_t len,
                              enum sgdma_err_code code)
{
    struct sg_ring r = sg_ring_setup(s, c, 4);
    uint64_t before = sg_crd64(s, c, SGDMA_CH_BYTE_COUNT);

    sg_isr_reset(s, c);
    sg_desc_set(&r, 0, host, dev_off, len, SGDMA_DESC_FLAG_INT_ON_COMPLETE);
    sg_go(s, c, 1);
    sg_wait_seen(s, c, SGDMA_INT_ERROR(c));
    CHECK_EQ(atomic_load(&s->isr[c].done), 0);
    CHECK_EQ(sg_desc_status(&r, 0), SG_DSTAT_ERR(code));
    CHECK_EQ(sg_desc_bytes(&r, 0), 0);
    CHECK_EQ(sg_crd(s, c, SGDMA_CH_ERR_STATUS), code | SGDMA_ERR_PHASE_SETUP << SGDMA_ERR_PHASE_SHIFT);
    CHECK_EQ(sg_crd64(s, c, SGDMA_CH_ERR_ADDR), r.bus);
    CHECK_EQ(sg_crd(s, c, SGDMA_CH_HEAD), 0);
    CHECK_EQ(sg_state(s, c), SGDMA_CHAN_STATE_ERROR);
    CHECK_EQ(sg_crd64(s, c, SGDMA_CH_BYTE_COUNT), before);
    sg_chan_reset(s, c);
    sg_ring_free(s, &r);
}

static void test_desc_errors(void)
{
    static const char *const opts[] = {"mem_mib=1", "align=8", "max_desc_bytes=8192", NULL};
    struct sg s;

    sg_setup(&s, opts);
    CHECK_EQ(sg_rd(&s, SGDMA_REG_ALIGN), 8);
    CHECK_EQ(sg_rd(&s, SGDMA_REG_MAX_DESC_BYTES), 8192);
    struct sg_buf b = sg_buf_alloc(&s, 4, IOMMU_DIR_BOTH);
    memset(b.va, 0x5A, 4 * SG_PAGE);
    expect_desc_error(&s, SG_H2D, b.bus[0], 0, 0, SGDMA_ERR_BAD_LENGTH);
    expect_desc_error(&s, SG_D2H, b.bus[0], 0, 8200, SGDMA_ERR_BAD_LENGTH);
    expect_desc_error(&s, SG_H2D, b.bus[0] + 4, 0, 64, SGDMA_ERR_MISALIGNED);
    expect_desc_error(&s, SG_H2D, b.bus[0], 4, 64, SGDMA_ERR_MISALIGNED);
    expect_desc_error(&s, SG_D2H, b.bus[0], 0, 60, SGDMA_ERR_MISALIGNED);
    expect_desc_error(&s, SG_H2D, b.bus[0], (1u << 20) - 64, 128, SGDMA_ERR_RANGE);
    expect_desc_error(&s, SG_D2H, b.bus[0], 0xFFFFFFFFFFFFFF00ull, 256, SGDMA_ERR_RANGE);
    for (size_t i = 0; i < 4 * SG_PAGE; i++)
        if (b.va[i] != 0x5A) {
            CHECK(!"a failed descriptor moved data");
            break;
        }
    /* The largest legal descriptor right at the end of device memory is fine. */
    struct sg_ring r = sg_ring_setup(&s, SG_H2D, 4);
    sg_isr_reset(&s, SG_H2D);
    sg_desc_set(&r, 0, b.bus[0], (1u << 20) - 4096, 4096, 0);
    sg_go(&s, SG_H2D, 1);
    sg_wait_done_head(&s, SG_H2D, 1);
    CHECK_EQ(sg_desc_status(&r, 0), SGDMA_DSTAT_DONE);
    sg_chan_reset(&s, SG_H2D);
    sg_ring_free(&s, &r);
    sg_buf_free(&s, &b);
    sg_teardown(&s);
}

/* RUN with an invalid ring: ERROR with BAD_RING, no descriptor touched. */
static void test_bad_ring(void)
{
    static const uint32_t sizes[] = {0, 1, 3, 8192};
    struct sg s;

    sg_setup(&s, NULL);
    struct sg_ring r = sg_ring_setup(&s, SG_H2D, 8);
    for (unsigned i = 0; i < 4; i++) {
        sg_isr_reset(&s, SG_H2D);
        sg_wr64(&s, SGDMA_CHAN_BASE(SG_H2D) + SGDMA_CH_RING_BASE, r.bus);
        sg_cwr(&s, SG_H2D, SGDMA_CH_RING_SIZE, sizes[i]);
        sg_cwr(&s, SG_H2D, SGDMA_CH_CTRL, SGDMA_CTRL_RUN);
        sg_wait_seen(&s, SG_H2D, SGDMA_INT_ERROR(SG_H2D));
        CHECK_EQ(sg_state(&s, SG_H2D), SGDMA_CHAN_STATE_ERROR);
        CHECK_EQ(sg_crd(&s, SG_H2D, SGDMA_CH_ERR_STATUS),
                 SGDMA_ERR_BAD_RING | SGDMA_ERR_PHASE_SETUP << SGDMA_ERR_PHASE_SHIFT);
        sg_chan_reset(&s, SG_H2D);
    }
    /* A ring base that is not 32-byte aligned. */
    sg_isr_reset(&s, SG_H2D);
    sg_wr64(&s, SGDMA_CHAN_BASE(SG_H2D) + SGDMA_CH_RING_BASE, r.bus + 16);
    sg_cwr(&s, SG_H2D, SGDMA_CH_RING_SIZE, 8);
    sg_cwr(&s, SG_H2D, SGDMA_CH_CTRL, SGDMA_CTRL_RUN);
    sg_wait_seen(&s, SG_H2D, SGDMA_INT_ERROR(SG_H2D));
    CHECK_EQ(sg_crd(&s, SG_H2D, SGDMA_CH_ERR_STATUS) & SGDMA_ERR_CODE_MASK, SGDMA_ERR_BAD_RING);
    CHECK_EQ(sg_crd64(&s, SG_H2D, SGDMA_CH_ERR_ADDR), r.bus + 16);
    sg_chan_reset(&s, SG_H2D);
    sg_ring_free(&s, &r);
    sg_teardown(&s);
}

int main(void)
{
    test_identity();
    test_roundtrip();
    test_concurrent();
    test_iommu_denied();
    test_iommu_direction_and_fetch();
    test_desc_errors();
    test_bad_ring();
    return check_done();
}
