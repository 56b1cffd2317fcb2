/* exec.c - execution contexts of the simulated machine (platform layer): futex events, plain
 * threads, per-CPU DPC threads, work-item threads and the timer thread (see exec.h).
 * Behaviour follows the NT primitives these stand for:
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-kesetevent
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-keinsertqueuedpc
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-keflushqueueddpcs
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/organization-of-dpc-queues
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-kesettimerex */
#include "exec.h"

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "exec_ctx.h"
#include "machine.h"

#define EXEC_WORK_THREADS 2
#define EXEC_SPIN_NS 3000u        /* spin this long before parking (a futex round trip ~21 us) */
#define EXEC_RELAX_PAUSES 128u    /* exec_cpu_relax: pause this many times, then yield */
#define EXEC_DRAIN_ROUNDS 1000    /* exec_destroy: work/DPC flush rounds before stopping anyway */
#define EXEC_EVENT_SIGNALLED 1u
#define EXEC_EVENT_WAITER 2u      /* one sleeping waiter in the state word */

struct exec_thread {
    pthread_t tid;
    struct machine *m;
    int cpu;
    uint8_t level;
    void (*fn)(void *arg);
    void *arg;
    char name[32];
};

/* One simulated CPU's DPC queue, on its own cache lines (the ISR side and the DPC thread both
 * write here). */
struct exec_cpu {
    pthread_mutex_t lock;
    struct exec_dpc *head, *tail; /* FIFO, under lock */
    bool stopped;                 /* under lock: no more queueing, thread exits when empty */
    uint64_t queued;              /* under lock: DPCs ever queued here (exec_destroy's drain) */
    struct exec_event wake;       /* auto-reset: something was queued or stop was asked */
    struct exec_thread *thread;
    char name[16];
} __attribute__((aligned(64)));

struct exec {
    struct machine *m;
    unsigned ncpus;
    struct exec_cpu *cpus;

    pthread_mutex_t work_lock;
    struct exec_work *work_head, *work_tail; /* FIFO, under work_lock */
    unsigned work_pending;                   /* queued + running, under work_lock */
    uint64_t work_queued;                    /* items ever queued, under work_lock */
    bool work_stopped;                       /* under work_lock */
    struct exec_event work_wake;             /* auto-reset */
    struct exec_event work_idle;             /* manual-reset: set while work_pending == 0 */
    struct exec_thread *workers[EXEC_WORK_THREADS];

    pthread_mutex_t timer_lock;
    struct exec_timer *timers;               /* armed timers by due time, under timer_lock */
    struct exec_timer *timer_current;        /* callback running now, under timer_lock */
    bool timer_stopped;                      /* under timer_lock */
    struct exec_event timer_wake;            /* auto-reset: list head changed or stop */
    struct exec_event timer_done;            /* manual-reset: reset while a callback runs */
    struct exec_thread *timer_thread;
    _Atomic(struct exec_ctx *) timer_ctx;    /* the timer thread's context: "am I the timer thread" */
};

/* ---------------------------------------------------------------- time, relax, events */

uint64_t exec_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void exec_cpu_relax(unsigned iteration)
{
    if (iteration >= EXEC_RELAX_PAUSES) {
        sched_yield();
        return;
    }
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#else
    atomic_signal_fence(memory_order_seq_cst);
#endif
}

static long futex(_Atomic uint32_t *word, int op, uint32_t val, const struct timespec *timeout)
{
    return syscall(SYS_futex, (void *)word, op | FUTEX_PRIVATE_FLAG, val, timeout, NULL, 0);
}

void exec_event_init(struct exec_event *ev, bool auto_reset, bool signalled)
{
    atomic_init(&ev->state, signalled ? EXEC_EVENT_SIGNALLED : 0);
    ev->auto_reset = auto_reset;
}

void exec_event_set(struct exec_event *ev)
{
    /* Read everything needed before the signal is published: once it is, a waiter may return and
     * free the event.  The wake only names the address (a stale wake is a harmless spurious one). */
    bool auto_reset = ev->auto_reset;
    _Atomic uint32_t *word = &ev->state;
    uint32_t old = atomic_fetch_or(word, EXEC_EVENT_SIGNALLED);

    if ((old & EXEC_EVENT_SIGNALLED) == 0 && old >= EXEC_EVENT_WAITER)
        futex(word, FUTEX_WAKE, auto_reset ? 1 : INT_MAX, NULL);
}

void exec_event_reset(struct exec_event *ev)
{
    atomic_fetch_and(&ev->state, ~EXEC_EVENT_SIGNALLED);
}

/* Takes the signal if there is one: auto-reset consumes it, manual-reset only observes it. */
static bool event_try(struct exec_event *ev)
{
    uint32_t v = atomic_load(&ev->state);

    while (v & EXEC_EVENT_SIGNALLED) {
        if (!ev->auto_reset)
            return true;
        if (atomic_compare_exchange_weak(&ev->state, &v, v & ~EXEC_EVENT_SIGNALLED))
            return true;
    }
    return false;
}

/* Sleeps in the kernel until the word changes, a wake, or the deadline.  Returns false once the
 * deadline has passed. */
static bool event_park(struct exec_event *ev, uint64_t deadline)
{
    struct timespec rel, *timeout = NULL;
    uint32_t v = atomic_load(&ev->state);

    if (deadline != UINT64_MAX) {
        uint64_t now = exec_now_ns();
        if (now >= deadline)
            return false;
        rel.tv_sec = (time_t)((deadline - now) / 1000000000ull);
        rel.tv_nsec = (long)((deadline - now) % 1000000000ull);
        timeout = &rel;
    }
    if (v & EXEC_EVENT_SIGNALLED)
        return true;
    /* Registering as a sleeper is a CAS on the same word the setter fetch_or's: either the setter
     * sees us and wakes, or our CAS fails and we look again. */
    if (!atomic_compare_exchange_strong(&ev->state, &v, v + EXEC_EVENT_WAITER))
        return true;
    futex(&ev->state, FUTEX_WAIT, v + EXEC_EVENT_WAITER, timeout);
    atomic_fetch_sub(&ev->state, EXEC_EVENT_WAITER);
    return true;
}

bool exec_event_wait(struct exec_event *ev, uint64_t timeout_ns)
{
    uint64_t start, deadline, spin_end;
    unsigned i;

    if (event_try(ev))
        return true;
    if (timeout_ns == 0)
        return false;
    start = exec_now_ns();
    deadline = timeout_ns >= UINT64_MAX - start ? UINT64_MAX : start + timeout_ns;
    spin_end = start + EXEC_SPIN_NS < deadline ? start + EXEC_SPIN_NS : deadline;
    /* A handoff to a thread that is running on the other core usually lands within the spin. */
    for (i = 0;; i++) {
        if (event_try(ev))
            return true;
        if ((i & 15) == 15 && exec_now_ns() >= spin_end)
            break;
        exec_cpu_relax(0);
    }
    for (;;) {
        if (event_try(ev))
            return true;
        if (!event_park(ev, deadline))
            return event_try(ev);
    }
}

/* ---------------------------------------------------------------- plain threads */

static void *thread_start(void *arg)
{
    struct exec_thread *t = arg;
    struct exec_ctx *ctx = exec_ctx_self();
    char host_name[16];

    ctx->machine = t->m;
    ctx->cpu = t->cpu;
    ctx->level = t->level;
    ctx->name = t->name;
    memcpy(host_name, t->name, sizeof(host_name) - 1); /* the kernel keeps 15 characters */
    host_name[sizeof(host_name) - 1] = '\0';
    pthread_setname_np(pthread_self(), host_name);
    t->fn(t->arg);
    return NULL;
}

int exec_thread_create(struct machine *m, const char *name, int cpu, uint8_t level,
                       void (*fn)(void *arg), void *arg, struct exec_thread **out)
{
    struct exec_thread *t = calloc(1, sizeof(*t));
    int rc;

    *out = NULL;
    if (t == NULL)
        return -ENOMEM;
    t->m = m;
    t->cpu = cpu;
    t->level = level;
    t->fn = fn;
    t->arg = arg;
    snprintf(t->name, sizeof(t->name), "%s", name != NULL ? name : "thread");
    rc = pthread_create(&t->tid, NULL, thread_start, t);
    if (rc != 0) {
        free(t);
        return -rc;
    }
    *out = t;
    return 0;
}

void exec_thread_join(struct exec_thread *t)
{
    if (t == NULL)
        return;
    pthread_join(t->tid, NULL);
    free(t);
}

/* ---------------------------------------------------------------- DPCs */

void exec_dpc_init(struct exec_dpc *dpc, void (*fn)(struct exec_dpc *, void *), void *arg)
{
    dpc->fn = fn;
    dpc->arg = arg;
    atomic_init(&dpc->queued, 0);
    dpc->next = NULL;
    dpc->cpu = -1;
}

static unsigned dpc_target(struct exec *x, const struct exec_dpc *dpc, int cpu)
{
    if (cpu < 0)
        cpu = dpc->cpu;
    if (cpu < 0)
        cpu = exec_ctx_self()->machine == x->m ? exec_ctx_self()->cpu : -1;
    if (cpu < 0)
        return 0;
    return (unsigned)cpu % x->ncpus;
}

/* Appends dpc to CPU `cpu`'s queue; the caller has set its queued flag.  Flush markers are not
 * `counted`, so that exec_destroy can tell when a flush round found nothing new. */
static bool dpc_enqueue(struct exec *x, struct exec_dpc *dpc, unsigned cpu, bool counted)
{
    struct exec_cpu *c = &x->cpus[cpu];

    pthread_mutex_lock(&c->lock);
    if (c->stopped) {
        pthread_mutex_unlock(&c->lock);
        atomic_store(&dpc->queued, 0);
        return false;
    }
    dpc->next = NULL;
    if (c->tail != NULL)
        c->tail->next = dpc;
    else
        c->head = dpc;
    c->tail = dpc;
    if (counted)
        c->queued++;
    pthread_mutex_unlock(&c->lock);
    exec_event_set(&c->wake);
    return true;
}

bool exec_dpc_queue(struct exec *x, struct exec_dpc *dpc, int cpu)
{
    int expected = 0;

    /* Rule: a DPC object sits in at most one queue; queueing it again only reports false.
     * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-keinsertqueuedpc */
    if (!atomic_compare_exchange_strong(&dpc->queued, &expected, 1))
        return false;
    return dpc_enqueue(x, dpc, dpc_target(x, dpc, cpu), true);
}

bool exec_dpc_cancel(struct exec *x, struct exec_dpc *dpc)
{
    unsigned i;

    for (i = 0; i < x->ncpus; i++) {
        struct exec_cpu *c = &x->cpus[i];
        struct exec_dpc *prev = NULL, *p;

        pthread_mutex_lock(&c->lock);
        for (p = c->head; p != NULL && p != dpc; p = p->next)
            prev = p;
        if (p != NULL) {
            if (prev != NULL)
                prev->next = p->next;
            else
                c->head = p->next;
            if (c->tail == p)
                c->tail = prev;
            atomic_store(&dpc->queued, 0);
            pthread_mutex_unlock(&c->lock);
            return true;
        }
        pthread_mutex_unlock(&c->lock);
    }
    return false;
}

static void dpc_thread(void *arg)
{
    struct exec_cpu *c = arg;
    struct exec_ctx *ctx = exec_ctx_self();

    for (;;) {
        struct exec_dpc *dpc;

        pthread_mutex_lock(&c->lock);
        dpc = c->head;
        if (dpc != NULL) {
            c->head = dpc->next;
            if (c->head == NULL)
                c->tail = NULL;
            /* Cleared before fn runs so fn (or anyone) can queue it again. */
            atomic_store(&dpc->queued, 0);
        } else if (c->stopped) {
            pthread_mutex_unlock(&c->lock);
            return;
        }
        pthread_mutex_unlock(&c->lock);
        if (dpc == NULL) {
            exec_event_wait(&c->wake, UINT64_MAX);
            continue;
        }
        /* fn may free the DPC: it is not touched after this call. */
        dpc->fn(dpc, dpc->arg);
        /* A DPC that returns at another level is a driver bug the wdm layer reports; the next
         * DPC on this CPU still starts at dispatch level. */
        ctx->level = EXEC_LEVEL_DISPATCH;
    }
}

static void dpc_marker_fn(struct exec_dpc *dpc, void *arg)
{
    (void)dpc;
    exec_event_set(arg);
}

void exec_dpc_flush(struct exec *x)
{
    struct exec_ctx *ctx = exec_ctx_self();
    unsigned i;

    if (ctx->level >= EXEC_LEVEL_DISPATCH) {
        /* A DPC waiting for its own CPU's queue would never return (KeFlushQueuedDpcs is a
         * PASSIVE_LEVEL call; the wdm layer reports the driver's mistake before getting here). */
        fprintf(stderr, "dmabox: %s: exec_dpc_flush at level %u\n", ctx->name, ctx->level);
        abort();
    }

    /* Each queue is FIFO and served by one thread, so when a marker queued now has run, every DPC
     * queued on that CPU before the call has returned.  CPUs are flushed one after the other:
     * flushing is rare and this keeps the marker on the stack. */
    for (i = 0; i < x->ncpus; i++) {
        struct exec_dpc marker;
        struct exec_event done;

        exec_event_init(&done, false, false);
        exec_dpc_init(&marker, dpc_marker_fn, &done);
        atomic_store(&marker.queued, 1);
        if (dpc_enqueue(x, &marker, i, false))
            exec_event_wait(&done, UINT64_MAX);
    }
}

/* ---------------------------------------------------------------- work items */

void exec_work_init(struct exec_work *w, void (*fn)(struct exec_work *, void *), void *arg)
{
    w->fn = fn;
    w->arg = arg;
    atomic_init(&w->queued, 0);
    w->next = NULL;
}

bool exec_work_queue(struct exec *x, struct exec_work *w)
{
    int expected = 0;

    if (!atomic_compare_exchange_strong(&w->queued, &expected, 1))
        return false;
    pthread_mutex_lock(&x->work_lock);
    if (x->work_stopped) {
        pthread_mutex_unlock(&x->work_lock);
        atomic_store(&w->queued, 0);
        return false;
    }
    w->next = NULL;
    if (x->work_tail != NULL)
        x->work_tail->next = w;
    else
        x->work_head = w;
    x->work_tail = w;
    x->work_queued++;
    if (x->work_pending++ == 0)
        exec_event_reset(&x->work_idle);
    pthread_mutex_unlock(&x->work_lock);
    exec_event_set(&x->work_wake);
    return true;
}

void exec_work_flush(struct exec *x)
{
    for (;;) {
        bool idle;

        pthread_mutex_lock(&x->work_lock);
        idle = x->work_pending == 0;
        pthread_mutex_unlock(&x->work_lock);
        if (idle)
            return;
        /* work_idle is set and reset under work_lock together with work_pending. */
        exec_event_wait(&x->work_idle, UINT64_MAX);
    }
}

static void work_thread(void *arg)
{
    struct exec *x = arg;
    struct exec_ctx *ctx = exec_ctx_self();

    for (;;) {
        struct exec_work *w;
        bool more = false;

        pthread_mutex_lock(&x->work_lock);
        w = x->work_head;
        if (w != NULL) {
            x->work_head = w->next;
            if (x->work_head == NULL)
                x->work_tail = NULL;
            more = x->work_head != NULL;
            atomic_store(&w->queued, 0);
        } else if (x->work_stopped) {
            pthread_mutex_unlock(&x->work_lock);
            exec_event_set(&x->work_wake); /* pass the stop on to the next worker */
            return;
        }
        pthread_mutex_unlock(&x->work_lock);
        if (w == NULL) {
            exec_event_wait(&x->work_wake, UINT64_MAX);
            continue;
        }
        if (more)
            exec_event_set(&x->work_wake); /* another worker may take the next item */
        /* fn may free the item: it is not touched after this call. */
        w->fn(w, w->arg);
        ctx->level = EXEC_LEVEL_PASSIVE;
        pthread_mutex_lock(&x->work_lock);
        if (--x->work_pending == 0)
            exec_event_set(&x->work_idle);
        pthread_mutex_unlock(&x->work_lock);
    }
}

/* ---------------------------------------------------------------- timers */

void exec_timer_init(struct exec_timer *t, void (*fn)(struct exec_timer *, void *), void *arg)
{
    t->fn = fn;
    t->arg = arg;
    t->due_ns = 0;
    t->period_ns = 0;
    atomic_init(&t->armed, 0);
    t->next = NULL;
}

/* Caller holds x->timer_lock.  Keeps the list ordered by due time, FIFO among equal times. */
static void timer_insert_locked(struct exec *x, struct exec_timer *t)
{
    struct exec_timer **pp = &x->timers;

    while (*pp != NULL && (*pp)->due_ns <= t->due_ns)
        pp = &(*pp)->next;
    t->next = *pp;
    *pp = t;
}

/* Caller holds x->timer_lock.  Returns true if t was in the list. */
static bool timer_unlink_locked(struct exec *x, struct exec_timer *t)
{
    struct exec_timer **pp = &x->timers;

    while (*pp != NULL && *pp != t)
        pp = &(*pp)->next;
    if (*pp == NULL)
        return false;
    *pp = t->next;
    t->next = NULL;
    return true;
}

bool exec_timer_set(struct exec *x, struct exec_timer *t, uint64_t delay_ns, uint64_t period_ns)
{
    uint64_t now = exec_now_ns();
    bool was_armed, first;

    pthread_mutex_lock(&x->timer_lock);
    if (x->timer_stopped) {
        pthread_mutex_unlock(&x->timer_lock);
        return false;
    }
    was_armed = timer_unlink_locked(x, t);
    t->due_ns = delay_ns >= UINT64_MAX - now ? UINT64_MAX : now + delay_ns;
    t->period_ns = period_ns;
    timer_insert_locked(x, t);
    atomic_store(&t->armed, 1);
    first = x->timers == t;
    pthread_mutex_unlock(&x->timer_lock);
    if (first)
        exec_event_set(&x->timer_wake); /* the timer thread sleeps until the old head */
    return was_armed;
}

bool exec_timer_cancel(struct exec *x, struct exec_timer *t, bool wait)
{
    bool was_armed;

    pthread_mutex_lock(&x->timer_lock);
    was_armed = timer_unlink_locked(x, t);
    atomic_store(&t->armed, 0);
    /* From a callback (the timer thread), waiting would wait for ourselves. */
    if (wait && exec_ctx_self() != atomic_load(&x->timer_ctx)) {
        while (x->timer_current == t) {
            pthread_mutex_unlock(&x->timer_lock);
            exec_event_wait(&x->timer_done, UINT64_MAX);
            pthread_mutex_lock(&x->timer_lock);
        }
    }
    pthread_mutex_unlock(&x->timer_lock);
    return was_armed;
}

/* Caller holds x->timer_lock; t is the list head and due.  Returns with the lock held. */
static void timer_fire_locked(struct exec *x, struct exec_timer *t, uint64_t now)
{
    struct exec_ctx *ctx = exec_ctx_self();
    void (*fn)(struct exec_timer *, void *) = t->fn;
    void *arg = t->arg;

    x->timers = t->next;
    t->next = NULL;
    if (t->period_ns != 0) {
        /* Periods missed while the thread was late are skipped, not fired in a burst. */
        t->due_ns += t->period_ns;
        if (t->due_ns <= now)
            t->due_ns = now + t->period_ns;
        timer_insert_locked(x, t);
    } else {
        atomic_store(&t->armed, 0);
    }
    x->timer_current = t;
    exec_event_reset(&x->timer_done);
    pthread_mutex_unlock(&x->timer_lock);
    /* fn may re-arm, cancel or free t: only timer_current (a plain address) refers to it now. */
    fn(t, arg);
    ctx->level = EXEC_LEVEL_DISPATCH;
    pthread_mutex_lock(&x->timer_lock);
    x->timer_current = NULL;
    exec_event_set(&x->timer_done);
}

static void timer_thread(void *arg)
{
    struct exec *x = arg;

    atomic_store(&x->timer_ctx, exec_ctx_self());
    pthread_mutex_lock(&x->timer_lock);
    while (!x->timer_stopped) {
        struct exec_timer *t = x->timers;
        uint64_t now = exec_now_ns();

        uint64_t timeout;

        if (t != NULL && t->due_ns <= now) {
            timer_fire_locked(x, t, now);
            continue;
        }
        timeout = t != NULL ? t->due_ns - now : UINT64_MAX;
        pthread_mutex_unlock(&x->timer_lock);
        exec_event_wait(&x->timer_wake, timeout);
        pthread_mutex_lock(&x->timer_lock);
    }
    pthread_mutex_unlock(&x->timer_lock);
}

/* ---------------------------------------------------------------- lifetime */

static void exec_stop_timers(struct exec *x)
{
    struct exec_timer *t;

    pthread_mutex_lock(&x->timer_lock);
    for (t = x->timers; t != NULL; t = t->next)
        atomic_store(&t->armed, 0);
    x->timers = NULL;
    x->timer_stopped = true;
    pthread_mutex_unlock(&x->timer_lock);
    exec_event_set(&x->timer_wake);
    exec_thread_join(x->timer_thread);
    x->timer_thread = NULL;
}

static uint64_t exec_queued_total(struct exec *x)
{
    uint64_t total;
    unsigned i;

    pthread_mutex_lock(&x->work_lock);
    total = x->work_queued;
    pthread_mutex_unlock(&x->work_lock);
    for (i = 0; i < x->ncpus; i++) {
        pthread_mutex_lock(&x->cpus[i].lock);
        total += x->cpus[i].queued;
        pthread_mutex_unlock(&x->cpus[i].lock);
    }
    return total;
}

/* Work items may queue DPCs and DPCs may queue work: flush both until a round queues nothing new. */
static void exec_drain(struct exec *x)
{
    int round;

    for (round = 0; round < EXEC_DRAIN_ROUNDS; round++) {
        uint64_t before = exec_queued_total(x);

        exec_work_flush(x);
        exec_dpc_flush(x);
        if (exec_queued_total(x) == before)
            return;
    }
}

static void exec_stop_threads(struct exec *x)
{
    unsigned i;

    pthread_mutex_lock(&x->work_lock);
    x->work_stopped = true;
    pthread_mutex_unlock(&x->work_lock);
    exec_event_set(&x->work_wake);
    for (i = 0; i < EXEC_WORK_THREADS; i++) {
        exec_thread_join(x->workers[i]);
        x->workers[i] = NULL;
    }
    for (i = 0; i < x->ncpus; i++) {
        struct exec_cpu *c = &x->cpus[i];

        pthread_mutex_lock(&c->lock);
        c->stopped = true;
        pthread_mutex_unlock(&c->lock);
        exec_event_set(&c->wake);
        exec_thread_join(c->thread);
        c->thread = NULL;
    }
}

static void exec_free(struct exec *x)
{
    unsigned i;

    for (i = 0; i < x->ncpus; i++)
        pthread_mutex_destroy(&x->cpus[i].lock);
    pthread_mutex_destroy(&x->work_lock);
    pthread_mutex_destroy(&x->timer_lock);
    free(x->cpus);
    free(x);
}

static int exec_start_threads(struct exec *x)
{
    unsigned i;
    int rc;

    for (i = 0; i < x->ncpus; i++) {
        struct exec_cpu *c = &x->cpus[i];

        snprintf(c->name, sizeof(c->name), "dpc%u", i);
        rc = exec_thread_create(x->m, c->name, (int)i, EXEC_LEVEL_DISPATCH, dpc_thread, c,
                                &c->thread);
        if (rc < 0)
            return rc;
    }
    for (i = 0; i < EXEC_WORK_THREADS; i++) {
        char name[16];

        snprintf(name, sizeof(name), "work%u", i);
        rc = exec_thread_create(x->m, name, -1, EXEC_LEVEL_PASSIVE, work_thread, x,
                                &x->workers[i]);
        if (rc < 0)
            return rc;
    }
    return exec_thread_create(x->m, "timer", -1, EXEC_LEVEL_DISPATCH, timer_thread, x,
                              &x->timer_thread);
}

int exec_create(struct machine *m)
{
    struct exec *x = calloc(1, sizeof(*x));
    pthread_mutexattr_t attr;
    unsigned i;
    int rc;

    if (x == NULL)
        return -ENOMEM;
    x->m = m;
    x->ncpus = m->config.cpus != 0 ? m->config.cpus : 1;
    x->cpus = aligned_alloc(_Alignof(struct exec_cpu), x->ncpus * sizeof(*x->cpus));
    if (x->cpus == NULL) {
        free(x);
        return -ENOMEM;
    }
    memset(x->cpus, 0, x->ncpus * sizeof(*x->cpus));
    /* Queue locks are held for a few instructions: an adaptive mutex spins on contention instead
     * of paying a futex round trip on every producer/consumer collision. */
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ADAPTIVE_NP);
    for (i = 0; i < x->ncpus; i++) {
        pthread_mutex_init(&x->cpus[i].lock, &attr);
        exec_event_init(&x->cpus[i].wake, true, false);
    }
    pthread_mutex_init(&x->work_lock, &attr);
    pthread_mutexattr_destroy(&attr);
    exec_event_init(&x->work_wake, true, false);
    exec_event_init(&x->work_idle, false, true);
    pthread_mutex_init(&x->timer_lock, NULL);
    exec_event_init(&x->timer_wake, true, false);
    exec_event_init(&x->timer_done, false, true);
    rc = exec_start_threads(x);
    if (rc < 0) {
        /* Nothing can have been queued yet: stop whatever started, without draining. */
        exec_stop_timers(x);
        exec_stop_threads(x);
        exec_free(x);
        return rc;
    }
    m->exec = x;
    return 0;
}

void exec_destroy(struct machine *m)
{
    struct exec *x;

    if (m == NULL || m->exec == NULL)
        return;
    x = m->exec;
    exec_stop_timers(x);
    exec_drain(x);
    exec_stop_threads(x);
    m->exec = NULL;
    exec_free(x);
}
