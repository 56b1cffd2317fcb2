/* drv_irq_fixture.h - shared harness of the interrupt tests (tests/kmdf): a machine with an echo
 * test model (tests/platform/model_echo.c; line or an MSI variant) in slot 0, the drv_irq driver
 * loaded through fx_driver_load and one device added for the model.  The verifier records
 * (quietly); tests of correct use assert that nothing was found.  Header-only: each test
 * executable includes it once. */
#ifndef DRV_IRQ_FIXTURE_H
#define DRV_IRQ_FIXTURE_H

#include <stdio.h>
#include <string.h>

#include "drv_irq.h"

#include "check.h"
#include "kmdf/core/fx_device.h"
#include "kmdf/core/fx_driver.h"
#include "kmdf/kmdf_machine.h"
#include "model_echo.h"
#include "platform/bus.h"
#include "platform/exec_ctx.h"
#include "platform/intr.h"
#include "platform/machine.h"
#include "verifier/vf.h"
#include "wdm/wdm_cmres.h"
#include "wdm/wdm_machine.h"

struct irq_fixture {
    struct machine *m;
    struct dmabox_dev *bus;
    struct fx_driver_image *img;
    struct fx_device *dev;
    struct bus_resource irq;      /* the model's interrupt resource */
};

/* The harness side of DrvIrqProbeCpu: the simulated CPU of the calling thread. */
ULONG DrvIrqProbeCpu(VOID)
{
    return (ULONG)exec_ctx_self()->cpu;
}

/* The echo model with two MSI messages instead of its line. */
static struct dmabox_device_model echo_msi_model;

static __attribute__((unused)) const struct dmabox_device_model *echo_msi(void)
{
    echo_msi_model = echo_model;
    echo_msi_model.name = "echo-msi";
    echo_msi_model.irq_kind = DMABOX_IRQ_MSI;
    echo_msi_model.msi_vectors = 2;
    return &echo_msi_model;
}

/* A machine, the model in slot 0, the driver loaded in `mode` and a device added; the log is
 * empty afterwards. */
static void irq_up(struct irq_fixture *f, const struct dmabox_device_model *model, int mode,
                   BOOLEAN create_checks)
{
    struct machine_config cfg = {.ram_bytes = 64ull << 20};
    struct bus_resource res[8];
    char err[128];
    size_t n;

    memset(f, 0, sizeof(*f));
    REQUIRE(machine_create(&cfg, &f->m) == 0);
    REQUIRE(vf_machine_attach(f->m) == 0);
    REQUIRE(wdm_machine_attach(f->m) == 0);
    REQUIRE(kmdf_machine_attach(f->m) == 0);
    vf_set_mode(VF_MODE_RECORD);
    vf_set_quiet(1);
    REQUIRE(bus_plug(f->m->bus, 0, model, NULL, &f->bus, err, sizeof(err)) == 0);
    n = bus_resources(f->bus, res, 8);
    for (size_t i = 0; i < n; i++) {
        if (res[i].type == BUS_RES_INTERRUPT)
            f->irq = res[i];
    }
    DrvIrqReset();
    DrvIrqSetMode(mode);
    DrvIrqSetCreateChecks(create_checks);
    REQUIRE(fx_driver_load(f->m, "drv_irq", DriverEntry, &WdfDriverGlobals, &WdfFunctions_01033,
                           &f->img) == STATUS_SUCCESS);
    REQUIRE(fx_device_add(f->img, f->bus, &f->dev) == STATUS_SUCCESS && f->dev != NULL);
    DrvIrqLogReset();
}

/* Unloads the driver (removing the device if still there) and tears the machine down; nothing
 * may be left behind. */
static void irq_down(struct irq_fixture *f)
{
    fx_driver_unload(f->img);
    CHECK_EQ(kmdf_object_count(f->m, FX_TYPE_ANY), 0);
    bus_unplug(f->bus);
    kmdf_machine_detach(f->m);
    wdm_machine_detach(f->m);
    vf_machine_detach(f->m);
    machine_destroy(f->m);
}

static __attribute__((unused)) struct intr_stats irq_stats(struct irq_fixture *f)
{
    struct intr_source *src = bus_device_intr(f->bus);
    struct intr_stats s;
    uint8_t old;

    /* A delivery's accounting is done under the interrupt lock: take it once to settle. */
    old = intr_lock_acquire(src);
    intr_lock_release(src, old);
    intr_source_stats(src, &s);
    return s;
}

/* Compares the driver's log with `want`, printing both on a mismatch; then clears it. */
#define CHECK_IRQ_LOG(want)                                                                    \
    do {                                                                                       \
        const char *got_ = DrvIrqLog();                                                        \
        if (strcmp(got_, (want)) != 0)                                                         \
            fprintf(stderr, "log mismatch\n  want: %s\n  got:  %s\n", (want), got_);          \
        CHECK(strcmp(got_, (want)) == 0);                                                      \
        DrvIrqLogReset();                                                                      \
    } while (0)

#endif
