/* test_queue_seq.c - on which thread and at which IRQL requests are presented, through the
 * drv_queue test driver: a sequential queue presents the next request from the thread that
 * completed the previous one (a DPC: DISPATCH_LEVEL), or from a work item at PASSIVE_LEVEL when
 * the ExecutionLevel is passive; a queue with SynchronizationScopeQueue runs its handlers one at
 * a time at DISPATCH_LEVEL; a driver completing inside its handler does not make the framework
 * recurse.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/dispatching-methods-for-i-o-requests
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/synchronization-techniques-for-wdf-drivers
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/using-automatic-synchronization */
#include <stdint.h>
#include <stdio.h>

#include "test_queue_fixture.h"

#define SEEN_MAX 256

struct seen {
    char thread[16];
    unsigned level;
    uintptr_t stack;
};

static struct seen seen[SEEN_MAX];
static _Atomic int seen_count;
static _Atomic int in_handler, overlaps;
static struct exec_event second_read;

static VOID observe(ULONG Event, WDFREQUEST Request, ULONG_PTR Arg)
{
    struct exec_ctx *self = exec_ctx_self();
    volatile int marker = 0;
    int i;

    (void)Request;
    (void)Arg;
    if (Event != DRVQ_EV_READ)
        return;
    /* Overlap detector: with a synchronization scope nobody else may be in here meanwhile. */
    if (atomic_fetch_add(&in_handler, 1) != 0)
        atomic_fetch_add(&overlaps, 1);
    i = atomic_fetch_add(&seen_count, 1);
    if (i < SEEN_MAX) {
        snprintf(seen[i].thread, sizeof(seen[i].thread), "%s", self->name ? self->name : "?");
        seen[i].level = self->level;
        seen[i].stack = (uintptr_t)&marker;
    }
    for (unsigned k = 0; k < 64; k++)
        exec_cpu_relax(k);
    atomic_fetch_sub(&in_handler, 1);
    if (i == 1)
        exec_event_set(&second_read);
    (void)marker;
}

static void reset_seen(void)
{
    atomic_store(&seen_count, 0);
    atomic_store(&in_handler, 0);
    atomic_store(&overlaps, 0);
    exec_event_init(&second_read, false, false);
    DrvQueueSetObserver(observe);
}

static void complete_one(void *arg)
{
    (void)arg;
    CHECK(DrvQueueCompleteParked(STATUS_SUCCESS, 4));
}

/* The observer fires at the top of EvtIoRead, before the driver parks the request: when the
 * presentation ran on another thread, give that handler the moment it needs to finish parking. */
static void complete_one_once_parked(void *arg)
{
    uint64_t deadline = exec_now_ns() + QF_WAIT_NS;
    for (unsigned k = 0; DrvQueueParkedCount() == 0 && exec_now_ns() < deadline; k++)
        exec_cpu_relax(k);
    complete_one(arg);
}

/* The second request of a sequential queue is presented inside the DPC that completed the first:
 * same thread, DISPATCH_LEVEL, before the DPC returns. */
static void test_next_from_completing_dpc(void)
{
    DRVQ_CONFIG c = qf_config();
    unsigned char buf[2][8];
    struct qio x[2];
    struct qf f;

    c.Mode = DRVQ_MODE_PARK;
    qf_up(&f, &c, true);
    reset_seen();
    for (int i = 0; i < 2; i++)
        CHECK_EQ(qio_read(&f, &x[i], buf[i], 8, 0), STATUS_PENDING);
    CHECK_EQ(atomic_load(&seen_count), 1);
    CHECK(strcmp(seen[0].thread, "app") == 0 && seen[0].level == PASSIVE_LEVEL);
    qf_run_dpc(&f, complete_one, NULL);
    CHECK_EQ(atomic_load(&seen_count), 2);
    CHECK(strcmp(seen[1].thread, "dpc0") == 0);
    CHECK_EQ(seen[1].level, DISPATCH_LEVEL);
    CHECK(qio_wait(&x[0]) && x[0].info == 4);
    qf_run_dpc(&f, complete_one, NULL);
    CHECK(qio_wait(&x[1]));
    for (int i = 0; i < 2; i++)
        qio_release(&x[i]);
    CHECK_EQ(vf_total(), 0);
    qf_down(&f);
}

/* With WdfExecutionLevelPassive on the device (inherited by the queue) the completion at
 * DISPATCH_LEVEL hands the presentation to a work item: PASSIVE_LEVEL on a work thread. */
static void test_next_passive(void)
{
    DRVQ_CONFIG c = qf_config();
    unsigned char buf[2][8];
    struct qio x[2];
    struct qf f;

    c.Mode = DRVQ_MODE_PARK;
    c.ExecutionLevel = WdfExecutionLevelPassive;
    qf_up(&f, &c, true);
    reset_seen();
    for (int i = 0; i < 2; i++)
        CHECK_EQ(qio_read(&f, &x[i], buf[i], 8, 0), STATUS_PENDING);
    qf_run_dpc(&f, complete_one, NULL);
    CHECK(exec_event_wait(&second_read, QF_WAIT_NS));
    CHECK(strncmp(seen[1].thread, "work", 4) == 0);
    CHECK_EQ(seen[1].level, PASSIVE_LEVEL);
    qf_run_dpc(&f, complete_one_once_parked, NULL);
    for (int i = 0; i < 2; i++) {
        CHECK(qio_wait(&x[i]));
        qio_release(&x[i]);
    }
    CHECK_EQ(vf_total(), 0);
    qf_down(&f);
}

/* SynchronizationScopeQueue on a parallel queue: two host threads submit at once; the handlers
 * never overlap and run at DISPATCH_LEVEL (the scope's spin lock). */
#define SUBMITS 200

struct submitter {
    struct qf *f;
    struct qio x[SUBMITS];
    unsigned char buf[SUBMITS][4];
    struct exec_event done;
};

static void submit_many(void *arg)
{
    struct submitter *s = arg;

    for (int i = 0; i < SUBMITS; i++)
        CHECK_EQ(qio_read(s->f, &s->x[i], s->buf[i], 4, 0), STATUS_PENDING);
    exec_event_set(&s->done);
}

static void test_scope_queue_serializes(void)
{
    static struct submitter s[2];
    DRVQ_CONFIG c = qf_config();
    struct exec_thread *t[2];
    struct qf f;

    c.Dispatch = WdfIoQueueDispatchParallel;
    c.Scope = WdfSynchronizationScopeQueue;
    qf_up(&f, &c, true);
    reset_seen();
    for (int i = 0; i < 2; i++) {
        s[i].f = &f;
        exec_event_init(&s[i].done, false, false);
        REQUIRE(exec_thread_create(f.m, i == 0 ? "sub0" : "sub1", -1, PASSIVE_LEVEL,
                                   submit_many, &s[i], &t[i]) == 0);
    }
    for (int i = 0; i < 2; i++) {
        exec_thread_join(t[i]);
        for (int k = 0; k < SUBMITS; k++) {
            CHECK(qio_wait(&s[i].x[k]) && s[i].x[k].status == STATUS_SUCCESS);
            qio_release(&s[i].x[k]);
        }
    }
    CHECK_EQ(atomic_load(&seen_count), 2 * SUBMITS);
    CHECK_EQ(atomic_load(&overlaps), 0);
    for (int i = 0; i < SEEN_MAX; i++)
        if (seen[i].level != DISPATCH_LEVEL)
            CHECK_EQ(seen[i].level, DISPATCH_LEVEL);
    CHECK_EQ(DrvQueueErrors(), 0);
    CHECK_EQ(vf_total(), 0);
    qf_down(&f);
}

/* 100 requests waiting in a stopped sequential queue, completed inside the handler: starting the
 * queue presents all of them from the starting thread without nesting one presentation inside
 * another (every handler runs at about the same stack depth). */
static void test_no_recursion(void)
{
    DRVQ_CONFIG c = qf_config();
    static struct qio x[100];
    unsigned char buf[100][4];
    struct qf f;

    qf_up(&f, &c, true);
    reset_seen();
    DrvQueueStop(DrvQueueDefault(), TRUE, 0);
    for (int i = 0; i < 100; i++)
        CHECK_EQ(qio_read(&f, &x[i], buf[i], 4, 0), STATUS_PENDING);
    CHECK_EQ(atomic_load(&seen_count), 0);
    DrvQueueStart(DrvQueueDefault());
    CHECK_EQ(atomic_load(&seen_count), 100);
    for (int i = 0; i < 100; i++) {
        uintptr_t d = seen[i].stack > seen[0].stack ? seen[i].stack - seen[0].stack
                                                    : seen[0].stack - seen[i].stack;
        if (d > 2048)
            CHECK_EQ(d, 0);
        CHECK(strcmp(seen[i].thread, "app") == 0);
        CHECK(qio_wait(&x[i]));
        qio_release(&x[i]);
    }
    CHECK_EQ(vf_total(), 0);
    qf_down(&f);
}

int main(void)
{
    test_next_from_completing_dpc();
    test_next_passive();
    test_scope_queue_serializes();
    test_no_recursion();
    return check_done();
}
