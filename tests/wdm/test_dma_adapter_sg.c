/* test_dma_adapter_sg.c - scatter/gather lists of the DMA adapter (wdm layer, label dma): element
 * addresses are the PFN-derived bus addresses of a scattered buffer at an unaligned offset, with
 * adjacent pages merged; a 64-bit adapter maps pages above 4 GiB directly and a real 64-bit device
 * (sgdma, descriptor ring in a common buffer) moves the data; a 32-bit adapter bounces them below
 * 4 GiB and the 32-bit device (pktdma) reads and writes through the bounce pages, with the data
 * landing in the buffer only at PutScatterGatherList; IOMMU windows are open while the list is out
 * and closed after the put; MDL chains, Build/Calculate, the packet-adapter single element.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nc-wdm-pget_scatter_gather_list
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nc-wdm-pput_scatter_gather_list
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/map-registers */
#include "test_dma_adapter_fixture.h"

#include "../devices/test_sgdma_fixture.h"

#define MAXLEN (64u * 1024u)

static NTSTATUS get_list(PDMA_ADAPTER a, struct dma_buf *b, PVOID va, ULONG len, BOOLEAN write,
                         struct dma_capture *cap)
{
    NTSTATUS st;

    memset(cap, 0, sizeof(*cap));
    DMA_AT_DISPATCH(st = a->DmaOperations->GetScatterGatherList(a, NULL, b->mdl, va, len,
                                                                 dma_capture_list, cap, write));
    return st;
}

static void put_list(PDMA_ADAPTER a, struct dma_capture *cap, BOOLEAN write)
{
    DMA_AT_DISPATCH(a->DmaOperations->PutScatterGatherList(a, cap->list, write));
}

static void check_elements(const struct dma_capture *cap, const SCATTER_GATHER_ELEMENT *want,
                           ULONG n)
{
    CHECK_EQ(cap->n, n);
    for (ULONG i = 0; i < n && i < cap->n; i++) {
        CHECK_EQ(cap->el[i].Address.QuadPart, want[i].Address.QuadPart);
        CHECK_EQ(cap->el[i].Length, want[i].Length);
    }
}

/* ---- 64-bit: direct mapping, and a real 64-bit device moving the data ---- */

/* Runs the list's elements through sgdma channel c (ring in a common buffer), device memory
 * from dev_off, and waits for the last descriptor. */
static void sgdma_run(struct sg *s, struct sg_ring *ring, unsigned c, const struct dma_capture *cap,
                      uint64_t dev_off)
{
    uint64_t off = dev_off;

    REQUIRE(cap->n < ring->size);
    sg_isr_reset(s, c);
    sg_ring_program(s, c, ring);
    for (ULONG i = 0; i < cap->n; i++) {
        sg_desc_set(ring, i, (uint64_t)cap->el[i].Address.QuadPart, off, cap->el[i].Length,
                    i + 1 == cap->n ? SGDMA_DESC_FLAG_INT_ON_COMPLETE : 0);
        off += cap->el[i].Length;
    }
    sg_go(s, c, cap->n);
    sg_wait_done_head(s, c, cap->n);
    sg_cwr(s, c, SGDMA_CH_CTRL, 0);
    for (ULONG i = 0; i < cap->n; i++)
        CHECK_EQ(sg_desc_status(ring, i) & (SGDMA_DSTAT_DONE | SGDMA_DSTAT_ERROR),
                 SGDMA_DSTAT_DONE);
}

static void test_direct_64(void)
{
    struct sg s;
    struct dma_capture cap, back;
    SCATTER_GATHER_ELEMENT want[DMA_MAX_ELEMENTS];
    ULONG nmr = 0, size = 0, regs = 0, n;
    PHYSICAL_ADDRESS ring_la;
    struct sg_ring ring = {.size = 64};

    sg_setup(&s, NULL);
    dma_attach(s.m);
    PDMA_ADAPTER a = dma_adapter(s.m, s.dev, dma_desc(DEVICE_DESCRIPTION_VERSION3, TRUE, TRUE, MAXLEN),
                                 0, &nmr);
    CHECK_EQ(nmr, BYTES_TO_PAGES(MAXLEN) + 1);
    CHECK_EQ(a->Version, 1);
    CHECK_EQ(a->DmaOperations->Size, sizeof(DMA_OPERATIONS));
    CHECK_EQ(dma_stats(a).address_bits, 64);

    /* The descriptor ring lives in a common buffer, as a driver's would. */
    ring.va = a->DmaOperations->AllocateCommonBuffer(a, ring.size * SGDMA_DESC_SIZE, &ring_la, TRUE);
    REQUIRE(ring.va != NULL);
    ring.bus = (uint64_t)ring_la.QuadPart;
    ring.pages = 1;

    /* A scattered buffer above 4 GiB at an unaligned offset. */
    struct dma_buf src = dma_buf_new(s.m, 9, PHYSMEM_ABOVE_4G, 0x123, 8 * PAGE_SIZE - 0x300);
    struct dma_buf dst = dma_buf_new(s.m, 9, PHYSMEM_SCATTERED | PHYSMEM_ZERO, 0x7f0, src.len);
    ULONG pieces = ADDRESS_AND_SIZE_TO_SPAN_PAGES(src.start, src.len);
    sg_pattern_fill(src.start, src.len, 3);

    CHECK_EQ(a->DmaOperations->CalculateScatterGatherList(a, src.mdl, src.start, src.len, &size,
                                                          &regs),
             STATUS_SUCCESS);
    CHECK_EQ(regs, pieces);
    CHECK_EQ(size, sizeof(SCATTER_GATHER_LIST) + pieces * sizeof(SCATTER_GATHER_ELEMENT));

    n = dma_expected(s.m, src.start, src.len, want);
    CHECK_EQ(get_list(a, &src, src.start, src.len, TRUE, &cap), STATUS_SUCCESS);
    CHECK_EQ(cap.calls, 1);                 /* resources free: called before Get returned */
    CHECK_EQ(cap.irql, DISPATCH_LEVEL);
    check_elements(&cap, want, n);
    CHECK_EQ(dma_sum(&cap), src.len);
    for (ULONG i = 0; i < cap.n; i++)
        CHECK((uint64_t)cap.el[i].Address.QuadPart >= PHYSMEM_4G);
    struct wdm_dma_adapter_stats st = dma_stats(a);
    CHECK_EQ(st.map_registers_in_use, pieces);
    CHECK_EQ(st.bounced_pieces, 0);
    CHECK_EQ(st.sg_lists_outstanding, 1);
    CHECK_EQ(st.windows_open, 1 + n);       /* the ring, and one window per element */
    CHECK_EQ(iommu_window_count(s.m->iommu, s.devid), 1 + n);

    sgdma_run(&s, &ring, SG_H2D, &cap, 0);
    put_list(a, &cap, TRUE);
    CHECK_EQ(iommu_window_count(s.m->iommu, s.devid), 1);

    /* And back into a second buffer (both banks, other offset). */
    n = dma_expected(s.m, dst.start, dst.len, want);
    CHECK_EQ(get_list(a, &dst, dst.start, dst.len, FALSE, &back), STATUS_SUCCESS);
    check_elements(&back, want, n);
    sgdma_run(&s, &ring, SG_D2H, &back, 0);
    CHECK_EQ(sg_pattern_check(dst.start, dst.len, 3), dst.len);
    put_list(a, &back, FALSE);
    CHECK_EQ(sg_pattern_check(dst.start, dst.len, 3), dst.len);

    st = dma_stats(a);
    CHECK_EQ(st.sg_lists_built, 2);
    CHECK_EQ(st.sg_lists_outstanding, 0);
    CHECK_EQ(st.map_registers_in_use, 0);
    CHECK_EQ(st.map_registers_peak, ADDRESS_AND_SIZE_TO_SPAN_PAGES(dst.start, dst.len));
    CHECK_EQ(st.bounce_bytes_in + st.bounce_bytes_out, 0);
    CHECK_EQ(st.windows_open, 1);
    a->DmaOperations->FreeCommonBuffer(a, ring.size * SGDMA_DESC_SIZE, ring_la, ring.va, TRUE);
    CHECK_EQ(iommu_window_count(s.m->iommu, s.devid), 0);
    a->DmaOperations->PutDmaAdapter(a);
    CHECK_EQ(vf_total(), 0);
    dma_buf_free(s.m, &src);
    dma_buf_free(s.m, &dst);
    fault_disarm_all(s.m->faults);
    intr_disconnect(s.src);
    CHECK(mmio_unmap(s.m, s.regs, s.bar_len) == 0);
    bus_unplug(s.dev);
    dma_machine_down(s.m);
}

/* ---- 32-bit: bouncing, with the real 32-bit device ---- */

static void pk_run(struct pk *p, const struct dma_capture *cap, uint32_t dir)
{
    uint32_t off = 0;

    for (ULONG i = 0; i < cap->n; i++) {
        CHECK_EQ(pk_xfer(p, (uint64_t)cap->el[i].Address.QuadPart, cap->el[i].Length, off, dir),
                 PK_DONE);
        off += cap->el[i].Length;
    }
}

static void test_bounce_32(void)
{
    struct pk p;
    struct dma_capture cap, back;
    ULONG nmr;

    dma_pk_up(&p, NULL);
    PDMA_ADAPTER a = dma_adapter(p.m, p.dev, dma_desc(DEVICE_DESCRIPTION_VERSION2, TRUE, FALSE, MAXLEN),
                                 0, &nmr);
    CHECK_EQ(dma_stats(a).address_bits, 32);
    CHECK_EQ(a->DmaOperations->Size, FIELD_OFFSET(DMA_OPERATIONS, GetDmaAdapterInfo));

    struct dma_buf src = dma_buf_new(p.m, 6, PHYSMEM_ABOVE_4G, 0x80, 4 * PAGE_SIZE + 0x100);
    struct dma_buf dst = dma_buf_new(p.m, 6, PHYSMEM_ABOVE_4G | PHYSMEM_ZERO, 0x80, src.len);
    ULONG pieces = ADDRESS_AND_SIZE_TO_SPAN_PAGES(src.start, src.len);
    pk_fill(src.start, src.len, 5);

    /* Host-to-device: the pages above 4 GiB are copied into bounce pages below it at map time;
     * bounce pages of one list are contiguous, so the list is one element. */
    CHECK_EQ(get_list(a, &src, src.start, src.len, TRUE, &cap), STATUS_SUCCESS);
    CHECK_EQ(cap.calls, 1);
    CHECK_EQ(cap.n, 1);
    CHECK_EQ(dma_sum(&cap), src.len);
    CHECK((uint64_t)cap.el[0].Address.QuadPart + cap.el[0].Length <= PHYSMEM_4G);
    CHECK_EQ(cap.el[0].Address.QuadPart & (PAGE_SIZE - 1), 0x80);   /* page offset kept */
    struct wdm_dma_adapter_stats st = dma_stats(a);
    CHECK_EQ(st.bounced_pieces, pieces);
    CHECK_EQ(st.bounce_bytes_in, src.len);
    CHECK_EQ(iommu_window_count(p.m->iommu, p.devid), 1);
    pk_run(&p, &cap, PK_H2D);
    put_list(a, &cap, TRUE);
    CHECK_EQ(iommu_window_count(p.m->iommu, p.devid), 0);

    /* Device-to-host: the device writes the bounce pages; the buffer sees nothing until the put
     * copies it back. */
    CHECK_EQ(get_list(a, &dst, dst.start, dst.len, FALSE, &back), STATUS_SUCCESS);
    CHECK_EQ(back.n, 1);
    CHECK((uint64_t)back.el[0].Address.QuadPart + back.el[0].Length <= PHYSMEM_4G);
    pk_run(&p, &back, PK_D2H);
    CHECK_EQ(pk_find_not(dst.start, dst.len, 0), -1);
    CHECK_EQ(dma_stats(a).bounce_bytes_out, 0);
    put_list(a, &back, FALSE);
    CHECK_EQ(pk_find_bad(dst.start, dst.len, 5, 0), -1);
    CHECK_EQ(dma_stats(a).bounce_bytes_out, dst.len);

    /* The window closed with the put: the same DMA now fails and the IOMMU records a fault. */
    uint64_t faults = iommu_fault_count(p.m->iommu);
    uint32_t status = pk_xfer(&p, (uint64_t)back.el[0].Address.QuadPart, back.el[0].Length, 0,
                              PK_D2H);
    CHECK_EQ(status, PK_ERR(PKTDMA_ERR_BUS_ABORT));
    CHECK_EQ(iommu_fault_count(p.m->iommu), faults + 1);
    struct iommu_fault f;
    REQUIRE(iommu_fault_get(p.m->iommu, faults, &f) == 0);
    CHECK_EQ(f.device_id, p.devid);
    CHECK_EQ(f.addr, (uint64_t)back.el[0].Address.QuadPart);
    CHECK_EQ(f.dir, IOMMU_DIR_DEVICE_WRITES);
    CHECK_EQ(pk_find_bad(dst.start, dst.len, 5, 0), -1);

    a->DmaOperations->PutDmaAdapter(a);
    CHECK_EQ(vf_total(), 0);
    dma_buf_free(p.m, &src);
    dma_buf_free(p.m, &dst);
    dma_pk_down(&p);
}

/* Pages from both banks (a chain low, high, low): those below 4 GiB go directly, the others
 * through bounce pages; the data goes out and comes back through the 32-bit device. */
static void fill_parts(struct dma_buf *parts, int n, unsigned seed, bool check)
{
    size_t pos = 0;

    for (int i = 0; i < n; i++) {
        if (check)
            CHECK_EQ(pk_find_bad(parts[i].start, parts[i].len, seed, pos), -1);
        else
            for (ULONG k = 0; k < parts[i].len; k++)
                parts[i].start[k] = pk_pattern(pos + k, seed);
        pos += parts[i].len;
    }
}

static void test_mixed_32(void)
{
    static const unsigned banks[3] = {PHYSMEM_BELOW_4G, PHYSMEM_ABOVE_4G, PHYSMEM_BELOW_4G};
    struct pk p;
    struct dma_capture cap;
    struct dma_buf src[3], dst[3];
    ULONG nmr, len = 0;

    dma_pk_up(&p, NULL);
    PDMA_ADAPTER a = dma_adapter(p.m, p.dev, dma_desc(DEVICE_DESCRIPTION_VERSION3, TRUE, FALSE, MAXLEN),
                                 0, &nmr);
    for (int i = 0; i < 3; i++) {
        src[i] = dma_buf_new(p.m, 3, banks[i], 0x30 * (i + 1), 2 * PAGE_SIZE);
        dst[i] = dma_buf_new(p.m, 3, banks[i] | PHYSMEM_ZERO, 0x30 * (i + 1), 2 * PAGE_SIZE);
        if (i > 0) {
            src[i - 1].mdl->Next = src[i].mdl;
            dst[i - 1].mdl->Next = dst[i].mdl;
        }
        len += src[i].len;
    }
    fill_parts(src, 3, 9, false);

    CHECK_EQ(get_list(a, &src[0], src[0].start, len, TRUE, &cap), STATUS_SUCCESS);
    CHECK_EQ(dma_sum(&cap), len);
    /* Bytes of the list that are the low parts' own pages (placement is seeded, so an element
     * never mixes a direct page with a bounce page by chance from run to run). */
    uint64_t direct = 0;
    for (ULONG i = 0; i < cap.n; i++) {
        uint64_t bus = (uint64_t)cap.el[i].Address.QuadPart;
        CHECK(bus + cap.el[i].Length <= PHYSMEM_4G);
        for (uint64_t b = bus; b < bus + cap.el[i].Length; b = (b | (PAGE_SIZE - 1)) + 1) {
            uint64_t end = (b | (PAGE_SIZE - 1)) + 1;
            for (int k = 0; k < 3; k += 2)
                for (size_t pg = 0; pg < src[k].pages; pg++)
                    if ((b & ~(uint64_t)(PAGE_SIZE - 1)) == dma_pa(p.m, src[k].va + pg * PAGE_SIZE))
                        direct += (end < bus + cap.el[i].Length ? end : bus + cap.el[i].Length) - b;
        }
    }
    struct wdm_dma_adapter_stats st = dma_stats(a);
    CHECK_EQ(st.bounced_pieces, ADDRESS_AND_SIZE_TO_SPAN_PAGES(src[1].start, src[1].len));
    CHECK_EQ(st.bounce_bytes_in, src[1].len);
    CHECK_EQ(direct, src[0].len + src[2].len);
    pk_run(&p, &cap, PK_H2D);
    put_list(a, &cap, TRUE);

    CHECK_EQ(get_list(a, &dst[0], dst[0].start, len, FALSE, &cap), STATUS_SUCCESS);
    pk_run(&p, &cap, PK_D2H);
    put_list(a, &cap, FALSE);
    fill_parts(dst, 3, 9, true);
    CHECK_EQ(dma_stats(a).bounce_bytes_out, dst[1].len);
    CHECK_EQ(iommu_window_count(p.m->iommu, p.devid), 0);

    a->DmaOperations->PutDmaAdapter(a);
    CHECK_EQ(vf_total(), 0);
    for (int i = 0; i < 3; i++) {
        src[i].mdl->Next = dst[i].mdl->Next = NULL;
        dma_buf_free(p.m, &src[i]);
        dma_buf_free(p.m, &dst[i]);
    }
    dma_pk_down(&p);
}

/* ---- MDL chains, offsets, Build/Calculate ---- */

static void test_chain(void)
{
    struct pk p;
    struct dma_capture cap;
    SCATTER_GATHER_ELEMENT want[DMA_MAX_ELEMENTS], more[DMA_MAX_ELEMENTS];
    PSCATTER_GATHER_LIST list = NULL;
    ULONG nmr, n, m2, regs, size;
    UCHAR ctx[DMA_TRANSFER_CONTEXT_SIZE_V1];
    NTSTATUS st;

    dma_pk_up(&p, NULL);
    /* A 64-bit description on the 32-bit device: nothing is moved here, only lists inspected. */
    PDMA_ADAPTER a = dma_adapter(p.m, p.dev, dma_desc(DEVICE_DESCRIPTION_VERSION3, TRUE, TRUE, MAXLEN),
                                 0, &nmr);
    struct dma_buf b1 = dma_buf_new(p.m, 3, PHYSMEM_SCATTERED, 0x10, 2 * PAGE_SIZE);
    struct dma_buf b2 = dma_buf_new(p.m, 2, PHYSMEM_SCATTERED, 0x200, PAGE_SIZE + 0x50);
    b1.mdl->Next = b2.mdl;

    /* From 0x100 into the first MDL to the end of the second. */
    ULONG len = b1.len - 0x100 + b2.len;
    n = dma_expected(p.m, b1.start + 0x100, b1.len - 0x100, want);
    m2 = dma_expected(p.m, b2.start, b2.len, more);
    if ((uint64_t)want[n - 1].Address.QuadPart + want[n - 1].Length == (uint64_t)more[0].Address.QuadPart) {
        want[n - 1].Length += more[0].Length;
        memmove(more, more + 1, --m2 * sizeof(more[0]));
    }
    memcpy(want + n, more, m2 * sizeof(more[0]));
    n += m2;
    CHECK_EQ(a->DmaOperations->CalculateScatterGatherList(a, b1.mdl, b1.start + 0x100, len, &size,
                                                          &regs),
             STATUS_SUCCESS);
    CHECK_EQ(regs, ADDRESS_AND_SIZE_TO_SPAN_PAGES(b1.start + 0x100, b1.len - 0x100) +
                       ADDRESS_AND_SIZE_TO_SPAN_PAGES(b2.start, b2.len));
    CHECK_EQ(get_list(a, &b1, b1.start + 0x100, len, TRUE, &cap), STATUS_SUCCESS);
    check_elements(&cap, want, n);
    CHECK_EQ(dma_stats(a).map_registers_in_use, regs);
    put_list(a, &cap, TRUE);

    /* Past the end of the chain: documented STATUS_BUFFER_TOO_SMALL, nothing called. */
    CHECK_EQ(get_list(a, &b1, b1.start + 0x100, len + 1, TRUE, &cap), STATUS_BUFFER_TOO_SMALL);
    CHECK_EQ(cap.calls, 0);

    /* Version 3: an offset from the chain's start, landing in the second MDL; synchronous
     * grant without a routine returns the list. */
    CHECK_EQ(a->DmaOperations->InitializeDmaTransferContext(a, ctx), STATUS_SUCCESS);
    DMA_AT_DISPATCH(st = a->DmaOperations->GetScatterGatherListEx(
                        a, NULL, ctx, b1.mdl, b1.len + 0x20, 0x100, DMA_SYNCHRONOUS_CALLBACK,
                        NULL, NULL, FALSE, NULL, NULL, &list));
    CHECK_EQ(st, STATUS_SUCCESS);
    REQUIRE(list != NULL);
    CHECK_EQ(list->NumberOfElements, 1);
    CHECK_EQ(list->Elements[0].Address.QuadPart, (LONGLONG)dma_pa(p.m, b2.start + 0x20));
    CHECK_EQ(list->Elements[0].Length, 0x100);
    DMA_AT_DISPATCH(a->DmaOperations->PutScatterGatherList(a, list, FALSE));

    DMA_TRANSFER_INFO info = {.Version = DMA_TRANSFER_INFO_VERSION2};
    CHECK_EQ(a->DmaOperations->GetDmaTransferInfo(a, b1.mdl, 0x100, len, FALSE, &info),
             STATUS_SUCCESS);
    CHECK_EQ(info.V2.MapRegisterCount, regs);
    CHECK_EQ(info.V2.ScatterGatherListSize, size);

    b1.mdl->Next = NULL;
    a->DmaOperations->PutDmaAdapter(a);
    CHECK_EQ(vf_total(), 0);
    dma_buf_free(p.m, &b1);
    dma_buf_free(p.m, &b2);
    dma_pk_down(&p);
}

static void test_build_calculate(void)
{
    struct pk p;
    struct dma_capture cap = {0};
    ULONG nmr, size = 0, regs = 0;
    uint8_t buffer[sizeof(SCATTER_GATHER_LIST) + 8 * sizeof(SCATTER_GATHER_ELEMENT)];
    NTSTATUS st;

    dma_pk_up(&p, NULL);
    PDMA_ADAPTER a = dma_adapter(p.m, p.dev, dma_desc(DEVICE_DESCRIPTION_VERSION2, TRUE, TRUE, MAXLEN),
                                 0, &nmr);
    /* Without an MDL: the worst case for a length at a page offset (what KMDF sizes with). */
    CHECK_EQ(a->DmaOperations->CalculateScatterGatherList(a, NULL, (PVOID)0x10, 3 * PAGE_SIZE,
                                                          &size, &regs),
             STATUS_SUCCESS);
    CHECK_EQ(regs, 4);
    CHECK_EQ(size, 16 + 4 * 24);

    struct dma_buf b = dma_buf_new(p.m, 5, PHYSMEM_SCATTERED, 0x10, 3 * PAGE_SIZE);
    DMA_AT_DISPATCH(st = a->DmaOperations->BuildScatterGatherList(
                        a, NULL, b.mdl, b.start, b.len, dma_capture_list, &cap, TRUE, buffer,
                        size - 1));
    CHECK_EQ(st, STATUS_BUFFER_TOO_SMALL);
    CHECK_EQ(cap.calls, 0);
    DMA_AT_DISPATCH(st = a->DmaOperations->BuildScatterGatherList(
                        a, NULL, b.mdl, b.start, b.len, dma_capture_list, &cap, TRUE, buffer,
                        size));
    CHECK_EQ(st, STATUS_SUCCESS);
    CHECK_EQ(cap.calls, 1);
    CHECK(cap.list == (PSCATTER_GATHER_LIST)buffer);      /* built in the caller's buffer */
    CHECK_EQ(dma_sum(&cap), b.len);
    DMA_AT_DISPATCH(a->DmaOperations->PutScatterGatherList(a, cap.list, TRUE));
    CHECK_EQ(dma_stats(a).map_registers_in_use, 0);

    /* More map registers than IoGetDmaAdapter granted: documented failure, no call. */
    struct dma_buf big = dma_buf_new(p.m, nmr + 1, PHYSMEM_SCATTERED, 0, (nmr + 1) * PAGE_SIZE);
    memset(&cap, 0, sizeof(cap));
    CHECK_EQ(get_list(a, &big, big.start, big.len, TRUE, &cap), STATUS_INSUFFICIENT_RESOURCES);
    CHECK_EQ(cap.calls, 0);

    a->DmaOperations->PutDmaAdapter(a);
    CHECK_EQ(vf_total(), 0);
    dma_buf_free(p.m, &b);
    dma_buf_free(p.m, &big);
    dma_pk_down(&p);
}

/* A device without scatter/gather gets one element: direct when the buffer is contiguous and
 * reachable, otherwise bounced into contiguous bounce pages. */
static void test_packet_adapter_one_element(void)
{
    struct pk p;
    struct dma_capture cap;
    ULONG nmr;

    dma_pk_up(&p, NULL);
    PDMA_ADAPTER a = dma_adapter(p.m, p.dev, dma_desc(DEVICE_DESCRIPTION_VERSION2, FALSE, FALSE, MAXLEN),
                                 0, &nmr);
    struct dma_buf c = dma_buf_new(p.m, 4, PK_LOW, 0x40, 3 * PAGE_SIZE);
    struct dma_buf s = dma_buf_new(p.m, 4, PHYSMEM_SCATTERED | PHYSMEM_BELOW_4G, 0x40, 3 * PAGE_SIZE);
    struct dma_buf back = dma_buf_new(p.m, 4, PHYSMEM_SCATTERED | PHYSMEM_ZERO, 0x40, 3 * PAGE_SIZE);

    CHECK_EQ(get_list(a, &c, c.start, c.len, TRUE, &cap), STATUS_SUCCESS);
    CHECK_EQ(cap.n, 1);
    CHECK_EQ(cap.el[0].Address.QuadPart, (LONGLONG)dma_pa(p.m, c.start));
    CHECK_EQ(dma_stats(a).bounced_pieces, 0);
    put_list(a, &cap, TRUE);

    pk_fill(s.start, s.len, 11);
    CHECK_EQ(get_list(a, &s, s.start, s.len, TRUE, &cap), STATUS_SUCCESS);
    CHECK_EQ(cap.n, 1);
    CHECK_EQ(cap.el[0].Length, s.len);
    CHECK_EQ(dma_stats(a).bounced_pieces, ADDRESS_AND_SIZE_TO_SPAN_PAGES(s.start, s.len));
    pk_run(&p, &cap, PK_H2D);
    put_list(a, &cap, TRUE);
    CHECK_EQ(get_list(a, &back, back.start, back.len, FALSE, &cap), STATUS_SUCCESS);
    CHECK_EQ(cap.n, 1);
    pk_run(&p, &cap, PK_D2H);
    put_list(a, &cap, FALSE);
    CHECK_EQ(pk_find_bad(back.start, back.len, 11, 0), -1);

    a->DmaOperations->PutDmaAdapter(a);
    CHECK_EQ(vf_total(), 0);
    dma_buf_free(p.m, &c);
    dma_buf_free(p.m, &s);
    dma_buf_free(p.m, &back);
    dma_pk_down(&p);
}

int main(void)
{
    CHECK_EQ(sizeof(SCATTER_GATHER_LIST), 16);
    CHECK_EQ(sizeof(SCATTER_GATHER_ELEMENT), 24);
    CHECK_EQ(sizeof(DMA_OPERATIONS), 320);
    CHECK_EQ(sizeof(DEVICE_DESCRIPTION), 64);
    test_direct_64();
    test_bounce_32();
    test_mixed_32();
    test_chain();
    test_build_calculate();
    test_packet_adapter_one_element();
    return check_done();
}
