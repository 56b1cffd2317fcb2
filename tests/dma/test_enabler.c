/* test_enabler.c - WDFDMAENABLER creation and accessors through the drv_dma driver, against the
 * sgdma (64-bit scatter/gather) and pktdma (32-bit packet) devices.  Rules checked here:
 *   WdfDmaEnablerCreate: PASSIVE_LEVEL; Config->Size (STATUS_INFO_LENGTH_MISMATCH); profile and
 *   MaximumLength 0 (STATUS_INVALID_PARAMETER); parent always the device, ParentObject ignored;
 *   handle NULL on failure (Rules DMA-EN-001..003)
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdmaenabler/nf-wdfdmaenabler-wdfdmaenablercreate
 *   AddressWidthOverride (<= 32 for 32-bit profiles, selects DMA version 3), WdmDmaVersionOverride
 *   (not below the version implied), REQUIRE_SINGLE_TRANSFER (DMA version 3 only) (Rule DMA-EN-004)
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdmaenabler/ns-wdfdmaenabler-_wdf_dma_enabler_config
 *   GetMaximumLength, Get/SetMaximumScatterGatherElements (0 ignored, PASSIVE_LEVEL),
 *   GetFragmentLength = min(MaximumLength, (map registers - 1) * PAGE_SIZE), WdmGetDmaAdapter (one
 *   adapter for simplex, two for duplex); an invalid direction is WDF-PARAM-002
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdmaenabler/nf-wdfdmaenabler-wdfdmaenablergetfragmentlength
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdmaenabler/nf-wdfdmaenabler-wdfdmaenablerwdmgetdmaadapter
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdmaenabler/nf-wdfdmaenabler-wdfdmaenablersetmaximumscattergatherelements
 *   what the adapter leaks is found when the enabler is deleted (DMA-CB-003, DMA-SG-002). */
#include "dma_fixture.h"

#include "kmdf/dma/fx_dmaenabler.h"

static struct fx_dma_enabler *internal(WDFDMAENABLER h)
{
    return fx_dma_enabler_resolve(WdfDriverGlobals, h, "test", NULL);
}

static struct wdm_dma_adapter_stats adapter_stats(PDMA_ADAPTER a)
{
    struct wdm_dma_adapter_stats s;

    memset(&s, 0, sizeof(s));
    REQUIRE(wdm_dma_adapter_get_stats(a, &s) == 0);
    return s;
}

static NTSTATUS create(WDF_DMA_PROFILE profile, size_t max, ULONG width, ULONG version,
                       ULONG flags, WDFDMAENABLER *out)
{
    WDF_DMA_ENABLER_CONFIG config;

    WDF_DMA_ENABLER_CONFIG_INIT(&config, profile, max);
    config.AddressWidthOverride = width;
    config.WdmDmaVersionOverride = version;
    config.Flags = flags;
    *out = (WDFDMAENABLER)(ULONG_PTR)0x1; /* must come back NULL on failure */
    return DrvDmaCreateEnabler(&config, WDF_NO_OBJECT_ATTRIBUTES, FALSE, out);
}

/* Rules DMA-EN-001..004: every documented failure, in the order KMDF checks them. */
static void test_create_statuses(void)
{
    struct dma_fixture f;
    WDF_DMA_ENABLER_CONFIG config;
    WDFDMAENABLER e;

    REQUIRE(dma_up(&f, &sgdma_model, &(DRV_DMA_PLAN){0}, true) == STATUS_SUCCESS);
    vf_reset();

    WDF_DMA_ENABLER_CONFIG_INIT(&config, WdfDmaProfileScatterGather64, 65536);
    CHECK_EQ(config.Size, 80);
    config.Size = 64; /* the KMDF 1.9 layout */
    e = (WDFDMAENABLER)(ULONG_PTR)0x1;
    CHECK_EQ(DrvDmaCreateEnabler(&config, WDF_NO_OBJECT_ATTRIBUTES, FALSE, &e),
             STATUS_INFO_LENGTH_MISMATCH);
    CHECK(e == NULL);
    config.Size = 81;
    CHECK_EQ(DrvDmaCreateEnabler(&config, WDF_NO_OBJECT_ATTRIBUTES, FALSE, &e),
             STATUS_INFO_LENGTH_MISMATCH);

    CHECK_EQ(create(WdfDmaProfileInvalid, 65536, 0, 0, 0, &e), STATUS_INVALID_PARAMETER);
    CHECK(e == NULL);
    CHECK_EQ(create((WDF_DMA_PROFILE)9, 65536, 0, 0, 0, &e), STATUS_INVALID_PARAMETER);
    CHECK_EQ(create(WdfDmaProfileScatterGather64, 0, 0, 0, 0, &e), STATUS_INVALID_PARAMETER);
    CHECK(e == NULL);
    /* A 32-bit profile cannot be widened; a 64-bit one can be narrowed. */
    CHECK_EQ(create(WdfDmaProfileScatterGather, 65536, 33, 0, 0, &e), STATUS_INVALID_PARAMETER);
    CHECK_EQ(create(WdfDmaProfilePacket, 65536, 40, 0, 0, &e), STATUS_INVALID_PARAMETER);
    /* The width override implies version 3: asking for 2 is asking for less. */
    CHECK_EQ(create(WdfDmaProfileScatterGather64, 65536, 40, 2, 0, &e), STATUS_INVALID_PARAMETER);
    CHECK_EQ(create(WdfDmaProfileScatterGather64, 65536, 0, 1, 0, &e), STATUS_INVALID_PARAMETER);
    CHECK_EQ(create(WdfDmaProfileScatterGather64, 65536, 0, 0,
                    WDF_DMA_ENABLER_CONFIG_REQUIRE_SINGLE_TRANSFER, &e),
             STATUS_INVALID_PARAMETER);
    CHECK_EQ(create(WdfDmaProfileScatterGather64, 65536, 0, 2,
                    WDF_DMA_ENABLER_CONFIG_REQUIRE_SINGLE_TRANSFER, &e),
             STATUS_INVALID_PARAMETER);
    CHECK(e == NULL);
    /* System-mode DMA is not modelled. */
    CHECK_EQ(create(WdfDmaProfileSystem, 65536, 0, 0, 0, &e), STATUS_NOT_SUPPORTED);
    CHECK_EQ(create(WdfDmaProfileSystemDuplex, 65536, 0, 0, 0, &e), STATUS_NOT_SUPPORTED);
    CHECK(e == NULL);
    /* Documented failures are statuses, not findings; nothing was left behind. */
    CHECK_EQ(vf_total(), 0);
    CHECK_EQ(kmdf_object_count(f.m, FX_TYPE_DMA_ENABLER), 0);

    /* The valid neighbours of those cases. */
    CHECK_EQ(create(WdfDmaProfileScatterGather, 65536, 32, 0, 0, &e), STATUS_SUCCESS);
    CHECK_EQ(fx_dma_enabler_version(internal(e)), 3);
    CHECK_EQ(adapter_stats(WdfDmaEnablerWdmGetDmaAdapter(e, WdfDmaDirectionReadFromDevice))
                 .address_bits,
             32);
    CHECK_EQ(create(WdfDmaProfileScatterGather64, 65536, 40, 3, 0, &e), STATUS_SUCCESS);
    CHECK_EQ(adapter_stats(WdfDmaEnablerWdmGetDmaAdapter(e, WdfDmaDirectionReadFromDevice))
                 .address_bits,
             40);
    CHECK_EQ(create(WdfDmaProfileScatterGather64, 65536, 0, 3,
                    WDF_DMA_ENABLER_CONFIG_REQUIRE_SINGLE_TRANSFER, &e),
             STATUS_SUCCESS);
    CHECK(fx_dma_enabler_requires_single_transfer(internal(e)));
    CHECK_EQ(create(WdfDmaProfileScatterGather64, 65536, 0, 0, 0, &e), STATUS_SUCCESS);
    CHECK_EQ(fx_dma_enabler_version(internal(e)), FX_DMA_DEFAULT_VERSION);
    CHECK(!fx_dma_enabler_requires_single_transfer(internal(e)));
    CHECK_EQ(kmdf_object_count(f.m, FX_TYPE_DMA_ENABLER), 4);
    CHECK_EQ(vf_total(), 0);
    dma_down(&f);
}

/* Misuse: IRQL, NULL pointers, bad handles; ParentObject is ignored. */
static void test_create_misuse(void)
{
    struct dma_fixture f;
    WDF_DMA_ENABLER_CONFIG config;
    WDF_OBJECT_ATTRIBUTES attributes;
    WDFDMAENABLER e = NULL, other;

    REQUIRE(dma_up(&f, &sgdma_model, &(DRV_DMA_PLAN){0}, true) == STATUS_SUCCESS);
    vf_reset();
    WDF_DMA_ENABLER_CONFIG_INIT(&config, WdfDmaProfileScatterGather64, 65536);

    exec_ctx_self()->level = EXEC_LEVEL_DISPATCH;
    CHECK_EQ(WdfDmaEnablerCreate(DrvDmaDevice(), &config, WDF_NO_OBJECT_ATTRIBUTES, &e),
             STATUS_INVALID_DEVICE_REQUEST);
    exec_ctx_self()->level = EXEC_LEVEL_PASSIVE;
    CHECK_EQ(vf_count(VF_RULE_IRQL_TOO_HIGH), 1);
    CHECK(e == NULL);

    CHECK_EQ(WdfDmaEnablerCreate(DrvDmaDevice(), NULL, WDF_NO_OBJECT_ATTRIBUTES, &e),
             STATUS_INVALID_PARAMETER);
    CHECK_EQ(WdfDmaEnablerCreate(DrvDmaDevice(), &config, WDF_NO_OBJECT_ATTRIBUTES, NULL),
             STATUS_INVALID_PARAMETER);
    CHECK_EQ(vf_count(VF_RULE_NULL_PARAMETER), 2);
    CHECK_EQ(WdfDmaEnablerCreate((WDFDEVICE)(ULONG_PTR)0x1235, &config, WDF_NO_OBJECT_ATTRIBUTES,
                                 &e),
             STATUS_INVALID_HANDLE);
    CHECK_EQ(vf_count(VF_RULE_HANDLE_INVALID), 1);

    /* The device is the parent whatever ParentObject says. */
    CHECK_EQ(WdfDmaEnablerCreate(DrvDmaDevice(), &config, WDF_NO_OBJECT_ATTRIBUTES, &other),
             STATUS_SUCCESS);
    WDF_OBJECT_ATTRIBUTES_INIT(&attributes);
    attributes.ParentObject = other;
    CHECK_EQ(WdfDmaEnablerCreate(DrvDmaDevice(), &config, &attributes, &e), STATUS_SUCCESS);
    CHECK(fx_object_parent(&internal(e)->obj) == &f.dev->obj);
    /* Deleting the would-be parent leaves it alone. */
    WdfObjectDelete(other);
    CHECK_EQ(WdfDmaEnablerGetMaximumLength(e), 65536);

    /* An enabler handle is not a device handle, and the other way round. */
    CHECK_EQ(WdfDmaEnablerGetMaximumLength((WDFDMAENABLER)DrvDmaDevice()), 0);
    CHECK_EQ(vf_count(VF_RULE_HANDLE_WRONG_TYPE), 1);
    CHECK_EQ(vf_total(), 5);
    dma_down(&f);
}

/* Accessors of a simplex SG enabler, of a duplex one and of a packet one. */
static void test_accessors(void)
{
    struct dma_fixture f;
    WDFDMAENABLER e, d;
    PDMA_ADAPTER r, w;
    struct wdm_dma_adapter_stats s;

    REQUIRE(dma_up(&f, &sgdma_model, &(DRV_DMA_PLAN){0}, true) == STATUS_SUCCESS);
    vf_reset();

    /* 8 MiB with at most 1025 map registers: fragments of 4 MiB (GetFragmentLength's doc:
     * the framework may cut transfers below MaximumLength). */
    CHECK_EQ(create(WdfDmaProfileScatterGather64, 8u << 20, 0, 0, 0, &e), STATUS_SUCCESS);
    CHECK_EQ(WdfDmaEnablerGetMaximumLength(e), 8u << 20);
    r = WdfDmaEnablerWdmGetDmaAdapter(e, WdfDmaDirectionReadFromDevice);
    w = WdfDmaEnablerWdmGetDmaAdapter(e, WdfDmaDirectionWriteToDevice);
    CHECK(r != NULL && r == w);
    s = adapter_stats(r);
    CHECK_EQ(s.map_registers, WDM_DMA_DEFAULT_MAP_REGISTER_CAP);
    CHECK_EQ(s.address_bits, 64);
    CHECK_EQ(WdfDmaEnablerGetFragmentLength(e, WdfDmaDirectionReadFromDevice),
             (size_t)(s.map_registers - 1) * PAGE_SIZE);
    CHECK_EQ(WdfDmaEnablerGetFragmentLength(e, WdfDmaDirectionWriteToDevice), 4u << 20);
    CHECK(WdfDmaEnablerGetFragmentLength(e, WdfDmaDirectionReadFromDevice) <
          WdfDmaEnablerGetMaximumLength(e));

    /* A small maximum: the fragment is the whole maximum. */
    CHECK_EQ(create(WdfDmaProfileScatterGather, 65536, 0, 0, 0, &d), STATUS_SUCCESS);
    s = adapter_stats(WdfDmaEnablerWdmGetDmaAdapter(d, WdfDmaDirectionReadFromDevice));
    CHECK_EQ(s.map_registers, BYTES_TO_PAGES(65536) + 1);
    CHECK_EQ(s.address_bits, 32);
    CHECK_EQ(WdfDmaEnablerGetFragmentLength(d, WdfDmaDirectionReadFromDevice), 65536);
    /* MaximumLength is kept as a ULONG. */
    CHECK_EQ(create(WdfDmaProfileScatterGather64, 0x100003000ull, 0, 0, 0, &d), STATUS_SUCCESS);
    CHECK_EQ(WdfDmaEnablerGetMaximumLength(d), 0x3000);

    /* Scatter/gather element limit: unlimited, set, 0 ignored, clamped to 32 bits. */
    CHECK_EQ(WdfDmaEnablerGetMaximumScatterGatherElements(e), WDF_DMA_ENABLER_UNLIMITED_FRAGMENTS);
    WdfDmaEnablerSetMaximumScatterGatherElements(e, 16);
    CHECK_EQ(WdfDmaEnablerGetMaximumScatterGatherElements(e), 16);
    WdfDmaEnablerSetMaximumScatterGatherElements(e, 0);
    CHECK_EQ(WdfDmaEnablerGetMaximumScatterGatherElements(e), 16);
    WdfDmaEnablerSetMaximumScatterGatherElements(e, (size_t)1 << 40);
    CHECK_EQ(WdfDmaEnablerGetMaximumScatterGatherElements(e), WDF_DMA_ENABLER_UNLIMITED_FRAGMENTS);
    CHECK_EQ(vf_total(), 0);
    exec_ctx_self()->level = EXEC_LEVEL_DISPATCH;
    WdfDmaEnablerSetMaximumScatterGatherElements(e, 8);
    CHECK_EQ(WdfDmaEnablerGetMaximumScatterGatherElements(e), WDF_DMA_ENABLER_UNLIMITED_FRAGMENTS);
    CHECK_EQ(WdfDmaEnablerGetFragmentLength(e, WdfDmaDirectionReadFromDevice), 4u << 20);
    exec_ctx_self()->level = EXEC_LEVEL_PASSIVE;
    CHECK_EQ(vf_count(VF_RULE_IRQL_TOO_HIGH), 1);

    /* Duplex: two adapters with the same description. */
    CHECK_EQ(create(WdfDmaProfileScatterGather64Duplex, 1u << 20, 0, 0, 0, &d), STATUS_SUCCESS);
    r = WdfDmaEnablerWdmGetDmaAdapter(d, WdfDmaDirectionReadFromDevice);
    w = WdfDmaEnablerWdmGetDmaAdapter(d, WdfDmaDirectionWriteToDevice);
    CHECK(r != NULL && w != NULL && r != w);
    CHECK_EQ(adapter_stats(r).map_registers, adapter_stats(w).map_registers);
    CHECK_EQ(WdfDmaEnablerGetFragmentLength(d, WdfDmaDirectionReadFromDevice), 1u << 20);
    CHECK_EQ(WdfDmaEnablerGetFragmentLength(d, WdfDmaDirectionWriteToDevice), 1u << 20);
    CHECK(fx_dma_enabler_is_duplex(internal(d)) && fx_dma_enabler_is_64bit(internal(d)));
    CHECK_EQ(create(WdfDmaProfileScatterGatherDuplex, 1u << 20, 0, 0, 0, &d), STATUS_SUCCESS);
    CHECK_EQ(adapter_stats(WdfDmaEnablerWdmGetDmaAdapter(d, WdfDmaDirectionWriteToDevice))
                 .address_bits,
             32);

    /* Rule WDF-PARAM-002: a direction outside WDF_DMA_DIRECTION. */
    CHECK(WdfDmaEnablerWdmGetDmaAdapter(e, (WDF_DMA_DIRECTION)2) == NULL);
    CHECK_EQ(WdfDmaEnablerGetFragmentLength(e, (WDF_DMA_DIRECTION)-1), 0);
    CHECK_EQ(vf_count(VF_RULE_PARAM_INVALID), 2);
    CHECK_EQ(vf_total(), 3);
    dma_down(&f);
}

/* The packet profile on the 32-bit packet device; the default DMA version and its override. */
static void test_packet_profile(void)
{
    struct dma_fixture f;
    WDFDMAENABLER e, v3;
    struct fx_dma_enabler *in;

    REQUIRE(dma_up(&f, &pktdma_model, &(DRV_DMA_PLAN){0}, true) == STATUS_SUCCESS);
    vf_reset();
    CHECK_EQ(create(WdfDmaProfilePacket, 1u << 20, 0, 0, 0, &e), STATUS_SUCCESS);
    in = internal(e);
    CHECK(fx_dma_enabler_kind(in) == FX_DMA_KIND_PACKET);
    CHECK_EQ(fx_dma_enabler_version(in), 2);
    CHECK(!fx_dma_enabler_supports_chained_mdls(in));
    CHECK(!fx_dma_enabler_preallocates_sg(in));
    CHECK(fx_dma_enabler_sg_buffer_get(in, NULL) == NULL);
    CHECK_EQ(adapter_stats(fx_dma_enabler_adapter(in, WdfDmaDirectionReadFromDevice)).address_bits,
             32);
    CHECK_EQ(WdfDmaEnablerGetFragmentLength(e, WdfDmaDirectionWriteToDevice), 1u << 20);

    CHECK_EQ(create(WdfDmaProfilePacket64, 1u << 20, 0, 3, 0, &v3), STATUS_SUCCESS);
    CHECK_EQ(fx_dma_enabler_version(internal(v3)), 3);
    CHECK(fx_dma_enabler_supports_chained_mdls(internal(v3)));

    /* DMA v2 packet transactions are serialized per device, across enablers. */
    CHECK(fx_dma_packet_token_acquire(in, &e));
    CHECK(!fx_dma_packet_token_acquire(internal(v3), &v3));
    fx_dma_packet_token_release(in, &e);
    CHECK(fx_dma_packet_token_acquire(internal(v3), &v3));
    fx_dma_packet_token_release(internal(v3), &v3);
    CHECK_EQ(vf_total(), 0);
    dma_down(&f);
}

/* SG-list buffers: preallocated for SG profiles, sized for the largest transfer. */
static void test_sg_buffers(void)
{
    struct dma_fixture f;
    WDFDMAENABLER e, n;
    struct fx_dma_enabler *in;
    ULONG size = 0;
    void *a, *b;

    REQUIRE(dma_up(&f, &sgdma_model, &(DRV_DMA_PLAN){0}, true) == STATUS_SUCCESS);
    CHECK_EQ(create(WdfDmaProfileScatterGather64, 65536, 0, 0, 0, &e), STATUS_SUCCESS);
    in = internal(e);
    CHECK(fx_dma_enabler_preallocates_sg(in));
    a = fx_dma_enabler_sg_buffer_get(in, &size);
    CHECK(a != NULL);
    CHECK_EQ(size, sizeof(SCATTER_GATHER_LIST) +
                       fx_dma_enabler_map_registers(in, WdfDmaDirectionReadFromDevice) *
                           sizeof(SCATTER_GATHER_ELEMENT));
    fx_dma_enabler_sg_buffer_put(in, a);
    b = fx_dma_enabler_sg_buffer_get(in, NULL);
    CHECK(b == a); /* reused, not allocated again */
    fx_dma_enabler_sg_buffer_put(in, b);
    CHECK_EQ(create(WdfDmaProfileScatterGather64, 65536, 0, 0,
                    WDF_DMA_ENABLER_CONFIG_NO_SGLIST_PREALLOCATION, &n),
             STATUS_SUCCESS);
    CHECK(!fx_dma_enabler_preallocates_sg(internal(n)));
    CHECK(fx_dma_enabler_sg_buffer_get(internal(n), NULL) == NULL);
    CHECK_EQ(vf_total(), 0);
    dma_down(&f);
}

static VOID NTAPI list_control(PDEVICE_OBJECT DeviceObject, PIRP Irp, PSCATTER_GATHER_LIST List,
                               PVOID Context)
{
    (void)DeviceObject;
    (void)Irp;
    *(PSCATTER_GATHER_LIST *)Context = List;
}

/* Deleting an enabler puts its adapters back, and what the driver left on them is reported by
 * the adapter's checks; enablers and their adapters deleted with the device are not leaks. */
static void test_delete(void)
{
    struct dma_fixture f;
    WDFDMAENABLER e, keep;
    PDMA_ADAPTER a;
    PHYSICAL_ADDRESS la;
    PSCATTER_GATHER_LIST list = NULL;
    PVOID buffer, common;
    PMDL mdl;
    KIRQL old;

    REQUIRE(dma_up(&f, &sgdma_model, &(DRV_DMA_PLAN){0}, true) == STATUS_SUCCESS);
    vf_reset();
    CHECK_EQ(create(WdfDmaProfileScatterGather64, 65536, 0, 0, 0, &e), STATUS_SUCCESS);
    CHECK_EQ(create(WdfDmaProfileScatterGather64, 65536, 0, 0, 0, &keep), STATUS_SUCCESS);
    a = WdfDmaEnablerWdmGetDmaAdapter(e, WdfDmaDirectionWriteToDevice);

    common = a->DmaOperations->AllocateCommonBuffer(a, 4096, &la, TRUE);
    REQUIRE(common != NULL);
    buffer = ExAllocatePool2(POOL_FLAG_NON_PAGED, 8192, 0x416d4474u);
    REQUIRE(buffer != NULL);
    mdl = IoAllocateMdl(buffer, 8192, FALSE, FALSE, NULL);
    REQUIRE(mdl != NULL);
    MmBuildMdlForNonPagedPool(mdl);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    CHECK_EQ(a->DmaOperations->GetScatterGatherList(a, &f.dev->wdm, mdl, MmGetMdlVirtualAddress(mdl),
                                                    8192, list_control, &list, TRUE),
             STATUS_SUCCESS);
    KeLowerIrql(old);
    CHECK(list != NULL);
    CHECK_EQ(vf_total(), 0);

    WdfObjectDelete(e);
    CHECK_EQ(vf_count(VF_RULE_DMA_SG_LEAK), 1);
    CHECK_EQ(vf_count(VF_RULE_DMA_COMMON_BUFFER_LEAK), 1);
    CHECK_EQ(kmdf_object_count(f.m, FX_TYPE_DMA_ENABLER), 1);
    IoFreeMdl(mdl);
    ExFreePoolWithTag(buffer, 0x416d4474u);

    /* The other enabler goes with the device at removal: no finding. */
    vf_reset();
    CHECK_EQ(fx_device_remove(f.dev), STATUS_SUCCESS);
    CHECK_EQ(kmdf_object_count(f.m, FX_TYPE_DMA_ENABLER), 0);
    CHECK_EQ(vf_total(), 0);
    dma_down(&f);
}

int main(void)
{
    test_create_statuses();
    test_create_misuse();
    test_accessors();
    test_packet_profile();
    test_sg_buffers();
    test_delete();
    return check_done();
}
