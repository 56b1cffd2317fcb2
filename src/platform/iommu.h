/* iommu.h - the IOMMU of the simulated machine (platform layer).
 *
 * Bus addresses (what a device puts on the bus) translate to machine-physical addresses by
 * identity, but a device may touch only the windows the framework opened for it: each window is a
 * bus range with read and/or write permission for one device.  The framework opens windows when
 * it maps a buffer or allocates a common buffer and closes them at unmap/free.  Any other access
 * fails like a PCIe abort (the device model sees an error result) and is recorded as a fault:
 * device, bus address, length, direction.  Pass-through mode (explicit, for speed) allows all of RAM. */
#ifndef DMABOX_PLATFORM_IOMMU_H
#define DMABOX_PLATFORM_IOMMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "physmem.h"

typedef uint64_t bus_addr_t;

struct machine;
struct iommu;

enum iommu_dir {
    IOMMU_DIR_DEVICE_READS = 1 << 0,  /* device reads host memory (host-to-device transfer) */
    IOMMU_DIR_DEVICE_WRITES = 1 << 1, /* device writes host memory (device-to-host transfer) */
    IOMMU_DIR_BOTH = 3,
};

struct iommu_fault {
    unsigned device_id;
    bus_addr_t addr;
    uint64_t len;
    enum iommu_dir dir;        /* the attempted access */
    uint64_t time_ns;
};

int iommu_create(struct machine *m);      /* sets m->iommu */
void iommu_destroy(struct machine *m);

/* Bus address of a machine-physical address (identity) and back. */
static inline bus_addr_t iommu_phys_to_bus(phys_addr_t pa) { return (bus_addr_t)pa; }
static inline phys_addr_t iommu_bus_to_phys(bus_addr_t ba) { return (phys_addr_t)ba; }

/* Opens a window [addr, addr+len) with permissions dir for device_id.  Windows may overlap (the
 * same page mapped for two transfers); each map needs its own unmap.  Returns 0 or -errno. */
int iommu_map(struct iommu *io, unsigned device_id, bus_addr_t addr, uint64_t len, enum iommu_dir dir);
/* Closes the window opened with exactly these arguments.  Returns 0, or -ENOENT. */
int iommu_unmap(struct iommu *io, unsigned device_id, bus_addr_t addr, uint64_t len, enum iommu_dir dir);

/* Checks a device access; on denial records a fault and returns false.  Thread-safe, O(log n). */
bool iommu_check(struct iommu *io, unsigned device_id, bus_addr_t addr, uint64_t len, enum iommu_dir dir);

void iommu_set_passthrough(struct iommu *io, bool on);
bool iommu_passthrough(const struct iommu *io);

/* Faults recorded so far (a bounded log; the count keeps going). */
uint64_t iommu_fault_count(const struct iommu *io);
int iommu_fault_get(const struct iommu *io, uint64_t index, struct iommu_fault *out); /* 0 or -1 */
/* Number of windows currently open for a device (leak checks at removal). */
size_t iommu_window_count(const struct iommu *io, unsigned device_id);

#endif
