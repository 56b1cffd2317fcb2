/* test_common_buffer.c - WDFCOMMONBUFFER through the drv_dma driver on the sgdma and pktdma
 * devices.  Rules checked here:
 *   WdfCommonBufferCreate[WithConfig]: PASSIVE_LEVEL; Length 0 -> STATUS_INVALID_PARAMETER
 *   (Rule DMA-EN-007); a ParentObject -> STATUS_WDF_PARENT_ASSIGNMENT_NOT_ALLOWED, the parent is the
 *   enabler; Config->Size -> STATUS_INFO_LENGTH_MISMATCH (Rule DMA-EN-008); the config's
 *   AlignmentRequirement replaces the enabler's, which comes from WdfDeviceSetAlignmentRequirement
 *   for scatter/gather profiles
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfcommonbuffer/nf-wdfcommonbuffer-wdfcommonbuffercreate
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfcommonbuffer/nf-wdfcommonbuffer-wdfcommonbuffercreatewithconfig
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdevice/nf-wdfdevice-wdfdevicesetalignmentrequirement
 *   the buffer is contiguous memory the device reaches (below 4 GiB for a 32-bit profile): the
 *   device moves data into and out of it; its window closes when it is deleted, by the driver or
 *   with the enabler; bytes written past its end are found when it is freed (DMA-CB-001)
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/using-common-buffers */
#include "dma_fixture.h"

#include "kmdf/dma/fx_dmaenabler.h"
#include "platform/iommu.h"
#include "platform/physmem.h"

static WDFDMAENABLER enabler(WDF_DMA_PROFILE profile)
{
    WDF_DMA_ENABLER_CONFIG config;
    WDFDMAENABLER e = NULL;

    WDF_DMA_ENABLER_CONFIG_INIT(&config, profile, 1u << 20);
    REQUIRE(DrvDmaCreateEnabler(&config, WDF_NO_OBJECT_ATTRIBUTES, FALSE, &e) == STATUS_SUCCESS);
    return e;
}

static WDFCOMMONBUFFER buffer(WDFDMAENABLER e, size_t length, LONG alignment)
{
    WDF_COMMON_BUFFER_CONFIG config;
    WDFCOMMONBUFFER cb = NULL;

    if (alignment < 0) {
        REQUIRE(WdfCommonBufferCreate(e, length, WDF_NO_OBJECT_ATTRIBUTES, &cb) == STATUS_SUCCESS);
    } else {
        WDF_COMMON_BUFFER_CONFIG_INIT(&config, (ULONG)alignment);
        REQUIRE(WdfCommonBufferCreateWithConfig(e, length, &config, WDF_NO_OBJECT_ATTRIBUTES,
                                                &cb) == STATUS_SUCCESS);
    }
    return cb;
}

static struct fx_common_buffer *internal(WDFCOMMONBUFFER h)
{
    struct fx_object *o = fx_object_resolve(WdfDriverGlobals, h, FX_TYPE_COMMON_BUFFER, "test", NULL);
    return o != NULL ? to_common_buffer(o) : NULL;
}

static uint64_t la_of(WDFCOMMONBUFFER cb)
{
    return (uint64_t)WdfCommonBufferGetAlignedLogicalAddress(cb).QuadPart;
}

/* The aligned VA is the CPU view of the aligned LA (bus address = machine-physical address). */
static bool va_matches_la(struct dma_fixture *f, WDFCOMMONBUFFER cb)
{
    return physmem_virt_to_phys(f->m->mem, WdfCommonBufferGetAlignedVirtualAddress(cb)) == la_of(cb);
}

/* Rules DMA-EN-007, DMA-EN-008 and the misuse findings. */
static void test_create_statuses(void)
{
    struct dma_fixture f;
    WDF_COMMON_BUFFER_CONFIG config;
    WDF_OBJECT_ATTRIBUTES attributes;
    WDFDMAENABLER e;
    WDFCOMMONBUFFER cb;

    REQUIRE(dma_up(&f, &sgdma_model, &(DRV_DMA_PLAN){0}, true) == STATUS_SUCCESS);
    e = enabler(WdfDmaProfileScatterGather64);
    vf_reset();

    cb = (WDFCOMMONBUFFER)(ULONG_PTR)0x1;
    CHECK_EQ(WdfCommonBufferCreate(e, 0, WDF_NO_OBJECT_ATTRIBUTES, &cb), STATUS_INVALID_PARAMETER);
    CHECK(cb == NULL);
    WDF_OBJECT_ATTRIBUTES_INIT(&attributes);
    attributes.ParentObject = DrvDmaDevice();
    cb = (WDFCOMMONBUFFER)(ULONG_PTR)0x1;
    CHECK_EQ(WdfCommonBufferCreate(e, 4096, &attributes, &cb),
             STATUS_WDF_PARENT_ASSIGNMENT_NOT_ALLOWED);
    CHECK(cb == NULL);
    WDF_COMMON_BUFFER_CONFIG_INIT(&config, FILE_QUAD_ALIGNMENT);
    CHECK_EQ(config.Size, 8);
    CHECK_EQ(WdfCommonBufferCreateWithConfig(e, 0, &config, WDF_NO_OBJECT_ATTRIBUTES, &cb),
             STATUS_INVALID_PARAMETER);
    CHECK_EQ(WdfCommonBufferCreateWithConfig(e, 64, &config, &attributes, &cb),
             STATUS_WDF_PARENT_ASSIGNMENT_NOT_ALLOWED);
    config.Size = 12;
    CHECK_EQ(WdfCommonBufferCreateWithConfig(e, 64, &config, WDF_NO_OBJECT_ATTRIBUTES, &cb),
             STATUS_INFO_LENGTH_MISMATCH);
    config.Size = 0;
    CHECK_EQ(WdfCommonBufferCreateWithConfig(e, 64, &config, WDF_NO_OBJECT_ATTRIBUTES, &cb),
             STATUS_INFO_LENGTH_MISMATCH);
    /* More than a ULONG can describe: no such allocation. */
    CHECK_EQ(WdfCommonBufferCreate(e, (size_t)1 << 32, WDF_NO_OBJECT_ATTRIBUTES, &cb),
             STATUS_INSUFFICIENT_RESOURCES);
    CHECK(cb == NULL);
    CHECK_EQ(vf_total(), 0);
    CHECK_EQ(kmdf_object_count(f.m, FX_TYPE_COMMON_BUFFER), 0);

    /* Misuse. */
    exec_ctx_self()->level = EXEC_LEVEL_DISPATCH;
    CHECK_EQ(WdfCommonBufferCreate(e, 64, WDF_NO_OBJECT_ATTRIBUTES, &cb),
             STATUS_INVALID_DEVICE_REQUEST);
    exec_ctx_self()->level = EXEC_LEVEL_PASSIVE;
    CHECK_EQ(vf_count(VF_RULE_IRQL_TOO_HIGH), 1);
    CHECK_EQ(WdfCommonBufferCreate(e, 64, WDF_NO_OBJECT_ATTRIBUTES, NULL),
             STATUS_INVALID_PARAMETER);
    CHECK_EQ(WdfCommonBufferCreateWithConfig(e, 64, NULL, WDF_NO_OBJECT_ATTRIBUTES, &cb),
             STATUS_INVALID_PARAMETER);
    CHECK_EQ(vf_count(VF_RULE_NULL_PARAMETER), 2);
    CHECK_EQ(WdfCommonBufferCreate((WDFDMAENABLER)DrvDmaDevice(), 64, WDF_NO_OBJECT_ATTRIBUTES,
                                   &cb),
             STATUS_INVALID_HANDLE);
    CHECK_EQ(vf_count(VF_RULE_HANDLE_WRONG_TYPE), 1);
    WDF_COMMON_BUFFER_CONFIG_INIT(&config, 5); /* not 2^n - 1 */
    CHECK_EQ(WdfCommonBufferCreateWithConfig(e, 64, &config, WDF_NO_OBJECT_ATTRIBUTES, &cb),
             STATUS_INVALID_PARAMETER);
    CHECK_EQ(vf_count(VF_RULE_PARAM_INVALID), 1);
    CHECK_EQ(WdfCommonBufferGetLength((WDFCOMMONBUFFER)e), 0);
    CHECK_EQ(vf_count(VF_RULE_HANDLE_WRONG_TYPE), 2);
    CHECK_EQ(vf_total(), 6);
    CHECK_EQ(kmdf_object_count(f.m, FX_TYPE_COMMON_BUFFER), 0);
    dma_down(&f);
}

/* Length, addresses and alignment. */
static void test_alignment(void)
{
    struct dma_fixture f;
    DRV_DMA_PLAN plan = {.SetAlignment = TRUE, .Alignment = 0x1FFF}; /* 8 KiB */
    WDFDMAENABLER sg, pkt;
    WDFCOMMONBUFFER cb;

    REQUIRE(dma_up(&f, &sgdma_model, &plan, true) == STATUS_SUCCESS);
    vf_reset();
    sg = enabler(WdfDmaProfileScatterGather64);
    pkt = enabler(WdfDmaProfilePacket64);
    /* Scatter/gather profiles take the device's requirement; packet profiles do not. */
    CHECK_EQ(fx_dma_enabler_resolve(WdfDriverGlobals, sg, "test", NULL)->common_buffer_alignment,
             0x1FFF);
    CHECK_EQ(fx_dma_enabler_resolve(WdfDriverGlobals, pkt, "test", NULL)->common_buffer_alignment,
             0);
    for (int i = 0; i < 6; i++) {
        cb = buffer(sg, 1000 + (size_t)i, -1);
        CHECK_EQ(WdfCommonBufferGetLength(cb), 1000 + (size_t)i);
        CHECK_EQ(la_of(cb) & 0x1FFF, 0);
        CHECK(va_matches_la(&f, cb));
        CHECK_EQ(internal(cb)->alignment, 0x1FFF);
    }
    /* The config replaces the enabler's requirement, in both directions. */
    cb = buffer(sg, 100, 0);
    CHECK_EQ(internal(cb)->alignment, 0);
    CHECK_EQ(internal(cb)->raw_length, 100);
    CHECK(va_matches_la(&f, cb));
    for (int i = 0; i < 4; i++) {
        cb = buffer(pkt, 3000, 0x3FFF); /* 16 KiB: more than the page the adapter guarantees */
        CHECK_EQ(la_of(cb) & 0x3FFF, 0);
        CHECK(va_matches_la(&f, cb));
        CHECK_EQ(WdfCommonBufferGetLength(cb), 3000);
        memset(WdfCommonBufferGetAlignedVirtualAddress(cb), 0xA5, 3000);
    }
    cb = buffer(pkt, 64, FILE_OCTA_ALIGNMENT);
    CHECK_EQ(la_of(cb) & FILE_OCTA_ALIGNMENT, 0);
    CHECK_EQ(vf_total(), 0);
    dma_down(&f);
}

/* A 32-bit profile gets memory below 4 GiB, although half the machine's RAM is above it. */
static void test_32bit(void)
{
    struct dma_fixture f;
    WDFDMAENABLER e;

    REQUIRE(dma_up(&f, &pktdma_model, &(DRV_DMA_PLAN){0}, true) == STATUS_SUCCESS);
    e = enabler(WdfDmaProfilePacket);
    for (int i = 0; i < 16; i++) {
        WDFCOMMONBUFFER cb = buffer(e, 65536, -1);
        CHECK(la_of(cb) + 65536 <= (1ull << 32));
    }
    CHECK_EQ(vf_total(), 0);
    dma_down(&f);
}

/* The device moves data host -> device -> host through two common buffers; after the source is
 * deleted its window is closed and the device's read is refused. */
static void test_device_dma(const struct dmabox_device_model *model, WDF_DMA_PROFILE profile)
{
    enum { LEN = 3 * 4096 + 123, TAIL = 64 };
    struct dma_fixture f;
    WDFDMAENABLER e;
    WDFCOMMONBUFFER ring, a, b;
    UCHAR *va, *vb;
    PHYSICAL_ADDRESS la;
    size_t bad = 0;

    REQUIRE(dma_up(&f, model, &(DRV_DMA_PLAN){0}, true) == STATUS_SUCCESS);
    REQUIRE(fx_device_start(f.dev) == STATUS_SUCCESS);
    e = enabler(profile);
    ring = buffer(e, 64, 31); /* sgdma: 32-byte aligned ring of two descriptors */
    a = buffer(e, LEN, -1);
    b = buffer(e, LEN + TAIL, -1);
    va = WdfCommonBufferGetAlignedVirtualAddress(a);
    vb = WdfCommonBufferGetAlignedVirtualAddress(b);
    for (size_t i = 0; i < LEN; i++)
        va[i] = (UCHAR)(i * 7 + i / 251);
    memset(vb, 0, LEN + TAIL);

    CHECK_EQ(DrvDmaMove(ring, WdfCommonBufferGetAlignedLogicalAddress(a), LEN, 0x2000, TRUE),
             STATUS_SUCCESS);
    CHECK_EQ(DrvDmaMove(ring, WdfCommonBufferGetAlignedLogicalAddress(b), LEN, 0x2000, FALSE),
             STATUS_SUCCESS);
    for (size_t i = 0; i < LEN; i++)
        bad += vb[i] != va[i];
    for (size_t i = LEN; i < LEN + TAIL; i++)
        bad += vb[i] != 0;
    CHECK_EQ(bad, 0);

    la = WdfCommonBufferGetAlignedLogicalAddress(a);
    WdfObjectDelete(a);
    CHECK_EQ(DrvDmaMove(ring, la, LEN, 0x2000, TRUE), STATUS_IO_DEVICE_ERROR);
    CHECK(iommu_fault_count(f.m->iommu) >= 1);
    CHECK_EQ(vf_total(), 0);
    dma_down(&f);
}

/* A CPU write past the end is found when the buffer is freed. */
static void test_overrun(void)
{
    struct dma_fixture f;
    WDFDMAENABLER e;
    WDFCOMMONBUFFER cb, clean;
    struct vf_finding finding;
    UCHAR *va;

    REQUIRE(dma_up(&f, &sgdma_model, &(DRV_DMA_PLAN){0}, true) == STATUS_SUCCESS);
    e = enabler(WdfDmaProfileScatterGather64);
    vf_reset();
    cb = buffer(e, 100, -1);
    clean = buffer(e, 100, -1);
    va = WdfCommonBufferGetAlignedVirtualAddress(cb);
    memset(WdfCommonBufferGetAlignedVirtualAddress(clean), 0x11, 100);
    va[99] = 0x42;
    va[100] = 0x42; /* one byte too far */
    WdfObjectDelete(clean);
    CHECK_EQ(vf_count(VF_RULE_COMMON_BUFFER_OVERRUN), 0);
    WdfObjectDelete(cb);
    /* One finding, naming the WDFCOMMONBUFFER (the adapter's own check stays quiet). */
    CHECK_EQ(vf_count(VF_RULE_COMMON_BUFFER_OVERRUN), 1);
    CHECK_EQ(vf_total(), 1);
    REQUIRE(vf_finding_get(0, &finding) == 0);
    CHECK(finding.object == (const void *)cb);
    CHECK(strcmp(finding.ddi, "WdfObjectDelete") == 0);
    CHECK(strstr(finding.detail, "WDFCOMMONBUFFER of 100 bytes: 1 byte(s) written past its end, "
                                 "the first at offset +0") != NULL);

    /* With the buffer deleted by its enabler, and two bytes further out. */
    cb = buffer(e, 4000, -1);
    ((UCHAR *)WdfCommonBufferGetAlignedVirtualAddress(cb))[4002] = 0x42;
    WdfObjectDelete(e);
    CHECK_EQ(vf_count(VF_RULE_COMMON_BUFFER_OVERRUN), 2);
    REQUIRE(vf_finding_get(1, &finding) == 0);
    CHECK(finding.object == (const void *)cb);
    CHECK(strstr(finding.detail, "the first at offset +2") != NULL);
    CHECK_EQ(vf_total(), 2);
    dma_down(&f);
}

/* Buffers go with their enabler (and the enabler with the device) without leak findings; a
 * reference keeps the object, not the memory. */
static void test_lifetime(void)
{
    struct dma_fixture f;
    WDFDMAENABLER e, e2;
    WDFCOMMONBUFFER a, b, held;
    PDMA_ADAPTER adapter;
    struct wdm_dma_adapter_stats s;

    REQUIRE(dma_up(&f, &sgdma_model, &(DRV_DMA_PLAN){0}, true) == STATUS_SUCCESS);
    vf_reset();
    e = enabler(WdfDmaProfileScatterGather64);
    adapter = WdfDmaEnablerWdmGetDmaAdapter(e, WdfDmaDirectionReadFromDevice);
    a = buffer(e, 4096, -1);
    b = buffer(e, 5000, -1);
    REQUIRE(wdm_dma_adapter_get_stats(adapter, &s) == 0);
    CHECK_EQ(s.common_buffers, 2);
    CHECK_EQ(s.common_buffer_bytes, 9096);
    CHECK(fx_object_parent(&internal(a)->obj) ==
          &fx_dma_enabler_resolve(WdfDriverGlobals, e, "test", NULL)->obj);
    WdfObjectDelete(a);
    REQUIRE(wdm_dma_adapter_get_stats(adapter, &s) == 0);
    CHECK_EQ(s.common_buffers, 1);
    CHECK_EQ(WdfCommonBufferGetLength(a), 0); /* deleted handle */
    CHECK_EQ(vf_count(VF_RULE_HANDLE_DELETED), 1);

    /* A reference on a buffer outlives its enabler's deletion: cleanup frees the memory, the
     * object (and the enabler's adapter) go at the last dereference. */
    held = buffer(e, 128, -1);
    WdfObjectReference(held);
    WdfObjectDelete(e);
    CHECK_EQ(kmdf_object_count(f.m, FX_TYPE_COMMON_BUFFER), 1);
    CHECK_EQ(kmdf_object_count(f.m, FX_TYPE_DMA_ENABLER), 1);
    WdfObjectDereference(held);
    CHECK_EQ(kmdf_object_count(f.m, FX_TYPE_COMMON_BUFFER), 0);
    CHECK_EQ(kmdf_object_count(f.m, FX_TYPE_DMA_ENABLER), 0);
    CHECK_EQ(WdfCommonBufferGetLength(b), 0);
    CHECK_EQ(vf_count(VF_RULE_HANDLE_DELETED), 2);

    /* Buffers still there at removal are deleted with the device: not a leak. */
    e2 = enabler(WdfDmaProfileScatterGatherDuplex);
    (void)buffer(e2, 4096, -1);
    (void)buffer(e2, 100, 0xFFFF);
    CHECK_EQ(fx_device_start(f.dev), STATUS_SUCCESS);
    CHECK_EQ(fx_device_remove(f.dev), STATUS_SUCCESS);
    CHECK_EQ(kmdf_object_count(f.m, FX_TYPE_COMMON_BUFFER), 0);
    CHECK_EQ(vf_count(VF_RULE_DMA_COMMON_BUFFER_LEAK), 0);
    CHECK_EQ(vf_total(), 2);
    dma_down(&f);
}

int main(void)
{
    test_create_statuses();
    test_alignment();
    test_32bit();
    test_device_dma(&pktdma_model, WdfDmaProfilePacket);
    test_device_dma(&sgdma_model, WdfDmaProfileScatterGather64);
    test_overrun();
    test_lifetime();
    return check_done();
}
