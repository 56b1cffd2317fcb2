/* test_exec.c - execution contexts (platform layer): events, DPC threads per CPU, work threads,
 * timers, exec_destroy draining.  Rules checked come from
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-keinsertqueuedpc
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-keflushqueueddpcs
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-kesetevent
 * Nothing here sleeps to wait for async work: every wait is on an event the work sets. */
#include <sched.h>
#include <stdatomic.h>
#include <string.h>

#include "check.h"
#include "platform/exec.h"
#include "platform/exec_ctx.h"
#include "platform/machine.h"

#define LONG_NS (10ull * 1000000000ull) /* a wait that only times out if the code under test hangs */
#define MS (1000000ull)

static struct machine *M;

/* ---------------------------------------------------------------- DPC placement and level */

struct seen {
    struct exec_dpc dpc;
    struct exec_event done;
    struct machine *machine;
    int cpu;
    int level;
    char name[16];
};

static void seen_fn(struct exec_dpc *dpc, void *arg)
{
    struct seen *s = arg;
    struct exec_ctx *ctx = exec_ctx_self();

    (void)dpc;
    s->machine = ctx->machine;
    s->cpu = ctx->cpu;
    s->level = ctx->level;
    snprintf(s->name, sizeof(s->name), "%s", ctx->name);
    exec_event_set(&s->done);
}

static void seen_init(struct seen *s)
{
    memset(s, 0, sizeof(*s));
    s->cpu = -99;
    exec_dpc_init(&s->dpc, seen_fn, s);
    exec_event_init(&s->done, false, false);
}

static void test_dpc_cpu_and_level(void)
{
    unsigned k;

    for (k = 0; k < M->config.cpus; k++) {
        struct seen s;
        char want[16];

        seen_init(&s);
        CHECK(exec_dpc_queue(M->exec, &s.dpc, (int)k));
        REQUIRE(exec_event_wait(&s.done, LONG_NS));
        CHECK(s.machine == M);
        CHECK_EQ(s.cpu, k);
        CHECK_EQ(s.level, EXEC_LEVEL_DISPATCH);
        snprintf(want, sizeof(want), "dpc%u", k);
        CHECK(strcmp(s.name, want) == 0);
    }
}

/* A DPC queued with cpu -1 from a thread on CPU k runs on CPU k; from a thread on no CPU it runs
 * on CPU 0; a DPC with a target CPU set runs there. */
struct requeue_from_cpu {
    struct exec_dpc outer;
    struct seen inner;
};

static void outer_fn(struct exec_dpc *dpc, void *arg)
{
    struct requeue_from_cpu *r = arg;

    (void)dpc;
    exec_dpc_queue(exec_ctx_self()->machine->exec, &r->inner.dpc, -1);
}

static void test_dpc_default_cpu(void)
{
    struct seen s;
    struct requeue_from_cpu r;

    seen_init(&s);
    CHECK(exec_dpc_queue(M->exec, &s.dpc, -1));
    REQUIRE(exec_event_wait(&s.done, LONG_NS));
    CHECK_EQ(s.cpu, 0);

    seen_init(&r.inner);
    exec_dpc_init(&r.outer, outer_fn, &r);
    CHECK(exec_dpc_queue(M->exec, &r.outer, 1));
    REQUIRE(exec_event_wait(&r.inner.done, LONG_NS));
    CHECK_EQ(r.inner.cpu, 1);

    seen_init(&s);
    s.dpc.cpu = 1;
    CHECK(exec_dpc_queue(M->exec, &s.dpc, -1));
    REQUIRE(exec_event_wait(&s.done, LONG_NS));
    CHECK_EQ(s.cpu, 1);
}

/* ---------------------------------------------------------------- DPC queue semantics */

struct gate {
    struct exec_dpc dpc;
    struct exec_event entered, open;
};

static void gate_fn(struct exec_dpc *dpc, void *arg)
{
    struct gate *g = arg;

    (void)dpc;
    exec_event_set(&g->entered);
    exec_event_wait(&g->open, UINT64_MAX);
}

/* Parks CPU `cpu`'s DPC thread inside a DPC until gate_open. */
static void gate_close(struct gate *g, int cpu)
{
    exec_event_init(&g->entered, false, false);
    exec_event_init(&g->open, false, false);
    exec_dpc_init(&g->dpc, gate_fn, g);
    REQUIRE(exec_dpc_queue(M->exec, &g->dpc, cpu));
    REQUIRE(exec_event_wait(&g->entered, LONG_NS));
}

struct order {
    struct exec_dpc dpc[8];
    _Atomic int log[8];
    _Atomic int n;
    _Atomic int runs[8];
};

static void order_fn(struct exec_dpc *dpc, void *arg)
{
    struct order *o = arg;
    int idx = (int)(dpc - o->dpc);

    o->log[atomic_fetch_add(&o->n, 1)] = idx;
    atomic_fetch_add(&o->runs[idx], 1);
}

static void test_dpc_fifo_and_queue_twice(void)
{
    static struct order o;
    struct gate g;
    int i;

    memset(&o, 0, sizeof(o));
    gate_close(&g, 0);
    for (i = 0; i < 8; i++) {
        exec_dpc_init(&o.dpc[i], order_fn, &o);
        CHECK(exec_dpc_queue(M->exec, &o.dpc[i], 0));
    }
    /* Already queued: no second entry, reported as false (KeInsertQueueDpc). */
    CHECK(!exec_dpc_queue(M->exec, &o.dpc[3], 0));
    CHECK(!exec_dpc_queue(M->exec, &o.dpc[3], 1));
    /* Cancel takes one out before it runs. */
    CHECK(exec_dpc_cancel(M->exec, &o.dpc[5]));
    CHECK(!exec_dpc_cancel(M->exec, &o.dpc[5]));
    CHECK_EQ(atomic_load(&o.n), 0);
    exec_event_set(&g.open);
    exec_dpc_flush(M->exec);
    CHECK_EQ(atomic_load(&o.n), 7);
    for (i = 0; i < 7; i++)
        CHECK_EQ(o.log[i], i < 5 ? i : i + 1);
    for (i = 0; i < 8; i++)
        CHECK_EQ(o.runs[i], i == 5 ? 0 : 1);
}

struct self_requeue {
    struct exec_dpc dpc;
    _Atomic int count;
    _Atomic int requeue_ok;
    _Atomic int was_queued_inside;
    struct exec_event done;
};

static void self_requeue_fn(struct exec_dpc *dpc, void *arg)
{
    struct self_requeue *r = arg;

    /* The queued flag is already clear when the routine runs. */
    if (atomic_load(&dpc->queued))
        atomic_fetch_add(&r->was_queued_inside, 1);
    if (atomic_fetch_add(&r->count, 1) + 1 < 5) {
        if (exec_dpc_queue(exec_ctx_self()->machine->exec, dpc, -1))
            atomic_fetch_add(&r->requeue_ok, 1);
    } else {
        exec_event_set(&r->done);
    }
}

static void test_dpc_requeue_from_inside(void)
{
    struct self_requeue r;

    memset(&r, 0, sizeof(r));
    exec_event_init(&r.done, false, false);
    exec_dpc_init(&r.dpc, self_requeue_fn, &r);
    CHECK(exec_dpc_queue(M->exec, &r.dpc, 1));
    REQUIRE(exec_event_wait(&r.done, LONG_NS));
    exec_dpc_flush(M->exec);
    CHECK_EQ(r.count, 5);
    CHECK_EQ(r.requeue_ok, 4);
    CHECK_EQ(r.was_queued_inside, 0);
}

/* ---------------------------------------------------------------- work items */

struct wseen {
    struct exec_work w;
    struct exec_event entered, open, done;
    int level, cpu;
    struct machine *machine;
    _Atomic int runs;
    bool block;
};

static void wseen_fn(struct exec_work *w, void *arg)
{
    struct wseen *s = arg;
    struct exec_ctx *ctx = exec_ctx_self();

    (void)w;
    s->level = ctx->level;
    s->cpu = ctx->cpu;
    s->machine = ctx->machine;
    atomic_fetch_add(&s->runs, 1);
    if (s->block) {
        exec_event_set(&s->entered);
        exec_event_wait(&s->open, UINT64_MAX);
    }
    exec_event_set(&s->done);
}

static void wseen_init(struct wseen *s, bool block)
{
    memset(s, 0, sizeof(*s));
    s->level = -1;
    s->block = block;
    exec_work_init(&s->w, wseen_fn, s);
    exec_event_init(&s->entered, false, false);
    exec_event_init(&s->open, false, false);
    exec_event_init(&s->done, false, false);
}

static void test_work_items(void)
{
    struct wseen a, b1, b2;

    wseen_init(&a, false);
    CHECK(exec_work_queue(M->exec, &a.w));
    REQUIRE(exec_event_wait(&a.done, LONG_NS));
    CHECK_EQ(a.level, EXEC_LEVEL_PASSIVE);
    CHECK_EQ(a.cpu, -1);
    CHECK(a.machine == M);

    /* Both work threads parked: a queued item stays queued, and queueing it again is refused. */
    wseen_init(&b1, true);
    wseen_init(&b2, true);
    CHECK(exec_work_queue(M->exec, &b1.w));
    CHECK(exec_work_queue(M->exec, &b2.w));
    REQUIRE(exec_event_wait(&b1.entered, LONG_NS));
    REQUIRE(exec_event_wait(&b2.entered, LONG_NS));
    wseen_init(&a, false);
    CHECK(exec_work_queue(M->exec, &a.w));
    CHECK(!exec_work_queue(M->exec, &a.w));
    CHECK_EQ(atomic_load(&a.runs), 0);
    exec_event_set(&b1.open);
    exec_event_set(&b2.open);
    exec_work_flush(M->exec);
    CHECK_EQ(atomic_load(&a.runs), 1);
    CHECK_EQ(atomic_load(&b1.runs), 1);
    CHECK_EQ(atomic_load(&b2.runs), 1);
}

/* ---------------------------------------------------------------- timers */

struct tcount {
    struct exec_timer t;
    _Atomic int fired;
    int target;
    int level;
    struct exec_event reached;
};

static void tcount_fn(struct exec_timer *t, void *arg)
{
    struct tcount *c = arg;

    (void)t;
    c->level = exec_ctx_self()->level;
    if (atomic_fetch_add(&c->fired, 1) + 1 == c->target)
        exec_event_set(&c->reached);
}

static void tcount_init(struct tcount *c, int target)
{
    memset(c, 0, sizeof(*c));
    c->target = target;
    exec_timer_init(&c->t, tcount_fn, c);
    exec_event_init(&c->reached, false, false);
}

static void test_timers(void)
{
    struct tcount once, periodic, sentinel;
    int after_cancel;

    /* One-shot: fires once, disarmed before its callback, at dispatch level. */
    tcount_init(&once, 1);
    CHECK(!exec_timer_set(M->exec, &once.t, 1 * MS, 0));
    REQUIRE(exec_event_wait(&once.reached, LONG_NS));
    CHECK_EQ(once.level, EXEC_LEVEL_DISPATCH);
    CHECK(!exec_timer_cancel(M->exec, &once.t, true));

    /* Periodic: fires again and again until cancelled. */
    tcount_init(&periodic, 5);
    CHECK(!exec_timer_set(M->exec, &periodic.t, 1 * MS, 1 * MS));
    REQUIRE(exec_event_wait(&periodic.reached, LONG_NS));
    CHECK(exec_timer_cancel(M->exec, &periodic.t, true));
    after_cancel = atomic_load(&periodic.fired);
    CHECK(after_cancel >= 5);

    /* A later one-shot fires after anything still due earlier: neither timer fires again. */
    tcount_init(&sentinel, 1);
    exec_timer_set(M->exec, &sentinel.t, 10 * MS, 0);
    REQUIRE(exec_event_wait(&sentinel.reached, LONG_NS));
    CHECK_EQ(atomic_load(&once.fired), 1);
    CHECK_EQ(atomic_load(&periodic.fired), after_cancel);

    /* Re-arming an armed timer reports it and replaces the due time. */
    tcount_init(&once, 1);
    CHECK(!exec_timer_set(M->exec, &once.t, 3600000 * MS, 0));
    CHECK(exec_timer_set(M->exec, &once.t, 1 * MS, 0));
    REQUIRE(exec_event_wait(&once.reached, LONG_NS));
}

struct slow_timer {
    struct exec_timer t;
    struct exec_event entered, open;
    _Atomic int finished;
};

static void slow_fn(struct exec_timer *t, void *arg)
{
    struct slow_timer *s = arg;

    (void)t;
    exec_event_set(&s->entered);
    exec_event_wait(&s->open, UINT64_MAX);
    atomic_store(&s->finished, 1);
}

struct canceller {
    struct slow_timer *s;
    struct exec_event returned;
    int finished_at_return;
};

static void canceller_thread(void *arg)
{
    struct canceller *c = arg;

    exec_timer_cancel(exec_ctx_self()->machine->exec, &c->s->t, true);
    c->finished_at_return = atomic_load(&c->s->finished);
    exec_event_set(&c->returned);
}

static void test_timer_cancel_waits(void)
{
    struct slow_timer s;
    struct canceller c;
    struct exec_thread *th;

    memset(&s, 0, sizeof(s));
    exec_event_init(&s.entered, false, false);
    exec_event_init(&s.open, false, false);
    exec_timer_init(&s.t, slow_fn, &s);
    exec_timer_set(M->exec, &s.t, 0, 0);
    REQUIRE(exec_event_wait(&s.entered, LONG_NS));

    memset(&c, 0, sizeof(c));
    c.s = &s;
    c.finished_at_return = -1;
    exec_event_init(&c.returned, false, false);
    REQUIRE(exec_thread_create(M, "canceller", -1, EXEC_LEVEL_PASSIVE, canceller_thread, &c,
                               &th) == 0);
    /* The callback is parked, so the cancel must still be waiting. */
    CHECK(!exec_event_wait(&c.returned, 20 * MS));
    exec_event_set(&s.open);
    REQUIRE(exec_event_wait(&c.returned, LONG_NS));
    exec_thread_join(th);
    CHECK_EQ(c.finished_at_return, 1);
}

struct self_cancel {
    struct exec_timer t;
    struct exec_event done;
    int was_armed;
};

static void self_cancel_fn(struct exec_timer *t, void *arg)
{
    struct self_cancel *s = arg;

    /* wait=true from its own callback must not wait for itself. */
    s->was_armed = exec_timer_cancel(exec_ctx_self()->machine->exec, t, true);
    exec_event_set(&s->done);
}

static void test_timer_cancel_from_callback(void)
{
    struct self_cancel s;

    memset(&s, 0, sizeof(s));
    s.was_armed = -1;
    exec_event_init(&s.done, false, false);
    exec_timer_init(&s.t, self_cancel_fn, &s);
    exec_timer_set(M->exec, &s.t, 0, 1 * MS);
    REQUIRE(exec_event_wait(&s.done, LONG_NS));
    CHECK_EQ(s.was_armed, 1); /* periodic: still armed while its callback runs */
    CHECK(!exec_timer_cancel(M->exec, &s.t, true));
}

/* ---------------------------------------------------------------- events */

struct waiter {
    struct exec_event *ev;
    _Atomic int *woken;
    struct exec_event *any_woke;
};

static void waiter_thread(void *arg)
{
    struct waiter *w = arg;

    if (exec_event_wait(w->ev, UINT64_MAX)) {
        atomic_fetch_add(w->woken, 1);
        exec_event_set(w->any_woke);
    }
}

/* Spins (yielding) until n waiters sleep in the kernel on ev. */
static void wait_for_sleepers(struct exec_event *ev, unsigned n)
{
    uint64_t end = exec_now_ns() + LONG_NS;

    while ((atomic_load(&ev->state) >> 1) != n && exec_now_ns() < end)
        sched_yield();
    REQUIRE((atomic_load(&ev->state) >> 1) == n);
}

static void test_event_auto_reset_wakes_one(void)
{
    struct exec_event ev, any;
    _Atomic int woken = 0;
    struct waiter w = {.ev = &ev, .woken = &woken, .any_woke = &any};
    struct exec_thread *t1, *t2;

    exec_event_init(&ev, true, false);
    exec_event_init(&any, true, false);
    REQUIRE(exec_thread_create(M, "waiter1", -1, EXEC_LEVEL_PASSIVE, waiter_thread, &w, &t1) == 0);
    REQUIRE(exec_thread_create(M, "waiter2", -1, EXEC_LEVEL_PASSIVE, waiter_thread, &w, &t2) == 0);
    wait_for_sleepers(&ev, 2);
    exec_event_set(&ev);
    REQUIRE(exec_event_wait(&any, LONG_NS));
    CHECK_EQ(atomic_load(&woken), 1);
    /* The other one is still asleep and the signal was consumed. */
    CHECK(!exec_event_wait(&any, 20 * MS));
    CHECK_EQ(atomic_load(&woken), 1);
    wait_for_sleepers(&ev, 1);
    CHECK_EQ(atomic_load(&ev.state) & 1u, 0);
    exec_event_set(&ev);
    REQUIRE(exec_event_wait(&any, LONG_NS));
    CHECK_EQ(atomic_load(&woken), 2);
    exec_thread_join(t1);
    exec_thread_join(t2);
}

static void test_event_manual_and_timeout(void)
{
    struct exec_event ev, any;
    _Atomic int woken = 0;
    struct waiter w = {.ev = &ev, .woken = &woken, .any_woke = &any};
    struct exec_thread *t1, *t2;
    uint64_t t0;

    /* Timeout: false, and not before the time is up. */
    exec_event_init(&ev, true, false);
    t0 = exec_now_ns();
    CHECK(!exec_event_wait(&ev, 2 * MS));
    CHECK(exec_now_ns() - t0 >= 2 * MS);
    CHECK(!exec_event_wait(&ev, 0));
    exec_event_set(&ev);
    CHECK(exec_event_wait(&ev, 0));
    CHECK(!exec_event_wait(&ev, 0)); /* auto-reset consumed it */

    /* Manual reset: one set releases every waiter and stays signalled until reset. */
    exec_event_init(&ev, false, false);
    exec_event_init(&any, false, false);
    REQUIRE(exec_thread_create(M, "waiter1", -1, EXEC_LEVEL_PASSIVE, waiter_thread, &w, &t1) == 0);
    REQUIRE(exec_thread_create(M, "waiter2", -1, EXEC_LEVEL_PASSIVE, waiter_thread, &w, &t2) == 0);
    wait_for_sleepers(&ev, 2);
    exec_event_set(&ev);
    exec_thread_join(t1);
    exec_thread_join(t2);
    CHECK_EQ(atomic_load(&woken), 2);
    CHECK(exec_event_wait(&ev, 0));
    CHECK(exec_event_wait(&ev, 0));
    exec_event_reset(&ev);
    CHECK(!exec_event_wait(&ev, 0));
}

/* ---------------------------------------------------------------- threads */

struct tinfo {
    struct machine *machine;
    int cpu, level;
    char name[32];
};

static void tinfo_thread(void *arg)
{
    struct tinfo *i = arg;
    struct exec_ctx *ctx = exec_ctx_self();

    i->machine = ctx->machine;
    i->cpu = ctx->cpu;
    i->level = ctx->level;
    snprintf(i->name, sizeof(i->name), "%s", ctx->name);
}

static void test_thread_context(void)
{
    struct tinfo i;
    struct exec_thread *t;

    memset(&i, 0, sizeof(i));
    REQUIRE(exec_thread_create(M, "model:worker-with-long-name", 1, 5, tinfo_thread, &i, &t) == 0);
    exec_thread_join(t);
    CHECK(i.machine == M);
    CHECK_EQ(i.cpu, 1);
    CHECK_EQ(i.level, 5);
    CHECK(strcmp(i.name, "model:worker-with-long-name") == 0);
}

/* ---------------------------------------------------------------- exec_destroy drains */

struct drain {
    struct exec_work blocker[2];
    struct exec_event entered[2];
    struct exec_work items[16];
    struct exec_dpc dpcs[16];
    struct exec_work tail[16];
    _Atomic int items_run, dpcs_run, tails_run;
};

static struct drain D;

static void drain_blocker(struct exec_work *w, void *arg)
{
    struct exec_event never;
    int i = (int)(w - D.blocker);

    (void)arg;
    exec_event_set(&D.entered[i]);
    /* Holds its work thread while the test queues the rest, then lets go. */
    exec_event_init(&never, false, false);
    exec_event_wait(&never, 50 * MS);
}

static void drain_tail(struct exec_work *w, void *arg)
{
    (void)w;
    (void)arg;
    atomic_fetch_add(&D.tails_run, 1);
}

static void drain_dpc(struct exec_dpc *dpc, void *arg)
{
    int i = (int)(dpc - D.dpcs);

    (void)arg;
    atomic_fetch_add(&D.dpcs_run, 1);
    exec_work_queue(exec_ctx_self()->machine->exec, &D.tail[i]);
}

static void drain_item(struct exec_work *w, void *arg)
{
    int i = (int)(w - D.items);

    (void)arg;
    atomic_fetch_add(&D.items_run, 1);
    exec_dpc_queue(exec_ctx_self()->machine->exec, &D.dpcs[i], i % 2);
}

static void test_destroy_drains(void)
{
    struct machine *m2;
    struct machine_config cfg = {.cpus = 2, .ram_bytes = 16ull << 20};
    int i;

    REQUIRE(machine_create(&cfg, &m2) == 0);
    for (i = 0; i < 2; i++) {
        exec_event_init(&D.entered[i], false, false);
        exec_work_init(&D.blocker[i], drain_blocker, NULL);
        REQUIRE(exec_work_queue(m2->exec, &D.blocker[i]));
    }
    REQUIRE(exec_event_wait(&D.entered[0], LONG_NS));
    REQUIRE(exec_event_wait(&D.entered[1], LONG_NS));
    for (i = 0; i < 16; i++) {
        exec_work_init(&D.items[i], drain_item, NULL);
        exec_dpc_init(&D.dpcs[i], drain_dpc, NULL);
        exec_work_init(&D.tail[i], drain_tail, NULL);
        CHECK(exec_work_queue(m2->exec, &D.items[i]));
    }
    CHECK_EQ(atomic_load(&D.items_run), 0);
    machine_destroy(m2);
    /* Every item ran, and so did the DPCs they queued and the work those DPCs queued. */
    CHECK_EQ(atomic_load(&D.items_run), 16);
    CHECK_EQ(atomic_load(&D.dpcs_run), 16);
    CHECK_EQ(atomic_load(&D.tails_run), 16);
}

int main(void)
{
    struct machine_config cfg = {.cpus = 2, .ram_bytes = 16ull << 20};

    REQUIRE(machine_create(&cfg, &M) == 0);
    REQUIRE(M->exec != NULL);
    test_dpc_cpu_and_level();
    test_dpc_default_cpu();
    test_dpc_fifo_and_queue_twice();
    test_dpc_requeue_from_inside();
    test_work_items();
    test_timers();
    test_timer_cancel_waits();
    test_timer_cancel_from_callback();
    test_event_auto_reset_wakes_one();
    test_event_manual_and_timeout();
    test_thread_context();
    test_destroy_drains();
    exec_destroy(M);
    exec_destroy(M); /* idempotent */
    CHECK(M->exec == NULL);
    machine_destroy(M);
    return check_done();
}
