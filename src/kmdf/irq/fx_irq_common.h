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
 * KMDF serialises a DPC / timer / work item callback with its parent's callbacks when
 * AutomaticSerialization is TRUE and the parent (device or queue) has a synchronization scope.
 * The device- and queue-level callback locks belong to the queue layer, which does not exist
 * yet; until it does, the lock taken is one per object, which serialises the object's own
 * callbacks (a callback never runs concurrently with itself) but not with queue callbacks.
 * docs/kmdf-irq.md says so. */
struct fx_serial {
    bool enabled;
    bool passive;               /* mutex for PASSIVE_LEVEL callbacks, spin lock for DISPATCH */
    KSPIN_LOCK spin;
    pthread_mutex_t mutex;
};

/* Rule: with AutomaticSerialization the callback's IRQL must fit the parent's execution level:
 * a DISPATCH_LEVEL callback (DPC, timer) under a parent with WdfExecutionLevelPassive, or a
 * PASSIVE_LEVEL callback (work item, passive timer) under one that is not passive, cannot share
 * its lock.  Returns STATUS_SUCCESS (s initialised; enabled only when the parent has a device or
 * queue scope) or STATUS_WDF_INCOMPATIBLE_EXECUTION_LEVEL.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdpc/ns-wdfdpc-_wdf_dpc_config
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfworkitem/ns-wdfworkitem-_wdf_workitem_config */
NTSTATUS fx_serial_init(struct fx_serial *s, struct fx_object *parent, bool automatic,
                        bool passive_callback);
void fx_serial_destroy(struct fx_serial *s);
/* Around the driver's callback (already at the callback's IRQL). */
void fx_serial_enter(struct fx_serial *s);
void fx_serial_leave(struct fx_serial *s);

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
