/* sgdma.c - the sgdma device model: a 64-bit scatter/gather bus master with two descriptor-ring
 * channels (host-to-device and device-to-host), device-side memory, MSI with one vector per
 * channel and interrupt coalescing (devices layer).
 *
 * This file holds identity, options, the BAR0 register file, interrupts and resets; the descriptor
 * engine is sgdma_ring.c.  The register-level specification is docs/devices/sgdma.md and the
 * register map as data is sgdma_regs.h.  Only include/dmabox/device_model.h is used. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sgdma_priv.h"

/* ---- interrupts ---- */

/* Sends one message on `chan`'s vector unless the dev.drop_irq fault swallows it. */
static void sgdma_irq_message_locked(struct sgdma *s, unsigned chan, struct sgdma_actions *act)
{
    if (dmabox_dev_fault(s->dev, "dev.drop_irq"))
        return;
    act->send[chan]++;
    s->ch[chan].cnt.irqs++;
}

/* An interrupt event of channel `chan`: sets `bits` in INT_STATUS and sends one message when any of
 * them is unmasked, whether or not it was already set (each event is announced). Caller holds
 * s->lock. */
void sgdma_irq_event_locked(struct sgdma *s, unsigned chan, uint32_t bits, struct sgdma_actions *act)
{
    s->int_status |= bits;
    if ((bits & ~s->int_mask) != 0)
        sgdma_irq_message_locked(s, chan, act);
}

/* Runs what was decided under the lock; the caller holds no lock of the model. */
void sgdma_actions_run(struct sgdma *s, const struct sgdma_actions *act)
{
    for (unsigned c = 0; c < SGDMA_CHANNELS; c++)
        for (unsigned i = 0; i < act->send[c]; i++)
            dmabox_irq_send(s->dev, c);
    for (unsigned c = 0; c < SGDMA_CHANNELS; c++) {
        /* Only the channel's own worker arms its timer; never once it is being destroyed. */
        if (act->timer_ns[c] != 0 && !dmabox_worker_stopping(s->ch[c].worker))
            dmabox_worker_kick_after(s->ch[c].worker, act->timer_ns[c]);
        if (act->kick[c])
            dmabox_worker_kick(s->ch[c].worker);
    }
}

pthread_mutex_t *sgdma_mem_stripe(struct sgdma *s, uint64_t offset)
{
    return &s->mem_lock[(offset >> SGDMA_MEM_STRIPE_SHIFT) % SGDMA_MEM_STRIPES];
}

/* ---- resets ---- */

/* Makes the worker give up its descriptor and waits until it has (caller holds s->lock).  The
 * worker notices the new epoch between pages and within SGDMA_SLEEP_SLICE_NS while pacing. */
static void sgdma_chan_quiesce_begin_locked(struct sgdma_chan *ch)
{
    ch->resetting = true;
    atomic_fetch_add_explicit(&ch->epoch, 1, memory_order_release);
}

static void sgdma_chan_quiesce_wait_locked(struct sgdma *s, struct sgdma_chan *ch)
{
    while (ch->in_worker)
        pthread_cond_wait(&s->idle, &s->lock);
}

/* CTRL.CH_RESET: the channel's registers and its INT_STATUS bits to reset values. */
static void sgdma_chan_reset_locked(struct sgdma *s, struct sgdma_chan *ch)
{
    sgdma_chan_quiesce_begin_locked(ch);
    sgdma_chan_quiesce_wait_locked(s, ch);
    sgdma_ring_reset_locked(ch);
    s->int_status &= ~SGDMA_INT_CHAN_BITS(ch->index);
    ch->resetting = false;
}

/* RESET.FLR and the bus's reset: stops both channels, waits for their workers, then puts every
 * register (counters included) at its reset value.  Device memory keeps its contents. */
static void sgdma_reset_all_locked(struct sgdma *s)
{
    for (unsigned c = 0; c < SGDMA_CHANNELS; c++)
        sgdma_chan_quiesce_begin_locked(&s->ch[c]);
    for (unsigned c = 0; c < SGDMA_CHANNELS; c++)
        sgdma_chan_quiesce_wait_locked(s, &s->ch[c]);
    for (unsigned c = 0; c < SGDMA_CHANNELS; c++) {
        sgdma_ring_reset_locked(&s->ch[c]);
        memset(&s->ch[c].cnt, 0, sizeof(s->ch[c].cnt));
        s->ch[c].resetting = false;
    }
    s->int_status = 0;
    s->int_mask = SGDMA_INT_MASK_RESET;
    s->win_addr = 0;
}

static void sgdma_reset(void *state)
{
    struct sgdma *s = state;

    if (!s->realized)
        return;
    pthread_mutex_lock(&s->lock);
    sgdma_reset_all_locked(s);
    pthread_mutex_unlock(&s->lock);
}

/* ---- device memory window (MEM_WIN_ADDR / MEM_WIN_DATA) ---- */

/* One 4-byte window access at MEM_WIN_ADDR, which then advances by 4 (caller holds s->lock). */
static uint32_t sgdma_win_access_locked(struct sgdma *s, bool write, uint32_t value)
{
    uint64_t a = s->win_addr;
    uint32_t v = 0xFFFFFFFFu;

    if ((a & 3) != 0 || a >= s->mem_size || s->mem_size - a < 4) {
        dmabox_dev_guest_error(s->dev, "sgdma: MEM_WIN_DATA at 0x%llx outside device memory or "
                               "misaligned", (unsigned long long)a);
        return v;
    }
    pthread_mutex_t *m = sgdma_mem_stripe(s, a);
    pthread_mutex_lock(m);
    if (write)
        memcpy(s->mem + a, &value, 4);
    else
        memcpy(&v, s->mem + a, 4);
    pthread_mutex_unlock(m);
    s->win_addr = a + 4;
    return v;
}

/* ---- register file ---- */

static uint32_t sgdma_lo(uint64_t v) { return (uint32_t)v; }
static uint32_t sgdma_hi(uint64_t v) { return (uint32_t)(v >> 32); }

static uint64_t sgdma_set_half(uint64_t old, bool hi, uint32_t v)
{
    return hi ? (old & 0xFFFFFFFFull) | (uint64_t)v << 32 : (old & ~0xFFFFFFFFull) | v;
}

/* The table entry at exactly this offset (a 64-bit register's low half), or NULL. */
static const struct sgdma_reg_info *sgdma_reg_lookup(uint64_t offset)
{
    const struct sgdma_reg_info *tab = sgdma_global_regs;
    size_t n = SGDMA_GLOBAL_REG_COUNT;

    if (offset >= SGDMA_CHAN_BASE(0) && offset < SGDMA_CHAN_BASE(SGDMA_CHANNELS)) {
        offset = (offset - SGDMA_CHAN_BASE(0)) % 0x100u;
        tab = sgdma_chan_regs;
        n = SGDMA_CHAN_REG_COUNT;
    }
    for (size_t i = 0; i < n; i++)
        if (tab[i].offset == offset)
            return &tab[i];
    return NULL;
}

static uint32_t sgdma_chan_read32_locked(const struct sgdma_chan *ch, uint32_t r)
{
    bool hi = (r & 4) != 0;

    switch (r & ~7u) {
    case SGDMA_CH_RING_BASE: return hi ? sgdma_hi(ch->ring_base) : sgdma_lo(ch->ring_base);
    case SGDMA_CH_ERR_ADDR: return hi ? sgdma_hi(ch->err_addr) : sgdma_lo(ch->err_addr);
    case SGDMA_CH_DESC_COUNT: return hi ? sgdma_hi(ch->cnt.descs) : sgdma_lo(ch->cnt.descs);
    case SGDMA_CH_BYTE_COUNT: return hi ? sgdma_hi(ch->cnt.bytes) : sgdma_lo(ch->cnt.bytes);
    case SGDMA_CH_IRQ_COUNT: return hi ? sgdma_hi(ch->cnt.irqs) : sgdma_lo(ch->cnt.irqs);
    case SGDMA_CH_ERR_COUNT: return hi ? sgdma_hi(ch->cnt.errors) : sgdma_lo(ch->cnt.errors);
    case SGDMA_CH_ABORT_COUNT: return hi ? sgdma_hi(ch->cnt.aborts) : sgdma_lo(ch->cnt.aborts);
    default: break;
    }
    switch (r) {
    case SGDMA_CH_CTRL: return ch->run ? SGDMA_CTRL_RUN : 0;
    case SGDMA_CH_STATUS: return sgdma_ring_status_locked(ch);
    case SGDMA_CH_RING_SIZE: return ch->ring_size;
    case SGDMA_CH_HEAD: return ch->head;
    case SGDMA_CH_TAIL: return ch->tail;
    case SGDMA_CH_COALESCE_COUNT: return ch->coalesce_count;
    case SGDMA_CH_COALESCE_TIME_US: return ch->coalesce_time_us;
    case SGDMA_CH_ERR_STATUS: return ch->err_status;
    case SGDMA_CH_ERR_DESC: return ch->err_desc;
    default: return 0;   /* reserved */
    }
}

static uint32_t sgdma_read32_locked(struct sgdma *s, uint32_t off)
{
    if (off >= SGDMA_CHAN_BASE(0) && off < SGDMA_CHAN_BASE(SGDMA_CHANNELS)) {
        unsigned c = (off - SGDMA_CHAN_BASE(0)) / 0x100u;
        return sgdma_chan_read32_locked(&s->ch[c], off & 0xFFu);
    }
    switch (off) {
    case SGDMA_REG_ID: return SGDMA_ID_MAGIC;
    case SGDMA_REG_VERSION: return SGDMA_VERSION_1_0;
    case SGDMA_REG_CAPS: return SGDMA_CAPS_VALUE;
    case SGDMA_REG_ADDR_WIDTH: return 64;
    case SGDMA_REG_MAX_DESC_BYTES: return s->max_desc_bytes;
    case SGDMA_REG_MAX_DESCS: return SGDMA_MAX_DESCS;
    case SGDMA_REG_ALIGN: return s->align;
    case SGDMA_REG_DESC_SIZE: return SGDMA_DESC_SIZE;
    case SGDMA_REG_DEV_MEM_SIZE: return sgdma_lo(s->mem_size);
    case SGDMA_REG_DEV_MEM_SIZE + 4: return sgdma_hi(s->mem_size);
    case SGDMA_REG_INT_STATUS: return s->int_status;
    case SGDMA_REG_INT_MASK: return s->int_mask;
    case SGDMA_REG_MEM_WIN_ADDR: return sgdma_lo(s->win_addr);
    case SGDMA_REG_MEM_WIN_ADDR + 4: return sgdma_hi(s->win_addr);
    case SGDMA_REG_MEM_WIN_DATA: return sgdma_win_access_locked(s, false, 0);
    default: return 0;   /* write-only and reserved registers read as zero */
    }
}

static void sgdma_ro_write(struct sgdma *s, uint32_t off, uint32_t value)
{
    dmabox_dev_guest_error(s->dev, "sgdma: write 0x%x to read-only or reserved offset 0x%03x",
                           value, off);
}

static void sgdma_ctrl_write_locked(struct sgdma *s, struct sgdma_chan *ch, uint32_t v,
                                    struct sgdma_actions *act)
{
    if (v & SGDMA_CTRL_CH_RESET)
        sgdma_chan_reset_locked(s, ch);
    else if (v & SGDMA_CTRL_ABORT)
        sgdma_ring_stop_locked(ch, true, act);
    else if (v & SGDMA_CTRL_RUN)
        sgdma_ring_start_locked(ch, act);
    else
        sgdma_ring_stop_locked(ch, false, act);
}

/* Ring geometry may change only while the channel is not RUNNING. */
static bool sgdma_ring_writable_locked(struct sgdma *s, struct sgdma_chan *ch, uint32_t r)
{
    if (ch->state != SGDMA_CHAN_STATE_RUNNING)
        return true;
    dmabox_dev_guest_error(s->dev, "sgdma ch%u: ring register 0x%02x written while RUNNING (ignored)",
                           ch->index, r);
    return false;
}

static void sgdma_tail_write_locked(struct sgdma *s, struct sgdma_chan *ch, uint32_t v,
                                    struct sgdma_actions *act)
{
    if (v != 0 && v >= ch->ring_size) {
        dmabox_dev_guest_error(s->dev, "sgdma ch%u: TAIL %u outside a ring of %u (ignored)",
                               ch->index, v, ch->ring_size);
        return;
    }
    ch->tail = v;
    if (ch->state == SGDMA_CHAN_STATE_RUNNING)
        act->kick[ch->index] = true;
}

static void sgdma_chan_write32_locked(struct sgdma *s, struct sgdma_chan *ch, uint32_t r, uint32_t v,
                                      struct sgdma_actions *act)
{
    switch (r) {
    case SGDMA_CH_CTRL:
        sgdma_ctrl_write_locked(s, ch, v, act);
        break;
    case SGDMA_CH_RING_BASE:
    case SGDMA_CH_RING_BASE + 4:
        if (sgdma_ring_writable_locked(s, ch, r))
            ch->ring_base = sgdma_set_half(ch->ring_base, r & 4, v);
        break;
    case SGDMA_CH_RING_SIZE:
        if (sgdma_ring_writable_locked(s, ch, r)) {
            ch->ring_size = v;
            ch->head = ch->tail = 0;
        }
        break;
    case SGDMA_CH_TAIL:
        sgdma_tail_write_locked(s, ch, v, act);
        break;
    case SGDMA_CH_COALESCE_COUNT:
        ch->coalesce_count = v;
        break;
    case SGDMA_CH_COALESCE_TIME_US:
        ch->coalesce_time_us = v;
        break;
    default:
        sgdma_ro_write(s, SGDMA_CHAN_BASE(ch->index) + r, v);
        break;
    }
}

static void sgdma_int_mask_write_locked(struct sgdma *s, uint32_t v, struct sgdma_actions *act)
{
    uint32_t unmasked = s->int_mask & ~v;

    s->int_mask = v & SGDMA_INT_ALL;
    /* A status bit pending behind the mask is announced when the mask opens (MSI pending bit). */
    for (unsigned c = 0; c < SGDMA_CHANNELS; c++)
        if ((s->int_status & unmasked & SGDMA_INT_CHAN_BITS(c)) != 0)
            sgdma_irq_message_locked(s, c, act);
}

static void sgdma_write32_locked(struct sgdma *s, uint32_t off, uint32_t v, struct sgdma_actions *act)
{
    if (off >= SGDMA_CHAN_BASE(0) && off < SGDMA_CHAN_BASE(SGDMA_CHANNELS)) {
        unsigned c = (off - SGDMA_CHAN_BASE(0)) / 0x100u;
        sgdma_chan_write32_locked(s, &s->ch[c], off & 0xFFu, v, act);
        return;
    }
    switch (off) {
    case SGDMA_REG_RESET:
        if (v & SGDMA_RESET_FLR)
            sgdma_reset_all_locked(s);
        break;
    case SGDMA_REG_INT_STATUS:
        s->int_status &= ~v;
        break;
    case SGDMA_REG_INT_MASK:
        sgdma_int_mask_write_locked(s, v, act);
        break;
    case SGDMA_REG_INT_SET:
        for (unsigned c = 0; c < SGDMA_CHANNELS; c++)
            if ((v & SGDMA_INT_CHAN_BITS(c)) != 0)
                sgdma_irq_event_locked(s, c, v & SGDMA_INT_CHAN_BITS(c), act);
        break;
    case SGDMA_REG_MEM_WIN_ADDR:
    case SGDMA_REG_MEM_WIN_ADDR + 4:
        s->win_addr = sgdma_set_half(s->win_addr, off & 4, v);
        break;
    case SGDMA_REG_MEM_WIN_DATA:
        sgdma_win_access_locked(s, true, v);
        break;
    default:
        sgdma_ro_write(s, off, v);
        break;
    }
}

/* 8-byte accesses are valid on 64-bit registers and on MEM_WIN_DATA (two 4-byte window steps). */
static bool sgdma_access_ok(struct sgdma *s, uint64_t offset, unsigned size)
{
    const struct sgdma_reg_info *ri;

    if (offset % size != 0 || offset + size > SGDMA_BAR0_SIZE || (size != 4 && size != 8)) {
        dmabox_dev_guest_error(s->dev, "sgdma: %u-byte access at 0x%llx not allowed", size,
                               (unsigned long long)offset);
        return false;
    }
    if (size == 4 || offset == SGDMA_REG_MEM_WIN_DATA)
        return true;
    ri = sgdma_reg_lookup(offset);
    if (ri != NULL && ri->width == 64)
        return true;
    dmabox_dev_guest_error(s->dev, "sgdma: 8-byte access at 0x%03llx, not a 64-bit register",
                           (unsigned long long)offset);
    return false;
}

static uint64_t sgdma_mmio_read(void *state, uint64_t offset, unsigned size)
{
    struct sgdma *s = state;
    uint64_t v;

    if (!sgdma_access_ok(s, offset, size))
        return size == 8 ? ~0ull : 0xFFFFFFFFull;
    pthread_mutex_lock(&s->lock);
    v = sgdma_read32_locked(s, (uint32_t)offset);
    if (size == 8) {
        uint32_t hi_off = offset == SGDMA_REG_MEM_WIN_DATA ? (uint32_t)offset : (uint32_t)offset + 4;
        v |= (uint64_t)sgdma_read32_locked(s, hi_off) << 32;
    }
    pthread_mutex_unlock(&s->lock);
    return v;
}

static void sgdma_mmio_write(void *state, uint64_t offset, uint64_t value, unsigned size)
{
    struct sgdma *s = state;
    struct sgdma_actions act = {0};

    if (!sgdma_access_ok(s, offset, size))
        return;
    pthread_mutex_lock(&s->lock);
    sgdma_write32_locked(s, (uint32_t)offset, (uint32_t)value, &act);
    if (size == 8) {
        uint32_t hi_off = offset == SGDMA_REG_MEM_WIN_DATA ? (uint32_t)offset : (uint32_t)offset + 4;
        sgdma_write32_locked(s, hi_off, (uint32_t)(value >> 32), &act);
    }
    pthread_mutex_unlock(&s->lock);
    sgdma_actions_run(s, &act);
}

static const struct dmabox_mmio_ops sgdma_mmio_ops = {
    .read = sgdma_mmio_read,
    .write = sgdma_mmio_write,
    .valid_min = 4,
    .valid_max = 8,
};

/* ---- options, realize, unrealize ---- */

static const char *const sgdma_option_names[] = {
    "mem_mib", "max_desc_bytes", "align", "bandwidth", "latency_ns",
};

static int sgdma_parse_options(struct sgdma *s, const struct dmabox_props *props, char *err,
                               size_t errlen)
{
    uint64_t mem_mib, max_desc, align, bw, lat;

    for (size_t i = 0; props != NULL && i < props->count; i++) {
        bool known = false;
        for (size_t k = 0; k < sizeof(sgdma_option_names) / sizeof(sgdma_option_names[0]); k++)
            known = known || strcmp(props->items[i].name, sgdma_option_names[k]) == 0;
        if (!known) {
            snprintf(err, errlen, "sgdma: unknown option '%s'", props->items[i].name);
            return -1;
        }
    }
    if (dmabox_props_u64(props, "mem_mib", SGDMA_OPT_MEM_MIB_DEFAULT, &mem_mib) != 0 ||
        dmabox_props_u64(props, "max_desc_bytes", SGDMA_OPT_MAX_DESC_BYTES_DEFAULT, &max_desc) != 0 ||
        dmabox_props_u64(props, "align", SGDMA_OPT_ALIGN_DEFAULT, &align) != 0 ||
        dmabox_props_u64(props, "bandwidth", 0, &bw) != 0 ||
        dmabox_props_u64(props, "latency_ns", 0, &lat) != 0) {
        snprintf(err, errlen, "sgdma: malformed number in options");
        return -1;
    }
    if (mem_mib == 0 || mem_mib > SGDMA_OPT_MEM_MIB_MAX) {
        snprintf(err, errlen, "sgdma: mem_mib=%llu not in 1..%u", (unsigned long long)mem_mib,
                 SGDMA_OPT_MEM_MIB_MAX);
        return -1;
    }
    if (align == 0 || align > SGDMA_OPT_ALIGN_MAX || (align & (align - 1)) != 0) {
        snprintf(err, errlen, "sgdma: align=%llu is not a power of two in 1..%u",
                 (unsigned long long)align, SGDMA_OPT_ALIGN_MAX);
        return -1;
    }
    if (max_desc == 0 || max_desc > 0x80000000ull || max_desc % align != 0) {
        snprintf(err, errlen, "sgdma: max_desc_bytes=%llu must be a multiple of align in 1..2^31",
                 (unsigned long long)max_desc);
        return -1;
    }
    if (lat > 10000000000ull) {
        snprintf(err, errlen, "sgdma: latency_ns=%llu above 10 s", (unsigned long long)lat);
        return -1;
    }
    s->mem_size = mem_mib << 20;
    s->max_desc_bytes = (uint32_t)max_desc;
    s->align = (uint32_t)align;
    s->bandwidth = bw;
    s->latency_ns = lat;
    return 0;
}

static void sgdma_unrealize(struct dmabox_dev *dev, void *state)
{
    struct sgdma *s = state;

    (void)dev;
    for (unsigned c = 0; c < SGDMA_CHANNELS; c++) {
        if (s->ch[c].worker != NULL)
            dmabox_worker_destroy(s->ch[c].worker);
        s->ch[c].worker = NULL;
    }
    if (s->realized) {
        for (unsigned i = 0; i < SGDMA_MEM_STRIPES; i++)
            pthread_mutex_destroy(&s->mem_lock[i]);
        pthread_cond_destroy(&s->idle);
        pthread_mutex_destroy(&s->lock);
        s->realized = false;
    }
    free(s->mem);
    s->mem = NULL;
}

static int sgdma_realize(struct dmabox_dev *dev, void *state, const struct dmabox_props *props,
                         char *err, size_t errlen)
{
    static void (*const worker_fn[SGDMA_CHANNELS])(void *) = {
        [SGDMA_CHAN_H2D] = sgdma_ring_worker_h2d,
        [SGDMA_CHAN_D2H] = sgdma_ring_worker_d2h,
    };
    static const char *const worker_name[SGDMA_CHANNELS] = {
        [SGDMA_CHAN_H2D] = "sgdma-h2d",
        [SGDMA_CHAN_D2H] = "sgdma-d2h",
    };
    struct sgdma *s = state;

    s->dev = dev;
    if (sgdma_parse_options(s, props, err, errlen) != 0)
        return -1;
    /* calloc: untouched device memory costs nothing until written. */
    s->mem = calloc(1, s->mem_size);
    if (s->mem == NULL) {
        snprintf(err, errlen, "sgdma: cannot allocate %llu bytes of device memory",
                 (unsigned long long)s->mem_size);
        return -1;
    }
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->idle, NULL);
    for (unsigned i = 0; i < SGDMA_MEM_STRIPES; i++)
        pthread_mutex_init(&s->mem_lock[i], NULL);
    s->realized = true;
    s->int_mask = SGDMA_INT_MASK_RESET;
    for (unsigned c = 0; c < SGDMA_CHANNELS; c++) {
        s->ch[c].s = s;
        s->ch[c].index = c;
        sgdma_ring_reset_locked(&s->ch[c]);
    }
    for (unsigned c = 0; c < SGDMA_CHANNELS; c++) {
        s->ch[c].worker = dmabox_worker_create(dev, worker_name[c], worker_fn[c]);
        if (s->ch[c].worker == NULL) {
            snprintf(err, errlen, "sgdma: cannot create worker %s", worker_name[c]);
            sgdma_unrealize(dev, state);
            return -1;
        }
    }
    return 0;
}

const struct dmabox_device_model sgdma_model = {
    .abi_version = DMABOX_DEVICE_MODEL_ABI,
    .name = "sgdma",
    .description = "64-bit scatter/gather bus master: two descriptor-ring channels, MSI x2",
    .options_help = "mem_mib=64  device memory in MiB (1..4096)\n"
                    "max_desc_bytes=1048576  largest descriptor length (MAX_DESC_BYTES)\n"
                    "align=1  required alignment of address, device offset and length (ALIGN)\n"
                    "bandwidth=0  bytes per second per channel, 0 = unlimited\n"
                    "latency_ns=0  minimum time per descriptor",
    .vendor_id = SGDMA_VENDOR_ID,
    .device_id = SGDMA_DEVICE_ID,
    .subsystem_vendor_id = SGDMA_VENDOR_ID,
    .subsystem_id = SGDMA_DEVICE_ID,
    .revision = SGDMA_REVISION,
    .class_code = SGDMA_CLASS_CODE,
    .dma_address_bits = 64,
    .irq_kind = DMABOX_IRQ_MSI,
    .msi_vectors = SGDMA_MSI_VECTORS,
    .state_size = sizeof(struct sgdma),
    .bars = {
        [0] = {.type = DMABOX_BAR_MEM64, .size = SGDMA_BAR0_SIZE, .ops = &sgdma_mmio_ops},
    },
    .realize = sgdma_realize,
    .unrealize = sgdma_unrealize,
    .reset = sgdma_reset,
    .config_read = NULL,
    .config_write = NULL,
};
