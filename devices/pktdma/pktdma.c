/* pktdma.c - the pktdma device model (devices layer): a 32-bit packet-mode bus master in the
 * manner of a PLX 9x5x DMA channel or a small FPGA DMA block.  It moves one packet at a time
 * between host memory (bus addresses below 4 GiB only) and its own device memory, on a worker that
 * works in 64 KiB chunks so ABORT and RESET take effect between chunks, and signals completion on
 * one level-triggered line.  It sees only include/dmabox/device_model.h.
 * Specification: docs/devices/pktdma.md; register map as data: pktdma_regs.h.  The driver side this
 * models: https://learn.microsoft.com/windows-hardware/drivers/wdf/handling-i-o-requests-in-a-kmdf-driver-for-a-bus-master-dma-device */
#include "pktdma.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pktdma_regs.h"

#define PKTDMA_CHUNK (64u << 10)          /* bytes moved between abort checks and pacing steps */
#define PKTDMA_BURST_BOUNDARY 4096u       /* like a PCIe request, one access never crosses 4 KiB */
#define PKTDMA_SLICE_NS 1000000ull        /* longest sleep before the worker looks for ABORT */
#define PKTDMA_GLITCH_NS 100000000ull     /* a spurious pulse lasts until STATUS is read, or this */
#define PKTDMA_GLITCH_SLICE_NS 100000ull
#define PKTDMA_MAX_MEM_MIB 1024u
#define PKTDMA_MIN_MAX_LEN 4096u
#define PKTDMA_MAX_MAX_LEN (16u << 20)
#define PKTDMA_MAX_ALIGN 4096u
#define PKTDMA_MAX_LATENCY_NS 10000000000ull

/* The transfer registers as latched by GO: later register writes do not affect it. */
struct pktdma_xfer {
    uint32_t addr;
    uint32_t length;
    uint32_t dev_offset;
    bool to_device;
};

struct pktdma_counters {
    uint64_t xfers, bytes, irqs, aborts, errors;
};

struct pktdma {
    struct dmabox_dev *dev;
    struct dmabox_worker *worker;
    uint8_t *mem;              /* device memory; touched only by the worker, under lock */
    bool lock_ready;

    /* Options, fixed at realize. */
    uint32_t mem_size, max_len, align;
    uint64_t bandwidth, latency_ns;

    /* Guards everything below.  The worker holds it while it moves a chunk, so once an ABORT or
     * RESET write returns the old transfer performs no further DMA. */
    pthread_mutex_t lock;
    uint32_t addr_lo, addr_hi, length, dev_offset;
    uint32_t ctrl;             /* DIRECTION | INT_ENABLE only */
    uint32_t status;
    uint32_t bytes_done;
    struct pktdma_xfer xfer;
    bool pending;              /* GO accepted, worker has not picked the transfer up yet */
    bool irq_dropped;          /* dev.drop_irq fired for the completion now in STATUS */
    bool irq_cause;            /* (DONE | ERROR) && INT_ENABLE && !irq_dropped */
    bool line;                 /* the level the device drives */
    struct pktdma_counters cnt;
    _Atomic uint32_t epoch;    /* bumped (under lock) by GO, ABORT and RESET; read lock-free */
    _Atomic bool spurious;     /* a spurious pulse (dev.spurious_irq) is on the line */
};

static const struct pktdma_reg_desc *pktdma_reg_find(uint64_t offset)
{
    for (size_t i = 0; i < PKTDMA_NREGS; i++)
        if (pktdma_regs[i].offset == offset)
            return &pktdma_regs[i];
    return NULL;
}

/* Drives the line from the state: level semantics, so it stays up while the cause does.
 * Caller holds s->lock. */
static void pktdma_irq_update_locked(struct pktdma *s)
{
    bool cause = (s->status & (PKTDMA_STATUS_DONE | PKTDMA_STATUS_ERROR)) &&
                 (s->ctrl & PKTDMA_CTRL_INT_ENABLE) && !s->irq_dropped;
    bool level = cause || atomic_load(&s->spurious);

    if (cause && !s->irq_cause)
        s->cnt.irqs++;
    s->irq_cause = cause;
    if (level == s->line)
        return;
    s->line = level;
    if (level)
        dmabox_irq_raise(s->dev);
    else
        dmabox_irq_lower(s->dev);
}

/* Ends the current transfer with DONE (code NONE) or ERROR + code.  Caller holds s->lock. */
static void pktdma_finish_locked(struct pktdma *s, enum pktdma_err code)
{
    s->status &= ~(PKTDMA_STATUS_BUSY | PKTDMA_STATUS_CODE_MASK);
    if (code == PKTDMA_ERR_NONE) {
        s->status |= PKTDMA_STATUS_DONE;
        s->cnt.xfers++;
    } else {
        s->status |= PKTDMA_STATUS_ERROR | ((uint32_t)code << PKTDMA_STATUS_CODE_SHIFT);
        if (code == PKTDMA_ERR_ABORTED)
            s->cnt.aborts++;
        else
            s->cnt.errors++;
    }
    s->irq_dropped = dmabox_dev_fault(s->dev, "dev.drop_irq");
    pktdma_irq_update_locked(s);
}

/* Registers and counters to their reset values; the transfer in flight is abandoned without a
 * status or an interrupt.  Device memory keeps its contents.  Caller holds s->lock. */
static void pktdma_reset_locked(struct pktdma *s)
{
    s->addr_lo = s->addr_hi = s->length = s->dev_offset = 0;
    s->ctrl = s->status = s->bytes_done = 0;
    s->pending = false;
    s->irq_dropped = false;
    memset(&s->cnt, 0, sizeof(s->cnt));
    atomic_store(&s->spurious, false);
    atomic_fetch_add(&s->epoch, 1);
    pktdma_irq_update_locked(s);
}

/* The checks GO makes before anything moves, in this order (docs/devices/pktdma.md, "GO"). */
static enum pktdma_err pktdma_validate_locked(const struct pktdma *s)
{
    if (s->length == 0 || s->length > s->max_len)
        return PKTDMA_ERR_BAD_LENGTH;
    if ((s->addr_lo | s->length | s->dev_offset) & (s->align - 1))
        return PKTDMA_ERR_ALIGN;
    /* A 32-bit master cannot drive the upper half: refuse rather than truncate or wrap. */
    if (s->addr_hi != 0 || (uint64_t)s->addr_lo + s->length > (1ull << 32))
        return PKTDMA_ERR_ADDR_RANGE;
    if ((uint64_t)s->dev_offset + s->length > s->mem_size)
        return PKTDMA_ERR_DEV_RANGE;
    return PKTDMA_ERR_NONE;
}

/* CTRL.GO.  Returns true when the worker must be kicked.  Caller holds s->lock. */
static bool pktdma_go_locked(struct pktdma *s)
{
    enum pktdma_err code;

    if (s->status & PKTDMA_STATUS_BUSY) {
        dmabox_dev_guest_error(s->dev, "CTRL.GO written while a transfer is in progress (ignored)");
        return false;
    }
    /* A new transfer starts from a clean status: the previous completion's line drops. */
    s->status = 0;
    s->bytes_done = 0;
    s->irq_dropped = false;
    atomic_fetch_add(&s->epoch, 1);
    pktdma_irq_update_locked(s);
    code = pktdma_validate_locked(s);
    if (code != PKTDMA_ERR_NONE) {
        pktdma_finish_locked(s, code);
        return false;
    }
    s->xfer.addr = s->addr_lo;
    s->xfer.length = s->length;
    s->xfer.dev_offset = s->dev_offset;
    s->xfer.to_device = (s->ctrl & PKTDMA_CTRL_DIRECTION) != 0;
    s->status = PKTDMA_STATUS_BUSY;
    s->pending = true;
    return true;
}

/* CTRL.ABORT: no effect when idle.  Caller holds s->lock (so no chunk is in flight). */
static void pktdma_abort_locked(struct pktdma *s)
{
    if (!(s->status & PKTDMA_STATUS_BUSY))
        return;
    s->pending = false;
    atomic_fetch_add(&s->epoch, 1);
    pktdma_finish_locked(s, PKTDMA_ERR_ABORTED);
}

/* CTRL write: RESET wins over ABORT, which wins over GO.  Returns true to kick the worker. */
static bool pktdma_ctrl_write_locked(struct pktdma *s, uint32_t v)
{
    bool kick = false;

    if (v & PKTDMA_CTRL_RESET) {
        pktdma_reset_locked(s);
        return false;
    }
    s->ctrl = v & PKTDMA_CTRL_RW_MASK;
    if (v & PKTDMA_CTRL_ABORT)
        pktdma_abort_locked(s);
    else if (v & PKTDMA_CTRL_GO)
        kick = pktdma_go_locked(s);
    pktdma_irq_update_locked(s);   /* INT_ENABLE may have changed */
    return kick;
}

static void pktdma_status_write_locked(struct pktdma *s, uint32_t v)
{
    uint32_t clear = v & (PKTDMA_STATUS_DONE | PKTDMA_STATUS_ERROR);

    s->status &= ~clear;
    if (clear & PKTDMA_STATUS_ERROR)
        s->status &= ~PKTDMA_STATUS_CODE_MASK;
    if (!(s->status & (PKTDMA_STATUS_DONE | PKTDMA_STATUS_ERROR)))
        s->irq_dropped = false;
    pktdma_irq_update_locked(s);
}

static uint64_t pktdma_mmio_read(void *opaque, uint64_t offset, unsigned size)
{
    struct pktdma *s = opaque;
    uint32_t v = 0;

    (void)size;   /* valid_min == valid_max == 4: the bus rejects other widths */
    pthread_mutex_lock(&s->lock);
    switch (offset) {
    case PKTDMA_REG_ID: v = PKTDMA_ID_MAGIC; break;
    case PKTDMA_REG_VERSION: v = PKTDMA_VERSION_1_0; break;
    case PKTDMA_REG_CAP_MAX_LEN: v = s->max_len; break;
    case PKTDMA_REG_CAP_ADDR_BITS: v = 32; break;
    case PKTDMA_REG_CAP_ALIGN: v = s->align; break;
    case PKTDMA_REG_CAP_MEM_SIZE: v = s->mem_size; break;
    case PKTDMA_REG_ADDR_LO: v = s->addr_lo; break;
    case PKTDMA_REG_ADDR_HI: v = s->addr_hi; break;
    case PKTDMA_REG_LENGTH: v = s->length; break;
    case PKTDMA_REG_DEV_OFFSET: v = s->dev_offset; break;
    case PKTDMA_REG_CTRL: v = s->ctrl; break;
    case PKTDMA_REG_STATUS:
        v = s->status;
        /* The glitch is gone by the time someone looks (dev.spurious_irq). */
        if (atomic_load(&s->spurious)) {
            atomic_store(&s->spurious, false);
            pktdma_irq_update_locked(s);
        }
        break;
    case PKTDMA_REG_BYTES_DONE: v = s->bytes_done; break;
    case PKTDMA_REG_STAT_XFERS: v = (uint32_t)s->cnt.xfers; break;
    case PKTDMA_REG_STAT_BYTES_LO: v = (uint32_t)s->cnt.bytes; break;
    case PKTDMA_REG_STAT_BYTES_HI: v = (uint32_t)(s->cnt.bytes >> 32); break;
    case PKTDMA_REG_STAT_IRQS: v = (uint32_t)s->cnt.irqs; break;
    case PKTDMA_REG_STAT_ABORTS: v = (uint32_t)s->cnt.aborts; break;
    case PKTDMA_REG_STAT_ERRORS: v = (uint32_t)s->cnt.errors; break;
    default:
        if (offset & 3) {
            dmabox_dev_guest_error(s->dev, "unaligned register read at 0x%llx",
                                   (unsigned long long)offset);
            v = 0xFFFFFFFFu;
        }
        break;   /* unassigned offsets read as zero */
    }
    pthread_mutex_unlock(&s->lock);
    return v;
}

static void pktdma_mmio_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    struct pktdma *s = opaque;
    uint32_t v = (uint32_t)value;
    const struct pktdma_reg_desc *reg;
    bool kick = false;

    (void)size;
    pthread_mutex_lock(&s->lock);
    switch (offset) {
    case PKTDMA_REG_ADDR_LO: s->addr_lo = v; break;
    case PKTDMA_REG_ADDR_HI: s->addr_hi = v; break;
    case PKTDMA_REG_LENGTH: s->length = v; break;
    case PKTDMA_REG_DEV_OFFSET: s->dev_offset = v; break;
    case PKTDMA_REG_CTRL: kick = pktdma_ctrl_write_locked(s, v); break;
    case PKTDMA_REG_STATUS: pktdma_status_write_locked(s, v); break;
    default:
        reg = pktdma_reg_find(offset);
        dmabox_dev_guest_error(s->dev, "write of 0x%x to %s at 0x%llx ignored", v,
                               reg != NULL ? reg->name : "an unassigned offset",
                               (unsigned long long)offset);
        break;
    }
    pthread_mutex_unlock(&s->lock);
    if (kick)
        dmabox_worker_kick(s->worker);
}

/* Sleeps until `deadline` in slices, so ABORT, RESET and worker shutdown are seen within one
 * slice.  Returns false when the transfer was abandoned or the worker is stopping. */
static bool pktdma_wait_until(struct pktdma *s, uint32_t epoch, uint64_t deadline)
{
    for (;;) {
        uint64_t now, step;

        if (atomic_load(&s->epoch) != epoch)
            return false;
        now = dmabox_now_ns();
        if (now >= deadline)
            return true;
        step = deadline - now < PKTDMA_SLICE_NS ? deadline - now : PKTDMA_SLICE_NS;
        if (!dmabox_worker_sleep(s->worker, step))
            return false;
    }
}

/* When the byte at position `done` may move: latency first, then the bandwidth limit. */
static uint64_t pktdma_due(const struct pktdma *s, uint64_t start, uint32_t done)
{
    if (s->bandwidth == 0)
        return start;
    return start + (uint64_t)done * 1000000000ull / s->bandwidth;
}

/* dev.spurious_irq: the line goes up with no status bit set and stays up until STATUS is read
 * (so the driver's ISR sees it and finds nothing to claim), or PKTDMA_GLITCH_NS passes.
 * Returns false when the transfer was abandoned meanwhile. */
static bool pktdma_glitch(struct pktdma *s, uint32_t epoch)
{
    uint64_t end = dmabox_now_ns() + PKTDMA_GLITCH_NS;

    pthread_mutex_lock(&s->lock);
    if (atomic_load(&s->epoch) == epoch) {
        atomic_store(&s->spurious, true);
        pktdma_irq_update_locked(s);
    }
    pthread_mutex_unlock(&s->lock);
    while (atomic_load(&s->spurious) && dmabox_now_ns() < end && atomic_load(&s->epoch) == epoch)
        if (!dmabox_worker_sleep(s->worker, PKTDMA_GLITCH_SLICE_NS))
            break;
    pthread_mutex_lock(&s->lock);
    if (atomic_load(&s->spurious)) {
        atomic_store(&s->spurious, false);
        pktdma_irq_update_locked(s);
    }
    pthread_mutex_unlock(&s->lock);
    return atomic_load(&s->epoch) == epoch && !dmabox_worker_stopping(s->worker);
}

/* Moves len bytes at position `done` of the transfer, one access per 4 KiB-bounded piece, and
 * commits what moved to BYTES_DONE.  Returns the error code of the first refused access.
 * Caller holds s->lock. */
static enum pktdma_err pktdma_move_locked(struct pktdma *s, const struct pktdma_xfer *x,
                                          uint32_t done, uint32_t len, uint32_t *moved)
{
    enum dmabox_dma_result r = DMABOX_DMA_OK;

    *moved = 0;
    while (*moved < len) {
        uint64_t bus = (uint64_t)x->addr + done + *moved;
        uint32_t room = PKTDMA_BURST_BOUNDARY - (uint32_t)(bus & (PKTDMA_BURST_BOUNDARY - 1));
        uint32_t n = len - *moved < room ? len - *moved : room;
        uint8_t *dmem = s->mem + x->dev_offset + done + *moved;

        if (x->to_device)
            r = dmabox_dma_read(s->dev, bus, dmem, n);
        else
            r = dmabox_dma_write(s->dev, bus, dmem, n);
        if (r != DMABOX_DMA_OK)
            break;
        *moved += n;
    }
    s->bytes_done += *moved;
    s->cnt.bytes += *moved;
    if (r == DMABOX_DMA_OK)
        return PKTDMA_ERR_NONE;
    return r == DMABOX_DMA_ADDR_WIDTH ? PKTDMA_ERR_ADDR_RANGE : PKTDMA_ERR_BUS_ABORT;
}

/* Runs one latched transfer on the worker.  Every state change is made under s->lock and only
 * while the epoch is still the transfer's own: after ABORT or RESET the run just stops. */
static void pktdma_run(struct pktdma *s, const struct pktdma_xfer *x, uint32_t epoch)
{
    uint64_t start = dmabox_now_ns() + s->latency_ns;
    enum pktdma_err code = PKTDMA_ERR_NONE;
    uint32_t target = x->length, done = 0, moved;

    /* Fault sites, consulted once per transfer in this order (docs/devices/pktdma.md). */
    if (dmabox_dev_fault(s->dev, "dev.spurious_irq") && !pktdma_glitch(s, epoch))
        return;
    if (dmabox_dev_fault(s->dev, "dev.stall")) {
        pktdma_wait_until(s, epoch, UINT64_MAX);   /* only ABORT, RESET or unplug end it */
        return;
    }
    if (dmabox_dev_fault(s->dev, "dev.desc_error")) {
        code = PKTDMA_ERR_DEVICE;
        target = 0;
    } else if (dmabox_dev_fault(s->dev, "dev.short_xfer")) {
        target = (x->length / 2) & ~(s->align - 1);
    }

    while (done < target) {
        uint32_t n = target - done < PKTDMA_CHUNK ? target - done : PKTDMA_CHUNK;

        if (!pktdma_wait_until(s, epoch, pktdma_due(s, start, done)))
            return;
        pthread_mutex_lock(&s->lock);
        if (atomic_load(&s->epoch) != epoch) {
            pthread_mutex_unlock(&s->lock);
            return;
        }
        code = pktdma_move_locked(s, x, done, n, &moved);
        done += moved;
        if (code != PKTDMA_ERR_NONE) {
            pktdma_finish_locked(s, code);
            pthread_mutex_unlock(&s->lock);
            return;
        }
        pthread_mutex_unlock(&s->lock);
    }
    if (!pktdma_wait_until(s, epoch, pktdma_due(s, start, target)))
        return;
    pthread_mutex_lock(&s->lock);
    if (atomic_load(&s->epoch) == epoch)
        pktdma_finish_locked(s, code);
    pthread_mutex_unlock(&s->lock);
}

/* Worker body: picks up the transfer GO latched, if any (one at a time). */
static void pktdma_worker_fn(void *opaque)
{
    struct pktdma *s = opaque;
    struct pktdma_xfer x;
    uint32_t epoch;

    pthread_mutex_lock(&s->lock);
    if (!s->pending) {
        pthread_mutex_unlock(&s->lock);
        return;
    }
    s->pending = false;
    x = s->xfer;
    epoch = atomic_load(&s->epoch);
    pthread_mutex_unlock(&s->lock);
    pktdma_run(s, &x, epoch);
}

static const char *const pktdma_option_names[] = {
    "mem_mib", "max_len", "align", "bandwidth", "latency_ns",
};

static int pktdma_parse_options(struct pktdma *s, const struct dmabox_props *props, char *err,
                                size_t errlen)
{
    uint64_t mem_mib, max_len, align;
    size_t count = props != NULL ? props->count : 0;

    for (size_t i = 0; i < count; i++) {
        size_t k = 0;

        while (k < sizeof(pktdma_option_names) / sizeof(pktdma_option_names[0]) &&
               strcmp(props->items[i].name, pktdma_option_names[k]) != 0)
            k++;
        if (k == sizeof(pktdma_option_names) / sizeof(pktdma_option_names[0])) {
            snprintf(err, errlen, "pktdma: unknown option '%s'", props->items[i].name);
            return -1;
        }
    }
    if (dmabox_props_u64(props, "mem_mib", PKTDMA_DEFAULT_MEM_MIB, &mem_mib) != 0 ||
        dmabox_props_u64(props, "max_len", PKTDMA_DEFAULT_MAX_LEN, &max_len) != 0 ||
        dmabox_props_u64(props, "align", PKTDMA_DEFAULT_ALIGN, &align) != 0 ||
        dmabox_props_u64(props, "bandwidth", 0, &s->bandwidth) != 0 ||
        dmabox_props_u64(props, "latency_ns", 0, &s->latency_ns) != 0) {
        snprintf(err, errlen, "pktdma: an option is not a number");
        return -1;
    }
    if (mem_mib < 1 || mem_mib > PKTDMA_MAX_MEM_MIB) {
        snprintf(err, errlen, "pktdma: mem_mib must be 1..%u", PKTDMA_MAX_MEM_MIB);
        return -1;
    }
    if (align < 1 || align > PKTDMA_MAX_ALIGN || (align & (align - 1)) != 0) {
        snprintf(err, errlen, "pktdma: align must be a power of two 1..%u", PKTDMA_MAX_ALIGN);
        return -1;
    }
    if (max_len < PKTDMA_MIN_MAX_LEN || max_len > PKTDMA_MAX_MAX_LEN || max_len % align != 0) {
        snprintf(err, errlen, "pktdma: max_len must be %u..%u and a multiple of align",
                 PKTDMA_MIN_MAX_LEN, PKTDMA_MAX_MAX_LEN);
        return -1;
    }
    if (s->latency_ns > PKTDMA_MAX_LATENCY_NS) {
        snprintf(err, errlen, "pktdma: latency_ns must be at most %llu",
                 (unsigned long long)PKTDMA_MAX_LATENCY_NS);
        return -1;
    }
    s->mem_size = (uint32_t)(mem_mib << 20);
    s->max_len = (uint32_t)max_len;
    s->align = (uint32_t)align;
    return 0;
}

static void pktdma_unrealize(struct dmabox_dev *dev, void *state)
{
    struct pktdma *s = state;

    (void)dev;
    if (s->worker != NULL) {
        dmabox_worker_destroy(s->worker);
        s->worker = NULL;
    }
    if (s->lock_ready) {
        pthread_mutex_destroy(&s->lock);
        s->lock_ready = false;
    }
    free(s->mem);
    s->mem = NULL;
}

static int pktdma_realize(struct dmabox_dev *dev, void *state, const struct dmabox_props *props,
                          char *err, size_t errlen)
{
    struct pktdma *s = state;

    s->dev = dev;
    if (pktdma_parse_options(s, props, err, errlen) < 0)
        return -1;
    s->mem = calloc(1, s->mem_size);
    if (s->mem == NULL) {
        snprintf(err, errlen, "pktdma: cannot allocate %u bytes of device memory", s->mem_size);
        return -1;
    }
    if (pthread_mutex_init(&s->lock, NULL) != 0) {
        snprintf(err, errlen, "pktdma: cannot create its lock");
        goto fail;
    }
    s->lock_ready = true;
    s->worker = dmabox_worker_create(dev, "pktdma", pktdma_worker_fn);
    if (s->worker == NULL) {
        snprintf(err, errlen, "pktdma: cannot create its worker");
        goto fail;
    }
    return 0;
fail:
    pktdma_unrealize(dev, s);
    return -1;
}

/* Function-level reset (from the bus): the same as CTRL.RESET. */
static void pktdma_reset(void *state)
{
    struct pktdma *s = state;

    if (!s->lock_ready)
        return;   /* not realized: the zeroed state already is the reset state */
    pthread_mutex_lock(&s->lock);
    pktdma_reset_locked(s);
    pthread_mutex_unlock(&s->lock);
}

static const struct dmabox_mmio_ops pktdma_bar0_ops = {
    .read = pktdma_mmio_read,
    .write = pktdma_mmio_write,
    .valid_min = 4,
    .valid_max = 4,
};

const struct dmabox_device_model pktdma_model = {
    .abi_version = DMABOX_DEVICE_MODEL_ABI,
    .name = "pktdma",
    .description = "32-bit packet-mode bus master: one transfer at a time, level interrupt",
    .options_help = "mem_mib=16        device memory in MiB (1..1024)\n"
                    "max_len=1048576   largest transfer in bytes (4096..16 MiB, multiple of align)\n"
                    "align=1           required alignment of address, length and offset (2^n <= 4096)\n"
                    "bandwidth=0       bytes per second, 0 = unlimited\n"
                    "latency_ns=0      setup time of each transfer",
    .vendor_id = PKTDMA_VENDOR_ID,
    .device_id = PKTDMA_DEVICE_ID,
    .subsystem_vendor_id = PKTDMA_VENDOR_ID,
    .subsystem_id = PKTDMA_DEVICE_ID,
    .revision = PKTDMA_REVISION,
    .class_code = PKTDMA_CLASS_CODE,
    .dma_address_bits = 32,
    .irq_kind = DMABOX_IRQ_LINE,
    .msi_vectors = 0,
    .state_size = sizeof(struct pktdma),
    .bars = {{.type = DMABOX_BAR_MEM32, .size = PKTDMA_BAR0_SIZE, .ops = &pktdma_bar0_ops}},
    .realize = pktdma_realize,
    .unrealize = pktdma_unrealize,
    .reset = pktdma_reset,
};
