/* wdfresource.c - DDI shims of wdfresource.h (kmdf layer): WdfCmResourceListGetCount and
 * WdfCmResourceListGetDescriptor over the device's WDFCMRESLISTs (fx_resource.c).  A bad
 * handle is a finding; an index past the end is the documented NULL.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfresource/nf-wdfresource-wdfcmresourcelistgetcount
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfresource/nf-wdfresource-wdfcmresourcelistgetdescriptor */
#include "kmdf/core/fx_resource.h"
#include "kmdf/ddi_table.h"
#include "platform/exec_ctx.h"
#include "verifier/vf.h"

static struct fx_cmreslist *fx_cmreslist_resolve(PWDF_DRIVER_GLOBALS globals, WDFCMRESLIST list,
                                                 const char *ddi, const void *caller)
{
    struct fx_object *obj = fx_object_resolve(globals, list, FX_TYPE_CMRESLIST, ddi, caller);
    return obj != NULL ? to_cmreslist(obj) : NULL;
}

ULONG imp_WdfCmResourceListGetCount(PWDF_DRIVER_GLOBALS globals, WDFCMRESLIST List)
{
    static const char ddi[] = "WdfCmResourceListGetCount";
    const void *caller = VF_CALLER();
    struct fx_cmreslist *l;

    if (!fx_check_irql(EXEC_LEVEL_DISPATCH, ddi, caller))
        return 0;
    l = fx_cmreslist_resolve(globals, List, ddi, caller);
    return l != NULL ? fx_cmreslist_count(l) : 0;
}

PCM_PARTIAL_RESOURCE_DESCRIPTOR imp_WdfCmResourceListGetDescriptor(PWDF_DRIVER_GLOBALS globals,
                                                                   WDFCMRESLIST List,
                                                                   ULONG Index)
{
    static const char ddi[] = "WdfCmResourceListGetDescriptor";
    const void *caller = VF_CALLER();
    struct fx_cmreslist *l;

    if (!fx_check_irql(EXEC_LEVEL_DISPATCH, ddi, caller))
        return NULL;
    l = fx_cmreslist_resolve(globals, List, ddi, caller);
    return l != NULL ? fx_cmreslist_descriptor(l, Index) : NULL;
}
