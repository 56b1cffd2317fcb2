/* drvrun.c - the main job behind `dmabox run` (tools layer): a seeded machine (RAM above and
 * below 4 GiB, verifier in RECORD mode), the device in slot 0, its reference KMDF driver loaded
 * from its module, attached and opened by the driver's interface class, then N write/read-back
 * requests with QD in flight through the asynchronous host API, each verified byte by byte with
 * its own seeded pattern and guard bytes (pattern.c).  Counters come from the host API
 * (dmabox_machine_stats, dmabox_machine_dma_stats) and, for DPCs, the sgdma driver's IOCTL. */
#include "drvrun.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pktdma/pktdma_regs.h"
#include "pktdma_ioctl.h"
#include "sgdma/sgdma_regs.h"
#include "sgdma_ioctl.h"

#define PAGE 4096u

/* What the job needs of a device: its driver, interface class and memory geometry (the model's
 * defaults, as the job plugs it without options). */
struct drvrun_device {
    const char *name;
    const char *module;                     /* under drivers/<name>/ of the build tree */
    dmabox_guid_t iface;
    uint64_t mem_size;
    uint64_t align;
};

static const struct drvrun_device devices[] = {
    {"sgdma", "sgdma_drv.so", SGDMA_INTERFACE_GUID_INIT,
     (uint64_t)SGDMA_OPT_MEM_MIB_DEFAULT << 20, SGDMA_OPT_ALIGN_DEFAULT},
    {"pktdma", "pktdma_drv.so",
     {PKTDMA_GUID_DATA1, PKTDMA_GUID_DATA2, PKTDMA_GUID_DATA3, PKTDMA_GUID_DATA4},
     (uint64_t)PKTDMA_DEFAULT_MEM_MIB << 20, PKTDMA_DEFAULT_ALIGN},
};

enum slot_phase { SLOT_IDLE, SLOT_WRITING, SLOT_READING };

struct buf {
    uint8_t *va;
    size_t total, off;
};

/* One of the QD requests in flight: it writes its region of device memory, then reads it back. */
struct slot {
    struct job *job;
    enum slot_phase phase;
    uint64_t index, seed, dev_off;
    size_t len;
    struct buf src, dst;
    bool done;                              /* job->lock */
    dmabox_status_t status;                 /* job->lock */
    size_t info;                            /* job->lock */
};

struct job {
    const struct drvrun_opts *o;
    const struct drvrun_device *dev;
    struct drvrun_result *r;
    dmabox_machine_t *m;
    dmabox_handle_t *h;
    struct pattern_rng rng;
    uint64_t region;                        /* device memory bytes per slot */
    pthread_mutex_t lock;
    pthread_cond_t cond;
    struct slot slots[DRVRUN_MAX_QD];
};

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The module built next to the tool: <exe dir>/../../drivers/<dev>/<module>. */
static int find_driver(const struct drvrun_device *d, char *out, size_t outlen, char *err,
                       size_t errlen)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    char *slash;

    if (n <= 0) {
        snprintf(err, errlen, "cannot read /proc/self/exe to find the %s driver; give --driver",
                 d->name);
        return -1;
    }
    exe[n] = '\0';
    slash = strrchr(exe, '/');
    if (slash != NULL)
        *slash = '\0';
    if ((size_t)snprintf(out, outlen, "%s/../../drivers/%s/%s", exe, d->name, d->module) >= outlen ||
        access(out, R_OK) != 0) {
        snprintf(err, errlen, "cannot find the %.16s reference driver at %.200s (build the "
                 "%.16s_drv target, or give --driver PATH.so)", d->name, out, d->name);
        return -1;
    }
    return 0;
}

static void on_done(void *ctx, dmabox_status_t status, size_t information)
{
    struct slot *s = ctx;
    struct job *j = s->job;

    pthread_mutex_lock(&j->lock);
    s->status = status;
    s->info = information;
    s->done = true;
    pthread_cond_signal(&j->cond);
    pthread_mutex_unlock(&j->lock);
}

static int buf_alloc(struct job *j, struct buf *b, size_t off, size_t len, unsigned flags)
{
    b->off = off;
    b->total = (off + len + DRVRUN_GUARD + PAGE - 1) / PAGE * PAGE;
    if (dmabox_buffer_alloc(j->m, b->total, flags, (void **)&b->va) != DMABOX_STATUS_SUCCESS) {
        b->va = NULL;
        return -1;
    }
    return 0;
}

static void buf_free(struct job *j, struct buf *b)
{
    if (b->va != NULL)
        dmabox_buffer_free(j->m, b->va);
    b->va = NULL;
}

static uint64_t align_down(uint64_t v, uint64_t a)
{
    return v / a * a;
}

/* Placement of request i's buffers: below 4 GiB, above it (the adapter bounces for a device
 * that cannot reach it) or anywhere, in turn. */
static unsigned placement(struct job *j, uint64_t i)
{
    switch (i % 3) {
    case 0: j->r->below_4g += 2; return DMABOX_BUF_BELOW_4G;
    case 1: j->r->above_4g += 2; return DMABOX_BUF_ABOVE_4G;
    default: return 0;
    }
}

/* Shapes request `index` in slot s (seeded size, device offset in the slot's region, misaligned
 * host offsets), prepares its buffers and sends the write.  Returns 0 or -1 (counted). */
static int slot_start(struct job *j, struct slot *s, uint64_t index)
{
    uint64_t a = j->dev->align, max = j->region < DRVRUN_MAX_SIZE ? j->region : DRVRUN_MAX_SIZE;
    unsigned shift = (unsigned)pattern_rng_range(&j->rng, 9, 22), flags = placement(j, index);
    uint64_t len = pattern_rng_range(&j->rng, 1ull << shift, (2ull << shift) - 1);
    dmabox_status_t st;

    if (len > max)
        len = max;
    len = align_down(len, a);
    if (len < DRVRUN_MIN_SIZE)
        len = DRVRUN_MIN_SIZE;
    s->index = index;
    s->seed = pattern_derive(j->o->seed, index);
    s->len = len;
    s->dev_off = (uint64_t)(s - j->slots) * j->region +
                 align_down(pattern_rng_range(&j->rng, 0, j->region - len), a);
    s->done = false;
    if (buf_alloc(j, &s->src, DRVRUN_GUARD + align_down(pattern_rng_range(&j->rng, 0, PAGE - 1), a),
                  len, flags) != 0 ||
        buf_alloc(j, &s->dst, DRVRUN_GUARD + align_down(pattern_rng_range(&j->rng, 0, PAGE - 1), a),
                  len, flags) != 0) {
        snprintf(j->r->err, sizeof(j->r->err), "request %llu: out of machine RAM for %zu bytes",
                 (unsigned long long)index, s->len);
        goto fail;
    }
    pattern_prepare(s->src.va, s->src.total, s->src.off, len, s->seed, 1);
    pattern_prepare(s->dst.va, s->dst.total, s->dst.off, len, s->seed, 0);
    s->phase = SLOT_WRITING;
    st = dmabox_write_async(j->h, s->src.va + s->src.off, len, s->dev_off, on_done, s, NULL);
    if (st == DMABOX_STATUS_PENDING)
        return 0;
    snprintf(j->r->err, sizeof(j->r->err), "request %llu: write refused: %s",
             (unsigned long long)index, dmabox_status_name(st));
fail:
    j->r->io_errors++;
    buf_free(j, &s->dst);
    buf_free(j, &s->src);
    s->phase = SLOT_IDLE;
    return -1;
}

static void record(struct job *j, struct slot *s, const char *which, uint64_t bad,
                   const struct pattern_mismatch *first)
{
    if (bad == 0)
        return;
    j->r->mismatches += bad;
    if (!j->r->have_first) {
        j->r->have_first = true;
        j->r->first_request = s->index;
        j->r->first_buffer = which;
        j->r->first = *first;
    }
}

/* A completion of slot s: the write done sends the read; the read done is verified.  Returns 0,
 * or -1 when the request failed (the slot is idle again). */
static int slot_step(struct job *j, struct slot *s, dmabox_status_t st, size_t info)
{
    struct pattern_mismatch first;
    uint64_t bad, data_bad;
    const char *what = s->phase == SLOT_WRITING ? "write" : "read";

    if (!DMABOX_SUCCESS(st) || info != s->len) {
        snprintf(j->r->err, sizeof(j->r->err), "request %llu: %s of %zu bytes at 0x%llx: %s, "
                 "%zu bytes", (unsigned long long)s->index, what, s->len,
                 (unsigned long long)s->dev_off, dmabox_status_name(st), info);
        j->r->io_errors++;
        goto idle;
    }
    if (s->phase == SLOT_WRITING) {
        j->r->bytes_written += s->len;
        s->phase = SLOT_READING;
        st = dmabox_read_async(j->h, s->dst.va + s->dst.off, s->len, s->dev_off, on_done, s, NULL);
        if (st == DMABOX_STATUS_PENDING)
            return 0;
        snprintf(j->r->err, sizeof(j->r->err), "request %llu: read refused: %s",
                 (unsigned long long)s->index, dmabox_status_name(st));
        j->r->io_errors++;
        goto idle;
    }
    j->r->bytes_read += s->len;
    bad = pattern_check(s->src.va, s->src.total, s->src.off, s->len, s->seed, 1, &data_bad, &first);
    record(j, s, "src", bad, &first);
    bad = pattern_check(s->dst.va, s->dst.total, s->dst.off, s->len, s->seed, 0, &data_bad, &first);
    record(j, s, "dst", bad, &first);
    j->r->verified_bytes += s->len - data_bad;
    j->r->requests_done++;
    buf_free(j, &s->dst);
    buf_free(j, &s->src);
    s->phase = SLOT_IDLE;
    return 0;
idle:
    buf_free(j, &s->dst);
    buf_free(j, &s->src);
    s->phase = SLOT_IDLE;
    return -1;
}

/* Keeps QD requests in flight until N are done; after a failure no new request starts. */
static void requests_run(struct job *j)
{
    uint64_t next = 0, busy = 0;
    bool failed = false;

    for (unsigned k = 0; k < j->o->qd && next < j->o->requests; k++)
        if (slot_start(j, &j->slots[k], next++) == 0)
            busy++;
        else
            failed = true;
    while (busy > 0) {
        struct slot *s = NULL;
        dmabox_status_t st;
        size_t info;

        pthread_mutex_lock(&j->lock);
        for (;;) {
            for (unsigned k = 0; k < j->o->qd && s == NULL; k++)
                if (j->slots[k].phase != SLOT_IDLE && j->slots[k].done)
                    s = &j->slots[k];
            if (s != NULL)
                break;
            pthread_cond_wait(&j->cond, &j->lock);
        }
        s->done = false;
        st = s->status;
        info = s->info;
        pthread_mutex_unlock(&j->lock);
        if (slot_step(j, s, st, info) != 0)
            failed = true;
        if (s->phase != SLOT_IDLE)
            continue;
        busy--;
        if (!failed && next < j->o->requests) {
            if (slot_start(j, s, next++) == 0)
                busy++;
            else
                failed = true;
        }
    }
}

/* The counters while the driver still has its DMA objects; DPCs from the sgdma driver. */
static void counters_gather(struct job *j)
{
    struct dmabox_machine_stats *st = calloc(1, sizeof(*st));

    dmabox_machine_dma_stats(j->m, &j->r->dma);
    if (st != NULL && dmabox_machine_stats(j->m, st) == DMABOX_STATUS_SUCCESS) {
        j->r->interrupts = st->slots[0].irq_claimed;
        j->r->dma_denied = st->slots[0].dma_denied + st->slots[0].dma_unmapped;
    }
    free(st);
    if (strcmp(j->dev->name, "sgdma") == 0) {
        SGDMA_STATISTICS *s = NULL;
        size_t n = 0;

        if (dmabox_buffer_alloc(j->m, sizeof(*s), 0, (void **)&s) == DMABOX_STATUS_SUCCESS) {
            if (dmabox_ioctl(j->h, IOCTL_SGDMA_GET_STATISTICS, NULL, 0, s, sizeof(*s), &n) ==
                    DMABOX_STATUS_SUCCESS && n == sizeof(*s)) {
                j->r->have_dpcs = true;
                j->r->dpcs = s->Dpcs;
            }
            dmabox_buffer_free(j->m, s);
        }
    }
}

static void findings_take(struct drvrun_result *r, const struct dmabox_machine_stats *st)
{
    r->findings = st->findings_total;
    r->iommu_faults = st->iommu_faults;
    if (st->rule_count > 0)
        r->first_rule = st->rules[0].id;
}

static int setup(struct job *j, const struct drvrun_opts *o, dmabox_slot_t **slot,
                 dmabox_driver_t **drv, const char *path)
{
    dmabox_device_t *dev;
    dmabox_status_t st;

    st = dmabox_plug(j->m, 0, o->device, NULL, slot);
    if (st != DMABOX_STATUS_SUCCESS) {
        snprintf(j->r->err, sizeof(j->r->err), "cannot plug %s: %s", o->device,
                 dmabox_status_name(st));
        return -1;
    }
    st = dmabox_driver_load_so(j->m, path, drv);
    if (st != DMABOX_STATUS_SUCCESS) {
        snprintf(j->r->err, sizeof(j->r->err), "cannot load the driver %.300s: %s", path,
                 dmabox_status_name(st));
        *drv = NULL;
        return -1;
    }
    st = dmabox_device_attach(*drv, *slot, &dev);
    if (st != DMABOX_STATUS_SUCCESS) {
        snprintf(j->r->err, sizeof(j->r->err), "the driver did not start the %s device: %s",
                 o->device, dmabox_status_name(st));
        return -1;
    }
    st = dmabox_device_open(j->m, &j->dev->iface, &j->h);
    if (st != DMABOX_STATUS_SUCCESS) {
        snprintf(j->r->err, sizeof(j->r->err), "cannot open the %s interface: %s", o->device,
                 dmabox_status_name(st));
        j->h = NULL;
        return -1;
    }
    return 0;
}

int drvrun_run(const struct drvrun_opts *o, struct drvrun_result *r)
{
    struct dmabox_machine_config cfg = {.cpus = 2, .ram_bytes = 384ull << 20,
                                        .ram_above_4g = 192ull << 20, .seed = o->seed,
                                        .verifier_mode = DMABOX_VERIFIER_RECORD,
                                        .verifier_quiet = 1};
    struct dmabox_machine_stats *final;
    struct job *j;
    dmabox_slot_t *slot = NULL;
    dmabox_driver_t *drv = NULL;
    int rc = -1;

    memset(r, 0, sizeof(*r));
    j = calloc(1, sizeof(*j));
    final = calloc(1, sizeof(*final));
    if (j == NULL || final == NULL) {
        snprintf(r->err, sizeof(r->err), "out of memory");
        goto out_free;
    }
    j->o = o;
    j->r = r;
    for (size_t i = 0; i < sizeof(devices) / sizeof(devices[0]); i++)
        if (strcmp(devices[i].name, o->device) == 0)
            j->dev = &devices[i];
    if (j->dev == NULL) {
        snprintf(r->err, sizeof(r->err), "no reference driver for device '%s'", o->device);
        goto out_free;
    }
    if (o->driver != NULL)
        snprintf(r->driver_path, sizeof(r->driver_path), "%s", o->driver);
    else if (find_driver(j->dev, r->driver_path, sizeof(r->driver_path), r->err,
                         sizeof(r->err)) != 0)
        goto out_free;
    j->region = align_down(j->dev->mem_size / o->qd, j->dev->align);
    pattern_rng_init(&j->rng, o->seed);
    pthread_mutex_init(&j->lock, NULL);
    pthread_cond_init(&j->cond, NULL);
    for (unsigned k = 0; k < DRVRUN_MAX_QD; k++)
        j->slots[k].job = j;
    if (dmabox_machine_create(&cfg, &j->m) != DMABOX_STATUS_SUCCESS) {
        snprintf(r->err, sizeof(r->err), "cannot create the machine");
        goto out_sync;
    }
    if (setup(j, o, &slot, &drv, r->driver_path) == 0) {
        uint64_t t0 = now_ns();

        requests_run(j);
        r->elapsed_ns = now_ns() - t0;
        counters_gather(j);
        rc = 0;
    }
    if (j->h != NULL)
        dmabox_close(j->h);
    if (drv != NULL)
        dmabox_driver_unload(drv);
    /* The final statistics include what the teardown finds (leaks are findings too). */
    if (dmabox_machine_destroy(j->m, final) == DMABOX_STATUS_SUCCESS)
        findings_take(r, final);
out_sync:
    pthread_cond_destroy(&j->cond);
    pthread_mutex_destroy(&j->lock);
out_free:
    free(final);
    free(j);
    return rc;
}

bool drvrun_passed(const struct drvrun_opts *o, const struct drvrun_result *r)
{
    return r->requests_done == o->requests && r->io_errors == 0 && r->mismatches == 0 &&
           r->verified_bytes == r->bytes_read && r->findings == 0 && r->iommu_faults == 0 &&
           r->dma_denied == 0;
}
