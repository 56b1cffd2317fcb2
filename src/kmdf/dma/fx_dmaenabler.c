/* fx_dmaenabler.c - the framework DMA enabler (kmdf layer): WdfDmaEnablerCreate's work (the
 * configuration rules, the WDM adapter per direction, fragment lengths, SG-list buffers), the
 * per-device DMA state (enablers in creation order, the DMA-v2 packet token) and the enabler
 * power callbacks, run from the device's dma_enable / dma_disable power hook.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdmaenabler/nf-wdfdmaenabler-wdfdmaenablercreate
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdmaenabler/ns-wdfdmaenabler-_wdf_dma_enabler_config
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/supporting-power-management-for-dma-devices
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/using-dma-version-3 */
#include "kmdf/dma/fx_dmaenabler.h"

#include <stdlib.h>
#include <string.h>

#include "kmdf/core/fx_driver.h"
#include "kmdf/core/fx_worker.h"
#include "platform/exec.h"
#include "platform/exec_ctx.h"
#include "platform/machine.h"
#include "verifier/vf.h"
#include "wdm/adapter/adapter.h"

/* SG-list buffers kept for reuse beyond the ones transactions hold. */
#define FX_DMA_SG_CACHE_MAX 64u

static const struct fx_device_power_hook_ops fx_dma_hook_ops;

/* A framework trace line (KMDF writes these to its in-flight recorder). */
static void fx_dma_trace(const char *ddi, const char *what, NTSTATUS status)
{
    DbgPrintEx(DPFLTR_SYSTEM_ID, DPFLTR_WARNING_LEVEL, "WDF %s: %s, returning 0x%08X\n", ddi,
               what, (unsigned)status);
}

/* ---- the per-device DMA state ---- */

static struct fx_dma_device *to_dma_device(struct fx_object *o)
{
    return FX_CONTAINER_OF(o, struct fx_dma_device, obj);
}

/* Device deletion: leave the PnP/power sequence.  The device's own deletion runs on its PnP
 * thread; a machine torn down with the driver still bound deletes from the host thread, where
 * the hook list is no longer walked. */
static void fx_dma_device_dispose(struct fx_object *obj)
{
    struct fx_dma_device *d = to_dma_device(obj);

    if (fx_worker_is_current(d->device->image->worker))
        fx_device_hook_unregister(d->device, &d->hook);
    else
        fx_list_del(&d->hook.link);
}

/* The last enabler is gone (each held a reference). */
static void fx_dma_device_destroy(struct fx_object *obj)
{
    struct fx_dma_device *d = to_dma_device(obj);

    FX_ASSERT(d->live == 0);
    pthread_mutex_destroy(&d->lock);
}

static const struct fx_object_ops fx_dma_device_ops = {
    .type = FX_TYPE_OBJECT,
    .size = sizeof(struct fx_dma_device),
    .flags = FX_OBJECT_NO_DRIVER_DELETE,
    .dispose = fx_dma_device_dispose,
    .destroy = fx_dma_device_destroy,
};

struct fx_dma_link_args {
    struct fx_dma_enabler *e;
    const char *ddi;
    const void *caller;
};

/* Links e at the end of its device's enabler list (creation order = power-callback order),
 * creating the device's DMA state and registering its hook with the first enabler.  On the
 * device's PnP thread, the only thread that changes the hook list. */
static NTSTATUS fx_dma_link_work(void *arg)
{
    struct fx_dma_link_args *a = arg;
    struct fx_device *dev = a->e->device;
    struct fx_dma_device *d = NULL;
    struct fx_object *obj;
    NTSTATUS status;

    for (struct fx_list *l = dev->hooks.next; l != &dev->hooks; l = l->next) {
        struct fx_device_power_hook *h = FX_CONTAINER_OF(l, struct fx_device_power_hook, link);

        if (h->ops == &fx_dma_hook_ops)
            d = h->ctx;
    }
    if (d == NULL) {
        status = fx_object_create(dev->obj.globals, &fx_dma_device_ops, NULL, &dev->obj, a->ddi,
                                  a->caller, &obj);
        if (!NT_SUCCESS(status))
            return status;
        d = to_dma_device(obj);
        d->device = dev;
        d->hook.ops = &fx_dma_hook_ops;
        d->hook.ctx = d;
        pthread_mutex_init(&d->lock, NULL);
        fx_list_init(&d->enablers);
        atomic_init(&d->packet_owner, NULL);
        fx_device_hook_register(dev, &d->hook);
    }
    fx_object_reference(&d->obj);
    pthread_mutex_lock(&d->lock);
    fx_list_add_tail(&d->enablers, &a->e->link);
    d->live++;
    pthread_mutex_unlock(&d->lock);
    a->e->dma_dev = d;
    return STATUS_SUCCESS;
}

/* Creation is PASSIVE_LEVEL, so a driver creating an enabler off the PnP thread (a work item,
 * say) can wait for that thread. */
static NTSTATUS fx_dma_link(struct fx_dma_enabler *e, const char *ddi, const void *caller)
{
    struct fx_dma_link_args a = {e, ddi, caller};
    struct fx_worker *w = e->device->image->worker;

    if (w == NULL || fx_worker_is_current(w))
        return fx_dma_link_work(&a);
    return fx_worker_call(w, fx_dma_link_work, &a);
}

/* Unlinks e; any thread, IRQL <= DISPATCH_LEVEL (a power walk in progress holds its own
 * references and skips enablers deleted meanwhile). */
static void fx_dma_unlink(struct fx_dma_enabler *e)
{
    struct fx_dma_device *d = e->dma_dev;

    pthread_mutex_lock(&d->lock);
    fx_list_del(&e->link);
    d->live--;
    pthread_mutex_unlock(&d->lock);
    e->dma_dev = NULL;
    fx_object_dereference(&d->obj);
}

/* ---- the object ---- */

/* PutDmaAdapter is PASSIVE_LEVEL only. */
struct fx_dma_put_work {
    struct exec_work work;
    PDMA_ADAPTER read, write;
};

static void fx_dma_put_pair(PDMA_ADAPTER read, PDMA_ADAPTER write)
{
    if (write != NULL && write != read)
        wdm_dma_adapter_put(write);
    if (read != NULL)
        wdm_dma_adapter_put(read);
}

static void fx_dma_put_work_fn(struct exec_work *work, void *arg)
{
    struct fx_dma_put_work *p = arg;

    (void)work;
    fx_dma_put_pair(p->read, p->write);
    free(p);
}

/* An enabler whose last reference goes above PASSIVE_LEVEL (KMDF defers such a dispose to a
 * passive-level worker) hands its adapters to a work thread of the machine. */
static void fx_dma_adapters_put(struct fx_dma_enabler *e)
{
    struct fx_dma_put_work *p = NULL;

    if (e->read.adapter == NULL)
        return;
    if (exec_ctx_self()->level > EXEC_LEVEL_PASSIVE)
        p = malloc(sizeof(*p));
    if (p != NULL) {
        p->read = e->read.adapter;
        p->write = e->write.adapter;
        exec_work_init(&p->work, fx_dma_put_work_fn, p);
        if (!exec_work_queue(e->obj.globals->machine->exec, &p->work)) {
            free(p);
            p = NULL;
        }
    }
    if (p == NULL)
        fx_dma_put_pair(e->read.adapter, e->write.adapter);
    e->read.adapter = e->write.adapter = NULL;
}

static void fx_dma_sg_cache_free(struct fx_dma_enabler *e)
{
    while (e->sg_free != NULL) {
        void *next = *(void **)e->sg_free;

        free(e->sg_free);
        e->sg_free = next;
    }
    e->sg_free_count = 0;
}

/* Delete: leave the device's power walk (transactions and common buffers, the enabler's
 * children, are already disposed). */
static void fx_dma_enabler_dispose(struct fx_object *obj)
{
    struct fx_dma_enabler *e = to_dma_enabler(obj);

    if (e->dma_dev != NULL)
        fx_dma_unlink(e);
}

/* Last reference: the adapters go back (PutDmaAdapter reports SG lists, map registers and common
 * buffers still outstanding on them), so WdfDmaEnablerWdmGetDmaAdapter's pointer stays valid
 * through the driver's EvtCleanupCallback and EvtDestroyCallback. */
static void fx_dma_enabler_destroy(struct fx_object *obj)
{
    struct fx_dma_enabler *e = to_dma_enabler(obj);

    fx_dma_adapters_put(e);
    fx_dma_sg_cache_free(e);
    pthread_mutex_destroy(&e->sg_lock);
}

/* The device is always the parent; ParentObject is ignored (nf-wdfdmaenabler-wdfdmaenablercreate,
 * Remarks), so attributes never carry a parent here. */
static const struct fx_object_ops fx_dma_enabler_ops = {
    .type = FX_TYPE_DMA_ENABLER,
    .size = sizeof(struct fx_dma_enabler),
    .dispose = fx_dma_enabler_dispose,
    .destroy = fx_dma_enabler_destroy,
};

struct fx_dma_enabler *fx_dma_enabler_resolve(PWDF_DRIVER_GLOBALS globals, WDFDMAENABLER handle,
                                              const char *ddi, const void *caller)
{
    struct fx_object *obj = fx_object_resolve(globals, handle, FX_TYPE_DMA_ENABLER, ddi, caller);
    return obj != NULL ? to_dma_enabler(obj) : NULL;
}

/* ---- configuration ---- */

/* What the profile and the overrides make of the configuration. */
struct fx_dma_plan {
    enum fx_dma_kind kind;
    bool scatter_gather, is_64bit, duplex;
    ULONG version;
    ULONG width;                  /* DmaAddressWidth for version 3; 0 for version 2 */
};

static bool fx_dma_profile_plan(WDF_DMA_PROFILE p, struct fx_dma_plan *plan)
{
    memset(plan, 0, sizeof(*plan));
    switch (p) {
    case WdfDmaProfilePacket:
    case WdfDmaProfilePacket64:
        plan->kind = FX_DMA_KIND_PACKET;
        break;
    case WdfDmaProfileScatterGather:
    case WdfDmaProfileScatterGather64:
    case WdfDmaProfileScatterGatherDuplex:
    case WdfDmaProfileScatterGather64Duplex:
        plan->kind = FX_DMA_KIND_SCATTER_GATHER;
        plan->scatter_gather = true;
        break;
    case WdfDmaProfileSystem:
    case WdfDmaProfileSystemDuplex:
        plan->kind = FX_DMA_KIND_SYSTEM;
        break;
    default:
        return false;
    }
    plan->is_64bit = p == WdfDmaProfilePacket64 || p == WdfDmaProfileScatterGather64 ||
                     p == WdfDmaProfileScatterGather64Duplex;
    plan->duplex = p == WdfDmaProfileScatterGatherDuplex ||
                   p == WdfDmaProfileScatterGather64Duplex || p == WdfDmaProfileSystemDuplex;
    return true;
}

/* Rules DMA-EN-001..004: the configuration checks of WdfDmaEnablerCreate, in KMDF's order
 * (profile, MaximumLength, AddressWidthOverride, WdmDmaVersionOverride, flags).  Each failure is
 * a documented STATUS_INVALID_PARAMETER (nf-wdfdmaenabler-wdfdmaenablercreate, Return value;
 * ns-wdfdmaenabler-_wdf_dma_enabler_config, AddressWidthOverride / WdmDmaVersionOverride /
 * Flags) and is traced; system profiles, which dmabox does not model, are STATUS_NOT_SUPPORTED. */
static NTSTATUS fx_dma_config_plan(const WDF_DMA_ENABLER_CONFIG *c, const char *ddi,
                                   struct fx_dma_plan *plan)
{
    if (!fx_dma_profile_plan(c->Profile, plan)) {
        fx_dma_trace(ddi, "Config->Profile is not a WDF_DMA_PROFILE value", STATUS_INVALID_PARAMETER);
        return STATUS_INVALID_PARAMETER;
    }
    if (c->MaximumLength == 0) {
        fx_dma_trace(ddi, "Config->MaximumLength is 0", STATUS_INVALID_PARAMETER);
        return STATUS_INVALID_PARAMETER;
    }
    if (plan->kind == FX_DMA_KIND_SYSTEM) {
        fx_dma_trace(ddi, "system-mode DMA profiles (WdfDmaProfileSystem[Duplex]) are not "
                          "supported by dmabox, which models bus-master devices only",
                     STATUS_NOT_SUPPORTED);
        return STATUS_NOT_SUPPORTED;
    }
    plan->version = FX_DMA_DEFAULT_VERSION;
    if (c->AddressWidthOverride != 0) {
        if (!plan->is_64bit && c->AddressWidthOverride > 32) {
            fx_dma_trace(ddi, "AddressWidthOverride above 32 with a 32-bit profile",
                         STATUS_INVALID_PARAMETER);
            return STATUS_INVALID_PARAMETER;
        }
        plan->version = 3;
        plan->width = c->AddressWidthOverride;
    }
    if (c->WdmDmaVersionOverride != 0) {
        if (c->WdmDmaVersionOverride < plan->version) {
            fx_dma_trace(ddi, "WdmDmaVersionOverride is lower than the version the "
                              "configuration needs",
                         STATUS_INVALID_PARAMETER);
            return STATUS_INVALID_PARAMETER;
        }
        plan->version = c->WdmDmaVersionOverride;
    }
    if (plan->version >= 3 && plan->width == 0)
        plan->width = plan->is_64bit ? 64 : 32;
    if ((c->Flags & WDF_DMA_ENABLER_CONFIG_REQUIRE_SINGLE_TRANSFER) && plan->version != 3) {
        fx_dma_trace(ddi, "WDF_DMA_ENABLER_CONFIG_REQUIRE_SINGLE_TRANSFER needs DMA version 3",
                     STATUS_INVALID_PARAMETER);
        return STATUS_INVALID_PARAMETER;
    }
    return STATUS_SUCCESS;
}

/* The DEVICE_DESCRIPTION KMDF builds for a bus-master profile. */
static void fx_dma_describe(const struct fx_dma_plan *plan, ULONG max_length,
                            DEVICE_DESCRIPTION *desc)
{
    memset(desc, 0, sizeof(*desc));
    desc->Version = plan->version;
    desc->Master = TRUE;
    desc->ScatterGather = plan->scatter_gather;
    desc->Dma32BitAddresses = TRUE;
    desc->Dma64BitAddresses = plan->is_64bit;
    desc->InterfaceType = PCIBus;
    desc->MaximumLength = max_length;
    desc->DmaAddressWidth = plan->version >= 3 ? plan->width : 0;
}

/* One adapter and what the enabler derives from it. */
static NTSTATUS fx_dma_adapter_get(struct fx_dma_enabler *e, const DEVICE_DESCRIPTION *desc,
                                   struct fx_dma_adapter_info *info)
{
    struct machine *m = e->obj.globals->machine;
    ULONG nmr = 0, size = 0;

    info->adapter = wdm_dma_adapter_create(m, e->device->bus_dev, desc, &nmr);
    if (info->adapter == NULL)
        return STATUS_UNSUCCESSFUL;
    FX_ASSERT(nmr > 1);
    info->map_registers = nmr;
    info->max_fragment_length = e->maximum_length;
    if ((size_t)(nmr - 1) * PAGE_SIZE < info->max_fragment_length)
        info->max_fragment_length = (size_t)(nmr - 1) * PAGE_SIZE;
    if (e->kind == FX_DMA_KIND_SCATTER_GATHER) {
        NTSTATUS st = info->adapter->DmaOperations->CalculateScatterGatherList(
            info->adapter, NULL, NULL, nmr * PAGE_SIZE, &size, NULL);

        if (!NT_SUCCESS(st))
            return st;
    } else {
        size = sizeof(SCATTER_GATHER_LIST) + sizeof(SCATTER_GATHER_ELEMENT);
    }
    info->sg_list_size = size;
    return STATUS_SUCCESS;
}

/* Bus-master profiles: one adapter, or two with the same description for duplex (read first),
 * as KMDF calls IoGetDmaAdapter.  No adapter: STATUS_UNSUCCESSFUL. */
static NTSTATUS fx_dma_adapters_get(struct fx_dma_enabler *e, const struct fx_dma_plan *plan)
{
    DEVICE_DESCRIPTION desc;
    NTSTATUS status;

    if (e->device->bus_dev == NULL)
        return STATUS_UNSUCCESSFUL;
    fx_dma_describe(plan, (ULONG)e->maximum_length, &desc);
    status = fx_dma_adapter_get(e, &desc, &e->read);
    if (NT_SUCCESS(status) && plan->duplex)
        status = fx_dma_adapter_get(e, &desc, &e->write);
    else if (NT_SUCCESS(status))
        e->write = e->read;
    return status;
}

/* Common-buffer alignment (fxdmaenabler.cpp): SG profiles take the larger of the device's
 * WdfDeviceSetAlignmentRequirement mask and the adapter's GetDmaAlignment() - 1; packet profiles
 * keep 0 (harmless: the adapter's common buffers are page-aligned). */
static ULONG fx_dma_common_buffer_alignment(struct fx_dma_enabler *e)
{
    ULONG dev_mask, hal_mask;
    PDMA_ADAPTER a = e->read.adapter;

    if (e->kind != FX_DMA_KIND_SCATTER_GATHER)
        return 0;
    dev_mask = atomic_load_explicit(&e->device->alignment, memory_order_relaxed);
    hal_mask = a->DmaOperations->GetDmaAlignment(a);
    hal_mask = hal_mask != 0 ? hal_mask - 1 : 0;
    return dev_mask > hal_mask ? dev_mask : hal_mask;
}

static void fx_dma_enabler_init(struct fx_dma_enabler *e, struct fx_device *dev,
                                const WDF_DMA_ENABLER_CONFIG *c, const struct fx_dma_plan *plan)
{
    e->device = dev;
    e->profile = c->Profile;
    e->kind = plan->kind;
    e->is_64bit = plan->is_64bit;
    e->duplex = plan->duplex;
    e->dma_version = plan->version;
    e->flags = c->Flags;
    e->maximum_length = (ULONG)c->MaximumLength; /* KMDF keeps it as a ULONG */
    atomic_init(&e->max_sg_elements, (size_t)WDF_DMA_ENABLER_UNLIMITED_FRAGMENTS);
    pthread_mutex_init(&e->sg_lock, NULL);
    e->evt_fill = c->EvtDmaEnablerFill;
    e->evt_flush = c->EvtDmaEnablerFlush;
    e->evt_enable = c->EvtDmaEnablerEnable;
    e->evt_disable = c->EvtDmaEnablerDisable;
    e->evt_io_start = c->EvtDmaEnablerSelfManagedIoStart;
    e->evt_io_stop = c->EvtDmaEnablerSelfManagedIoStop;
    fx_list_init(&e->link);
}

NTSTATUS fx_dma_enabler_create(struct fx_device *dev, const WDF_DMA_ENABLER_CONFIG *config,
                               PWDF_OBJECT_ATTRIBUTES attributes, const char *ddi,
                               const void *caller, struct fx_dma_enabler **out)
{
    WDF_OBJECT_ATTRIBUTES attrs;
    struct fx_dma_plan plan;
    struct fx_dma_enabler *e;
    struct fx_object *obj;
    NTSTATUS status;

    *out = NULL;
    if (attributes != NULL) {
        attrs = *attributes;
        attrs.ParentObject = NULL;
        attributes = &attrs;
    }
    status = fx_object_validate_attributes(attributes, fx_dma_enabler_ops.attr_options);
    if (!NT_SUCCESS(status))
        return status;
    /* Rule DMA-EN-001: Config->Size is KMDF 1.33's sizeof(WDF_DMA_ENABLER_CONFIG) (the 64-byte
     * KMDF 1.9 layout is for drivers built against that version, which dmabox does not load). */
    if (config->Size != sizeof(WDF_DMA_ENABLER_CONFIG)) {
        fx_dma_trace(ddi, "Config->Size is not sizeof(WDF_DMA_ENABLER_CONFIG)",
                     STATUS_INFO_LENGTH_MISMATCH);
        return STATUS_INFO_LENGTH_MISMATCH;
    }
    status = fx_dma_config_plan(config, ddi, &plan);
    if (!NT_SUCCESS(status))
        return status;
    status = fx_object_create(dev->obj.globals, &fx_dma_enabler_ops, attributes, &dev->obj, ddi,
                              caller, &obj);
    if (!NT_SUCCESS(status))
        return status;
    e = to_dma_enabler(obj);
    fx_dma_enabler_init(e, dev, config, &plan);
    status = fx_dma_adapters_get(e, &plan);
    if (!NT_SUCCESS(status)) {
        fx_dma_trace(ddi, "no DMA adapter for this device and description", status);
        goto fail;
    }
    e->address_width = plan.width != 0 ? plan.width : (plan.is_64bit ? 64 : 32);
    e->common_buffer_alignment = fx_dma_common_buffer_alignment(e);
    e->sg_buffer_size = e->read.sg_list_size > e->write.sg_list_size ? e->read.sg_list_size
                                                                      : e->write.sg_list_size;
    status = fx_dma_link(e, ddi, caller);
    if (!NT_SUCCESS(status))
        goto fail;
    *out = e;
    return STATUS_SUCCESS;

fail:
    fx_object_discard(obj);
    return status;
}

/* ---- preallocated SG-list buffers ---- */

void *fx_dma_enabler_sg_buffer_get(struct fx_dma_enabler *e, ULONG *size)
{
    void *buf;

    if (!fx_dma_enabler_preallocates_sg(e))
        return NULL;
    pthread_mutex_lock(&e->sg_lock);
    buf = e->sg_free;
    if (buf != NULL) {
        e->sg_free = *(void **)buf;
        e->sg_free_count--;
    }
    pthread_mutex_unlock(&e->sg_lock);
    if (buf == NULL)
        buf = malloc(e->sg_buffer_size);
    if (buf != NULL && size != NULL)
        *size = e->sg_buffer_size;
    return buf;
}

void fx_dma_enabler_sg_buffer_put(struct fx_dma_enabler *e, void *buffer)
{
    if (buffer == NULL)
        return;
    pthread_mutex_lock(&e->sg_lock);
    if (e->sg_free_count < FX_DMA_SG_CACHE_MAX) {
        *(void **)buffer = e->sg_free;
        e->sg_free = buffer;
        e->sg_free_count++;
        buffer = NULL;
    }
    pthread_mutex_unlock(&e->sg_lock);
    free(buffer);
}

/* ---- DMA version 2 packet token ---- */

bool fx_dma_packet_token_acquire(struct fx_dma_enabler *e, const void *owner)
{
    const void *expected = NULL;

    FX_ASSERT(e->dma_dev != NULL && owner != NULL);
    return atomic_compare_exchange_strong(&e->dma_dev->packet_owner, &expected, owner) ||
           expected == owner;
}

void fx_dma_packet_token_release(struct fx_dma_enabler *e, const void *owner)
{
    const void *expected = owner;

    FX_ASSERT(e->dma_dev != NULL);
    atomic_compare_exchange_strong(&e->dma_dev->packet_owner, &expected, NULL);
}

/* ---- power callbacks ---- */

/* Rule DMA-EN-005: Fill, Enable, SelfManagedIoStart, each only if registered; the first failure
 * ends the walk (FxDmaEnabler::PowerUp). */
static NTSTATUS fx_dma_enabler_power_up(struct fx_dma_enabler *e)
{
    WDFDMAENABLER h = fx_dma_enabler_handle(e);
    NTSTATUS status;

    e->fill_failed = false;
    e->enable_failed = false;
    if (e->evt_fill != NULL) {
        status = e->evt_fill(h);
        if (!NT_SUCCESS(status)) {
            e->fill_failed = true;
            return status;
        }
    }
    if (e->evt_enable != NULL) {
        status = e->evt_enable(h);
        if (!NT_SUCCESS(status)) {
            e->enable_failed = true;
            return status;
        }
    }
    return e->evt_io_start != NULL ? e->evt_io_start(h) : STATUS_SUCCESS;
}

/* Rule DMA-EN-006: SelfManagedIoStop, Disable, Flush (the order of
 * supporting-power-management-for-dma-devices; the "device enters a low-power state" scenario
 * page lists Flush before Disable, the DMA page and KMDF's source agree on Disable first).
 * Disable is skipped after a failed Fill and Flush after a failed Fill or Enable, since the
 * driver never got that far; every callback runs and the first failure is returned. */
static NTSTATUS fx_dma_enabler_power_down(struct fx_dma_enabler *e)
{
    WDFDMAENABLER h = fx_dma_enabler_handle(e);
    NTSTATUS first = STATUS_SUCCESS, status;

    if (e->evt_io_stop != NULL) {
        status = e->evt_io_stop(h);
        if (!NT_SUCCESS(status))
            first = status;
    }
    if (e->evt_disable != NULL && !e->fill_failed) {
        status = e->evt_disable(h);
        if (!NT_SUCCESS(status) && NT_SUCCESS(first))
            first = status;
    }
    if (e->evt_flush != NULL && !e->fill_failed && !e->enable_failed) {
        status = e->evt_flush(h);
        if (!NT_SUCCESS(status) && NT_SUCCESS(first))
            first = status;
    }
    return first;
}

/* A snapshot of the device's enablers, each referenced, so the callbacks run with no lock held
 * and may create or delete enablers. */
#define FX_DMA_WALK_INLINE 8

struct fx_dma_walk {
    struct fx_dma_enabler **v;
    size_t n;
    struct fx_dma_enabler *inline_v[FX_DMA_WALK_INLINE];
};

static bool fx_dma_walk_begin(struct fx_dma_device *d, struct fx_dma_walk *w)
{
    size_t cap;

    w->n = 0;
    w->v = w->inline_v;
    pthread_mutex_lock(&d->lock);
    cap = d->live;
    if (cap > FX_DMA_WALK_INLINE) {
        /* Allocate outside the lock, then take the list as it is by then (it may have grown). */
        pthread_mutex_unlock(&d->lock);
        cap += FX_DMA_WALK_INLINE;
        w->v = malloc(cap * sizeof(*w->v));
        if (w->v == NULL)
            return false;
        pthread_mutex_lock(&d->lock);
    }
    for (struct fx_list *l = d->enablers.next; l != &d->enablers && w->n < cap; l = l->next) {
        struct fx_dma_enabler *e = FX_CONTAINER_OF(l, struct fx_dma_enabler, link);

        fx_object_reference(&e->obj);
        w->v[w->n++] = e;
    }
    pthread_mutex_unlock(&d->lock);
    return true;
}

static void fx_dma_walk_end(struct fx_dma_walk *w)
{
    for (size_t i = 0; i < w->n; i++)
        fx_object_dereference(&w->v[i]->obj);
    if (w->v != w->inline_v)
        free(w->v);
}

/* An enabler deleted by an earlier callback of the same walk takes no further part. */
static bool fx_dma_walk_skip(const struct fx_dma_enabler *e)
{
    return fx_object_state(&e->obj) != FX_OBJECT_STATE_ALIVE;
}

static NTSTATUS fx_dma_power_down_walk(const struct fx_dma_walk *w)
{
    NTSTATUS first = STATUS_SUCCESS;

    for (size_t i = 0; i < w->n; i++) {
        NTSTATUS status;

        if (fx_dma_walk_skip(w->v[i]))
            continue;
        status = fx_dma_enabler_power_down(w->v[i]);
        if (!NT_SUCCESS(status) && NT_SUCCESS(first))
            first = status;
    }
    return first;
}

/* dma_enable hook: after EvtDeviceD0EntryPostInterruptsEnabled, every enabler in creation order,
 * on the PnP thread at PASSIVE_LEVEL.  A failure fails the power-up; as KMDF does
 * (PowerDmaPowerUp failure path), every enabler then gets the power-down walk before the
 * sequence unwinds to EvtDeviceD0ExitPreInterruptsDisabled. */
static NTSTATUS fx_dma_hook_enable(struct fx_device *dev, void *ctx, WDF_POWER_DEVICE_STATE state)
{
    struct fx_dma_walk w;
    NTSTATUS status = STATUS_SUCCESS;

    (void)dev;
    (void)state;
    if (!fx_dma_walk_begin(ctx, &w))
        return STATUS_INSUFFICIENT_RESOURCES;
    for (size_t i = 0; i < w.n && NT_SUCCESS(status); i++) {
        if (!fx_dma_walk_skip(w.v[i]))
            status = fx_dma_enabler_power_up(w.v[i]);
    }
    if (!NT_SUCCESS(status))
        fx_dma_power_down_walk(&w);
    fx_dma_walk_end(&w);
    return status;
}

/* dma_disable hook: after the power-managed queues stopped, before
 * EvtDeviceD0ExitPreInterruptsDisabled. */
static NTSTATUS fx_dma_hook_disable(struct fx_device *dev, void *ctx,
                                    WDF_POWER_DEVICE_STATE state)
{
    struct fx_dma_walk w;
    NTSTATUS status;

    (void)dev;
    (void)state;
    if (!fx_dma_walk_begin(ctx, &w))
        return STATUS_INSUFFICIENT_RESOURCES;
    status = fx_dma_power_down_walk(&w);
    fx_dma_walk_end(&w);
    return status;
}

static const struct fx_device_power_hook_ops fx_dma_hook_ops = {
    .name = "dma-enablers",
    .dma_enable = fx_dma_hook_enable,
    .dma_disable = fx_dma_hook_disable,
};
