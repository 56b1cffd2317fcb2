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

/* Register access through a mapped address; size 1, 2, 4 or 8.  Returns 0, -EFAULT (not mapped),
 * or -EINVAL (width the model does not accept).  On error a read stores all-ones, like a master
 * abort on PCI. */
int mmio_read(struct machine *m, const volatile void *addr, unsigned size, uint64_t *value);
int mmio_write(struct machine *m, volatile void *addr, unsigned size, uint64_t value);

/* Port I/O by port number (port BARs). Same results. */
int port_read(struct machine *m, uint64_t port, unsigned size, uint64_t *value);
int port_write(struct machine *m, uint64_t port, unsigned size, uint64_t value);

#endif
