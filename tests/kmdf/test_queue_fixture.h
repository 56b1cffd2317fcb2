/* test_queue_fixture.h - shared harness of the queue and request tests (tests/kmdf): a machine
 * with the echo test model (tests/platform/model_echo.c) in slot 0, the drv_queue driver loaded
 * through fx_driver_load and configured, one device added (and started), and helpers that submit
 * I/O through fx_io_submit and wait for its completion on an exec event.  Header-only: each test
 * executable includes it once. */
#ifndef TEST_QUEUE_FIXTURE_H
#define TEST_QUEUE_FIXTURE_H

#include <stdatomic.h>
#include <string.h>

#include "drv_queue.h"

#include "check.h"
#include "kmdf/core/fx_device.h"
#include "kmdf/core/fx_driver.h"
#include "kmdf/io/fx_io_submit.h"
#include "kmdf/kmdf_machine.h"
#include "model_echo.h"
#include "platform/bus.h"
#include "platform/exec.h"
#include "platform/exec_ctx.h"
#include "platform/machine.h"
#include "platform/physmem.h"
#include "verifier/vf.h"
#include "wdm/wdm_machine.h"

#define QF_WAIT_NS (10ull * 1000 * 1000 * 1000)

struct qf {
    struct machine *m;
    struct dmabox_dev *bus;
    struct fx_driver_image *img;
    struct fx_device *dev;
};

/* A default configuration: sequential, power-managed, buffered, completing at once. */
static inline DRVQ_CONFIG qf_config(void)
{
    DRVQ_CONFIG c;

    memset(&c, 0, sizeof(c));
    c.Dispatch = WdfIoQueueDispatchSequential;
    c.PowerManaged = WdfUseDefault;
    c.Mode = DRVQ_MODE_COMPLETE;
    return c;
}

/* Machine, driver, one device (started if `start`).  The verifier records (tests count
 * findings); a correct run must end with vf_total() == 0. */
static inline void qf_up(struct qf *f, const DRVQ_CONFIG *config, bool start)
{
    struct machine_config mc = {.ram_bytes = 64ull << 20};
    char err[128];

    memset(f, 0, sizeof(*f));
    REQUIRE(machine_create(&mc, &f->m) == 0);
    REQUIRE(vf_machine_attach(f->m) == 0);
    REQUIRE(wdm_machine_attach(f->m) == 0);
    REQUIRE(kmdf_machine_attach(f->m) == 0);
    vf_set_mode(VF_MODE_RECORD);
    vf_set_quiet(1);
    REQUIRE(bus_plug(f->m->bus, 0, &echo_model, NULL, &f->bus, err, sizeof(err)) == 0);
    DrvQueueConfigure(config);
    REQUIRE(fx_driver_load(f->m, "drv_queue", DriverEntry, &WdfDriverGlobals,
                           &WdfFunctions_01033, &f->img) == STATUS_SUCCESS);
    REQUIRE(fx_device_add(f->img, f->bus, &f->dev) == STATUS_SUCCESS && f->dev != NULL);
    if (start)
        REQUIRE(fx_device_start(f->dev) == STATUS_SUCCESS);
}

/* Unloads (removing the device if still there) and tears the machine down: nothing may be left. */
static inline void qf_down(struct qf *f)
{
    fx_driver_unload(f->img);
    CHECK_EQ(kmdf_object_count(f->m, FX_TYPE_ANY), 0);
    bus_unplug(f->bus);
    kmdf_machine_detach(f->m);
    wdm_machine_detach(f->m);
    vf_machine_detach(f->m);
    machine_destroy(f->m);
}

/* ---- one submission ---- */

struct qio {
    struct exec_event done;
    _Atomic int calls;
    NTSTATUS status;
    ULONG_PTR info;
    struct fx_io *io;
};

static inline void qio_done(void *ctx, struct fx_io *io, NTSTATUS status, ULONG_PTR info)
{
    struct qio *x = ctx;

    (void)io;
    x->status = status;
    x->info = info;
    atomic_fetch_add(&x->calls, 1);
    exec_event_set(&x->done);
}

static inline NTSTATUS qio_submit(struct qf *f, struct qio *x, const struct fx_io_params *p)
{
    memset(x, 0, sizeof(*x));
    exec_event_init(&x->done, false, false);
    atomic_init(&x->calls, 0);
    return fx_io_submit(f->dev, p, qio_done, x, &x->io);
}

static inline NTSTATUS qio_read(struct qf *f, struct qio *x, void *buf, size_t len,
                                LONGLONG offset)
{
    struct fx_io_params p = {.major = IRP_MJ_READ, .buffer = buf, .length = len, .offset = offset};
    return qio_submit(f, x, &p);
}

static inline NTSTATUS qio_write(struct qf *f, struct qio *x, void *buf, size_t len)
{
    struct fx_io_params p = {.major = IRP_MJ_WRITE, .buffer = buf, .length = len};
    return qio_submit(f, x, &p);
}

static inline NTSTATUS qio_ioctl(struct qf *f, struct qio *x, UCHAR major, ULONG code,
                                 const void *in, size_t in_len, void *out, size_t out_len)
{
    struct fx_io_params p = {.major = major, .ioctl = code, .in = in, .in_length = in_len,
                             .out = out, .out_length = out_len};
    return qio_submit(f, x, &p);
}

/* Completed (exactly once so far)? */
static inline bool qio_completed(struct qio *x)
{
    return atomic_load(&x->calls) != 0;
}

/* Waits for the completion; fails the test (and returns false) if it does not come. */
static inline bool qio_wait(struct qio *x)
{
    bool ok = exec_event_wait(&x->done, QF_WAIT_NS) && atomic_load(&x->calls) == 1;
    CHECK(ok);
    return ok;
}

static inline void qio_release(struct qio *x)
{
    fx_io_release(x->io);
    x->io = NULL;
}

/* ---- host threads and DPCs ---- */

/* Runs fn(arg) on the machine's DPC thread of CPU 0 (DISPATCH_LEVEL) and waits for it. */
struct qf_dpc {
    struct exec_dpc dpc;
    struct exec_event done;
    void (*fn)(void *arg);
    void *arg;
};

static inline void qf_dpc_fn(struct exec_dpc *dpc, void *arg)
{
    struct qf_dpc *d = arg;

    (void)dpc;
    d->fn(d->arg);
    exec_event_set(&d->done);
}

static inline void qf_run_dpc(struct qf *f, void (*fn)(void *arg), void *arg)
{
    struct qf_dpc d = {.fn = fn, .arg = arg};

    exec_event_init(&d.done, false, false);
    exec_dpc_init(&d.dpc, qf_dpc_fn, &d);
    REQUIRE(exec_dpc_queue(f->m->exec, &d.dpc, 0));
    REQUIRE(exec_event_wait(&d.done, QF_WAIT_NS));
}

/* A buffer of machine RAM (direct I/O needs real pages). */
static inline void *qf_ram(struct qf *f, size_t pages)
{
    void *p = physmem_alloc(f->m->mem, pages, PHYSMEM_ZERO);
    REQUIRE(p != NULL);
    return p;
}

#endif
