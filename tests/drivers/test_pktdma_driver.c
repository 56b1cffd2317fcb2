/* test_pktdma_driver.c - the pktdma reference KMDF driver's data path through the host API
 * (tests/drivers), with the driver module loaded by path: writes then reads back sizes from
 * 512 B to several MiB (larger than the device's CAP_MAX_LEN, so the framework splits each
 * request into transfers), at page-straddling device offsets, from misaligned buffers above and
 * below 4 GiB, verified byte for byte with guard bytes around every buffer; queue depth 1 and 32;
 * the requests the driver refuses.  Bouncing is proven from the driver's own view: every bus
 * address it programmed is below 4 GiB although the buffers are above.  Every test ends with no
 * verifier finding, no IOMMU fault and nothing leaked (test_pktdma_driver_fixture.h). */
#include <stdatomic.h>

#include "test_pktdma_driver_fixture.h"

#define FOUR_GIB (1ull << 32)

struct rt {
    size_t len;
    uint64_t dev_off;
    unsigned wflags, rflags;
    size_t wmis, rmis;             /* buffer misalignment in bytes */
};

/* Writes len bytes from a buffer, reads them back into another, checks both with guards. */
static void roundtrip(struct pk_fixture *f, const struct rt *t, uint32_t seed, uint32_t max_len)
{
    size_t wlen = t->wmis + t->len + 64, rlen = t->rmis + t->len + 64, bytes = 0;
    uint8_t *w = NULL, *r = NULL;
    PKTDMA_INFO before, after;
    uint64_t min_transfers = 2 * ((t->len + max_len - 1) / max_len);

    REQUIRE(dmabox_buffer_alloc(f->m, wlen, t->wflags, (void **)&w) == DMABOX_STATUS_SUCCESS);
    REQUIRE(dmabox_buffer_alloc(f->m, rlen, t->rflags, (void **)&r) == DMABOX_STATUS_SUCCESS);
    pk_fill(w, wlen, t->wmis, t->len, seed);
    pk_fill(r, rlen, 0, 0, seed);
    before = pk_info(f);

    CHECK_ST(dmabox_write(f->h, w + t->wmis, t->len, t->dev_off, &bytes), DMABOX_STATUS_SUCCESS);
    CHECK_EQ(bytes, t->len);
    CHECK_EQ(pk_verify(w, wlen, t->wmis, t->len, seed), 0);
    bytes = 0;
    CHECK_ST(dmabox_read(f->h, r + t->rmis, t->len, t->dev_off, &bytes), DMABOX_STATUS_SUCCESS);
    CHECK_EQ(bytes, t->len);
    if (pk_verify(r, rlen, t->rmis, t->len, seed) != 0) {
        check_fail(__FILE__, __LINE__, "read back", "len %zu off %llu wmis %zu rmis %zu: %zu bad",
                   t->len, (unsigned long long)t->dev_off, t->wmis, t->rmis,
                   pk_verify(r, rlen, t->rmis, t->len, seed));
    }

    after = pk_info(f);
    CHECK_EQ(after.Requests - before.Requests, 2);
    CHECK(after.Transfers - before.Transfers >= min_transfers);
    CHECK_EQ(after.Errors, 0);
    CHECK(after.HighestAddress <= FOUR_GIB);
    CHECK_ST(dmabox_buffer_free(f->m, w), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_buffer_free(f->m, r), DMABOX_STATUS_SUCCESS);
}

static void test_sizes(const char *options, uint32_t max_len, uint64_t seed)
{
    static const size_t sizes[] = {512, 4096, 4097, 65536 + 123, 1u << 20, (1u << 20) + 1,
                                   (3u << 20) + 777};
    static const uint64_t offsets[] = {0, 4095, 8193};
    static const size_t mis[] = {0, 1, 3, 4095};
    static const unsigned flags[][2] = {
        {DMABOX_BUF_ABOVE_4G, DMABOX_BUF_ABOVE_4G},
        {DMABOX_BUF_BELOW_4G, DMABOX_BUF_ABOVE_4G},
        {DMABOX_BUF_ABOVE_4G, 0},
    };
    struct pk_fixture f;
    PKTDMA_INFO info;
    struct dmabox_machine_stats st;
    uint64_t moved = 0;
    unsigned n = 0;

    pk_start(&f, options, seed);
    info = pk_info(&f);
    CHECK_EQ(info.MaxTransfer, max_len);
    CHECK_EQ(info.Version >> 16, 1);
    CHECK_EQ(info.MemorySize, 16u << 20);
    for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
        for (size_t k = 0; k < 3; k++, n++) {
            struct rt t = {
                .len = sizes[s],
                .dev_off = offsets[(s + k) % 3],
                .wflags = flags[k][0],
                .rflags = flags[k][1],
                .wmis = mis[(s + k) % 4],
                .rmis = mis[(s + 2 * k + 1) % 4],
            };
            roundtrip(&f, &t, (uint32_t)(n + 1), max_len);
            moved += 2 * sizes[s];
        }
    }
    /* The device moved exactly the requested bytes, each once, in both directions. */
    CHECK_ST(dmabox_machine_stats(f.m, &st), DMABOX_STATUS_SUCCESS);
    CHECK_EQ(st.slots[0].dma_bytes_read + st.slots[0].dma_bytes_written, moved);
    CHECK_EQ(st.slots[0].irq_unclaimed, 0);
    CHECK(st.slots[0].irq_claimed >= pk_info(&f).Transfers);
    pk_end(&f);
}

/* ---- queue depth 32 ---- */

#define DEPTH 32

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

static void test_depth32(void)
{
    struct pk_fixture f;
    uint8_t *w[DEPTH], *r[DEPTH];
    size_t len[DEPTH];
    dmabox_io_t *io[DEPTH];
    struct io_slot slot[DEPTH];
    PKTDMA_INFO before, after;

    pk_start(&f, "max_len=65536", 7);
    before = pk_info(&f);
    memset(slot, 0, sizeof(slot));
    for (int i = 0; i < DEPTH; i++) {
        len[i] = 40000 + 4099 * (size_t)i;
        REQUIRE(dmabox_buffer_alloc(f.m, len[i] + 64, i % 2 ? DMABOX_BUF_ABOVE_4G : 0,
                                    (void **)&w[i]) == DMABOX_STATUS_SUCCESS);
        REQUIRE(dmabox_buffer_alloc(f.m, len[i] + 64, i % 3 ? DMABOX_BUF_ABOVE_4G : 0,
                                    (void **)&r[i]) == DMABOX_STATUS_SUCCESS);
        pk_fill(w[i], len[i] + 64, 1, len[i], 100 + i);
        pk_fill(r[i], len[i] + 64, 0, 0, 0);
    }
    for (int i = 0; i < DEPTH; i++) {
        CHECK_ST(dmabox_write_async(f.h, w[i] + 1, len[i], (uint64_t)i * 256 * 1024 + 17,
                                    on_done, &slot[i], &io[i]),
                 DMABOX_STATUS_PENDING);
    }
    for (int i = 0; i < DEPTH; i++) {
        size_t info = 0;
        CHECK_ST(dmabox_io_wait(io[i], DMABOX_WAIT_FOREVER, &info), DMABOX_STATUS_SUCCESS);
        CHECK_EQ(info, len[i]);
        CHECK_ST(dmabox_io_release(io[i]), DMABOX_STATUS_SUCCESS);
        CHECK_EQ(atomic_load(&slot[i].calls), 1);
    }
    memset(slot, 0, sizeof(slot));
    for (int i = 0; i < DEPTH; i++) {
        CHECK_ST(dmabox_read_async(f.h, r[i] + 2, len[i], (uint64_t)i * 256 * 1024 + 17, on_done,
                                   &slot[i], &io[i]),
                 DMABOX_STATUS_PENDING);
    }
    for (int i = 0; i < DEPTH; i++) {
        size_t info = 0;
        CHECK_ST(dmabox_io_wait(io[i], DMABOX_WAIT_FOREVER, &info), DMABOX_STATUS_SUCCESS);
        CHECK_EQ(info, len[i]);
        CHECK_ST(dmabox_io_release(io[i]), DMABOX_STATUS_SUCCESS);
        CHECK_EQ(atomic_load(&slot[i].calls), 1);
        CHECK_EQ(atomic_load(&slot[i].status), DMABOX_STATUS_SUCCESS);
        CHECK_EQ(pk_verify(r[i], len[i] + 64, 2, len[i], 100 + i), 0);
        CHECK_EQ(pk_verify(w[i], len[i] + 64, 1, len[i], 100 + i), 0);
        CHECK_ST(dmabox_buffer_free(f.m, w[i]), DMABOX_STATUS_SUCCESS);
        CHECK_ST(dmabox_buffer_free(f.m, r[i]), DMABOX_STATUS_SUCCESS);
    }
    after = pk_info(&f);
    CHECK_EQ(after.Requests - before.Requests, 2 * DEPTH);
    CHECK_EQ(after.Errors, 0);
    CHECK(after.HighestAddress <= FOUR_GIB);
    pk_end(&f);
}

/* ---- what the driver refuses ---- */

static void test_refused(void)
{
    struct pk_fixture f;
    uint8_t *b = NULL;
    size_t bytes = 99;

    pk_start(&f, "mem_mib=1,align=4", 3);
    REQUIRE(dmabox_buffer_alloc(f.m, 8192, 0, (void **)&b) == DMABOX_STATUS_SUCCESS);
    /* Beyond device memory, straddling its end, off the device's alignment. */
    CHECK_ST(dmabox_write(f.h, b, 4096, 1u << 20, &bytes), DMABOX_STATUS_INVALID_PARAMETER);
    CHECK_EQ(bytes, 0);
    CHECK_ST(dmabox_read(f.h, b, 8192, (1u << 20) - 4096, &bytes),
             DMABOX_STATUS_INVALID_PARAMETER);
    CHECK_ST(dmabox_read(f.h, b, 4096, 2, &bytes), DMABOX_STATUS_INVALID_PARAMETER);
    CHECK_ST(dmabox_write(f.h, b, 4094, 0, &bytes), DMABOX_STATUS_INVALID_PARAMETER);
    /* The last aligned piece is fine. */
    CHECK_ST(dmabox_write(f.h, b, 4096, (1u << 20) - 4096, &bytes), DMABOX_STATUS_SUCCESS);
    CHECK_EQ(bytes, 4096);
    /* Unknown control code, output buffer too small. */
    CHECK_ST(dmabox_ioctl(f.h, 0x00222004u, NULL, 0, b, 64, &bytes),
             DMABOX_STATUS_INVALID_DEVICE_REQUEST);
    CHECK_ST(dmabox_ioctl(f.h, IOCTL_PKTDMA_GET_INFO, NULL, 0, b, 8, &bytes),
             DMABOX_STATUS_BUFFER_TOO_SMALL);
    CHECK_EQ(pk_info(&f).Alignment, 4);
    CHECK_ST(dmabox_buffer_free(f.m, b), DMABOX_STATUS_SUCCESS);
    pk_end(&f);
}

int main(void)
{
    test_sizes(NULL, 1u << 20, 1);
    test_sizes("max_len=16384", 16384, 2);
    test_depth32();
    test_refused();
    return check_done();
}
