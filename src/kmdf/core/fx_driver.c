/* fx_driver.c - loading and unloading a driver image, and the WDFDRIVER object (kmdf layer).
 * A load binds the image, builds its DRIVER_OBJECT and registry path and calls DriverEntry on
 * the image's PnP thread; an unload removes the devices still attached, calls EvtDriverUnload
 * and unbinds, which deletes the WDFDRIVER and every object below it.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/driverentry-for-kmdf-drivers
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdriver/nf-wdfdriver-wdfdrivercreate
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdriver/nc-wdfdriver-evt_wdf_driver_unload */
#include "kmdf/core/fx_driver.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kmdf/core/fx_device.h"
#include "kmdf/core/fx_worker.h"
#include "kmdf/fx_globals.h"

/* ---- the image, found from the driver's globals ----
 * The globals belong to the object model; the image hangs on the driver's root object as a
 * framework-private context, so every DDI finds its image in O(1) without a global table. */

struct fx_image_context {
    struct fx_driver_image *image;
};

static const WDF_OBJECT_CONTEXT_TYPE_INFO fx_image_context_type = {
    sizeof(WDF_OBJECT_CONTEXT_TYPE_INFO), "fx_image_context", sizeof(struct fx_image_context),
    &fx_image_context_type, NULL,
};

struct fx_driver_image *fx_driver_image_of(struct fx_driver_globals *g)
{
    struct fx_image_context *ctx = fx_object_context(g->root, &fx_image_context_type);
    return ctx != NULL ? ctx->image : NULL;
}

static NTSTATUS fx_driver_attach_image(struct fx_driver_image *img)
{
    WDF_OBJECT_ATTRIBUTES attributes;
    struct fx_image_context *ctx;
    NTSTATUS status;

    WDF_OBJECT_ATTRIBUTES_INIT(&attributes);
    attributes.ContextTypeInfo = &fx_image_context_type;
    status = fx_object_context_add(img->globals->root, &attributes, (void **)&ctx);
    if (NT_SUCCESS(status))
        ctx->image = img;
    return status;
}

/* ---- the WDFDRIVER object ---- */

/* The driver object goes at unbind: objects created afterwards hang below the root again. */
static void fx_driver_dispose(struct fx_object *obj)
{
    struct fx_driver *d = to_driver(obj);
    struct fx_driver_globals *g = obj->globals;

    g->default_parent = g->root;
    g->pub.Driver = NULL;
    d->image->driver = NULL;
}

static const struct fx_object_ops fx_driver_ops = {
    .type = FX_TYPE_DRIVER,
    .size = sizeof(struct fx_driver),
    .flags = FX_OBJECT_NO_DRIVER_DELETE,
    .attr_options = FX_ATTR_PARENT_NOT_ALLOWED | FX_ATTR_EXECUTION_LEVEL_ALLOWED |
                    FX_ATTR_SYNCHRONIZATION_SCOPE_ALLOWED,
    .dispose = fx_driver_dispose,
};

NTSTATUS fx_driver_create(struct fx_driver_globals *g, PDRIVER_OBJECT wdm,
                          PWDF_OBJECT_ATTRIBUTES attributes, PWDF_DRIVER_CONFIG config,
                          const char *ddi, const void *caller, struct fx_driver **out)
{
    struct fx_driver_image *img = fx_driver_image_of(g);
    struct fx_object *obj;
    struct fx_driver *d;
    NTSTATUS status;

    *out = NULL;
    if (img == NULL || wdm != &img->wdm)
        return STATUS_INVALID_PARAMETER;
    if (img->driver != NULL)
        return STATUS_DRIVER_INTERNAL_ERROR;
    if (config->Size != sizeof(WDF_DRIVER_CONFIG))
        return STATUS_INFO_LENGTH_MISMATCH;
    if ((config->DriverInitFlags & WdfDriverInitNonPnpDriver) && config->EvtDriverDeviceAdd != NULL)
        return STATUS_INVALID_PARAMETER;
    status = fx_object_create(g, &fx_driver_ops, attributes, g->root, ddi, caller, &obj);
    if (!NT_SUCCESS(status))
        return status;
    d = to_driver(obj);
    d->image = img;
    d->config = *config;
    img->driver = d;
    if (config->DriverPoolTag != 0)
        g->pub.DriverTag = config->DriverPoolTag;
    g->pub.Driver = (WDFDRIVER)fx_object_handle(obj);
    /* From now on the driver object is the default parent (wdfobject.h). */
    g->default_parent = obj;
    *out = d;
    return STATUS_SUCCESS;
}

/* ---- load ---- */

static void fx_driver_init_wdm(struct fx_driver_image *img, PDRIVER_INITIALIZE entry)
{
    static const char prefix[] = "\\Registry\\Machine\\System\\CurrentControlSet\\Services\\";
    char path[FX_REGISTRY_PATH_CHARS];
    size_t n;

    snprintf(path, sizeof(path), "%s%s", prefix, img->name);
    for (n = 0; path[n] != '\0'; n++)
        img->registry_path_buf[n] = (WCHAR)(unsigned char)path[n];
    img->registry_path_buf[n] = 0;
    img->registry_path.Buffer = img->registry_path_buf;
    img->registry_path.Length = (USHORT)(n * sizeof(WCHAR));
    img->registry_path.MaximumLength = (USHORT)((n + 1) * sizeof(WCHAR));

    img->wdm.Type = IO_TYPE_DRIVER;
    img->wdm.Size = (CSHORT)sizeof(DRIVER_OBJECT);
    img->wdm.DriverSection = img;
    img->wdm.DriverExtension = &img->wdm_extension;
    img->wdm.DriverInit = entry;
    img->wdm_extension.DriverObject = &img->wdm;
    img->wdm_extension.ServiceKeyName = img->registry_path;
}

struct fx_load_args {
    struct fx_driver_image *img;
    PDRIVER_INITIALIZE entry;
    PWDF_DRIVER_GLOBALS *globals_slot;
    const WDFFUNC **table_slot;
};

/* On the PnP thread.  A failed DriverEntry is unbound here, so its objects' cleanup callbacks
 * run at PASSIVE_LEVEL on this thread; EvtDriverUnload is not called for it. */
static NTSTATUS fx_driver_load_work(void *arg)
{
    struct fx_load_args *a = arg;
    struct fx_driver_image *img = a->img;
    NTSTATUS status;

    status = fx_driver_bind(img->machine, img->name, a->globals_slot, a->table_slot);
    if (!NT_SUCCESS(status))
        return status;
    img->globals = fx_globals(*a->globals_slot);
    status = fx_driver_attach_image(img);
    if (NT_SUCCESS(status)) {
        fx_driver_init_wdm(img, a->entry);
        status = a->entry(&img->wdm, &img->registry_path);
    }
    if (!NT_SUCCESS(status)) {
        fx_driver_unbind(&img->globals->pub);
        img->globals = NULL;
        return status;
    }
    img->entry_succeeded = true;
    return STATUS_SUCCESS;
}

static void fx_driver_image_free(struct fx_driver_image *img)
{
    fx_worker_stop(img->worker);
    img->magic = 0;
    pthread_mutex_destroy(&img->lock);
    free(img);
}

NTSTATUS fx_driver_load(struct machine *m, const char *name, PDRIVER_INITIALIZE entry,
                        PWDF_DRIVER_GLOBALS *globals_slot, const WDFFUNC **table_slot,
                        struct fx_driver_image **out)
{
    struct fx_load_args args;
    struct fx_driver_image *img;
    char thread_name[32];
    NTSTATUS status;

    *out = NULL;
    if (m == NULL || name == NULL || entry == NULL || globals_slot == NULL || table_slot == NULL)
        return STATUS_INVALID_PARAMETER;
    img = calloc(1, sizeof(*img));
    if (img == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    img->magic = FX_IMAGE_MAGIC;
    img->machine = m;
    snprintf(img->name, sizeof(img->name), "%s", name);
    pthread_mutex_init(&img->lock, NULL);
    fx_list_init(&img->devices);
    snprintf(thread_name, sizeof(thread_name), "pnp:%s", name);
    if (fx_worker_start(m, thread_name, &img->worker) != 0) {
        fx_driver_image_free(img);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    args = (struct fx_load_args){img, entry, globals_slot, table_slot};
    status = fx_worker_call(img->worker, fx_driver_load_work, &args);
    if (!NT_SUCCESS(status)) {
        fx_driver_image_free(img);
        return status;
    }
    *out = img;
    return STATUS_SUCCESS;
}

/* ---- unload ---- */

static struct fx_device *fx_driver_first_device(struct fx_driver_image *img)
{
    struct fx_device *dev = NULL;

    pthread_mutex_lock(&img->lock);
    if (!fx_list_empty(&img->devices))
        dev = FX_CONTAINER_OF(img->devices.next, struct fx_device, image_link);
    pthread_mutex_unlock(&img->lock);
    return dev;
}

/* On the PnP thread.  Removal unlinks each device from the image (fx_device.c), so the loop
 * ends once every device is gone. */
static NTSTATUS fx_driver_unload_work(void *arg)
{
    struct fx_driver_image *img = arg;
    struct fx_device *dev;

    while ((dev = fx_driver_first_device(img)) != NULL)
        fx_device_remove(dev);
    if (img->driver != NULL && img->driver->config.EvtDriverUnload != NULL)
        img->driver->config.EvtDriverUnload((WDFDRIVER)fx_object_handle(&img->driver->obj));
    fx_driver_unbind(&img->globals->pub);
    img->globals = NULL;
    return STATUS_SUCCESS;
}

void fx_driver_unload(struct fx_driver_image *img)
{
    if (img == NULL)
        return;
    FX_ASSERT(img->magic == FX_IMAGE_MAGIC);
    fx_worker_call(img->worker, fx_driver_unload_work, img);
    fx_driver_image_free(img);
}

/* ---- devices ---- */

size_t fx_driver_device_count(struct fx_driver_image *img)
{
    size_t n = 0;

    pthread_mutex_lock(&img->lock);
    for (struct fx_list *e = img->devices.next; e != &img->devices; e = e->next)
        n++;
    pthread_mutex_unlock(&img->lock);
    return n;
}

struct fx_device *fx_driver_device_at(struct fx_driver_image *img, size_t index)
{
    struct fx_device *dev = NULL;
    size_t i = 0;

    pthread_mutex_lock(&img->lock);
    for (struct fx_list *e = img->devices.next; e != &img->devices; e = e->next, i++) {
        if (i == index) {
            dev = FX_CONTAINER_OF(e, struct fx_device, image_link);
            break;
        }
    }
    pthread_mutex_unlock(&img->lock);
    return dev;
}
