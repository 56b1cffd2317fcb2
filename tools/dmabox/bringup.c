/* bringup.c - the device bring-up job behind `dmabox run` (tools layer): creates the machine,
 * plugs and maps the device, runs the seeded requests (host-to-device, then device-to-host into
 * another buffer, then byte-for-byte checks with guards) and gathers the platform's counters.
 * The device-specific programming is in run_sgdma.c / run_pktdma.c (struct bringup_dev_ops). */
#include "bringup.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "platform/bus.h"
#include "platform/exec.h"
#include "platform/intr.h"
#include "platform/iommu.h"
#include "platform/machine.h"
#include "platform/mmio.h"
#include "platform/physmem.h"
#include "registry.h"

#define PAGE PHYSMEM_PAGE_SIZE

static const struct bringup_dev_ops *const all_ops[] = {&sgdma_bringup_ops, &pktdma_bringup_ops};

/* ---- register access ---- */

uint32_t bringup_rd32(struct bringup *b, uint32_t off)
{
    uint64_t v = 0;

    if (mmio_read(b->m, (uint8_t *)b->regs + off, 4, &v) != 0)
        atomic_fetch_add(&b->mmio_errors, 1);
    return (uint32_t)v;
}

void bringup_wr32(struct bringup *b, uint32_t off, uint32_t v)
{
    if (mmio_write(b->m, (uint8_t *)b->regs + off, 4, v) != 0)
        atomic_fetch_add(&b->mmio_errors, 1);
}

uint64_t bringup_rd64(struct bringup *b, uint32_t off)
{
    uint64_t v = 0;

    if (mmio_read(b->m, (uint8_t *)b->regs + off, 8, &v) != 0)
        atomic_fetch_add(&b->mmio_errors, 1);
    return v;
}

void bringup_wr64(struct bringup *b, uint32_t off, uint64_t v)
{
    if (mmio_write(b->m, (uint8_t *)b->regs + off, 8, v) != 0)
        atomic_fetch_add(&b->mmio_errors, 1);
}

uint64_t bringup_buf_bus(struct bringup *b, const struct host_buf *buf, size_t i)
{
    return iommu_phys_to_bus(physmem_virt_to_phys(b->m->mem, buf->va + buf->off + i));
}

/* ---- machine and device ---- */

static int plug(struct bringup *b, const struct dmabox_device_model *model)
{
    struct dmabox_prop items[BRINGUP_MAX_OPTIONS];
    struct dmabox_props props = {.items = items, .count = b->opts->noptions};
    struct bus_resource res[BUS_MAX_BARS + 1];
    char msg[200] = "";
    size_t n;
    int rc;

    for (size_t i = 0; i < props.count; i++)
        items[i] = (struct dmabox_prop){b->opts->option_names[i], b->opts->option_values[i]};
    rc = bus_plug(b->m->bus, 0, model, &props, &b->dev, msg, sizeof(msg));
    if (rc != 0) {
        snprintf(b->err, sizeof(b->err), "cannot plug %s: %s", model->name, msg);
        b->dev = NULL;
        /* With a fresh machine and slot, -EINVAL means the model refused its options. */
        return rc == -EINVAL && props.count > 0 ? -2 : -1;
    }
    n = bus_resources(b->dev, res, sizeof(res) / sizeof(res[0]));
    for (size_t i = 0; i < n; i++)
        if (res[i].type == BUS_RES_MEMORY && res[i].bar == 0) {
            b->bar_base = res[i].start;
            b->bar_len = res[i].length;
        }
    b->regs = b->bar_len != 0 ? mmio_map(b->m, b->bar_base, b->bar_len) : NULL;
    if (b->regs == NULL) {
        snprintf(b->err, sizeof(b->err), "cannot map BAR0 of %s", model->name);
        return -1;
    }
    b->src = bus_device_intr(b->dev);
    b->devid = bus_device_id(b->dev);
    return 0;
}

/* Platform counters: read once the interrupt is disconnected, so no ISR call is still counting. */
static void collect(struct bringup *b)
{
    struct intr_stats is;
    struct bus_dev_stats ds;

    intr_source_stats(b->src, &is);
    bus_device_stats(b->dev, &ds);
    b->plat.irq_raised = is.raised;
    b->plat.irq_delivered = is.delivered;
    b->plat.irq_claimed = is.claimed;
    b->plat.irq_unclaimed = is.unclaimed;
    b->plat.iommu_faults = iommu_fault_count(b->m->iommu);
    b->plat.dma_denied = ds.dma_denied;
    b->plat.guest_errors = ds.guest_errors;
    b->plat.mmio_errors = atomic_load(&b->mmio_errors);
    b->plat.windows_open = iommu_window_count(b->m->iommu, b->devid);
}

/* ---- host buffers ---- */

static uint64_t round_down(uint64_t v, uint64_t a)
{
    return v - v % a;
}

static int buf_alloc(struct bringup *b, struct host_buf *buf, size_t off, size_t len)
{
    buf->off = off;
    buf->len = len;
    buf->pages = (off + len + BRINGUP_GUARD + PAGE - 1) / PAGE;
    buf->va = physmem_alloc(b->m->mem, buf->pages, b->ops->buf_flags);
    if (buf->va == NULL) {
        snprintf(b->err, sizeof(b->err), "no machine memory for a %zu-page host buffer", buf->pages);
        return -1;
    }
    return 0;
}

static void buf_free(struct bringup *b, struct host_buf *buf)
{
    if (buf->va != NULL)
        physmem_free(b->m->mem, buf->va);
    buf->va = NULL;
}

/* ---- one request ---- */

struct request {
    uint64_t index, seed;
    size_t len, src_off, dst_off;
    uint64_t dev_off;
};

/* Seeded shape: size log-uniform over 512 B .. 1 MiB, data starting anywhere in its first page
 * (so it straddles pages unevenly), anywhere in device memory; all multiples of the alignment. */
static void request_shape(struct bringup *b, struct pattern_rng *rng, uint64_t index, struct request *r)
{
    uint64_t a = b->caps.align, guard = (BRINGUP_GUARD + a - 1) / a * a;
    unsigned e = (unsigned)pattern_rng_range(rng, 9, 19);
    uint64_t len = pattern_rng_range(rng, 1ull << e, (2ull << e) - 1);

    if (len > BRINGUP_MAX_SIZE)
        len = BRINGUP_MAX_SIZE;
    if (len > b->caps.mem_size)
        len = b->caps.mem_size;
    len = round_down(len, a);
    if (len == 0)
        len = a;
    r->index = index;
    r->seed = pattern_derive(b->opts->seed, index);
    r->len = (size_t)len;
    r->src_off = (size_t)(guard + round_down(pattern_rng_range(rng, 0, PAGE - 1), a));
    r->dst_off = (size_t)(guard + round_down(pattern_rng_range(rng, 0, PAGE - 1), a));
    r->dev_off = round_down(pattern_rng_range(rng, 0, b->caps.mem_size - len), a);
}

/* --corrupt-device-memory: flips one payload byte in device memory between the write and the
 * read-back, through the device's own DMA (read the aligned chunk holding it, flip bit 6, write
 * it back).  Bit 7 stays set, so the check classifies the byte as wrong-data, not not-copied. */
static int corrupt(struct bringup *b, struct pattern_rng *rng, const struct request *r)
{
    uint64_t a = b->caps.align, target = r->dev_off + pattern_rng_range(rng, 0, r->len - 1);
    uint64_t chunk = round_down(target, a), before = b->st.transfers;
    struct host_buf scratch = {0};
    int rc = -1;

    if (buf_alloc(b, &scratch, (size_t)((BRINGUP_GUARD + a - 1) / a * a), (size_t)a) != 0)
        return -1;
    if (b->ops->transfer(b, &scratch, chunk, XFER_D2H) == 0) {
        scratch.va[scratch.off + (target - chunk)] ^= 0x40;
        rc = b->ops->transfer(b, &scratch, chunk, XFER_H2D);
    }
    b->st.aux_transfers += b->st.transfers - before;
    b->st.aux_bytes += 2 * a;
    if (rc == 0) {
        b->st.corruptions++;
        b->st.corrupt_request = r->index;
        b->st.corrupt_offset = target - r->dev_off;
    }
    buf_free(b, &scratch);
    return rc;
}

static void record(struct bringup *b, const struct request *r, const char *which, uint64_t bad,
                   const struct pattern_mismatch *first)
{
    if (bad == 0)
        return;
    b->st.mismatches += bad;
    if (!b->st.have_first) {
        b->st.have_first = true;
        b->st.first_request = r->index;
        b->st.first_buffer = which;
        b->st.first = *first;
    }
}

static int request_run(struct bringup *b, struct pattern_rng *rng, uint64_t index)
{
    struct host_buf src = {0}, dst = {0};
    struct pattern_mismatch first;
    struct request r;
    uint64_t bad, data_bad;
    int rc = -1;

    request_shape(b, rng, index, &r);
    if (buf_alloc(b, &src, r.src_off, r.len) != 0 || buf_alloc(b, &dst, r.dst_off, r.len) != 0)
        goto out;
    pattern_prepare(src.va, src.pages * PAGE, src.off, src.len, r.seed, 1);
    pattern_prepare(dst.va, dst.pages * PAGE, dst.off, dst.len, r.seed, 0);
    if (b->ops->transfer(b, &src, r.dev_off, XFER_H2D) != 0)
        goto out;
    b->st.bytes_h2d += r.len;
    if (b->opts->corrupt && index == b->opts->requests / 2 && corrupt(b, rng, &r) != 0)
        goto out;
    if (b->ops->transfer(b, &dst, r.dev_off, XFER_D2H) != 0)
        goto out;
    b->st.bytes_d2h += r.len;
    bad = pattern_check(src.va, src.pages * PAGE, src.off, src.len, r.seed, 1, &data_bad, &first);
    record(b, &r, "src", bad, &first);
    bad = pattern_check(dst.va, dst.pages * PAGE, dst.off, dst.len, r.seed, 0, &data_bad, &first);
    record(b, &r, "dst", bad, &first);
    b->st.verified_bytes += r.len - data_bad;
    b->st.requests_done++;
    rc = 0;
out:
    buf_free(b, &dst);
    buf_free(b, &src);
    return rc;
}

/* ---- the job ---- */

static const struct bringup_dev_ops *find_ops(const char *name)
{
    for (size_t i = 0; i < sizeof(all_ops) / sizeof(all_ops[0]); i++)
        if (strcmp(all_ops[i]->name, name) == 0)
            return all_ops[i];
    return NULL;
}

static void requests_run(struct bringup *b)
{
    struct pattern_rng rng;
    uint64_t t0 = exec_now_ns();

    pattern_rng_init(&rng, b->opts->seed);
    for (uint64_t i = 0; i < b->opts->requests; i++) {
        if (request_run(b, &rng, i) != 0) {
            b->st.device_errors++;
            break;
        }
    }
    b->st.elapsed_ns = exec_now_ns() - t0;
    if (b->st.device_errors == 0 && b->ops->check_counters(b) != 0)
        b->st.device_errors++;
}

int bringup_run(struct bringup *b, const struct bringup_opts *opts)
{
    const struct dmabox_device_model *model = dmabox_device_model_find(opts->device);
    struct machine_config cfg = {.seed = opts->seed};
    bool started = false;
    int rc;

    memset(b, 0, sizeof(*b));
    b->opts = opts;
    b->ops = find_ops(opts->device);
    if (model == NULL || b->ops == NULL) {
        snprintf(b->err, sizeof(b->err), "no bring-up job for device '%s'", opts->device);
        return -1;
    }
    rc = machine_create(&cfg, &b->m);
    if (rc != 0) {
        snprintf(b->err, sizeof(b->err), "cannot create the machine: %s", strerror(-rc));
        return -1;
    }
    rc = plug(b, model);
    if (rc == 0) {
        started = true;
        rc = b->ops->start(b);
    }
    for (size_t i = 0; rc == 0 && i < opts->nfaults; i++) {
        if (fault_arm(b->m->faults, opts->fault_sites[i], &opts->fault_specs[i]) != 0) {
            snprintf(b->err, sizeof(b->err), "cannot arm fault site '%s'", opts->fault_sites[i]);
            rc = -1;
        }
    }
    if (rc == 0)
        requests_run(b);
    fault_disarm_all(b->m->faults);
    if (started)
        b->ops->stop(b);
    if (b->dev != NULL)
        collect(b);
    if (b->regs != NULL)
        mmio_unmap(b->m, b->regs, b->bar_len);
    if (b->dev != NULL)
        bus_unplug(b->dev);
    machine_destroy(b->m);
    return rc;
}
