/* run_sgdma.c - device bring-up of sgdma for `dmabox run` (tools layer): programs the model
 * exactly as docs/devices/sgdma.md section 13 describes, with no framework in between.  One
 * descriptor ring per channel in a contiguous "common buffer" (IOMMU window for the device's
 * reads and write-backs, open for the whole run); a transfer is one batch of descriptors, one per
 * physically contiguous run of the host buffer (at most MAX_DESC_BYTES each), with an IOMMU window
 * per descriptor opened before the doorbell and closed after the completion interrupt. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bringup.h"
#include "platform/exec.h"
#include "platform/fault.h"
#include "platform/intr.h"
#include "platform/iommu.h"
#include "platform/machine.h"
#include "platform/physmem.h"
#include "sgdma/sgdma_regs.h"

#define RING_SIZE 256u          /* a batch holds at most RING_SIZE - 1 descriptors */
#define PAGE PHYSMEM_PAGE_SIZE

struct sg_chan {
    uint8_t *ring;
    uint64_t ring_bus;
    size_t ring_pages;
    unsigned tail;                    /* next free ring index (our copy of TAIL) */
    _Atomic uint32_t causes;          /* INT_STATUS bits of this channel the ISR cleared */
    struct exec_event ev;             /* auto-reset: the ISR found a cause of this channel */
    uint64_t descs, bytes, batches;   /* what we handed to the channel (counter check) */
};

struct sg_state {
    struct sg_chan ch[SGDMA_CHANNELS];
    bool connected;
};

static inline struct sg_state *to_sg(struct bringup *b)
{
    return b->dev_state;
}

static uint32_t ch_rd(struct bringup *b, unsigned c, uint32_t reg)
{
    return bringup_rd32(b, SGDMA_CHAN_BASE(c) + reg);
}

static void ch_wr(struct bringup *b, unsigned c, uint32_t reg, uint32_t v)
{
    bringup_wr32(b, SGDMA_CHAN_BASE(c) + reg, v);
}

static const char *err_code_name(uint32_t code)
{
    static const char *const names[] = {
        [SGDMA_ERR_NONE] = "NONE", [SGDMA_ERR_BUS_ABORT] = "BUS_ABORT",
        [SGDMA_ERR_BAD_LENGTH] = "BAD_LENGTH", [SGDMA_ERR_MISALIGNED] = "MISALIGNED",
        [SGDMA_ERR_RANGE] = "RANGE", [SGDMA_ERR_DEVICE] = "DEVICE", [SGDMA_ERR_BAD_RING] = "BAD_RING",
    };
    return code < sizeof(names) / sizeof(names[0]) ? names[code] : "?";
}

static const char *err_phase_name(uint32_t phase)
{
    static const char *const names[] = {
        [SGDMA_ERR_PHASE_NONE] = "NONE", [SGDMA_ERR_PHASE_FETCH] = "FETCH",
        [SGDMA_ERR_PHASE_DATA] = "DATA", [SGDMA_ERR_PHASE_WRITEBACK] = "WRITEBACK",
        [SGDMA_ERR_PHASE_SETUP] = "SETUP",
    };
    return phase < sizeof(names) / sizeof(names[0]) ? names[phase] : "?";
}

/* The ISR, at device level under the interrupt lock (sgdma.md section 8): read INT_STATUS, clear
 * the causes of the vector's channel (of both when the system granted one message), and wake the
 * waiter of each channel that had one. */
static bool sg_isr(void *ctx, unsigned message_id)
{
    struct bringup *b = ctx;
    struct sg_state *s = to_sg(b);
    uint32_t mine = intr_source_vectors(b->src) == 1 ? SGDMA_INT_ALL
                                                      : SGDMA_INT_CHAN_BITS(message_id % SGDMA_CHANNELS);
    uint32_t pending = bringup_rd32(b, SGDMA_REG_INT_STATUS) & mine;

    if (pending == 0)
        return false;
    bringup_wr32(b, SGDMA_REG_INT_STATUS, pending);
    for (unsigned c = 0; c < SGDMA_CHANNELS; c++) {
        if (pending & SGDMA_INT_CHAN_BITS(c)) {
            atomic_fetch_or(&s->ch[c].causes, pending & SGDMA_INT_CHAN_BITS(c));
            exec_event_set(&s->ch[c].ev);
        }
    }
    return true;
}

static int ring_setup(struct bringup *b, unsigned c)
{
    struct sg_chan *ch = &to_sg(b)->ch[c];

    ch->ring_pages = (RING_SIZE * SGDMA_DESC_SIZE + PAGE - 1) / PAGE;
    ch->ring = physmem_alloc(b->m->mem, ch->ring_pages, PHYSMEM_CONTIGUOUS | PHYSMEM_ZERO);
    if (ch->ring == NULL)
        return -1;
    ch->ring_bus = iommu_phys_to_bus(physmem_virt_to_phys(b->m->mem, ch->ring));
    if (iommu_map(b->m->iommu, b->devid, ch->ring_bus, ch->ring_pages * PAGE, IOMMU_DIR_BOTH) != 0) {
        physmem_free(b->m->mem, ch->ring);
        ch->ring = NULL;
        return -1;
    }
    bringup_wr64(b, SGDMA_CHAN_BASE(c) + SGDMA_CH_RING_BASE, ch->ring_bus);
    ch_wr(b, c, SGDMA_CH_RING_SIZE, RING_SIZE);
    /* Announce only on INT_ON_COMPLETE and ring-empty: one DONE per batch (sgdma.md section 8). */
    ch_wr(b, c, SGDMA_CH_COALESCE_COUNT, 0);
    ch_wr(b, c, SGDMA_CH_CTRL, SGDMA_CTRL_RUN);
    return (ch_rd(b, c, SGDMA_CH_STATUS) & SGDMA_STATUS_STATE_MASK) == SGDMA_CHAN_STATE_RUNNING ? 0 : -1;
}

static int sg_start(struct bringup *b)
{
    struct sg_state *s = calloc(1, sizeof(*s));
    uint32_t id, version, caps;

    if (s == NULL) {
        snprintf(b->err, sizeof(b->err), "out of memory");
        return -1;
    }
    b->dev_state = s;
    id = bringup_rd32(b, SGDMA_REG_ID);
    version = bringup_rd32(b, SGDMA_REG_VERSION);
    caps = bringup_rd32(b, SGDMA_REG_CAPS);
    if (id != SGDMA_ID_MAGIC || version >> 16 != SGDMA_VERSION_1_0 >> 16 ||
        (caps & SGDMA_CAPS_CHANNELS_MASK) != SGDMA_CHANNELS) {
        snprintf(b->err, sizeof(b->err), "sgdma: unexpected ID 0x%08x VERSION 0x%08x CAPS 0x%08x",
                 id, version, caps);
        return -1;
    }
    b->caps.max_xfer = bringup_rd32(b, SGDMA_REG_MAX_DESC_BYTES);
    b->caps.align = bringup_rd32(b, SGDMA_REG_ALIGN);
    b->caps.mem_size = bringup_rd64(b, SGDMA_REG_DEV_MEM_SIZE);
    bringup_wr32(b, SGDMA_REG_RESET, SGDMA_RESET_FLR);
    for (unsigned c = 0; c < SGDMA_CHANNELS; c++)
        exec_event_init(&s->ch[c].ev, true, false);
    if (intr_connect(b->src, sg_isr, b) != 0) {
        snprintf(b->err, sizeof(b->err), "sgdma: cannot connect the interrupt");
        return -1;
    }
    s->connected = true;
    intr_source_enable(b->src);
    bringup_wr32(b, SGDMA_REG_INT_MASK, 0);
    for (unsigned c = 0; c < SGDMA_CHANNELS; c++) {
        if (ring_setup(b, c) != 0) {
            snprintf(b->err, sizeof(b->err), "sgdma: cannot set up the ring of channel %u", c);
            return -1;
        }
    }
    return 0;
}

/* ---- descriptors ---- */

static uint8_t *desc_at(struct sg_chan *ch, unsigned i)
{
    return ch->ring + (size_t)(i % RING_SIZE) * SGDMA_DESC_SIZE;
}

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }
static uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t get64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

/* Length of the physically contiguous run of buf's data starting at pos, at most max_xfer. */
static size_t next_run(struct bringup *b, const struct host_buf *buf, size_t pos)
{
    size_t left = buf->len - pos, k = PAGE - (buf->off + pos) % PAGE;
    uint64_t base = bringup_buf_bus(b, buf, pos);

    if (k > left)
        k = left;
    while (k < left && k < b->caps.max_xfer && bringup_buf_bus(b, buf, pos + k) == base + k)
        k += left - k < PAGE ? left - k : PAGE;
    return k < b->caps.max_xfer ? k : (size_t)b->caps.max_xfer;
}

/* Closes the windows of descriptors [first, first+n), read back from the ring. */
static void unmap_batch(struct bringup *b, struct sg_chan *ch, unsigned first, unsigned n,
                        enum iommu_dir dir)
{
    for (unsigned i = 0; i < n; i++) {
        const uint8_t *d = desc_at(ch, first + i);
        iommu_unmap(b->m->iommu, b->devid, get64(d + SGDMA_DESC_HOST_ADDR),
                    get32(d + SGDMA_DESC_LENGTH), dir);
    }
}

/* Waits, on the ISR's event, until DONE announced the batch ending at `tail`; ERROR or ABORTED,
 * or no interrupt within the timeout, is a device error. */
static int wait_batch(struct bringup *b, unsigned c, unsigned tail)
{
    struct sg_chan *ch = &to_sg(b)->ch[c];
    uint64_t deadline = exec_now_ns() + BRINGUP_TIMEOUT_NS;
    uint32_t seen = 0;

    for (;;) {
        uint64_t now;

        seen |= atomic_exchange(&ch->causes, 0);
        if (seen & (SGDMA_INT_ERROR(c) | SGDMA_INT_ABORTED(c))) {
            uint32_t es = ch_rd(b, c, SGDMA_CH_ERR_STATUS);
            snprintf(b->err, sizeof(b->err),
                     "sgdma channel %u: ERROR %s (bus result %u) in phase %s at descriptor %u, "
                     "address 0x%llx", c, err_code_name(es & SGDMA_ERR_CODE_MASK),
                     (es & SGDMA_ERR_RESULT_MASK) >> SGDMA_ERR_RESULT_SHIFT,
                     err_phase_name((es & SGDMA_ERR_PHASE_MASK) >> SGDMA_ERR_PHASE_SHIFT),
                     ch_rd(b, c, SGDMA_CH_ERR_DESC),
                     (unsigned long long)bringup_rd64(b, SGDMA_CHAN_BASE(c) + SGDMA_CH_ERR_ADDR));
            return -1;
        }
        if ((seen & SGDMA_INT_DONE(c)) && ch_rd(b, c, SGDMA_CH_HEAD) == tail)
            return 0;
        now = exec_now_ns();
        if (now >= deadline) {
            snprintf(b->err, sizeof(b->err), "sgdma channel %u: no completion interrupt in %llu s", c,
                     BRINGUP_TIMEOUT_NS / 1000000000ull);
            return -1;
        }
        exec_event_wait(&ch->ev, deadline - now);
    }
}

/* Every descriptor of the batch written back DONE, without ERROR or SHORT, all bytes moved. */
static int check_batch(struct bringup *b, unsigned c, unsigned first, unsigned n)
{
    struct sg_chan *ch = &to_sg(b)->ch[c];

    for (unsigned i = 0; i < n; i++) {
        const uint8_t *d = desc_at(ch, first + i);
        uint32_t status = get32(d + SGDMA_DESC_STATUS), done = get32(d + SGDMA_DESC_BYTES_DONE);
        uint32_t len = get32(d + SGDMA_DESC_LENGTH);

        if (status != SGDMA_DSTAT_DONE || done != len) {
            snprintf(b->err, sizeof(b->err),
                     "sgdma channel %u: descriptor %u STATUS 0x%08x BYTES_DONE %u of %u", c,
                     (first + i) % RING_SIZE, status, done, len);
            return -1;
        }
    }
    return 0;
}

/* One batch: descriptors for buf's data from *pos on (as many as the ring takes), their windows,
 * the doorbell, the wait, the check, the windows closed again. */
static int run_batch(struct bringup *b, unsigned c, const struct host_buf *buf, size_t *pos,
                     uint64_t dev_off, enum iommu_dir dir)
{
    struct sg_chan *ch = &to_sg(b)->ch[c];
    unsigned first = ch->tail, n = 0;
    int rc = 0;

    while (*pos < buf->len && n < RING_SIZE - 1) {
        size_t k = next_run(b, buf, *pos);
        uint64_t bus = bringup_buf_bus(b, buf, *pos);
        uint8_t *d = desc_at(ch, first + n);

        if (iommu_map(b->m->iommu, b->devid, bus, k, dir) != 0) {
            snprintf(b->err, sizeof(b->err), "sgdma: cannot open an IOMMU window");
            rc = -1;
            break;
        }
        put64(d + SGDMA_DESC_HOST_ADDR, bus);
        put64(d + SGDMA_DESC_DEV_OFFSET, dev_off + *pos);
        put32(d + SGDMA_DESC_LENGTH, (uint32_t)k);
        put32(d + SGDMA_DESC_FLAGS, 0);
        put32(d + SGDMA_DESC_STATUS, 0);
        put32(d + SGDMA_DESC_BYTES_DONE, 0);
        ch->bytes += k;
        *pos += k;
        n++;
    }
    if (rc == 0) {
        put32(desc_at(ch, first + n - 1) + SGDMA_DESC_FLAGS, SGDMA_DESC_FLAG_INT_ON_COMPLETE);
        ch->tail = (first + n) % RING_SIZE;
        atomic_store(&ch->causes, 0);
        ch_wr(b, c, SGDMA_CH_TAIL, ch->tail);   /* one doorbell per batch */
        b->st.transfers++;
        b->st.descriptors += n;
        ch->descs += n;
        ch->batches++;
        rc = wait_batch(b, c, ch->tail);
        if (rc == 0)
            rc = check_batch(b, c, first, n);
        if (rc != 0)
            ch_wr(b, c, SGDMA_CH_CTRL, SGDMA_CTRL_CH_RESET);   /* returns once the engine let go */
    }
    unmap_batch(b, ch, first, n, dir);
    return rc;
}

static int sg_transfer(struct bringup *b, const struct host_buf *buf, uint64_t dev_off, enum xfer_dir dir)
{
    unsigned c = dir == XFER_H2D ? SGDMA_CHAN_H2D : SGDMA_CHAN_D2H;
    enum iommu_dir idir = dir == XFER_H2D ? IOMMU_DIR_DEVICE_READS : IOMMU_DIR_DEVICE_WRITES;
    size_t pos = 0;

    while (pos < buf->len)
        if (run_batch(b, c, buf, &pos, dev_off, idir) != 0)
            return -1;
    return 0;
}

/* The channel counters (sgdma.md section 5) against what was handed over: descriptors and bytes
 * per channel, no errors, and one message per batch plus one per injected spurious interrupt
 * (section 11: the site is per machine, so only the sum over the channels is known). */
static int sg_check_counters(struct bringup *b)
{
    struct sg_state *s = to_sg(b);
    uint64_t irqs = 0, want_irqs = fault_fired(b->m->faults, "dev.spurious_irq");

    for (unsigned c = 0; c < SGDMA_CHANNELS; c++) {
        uint32_t base = SGDMA_CHAN_BASE(c);
        uint64_t descs = bringup_rd64(b, base + SGDMA_CH_DESC_COUNT);
        uint64_t bytes = bringup_rd64(b, base + SGDMA_CH_BYTE_COUNT);
        uint64_t errs = bringup_rd64(b, base + SGDMA_CH_ERR_COUNT);

        irqs += bringup_rd64(b, base + SGDMA_CH_IRQ_COUNT);
        want_irqs += s->ch[c].batches;
        if (descs != s->ch[c].descs || bytes != s->ch[c].bytes || errs != 0) {
            snprintf(b->err, sizeof(b->err),
                     "sgdma channel %u counters: DESC_COUNT %llu (want %llu) BYTE_COUNT %llu (want "
                     "%llu) ERR_COUNT %llu", c, (unsigned long long)descs,
                     (unsigned long long)s->ch[c].descs, (unsigned long long)bytes,
                     (unsigned long long)s->ch[c].bytes, (unsigned long long)errs);
            return -1;
        }
    }
    if (irqs != want_irqs) {
        snprintf(b->err, sizeof(b->err), "sgdma: IRQ_COUNT %llu, want %llu",
                 (unsigned long long)irqs, (unsigned long long)want_irqs);
        return -1;
    }
    return 0;
}

/* Function-level reset first (the engines let go and no message follows), then the interrupt,
 * then the rings. */
static void sg_stop(struct bringup *b)
{
    struct sg_state *s = to_sg(b);

    if (s == NULL)
        return;
    bringup_wr32(b, SGDMA_REG_RESET, SGDMA_RESET_FLR);
    if (s->connected)
        intr_disconnect(b->src);
    for (unsigned c = 0; c < SGDMA_CHANNELS; c++) {
        struct sg_chan *ch = &s->ch[c];
        if (ch->ring == NULL)
            continue;
        iommu_unmap(b->m->iommu, b->devid, ch->ring_bus, ch->ring_pages * PAGE, IOMMU_DIR_BOTH);
        physmem_free(b->m->mem, ch->ring);
    }
    free(s);
    b->dev_state = NULL;
}

const struct bringup_dev_ops sgdma_bringup_ops = {
    .name = "sgdma",
    .buf_flags = PHYSMEM_SCATTERED,
    .start = sg_start,
    .transfer = sg_transfer,
    .check_counters = sg_check_counters,
    .stop = sg_stop,
};
