/* test_sgdma_driver_power.c - the sgdma reference driver (from its shared object, through the
 * host API) with I/O pending across power transitions and removal: a power cycle while 32 reads
 * and writes are queued or in flight (every request completes exactly once, successfully, with
 * its data: the framework waits for the transfers in flight before D0Exit and holds the rest
 * until D0), and a surprise removal while slow transfers are in flight (every request completes
 * exactly once; the ones that did not finish fail, with fewer bytes than asked).  The device is
 * paced (bandwidth option) so that requests really are in flight.  Zero verifier findings and
 * zero IOMMU faults throughout. */
#include "sgdma_driver_fixture.h"

static dmabox_status_t load_so(dmabox_machine_t *m, dmabox_driver_t **out)
{
    return dmabox_driver_load_so(m, SGDMA_DRV_SO, out);
}

#define N 32
#define LEN (192u << 10)
#define REGION (256u << 10)

static void test_power_cycle(void)
{
    struct sgdma_fx f;
    static struct sgdma_done done[2 * N];
    dmabox_io_t *io[2 * N];
    unsigned char *src, *dst;
    SGDMA_STATISTICS s;
    size_t n;

    /* 1 GB/s per channel: each request takes about 0.2 ms. */
    sgdma_fx_start(&f, "bandwidth=1000000000", load_so);
    src = sgdma_fx_buffer(&f, 2 * N * REGION, 0);
    dst = sgdma_fx_buffer(&f, N * REGION, 0);
    sgdma_pattern(src, 2 * N * REGION, 5);
    memset(dst, GUARD, N * REGION);
    memset(done, 0, sizeof(done));
    /* Regions 0..N-1 hold known data to read back during the cycle. */
    for (unsigned i = 0; i < N; i++)
        CHECK_ST(dmabox_write(f.h, src + i * REGION, LEN, (uint64_t)i * REGION, &n),
                 DMABOX_STATUS_SUCCESS);
    for (unsigned i = 0; i < N; i++) {
        CHECK_ST(dmabox_read_async(f.h, dst + i * REGION, LEN, (uint64_t)i * REGION,
                                   sgdma_on_done, &done[i], &io[i]),
                 DMABOX_STATUS_PENDING);
        CHECK_ST(dmabox_write_async(f.h, src + (N + i) * REGION, LEN,
                                    (32u << 20) + (uint64_t)i * REGION, sgdma_on_done,
                                    &done[N + i], &io[N + i]),
                 DMABOX_STATUS_PENDING);
    }
    CHECK_ST(dmabox_device_power_down(f.dev, DMABOX_POWER_D3), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_device_power_up(f.dev), DMABOX_STATUS_SUCCESS);
    for (unsigned i = 0; i < 2 * N; i++) {
        CHECK_ST(dmabox_io_wait(io[i], DMABOX_WAIT_FOREVER, &n), DMABOX_STATUS_SUCCESS);
        CHECK_EQ(n, LEN);
        CHECK_ST(dmabox_io_release(io[i]), DMABOX_STATUS_SUCCESS);
    }
    for (unsigned i = 0; i < 2 * N; i++)
        CHECK_EQ(atomic_load(&done[i].calls), 1);
    for (unsigned i = 0; i < N; i++) {
        CHECK(memcmp(dst + i * REGION, src + i * REGION, LEN) == 0);
        CHECK(sgdma_guarded(dst + i * REGION + LEN, REGION - LEN));
    }
    /* The writes made during the cycle landed. */
    for (unsigned i = 0; i < N; i += 7) {
        memset(dst, GUARD, REGION);
        CHECK_ST(dmabox_read(f.h, dst, LEN, (32u << 20) + (uint64_t)i * REGION, &n),
                 DMABOX_STATUS_SUCCESS);
        CHECK(memcmp(dst, src + (N + i) * REGION, LEN) == 0);
    }
    s = sgdma_fx_stats(&f);
    CHECK_EQ(s.StoppedInFlight, 0);
    CHECK_EQ(s.DeviceErrors, 0);
    CHECK(s.Interrupts > 0);
    CHECK_ST(dmabox_buffer_free(f.m, src), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_buffer_free(f.m, dst), DMABOX_STATUS_SUCCESS);
    sgdma_fx_end(&f);
}

/* Requests in flight or queued when the device is surprise-removed. */
static void test_surprise_removal(void)
{
    struct sgdma_fx f;
    static struct sgdma_done done[2 * N];
    dmabox_io_t *io[2 * N];
    unsigned char *buf;
    unsigned failed = 0, succeeded = 0;
    struct dmabox_machine_stats ms;
    size_t n;

    /* 5 MB/s per channel: each request takes about 40 ms, the queue over a second, so the removal
     * lands with requests pending even on a slow sanitizer build. */
    sgdma_fx_start(&f, "bandwidth=5000000", load_so);
    buf = sgdma_fx_buffer(&f, 2 * N * REGION, 0);
    memset(done, 0, sizeof(done));
    for (unsigned i = 0; i < N; i++) {
        CHECK_ST(dmabox_read_async(f.h, buf + i * REGION, LEN, (uint64_t)i * REGION,
                                   sgdma_on_done, &done[i], &io[i]),
                 DMABOX_STATUS_PENDING);
        CHECK_ST(dmabox_write_async(f.h, buf + (N + i) * REGION, LEN,
                                    (32u << 20) + (uint64_t)i * REGION, sgdma_on_done,
                                    &done[N + i], &io[N + i]),
                 DMABOX_STATUS_PENDING);
    }
    /* Let the first transfers start, then pull the card. */
    CHECK_ST(dmabox_io_wait(io[0], DMABOX_WAIT_FOREVER, &n), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_device_surprise_remove(f.dev), DMABOX_STATUS_SUCCESS);
    for (unsigned i = 0; i < 2 * N; i++) {
        dmabox_status_t st = dmabox_io_wait(io[i], DMABOX_WAIT_FOREVER, &n);

        CHECK(st != DMABOX_STATUS_TIMEOUT && st != DMABOX_STATUS_PENDING);
        if (DMABOX_SUCCESS(st)) {
            CHECK_EQ(n, LEN);
            succeeded++;
        } else {
            CHECK(n < LEN);
            failed++;
        }
        CHECK_ST(dmabox_io_release(io[i]), DMABOX_STATUS_SUCCESS);
    }
    for (unsigned i = 0; i < 2 * N; i++)
        CHECK_EQ(atomic_load(&done[i].calls), 1);
    CHECK(succeeded >= 1);
    CHECK(failed >= 1);
    /* New I/O fails at once. */
    CHECK(!DMABOX_SUCCESS(dmabox_read(f.h, buf, 4096, 0, &n)));
    CHECK_ST(dmabox_device_remove(f.dev), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_machine_stats(f.m, &ms), DMABOX_STATUS_SUCCESS);
    CHECK_EQ(ms.io_outstanding, 0);
    CHECK_ST(dmabox_buffer_free(f.m, buf), DMABOX_STATUS_SUCCESS);
    sgdma_fx_end(&f);
}

int main(void)
{
    test_power_cycle();
    test_surprise_removal();
    return check_done();
}
