/* test_intr.c - the interrupt controller (platform layer): line and message sources, ISR level and
 * lock, re-delivery, storms, unclaimed interrupts, masking, coalescing, disconnect under load.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nc-wdm-kservice_routine
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/introduction-to-message-signaled-interrupts
 * Waits are on events set by the ISR; "the ISR has finished and its accounting is done" is
 * observed by taking the interrupt lock (sync_isr), which the delivery thread holds throughout. */
#include <errno.h>
#include <stdatomic.h>
#include <string.h>

#include "check.h"
#include "platform/exec.h"
#include "platform/exec_ctx.h"
#include "platform/intr.h"
#include "platform/machine.h"

#define LONG_NS (10ull * 1000000000ull)
#define MS (1000000ull)
#define DEV_LEVEL 7

static struct machine *M;

struct dev {
    struct intr_source *src;
    _Atomic int clear_at;  /* ISR call number from which the ISR drops the line (0: never) */
    int unclaimed_first;   /* this many first calls return false */
    bool never_claim;
    bool block;            /* park in the ISR until `open` */
    _Atomic int calls;
    _Atomic int target;    /* `reached` is set when calls hits this */
    struct exec_event reached, entered, open;
    _Atomic int finished;  /* a blocking ISR got past its wait */
    _Atomic int disconnected, after_disconnect;
    /* Written by the ISR under the interrupt lock, read by the test after sync_isr. */
    int level_seen, cpu_seen;
    char name_seen[32];
    unsigned log[64];
    unsigned nlog;
};

static bool dev_isr(void *ctx, unsigned message_id)
{
    struct dev *d = ctx;
    struct exec_ctx *self = exec_ctx_self();
    int n = atomic_fetch_add(&d->calls, 1) + 1;
    bool claimed = !d->never_claim && n > d->unclaimed_first;

    d->level_seen = self->level;
    d->cpu_seen = self->cpu;
    snprintf(d->name_seen, sizeof(d->name_seen), "%s", self->name);
    if (d->nlog < 64)
        d->log[d->nlog++] = message_id;
    if (atomic_load(&d->disconnected))
        atomic_fetch_add(&d->after_disconnect, 1);
    if (d->block) {
        exec_event_set(&d->entered);
        exec_event_wait(&d->open, UINT64_MAX);
        atomic_store(&d->finished, 1);
    }
    /* A driver silences a level-triggered device by clearing its status register. */
    if (d->clear_at != 0 && n >= d->clear_at)
        intr_source_deassert(d->src);
    if (n == d->target)
        exec_event_set(&d->reached);
    return claimed;
}

static void dev_init(struct dev *d, enum intr_kind kind, unsigned vectors, const char *name)
{
    memset(d, 0, sizeof(*d));
    exec_event_init(&d->reached, false, false);
    exec_event_init(&d->entered, false, false);
    exec_event_init(&d->open, false, false);
    REQUIRE(intr_source_create(M->intr, name, kind, vectors, DEV_LEVEL, &d->src) == 0);
    REQUIRE(intr_connect(d->src, dev_isr, d) == 0);
}

/* Returns once no ISR of s runs and the accounting of the last one is done. */
static void sync_isr(struct intr_source *s)
{
    uint8_t old = intr_lock_acquire(s);
    intr_lock_release(s, old);
}

static void get_stats(struct dev *d, struct intr_stats *st)
{
    sync_isr(d->src);
    intr_source_stats(d->src, st);
}

/* ---------------------------------------------------------------- argument checks */

static void test_create_checks(void)
{
    struct intr_source *s;
    struct dev d;

    CHECK_EQ(intr_source_create(M->intr, "x", INTR_KIND_LINE, 2, DEV_LEVEL, &s), -EINVAL);
    CHECK_EQ(intr_source_create(M->intr, "x", INTR_KIND_MESSAGE, 0, DEV_LEVEL, &s), -EINVAL);
    CHECK_EQ(intr_source_create(M->intr, "x", INTR_KIND_MESSAGE, 4096, DEV_LEVEL, &s), -EINVAL);
    CHECK_EQ(intr_source_create(M->intr, "x", INTR_KIND_LINE, 1, EXEC_LEVEL_DISPATCH, &s), -EINVAL);
    REQUIRE(intr_source_create(M->intr, "x", INTR_KIND_MESSAGE, 3, DEV_LEVEL, &s) == 0);
    CHECK_EQ(intr_source_level(s), DEV_LEVEL);
    CHECK_EQ(intr_source_kind(s), INTR_KIND_MESSAGE);
    CHECK_EQ(intr_source_vectors(s), 3);
    CHECK_EQ(intr_connect(s, NULL, NULL), -EINVAL);
    intr_source_destroy(s);

    dev_init(&d, INTR_KIND_LINE, 1, "twice");
    CHECK_EQ(intr_connect(d.src, dev_isr, &d), -EBUSY);
    intr_source_destroy(d.src);
}

/* ---------------------------------------------------------------- line sources */

struct locker {
    struct intr_source *src;
    struct exec_event acquired;
    struct dev *d;
    int finished_inside, level_inside, old_level, level_after;
};

static void locker_thread(void *arg)
{
    struct locker *l = arg;
    uint8_t old = intr_lock_acquire(l->src);

    l->finished_inside = atomic_load(&l->d->finished);
    l->level_inside = exec_ctx_self()->level;
    l->old_level = old;
    intr_lock_release(l->src, old);
    l->level_after = exec_ctx_self()->level;
    exec_event_set(&l->acquired);
}

static void test_line_level_and_lock(void)
{
    struct dev d;
    struct locker l;
    struct exec_thread *t;
    struct intr_stats st;

    dev_init(&d, INTR_KIND_LINE, 1, "dev0");
    d.block = true;
    d.clear_at = 1;
    intr_source_enable(d.src);
    intr_source_assert(d.src);
    REQUIRE(exec_event_wait(&d.entered, LONG_NS));

    memset(&l, 0, sizeof(l));
    l.src = d.src;
    l.d = &d;
    exec_event_init(&l.acquired, false, false);
    REQUIRE(exec_thread_create(M, "locker", -1, EXEC_LEVEL_PASSIVE, locker_thread, &l, &t) == 0);
    /* The ISR holds the interrupt lock: the other thread cannot have it yet. */
    CHECK(!exec_event_wait(&l.acquired, 20 * MS));
    exec_event_set(&d.open);
    REQUIRE(exec_event_wait(&l.acquired, LONG_NS));
    exec_thread_join(t);
    CHECK_EQ(l.finished_inside, 1);
    CHECK_EQ(l.level_inside, DEV_LEVEL);
    CHECK_EQ(l.old_level, EXEC_LEVEL_PASSIVE);
    CHECK_EQ(l.level_after, EXEC_LEVEL_PASSIVE);

    get_stats(&d, &st);
    CHECK_EQ(d.level_seen, DEV_LEVEL);
    CHECK(d.cpu_seen >= 0 && d.cpu_seen < (int)M->config.cpus);
    CHECK(strcmp(d.name_seen, "intr:dev0") == 0);
    /* The ISR cleared the line: delivered once, no re-delivery. */
    CHECK_EQ(st.raised, 1);
    CHECK_EQ(st.delivered, 1);
    CHECK_EQ(st.claimed, 1);
    CHECK_EQ(st.redelivered, 0);
    CHECK_EQ(st.unclaimed, 0);
    CHECK_EQ(atomic_load(&d.calls), 1);
    intr_source_destroy(d.src);
}

static void test_line_redelivery(void)
{
    struct dev d;
    struct intr_stats st;

    /* The first ISR leaves the line up, the second clears it. */
    dev_init(&d, INTR_KIND_LINE, 1, "redeliver");
    d.clear_at = 2;
    d.target = 2;
    intr_source_enable(d.src);
    intr_source_assert(d.src);
    REQUIRE(exec_event_wait(&d.reached, LONG_NS));
    get_stats(&d, &st);
    CHECK_EQ(st.delivered, 2);
    CHECK_EQ(st.claimed, 2);
    CHECK_EQ(st.redelivered, 1);
    CHECK_EQ(st.storms, 0);
    intr_source_destroy(d.src);
}

static void test_line_storm(void)
{
    struct dev d;
    struct intr_stats st;

    /* Nobody clears the line: more than 5 deliveries in a row without a drop is a storm. */
    dev_init(&d, INTR_KIND_LINE, 1, "storm");
    intr_set_storm_threshold(d.src, 5);
    d.target = 6;
    intr_source_enable(d.src);
    intr_source_assert(d.src);
    REQUIRE(exec_event_wait(&d.reached, LONG_NS));
    get_stats(&d, &st);
    CHECK_EQ(st.delivered, 6);
    CHECK_EQ(st.storms, 1);
    CHECK_EQ(st.redelivered, 6);
    /* Masked: the line is still up but nothing more is delivered... */
    exec_event_reset(&d.reached);
    d.target = 7;
    CHECK(!exec_event_wait(&d.reached, 20 * MS));
    get_stats(&d, &st);
    CHECK_EQ(st.delivered, 6);
    /* ...until the driver enables it again; this time the ISR clears the line. */
    d.clear_at = 7;
    intr_source_enable(d.src);
    REQUIRE(exec_event_wait(&d.reached, LONG_NS));
    get_stats(&d, &st);
    CHECK_EQ(st.delivered, 7);
    CHECK_EQ(st.storms, 1);
    intr_source_destroy(d.src);
}

static void test_line_unclaimed(void)
{
    struct dev d;
    struct intr_stats st;

    /* Not ours the first time (line stays up), claimed and cleared the second. */
    dev_init(&d, INTR_KIND_LINE, 1, "unclaimed");
    d.unclaimed_first = 1;
    d.clear_at = 2;
    d.target = 2;
    intr_source_enable(d.src);
    intr_source_assert(d.src);
    REQUIRE(exec_event_wait(&d.reached, LONG_NS));
    get_stats(&d, &st);
    CHECK_EQ(st.delivered, 2);
    CHECK_EQ(st.unclaimed, 1);
    CHECK_EQ(st.claimed, 1);
    CHECK_EQ(st.redelivered, 0);
    intr_source_destroy(d.src);

    /* Never claimed and never cleared: counted toward a storm as well. */
    dev_init(&d, INTR_KIND_LINE, 1, "unclaimed-storm");
    intr_set_storm_threshold(d.src, 3);
    d.never_claim = true;
    exec_event_reset(&d.reached);
    d.target = 4;
    intr_source_enable(d.src);
    intr_source_assert(d.src);
    REQUIRE(exec_event_wait(&d.reached, LONG_NS));
    get_stats(&d, &st);
    CHECK_EQ(st.delivered, 4);
    CHECK_EQ(st.unclaimed, 4);
    CHECK_EQ(st.claimed, 0);
    CHECK_EQ(st.storms, 1);
    intr_source_destroy(d.src);
}

static void test_line_disabled(void)
{
    struct dev d;
    struct intr_stats st;

    /* Connected but not enabled: the level is held, nothing is delivered. */
    dev_init(&d, INTR_KIND_LINE, 1, "disabled");
    d.clear_at = 1;
    d.target = 1;
    intr_source_assert(d.src);
    CHECK(!exec_event_wait(&d.reached, 20 * MS));
    get_stats(&d, &st);
    CHECK_EQ(st.delivered, 0);
    CHECK_EQ(st.raised, 1);
    intr_source_enable(d.src);
    REQUIRE(exec_event_wait(&d.reached, LONG_NS));

    /* Disabled again after that: a new assert waits for the next enable. */
    intr_source_disable(d.src);
    exec_event_reset(&d.reached);
    d.target = 2;
    intr_source_assert(d.src);
    CHECK(!exec_event_wait(&d.reached, 20 * MS));
    intr_source_enable(d.src);
    REQUIRE(exec_event_wait(&d.reached, LONG_NS));
    get_stats(&d, &st);
    CHECK_EQ(st.delivered, 2);
    CHECK_EQ(st.claimed, 2);
    CHECK_EQ(st.redelivered, 0);
    intr_source_destroy(d.src);
}

/* ---------------------------------------------------------------- message sources */

static void test_message_vectors(void)
{
    struct dev d;
    struct intr_stats st;

    dev_init(&d, INTR_KIND_MESSAGE, 4, "msi");
    intr_source_enable(d.src);
    d.target = 1;
    intr_source_send(d.src, 1);
    REQUIRE(exec_event_wait(&d.reached, LONG_NS));
    exec_event_reset(&d.reached);
    d.target = 2;
    intr_source_send(d.src, 3);
    REQUIRE(exec_event_wait(&d.reached, LONG_NS));
    get_stats(&d, &st);
    REQUIRE(d.nlog == 2);
    CHECK_EQ(d.log[0], 1);
    CHECK_EQ(d.log[1], 3);
    CHECK_EQ(d.level_seen, DEV_LEVEL);

    /* Masked: edges to a vector that is already pending merge into it. */
    intr_source_disable(d.src);
    intr_source_send(d.src, 2);
    intr_source_send(d.src, 2);
    intr_source_send(d.src, 2);
    intr_source_send(d.src, 0);
    intr_source_stats(d.src, &st);
    CHECK_EQ(st.coalesced, 2);
    CHECK_EQ(st.raised, 6);
    CHECK_EQ(st.delivered, 2);
    exec_event_reset(&d.reached);
    d.target = 4;
    intr_source_enable(d.src);
    REQUIRE(exec_event_wait(&d.reached, LONG_NS));
    get_stats(&d, &st);
    CHECK_EQ(st.delivered, 4);
    CHECK_EQ(st.claimed, 4);
    REQUIRE(d.nlog == 4);
    CHECK_EQ(d.log[2], 0);
    CHECK_EQ(d.log[3], 2);
    intr_source_destroy(d.src);
}

static void test_message_edge_during_isr(void)
{
    struct dev d;
    struct intr_stats st;

    /* The pending bit is taken when the ISR starts: an edge during the ISR is a new one. */
    dev_init(&d, INTR_KIND_MESSAGE, 2, "msi-edge");
    d.block = true;
    intr_source_enable(d.src);
    intr_source_send(d.src, 1);
    REQUIRE(exec_event_wait(&d.entered, LONG_NS));
    intr_source_send(d.src, 1);
    intr_source_send(d.src, 1); /* this one merges with the previous */
    d.target = 2;
    exec_event_set(&d.open);
    REQUIRE(exec_event_wait(&d.reached, LONG_NS));
    get_stats(&d, &st);
    CHECK_EQ(st.delivered, 2);
    CHECK_EQ(st.coalesced, 1);
    CHECK_EQ(st.raised, 3);
    CHECK_EQ(d.log[0], 1);
    CHECK_EQ(d.log[1], 1);
    intr_source_destroy(d.src);
}

/* ---------------------------------------------------------------- disconnect under load */

struct raiser {
    struct intr_source *line, *msg;
    _Atomic int stop;
    _Atomic unsigned long rounds;
};

static void raiser_thread(void *arg)
{
    struct raiser *r = arg;
    unsigned long i;

    for (i = 0; i < 10000000ul && !atomic_load(&r->stop); i++) {
        intr_source_assert(r->line);
        intr_source_send(r->msg, (unsigned)(i % 3));
        atomic_store(&r->rounds, i + 1);
    }
}

static void test_disconnect_while_raising(void)
{
    struct dev line, msg;
    struct raiser r;
    struct exec_thread *t;
    struct intr_stats sl, sm;
    unsigned long rounds_at_disconnect;

    dev_init(&line, INTR_KIND_LINE, 1, "busy-line");
    dev_init(&msg, INTR_KIND_MESSAGE, 3, "busy-msi");
    line.clear_at = 1;
    line.target = 100;
    msg.target = 100;
    intr_set_storm_threshold(line.src, 1000000);
    intr_source_enable(line.src);
    intr_source_enable(msg.src);
    memset(&r, 0, sizeof(r));
    r.line = line.src;
    r.msg = msg.src;
    REQUIRE(exec_thread_create(M, "raiser", -1, 5, raiser_thread, &r, &t) == 0);
    REQUIRE(exec_event_wait(&line.reached, LONG_NS));
    REQUIRE(exec_event_wait(&msg.reached, LONG_NS));

    intr_disconnect(line.src);
    atomic_store(&line.disconnected, 1);
    intr_disconnect(msg.src);
    atomic_store(&msg.disconnected, 1);
    rounds_at_disconnect = atomic_load(&r.rounds);
    /* The device keeps raising into disconnected sources: nothing is delivered. */
    while (atomic_load(&r.rounds) < rounds_at_disconnect + 1000 && atomic_load(&r.rounds) < 10000000ul)
        exec_cpu_relax(0);
    atomic_store(&r.stop, 1);
    exec_thread_join(t);

    intr_source_stats(line.src, &sl);
    intr_source_stats(msg.src, &sm);
    CHECK_EQ(atomic_load(&line.after_disconnect), 0);
    CHECK_EQ(atomic_load(&msg.after_disconnect), 0);
    CHECK_EQ(sl.delivered, (uint64_t)atomic_load(&line.calls));
    CHECK_EQ(sm.delivered, (uint64_t)atomic_load(&msg.calls));
    CHECK(sl.raised > sl.delivered);
    CHECK(sm.coalesced > 0);
    intr_source_destroy(line.src);
    intr_source_destroy(msg.src);
}

static void test_lock_from_higher_level(void)
{
    struct intr_source *s;
    struct exec_ctx *self = exec_ctx_self();
    uint8_t old;

    REQUIRE(intr_source_create(M->intr, "lock", INTR_KIND_LINE, 1, 4, &s) == 0);
    old = intr_lock_acquire(s);
    CHECK_EQ(old, EXEC_LEVEL_PASSIVE);
    CHECK_EQ(self->level, 4);
    intr_lock_release(s, old);
    CHECK_EQ(self->level, EXEC_LEVEL_PASSIVE);
    /* A caller already above the source's level is not lowered. */
    self->level = 9;
    old = intr_lock_acquire(s);
    CHECK_EQ(old, 9);
    CHECK_EQ(self->level, 9);
    intr_lock_release(s, old);
    CHECK_EQ(self->level, 9);
    self->level = EXEC_LEVEL_PASSIVE;
    intr_source_destroy(s);
}

int main(void)
{
    struct machine_config cfg = {.cpus = 2, .ram_bytes = 16ull << 20};
    struct intr_source *leftover;

    REQUIRE(machine_create(&cfg, &M) == 0);
    REQUIRE(M->intr != NULL);
    test_create_checks();
    test_line_level_and_lock();
    test_line_redelivery();
    test_line_storm();
    test_line_unclaimed();
    test_line_disabled();
    test_message_vectors();
    test_message_edge_during_isr();
    test_disconnect_while_raising();
    test_lock_from_higher_level();
    /* A source left behind is torn down with the controller. */
    REQUIRE(intr_source_create(M->intr, "leftover", INTR_KIND_LINE, 1, DEV_LEVEL, &leftover) == 0);
    REQUIRE(intr_connect(leftover, dev_isr, NULL) == 0);
    machine_destroy(M);
    return check_done();
}
