/* test_pktdma_driver_pnp.c - the pktdma reference KMDF driver across power and removal with I/O
 * pending (tests/drivers), the module loaded by path, on a device slowed by its bandwidth option
 * so requests are still queued and in flight when the transition starts.
 * Power: a power-down waits for the transfer in flight, requests sent in D3 wait in the
 * power-managed queue, and everything completes with the right bytes after the return to D0.
 * Surprise removal (single-transfer and multi-transfer requests): every request completes
 * exactly once, successfully with all its bytes or with an error and fewer bytes; the request
 * in flight is aborted and reported with what moved; no verifier finding, no IOMMU fault. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "test_pktdma_driver_fixture.h"

#define NREQ 16

struct io_slot {
    _Atomic unsigned calls;
    _Atomic dmabox_status_t status;
    _Atomic size_t info;
};

static void on_done(void *ctx, dmabox_status_t status, size_t information)
{
    struct io_slot *s = ctx;

    atomic_store(&s->status, status);
    atomic_store(&s->info, information);
    atomic_fetch_add(&s->calls, 1);
}

static void test_power_cycle(void)
{
    const size_t len = 256 * 1024;
    struct pk_fixture f;
    uint8_t *w[NREQ], *r = NULL;
    dmabox_io_t *io[NREQ], *late = NULL;
    struct io_slot slot[NREQ], late_slot;
    size_t info = 0;

    /* 100 MB/s: each request takes about 2.6 ms. */
    pk_start(&f, "bandwidth=100000000,max_len=65536", 11);
    memset(slot, 0, sizeof(slot));
    memset(&late_slot, 0, sizeof(late_slot));
    for (int i = 0; i < NREQ; i++) {
        REQUIRE(dmabox_buffer_alloc(f.m, len, DMABOX_BUF_ABOVE_4G, (void **)&w[i]) ==
                DMABOX_STATUS_SUCCESS);
        pk_fill(w[i], len, 0, len, 500 + i);
        CHECK_ST(dmabox_write_async(f.h, w[i], len, (uint64_t)i * len, on_done, &slot[i], &io[i]),
                 DMABOX_STATUS_PENDING);
    }
    CHECK_ST(dmabox_device_power_down(f.dev, DMABOX_POWER_D3), DMABOX_STATUS_SUCCESS);
    /* In D3 the queue holds new requests: this one cannot complete before power-up. */
    REQUIRE(dmabox_buffer_alloc(f.m, len, 0, (void **)&r) == DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_read_async(f.h, r, len, 0, on_done, &late_slot, &late), DMABOX_STATUS_PENDING);
    CHECK_ST(dmabox_io_wait(late, 20, NULL), DMABOX_STATUS_TIMEOUT);
    CHECK_EQ(atomic_load(&late_slot.calls), 0);
    CHECK_ST(dmabox_device_power_up(f.dev), DMABOX_STATUS_SUCCESS);

    for (int i = 0; i < NREQ; i++) {
        CHECK_ST(dmabox_io_wait(io[i], DMABOX_WAIT_FOREVER, &info), DMABOX_STATUS_SUCCESS);
        CHECK_EQ(info, len);
        CHECK_EQ(atomic_load(&slot[i].calls), 1);
        CHECK_ST(dmabox_io_release(io[i]), DMABOX_STATUS_SUCCESS);
    }
    CHECK_ST(dmabox_io_wait(late, DMABOX_WAIT_FOREVER, &info), DMABOX_STATUS_SUCCESS);
    CHECK_EQ(info, len);
    CHECK_EQ(atomic_load(&late_slot.calls), 1);
    CHECK_ST(dmabox_io_release(late), DMABOX_STATUS_SUCCESS);
    /* The late read may have run before or after the write to offset 0: read everything again
     * now that the device is idle. */
    for (int i = 0; i < NREQ; i++) {
        memset(r, 0, len);
        CHECK_ST(dmabox_read(f.h, r, len, (uint64_t)i * len, &info), DMABOX_STATUS_SUCCESS);
        CHECK_EQ(pk_verify(r, len, 0, len, 500 + i), 0);
        CHECK_ST(dmabox_buffer_free(f.m, w[i]), DMABOX_STATUS_SUCCESS);
    }
    /* A second cycle with nothing pending. */
    CHECK_ST(dmabox_device_power_down(f.dev, DMABOX_POWER_D2), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_device_power_up(f.dev), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_read(f.h, r, len, 0, &info), DMABOX_STATUS_SUCCESS);
    CHECK_EQ(pk_verify(r, len, 0, len, 500), 0);
    CHECK_EQ(pk_info(&f).Errors, 0);
    CHECK_ST(dmabox_buffer_free(f.m, r), DMABOX_STATUS_SUCCESS);
    pk_end(&f);
}

/* Surprise removal while request 1 is in flight and the rest are queued. */
static void test_surprise(const char *options, uint64_t seed)
{
    const size_t len = 1u << 20;
    struct pk_fixture f;
    uint8_t *b[NREQ];
    dmabox_io_t *io[NREQ];
    struct io_slot slot[NREQ];
    unsigned failed = 0, succeeded = 0, removed = 0, cancelled = 0, out_of_order = 0;
    size_t info = 0;

    /* 50 MB/s: each request takes about 21 ms. */
    pk_start(&f, options, seed);
    memset(slot, 0, sizeof(slot));
    for (int i = 0; i < NREQ; i++) {
        REQUIRE(dmabox_buffer_alloc(f.m, len, i % 2 ? DMABOX_BUF_ABOVE_4G : 0, (void **)&b[i]) ==
                DMABOX_STATUS_SUCCESS);
        pk_fill(b[i], len, 0, len, 900 + i);
        if (i % 2)
            CHECK_ST(dmabox_write_async(f.h, b[i], len, 0, on_done, &slot[i], &io[i]),
                     DMABOX_STATUS_PENDING);
        else
            CHECK_ST(dmabox_read_async(f.h, b[i], len, 0, on_done, &slot[i], &io[i]),
                     DMABOX_STATUS_PENDING);
    }
    /* The first request finishes; the second is then on the device. */
    CHECK_ST(dmabox_io_wait(io[0], DMABOX_WAIT_FOREVER, &info), DMABOX_STATUS_SUCCESS);
    CHECK_EQ(info, len);
    CHECK_ST(dmabox_device_surprise_remove(f.dev), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_write(f.h, b[0], 512, 0, &info), DMABOX_STATUS_DEVICE_REMOVED);
    CHECK_ST(dmabox_device_remove(f.dev), DMABOX_STATUS_SUCCESS);

    for (int i = 0; i < NREQ; i++) {
        dmabox_status_t st = dmabox_io_wait(io[i], DMABOX_WAIT_FOREVER, &info);

        CHECK_EQ(atomic_load(&slot[i].calls), 1);
        CHECK_EQ(atomic_load(&slot[i].status), st);
        CHECK_EQ(atomic_load(&slot[i].info), info);
        /* The queue is sequential: successes, then at most the one request that was on the
         * device (aborted: STATUS_DEVICE_REMOVED with the bytes that moved), then the requests
         * still queued (purged at removal: STATUS_CANCELLED, nothing moved). */
        if (DMABOX_SUCCESS(st)) {
            CHECK_EQ(info, len);
            out_of_order += failed != 0;
            succeeded++;
        } else if (st == DMABOX_STATUS_DEVICE_REMOVED) {
            CHECK(info < len);
            out_of_order += cancelled != 0;
            removed++;
            failed++;
        } else {
            CHECK_EQ(st, DMABOX_STATUS_CANCELLED);
            CHECK_EQ(info, 0);
            cancelled++;
            failed++;
        }
        if (getenv("PKTDMA_TEST_VERBOSE") != NULL)
            printf("io %d: %s %zu\n", i, dmabox_status_name(st), info);
        CHECK_ST(dmabox_io_release(io[i]), DMABOX_STATUS_SUCCESS);
        CHECK_ST(dmabox_buffer_free(f.m, b[i]), DMABOX_STATUS_SUCCESS);
    }
    CHECK_EQ(succeeded + failed, NREQ);
    CHECK(removed <= 1);
    CHECK(cancelled >= 1);
    CHECK_EQ(out_of_order, 0);
    CHECK(succeeded >= 1);
    pk_end(&f);
}

int main(void)
{
    test_power_cycle();
    /* 5 MB/s: 0.2 s per 1 MiB request, over 3 s for the queue, so the removal lands with requests
     * still queued even when a sanitizer build makes the removal itself slow. */
    test_surprise("bandwidth=5000000", 21);
    test_surprise("bandwidth=5000000,max_len=65536", 22);
    return check_done();
}
