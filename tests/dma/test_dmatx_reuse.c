/* test_dmatx_reuse.c - the steady state allocates nothing: the driver's two preallocated
 * transactions are reused (Release -> Initialize -> Execute) for thousands of transfers on sgdma
 * and on pktdma (bounced), and neither the transaction (its allocation counter), the machine's
 * pool (wdm_pool_get_stats), the object model (kmdf_object_count) nor machine RAM ranges grow;
 * the data of the last round verifies.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/reusing-dma-transaction-objects */
#include "registry.h"
#include "test_dmatx_fixture.h"

struct snapshot {
    uint64_t pool_allocations;
    uint64_t pool_live;
    uint64_t ranges;
    long objects;
    uint64_t tx_allocations[2];
    uint64_t tx_transfers[2];
};

static struct snapshot snap(struct dmatx_fixture *f)
{
    struct snapshot s;
    struct wdm_pool_stats p;
    struct physmem_stats ps;

    wdm_pool_get_stats(f->m, &p);
    physmem_get_stats(f->m->mem, &ps);
    s.pool_allocations = p.allocations;
    s.pool_live = p.live_blocks;
    s.ranges = ps.ranges_mapped;
    s.objects = kmdf_object_count(f->m, FX_TYPE_ANY);
    for (ULONG c = 0; c < 2; c++) {
        struct fx_dmatx_stats t = dmatx_stats(c);

        s.tx_allocations[c] = t.allocations;
        s.tx_transfers[c] = t.transfers;
    }
    return s;
}

static void reuse(const char *model, const DRV_DMATX_CONFIG *cfg, unsigned flags, int rounds,
                  size_t len, size_t maxlen, ULONG per_transaction)
{
    struct dmatx_fixture f;
    struct dmatx_buf src, dst;
    struct snapshot a, b;
    DRV_DMATX_RESULT w, r;
    int bad = 0;

    dmatx_up(&f, model, cfg);
    src = dmatx_buf_new(&f, 16, flags);
    dst = dmatx_buf_new(&f, 16, flags);
    /* Warm-up: the first use of each transaction may touch lazily built state. */
    DrvDmaTxTransfer(0, WdfDmaDirectionWriteToDevice, src.mdl, 0, len, 0, maxlen, &w);
    DrvDmaTxTransfer(1, WdfDmaDirectionReadFromDevice, dst.mdl, 0, len, 0, maxlen, &r);
    a = snap(&f);
    for (int i = 0; i < rounds; i++) {
        dmatx_fill(src.va, len, (unsigned)i);
        DrvDmaTxTransfer(0, WdfDmaDirectionWriteToDevice, src.mdl, 0, len, 0, maxlen, &w);
        DrvDmaTxTransfer(1, WdfDmaDirectionReadFromDevice, dst.mdl, 0, len, 0, maxlen, &r);
        if (w.Status != STATUS_SUCCESS || r.Status != STATUS_SUCCESS || w.Bytes != len ||
            r.Bytes != len || w.ProgramCalls != per_transaction ||
            dmatx_check(dst.va, len, (unsigned)i, 0) != (size_t)-1)
            bad++;
    }
    b = snap(&f);
    CHECK_EQ(bad, 0);
    CHECK_EQ(b.pool_allocations, a.pool_allocations);
    CHECK_EQ(b.pool_live, a.pool_live);
    CHECK_EQ(b.ranges, a.ranges);
    CHECK_EQ(b.objects, a.objects);
    for (ULONG c = 0; c < 2; c++) {
        CHECK_EQ(b.tx_allocations[c], a.tx_allocations[c]);
        CHECK_EQ(b.tx_transfers[c] - a.tx_transfers[c], (uint64_t)rounds * per_transaction);
    }
    dmatx_buf_free(&f, &src);
    dmatx_buf_free(&f, &dst);
    CHECK_EQ(vf_total(), 0);
    dmatx_down(&f);
}

int main(void)
{
    static const DRV_DMATX_CONFIG sg = {
        .Profile = WdfDmaProfileScatterGather64Duplex, .MaximumLength = 1u << 20, .SgDevice = TRUE};
    static const DRV_DMATX_CONFIG pkt = {
        .Profile = WdfDmaProfilePacket, .MaximumLength = 64 * 1024};

    /* 2 x 2000 sgdma transactions of 8 KiB, each split into two 4 KiB transfers. */
    reuse("sgdma", &sg, PHYSMEM_SCATTERED, 2000, 8192, 4096, 2);
    /* 2 x 1000 pktdma transactions through bounce pages, one transfer each. */
    reuse("pktdma", &pkt, PHYSMEM_ABOVE_4G, 1000, 8192, 0, 1);
    return check_done();
}
