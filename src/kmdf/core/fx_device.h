/* fx_device.h - the framework device object (kmdf layer, internal): WDFDEVICE_INIT, struct
 * fx_device, the power hooks other framework components register on a device, and the runtime
 * API the host uses to add, start, power and remove devices (all run on the driver's PnP thread).
 *
 * Power hooks.  Queues, interrupts and DMA enablers take part in the PnP/power sequence without
 * fx_pnp.c knowing them: each registers a struct fx_device_power_hook whose ops run at fixed
 * points of the sequence (docs/kmdf-core.md shows where).  Enabling ops run in registration
 * order, disabling ops in reverse order.  When an enabling op fails, the matching disabling op
 * runs for the hooks already enabled at that point (newest first), then the sequence unwinds.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/creating-a-framework-device-object
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/pnp-and-power-management-scenarios */
#ifndef DMABOX_KMDF_CORE_FX_DEVICE_H
#define DMABOX_KMDF_CORE_FX_DEVICE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <ntddk.h>
#include <wdf.h>

#include "kmdf/core/fx_pnp.h"
#include "kmdf/object/fx_list.h"
#include "kmdf/object/fx_object.h"

struct dmabox_dev;
struct fx_driver;
struct fx_driver_image;
struct fx_cmreslist;
struct fx_device;

/* ---- power hooks ---- */

/* Every op is optional and runs on the PnP thread at PASSIVE_LEVEL with no framework lock held.
 * `state` is the previous power state for enabling ops and the target state for disabling ops.
 * A failing op returns a failure status; the sequence records it (disabling ops cannot stop a
 * power-down, so their failure only marks the device failed). */
struct fx_device_power_hook_ops {
    const char *name;
    /* Before EvtDevicePrepareHardware: the resources are assigned (resource lists are the
     * device's raw and translated lists; NULL for a device without a bus device). */
    NTSTATUS (*resources_assign)(struct fx_device *dev, void *ctx, PCM_RESOURCE_LIST raw,
                                 PCM_RESOURCE_LIST translated);
    /* After EvtDeviceD0Entry: connect and enable interrupts (EvtInterruptEnable). */
    NTSTATUS (*interrupts_enable)(struct fx_device *dev, void *ctx, WDF_POWER_DEVICE_STATE state);
    /* After EvtDeviceD0EntryPostInterruptsEnabled: DMA enablers fill/enable/start. */
    NTSTATUS (*dma_enable)(struct fx_device *dev, void *ctx, WDF_POWER_DEVICE_STATE state);
    /* Before EvtDeviceSelfManagedIoInit/Restart: power-managed queues start. */
    NTSTATUS (*queues_start)(struct fx_device *dev, void *ctx, WDF_POWER_DEVICE_STATE state);
    /* After EvtDeviceSelfManagedIoSuspend (before it on surprise removal): queues stop. */
    NTSTATUS (*queues_stop)(struct fx_device *dev, void *ctx, WDF_POWER_DEVICE_STATE state);
    /* Before EvtDeviceD0ExitPreInterruptsDisabled: DMA enablers stop/flush/disable. */
    NTSTATUS (*dma_disable)(struct fx_device *dev, void *ctx, WDF_POWER_DEVICE_STATE state);
    /* After EvtDeviceD0ExitPreInterruptsDisabled: disable and disconnect interrupts. */
    NTSTATUS (*interrupts_disable)(struct fx_device *dev, void *ctx,
                                   WDF_POWER_DEVICE_STATE state);
    /* After EvtDeviceReleaseHardware: forget the resources. */
    NTSTATUS (*resources_release)(struct fx_device *dev, void *ctx);
    /* At removal, before EvtDeviceSelfManagedIoFlush: purge every queue. */
    NTSTATUS (*queues_purge)(struct fx_device *dev, void *ctx);
};

struct fx_device_power_hook {
    const struct fx_device_power_hook_ops *ops;
    void *ctx;
    struct fx_list link;           /* owned by the device while registered */
};

/* Registers / unregisters a hook (the caller owns its memory).  Only on the driver's PnP thread
 * (EvtDriverDeviceAdd, any PnP/power callback, or an object's dispose during device deletion),
 * so the list never changes while the sequence walks it. */
void fx_device_hook_register(struct fx_device *dev, struct fx_device_power_hook *hook);
void fx_device_hook_unregister(struct fx_device *dev, struct fx_device_power_hook *hook);

/* The hook points, as the sequence calls them (fx_device_hooks.c). */
enum fx_hook_point {
    FX_HOOK_RESOURCES_ASSIGN,
    FX_HOOK_INTERRUPTS_ENABLE,
    FX_HOOK_DMA_ENABLE,
    FX_HOOK_QUEUES_START,
    FX_HOOK_QUEUES_STOP,
    FX_HOOK_DMA_DISABLE,
    FX_HOOK_INTERRUPTS_DISABLE,
    FX_HOOK_RESOURCES_RELEASE,
    FX_HOOK_QUEUES_PURGE,
};

/* Runs one point over every hook.  Enabling points stop at the first failure, undo the hooks
 * already done and return the failure; disabling points run every hook and return the first
 * failure.  PnP thread. */
NTSTATUS fx_device_hooks_run(struct fx_device *dev, enum fx_hook_point point,
                             WDF_POWER_DEVICE_STATE state);

/* ---- WDFDEVICE_INIT ---- */

#define FX_DEVICE_INIT_MAGIC 0x54494446u /* "FDIT" */

/* What EvtDriverDeviceAdd fills in; lives for the duration of the callback. */
struct WDFDEVICE_INIT {
    uint32_t magic;
    struct fx_driver *driver;
    struct dmabox_dev *bus_dev;
    bool consumed;                 /* WdfDeviceCreate took it */
    WDF_PNPPOWER_EVENT_CALLBACKS pnp_callbacks;
    WDF_POWER_POLICY_EVENT_CALLBACKS power_policy_callbacks;
    WDF_DEVICE_IO_TYPE io_type;
    BOOLEAN exclusive;
    DEVICE_TYPE device_type;
    struct fx_device *device;      /* the device WdfDeviceCreate made from it */
};

/* ---- the device ---- */

struct fx_device_interface {
    GUID guid;
    WCHAR *reference;              /* NUL-terminated copy, NULL for none */
    bool enabled;                  /* the device is started and not being removed */
};

struct fx_device {
    struct fx_object obj;          /* first, as for every object */
    struct fx_driver *driver;
    struct fx_driver_image *image;
    struct dmabox_dev *bus_dev;    /* NULL for a device without hardware */
    DEVICE_OBJECT wdm;
    WDF_PNPPOWER_EVENT_CALLBACKS pnp_callbacks;
    WDF_POWER_POLICY_EVENT_CALLBACKS power_policy_callbacks;
    WDF_DEVICE_IO_TYPE io_type;
    bool exclusive;
    _Atomic ULONG alignment;       /* WdfDevice{Set,Get}AlignmentRequirement */

    pthread_mutex_t lock;          /* interfaces */
    struct fx_device_interface *interfaces;
    size_t interface_count, interface_cap;

    struct fx_list hooks;          /* struct fx_device_power_hook.link; PnP thread only */
    struct fx_cmreslist *raw, *translated; /* the WDFCMRESLISTs of EvtDevicePrepareHardware */
    struct fx_pnp pnp;
    struct fx_list image_link;     /* in the image's device list, under its lock */
};

static inline struct fx_device *to_device(struct fx_object *o)
{
    FX_ASSERT(o->ops->type == FX_TYPE_DEVICE);
    return FX_CONTAINER_OF(o, struct fx_device, obj);
}

static inline WDFDEVICE fx_device_handle(const struct fx_device *dev)
{
    return (WDFDEVICE)fx_object_handle(&dev->obj);
}

/* WdfDeviceCreate's work (wdfdevice.c checked IRQL and pointers): validates the init, creates
 * the device as a child of the driver object with its resource lists, links it to the image and
 * marks the init consumed.  Returns STATUS_SUCCESS, STATUS_INVALID_DEVICE_STATE (init already
 * consumed), STATUS_INFO_LENGTH_MISMATCH (a callback structure of the wrong size) or an object
 * creation status. */
NTSTATUS fx_device_create(struct WDFDEVICE_INIT *init, PWDF_OBJECT_ATTRIBUTES attributes,
                          const char *ddi, const void *caller, struct fx_device **out);

/* WdfDeviceCreateDeviceInterface's work.  Registering the same class and reference string twice
 * succeeds once.  Returns STATUS_SUCCESS or STATUS_INSUFFICIENT_RESOURCES. */
NTSTATUS fx_device_add_interface(struct fx_device *dev, const GUID *guid, PCUNICODE_STRING ref);

/* Enables or disables every registered interface (the sequence does it at start and removal). */
void fx_device_set_interfaces_enabled(struct fx_device *dev, bool enabled);

/* The interfaces, for the host API: count, and the class, reference string (NULL if none) and
 * state of interface `index`.  Any thread.  Returns false past the end. */
size_t fx_device_interface_count(struct fx_device *dev);
bool fx_device_interface_get(struct fx_device *dev, size_t index, GUID *guid,
                             const WCHAR **reference, bool *enabled);
/* True if an enabled interface of class `guid` is registered. */
bool fx_device_has_interface(struct fx_device *dev, const GUID *guid);

/* ---- the runtime API (host side) ----
 * Each call runs on the driver's PnP thread and returns when the sequence has reached its next
 * stable state.  Passive level; not from a driver callback. */

/* Builds a WDFDEVICE_INIT for bus device bus_dev (may be NULL) and calls EvtDriverDeviceAdd.
 * On success *out is the new device (state ADDED); if the callback succeeded without creating a
 * device (a filter that declines), *out is NULL.  If the callback fails after WdfDeviceCreate,
 * the device is deleted.  Returns STATUS_SUCCESS, the callback's failure,
 * STATUS_INVALID_DEVICE_STATE (no WDFDRIVER, or a non-PnP driver) or
 * STATUS_INSUFFICIENT_RESOURCES. */
NTSTATUS fx_device_add(struct fx_driver_image *img, struct dmabox_dev *bus_dev,
                       struct fx_device **out);

/* START: PrepareHardware(raw, translated), D0Entry(D3Final), interrupts, D0EntryPostInterrupts-
 * Enabled, DMA, queues, SelfManagedIoInit.  On failure the sequence unwinds as documented and
 * the device rests in FAILED until fx_device_remove. */
NTSTATUS fx_device_start(struct fx_device *dev);

/* POWER_DOWN to `target` (WdfPowerDeviceD1..D3) while attached, and POWER_UP back to D0. */
NTSTATUS fx_device_power_down(struct fx_device *dev, WDF_POWER_DEVICE_STATE target);
NTSTATUS fx_device_power_up(struct fx_device *dev);

/* Orderly removal: power down to D3Final if in D0, ReleaseHardware, SelfManagedIoFlush,
 * SelfManagedIoCleanup, then the device object is deleted with its children.  dev is invalid
 * afterwards. */
NTSTATUS fx_device_remove(struct fx_device *dev);

/* Surprise removal: EvtDeviceSurpriseRemoval, power down to D3Final if in D0, ReleaseHardware;
 * the device then waits in SURPRISE_REMOVED for fx_device_remove. */
NTSTATUS fx_device_surprise_remove(struct fx_device *dev);

enum fx_pnp_state fx_device_state(const struct fx_device *dev);
struct dmabox_dev *fx_device_bus_dev(const struct fx_device *dev);

#endif
