/* fx_timer.h - the framework timer object behind WDFTIMER (kmdf layer, internal): a platform
 * timer (exec_timer) whose expiry calls EvtTimerFunc at DISPATCH_LEVEL on the timer thread, or,
 * for a passive timer, queues a work item that calls it at PASSIVE_LEVEL.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/using-timers */
#ifndef DMABOX_KMDF_IRQ_FX_TIMER_H
#define DMABOX_KMDF_IRQ_FX_TIMER_H

#include <pthread.h>

#include "kmdf/irq/fx_irq_common.h"
#include "platform/exec_ctx.h"

struct fx_timer {
    struct fx_object obj;          /* first, as for every object */
    struct fx_object *parent;      /* ParentObject; constant */
    PFN_WDF_TIMER fn;              /* may be NULL: the expiry then does nothing */
    struct fx_serial serial;
    bool passive;                  /* WdfExecutionLevelPassive: callback on a work thread */
    uint64_t period_ns;            /* 0: one-shot */
    struct exec_timer timer;
    struct exec_work work;         /* passive callbacks */
    struct fx_work_gate gate;      /* the rundown waits for the work routine's last access */
    pthread_mutex_t lock;          /* everything below */
    bool work_queued;
    unsigned work_running;
    struct exec_event work_idle;   /* notification: set while no passive callback is pending */
    struct exec_ctx *stopping;     /* thread inside a waiting WdfTimerStop, or NULL */
    bool stop_again;               /* a start raced with that stop: cancel once more */
    bool start_aborted;            /* a start was refused during that stop */
    _Atomic(struct exec_ctx *) thread; /* thread inside EvtTimerFunc, or NULL */
    struct fx_rundown rundown;
    bool ready;
};

static inline struct fx_timer *to_timer(struct fx_object *o)
{
    FX_ASSERT(o->ops->type == FX_TYPE_TIMER);
    return FX_CONTAINER_OF(o, struct fx_timer, obj);
}

/* WdfTimerCreate's work (the shim checked IRQL and pointers).  Returns STATUS_SUCCESS,
 * STATUS_INFO_LENGTH_MISMATCH (Config->Size), STATUS_INVALID_PARAMETER (Period > MAXLONG, or a
 * TolerableDelay with UseHighResolutionTimer), STATUS_NOT_SUPPORTED (a periodic passive timer),
 * STATUS_INVALID_DEVICE_REQUEST (parent not a device or below one),
 * STATUS_WDF_INCOMPATIBLE_EXECUTION_LEVEL or an fx_object_create / attribute status. */
NTSTATUS fx_timer_create(struct fx_driver_globals *g, PWDF_TIMER_CONFIG config,
                         PWDF_OBJECT_ATTRIBUTES attributes, const char *ddi, const void *caller,
                         struct fx_timer **out);

/* Arms the timer (DueTime as WdfTimerStart).  IRQL <= DISPATCH_LEVEL.  Returns true if it was
 * already armed.  During a waiting stop the start is refused (and the stop returns TRUE). */
bool fx_timer_start(struct fx_timer *t, LONGLONG due_time);

/* Disarms; with wait (PASSIVE_LEVEL, not from the callback: the shim checks) also waits for a
 * running or queued callback.  Returns true if the timer was armed. */
bool fx_timer_stop(struct fx_timer *t, bool wait);

/* True if the calling thread is inside t's EvtTimerFunc. */
bool fx_timer_in_callback(struct fx_timer *t);

#endif
