/* test_dma_adapter_fixture.h - shared set-up of the DMA adapter tests (tests/wdm, label dma): a
 * machine with the verifier (recording) and the wdm layer attached to a plugged device; machine
 * RAM buffers described by MDLs; DEVICE_DESCRIPTIONs; an AdapterListControl routine that records
 * what it was given; and the scatter/gather list a buffer must produce, computed from the frames
 * physmem placed it in.  Uses the pktdma device fixture (tests/devices) for the 32-bit device. */
#ifndef DMABOX_TEST_DMA_ADAPTER_FIXTURE_H
#define DMABOX_TEST_DMA_ADAPTER_FIXTURE_H

#include <string.h>

#include <wdm.h>

#include "../devices/test_pktdma_fixture.h"
#include "verifier/vf.h"
#include "wdm/adapter/adapter.h"
#include "wdm/wdm_machine.h"

#define DMA_MAX_ELEMENTS 64

static inline void dma_attach(struct machine *m)
{
    REQUIRE(vf_machine_attach(m) == 0);
    REQUIRE(wdm_machine_attach(m) == 0);
    vf_set_mode(VF_MODE_RECORD);
    vf_set_quiet(1);
}

/* Detaches the layers and destroys the machine; no pool block may be left (POOL-002). */
static inline void dma_machine_down(struct machine *m)
{
    vf_reset();
    wdm_machine_detach(m);
    CHECK_EQ(vf_count(VF_RULE_POOL_LEAK), 0);
    vf_machine_detach(m);
    machine_destroy(m);
}

static inline void dma_pk_up(struct pk *p, const char *const *options)
{
    pk_setup(p, options);
    dma_attach(p->m);
}

static inline void dma_pk_down(struct pk *p)
{
    intr_disconnect(p->src);
    CHECK(mmio_unmap(p->m, p->regs, p->bar_len) == 0);
    bus_unplug(p->dev);
    dma_machine_down(p->m);
}

/* ---- buffers ---- */

struct dma_buf {
    uint8_t *va;           /* the physmem range */
    size_t pages;
    uint8_t *start;        /* what the MDL describes: va + off, len bytes */
    ULONG len;
    PMDL mdl;
};

static inline struct dma_buf dma_buf_new(struct machine *m, size_t pages, unsigned flags,
                                         size_t off, ULONG len)
{
    struct dma_buf b = {.pages = pages, .len = len};

    REQUIRE(off + len <= pages * PAGE_SIZE);
    b.va = physmem_alloc(m->mem, pages, flags);
    REQUIRE(b.va != NULL);
    b.start = b.va + off;
    b.mdl = IoAllocateMdl(b.start, len, FALSE, FALSE, NULL);
    REQUIRE(b.mdl != NULL);
    MmBuildMdlForNonPagedPool(b.mdl);
    return b;
}

static inline void dma_buf_free(struct machine *m, struct dma_buf *b)
{
    IoFreeMdl(b->mdl);
    CHECK(physmem_free(m->mem, b->va) == 0);
}

static inline phys_addr_t dma_pa(struct machine *m, const void *va)
{
    return physmem_virt_to_phys(m->mem, va);
}

/* The elements a direct mapping of [start, start + len) must give: one per run of physically
 * adjacent pages.  Returns the count. */
static inline ULONG dma_expected(struct machine *m, const uint8_t *start, ULONG len,
                                 SCATTER_GATHER_ELEMENT *out)
{
    ULONG n = 0;

    for (ULONG done = 0; done < len;) {
        phys_addr_t pa = dma_pa(m, start + done);
        ULONG k = (ULONG)(PAGE_SIZE - (pa & (PAGE_SIZE - 1)));

        if (k > len - done)
            k = len - done;
        if (n > 0 && (phys_addr_t)out[n - 1].Address.QuadPart + out[n - 1].Length == pa) {
            out[n - 1].Length += k;
        } else {
            REQUIRE(n < DMA_MAX_ELEMENTS);
            out[n].Address.QuadPart = (LONGLONG)pa;
            out[n].Length = k;
            n++;
        }
        done += k;
    }
    return n;
}

/* ---- descriptions and adapters ---- */

static inline DEVICE_DESCRIPTION dma_desc(ULONG version, BOOLEAN sg, BOOLEAN dma64, ULONG maxlen)
{
    DEVICE_DESCRIPTION d;

    memset(&d, 0, sizeof(d));
    d.Version = version;
    d.Master = TRUE;
    d.ScatterGather = sg;
    d.Dma32BitAddresses = TRUE;
    d.Dma64BitAddresses = dma64;
    d.InterfaceType = PCIBus;
    d.MaximumLength = maxlen;
    return d;
}

static inline PDMA_ADAPTER dma_adapter(struct machine *m, struct dmabox_dev *dev,
                                       DEVICE_DESCRIPTION d, ULONG cap, ULONG *nmr)
{
    struct wdm_dma_adapter_params params = {.map_register_cap = cap};
    PDMA_ADAPTER a = wdm_dma_adapter_create_ex(m, dev, &d, &params, nmr);

    REQUIRE(a != NULL);
    return a;
}

static inline struct wdm_dma_adapter_stats dma_stats(PDMA_ADAPTER a)
{
    struct wdm_dma_adapter_stats st;

    REQUIRE(wdm_dma_adapter_get_stats(a, &st) == 0);
    return st;
}

/* ---- what an AdapterListControl routine saw ---- */

struct dma_capture {
    int calls;
    KIRQL irql;
    PDEVICE_OBJECT dev;
    PIRP irp;
    PSCATTER_GATHER_LIST list;
    ULONG n;
    SCATTER_GATHER_ELEMENT el[DMA_MAX_ELEMENTS];
    int order;                   /* position among all captures (FIFO checks) */
    int *sequence;               /* shared counter, or NULL */
};

static inline VOID NTAPI dma_capture_list(PDEVICE_OBJECT DeviceObject, PIRP Irp,
                                   PSCATTER_GATHER_LIST ScatterGather, PVOID Context)
{
    struct dma_capture *c = Context;

    c->calls++;
    c->irql = KeGetCurrentIrql();
    c->dev = DeviceObject;
    c->irp = Irp;
    c->list = ScatterGather;
    c->n = ScatterGather->NumberOfElements;
    for (ULONG i = 0; i < c->n && i < DMA_MAX_ELEMENTS; i++)
        c->el[i] = ScatterGather->Elements[i];
    if (c->sequence != NULL)
        c->order = ++*c->sequence;
}

static inline uint64_t dma_sum(const struct dma_capture *c)
{
    uint64_t s = 0;

    for (ULONG i = 0; i < c->n; i++)
        s += c->el[i].Length;
    return s;
}

/* Calls an adapter routine documented for DISPATCH_LEVEL the way a driver does. */
#define DMA_AT_DISPATCH(stmt)                                                                   \
    do {                                                                                        \
        KIRQL dma_old_;                                                                         \
        KeRaiseIrql(DISPATCH_LEVEL, &dma_old_);                                                 \
        stmt;                                                                                   \
        KeLowerIrql(dma_old_);                                                                  \
    } while (0)

#endif
