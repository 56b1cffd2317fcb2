/* test_dmatx_deferred.c - transactions that must wait for map registers: with MaximumLength
 * 64 KiB the adapter grants 17 registers, so while one 64 KiB transfer holds 16 of them a second
 * transaction's Execute succeeds without programming; its EvtProgramDma runs later, inside the
 * first transaction's DmaCompleted (the thread that gives the registers back), for the scatter/
 * gather and the packet profile.  With DMA v3, WdfDmaTransactionCancel takes a waiting
 * transaction back (TRUE, no EvtProgramDma ever) and is too late once it was programmed (FALSE).
 * The harness plays the device (its EvtProgramDma only records).
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdmatransaction/nf-wdfdmatransaction-wdfdmatransactioncancel
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdmatransaction/nf-wdfdmatransaction-wdfdmatransactionexecute */
#include "registry.h"
#include "test_dmatx_fixture.h"
#include "wdm/adapter/adapter.h"

static WDFDMATRANSACTION tx_a, tx_b;
static ULONG calls_a, calls_b, not_dispatch;

static BOOLEAN NTAPI record_program(WDFDMATRANSACTION tx, WDFDEVICE dev, WDFCONTEXT ctx,
                                   WDF_DMA_DIRECTION dir, PSCATTER_GATHER_LIST sg)
{
    (void)dev;
    (void)ctx;
    (void)dir;
    (void)sg;
    if (tx == tx_a)
        calls_a++;
    else if (tx == tx_b)
        calls_b++;
    if (KeGetCurrentIrql() != DISPATCH_LEVEL)
        not_dispatch++;
    return TRUE;
}

static BOOLEAN complete(WDFDMATRANSACTION tx, NTSTATUS *st)
{
    BOOLEAN done;
    KIRQL old;

    KeRaiseIrql(DISPATCH_LEVEL, &old);
    done = WdfDmaTransactionDmaCompleted(tx, st);
    KeLowerIrql(old);
    return done;
}

static uint64_t waiting(void)
{
    struct wdm_dma_adapter_stats s;

    REQUIRE(wdm_dma_adapter_get_stats(WdfDmaEnablerWdmGetDmaAdapter(
                                          DrvDmaTxEnabler(), WdfDmaDirectionWriteToDevice),
                                      &s) == 0);
    return s.waiting;
}

static void init(WDFDMATRANSACTION tx, struct dmatx_buf *b)
{
    CHECK_EQ(WdfDmaTransactionInitialize(tx, record_program, WdfDmaDirectionWriteToDevice, b->mdl,
                                         b->va, 64 * 1024),
             STATUS_SUCCESS);
}

static void run(const char *model, const DRV_DMATX_CONFIG *cfg, bool v3)
{
    struct dmatx_fixture f;
    struct dmatx_buf a, b;
    NTSTATUS st;

    dmatx_up(&f, model, cfg);
    a = dmatx_buf_new(&f, 16, PHYSMEM_BELOW_4G);
    b = dmatx_buf_new(&f, 16, PHYSMEM_BELOW_4G);
    REQUIRE(WdfDmaTransactionCreate(DrvDmaTxEnabler(), WDF_NO_OBJECT_ATTRIBUTES, &tx_a) ==
            STATUS_SUCCESS);
    REQUIRE(WdfDmaTransactionCreate(DrvDmaTxEnabler(), WDF_NO_OBJECT_ATTRIBUTES, &tx_b) ==
            STATUS_SUCCESS);
    calls_a = calls_b = not_dispatch = 0;

    init(tx_a, &a);
    CHECK_EQ(WdfDmaTransactionExecute(tx_a, NULL), STATUS_SUCCESS);
    CHECK_EQ(calls_a, 1);
    init(tx_b, &b);
    CHECK_EQ(WdfDmaTransactionExecute(tx_b, NULL), STATUS_SUCCESS);
    CHECK_EQ(calls_b, 0);
    CHECK_EQ(waiting(), 1);
    /* Nothing in flight for B yet: a DmaCompleted now is DMA-TX-002. */
    CHECK(!complete(tx_b, &st));
    CHECK_EQ(vf_count(VF_RULE_DMATX_NO_TRANSFER), 1);
    vf_reset();
    if (v3) {
        /* Still waiting: Cancel takes it back, no EvtProgramDma comes. */
        CHECK(WdfDmaTransactionCancel(tx_b));
        CHECK_EQ(waiting(), 0);
        CHECK_EQ(WdfDmaTransactionRelease(tx_b), STATUS_SUCCESS);
        init(tx_b, &b);
        CHECK_EQ(WdfDmaTransactionExecute(tx_b, NULL), STATUS_SUCCESS);
        CHECK_EQ(calls_b, 0);
        CHECK_EQ(waiting(), 1);
    }
    /* A's completion gives the registers back: B is programmed inside that call. */
    CHECK(complete(tx_a, &st));
    CHECK_EQ(st, STATUS_SUCCESS);
    CHECK_EQ(calls_b, 1);
    CHECK_EQ(waiting(), 0);
    if (v3)
        CHECK(!WdfDmaTransactionCancel(tx_b)); /* programmed: too late */
    CHECK(complete(tx_b, &st));
    CHECK_EQ(st, STATUS_SUCCESS);
    CHECK_EQ(WdfDmaTransactionGetBytesTransferred(tx_b), 64 * 1024);
    CHECK_EQ(not_dispatch, 0);
    CHECK_EQ(WdfDmaTransactionRelease(tx_a), STATUS_SUCCESS);
    CHECK_EQ(WdfDmaTransactionRelease(tx_b), STATUS_SUCCESS);
    WdfObjectDelete(tx_a);
    WdfObjectDelete(tx_b);
    dmatx_buf_free(&f, &a);
    dmatx_buf_free(&f, &b);
    CHECK_EQ(vf_total(), 0);
    dmatx_down(&f);
}

int main(void)
{
    static const DRV_DMATX_CONFIG sg2 = {.Profile = WdfDmaProfileScatterGather64,
                                         .MaximumLength = 64 * 1024, .SgDevice = TRUE};
    static const DRV_DMATX_CONFIG sg3 = {.Profile = WdfDmaProfileScatterGather64,
                                         .MaximumLength = 64 * 1024, .DmaVersion = 3,
                                         .SgDevice = TRUE};
    static const DRV_DMATX_CONFIG pkt3 = {.Profile = WdfDmaProfilePacket,
                                          .MaximumLength = 64 * 1024, .DmaVersion = 3};

    run("sgdma", &sg2, false);
    run("sgdma", &sg3, true);
    run("pktdma", &pkt3, true);
    return check_done();
}
