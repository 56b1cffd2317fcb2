/* fx_driver.h - loaded driver images and the framework driver object (kmdf layer, internal).
 * struct fx_driver_image is one driver loaded on a machine: its binding (fx_driver_bind), its
 * WDM DRIVER_OBJECT and registry path, its PnP thread (fx_worker.h) and its devices.
 * struct fx_driver is the WDFDRIVER that DriverEntry creates with WdfDriverCreate.
 * The host API loads a driver with fx_driver_load, adds devices with fx_device_add
 * (fx_device.h) and unloads it with fx_driver_unload.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/driverentry-for-kmdf-drivers
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdriver/nf-wdfdriver-wdfdrivercreate */
#ifndef DMABOX_KMDF_CORE_FX_DRIVER_H
#define DMABOX_KMDF_CORE_FX_DRIVER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <ntddk.h>
#include <wdf.h>

#include "kmdf/object/fx_list.h"
#include "kmdf/object/fx_object.h"

struct machine;
struct fx_worker;
struct fx_device;

#define FX_IMAGE_MAGIC 0x474d4946u /* "FIMG" */
#define FX_REGISTRY_PATH_CHARS 160

struct fx_driver_image {
    uint32_t magic;                     /* FX_IMAGE_MAGIC while loaded */
    struct machine *machine;
    char name[64];
    struct fx_driver_globals *globals;  /* from fx_driver_bind */
    struct fx_worker *worker;           /* the PnP thread */
    DRIVER_OBJECT wdm;                  /* DriverSection points back at this image */
    DRIVER_EXTENSION wdm_extension;
    UNICODE_STRING registry_path;       /* over registry_path_buf, NUL-terminated */
    WCHAR registry_path_buf[FX_REGISTRY_PATH_CHARS];
    struct fx_driver *driver;           /* the WDFDRIVER once WdfDriverCreate succeeded; worker */
    bool entry_succeeded;               /* DriverEntry returned success; worker */
    pthread_mutex_t lock;
    struct fx_list devices;             /* struct fx_device.image_link, attached order; lock */
};

/* The WDFDRIVER object. */
struct fx_driver {
    struct fx_object obj;               /* first, as for every object */
    struct fx_driver_image *image;
    WDF_DRIVER_CONFIG config;
};

static inline struct fx_driver *to_driver(struct fx_object *o)
{
    FX_ASSERT(o->ops->type == FX_TYPE_DRIVER);
    return FX_CONTAINER_OF(o, struct fx_driver, obj);
}

/* Loads a linked-in or dlopen'ed driver on machine m: binds it (its image's WdfDriverGlobals
 * and WdfFunctions_01033 are *globals_slot and *table_slot), builds its DRIVER_OBJECT and the
 * registry path \Registry\Machine\System\CurrentControlSet\Services\<name>, starts its PnP
 * thread and calls entry (DriverEntry) there at PASSIVE_LEVEL.  Passive level, not on a PnP
 * thread.  Returns STATUS_SUCCESS (*out set), DriverEntry's failure status (the driver is
 * unbound again without EvtDriverUnload; *out NULL), an fx_driver_bind status, or
 * STATUS_INSUFFICIENT_RESOURCES. */
NTSTATUS fx_driver_load(struct machine *m, const char *name, PDRIVER_INITIALIZE entry,
                        PWDF_DRIVER_GLOBALS *globals_slot, const WDFFUNC **table_slot,
                        struct fx_driver_image **out);

/* Unloads: every device still attached goes through orderly removal (fx_device_remove), then
 * EvtDriverUnload runs (if DriverEntry succeeded and the driver registered one), then the driver
 * is unbound, which deletes the WDFDRIVER and everything below it.  Finally the PnP thread stops
 * and the image is freed.  Passive level, not on the PnP thread.  NULL is ignored. */
void fx_driver_unload(struct fx_driver_image *img);

/* The image a bound driver belongs to (NULL while fx_driver_load is still binding it).  Any
 * IRQL, lock-free. */
struct fx_driver_image *fx_driver_image_of(struct fx_driver_globals *g);

/* Devices attached to the image: the count, and the device at `index` in attach order (NULL past
 * the end).  The device may be removed as soon as the call returns unless the caller serialises
 * with removal (the host API does).  Any thread. */
size_t fx_driver_device_count(struct fx_driver_image *img);
struct fx_device *fx_driver_device_at(struct fx_driver_image *img, size_t index);

/* WdfDriverCreate's work (wdfdriver.c checked the arguments).  On the PnP thread, inside
 * DriverEntry.  Returns STATUS_SUCCESS, STATUS_DRIVER_INTERNAL_ERROR (already created),
 * STATUS_INVALID_PARAMETER (DriverObject is not this driver's, or non-PnP with an AddDevice
 * callback), STATUS_INFO_LENGTH_MISMATCH (config size) or an object creation status. */
NTSTATUS fx_driver_create(struct fx_driver_globals *g, PDRIVER_OBJECT wdm,
                          PWDF_OBJECT_ATTRIBUTES attributes, PWDF_DRIVER_CONFIG config,
                          const char *ddi, const void *caller, struct fx_driver **out);

#endif
