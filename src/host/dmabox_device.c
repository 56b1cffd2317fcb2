/* dmabox_device.c - devices and open handles of the host API (host layer): attach (the PnP
 * manager's AddDevice + IRP_MN_START_DEVICE: EvtDriverDeviceAdd, then the start sequence), power
 * transitions, surprise and orderly removal, and opening a device by interface class.  The
 * framework's sequence is src/kmdf/core/fx_device.h; this file orders it against I/O: a removal
 * waits until no caller is inside the framework with the device (the rundown in host.h).
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/pnp-and-power-management-scenarios
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdevice/nf-wdfdevice-wdfdevicecreatedeviceinterface */
#include "host.h"

#include <ntddk.h>
#include <stdlib.h>
#include <string.h>
#include <wdf.h>

#include "kmdf/core/fx_device.h"

_Static_assert(sizeof(dmabox_guid_t) == sizeof(GUID), "dmabox_guid_t has the GUID layout");

/* ---- rundown ---- */

dmabox_status_t host_device_acquire(struct dmabox_device *d, struct fx_device **fx)
{
    dmabox_status_t st = STATUS_SUCCESS;

    pthread_mutex_lock(&d->lock);
    switch (d->state) {
    case HOST_DEV_ACTIVE:
        /* A device whose power transition failed stays FAILED until removed: nothing runs. */
        if (fx_device_state(d->fx) == FX_PNP_STATE_FAILED) {
            st = STATUS_INVALID_DEVICE_STATE;
            break;
        }
        if (d->active++ == 0)
            exec_event_reset(&d->idle);
        *fx = d->fx;
        break;
    case HOST_DEV_SURPRISE_REMOVED: st = STATUS_DEVICE_REMOVED; break;
    case HOST_DEV_REMOVING: st = STATUS_DELETE_PENDING; break;
    case HOST_DEV_REMOVED: st = STATUS_NO_SUCH_DEVICE; break;
    }
    pthread_mutex_unlock(&d->lock);
    return st;
}

void host_device_release(struct dmabox_device *d)
{
    pthread_mutex_lock(&d->lock);
    if (--d->active == 0)
        exec_event_set(&d->idle);
    pthread_mutex_unlock(&d->lock);
}

/* ---- attach ---- */

static void device_free(struct host_obj *o)
{
    struct dmabox_device *d = FX_CONTAINER_OF(o, struct dmabox_device, obj);

    pthread_mutex_destroy(&d->lock);
    pthread_mutex_destroy(&d->pnp_lock);
    if (d->slot != NULL)
        host_obj_put(&d->slot->obj);
    host_obj_put(&d->driver->obj);
    host_obj_put(&d->hm->obj);
    free(d);
}

static struct dmabox_device *device_new(struct dmabox_driver *drv, struct dmabox_slot *s,
                                        struct fx_device *fx)
{
    struct dmabox_device *d = calloc(1, sizeof(*d));

    if (d == NULL)
        return NULL;
    host_obj_init(&d->obj, HOST_TYPE_DEVICE, device_free);
    host_obj_ref(&drv->hm->obj);
    host_obj_ref(&drv->obj);
    d->hm = drv->hm;
    d->driver = drv;
    d->slot = s;
    if (s != NULL)
        host_obj_ref(&s->obj);
    pthread_mutex_init(&d->pnp_lock, NULL);
    pthread_mutex_init(&d->lock, NULL);
    d->state = HOST_DEV_ACTIVE;
    d->fx = fx;
    exec_event_init(&d->idle, false, true);
    return d;
}

/* Reserves the slot for this attach.  hm->lock not held. */
static dmabox_status_t slot_reserve(struct dmabox_machine *hm, struct dmabox_slot *s)
{
    dmabox_status_t st = STATUS_SUCCESS;

    if (s == NULL)
        return STATUS_SUCCESS;
    pthread_mutex_lock(&hm->lock);
    if (s->unplugged)
        st = STATUS_NO_SUCH_DEVICE;
    else if (s->device != NULL || s->attaching)
        st = STATUS_DEVICE_ALREADY_ATTACHED;
    else
        s->attaching = true;
    pthread_mutex_unlock(&hm->lock);
    return st;
}

/* AddDevice then start; a failed start leaves the device FAILED and the PnP manager removes it
 * (https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/irp-mn-start-device).
 * Caller holds drv->pnp_lock. */
static dmabox_status_t device_attach_locked(struct dmabox_driver *drv, struct dmabox_slot *s,
                                            struct dmabox_device **out)
{
    struct dmabox_machine *hm = drv->hm;
    struct fx_device *fx = NULL;
    struct dmabox_device *d;
    dmabox_status_t st;

    st = slot_reserve(hm, s);
    if (st != STATUS_SUCCESS)
        return st;
    st = fx_device_add(drv->img, s != NULL ? s->bus_dev : NULL, &fx);
    if (NT_SUCCESS(st) && fx == NULL)
        st = STATUS_NO_SUCH_DEVICE;         /* the driver declined the device */
    if (NT_SUCCESS(st)) {
        st = fx_device_start(fx);
        if (!NT_SUCCESS(st))
            fx_device_remove(fx);
    }
    d = NT_SUCCESS(st) ? device_new(drv, s, fx) : NULL;
    if (NT_SUCCESS(st) && d == NULL) {
        fx_device_remove(fx);
        st = STATUS_INSUFFICIENT_RESOURCES;
    }
    pthread_mutex_lock(&hm->lock);
    if (d != NULL) {
        fx_list_add_tail(&hm->devices, &d->m_link);
        if (s != NULL)
            s->device = d;
    }
    if (s != NULL)
        s->attaching = false;
    pthread_mutex_unlock(&hm->lock);
    if (d != NULL) {
        host_obj_register(&d->obj);
        *out = d;
        return STATUS_SUCCESS;
    }
    return st;
}

dmabox_status_t dmabox_device_attach(dmabox_driver_t *driver, dmabox_slot_t *slot,
                                     dmabox_device_t **out)
{
    struct dmabox_driver *drv;
    struct dmabox_slot *s = NULL;
    struct host_obj *o, *so = NULL;
    struct host_call c;
    dmabox_status_t st;

    if (out == NULL)
        return STATUS_INVALID_PARAMETER;
    *out = NULL;
    st = host_enter_obj(&c, driver, HOST_TYPE_DRIVER, HOST_CALL_BLOCKING, &o);
    if (st != STATUS_SUCCESS)
        return st;
    drv = FX_CONTAINER_OF(o, struct dmabox_driver, obj);
    if (slot != NULL) {
        so = host_obj_get(slot, HOST_TYPE_SLOT);
        s = so != NULL ? FX_CONTAINER_OF(so, struct dmabox_slot, obj) : NULL;
    }
    if (slot != NULL && s == NULL) {
        st = STATUS_INVALID_HANDLE;
    } else if (s != NULL && s->hm != drv->hm) {
        st = STATUS_INVALID_PARAMETER;      /* a slot of another machine */
    } else {
        pthread_mutex_lock(&drv->pnp_lock);
        st = drv->unloaded ? STATUS_INVALID_HANDLE : device_attach_locked(drv, s, out);
        pthread_mutex_unlock(&drv->pnp_lock);
    }
    host_obj_put(so);
    host_leave_obj(&c, o);
    return st;
}

/* ---- PnP requests ---- */

enum device_op { DEVICE_OP_POWER_DOWN, DEVICE_OP_POWER_UP, DEVICE_OP_SURPRISE, DEVICE_OP_REMOVE };

static dmabox_status_t device_pnp(struct dmabox_device *d, enum device_op op,
                                  WDF_POWER_DEVICE_STATE target)
{
    enum host_dev_state state;
    struct fx_device *fx;
    dmabox_status_t st;

    pthread_mutex_lock(&d->pnp_lock);
    pthread_mutex_lock(&d->lock);
    state = d->state;
    fx = d->fx;
    if (state == HOST_DEV_ACTIVE && op == DEVICE_OP_SURPRISE)
        d->state = HOST_DEV_SURPRISE_REMOVED;   /* new I/O fails from here on */
    pthread_mutex_unlock(&d->lock);
    if (state == HOST_DEV_REMOVED || state == HOST_DEV_REMOVING) {
        st = STATUS_NO_SUCH_DEVICE;
    } else if (state == HOST_DEV_SURPRISE_REMOVED) {
        st = op == DEVICE_OP_SURPRISE ? STATUS_INVALID_DEVICE_STATE : STATUS_DEVICE_REMOVED;
    } else {
        if (op == DEVICE_OP_POWER_DOWN)
            st = fx_device_power_down(fx, target);
        else if (op == DEVICE_OP_POWER_UP)
            st = fx_device_power_up(fx);
        else
            st = fx_device_surprise_remove(fx);
        /* A return to D0 that fails ends in surprise removal (docs/kmdf-core.md). */
        if (fx_device_state(fx) == FX_PNP_STATE_SURPRISE_REMOVED) {
            pthread_mutex_lock(&d->lock);
            d->state = HOST_DEV_SURPRISE_REMOVED;
            pthread_mutex_unlock(&d->lock);
        }
    }
    pthread_mutex_unlock(&d->pnp_lock);
    return st;
}

dmabox_status_t host_device_remove(struct dmabox_device *d)
{
    struct dmabox_machine *hm = d->hm;
    struct fx_device *fx;
    dmabox_status_t st;

    pthread_mutex_lock(&d->pnp_lock);
    pthread_mutex_lock(&d->lock);
    if (d->state == HOST_DEV_REMOVED) {
        pthread_mutex_unlock(&d->lock);
        pthread_mutex_unlock(&d->pnp_lock);
        return STATUS_NO_SUCH_DEVICE;
    }
    d->state = HOST_DEV_REMOVING;
    fx = d->fx;
    pthread_mutex_unlock(&d->lock);
    /* Callers inside fx_io_submit (or an open) leave quickly; new ones are refused. */
    exec_event_wait(&d->idle, UINT64_MAX);
    st = fx_device_remove(fx);
    pthread_mutex_lock(&d->lock);
    d->fx = NULL;
    d->state = HOST_DEV_REMOVED;
    pthread_mutex_unlock(&d->lock);
    pthread_mutex_lock(&hm->lock);
    if (d->slot != NULL && d->slot->device == d)
        d->slot->device = NULL;
    pthread_mutex_unlock(&hm->lock);
    pthread_mutex_unlock(&d->pnp_lock);
    return st;
}

void host_device_pull(struct dmabox_device *d)
{
    device_pnp(d, DEVICE_OP_SURPRISE, WdfPowerDeviceInvalid);
    host_device_remove(d);
}

void host_devices_forget(struct dmabox_machine *hm, struct dmabox_driver *drv)
{
    for (;;) {
        struct dmabox_device *found = NULL;
        pthread_mutex_lock(&hm->lock);
        for (struct fx_list *e = hm->devices.next; e != &hm->devices; e = e->next) {
            struct dmabox_device *d = FX_CONTAINER_OF(e, struct dmabox_device, m_link);
            if (d->driver == drv) {
                fx_list_del(&d->m_link);
                found = d;
                break;
            }
        }
        pthread_mutex_unlock(&hm->lock);
        if (found == NULL)
            return;
        host_obj_unregister(&found->obj);
    }
}

/* Resolves a device handle and runs one request on it.  POWER_DOWN with WdfPowerDeviceInvalid
 * is a Dx state outside D1..D3. */
static dmabox_status_t device_call(dmabox_device_t *device, enum device_op op,
                                   WDF_POWER_DEVICE_STATE target)
{
    struct dmabox_device *d;
    struct host_obj *o;
    struct host_call c;
    dmabox_status_t st;

    st = host_enter_obj(&c, device, HOST_TYPE_DEVICE, HOST_CALL_BLOCKING, &o);
    if (st != STATUS_SUCCESS)
        return st;
    d = FX_CONTAINER_OF(o, struct dmabox_device, obj);
    if (op == DEVICE_OP_POWER_DOWN && target == WdfPowerDeviceInvalid)
        st = STATUS_INVALID_PARAMETER;
    else if (op == DEVICE_OP_REMOVE)
        st = host_device_remove(d);
    else
        st = device_pnp(d, op, target);
    host_leave_obj(&c, o);
    return st;
}

dmabox_status_t dmabox_device_power_down(dmabox_device_t *device, enum dmabox_power_state state)
{
    WDF_POWER_DEVICE_STATE target = WdfPowerDeviceInvalid;

    switch ((int)state) {
    case DMABOX_POWER_D1: target = WdfPowerDeviceD1; break;
    case DMABOX_POWER_D2: target = WdfPowerDeviceD2; break;
    case DMABOX_POWER_D3: target = WdfPowerDeviceD3; break;
    default: break;
    }
    return device_call(device, DEVICE_OP_POWER_DOWN, target);
}

dmabox_status_t dmabox_device_power_up(dmabox_device_t *device)
{
    return device_call(device, DEVICE_OP_POWER_UP, WdfPowerDeviceD0);
}

dmabox_status_t dmabox_device_surprise_remove(dmabox_device_t *device)
{
    return device_call(device, DEVICE_OP_SURPRISE, WdfPowerDeviceInvalid);
}

dmabox_status_t dmabox_device_remove(dmabox_device_t *device)
{
    return device_call(device, DEVICE_OP_REMOVE, WdfPowerDeviceInvalid);
}

/* ---- open / close ---- */

static void handle_free(struct host_obj *o)
{
    struct dmabox_handle *h = FX_CONTAINER_OF(o, struct dmabox_handle, obj);

    host_obj_put(&h->dev->obj);
    host_obj_put(&h->hm->obj);
    free(h);
}

/* The first device (attach order) with an enabled interface of that class, acquired. */
static struct dmabox_device *device_find(struct dmabox_machine *hm, const GUID *guid)
{
    struct dmabox_device *found = NULL;

    pthread_mutex_lock(&hm->lock);
    for (struct fx_list *e = hm->devices.next; e != &hm->devices && found == NULL; e = e->next) {
        struct dmabox_device *d = FX_CONTAINER_OF(e, struct dmabox_device, m_link);
        struct fx_device *fx;
        if (host_device_acquire(d, &fx) != STATUS_SUCCESS)
            continue;
        if (fx_device_has_interface(fx, guid))
            found = d;
        else
            host_device_release(d);
    }
    pthread_mutex_unlock(&hm->lock);
    return found;
}

dmabox_status_t dmabox_device_open(dmabox_machine_t *machine, const dmabox_guid_t *interface_class,
                                   dmabox_handle_t **out)
{
    struct dmabox_machine *hm;
    struct dmabox_device *d;
    struct dmabox_handle *h;
    struct host_obj *o;
    struct host_call c;
    dmabox_status_t st;
    GUID guid;

    if (out == NULL)
        return STATUS_INVALID_PARAMETER;
    *out = NULL;
    st = host_enter_obj(&c, machine, HOST_TYPE_MACHINE, HOST_CALL_PASSIVE, &o);
    if (st != STATUS_SUCCESS)
        return st;
    hm = FX_CONTAINER_OF(o, struct dmabox_machine, obj);
    if (interface_class == NULL) {
        st = STATUS_INVALID_PARAMETER;
    } else {
        memcpy(&guid, interface_class, sizeof(guid));
        d = device_find(hm, &guid);
        h = d != NULL ? calloc(1, sizeof(*h)) : NULL;
        if (d == NULL) {
            st = STATUS_OBJECT_NAME_NOT_FOUND;
        } else if (h == NULL) {
            st = STATUS_INSUFFICIENT_RESOURCES;
        } else {
            host_obj_init(&h->obj, HOST_TYPE_HANDLE, handle_free);
            host_obj_ref(&hm->obj);
            host_obj_ref(&d->obj);
            h->hm = hm;
            h->dev = d;
            fx_list_init(&h->ios);
            pthread_mutex_lock(&hm->lock);
            fx_list_add_tail(&hm->handles, &h->link);
            pthread_mutex_unlock(&hm->lock);
            host_obj_register(&h->obj);
            *out = h;
        }
        if (d != NULL)
            host_device_release(d);
    }
    host_leave_obj(&c, o);
    return st;
}

bool host_handle_close(struct dmabox_handle *h)
{
    if (!host_obj_unregister(&h->obj))
        return false;
    host_handle_cancel_all(h);
    pthread_mutex_lock(&h->hm->lock);
    fx_list_del(&h->link);
    pthread_mutex_unlock(&h->hm->lock);
    return true;
}

dmabox_status_t dmabox_close(dmabox_handle_t *handle)
{
    struct dmabox_handle *h;
    struct host_obj *o;
    struct host_call c;
    dmabox_status_t st;

    st = host_enter_obj(&c, handle, HOST_TYPE_HANDLE, HOST_CALL_PASSIVE, &o);
    if (st != STATUS_SUCCESS)
        return st;
    h = FX_CONTAINER_OF(o, struct dmabox_handle, obj);
    if (!host_handle_close(h))
        st = STATUS_INVALID_HANDLE;         /* another thread closed it meanwhile */
    host_leave_obj(&c, o);
    return st;
}
