/* test_request_cancel.c - cancellation racing completion, through the drv_queue test driver, many
 * times over: a host thread cancels while another thread completes (a request the driver owns
 * cancelable) or retrieves (a request waiting in a manual queue).  Every request must complete
 * exactly once, with a status that matches who won; EvtRequestCancel runs exactly once per
 * canceled owned request and never after the completion path won; nothing leaks.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/canceling-i-o-requests
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfrequest/nf-wdfrequest-wdfrequestunmarkcancelable
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfio/nc-wdfio-evt_wdf_io_queue_io_canceled_on_queue */
#include "test_queue_fixture.h"

#define ITERATIONS 2000

enum race_kind {
    RACE_OWNED,    /* worker B: DrvQueueCompleteParked on a cancelable parked request */
    RACE_QUEUED,   /* worker B: DrvQueueRetrieveOne on the manual write queue */
};

struct race {
    enum race_kind kind;
    _Atomic unsigned go;            /* iteration number both workers start */
    _Atomic unsigned started_a, started_b; /* iteration a worker has begun */
    _Atomic unsigned done_a, done_b;
    _Atomic bool quit;
    struct fx_io *_Atomic io;
    _Atomic int b_result;           /* B's outcome: 1 it completed / retrieved the request */
    unsigned seed_a, seed_b;
};

static unsigned next_rand(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return (*s >> 16) & 0x7fff;
}

/* Waits for the next iteration number; false when told to quit. */
static bool race_wait_go(struct race *r, unsigned gen)
{
    for (unsigned i = 0; atomic_load(&r->go) != gen; i++) {
        if (atomic_load(&r->quit))
            return false;
        exec_cpu_relax(i);
    }
    return true;
}

/* Iterations 4k and 4k+1 give one worker a head start (the other follows as soon as it has begun,
 * so that both orders surely occur); in the other half both run free after a short random delay
 * and meet wherever the scheduler lets them. */
static void stagger(_Atomic unsigned *mine, _Atomic unsigned *other, unsigned gen, bool follow,
                    unsigned *seed)
{
    unsigned n = next_rand(seed) % 64;

    atomic_store(mine, gen);
    if (follow)
        for (unsigned i = 0; atomic_load(other) != gen; i++)
            exec_cpu_relax(i);
    else if (gen % 4 >= 2)
        for (unsigned i = 0; i < n; i++)
            exec_cpu_relax(0);
}

static void worker_cancel(void *arg)
{
    struct race *r = arg;

    for (unsigned gen = 1; race_wait_go(r, gen); gen++) {
        stagger(&r->started_a, &r->started_b, gen, gen % 4 == 0, &r->seed_a);
        fx_io_cancel(atomic_load(&r->io));
        atomic_store(&r->done_a, gen);
    }
}

static void worker_complete(void *arg)
{
    struct race *r = arg;

    for (unsigned gen = 1; race_wait_go(r, gen); gen++) {
        stagger(&r->started_b, &r->started_a, gen, gen % 4 == 1, &r->seed_b);
        if (r->kind == RACE_OWNED)
            atomic_store(&r->b_result, DrvQueueCompleteParked(STATUS_SUCCESS, 7) ? 1 : 0);
        else
            atomic_store(&r->b_result,
                         DrvQueueRetrieveOne(DrvQueueWrites()) == STATUS_SUCCESS ? 1 : 0);
        atomic_store(&r->done_b, gen);
    }
}

static void race_wait_done(struct race *r, unsigned gen)
{
    for (unsigned i = 0; atomic_load(&r->done_a) != gen || atomic_load(&r->done_b) != gen; i++)
        exec_cpu_relax(i);
}

struct outcome {
    unsigned won_by_cancel, won_by_driver, mismatches;
};

/* One race: the request is submitted (and parked, or queued), both workers go, then the single
 * completion is checked against who won. */
static void race_once(struct qf *f, struct race *r, unsigned gen, struct outcome *o)
{
    unsigned char buf[16];
    struct qio x;
    LONG cancels = DrvQueueCount(DRVQ_EV_CANCEL);
    LONG on_queue = DrvQueueCount(DRVQ_EV_CANCELED_ON_QUEUE);
    NTSTATUS status = r->kind == RACE_OWNED ? qio_read(f, &x, buf, sizeof(buf), 0)
                                            : qio_write(f, &x, buf, sizeof(buf));

    REQUIRE(status == STATUS_PENDING);
    atomic_store(&r->io, x.io);
    atomic_store(&r->go, gen);
    race_wait_done(r, gen);
    if (!qio_wait(&x)) {
        o->mismatches++;
        return;
    }
    if (atomic_load(&r->b_result)) {
        /* The driver's path won: its status, no cancel callback for this request. */
        o->won_by_driver++;
        if (x.status != STATUS_SUCCESS || DrvQueueCount(DRVQ_EV_CANCEL) != cancels ||
            DrvQueueCount(DRVQ_EV_CANCELED_ON_QUEUE) != on_queue)
            o->mismatches++;
    } else {
        /* The cancel won: STATUS_CANCELLED through exactly one cancel callback. */
        o->won_by_cancel++;
        if (x.status != STATUS_CANCELLED ||
            (r->kind == RACE_OWNED && DrvQueueCount(DRVQ_EV_CANCEL) != cancels + 1) ||
            (r->kind == RACE_QUEUED &&
             (DrvQueueCount(DRVQ_EV_CANCELED_ON_QUEUE) != on_queue + 1 || x.info != 0xCA)))
            o->mismatches++;
    }
    qio_release(&x);
}

static void run_race(enum race_kind kind)
{
    DRVQ_CONFIG c = qf_config();
    struct race r = {.kind = kind, .seed_a = 7, .seed_b = 11};
    struct wdm_pool_stats before, after;
    struct outcome o = {0, 0, 0};
    struct exec_thread *ta, *tb;
    struct qf f;

    c.Dispatch = WdfIoQueueDispatchParallel;
    c.Mode = kind == RACE_OWNED ? DRVQ_MODE_PARK_CANCELABLE : DRVQ_MODE_COMPLETE;
    c.ManualWriteQueue = kind == RACE_QUEUED;
    c.CanceledOnQueue = TRUE;
    qf_up(&f, &c, true);
    wdm_pool_get_stats(f.m, &before);
    REQUIRE(exec_thread_create(f.m, "canceler", -1, PASSIVE_LEVEL, worker_cancel, &r, &ta) == 0);
    REQUIRE(exec_thread_create(f.m, "completer", -1, PASSIVE_LEVEL, worker_complete, &r, &tb) == 0);
    for (unsigned gen = 1; gen <= ITERATIONS; gen++)
        race_once(&f, &r, gen, &o);
    atomic_store(&r.quit, true);
    exec_thread_join(ta);
    exec_thread_join(tb);

    CHECK_EQ(o.mismatches, 0);
    CHECK_EQ(o.won_by_cancel + o.won_by_driver, ITERATIONS);
    CHECK(o.won_by_cancel > 0); /* both orders happened: the race was real */
    CHECK(o.won_by_driver > 0);
    printf("race %s: cancel won %u, driver won %u\n", kind == RACE_OWNED ? "owned" : "queued",
           o.won_by_cancel, o.won_by_driver);
    CHECK_EQ(DrvQueueParkedCount(), 0);
    wdm_pool_get_stats(f.m, &after);
    CHECK_EQ(after.live_blocks, before.live_blocks); /* system buffers and MDLs all freed */
    CHECK_EQ(DrvQueueErrors(), 0);
    CHECK_EQ(vf_total(), 0);
    qf_down(&f);
}

int main(void)
{
    run_race(RACE_OWNED);
    run_race(RACE_QUEUED);
    return check_done();
}
