/* wdfdriver.c - DDI shims of wdfdriver.h (kmdf layer): IRQL and parameter checks and the
 * documented statuses; the work is in fx_driver.c.  WdfDriverCreate's NULL DriverObject,
 * RegistryPath or DriverConfig is a bug check in Windows: here a WDF-PARAM-001 finding and
 * STATUS_INVALID_PARAMETER.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdriver/nf-wdfdriver-wdfdrivercreate
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdriver/nf-wdfdriver-wdfdrivergetregistrypath
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdriver/nf-wdfdriver-wdfdriverwdmgetdriverobject
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdriver/nf-wdfdriver-wdfwdmdrivergetwdfdriverhandle */
#include "kmdf/core/fx_driver.h"
#include "kmdf/ddi_table.h"
#include "kmdf/fx_globals.h"
#include "platform/exec_ctx.h"
#include "verifier/vf.h"

static struct fx_driver *fx_driver_resolve(PWDF_DRIVER_GLOBALS globals, WDFDRIVER handle,
                                           const char *ddi, const void *caller)
{
    struct fx_object *obj = fx_object_resolve(globals, handle, FX_TYPE_DRIVER, ddi, caller);
    return obj != NULL ? to_driver(obj) : NULL;
}

NTSTATUS imp_WdfDriverCreate(PWDF_DRIVER_GLOBALS globals, PDRIVER_OBJECT DriverObject,
                             PCUNICODE_STRING RegistryPath, PWDF_OBJECT_ATTRIBUTES DriverAttributes,
                             PWDF_DRIVER_CONFIG DriverConfig, WDFDRIVER *Driver)
{
    static const char ddi[] = "WdfDriverCreate";
    const void *caller = VF_CALLER();
    struct fx_driver *d;
    NTSTATUS status;

    if (Driver != NULL)
        *Driver = NULL;
    if (!fx_check_irql(EXEC_LEVEL_PASSIVE, ddi, caller))
        return STATUS_INVALID_DEVICE_REQUEST;
    if (!fx_check_not_null(DriverObject, "DriverObject", ddi, caller) ||
        !fx_check_not_null(RegistryPath, "RegistryPath", ddi, caller) ||
        !fx_check_not_null(DriverConfig, "DriverConfig", ddi, caller))
        return STATUS_INVALID_PARAMETER;
    status = fx_driver_create(fx_globals(globals), DriverObject, DriverAttributes, DriverConfig,
                              ddi, caller, &d);
    if (NT_SUCCESS(status) && Driver != NULL)
        *Driver = (WDFDRIVER)fx_object_handle(&d->obj);
    return status;
}

PWSTR imp_WdfDriverGetRegistryPath(PWDF_DRIVER_GLOBALS globals, WDFDRIVER Driver)
{
    static const char ddi[] = "WdfDriverGetRegistryPath";
    const void *caller = VF_CALLER();
    struct fx_driver *d;

    if (!fx_check_irql(EXEC_LEVEL_PASSIVE, ddi, caller))
        return NULL;
    d = fx_driver_resolve(globals, Driver, ddi, caller);
    return d != NULL ? d->image->registry_path_buf : NULL;
}

PDRIVER_OBJECT imp_WdfDriverWdmGetDriverObject(PWDF_DRIVER_GLOBALS globals, WDFDRIVER Driver)
{
    static const char ddi[] = "WdfDriverWdmGetDriverObject";
    const void *caller = VF_CALLER();
    struct fx_driver *d;

    if (!fx_check_irql(EXEC_LEVEL_DISPATCH, ddi, caller))
        return NULL;
    d = fx_driver_resolve(globals, Driver, ddi, caller);
    return d != NULL ? &d->image->wdm : NULL;
}

/* Only the calling driver's own DRIVER_OBJECT has a WDFDRIVER it may see. */
WDFDRIVER imp_WdfWdmDriverGetWdfDriverHandle(PWDF_DRIVER_GLOBALS globals,
                                             PDRIVER_OBJECT DriverObject)
{
    static const char ddi[] = "WdfWdmDriverGetWdfDriverHandle";
    const void *caller = VF_CALLER();
    struct fx_driver_image *img;

    if (!fx_check_irql(EXEC_LEVEL_DISPATCH, ddi, caller) ||
        !fx_check_not_null(DriverObject, "DriverObject", ddi, caller))
        return NULL;
    img = fx_driver_image_of(fx_globals(globals));
    if (img == NULL || DriverObject != &img->wdm || img->driver == NULL)
        return NULL;
    return (WDFDRIVER)fx_object_handle(&img->driver->obj);
}
