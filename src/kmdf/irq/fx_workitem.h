/* fx_workitem.h - the framework work-item object behind WDFWORKITEM (kmdf layer, internal): a
 * platform work item (exec_work) that calls the driver's EvtWorkItemFunc at PASSIVE_LEVEL on a
 * work thread, with the enqueued/running bookkeeping WdfWorkItemFlush waits on.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/using-framework-work-items */
#ifndef DMABOX_KMDF_IRQ_FX_WORKITEM_H
#define DMABOX_KMDF_IRQ_FX_WORKITEM_H

#include <pthread.h>

#include "kmdf/irq/fx_irq_common.h"
#include "platform/exec_ctx.h"

struct fx_workitem {
    struct fx_object obj;          /* first, as for every object */
    struct fx_object *parent;      /* ParentObject; constant */
    PFN_WDF_WORKITEM fn;
    struct fx_serial serial;
    struct exec_work work;
    struct fx_work_gate gate;      /* the rundown waits for the routine's last access */
    pthread_mutex_t lock;          /* enqueued, running and the idle event's state */
    bool enqueued;
    unsigned running;
    struct exec_event idle;        /* notification: set while neither queued nor running */
    _Atomic(struct exec_ctx *) thread; /* a thread inside the callback, for the flush check */
    struct fx_rundown rundown;
    bool ready;
};

static inline struct fx_workitem *to_workitem(struct fx_object *o)
{
    FX_ASSERT(o->ops->type == FX_TYPE_WORKITEM);
    return FX_CONTAINER_OF(o, struct fx_workitem, obj);
}

/* WdfWorkItemCreate's work (the shim checked IRQL and pointers).  Returns STATUS_SUCCESS,
 * STATUS_INFO_LENGTH_MISMATCH, STATUS_INVALID_DEVICE_REQUEST (parent not a device or below one),
 * STATUS_WDF_INCOMPATIBLE_EXECUTION_LEVEL (AutomaticSerialization under a parent that is not
 * passive) or an fx_object_create status. */
NTSTATUS fx_workitem_create(struct fx_driver_globals *g, PWDF_WORKITEM_CONFIG config,
                            PWDF_OBJECT_ATTRIBUTES attributes, const char *ddi,
                            const void *caller, struct fx_workitem **out);

/* Queues the work item unless it is already queued (a running one may be queued again).
 * IRQL <= DISPATCH_LEVEL. */
void fx_workitem_enqueue(struct fx_workitem *w);

/* Waits until the work item is neither queued nor running.  PASSIVE_LEVEL, not from its own
 * callback (the shim checks both). */
void fx_workitem_flush(struct fx_workitem *w);

/* True if the calling thread is running w's callback. */
bool fx_workitem_in_callback(struct fx_workitem *w);

#endif
