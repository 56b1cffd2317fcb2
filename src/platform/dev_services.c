/* dev_services.c - the services a device model may call (include/dmabox/device_model.h), on the
 * platform layer: DMA through the address-width check, the IOMMU and RAM; interrupts through the
 * device's interrupt source; guest-error logging; fault sites; workers built on exec threads,
 * events and timers.  Every DMA result is counted per device (bus_device_stats).
 * The failure a model sees for a refused access stands for a PCIe completer/unsupported-request
 * abort; Windows-side view of device address limits:
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/supporting-32-bit-and-64-bit-dma */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus_dev.h"
#include "exec.h"
#include "exec_ctx.h"
#include "fault.h"
#include "intr.h"
#include "iommu.h"
#include "machine.h"

#define FAULT_SITE_BUS_ABORT "dev.bus_abort"

struct dmabox_worker {
    struct dmabox_dev *dev;
    void (*fn)(void *state);
    char name[64];                    /* "<dev>:<worker>", the thread's name for reports */
    struct exec_thread *thread;
    struct exec_event kick;           /* auto-reset: kicks while fn runs make it run once more */
    struct exec_event stop;           /* manual-reset: set once, wakes dmabox_worker_sleep */
    struct exec_timer timer;          /* dmabox_worker_kick_after */
    pthread_mutex_t arm_lock;         /* orders arming the timer against stopping */
    atomic_bool stopping;
    struct dmabox_worker *next;       /* dev->workers, under dev->workers_lock */
};

#define COUNT(dev, field, n) atomic_fetch_add_explicit(&(dev)->stats.field, (n), memory_order_relaxed)

static void model_error(const struct dmabox_dev *dev, const char *what)
{
    fprintf(stderr, "dmabox: %s: model error: %s\n", dev->name, what);
}

void *dmabox_dev_state(struct dmabox_dev *dev)
{
    return dev->state;
}

const char *dmabox_dev_name(const struct dmabox_dev *dev)
{
    return dev->name;
}

/* ---- options ---- */

const char *dmabox_props_get(const struct dmabox_props *props, const char *name)
{
    for (size_t i = 0; props != NULL && i < props->count; i++)
        if (props->items[i].name != NULL && strcmp(props->items[i].name, name) == 0)
            return props->items[i].value;
    return NULL;
}

/* Absent: *out = dflt, 0.  Present: a decimal or 0x-hex number that fills the whole value, else
 * -EINVAL (and *out = dflt). */
int dmabox_props_u64(const struct dmabox_props *props, const char *name, uint64_t dflt, uint64_t *out)
{
    const char *v = dmabox_props_get(props, name);
    char *end;
    uint64_t x;
    *out = dflt;
    if (v == NULL)
        return 0;
    if (v[0] < '0' || v[0] > '9')
        return -EINVAL;
    errno = 0;
    x = strtoull(v, &end, 0);
    if (*end != '\0' || errno != 0)
        return -EINVAL;
    *out = x;
    return 0;
}

/* ---- DMA ---- */

/* Checks in the order hardware would fail: an injected bus abort, what the master can drive, the
 * IOMMU, then whether the address decodes to RAM.  No wrapping: an access whose last byte is
 * beyond 2^bits fails as a whole. */
static enum dmabox_dma_result dma_check(struct dmabox_dev *dev, uint64_t addr, size_t len,
                                        enum iommu_dir dir, void **host)
{
    struct machine *m = dev->machine;
    uint64_t last_room = dev->dma_limit ? dev->dma_limit - 1 : UINT64_MAX;
    if (fault_hit(m->faults, FAULT_SITE_BUS_ABORT)) {
        COUNT(dev, faults_injected, 1);
        COUNT(dev, dma_denied, 1);
        return DMABOX_DMA_IOMMU_DENIED;
    }
    if (addr > last_room || len - 1 > last_room - addr) {
        COUNT(dev, dma_denied, 1);
        return DMABOX_DMA_ADDR_WIDTH;
    }
    if (!iommu_check(m->iommu, bus_device_id(dev), addr, len, dir)) {
        COUNT(dev, dma_denied, 1);
        return DMABOX_DMA_IOMMU_DENIED;
    }
    *host = physmem_phys_to_host(m->mem, iommu_bus_to_phys(addr), len);
    if (*host == NULL) {
        COUNT(dev, dma_unmapped, 1);
        return DMABOX_DMA_UNMAPPED;
    }
    return DMABOX_DMA_OK;
}

enum dmabox_dma_result dmabox_dma_read(struct dmabox_dev *dev, uint64_t addr, void *buf, size_t len)
{
    void *host = NULL;
    enum dmabox_dma_result r;
    if (len == 0)
        return DMABOX_DMA_OK;
    r = dma_check(dev, addr, len, IOMMU_DIR_DEVICE_READS, &host);
    if (r != DMABOX_DMA_OK)
        return r;
    memcpy(buf, host, len);
    COUNT(dev, dma_reads, 1);
    COUNT(dev, dma_bytes_read, len);
    return DMABOX_DMA_OK;
}

enum dmabox_dma_result dmabox_dma_write(struct dmabox_dev *dev, uint64_t addr, const void *buf, size_t len)
{
    void *host = NULL;
    enum dmabox_dma_result r;
    if (len == 0)
        return DMABOX_DMA_OK;
    r = dma_check(dev, addr, len, IOMMU_DIR_DEVICE_WRITES, &host);
    if (r != DMABOX_DMA_OK)
        return r;
    memcpy(host, buf, len);
    COUNT(dev, dma_writes, 1);
    COUNT(dev, dma_bytes_written, len);
    return DMABOX_DMA_OK;
}

/* ---- interrupts ---- */

void dmabox_irq_send(struct dmabox_dev *dev, unsigned vector)
{
    char what[96];
    if (dev->model->irq_kind != DMABOX_IRQ_MSI || vector >= dev->model->msi_vectors) {
        snprintf(what, sizeof(what), "dmabox_irq_send(%u) on a device without that message vector",
                 vector);
        model_error(dev, what);
        return;
    }
    COUNT(dev, irqs_raised, 1);
    intr_source_send(dev->irq, vector);
}

/* A line device raises its level; for an MSI device raise means an edge on vector 0. */
void dmabox_irq_raise(struct dmabox_dev *dev)
{
    if (dev->model->irq_kind == DMABOX_IRQ_MSI) {
        dmabox_irq_send(dev, 0);
        return;
    }
    atomic_store_explicit(&dev->irq_asserted, 1, memory_order_relaxed);
    COUNT(dev, irqs_raised, 1);
    intr_source_assert(dev->irq);
}

/* Drops a line; messages are edges and have nothing to drop. */
void dmabox_irq_lower(struct dmabox_dev *dev)
{
    if (dev->model->irq_kind == DMABOX_IRQ_MSI)
        return;
    atomic_store_explicit(&dev->irq_asserted, 0, memory_order_relaxed);
    intr_source_deassert(dev->irq);
}

/* ---- errors, faults, time ---- */

void dmabox_dev_guest_error(struct dmabox_dev *dev, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    COUNT(dev, guest_errors, 1);
    fprintf(stderr, "dmabox: %s: guest error: %s\n", dev->name, msg);
}

/* Site names are global ("dev.desc_error"): one arm covers every device; firings are also
 * counted per device. */
bool dmabox_dev_fault(struct dmabox_dev *dev, const char *site)
{
    if (!fault_hit(dev->machine->faults, site))
        return false;
    COUNT(dev, faults_fired, 1);
    return true;
}

uint64_t dmabox_now_ns(void)
{
    return exec_now_ns();
}

/* ---- workers ---- */

static void worker_main(void *arg)
{
    struct dmabox_worker *w = arg;
    for (;;) {
        exec_event_wait(&w->kick, UINT64_MAX);
        if (atomic_load(&w->stopping))
            break;
        w->fn(w->dev->state);
    }
}

static void worker_timer_fired(struct exec_timer *t, void *arg)
{
    struct dmabox_worker *w = arg;
    (void)t;
    exec_event_set(&w->kick);
}

struct dmabox_worker *dmabox_worker_create(struct dmabox_dev *dev, const char *name,
                                           void (*fn)(void *state))
{
    struct dmabox_worker *w = calloc(1, sizeof(*w));
    if (w == NULL)
        return NULL;
    w->dev = dev;
    w->fn = fn;
    snprintf(w->name, sizeof(w->name), "%s:%s", dev->name, name ? name : "worker");
    exec_event_init(&w->kick, true, false);
    exec_event_init(&w->stop, false, false);
    exec_timer_init(&w->timer, worker_timer_fired, w);
    pthread_mutex_init(&w->arm_lock, NULL);
    if (exec_thread_create(dev->machine, w->name, -1, EXEC_LEVEL_PASSIVE, worker_main, w,
                           &w->thread) < 0) {
        free(w);
        return NULL;
    }
    pthread_mutex_lock(&dev->workers_lock);
    w->next = dev->workers;
    dev->workers = w;
    pthread_mutex_unlock(&dev->workers_lock);
    return w;
}

void dmabox_worker_kick(struct dmabox_worker *w)
{
    exec_event_set(&w->kick);
}

/* One pending timer per worker: a later call replaces an earlier one that has not fired. */
void dmabox_worker_kick_after(struct dmabox_worker *w, uint64_t delay_ns)
{
    if (delay_ns == 0) {
        exec_event_set(&w->kick);
        return;
    }
    /* Once stopping is set under the lock no timer is armed again, so the cancel in
     * worker_stop_free is final. */
    pthread_mutex_lock(&w->arm_lock);
    if (!atomic_load(&w->stopping))
        exec_timer_set(w->dev->machine->exec, &w->timer, delay_ns, 0);
    pthread_mutex_unlock(&w->arm_lock);
}

bool dmabox_worker_sleep(struct dmabox_worker *w, uint64_t ns)
{
    if (ns > 0)
        exec_event_wait(&w->stop, ns);
    return !atomic_load(&w->stopping);
}

bool dmabox_worker_stopping(const struct dmabox_worker *w)
{
    return atomic_load(&w->stopping);
}

static void worker_stop_free(struct dmabox_worker *w)
{
    pthread_mutex_lock(&w->arm_lock);
    atomic_store(&w->stopping, true);
    pthread_mutex_unlock(&w->arm_lock);
    exec_event_set(&w->stop);
    exec_event_set(&w->kick);
    exec_timer_cancel(w->dev->machine->exec, &w->timer, true);
    exec_thread_join(w->thread);
    pthread_mutex_destroy(&w->arm_lock);
    free(w);
}

void dmabox_worker_destroy(struct dmabox_worker *w)
{
    struct dmabox_dev *dev;
    if (w == NULL)
        return;
    dev = w->dev;
    pthread_mutex_lock(&dev->workers_lock);
    for (struct dmabox_worker **pp = &dev->workers; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == w) {
            *pp = w->next;
            break;
        }
    }
    pthread_mutex_unlock(&dev->workers_lock);
    worker_stop_free(w);
}

void dev_services_reap_workers(struct dmabox_dev *dev)
{
    struct dmabox_worker *w;
    pthread_mutex_lock(&dev->workers_lock);
    w = dev->workers;
    dev->workers = NULL;
    pthread_mutex_unlock(&dev->workers_lock);
    while (w != NULL) {
        struct dmabox_worker *next = w->next;
        model_error(dev, "worker left running after unrealize; stopped by the bus");
        worker_stop_free(w);
        w = next;
    }
}
