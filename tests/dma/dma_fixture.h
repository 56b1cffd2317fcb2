/* dma_fixture.h - shared harness of the DMA enabler and common buffer tests (tests/dma): a machine
 * with the pktdma or sgdma model in slot 0, the drv_dma driver loaded through fx_driver_load with
 * a plan (drv_dma.h) and one device added.  The verifier records quietly; tests of correct use
 * assert that nothing was found.  Header-only: each test executable includes it once. */
#ifndef DMA_FIXTURE_H
#define DMA_FIXTURE_H

#include <stdio.h>
#include <string.h>

#include "drv_dma.h"

#include "check.h"
#include "kmdf/core/fx_device.h"
#include "kmdf/core/fx_driver.h"
#include "kmdf/kmdf_machine.h"
#include "pktdma/pktdma.h"
#include "platform/bus.h"
#include "platform/exec_ctx.h"
#include "platform/machine.h"
#include "sgdma/sgdma.h"
#include "verifier/vf.h"
#include "wdm/adapter/adapter.h"
#include "wdm/wdm_machine.h"

struct dma_fixture {
    struct machine *m;
    struct dmabox_dev *bus;
    struct fx_driver_image *img;
    struct fx_device *dev;
};

/* A machine with `model` in slot 0 and the driver loaded with `plan`; the device is added when
 * add is true (its EvtDriverDeviceAdd status in the return value). */
static NTSTATUS dma_up(struct dma_fixture *f, const struct dmabox_device_model *model,
                       const DRV_DMA_PLAN *plan, bool add)
{
    struct machine_config cfg = {.ram_bytes = 64ull << 20};
    char err[128];
    NTSTATUS status = STATUS_SUCCESS;

    memset(f, 0, sizeof(*f));
    REQUIRE(machine_create(&cfg, &f->m) == 0);
    REQUIRE(vf_machine_attach(f->m) == 0);
    REQUIRE(wdm_machine_attach(f->m) == 0);
    REQUIRE(kmdf_machine_attach(f->m) == 0);
    vf_set_mode(VF_MODE_RECORD);
    vf_set_quiet(1);
    REQUIRE(bus_plug(f->m->bus, 0, model, NULL, &f->bus, err, sizeof(err)) == 0);
    DrvDmaSetPlan(plan);
    REQUIRE(fx_driver_load(f->m, "drv_dma", DriverEntry, &WdfDriverGlobals, &WdfFunctions_01033,
                           &f->img) == STATUS_SUCCESS);
    if (add) {
        status = fx_device_add(f->img, f->bus, &f->dev);
        if (NT_SUCCESS(status))
            REQUIRE(f->dev != NULL);
    }
    return status;
}

/* Unloads the driver (removing the device if still there) and tears the machine down; nothing
 * may be left behind. */
static void dma_down(struct dma_fixture *f)
{
    fx_driver_unload(f->img);
    CHECK_EQ(kmdf_object_count(f->m, FX_TYPE_ANY), 0);
    bus_unplug(f->bus);
    kmdf_machine_detach(f->m);
    wdm_machine_detach(f->m);
    vf_machine_detach(f->m);
    machine_destroy(f->m);
}

/* A plan with no enablers: the tests create them. */
static __attribute__((unused)) DRV_DMA_PLAN plan_none(void)
{
    DRV_DMA_PLAN p;

    memset(&p, 0, sizeof(p));
    return p;
}

/* Compares the driver's log with `want`, printing both on a mismatch; then clears it. */
#define CHECK_DMA_LOG(want)                                                                    \
    do {                                                                                       \
        const char *got_ = DrvDmaLog();                                                        \
        if (strcmp(got_, (want)) != 0)                                                         \
            fprintf(stderr, "%s:%d: log mismatch\n  want: %s\n  got:  %s\n", __FILE__,        \
                    __LINE__, (want), got_);                                                   \
        CHECK(strcmp(got_, (want)) == 0);                                                      \
        DrvDmaLogReset();                                                                      \
    } while (0)

#endif
