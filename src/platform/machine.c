/* machine.c - creation and teardown of a simulated machine (platform layer). */
#include "machine.h"

#include <errno.h>
#include <stdlib.h>

#include "bus.h"
#include "exec.h"
#include "exec_ctx.h"
#include "fault.h"
#include "intr.h"
#include "iommu.h"
#include "mmio.h"
#include "physmem.h"

void machine_config_defaults(struct machine_config *config)
{
    if (config->cpus == 0)
        config->cpus = 2;
    if (config->ram_bytes == 0)
        config->ram_bytes = 256ull << 20;
    if (config->ram_above_4g == 0)
        config->ram_above_4g = config->ram_bytes / 2;
    if (config->seed == 0)
        config->seed = 1;
}

int machine_create(const struct machine_config *config, struct machine **out)
{
    struct machine *m = calloc(1, sizeof(*m));
    int rc;

    *out = NULL;
    if (m == NULL)
        return -ENOMEM;
    if (config != NULL)
        m->config = *config;
    machine_config_defaults(&m->config);
    rc = physmem_create(m->config.ram_bytes, m->config.ram_above_4g, m->config.seed, &m->mem);
    if (rc < 0) {
        free(m);
        return rc;
    }
    rc = exec_create(m);
    if (rc == 0)
        rc = intr_ctl_create(m);
    if (rc == 0)
        rc = iommu_create(m);
    if (rc == 0)
        rc = mmio_create(m);
    if (rc == 0)
        rc = fault_ctl_create(m, m->config.seed, &m->faults);
    if (rc == 0)
        rc = bus_create(m);
    if (rc < 0) {
        fault_ctl_destroy(m->faults);
        mmio_destroy(m);
        iommu_destroy(m);
        intr_ctl_destroy(m);
        exec_destroy(m);
        physmem_destroy(m->mem);
        free(m);
        return rc;
    }
    exec_ctx_attach(m, "app");
    *out = m;
    return 0;
}

void machine_destroy(struct machine *m)
{
    if (m == NULL)
        return;
    bus_destroy(m);
    fault_ctl_destroy(m->faults);
    mmio_destroy(m);
    iommu_destroy(m);
    intr_ctl_destroy(m);
    exec_destroy(m);
    physmem_destroy(m->mem);
    if (exec_ctx_self()->machine == m)
        exec_ctx_attach(NULL, "host");
    free(m);
}
