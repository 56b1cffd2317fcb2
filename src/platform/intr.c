/* intr.c - the interrupt controller of the simulated machine (platform layer); see intr.h.
 * One delivery thread per connected source runs the service routine at the source's device level
 * holding the source's interrupt spin lock, as Windows runs an ISR at DIRQL under its lock.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nc-wdm-kservice_routine
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nc-wdm-kmessage_service_routine
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/introduction-to-message-signaled-interrupts
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfinterrupt/nf-wdfinterrupt-wdfinterruptacquirelock */
#include "intr.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "exec_ctx.h"
#include "machine.h"

#define INTR_MAX_VECTORS 2048u           /* MSI-X table limit */
#define INTR_DEFAULT_STORM_THRESHOLD 10000u

struct intr_ctl {
    struct machine *m;
    pthread_mutex_t lock;
    struct intr_source *sources; /* under lock */
    unsigned next_cpu;           /* under lock: sources are spread over the simulated CPUs */
};

struct intr_source {
    struct intr_ctl *ic;
    struct intr_source *next; /* ic->sources link, under ic->lock */
    char name[32];
    char thread_name[40];
    enum intr_kind kind;
    unsigned vectors;
    uint8_t level;
    int cpu;                  /* CPU of the delivery thread (where the ISR's DPCs go) */

    pthread_mutex_t ctl;      /* serializes connect/disconnect */
    bool connected;           /* under ctl */
    struct exec_thread *thread;
    intr_isr_fn isr;          /* written only while no delivery thread runs */
    void *isr_ctx;

    /* The interrupt lock: the owner's execution context, NULL when free. */
    _Atomic(struct exec_ctx *) owner __attribute__((aligned(64)));
    unsigned consecutive;     /* under the interrupt lock: deliveries without the line dropping */
    _Atomic bool enabled;
    _Atomic bool stop;
    _Atomic unsigned storm_threshold;
    struct exec_event wake;   /* auto-reset: raised, enabled or stop */

    /* Device side. */
    _Atomic bool asserted __attribute__((aligned(64)));
    _Atomic uint64_t drops;   /* asserted -> deasserted transitions */

    _Atomic uint64_t delivered __attribute__((aligned(64)));
    _Atomic uint64_t claimed, unclaimed, redelivered, storms, coalesced, raised;

    _Atomic uint64_t pending[]; /* message pending bits, one per vector */
};

static void stat_inc(_Atomic uint64_t *c)
{
    atomic_fetch_add_explicit(c, 1, memory_order_relaxed);
}

/* ---------------------------------------------------------------- the interrupt lock */

static void src_lock(struct intr_source *s)
{
    struct exec_ctx *self = exec_ctx_self();
    unsigned i;

    if (atomic_load_explicit(&s->owner, memory_order_relaxed) == self) {
        /* Spin locks do not nest: this thread would spin on itself forever. */
        fprintf(stderr, "dmabox: %s: interrupt lock of '%s' acquired recursively\n",
                self->name, s->name);
        abort();
    }
    for (i = 0;; i++) {
        struct exec_ctx *expected = NULL;

        if (atomic_load_explicit(&s->owner, memory_order_relaxed) == NULL &&
            atomic_compare_exchange_weak_explicit(&s->owner, &expected, self,
                                                  memory_order_acquire, memory_order_relaxed))
            return;
        exec_cpu_relax(i);
    }
}

static void src_unlock(struct intr_source *s)
{
    atomic_store_explicit(&s->owner, NULL, memory_order_release);
}

static bool src_locked_by_me(struct intr_source *s)
{
    return atomic_load_explicit(&s->owner, memory_order_relaxed) == exec_ctx_self();
}

uint8_t intr_lock_acquire(struct intr_source *src)
{
    struct exec_ctx *ctx = exec_ctx_self();
    uint8_t old = ctx->level;

    /* Raise first, then spin, as KeAcquireInterruptSpinLock does; never lower a caller that is
     * already above the source's level. */
    if (src->level > old)
        ctx->level = src->level;
    src_lock(src);
    return old;
}

void intr_lock_release(struct intr_source *src, uint8_t old_level)
{
    src_unlock(src);
    exec_ctx_self()->level = old_level;
}

/* ---------------------------------------------------------------- delivery */

static bool src_deliverable(struct intr_source *s)
{
    unsigned w;

    if (!atomic_load(&s->enabled))
        return false;
    if (s->kind == INTR_KIND_LINE)
        return atomic_load(&s->asserted);
    for (w = 0; w < (s->vectors + 63) / 64; w++)
        if (atomic_load(&s->pending[w]) != 0)
            return true;
    return false;
}

/* One ISR call for a level-triggered line, with the storm accounting. */
static void deliver_line(struct intr_source *s)
{
    uint64_t drops;
    bool claimed, held;

    src_lock(s);
    if (!atomic_load(&s->enabled) || atomic_load(&s->stop) || !atomic_load(&s->asserted)) {
        src_unlock(s);
        return;
    }
    drops = atomic_load(&s->drops);
    stat_inc(&s->delivered);
    claimed = s->isr(s->isr_ctx, 0);
    exec_ctx_self()->level = s->level;
    stat_inc(claimed ? &s->claimed : &s->unclaimed);
    /* "Still asserted" means it never dropped during the ISR: a drop followed by a new assert
     * is a new interrupt, not a re-delivery. */
    held = atomic_load(&s->asserted) && atomic_load(&s->drops) == drops;
    if (!held) {
        s->consecutive = 0;
    } else {
        if (claimed)
            stat_inc(&s->redelivered);
        if (++s->consecutive > atomic_load(&s->storm_threshold)) {
            /* A line nobody clears would keep this CPU in the ISR forever: mask it. */
            stat_inc(&s->storms);
            atomic_store(&s->enabled, false);
            s->consecutive = 0;
        }
    }
    src_unlock(s);
}

/* One ISR call per pending vector; the pending bit is cleared as the message is taken, so an
 * edge that arrives during the ISR is delivered again. */
static void deliver_messages(struct intr_source *s)
{
    unsigned w;

    for (w = 0; w < (s->vectors + 63) / 64; w++) {
        uint64_t bits = atomic_load(&s->pending[w]);

        while (bits != 0) {
            unsigned b = (unsigned)__builtin_ctzll(bits);
            uint64_t bit = 1ull << b;

            bits &= bits - 1;
            src_lock(s);
            if (!atomic_load(&s->enabled) || atomic_load(&s->stop)) {
                src_unlock(s);
                return;
            }
            if (atomic_fetch_and(&s->pending[w], ~bit) & bit) {
                stat_inc(&s->delivered);
                if (s->isr(s->isr_ctx, w * 64 + b))
                    stat_inc(&s->claimed);
                else
                    stat_inc(&s->unclaimed);
                exec_ctx_self()->level = s->level;
            }
            src_unlock(s);
        }
    }
}

static void delivery_thread(void *arg)
{
    struct intr_source *s = arg;

    while (!atomic_load(&s->stop)) {
        if (!src_deliverable(s)) {
            exec_event_wait(&s->wake, UINT64_MAX);
            continue;
        }
        if (s->kind == INTR_KIND_LINE)
            deliver_line(s);
        else
            deliver_messages(s);
    }
}

/* ---------------------------------------------------------------- device side */

void intr_source_assert(struct intr_source *src)
{
    if (src->kind != INTR_KIND_LINE)
        return;
    stat_inc(&src->raised);
    atomic_store(&src->asserted, true);
    exec_event_set(&src->wake);
}

void intr_source_deassert(struct intr_source *src)
{
    if (src->kind != INTR_KIND_LINE)
        return;
    if (atomic_exchange(&src->asserted, false))
        atomic_fetch_add(&src->drops, 1);
}

void intr_source_send(struct intr_source *src, unsigned vector)
{
    uint64_t bit;

    if (src->kind != INTR_KIND_MESSAGE)
        return;
    /* A device granted fewer messages than it asks for folds its vector into the granted ones
     * (the low bits of the MSI data), so wrap instead of dropping. */
    vector %= src->vectors;
    bit = 1ull << (vector % 64);
    stat_inc(&src->raised);
    if (atomic_fetch_or(&src->pending[vector / 64], bit) & bit)
        stat_inc(&src->coalesced);
    exec_event_set(&src->wake);
}

/* ---------------------------------------------------------------- driver side */

int intr_connect(struct intr_source *src, intr_isr_fn isr, void *ctx)
{
    int rc;

    if (isr == NULL)
        return -EINVAL;
    pthread_mutex_lock(&src->ctl);
    if (src->connected) {
        pthread_mutex_unlock(&src->ctl);
        return -EBUSY;
    }
    src->isr = isr;
    src->isr_ctx = ctx;
    atomic_store(&src->enabled, false);
    atomic_store(&src->stop, false);
    rc = exec_thread_create(src->ic->m, src->thread_name, src->cpu, src->level, delivery_thread,
                            src, &src->thread);
    if (rc == 0)
        src->connected = true;
    pthread_mutex_unlock(&src->ctl);
    return rc;
}

void intr_disconnect(struct intr_source *src)
{
    if (src_locked_by_me(src)) {
        /* The delivery thread cannot join itself. */
        fprintf(stderr, "dmabox: intr_disconnect('%s') from inside its own ISR\n", src->name);
        abort();
    }
    pthread_mutex_lock(&src->ctl);
    if (src->connected) {
        atomic_store(&src->enabled, false);
        atomic_store(&src->stop, true);
        exec_event_set(&src->wake);
        exec_thread_join(src->thread); /* waits for a running ISR */
        src->thread = NULL;
        src->isr = NULL;
        src->isr_ctx = NULL;
        src->connected = false;
    }
    pthread_mutex_unlock(&src->ctl);
}

void intr_source_enable(struct intr_source *src)
{
    bool mine = src_locked_by_me(src);

    if (!mine)
        src_lock(src);
    src->consecutive = 0;
    atomic_store(&src->enabled, true);
    if (!mine)
        src_unlock(src);
    exec_event_set(&src->wake);
}

void intr_source_disable(struct intr_source *src)
{
    /* Taking the lock waits out a running ISR; the delivery thread re-checks `enabled` under the
     * lock before every call, so none starts afterwards. */
    if (src_locked_by_me(src)) {
        atomic_store(&src->enabled, false);
        return;
    }
    src_lock(src);
    atomic_store(&src->enabled, false);
    src_unlock(src);
}

/* ---------------------------------------------------------------- sources and controller */

int intr_source_create(struct intr_ctl *ic, const char *name, enum intr_kind kind, unsigned vectors,
                       uint8_t level, struct intr_source **out)
{
    struct intr_source *s;
    unsigned words;

    *out = NULL;
    if (kind == INTR_KIND_LINE && vectors <= 1)
        vectors = 1;
    else if (kind != INTR_KIND_MESSAGE || vectors == 0 || vectors > INTR_MAX_VECTORS)
        return -EINVAL;
    if (level < EXEC_LEVEL_DEVICE_MIN || level > EXEC_LEVEL_HIGH)
        return -EINVAL;
    words = (vectors + 63) / 64;
    s = aligned_alloc(64, (sizeof(*s) + words * sizeof(s->pending[0]) + 63) & ~(size_t)63);
    if (s == NULL)
        return -ENOMEM;
    memset(s, 0, sizeof(*s) + words * sizeof(s->pending[0]));
    s->ic = ic;
    snprintf(s->name, sizeof(s->name), "%s", name != NULL ? name : "intr");
    snprintf(s->thread_name, sizeof(s->thread_name), "intr:%s", s->name);
    s->kind = kind;
    s->vectors = vectors;
    s->level = level;
    pthread_mutex_init(&s->ctl, NULL);
    atomic_init(&s->storm_threshold, INTR_DEFAULT_STORM_THRESHOLD);
    exec_event_init(&s->wake, true, false);
    pthread_mutex_lock(&ic->lock);
    s->cpu = (int)(ic->next_cpu++ % (ic->m->config.cpus != 0 ? ic->m->config.cpus : 1));
    s->next = ic->sources;
    ic->sources = s;
    pthread_mutex_unlock(&ic->lock);
    *out = s;
    return 0;
}

void intr_source_destroy(struct intr_source *src)
{
    struct intr_ctl *ic;
    struct intr_source **pp;

    if (src == NULL)
        return;
    intr_disconnect(src);
    ic = src->ic;
    pthread_mutex_lock(&ic->lock);
    for (pp = &ic->sources; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == src) {
            *pp = src->next;
            break;
        }
    }
    pthread_mutex_unlock(&ic->lock);
    pthread_mutex_destroy(&src->ctl);
    free(src);
}

int intr_ctl_create(struct machine *m)
{
    struct intr_ctl *ic = calloc(1, sizeof(*ic));

    if (ic == NULL)
        return -ENOMEM;
    ic->m = m;
    pthread_mutex_init(&ic->lock, NULL);
    m->intr = ic;
    return 0;
}

void intr_ctl_destroy(struct machine *m)
{
    struct intr_ctl *ic;

    if (m == NULL || m->intr == NULL)
        return;
    ic = m->intr;
    /* Sources a device forgot are torn down here rather than leaked with live threads. */
    for (;;) {
        struct intr_source *s;

        pthread_mutex_lock(&ic->lock);
        s = ic->sources;
        pthread_mutex_unlock(&ic->lock);
        if (s == NULL)
            break;
        intr_source_destroy(s);
    }
    pthread_mutex_destroy(&ic->lock);
    m->intr = NULL;
    free(ic);
}

/* ---------------------------------------------------------------- queries */

uint8_t intr_source_level(const struct intr_source *src)
{
    return src->level;
}

enum intr_kind intr_source_kind(const struct intr_source *src)
{
    return src->kind;
}

unsigned intr_source_vectors(const struct intr_source *src)
{
    return src->vectors;
}

void intr_source_stats(const struct intr_source *src, struct intr_stats *out)
{
    const struct intr_source *s = src;

    out->delivered = atomic_load_explicit(&s->delivered, memory_order_relaxed);
    out->claimed = atomic_load_explicit(&s->claimed, memory_order_relaxed);
    out->unclaimed = atomic_load_explicit(&s->unclaimed, memory_order_relaxed);
    out->redelivered = atomic_load_explicit(&s->redelivered, memory_order_relaxed);
    out->storms = atomic_load_explicit(&s->storms, memory_order_relaxed);
    out->coalesced = atomic_load_explicit(&s->coalesced, memory_order_relaxed);
    out->raised = atomic_load_explicit(&s->raised, memory_order_relaxed);
}

void intr_set_storm_threshold(struct intr_source *src, unsigned consecutive)
{
    atomic_store(&src->storm_threshold, consecutive);
}
