/* drvrun.h - the main job behind `dmabox run` (tools layer): the device's reference KMDF driver
 * (drivers/<device>/<device>_drv.so) runs on a seeded machine through the host API
 * (include/dmabox/dmabox.h); the job writes seeded patterns to the device and reads them back with
 * QD requests in flight, verifies every byte and guard, and gathers the framework's DMA
 * counters, the interrupt counters and the verifier's findings.  docs/cli.md. */
#ifndef DMABOX_TOOLS_DRVRUN_H
#define DMABOX_TOOLS_DRVRUN_H

#include <stdbool.h>
#include <stdint.h>

#include <dmabox/dmabox.h>

#include "pattern.h"

#define DRVRUN_MIN_SIZE 512u                /* request sizes: 512 B .. 4 MiB */
#define DRVRUN_MAX_SIZE (4u << 20)
#define DRVRUN_MAX_QD 64u
#define DRVRUN_GUARD 64u                    /* at least this many guard bytes each side */

struct drvrun_opts {
    const char *device;                     /* "sgdma" or "pktdma" */
    const char *driver;                     /* module path; NULL: the one built next to the tool */
    uint64_t requests;
    unsigned qd;
    uint64_t seed;
};

struct drvrun_result {
    char driver_path[512];
    uint64_t requests_done;
    uint64_t bytes_written, bytes_read;     /* payload moved by completed requests */
    uint64_t verified_bytes;                /* read-back bytes equal to the payload */
    uint64_t mismatches;                    /* bytes differing anywhere (data, source, guards) */
    uint64_t io_errors;                     /* requests that failed or came back short */
    uint64_t above_4g, below_4g;            /* host buffers by placement */
    bool have_first;                        /* first mismatch: request, buffer, detail */
    uint64_t first_request;
    const char *first_buffer;               /* "src" or "dst" */
    struct pattern_mismatch first;
    struct dmabox_dma_stats dma;            /* framework/adapter counters, before removal */
    uint64_t interrupts;                    /* claimed by the driver's ISR */
    bool have_dpcs;                         /* the driver counts its DPCs (sgdma) */
    uint64_t dpcs;
    uint64_t findings, iommu_faults, dma_denied;
    const char *first_rule;                 /* first rule with findings, or NULL */
    uint64_t elapsed_ns;                    /* the requests only */
    char err[384];                          /* setup or I/O failure */
};

/* Runs the job; returns 0 when it could run (verdict in r), -1 when the machine, driver or
 * device could not be set up (r->err says why).  r is zeroed first. */
int drvrun_run(const struct drvrun_opts *o, struct drvrun_result *r);

/* Every request done and verified, no I/O error, finding, IOMMU fault or denied DMA. */
bool drvrun_passed(const struct drvrun_opts *o, const struct drvrun_result *r);

#endif
