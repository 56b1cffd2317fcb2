/* model_echo.c - the platform tests' device model (tests layer); see model_echo.h.  It uses only
 * the services of include/dmabox/device_model.h, like a real model. */
#include "model_echo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void note(struct echo_state *s, unsigned bar, uint64_t off, unsigned size, uint64_t v, int wr)
{
    atomic_store(&s->last_off, off | (uint64_t)bar << 24);
    atomic_store(&s->last_size, size);
    atomic_store(&s->last_value, v);
    atomic_store(&s->last_write, (unsigned)wr);
}

static void do_dma(struct echo_state *s, int to_host)
{
    uint32_t len = atomic_load(&s->len), off = atomic_load(&s->dev_off);
    enum dmabox_dma_result r;
    if (off > s->buf_size || len > s->buf_size - off) {
        dmabox_dev_guest_error(s->dev, "DMA of %u bytes at device offset %u overruns the buffer", len, off);
        atomic_store(&s->status, 0xFF);
        return;
    }
    if (to_host)
        r = dmabox_dma_write(s->dev, atomic_load(&s->host_addr), s->buf + off, len);
    else
        r = dmabox_dma_read(s->dev, atomic_load(&s->host_addr), s->buf + off, len);
    atomic_store(&s->status, (uint32_t)r);
}

static void echo_worker(void *state)
{
    struct echo_state *s = state;
    do_dma(s, 1);
    atomic_fetch_add(&s->done, 1);
    dmabox_irq_raise(s->dev);
}

static uint64_t regs_read(void *state, uint64_t off, unsigned size)
{
    struct echo_state *s = state;
    uint64_t v = 0;
    switch (off) {
    case ECHO_REG_ID: v = ECHO_ID; break;
    case ECHO_REG_HOST_ADDR: v = atomic_load(&s->host_addr); break;
    case ECHO_REG_HOST_ADDR + 4: v = atomic_load(&s->host_addr) >> 32; break;
    case ECHO_REG_LEN: v = atomic_load(&s->len); break;
    case ECHO_REG_DEV_OFF: v = atomic_load(&s->dev_off); break;
    case ECHO_REG_STATUS: v = atomic_load(&s->status); break;
    case ECHO_REG_SCRATCH: v = atomic_load(&s->scratch); break;
    case ECHO_REG_DONE: v = atomic_load(&s->done); break;
    default: break;
    }
    note(s, 0, off, size, v, 0);
    return v;
}

static void regs_write(void *state, uint64_t off, uint64_t v, unsigned size)
{
    struct echo_state *s = state;
    note(s, 0, off, size, v, 1);
    switch (off) {
    case ECHO_REG_HOST_ADDR:
        if (size == 8)
            atomic_store(&s->host_addr, v);
        else
            atomic_store(&s->host_addr, (atomic_load(&s->host_addr) & ~0xFFFFFFFFull) | (uint32_t)v);
        break;
    case ECHO_REG_HOST_ADDR + 4:
        atomic_store(&s->host_addr, (atomic_load(&s->host_addr) & 0xFFFFFFFFull) | v << 32);
        break;
    case ECHO_REG_LEN: atomic_store(&s->len, (uint32_t)v); break;
    case ECHO_REG_DEV_OFF: atomic_store(&s->dev_off, (uint32_t)v); break;
    case ECHO_REG_SCRATCH: atomic_store(&s->scratch, v); break;
    case ECHO_REG_CMD:
        switch (v) {
        case ECHO_CMD_TO_DEVICE: do_dma(s, 0); break;
        case ECHO_CMD_TO_HOST: do_dma(s, 1); break;
        case ECHO_CMD_RAISE: dmabox_irq_raise(s->dev); break;
        case ECHO_CMD_LOWER: dmabox_irq_lower(s->dev); break;
        case ECHO_CMD_SEND: dmabox_irq_send(s->dev, atomic_load(&s->len)); break;
        case ECHO_CMD_ASYNC_TO_HOST: dmabox_worker_kick(s->worker); break;
        default: dmabox_dev_guest_error(s->dev, "unknown command %llu", (unsigned long long)v); break;
        }
        break;
    default:
        break;
    }
}

static uint64_t ports_read(void *state, uint64_t off, unsigned size)
{
    struct echo_state *s = state;
    uint64_t v = off == 0 ? atomic_load(&s->port_scratch) : off == 4 ? ECHO_ID : 0;
    note(s, 1, off, size, v, 0);
    return v;
}

static void ports_write(void *state, uint64_t off, uint64_t v, unsigned size)
{
    struct echo_state *s = state;
    note(s, 1, off, size, v, 1);
    if (off == 0)
        atomic_store(&s->port_scratch, v);
}

/* The device buffer, little-endian; bytes past buf_size read as zero and ignore writes. */
static uint64_t buf_read(void *state, uint64_t off, unsigned size)
{
    struct echo_state *s = state;
    uint64_t v = 0;
    if (off + size <= s->buf_size)
        memcpy(&v, s->buf + off, size);
    note(s, 2, off, size, v, 0);
    return v;
}

static void buf_write(void *state, uint64_t off, uint64_t v, unsigned size)
{
    struct echo_state *s = state;
    note(s, 2, off, size, v, 1);
    if (off + size <= s->buf_size)
        memcpy(s->buf + off, &v, size);
}

static const struct dmabox_mmio_ops regs_ops = {
    .read = regs_read, .write = regs_write, .valid_min = 4, .valid_max = 8};
static const struct dmabox_mmio_ops ports_ops = {
    .read = ports_read, .write = ports_write, .valid_min = 1, .valid_max = 4};
static const struct dmabox_mmio_ops buf_ops = {.read = buf_read, .write = buf_write};

static int echo_realize(struct dmabox_dev *dev, void *state, const struct dmabox_props *props,
                        char *err, size_t errlen)
{
    struct echo_state *s = state;
    uint64_t kib, fail;
    if (dmabox_props_u64(props, "buf_kib", 64, &kib) < 0 || kib == 0 || kib > 1024) {
        snprintf(err, errlen, "%s: buf_kib must be 1..1024", dmabox_dev_name(dev));
        return -1;
    }
    if (dmabox_props_u64(props, "fail", 0, &fail) < 0 || fail != 0) {
        snprintf(err, errlen, "%s: asked to fail", dmabox_dev_name(dev));
        return -1;
    }
    s->dev = dev;
    s->buf_size = kib << 10;
    s->buf = calloc(1, s->buf_size);
    s->worker = dmabox_worker_create(dev, "echo", echo_worker);
    if (s->buf == NULL || s->worker == NULL) {
        dmabox_worker_destroy(s->worker);
        free(s->buf);
        snprintf(err, errlen, "%s: out of resources", dmabox_dev_name(dev));
        return -1;
    }
    return 0;
}

static void echo_unrealize(struct dmabox_dev *dev, void *state)
{
    struct echo_state *s = state;
    (void)dev;
    dmabox_worker_destroy(s->worker);
    free(s->buf);
}

static void echo_reset(void *state)
{
    struct echo_state *s = state;
    atomic_store(&s->host_addr, 0);
    atomic_store(&s->len, 0);
    atomic_store(&s->dev_off, 0);
    atomic_store(&s->status, 0);
    atomic_fetch_add(&s->resets, 1);
}

static uint32_t echo_config_read(void *state, unsigned offset, unsigned size)
{
    (void)state;
    (void)size;
    return offset == 0x40 ? 0xC0FFEE40u : 0;
}

const struct dmabox_device_model echo_model = {
    .abi_version = DMABOX_DEVICE_MODEL_ABI,
    .name = "echo",
    .description = "platform test model: register-driven DMA between host memory and a buffer",
    .options_help = "buf_kib=64  device buffer in KiB (1..1024)\n"
                    "fail=0  1 makes realize fail",
    .vendor_id = ECHO_VENDOR,
    .device_id = ECHO_DEVICE,
    .subsystem_vendor_id = 0x1DB1,
    .subsystem_id = 0x0042,
    .revision = 7,
    .class_code = 0x088000,       /* base system peripheral, other */
    .dma_address_bits = 64,
    .irq_kind = DMABOX_IRQ_LINE,
    .state_size = sizeof(struct echo_state),
    .bars = {
        [0] = {.type = DMABOX_BAR_MEM32, .size = ECHO_BAR0_SIZE, .ops = &regs_ops},
        [1] = {.type = DMABOX_BAR_IO, .size = ECHO_BAR1_SIZE, .ops = &ports_ops},
        [2] = {.type = DMABOX_BAR_MEM64, .size = ECHO_BAR2_SIZE, .ops = &buf_ops},
    },
    .realize = echo_realize,
    .unrealize = echo_unrealize,
    .reset = echo_reset,
    .config_read = echo_config_read,
};
