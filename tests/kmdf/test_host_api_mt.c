/* test_host_api_mt.c - the host API under concurrent use (tests/kmdf; run it under TSan too):
 * several application threads (none attached to the machine beforehand) each write, read back
 * and verify their own region of the driver's storage, synchronously and asynchronously, while
 * another thread parks and cancels requests and another powers the device down and up.  At the
 * end every I/O has completed exactly once, the data is intact and the verifier found nothing.
 * Then the device is removed while threads keep sending I/O: each call either completes or is
 * refused with the removal's status, and nothing is left in flight. */
#include <ntddk.h>
#include <wdf.h>

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "drv_host.h"
#include "test_host_api.h"

DRIVER_INITIALIZE DriverEntry;

#define WORKERS 4
#define ROUNDS 150
#define REGION 1024

static const dmabox_guid_t host_iface = DRV_HOST_INTERFACE_INIT;

struct shared {
    dmabox_machine_t *m;
    dmabox_device_t *dev;
    dmabox_handle_t *h;
    _Atomic int workers_left;
    _Atomic unsigned long callbacks, mismatches, failures;
};

struct worker {
    struct shared *s;
    unsigned id;
};

static void on_done(void *ctx, dmabox_status_t status, size_t information)
{
    struct shared *s = ctx;

    if (status != DMABOX_STATUS_SUCCESS || information != REGION)
        atomic_fetch_add(&s->failures, 1);
    atomic_fetch_add(&s->callbacks, 1);
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct shared *s = w->s;
    unsigned char *src = NULL, *dst = NULL;
    uint64_t off = (uint64_t)w->id * REGION;
    dmabox_io_t *io = NULL;
    size_t n = 0;

    if (dmabox_buffer_alloc(s->m, REGION, 0, (void **)&src) != DMABOX_STATUS_SUCCESS ||
        dmabox_buffer_alloc(s->m, REGION, DMABOX_BUF_ABOVE_4G, (void **)&dst) != DMABOX_STATUS_SUCCESS) {
        atomic_fetch_add(&s->failures, 1);
        atomic_fetch_sub(&s->workers_left, 1);
        return NULL;
    }
    for (unsigned r = 0; r < ROUNDS; r++) {
        for (unsigned i = 0; i < REGION; i++)
            src[i] = (unsigned char)(w->id * 31 + r * 7 + i);
        if (dmabox_write(s->h, src, REGION, off, &n) != DMABOX_STATUS_SUCCESS || n != REGION)
            atomic_fetch_add(&s->failures, 1);
        memset(dst, 0, REGION);
        if (r % 2 == 0) {
            if (dmabox_read(s->h, dst, REGION, off, &n) != DMABOX_STATUS_SUCCESS || n != REGION)
                atomic_fetch_add(&s->failures, 1);
        } else if (dmabox_read_async(s->h, dst, REGION, off, on_done, s, &io) != DMABOX_STATUS_PENDING ||
                   dmabox_io_wait(io, DMABOX_WAIT_FOREVER, &n) != DMABOX_STATUS_SUCCESS ||
                   dmabox_io_release(io) != DMABOX_STATUS_SUCCESS) {
            atomic_fetch_add(&s->failures, 1);
        }
        if (memcmp(src, dst, REGION) != 0)
            atomic_fetch_add(&s->mismatches, 1);
    }
    if (dmabox_buffer_free(s->m, src) != DMABOX_STATUS_SUCCESS ||
        dmabox_buffer_free(s->m, dst) != DMABOX_STATUS_SUCCESS)
        atomic_fetch_add(&s->failures, 1);
    atomic_fetch_sub(&s->workers_left, 1);
    return NULL;
}

/* Parks a request and cancels it, over and over, while the workers run. */
static void *canceller_main(void *arg)
{
    struct shared *s = arg;
    unsigned long rounds = 0;
    dmabox_io_t *io = NULL;

    while (atomic_load(&s->workers_left) > 0 || rounds < 10) {
        dmabox_status_t st;
        if (dmabox_ioctl_async(s->h, DRV_HOST_IOCTL_HOLD, NULL, 0, NULL, 0, NULL, NULL, &io) !=
            DMABOX_STATUS_PENDING) {
            atomic_fetch_add(&s->failures, 1);
            break;
        }
        dmabox_cancel(io);
        st = dmabox_io_wait(io, DMABOX_WAIT_FOREVER, NULL);
        if (st != DMABOX_STATUS_CANCELLED)
            atomic_fetch_add(&s->failures, 1);
        dmabox_io_release(io);
        rounds++;
    }
    return NULL;
}

/* Powers the device down and up while the workers run: their I/O waits for D0. */
static void *power_main(void *arg)
{
    struct shared *s = arg;
    unsigned long rounds = 0;

    while (atomic_load(&s->workers_left) > 0 || rounds < 3) {
        if (dmabox_device_power_down(s->dev, DMABOX_POWER_D3) != DMABOX_STATUS_SUCCESS ||
            dmabox_device_power_up(s->dev) != DMABOX_STATUS_SUCCESS)
            atomic_fetch_add(&s->failures, 1);
        rounds++;
    }
    return NULL;
}

/* ---- removal under load ---- */

struct hammer {
    dmabox_handle_t *h;
    unsigned char *buf;
    _Atomic int *stop;
    unsigned long ok, refused, other;
};

static void *hammer_main(void *arg)
{
    struct hammer *x = arg;
    size_t n;

    while (!atomic_load(x->stop)) {
        dmabox_status_t st = dmabox_read(x->h, x->buf, 256, 0, &n);
        if (st == DMABOX_STATUS_SUCCESS)
            x->ok++;
        else if (st == DMABOX_STATUS_DELETE_PENDING || st == DMABOX_STATUS_NO_SUCH_DEVICE ||
                 st == DMABOX_STATUS_CANCELLED)
            x->refused++;
        else
            x->other++;
        if (st == DMABOX_STATUS_NO_SUCH_DEVICE)
            break;
    }
    return NULL;
}

static void test_remove_under_load(void)
{
    struct dmabox_machine_config cfg = host_test_config();
    struct dmabox_machine_stats st;
    struct hammer hs[WORKERS];
    pthread_t t[WORKERS];
    dmabox_machine_t *m = NULL;
    dmabox_driver_t *drv = NULL;
    dmabox_device_t *dev = NULL;
    dmabox_handle_t *h = NULL;
    _Atomic int stop = 0;
    void *mine = NULL;
    size_t n = 0;

    REQUIRE(dmabox_machine_create(&cfg, &m) == DMABOX_STATUS_SUCCESS);
    REQUIRE(dmabox_driver_load_linked(m, "drv_host", DMABOX_LINKED_DRIVER, &drv) ==
            DMABOX_STATUS_SUCCESS);
    REQUIRE(dmabox_device_attach(drv, NULL, &dev) == DMABOX_STATUS_SUCCESS);
    REQUIRE(dmabox_device_open(m, &host_iface, &h) == DMABOX_STATUS_SUCCESS);
    REQUIRE(dmabox_buffer_alloc(m, 16, 0, &mine) == DMABOX_STATUS_SUCCESS);
    for (unsigned i = 0; i < WORKERS; i++) {
        hs[i] = (struct hammer){.h = h, .stop = &stop};
        REQUIRE(dmabox_buffer_alloc(m, 256, 0, (void **)&hs[i].buf) == DMABOX_STATUS_SUCCESS);
        REQUIRE(pthread_create(&t[i], NULL, hammer_main, &hs[i]) == 0);
    }
    /* Let every thread get I/O through, then remove the device under them. */
    for (unsigned i = 0; i < 200; i++)
        CHECK_ST(dmabox_read(h, mine, 16, 0, &n), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_device_remove(dev), DMABOX_STATUS_SUCCESS);
    atomic_store(&stop, 1);
    for (unsigned i = 0; i < WORKERS; i++) {
        pthread_join(t[i], NULL);
        CHECK_EQ(hs[i].other, 0);
    }
    CHECK_ST(dmabox_read(h, mine, 16, 0, &n), DMABOX_STATUS_NO_SUCH_DEVICE);
    CHECK_ST(dmabox_machine_stats(m, &st), DMABOX_STATUS_SUCCESS);
    CHECK_EQ(st.io_outstanding, 0);
    CHECK_ST(dmabox_machine_destroy(m, &st), DMABOX_STATUS_SUCCESS);
    CHECK_EQ(st.findings_total, 0);
    CHECK_EQ(st.framework_objects, 0);
}

int main(void)
{
    struct dmabox_machine_config cfg = host_test_config();
    struct dmabox_machine_stats st;
    struct worker workers[WORKERS];
    pthread_t wt[WORKERS], ct, pt;
    struct shared s = {0};
    dmabox_driver_t *drv = NULL;
    dmabox_slot_t *slot = NULL;

    REQUIRE(dmabox_machine_create(&cfg, &s.m) == DMABOX_STATUS_SUCCESS);
    REQUIRE(dmabox_plug(s.m, 0, "sgdma", NULL, &slot) == DMABOX_STATUS_SUCCESS);
    REQUIRE(dmabox_driver_load_linked(s.m, "drv_host", DMABOX_LINKED_DRIVER, &drv) ==
            DMABOX_STATUS_SUCCESS);
    REQUIRE(dmabox_device_attach(drv, slot, &s.dev) == DMABOX_STATUS_SUCCESS);
    REQUIRE(dmabox_device_open(s.m, &host_iface, &s.h) == DMABOX_STATUS_SUCCESS);
    atomic_store(&s.workers_left, WORKERS);
    for (unsigned i = 0; i < WORKERS; i++) {
        workers[i] = (struct worker){&s, i};
        REQUIRE(pthread_create(&wt[i], NULL, worker_main, &workers[i]) == 0);
    }
    REQUIRE(pthread_create(&ct, NULL, canceller_main, &s) == 0);
    REQUIRE(pthread_create(&pt, NULL, power_main, &s) == 0);
    for (unsigned i = 0; i < WORKERS; i++)
        pthread_join(wt[i], NULL);
    pthread_join(ct, NULL);
    pthread_join(pt, NULL);

    CHECK_EQ(atomic_load(&s.failures), 0);
    CHECK_EQ(atomic_load(&s.mismatches), 0);
    CHECK_EQ(atomic_load(&s.callbacks), WORKERS * (ROUNDS / 2));
    CHECK_ST(dmabox_machine_stats(s.m, &st), DMABOX_STATUS_SUCCESS);
    CHECK_EQ(st.io_outstanding, 0);
    CHECK(st.io_submitted >= WORKERS * ROUNDS * 2);
    CHECK_EQ(st.buffers_live, 0);
    CHECK_ST(dmabox_machine_destroy(s.m, &st), DMABOX_STATUS_SUCCESS);
    CHECK_EQ(st.findings_total, 0);
    CHECK_EQ(st.pool_live_blocks, 0);
    CHECK_EQ(st.framework_objects, 0);
    test_remove_under_load();
    return check_done();
}
