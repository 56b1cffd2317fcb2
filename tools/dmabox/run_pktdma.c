/* run_pktdma.c - device bring-up of pktdma for `dmabox run` (tools layer): programs the model as
 * docs/devices/pktdma.md "Programming one transfer" describes, with no framework in between.
 * pktdma is a 32-bit packet device and there are no framework bounce buffers yet, so host
 * buffers are physically contiguous below 4 GiB; a transfer is at most CAP_MAX_LEN bytes, with
 * one IOMMU window opened before GO and closed after the completion interrupt. */
#include <stdio.h>
#include <stdlib.h>

#include "bringup.h"
#include "pktdma/pktdma_regs.h"
#include "platform/exec.h"
#include "platform/intr.h"
#include "platform/iommu.h"
#include "platform/machine.h"
#include "platform/physmem.h"

struct pk_state {
    _Atomic uint32_t status, bytes;   /* STATUS and BYTES_DONE as the ISR found them */
    struct exec_event done;           /* auto-reset: the ISR handled a completion */
    bool connected;
    uint64_t xfers, bytes_moved;      /* what we asked for (counter check) */
};

static inline struct pk_state *to_pk(struct bringup *b)
{
    return b->dev_state;
}

/* The ISR, at device level under the interrupt lock: not ours unless DONE or ERROR is set;
 * otherwise save STATUS and BYTES_DONE, clear the bits (W1C drops the line) and wake the waiter. */
static bool pk_isr(void *ctx, unsigned message_id)
{
    struct bringup *b = ctx;
    struct pk_state *s = to_pk(b);
    uint32_t st = bringup_rd32(b, PKTDMA_REG_STATUS);

    (void)message_id;
    if (!(st & (PKTDMA_STATUS_DONE | PKTDMA_STATUS_ERROR)))
        return false;
    atomic_store(&s->bytes, bringup_rd32(b, PKTDMA_REG_BYTES_DONE));
    atomic_store(&s->status, st);
    bringup_wr32(b, PKTDMA_REG_STATUS, st & (PKTDMA_STATUS_DONE | PKTDMA_STATUS_ERROR));
    exec_event_set(&s->done);
    return true;
}

static int pk_start(struct bringup *b)
{
    struct pk_state *s = calloc(1, sizeof(*s));
    uint32_t id, version, bits;

    if (s == NULL) {
        snprintf(b->err, sizeof(b->err), "out of memory");
        return -1;
    }
    b->dev_state = s;
    id = bringup_rd32(b, PKTDMA_REG_ID);
    version = bringup_rd32(b, PKTDMA_REG_VERSION);
    bits = bringup_rd32(b, PKTDMA_REG_CAP_ADDR_BITS);
    if (id != PKTDMA_ID_MAGIC || version >> 16 != PKTDMA_VERSION_1_0 >> 16 || bits != 32) {
        snprintf(b->err, sizeof(b->err), "pktdma: unexpected ID 0x%08x VERSION 0x%08x ADDR_BITS %u",
                 id, version, bits);
        return -1;
    }
    b->caps.max_xfer = bringup_rd32(b, PKTDMA_REG_CAP_MAX_LEN);
    b->caps.align = bringup_rd32(b, PKTDMA_REG_CAP_ALIGN);
    b->caps.mem_size = bringup_rd32(b, PKTDMA_REG_CAP_MEM_SIZE);
    bringup_wr32(b, PKTDMA_REG_CTRL, PKTDMA_CTRL_RESET);
    exec_event_init(&s->done, true, false);
    if (intr_connect(b->src, pk_isr, b) != 0) {
        snprintf(b->err, sizeof(b->err), "pktdma: cannot connect the interrupt");
        return -1;
    }
    s->connected = true;
    intr_source_enable(b->src);
    return 0;
}

/* Waits for the ISR to report the completion; on a timeout aborts the transfer, which returns
 * only once the device will not touch host memory for it again (pktdma.md "ABORT"). */
static int wait_done(struct bringup *b, uint32_t len)
{
    struct pk_state *s = to_pk(b);
    uint32_t st, done;

    if (!exec_event_wait(&s->done, BRINGUP_TIMEOUT_NS)) {
        bringup_wr32(b, PKTDMA_REG_CTRL, PKTDMA_CTRL_ABORT);
        snprintf(b->err, sizeof(b->err), "pktdma: no completion interrupt in %llu s",
                 BRINGUP_TIMEOUT_NS / 1000000000ull);
        return -1;
    }
    st = atomic_load(&s->status);
    done = atomic_load(&s->bytes);
    if ((st & PKTDMA_STATUS_ERROR) || !(st & PKTDMA_STATUS_DONE) || done != len) {
        snprintf(b->err, sizeof(b->err), "pktdma: STATUS 0x%08x (%s) BYTES_DONE %u of %u", st,
                 pktdma_err_name((enum pktdma_err)PKTDMA_STATUS_CODE(st)), done, len);
        return -1;
    }
    return 0;
}

static int one_transfer(struct bringup *b, const struct host_buf *buf, size_t pos, uint32_t len,
                        uint64_t dev_off, enum xfer_dir dir)
{
    struct pk_state *s = to_pk(b);
    enum iommu_dir idir = dir == XFER_H2D ? IOMMU_DIR_DEVICE_READS : IOMMU_DIR_DEVICE_WRITES;
    uint64_t bus = bringup_buf_bus(b, buf, pos);
    int rc;

    if (bus + len > PHYSMEM_4G || bringup_buf_bus(b, buf, pos + len - 1) != bus + len - 1) {
        snprintf(b->err, sizeof(b->err), "pktdma: host buffer not contiguous below 4 GiB at 0x%llx",
                 (unsigned long long)bus);
        return -1;
    }
    if (iommu_map(b->m->iommu, b->devid, bus, len, idir) != 0) {
        snprintf(b->err, sizeof(b->err), "pktdma: cannot open an IOMMU window");
        return -1;
    }
    bringup_wr32(b, PKTDMA_REG_ADDR_LO, (uint32_t)bus);
    bringup_wr32(b, PKTDMA_REG_ADDR_HI, (uint32_t)(bus >> 32));
    bringup_wr32(b, PKTDMA_REG_LENGTH, len);
    bringup_wr32(b, PKTDMA_REG_DEV_OFFSET, (uint32_t)(dev_off + pos));
    bringup_wr32(b, PKTDMA_REG_CTRL, (dir == XFER_H2D ? PKTDMA_CTRL_DIRECTION : 0) |
                                         PKTDMA_CTRL_INT_ENABLE | PKTDMA_CTRL_GO);
    b->st.transfers++;
    s->xfers++;
    s->bytes_moved += len;
    rc = wait_done(b, len);
    iommu_unmap(b->m->iommu, b->devid, bus, len, idir);
    return rc;
}

static int pk_transfer(struct bringup *b, const struct host_buf *buf, uint64_t dev_off, enum xfer_dir dir)
{
    for (size_t pos = 0; pos < buf->len;) {
        size_t k = buf->len - pos < b->caps.max_xfer ? buf->len - pos : (size_t)b->caps.max_xfer;

        if (one_transfer(b, buf, pos, (uint32_t)k, dev_off, dir) != 0)
            return -1;
        pos += k;
    }
    return 0;
}

/* The statistics registers (pktdma.md "Register map") against what was asked for. */
static int pk_check_counters(struct bringup *b)
{
    struct pk_state *s = to_pk(b);
    uint32_t hi, lo, xfers, irqs, errors;
    uint64_t bytes;

    do {   /* HI, LO, HI: the two halves are not latched together */
        hi = bringup_rd32(b, PKTDMA_REG_STAT_BYTES_HI);
        lo = bringup_rd32(b, PKTDMA_REG_STAT_BYTES_LO);
    } while (bringup_rd32(b, PKTDMA_REG_STAT_BYTES_HI) != hi);
    bytes = (uint64_t)hi << 32 | lo;
    xfers = bringup_rd32(b, PKTDMA_REG_STAT_XFERS);
    irqs = bringup_rd32(b, PKTDMA_REG_STAT_IRQS);
    errors = bringup_rd32(b, PKTDMA_REG_STAT_ERRORS);
    if (xfers != (uint32_t)s->xfers || irqs != (uint32_t)s->xfers || bytes != s->bytes_moved ||
        errors != 0) {
        snprintf(b->err, sizeof(b->err),
                 "pktdma counters: STAT_XFERS %u STAT_IRQS %u (want %llu) STAT_BYTES %llu (want %llu) "
                 "STAT_ERRORS %u", xfers, irqs, (unsigned long long)s->xfers,
                 (unsigned long long)bytes, (unsigned long long)s->bytes_moved, errors);
        return -1;
    }
    return 0;
}

static void pk_stop(struct bringup *b)
{
    struct pk_state *s = to_pk(b);

    if (s == NULL)
        return;
    bringup_wr32(b, PKTDMA_REG_CTRL, PKTDMA_CTRL_RESET);   /* abandons any transfer; line drops */
    if (s->connected)
        intr_disconnect(b->src);
    free(s);
    b->dev_state = NULL;
}

const struct bringup_dev_ops pktdma_bringup_ops = {
    .name = "pktdma",
    .buf_flags = PHYSMEM_CONTIGUOUS | PHYSMEM_BELOW_4G,
    .start = pk_start,
    .transfer = pk_transfer,
    .check_counters = pk_check_counters,
    .stop = pk_stop,
};
