/* test_dmatx_fixture.h - shared harness of the DMA transaction tests (tests/dma): a machine with
 * sgdma or pktdma in slot 0, the drv_dmatx driver loaded and its device started, machine-RAM
 * buffers with MDLs (scattered, or only above 4 GiB), pattern fill/verify.  The verifier records
 * quietly; tests of correct drivers assert vf_total() == 0.  Header-only: one include per test. */
#ifndef TEST_DMATX_FIXTURE_H
#define TEST_DMATX_FIXTURE_H

#include <stdio.h>
#include <string.h>

#include "drv_dmatx.h"

#include "check.h"
#include "registry.h"
#include "kmdf/core/fx_device.h"
#include "kmdf/core/fx_driver.h"
#include "kmdf/dma/fx_dmatransaction.h"
#include "kmdf/kmdf_machine.h"
#include "platform/bus.h"
#include "platform/iommu.h"
#include "platform/machine.h"
#include "platform/physmem.h"
#include "verifier/vf.h"
#include "wdm/wdm_machine.h"

struct dmatx_fixture {
    struct machine *m;
    struct dmabox_dev *bus;
    struct fx_driver_image *img;
    struct fx_device *dev;
};

struct dmatx_buf {
    uint8_t *va;
    size_t pages;
    PMDL mdl;                 /* describes the whole range */
};

static __attribute__((unused)) void dmatx_up(struct dmatx_fixture *f, const char *model, const DRV_DMATX_CONFIG *cfg)
{
    struct machine_config mc = {.ram_bytes = 256ull << 20};
    char err[128];

    memset(f, 0, sizeof(*f));
    REQUIRE(machine_create(&mc, &f->m) == 0);
    REQUIRE(vf_machine_attach(f->m) == 0);
    REQUIRE(wdm_machine_attach(f->m) == 0);
    REQUIRE(kmdf_machine_attach(f->m) == 0);
    vf_set_mode(VF_MODE_RECORD);
    vf_set_quiet(1);
    REQUIRE(bus_plug(f->m->bus, 0, dmabox_device_model_find(model), NULL, &f->bus, err,
                     sizeof(err)) == 0);
    DrvDmaTxConfigure(cfg);
    DrvDmaTxSetMisuse(DrvDmaTxMisuseNone);
    REQUIRE(fx_driver_load(f->m, "drv_dmatx", DriverEntry, &WdfDriverGlobals, &WdfFunctions_01033,
                           &f->img) == STATUS_SUCCESS);
    REQUIRE(fx_device_add(f->img, f->bus, &f->dev) == STATUS_SUCCESS && f->dev != NULL);
    REQUIRE(fx_device_start(f->dev) == STATUS_SUCCESS);
}

static __attribute__((unused)) void dmatx_down(struct dmatx_fixture *f)
{
    fx_driver_unload(f->img);
    CHECK_EQ(kmdf_object_count(f->m, FX_TYPE_ANY), 0);
    bus_unplug(f->bus);
    kmdf_machine_detach(f->m);
    wdm_machine_detach(f->m);
    vf_machine_detach(f->m);
    machine_destroy(f->m);
}

static __attribute__((unused)) struct dmatx_buf dmatx_buf_new(struct dmatx_fixture *f, size_t pages, unsigned flags)
{
    struct dmatx_buf b = {.pages = pages};

    b.va = physmem_alloc(f->m->mem, pages, flags);
    REQUIRE(b.va != NULL);
    b.mdl = IoAllocateMdl(b.va, (ULONG)(pages * PAGE_SIZE), FALSE, FALSE, NULL);
    REQUIRE(b.mdl != NULL);
    MmBuildMdlForNonPagedPool(b.mdl);
    return b;
}

static __attribute__((unused)) void dmatx_buf_free(struct dmatx_fixture *f, struct dmatx_buf *b)
{
    IoFreeMdl(b->mdl);
    CHECK(physmem_free(f->m->mem, b->va) == 0);
}

/* Byte i of pattern `seed`: position-dependent, so a shifted or swapped piece is visible. */
static inline uint8_t dmatx_pat(unsigned seed, size_t i)
{
    return (uint8_t)((i * 131u) ^ (i >> 8) ^ (seed * 29u));
}

static __attribute__((unused)) void dmatx_fill(uint8_t *p, size_t len, unsigned seed)
{
    for (size_t i = 0; i < len; i++)
        p[i] = dmatx_pat(seed, i);
}

/* Index of the first byte of p[0..len) that differs from pattern `seed` at offset `from`, or
 * (size_t)-1 if all match. */
static __attribute__((unused)) size_t dmatx_check(const uint8_t *p, size_t len, unsigned seed, size_t from)
{
    for (size_t i = 0; i < len; i++)
        if (p[i] != dmatx_pat(seed, from + i))
            return i;
    return (size_t)-1;
}

static __attribute__((unused)) struct fx_dmatx_stats dmatx_stats(ULONG channel)
{
    struct fx_dmatx_stats s;

    REQUIRE(fx_dmatx_get_stats(DrvDmaTxHandle(channel), &s));
    return s;
}

#endif
