/* wdfinterrupt.c - DDI shims of wdfinterrupt.h (kmdf layer): handle, IRQL and parameter checks,
 * the interrupt verifier rules and the documented statuses; the logic is in fx_interrupt*.c.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfinterrupt/nf-wdfinterrupt-wdfinterruptcreate
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfinterrupt/nf-wdfinterrupt-wdfinterruptqueuedpcforisr
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfinterrupt/nf-wdfinterrupt-wdfinterruptsynchronize
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfinterrupt/nf-wdfinterrupt-wdfinterruptacquirelock
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfinterrupt/nf-wdfinterrupt-wdfinterruptreleaselock
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfinterrupt/nf-wdfinterrupt-wdfinterruptgetinfo */
#include <string.h>

#include "kmdf/ddi_table.h"
#include "kmdf/irq/fx_interrupt.h"
#include "platform/exec_ctx.h"
#include "verifier/vf.h"
#include "wdm/wdm_irql.h"

static struct fx_interrupt *interrupt_resolve(PWDF_DRIVER_GLOBALS globals, WDFINTERRUPT handle,
                                              const char *ddi, const void *caller)
{
    struct fx_object *obj = fx_object_resolve(globals, handle, FX_TYPE_INTERRUPT, ddi, caller);
    return obj != NULL ? to_interrupt(obj) : NULL;
}

/* Reports a lock attempt the lock layer refused.  Rules WDF-INTR-001 (the calling thread
 * already holds the interrupt's lock: from EvtInterruptIsr, EvtInterruptSynchronize,
 * EvtInterruptEnable/Disable or after WdfInterruptAcquireLock it would deadlock on Windows) and
 * WDF-INTR-004 (no interrupt resource yet or any more: the lock exists only between resource
 * assignment and EvtDeviceReleaseHardware; the page forbids it outside EvtInterruptEnable ..
 * EvtInterruptDisable, dmabox enforces the wider window). */
static void interrupt_lock_refused(enum fx_interrupt_lock_result r, WDFINTERRUPT handle,
                                   const char *ddi, const void *caller)
{
    if (r == FX_INTERRUPT_LOCK_RECURSIVE)
        vf_report(VF_RULE_INTR_LOCK_RECURSIVE, handle, ddi, caller,
                  "the calling thread already holds this interrupt's lock (ISR, synchronize, "
                  "enable/disable callback or WdfInterruptAcquireLock)");
    else
        vf_report(VF_RULE_INTR_NO_RESOURCE, handle, ddi, caller,
                  "the interrupt has no interrupt resource: its lock exists only while the "
                  "device's resources are assigned");
}

NTSTATUS imp_WdfInterruptCreate(PWDF_DRIVER_GLOBALS globals, WDFDEVICE Device,
                                PWDF_INTERRUPT_CONFIG Configuration,
                                PWDF_OBJECT_ATTRIBUTES Attributes, WDFINTERRUPT *Interrupt)
{
    static const char ddi[] = "WdfInterruptCreate";
    const void *caller = VF_CALLER();
    struct fx_object *obj = fx_object_resolve(globals, Device, FX_TYPE_DEVICE, ddi, caller);
    struct fx_interrupt *irq;
    NTSTATUS status;

    if (obj == NULL)
        return STATUS_INVALID_HANDLE;
    if (!fx_check_not_null(Interrupt, "Interrupt", ddi, caller))
        return STATUS_INVALID_PARAMETER;
    *Interrupt = NULL;
    if (!fx_check_not_null(Configuration, "Configuration", ddi, caller))
        return STATUS_INVALID_PARAMETER;
    if (!wdm_irql_check_passive(ddi, caller))
        return STATUS_INVALID_DEVICE_STATE;
    status = fx_interrupt_create(to_device(obj), Configuration, Attributes, ddi, caller, &irq);
    if (NT_SUCCESS(status))
        *Interrupt = fx_interrupt_handle(irq);
    return status;
}

/* Rule WDF-INTR-002: queueing the DPC (work item) of an interrupt created without
 * EvtInterruptDpc (EvtInterruptWorkItem) has nothing to run; KMDF's verifier breaks. */
BOOLEAN imp_WdfInterruptQueueDpcForIsr(PWDF_DRIVER_GLOBALS globals, WDFINTERRUPT Interrupt)
{
    static const char ddi[] = "WdfInterruptQueueDpcForIsr";
    const void *caller = VF_CALLER();
    struct fx_interrupt *irq = interrupt_resolve(globals, Interrupt, ddi, caller);

    if (irq == NULL)
        return FALSE;
    if (irq->config.EvtInterruptDpc == NULL) {
        vf_report(VF_RULE_INTR_NO_DEFERRED_CALLBACK, Interrupt, ddi, caller,
                  "the interrupt was created without EvtInterruptDpc");
        return FALSE;
    }
    return fx_interrupt_queue_dpc(irq) ? TRUE : FALSE;
}

BOOLEAN imp_WdfInterruptQueueWorkItemForIsr(PWDF_DRIVER_GLOBALS globals, WDFINTERRUPT Interrupt)
{
    static const char ddi[] = "WdfInterruptQueueWorkItemForIsr";
    const void *caller = VF_CALLER();
    struct fx_interrupt *irq = interrupt_resolve(globals, Interrupt, ddi, caller);

    if (irq == NULL)
        return FALSE;
    if (irq->config.EvtInterruptWorkItem == NULL) {
        vf_report(VF_RULE_INTR_NO_DEFERRED_CALLBACK, Interrupt, ddi, caller,
                  "the interrupt was created without EvtInterruptWorkItem");
        return FALSE;
    }
    return fx_interrupt_queue_work(irq) ? TRUE : FALSE;
}

/* IRQL <= DISPATCH_LEVEL (IRQL-001; the call still happens, at the caller's higher level).
 * Returns the callback's value, FALSE after WDF-INTR-001/004. */
BOOLEAN imp_WdfInterruptSynchronize(PWDF_DRIVER_GLOBALS globals, WDFINTERRUPT Interrupt,
                                    PFN_WDF_INTERRUPT_SYNCHRONIZE Callback, WDFCONTEXT Context)
{
    static const char ddi[] = "WdfInterruptSynchronize";
    const void *caller = VF_CALLER();
    struct fx_interrupt *irq = interrupt_resolve(globals, Interrupt, ddi, caller);
    enum fx_interrupt_lock_result r;
    BOOLEAN result = FALSE;

    if (irq == NULL || !fx_check_not_null(Callback, "Callback", ddi, caller))
        return FALSE;
    if (!fx_interrupt_lock_held(irq))
        fx_check_irql(EXEC_LEVEL_DISPATCH, ddi, caller);
    r = fx_interrupt_synchronize(irq, Callback, Context, &result);
    if (r != FX_INTERRUPT_LOCK_OK)
        interrupt_lock_refused(r, Interrupt, ddi, caller);
    return result;
}

void imp_WdfInterruptAcquireLock(PWDF_DRIVER_GLOBALS globals, WDFINTERRUPT Interrupt)
{
    static const char ddi[] = "WdfInterruptAcquireLock";
    const void *caller = VF_CALLER();
    struct fx_interrupt *irq = interrupt_resolve(globals, Interrupt, ddi, caller);
    enum fx_interrupt_lock_result r;
    uint8_t old;

    if (irq == NULL)
        return;
    if (!fx_interrupt_lock_held(irq))
        fx_check_irql(EXEC_LEVEL_DISPATCH, ddi, caller);
    r = fx_interrupt_lock(irq, &old);
    if (r != FX_INTERRUPT_LOCK_OK) {
        interrupt_lock_refused(r, Interrupt, ddi, caller);
        return;
    }
    irq->set->driver_held = true;
    irq->set->saved_level = old;
}

/* Rule WDF-INTR-003: only the thread that took the lock with WdfInterruptAcquireLock releases
 * it (not the ISR, which the framework unlocks itself); otherwise nothing is released. */
void imp_WdfInterruptReleaseLock(PWDF_DRIVER_GLOBALS globals, WDFINTERRUPT Interrupt)
{
    static const char ddi[] = "WdfInterruptReleaseLock";
    const void *caller = VF_CALLER();
    struct fx_interrupt *irq = interrupt_resolve(globals, Interrupt, ddi, caller);
    struct fx_interrupt_set *set;

    if (irq == NULL)
        return;
    set = irq->set;
    if (!fx_interrupt_lock_held(irq) || !set->driver_held) {
        vf_report(VF_RULE_INTR_RELEASE_NOT_HELD, Interrupt, ddi, caller,
                  "the calling thread did not take this interrupt's lock with "
                  "WdfInterruptAcquireLock");
        return;
    }
    set->driver_held = false;
    fx_interrupt_unlock(irq, set->saved_level);
}

/* PASSIVE_LEVEL (IRQL-002: then nothing happens). */
void imp_WdfInterruptEnable(PWDF_DRIVER_GLOBALS globals, WDFINTERRUPT Interrupt)
{
    static const char ddi[] = "WdfInterruptEnable";
    const void *caller = VF_CALLER();
    struct fx_interrupt *irq = interrupt_resolve(globals, Interrupt, ddi, caller);

    if (irq != NULL && wdm_irql_check_passive(ddi, caller))
        fx_interrupt_force_enable(irq);
}

void imp_WdfInterruptDisable(PWDF_DRIVER_GLOBALS globals, WDFINTERRUPT Interrupt)
{
    static const char ddi[] = "WdfInterruptDisable";
    const void *caller = VF_CALLER();
    struct fx_interrupt *irq = interrupt_resolve(globals, Interrupt, ddi, caller);

    if (irq != NULL && wdm_irql_check_passive(ddi, caller))
        fx_interrupt_force_disable(irq);
}

/* Info->Size must be this or KMDF 1.7's size (without Group); any other is WDF-PARAM-002 and
 * nothing is written. */
void imp_WdfInterruptGetInfo(PWDF_DRIVER_GLOBALS globals, WDFINTERRUPT Interrupt,
                             PWDF_INTERRUPT_INFO Info)
{
    static const char ddi[] = "WdfInterruptGetInfo";
    const void *caller = VF_CALLER();
    struct fx_interrupt *irq = interrupt_resolve(globals, Interrupt, ddi, caller);
    WDF_INTERRUPT_INFO info;
    size_t size;

    if (irq == NULL || !fx_check_not_null(Info, "Info", ddi, caller))
        return;
    fx_check_irql(EXEC_LEVEL_DISPATCH, ddi, caller);
    if (Info->Size == sizeof(WDF_INTERRUPT_INFO)) {
        size = sizeof(WDF_INTERRUPT_INFO);
    } else if (Info->Size == offsetof(WDF_INTERRUPT_INFO, Group)) {
        size = offsetof(WDF_INTERRUPT_INFO, Group);
    } else {
        vf_report(VF_RULE_PARAM_INVALID, Interrupt, ddi, caller,
                  "WDF_INTERRUPT_INFO.Size %lu, expected %zu", (unsigned long)Info->Size,
                  sizeof(WDF_INTERRUPT_INFO));
        return;
    }
    fx_interrupt_get_info(irq, &info);
    memcpy(Info, &info, size);
    Info->Size = (ULONG)size;
}

WDFDEVICE imp_WdfInterruptGetDevice(PWDF_DRIVER_GLOBALS globals, WDFINTERRUPT Interrupt)
{
    struct fx_interrupt *irq = interrupt_resolve(globals, Interrupt, "WdfInterruptGetDevice",
                                                 VF_CALLER());

    return irq != NULL ? fx_device_handle(irq->device) : NULL;
}
