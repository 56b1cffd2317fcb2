/* adapter.c - the DMA adapter object (wdm layer): IoGetDmaAdapter and its PDO binding, the
 * adapter's creation from a DEVICE_DESCRIPTION (address width, map-register grant, bounce
 * region), the DMA_OPERATIONS tables of versions 1, 2 and 3, PutDmaAdapter with its leak report,
 * statistics, and the small informational operations.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-iogetdmaadapter
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/ns-wdm-_device_description
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/ns-wdm-_dma_operations
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nc-wdm-pput_dma_adapter */
#include "wdm/adapter/adapter_priv.h"

#include <string.h>

#include "platform/bus.h"
#include "platform/exec_ctx.h"
#include "platform/machine.h"
#include "verifier/vf.h"
#include "wdm/wdm_irql.h"
#include "wdm/wdm_machine.h"

#define WDM_DMA_PDO_MAGIC 0x4f445044u      /* "DPDO" */

/* ---- the operations tables ---- */

#define WDM_DMA_OPS_ENTRIES                                                                     \
    .PutDmaAdapter = wdm_dma_put_adapter,                                                       \
    .AllocateCommonBuffer = wdm_dma_allocate_common_buffer,                                     \
    .FreeCommonBuffer = wdm_dma_free_common_buffer,                                             \
    .AllocateAdapterChannel = wdm_dma_allocate_adapter_channel,                                 \
    .FlushAdapterBuffers = wdm_dma_flush_adapter_buffers,                                       \
    .FreeAdapterChannel = wdm_dma_free_adapter_channel,                                         \
    .FreeMapRegisters = wdm_dma_free_map_registers,                                             \
    .MapTransfer = wdm_dma_map_transfer,                                                        \
    .GetDmaAlignment = wdm_dma_get_alignment,                                                   \
    .ReadDmaCounter = wdm_dma_read_counter,                                                     \
    .GetScatterGatherList = wdm_dma_get_sg_list,                                                \
    .PutScatterGatherList = wdm_dma_put_sg_list,                                                \
    .CalculateScatterGatherList = wdm_dma_calculate_sg_list,                                    \
    .BuildScatterGatherList = wdm_dma_build_sg_list,                                            \
    .BuildMdlFromScatterGatherList = wdm_dma_build_mdl_from_sg_list,                            \
    .GetDmaAdapterInfo = wdm_dma_get_adapter_info,                                              \
    .GetDmaTransferInfo = wdm_dma_get_transfer_info,                                            \
    .InitializeDmaTransferContext = wdm_dma_initialize_transfer_context,                        \
    .AllocateCommonBufferEx = wdm_dma_allocate_common_buffer_ex,                                \
    .AllocateAdapterChannelEx = wdm_dma_allocate_adapter_channel_ex,                            \
    .ConfigureAdapterChannel = wdm_dma_configure_adapter_channel,                               \
    .CancelAdapterChannel = wdm_dma_cancel_adapter_channel,                                     \
    .MapTransferEx = wdm_dma_map_transfer_ex,                                                   \
    .GetScatterGatherListEx = wdm_dma_get_sg_list_ex,                                           \
    .BuildScatterGatherListEx = wdm_dma_build_sg_list_ex,                                       \
    .FlushAdapterBuffersEx = wdm_dma_flush_adapter_buffers_ex,                                  \
    .FreeAdapterObject = wdm_dma_free_adapter_object,                                           \
    .CancelMappedTransfer = wdm_dma_cancel_mapped_transfer,                                     \
    .AllocateDomainCommonBuffer = wdm_dma_allocate_domain_common_buffer,                        \
    .FlushDmaBuffer = wdm_dma_flush_dma_buffer,                                                 \
    .JoinDmaDomain = wdm_dma_join_dma_domain,                                                   \
    .LeaveDmaDomain = wdm_dma_leave_dma_domain,                                                 \
    .GetDmaDomain = wdm_dma_get_dma_domain,                                                     \
    .AllocateCommonBufferWithBounds = wdm_dma_allocate_common_buffer_with_bounds,               \
    .AllocateCommonBufferVector = wdm_dma_allocate_common_buffer_vector,                        \
    .GetCommonBufferFromVectorByIndex = wdm_dma_get_common_buffer_from_vector_by_index,         \
    .FreeCommonBufferFromVector = wdm_dma_free_common_buffer_from_vector,                       \
    .FreeCommonBufferVector = wdm_dma_free_common_buffer_vector,                                \
    .CreateCommonBufferFromMdl = wdm_dma_create_common_buffer_from_mdl

static ULONG NTAPI wdm_dma_get_alignment(PDMA_ADAPTER DmaAdapter);
static ULONG NTAPI wdm_dma_read_counter(PDMA_ADAPTER DmaAdapter);
static NTSTATUS NTAPI wdm_dma_get_adapter_info(PDMA_ADAPTER DmaAdapter,
                                               PDMA_ADAPTER_INFO AdapterInfo);

/* Every table has every entry: a routine beyond the adapter's version reports DMA-ADP-001 instead
 * of jumping through NULL.  Size tells the driver which entries its version has. */
static const DMA_OPERATIONS wdm_dma_ops_v1 = {
    .Size = FIELD_OFFSET(DMA_OPERATIONS, CalculateScatterGatherList), WDM_DMA_OPS_ENTRIES};
static const DMA_OPERATIONS wdm_dma_ops_v2 = {
    .Size = FIELD_OFFSET(DMA_OPERATIONS, GetDmaAdapterInfo), WDM_DMA_OPS_ENTRIES};
static const DMA_OPERATIONS wdm_dma_ops_v3 = {.Size = sizeof(DMA_OPERATIONS),
                                              WDM_DMA_OPS_ENTRIES};

/* ---- helpers shared by the adapter files ---- */

static bool wdm_dma_ops_ours(const DMA_OPERATIONS *ops)
{
    return ops == &wdm_dma_ops_v1 || ops == &wdm_dma_ops_v2 || ops == &wdm_dma_ops_v3;
}

struct wdm_dma_adapter *wdm_dma_resolve(PDMA_ADAPTER p, ULONG min_version, const char *ddi,
                                        const void *caller)
{
    struct wdm_dma_adapter *a = to_wdm_dma_adapter(p);

    /* Rule DMA-ADP-001: the adapter is one IoGetDmaAdapter returned, and the routine belongs to
     * the DMA_OPERATIONS version it was created with.  The operations pointer (inside the
     * public DMA_ADAPTER) is checked before anything past it is read. */
    if (a == NULL || !wdm_dma_ops_ours(p->DmaOperations) || a->magic != WDM_DMA_MAGIC) {
        vf_report(VF_RULE_DMA_ADAPTER_INVALID, p, ddi, caller, "not a DMA adapter");
        return NULL;
    }
    if (a->version < min_version) {
        vf_report(VF_RULE_DMA_ADAPTER_INVALID, p, ddi, caller,
                  "routine of DMA_OPERATIONS version %u called on a version %u adapter",
                  min_version, a->version);
        return NULL;
    }
    return a;
}

void wdm_dma_check_dispatch(struct wdm_dma_adapter *a, const char *ddi, const void *caller)
{
    /* Rule DMA-IRQL-001: documented for DISPATCH_LEVEL exactly (callers below raise first). */
    if (wdm_irql_check_max(DISPATCH_LEVEL, ddi, caller))
        wdm_irql_check_min(DISPATCH_LEVEL, VF_RULE_DMA_IRQL_NOT_DISPATCH, ddi, caller);
    (void)a;
}

KIRQL wdm_dma_enter_dispatch(void)
{
    KIRQL old = wdm_irql_current();

    if (old < DISPATCH_LEVEL)
        wdm_irql_set(DISPATCH_LEVEL);
    return old;
}

PIRP wdm_dma_current_irp(PDEVICE_OBJECT devobj)
{
    return devobj != NULL ? devobj->CurrentIrp : NULL;
}

/* ---- creation ---- */

/* The address bits the device drives, from the description; 0 when invalid. */
static uint32_t desc_address_bits(const DEVICE_DESCRIPTION *d)
{
    if (d->Version >= DEVICE_DESCRIPTION_VERSION3 && d->DmaAddressWidth != 0)
        return d->DmaAddressWidth >= 24 && d->DmaAddressWidth <= 64 ? d->DmaAddressWidth : 0;
    /* A PCI bus master drives at least 32 address bits. */
    return d->Dma64BitAddresses ? 64 : 32;
}

/* The top of machine RAM (docs/memory.md: the high bank starts at 4 GiB). */
static uint64_t ram_top(const struct machine *m)
{
    const struct machine_config *c = &m->config;

    return c->ram_above_4g != 0 ? PHYSMEM_4G + c->ram_above_4g : 0x100000ull + c->ram_bytes;
}

static size_t align16(size_t n)
{
    return (n + 15) & ~(size_t)15;
}

/* One zeroed pool block for the adapter and its per-register arrays (nothing is allocated
 * later on the I/O path); NULL when the pool is exhausted. */
static struct wdm_dma_adapter *adapter_alloc(uint32_t n, const char *ddi, const void *caller)
{
    size_t words = (n + 63) / 64;
    size_t size = align16(sizeof(struct wdm_dma_adapter)) + align16(words * sizeof(uint64_t)) +
                  align16((size_t)n * sizeof(struct wdm_map_reg)) +
                  align16((size_t)n * sizeof(struct wdm_map_set)) + (size_t)n * WDM_DMA_SG_SLOT;
    struct wdm_dma_adapter *a = wdm_pool_alloc(size, WDM_DMA_POOL_TAG, WDM_POOL_ZERO, ddi, caller);
    uint8_t *p;

    if (a == NULL)
        return NULL;
    p = (uint8_t *)a + align16(sizeof(*a));
    a->reg_bitmap = (uint64_t *)p;
    p += align16(words * sizeof(uint64_t));
    a->regs = (struct wdm_map_reg *)p;
    p += align16((size_t)n * sizeof(struct wdm_map_reg));
    a->sets = (struct wdm_map_set *)p;
    p += align16((size_t)n * sizeof(struct wdm_map_set));
    a->sg_storage = p;
    a->nmr = n;
    return a;
}

static PDMA_ADAPTER adapter_create(struct machine *m, struct dmabox_dev *dev,
                                   const DEVICE_DESCRIPTION *desc,
                                   const struct wdm_dma_adapter_params *params, ULONG *nmr,
                                   const void *caller)
{
    static const char ddi[] = "IoGetDmaAdapter";
    ULONG cap = params != NULL && params->map_register_cap != 0 ? params->map_register_cap
                                                                : WDM_DMA_DEFAULT_MAP_REGISTER_CAP;
    uint64_t want;
    uint32_t bits;
    struct wdm_dma_adapter *a;

    if (m == NULL || dev == NULL || desc == NULL || nmr == NULL) {
        vf_report(VF_RULE_NULL_PARAMETER, NULL, ddi, caller,
                  "machine %p, device %p, description %p, NumberOfMapRegisters %p", (void *)m,
                  (void *)dev, (const void *)desc, (void *)nmr);
        return NULL;
    }
    bits = desc_address_bits(desc);
    if (desc->Version > DEVICE_DESCRIPTION_VERSION3 || bits == 0) {
        vf_report(VF_RULE_DMA_ADAPTER_INVALID, desc, ddi, caller,
                  "DEVICE_DESCRIPTION Version %u, DmaAddressWidth %u", desc->Version,
                  desc->DmaAddressWidth);
        return NULL;
    }
    /* dmabox has no system DMA controller: only bus masters get an adapter. */
    if (!desc->Master)
        return NULL;
    want = BYTES_TO_PAGES((uint64_t)desc->MaximumLength) + 1;
    a = adapter_alloc((uint32_t)(want < cap ? want : cap), ddi, caller);
    if (a == NULL)
        return NULL;
    a->magic = WDM_DMA_MAGIC;
    a->machine = m;
    a->dev = dev;
    a->devid = bus_device_id(dev);
    a->version = desc->Version <= DEVICE_DESCRIPTION_VERSION1 ? 1 : desc->Version;
    a->scatter_gather = desc->ScatterGather;
    a->address_bits = bits;
    a->limit = bits >= 64 ? 0 : 1ull << bits;
    pthread_mutex_init(&a->lock, NULL);
    /* Bounce pages are needed when some RAM is out of the device's reach, or when a device
     * without scatter/gather must be given a scattered buffer as one contiguous run. */
    if ((!a->scatter_gather || (a->limit != 0 && ram_top(m) > a->limit)) &&
        wdm_bounce_init(a) != 0) {
        pthread_mutex_destroy(&a->lock);
        wdm_pool_free(a, WDM_DMA_POOL_TAG, 1, ddi, caller);
        return NULL;
    }
    a->pub.Version = 1;
    a->pub.Size = sizeof(DMA_ADAPTER);
    a->pub.DmaOperations = (PDMA_OPERATIONS)(a->version == 1   ? &wdm_dma_ops_v1
                                             : a->version == 2 ? &wdm_dma_ops_v2
                                                               : &wdm_dma_ops_v3);
    *nmr = a->nmr;
    return &a->pub;
}

PDMA_ADAPTER wdm_dma_adapter_create_ex(struct machine *m, struct dmabox_dev *dev,
                                       const DEVICE_DESCRIPTION *desc,
                                       const struct wdm_dma_adapter_params *params, ULONG *nmr)
{
    return adapter_create(m, dev, desc, params, nmr, VF_CALLER());
}

PDMA_ADAPTER wdm_dma_adapter_create(struct machine *m, struct dmabox_dev *dev,
                                    const DEVICE_DESCRIPTION *desc, ULONG *nmr)
{
    return adapter_create(m, dev, desc, NULL, nmr, VF_CALLER());
}

void wdm_dma_adapter_put(PDMA_ADAPTER adapter)
{
    static const char ddi[] = "PutDmaAdapter";
    const void *caller = VF_CALLER();
    struct wdm_dma_adapter *a = wdm_dma_resolve(adapter, 1, ddi, caller);

    if (a == NULL)
        return;
    wdm_irql_check_passive(ddi, caller);
    wdm_regs_teardown(a);
    wdm_common_buffer_teardown(a);
    wdm_bounce_fini(a);
    a->magic = 0;
    pthread_mutex_destroy(&a->lock);
    wdm_pool_free(a, WDM_DMA_POOL_TAG, 1, ddi, caller);
}

VOID NTAPI wdm_dma_put_adapter(PDMA_ADAPTER DmaAdapter)
{
    wdm_dma_adapter_put(DmaAdapter);
}

/* ---- IoGetDmaAdapter and the PDO binding ---- */

void wdm_dma_pdo_bind(PDEVICE_OBJECT pdo, struct wdm_dma_pdo_binding *binding,
                      struct machine *m, struct dmabox_dev *dev,
                      const struct wdm_dma_adapter_params *params)
{
    *binding = (struct wdm_dma_pdo_binding){.magic = WDM_DMA_PDO_MAGIC, .machine = m, .dev = dev};
    if (params != NULL)
        binding->params = *params;
    pdo->DeviceObjectExtension = binding;
}

void wdm_dma_pdo_unbind(PDEVICE_OBJECT pdo)
{
    struct wdm_dma_pdo_binding *b = pdo->DeviceObjectExtension;

    if (b != NULL && b->magic == WDM_DMA_PDO_MAGIC) {
        b->magic = 0;
        pdo->DeviceObjectExtension = NULL;
    }
}

struct _DMA_ADAPTER *IoGetDmaAdapter(struct _DEVICE_OBJECT *PhysicalDeviceObject,
                                     struct _DEVICE_DESCRIPTION *DeviceDescription,
                                     PULONG NumberOfMapRegisters)
{
    static const char ddi[] = "IoGetDmaAdapter";
    const void *caller = VF_CALLER();
    struct wdm_dma_pdo_binding *b;

    if (!wdm_irql_check_passive(ddi, caller))
        return NULL;
    if (DeviceDescription == NULL || NumberOfMapRegisters == NULL) {
        vf_report(VF_RULE_NULL_PARAMETER, PhysicalDeviceObject, ddi, caller,
                  "DeviceDescription %p, NumberOfMapRegisters %p", (void *)DeviceDescription,
                  (void *)NumberOfMapRegisters);
        return NULL;
    }
    b = PhysicalDeviceObject != NULL ? PhysicalDeviceObject->DeviceObjectExtension : NULL;
    if (b == NULL || b->magic != WDM_DMA_PDO_MAGIC) {
        vf_report(VF_RULE_DMA_ADAPTER_INVALID, PhysicalDeviceObject, ddi, caller,
                  "not the physical device object of a bus device");
        return NULL;
    }
    if (b->machine != exec_ctx_self()->machine) {
        vf_report(VF_RULE_DMA_ADAPTER_INVALID, PhysicalDeviceObject, ddi, caller,
                  "physical device object of another machine");
        return NULL;
    }
    return adapter_create(b->machine, b->dev, DeviceDescription, &b->params,
                          NumberOfMapRegisters, caller);
}

/* ---- statistics ---- */

int wdm_dma_adapter_get_stats(PDMA_ADAPTER adapter, struct wdm_dma_adapter_stats *out)
{
    struct wdm_dma_adapter *a = to_wdm_dma_adapter(adapter);
    const struct wdm_dma_counters *c;

    if (a == NULL || !wdm_dma_ops_ours(adapter->DmaOperations) || a->magic != WDM_DMA_MAGIC)
        return -1;
    c = &a->stats;
    memset(out, 0, sizeof(*out));
    pthread_mutex_lock(&a->lock);
    out->map_registers = a->nmr;
    out->map_registers_in_use = a->regs_in_use;
    out->map_registers_peak = a->regs_peak;
    out->sg_lists_outstanding = a->sg_outstanding;
    out->waiting = a->waiting;
    out->common_buffers = a->common_count;
    out->common_buffer_bytes = a->common_bytes;
    pthread_mutex_unlock(&a->lock);
    out->address_bits = a->address_bits;
    out->sg_lists_built = atomic_load_explicit(&c->sg_lists_built, memory_order_relaxed);
    out->sg_elements = atomic_load_explicit(&c->sg_elements, memory_order_relaxed);
    out->channel_grants = atomic_load_explicit(&c->channel_grants, memory_order_relaxed);
    out->mappings = atomic_load_explicit(&c->mappings, memory_order_relaxed);
    out->deferred = atomic_load_explicit(&c->deferred, memory_order_relaxed);
    out->bounce_bytes_in = atomic_load_explicit(&c->bounce_bytes_in, memory_order_relaxed);
    out->bounce_bytes_out = atomic_load_explicit(&c->bounce_bytes_out, memory_order_relaxed);
    out->bounced_pieces = atomic_load_explicit(&c->bounced_pieces, memory_order_relaxed);
    out->windows_open = atomic_load_explicit(&c->windows_open, memory_order_relaxed);
    out->windows_opened = atomic_load_explicit(&c->windows_opened, memory_order_relaxed);
    return 0;
}

unsigned wdm_dma_adapter_device_id(PDMA_ADAPTER adapter)
{
    struct wdm_dma_adapter *a = to_wdm_dma_adapter(adapter);

    return a != NULL && wdm_dma_ops_ours(adapter->DmaOperations) && a->magic == WDM_DMA_MAGIC
               ? a->devid : 0;
}

/* ---- informational operations ---- */

/* Bus masters here have no alignment constraint beyond a byte. */
static ULONG NTAPI wdm_dma_get_alignment(PDMA_ADAPTER DmaAdapter)
{
    return wdm_dma_resolve(DmaAdapter, 1, "GetDmaAlignment", VF_CALLER()) != NULL ? 1 : 0;
}

/* Only system DMA controllers have a counter; a bus master's reads 0. */
static ULONG NTAPI wdm_dma_read_counter(PDMA_ADAPTER DmaAdapter)
{
    (void)wdm_dma_resolve(DmaAdapter, 1, "ReadDmaCounter", VF_CALLER());
    return 0;
}

static NTSTATUS NTAPI wdm_dma_get_adapter_info(PDMA_ADAPTER DmaAdapter,
                                               PDMA_ADAPTER_INFO AdapterInfo)
{
    static const char ddi[] = "GetDmaAdapterInfo";
    const void *caller = VF_CALLER();
    struct wdm_dma_adapter *a = wdm_dma_resolve(DmaAdapter, 3, ddi, caller);

    if (a == NULL)
        return STATUS_INVALID_PARAMETER;
    wdm_irql_check_max(DISPATCH_LEVEL, ddi, caller);
    if (AdapterInfo == NULL) {
        vf_report(VF_RULE_NULL_PARAMETER, a, ddi, caller, "AdapterInfo is NULL");
        return STATUS_INVALID_PARAMETER;
    }
    if (AdapterInfo->Version != DMA_ADAPTER_INFO_VERSION1)
        return STATUS_NOT_SUPPORTED;
    AdapterInfo->V1 = (DMA_ADAPTER_INFO_V1){
        .ReadDmaCounterAvailable = FALSE,
        .ScatterGatherLimit = a->nmr,
        .DmaAddressWidth = a->address_bits,
        .Flags = ADAPTER_INFO_SYNCHRONOUS_CALLBACK,
        .MinimumTransferUnit = 1,
    };
    return STATUS_SUCCESS;
}
