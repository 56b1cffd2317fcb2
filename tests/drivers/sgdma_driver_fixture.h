/* sgdma_driver_fixture.h - helpers of the sgdma reference-driver tests (tests/drivers): a machine
 * with one sgdma device and the driver attached and opened through the host API only (as an
 * application would), seeded patterns with guard bytes, the driver's statistics IOCTL, and a
 * teardown that asserts zero verifier findings, zero IOMMU faults and nothing leaked. */
#ifndef SGDMA_DRIVER_FIXTURE_H
#define SGDMA_DRIVER_FIXTURE_H

#include <stdatomic.h>
#include <string.h>

#include <dmabox/dmabox.h>

#include "check.h"
#include "sgdma_ioctl.h"

#define GUARD 0xA5

#define CHECK_ST(expr, want)                                                                   \
    do {                                                                                       \
        dmabox_status_t got_ = (expr), want_ = (want);                                         \
        if (got_ == want_)                                                                     \
            check_passed++;                                                                    \
        else                                                                                   \
            check_fail(__FILE__, __LINE__, #expr, "%s (0x%08x), want %s (0x%08x)",            \
                       dmabox_status_name(got_), (unsigned)got_, dmabox_status_name(want_),   \
                       (unsigned)want_);                                                       \
    } while (0)

struct sgdma_fx {
    dmabox_machine_t *m;
    dmabox_slot_t *slot;
    dmabox_driver_t *drv;
    dmabox_device_t *dev;
    dmabox_handle_t *h;
};

static const dmabox_guid_t sgdma_iface = SGDMA_INTERFACE_GUID_INIT;

/* Machine (abort-mode verifier), sgdma in slot 1 with `options`, the driver loaded by `load`
 * (from its .so or linked in), attached and opened by its interface class. */
static inline void sgdma_fx_start(struct sgdma_fx *f, const char *options,
                                  dmabox_status_t (*load)(dmabox_machine_t *, dmabox_driver_t **))
{
    struct dmabox_machine_config cfg = {.cpus = 2, .ram_bytes = 192ull << 20, .seed = 17,
                                        .verifier_mode = DMABOX_VERIFIER_ABORT};

    memset(f, 0, sizeof(*f));
    REQUIRE(dmabox_machine_create(&cfg, &f->m) == DMABOX_STATUS_SUCCESS);
    REQUIRE(dmabox_plug(f->m, 1, "sgdma", options, &f->slot) == DMABOX_STATUS_SUCCESS);
    REQUIRE(load(f->m, &f->drv) == DMABOX_STATUS_SUCCESS);
    REQUIRE(dmabox_device_attach(f->drv, f->slot, &f->dev) == DMABOX_STATUS_SUCCESS);
    REQUIRE(dmabox_device_open(f->m, &sgdma_iface, &f->h) == DMABOX_STATUS_SUCCESS);
}

static inline void *sgdma_fx_buffer(struct sgdma_fx *f, size_t size, unsigned flags)
{
    void *p = NULL;

    REQUIRE(dmabox_buffer_alloc(f->m, size, flags, &p) == DMABOX_STATUS_SUCCESS);
    return p;
}

static inline SGDMA_STATISTICS sgdma_fx_stats(struct sgdma_fx *f)
{
    SGDMA_STATISTICS *out = sgdma_fx_buffer(f, sizeof(*out), 0), copy;
    size_t n = 0;

    CHECK_ST(dmabox_ioctl(f->h, IOCTL_SGDMA_GET_STATISTICS, NULL, 0, out, sizeof(*out), &n),
             DMABOX_STATUS_SUCCESS);
    CHECK_EQ(n, sizeof(*out));
    copy = *out;
    CHECK_ST(dmabox_buffer_free(f->m, out), DMABOX_STATUS_SUCCESS);
    return copy;
}

/* Closes, removes, unloads and destroys; the machine must end clean. */
static inline void sgdma_fx_end(struct sgdma_fx *f)
{
    struct dmabox_machine_stats st;

    if (f->h != NULL)
        CHECK_ST(dmabox_close(f->h), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_machine_stats(f->m, &st), DMABOX_STATUS_SUCCESS);
    CHECK_EQ(st.findings_total, 0);
    CHECK_EQ(st.iommu_faults, 0);
    CHECK_EQ(st.slots[1].dma_denied, 0);
    CHECK_EQ(st.slots[1].dma_unmapped, 0);
    CHECK_ST(dmabox_driver_unload(f->drv), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_machine_destroy(f->m, &st), DMABOX_STATUS_SUCCESS);
    CHECK_EQ(st.findings_total, 0);
    CHECK_EQ(st.iommu_faults, 0);
    CHECK_EQ(st.pool_live_blocks, 0);
    CHECK_EQ(st.framework_objects, 0);
    CHECK_EQ(st.io_outstanding, 0);
}

/* A seeded byte pattern: differs per byte, per offset and per seed. */
static inline void sgdma_pattern(unsigned char *p, size_t n, uint32_t seed)
{
    uint32_t x = seed * 2654435761u + 1;

    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        p[i] = (unsigned char)x;
    }
}

/* 1 if p[0..n) are all GUARD. */
static inline int sgdma_guarded(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != GUARD)
            return 0;
    return 1;
}

/* Counts completions per I/O (each must run exactly once). */
struct sgdma_done {
    atomic_uint calls;
    atomic_int status;
    atomic_size_t info;
};

static inline void sgdma_on_done(void *ctx, dmabox_status_t status, size_t information)
{
    struct sgdma_done *d = ctx;

    atomic_store(&d->status, status);
    atomic_store(&d->info, information);
    atomic_fetch_add(&d->calls, 1);
}

#endif
