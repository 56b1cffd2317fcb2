/* dmabox_stats.c - dmabox_machine_stats (host layer): one snapshot of the machine's counters
 * from every layer: verifier findings by rule, IOMMU faults, WDM pool, live framework objects,
 * the host's own objects and I/O, and per slot the bus and interrupt counters the platform
 * keeps for every model.  Counters move while the machine runs; each is read once.
 * dmabox_machine_dma_stats: the DMA counters of the live transactions and enablers' adapters. */
#include "host.h"

#include <ntdef.h>
#include <ntstatus.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kmdf/dma/fx_dmaenabler.h"
#include "kmdf/dma/fx_dmatransaction.h"
#include "kmdf/kmdf_machine.h"
#include "platform/bus.h"
#include "platform/intr.h"
#include "platform/iommu.h"
#include "platform/machine.h"
#include "verifier/vf.h"
#include "wdm/adapter/adapter.h"
#include "wdm/wdm_machine.h"

_Static_assert(VF_RULE_COUNT <= DMABOX_STATS_MAX_RULES, "dmabox_machine_stats.rules too small");
_Static_assert(BUS_MAX_SLOTS == DMABOX_MAX_SLOTS, "slot count");

static void stats_findings(struct dmabox_machine_stats *out)
{
    out->findings_total = vf_total();
    for (unsigned r = 0; r < VF_RULE_COUNT; r++) {
        unsigned long n = vf_count((enum vf_rule)r);
        const struct vf_rule_info *info = vf_rule_info((enum vf_rule)r);
        if (n == 0 || info == NULL)
            continue;
        out->rules[out->rule_count++] = (struct dmabox_rule_count){info->id, info->name, n};
    }
}

static void stats_slot(struct dmabox_slot *s, struct dmabox_slot_stats *out)
{
    struct intr_source *src = bus_device_intr(s->bus_dev);
    struct bus_dev_stats bs;
    struct intr_stats is;

    out->plugged = 1;
    snprintf(out->model, sizeof(out->model), "%s", s->model);
    out->attached = s->device != NULL;
    bus_device_stats(s->bus_dev, &bs);
    out->dma_reads = bs.dma_reads;
    out->dma_writes = bs.dma_writes;
    out->dma_bytes_read = bs.dma_bytes_read;
    out->dma_bytes_written = bs.dma_bytes_written;
    out->dma_denied = bs.dma_denied;
    out->dma_unmapped = bs.dma_unmapped;
    out->mmio_reads = bs.mmio_reads;
    out->mmio_writes = bs.mmio_writes;
    out->guest_errors = bs.guest_errors;
    out->faults_injected = bs.faults_injected;
    out->faults_fired = bs.faults_fired;
    if (src != NULL) {
        intr_source_stats(src, &is);
        out->irq_raised = is.raised;
        out->irq_delivered = is.delivered;
        out->irq_claimed = is.claimed;
        out->irq_unclaimed = is.unclaimed;
        out->irq_storms = is.storms;
    }
}

static uint64_t list_length(const struct fx_list *head)
{
    uint64_t n = 0;

    for (const struct fx_list *e = head->next; e != head; e = e->next)
        n++;
    return n;
}

void host_stats_collect(struct dmabox_machine *hm, struct dmabox_machine_stats *out)
{
    struct wdm_pool_stats ps = {0};

    memset(out, 0, sizeof(*out));
    stats_findings(out);
    out->iommu_faults = iommu_fault_count(hm->m->iommu);
    if (hm->m->wdm != NULL)
        wdm_pool_get_stats(hm->m, &ps);
    out->pool_live_blocks = ps.live_blocks;
    out->pool_bytes_outstanding = ps.bytes_outstanding;
    out->pool_allocations = ps.allocations;
    out->pool_frees = ps.frees;
    out->framework_objects = (uint64_t)kmdf_object_count(hm->m, FX_TYPE_ANY);
    host_buffers_count(hm, &out->buffers_live, &out->buffer_bytes);
    out->io_submitted = atomic_load(&hm->io_submitted);
    out->io_completed = atomic_load(&hm->io_completed);
    out->io_cancel_requests = atomic_load(&hm->io_cancels);
    out->io_outstanding = out->io_submitted - out->io_completed;
    pthread_mutex_lock(&hm->lock);
    out->drivers_loaded = list_length(&hm->drivers);
    out->handles_open = list_length(&hm->handles);
    for (struct fx_list *e = hm->devices.next; e != &hm->devices; e = e->next) {
        struct dmabox_device *d = FX_CONTAINER_OF(e, struct dmabox_device, m_link);
        pthread_mutex_lock(&d->lock);
        out->devices_attached += d->state != HOST_DEV_REMOVED;
        pthread_mutex_unlock(&d->lock);
    }
    for (unsigned i = 0; i < DMABOX_MAX_SLOTS; i++)
        if (hm->slots[i] != NULL && hm->slots[i]->bus_dev != NULL && !hm->slots[i]->unplugged)
            stats_slot(hm->slots[i], &out->slots[i]);
    pthread_mutex_unlock(&hm->lock);
}

dmabox_status_t dmabox_machine_stats(dmabox_machine_t *machine, struct dmabox_machine_stats *out)
{
    struct host_obj *o;
    struct host_call c;
    dmabox_status_t st;

    if (out == NULL)
        return STATUS_INVALID_PARAMETER;
    st = host_enter_obj(&c, machine, HOST_TYPE_MACHINE, HOST_CALL_PASSIVE, &o);
    if (st != STATUS_SUCCESS)
        return st;
    host_stats_collect(FX_CONTAINER_OF(o, struct dmabox_machine, obj), out);
    host_leave_obj(&c, o);
    return STATUS_SUCCESS;
}

uint64_t dmabox_stats_rule(const struct dmabox_machine_stats *stats, const char *rule)
{
    if (stats == NULL || rule == NULL)
        return 0;
    for (unsigned i = 0; i < stats->rule_count && i < DMABOX_STATS_MAX_RULES; i++)
        if (strcmp(stats->rules[i].id, rule) == 0 || strcmp(stats->rules[i].name, rule) == 0)
            return stats->rules[i].count;
    return 0;
}

/* One adapter's counters into the DMA totals. */
static void dma_stats_adapter(PDMA_ADAPTER adapter, struct dmabox_dma_stats *out)
{
    struct wdm_dma_adapter_stats as;

    if (adapter == NULL || wdm_dma_adapter_get_stats(adapter, &as) != 0)
        return;
    out->sg_lists_built += as.sg_lists_built;
    out->bounce_bytes_in += as.bounce_bytes_in;
    out->bounce_bytes_out += as.bounce_bytes_out;
    out->bounced_pieces += as.bounced_pieces;
    if (as.map_registers_peak > out->map_registers_peak)
        out->map_registers_peak = as.map_registers_peak;
}

/* Walks the live handles: transactions give their own counters (fx_dmatx_get_stats), enablers
 * their adapters' (a duplex enabler has two, a simplex one the same adapter twice). */
static void dma_stats_collect(struct machine *m, struct dmabox_dma_stats *out)
{
    struct kmdf_machine *k = kmdf_of(m);
    WDFOBJECT *handles;
    size_t n, want;

    memset(out, 0, sizeof(*out));
    if (k == NULL)
        return;
    want = fx_handle_snapshot(&k->handles, NULL, 0);
    handles = calloc(want + 1, sizeof(*handles));
    if (handles == NULL)
        return;
    n = fx_handle_snapshot(&k->handles, handles, want + 1);
    if (n > want + 1)
        n = want + 1;
    for (size_t i = 0; i < n; i++) {
        struct fx_object *obj;
        struct fx_dmatx_stats ts;

        if (fx_handle_lookup(&k->handles, handles[i], &obj) != FX_HANDLE_LIVE)
            continue;
        if (fx_object_type(obj) == FX_TYPE_DMA_TRANSACTION &&
            fx_dmatx_get_stats((WDFDMATRANSACTION)handles[i], &ts)) {
            out->transaction_objects++;
            out->transactions += ts.transactions;
            out->program_dma_calls += ts.transfers;
            out->sg_elements += ts.sg_elements;
        } else if (fx_object_type(obj) == FX_TYPE_DMA_ENABLER) {
            struct fx_dma_enabler *e = to_dma_enabler(obj);

            out->enablers++;
            dma_stats_adapter(e->read.adapter, out);
            if (e->write.adapter != e->read.adapter)
                dma_stats_adapter(e->write.adapter, out);
        }
    }
    free(handles);
}

dmabox_status_t dmabox_machine_dma_stats(dmabox_machine_t *machine, struct dmabox_dma_stats *out)
{
    struct host_obj *o;
    struct host_call c;
    dmabox_status_t st;

    if (out == NULL)
        return STATUS_INVALID_PARAMETER;
    st = host_enter_obj(&c, machine, HOST_TYPE_MACHINE, HOST_CALL_PASSIVE, &o);
    if (st != STATUS_SUCCESS)
        return st;
    dma_stats_collect(FX_CONTAINER_OF(o, struct dmabox_machine, obj)->m, out);
    host_leave_obj(&c, o);
    return STATUS_SUCCESS;
}
