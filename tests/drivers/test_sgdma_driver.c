/* test_sgdma_driver.c - the sgdma reference driver (drivers/sgdma) loaded from its shared object
 * and driven only through the host API (include/dmabox/dmabox.h), as an application would:
 * writes then reads back seeded patterns of 512 B .. 6 MiB (several transfers per request),
 * at page-straddling device offsets, from misaligned buffer offsets, in scattered, contiguous,
 * below-4 GiB and above-4 GiB buffers, byte for byte with guard bytes around the destination;
 * queue depth 1 (synchronous) and 32 (asynchronous, reads and writes in flight together);
 * out-of-range requests; the driver's counters; zero verifier findings (abort mode) and zero
 * IOMMU faults.  The four stages: docs/drivers/sgdma.md. */
#include "sgdma_driver_fixture.h"

static dmabox_status_t load_so(dmabox_machine_t *m, dmabox_driver_t **out)
{
    return dmabox_driver_load_so(m, SGDMA_DRV_SO, out);
}

#define CAP (7u << 20)
#define SRC_OFF_MAX 8192u

static unsigned long requests;

/* One write of src[soff..+len) to devoff, one read of it into dst[doff..+len), both checked. */
static void roundtrip(struct sgdma_fx *f, unsigned char *src, unsigned char *dst, size_t len,
                      size_t soff, size_t doff, uint64_t devoff, uint32_t seed)
{
    size_t n = 0;

    sgdma_pattern(src + soff, len, seed);
    memset(dst, GUARD, CAP);
    CHECK_ST(dmabox_write(f->h, src + soff, len, devoff, &n), DMABOX_STATUS_SUCCESS);
    CHECK_EQ(n, len);
    n = 0;
    CHECK_ST(dmabox_read(f->h, dst + doff, len, devoff, &n), DMABOX_STATUS_SUCCESS);
    CHECK_EQ(n, len);
    requests += 2;
    if (memcmp(dst + doff, src + soff, len) != 0)
        check_fail(__FILE__, __LINE__, "data", "len %zu soff %zu doff %zu devoff %llu", len, soff,
                   doff, (unsigned long long)devoff);
    else
        check_passed++;
    CHECK(sgdma_guarded(dst, doff));
    CHECK(sgdma_guarded(dst + doff + len, CAP - doff - len));
}

static void test_patterns(struct sgdma_fx *f)
{
    static const size_t sizes[] = {512, 4096, 4097, 65536 + 13, 1u << 20, (3u << 20) + 777,
                                   6u << 20};
    static const size_t offs[] = {0, 1, 4095, 2048 + 7};
    static const uint64_t devoffs[] = {0, 4095, (1u << 20) + 3, (40u << 20) + 4096};
    static const unsigned flags[][2] = {
        {0, 0},
        {DMABOX_BUF_BELOW_4G, DMABOX_BUF_ABOVE_4G},
        {DMABOX_BUF_ABOVE_4G, DMABOX_BUF_BELOW_4G},
        {DMABOX_BUF_CONTIGUOUS, 0},
    };
    uint32_t seed = 1;

    for (size_t k = 0; k < sizeof(flags) / sizeof(flags[0]); k++) {
        unsigned char *src = sgdma_fx_buffer(f, CAP + SRC_OFF_MAX, flags[k][0]);
        unsigned char *dst = sgdma_fx_buffer(f, CAP, flags[k][1]);

        for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
            size_t soff = offs[(i + k) % 4], doff = offs[(i + k + 1) % 4];
            uint64_t devoff = devoffs[(i + 2 * k) % 4];

            roundtrip(f, src, dst, sizes[i], soff, doff, devoff, seed++);
        }
        CHECK_ST(dmabox_buffer_free(f->m, src), DMABOX_STATUS_SUCCESS);
        CHECK_ST(dmabox_buffer_free(f->m, dst), DMABOX_STATUS_SUCCESS);
    }
}

/* Requests outside device memory (64 MiB) fail before any DMA. */
static void test_range(struct sgdma_fx *f)
{
    unsigned char *b = sgdma_fx_buffer(f, 8192, 0);
    size_t n = 99;

    CHECK_ST(dmabox_read(f->h, b, 8192, (64u << 20) - 4096, &n), DMABOX_STATUS_INVALID_PARAMETER);
    CHECK_EQ(n, 0);
    CHECK_ST(dmabox_write(f->h, b, 1, 64u << 20, &n), DMABOX_STATUS_INVALID_PARAMETER);
    CHECK_ST(dmabox_write(f->h, b, 4096, (64u << 20) - 4096, &n), DMABOX_STATUS_SUCCESS);
    CHECK_EQ(n, 4096);
    requests++;
    CHECK_ST(dmabox_buffer_free(f->m, b), DMABOX_STATUS_SUCCESS);
}

#define DEPTH 32
#define IO_LEN ((128u << 10) + 333u)
#define REGION (256u << 10)

/* Queue depth 32: 32 writes, then 32 reads of them in flight together with 32 writes to other
 * regions; each I/O completes exactly once with all its bytes. */
static void test_depth32(struct sgdma_fx *f)
{
    unsigned char *src = sgdma_fx_buffer(f, 2 * DEPTH * REGION, 0);
    unsigned char *dst = sgdma_fx_buffer(f, DEPTH * REGION, DMABOX_BUF_ABOVE_4G);
    static struct sgdma_done done[3 * DEPTH];
    dmabox_io_t *io[3 * DEPTH];
    size_t n;

    memset(done, 0, sizeof(done));
    sgdma_pattern(src, 2 * DEPTH * REGION, 99);
    memset(dst, GUARD, DEPTH * REGION);
    for (unsigned i = 0; i < DEPTH; i++)
        CHECK_ST(dmabox_write_async(f->h, src + i * REGION + i, IO_LEN, (uint64_t)i * REGION,
                                    sgdma_on_done, &done[i], &io[i]),
                 DMABOX_STATUS_PENDING);
    for (unsigned i = 0; i < DEPTH; i++) {
        CHECK_ST(dmabox_io_wait(io[i], DMABOX_WAIT_FOREVER, &n), DMABOX_STATUS_SUCCESS);
        CHECK_EQ(n, IO_LEN);
        CHECK_ST(dmabox_io_release(io[i]), DMABOX_STATUS_SUCCESS);
    }
    for (unsigned i = 0; i < DEPTH; i++) {
        unsigned r = DEPTH + i, w = 2 * DEPTH + i;

        CHECK_ST(dmabox_read_async(f->h, dst + i * REGION + 7, IO_LEN, (uint64_t)i * REGION,
                                   sgdma_on_done, &done[r], &io[r]),
                 DMABOX_STATUS_PENDING);
        CHECK_ST(dmabox_write_async(f->h, src + (DEPTH + i) * REGION, IO_LEN,
                                    (16u << 20) + (uint64_t)i * REGION, sgdma_on_done, &done[w],
                                    &io[w]),
                 DMABOX_STATUS_PENDING);
    }
    for (unsigned i = DEPTH; i < 3 * DEPTH; i++) {
        CHECK_ST(dmabox_io_wait(io[i], DMABOX_WAIT_FOREVER, &n), DMABOX_STATUS_SUCCESS);
        CHECK_EQ(n, IO_LEN);
        CHECK_ST(dmabox_io_release(io[i]), DMABOX_STATUS_SUCCESS);
    }
    for (unsigned i = 0; i < 3 * DEPTH; i++) {
        CHECK_EQ(atomic_load(&done[i].calls), 1);
        CHECK_EQ(atomic_load(&done[i].status), DMABOX_STATUS_SUCCESS);
    }
    for (unsigned i = 0; i < DEPTH; i++) {
        unsigned char *d = dst + i * REGION;

        CHECK(memcmp(d + 7, src + i * REGION + i, IO_LEN) == 0);
        CHECK(sgdma_guarded(d, 7));
        CHECK(sgdma_guarded(d + 7 + IO_LEN, REGION - 7 - IO_LEN));
    }
    /* The concurrent writes landed: read them back synchronously. */
    for (unsigned i = 0; i < DEPTH; i += 5) {
        memset(dst, GUARD, REGION);
        CHECK_ST(dmabox_read(f->h, dst, IO_LEN, (16u << 20) + (uint64_t)i * REGION, &n),
                 DMABOX_STATUS_SUCCESS);
        CHECK(memcmp(dst, src + (DEPTH + i) * REGION, IO_LEN) == 0);
        requests++;
    }
    requests += 3 * DEPTH;
    CHECK_ST(dmabox_buffer_free(f->m, src), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_buffer_free(f->m, dst), DMABOX_STATUS_SUCCESS);
}

static void test_counters(struct sgdma_fx *f)
{
    SGDMA_STATISTICS s = sgdma_fx_stats(f);
    struct dmabox_machine_stats ms;

    CHECK(s.ProgramDmaCalls >= requests);
    CHECK(s.Descriptors >= s.ProgramDmaCalls);
    CHECK(s.Interrupts > 0);
    CHECK(s.Dpcs > 0);
    CHECK_EQ(s.TransfersCompleted, s.ProgramDmaCalls);
    CHECK_EQ(s.RequestsCompleted, requests);
    CHECK_EQ(s.DeviceErrors, 0);
    CHECK_EQ(s.StoppedInFlight, 0);
    CHECK_ST(dmabox_machine_stats(f->m, &ms), DMABOX_STATUS_SUCCESS);
    CHECK(ms.slots[1].irq_claimed > 0);
    CHECK(ms.slots[1].dma_bytes_read > 0 && ms.slots[1].dma_bytes_written > 0);
}

int main(void)
{
    struct sgdma_fx f;

    sgdma_fx_start(&f, NULL, load_so);
    test_patterns(&f);
    test_range(&f);
    test_depth32(&f);
    test_counters(&f);
    sgdma_fx_end(&f);
    return check_done();
}
