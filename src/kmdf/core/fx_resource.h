/* fx_resource.h - framework resource-list objects (kmdf layer, internal): a WDFCMRESLIST wraps
 * one CM_RESOURCE_LIST built by wdm_cmres_build.  Each device owns two (raw and translated),
 * created with the device; the PnP sequence fills them before EvtDevicePrepareHardware and
 * empties them after EvtDeviceReleaseHardware.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/raw-and-translated-resources */
#ifndef DMABOX_KMDF_CORE_FX_RESOURCE_H
#define DMABOX_KMDF_CORE_FX_RESOURCE_H

#include <stdatomic.h>

#include <ntddk.h>
#include <wdf.h>

#include "kmdf/object/fx_object.h"

struct fx_cmreslist {
    struct fx_object obj;          /* first, as for every object */
    _Atomic(PCM_RESOURCE_LIST) list; /* owned; NULL while the device holds no resources */
};

static inline struct fx_cmreslist *to_cmreslist(struct fx_object *o)
{
    FX_ASSERT(o->ops->type == FX_TYPE_CMRESLIST);
    return FX_CONTAINER_OF(o, struct fx_cmreslist, obj);
}

/* Creates an empty list object, a child of `parent` (the device), which the driver may not
 * delete.  Returns STATUS_SUCCESS or an object creation status. */
NTSTATUS fx_cmreslist_create(struct fx_object *parent, const char *ddi, const void *caller,
                             struct fx_cmreslist **out);

/* Replaces the list (the object takes ownership of `list`, which may be NULL) and frees the old
 * one.  PnP thread. */
void fx_cmreslist_set(struct fx_cmreslist *l, PCM_RESOURCE_LIST list);

/* The current list (NULL when empty). */
PCM_RESOURCE_LIST fx_cmreslist_get(struct fx_cmreslist *l);

/* The number of partial descriptors over every full descriptor, and descriptor `index` in that
 * order (NULL past the end).  Any IRQL. */
ULONG fx_cmreslist_count(struct fx_cmreslist *l);
PCM_PARTIAL_RESOURCE_DESCRIPTOR fx_cmreslist_descriptor(struct fx_cmreslist *l, ULONG index);

#endif
