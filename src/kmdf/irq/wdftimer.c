/* wdftimer.c - DDI shims of wdftimer.h (kmdf layer): handle, IRQL and parameter checks and the
 * documented statuses; the logic is in fx_timer.c.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdftimer/nf-wdftimer-wdftimercreate
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdftimer/nf-wdftimer-wdftimerstart
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdftimer/nf-wdftimer-wdftimerstop
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdftimer/nf-wdftimer-wdftimergetparentobject */
#include "kmdf/ddi_table.h"
#include "kmdf/irq/fx_timer.h"
#include "platform/exec_ctx.h"
#include "verifier/vf.h"
#include "wdm/wdm_irql.h"

static struct fx_timer *timer_resolve(PWDF_DRIVER_GLOBALS globals, WDFTIMER handle,
                                      const char *ddi, const void *caller)
{
    struct fx_object *obj = fx_object_resolve(globals, handle, FX_TYPE_TIMER, ddi, caller);
    return obj != NULL ? to_timer(obj) : NULL;
}

NTSTATUS imp_WdfTimerCreate(PWDF_DRIVER_GLOBALS globals, PWDF_TIMER_CONFIG Config,
                            PWDF_OBJECT_ATTRIBUTES Attributes, WDFTIMER *Timer)
{
    static const char ddi[] = "WdfTimerCreate";
    const void *caller = VF_CALLER();
    struct fx_timer *t;
    NTSTATUS status;

    if (!fx_check_not_null(Timer, "Timer", ddi, caller))
        return STATUS_INVALID_PARAMETER;
    *Timer = NULL;
    if (!fx_check_irql(EXEC_LEVEL_DISPATCH, ddi, caller))
        return STATUS_INVALID_DEVICE_REQUEST;
    /* The parent is required (documented status), before the configuration is looked at. */
    if (Attributes == NULL || Attributes->ParentObject == NULL)
        return STATUS_WDF_PARENT_NOT_SPECIFIED;
    if (!fx_check_not_null(Config, "Config", ddi, caller))
        return STATUS_INVALID_PARAMETER;
    status = fx_timer_create(fx_globals(globals), Config, Attributes, ddi, caller, &t);
    if (NT_SUCCESS(status))
        *Timer = (WDFTIMER)fx_object_handle(&t->obj);
    return status;
}

BOOLEAN imp_WdfTimerStart(PWDF_DRIVER_GLOBALS globals, WDFTIMER Timer, LONGLONG DueTime)
{
    static const char ddi[] = "WdfTimerStart";
    const void *caller = VF_CALLER();
    struct fx_timer *t = timer_resolve(globals, Timer, ddi, caller);

    if (t == NULL)
        return FALSE;
    fx_check_irql(EXEC_LEVEL_DISPATCH, ddi, caller);
    return fx_timer_start(t, DueTime) ? TRUE : FALSE;
}

/* Rules: Wait TRUE needs PASSIVE_LEVEL (IRQL-002) and must not come from the timer's own
 * callback, which it would wait for (WDF-DEFER-001); KMDF then returns FALSE without stopping.
 * Wait FALSE: IRQL <= DISPATCH_LEVEL (IRQL-001, the stop still happens). */
BOOLEAN imp_WdfTimerStop(PWDF_DRIVER_GLOBALS globals, WDFTIMER Timer, BOOLEAN Wait)
{
    static const char ddi[] = "WdfTimerStop";
    const void *caller = VF_CALLER();
    struct fx_timer *t = timer_resolve(globals, Timer, ddi, caller);

    if (t == NULL)
        return FALSE;
    if (!Wait) {
        fx_check_irql(EXEC_LEVEL_DISPATCH, ddi, caller);
        return fx_timer_stop(t, false) ? TRUE : FALSE;
    }
    if (!wdm_irql_check_passive(ddi, caller))
        return FALSE;
    if (fx_timer_in_callback(t)) {
        vf_report(VF_RULE_WAIT_OWN_CALLBACK, Timer, ddi, caller,
                  "WdfTimerStop(Wait=TRUE) from the timer's own EvtTimerFunc would wait for "
                  "itself");
        return FALSE;
    }
    return fx_timer_stop(t, true) ? TRUE : FALSE;
}

WDFOBJECT imp_WdfTimerGetParentObject(PWDF_DRIVER_GLOBALS globals, WDFTIMER Timer)
{
    static const char ddi[] = "WdfTimerGetParentObject";
    const void *caller = VF_CALLER();
    struct fx_timer *t = timer_resolve(globals, Timer, ddi, caller);

    if (t == NULL)
        return NULL;
    fx_check_irql(EXEC_LEVEL_DISPATCH, ddi, caller);
    return fx_object_handle(t->parent);
}
