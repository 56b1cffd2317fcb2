/* fx_irq_common.h - what interrupts, DPCs, work items and timers share (kmdf layer, internal):
 * finding the device an object belongs to, the effective execution level and synchronization
 * scope of a parent, the AutomaticSerialization check and lock, and the "rundown" that keeps an
 * object's memory alive until its last deferred callback has returned.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/using-automatic-synchronization
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/specifying-synchronization-and-execution-levels */
#ifndef DMABOX_KMDF_IRQ_FX_IRQ_COMMON_H
#define DMABOX_KMDF_IRQ_FX_IRQ_COMMON_H

#include <pthread.h>
#include <stdbool.h>

#include <ntddk.h>
#include <wdf.h>

#include "kmdf/object/fx_object.h"
#include "platform/exec.h"

struct fx_device;

/* The WDFDEVICE obj is or is below, or NULL (e.g. a child of the driver object).  Takes the tree
 * lock per level; IRQL <= DISPATCH_LEVEL. */
struct fx_device *fx_irq_device_of(struct fx_object *obj);

/* The execution level / synchronization scope obj really has: InheritFromParent resolved by
 * walking up (the driver object's defaults are Dispatch and None). */
WDF_EXECUTION_LEVEL fx_irq_effective_level(struct fx_object *obj);
WDF_SYNCHRONIZATION_SCOPE fx_irq_effective_scope(struct fx_object *obj);

/* The machine's execution layer, for the object's driver. */
struct exec *fx_irq_exec(const struct fx_object *obj);

/* ---- AutomaticSerialization ----
 * With AutomaticSerialization TRUE, KMDF runs a DPC / timer / work item callback (and an
 * interrupt's EvtInterruptDpc / EvtInterruptWorkItem) holding the callback lock of the parent's
 * synchronization scope: the device's lock under WdfSynchronizationScopeDevice, the nearest
 * queue's lock under WdfSynchronizationScopeQueue - the very lock the queue layer takes around
 * EvtIo* callbacks (struct fx_callback_lock, kmdf/io/fx_queue.h).  Scope Queue with no queue in
 * the parent chain (a device whose queues each have their own lock) leaves nothing to share:
 * no lock, as with WdfSynchronizationScopeNone.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/using-automatic-synchronization */
struct fx_callback_lock;

struct fx_serial {
    struct fx_callback_lock *lock;  /* NULL: not serialised */
};

/* Rule: with AutomaticSerialization the callback's IRQL must fit the parent's execution level:
 * a DISPATCH_LEVEL callback (DPC, timer) under a parent with WdfExecutionLevelPassive, or a
 * PASSIVE_LEVEL callback (work item, passive timer) under one that is not passive, cannot share
 * its lock.  Returns STATUS_SUCCESS (s->lock set only when the parent has a device or queue
 * scope), STATUS_WDF_INCOMPATIBLE_EXECUTION_LEVEL, or what creating the device's I/O package
 * returns (fx_io_device_get) for a device scope.  PASSIVE_LEVEL for a device scope on a device
 * without queues yet.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdpc/ns-wdfdpc-_wdf_dpc_config
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfworkitem/ns-wdfworkitem-_wdf_workitem_config */
NTSTATUS fx_serial_init(struct fx_serial *s, struct fx_object *parent, bool automatic,
                        bool passive_callback);
void fx_serial_destroy(struct fx_serial *s);
/* Around the driver's callback (already at the callback's IRQL).  enter returns whether it took
 * the lock (the calling thread may hold it already); pass that to leave. */
bool fx_serial_enter(struct fx_serial *s);
void fx_serial_leave(struct fx_serial *s, bool taken);

/* ---- rundown ----
 * A DPC, timer or work item holds one extra reference on itself from creation until its
 * dispose has made sure no callback is queued or running (KMDF's FlushAndRundown).  Dispose at
 * PASSIVE_LEVEL waits right away; dispose at a higher IRQL, or from the object's own callback,
 * cannot wait, so the wait and the final dereference move to a work item. */
typedef void (*fx_rundown_fn)(struct fx_object *obj);

struct fx_rundown {
    struct exec_work work;
    struct fx_object *obj;
    fx_rundown_fn wait;         /* cancels and waits for the object's callbacks; PASSIVE_LEVEL */
};

/* Takes the creation reference.  Call once the object is initialised. */
void fx_rundown_init(struct fx_rundown *r, struct fx_object *obj, fx_rundown_fn wait);

/* From the object's dispose: runs r->wait and drops the creation reference, here when
 * can_wait_here (PASSIVE_LEVEL, not the object's own callback thread), else on a work thread.
 * The object may be freed when this returns. */
void fx_rundown_run(struct fx_rundown *r, bool can_wait_here);

/* ---- work gate ----
 * A work item's callback still touches its object after it has signalled "idle" (it unlocks and
 * returns); the object may only go once the platform is done with it.  Every queueing counts
 * in `started`, and the work routine's very last access to the object counts in `exited`;
 * fx_work_gate_drain returns once they match.  The wait is microseconds long and only at
 * deletion, after the idle event, so it spins. */
struct fx_work_gate {
    _Atomic unsigned long started;
    _Atomic unsigned long exited;
};

static inline void fx_work_gate_start(struct fx_work_gate *g)
{
    atomic_fetch_add_explicit(&g->started, 1, memory_order_relaxed);
}

/* The caller's last access to the object that holds g. */
static inline void fx_work_gate_exit(struct fx_work_gate *g)
{
    atomic_fetch_add_explicit(&g->exited, 1, memory_order_release);
}

void fx_work_gate_drain(struct fx_work_gate *g);

/* The name of a level for reports ("PASSIVE_LEVEL", "DISPATCH_LEVEL", "DIRQL"). */
const char *fx_irq_level_name(unsigned level);

#endif
