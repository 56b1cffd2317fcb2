/* test_mmio.c - register and port dispatch: offsets and widths reach the model, bad widths,
 * unmapped addresses, unmap and unplug, concurrent access while mapping (platform tests). */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>

#include "check.h"
#include "model_echo.h"
#include "platform/bus.h"
#include "platform/machine.h"
#include "platform/mmio.h"

static struct machine *m;
static struct bus_resource res[4];

/* What reached the model last: BAR, offset, width, value, write or read. */
#define check_last(s, bar, off, size, v, wr)                                                       \
    do {                                                                                           \
        CHECK_EQ((s)->last_off, (uint64_t)(off) | (uint64_t)(bar) << 24);                          \
        CHECK_EQ((s)->last_size, (size));                                                          \
        CHECK_EQ((s)->last_value, (v));                                                            \
        CHECK_EQ((s)->last_write, (wr));                                                           \
    } while (0)

static void test_registers(struct dmabox_dev *dev, uint8_t *r)
{
    struct echo_state *s = dmabox_dev_state(dev);
    struct bus_dev_stats st;
    uint64_t v = 0;

    CHECK_EQ(mmio_write(m, r + ECHO_REG_SCRATCH, 8, 0x1122334455667788ull), 0);
    check_last(s, 0, ECHO_REG_SCRATCH, 8, 0x1122334455667788ull, 1);
    CHECK_EQ(mmio_read(m, r + ECHO_REG_SCRATCH, 8, &v), 0);
    CHECK_EQ(v, 0x1122334455667788ull);
    check_last(s, 0, ECHO_REG_SCRATCH, 8, 0x1122334455667788ull, 0);
    CHECK_EQ(mmio_read(m, r + ECHO_REG_SCRATCH, 4, &v), 0);
    CHECK_EQ(v, 0x55667788);                               /* masked to the access width */
    CHECK_EQ(mmio_read(m, r + ECHO_REG_ID, 4, &v), 0);
    CHECK_EQ(v, ECHO_ID);
    check_last(s, 0, ECHO_REG_ID, 4, ECHO_ID, 0);
    CHECK_EQ(mmio_write(m, r + ECHO_REG_LEN, 4, 0xAAAA00000123ull), 0);
    check_last(s, 0, ECHO_REG_LEN, 4, 0x123, 1);           /* upper bits dropped for a 4-byte write */

    /* Widths BAR0 does not accept (4..8), odd sizes and misalignment: -EINVAL, model untouched. */
    v = 0;
    CHECK_EQ(mmio_read(m, r + ECHO_REG_ID, 2, &v), -EINVAL);
    CHECK_EQ(v, ~0ull);
    CHECK_EQ(mmio_write(m, r + ECHO_REG_SCRATCH, 1, 0x55), -EINVAL);
    CHECK_EQ(mmio_read(m, r + ECHO_REG_ID, 3, &v), -EINVAL);
    CHECK_EQ(mmio_read(m, r + ECHO_REG_ID, 16, &v), -EINVAL);
    CHECK_EQ(mmio_read(m, r + ECHO_REG_ID + 2, 4, &v), -EINVAL);
    CHECK_EQ(mmio_write(m, r + ECHO_REG_SCRATCH + 4, 8, 1), -EINVAL);
    check_last(s, 0, ECHO_REG_LEN, 4, 0x123, 1);
    CHECK_EQ(s->scratch, 0x1122334455667788ull);

    /* A guest error from the model is counted. */
    CHECK_EQ(mmio_write(m, r + ECHO_REG_CMD, 4, 99), 0);
    bus_device_stats(dev, &st);
    CHECK_EQ(st.guest_errors, 1);
    CHECK_EQ(st.mmio_writes, 3);
    CHECK_EQ(st.mmio_reads, 3);
}

static void test_buffer_bar(struct dmabox_dev *dev)
{
    struct echo_state *s = dmabox_dev_state(dev);
    uint8_t *b = mmio_map(m, res[2].start, ECHO_BAR2_SIZE);
    uint8_t *mid = mmio_map(m, res[2].start + 0x1234, 0x10);   /* inside, not page aligned */
    uint64_t v = 0;
    REQUIRE(b != NULL && mid != NULL);
    CHECK_EQ((uintptr_t)mid & 0xFFF, 0x234);
    CHECK_EQ(mmio_write(m, b + 5, 1, 0xAB), 0);
    CHECK_EQ(s->buf[5], 0xAB);
    CHECK_EQ(mmio_write(m, b + 6, 2, 0xCDEF), 0);
    CHECK_EQ(mmio_read(m, b + 4, 4, &v), 0);
    CHECK_EQ(v, 0xCDEFAB00u);
    check_last(s, 2, 4, 4, 0xCDEFAB00u, 0);
    CHECK_EQ(mmio_write(m, mid + 4, 4, 0x01020304), 0);    /* BAR offset 0x1238 */
    check_last(s, 2, 0x1238, 4, 0x01020304, 1);
    CHECK_EQ(mmio_read(m, b + ECHO_BAR2_SIZE - 8, 8, &v), 0);  /* last qword of the BAR */
    CHECK_EQ(mmio_unmap(m, mid, 0x10), 0);
    CHECK_EQ(mmio_unmap(m, b, ECHO_BAR2_SIZE), 0);
}

static void test_unmapped(uint8_t *r)
{
    uint64_t v = 0, local = 0;
    uint8_t *tmp;
    /* Not in the arena at all, and not a BAR at all. */
    CHECK_EQ(mmio_read(m, &local, 4, &v), -EFAULT);
    CHECK_EQ(v, ~0ull);
    CHECK_EQ(mmio_write(m, &local, 4, 1), -EFAULT);
    CHECK(mmio_map(m, 0x100000, 4096) == NULL);             /* RAM */
    CHECK(mmio_map(m, res[0].start + 0x10000, 4) == NULL);  /* past BAR0 */
    CHECK(mmio_map(m, res[0].start + 0xFF0, 0x20) == NULL); /* crosses the end of BAR0 */
    CHECK(mmio_map(m, res[0].start, 0) == NULL);
    /* After unmap the address no longer reaches the model. */
    tmp = mmio_map(m, res[0].start, 0x100);
    REQUIRE(tmp != NULL && tmp != r);
    CHECK_EQ(mmio_read(m, tmp + ECHO_REG_ID, 4, &v), 0);
    CHECK_EQ(mmio_unmap(m, tmp, 0x80), -EINVAL);            /* wrong length */
    CHECK_EQ(mmio_unmap(m, tmp + 4, 0x100), -EINVAL);       /* wrong address */
    CHECK_EQ(mmio_unmap(m, tmp, 0x100), 0);
    CHECK_EQ(mmio_unmap(m, tmp, 0x100), -EINVAL);           /* twice */
    v = 0;
    CHECK_EQ(mmio_read(m, tmp + ECHO_REG_ID, 4, &v), -EFAULT);
    CHECK_EQ(v, ~0ull);
    CHECK_EQ(mmio_read(m, r + ECHO_REG_ID, 4, &v), 0);      /* the other mapping still works */
}

/* A BAR smaller than a page: the rest of its page is past the end of the BAR. */
static void test_small_bar(void)
{
    struct dmabox_device_model md = echo_model;
    struct dmabox_dev *dev;
    struct bus_resource rr[4];
    uint8_t *p;
    uint64_t v = 0;
    char err[128];
    md.bars[0].size = 256;
    REQUIRE(bus_plug(m->bus, 4, &md, NULL, &dev, err, sizeof(err)) == 0);
    bus_resources(dev, rr, 4);
    CHECK_EQ(rr[0].start % 4096, 0);                        /* page aligned even when smaller */
    p = mmio_map(m, rr[0].start, 256);
    REQUIRE(p != NULL);
    CHECK_EQ(mmio_read(m, p + 248, 8, &v), 0);
    CHECK_EQ(mmio_read(m, p + 256, 4, &v), -EFAULT);
    CHECK_EQ(v, ~0ull);
    CHECK(mmio_map(m, rr[0].start + 128, 256) == NULL);     /* past the end of the BAR */
    CHECK_EQ(mmio_unmap(m, p, 256), 0);
    bus_unplug(dev);
}

static void test_ports(struct dmabox_dev *dev)
{
    struct echo_state *s = dmabox_dev_state(dev);
    uint64_t p = res[1].start, v = 0;
    CHECK_EQ(port_write(m, p, 4, 0xDEADBEEF), 0);
    CHECK_EQ(s->port_scratch, 0xDEADBEEF);
    check_last(s, 1, 0, 4, 0xDEADBEEF, 1);
    CHECK_EQ(port_read(m, p + 4, 4, &v), 0);
    CHECK_EQ(v, ECHO_ID);
    CHECK_EQ(port_read(m, p + 4, 2, &v), 0);
    CHECK_EQ(v, ECHO_ID & 0xFFFF);
    check_last(s, 1, 4, 2, ECHO_ID, 0);                     /* the bus masks what the model returns */
    CHECK_EQ(port_read(m, p, 1, &v), 0);
    CHECK_EQ(v, 0xEF);
    CHECK_EQ(port_read(m, p, 8, &v), -EINVAL);              /* no 8-byte port I/O */
    CHECK_EQ(v, ~0ull);
    CHECK_EQ(port_read(m, p + 1, 2, &v), -EINVAL);          /* misaligned */
    CHECK_EQ(port_read(m, p + ECHO_BAR1_SIZE, 1, &v), -EFAULT);
    CHECK_EQ(port_read(m, 0x10000, 1, &v), -EFAULT);
    CHECK_EQ(port_write(m, 0x80, 1, 0), -EFAULT);
}

/* ---- concurrency: two threads hammer registers while the main thread maps and unmaps ---- */

struct hammer {
    uint8_t *base;
    unsigned off, width;
    atomic_int *stop;
    unsigned long bad;
};

static void *hammer_main(void *arg)
{
    struct hammer *h = arg;
    for (uint64_t i = 1; !atomic_load(h->stop); i++) {
        uint64_t v = 0, want = h->width == 8 ? i * 0x0101010101010101ull : (uint32_t)i;
        if (mmio_write(m, h->base + h->off, h->width, want) != 0 ||
            mmio_read(m, h->base + h->off, h->width, &v) != 0 || v != want)
            h->bad++;
    }
    return NULL;
}

static void test_concurrent(uint8_t *r)
{
    atomic_int stop = 0;
    uint8_t *buf = mmio_map(m, res[2].start, 0x1000);
    struct hammer a = {r, ECHO_REG_SCRATCH, 8, &stop, 0}, b = {buf, 0x100, 4, &stop, 0};
    pthread_t ta, tb;
    REQUIRE(buf != NULL);
    REQUIRE(pthread_create(&ta, NULL, hammer_main, &a) == 0);
    REQUIRE(pthread_create(&tb, NULL, hammer_main, &b) == 0);
    for (unsigned i = 0; i < 2000; i++) {
        uint8_t *x = mmio_map(m, res[2].start + 0x8000, 0x2000);
        uint64_t v = 0;
        REQUIRE(x != NULL);
        CHECK_EQ(mmio_write(m, x + 8, 8, i), 0);
        CHECK_EQ(mmio_read(m, x + 8, 8, &v), 0);
        CHECK_EQ(v, i);
        CHECK_EQ(mmio_unmap(m, x, 0x2000), 0);
    }
    atomic_store(&stop, 1);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    CHECK_EQ(a.bad, 0);
    CHECK_EQ(b.bad, 0);
    CHECK_EQ(mmio_unmap(m, buf, 0x1000), 0);
}

/* Unplug while another thread is inside the model's ops: the unplug waits for it, later accesses
 * fail, and the driver's unmap of the dead mapping still succeeds. */
struct reader {
    uint8_t *r;
    atomic_int started;
    unsigned long ok, faulted, other;
};

static void *reader_main(void *arg)
{
    struct reader *rd = arg;
    int rc;
    do {
        uint64_t v;
        rc = mmio_read(m, rd->r + ECHO_REG_ID, 4, &v);
        if (rc == 0 && v == ECHO_ID)
            rd->ok++;
        else if (rc != -EFAULT)
            rd->other++;
        atomic_store(&rd->started, 1);
    } while (rc == 0);
    rd->faulted++;
    return NULL;
}

static void test_unplug_while_reading(void)
{
    struct dmabox_dev *dev;
    struct bus_resource rr[4];
    struct reader rd = {0};
    pthread_t t;
    char err[128];
    uint64_t v;
    REQUIRE(bus_plug(m->bus, 1, &echo_model, NULL, &dev, err, sizeof(err)) == 0);
    bus_resources(dev, rr, 4);
    rd.r = mmio_map(m, rr[0].start, ECHO_BAR0_SIZE);
    REQUIRE(rd.r != NULL);
    REQUIRE(pthread_create(&t, NULL, reader_main, &rd) == 0);
    while (!atomic_load(&rd.started))
        sched_yield();
    bus_unplug(dev);
    pthread_join(t, NULL);
    CHECK(rd.ok > 0);
    CHECK_EQ(rd.faulted, 1);
    CHECK_EQ(rd.other, 0);
    CHECK_EQ(mmio_read(m, rd.r, 4, &v), -EFAULT);
    CHECK_EQ(port_read(m, rr[1].start + 4, 4, &v), -EFAULT);
    CHECK_EQ(mmio_unmap(m, rd.r, ECHO_BAR0_SIZE), 0);
}

int main(void)
{
    struct dmabox_dev *dev;
    uint8_t *r;
    char err[128];
    REQUIRE(machine_create(NULL, &m) == 0);
    REQUIRE(bus_plug(m->bus, 0, &echo_model, NULL, &dev, err, sizeof(err)) == 0);
    REQUIRE(bus_resources(dev, res, 4) == 4);
    r = mmio_map(m, res[0].start, ECHO_BAR0_SIZE);
    REQUIRE(r != NULL);
    test_registers(dev, r);
    test_buffer_bar(dev);
    test_unmapped(r);
    test_small_bar();
    test_ports(dev);
    test_concurrent(r);
    test_unplug_while_reading();
    CHECK_EQ(mmio_unmap(m, r, ECHO_BAR0_SIZE), 0);
    bus_unplug(dev);
    machine_destroy(m);
    return check_done();
}
