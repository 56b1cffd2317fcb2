/* test_physmem.c - simulated physical memory (platform layer): placement, views, banks, limits.
 * The model under test is described in docs/memory.md. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "platform/physmem.h"

#define MIB (1ull << 20)
#define PAGE PHYSMEM_PAGE_SIZE

static phys_addr_t pa_of(struct physmem *pm, void *va, size_t page)
{
    return physmem_virt_to_phys(pm, (char *)va + page * PAGE);
}

static void test_create_rejects_bad_layout(void)
{
    struct physmem *pm = (struct physmem *)1;
    CHECK_EQ(physmem_create(0, 0, 1, &pm), -EINVAL);
    CHECK(pm == NULL);
    CHECK_EQ(physmem_create(64 * MIB + 1, 0, 1, &pm), -EINVAL);
    CHECK_EQ(physmem_create(64 * MIB, 128 * MIB, 1, &pm), -EINVAL);
    /* 5 GiB all below 4 GiB cannot fit under the hole. */
    CHECK_EQ(physmem_create(5ull << 30, 0, 1, &pm), -EINVAL);
}

/* A scattered multi-page buffer is virtually contiguous but physically not, and every page
 * translates to a frame in one of the two banks. */
static void test_scattered_views(void)
{
    struct physmem *pm;
    REQUIRE(physmem_create(64 * MIB, 32 * MIB, 7, &pm) == 0);
    enum { N = 64 };
    uint8_t *buf = physmem_alloc(pm, N, PHYSMEM_SCATTERED);
    REQUIRE(buf != NULL);
    CHECK_EQ((uintptr_t)buf % PAGE, 0);
    CHECK(physmem_contains(pm, buf, N * PAGE));
    CHECK(!physmem_contains(pm, buf, N * PAGE + 1)); /* runs into the guard page */

    int breaks = 0, above = 0;
    for (size_t i = 0; i < N; i++) {
        phys_addr_t pa = pa_of(pm, buf, i);
        REQUIRE(pa != PHYSMEM_BAD_ADDR);
        CHECK_EQ(pa % PAGE, 0);
        CHECK((pa >= MIB && pa < PHYSMEM_4G) || pa >= PHYSMEM_4G);
        if (pa >= PHYSMEM_4G)
            above++;
        if (i > 0 && pa != pa_of(pm, buf, i - 1) + PAGE)
            breaks++;
    }
    CHECK(breaks >= 4);  /* runs are at most 8 frames */
    CHECK(above > 0 && above < N);
    CHECK_EQ(physmem_virt_to_phys(pm, buf + 5 * PAGE + 123), pa_of(pm, buf, 5) + 123);

    /* Kernel view -> device view. */
    for (size_t i = 0; i < N * PAGE; i++)
        buf[i] = (uint8_t)(i * 7 + 3);
    for (size_t i = 0; i < N; i++) {
        uint8_t *dev = physmem_phys_to_host(pm, pa_of(pm, buf, i), PAGE);
        REQUIRE(dev != NULL);
        CHECK(memcmp(dev, buf + i * PAGE, PAGE) == 0);
    }
    /* Device view -> kernel view. */
    uint8_t *dev = physmem_phys_to_host(pm, pa_of(pm, buf, 9) + 100, 16);
    REQUIRE(dev != NULL);
    memset(dev, 0xA5, 16);
    CHECK_EQ(buf[9 * PAGE + 100], 0xA5);
    CHECK_EQ(buf[9 * PAGE + 115], 0xA5);
    CHECK_EQ(buf[9 * PAGE + 116], (uint8_t)((9 * PAGE + 116) * 7 + 3));

    CHECK_EQ(physmem_free(pm, buf), 0);
    physmem_destroy(pm);
}

static void test_phys_to_host_bounds(void)
{
    struct physmem *pm;
    REQUIRE(physmem_create(16 * MIB, 8 * MIB, 1, &pm) == 0);
    CHECK(physmem_phys_to_host(pm, 0, 1) == NULL);          /* below the 1 MiB bank start */
    CHECK(physmem_phys_to_host(pm, MIB, PAGE) != NULL);
    CHECK(physmem_phys_to_host(pm, MIB + 8 * MIB - 1, 1) != NULL);
    CHECK(physmem_phys_to_host(pm, MIB + 8 * MIB - 1, 2) == NULL); /* straddles bank end */
    CHECK(physmem_phys_to_host(pm, MIB + 8 * MIB, 1) == NULL);
    CHECK(physmem_phys_to_host(pm, PHYSMEM_4G, 8 * MIB) != NULL);
    CHECK(physmem_phys_to_host(pm, PHYSMEM_4G, 8 * MIB + 1) == NULL);
    CHECK(physmem_phys_to_host(pm, PHYSMEM_4G - 1, 2) == NULL);
    /* The two banks are adjacent in the linear view, but a range spanning both is not RAM. */
    CHECK((uint8_t *)physmem_phys_to_host(pm, PHYSMEM_4G, 1) ==
          (uint8_t *)physmem_phys_to_host(pm, MIB, 1) + 8 * MIB);
    physmem_destroy(pm);
}

static void test_bank_restrictions(void)
{
    struct physmem *pm;
    REQUIRE(physmem_create(32 * MIB, 16 * MIB, 3, &pm) == 0);
    enum { N = 200 };
    void *hi = physmem_alloc(pm, N, PHYSMEM_ABOVE_4G);
    void *lo = physmem_alloc(pm, N, PHYSMEM_BELOW_4G);
    REQUIRE(hi != NULL && lo != NULL);
    int hi_ok = 1, lo_ok = 1;
    for (size_t i = 0; i < N; i++) {
        hi_ok &= pa_of(pm, hi, i) >= PHYSMEM_4G;
        lo_ok &= pa_of(pm, lo, i) < PHYSMEM_4G;
    }
    CHECK(hi_ok);
    CHECK(lo_ok);
    CHECK(physmem_alloc(pm, 1, PHYSMEM_ABOVE_4G | PHYSMEM_BELOW_4G) == NULL);
    CHECK_EQ(physmem_free(pm, hi), 0);
    CHECK_EQ(physmem_free(pm, lo), 0);
    physmem_destroy(pm);
}

static void test_contiguous_and_zero(void)
{
    struct physmem *pm;
    REQUIRE(physmem_create(32 * MIB, 16 * MIB, 5, &pm) == 0);
    for (int k = 0; k < 6; k++) {
        unsigned flags = PHYSMEM_CONTIGUOUS | (k & 1 ? PHYSMEM_BELOW_4G : 0);
        uint8_t *p = physmem_alloc(pm, 33, flags);
        REQUIRE(p != NULL);
        int contiguous = 1;
        for (size_t i = 1; i < 33; i++)
            contiguous &= pa_of(pm, p, i) == pa_of(pm, p, 0) + i * PAGE;
        CHECK(contiguous);
        if (k & 1)
            CHECK(pa_of(pm, p, 32) < PHYSMEM_4G);
        /* Physically contiguous, so one device-view span covers it. */
        uint8_t *dev = physmem_phys_to_host(pm, pa_of(pm, p, 0), 33 * PAGE);
        REQUIRE(dev != NULL);
        memset(p, 0x5A, 33 * PAGE);
        CHECK_EQ(dev[33 * PAGE - 1], 0x5A);
        CHECK_EQ(physmem_free(pm, p), 0);
    }
    /* Freed frames come back; PHYSMEM_ZERO must clear what the previous owner left. */
    int zero = 1, dirty = 0;
    for (int k = 0; k < 4; k++) {
        uint8_t *d = physmem_alloc(pm, 1024, PHYSMEM_SCATTERED);
        REQUIRE(d != NULL);
        memset(d, 0xEE, 1024 * PAGE);
        CHECK_EQ(physmem_free(pm, d), 0);
        uint8_t *z = physmem_alloc(pm, 1024, PHYSMEM_ZERO);
        uint8_t *u = physmem_alloc(pm, 1024, 0);
        REQUIRE(z != NULL && u != NULL);
        for (size_t i = 0; i < 1024 * PAGE; i++)
            zero &= z[i] == 0;
        for (size_t i = 0; i < 1024 * PAGE; i += PAGE)
            dirty |= u[i] == 0xEE;
        physmem_free(pm, z);
        physmem_free(pm, u);
    }
    CHECK(zero);
    CHECK(dirty); /* without ZERO the old bytes show through: frames really are reused */
    physmem_destroy(pm);
}

static void test_stats_exhaustion_bad_free(void)
{
    struct physmem *pm;
    struct physmem_stats st;
    REQUIRE(physmem_create(8 * MIB, 4 * MIB, 9, &pm) == 0);
    physmem_get_stats(pm, &st);
    CHECK_EQ(st.frames_total, 2048);
    CHECK_EQ(st.frames_free, 2048);
    CHECK_EQ(st.frames_below_4g_free, 1024);
    CHECK_EQ(st.frames_above_4g_free, 1024);
    CHECK_EQ(st.ranges_mapped, 0);

    void *a = physmem_alloc(pm, 1500, 0);
    REQUIRE(a != NULL);
    physmem_get_stats(pm, &st);
    CHECK_EQ(st.frames_free, 548);
    CHECK_EQ(st.frames_below_4g_free + st.frames_above_4g_free, 548);
    CHECK_EQ(st.ranges_mapped, 1);
    CHECK(physmem_alloc(pm, 549, 0) == NULL);
    void *b = physmem_alloc(pm, 548, 0);
    REQUIRE(b != NULL);
    CHECK(physmem_alloc(pm, 1, 0) == NULL);
    physmem_get_stats(pm, &st);
    CHECK_EQ(st.frames_free, 0);

    CHECK_EQ(physmem_free(pm, (char *)a + PAGE), -EINVAL); /* not the start of a range */
    CHECK_EQ(physmem_free(pm, (char *)a + 1), -EINVAL);
    CHECK_EQ(physmem_free(pm, &st), -EINVAL);              /* not in the arena at all */
    CHECK_EQ(physmem_free(pm, a), 0);
    CHECK_EQ(physmem_free(pm, a), -EINVAL);                /* double free */
    physmem_get_stats(pm, &st);
    CHECK_EQ(st.frames_free, 1500);
    CHECK_EQ(st.ranges_mapped, 1);
    void *c = physmem_alloc(pm, 1500, 0);
    CHECK(c != NULL);
    CHECK(physmem_alloc(pm, 1, PHYSMEM_CONTIGUOUS) == NULL);
    physmem_free(pm, c);
    physmem_free(pm, b);
    physmem_get_stats(pm, &st);
    CHECK_EQ(st.frames_free, 2048);
    CHECK_EQ(st.ranges_mapped, 0);
    physmem_destroy(pm);
}

static void test_unmapped_addresses(void)
{
    struct physmem *pm;
    int local = 0;
    REQUIRE(physmem_create(8 * MIB, 4 * MIB, 2, &pm) == 0);
    uint8_t *a = physmem_alloc(pm, 4, 0);
    uint8_t *b = physmem_alloc(pm, 4, 0);
    REQUIRE(a != NULL && b != NULL);
    CHECK(physmem_virt_to_phys(pm, a + 4 * PAGE) == PHYSMEM_BAD_ADDR); /* guard page */
    CHECK(physmem_virt_to_phys(pm, a - 1) == PHYSMEM_BAD_ADDR);
    CHECK(physmem_virt_to_phys(pm, &local) == PHYSMEM_BAD_ADDR);
    CHECK(!physmem_contains(pm, &local, sizeof(local)));
    CHECK(b >= a + 5 * PAGE || b + 5 * PAGE <= a); /* ranges never touch */
    physmem_free(pm, a);
    CHECK(physmem_virt_to_phys(pm, a) == PHYSMEM_BAD_ADDR);
    CHECK(!physmem_contains(pm, a, 1));
    CHECK(physmem_contains(pm, b, 4 * PAGE));
    physmem_free(pm, b);
    physmem_destroy(pm);
}

static void placement(uint64_t seed, phys_addr_t *out, size_t n)
{
    struct physmem *pm;
    REQUIRE(physmem_create(16 * MIB, 8 * MIB, seed, &pm) == 0);
    void *p = physmem_alloc(pm, n / 2, 0);
    void *q = physmem_alloc(pm, n / 2, PHYSMEM_CONTIGUOUS);
    REQUIRE(p != NULL && q != NULL);
    for (size_t i = 0; i < n / 2; i++) {
        out[i] = pa_of(pm, p, i);
        out[n / 2 + i] = pa_of(pm, q, i);
    }
    physmem_destroy(pm);
}

static void test_seed_reproducible(void)
{
    enum { N = 256 };
    static phys_addr_t a[N], b[N], c[N];
    placement(42, a, N);
    placement(42, b, N);
    placement(43, c, N);
    CHECK(memcmp(a, b, sizeof(a)) == 0);
    CHECK(memcmp(a, c, sizeof(a)) != 0);
}

static size_t count_maps(void)
{
    FILE *f = fopen("/proc/self/maps", "r");
    size_t n = 0;
    int ch;
    if (f == NULL)
        return 0;
    while ((ch = fgetc(f)) != EOF)
        n += ch == '\n';
    fclose(f);
    return n;
}

/* vm.max_map_count is 65530: all of a 256 MiB RAM, allocated scattered, must need far fewer. */
static void test_mapping_budget(void)
{
    struct physmem *pm;
    REQUIRE(physmem_create(256 * MIB, 128 * MIB, 11, &pm) == 0);
    size_t before = count_maps();
    enum { CHUNK = 256, NCHUNK = 65536 / CHUNK };
    static void *chunks[NCHUNK];
    for (size_t i = 0; i < NCHUNK; i++) {
        chunks[i] = physmem_alloc(pm, CHUNK, 0);
        REQUIRE(chunks[i] != NULL);
    }
    size_t used = count_maps() - before;
    printf("256 MiB scattered in %d ranges: %zu mappings\n", NCHUNK, used);
    CHECK(used < 30000);
    CHECK(physmem_alloc(pm, 1, 0) == NULL);
    /* Free every other chunk and refill: fragmented free space must still be allocatable. */
    for (size_t i = 0; i < NCHUNK; i += 2)
        CHECK_EQ(physmem_free(pm, chunks[i]), 0);
    for (size_t i = 0; i < NCHUNK; i += 2) {
        chunks[i] = physmem_alloc(pm, CHUNK, 0);
        CHECK(chunks[i] != NULL);
    }
    used = count_maps() - before;
    printf("after refill: %zu mappings\n", used);
    CHECK(used < 40000);
    for (size_t i = 0; i < NCHUNK; i++)
        if (chunks[i] != NULL)
            physmem_free(pm, chunks[i]);
    physmem_destroy(pm);
}

struct race_arg {
    struct physmem *pm;
    int id;
};

/* Allocates, checks translations and contents, frees; several threads at once. */
static void *race_worker(void *p)
{
    struct race_arg *a = p;
    for (int i = 0; i < 300; i++) {
        size_t n = 1 + (size_t)((i * 7 + a->id) % 17);
        uint8_t *buf = physmem_alloc(a->pm, n, (i & 3) == 0 ? PHYSMEM_CONTIGUOUS : 0);
        if (buf == NULL)
            continue;
        memset(buf, a->id, n * PAGE);
        for (size_t k = 0; k < n; k++) {
            uint8_t *dev = physmem_phys_to_host(a->pm, pa_of(a->pm, buf, k), PAGE);
            if (dev == NULL || dev[0] != (uint8_t)a->id || dev[PAGE - 1] != (uint8_t)a->id)
                check_fail(__FILE__, __LINE__, "page owned by this thread", "id %d", a->id);
        }
        if (physmem_free(a->pm, buf) != 0)
            check_fail(__FILE__, __LINE__, "free", "id %d", a->id);
    }
    return NULL;
}

static void test_threads(void)
{
    struct physmem *pm;
    struct physmem_stats st;
    pthread_t t[4];
    struct race_arg args[4];
    REQUIRE(physmem_create(16 * MIB, 8 * MIB, 13, &pm) == 0);
    for (int i = 0; i < 4; i++) {
        args[i] = (struct race_arg){pm, i + 1};
        REQUIRE(pthread_create(&t[i], NULL, race_worker, &args[i]) == 0);
    }
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    physmem_get_stats(pm, &st);
    CHECK_EQ(st.frames_free, st.frames_total);
    CHECK_EQ(st.ranges_mapped, 0);
    physmem_destroy(pm);
}

int main(void)
{
    test_create_rejects_bad_layout();
    test_scattered_views();
    test_phys_to_host_bounds();
    test_bank_restrictions();
    test_contiguous_and_zero();
    test_stats_exhaustion_bad_free();
    test_unmapped_addresses();
    test_seed_reproducible();
    test_mapping_budget();
    test_threads();
    return check_done();
}
