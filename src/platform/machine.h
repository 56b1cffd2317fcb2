/* machine.h - the simulated machine: one instance owns RAM, IOMMU, bus, interrupt controller and
 * execution contexts (platform layer).  Nothing here knows NT or WDF.  Upper layers hang their
 * per-machine state on the opaque slots below, so two machines can live in one process. */
#ifndef DMABOX_PLATFORM_MACHINE_H
#define DMABOX_PLATFORM_MACHINE_H

#include <stddef.h>
#include <stdint.h>

struct physmem;
struct iommu;
struct bus;
struct intr_ctl;
struct exec;
struct fault_ctl;
struct mmio;
struct vf_state;

struct machine_config {
    unsigned cpus;            /* simulated CPUs (DPC threads); default 2 */
    uint64_t ram_bytes;       /* machine RAM; default 256 MiB */
    uint64_t ram_above_4g;    /* how much of it sits at bus addresses >= 4 GiB; default half */
    uint64_t seed;            /* seeds frame placement and fault injection; default 1 */
};

struct machine {
    struct machine_config config;
    struct physmem *mem;
    struct iommu *iommu;
    struct bus *bus;
    struct intr_ctl *intr;
    struct exec *exec;
    struct fault_ctl *faults;
    struct mmio *mmio;
    struct vf_state *vf;      /* owned by the verifier layer (vf_machine_attach) */
    void *wdm;                /* owned by the wdm layer (pool, adapters) */
    void *kmdf;               /* owned by the kmdf layer (handle table, drivers) */
};

/* Fills unset (zero) fields of *config with the defaults above. */
void machine_config_defaults(struct machine_config *config);

/* Creates a machine; returns 0 or a negative errno.  The calling thread is attached to it. */
int machine_create(const struct machine_config *config, struct machine **out);

/* Destroys the machine; every device, thread and mapping must already be gone.  Idempotent on NULL. */
void machine_destroy(struct machine *m);

#endif
