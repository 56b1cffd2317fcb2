/* test_host_api_io.c - I/O through the host API (tests/kmdf), with the linked-in test driver
 * (drv_host.c, direct I/O): synchronous and asynchronous reads, writes and I/O controls with
 * their bytes and statuses; the argument checks (buffers that are not dmabox_buffer_alloc's,
 * zero and huge lengths); cancellation of a request parked in a manual queue; a buffer in use
 * cannot be freed; I/O sent to a powered-down device waits in the power-managed queue until
 * D0; surprise removal, removal, closing a handle and destroying a machine with I/O pending.
 * Every machine runs in ABORT mode and must end with zero verifier findings. */
#include <ntddk.h>
#include <wdf.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "drv_host.h"
#include "platform/exec.h"
#include "platform/exec_ctx.h"
#include "test_host_api.h"

DRIVER_INITIALIZE DriverEntry;

static const dmabox_guid_t host_iface = DRV_HOST_INTERFACE_INIT;

struct rig {
    dmabox_machine_t *m;
    dmabox_slot_t *slot;
    dmabox_driver_t *drv;
    dmabox_device_t *dev;
    dmabox_handle_t *h;
    unsigned char *buf, *buf2;           /* two 8 KiB host buffers */
};

static void rig_up(struct rig *r)
{
    struct dmabox_machine_config cfg = host_test_config();

    memset(r, 0, sizeof(*r));
    REQUIRE(dmabox_machine_create(&cfg, &r->m) == DMABOX_STATUS_SUCCESS);
    REQUIRE(dmabox_plug(r->m, 0, "sgdma", NULL, &r->slot) == DMABOX_STATUS_SUCCESS);
    REQUIRE(dmabox_driver_load_linked(r->m, "drv_host", DMABOX_LINKED_DRIVER, &r->drv) ==
            DMABOX_STATUS_SUCCESS);
    REQUIRE(dmabox_device_attach(r->drv, r->slot, &r->dev) == DMABOX_STATUS_SUCCESS);
    REQUIRE(dmabox_device_open(r->m, &host_iface, &r->h) == DMABOX_STATUS_SUCCESS);
    REQUIRE(dmabox_buffer_alloc(r->m, 8192, 0, (void **)&r->buf) == DMABOX_STATUS_SUCCESS);
    REQUIRE(dmabox_buffer_alloc(r->m, 8192, DMABOX_BUF_ABOVE_4G, (void **)&r->buf2) ==
            DMABOX_STATUS_SUCCESS);
}

/* The rig's handle and buffers are left for the teardown, which reports them as forgotten. */
static void rig_down_stats(struct rig *r, struct dmabox_machine_stats *out)
{
    struct dmabox_machine_stats st;

    CHECK_ST(dmabox_machine_destroy(r->m, &st), DMABOX_STATUS_SUCCESS);
    if (out != NULL)
        *out = st;
    CHECK_EQ(st.findings_total, 0);
    CHECK_EQ(st.pool_live_blocks, 0);
    CHECK_EQ(st.framework_objects, 0);
    CHECK_EQ(st.io_outstanding, 0);
}

static void rig_down(struct rig *r)
{
    rig_down_stats(r, NULL);
}

/* The driver's counters (DRV_HOST_IOCTL_INFO). */
static ULONG info(struct rig *r, enum drv_host_info which)
{
    ULONG *out = (ULONG *)(r->buf2 + 4096);
    size_t n = 0;

    CHECK_ST(dmabox_ioctl(r->h, DRV_HOST_IOCTL_INFO, NULL, 0, out, sizeof(ULONG) * DRV_HOST_INFO_COUNT,
                          &n),
             DMABOX_STATUS_SUCCESS);
    CHECK_EQ(n, sizeof(ULONG) * DRV_HOST_INFO_COUNT);
    return out[which];
}

/* What a completion callback saw. */
struct done_log {
    _Atomic int calls;
    _Atomic dmabox_status_t status;
    _Atomic size_t information;
    _Atomic int on_machine_thread;       /* ran on a thread the machine created */
    _Atomic dmabox_status_t nested;      /* a blocking call made from the callback */
    dmabox_handle_t *h;                  /* set: try a blocking read from the callback */
    void *buf;
    struct exec_event done;
};

static void done_log_init(struct done_log *l)
{
    memset(l, 0, sizeof(*l));
    atomic_store(&l->nested, -1);
    exec_event_init(&l->done, false, false);
}

static void on_done(void *ctx, dmabox_status_t status, size_t information)
{
    struct done_log *l = ctx;
    const struct exec_ctx *self = exec_ctx_self();

    atomic_store(&l->status, status);
    atomic_store(&l->information, information);
    atomic_store(&l->on_machine_thread,
                 self->machine != NULL && (self->cpu >= 0 || strcmp(self->name, "app") != 0));
    if (l->h != NULL)
        atomic_store(&l->nested, dmabox_read(l->h, l->buf, 16, 0, NULL));
    atomic_fetch_add(&l->calls, 1);
    exec_event_set(&l->done);
}

static void test_sync_rw(void)
{
    struct rig r;
    size_t n = 1;

    rig_up(&r);
    for (size_t i = 0; i < 5000; i++)
        r.buf[i] = (unsigned char)(i * 7 + 3);
    CHECK_ST(dmabox_write(r.h, r.buf, 5000, 100, &n), DMABOX_STATUS_SUCCESS);
    CHECK_EQ(n, 5000);
    CHECK_ST(dmabox_read(r.h, r.buf2 + 1, 5000, 100, &n), DMABOX_STATUS_SUCCESS);
    CHECK_EQ(n, 5000);
    CHECK(memcmp(r.buf, r.buf2 + 1, 5000) == 0);
    CHECK_EQ(r.buf2[0], 0);              /* bytes around the transfer untouched */
    CHECK_EQ(r.buf2[5001], 0);
    /* Past the end of the driver's storage: short read, then end of file. */
    CHECK_ST(dmabox_read(r.h, r.buf, 100, DRV_HOST_STORAGE - 10, &n), DMABOX_STATUS_SUCCESS);
    CHECK_EQ(n, 10);
    CHECK_ST(dmabox_read(r.h, r.buf, 100, DRV_HOST_STORAGE, &n), STATUS_END_OF_FILE);
    CHECK_EQ(n, 0);
    CHECK_ST(dmabox_write(r.h, r.buf, 8, 0, NULL), DMABOX_STATUS_SUCCESS); /* bytes optional */
    CHECK_EQ(info(&r, DRV_HOST_INFO_READS), 3);
    CHECK_EQ(info(&r, DRV_HOST_INFO_WRITES), 2);
    CHECK_EQ(info(&r, DRV_HOST_INFO_HAS_HARDWARE), 1);
    CHECK_EQ(info(&r, DRV_HOST_INFO_WRONG_IRQL), 0);
    rig_down(&r);
}

static void test_ioctl(void)
{
    struct rig r;
    ULONG want = 0;
    size_t n = 0;

    rig_up(&r);
    for (size_t i = 0; i < 1000; i++) {
        r.buf[i] = (unsigned char)(i ^ 0x5c);
        want += r.buf[i];
    }
    /* METHOD_OUT_DIRECT: the sum lands in the direct output buffer. */
    CHECK_ST(dmabox_ioctl(r.h, DRV_HOST_IOCTL_SUM, r.buf, 1000, r.buf2, sizeof(ULONG), &n),
             DMABOX_STATUS_SUCCESS);
    CHECK_EQ(n, sizeof(ULONG));
    CHECK_EQ(*(ULONG *)r.buf2, want);
    CHECK_ST(dmabox_ioctl(r.h, DRV_HOST_IOCTL_SUM, NULL, 0, r.buf2, sizeof(ULONG), &n),
             DMABOX_STATUS_BUFFER_TOO_SMALL);
    CHECK_ST(dmabox_ioctl(r.h, DRV_HOST_IOCTL_INFO, NULL, 0, r.buf2, 4, &n),
             DMABOX_STATUS_BUFFER_TOO_SMALL);
    CHECK_ST(dmabox_ioctl(r.h, DRV_HOST_CTL(0x9ffu, 0u), NULL, 0, NULL, 0, &n),
             DMABOX_STATUS_INVALID_DEVICE_REQUEST);
    rig_down(&r);
}

static void test_io_bad_args(void)
{
    unsigned char local[64];
    unsigned char *heap = malloc(64);
    dmabox_io_t *io = NULL;
    void *small = NULL;
    struct rig r;
    size_t n = 1;

    rig_up(&r);
    REQUIRE(heap != NULL);
    REQUIRE(dmabox_buffer_alloc(r.m, 100, 0, &small) == DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_read(r.h, NULL, 16, 0, &n), DMABOX_STATUS_INVALID_PARAMETER);
    CHECK_EQ(n, 0);
    CHECK_ST(dmabox_read(r.h, r.buf, 0, 0, &n), DMABOX_STATUS_INVALID_PARAMETER);
    CHECK_ST(dmabox_write(r.h, r.buf, 1ull << 32, 0, &n), DMABOX_STATUS_INVALID_PARAMETER);
    CHECK_ST(dmabox_read(r.h, r.buf, 16, 1ull << 63, &n), DMABOX_STATUS_INVALID_PARAMETER);
    CHECK_ST(dmabox_read(r.h, local, 16, 0, &n), DMABOX_STATUS_INVALID_USER_BUFFER);
    CHECK_ST(dmabox_write(r.h, heap, 16, 0, &n), DMABOX_STATUS_INVALID_USER_BUFFER);
    CHECK_ST(dmabox_write(r.h, small, 101, 0, &n), DMABOX_STATUS_INVALID_USER_BUFFER);
    CHECK_ST(dmabox_write(r.h, (char *)small + 99, 2, 0, &n), DMABOX_STATUS_INVALID_USER_BUFFER);
    CHECK_ST(dmabox_write(r.h, (char *)small + 99, 1, 0, &n), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_ioctl(r.h, DRV_HOST_IOCTL_SUM, NULL, 4, r.buf2, 4, &n),
             DMABOX_STATUS_INVALID_PARAMETER);
    CHECK_ST(dmabox_ioctl(r.h, DRV_HOST_IOCTL_SUM, r.buf, 0, r.buf2, 4, &n),
             DMABOX_STATUS_INVALID_PARAMETER);
    CHECK_ST(dmabox_ioctl(r.h, DRV_HOST_IOCTL_SUM, r.buf, 4, r.buf2, 1ull << 32, &n),
             DMABOX_STATUS_INVALID_PARAMETER);
    CHECK_ST(dmabox_ioctl(r.h, DRV_HOST_IOCTL_SUM, local, 4, r.buf2, 4, &n),
             DMABOX_STATUS_INVALID_USER_BUFFER);
    CHECK_ST(dmabox_ioctl(r.h, DRV_HOST_IOCTL_SUM, r.buf, 4, heap, 4, &n),
             DMABOX_STATUS_INVALID_USER_BUFFER);
    CHECK_ST(dmabox_read_async(r.h, local, 16, 0, NULL, NULL, &io), DMABOX_STATUS_INVALID_USER_BUFFER);
    CHECK_ST(dmabox_write_async(r.h, r.buf, 0, 0, NULL, NULL, &io), DMABOX_STATUS_INVALID_PARAMETER);
    CHECK_ST(dmabox_ioctl_async(r.h, 1, NULL, 1, NULL, 0, NULL, NULL, &io),
             DMABOX_STATUS_INVALID_PARAMETER);
    CHECK(io == NULL);
    /* A rejected I/O holds no buffer: it can be freed at once. */
    CHECK_ST(dmabox_buffer_free(r.m, small), DMABOX_STATUS_SUCCESS);
    free(heap);
    rig_down(&r);
}

static void test_async(void)
{
    struct done_log a, b;
    dmabox_io_t *io = NULL;
    struct rig r;
    size_t n = 0;

    rig_up(&r);
    done_log_init(&a);
    done_log_init(&b);
    memset(r.buf, 0xa5, 3000);
    CHECK_ST(dmabox_write_async(r.h, r.buf, 3000, 10, on_done, &a, &io), DMABOX_STATUS_PENDING);
    REQUIRE(io != NULL);
    CHECK_ST(dmabox_io_wait(io, DMABOX_WAIT_FOREVER, &n), DMABOX_STATUS_SUCCESS);
    CHECK_EQ(n, 3000);
    CHECK_EQ(atomic_load(&a.calls), 1);
    CHECK_ST(atomic_load(&a.status), DMABOX_STATUS_SUCCESS);
    CHECK_EQ(atomic_load(&a.information), 3000);
    /* Waiting again returns the same outcome at once. */
    CHECK_ST(dmabox_io_wait(io, 0, NULL), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_cancel(io), DMABOX_STATUS_SUCCESS);  /* after completion: harmless */
    CHECK_ST(dmabox_io_release(io), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_io_release(io), DMABOX_STATUS_INVALID_HANDLE);
    CHECK_ST(dmabox_io_wait(io, 0, NULL), DMABOX_STATUS_INVALID_HANDLE);
    CHECK_EQ(atomic_load(&a.calls), 1);

    /* No io handle: the I/O releases itself; the callback is the only news. */
    CHECK_ST(dmabox_read_async(r.h, r.buf2, 3000, 10, on_done, &b, NULL), DMABOX_STATUS_PENDING);
    exec_event_wait(&b.done, UINT64_MAX);
    CHECK_EQ(atomic_load(&b.calls), 1);
    CHECK_EQ(atomic_load(&b.information), 3000);
    CHECK(memcmp(r.buf, r.buf2, 3000) == 0);
    /* No callback: wait for it instead. */
    CHECK_ST(dmabox_ioctl_async(r.h, DRV_HOST_IOCTL_SUM, r.buf, 3000, r.buf2, 4, NULL, NULL, &io),
             DMABOX_STATUS_PENDING);
    CHECK_ST(dmabox_io_wait(io, DMABOX_WAIT_FOREVER, &n), DMABOX_STATUS_SUCCESS);
    CHECK_EQ(*(ULONG *)r.buf2, 3000u * 0xa5u);
    CHECK_ST(dmabox_io_release(io), DMABOX_STATUS_SUCCESS);
    rig_down(&r);
}

static void test_cancel(void)
{
    dmabox_io_t *io = NULL, *held[3] = {NULL};
    struct dmabox_machine_stats st;
    struct done_log a;
    struct rig r;
    size_t n = 0;

    rig_up(&r);
    done_log_init(&a);
    CHECK_ST(dmabox_ioctl_async(r.h, DRV_HOST_IOCTL_HOLD, NULL, 0, r.buf, 16, on_done, &a, &io),
             DMABOX_STATUS_PENDING);
    CHECK_ST(dmabox_io_wait(io, 20, NULL), DMABOX_STATUS_TIMEOUT);
    CHECK_EQ(info(&r, DRV_HOST_INFO_HELD), 1);
    /* The parked request's buffer cannot be freed while it waits. */
    CHECK_ST(dmabox_buffer_free(r.m, r.buf), DMABOX_STATUS_DEVICE_BUSY);
    CHECK_ST(dmabox_cancel(io), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_io_wait(io, DMABOX_WAIT_FOREVER, &n), DMABOX_STATUS_CANCELLED);
    CHECK_EQ(n, 0);
    CHECK_EQ(atomic_load(&a.calls), 1);
    CHECK_ST(atomic_load(&a.status), DMABOX_STATUS_CANCELLED);
    CHECK_EQ(info(&r, DRV_HOST_INFO_HELD), 0); /* EvtIoCanceledOnQueue ran */
    CHECK_ST(dmabox_cancel(io), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_io_release(io), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_cancel(io), DMABOX_STATUS_INVALID_HANDLE);
    CHECK_ST(dmabox_buffer_free(r.m, r.buf), DMABOX_STATUS_SUCCESS);

    /* Released by the driver instead. */
    for (int i = 0; i < 3; i++)
        CHECK_ST(dmabox_ioctl_async(r.h, DRV_HOST_IOCTL_HOLD, NULL, 0, NULL, 0, NULL, NULL, &held[i]),
                 DMABOX_STATUS_PENDING);
    CHECK_ST(dmabox_ioctl(r.h, DRV_HOST_IOCTL_RELEASE, NULL, 0, NULL, 0, &n), DMABOX_STATUS_SUCCESS);
    CHECK_EQ(n, 3);
    for (int i = 0; i < 3; i++) {
        CHECK_ST(dmabox_io_wait(held[i], DMABOX_WAIT_FOREVER, NULL), DMABOX_STATUS_SUCCESS);
        CHECK_ST(dmabox_io_release(held[i]), DMABOX_STATUS_SUCCESS);
    }
    CHECK_ST(dmabox_machine_stats(r.m, &st), DMABOX_STATUS_SUCCESS);
    CHECK_EQ(st.io_cancel_requests, 2);
    CHECK_EQ(st.io_submitted, st.io_completed);
    rig_down(&r);
}

struct writer {
    struct rig *r;
    dmabox_status_t status;
    size_t bytes;
};

/* A plain application thread (not one of the machine's). */
static void *writer_main(void *arg)
{
    struct writer *w = arg;
    w->status = dmabox_write(w->r->h, w->r->buf2, 512, 2048, &w->bytes);
    return NULL;
}

/* A powered-down device's power-managed queue holds new requests until D0. */
static void test_power_hold(void)
{
    struct writer w;
    pthread_t t;
    struct done_log a;
    dmabox_io_t *io = NULL;
    struct rig r;
    size_t n = 0;

    rig_up(&r);
    done_log_init(&a);
    memset(r.buf, 0x3c, 512);
    memset(r.buf2, 0x4d, 512);
    CHECK_ST(dmabox_write(r.h, r.buf, 512, 0, &n), DMABOX_STATUS_SUCCESS);
    CHECK_EQ(info(&r, DRV_HOST_INFO_D0_ENTRY), 1);
    CHECK_ST(dmabox_device_power_down(r.dev, DMABOX_POWER_D3), DMABOX_STATUS_SUCCESS);
    a.h = r.h;                           /* the callback will try a blocking read */
    a.buf = r.buf + 4096;
    CHECK_ST(dmabox_read_async(r.h, r.buf + 1024, 512, 0, on_done, &a, &io), DMABOX_STATUS_PENDING);
    w = (struct writer){.r = &r, .status = -1};
    REQUIRE(pthread_create(&t, NULL, writer_main, &w) == 0);
    CHECK_ST(dmabox_io_wait(io, 20, NULL), DMABOX_STATUS_TIMEOUT);
    CHECK_EQ(atomic_load(&a.calls), 0);
    CHECK_ST(dmabox_device_power_up(r.dev), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_io_wait(io, DMABOX_WAIT_FOREVER, &n), DMABOX_STATUS_SUCCESS);
    CHECK_EQ(n, 512);
    CHECK(memcmp(r.buf + 1024, r.buf, 512) == 0);
    pthread_join(t, NULL);
    CHECK_ST(w.status, DMABOX_STATUS_SUCCESS);
    CHECK_EQ(w.bytes, 512);
    /* The held read was presented by a machine thread when the queue restarted: the callback
     * ran there and its blocking call was refused rather than deadlocking. */
    CHECK_EQ(atomic_load(&a.calls), 1);
    if (atomic_load(&a.on_machine_thread))
        CHECK_ST(atomic_load(&a.nested), DMABOX_STATUS_NOT_SUPPORTED);
    else
        CHECK_ST(atomic_load(&a.nested), DMABOX_STATUS_SUCCESS);
    CHECK_EQ(info(&r, DRV_HOST_INFO_D0_ENTRY), 2);
    CHECK_EQ(info(&r, DRV_HOST_INFO_D0_EXIT), 1);
    CHECK_EQ(info(&r, DRV_HOST_INFO_WRONG_IRQL), 0);
    CHECK_ST(dmabox_io_release(io), DMABOX_STATUS_SUCCESS);
    rig_down(&r);
}

static void test_removal(void)
{
    dmabox_io_t *io = NULL, *io2 = NULL;
    struct done_log a;
    struct rig r;
    size_t n = 1;

    rig_up(&r);
    done_log_init(&a);
    CHECK_ST(dmabox_ioctl_async(r.h, DRV_HOST_IOCTL_HOLD, NULL, 0, NULL, 0, on_done, &a, &io),
             DMABOX_STATUS_PENDING);
    CHECK_ST(dmabox_device_surprise_remove(r.dev), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_read(r.h, r.buf, 16, 0, &n), DMABOX_STATUS_DEVICE_REMOVED);
    CHECK_EQ(n, 0);
    CHECK_ST(dmabox_write_async(r.h, r.buf, 16, 0, on_done, &a, &io2), DMABOX_STATUS_DEVICE_REMOVED);
    CHECK(io2 == NULL);
    CHECK_ST(dmabox_device_remove(r.dev), DMABOX_STATUS_SUCCESS);
    /* Removal purged the parked request. */
    CHECK_ST(dmabox_io_wait(io, DMABOX_WAIT_FOREVER, NULL), DMABOX_STATUS_CANCELLED);
    CHECK_EQ(atomic_load(&a.calls), 1);
    CHECK_ST(dmabox_read(r.h, r.buf, 16, 0, &n), DMABOX_STATUS_NO_SUCH_DEVICE);
    CHECK_ST(dmabox_ioctl(r.h, DRV_HOST_IOCTL_INFO, NULL, 0, NULL, 0, &n),
             DMABOX_STATUS_NO_SUCH_DEVICE);
    CHECK_ST(dmabox_io_release(io), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_close(r.h), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_read(r.h, r.buf, 16, 0, &n), DMABOX_STATUS_INVALID_HANDLE);
    rig_down(&r);
}

/* Closing a handle cancels its I/O; the io handles stay valid until released. */
static void test_close_cancels(void)
{
    dmabox_handle_t *h2 = NULL;
    dmabox_io_t *io = NULL;
    struct done_log a;
    struct rig r;

    rig_up(&r);
    done_log_init(&a);
    CHECK_ST(dmabox_device_open(r.m, &host_iface, &h2), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_ioctl_async(h2, DRV_HOST_IOCTL_HOLD, NULL, 0, NULL, 0, on_done, &a, &io),
             DMABOX_STATUS_PENDING);
    CHECK_ST(dmabox_close(h2), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_io_wait(io, DMABOX_WAIT_FOREVER, NULL), DMABOX_STATUS_CANCELLED);
    CHECK_EQ(atomic_load(&a.calls), 1);
    CHECK_EQ(info(&r, DRV_HOST_INFO_HELD), 0);
    CHECK_ST(dmabox_io_release(io), DMABOX_STATUS_SUCCESS);
    rig_down(&r);
}

/* A machine destroyed with a request parked and its io never released. */
static void test_destroy_pending(void)
{
    struct dmabox_machine_stats st;
    dmabox_io_t *io = NULL;
    struct done_log a;
    struct rig r;

    rig_up(&r);
    done_log_init(&a);
    CHECK_ST(dmabox_ioctl_async(r.h, DRV_HOST_IOCTL_HOLD, NULL, 0, NULL, 0, on_done, &a, &io),
             DMABOX_STATUS_PENDING);
    rig_down_stats(&r, &st);
    CHECK_EQ(st.forgotten_ios, 1);
    CHECK_EQ(st.forgotten_handles, 1);
    CHECK_EQ(st.forgotten_buffers, 2);
    CHECK_EQ(atomic_load(&a.calls), 1);
    CHECK_ST(atomic_load(&a.status), DMABOX_STATUS_CANCELLED);
    CHECK_ST(dmabox_io_release(io), DMABOX_STATUS_INVALID_HANDLE);
}

/* Teardown reports what the driver leaked as verifier findings, visible in the final stats. */
static void test_leak_reported(void)
{
    struct dmabox_machine_config cfg = host_test_config();
    struct dmabox_machine_stats st;
    dmabox_slot_t *slot = NULL;
    dmabox_driver_t *drv = NULL;
    dmabox_device_t *dev = NULL;
    dmabox_handle_t *h = NULL;
    dmabox_machine_t *m = NULL;

    cfg.verifier_mode = DMABOX_VERIFIER_RECORD;
    cfg.verifier_quiet = 1;
    REQUIRE(dmabox_machine_create(&cfg, &m) == DMABOX_STATUS_SUCCESS);
    REQUIRE(dmabox_plug(m, 0, "sgdma", NULL, &slot) == DMABOX_STATUS_SUCCESS);
    REQUIRE(dmabox_driver_load_linked(m, "drv_host", DMABOX_LINKED_DRIVER, &drv) ==
            DMABOX_STATUS_SUCCESS);
    REQUIRE(dmabox_device_attach(drv, slot, &dev) == DMABOX_STATUS_SUCCESS);
    REQUIRE(dmabox_device_open(m, &host_iface, &h) == DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_ioctl(h, DRV_HOST_IOCTL_LEAK, NULL, 0, NULL, 0, NULL), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_machine_stats(m, &st), DMABOX_STATUS_SUCCESS);
    CHECK_EQ(st.findings_total, 0);
    CHECK(st.pool_live_blocks >= 1);
    CHECK_ST(dmabox_machine_destroy(m, &st), DMABOX_STATUS_SUCCESS);
    CHECK_EQ(dmabox_stats_rule(&st, "POOL-002"), 1);
    CHECK_EQ(dmabox_stats_rule(&st, "pool-leak-at-teardown"), 1);
    CHECK_EQ(st.findings_total, 1);
    CHECK_EQ(st.rule_count, 1);
    CHECK_EQ(st.pool_live_blocks, 0);
}

int main(void)
{
    test_sync_rw();
    test_ioctl();
    test_io_bad_args();
    test_async();
    test_cancel();
    test_power_hold();
    test_removal();
    test_close_cancels();
    test_destroy_pending();
    test_leak_reported();
    return check_done();
}
