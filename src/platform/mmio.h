/* mmio.h - register access of the simulated machine (platform layer).
 *
 * Mapping a BAR's physical range returns a CPU address inside a reserved, inaccessible (PROT_NONE)
 * arena: a driver that dereferences it directly faults at once, while READ_REGISTER_* /
 * WRITE_REGISTER_* (wdm) resolve it to (device, BAR, offset) in O(1) through a slot table and call
 * the model's MMIO ops.  Port BARs are reached by port number the same way.  An access that hits
 * no mapping, or a width the model does not accept, returns an error so the wdm layer can report
 * it to the verifier. */
#ifndef DMABOX_PLATFORM_MMIO_H
#define DMABOX_PLATFORM_MMIO_H

#include <stddef.h>
#include <stdint.h>

#include "physmem.h"

struct machine;

int mmio_create(struct machine *m);
void mmio_destroy(struct machine *m);

/* Maps [pa, pa+len) which must lie inside one memory BAR of a plugged device.  Returns the CPU
 * address, or NULL (not a BAR, or out of arena space).  The mapping goes away with mmio_unmap or
 * when the device is unplugged (later accesses then fail). */
void *mmio_map(struct machine *m, phys_addr_t pa, size_t len);
int mmio_unmap(struct machine *m, void *va, size_t len);   /* 0 or -EINVAL */

/* Register access through a mapped address; size 1, 2, 4 or 8, naturally aligned.  Returns 0,
 * -EFAULT (not mapped, or past the end of the BAR), or -EINVAL (a width outside the model's
 * valid_min..valid_max, where 0 means 1 and 8, or a misaligned access).  Thread-safe and O(1);
 * concurrent with mapping and unmapping other ranges.  On error a read stores all-ones, like a master
 * abort on PCI. */
int mmio_read(struct machine *m, const volatile void *addr, unsigned size, uint64_t *value);
int mmio_write(struct machine *m, volatile void *addr, unsigned size, uint64_t value);

/* Port I/O by port number (port BARs), size 1, 2 or 4.  Same results. */
int port_read(struct machine *m, uint64_t port, unsigned size, uint64_t *value);
int port_write(struct machine *m, uint64_t port, unsigned size, uint64_t value);

/* For the bus only.  Attach makes a plugged device reachable (its port BARs answer at once; its
 * memory BARs once mapped); 0 or -EBUSY if its slot is still attached.  Detach cuts every mapping
 * and port of the device and waits until no access is still inside its ops: afterwards the model
 * is never called through this module again.  Mappings stay reserved (their accesses fail with
 * -EFAULT) until mmio_unmap, so a driver's later MmUnmapIoSpace still succeeds. */
struct dmabox_dev;
int mmio_attach_device(struct machine *m, struct dmabox_dev *dev);
void mmio_detach_device(struct machine *m, struct dmabox_dev *dev);

#endif
