/* bus.c - the PCI-like bus: slots, plugging and unplugging device models, BAR assignment and the
 * resource lists a driver receives (platform layer).
 *
 * Memory BARs get machine-physical addresses in MMIO windows that RAM never uses (32-bit BARs from
 * 0xE0000000, 64-bit BARs above the high RAM bank), naturally aligned and at least page aligned;
 * port BARs get port numbers from 0x1000.  Resources as a driver sees them in
 * EvtDevicePrepareHardware:
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/introduction-to-hardware-resources */
#include "bus.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus_dev.h"
#include "exec_ctx.h"
#include "intr.h"
#include "machine.h"
#include "mmio.h"

#define MEM32_BASE 0xE0000000ull
#define MEM32_END 0xFEC00000ull        /* below the usual IOAPIC/LAPIC addresses */
#define MEM64_ALIGN (1ull << 30)
#define MEM64_SPAN (1ull << 40)
#define PORT_BASE 0x1000ull
#define PORT_END 0x10000ull
#define BAR_MIN_SIZE 16
#define PORT_BAR_MAX 256               /* PCI I/O BARs decode at most 256 ports */
#define MSI_MAX_VECTORS 32

struct bus {
    struct machine *machine;
    pthread_mutex_t lock;
    struct dmabox_dev *slots[BUS_MAX_SLOTS];
    bool removing[BUS_MAX_SLOTS];      /* unplug in progress: the slot stays busy until it ends */
};

static void errf(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void errf(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    if (err == NULL || errlen == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

int bus_create(struct machine *m)
{
    struct bus *b = calloc(1, sizeof(*b));
    if (b == NULL)
        return -ENOMEM;
    b->machine = m;
    pthread_mutex_init(&b->lock, NULL);
    m->bus = b;
    return 0;
}

void bus_destroy(struct machine *m)
{
    struct bus *b = m->bus;
    if (b == NULL)
        return;
    for (unsigned s = 0; s < BUS_MAX_SLOTS; s++) {
        struct dmabox_dev *dev = bus_slot_device(b, s);
        if (dev != NULL)
            bus_unplug(dev);
    }
    pthread_mutex_destroy(&b->lock);
    free(b);
    m->bus = NULL;
}

static bool is_pow2(uint64_t v)
{
    return v != 0 && (v & (v - 1)) == 0;
}

static int validate_bars(const struct dmabox_device_model *md, char *err, size_t errlen)
{
    for (unsigned i = 0; i < BUS_MAX_BARS; i++) {
        const struct dmabox_bar_desc *bd = &md->bars[i];
        if (bd->type == DMABOX_BAR_NONE)
            continue;
        if (bd->type != DMABOX_BAR_MEM32 && bd->type != DMABOX_BAR_MEM64 && bd->type != DMABOX_BAR_IO) {
            errf(err, errlen, "%s: BAR%u: unknown type %d", md->name, i, (int)bd->type);
            return -EINVAL;
        }
        if (!is_pow2(bd->size) || bd->size < BAR_MIN_SIZE ||
            (bd->type == DMABOX_BAR_IO && bd->size > PORT_BAR_MAX) ||
            (bd->type == DMABOX_BAR_MEM32 && bd->size > (1ull << 28))) {
            errf(err, errlen, "%s: BAR%u: size %#llx is not a power of two in the range allowed",
                 md->name, i, (unsigned long long)bd->size);
            return -EINVAL;
        }
        if (bd->ops == NULL || bd->ops->read == NULL || bd->ops->write == NULL) {
            errf(err, errlen, "%s: BAR%u: no read/write ops", md->name, i);
            return -EINVAL;
        }
        if (bd->type == DMABOX_BAR_MEM64 &&
            (i + 1 >= BUS_MAX_BARS || md->bars[i + 1].type != DMABOX_BAR_NONE)) {
            errf(err, errlen, "%s: BAR%u: a 64-bit BAR needs the next BAR register free", md->name, i);
            return -EINVAL;
        }
        if (bd->type == DMABOX_BAR_MEM64)
            i++;
    }
    return 0;
}

static int validate_model(const struct dmabox_device_model *md, char *err, size_t errlen)
{
    if (md == NULL || md->name == NULL) {
        errf(err, errlen, "no model");
        return -EINVAL;
    }
    if (md->abi_version != DMABOX_DEVICE_MODEL_ABI) {
        errf(err, errlen, "%s: device-model ABI %u, this bus speaks %u", md->name, md->abi_version,
             DMABOX_DEVICE_MODEL_ABI);
        return -EINVAL;
    }
    if (md->realize == NULL || md->unrealize == NULL || md->reset == NULL) {
        errf(err, errlen, "%s: realize, unrealize and reset are required", md->name);
        return -EINVAL;
    }
    if (md->dma_address_bits < 12 || md->dma_address_bits > 64) {
        errf(err, errlen, "%s: dma_address_bits %u out of range", md->name, md->dma_address_bits);
        return -EINVAL;
    }
    if (md->irq_kind != DMABOX_IRQ_LINE && md->irq_kind != DMABOX_IRQ_MSI) {
        errf(err, errlen, "%s: unknown interrupt kind %d", md->name, (int)md->irq_kind);
        return -EINVAL;
    }
    if (md->irq_kind == DMABOX_IRQ_MSI && (!is_pow2(md->msi_vectors) || md->msi_vectors > MSI_MAX_VECTORS)) {
        errf(err, errlen, "%s: MSI needs 1, 2, 4, 8, 16 or 32 vectors, not %u", md->name,
             md->msi_vectors);
        return -EINVAL;
    }
    return validate_bars(md, err, errlen);
}

/* Every option given must be named in the model's options_help ("name=default  meaning" lines). */
static int validate_props(const struct dmabox_device_model *md, const struct dmabox_props *props,
                          char *err, size_t errlen)
{
    for (size_t i = 0; props != NULL && i < props->count; i++) {
        const char *name = props->items[i].name, *p = md->options_help;
        size_t n = name ? strlen(name) : 0;
        bool known = false;
        while (n > 0 && p != NULL && *p != '\0' && !known) {
            p += strspn(p, " \t");
            known = strncmp(p, name, n) == 0 && p[n] == '=';
            p = strchr(p, '\n');
            p = p ? p + 1 : NULL;
        }
        if (!known) {
            errf(err, errlen, "%s: unknown option '%s'", md->name, name ? name : "(null)");
            return -EINVAL;
        }
    }
    return 0;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) & ~(a - 1);
}

/* Lowest aligned start in [lo, hi) for size bytes that overlaps no BAR of the same space already
 * assigned.  Caller holds b->lock.  Returns 0 when the window is full. */
static uint64_t find_space_locked(struct bus *b, const struct dmabox_dev *self, bool io, uint64_t lo,
                                  uint64_t hi, uint64_t size, uint64_t align)
{
    uint64_t cand = align_up(lo, align);
    bool moved = true;
    while (moved && cand + size <= hi) {
        moved = false;
        for (unsigned s = 0; s <= BUS_MAX_SLOTS; s++) {
            const struct dmabox_dev *d = s < BUS_MAX_SLOTS ? b->slots[s] : self;
            for (unsigned i = 0; d != NULL && i < BUS_MAX_BARS; i++) {
                const struct dmabox_bar_desc *bd = &d->model->bars[i];
                uint64_t base = d->bar_base[i];
                if (base == 0 || (bd->type == DMABOX_BAR_IO) != io)
                    continue;
                if (cand < base + bd->size && base < cand + size) {
                    cand = align_up(base + bd->size, align);
                    moved = true;
                }
            }
        }
    }
    return cand + size <= hi ? cand : 0;
}

static int assign_bars_locked(struct bus *b, struct dmabox_dev *dev, char *err, size_t errlen)
{
    const struct machine *m = b->machine;
    uint64_t mem64_lo = align_up(PHYSMEM_4G + m->config.ram_bytes, MEM64_ALIGN);
    for (unsigned i = 0; i < BUS_MAX_BARS; i++) {
        const struct dmabox_bar_desc *bd = &dev->model->bars[i];
        uint64_t base = 0, align = bd->size < PHYSMEM_PAGE_SIZE ? PHYSMEM_PAGE_SIZE : bd->size;
        if (bd->type == DMABOX_BAR_IO)
            base = find_space_locked(b, dev, true, PORT_BASE, PORT_END, bd->size, bd->size);
        else if (bd->type == DMABOX_BAR_MEM32)
            base = find_space_locked(b, dev, false, MEM32_BASE, MEM32_END, bd->size, align);
        else if (bd->type == DMABOX_BAR_MEM64)
            base = find_space_locked(b, dev, false, mem64_lo, mem64_lo + MEM64_SPAN, bd->size, align);
        else
            continue;
        if (base == 0 || (bd->type != DMABOX_BAR_IO &&
                          (physmem_phys_to_host(m->mem, base, 1) != NULL ||
                           physmem_phys_to_host(m->mem, base + bd->size - 1, 1) != NULL))) {
            errf(err, errlen, "%s: BAR%u: no room for %#llx bytes", dev->name, i,
                 (unsigned long long)bd->size);
            return -ENOSPC;
        }
        dev->bar_base[i] = base;
    }
    return 0;
}

/* "<model><n>" with the lowest n no plugged device of that model uses.  Caller holds b->lock. */
static void name_device_locked(struct bus *b, struct dmabox_dev *dev)
{
    for (unsigned n = 0;; n++) {
        bool used = false;
        snprintf(dev->name, sizeof(dev->name), "%.24s%u", dev->model->name, n);
        for (unsigned s = 0; s < BUS_MAX_SLOTS && !used; s++)
            used = b->slots[s] != NULL && strcmp(b->slots[s]->name, dev->name) == 0;
        if (!used)
            return;
    }
}

static void dev_free(struct dmabox_dev *dev)
{
    pthread_mutex_destroy(&dev->cfg_lock);
    pthread_mutex_destroy(&dev->workers_lock);
    free(dev->state);
    free(dev);
}

static struct dmabox_dev *dev_alloc(struct bus *b, unsigned slot, const struct dmabox_device_model *md)
{
    struct dmabox_dev *dev = calloc(1, sizeof(*dev));
    if (dev == NULL)
        return NULL;
    dev->state = calloc(1, md->state_size ? md->state_size : 1);
    if (dev->state == NULL) {
        free(dev);
        return NULL;
    }
    dev->bus = b;
    dev->machine = b->machine;
    dev->model = md;
    dev->slot = slot;
    dev->dma_limit = md->dma_address_bits >= 64 ? 0 : 1ull << md->dma_address_bits;
    pthread_mutex_init(&dev->cfg_lock, NULL);
    pthread_mutex_init(&dev->workers_lock, NULL);
    bus_config_init(dev);
    return dev;
}

/* Creates the device's interrupt source: a level line or md->msi_vectors message vectors, at
 * device level EXEC_LEVEL_DEVICE_MIN + slot. */
static int create_irq(struct bus *b, struct dmabox_dev *dev, char *err, size_t errlen)
{
    const struct dmabox_device_model *md = dev->model;
    bool msi = md->irq_kind == DMABOX_IRQ_MSI;
    int rc = intr_source_create(b->machine->intr, dev->name, msi ? INTR_KIND_MESSAGE : INTR_KIND_LINE,
                                msi ? md->msi_vectors : 1,
                                (uint8_t)(EXEC_LEVEL_DEVICE_MIN + dev->slot), &dev->irq);
    if (rc < 0)
        errf(err, errlen, "%s: interrupt source: error %d", dev->name, rc);
    return rc;
}

static int realize_locked(struct bus *b, struct dmabox_dev *dev, const struct dmabox_props *props,
                          char *err, size_t errlen)
{
    const struct dmabox_device_model *md = dev->model;
    int rc;
    if (err != NULL && errlen > 0)
        err[0] = '\0';
    if (md->realize(dev, dev->state, props, err, errlen) != 0) {
        if (err != NULL && errlen > 0 && err[0] == '\0')
            errf(err, errlen, "%s: realize failed", dev->name);
        dev_services_reap_workers(dev);   /* a failed realize should have stopped them itself */
        return -EINVAL;
    }
    md->reset(dev->state);
    rc = mmio_attach_device(b->machine, dev);
    if (rc < 0) {
        errf(err, errlen, "%s: cannot register its port BARs: error %d", dev->name, rc);
        md->unrealize(dev, dev->state);
        dev_services_reap_workers(dev);
    }
    return rc;
}

int bus_plug(struct bus *b, unsigned slot, const struct dmabox_device_model *model,
             const struct dmabox_props *props, struct dmabox_dev **out, char *err, size_t errlen)
{
    struct dmabox_dev *dev;
    int rc;
    if (out != NULL)
        *out = NULL;
    rc = validate_model(model, err, errlen);
    if (rc == 0)
        rc = validate_props(model, props, err, errlen);
    if (rc < 0)
        return rc;
    if (slot >= BUS_MAX_SLOTS) {
        errf(err, errlen, "slot %u does not exist (0..%u)", slot, BUS_MAX_SLOTS - 1);
        return -EINVAL;
    }
    pthread_mutex_lock(&b->lock);
    if (b->slots[slot] != NULL) {
        errf(err, errlen, "slot %u is busy (%s)", slot, b->slots[slot]->name);
        pthread_mutex_unlock(&b->lock);
        return -EBUSY;
    }
    dev = dev_alloc(b, slot, model);
    if (dev == NULL) {
        pthread_mutex_unlock(&b->lock);
        errf(err, errlen, "%s: out of memory", model->name);
        return -ENOMEM;
    }
    name_device_locked(b, dev);
    rc = assign_bars_locked(b, dev, err, errlen);
    if (rc == 0)
        rc = create_irq(b, dev, err, errlen);
    if (rc == 0) {
        rc = realize_locked(b, dev, props, err, errlen);
        if (rc < 0)
            intr_source_destroy(dev->irq);
    }
    if (rc < 0) {
        pthread_mutex_unlock(&b->lock);
        dev_free(dev);
        return rc;
    }
    b->slots[slot] = dev;
    pthread_mutex_unlock(&b->lock);
    if (out != NULL)
        *out = dev;
    return 0;
}

/* Teardown order matters: no register access may reach the model once it is unrealized, and the
 * model's workers (which raise the interrupt) must be gone before the source is destroyed. */
void bus_unplug(struct dmabox_dev *dev)
{
    struct bus *b = dev->bus;
    pthread_mutex_lock(&b->lock);
    b->removing[dev->slot] = true;
    pthread_mutex_unlock(&b->lock);

    mmio_detach_device(b->machine, dev);
    dev->model->unrealize(dev, dev->state);
    dev_services_reap_workers(dev);
    intr_source_destroy(dev->irq);

    pthread_mutex_lock(&b->lock);
    b->slots[dev->slot] = NULL;
    b->removing[dev->slot] = false;
    pthread_mutex_unlock(&b->lock);
    dev_free(dev);
}

struct dmabox_dev *bus_slot_device(struct bus *b, unsigned slot)
{
    struct dmabox_dev *dev = NULL;
    if (slot >= BUS_MAX_SLOTS)
        return NULL;
    pthread_mutex_lock(&b->lock);
    if (!b->removing[slot])
        dev = b->slots[slot];
    pthread_mutex_unlock(&b->lock);
    return dev;
}

struct dmabox_dev *bus_find_mem_bar(struct bus *b, phys_addr_t pa, uint64_t len, unsigned *slot,
                                    unsigned *bar, uint64_t *offset)
{
    struct dmabox_dev *found = NULL;
    pthread_mutex_lock(&b->lock);
    for (unsigned s = 0; s < BUS_MAX_SLOTS && found == NULL; s++) {
        struct dmabox_dev *d = b->removing[s] ? NULL : b->slots[s];
        for (unsigned i = 0; d != NULL && i < BUS_MAX_BARS; i++) {
            const struct dmabox_bar_desc *bd = &d->model->bars[i];
            uint64_t base = d->bar_base[i];
            if (bd->type != DMABOX_BAR_MEM32 && bd->type != DMABOX_BAR_MEM64)
                continue;
            if (pa >= base && pa - base < bd->size && len <= bd->size - (pa - base)) {
                found = d;
                *slot = s;
                *bar = i;
                *offset = pa - base;
                break;
            }
        }
    }
    pthread_mutex_unlock(&b->lock);
    return found;
}

size_t bus_resources(struct dmabox_dev *dev, struct bus_resource *out, size_t max)
{
    const struct dmabox_device_model *md = dev->model;
    size_t n = 0;
    for (unsigned i = 0; i < BUS_MAX_BARS; i++) {
        const struct dmabox_bar_desc *bd = &md->bars[i];
        if (bd->type == DMABOX_BAR_NONE)
            continue;
        if (n < max)
            out[n] = (struct bus_resource){
                .type = bd->type == DMABOX_BAR_IO ? BUS_RES_PORT : BUS_RES_MEMORY,
                .start = dev->bar_base[i],
                .length = bd->size,
                .bar = i,
            };
        n++;
    }
    if (n < max) {
        bool msi = md->irq_kind == DMABOX_IRQ_MSI;
        out[n] = (struct bus_resource){
            .type = BUS_RES_INTERRUPT,
            .message = msi,
            .vectors = msi ? md->msi_vectors : 1,
            .line = msi ? BUS_MSI_FIRST_MESSAGE + dev->slot * MSI_MAX_VECTORS
                       : BUS_INTX_FIRST_LINE + dev->slot,
            .level = intr_source_level(dev->irq),
        };
    }
    return n + 1;
}

struct intr_source *bus_device_intr(struct dmabox_dev *dev)
{
    return dev->irq;
}

unsigned bus_device_id(const struct dmabox_dev *dev)
{
    return dev->slot + 1;
}

const struct dmabox_device_model *bus_device_model(const struct dmabox_dev *dev)
{
    return dev->model;
}

struct machine *bus_device_machine(const struct dmabox_dev *dev)
{
    return dev->machine;
}

void bus_device_stats(const struct dmabox_dev *dev, struct bus_dev_stats *out)
{
    const struct bus_dev_counters *c = &dev->stats;
#define LOAD(f) out->f = atomic_load_explicit(&c->f, memory_order_relaxed)
    LOAD(dma_reads);
    LOAD(dma_writes);
    LOAD(dma_bytes_read);
    LOAD(dma_bytes_written);
    LOAD(dma_denied);
    LOAD(dma_unmapped);
    LOAD(faults_injected);
    LOAD(faults_fired);
    LOAD(irqs_raised);
    LOAD(guest_errors);
    LOAD(mmio_reads);
    LOAD(mmio_writes);
#undef LOAD
}
