/* fx_device.c - the framework device object (kmdf layer): WDFDEVICE_INIT for EvtDriverDeviceAdd,
 * device creation, device interfaces, and the host-side runtime API that adds devices and sends
 * PnP/power requests to the sequence (fx_pnp.c) on the driver's PnP thread.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/creating-a-framework-device-object
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdevice/nf-wdfdevice-wdfdevicecreate
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdevice/nf-wdfdevice-wdfdevicecreatedeviceinterface
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdriver/nc-wdfdriver-evt_wdf_driver_device_add */
#include "kmdf/core/fx_device.h"

#include <stdlib.h>
#include <string.h>

#include "kmdf/core/fx_driver.h"
#include "kmdf/core/fx_resource.h"
#include "kmdf/core/fx_worker.h"

/* ---- the object ---- */

/* Deletion (the DELETE step, a failed EvtDriverDeviceAdd, or an unbind): the children (queues,
 * interrupts, resource lists) are gone by now; the device leaves its image. */
static void fx_device_dispose(struct fx_object *obj)
{
    struct fx_device *dev = to_device(obj);

    fx_device_set_interfaces_enabled(dev, false);
    pthread_mutex_lock(&dev->image->lock);
    fx_list_del(&dev->image_link);
    pthread_mutex_unlock(&dev->image->lock);
}

static void fx_device_destroy(struct fx_object *obj)
{
    struct fx_device *dev = to_device(obj);

    for (size_t i = 0; i < dev->interface_count; i++)
        free(dev->interfaces[i].reference);
    free(dev->interfaces);
    pthread_mutex_destroy(&dev->lock);
}

static const struct fx_object_ops fx_device_ops = {
    .type = FX_TYPE_DEVICE,
    .size = sizeof(struct fx_device),
    .flags = FX_OBJECT_NO_DRIVER_DELETE,
    .attr_options = FX_ATTR_PARENT_NOT_ALLOWED | FX_ATTR_EXECUTION_LEVEL_ALLOWED |
                    FX_ATTR_SYNCHRONIZATION_SCOPE_ALLOWED,
    .dispose = fx_device_dispose,
    .destroy = fx_device_destroy,
};

static void fx_device_init_wdm(struct fx_device *dev, const struct WDFDEVICE_INIT *init)
{
    DEVICE_OBJECT *d = &dev->wdm;

    d->Type = IO_TYPE_DEVICE;
    d->Size = (USHORT)sizeof(DEVICE_OBJECT);
    d->ReferenceCount = 1;
    d->DriverObject = &dev->image->wdm;
    d->DeviceType = init->device_type;
    d->StackSize = 1;
    d->AlignmentRequirement = FILE_BYTE_ALIGNMENT;
    d->Flags = DO_POWER_PAGABLE;
    if (init->io_type == WdfDeviceIoBuffered)
        d->Flags |= DO_BUFFERED_IO;
    else if (init->io_type == WdfDeviceIoDirect)
        d->Flags |= DO_DIRECT_IO;
    if (init->exclusive)
        d->Flags |= DO_EXCLUSIVE;
    InitializeListHead(&d->Queue);
}

NTSTATUS fx_device_create(struct WDFDEVICE_INIT *init, PWDF_OBJECT_ATTRIBUTES attributes,
                          const char *ddi, const void *caller, struct fx_device **out)
{
    struct fx_driver *drv = init->driver;
    struct fx_object *obj;
    struct fx_device *dev;
    NTSTATUS status;

    *out = NULL;
    if (init->consumed)
        return STATUS_INVALID_DEVICE_STATE;
    status = fx_object_create(drv->obj.globals, &fx_device_ops, attributes, &drv->obj, ddi,
                              caller, &obj);
    if (!NT_SUCCESS(status))
        return status;
    dev = to_device(obj);
    dev->driver = drv;
    dev->image = drv->image;
    dev->bus_dev = init->bus_dev;
    dev->pnp_callbacks = init->pnp_callbacks;
    dev->power_policy_callbacks = init->power_policy_callbacks;
    dev->io_type = init->io_type;
    dev->exclusive = init->exclusive != FALSE;
    atomic_init(&dev->alignment, FILE_BYTE_ALIGNMENT);
    pthread_mutex_init(&dev->lock, NULL);
    fx_list_init(&dev->hooks);
    fx_list_init(&dev->image_link);
    atomic_init(&dev->pnp.state, FX_PNP_STATE_ADDED);
    dev->pnp.dx_state = WdfPowerDeviceD3;
    fx_device_init_wdm(dev, init);

    status = fx_cmreslist_create(obj, ddi, caller, &dev->raw);
    if (NT_SUCCESS(status))
        status = fx_cmreslist_create(obj, ddi, caller, &dev->translated);
    if (!NT_SUCCESS(status)) {
        fx_object_discard(obj);
        return status;
    }
    pthread_mutex_lock(&dev->image->lock);
    fx_list_add_tail(&dev->image->devices, &dev->image_link);
    pthread_mutex_unlock(&dev->image->lock);
    init->consumed = true;
    init->device = dev;
    *out = dev;
    return STATUS_SUCCESS;
}

/* ---- interfaces ---- */

static WCHAR *fx_copy_reference(PCUNICODE_STRING ref)
{
    size_t chars = ref != NULL && ref->Buffer != NULL ? ref->Length / sizeof(WCHAR) : 0;
    WCHAR *copy;

    if (chars == 0)
        return NULL;
    copy = calloc(chars + 1, sizeof(WCHAR));
    if (copy != NULL)
        memcpy(copy, ref->Buffer, chars * sizeof(WCHAR));
    return copy;
}

static bool fx_same_reference(const WCHAR *a, const WCHAR *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    while (*a != 0 && *a == *b)
        a++, b++;
    return *a == *b;
}

NTSTATUS fx_device_add_interface(struct fx_device *dev, const GUID *guid, PCUNICODE_STRING ref)
{
    WCHAR *copy = fx_copy_reference(ref);
    NTSTATUS status = STATUS_SUCCESS;

    if (ref != NULL && ref->Length != 0 && copy == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    pthread_mutex_lock(&dev->lock);
    for (size_t i = 0; i < dev->interface_count; i++) {
        if (IsEqualGUID(&dev->interfaces[i].guid, guid) &&
            fx_same_reference(dev->interfaces[i].reference, copy)) {
            pthread_mutex_unlock(&dev->lock);
            free(copy);
            return STATUS_SUCCESS;
        }
    }
    if (dev->interface_count == dev->interface_cap) {
        size_t cap = dev->interface_cap != 0 ? 2 * dev->interface_cap : 4;
        struct fx_device_interface *grown = realloc(dev->interfaces, cap * sizeof(*grown));
        if (grown == NULL) {
            status = STATUS_INSUFFICIENT_RESOURCES;
            goto out;
        }
        dev->interfaces = grown;
        dev->interface_cap = cap;
    }
    /* An interface registered on a started device is enabled at once. */
    dev->interfaces[dev->interface_count++] = (struct fx_device_interface){
        .guid = *guid,
        .reference = copy,
        .enabled = fx_pnp_state(&dev->pnp) == FX_PNP_STATE_STARTED,
    };
    copy = NULL;
out:
    pthread_mutex_unlock(&dev->lock);
    free(copy);
    return status;
}

void fx_device_set_interfaces_enabled(struct fx_device *dev, bool enabled)
{
    pthread_mutex_lock(&dev->lock);
    for (size_t i = 0; i < dev->interface_count; i++)
        dev->interfaces[i].enabled = enabled;
    pthread_mutex_unlock(&dev->lock);
}

size_t fx_device_interface_count(struct fx_device *dev)
{
    size_t n;

    pthread_mutex_lock(&dev->lock);
    n = dev->interface_count;
    pthread_mutex_unlock(&dev->lock);
    return n;
}

bool fx_device_interface_get(struct fx_device *dev, size_t index, GUID *guid,
                             const WCHAR **reference, bool *enabled)
{
    bool found;

    pthread_mutex_lock(&dev->lock);
    found = index < dev->interface_count;
    if (found) {
        *guid = dev->interfaces[index].guid;
        *reference = dev->interfaces[index].reference;
        *enabled = dev->interfaces[index].enabled;
    }
    pthread_mutex_unlock(&dev->lock);
    return found;
}

bool fx_device_has_interface(struct fx_device *dev, const GUID *guid)
{
    bool found = false;

    pthread_mutex_lock(&dev->lock);
    for (size_t i = 0; i < dev->interface_count && !found; i++)
        found = dev->interfaces[i].enabled && IsEqualGUID(&dev->interfaces[i].guid, guid);
    pthread_mutex_unlock(&dev->lock);
    return found;
}

/* ---- runtime API ---- */

struct fx_add_args {
    struct fx_driver_image *img;
    struct dmabox_dev *bus_dev;
    struct fx_device *device;
};

/* On the PnP thread.  The WDFDEVICE_INIT lives only for the callback, as in KMDF. */
static NTSTATUS fx_device_add_work(void *arg)
{
    struct fx_add_args *a = arg;
    struct fx_driver *drv = a->img->driver;
    struct WDFDEVICE_INIT *init;
    NTSTATUS status;

    if (drv == NULL || drv->config.EvtDriverDeviceAdd == NULL)
        return STATUS_INVALID_DEVICE_STATE;
    init = calloc(1, sizeof(*init));
    if (init == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    init->magic = FX_DEVICE_INIT_MAGIC;
    init->driver = drv;
    init->bus_dev = a->bus_dev;
    init->io_type = WdfDeviceIoBuffered;
    init->device_type = FILE_DEVICE_UNKNOWN;
    status = drv->config.EvtDriverDeviceAdd((WDFDRIVER)fx_object_handle(&drv->obj), init);
    if (!NT_SUCCESS(status) && init->device != NULL)
        fx_object_delete(&init->device->obj);
    else if (NT_SUCCESS(status))
        a->device = init->device;
    init->magic = 0;
    free(init);
    return status;
}

NTSTATUS fx_device_add(struct fx_driver_image *img, struct dmabox_dev *bus_dev,
                       struct fx_device **out)
{
    struct fx_add_args args = {img, bus_dev, NULL};
    NTSTATUS status = fx_worker_call(img->worker, fx_device_add_work, &args);

    *out = NT_SUCCESS(status) ? args.device : NULL;
    return status;
}

struct fx_request_args {
    struct fx_device *dev;
    enum fx_pnp_event request;
    WDF_POWER_DEVICE_STATE target;
};

static NTSTATUS fx_device_request_work(void *arg)
{
    struct fx_request_args *a = arg;
    return fx_pnp_request(a->dev, a->request, a->target);
}

static NTSTATUS fx_device_request(struct fx_device *dev, enum fx_pnp_event request,
                                  WDF_POWER_DEVICE_STATE target)
{
    struct fx_request_args args = {dev, request, target};
    return fx_worker_call(dev->image->worker, fx_device_request_work, &args);
}

NTSTATUS fx_device_start(struct fx_device *dev)
{
    return fx_device_request(dev, FX_PNP_EVENT_START, WdfPowerDeviceD0);
}

NTSTATUS fx_device_power_down(struct fx_device *dev, WDF_POWER_DEVICE_STATE target)
{
    if (target < WdfPowerDeviceD1 || target > WdfPowerDeviceD3)
        return STATUS_INVALID_PARAMETER;
    return fx_device_request(dev, FX_PNP_EVENT_POWER_DOWN, target);
}

NTSTATUS fx_device_power_up(struct fx_device *dev)
{
    return fx_device_request(dev, FX_PNP_EVENT_POWER_UP, WdfPowerDeviceD0);
}

NTSTATUS fx_device_remove(struct fx_device *dev)
{
    return fx_device_request(dev, FX_PNP_EVENT_REMOVE, WdfPowerDeviceD3Final);
}

NTSTATUS fx_device_surprise_remove(struct fx_device *dev)
{
    return fx_device_request(dev, FX_PNP_EVENT_SURPRISE_REMOVE, WdfPowerDeviceD3Final);
}

enum fx_pnp_state fx_device_state(const struct fx_device *dev)
{
    return fx_pnp_state(&dev->pnp);
}

struct dmabox_dev *fx_device_bus_dev(const struct fx_device *dev)
{
    return dev->bus_dev;
}
