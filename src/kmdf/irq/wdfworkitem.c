/* wdfworkitem.c - DDI shims of wdfworkitem.h (kmdf layer): handle, IRQL and parameter checks and
 * the documented statuses; the logic is in fx_workitem.c.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfworkitem/nf-wdfworkitem-wdfworkitemcreate
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfworkitem/nf-wdfworkitem-wdfworkitemenqueue
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfworkitem/nf-wdfworkitem-wdfworkitemflush */
#include "kmdf/ddi_table.h"
#include "kmdf/irq/fx_workitem.h"
#include "platform/exec_ctx.h"
#include "verifier/vf.h"
#include "wdm/wdm_irql.h"

static struct fx_workitem *workitem_resolve(PWDF_DRIVER_GLOBALS globals, WDFWORKITEM handle,
                                            const char *ddi, const void *caller)
{
    struct fx_object *obj = fx_object_resolve(globals, handle, FX_TYPE_WORKITEM, ddi, caller);
    return obj != NULL ? to_workitem(obj) : NULL;
}

NTSTATUS imp_WdfWorkItemCreate(PWDF_DRIVER_GLOBALS globals, PWDF_WORKITEM_CONFIG Config,
                               PWDF_OBJECT_ATTRIBUTES Attributes, WDFWORKITEM *WorkItem)
{
    static const char ddi[] = "WdfWorkItemCreate";
    const void *caller = VF_CALLER();
    struct fx_workitem *w;
    NTSTATUS status;

    if (!fx_check_not_null(WorkItem, "WorkItem", ddi, caller))
        return STATUS_INVALID_PARAMETER;
    *WorkItem = NULL;
    if (!fx_check_irql(EXEC_LEVEL_DISPATCH, ddi, caller))
        return STATUS_INVALID_DEVICE_REQUEST;
    if (!fx_check_not_null(Config, "Config", ddi, caller))
        return STATUS_INVALID_PARAMETER;
    /* A NULL callback is a documented failure, not a finding (KMDF returns the status). */
    if (Config->Size == sizeof(WDF_WORKITEM_CONFIG) && Config->EvtWorkItemFunc == NULL)
        return STATUS_INVALID_PARAMETER;
    status = fx_workitem_create(fx_globals(globals), Config, Attributes, ddi, caller, &w);
    if (NT_SUCCESS(status))
        *WorkItem = (WDFWORKITEM)fx_object_handle(&w->obj);
    return status;
}

void imp_WdfWorkItemEnqueue(PWDF_DRIVER_GLOBALS globals, WDFWORKITEM WorkItem)
{
    static const char ddi[] = "WdfWorkItemEnqueue";
    const void *caller = VF_CALLER();
    struct fx_workitem *w = workitem_resolve(globals, WorkItem, ddi, caller);

    if (w == NULL)
        return;
    fx_check_irql(EXEC_LEVEL_DISPATCH, ddi, caller);
    fx_workitem_enqueue(w);
}

WDFOBJECT imp_WdfWorkItemGetParentObject(PWDF_DRIVER_GLOBALS globals, WDFWORKITEM WorkItem)
{
    static const char ddi[] = "WdfWorkItemGetParentObject";
    const void *caller = VF_CALLER();
    struct fx_workitem *w = workitem_resolve(globals, WorkItem, ddi, caller);

    if (w == NULL)
        return NULL;
    fx_check_irql(EXEC_LEVEL_DISPATCH, ddi, caller);
    return fx_object_handle(w->parent);
}

/* Rules: PASSIVE_LEVEL (IRQL-002), and never from the work item's own callback, which would
 * wait for itself (WDF-DEFER-001).  After a finding the flush does not wait. */
void imp_WdfWorkItemFlush(PWDF_DRIVER_GLOBALS globals, WDFWORKITEM WorkItem)
{
    static const char ddi[] = "WdfWorkItemFlush";
    const void *caller = VF_CALLER();
    struct fx_workitem *w = workitem_resolve(globals, WorkItem, ddi, caller);

    if (w == NULL || !wdm_irql_check_passive(ddi, caller))
        return;
    if (fx_workitem_in_callback(w)) {
        vf_report(VF_RULE_WAIT_OWN_CALLBACK, WorkItem, ddi, caller,
                  "flush from the work item's own EvtWorkItemFunc would wait for itself");
        return;
    }
    fx_workitem_flush(w);
}
