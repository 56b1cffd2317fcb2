/* test_dma_adapter_common.c - common buffers (wdm layer, label dma): physically contiguous,
 * zeroed, reachable by the device's address width (below 4 GiB for the 32-bit pktdma, anywhere
 * for a 64-bit adapter, below AllocateCommonBufferEx's maximum), device-accessible through an
 * IOMMU window of exactly its length for its lifetime (one byte more is refused and recorded);
 * FreeCommonBuffer closes the window; a CPU write past the end is reported by name at the free
 * (DMA-CB-001); bad frees (DMA-CB-002) and buffers left at PutDmaAdapter (DMA-CB-003).
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nc-wdm-pallocate_common_buffer
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nc-wdm-pfree_common_buffer
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/devtest/dma-verification */
#include "test_dma_adapter_fixture.h"

#define MAXLEN (64u * 1024u)

static bool contiguous(struct machine *m, const uint8_t *va, ULONG len, phys_addr_t pa)
{
    for (ULONG off = 0; off < len; off += PAGE_SIZE)
        if (dma_pa(m, va + off) != pa + off)
            return false;
    return dma_pa(m, va + len - 1) == pa + len - 1;
}

static void test_properties_32(void)
{
    struct pk p;
    ULONG nmr;
    PHYSICAL_ADDRESS la[8];
    uint8_t *va[8];
    const ULONG len = 3 * PAGE_SIZE + 100;

    dma_pk_up(&p, NULL);
    PDMA_ADAPTER a = dma_adapter(p.m, p.dev, dma_desc(DEVICE_DESCRIPTION_VERSION2, TRUE, FALSE, MAXLEN),
                                 0, &nmr);
    PDMA_OPERATIONS ops = a->DmaOperations;
    /* Several, so that the seeded bank choice of contiguous placement would show a miss. */
    for (int i = 0; i < 8; i++) {
        va[i] = ops->AllocateCommonBuffer(a, len, &la[i], TRUE);
        REQUIRE(va[i] != NULL);
        CHECK_EQ(la[i].QuadPart, (LONGLONG)dma_pa(p.m, va[i]));
        CHECK(contiguous(p.m, va[i], len, (phys_addr_t)la[i].QuadPart));
        CHECK((uint64_t)la[i].QuadPart + len <= PHYSMEM_4G);
        CHECK_EQ(pk_find_not(va[i], len, 0), -1);
        CHECK_EQ(((uintptr_t)va[i]) & (PAGE_SIZE - 1), 0);
    }
    struct wdm_dma_adapter_stats st = dma_stats(a);
    CHECK_EQ(st.common_buffers, 8);
    CHECK_EQ(st.common_buffer_bytes, 8ull * len);
    CHECK_EQ(iommu_window_count(p.m->iommu, p.devid), 8);

    /* The device reads and writes it through its logical address... */
    pk_fill(va[0], len, 41);
    CHECK_EQ(pk_xfer(&p, (uint64_t)la[0].QuadPart, len, 0, PK_H2D), PK_DONE);
    CHECK_EQ(pk_xfer(&p, (uint64_t)la[1].QuadPart, len, 0, PK_D2H), PK_DONE);
    CHECK_EQ(pk_find_bad(va[1], len, 41, 0), -1);
    /* ...but not one byte past its end: the window is exact. */
    uint64_t faults = iommu_fault_count(p.m->iommu);
    CHECK_EQ(pk_xfer(&p, (uint64_t)la[2].QuadPart, len + 1, 0, PK_D2H),
             PK_ERR(PKTDMA_ERR_BUS_ABORT));
    CHECK_EQ(iommu_fault_count(p.m->iommu), faults + 1);
    /* pktdma never crosses a page in one access: the access holding the extra byte (the last
     * page's 101 bytes) is refused as a whole. */
    CHECK_EQ(pk_rd(&p, PKTDMA_REG_BYTES_DONE), 3 * PAGE_SIZE);

    for (int i = 0; i < 8; i++)
        ops->FreeCommonBuffer(a, len, la[i], va[i], TRUE);
    CHECK_EQ(iommu_window_count(p.m->iommu, p.devid), 0);
    CHECK_EQ(dma_stats(a).common_buffers, 0);
    /* After the free the device cannot reach it any more. */
    CHECK_EQ(pk_xfer(&p, (uint64_t)la[0].QuadPart, 16, 0, PK_H2D), PK_ERR(PKTDMA_ERR_BUS_ABORT));

    ops->PutDmaAdapter(a);
    CHECK_EQ(vf_total(), 0);
    dma_pk_down(&p);
}

/* A 64-bit adapter may get RAM from either bank; AllocateCommonBufferEx's maximum holds. */
static void test_width_64_and_maximum(void)
{
    struct pk p;
    ULONG nmr;
    PHYSICAL_ADDRESS la, max = {.QuadPart = (LONGLONG)PHYSMEM_4G - 1};
    int high = 0;

    dma_pk_up(&p, NULL);
    PDMA_ADAPTER a = dma_adapter(p.m, p.dev, dma_desc(DEVICE_DESCRIPTION_VERSION3, TRUE, TRUE, MAXLEN),
                                 0, &nmr);
    PDMA_OPERATIONS ops = a->DmaOperations;
    for (int i = 0; i < 8; i++) {
        uint8_t *v = ops->AllocateCommonBuffer(a, 2 * PAGE_SIZE, &la, TRUE);
        REQUIRE(v != NULL);
        high += (uint64_t)la.QuadPart >= PHYSMEM_4G;
        ops->FreeCommonBuffer(a, 2 * PAGE_SIZE, la, v, TRUE);
    }
    CHECK(high > 0);
    for (int i = 0; i < 8; i++) {
        uint8_t *v = ops->AllocateCommonBufferEx(a, &max, 2 * PAGE_SIZE, &la, TRUE, MM_ANY_NODE_OK);
        REQUIRE(v != NULL);
        CHECK((uint64_t)la.QuadPart + 2 * PAGE_SIZE <= PHYSMEM_4G);
        ops->FreeCommonBuffer(a, 2 * PAGE_SIZE, la, v, TRUE);
    }
    /* Documented failure: nothing fits (here: a zero length). */
    CHECK(ops->AllocateCommonBuffer(a, 0, &la, TRUE) == NULL);
    ops->PutDmaAdapter(a);
    CHECK_EQ(vf_total(), 0);
    dma_pk_down(&p);
}

static void test_findings(void)
{
    struct pk p;
    ULONG nmr;
    PHYSICAL_ADDRESS la, la2, wrong;
    struct vf_finding f;

    dma_pk_up(&p, NULL);
    PDMA_ADAPTER a = dma_adapter(p.m, p.dev, dma_desc(DEVICE_DESCRIPTION_VERSION2, TRUE, FALSE, MAXLEN),
                                 0, &nmr);
    PDMA_OPERATIONS ops = a->DmaOperations;

    /* Rule DMA-CB-001: one byte written past the end is reported, by rule, at the free. */
    uint8_t *v = ops->AllocateCommonBuffer(a, 1000, &la, TRUE);
    REQUIRE(v != NULL);
    v[999] = 1;                               /* last byte: fine */
    v[1000] = 0x55;                           /* one past the end */
    vf_reset();
    ops->FreeCommonBuffer(a, 1000, la, v, TRUE);
    CHECK_EQ(vf_count(VF_RULE_COMMON_BUFFER_OVERRUN), 1);
    CHECK_EQ(vf_total(), 1);
    REQUIRE(vf_finding_get(0, &f) == 0);
    CHECK(strcmp(vf_rule_info(f.rule)->id, "DMA-CB-001") == 0);
    CHECK(strcmp(vf_rule_info(f.rule)->name, "common-buffer-overrun") == 0);
    CHECK(strcmp(f.ddi, "FreeCommonBuffer") == 0);
    CHECK(strstr(f.detail, "1 byte(s) written past the end of a 1000-byte") != NULL);
    CHECK(strstr(f.caller_sym, "test_dma_adapter_common") != NULL);

    /* A length that fills its pages still has guard bytes after it (an extra page). */
    v = ops->AllocateCommonBuffer(a, PAGE_SIZE, &la, TRUE);
    REQUIRE(v != NULL);
    v[PAGE_SIZE + 7] = 0;
    vf_reset();
    ops->FreeCommonBuffer(a, PAGE_SIZE, la, v, TRUE);
    CHECK_EQ(vf_count(VF_RULE_COMMON_BUFFER_OVERRUN), 1);

    /* Rule DMA-CB-002: freeing something that is not a live common buffer. */
    v = ops->AllocateCommonBuffer(a, 256, &la, TRUE);
    REQUIRE(v != NULL);
    vf_reset();
    ops->FreeCommonBuffer(a, 256, la, v + 16, TRUE);
    CHECK_EQ(vf_count(VF_RULE_DMA_COMMON_BUFFER_BAD_FREE), 1);
    CHECK_EQ(dma_stats(a).common_buffers, 1);  /* nothing was freed */
    wrong.QuadPart = la.QuadPart + 16;
    ops->FreeCommonBuffer(a, 128, wrong, v, TRUE);
    CHECK_EQ(vf_count(VF_RULE_DMA_COMMON_BUFFER_BAD_FREE), 2);
    CHECK_EQ(dma_stats(a).common_buffers, 0);  /* freed as allocated */
    CHECK_EQ(iommu_window_count(p.m->iommu, p.devid), 0);
    ops->FreeCommonBuffer(a, 256, la, v, TRUE);
    CHECK_EQ(vf_count(VF_RULE_DMA_COMMON_BUFFER_BAD_FREE), 3);  /* double free */

    /* Rule DMA-CB-003: left allocated at PutDmaAdapter, one finding each; the put frees them
     * and closes their windows. */
    v = ops->AllocateCommonBuffer(a, 300, &la, TRUE);
    uint8_t *v2 = ops->AllocateCommonBuffer(a, 5000, &la2, TRUE);
    REQUIRE(v != NULL && v2 != NULL);
    CHECK_EQ(iommu_window_count(p.m->iommu, p.devid), 2);
    vf_reset();
    ops->PutDmaAdapter(a);
    CHECK_EQ(vf_count(VF_RULE_DMA_COMMON_BUFFER_LEAK), 2);
    CHECK_EQ(vf_total(), 2);
    CHECK_EQ(iommu_window_count(p.m->iommu, p.devid), 0);

    /* IRQL-002: documented for PASSIVE_LEVEL. */
    a = dma_adapter(p.m, p.dev, dma_desc(DEVICE_DESCRIPTION_VERSION2, TRUE, FALSE, MAXLEN), 0, &nmr);
    vf_reset();
    DMA_AT_DISPATCH(v = a->DmaOperations->AllocateCommonBuffer(a, 64, &la, TRUE));
    CHECK(v == NULL);
    CHECK_EQ(vf_count(VF_RULE_IRQL_NOT_PASSIVE), 1);
    a->DmaOperations->PutDmaAdapter(a);
    CHECK_EQ(vf_total(), 1);
    dma_pk_down(&p);
}

int main(void)
{
    test_properties_32();
    test_width_64_and_maximum();
    test_findings();
    return check_done();
}
