/* bus.h - the PCI-like bus of the simulated machine (platform layer).
 *
 * Slots hold device-model instances (include/dmabox/device_model.h).  Each device has a PCI-style
 * type-0 configuration space (vendor/device/class IDs, six BARs with size and memory/port type, an
 * interrupt pin and line, an MSI capability when the model uses message interrupts).  Plugging a
 * device assigns its BARs machine-physical addresses in an MMIO window above RAM (memory BARs) or
 * port numbers (port BARs), creates its interrupt source, and realizes the model.  The resources
 * are reported as the raw and translated lists a driver receives in EvtDevicePrepareHardware
 * (bus_resources; converted to CM_RESOURCE_LIST by the wdm layer). */
#ifndef DMABOX_PLATFORM_BUS_H
#define DMABOX_PLATFORM_BUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "physmem.h"

struct machine;
struct bus;
struct dmabox_dev;
struct dmabox_device_model;
struct dmabox_props;
struct intr_source;

#define BUS_MAX_SLOTS 8
#define BUS_MAX_BARS 6
#define BUS_INTX_FIRST_LINE 16        /* the line of slot s is 16 + s (config 0x3C at reset) */
#define BUS_MSI_FIRST_MESSAGE 0x100   /* message numbers of slot s start at 0x100 + 32 * s */

int bus_create(struct machine *m);             /* sets m->bus */
void bus_destroy(struct machine *m);           /* unplugs what is left */

/* Plugs an instance of `model` into `slot` (0..BUS_MAX_SLOTS-1) with options `props`.  On failure
 * returns a negative errno and writes a message to err: -EINVAL (bad model: ABI version, BAR
 * sizes, missing ops; an option not named in the model's options_help; the model's realize
 * failed), -EBUSY (slot in use), -ENOSPC (no room for a BAR), -ENOMEM.  The device is realized,
 * reset and idle afterwards; its port BARs answer at once, memory BARs once mmio_map'ed.
 * Passive level; not from a model callback. */
int bus_plug(struct bus *b, unsigned slot, const struct dmabox_device_model *model,
             const struct dmabox_props *props, struct dmabox_dev **out, char *err, size_t errlen);
/* Surprise-removes or unplugs: cuts its MMIO/port mappings (waiting for accesses in flight),
 * unrealizes the model (which stops its workers; workers it forgot are stopped too), destroys its
 * interrupt source and frees its slot.  IOMMU windows are the framework's and stay until it
 * unmaps them.  Call once per device; passive level; not from a model callback. */
void bus_unplug(struct dmabox_dev *dev);

/* The device in a slot, or NULL (empty, or being unplugged). */
struct dmabox_dev *bus_slot_device(struct bus *b, unsigned slot);

/* Configuration space access (as a driver's bus interface would do), 1/2/4 bytes naturally
 * aligned; anything else reads all-ones and writes nothing.  Model hooks see 0x40..0xDF; an MSI
 * device has its MSI capability at 0xE0.  BAR addresses are fixed at plug time: a write of
 * all-ones starts the sizing protocol, any other value ends it. */
uint32_t bus_config_read(struct dmabox_dev *dev, unsigned offset, unsigned size);
void bus_config_write(struct dmabox_dev *dev, unsigned offset, uint32_t value, unsigned size);

/* The resources of a plugged device, in the order a driver sees them: memory/port BARs in BAR
 * order, then the interrupt.  Fills at most max entries and returns how many there are. */
enum bus_res_type { BUS_RES_MEMORY, BUS_RES_PORT, BUS_RES_INTERRUPT };
struct bus_resource {
    enum bus_res_type type;
    uint64_t start;           /* memory: machine-physical; port: port number */
    uint64_t length;
    unsigned bar;             /* memory/port */
    bool message;             /* interrupt: MSI (edge, message) vs line (level) */
    unsigned vectors;         /* interrupt: message count (1 for a line) */
    unsigned line;            /* interrupt: raw line / first message number */
    uint8_t level;            /* interrupt: device level (translated DIRQL) */
};
size_t bus_resources(struct dmabox_dev *dev, struct bus_resource *out, size_t max);

/* The device's interrupt source (intr.h) and its IOMMU device id. */
struct intr_source *bus_device_intr(struct dmabox_dev *dev);
unsigned bus_device_id(const struct dmabox_dev *dev);
const struct dmabox_device_model *bus_device_model(const struct dmabox_dev *dev);
struct machine *bus_device_machine(const struct dmabox_dev *dev);

/* Per-device counters kept by the services (device_model.h) for every model. */
struct bus_dev_stats {
    uint64_t dma_reads, dma_writes, dma_bytes_read, dma_bytes_written;
    uint64_t dma_denied;          /* IOMMU, address-width and injected bus-abort refusals */
    uint64_t irqs_raised;
    uint64_t guest_errors;        /* dmabox_dev_guest_error calls */
    uint64_t mmio_reads, mmio_writes;   /* register and port accesses that reached the model */
    uint64_t dma_unmapped;        /* accesses allowed by the IOMMU that hit no RAM */
    uint64_t faults_injected;     /* accesses failed by the "dev.bus_abort" fault site */
    uint64_t faults_fired;        /* dmabox_dev_fault calls that fired */
};
void bus_device_stats(const struct dmabox_dev *dev, struct bus_dev_stats *out);

#endif
