/* bus_dev.h - the device instance on the bus, shared by bus.c, bus_config.c, mmio.c and
 * dev_services.c (platform layer).  Nothing outside those files looks inside struct dmabox_dev:
 * upper layers use bus.h, models use include/dmabox/device_model.h. */
#ifndef DMABOX_PLATFORM_BUS_DEV_H
#define DMABOX_PLATFORM_BUS_DEV_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "bus.h"

#include "dmabox/device_model.h"

#define BUS_CONFIG_SIZE 256
#define BUS_CONFIG_MSI_CAP 0xE0      /* bus-owned MSI capability; models own 0x40..0xDF */

/* Counters kept by the services; relaxed atomics, read by bus_device_stats. */
struct bus_dev_counters {
    _Atomic uint64_t dma_reads, dma_writes, dma_bytes_read, dma_bytes_written;
    _Atomic uint64_t dma_denied, dma_unmapped, faults_injected, faults_fired;
    _Atomic uint64_t irqs_raised, guest_errors, mmio_reads, mmio_writes;
};

struct dmabox_dev {
    struct bus *bus;
    struct machine *machine;
    const struct dmabox_device_model *model;
    unsigned slot;
    char name[32];                     /* model name + instance number: "sgdma0" */
    void *state;                       /* calloc(state_size), owned by the bus */
    struct intr_source *irq;
    uint64_t dma_limit;                /* 2^dma_address_bits, 0 when the device drives 64 bits */
    uint64_t bar_base[BUS_MAX_BARS];   /* memory: machine-physical; port: port number; 0 = none */
    atomic_int irq_asserted;           /* line level as the model last set it (status bit 3) */

    /* Configuration space: the writable registers; the rest is computed from the model. */
    pthread_mutex_t cfg_lock;
    uint16_t command;
    uint8_t cache_line, latency, int_line;
    bool bar_sizing[BUS_MAX_BARS];     /* all-ones written: reads return the size mask */
    uint16_t msi_control;              /* enable + multiple message enable bits */
    uint32_t msi_addr_lo, msi_addr_hi;
    uint16_t msi_data;

    /* Workers the model created and has not destroyed yet (dev_services.c). */
    pthread_mutex_t workers_lock;
    struct dmabox_worker *workers;

    struct bus_dev_counters stats;
};

/* Finds the plugged device whose memory BAR contains [pa, pa+len).  Returns the device (and its
 * slot, BAR index and the offset of pa in the BAR) or NULL.  Takes the bus lock; the device may be
 * unplugged as soon as it returns, so the caller re-validates under its own lock. */
struct dmabox_dev *bus_find_mem_bar(struct bus *b, phys_addr_t pa, uint64_t len, unsigned *slot,
                                    unsigned *bar, uint64_t *offset);

/* Config-space helpers (bus_config.c). */
void bus_config_init(struct dmabox_dev *dev);

/* Stops and frees workers the model left running at unrealize (dev_services.c). */
void dev_services_reap_workers(struct dmabox_dev *dev);

#endif
