/* dmabox_driver.c - loading and unloading drivers through the host API (host layer): a shared
 * object found with dlopen/dlsym (the three symbols every image built with dmabox_add_driver
 * has: DriverEntry, and the KMDF stub's WdfDriverGlobals and WdfFunctions_01033), or a driver
 * linked into the program; both go to fx_driver_load (src/kmdf/core/fx_driver.h).
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/driverentry-for-kmdf-drivers
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/building-and-loading-a-kmdf-driver */
#include "host.h"

#include <dlfcn.h>
#include <ntddk.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wdf.h>

#include "kmdf/core/fx_driver.h"

static void driver_free(struct host_obj *o)
{
    struct dmabox_driver *drv = FX_CONTAINER_OF(o, struct dmabox_driver, obj);

    pthread_mutex_destroy(&drv->pnp_lock);
    host_obj_put(&drv->hm->obj);
    free(drv);
}

static bool name_loaded(struct dmabox_machine *hm, const char *name)
{
    bool found = false;

    pthread_mutex_lock(&hm->lock);
    for (struct fx_list *e = hm->drivers.next; e != &hm->drivers && !found; e = e->next)
        found = strcmp(FX_CONTAINER_OF(e, struct dmabox_driver, link)->name, name) == 0;
    pthread_mutex_unlock(&hm->lock);
    return found;
}

/* Common tail of both loads: calls DriverEntry through fx_driver_load and publishes the
 * handle.  `dl` (may be NULL) belongs to the driver afterwards, or is closed on failure. */
static dmabox_status_t driver_load(struct dmabox_machine *hm, const char *name,
                                   PDRIVER_INITIALIZE entry, PWDF_DRIVER_GLOBALS *globals_slot,
                                   const WDFFUNC **table_slot, void *dl, dmabox_driver_t **out)
{
    struct dmabox_driver *drv;
    NTSTATUS st;

    /* One WdfDriverGlobals per image: an image bound anywhere (this machine or another) cannot
     * be bound again until it is unloaded. */
    if (*globals_slot != NULL || name_loaded(hm, name)) {
        st = DMABOX_STATUS_IMAGE_ALREADY_LOADED;
    } else if ((drv = calloc(1, sizeof(*drv))) == NULL) {
        st = STATUS_INSUFFICIENT_RESOURCES;
    } else {
        st = fx_driver_load(hm->m, name, entry, globals_slot, table_slot, &drv->img);
        if (st == STATUS_INVALID_PARAMETER && *globals_slot != NULL)
            st = DMABOX_STATUS_IMAGE_ALREADY_LOADED;   /* another thread bound it meanwhile */
        if (NT_SUCCESS(st)) {
            host_obj_init(&drv->obj, HOST_TYPE_DRIVER, driver_free);
            host_obj_ref(&hm->obj);
            drv->hm = hm;
            drv->dl = dl;
            snprintf(drv->name, sizeof(drv->name), "%s", name);
            pthread_mutex_init(&drv->pnp_lock, NULL);
            pthread_mutex_lock(&hm->lock);
            fx_list_add_tail(&hm->drivers, &drv->link);
            pthread_mutex_unlock(&hm->lock);
            host_obj_register(&drv->obj);
            *out = drv;
            return STATUS_SUCCESS;
        }
        free(drv);
    }
    if (dl != NULL)
        dlclose(dl);
    return st;
}

static bool name_valid(const char *name)
{
    size_t n = name != NULL ? strlen(name) : 0;
    return n > 0 && n < sizeof(((struct dmabox_driver *)0)->name) && strchr(name, '/') == NULL;
}

/* "dir/drv_host.so" -> "drv_host". */
static bool name_from_path(const char *path, char *name, size_t size)
{
    const char *base = strrchr(path, '/');
    size_t n;

    base = base != NULL ? base + 1 : path;
    n = strlen(base);
    if (n > 3 && strcmp(base + n - 3, ".so") == 0)
        n -= 3;
    if (n == 0 || n >= size)
        return false;
    memcpy(name, base, n);
    name[n] = '\0';
    return true;
}

dmabox_status_t dmabox_driver_load_so(dmabox_machine_t *machine, const char *path,
                                      dmabox_driver_t **out)
{
    PWDF_DRIVER_GLOBALS *globals_slot;
    const WDFFUNC **table_slot;
    PDRIVER_INITIALIZE entry;
    char name[64];
    struct host_obj *o;
    struct host_call c;
    dmabox_status_t st;
    void *dl;

    if (out == NULL)
        return STATUS_INVALID_PARAMETER;
    *out = NULL;
    st = host_enter_obj(&c, machine, HOST_TYPE_MACHINE, HOST_CALL_BLOCKING, &o);
    if (st != STATUS_SUCCESS)
        return st;
    if (path == NULL || path[0] == '\0' || !name_from_path(path, name, sizeof(name))) {
        st = STATUS_INVALID_PARAMETER;
    } else if (access(path, F_OK) != 0) {
        st = DMABOX_STATUS_DLL_NOT_FOUND;
    } else if ((dl = dlopen(path, RTLD_NOW | RTLD_LOCAL)) == NULL) {
        st = DMABOX_STATUS_INVALID_IMAGE_FORMAT;
    } else {
        /* POSIX's way to convert dlsym's object pointer to a function pointer. */
        *(void **)&entry = dlsym(dl, "DriverEntry");
        globals_slot = dlsym(dl, "WdfDriverGlobals");
        table_slot = dlsym(dl, "WdfFunctions_01033");
        if (entry == NULL || globals_slot == NULL || table_slot == NULL) {
            dlclose(dl);
            st = DMABOX_STATUS_ENTRYPOINT_NOT_FOUND;
        } else {
            st = driver_load(FX_CONTAINER_OF(o, struct dmabox_machine, obj), name, entry,
                             globals_slot, table_slot, dl, out);
        }
    }
    host_leave_obj(&c, o);
    return st;
}

dmabox_status_t dmabox_driver_load_linked(dmabox_machine_t *machine, const char *name,
                                          dmabox_fn_t driver_entry, void *wdf_driver_globals,
                                          void *wdf_functions, dmabox_driver_t **out)
{
    struct host_obj *o;
    struct host_call c;
    dmabox_status_t st;

    if (out == NULL)
        return STATUS_INVALID_PARAMETER;
    *out = NULL;
    st = host_enter_obj(&c, machine, HOST_TYPE_MACHINE, HOST_CALL_BLOCKING, &o);
    if (st != STATUS_SUCCESS)
        return st;
    if (!name_valid(name) || driver_entry == NULL || wdf_driver_globals == NULL ||
        wdf_functions == NULL)
        st = STATUS_INVALID_PARAMETER;
    else
        st = driver_load(FX_CONTAINER_OF(o, struct dmabox_machine, obj), name,
                         (PDRIVER_INITIALIZE)driver_entry, wdf_driver_globals, wdf_functions,
                         NULL, out);
    host_leave_obj(&c, o);
    return st;
}

static struct dmabox_device *driver_next_device(struct dmabox_driver *drv)
{
    struct dmabox_machine *hm = drv->hm;
    struct dmabox_device *found = NULL;

    pthread_mutex_lock(&hm->lock);
    for (struct fx_list *e = hm->devices.next; e != &hm->devices; e = e->next) {
        struct dmabox_device *d = FX_CONTAINER_OF(e, struct dmabox_device, m_link);
        bool present;
        if (d->driver != drv)
            continue;
        pthread_mutex_lock(&d->lock);
        present = d->state != HOST_DEV_REMOVED;
        pthread_mutex_unlock(&d->lock);
        if (present) {
            found = d;
            host_obj_ref(&d->obj);
            break;
        }
    }
    pthread_mutex_unlock(&hm->lock);
    return found;
}

/* Devices first (each through the host's removal, so I/O in flight is ordered against it),
 * then fx_driver_unload (EvtDriverUnload, unbind), then the image is closed. */
dmabox_status_t host_driver_unload(struct dmabox_driver *drv)
{
    struct dmabox_machine *hm = drv->hm;
    struct dmabox_device *d;

    pthread_mutex_lock(&drv->pnp_lock);
    if (drv->unloaded) {
        pthread_mutex_unlock(&drv->pnp_lock);
        return STATUS_INVALID_HANDLE;
    }
    drv->unloaded = true;
    host_obj_unregister(&drv->obj);
    while ((d = driver_next_device(drv)) != NULL) {
        host_device_remove(d);
        host_obj_put(&d->obj);
    }
    fx_driver_unload(drv->img);
    drv->img = NULL;
    host_devices_forget(hm, drv);
    if (drv->dl != NULL)
        dlclose(drv->dl);
    drv->dl = NULL;
    pthread_mutex_lock(&hm->lock);
    fx_list_del(&drv->link);
    pthread_mutex_unlock(&hm->lock);
    pthread_mutex_unlock(&drv->pnp_lock);
    return STATUS_SUCCESS;
}

dmabox_status_t dmabox_driver_unload(dmabox_driver_t *driver)
{
    struct host_obj *o;
    struct host_call c;
    dmabox_status_t st;

    st = host_enter_obj(&c, driver, HOST_TYPE_DRIVER, HOST_CALL_BLOCKING, &o);
    if (st != STATUS_SUCCESS)
        return st;
    /* STATUS_INVALID_HANDLE if another thread unloaded it meanwhile. */
    st = host_driver_unload(FX_CONTAINER_OF(o, struct dmabox_driver, obj));
    host_leave_obj(&c, o);
    return st;
}
