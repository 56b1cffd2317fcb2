/* sgdma_priv.h - state of the sgdma device model shared by its two source files (devices layer).
 *
 * sgdma.c owns identity, options, the register file (MMIO), interrupts and resets; sgdma_ring.c
 * owns the per-channel descriptor engine run by the channel's worker.  Only
 * include/dmabox/device_model.h is used from the rest of dmabox.  Behaviour:
 * docs/devices/sgdma.md. */
#ifndef DMABOX_DEVICES_SGDMA_PRIV_H
#define DMABOX_DEVICES_SGDMA_PRIV_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <dmabox/device_model.h>

#include "sgdma_regs.h"

/* Device memory is guarded by striped locks so that both channels and the memory window may touch
 * it at the same time without a data race; an access never spans two stripes. */
#define SGDMA_MEM_STRIPE_SHIFT 16
#define SGDMA_MEM_STRIPE_SIZE (1ull << SGDMA_MEM_STRIPE_SHIFT)
#define SGDMA_MEM_STRIPES 64u

/* Host memory is moved at most one host page at a time, so a fault names the page that failed and
 * adjacent IOMMU windows need not merge. */
#define SGDMA_HOST_PAGE 4096ull

/* Longest single dmabox_worker_sleep while pacing: bounds how long a reset waits for a worker. */
#define SGDMA_SLEEP_SLICE_NS 1000000ull

struct sgdma;

struct sgdma_counters {
    uint64_t descs, bytes, irqs, errors, aborts;
};

/* One channel.  Fields below `epoch` are protected by sgdma.lock.
 *
 * State changes (STATUS.STATE):
 *   IDLE    -> RUNNING   CTRL.RUN 0->1 with a valid ring
 *   IDLE    -> ERROR     CTRL.RUN 0->1 with an invalid ring (BAD_RING)
 *   RUNNING -> IDLE      CTRL.RUN 1->0, after the descriptor in progress (busy)
 *   RUNNING -> ERROR     a descriptor failed
 *   RUNNING -> ABORTED   CTRL.ABORT, after the descriptor in progress (at once when stalled)
 *   IDLE    -> ABORTED   CTRL.ABORT
 *   any     -> IDLE      CTRL.CH_RESET or RESET (the descriptor in progress is abandoned) */
struct sgdma_chan {
    struct sgdma *s;
    unsigned index;                  /* SGDMA_CHAN_H2D / SGDMA_CHAN_D2H = MSI vector */
    struct dmabox_worker *worker;
    _Atomic uint32_t epoch;          /* bumped by resets; a worker abandons a stale descriptor */

    enum sgdma_chan_state state;
    bool run;                        /* CTRL.RUN as last written (cleared when the channel halts) */
    bool busy;                       /* the worker owns a descriptor (between claim and finish) */
    bool in_worker;                  /* busy, or still sending what finishing it decided */
    bool stalled;                    /* fault dev.stall fired: no progress until abort/reset */
    bool resetting;                  /* a reset waits for the worker: claim nothing */
    bool pause_req, abort_req;       /* stop requests applied when the worker finishes */
    uint64_t ring_base;
    uint32_t ring_size, head, tail;
    uint32_t coalesce_count, coalesce_time_us;
    uint32_t uncounted;              /* completions not yet announced by an interrupt */
    uint64_t first_uncounted_ns;     /* when the oldest of them completed */
    uint32_t err_status, err_desc;
    uint64_t err_addr;
    struct sgdma_counters cnt;
};

struct sgdma {
    struct dmabox_dev *dev;
    bool realized;
    /* options (constant after realize) */
    uint64_t mem_size;
    uint32_t max_desc_bytes, align;
    uint64_t bandwidth;              /* bytes per second per channel, 0 = unlimited */
    uint64_t latency_ns;             /* minimum time per descriptor */

    pthread_mutex_t lock;            /* registers and channel state; never held across services
                                        that move data, sleep or send interrupts */
    pthread_cond_t idle;             /* signalled when a worker leaves a descriptor */
    uint32_t int_status, int_mask;
    uint64_t win_addr;               /* MEM_WIN_ADDR */
    struct sgdma_chan ch[SGDMA_CHANNELS];

    uint8_t *mem;                    /* device memory */
    pthread_mutex_t mem_lock[SGDMA_MEM_STRIPES];
};

/* Work decided under the lock and done after dropping it (interrupts, kicks, timers). */
struct sgdma_actions {
    bool kick[SGDMA_CHANNELS];
    unsigned send[SGDMA_CHANNELS];      /* messages to send on the channel's vector */
    uint64_t timer_ns[SGDMA_CHANNELS];   /* 0 = none */
};

/* sgdma.c */
void sgdma_irq_event_locked(struct sgdma *s, unsigned chan, uint32_t bits, struct sgdma_actions *act);
void sgdma_actions_run(struct sgdma *s, const struct sgdma_actions *act);
pthread_mutex_t *sgdma_mem_stripe(struct sgdma *s, uint64_t offset);

/* sgdma_ring.c */
void sgdma_ring_worker_h2d(void *state);
void sgdma_ring_worker_d2h(void *state);
void sgdma_ring_start_locked(struct sgdma_chan *ch, struct sgdma_actions *act);
void sgdma_ring_stop_locked(struct sgdma_chan *ch, bool abort, struct sgdma_actions *act);
void sgdma_ring_reset_locked(struct sgdma_chan *ch);
uint32_t sgdma_ring_status_locked(const struct sgdma_chan *ch);

#endif
