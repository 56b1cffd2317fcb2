/* fx_timer.c - framework timers (kmdf layer): creation rules, start/stop on the platform timer,
 * the callback at DISPATCH_LEVEL or, for a passive timer, through a work item at PASSIVE_LEVEL
 * (queued only when the previous callback has finished, as KMDF does), the waiting stop that
 * also covers a callback restarting the timer, and the rundown at delete (a stop that waits).
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/using-timers
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdftimer/nf-wdftimer-wdftimercreate
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdftimer/nf-wdftimer-wdftimerstart
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdftimer/nf-wdftimer-wdftimerstop */
#include "kmdf/irq/fx_timer.h"

#include "kmdf/fx_globals.h"
#include "wdm/wdm_irql.h"
#include "wdm/wdm_time.h"

/* The WDF_TIMER_CONFIG sizes of KMDF 1.0-1.7 (no TolerableDelay) and 1.9-1.11 (no
 * UseHighResolutionTimer), which drivers built for those versions pass. */
#define FX_TIMER_CONFIG_SIZE_V1_7 (offsetof(WDF_TIMER_CONFIG, TolerableDelay))
#define FX_TIMER_CONFIG_SIZE_V1_11 (offsetof(WDF_TIMER_CONFIG, UseHighResolutionTimer))

static void fx_timer_call(struct fx_timer *t)
{
    atomic_store(&t->thread, exec_ctx_self());
    bool serial_taken = fx_serial_enter(&t->serial);

    t->fn((WDFTIMER)fx_object_handle(&t->obj));
    fx_serial_leave(&t->serial, serial_taken);
    atomic_store(&t->thread, NULL);
}

/* A passive timer's callback, on a work thread; the rundown waits for the gate. */
static void fx_timer_work(struct exec_work *work, void *arg)
{
    struct fx_timer *t = arg;

    (void)work;
    pthread_mutex_lock(&t->lock);
    t->work_queued = false;
    t->work_running++;
    pthread_mutex_unlock(&t->lock);
    fx_timer_call(t);
    pthread_mutex_lock(&t->lock);
    if (--t->work_running == 0 && !t->work_queued)
        exec_event_set(&t->work_idle);
    pthread_mutex_unlock(&t->lock);
    fx_work_gate_exit(&t->gate);
}

/* Expiry, on the platform's timer thread at DISPATCH_LEVEL.  The object is alive: deletion
 * cancels the platform timer with a wait before it drops its reference. */
static void fx_timer_fired(struct exec_timer *et, void *arg)
{
    struct fx_timer *t = arg;
    bool queue;

    (void)et;
    if (t->fn == NULL)
        return;
    if (!t->passive) {
        fx_timer_call(t);
        return;
    }
    pthread_mutex_lock(&t->lock);
    queue = !t->work_queued && t->work_running == 0;
    if (queue) {
        t->work_queued = true;
        exec_event_reset(&t->work_idle);
    }
    pthread_mutex_unlock(&t->lock);
    if (!queue)
        return;
    fx_work_gate_start(&t->gate);
    if (exec_work_queue(fx_irq_exec(&t->obj), &t->work))
        return;
    pthread_mutex_lock(&t->lock);
    t->work_queued = false;
    if (t->work_running == 0)
        exec_event_set(&t->work_idle);
    pthread_mutex_unlock(&t->lock);
    fx_work_gate_exit(&t->gate);
}

bool fx_timer_in_callback(struct fx_timer *t)
{
    return atomic_load(&t->thread) == exec_ctx_self();
}

bool fx_timer_start(struct fx_timer *t, LONGLONG due_time)
{
    LARGE_INTEGER due = {.QuadPart = due_time};
    uint64_t deadline = wdm_time_deadline(&due), now = exec_now_ns();
    bool was_armed;

    pthread_mutex_lock(&t->lock);
    if (t->stopping != NULL) {
        t->start_aborted = true;
        pthread_mutex_unlock(&t->lock);
        return false;
    }
    pthread_mutex_unlock(&t->lock);
    was_armed = exec_timer_set(fx_irq_exec(&t->obj), &t->timer,
                               deadline > now ? deadline - now : 0, t->period_ns);
    pthread_mutex_lock(&t->lock);
    if (t->stopping != NULL)
        t->stop_again = true;
    pthread_mutex_unlock(&t->lock);
    return was_armed;
}

/* The waiting stop: cancel, wait for a running dispatch callback and a pending passive one,
 * and cancel again if a start slipped in meanwhile.  PASSIVE_LEVEL. */
static bool fx_timer_stop_wait(struct fx_timer *t)
{
    struct exec *x = fx_irq_exec(&t->obj);
    bool was_armed;

    pthread_mutex_lock(&t->lock);
    t->stopping = exec_ctx_self();
    t->start_aborted = false;
    do {
        t->stop_again = false;
        pthread_mutex_unlock(&t->lock);
        was_armed = exec_timer_cancel(x, &t->timer, true);
        exec_event_wait(&t->work_idle, UINT64_MAX);
        pthread_mutex_lock(&t->lock);
    } while (!was_armed && t->stop_again);
    t->stopping = NULL;
    t->stop_again = false;
    if (t->start_aborted)
        was_armed = true;
    t->start_aborted = false;
    pthread_mutex_unlock(&t->lock);
    return was_armed;
}

bool fx_timer_stop(struct fx_timer *t, bool wait)
{
    if (wait)
        return fx_timer_stop_wait(t);
    return exec_timer_cancel(fx_irq_exec(&t->obj), &t->timer, false);
}

static void fx_timer_wait(struct fx_object *obj)
{
    struct fx_timer *t = to_timer(obj);

    fx_timer_stop_wait(t);
    fx_work_gate_drain(&t->gate);
}

static void fx_timer_dispose(struct fx_object *obj)
{
    struct fx_timer *t = to_timer(obj);

    if (!t->ready)
        return;
    /* Nothing may restart it from now on: a callback or driver thread racing with the delete
     * would otherwise re-arm a timer whose memory is about to go. */
    exec_timer_cancel(fx_irq_exec(obj), &t->timer, false);
    fx_rundown_run(&t->rundown,
                   wdm_irql_current() == PASSIVE_LEVEL && !fx_timer_in_callback(t));
}

static void fx_timer_destroy(struct fx_object *obj)
{
    struct fx_timer *t = to_timer(obj);

    if (!t->ready)
        return;
    fx_serial_destroy(&t->serial);
    pthread_mutex_destroy(&t->lock);
}

static NTSTATUS fx_timer_check_parent(struct fx_object *parent)
{
    return fx_irq_device_of(parent) != NULL ? STATUS_SUCCESS : STATUS_INVALID_DEVICE_REQUEST;
}

static const struct fx_object_ops fx_timer_ops = {
    .type = FX_TYPE_TIMER,
    .size = sizeof(struct fx_timer),
    .attr_options = FX_ATTR_PARENT_REQUIRED | FX_ATTR_EXECUTION_LEVEL_ALLOWED,
    .check_parent = fx_timer_check_parent,
    .dispose = fx_timer_dispose,
    .destroy = fx_timer_destroy,
};

/* The documented configuration rules, in KMDF's order. */
static NTSTATUS fx_timer_check_config(const WDF_TIMER_CONFIG *c, PWDF_OBJECT_ATTRIBUTES a)
{
    NTSTATUS status;

    if (c->Size != sizeof(WDF_TIMER_CONFIG) && c->Size != FX_TIMER_CONFIG_SIZE_V1_7 &&
        c->Size != FX_TIMER_CONFIG_SIZE_V1_11)
        return STATUS_INFO_LENGTH_MISMATCH;
    if (c->Period > MAXLONG)
        return STATUS_INVALID_PARAMETER;
    if (c->Size == sizeof(WDF_TIMER_CONFIG) && c->TolerableDelay > 0 &&
        c->UseHighResolutionTimer == WdfTrue)
        return STATUS_INVALID_PARAMETER;
    status = fx_object_validate_attributes(a, FX_ATTR_PARENT_REQUIRED |
                                                  FX_ATTR_EXECUTION_LEVEL_ALLOWED);
    if (!NT_SUCCESS(status))
        return status;
    /* Rule: a passive-level timer cannot be periodic (restart it from its callback instead). */
    if (c->Period > 0 && a->ExecutionLevel == WdfExecutionLevelPassive)
        return STATUS_NOT_SUPPORTED;
    return STATUS_SUCCESS;
}

NTSTATUS fx_timer_create(struct fx_driver_globals *g, PWDF_TIMER_CONFIG config,
                         PWDF_OBJECT_ATTRIBUTES attributes, const char *ddi, const void *caller,
                         struct fx_timer **out)
{
    struct fx_object *obj;
    struct fx_timer *t;
    NTSTATUS status;

    status = fx_timer_check_config(config, attributes);
    if (!NT_SUCCESS(status))
        return status;
    status = fx_object_create(g, &fx_timer_ops, attributes, NULL, ddi, caller, &obj);
    if (!NT_SUCCESS(status))
        return status;
    t = to_timer(obj);
    t->parent = fx_object_parent(obj);
    t->fn = config->EvtTimerFunc;
    t->passive = attributes->ExecutionLevel == WdfExecutionLevelPassive;
    t->period_ns = (uint64_t)config->Period * 1000000u;
    status = fx_serial_init(&t->serial, t->parent, config->AutomaticSerialization != FALSE,
                            t->passive);
    if (!NT_SUCCESS(status)) {
        fx_object_discard(obj);
        return status;
    }
    pthread_mutex_init(&t->lock, NULL);
    exec_event_init(&t->work_idle, false, true);
    atomic_init(&t->thread, NULL);
    exec_timer_init(&t->timer, fx_timer_fired, t);
    exec_work_init(&t->work, fx_timer_work, t);
    fx_rundown_init(&t->rundown, obj, fx_timer_wait);
    t->ready = true;
    *out = t;
    return STATUS_SUCCESS;
}
