/* drv_irq_defer_fixture.h - shared harness of the DPC, timer and work-item tests (tests/kmdf): a
 * machine, the drv_irq_defer driver loaded through fx_driver_load and one device without
 * hardware.  The verifier records quietly; tests of correct use assert that nothing was found.
 * Header-only: each test executable includes it once. */
#ifndef DRV_IRQ_DEFER_FIXTURE_H
#define DRV_IRQ_DEFER_FIXTURE_H

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "drv_irq_defer.h"

#include "check.h"
#include "kmdf/core/fx_device.h"
#include "kmdf/core/fx_driver.h"
#include "kmdf/kmdf_machine.h"
#include "platform/exec_ctx.h"
#include "platform/machine.h"
#include "verifier/vf.h"
#include "wdm/wdm_machine.h"

struct defer_fixture {
    struct machine *m;
    struct fx_driver_image *img;
    struct fx_device *dev;
};

ULONG DrvDeferProbeCpu(VOID)
{
    return (ULONG)exec_ctx_self()->cpu;
}

static void defer_up(struct defer_fixture *f, int device_kind)
{
    struct machine_config cfg = {.ram_bytes = 32ull << 20};

    memset(f, 0, sizeof(*f));
    REQUIRE(machine_create(&cfg, &f->m) == 0);
    REQUIRE(vf_machine_attach(f->m) == 0);
    REQUIRE(wdm_machine_attach(f->m) == 0);
    REQUIRE(kmdf_machine_attach(f->m) == 0);
    vf_set_mode(VF_MODE_RECORD);
    vf_set_quiet(1);
    DrvDeferReset();
    DrvDeferSetDevice(device_kind);
    REQUIRE(fx_driver_load(f->m, "drv_irq_defer", DriverEntry, &WdfDriverGlobals,
                           &WdfFunctions_01033, &f->img) == STATUS_SUCCESS);
    REQUIRE(fx_device_add(f->img, NULL, &f->dev) == STATUS_SUCCESS && f->dev != NULL);
}

static void defer_down(struct defer_fixture *f)
{
    fx_driver_unload(f->img);
    CHECK_EQ(kmdf_object_count(f->m, FX_TYPE_ANY), 0);
    kmdf_machine_detach(f->m);
    wdm_machine_detach(f->m);
    vf_machine_detach(f->m);
    machine_destroy(f->m);
}

/* Widens a race window a test then checks the outcome of; correctness never depends on it. */
static __attribute__((unused)) void defer_pause_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

/* Runs fn(arg) on a second application thread of the machine. */
struct defer_thread {
    pthread_t tid;
    struct machine *m;
    void (*fn)(void *arg);
    void *arg;
};

static void *defer_thread_main(void *p)
{
    struct defer_thread *t = p;

    exec_ctx_attach(t->m, "app2");
    t->fn(t->arg);
    return NULL;
}

static __attribute__((unused)) void defer_thread_start(struct defer_thread *t, struct machine *m,
                                                       void (*fn)(void *), void *arg)
{
    t->m = m;
    t->fn = fn;
    t->arg = arg;
    REQUIRE(pthread_create(&t->tid, NULL, defer_thread_main, t) == 0);
}

static __attribute__((unused)) void defer_thread_join(struct defer_thread *t)
{
    pthread_join(t->tid, NULL);
}

#endif
