/* wdfdpc.c - DDI shims of wdfdpc.h (kmdf layer): handle, IRQL and parameter checks and the
 * documented statuses; the logic is in fx_dpc.c.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdpc/nf-wdfdpc-wdfdpccreate
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdpc/nf-wdfdpc-wdfdpcenqueue
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdpc/nf-wdfdpc-wdfdpccancel
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdpc/nf-wdfdpc-wdfdpcgetparentobject */
#include "kmdf/ddi_table.h"
#include "kmdf/irq/fx_dpc.h"
#include "platform/exec_ctx.h"
#include "verifier/vf.h"
#include "wdm/wdm_irql.h"

static struct fx_dpc *dpc_resolve(PWDF_DRIVER_GLOBALS globals, WDFDPC handle, const char *ddi,
                                  const void *caller)
{
    struct fx_object *obj = fx_object_resolve(globals, handle, FX_TYPE_DPC, ddi, caller);
    return obj != NULL ? to_dpc(obj) : NULL;
}

NTSTATUS imp_WdfDpcCreate(PWDF_DRIVER_GLOBALS globals, PWDF_DPC_CONFIG Config,
                          PWDF_OBJECT_ATTRIBUTES Attributes, WDFDPC *Dpc)
{
    static const char ddi[] = "WdfDpcCreate";
    const void *caller = VF_CALLER();
    struct fx_dpc *d;
    NTSTATUS status;

    if (!fx_check_not_null(Dpc, "Dpc", ddi, caller))
        return STATUS_INVALID_PARAMETER;
    *Dpc = NULL;
    if (!fx_check_irql(EXEC_LEVEL_DISPATCH, ddi, caller))
        return STATUS_INVALID_DEVICE_REQUEST;
    if (!fx_check_not_null(Config, "Config", ddi, caller) ||
        !fx_check_not_null(Config->EvtDpcFunc, "Config->EvtDpcFunc", ddi, caller))
        return STATUS_INVALID_PARAMETER;
    status = fx_dpc_create(fx_globals(globals), Config, Attributes, ddi, caller, &d);
    if (NT_SUCCESS(status))
        *Dpc = (WDFDPC)fx_object_handle(&d->obj);
    return status;
}

/* Any IRQL. */
BOOLEAN imp_WdfDpcEnqueue(PWDF_DRIVER_GLOBALS globals, WDFDPC Dpc)
{
    struct fx_dpc *d = dpc_resolve(globals, Dpc, "WdfDpcEnqueue", VF_CALLER());

    return d != NULL && fx_dpc_enqueue(d) ? TRUE : FALSE;
}

/* Waiting needs PASSIVE_LEVEL (IRQL-002); after the finding the cancel happens without the
 * wait, which would otherwise wait for this very thread's CPU. */
BOOLEAN imp_WdfDpcCancel(PWDF_DRIVER_GLOBALS globals, WDFDPC Dpc, BOOLEAN Wait)
{
    static const char ddi[] = "WdfDpcCancel";
    const void *caller = VF_CALLER();
    struct fx_dpc *d = dpc_resolve(globals, Dpc, ddi, caller);
    bool wait = Wait != FALSE;

    if (d == NULL)
        return FALSE;
    if (wait && !wdm_irql_check_passive(ddi, caller))
        wait = false;
    return fx_dpc_cancel(d, wait) ? TRUE : FALSE;
}

WDFOBJECT imp_WdfDpcGetParentObject(PWDF_DRIVER_GLOBALS globals, WDFDPC Dpc)
{
    struct fx_dpc *d = dpc_resolve(globals, Dpc, "WdfDpcGetParentObject", VF_CALLER());

    return d != NULL ? fx_object_handle(d->parent) : NULL;
}
