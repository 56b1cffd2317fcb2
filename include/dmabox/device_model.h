/* device_model.h - the ONLY interface a device model sees (QEMU-style: const descriptor + const
 * ops + opaque state).  A model may call nothing but the services declared here; the bus allocates
 * its state and the framework never looks inside it.
 *
 * A model behaves like hardware: it runs on its own worker (dmabox_worker_*), touches host memory
 * only through dmabox_dma_read/_write (IOMMU-checked, address-width-checked), reports errors in
 * its status registers and raises its interrupt; it never aborts and never silently clamps. */
#ifndef DMABOX_DEVICE_MODEL_H
#define DMABOX_DEVICE_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DMABOX_DEVICE_MODEL_ABI 1

struct dmabox_dev;      /* a device instance on the bus (opaque) */
struct dmabox_worker;   /* a model's worker thread (opaque) */

/* ---- identity and register map ---- */

struct dmabox_mmio_ops {
    uint64_t (*read)(void *state, uint64_t offset, unsigned size);
    void (*write)(void *state, uint64_t offset, uint64_t value, unsigned size);
    unsigned valid_min, valid_max;   /* access widths in bytes a driver may use (others: error);
                                      * 0 means 1 (min) and 8 (max).  Accesses are naturally
                                      * aligned and never cross the end of the BAR. */
};

enum dmabox_bar_type { DMABOX_BAR_NONE = 0, DMABOX_BAR_MEM32, DMABOX_BAR_MEM64, DMABOX_BAR_IO };

struct dmabox_bar_desc {
    enum dmabox_bar_type type;
    uint64_t size;                        /* power of two, >= 16; I/O <= 256, MEM32 <= 256 MiB */
    const struct dmabox_mmio_ops *ops;
};

enum dmabox_irq_kind { DMABOX_IRQ_LINE = 0, DMABOX_IRQ_MSI = 1 };

/* Options given at plug time: "name=value" pairs (e.g. "mem_mib=64", "latency_ns=2000"). */
struct dmabox_prop {
    const char *name;
    const char *value;
};
struct dmabox_props {
    const struct dmabox_prop *items;
    size_t count;
};

struct dmabox_device_model {
    unsigned abi_version;                 /* DMABOX_DEVICE_MODEL_ABI */
    const char *name;                     /* "sgdma" */
    const char *description;              /* one line */
    const char *options_help;             /* "name=default  meaning" lines, '\n'-separated; the
                                           * bus rejects an option whose name is not listed */
    uint16_t vendor_id, device_id, subsystem_vendor_id, subsystem_id;
    uint8_t revision;
    uint32_t class_code;                  /* 24-bit PCI class/subclass/prog-if */
    unsigned dma_address_bits;            /* what the bus master can drive: 32 or 64 */
    enum dmabox_irq_kind irq_kind;
    unsigned msi_vectors;                 /* DMABOX_IRQ_MSI: number of messages, 1..32, 2^n */
    size_t state_size;                    /* bytes of opaque state the bus allocates (zeroed) */
    struct dmabox_bar_desc bars[6];       /* a MEM64 BAR uses two registers: bars[i+1] NONE */

    /* Builds the device from its options; returns 0, or -1 with a message in err. */
    int (*realize)(struct dmabox_dev *dev, void *state, const struct dmabox_props *props,
                   char *err, size_t errlen);
    /* Stops workers and frees what realize allocated.  Called once, also after surprise removal. */
    void (*unrealize)(struct dmabox_dev *dev, void *state);
    /* Puts registers in their reset state and abandons work in flight (a function-level reset). */
    void (*reset)(void *state);
    /* Optional (NULL = reads 0, writes ignored): device-specific config space 0x40..0xDF; 0xE0..
     * holds the bus's MSI capability. */
    uint32_t (*config_read)(void *state, unsigned offset, unsigned size);
    void (*config_write)(void *state, unsigned offset, uint32_t value, unsigned size);
};

/* ---- services a model may call ---- */

void *dmabox_dev_state(struct dmabox_dev *dev);
const char *dmabox_dev_name(const struct dmabox_dev *dev);       /* "sgdma0" */

/* Option lookup with defaults; a malformed number is reported by realize as an error.
 * dmabox_props_get: the first value given for name, or NULL.  dmabox_props_u64: absent -> dflt
 * and 0; a decimal or 0x-hex number filling the whole value -> it and 0; else -EINVAL (and dflt). */
const char *dmabox_props_get(const struct dmabox_props *props, const char *name);
int dmabox_props_u64(const struct dmabox_props *props, const char *name, uint64_t dflt, uint64_t *out);

/* DMA: moves len bytes between host memory at bus address `addr` and the model's buffer.
 * Every access is checked, whole, in this order: the injected fault site "dev.bus_abort"
 * (IOMMU_DENIED), the device's address width (no wrapping), the IOMMU windows of this device
 * (a denial is recorded as an IOMMU fault), then RAM.  len 0 is OK and touches nothing.
 * Thread-safe; callable from any model thread. */
enum dmabox_dma_result {
    DMABOX_DMA_OK = 0,
    DMABOX_DMA_IOMMU_DENIED,   /* outside the windows opened for this device: a bus abort */
    DMABOX_DMA_UNMAPPED,       /* not RAM at all (even in pass-through mode) */
    DMABOX_DMA_ADDR_WIDTH,     /* address beyond what this bus master can drive */
};
__attribute__((warn_unused_result))
enum dmabox_dma_result dmabox_dma_read(struct dmabox_dev *dev, uint64_t addr, void *buf, size_t len);
__attribute__((warn_unused_result))
enum dmabox_dma_result dmabox_dma_write(struct dmabox_dev *dev, uint64_t addr, const void *buf, size_t len);

/* Interrupts: a line model raises/lowers its level; an MSI model sends an edge on a vector.
 * For an MSI model raise is send(0) and lower does nothing; send on a line model or to a vector
 * the model does not have is a model error (logged, ignored). */
void dmabox_irq_raise(struct dmabox_dev *dev);
void dmabox_irq_lower(struct dmabox_dev *dev);
void dmabox_irq_send(struct dmabox_dev *dev, unsigned vector);

/* A guest (driver) error the model noticed: logged with the device name, counted. */
void dmabox_dev_guest_error(struct dmabox_dev *dev, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Fault injection: true when the named site fires now.  Site names are global ("dev.stall"), so
 * one arm covers every device; firings are also counted per device.  The sites: docs/platform.md. */
bool dmabox_dev_fault(struct dmabox_dev *dev, const char *site);

/* Time. */
uint64_t dmabox_now_ns(void);

/* A worker: a thread of the model that runs fn(state) each time it is kicked (kicks while it runs
 * make it run again).  fn may pace itself with dmabox_worker_sleep (which returns false when the
 * worker is being stopped: fn should then return promptly). */
struct dmabox_worker *dmabox_worker_create(struct dmabox_dev *dev, const char *name,
                                           void (*fn)(void *state));
void dmabox_worker_kick(struct dmabox_worker *w);
/* A one-shot timer per worker: a call replaces a pending one that has not fired; 0 = kick now. */
void dmabox_worker_kick_after(struct dmabox_worker *w, uint64_t delay_ns);
bool dmabox_worker_sleep(struct dmabox_worker *w, uint64_t ns);
bool dmabox_worker_stopping(const struct dmabox_worker *w);
void dmabox_worker_destroy(struct dmabox_worker *w);   /* stops and joins; not from fn itself */
/* Workers a model still has after unrealize are stopped by the bus (with a model-error line). */

#endif
