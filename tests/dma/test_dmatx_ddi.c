/* test_dmatx_ddi.c - every WDFDMATRANSACTION DDI with its documented returns, called on the
 * drv_dmatx driver's enabler with an EvtProgramDma of the harness that does not start the device
 * (the harness plays the device: it decides how many bytes each transfer moved).  Covers the
 * DmaCompleted* return/status matrix, SetMaximumLength, GetTransferInfo, Release twice, the
 * Initialize argument checks, STATUS_WDF_BUSY of DMA v2 packet transactions, and the DMA v3
 * DDIs (single transfer, immediate execution, transfer context, Cancel, AllocateResources /
 * FreeResources with reserved map registers), and MDL chains: the scatter/gather stage cut back to
 * whole MDLs that fit the map registers, packet mappings that stop at an MDL's end.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdmatransaction/nf-wdfdmatransaction-wdfdmatransactiondmacompleted
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdmatransaction/nf-wdfdmatransaction-wdfdmatransactionexecute
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdmatransaction/nf-wdfdmatransaction-wdfdmatransactionallocateresources
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdmatransaction/nf-wdfdmatransaction-wdfdmatransactiongettransferinfo */
#include "registry.h"
#include "test_dmatx_fixture.h"
#include "wdm/adapter/adapter.h"

static struct {
    ULONG calls;
    WDFCONTEXT context;
    WDF_DMA_DIRECTION direction;
    WDFDEVICE device;
    ULONG not_dispatch;
    size_t length;           /* sum of the last list's elements */
    ULONG elements;
    ULONG64 first_address;
} prog;

static BOOLEAN NTAPI harness_program(WDFDMATRANSACTION tx, WDFDEVICE dev, WDFCONTEXT ctx,
                                     WDF_DMA_DIRECTION dir, PSCATTER_GATHER_LIST sg)
{
    (void)tx;
    prog.calls++;
    prog.context = ctx;
    prog.direction = dir;
    prog.device = dev;
    if (KeGetCurrentIrql() != DISPATCH_LEVEL)
        prog.not_dispatch++;
    prog.length = 0;
    for (ULONG i = 0; i < sg->NumberOfElements; i++)
        prog.length += sg->Elements[i].Length;
    prog.elements = sg->NumberOfElements;
    prog.first_address = (ULONG64)sg->Elements[0].Address.QuadPart;
    return TRUE;
}

/* DmaCompleted* at DISPATCH_LEVEL, as from a DPC. */
enum how { PLAIN, WITH_LENGTH, FINAL };

static BOOLEAN completed(WDFDMATRANSACTION tx, enum how how, size_t n, NTSTATUS *st)
{
    BOOLEAN done;
    KIRQL old;

    KeRaiseIrql(DISPATCH_LEVEL, &old);
    if (how == PLAIN)
        done = WdfDmaTransactionDmaCompleted(tx, st);
    else if (how == WITH_LENGTH)
        done = WdfDmaTransactionDmaCompletedWithLength(tx, n, st);
    else
        done = WdfDmaTransactionDmaCompletedFinal(tx, n, st);
    KeLowerIrql(old);
    return done;
}

static WDFDMATRANSACTION new_tx(void)
{
    WDFDMATRANSACTION tx = NULL;

    REQUIRE(WdfDmaTransactionCreate(DrvDmaTxEnabler(), WDF_NO_OBJECT_ATTRIBUTES, &tx) ==
            STATUS_SUCCESS);
    return tx;
}

static struct {
    ULONG calls;
    NTSTATUS init, exec;
    struct dmatx_buf *buf;
} reserve;

static VOID NTAPI harness_reserve(WDFDMATRANSACTION tx, PVOID ctx)
{
    reserve.calls++;
    CHECK(ctx == &reserve);
    reserve.init = WdfDmaTransactionInitialize(tx, harness_program, WdfDmaDirectionWriteToDevice,
                                               reserve.buf->mdl, reserve.buf->va, 32 * 1024);
    reserve.exec = WdfDmaTransactionExecute(tx, NULL);
}

static void test_sg_v2(void)
{
    static const DRV_DMATX_CONFIG cfg = {
        .Profile = WdfDmaProfileScatterGather64Duplex, .MaximumLength = 1u << 20, .SgDevice = TRUE};
    struct dmatx_fixture f;
    struct dmatx_buf b;
    WDF_OBJECT_ATTRIBUTES attr;
    WDFDMATRANSACTION tx, bad = NULL;
    ULONG regs = 0, elems = 0;
    NTSTATUS st;
    int ctx;
    char *va;

    dmatx_up(&f, "sgdma", &cfg);
    b = dmatx_buf_new(&f, 32, PHYSMEM_SCATTERED);
    va = MmGetMdlVirtualAddress(b.mdl);

    /* The parent is always the enabler. */
    WDF_OBJECT_ATTRIBUTES_INIT(&attr);
    attr.ParentObject = DrvDmaTxDevice();
    CHECK_EQ(WdfDmaTransactionCreate(DrvDmaTxEnabler(), &attr, &bad),
             STATUS_WDF_PARENT_ASSIGNMENT_NOT_ALLOWED);
    CHECK(bad == NULL);

    tx = new_tx();
    CHECK(WdfDmaTransactionGetDevice(tx) == DrvDmaTxDevice());
    CHECK(WdfDmaTransactionGetRequest(tx) == NULL);
    CHECK_EQ(WdfDmaTransactionGetBytesTransferred(tx), 0);

    /* Initialize argument checks: documented STATUS_INVALID_PARAMETER, state unchanged. */
    CHECK_EQ(WdfDmaTransactionInitialize(tx, harness_program, WdfDmaDirectionWriteToDevice,
                                         b.mdl, va, 0),
             STATUS_INVALID_PARAMETER);
    CHECK_EQ(WdfDmaTransactionInitialize(tx, harness_program, (WDF_DMA_DIRECTION)5, b.mdl, va,
                                         4096),
             STATUS_INVALID_PARAMETER);
    CHECK_EQ(WdfDmaTransactionInitialize(tx, harness_program, WdfDmaDirectionWriteToDevice,
                                         b.mdl, va + 32 * PAGE_SIZE, 4096),
             STATUS_INVALID_PARAMETER);
    CHECK_EQ(WdfDmaTransactionInitializeUsingOffset(tx, harness_program,
                                                    WdfDmaDirectionWriteToDevice, b.mdl,
                                                    32 * PAGE_SIZE, 4096),
             STATUS_INVALID_PARAMETER);
    /* An MDL shorter than the length. */
    CHECK_EQ(WdfDmaTransactionInitialize(tx, harness_program, WdfDmaDirectionWriteToDevice,
                                         b.mdl, va, 33 * PAGE_SIZE),
             STATUS_BUFFER_TOO_SMALL);
    CHECK_EQ(vf_total(), 0);

    /* 64 KiB from the start of the page-aligned buffer: 16 pages. */
    CHECK_EQ(WdfDmaTransactionInitialize(tx, harness_program, WdfDmaDirectionWriteToDevice,
                                         b.mdl, va, 64 * 1024),
             STATUS_SUCCESS);
    WdfDmaTransactionGetTransferInfo(tx, &regs, &elems);
    CHECK_EQ(regs, 16);
    CHECK_EQ(elems, 16);
    WdfDmaTransactionSetMaximumLength(tx, 4096);
    memset(&prog, 0, sizeof(prog));
    CHECK_EQ(WdfDmaTransactionExecute(tx, &ctx), STATUS_SUCCESS);
    /* The first EvtProgramDma ran inside Execute, at DISPATCH_LEVEL, with Execute's context. */
    CHECK_EQ(prog.calls, 1);
    CHECK(prog.context == &ctx);
    CHECK(prog.device == DrvDmaTxDevice());
    CHECK_EQ(prog.direction, WdfDmaDirectionWriteToDevice);
    CHECK_EQ(prog.not_dispatch, 0);
    CHECK_EQ(prog.length, 4096);
    CHECK_EQ(prog.elements, 1);
    CHECK_EQ(WdfDmaTransactionGetCurrentDmaTransferLength(tx), 4096);

    /* WithLength(0): FALSE, the same transfer again. */
    CHECK(!completed(tx, WITH_LENGTH, 0, &st));
    CHECK_EQ(st, STATUS_MORE_PROCESSING_REQUIRED);
    CHECK_EQ(prog.calls, 2);
    CHECK_EQ(WdfDmaTransactionGetBytesTransferred(tx), 0);
    /* Plain: the whole transfer is credited, the next staged. */
    CHECK(!completed(tx, PLAIN, 0, &st));
    CHECK_EQ(st, STATUS_MORE_PROCESSING_REQUIRED);
    CHECK_EQ(WdfDmaTransactionGetBytesTransferred(tx), 4096);
    CHECK_EQ(prog.calls, 3);
    /* WithLength(1000): the next transfer starts at byte 5096, still 4 KiB long. */
    CHECK(!completed(tx, WITH_LENGTH, 1000, &st));
    CHECK_EQ(WdfDmaTransactionGetBytesTransferred(tx), 5096);
    CHECK_EQ(prog.calls, 4);
    CHECK_EQ(prog.length, 4096);
    CHECK_EQ(prog.first_address & (PAGE_SIZE - 1), 5096 & (PAGE_SIZE - 1));
    /* Final(10): TRUE and STATUS_SUCCESS although bytes remain. */
    CHECK(completed(tx, FINAL, 10, &st));
    CHECK_EQ(st, STATUS_SUCCESS);
    CHECK_EQ(WdfDmaTransactionGetBytesTransferred(tx), 5106);
    CHECK_EQ(WdfDmaTransactionGetCurrentDmaTransferLength(tx), 0);
    /* Release, twice (the second is a no-op returning STATUS_SUCCESS). */
    CHECK_EQ(WdfDmaTransactionRelease(tx), STATUS_SUCCESS);
    CHECK_EQ(WdfDmaTransactionRelease(tx), STATUS_SUCCESS);
    CHECK_EQ(WdfDmaTransactionGetBytesTransferred(tx), 0);

    /* Reuse: Release reset the maximum length to the enabler's 1 MiB: one transfer. */
    CHECK_EQ(WdfDmaTransactionInitializeUsingOffset(tx, harness_program,
                                                    WdfDmaDirectionReadFromDevice, b.mdl, 100,
                                                    16 * 1024),
             STATUS_SUCCESS);
    memset(&prog, 0, sizeof(prog));
    CHECK_EQ(WdfDmaTransactionExecute(tx, NULL), STATUS_SUCCESS);
    CHECK_EQ(prog.calls, 1);
    CHECK_EQ(prog.length, 16 * 1024);
    CHECK_EQ(prog.direction, WdfDmaDirectionReadFromDevice);
    CHECK(completed(tx, PLAIN, 0, &st));
    CHECK_EQ(st, STATUS_SUCCESS);
    CHECK_EQ(WdfDmaTransactionGetBytesTransferred(tx), 16 * 1024);
    CHECK_EQ(WdfDmaTransactionRelease(tx), STATUS_SUCCESS);
    CHECK_EQ(vf_total(), 0);

    /* v3-only DDIs on this v2 enabler: DMA-TX-007, documented failure / nothing. */
    CHECK_EQ(WdfDmaTransactionAllocateResources(tx, WdfDmaDirectionWriteToDevice, 2,
                                                harness_reserve, NULL),
             STATUS_INVALID_DEVICE_REQUEST);
    CHECK(!WdfDmaTransactionCancel(tx));
    CHECK(WdfDmaTransactionWdmGetTransferContext(tx) == NULL);
    WdfDmaTransactionSetSingleTransferRequirement(tx, TRUE);
    CHECK_EQ(vf_count(VF_RULE_DMATX_NOT_SUPPORTED), 4);
    /* GetTransferInfo outside Initialized: DMA-TX-001, zeros. */
    vf_reset();
    regs = elems = 7;
    WdfDmaTransactionGetTransferInfo(tx, &regs, &elems);
    CHECK_EQ(regs, 0);
    CHECK_EQ(elems, 0);
    CHECK_EQ(vf_count(VF_RULE_DMATX_WRONG_STATE), 1);
    /* DmaCompleted before Execute: DMA-TX-002, FALSE. */
    CHECK(!completed(tx, PLAIN, 0, &st));
    CHECK_EQ(st, STATUS_INVALID_DEVICE_STATE);
    CHECK_EQ(vf_count(VF_RULE_DMATX_NO_TRANSFER), 1);
    vf_reset();
    WdfObjectDelete(tx);
    dmatx_buf_free(&f, &b);
    CHECK_EQ(vf_total(), 0);
    dmatx_down(&f);
}

/* DMA v2 packet: one transaction per device in Transfer (STATUS_WDF_BUSY); no MDL chains. */
static void test_packet_v2(void)
{
    static const DRV_DMATX_CONFIG cfg = {
        .Profile = WdfDmaProfilePacket, .MaximumLength = 64 * 1024};
    struct dmatx_fixture f;
    struct dmatx_buf b, c;
    WDFDMATRANSACTION ta, tb;
    NTSTATUS st;
    PMDL first;

    dmatx_up(&f, "pktdma", &cfg);
    b = dmatx_buf_new(&f, 8, PHYSMEM_ABOVE_4G);
    c = dmatx_buf_new(&f, 8, PHYSMEM_BELOW_4G);
    ta = new_tx();
    tb = new_tx();
    CHECK_EQ(WdfDmaTransactionInitialize(ta, harness_program, WdfDmaDirectionWriteToDevice,
                                         b.mdl, b.va, 8192),
             STATUS_SUCCESS);
    CHECK_EQ(WdfDmaTransactionInitialize(tb, harness_program, WdfDmaDirectionWriteToDevice,
                                         c.mdl, c.va, 8192),
             STATUS_SUCCESS);
    memset(&prog, 0, sizeof(prog));
    CHECK_EQ(WdfDmaTransactionExecute(ta, NULL), STATUS_SUCCESS);
    CHECK_EQ(prog.calls, 1);
    CHECK_EQ(prog.elements, 1);
    CHECK(prog.first_address < PHYSMEM_4G); /* bounced */
    CHECK_EQ(WdfDmaTransactionExecute(tb, NULL), STATUS_WDF_BUSY);
    CHECK_EQ(prog.calls, 1);
    /* The failed Execute needs a Release before the next Initialize. */
    CHECK_EQ(WdfDmaTransactionRelease(tb), STATUS_SUCCESS);
    CHECK(completed(ta, FINAL, 0, &st));
    CHECK_EQ(st, STATUS_SUCCESS);
    CHECK_EQ(WdfDmaTransactionRelease(ta), STATUS_SUCCESS);
    CHECK_EQ(WdfDmaTransactionInitialize(tb, harness_program, WdfDmaDirectionWriteToDevice,
                                         c.mdl, c.va, 8192),
             STATUS_SUCCESS);
    CHECK_EQ(WdfDmaTransactionExecute(tb, NULL), STATUS_SUCCESS);
    CHECK_EQ(prog.calls, 2);
    CHECK(completed(tb, PLAIN, 0, &st));
    CHECK_EQ(WdfDmaTransactionGetBytesTransferred(tb), 8192);
    CHECK_EQ(WdfDmaTransactionRelease(tb), STATUS_SUCCESS);
    /* A buffer running past the first MDL of a chain: STATUS_INVALID_PARAMETER with v2. */
    first = b.mdl;
    first->Next = c.mdl;
    CHECK_EQ(WdfDmaTransactionInitialize(ta, harness_program, WdfDmaDirectionWriteToDevice,
                                         first, b.va, 9 * PAGE_SIZE),
             STATUS_INVALID_PARAMETER);
    first->Next = NULL;
    WdfObjectDelete(ta);
    WdfObjectDelete(tb);
    dmatx_buf_free(&f, &b);
    dmatx_buf_free(&f, &c);
    CHECK_EQ(vf_total(), 0);
    dmatx_down(&f);
}

/* DMA v3 packet: single transfer, immediate execution, transfer context, Cancel, reservations. */
static void test_packet_v3(void)
{
    static const DRV_DMATX_CONFIG cfg = {
        .Profile = WdfDmaProfilePacket, .MaximumLength = 64 * 1024, .DmaVersion = 3};
    struct wdm_dma_adapter_stats as;
    struct dmatx_fixture f;
    struct dmatx_buf b;
    WDFDMATRANSACTION tx;
    NTSTATUS st;

    dmatx_up(&f, "pktdma", &cfg);
    b = dmatx_buf_new(&f, 32, PHYSMEM_BELOW_4G);
    tx = new_tx();
    /* No transfer context before Initialize (DMA-TX-001), one after. */
    CHECK(WdfDmaTransactionWdmGetTransferContext(tx) == NULL);
    CHECK_EQ(vf_count(VF_RULE_DMATX_WRONG_STATE), 1);
    vf_reset();
    /* Single transfer: 128 KiB cannot be one 64 KiB transfer. */
    WdfDmaTransactionSetSingleTransferRequirement(tx, TRUE);
    CHECK_EQ(WdfDmaTransactionInitialize(tx, harness_program, WdfDmaDirectionWriteToDevice,
                                         b.mdl, b.va, 128 * 1024),
             STATUS_WDF_TOO_MANY_TRANSFERS);
    CHECK_EQ(WdfDmaTransactionRelease(tx), STATUS_SUCCESS);
    WdfDmaTransactionSetSingleTransferRequirement(tx, TRUE);
    WdfDmaTransactionSetImmediateExecution(tx, TRUE);
    CHECK_EQ(WdfDmaTransactionInitialize(tx, harness_program, WdfDmaDirectionWriteToDevice,
                                         b.mdl, b.va, 48 * 1024),
             STATUS_SUCCESS);
    CHECK(WdfDmaTransactionWdmGetTransferContext(tx) != NULL);
    memset(&prog, 0, sizeof(prog));
    CHECK_EQ(WdfDmaTransactionExecute(tx, NULL), STATUS_SUCCESS);
    CHECK_EQ(prog.calls, 1);
    CHECK_EQ(prog.length, 48 * 1024);
    /* The grant happened: Cancel is too late. */
    CHECK(!WdfDmaTransactionCancel(tx));
    /* A single-transfer transaction completed short: STATUS_WDF_TOO_MANY_TRANSFERS. */
    CHECK(completed(tx, WITH_LENGTH, 1024, &st));
    CHECK_EQ(st, STATUS_WDF_TOO_MANY_TRANSFERS);
    CHECK_EQ(WdfDmaTransactionRelease(tx), STATUS_SUCCESS);
    CHECK_EQ(vf_total(), 0);

    /* Reserve 4 map registers; the callback initializes and executes inside.  Each transfer is
     * capped at what 4 registers map: 32 KiB go as two 16 KiB transfers. */
    memset(&reserve, 0, sizeof(reserve));
    reserve.buf = &b;
    memset(&prog, 0, sizeof(prog));
    CHECK_EQ(WdfDmaTransactionAllocateResources(tx, WdfDmaDirectionWriteToDevice, 4,
                                                harness_reserve, &reserve),
             STATUS_SUCCESS);
    CHECK_EQ(reserve.calls, 1);
    CHECK_EQ(reserve.init, STATUS_SUCCESS);
    CHECK_EQ(reserve.exec, STATUS_SUCCESS);
    CHECK_EQ(prog.calls, 1);
    CHECK_EQ(prog.length, 16 * 1024);
    CHECK(!completed(tx, PLAIN, 0, &st));
    CHECK_EQ(prog.calls, 2);
    CHECK(completed(tx, PLAIN, 0, &st));
    CHECK_EQ(st, STATUS_SUCCESS);
    CHECK_EQ(WdfDmaTransactionGetBytesTransferred(tx), 32 * 1024);
    CHECK_EQ(WdfDmaTransactionRelease(tx), STATUS_SUCCESS);
    REQUIRE(wdm_dma_adapter_get_stats(WdfDmaEnablerWdmGetDmaAdapter(
                                          DrvDmaTxEnabler(), WdfDmaDirectionWriteToDevice),
                                      &as) == 0);
    CHECK_EQ(as.map_registers_in_use, 4); /* the reservation survives Release */
    /* Reused with the reservation, without a new callback. */
    CHECK_EQ(WdfDmaTransactionInitialize(tx, harness_program, WdfDmaDirectionWriteToDevice,
                                         b.mdl, b.va, 8192),
             STATUS_SUCCESS);
    CHECK_EQ(WdfDmaTransactionExecute(tx, NULL), STATUS_SUCCESS);
    CHECK(completed(tx, PLAIN, 0, &st));
    CHECK_EQ(reserve.calls, 1);
    /* A second reservation while one is held: DMA-TX-001. */
    CHECK_EQ(WdfDmaTransactionAllocateResources(tx, WdfDmaDirectionWriteToDevice, 2,
                                                harness_reserve, &reserve),
             STATUS_INVALID_DEVICE_REQUEST);
    CHECK_EQ(vf_count(VF_RULE_DMATX_WRONG_STATE), 1);
    vf_reset();
    WdfDmaTransactionFreeResources(tx);
    REQUIRE(wdm_dma_adapter_get_stats(WdfDmaEnablerWdmGetDmaAdapter(
                                          DrvDmaTxEnabler(), WdfDmaDirectionWriteToDevice),
                                      &as) == 0);
    CHECK_EQ(as.map_registers_in_use, 0);
    /* System-mode DDIs on a bus-master transaction: reported, nothing happens. */
    WdfDmaTransactionSetDeviceAddressOffset(tx, 64);
    WdfDmaTransactionStopSystemTransfer(tx);
    WdfDmaTransactionSetChannelConfigurationCallback(tx, NULL, NULL);
    WdfDmaTransactionSetTransferCompleteCallback(tx, NULL, NULL);
    CHECK_EQ(vf_count(VF_RULE_DMATX_NOT_SUPPORTED), 4);
    vf_reset();
    WdfObjectDelete(tx);
    dmatx_buf_free(&f, &b);
    CHECK_EQ(vf_total(), 0);
    dmatx_down(&f);
}

/* MDL chains.  Scatter/gather: 8 pieces of 2 KiB each straddling a page boundary (2 pages
 * each) and MaximumLength 16 KiB (5 map registers): a 16 KiB transfer would need 16 registers,
 * so each transfer is cut back to whole MDLs that fit, 2 pieces = 4 KiB.  Packet (DMA v3): a
 * mapping stops at the end of the MDL holding its first byte. */
static void test_mdl_chains(const char *model, const DRV_DMATX_CONFIG *cfg, size_t piece,
                            size_t piece_offset, size_t stride, ULONG pieces, size_t expect_len)
{
    struct dmatx_fixture f;
    struct dmatx_buf b;
    PMDL chain[8];
    WDFDMATRANSACTION tx;
    size_t total = piece * pieces, seen = 0;
    ULONG transfers = 0;
    NTSTATUS st;
    bool sizes_ok = true;

    dmatx_up(&f, model, cfg);
    b = dmatx_buf_new(&f, 32, PHYSMEM_BELOW_4G);
    REQUIRE(pieces <= 8);
    for (ULONG i = 0; i < pieces; i++) {
        chain[i] = IoAllocateMdl(b.va + piece_offset + i * stride, (ULONG)piece, FALSE, FALSE,
                                 NULL);
        REQUIRE(chain[i] != NULL);
        MmBuildMdlForNonPagedPool(chain[i]);
        if (i > 0)
            chain[i - 1]->Next = chain[i];
    }
    tx = new_tx();
    CHECK_EQ(WdfDmaTransactionInitialize(tx, harness_program, WdfDmaDirectionWriteToDevice,
                                         chain[0], MmGetMdlVirtualAddress(chain[0]), total),
             STATUS_SUCCESS);
    memset(&prog, 0, sizeof(prog));
    CHECK_EQ(WdfDmaTransactionExecute(tx, NULL), STATUS_SUCCESS);
    for (;;) {
        BOOLEAN done;

        transfers++;
        seen += prog.length;
        if (prog.length != expect_len)
            sizes_ok = false;
        done = completed(tx, PLAIN, 0, &st);
        if (done || transfers > 64)
            break;
    }
    CHECK_EQ(st, STATUS_SUCCESS);
    CHECK(sizes_ok);
    CHECK_EQ(transfers, total / expect_len);
    CHECK_EQ(seen, total);
    CHECK_EQ(WdfDmaTransactionGetBytesTransferred(tx), total);
    CHECK_EQ(WdfDmaTransactionRelease(tx), STATUS_SUCCESS);
    WdfObjectDelete(tx);
    for (ULONG i = 0; i < pieces; i++)
        IoFreeMdl(chain[i]);
    dmatx_buf_free(&f, &b);
    CHECK_EQ(vf_total(), 0);
    dmatx_down(&f);
}

int main(void)
{
    test_sg_v2();
    test_packet_v2();
    test_packet_v3();
    {
        static const DRV_DMATX_CONFIG sg = {.Profile = WdfDmaProfileScatterGather64,
                                            .MaximumLength = 16 * 1024, .SgDevice = TRUE};
        static const DRV_DMATX_CONFIG pkt3 = {.Profile = WdfDmaProfilePacket,
                                              .MaximumLength = 64 * 1024, .DmaVersion = 3};

        test_mdl_chains("sgdma", &sg, 2048, 3072, 2 * PAGE_SIZE, 8, 4096);
        test_mdl_chains("pktdma", &pkt3, 8192, 0, 3 * PAGE_SIZE, 3, 8192);
    }
    return check_done();
}
