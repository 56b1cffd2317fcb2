/* fx_interrupt_lock.c - the interrupt lock of framework interrupts (kmdf layer): the platform
 * source's interrupt lock (intr_lock_acquire: raise to DIRQL, exclude the ISR) plus the optional
 * WDFSPINLOCK of WDF_INTERRUPT_CONFIG.SpinLock, the owner tracking that turns a recursive
 * acquire into a finding instead of a deadlock, and the callbacks that run under the lock: the
 * ISR, EvtInterruptSynchronize, EvtInterruptEnable and EvtInterruptDisable.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfinterrupt/nf-wdfinterrupt-wdfinterruptacquirelock
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfinterrupt/nf-wdfinterrupt-wdfinterruptsynchronize
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfinterrupt/nc-wdfinterrupt-evt_wdf_interrupt_isr
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfinterrupt/nc-wdfinterrupt-evt_wdf_interrupt_enable */
#include "kmdf/irq/fx_interrupt.h"

#include "kmdf/sync/fx_sync.h"
#include "platform/intr.h"
#include "wdm/wdm_spinlock.h"

static void fx_interrupt_driver_lock(struct fx_interrupt *irq, bool take)
{
    if (irq->spinlock == NULL)
        return;
    if (take)
        wdm_spinlock_acquire(&irq->spinlock->lock, "WDF_INTERRUPT_CONFIG.SpinLock", NULL);
    else
        wdm_spinlock_release(&irq->spinlock->lock, "WDF_INTERRUPT_CONFIG.SpinLock", NULL);
}

bool fx_interrupt_lock_held(struct fx_interrupt *irq)
{
    return atomic_load(&irq->set->owner) == exec_ctx_self();
}

enum fx_interrupt_lock_result fx_interrupt_lock(struct fx_interrupt *irq, uint8_t *old_level)
{
    struct fx_interrupt_set *set = irq->set;
    struct intr_source *src;

    if (fx_interrupt_lock_held(irq))
        return FX_INTERRUPT_LOCK_RECURSIVE;
    /* The source outlives the assignment (the bus frees it only at unplug), so a racing
     * release of the resources leaves this pointer usable. */
    src = atomic_load(&set->source);
    if (src == NULL)
        return FX_INTERRUPT_LOCK_NO_RESOURCE;
    *old_level = intr_lock_acquire(src);
    atomic_store(&set->owner, exec_ctx_self());
    set->held = src;
    fx_interrupt_driver_lock(irq, true);
    return FX_INTERRUPT_LOCK_OK;
}

void fx_interrupt_unlock(struct fx_interrupt *irq, uint8_t old_level)
{
    struct fx_interrupt_set *set = irq->set;
    struct intr_source *src = set->held;

    FX_ASSERT(fx_interrupt_lock_held(irq));
    fx_interrupt_driver_lock(irq, false);
    set->held = NULL;
    atomic_store(&set->owner, NULL);
    intr_lock_release(src, old_level);
}

enum fx_interrupt_lock_result fx_interrupt_synchronize(struct fx_interrupt *irq,
                                                       PFN_WDF_INTERRUPT_SYNCHRONIZE cb,
                                                       WDFCONTEXT ctx, BOOLEAN *result)
{
    uint8_t old;
    enum fx_interrupt_lock_result r = fx_interrupt_lock(irq, &old);

    if (r != FX_INTERRUPT_LOCK_OK)
        return r;
    *result = cb(fx_interrupt_handle(irq), ctx);
    fx_interrupt_unlock(irq, old);
    return FX_INTERRUPT_LOCK_OK;
}

/* The documented contract of both callbacks: DIRQL, interrupt lock held. */
NTSTATUS fx_interrupt_call_enable(struct fx_interrupt *irq)
{
    PFN_WDF_INTERRUPT_ENABLE cb = irq->config.EvtInterruptEnable;
    NTSTATUS status = STATUS_SUCCESS;
    uint8_t old;

    if (fx_interrupt_lock(irq, &old) != FX_INTERRUPT_LOCK_OK)
        return STATUS_INVALID_DEVICE_STATE;
    if (cb != NULL)
        status = cb(fx_interrupt_handle(irq), fx_device_handle(irq->device));
    atomic_store(&irq->enabled, NT_SUCCESS(status) != 0);
    fx_interrupt_unlock(irq, old);
    return status;
}

NTSTATUS fx_interrupt_call_disable(struct fx_interrupt *irq)
{
    PFN_WDF_INTERRUPT_DISABLE cb = irq->config.EvtInterruptDisable;
    NTSTATUS status = STATUS_SUCCESS;
    uint8_t old;

    if (fx_interrupt_lock(irq, &old) != FX_INTERRUPT_LOCK_OK)
        return STATUS_INVALID_DEVICE_STATE;
    if (cb != NULL)
        status = cb(fx_interrupt_handle(irq), fx_device_handle(irq->device));
    atomic_store(&irq->enabled, false);
    fx_interrupt_unlock(irq, old);
    return status;
}

/* The platform holds the source's lock at DIRQL.  A message nobody took, or an object the
 * driver disabled with WdfInterruptDisable, is not claimed. */
bool fx_interrupt_isr_thunk(void *ctx, unsigned message_id)
{
    struct fx_interrupt_set *set = ctx;
    struct fx_interrupt *irq;
    BOOLEAN claimed;

    if (message_id >= FX_INTERRUPT_MAX)
        return false;
    irq = set->by_message[message_id];
    if (irq == NULL || !atomic_load(&irq->connected))
        return false;
    atomic_store(&set->owner, exec_ctx_self());
    set->held = NULL;
    fx_interrupt_driver_lock(irq, true);
    claimed = irq->config.EvtInterruptIsr(fx_interrupt_handle(irq),
                                          irq->info.MessageSignaled ? irq->info.MessageNumber
                                                                    : 0);
    fx_interrupt_driver_lock(irq, false);
    atomic_store(&set->owner, NULL);
    return claimed != FALSE;
}
