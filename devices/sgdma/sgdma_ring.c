/* sgdma_ring.c - the descriptor engine of the sgdma device model (devices layer).
 *
 * Each channel's worker fetches descriptors from the ring in host memory by DMA, checks them,
 * moves the payload between host memory and device memory page by page (IOMMU-checked by the
 * services), paces itself to the configured bandwidth and latency, writes the status word back
 * into the descriptor, advances HEAD and decides, by the coalescing rules, when to interrupt.
 * The rules implemented here are specified in docs/devices/sgdma.md ("Descriptor processing",
 * "Interrupts", "Fault sites"). */
#include <string.h>

#include "sgdma_priv.h"

/* One descriptor in flight: what the worker read and what happened to it.  Owned by the worker
 * between claim and finish; no lock needed. */
struct sgdma_job {
    uint32_t epoch;
    uint32_t index;
    uint64_t desc_addr;
    uint64_t host, dev_offset;
    uint32_t length, flags;
    uint32_t done;                   /* payload bytes moved */
    bool short_xfer;
    bool stall;
    bool abandoned;                  /* a reset or worker stop took the descriptor away */
    enum sgdma_err_code err;
    enum sgdma_err_phase phase;
    enum dmabox_dma_result result;
    uint64_t err_addr;
};

static uint64_t sgdma_le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static uint32_t sgdma_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void sgdma_put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static bool sgdma_job_stale(const struct sgdma_chan *ch, const struct sgdma_job *job)
{
    return atomic_load_explicit(&ch->epoch, memory_order_acquire) != job->epoch ||
           dmabox_worker_stopping(ch->worker);
}

static void sgdma_job_fail(struct sgdma_job *job, enum sgdma_err_code err, enum sgdma_err_phase phase,
                           enum dmabox_dma_result result, uint64_t addr)
{
    job->err = err;
    job->phase = phase;
    job->result = result;
    job->err_addr = addr;
}

/* Sleeps until the descriptor that started at t0 has used latency_ns + bytes/bandwidth.  Sleeps in
 * slices so a reset is noticed within SGDMA_SLEEP_SLICE_NS.  Returns false when the descriptor is
 * abandoned (reset or worker stop). */
static bool sgdma_ring_pace(struct sgdma_chan *ch, const struct sgdma_job *job, uint64_t t0,
                            uint64_t bytes)
{
    const struct sgdma *s = ch->s;
    uint64_t target = t0 + s->latency_ns;

    if (s->bandwidth != 0)
        target += (uint64_t)((unsigned __int128)bytes * 1000000000u / s->bandwidth);
    for (;;) {
        if (sgdma_job_stale(ch, job))
            return false;
        uint64_t now = dmabox_now_ns();
        if (now >= target)
            return true;
        uint64_t slice = target - now;
        if (slice > SGDMA_SLEEP_SLICE_NS)
            slice = SGDMA_SLEEP_SLICE_NS;
        if (!dmabox_worker_sleep(ch->worker, slice))
            return false;
    }
}

/* Moves `want` payload bytes, one host page and one memory stripe at a time.  A failed access
 * stops the descriptor with BUS_ABORT naming the first address of the failed piece. */
static void sgdma_ring_move(struct sgdma_chan *ch, struct sgdma_job *job, uint32_t want, uint64_t t0)
{
    struct sgdma *s = ch->s;
    bool paced = s->bandwidth != 0 || s->latency_ns != 0;

    if (paced && !sgdma_ring_pace(ch, job, t0, 0)) {
        job->abandoned = true;
        return;
    }
    while (job->done < want) {
        uint64_t host = job->host + job->done;
        uint64_t off = job->dev_offset + job->done;
        uint64_t n = want - job->done;
        uint64_t to_page = SGDMA_HOST_PAGE - (host & (SGDMA_HOST_PAGE - 1));
        uint64_t to_stripe = SGDMA_MEM_STRIPE_SIZE - (off & (SGDMA_MEM_STRIPE_SIZE - 1));
        enum dmabox_dma_result r;

        if (n > to_page)
            n = to_page;
        if (n > to_stripe)
            n = to_stripe;
        pthread_mutex_t *m = sgdma_mem_stripe(s, off);
        pthread_mutex_lock(m);
        if (ch->index == SGDMA_CHAN_H2D)
            r = dmabox_dma_read(s->dev, host, s->mem + off, n);
        else
            r = dmabox_dma_write(s->dev, host, s->mem + off, n);
        pthread_mutex_unlock(m);
        if (r != DMABOX_DMA_OK) {
            sgdma_job_fail(job, SGDMA_ERR_BUS_ABORT, SGDMA_ERR_PHASE_DATA, r, host);
            return;
        }
        job->done += (uint32_t)n;
        if (paced ? !sgdma_ring_pace(ch, job, t0, job->done) : sgdma_job_stale(ch, job)) {
            job->abandoned = true;
            return;
        }
    }
}

/* Checks a fetched descriptor against the capabilities; returns false after recording the error. */
static bool sgdma_ring_check(const struct sgdma *s, struct sgdma_job *job)
{
    uint64_t amask = s->align - 1;

    if (job->length == 0 || job->length > s->max_desc_bytes) {
        sgdma_job_fail(job, SGDMA_ERR_BAD_LENGTH, SGDMA_ERR_PHASE_SETUP, DMABOX_DMA_OK, job->desc_addr);
        return false;
    }
    if ((job->host & amask) != 0 || (job->dev_offset & amask) != 0 || (job->length & amask) != 0) {
        sgdma_job_fail(job, SGDMA_ERR_MISALIGNED, SGDMA_ERR_PHASE_SETUP, DMABOX_DMA_OK, job->desc_addr);
        return false;
    }
    if (job->dev_offset > s->mem_size || job->length > s->mem_size - job->dev_offset) {
        sgdma_job_fail(job, SGDMA_ERR_RANGE, SGDMA_ERR_PHASE_SETUP, DMABOX_DMA_OK, job->desc_addr);
        return false;
    }
    return true;
}

/* Writes STATUS and BYTES_DONE back into the descriptor (one 8-byte DMA write). */
static void sgdma_ring_writeback(struct sgdma_chan *ch, struct sgdma_job *job)
{
    uint8_t wb[8];
    uint32_t st = SGDMA_DSTAT_DONE;

    if (job->err != SGDMA_ERR_NONE)
        st |= SGDMA_DSTAT_ERROR | (uint32_t)job->err << SGDMA_DSTAT_ERR_CODE_SHIFT |
              (uint32_t)job->result << SGDMA_DSTAT_RESULT_SHIFT;
    else if (job->short_xfer)
        st |= SGDMA_DSTAT_SHORT;
    sgdma_put_le32(wb, st);
    sgdma_put_le32(wb + 4, job->done);
    enum dmabox_dma_result r =
        dmabox_dma_write(ch->s->dev, job->desc_addr + SGDMA_DESC_STATUS, wb, sizeof(wb));
    if (r != DMABOX_DMA_OK && job->err == SGDMA_ERR_NONE)
        sgdma_job_fail(job, SGDMA_ERR_BUS_ABORT, SGDMA_ERR_PHASE_WRITEBACK, r,
                       job->desc_addr + SGDMA_DESC_STATUS);
}

/* Runs one claimed descriptor without the lock: fetch, check, move, write back. */
static void sgdma_ring_process(struct sgdma_chan *ch, struct sgdma_job *job)
{
    struct sgdma *s = ch->s;
    uint8_t raw[SGDMA_DESC_SIZE];
    uint64_t t0 = dmabox_now_ns();

    enum dmabox_dma_result r = dmabox_dma_read(s->dev, job->desc_addr, raw, sizeof(raw));
    if (r != DMABOX_DMA_OK) {
        /* The descriptor is unreadable: there is nowhere trustworthy to write a status. */
        sgdma_job_fail(job, SGDMA_ERR_BUS_ABORT, SGDMA_ERR_PHASE_FETCH, r, job->desc_addr);
        return;
    }
    job->host = sgdma_le64(raw + SGDMA_DESC_HOST_ADDR);
    job->dev_offset = sgdma_le64(raw + SGDMA_DESC_DEV_OFFSET);
    job->length = sgdma_le32(raw + SGDMA_DESC_LENGTH);
    job->flags = sgdma_le32(raw + SGDMA_DESC_FLAGS);

    if (dmabox_dev_fault(s->dev, "dev.stall")) {
        job->stall = true;
        return;
    }
    if (sgdma_ring_check(s, job)) {
        uint32_t want = job->length;
        if (dmabox_dev_fault(s->dev, "dev.desc_error")) {
            sgdma_job_fail(job, SGDMA_ERR_DEVICE, SGDMA_ERR_PHASE_SETUP, DMABOX_DMA_OK, job->desc_addr);
        } else {
            if (dmabox_dev_fault(s->dev, "dev.short_xfer")) {
                want = (job->length / 2) & ~(s->align - 1);
                job->short_xfer = true;
            }
            sgdma_ring_move(ch, job, want, t0);
            if (job->abandoned)
                return;
        }
    }
    sgdma_ring_writeback(ch, job);
}

/* Halts the channel (caller holds s->lock, the worker owns no descriptor); returns the interrupt
 * bits to raise: ABORTED for an abort, DONE when completions were still unannounced. */
static uint32_t sgdma_ring_halt_locked(struct sgdma_chan *ch, bool abort)
{
    uint32_t bits = 0;

    if (abort) {
        ch->state = SGDMA_CHAN_STATE_ABORTED;
        ch->run = false;
        ch->stalled = false;
        ch->cnt.aborts++;
        bits |= SGDMA_INT_ABORTED(ch->index);
    } else {
        ch->state = SGDMA_CHAN_STATE_IDLE;
    }
    ch->pause_req = ch->abort_req = false;
    if (ch->uncounted != 0) {
        bits |= SGDMA_INT_DONE(ch->index);
        ch->uncounted = 0;
    }
    return bits;
}

/* Applies a pause/abort that arrived while the worker owned a descriptor (busy); returns the
 * interrupt bits it raises (DONE included when completions were unannounced). */
static uint32_t sgdma_ring_take_requests_locked(struct sgdma_chan *ch)
{
    if (ch->abort_req)
        return sgdma_ring_halt_locked(ch, true);
    if (ch->pause_req)
        return sgdma_ring_halt_locked(ch, false);
    return 0;
}

/* The time rule of coalescing: announce completions that waited COALESCE_TIME_US. */
static void sgdma_ring_coalesce_poll_locked(struct sgdma_chan *ch, struct sgdma_actions *act)
{
    if (ch->uncounted == 0 || ch->coalesce_time_us == 0)
        return;
    if (dmabox_now_ns() - ch->first_uncounted_ns < (uint64_t)ch->coalesce_time_us * 1000u)
        return;
    ch->uncounted = 0;
    sgdma_irq_event_locked(ch->s, ch->index, SGDMA_INT_DONE(ch->index), act);
}

static void sgdma_ring_finish_error_locked(struct sgdma_chan *ch, const struct sgdma_job *job,
                                           struct sgdma_actions *act)
{
    uint32_t bits = SGDMA_INT_ERROR(ch->index);

    ch->state = SGDMA_CHAN_STATE_ERROR;
    ch->run = false;
    ch->pause_req = ch->abort_req = false;
    ch->err_status = (uint32_t)job->err | (uint32_t)job->result << SGDMA_ERR_RESULT_SHIFT |
                     (uint32_t)job->phase << SGDMA_ERR_PHASE_SHIFT;
    ch->err_desc = job->index;
    ch->err_addr = job->err_addr;
    ch->cnt.errors++;
    ch->cnt.bytes += job->done;
    if (ch->uncounted != 0) {
        bits |= SGDMA_INT_DONE(ch->index);
        ch->uncounted = 0;
    }
    sgdma_irq_event_locked(ch->s, ch->index, bits, act);
}

/* Publishes the outcome of a descriptor (caller holds s->lock).  Nothing is published when a reset
 * took the descriptor away: the registers already hold their reset values. */
static void sgdma_ring_finish_locked(struct sgdma_chan *ch, const struct sgdma_job *job,
                                     struct sgdma_actions *act)
{
    struct sgdma *s = ch->s;

    ch->busy = false;
    if (job->abandoned || atomic_load_explicit(&ch->epoch, memory_order_relaxed) != job->epoch)
        return;
    if (job->stall) {
        ch->stalled = true;
        uint32_t bits = sgdma_ring_take_requests_locked(ch);
        if (bits != 0)
            sgdma_irq_event_locked(s, ch->index, bits, act);
        return;
    }
    if (job->err != SGDMA_ERR_NONE) {
        sgdma_ring_finish_error_locked(ch, job, act);
        return;
    }
    ch->head = (ch->head + 1) & (ch->ring_size - 1);
    ch->cnt.descs++;
    ch->cnt.bytes += job->done;
    uint64_t now = dmabox_now_ns();
    if (ch->uncounted++ == 0)
        ch->first_uncounted_ns = now;
    if (dmabox_dev_fault(s->dev, "dev.spurious_irq")) {
        act->send[ch->index]++;
        ch->cnt.irqs++;
    }
    /* A pending pause or abort announces the completions through the halt below (rule 4). */
    bool fire = (job->flags & SGDMA_DESC_FLAG_INT_ON_COMPLETE) != 0 ||
                (ch->coalesce_count != 0 && ch->uncounted >= ch->coalesce_count) ||
                ch->head == ch->tail;
    bool stopping = ch->pause_req || ch->abort_req;
    if (!fire && !stopping && ch->coalesce_time_us != 0) {
        uint64_t limit = (uint64_t)ch->coalesce_time_us * 1000u;
        uint64_t waited = now - ch->first_uncounted_ns;
        if (waited >= limit)
            fire = true;
        else if (ch->uncounted == 1)
            act->timer_ns[ch->index] = limit - waited;
    }
    uint32_t bits = 0;
    if (fire) {
        ch->uncounted = 0;
        bits = SGDMA_INT_DONE(ch->index);
    }
    bits |= sgdma_ring_take_requests_locked(ch);
    if (bits != 0)
        sgdma_irq_event_locked(s, ch->index, bits, act);
}

/* Takes the next descriptor if the channel may run one (caller holds s->lock). */
static bool sgdma_ring_claim_locked(struct sgdma_chan *ch, struct sgdma_job *job)
{
    if (ch->state != SGDMA_CHAN_STATE_RUNNING || ch->stalled || ch->resetting ||
        ch->head == ch->tail)
        return false;
    memset(job, 0, sizeof(*job));
    job->epoch = atomic_load_explicit(&ch->epoch, memory_order_relaxed);
    job->index = ch->head;
    job->desc_addr = ch->ring_base + (uint64_t)ch->head * SGDMA_DESC_SIZE;
    ch->busy = true;
    ch->in_worker = true;
    return true;
}

static bool sgdma_actions_pending(const struct sgdma_actions *act)
{
    for (unsigned c = 0; c < SGDMA_CHANNELS; c++)
        if (act->kick[c] || act->send[c] != 0 || act->timer_ns[c] != 0)
            return true;
    return false;
}

/* The worker body: runs descriptors until the ring is empty, the channel stops or the worker is
 * being destroyed.  busy covers claim to finish (stop requests wait for it); in_worker stays set
 * until the next pass through the lock, so the messages a descriptor caused are sent before a
 * reset can complete. */
static void sgdma_ring_run(struct sgdma_chan *ch)
{
    struct sgdma *s = ch->s;
    struct sgdma_job job;

    for (;;) {
        struct sgdma_actions act = {0};
        bool claimed = false;

        pthread_mutex_lock(&s->lock);
        if (ch->in_worker) {
            ch->in_worker = false;
            pthread_cond_broadcast(&s->idle);
        }
        if (!ch->resetting) {
            sgdma_ring_coalesce_poll_locked(ch, &act);
            if (!dmabox_worker_stopping(ch->worker))
                claimed = sgdma_ring_claim_locked(ch, &job);
        }
        pthread_mutex_unlock(&s->lock);
        if (sgdma_actions_pending(&act)) {
            sgdma_actions_run(s, &act);
            memset(&act, 0, sizeof(act));
        }
        if (!claimed)
            return;

        sgdma_ring_process(ch, &job);

        pthread_mutex_lock(&s->lock);
        sgdma_ring_finish_locked(ch, &job, &act);
        pthread_mutex_unlock(&s->lock);
        if (sgdma_actions_pending(&act))
            sgdma_actions_run(s, &act);
    }
}

void sgdma_ring_worker_h2d(void *state)
{
    struct sgdma *s = state;
    sgdma_ring_run(&s->ch[SGDMA_CHAN_H2D]);
}

void sgdma_ring_worker_d2h(void *state)
{
    struct sgdma *s = state;
    sgdma_ring_run(&s->ch[SGDMA_CHAN_D2H]);
}

static bool sgdma_ring_valid_locked(const struct sgdma_chan *ch)
{
    uint32_t n = ch->ring_size;

    return n >= 2 && n <= SGDMA_MAX_DESCS && (n & (n - 1)) == 0 &&
           (ch->ring_base & (SGDMA_DESC_SIZE - 1)) == 0 && ch->head < n && ch->tail < n;
}

/* CTRL.RUN 0->1 (caller holds s->lock). */
void sgdma_ring_start_locked(struct sgdma_chan *ch, struct sgdma_actions *act)
{
    struct sgdma *s = ch->s;

    switch (ch->state) {
    case SGDMA_CHAN_STATE_RUNNING:
        ch->run = true;
        ch->pause_req = false;
        return;
    case SGDMA_CHAN_STATE_ERROR:
    case SGDMA_CHAN_STATE_ABORTED:
        dmabox_dev_guest_error(s->dev, "sgdma ch%u: RUN while halted (state %u), CH_RESET first",
                               ch->index, (unsigned)ch->state);
        return;
    case SGDMA_CHAN_STATE_IDLE:
        break;
    }
    if (!sgdma_ring_valid_locked(ch)) {
        ch->state = SGDMA_CHAN_STATE_ERROR;
        ch->err_status = SGDMA_ERR_BAD_RING | (uint32_t)SGDMA_ERR_PHASE_SETUP << SGDMA_ERR_PHASE_SHIFT;
        ch->err_desc = ch->head;
        ch->err_addr = ch->ring_base;
        ch->cnt.errors++;
        sgdma_irq_event_locked(s, ch->index, SGDMA_INT_ERROR(ch->index), act);
        return;
    }
    ch->run = true;
    ch->state = SGDMA_CHAN_STATE_RUNNING;
    act->kick[ch->index] = true;
}

/* CTRL.RUN 1->0 (pause) or CTRL.ABORT (caller holds s->lock).  Takes effect at once when the
 * worker owns no descriptor, otherwise when it finishes the one in progress. */
void sgdma_ring_stop_locked(struct sgdma_chan *ch, bool abort, struct sgdma_actions *act)
{
    if (!abort)
        ch->run = false;
    if (ch->state == SGDMA_CHAN_STATE_ERROR || ch->state == SGDMA_CHAN_STATE_ABORTED)
        return;
    if (!abort && ch->state != SGDMA_CHAN_STATE_RUNNING)
        return;
    if (ch->busy) {
        if (abort)
            ch->abort_req = true;
        else
            ch->pause_req = true;
        return;
    }
    uint32_t bits = sgdma_ring_halt_locked(ch, abort);
    if (bits != 0)
        sgdma_irq_event_locked(ch->s, ch->index, bits, act);
}

/* Channel registers to reset values; counters are kept (caller holds s->lock and has waited for
 * the worker to leave its descriptor). */
void sgdma_ring_reset_locked(struct sgdma_chan *ch)
{
    ch->state = SGDMA_CHAN_STATE_IDLE;
    ch->run = false;
    ch->stalled = false;
    ch->pause_req = ch->abort_req = false;
    ch->ring_base = 0;
    ch->ring_size = ch->head = ch->tail = 0;
    ch->coalesce_count = 1;
    ch->coalesce_time_us = 0;
    ch->uncounted = 0;
    ch->first_uncounted_ns = 0;
    ch->err_status = ch->err_desc = 0;
    ch->err_addr = 0;
}

uint32_t sgdma_ring_status_locked(const struct sgdma_chan *ch)
{
    uint32_t st = (uint32_t)ch->state;

    if (ch->busy || ch->stalled)
        st |= SGDMA_STATUS_BUSY;
    if (ch->head == ch->tail)
        st |= SGDMA_STATUS_EMPTY;
    return st;
}
