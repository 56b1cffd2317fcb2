/* fx_interrupt.h - framework interrupt objects behind WDFINTERRUPT and their per-device set
 * (kmdf layer, internal).
 *
 * A device's interrupt objects share one struct fx_interrupt_set, which is the device's power
 * hook for interrupts: it matches the objects to the device's interrupt resource when resources
 * are assigned, connects the device's platform interrupt source (intr.h) and calls each
 * EvtInterruptEnable after EvtDeviceD0Entry, calls each EvtInterruptDisable and disconnects
 * after EvtDeviceD0ExitPreInterruptsDisabled, and forgets the resources after
 * EvtDeviceReleaseHardware.  The platform runs the set's ISR thunk on the source's delivery
 * thread at DIRQL holding the source's interrupt lock; the thunk dispatches by message number to
 * the object's EvtInterruptIsr.  All messages of one source share that one lock (a deviation:
 * Windows gives each MSI message its own; docs/kmdf-irq.md).
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/handling-hardware-interrupts
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/creating-an-interrupt-object
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/a-user-plugs-in-a-device */
#ifndef DMABOX_KMDF_IRQ_FX_INTERRUPT_H
#define DMABOX_KMDF_IRQ_FX_INTERRUPT_H

#include <pthread.h>

#include "kmdf/core/fx_device.h"
#include "kmdf/irq/fx_irq_common.h"
#include "platform/exec_ctx.h"

struct intr_source;
struct fx_spinlock;

/* Interrupt objects per device (message numbers 0..31). */
#define FX_INTERRUPT_MAX 32

struct fx_interrupt {
    struct fx_object obj;          /* first, as for every object */
    struct fx_device *device;
    struct fx_object *parent;      /* device or queue: the DPC's AssociatedObject */
    struct fx_interrupt_set *set;
    unsigned index;                /* creation order on the device */
    WDF_INTERRUPT_CONFIG config;   /* normalised copy (older sizes filled with defaults) */
    struct fx_spinlock *spinlock;  /* config.SpinLock, or NULL */
    struct fx_serial serial;       /* AutomaticSerialization of the DPC / work item */
    bool created_in_prepare;       /* deleted after EvtDeviceReleaseHardware */

    /* Resources: written on the PnP thread under `lock`, read under it elsewhere. */
    KSPIN_LOCK lock;               /* word lock (any IRQL): resources and the work count */
    bool assigned;
    int descriptor;                /* index in the translated list, -1 if none */
    unsigned message;              /* the source's vector this object takes (0 for a line) */
    WDF_INTERRUPT_INFO info;

    _Atomic bool connected;        /* the ISR may be called (set connected, not force-disabled) */
    _Atomic bool enabled;          /* EvtInterruptEnable returned success, Disable not called */

    struct exec_dpc dpc;           /* EvtInterruptDpc; holds a reference while queued */
    struct exec_work work;         /* EvtInterruptWorkItem */
    struct fx_work_gate gate;      /* the object's dispose waits for the routine's last access */
    unsigned work_pending;         /* queued or running; under `lock` */
    struct exec_event work_idle;   /* notification: set while work_pending == 0 */
    bool ready;
};

struct fx_interrupt_set {
    struct fx_device_power_hook hook; /* registered on the device while the set exists */
    struct fx_device *device;
    /* The device's source from resource assignment until EvtDeviceReleaseHardware is done
     * (written on the PnP thread); its interrupt lock is the objects' lock. */
    struct intr_source *_Atomic source;
    struct fx_interrupt *irqs[FX_INTERRUPT_MAX];       /* by index; NULL once deleted */
    struct fx_interrupt *by_message[FX_INTERRUPT_MAX]; /* message -> object while assigned */
    unsigned count;                /* indices handed out */
    unsigned live;                 /* objects not deleted yet */
    pthread_mutex_t state;         /* connect/disconnect and force enable/disable (PASSIVE) */
    _Atomic bool connected;
    _Atomic(struct exec_ctx *) owner; /* thread holding the source's lock through this set */
    struct intr_source *held;      /* the source whose lock the owner holds; owner only */
    bool driver_held;              /* owner took it with WdfInterruptAcquireLock; owner only */
    uint8_t saved_level;           /* level to restore at WdfInterruptReleaseLock; owner only */
};

static inline struct fx_interrupt *to_interrupt(struct fx_object *o)
{
    FX_ASSERT(o->ops->type == FX_TYPE_INTERRUPT);
    return FX_CONTAINER_OF(o, struct fx_interrupt, obj);
}

static inline WDFINTERRUPT fx_interrupt_handle(const struct fx_interrupt *irq)
{
    return (WDFINTERRUPT)fx_object_handle(&irq->obj);
}

/* ---- fx_interrupt.c: the object ---- */

/* WdfInterruptCreate's work (the shim resolved the device and checked the pointers).  Only on
 * the device's PnP thread, during EvtDriverDeviceAdd (device not started) or
 * EvtDevicePrepareHardware.  Returns STATUS_SUCCESS or the documented failures:
 *   STATUS_INFO_LENGTH_MISMATCH, STATUS_INVALID_PARAMETER (no ISR, DPC and work item both,
 *   resources given in EvtDriverDeviceAdd, a descriptor not in the device's list, WaitLock or
 *   CanWakeDevice at DIRQL, bad SpinLock), STATUS_INVALID_DEVICE_STATE (other time or thread,
 *   no resources or ShareVector in EvtDevicePrepareHardware), STATUS_NOT_SUPPORTED
 *   (PassiveHandling), STATUS_WDF_PARENT_ASSIGNMENT_NOT_ALLOWED,
 *   STATUS_WDF_INCOMPATIBLE_EXECUTION_LEVEL, STATUS_INSUFFICIENT_RESOURCES. */
NTSTATUS fx_interrupt_create(struct fx_device *dev, PWDF_INTERRUPT_CONFIG config,
                             PWDF_OBJECT_ATTRIBUTES attributes, const char *ddi,
                             const void *caller, struct fx_interrupt **out);

/* Queue the interrupt's DPC (on the calling thread's CPU) / work item.  Any IRQL.  False if it
 * was already queued.  The caller checked that the callback exists. */
bool fx_interrupt_queue_dpc(struct fx_interrupt *irq);
bool fx_interrupt_queue_work(struct fx_interrupt *irq);

/* A copy of the object's WDF_INTERRUPT_INFO.  Any IRQL. */
void fx_interrupt_get_info(struct fx_interrupt *irq, WDF_INTERRUPT_INFO *out);

/* ---- fx_interrupt_lock.c: the interrupt lock ---- */

enum fx_interrupt_lock_result {
    FX_INTERRUPT_LOCK_OK,
    FX_INTERRUPT_LOCK_RECURSIVE,   /* the calling thread already holds it: nothing taken */
    FX_INTERRUPT_LOCK_NO_RESOURCE, /* no interrupt resource assigned: no lock to take */
};

/* Raises to the source's DIRQL (a caller above it keeps its level), takes the source's
 * interrupt lock, then config.SpinLock if any; *old_level is what fx_interrupt_unlock restores.
 * Any IRQL; reports nothing itself (the caller names its rule). */
enum fx_interrupt_lock_result fx_interrupt_lock(struct fx_interrupt *irq, uint8_t *old_level);
void fx_interrupt_unlock(struct fx_interrupt *irq, uint8_t old_level);

/* True if the calling thread holds irq's (its set's) interrupt lock. */
bool fx_interrupt_lock_held(struct fx_interrupt *irq);

/* Runs cb(handle, ctx) under the lock and stores its result (WdfInterruptSynchronize). */
enum fx_interrupt_lock_result fx_interrupt_synchronize(struct fx_interrupt *irq,
                                                       PFN_WDF_INTERRUPT_SYNCHRONIZE cb,
                                                       WDFCONTEXT ctx, BOOLEAN *result);

/* Calls EvtInterruptEnable / EvtInterruptDisable under the lock (the framework's own calls and
 * the driver-initiated ones).  The set must be connected.  Returns the callback's status. */
NTSTATUS fx_interrupt_call_enable(struct fx_interrupt *irq);
NTSTATUS fx_interrupt_call_disable(struct fx_interrupt *irq);

/* The set's ISR thunk (intr_isr_fn): on the delivery thread at DIRQL, lock held. */
bool fx_interrupt_isr_thunk(void *ctx, unsigned message_id);

/* ---- fx_interrupt_set.c: the device's interrupts and the power sequence ---- */

/* The device's set, created (and registered as its power hook) on first use.  PnP thread.
 * NULL if out of memory. */
struct fx_interrupt_set *fx_interrupt_set_get(struct fx_device *dev);

/* Adds irq (index = its creation order); false if the set is full.  PnP thread. */
bool fx_interrupt_set_add(struct fx_interrupt_set *set, struct fx_interrupt *irq);

/* Binds irq to the translated descriptor `descriptor` (created in EvtDevicePrepareHardware).
 * Returns STATUS_SUCCESS or STATUS_INVALID_PARAMETER (not an interrupt descriptor of this
 * device, or all its messages already taken). */
NTSTATUS fx_interrupt_set_bind(struct fx_interrupt_set *set, struct fx_interrupt *irq,
                               PCM_PARTIAL_RESOURCE_DESCRIPTOR raw,
                               PCM_PARTIAL_RESOURCE_DESCRIPTOR translated);

/* Removes a deleted object; the last one unregisters and frees the set.  PASSIVE_LEVEL. */
void fx_interrupt_set_remove(struct fx_interrupt_set *set, struct fx_interrupt *irq);

/* Driver-initiated WdfInterruptEnable / WdfInterruptDisable.  PASSIVE_LEVEL. */
void fx_interrupt_force_enable(struct fx_interrupt *irq);
void fx_interrupt_force_disable(struct fx_interrupt *irq);

#endif
