/* test_iommu.c - device DMA through the IOMMU: windows and their permissions, overlapping windows
 * and unmap multiplicity, fault records, pass-through, RAM checks and the address width of a
 * 32-bit bus master (no wrapping) (platform tests). */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "model_echo.h"
#include "platform/bus.h"
#include "platform/fault.h"
#include "platform/iommu.h"
#include "platform/machine.h"
#include "platform/mmio.h"

static struct machine *m;

static void fill(uint8_t *p, size_t n, uint8_t seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(seed + i * 7 + (i >> 8));
}

static size_t first_diff(const uint8_t *a, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return i;
    return n;
}

static void check_fault(uint64_t index, unsigned dev_id, uint64_t addr, uint64_t len, enum iommu_dir dir)
{
    struct iommu_fault f;
    REQUIRE(iommu_fault_get(m->iommu, index, &f) == 0);
    CHECK_EQ(f.device_id, dev_id);
    CHECK_EQ(f.addr, addr);
    CHECK_EQ(f.len, len);
    CHECK_EQ(f.dir, dir);
    CHECK(f.time_ns > 0);
}

/* Inside a window the bytes move exactly; outside, the access is a recorded fault. */
static void test_windows(struct dmabox_dev *dev)
{
    struct iommu *io = m->iommu;
    unsigned id = bus_device_id(dev);
    uint8_t *host = physmem_alloc(m->mem, 2, PHYSMEM_CONTIGUOUS);
    uint8_t in[8192], out[600], want[8192];
    uint64_t pa, faults;
    REQUIRE(host != NULL);
    pa = physmem_virt_to_phys(m->mem, host);
    fill(host, 8192, 1);
    memcpy(want, host, 8192);

    faults = iommu_fault_count(io);
    CHECK_EQ(dmabox_dma_read(dev, pa, in, 64), DMABOX_DMA_IOMMU_DENIED);
    CHECK_EQ(iommu_fault_count(io), faults + 1);
    check_fault(faults, id, pa, 64, IOMMU_DIR_DEVICE_READS);

    CHECK_EQ(iommu_map(io, id, pa, 8192, IOMMU_DIR_BOTH), 0);
    CHECK_EQ(iommu_window_count(io, id), 1);
    memset(in, 0, sizeof(in));
    CHECK_EQ(dmabox_dma_read(dev, pa, in, 8192), DMABOX_DMA_OK);
    CHECK_EQ(first_diff(in, want, 8192), 8192);
    fill(out, sizeof(out), 99);
    CHECK_EQ(dmabox_dma_write(dev, pa + 100, out, sizeof(out)), DMABOX_DMA_OK);
    memcpy(want + 100, out, sizeof(out));
    CHECK_EQ(first_diff(host, want, 8192), 8192);           /* only [100, 700) changed */

    /* Partly outside: refused whole, nothing written. */
    CHECK_EQ(dmabox_dma_write(dev, pa + 8192 - 10, out, 20), DMABOX_DMA_IOMMU_DENIED);
    check_fault(iommu_fault_count(io) - 1, id, pa + 8192 - 10, 20, IOMMU_DIR_DEVICE_WRITES);
    CHECK_EQ(first_diff(host, want, 8192), 8192);
    /* Another device id has no window here. */
    CHECK(!iommu_check(io, id + 1, pa, 16, IOMMU_DIR_DEVICE_READS));
    CHECK_EQ(iommu_unmap(io, id, pa, 8192, IOMMU_DIR_BOTH), 0);
    CHECK_EQ(dmabox_dma_read(dev, pa, in, 1), DMABOX_DMA_IOMMU_DENIED);
    CHECK_EQ(iommu_window_count(io, id), 0);
    physmem_free(m->mem, host);
}

/* Through the model's registers: host -> device buffer -> another host page. */
static void test_register_dma(struct dmabox_dev *dev)
{
    struct bus_resource res[4];
    unsigned id = bus_device_id(dev);
    uint8_t *host = physmem_alloc(m->mem, 2, PHYSMEM_SCATTERED), *r, *b;
    uint64_t src, dst, v = 0;
    REQUIRE(host != NULL);
    bus_resources(dev, res, 4);
    r = mmio_map(m, res[0].start, ECHO_BAR0_SIZE);
    b = mmio_map(m, res[2].start, ECHO_BAR2_SIZE);
    REQUIRE(r != NULL && b != NULL);
    src = physmem_virt_to_phys(m->mem, host);
    dst = physmem_virt_to_phys(m->mem, host + 4096);
    fill(host, 4096, 5);
    memset(host + 4096, 0, 4096);
    CHECK_EQ(iommu_map(m->iommu, id, src, 4096, IOMMU_DIR_DEVICE_READS), 0);
    CHECK_EQ(iommu_map(m->iommu, id, dst, 4096, IOMMU_DIR_DEVICE_WRITES), 0);

    CHECK_EQ(mmio_write(m, r + ECHO_REG_HOST_ADDR, 8, src), 0);
    CHECK_EQ(mmio_write(m, r + ECHO_REG_LEN, 4, 4096), 0);
    CHECK_EQ(mmio_write(m, r + ECHO_REG_DEV_OFF, 4, 0x100), 0);
    CHECK_EQ(mmio_write(m, r + ECHO_REG_CMD, 4, ECHO_CMD_TO_DEVICE), 0);
    CHECK_EQ(mmio_read(m, r + ECHO_REG_STATUS, 4, &v), 0);
    CHECK_EQ(v, DMABOX_DMA_OK);
    for (unsigned i = 0; i < 4096; i += 8) {
        uint64_t want;
        memcpy(&want, host + i, 8);
        CHECK_EQ(mmio_read(m, b + 0x100 + i, 8, &v), 0);
        if (v != want) {
            CHECK_EQ(v, want);
            break;
        }
    }
    CHECK_EQ(mmio_write(m, r + ECHO_REG_HOST_ADDR, 8, dst), 0);
    CHECK_EQ(mmio_write(m, r + ECHO_REG_CMD, 4, ECHO_CMD_TO_HOST), 0);
    CHECK_EQ(first_diff(host, host + 4096, 4096), 4096);
    /* The read-only window refuses the device writing into it. */
    CHECK_EQ(mmio_write(m, r + ECHO_REG_HOST_ADDR, 8, src), 0);
    CHECK_EQ(mmio_write(m, r + ECHO_REG_CMD, 4, ECHO_CMD_TO_HOST), 0);
    CHECK_EQ(mmio_read(m, r + ECHO_REG_STATUS, 4, &v), 0);
    CHECK_EQ(v, DMABOX_DMA_IOMMU_DENIED);
    CHECK_EQ(iommu_unmap(m->iommu, id, src, 4096, IOMMU_DIR_DEVICE_READS), 0);
    CHECK_EQ(iommu_unmap(m->iommu, id, dst, 4096, IOMMU_DIR_DEVICE_WRITES), 0);
    CHECK_EQ(mmio_unmap(m, r, ECHO_BAR0_SIZE), 0);
    CHECK_EQ(mmio_unmap(m, b, ECHO_BAR2_SIZE), 0);
    physmem_free(m->mem, host);
}

/* Write permission without read permission, and the other way round, are separate. */
static void test_permissions(struct dmabox_dev *dev)
{
    struct iommu *io = m->iommu;
    unsigned id = bus_device_id(dev);
    uint8_t *host = physmem_alloc(m->mem, 1, PHYSMEM_ZERO);
    uint8_t data[32], back[32];
    uint64_t pa, faults;
    REQUIRE(host != NULL);
    pa = physmem_virt_to_phys(m->mem, host);
    fill(data, sizeof(data), 3);
    CHECK_EQ(iommu_map(io, id, pa, 4096, IOMMU_DIR_DEVICE_WRITES), 0);
    CHECK_EQ(dmabox_dma_write(dev, pa + 64, data, 32), DMABOX_DMA_OK);
    CHECK_EQ(memcmp(host + 64, data, 32), 0);
    faults = iommu_fault_count(io);
    CHECK_EQ(dmabox_dma_read(dev, pa + 64, back, 32), DMABOX_DMA_IOMMU_DENIED);
    check_fault(faults, id, pa + 64, 32, IOMMU_DIR_DEVICE_READS);
    CHECK_EQ(iommu_unmap(io, id, pa, 4096, IOMMU_DIR_DEVICE_WRITES), 0);

    CHECK_EQ(iommu_map(io, id, pa, 4096, IOMMU_DIR_DEVICE_READS), 0);
    memset(back, 0, sizeof(back));
    CHECK_EQ(dmabox_dma_read(dev, pa + 64, back, 32), DMABOX_DMA_OK);
    CHECK_EQ(memcmp(back, data, 32), 0);
    CHECK_EQ(dmabox_dma_write(dev, pa, data, 1), DMABOX_DMA_IOMMU_DENIED);
    check_fault(iommu_fault_count(io) - 1, id, pa, 1, IOMMU_DIR_DEVICE_WRITES);
    /* A read window plus a write window over the same bytes allow both. */
    CHECK_EQ(iommu_map(io, id, pa, 4096, IOMMU_DIR_DEVICE_WRITES), 0);
    CHECK(iommu_check(io, id, pa, 4096, IOMMU_DIR_BOTH));
    CHECK_EQ(iommu_unmap(io, id, pa, 4096, IOMMU_DIR_DEVICE_READS), 0);
    CHECK(!iommu_check(io, id, pa, 4096, IOMMU_DIR_BOTH));
    CHECK_EQ(iommu_unmap(io, id, pa, 4096, IOMMU_DIR_DEVICE_WRITES), 0);
    physmem_free(m->mem, host);
}

/* Overlapping and repeated windows: the union allows, each map needs its own unmap. */
static void test_overlap(unsigned id)
{
    struct iommu *io = m->iommu;
    const uint64_t a = 0x40000000;           /* any bus address: the IOMMU does not need RAM */
    const enum iommu_dir R = IOMMU_DIR_DEVICE_READS;
    CHECK_EQ(iommu_map(io, id, a, 4096, R), 0);
    CHECK_EQ(iommu_map(io, id, a, 4096, R), 0);
    CHECK_EQ(iommu_map(io, id, a + 2048, 4096, R), 0);
    CHECK_EQ(iommu_map(io, id, a + 6144, 100, R), 0);       /* adjacent to the previous one */
    CHECK_EQ(iommu_window_count(io, id), 4);
    CHECK(iommu_check(io, id, a, 6144 + 100, R));           /* spans three windows */
    CHECK(!iommu_check(io, id, a, 6144 + 101, R));          /* one byte past */
    CHECK(!iommu_check(io, id, a - 1, 2, R));
    CHECK(!iommu_check(io, id, a, 16, IOMMU_DIR_DEVICE_WRITES));
    CHECK_EQ(iommu_unmap(io, id, a, 4096, R), 0);
    CHECK(iommu_check(io, id, a, 4096, R));                 /* still mapped once */
    CHECK_EQ(iommu_unmap(io, id, a, 4096, R), 0);
    CHECK(!iommu_check(io, id, a, 2048, R));
    CHECK(!iommu_check(io, id, a + 2047, 1, R));
    CHECK(iommu_check(io, id, a + 2048, 4096 + 100, R));
    CHECK_EQ(iommu_unmap(io, id, a, 4096, R), -ENOENT);     /* a third unmap has nothing to close */
    CHECK_EQ(iommu_unmap(io, id, a + 2048, 4096, IOMMU_DIR_BOTH), -ENOENT);  /* other direction */
    CHECK_EQ(iommu_unmap(io, id, a + 2048, 4095, R), -ENOENT);               /* other length */
    CHECK_EQ(iommu_window_count(io, id), 2);
    CHECK_EQ(iommu_unmap(io, id, a + 6144, 100, R), 0);
    CHECK_EQ(iommu_unmap(io, id, a + 2048, 4096, R), 0);
    CHECK_EQ(iommu_window_count(io, id), 0);
    CHECK(!iommu_check(io, id, a + 4096, 1, R));

    /* Many small windows, unmapped in another order: the coverage map stays exact. */
    for (unsigned i = 0; i < 200; i++)
        CHECK_EQ(iommu_map(io, id, a + i * 3000ull, 2000 + (i % 3) * 1000, R), 0);
    CHECK(iommu_check(io, id, a + 3000, 3000, R));          /* 2000 + 1000 = adjacent */
    CHECK(!iommu_check(io, id, a, 3000, R));                /* gap at 2000..3000 */
    for (unsigned i = 0; i < 200; i += 2)
        CHECK_EQ(iommu_unmap(io, id, a + i * 3000ull, 2000 + (i % 3) * 1000, R), 0);
    CHECK(!iommu_check(io, id, a, 1, R));
    CHECK(iommu_check(io, id, a + 3000, 2000 + 1000, R));
    for (unsigned i = 1; i < 200; i += 2)
        CHECK_EQ(iommu_unmap(io, id, a + i * 3000ull, 2000 + (i % 3) * 1000, R), 0);
    CHECK_EQ(iommu_window_count(io, id), 0);

    /* Bad arguments. */
    CHECK_EQ(iommu_map(io, 0, a, 16, R), -EINVAL);
    CHECK_EQ(iommu_map(io, id, a, 0, R), -EINVAL);
    CHECK_EQ(iommu_map(io, id, a, 16, 0), -EINVAL);
    CHECK_EQ(iommu_map(io, id, UINT64_MAX - 8, 16, R), -EINVAL);
    CHECK(!iommu_check(io, 0, a, 16, R));
}

/* Pass-through allows all RAM but nothing else; a range leaving a RAM bank is UNMAPPED. */
static void test_passthrough(struct dmabox_dev *dev)
{
    uint8_t *host = physmem_alloc(m->mem, 1, PHYSMEM_ZERO);
    uint8_t data[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, back[16];
    uint64_t pa = physmem_virt_to_phys(m->mem, host), high_end = PHYSMEM_4G + m->config.ram_above_4g;
    struct bus_dev_stats st0, st1;
    bus_device_stats(dev, &st0);
    iommu_set_passthrough(m->iommu, true);
    CHECK(iommu_passthrough(m->iommu));
    CHECK_EQ(dmabox_dma_write(dev, pa, data, 16), DMABOX_DMA_OK);
    CHECK_EQ(memcmp(host, data, 16), 0);
    CHECK_EQ(dmabox_dma_read(dev, high_end - 16, back, 16), DMABOX_DMA_OK);
    CHECK_EQ(dmabox_dma_read(dev, high_end - 8, back, 16), DMABOX_DMA_UNMAPPED);  /* past the bank */
    CHECK_EQ(dmabox_dma_read(dev, 0xE0000000, back, 4), DMABOX_DMA_UNMAPPED);    /* a BAR */
    CHECK_EQ(dmabox_dma_write(dev, 0x1000, data, 4), DMABOX_DMA_UNMAPPED);       /* below 1 MiB */
    iommu_set_passthrough(m->iommu, false);
    CHECK_EQ(dmabox_dma_read(dev, pa, back, 16), DMABOX_DMA_IOMMU_DENIED);
    /* With a window, non-RAM is still UNMAPPED. */
    CHECK_EQ(iommu_map(m->iommu, bus_device_id(dev), 0x1000, 64, IOMMU_DIR_BOTH), 0);
    CHECK_EQ(dmabox_dma_read(dev, 0x1000, back, 16), DMABOX_DMA_UNMAPPED);
    CHECK_EQ(iommu_unmap(m->iommu, bus_device_id(dev), 0x1000, 64, IOMMU_DIR_BOTH), 0);
    bus_device_stats(dev, &st1);
    CHECK_EQ(st1.dma_unmapped - st0.dma_unmapped, 4);
    CHECK_EQ(st1.dma_denied - st0.dma_denied, 1);
    CHECK_EQ(st1.dma_writes - st0.dma_writes, 1);
    CHECK_EQ(st1.dma_bytes_written - st0.dma_bytes_written, 16);
    CHECK_EQ(st1.dma_reads - st0.dma_reads, 1);
    physmem_free(m->mem, host);
}

/* A 32-bit master cannot drive an address >= 4 GiB: ADDR_WIDTH, and no wrap to the low alias. */
static void test_addr_width(struct dmabox_dev *dev32, struct dmabox_dev *dev64)
{
    const uint64_t low = 16ull << 20, high = PHYSMEM_4G + low;
    uint8_t *lo = physmem_phys_to_host(m->mem, low, 4096), *hi = physmem_phys_to_host(m->mem, high, 4096);
    uint8_t lo_want[4096], hi_want[4096], data[64], back[64];
    uint64_t faults = iommu_fault_count(m->iommu);
    struct bus_dev_stats st;
    REQUIRE(lo != NULL && hi != NULL);
    fill(lo, 4096, 11);
    fill(hi, 4096, 22);
    memcpy(lo_want, lo, 4096);
    memcpy(hi_want, hi, 4096);
    fill(data, sizeof(data), 33);
    CHECK_EQ(iommu_map(m->iommu, bus_device_id(dev32), high, 4096, IOMMU_DIR_BOTH), 0);
    CHECK_EQ(iommu_map(m->iommu, bus_device_id(dev32), low, 4096, IOMMU_DIR_BOTH), 0);
    CHECK_EQ(dmabox_dma_write(dev32, high + 128, data, 64), DMABOX_DMA_ADDR_WIDTH);
    CHECK_EQ(dmabox_dma_read(dev32, high, back, 64), DMABOX_DMA_ADDR_WIDTH);
    CHECK_EQ(dmabox_dma_write(dev32, PHYSMEM_4G - 16, data, 32), DMABOX_DMA_ADDR_WIDTH); /* crosses */
    CHECK_EQ(first_diff(lo, lo_want, 4096), 4096);
    CHECK_EQ(first_diff(hi, hi_want, 4096), 4096);
    CHECK_EQ(iommu_fault_count(m->iommu), faults);          /* refused before the IOMMU */
    bus_device_stats(dev32, &st);
    CHECK_EQ(st.dma_denied, 3);
    CHECK_EQ(st.dma_writes + st.dma_reads, 0);
    /* The last byte below 4 GiB is reachable in width (the IOMMU then decides). */
    CHECK_EQ(dmabox_dma_write(dev32, PHYSMEM_4G - 1, data, 1), DMABOX_DMA_IOMMU_DENIED);
    /* Below 4 GiB the 32-bit master works. */
    CHECK_EQ(dmabox_dma_write(dev32, low + 128, data, 64), DMABOX_DMA_OK);
    memcpy(lo_want + 128, data, 64);
    CHECK_EQ(first_diff(lo, lo_want, 4096), 4096);
    /* A 64-bit master reaches the high page itself, and only it. */
    CHECK_EQ(iommu_map(m->iommu, bus_device_id(dev64), high, 4096, IOMMU_DIR_BOTH), 0);
    CHECK_EQ(dmabox_dma_write(dev64, high + 128, data, 64), DMABOX_DMA_OK);
    memcpy(hi_want + 128, data, 64);
    CHECK_EQ(first_diff(hi, hi_want, 4096), 4096);
    CHECK_EQ(first_diff(lo, lo_want, 4096), 4096);
    /* A 64-bit access may not wrap past 2^64 either. */
    CHECK_EQ(dmabox_dma_read(dev64, UINT64_MAX - 3, back, 8), DMABOX_DMA_ADDR_WIDTH);
    CHECK_EQ(iommu_unmap(m->iommu, bus_device_id(dev64), high, 4096, IOMMU_DIR_BOTH), 0);
    CHECK_EQ(iommu_unmap(m->iommu, bus_device_id(dev32), high, 4096, IOMMU_DIR_BOTH), 0);
    CHECK_EQ(iommu_unmap(m->iommu, bus_device_id(dev32), low, 4096, IOMMU_DIR_BOTH), 0);
}

/* "dev.bus_abort" fails an access that would have worked, counted as injected, not as an IOMMU fault. */
static void test_bus_abort(struct dmabox_dev *dev)
{
    uint8_t *host = physmem_alloc(m->mem, 1, PHYSMEM_ZERO), b[8];
    uint64_t pa = physmem_virt_to_phys(m->mem, host), faults = iommu_fault_count(m->iommu);
    struct fault_spec sp = {.countdown = 2};
    struct bus_dev_stats st0, st1;
    bus_device_stats(dev, &st0);
    CHECK_EQ(iommu_map(m->iommu, bus_device_id(dev), pa, 4096, IOMMU_DIR_BOTH), 0);
    CHECK_EQ(fault_arm(m->faults, "dev.bus_abort", &sp), 0);
    CHECK_EQ(dmabox_dma_read(dev, pa, b, 8), DMABOX_DMA_OK);
    CHECK_EQ(dmabox_dma_read(dev, pa, b, 8), DMABOX_DMA_IOMMU_DENIED);
    CHECK_EQ(dmabox_dma_read(dev, pa, b, 8), DMABOX_DMA_OK);
    bus_device_stats(dev, &st1);
    CHECK_EQ(st1.faults_injected - st0.faults_injected, 1);
    CHECK_EQ(st1.dma_denied - st0.dma_denied, 1);
    CHECK_EQ(st1.dma_reads - st0.dma_reads, 2);
    CHECK_EQ(iommu_fault_count(m->iommu), faults);
    CHECK_EQ(fault_fired(m->faults, "dev.bus_abort"), 1);
    CHECK_EQ(iommu_unmap(m->iommu, bus_device_id(dev), pa, 4096, IOMMU_DIR_BOTH), 0);
    physmem_free(m->mem, host);
}

/* The fault log is bounded; the count keeps going. */
static void test_fault_log(unsigned id)
{
    uint64_t start = iommu_fault_count(m->iommu);
    struct iommu_fault f;
    for (unsigned i = 0; i < 100; i++)
        CHECK(!iommu_check(m->iommu, id, 0x1000 + i, 1, IOMMU_DIR_DEVICE_WRITES));
    CHECK_EQ(iommu_fault_count(m->iommu), start + 100);
    CHECK_EQ(iommu_fault_get(m->iommu, start + 99, &f), 0);
    CHECK_EQ(f.addr, 0x1000 + 99);
    CHECK_EQ(iommu_fault_get(m->iommu, start + 100, &f), -1);  /* not yet */
    CHECK_EQ(iommu_fault_get(m->iommu, start, &f), -1);        /* overwritten */
    CHECK_EQ(iommu_fault_get(m->iommu, start + 100 - 64, &f), 0);
    CHECK_EQ(f.addr, 0x1000 + 36);
}

int main(void)
{
    struct dmabox_device_model md32 = echo_model;
    struct dmabox_dev *dev, *dev32;
    char err[128];
    REQUIRE(machine_create(NULL, &m) == 0);
    md32.name = "echo32";
    md32.dma_address_bits = 32;
    REQUIRE(bus_plug(m->bus, 0, &echo_model, NULL, &dev, err, sizeof(err)) == 0);
    REQUIRE(bus_plug(m->bus, 1, &md32, NULL, &dev32, err, sizeof(err)) == 0);
    CHECK_EQ(bus_device_id(dev), 1);
    CHECK_EQ(bus_device_id(dev32), 2);
    test_windows(dev);
    test_register_dma(dev);
    test_permissions(dev);
    test_overlap(bus_device_id(dev));
    test_passthrough(dev);
    test_addr_width(dev32, dev);
    test_bus_abort(dev);
    test_fault_log(bus_device_id(dev));
    CHECK_EQ(iommu_window_count(m->iommu, 1), 0);
    CHECK_EQ(iommu_window_count(m->iommu, 2), 0);
    bus_unplug(dev32);
    bus_unplug(dev);
    machine_destroy(m);
    return check_done();
}
