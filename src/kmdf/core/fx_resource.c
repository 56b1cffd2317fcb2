/* fx_resource.c - WDFCMRESLIST objects over the CM_RESOURCE_LISTs of a started device (kmdf
 * layer).  A resource list may hold several full descriptors, each followed by its partial
 * descriptors; a CmResourceTypeDeviceSpecific descriptor is followed by DataSize bytes of data.
 * The framework's view numbers the partial descriptors across all full descriptors.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/ns-wdm-_cm_resource_list
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfresource/nf-wdfresource-wdfcmresourcelistgetdescriptor */
#include "kmdf/core/fx_resource.h"

#include "wdm/wdm_cmres.h"

static void fx_cmreslist_destroy(struct fx_object *obj)
{
    fx_cmreslist_set(to_cmreslist(obj), NULL);
}

static const struct fx_object_ops fx_cmreslist_ops = {
    .type = FX_TYPE_CMRESLIST,
    .size = sizeof(struct fx_cmreslist),
    .flags = FX_OBJECT_NO_DRIVER_DELETE,
    .destroy = fx_cmreslist_destroy,
};

NTSTATUS fx_cmreslist_create(struct fx_object *parent, const char *ddi, const void *caller,
                             struct fx_cmreslist **out)
{
    struct fx_object *obj;
    NTSTATUS status;

    *out = NULL;
    status = fx_object_create(parent->globals, &fx_cmreslist_ops, NULL, parent, ddi, caller, &obj);
    if (!NT_SUCCESS(status))
        return status;
    *out = to_cmreslist(obj);
    atomic_init(&(*out)->list, NULL);
    return STATUS_SUCCESS;
}

void fx_cmreslist_set(struct fx_cmreslist *l, PCM_RESOURCE_LIST list)
{
    PCM_RESOURCE_LIST old = atomic_exchange_explicit(&l->list, list, memory_order_acq_rel);
    wdm_cmres_free(old);
}

PCM_RESOURCE_LIST fx_cmreslist_get(struct fx_cmreslist *l)
{
    return atomic_load_explicit(&l->list, memory_order_acquire);
}

/* Walks the list; returns partial descriptor `index`, or NULL past the end with *count set to
 * the number of partial descriptors.  Pointer arithmetic on bytes, because the descriptors run
 * past the WDK's one-element array declarations. */
static PCM_PARTIAL_RESOURCE_DESCRIPTOR fx_cmreslist_walk(PCM_RESOURCE_LIST list, ULONG index,
                                                         ULONG *count)
{
    const size_t partial_offset = offsetof(CM_FULL_RESOURCE_DESCRIPTOR,
                                           PartialResourceList.PartialDescriptors);
    unsigned char *p;
    ULONG seen = 0;

    *count = 0;
    if (list == NULL)
        return NULL;
    p = (unsigned char *)list + offsetof(CM_RESOURCE_LIST, List);
    for (ULONG f = 0; f < list->Count; f++) {
        PCM_FULL_RESOURCE_DESCRIPTOR full = (PCM_FULL_RESOURCE_DESCRIPTOR)p;
        ULONG n = full->PartialResourceList.Count;

        p += partial_offset;
        for (ULONG i = 0; i < n; i++, seen++) {
            PCM_PARTIAL_RESOURCE_DESCRIPTOR d = (PCM_PARTIAL_RESOURCE_DESCRIPTOR)p;

            if (seen == index)
                return d;
            p += sizeof(CM_PARTIAL_RESOURCE_DESCRIPTOR);
            if (d->Type == CmResourceTypeDeviceSpecific)
                p += d->u.DeviceSpecificData.DataSize;
        }
    }
    *count = seen;
    return NULL;
}

ULONG fx_cmreslist_count(struct fx_cmreslist *l)
{
    ULONG count;

    fx_cmreslist_walk(fx_cmreslist_get(l), MAXULONG, &count);
    return count;
}

PCM_PARTIAL_RESOURCE_DESCRIPTOR fx_cmreslist_descriptor(struct fx_cmreslist *l, ULONG index)
{
    ULONG count;

    return fx_cmreslist_walk(fx_cmreslist_get(l), index, &count);
}
