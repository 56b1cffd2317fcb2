/* test_pktdma_driver_fixture.h - shared set-up for the pktdma reference driver tests
 * (tests/drivers): a machine in verifier RECORD mode with one pktdma device, the driver module
 * loaded by path (PKTDMA_DRV_SO) and opened by its interface class, pattern fill/verify with
 * guard bytes, and the end-of-test checks (no verifier finding, no IOMMU fault, nothing leaked).
 * Application side only: dmabox.h and the driver's public pktdma_ioctl.h, no WDK header. */
#ifndef TEST_PKTDMA_DRIVER_FIXTURE_H
#define TEST_PKTDMA_DRIVER_FIXTURE_H

#include <stdint.h>
#include <string.h>

#include "check.h"
#include "dmabox/dmabox.h"
#include "pktdma_ioctl.h"

#define CHECK_ST(call, want)                                                                   \
    do {                                                                                       \
        dmabox_status_t st_ = (call);                                                          \
        if (st_ == (want))                                                                     \
            check_passed++;                                                                    \
        else                                                                                   \
            check_fail(__FILE__, __LINE__, #call, "%s, want %s", dmabox_status_name(st_),      \
                       dmabox_status_name(want));                                              \
    } while (0)

#define GUARD_BYTE 0xA5u

struct pk_fixture {
    dmabox_machine_t *m;
    dmabox_slot_t *slot;
    dmabox_driver_t *drv;
    dmabox_device_t *dev;
    dmabox_handle_t *h;
};

static const dmabox_guid_t pk_iface = {PKTDMA_GUID_DATA1, PKTDMA_GUID_DATA2, PKTDMA_GUID_DATA3,
                                       PKTDMA_GUID_DATA4};

static inline void pk_start(struct pk_fixture *f, const char *options, uint64_t seed)
{
    struct dmabox_machine_config cfg = {0};

    memset(f, 0, sizeof(*f));
    cfg.cpus = 2;
    cfg.ram_bytes = 192ull << 20;
    cfg.ram_above_4g = 96ull << 20;
    cfg.seed = seed;
    cfg.verifier_mode = DMABOX_VERIFIER_RECORD;
    cfg.verifier_quiet = 0;
    REQUIRE(dmabox_machine_create(&cfg, &f->m) == DMABOX_STATUS_SUCCESS);
    REQUIRE(dmabox_plug(f->m, 0, "pktdma", options, &f->slot) == DMABOX_STATUS_SUCCESS);
    REQUIRE(dmabox_driver_load_so(f->m, PKTDMA_DRV_SO, &f->drv) == DMABOX_STATUS_SUCCESS);
    REQUIRE(dmabox_device_attach(f->drv, f->slot, &f->dev) == DMABOX_STATUS_SUCCESS);
    REQUIRE(dmabox_device_open(f->m, &pk_iface, &f->h) == DMABOX_STATUS_SUCCESS);
}

static inline PKTDMA_INFO pk_info(struct pk_fixture *f)
{
    PKTDMA_INFO *out = NULL, info;
    size_t bytes = 0;

    REQUIRE(dmabox_buffer_alloc(f->m, sizeof(*out), 0, (void **)&out) == DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_ioctl(f->h, IOCTL_PKTDMA_GET_INFO, NULL, 0, out, sizeof(*out), &bytes),
             DMABOX_STATUS_SUCCESS);
    CHECK_EQ(bytes, sizeof(*out));
    info = *out;
    CHECK_ST(dmabox_buffer_free(f->m, out), DMABOX_STATUS_SUCCESS);
    return info;
}

/* Byte i of a pattern identified by seed. */
static inline uint8_t pk_pattern(uint32_t seed, size_t i)
{
    uint32_t x = seed * 0x9E3779B1u + (uint32_t)i * 0x85EBCA6Bu;

    x ^= x >> 15;
    x *= 0x2C1B3C6Du;
    x ^= x >> 12;
    return (uint8_t)x;
}

/* Fills the whole allocation with guard bytes and [off, off+len) with the pattern. */
static inline void pk_fill(uint8_t *alloc, size_t alloc_len, size_t off, size_t len, uint32_t seed)
{
    memset(alloc, GUARD_BYTE, alloc_len);
    for (size_t i = 0; i < len; i++)
        alloc[off + i] = pk_pattern(seed, i);
}

/* Counts bytes that differ: the pattern in [off, off+len), guard bytes elsewhere. */
static inline size_t pk_verify(const uint8_t *alloc, size_t alloc_len, size_t off, size_t len,
                               uint32_t seed)
{
    size_t bad = 0;

    for (size_t i = 0; i < alloc_len; i++) {
        uint8_t want = (i >= off && i - off < len) ? pk_pattern(seed, i - off) : GUARD_BYTE;
        bad += alloc[i] != want;
    }
    return bad;
}

/* Closes, destroys the machine and checks that the driver left nothing behind. */
static inline void pk_end(struct pk_fixture *f)
{
    struct dmabox_machine_stats st;

    CHECK_ST(dmabox_close(f->h), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_machine_stats(f->m, &st), DMABOX_STATUS_SUCCESS);
    CHECK_EQ(st.iommu_faults, 0);
    CHECK_EQ(st.slots[0].dma_denied, 0);
    CHECK_EQ(st.slots[0].guest_errors, 0);
    CHECK_EQ(st.slots[0].irq_storms, 0);
    CHECK_ST(dmabox_machine_destroy(f->m, &st), DMABOX_STATUS_SUCCESS);
    CHECK_EQ(st.findings_total, 0);
    CHECK_EQ(st.iommu_faults, 0);
    CHECK_EQ(st.pool_live_blocks, 0);
    CHECK_EQ(st.framework_objects, 0);
    CHECK_EQ(st.forgotten_buffers, 0);
    CHECK_EQ(st.forgotten_ios, 0);
}

#endif
