/* bringup.h - the device bring-up job behind `dmabox run` (tools layer).
 *
 * Device bring-up: the model is driven directly over MMIO, DMA windows and interrupts, as its
 * register spec (docs/devices/<model>.md) says; the KMDF driver path replaces this with the main
 * job.  bringup.c owns the machine, the device's resources, host buffers and the request loop;
 * run_sgdma.c and run_pktdma.c program one device each through struct bringup_dev_ops. */
#ifndef DMABOX_TOOLS_BRINGUP_H
#define DMABOX_TOOLS_BRINGUP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pattern.h"
#include "platform/fault.h"

struct machine;
struct dmabox_dev;
struct intr_source;
struct bringup;

#define BRINGUP_MAX_OPTIONS 16
#define BRINGUP_MAX_FAULTS 8
#define BRINGUP_MIN_SIZE 512u                 /* request sizes: 512 B .. 1 MiB */
#define BRINGUP_MAX_SIZE (1u << 20)
#define BRINGUP_GUARD 64u                     /* at least this many guard bytes each side */
#define BRINGUP_TIMEOUT_NS (30ull * 1000000000ull) /* only a hung device runs into it */

struct bringup_opts {
    const char *device;                       /* registry name */
    uint64_t requests;
    uint64_t seed;
    bool corrupt;                             /* --corrupt-device-memory */
    size_t noptions;                          /* --device-option NAME=VALUE, passed to the model */
    char *option_names[BRINGUP_MAX_OPTIONS];
    char *option_values[BRINGUP_MAX_OPTIONS];
    size_t nfaults;                           /* --fault SITE=SPEC, armed before the requests */
    const char *fault_sites[BRINGUP_MAX_FAULTS];
    struct fault_spec fault_specs[BRINGUP_MAX_FAULTS];
};

/* A host buffer: a physmem range whose data region [off, off+len) is surrounded by guards. */
struct host_buf {
    uint8_t *va;
    size_t pages;
    size_t off, len;
};

enum xfer_dir { XFER_H2D, XFER_D2H };

/* What the device can do, read from its capability registers by ops->start. */
struct bringup_caps {
    uint64_t max_xfer;                        /* bytes per descriptor (sgdma) / transfer (pktdma) */
    uint64_t align;                           /* host address, device offset and length */
    uint64_t mem_size;                        /* device memory bytes */
};

struct bringup_dev_ops {
    const char *name;
    unsigned buf_flags;                       /* physmem flags for host buffers */
    /* Checks identity, reads the caps, resets the device, connects and enables its interrupt and
     * sets up what it needs (rings).  Returns 0, or -1 with a message in b->err. */
    int (*start)(struct bringup *b);
    /* Moves buf's data region to (H2D) or from (D2H) device memory at dev_off, split as the
     * device needs, with IOMMU windows open only while the device works and completion by
     * interrupt.  Returns 0, or -1 on a device error (message in b->err; the device has let go
     * of the buffer and every window it opened is closed). */
    int (*transfer)(struct bringup *b, const struct host_buf *buf, uint64_t dev_off, enum xfer_dir dir);
    /* Compares the device's own counters with what the job did; 0 or -1 with b->err. */
    int (*check_counters)(struct bringup *b);
    /* Disconnects the interrupt and frees what start set up.  Safe after a failed start. */
    void (*stop)(struct bringup *b);
};

extern const struct bringup_dev_ops sgdma_bringup_ops;
extern const struct bringup_dev_ops pktdma_bringup_ops;

struct bringup_stats {
    uint64_t requests_done;
    uint64_t bytes_h2d, bytes_d2h;            /* payload of the requests (corruption excluded) */
    uint64_t transfers, descriptors;          /* device transfers started / descriptors written */
    uint64_t aux_transfers, aux_bytes;        /* ... of which for --corrupt-device-memory */
    uint64_t verified_bytes;                  /* destination bytes found equal to the payload */
    uint64_t mismatches;                      /* bytes differing anywhere (data, source, guards) */
    uint64_t device_errors;
    uint64_t corruptions;                     /* bytes flipped by --corrupt-device-memory */
    uint64_t corrupt_request;                 /* ... in this request, at this data offset */
    uint64_t corrupt_offset;
    bool have_first;                          /* first mismatch: request, buffer, detail */
    uint64_t first_request;
    const char *first_buffer;                 /* "src" or "dst" */
    struct pattern_mismatch first;
    uint64_t elapsed_ns;
};

/* Platform counters gathered at the end of the run, once the interrupt is disconnected. */
struct bringup_platform {
    uint64_t irq_raised, irq_delivered, irq_claimed, irq_unclaimed;
    uint64_t iommu_faults, dma_denied, guest_errors, mmio_errors;
    uint64_t windows_open;                    /* IOMMU windows left open at the end (must be 0) */
};

struct bringup {
    const struct bringup_opts *opts;
    const struct bringup_dev_ops *ops;
    struct machine *m;
    struct dmabox_dev *dev;
    struct intr_source *src;
    void *regs;                               /* BAR0, mapped */
    uint64_t bar_base, bar_len;
    unsigned devid;                           /* IOMMU device id */
    struct bringup_caps caps;
    void *dev_state;                          /* owned by the device part */
    _Atomic uint64_t mmio_errors;             /* refused register accesses (ISR included) */
    struct bringup_stats st;
    struct bringup_platform plat;
    char err[256];
};

/* Runs the whole job: machine, device, N requests, teardown.  Returns 0 when it could run (the
 * verdict is in b->st and b->plat), -1 when the machine or device could not be set up, -2 when
 * the model refused the --device-option values (message in b->err).  b is zeroed first. */
int bringup_run(struct bringup *b, const struct bringup_opts *opts);

/* Register access for the device parts (any thread, the ISR included).  A refused access is
 * counted in mmio_errors; a refused read returns all-ones, as a master abort does. */
uint32_t bringup_rd32(struct bringup *b, uint32_t off);
void bringup_wr32(struct bringup *b, uint32_t off, uint32_t v);
uint64_t bringup_rd64(struct bringup *b, uint32_t off);
void bringup_wr64(struct bringup *b, uint32_t off, uint64_t v);

/* Bus address of the host buffer byte at data offset i (physmem -> IOMMU identity). */
uint64_t bringup_buf_bus(struct bringup *b, const struct host_buf *buf, size_t i);

#endif
