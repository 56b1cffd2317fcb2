/* test_pnp_fixture.h - shared harness of the PnP/power tests (tests/kmdf): a machine with the
 * echo test model (tests/platform/model_echo.c) plugged in slot 0, the drv_pnp driver loaded
 * through fx_driver_load, and a test power hook that logs each hook point into the driver's log
 * ("[res+]", "[intr+:D3Final]", ...) and checks that it runs on the driver's PnP thread at
 * PASSIVE_LEVEL.  Header-only: each test executable includes it once. */
#ifndef TEST_PNP_FIXTURE_H
#define TEST_PNP_FIXTURE_H

#include <stdio.h>
#include <string.h>

#include "drv_pnp.h"

#include "check.h"
#include "kmdf/core/fx_device.h"
#include "kmdf/core/fx_driver.h"
#include "kmdf/core/fx_worker.h"
#include "kmdf/kmdf_machine.h"
#include "model_echo.h"
#include "platform/bus.h"
#include "platform/exec_ctx.h"
#include "platform/machine.h"
#include "verifier/vf.h"
#include "wdm/wdm_machine.h"

struct pnp_fixture {
    struct machine *m;
    struct dmabox_dev *bus;
    struct fx_driver_image *img;
};

static void fixture_machine(struct pnp_fixture *f)
{
    struct machine_config cfg = {.ram_bytes = 64ull << 20};
    char err[128];

    memset(f, 0, sizeof(*f));
    REQUIRE(machine_create(&cfg, &f->m) == 0);
    REQUIRE(vf_machine_attach(f->m) == 0);
    REQUIRE(wdm_machine_attach(f->m) == 0);
    REQUIRE(kmdf_machine_attach(f->m) == 0);
    vf_set_mode(VF_MODE_RECORD);
    vf_set_quiet(1);
    REQUIRE(bus_plug(f->m->bus, 0, &echo_model, NULL, &f->bus, err, sizeof(err)) == 0);
}

/* A machine with the driver loaded; the log is empty afterwards. */
static void fixture_up(struct pnp_fixture *f)
{
    fixture_machine(f);
    DrvPnpFailCallback(NULL, STATUS_SUCCESS);
    DrvPnpSetMisuse(DRV_PNP_MISUSE_NONE);
    DrvPnpLogReset();
    REQUIRE(fx_driver_load(f->m, "drv_pnp", DriverEntry, &WdfDriverGlobals, &WdfFunctions_01033,
                           &f->img) == STATUS_SUCCESS);
    CHECK(strcmp(DrvPnpLog(), "DriverEntry DriverEntryDone") == 0);
    DrvPnpLogReset();
}

/* Unloads the driver (if loaded) and tears the machine down; nothing may be left behind. */
static void fixture_down(struct pnp_fixture *f)
{
    fx_driver_unload(f->img);
    CHECK_EQ(kmdf_object_count(f->m, FX_TYPE_ANY), 0);
    if (f->bus != NULL)
        bus_unplug(f->bus);
    kmdf_machine_detach(f->m);
    wdm_machine_detach(f->m);
    vf_machine_detach(f->m);
    machine_destroy(f->m);
}

/* Compares the driver's log with `want`, printing both on a mismatch; then clears it. */
#define CHECK_LOG(want)                                                                        \
    do {                                                                                       \
        const char *got_ = DrvPnpLog();                                                        \
        if (strcmp(got_, (want)) != 0)                                                         \
            fprintf(stderr, "log mismatch\n  want: %s\n  got:  %s\n", (want), got_);          \
        CHECK(strcmp(got_, (want)) == 0);                                                      \
        DrvPnpLogReset();                                                                      \
    } while (0)

/* ---- the test hook ---- */

struct test_hook {
    struct fx_device_power_hook hook;
    const char *tag;              /* prefix inside the brackets ("" or "A "), for two hooks */
    const char *fail;             /* the op that fails ("intr+", ...), or NULL */
    struct machine *m;
    int wrong_thread;             /* ops that ran off the PnP thread or above PASSIVE_LEVEL */
};

static const char *hook_state_name(WDF_POWER_DEVICE_STATE s)
{
    static const char *const names[] = {"?", "D0", "D1", "D2", "D3", "D3Final"};
    return (unsigned)s < 6 ? names[s] : "?";
}

static NTSTATUS hook_log(void *ctx, const char *op, const char *state)
{
    struct test_hook *t = ctx;
    struct exec_ctx *self = exec_ctx_self();
    char entry[64];
    bool fail = t->fail != NULL && strcmp(t->fail, op) == 0;

    if (self->machine != t->m || self->level != EXEC_LEVEL_PASSIVE || self->name == NULL ||
        strncmp(self->name, "pnp:", 4) != 0)
        t->wrong_thread++;
    snprintf(entry, sizeof(entry), "[%s%s%s%s%s]", t->tag, op, state != NULL ? ":" : "",
             state != NULL ? state : "", fail ? "=fail" : "");
    DrvPnpLogAppend(entry);
    return fail ? STATUS_DEVICE_POWER_FAILURE : STATUS_SUCCESS;
}

static NTSTATUS hook_res_assign(struct fx_device *dev, void *ctx, PCM_RESOURCE_LIST raw,
                                PCM_RESOURCE_LIST translated)
{
    (void)dev;
    if (raw == NULL || translated == NULL)
        return STATUS_UNSUCCESSFUL;
    return hook_log(ctx, "res+", NULL);
}

static NTSTATUS hook_intr_on(struct fx_device *dev, void *ctx, WDF_POWER_DEVICE_STATE s)
{
    (void)dev;
    return hook_log(ctx, "intr+", hook_state_name(s));
}

static NTSTATUS hook_dma_on(struct fx_device *dev, void *ctx, WDF_POWER_DEVICE_STATE s)
{
    (void)dev;
    return hook_log(ctx, "dma+", hook_state_name(s));
}

static NTSTATUS hook_q_on(struct fx_device *dev, void *ctx, WDF_POWER_DEVICE_STATE s)
{
    (void)dev;
    return hook_log(ctx, "q+", hook_state_name(s));
}

static NTSTATUS hook_q_off(struct fx_device *dev, void *ctx, WDF_POWER_DEVICE_STATE s)
{
    (void)dev;
    return hook_log(ctx, "q-", hook_state_name(s));
}

static NTSTATUS hook_dma_off(struct fx_device *dev, void *ctx, WDF_POWER_DEVICE_STATE s)
{
    (void)dev;
    return hook_log(ctx, "dma-", hook_state_name(s));
}

static NTSTATUS hook_intr_off(struct fx_device *dev, void *ctx, WDF_POWER_DEVICE_STATE s)
{
    (void)dev;
    return hook_log(ctx, "intr-", hook_state_name(s));
}

static NTSTATUS hook_res_release(struct fx_device *dev, void *ctx)
{
    (void)dev;
    return hook_log(ctx, "res-", NULL);
}

static NTSTATUS hook_purge(struct fx_device *dev, void *ctx)
{
    (void)dev;
    return hook_log(ctx, "purge", NULL);
}

static const struct fx_device_power_hook_ops test_hook_ops = {
    .name = "test",
    .resources_assign = hook_res_assign,
    .interrupts_enable = hook_intr_on,
    .dma_enable = hook_dma_on,
    .queues_start = hook_q_on,
    .queues_stop = hook_q_off,
    .dma_disable = hook_dma_off,
    .interrupts_disable = hook_intr_off,
    .resources_release = hook_res_release,
    .queues_purge = hook_purge,
};

struct hook_reg {
    struct fx_device *dev;
    struct test_hook *hook;
};

static NTSTATUS hook_register_work(void *arg)
{
    struct hook_reg *r = arg;
    fx_device_hook_register(r->dev, &r->hook->hook);
    return STATUS_SUCCESS;
}

/* Registers t on dev from the PnP thread, as framework components do. */
static void hook_attach(struct pnp_fixture *f, struct fx_device *dev, struct test_hook *t,
                        const char *tag, const char *fail)
{
    struct hook_reg r = {dev, t};

    memset(t, 0, sizeof(*t));
    t->hook.ops = &test_hook_ops;
    t->hook.ctx = t;
    t->tag = tag;
    t->fail = fail;
    t->m = f->m;
    REQUIRE(fx_worker_call(f->img->worker, hook_register_work, &r) == STATUS_SUCCESS);
}

/* Adds a device for the echo model with one test hook; the log is empty afterwards. */
static struct fx_device *fixture_add(struct pnp_fixture *f, struct test_hook *t, const char *fail)
{
    struct fx_device *dev = NULL;

    REQUIRE(fx_device_add(f->img, f->bus, &dev) == STATUS_SUCCESS && dev != NULL);
    CHECK_LOG("DeviceAdd DeviceAddDone");
    CHECK(fx_device_state(dev) == FX_PNP_STATE_ADDED);
    hook_attach(f, dev, t, "", fail);
    return dev;
}

#endif
