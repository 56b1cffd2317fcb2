/* test_enabler_power.c - the DMA enabler power callbacks through the drv_dma driver on the sgdma
 * device: where they run in the PnP/power sequence, in which order, for several enablers, and
 * what a failing callback does.  Rules checked here (Rules DMA-EN-005, DMA-EN-006):
 *   on every entry to D0, after EvtDeviceD0Entry (and EvtDeviceD0EntryPostInterruptsEnabled),
 *   Fill, Enable, SelfManagedIoStart; on every exit, before EvtDeviceD0Exit (and
 *   EvtDeviceD0ExitPreInterruptsDisabled), SelfManagedIoStop, Disable, Flush; PASSIVE_LEVEL
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/supporting-power-management-for-dma-devices
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/a-user-plugs-in-a-device
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/a-device-enters-a-low-power-state
 *   (the scenario page lists Flush before Disable; the DMA page, which we follow, and KMDF's source
 *   put Disable first); several enablers run in creation order; a failing power-up callback fails
 *   the transition: the walk stops, every enabler gets the power-down walk (Disable skipped after
 *   a failed Fill, Flush after a failed Fill or Enable), and the device unwinds; a failing
 *   power-down callback does not stop the others and fails the power-down
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdmaenabler/nc-wdfdmaenabler-evt_wdf_dma_enabler_fill */
#include "dma_fixture.h"

#include "platform/exec.h"

static DRV_DMA_PLAN two_enablers(void)
{
    DRV_DMA_PLAN p = {.Count = 2, .Profile = WdfDmaProfileScatterGather64,
                      .MaximumLength = 65536, .PowerCallbacks = TRUE};
    return p;
}

#define UP_A "A.Fill A.Enable A.IoStart"
#define UP_B "B.Fill B.Enable B.IoStart"
#define DOWN_A "A.IoStop A.Disable A.Flush"
#define DOWN_B "B.IoStop B.Disable B.Flush"

/* Start, a power cycle to D3 and back, and an orderly removal. */
static void test_sequence(bool in_prepare)
{
    struct dma_fixture f;
    DRV_DMA_PLAN plan = two_enablers();

    plan.InPrepareHardware = in_prepare;
    REQUIRE(dma_up(&f, &sgdma_model, &plan, true) == STATUS_SUCCESS);
    CHECK_DMA_LOG("");
    CHECK_EQ(fx_device_start(f.dev), STATUS_SUCCESS);
    CHECK_DMA_LOG("PrepareHardware D0Entry(D3Final) D0EntryPost(D3Final) " UP_A " " UP_B
                  " SelfIoInit");
    CHECK_EQ(fx_device_power_down(f.dev, WdfPowerDeviceD3), STATUS_SUCCESS);
    CHECK_DMA_LOG("SelfIoSuspend " DOWN_A " " DOWN_B " D0ExitPre(D3) D0Exit(D3)");
    CHECK_EQ(fx_device_power_up(f.dev), STATUS_SUCCESS);
    CHECK_DMA_LOG("D0Entry(D3) D0EntryPost(D3) " UP_A " " UP_B " SelfIoRestart");
    CHECK_EQ(fx_device_remove(f.dev), STATUS_SUCCESS);
    CHECK_DMA_LOG("SelfIoSuspend " DOWN_A " " DOWN_B " D0ExitPre(D3Final) D0Exit(D3Final) "
                  "ReleaseHardware SelfIoFlush SelfIoCleanup A.Cleanup B.Cleanup");
    CHECK_EQ(kmdf_object_count(f.m, FX_TYPE_DMA_ENABLER), 0);
    CHECK_EQ(vf_total(), 0);
    dma_down(&f);
}

/* Surprise removal powers down through the same walk. */
static void test_surprise_removal(void)
{
    struct dma_fixture f;
    DRV_DMA_PLAN plan = two_enablers();

    REQUIRE(dma_up(&f, &sgdma_model, &plan, true) == STATUS_SUCCESS);
    CHECK_EQ(fx_device_start(f.dev), STATUS_SUCCESS);
    DrvDmaLogReset();
    CHECK_EQ(fx_device_surprise_remove(f.dev), STATUS_SUCCESS);
    CHECK(strstr(DrvDmaLog(), "SelfIoSuspend " DOWN_A " " DOWN_B " D0ExitPre(D3Final) "
                              "D0Exit(D3Final) ReleaseHardware") != NULL);
    DrvDmaLogReset();
    CHECK_EQ(fx_device_remove(f.dev), STATUS_SUCCESS);
    CHECK(strstr(DrvDmaLog(), "A.Cleanup B.Cleanup") != NULL);
    CHECK(strstr(DrvDmaLog(), "Fill") == NULL && strstr(DrvDmaLog(), "IoStop") == NULL);
    CHECK_EQ(vf_total(), 0);
    dma_down(&f);
}

/* A failing power-up callback of enabler B, three enablers. */
static void fail_on_start(const char *fail, const char *want)
{
    struct dma_fixture f;
    DRV_DMA_PLAN plan = two_enablers();

    plan.Count = 3;
    REQUIRE(dma_up(&f, &sgdma_model, &plan, true) == STATUS_SUCCESS);
    DrvDmaFail(fail, STATUS_DEVICE_POWER_FAILURE);
    CHECK_EQ(fx_device_start(f.dev), STATUS_DEVICE_POWER_FAILURE);
    CHECK_DMA_LOG(want);
    CHECK(fx_device_state(f.dev) == FX_PNP_STATE_FAILED);
    DrvDmaFail(NULL, STATUS_SUCCESS);
    CHECK_EQ(fx_device_remove(f.dev), STATUS_SUCCESS);
    CHECK_DMA_LOG("A.Cleanup B.Cleanup C.Cleanup"); /* no self-managed I/O was started */
    CHECK_EQ(vf_total(), 0);
    dma_down(&f);
}

static void test_start_failures(void)
{
    static const char head[] = "PrepareHardware D0Entry(D3Final) D0EntryPost(D3Final) " UP_A " ";
    static const char tail[] = " D0ExitPre(D3Final) D0Exit(D3Final) ReleaseHardware";
    char want[512];

    /* Fill failed: B gets neither Disable nor Flush; C, never filled, gets the whole walk. */
    snprintf(want, sizeof(want), "%sB.Fill=fail " DOWN_A " B.IoStop C.IoStop C.Disable C.Flush%s",
             head, tail);
    fail_on_start("B.Fill", want);
    /* Enable failed: B's Disable runs, its Flush does not. */
    snprintf(want, sizeof(want),
             "%sB.Fill B.Enable=fail " DOWN_A " B.IoStop B.Disable C.IoStop C.Disable C.Flush%s",
             head, tail);
    fail_on_start("B.Enable", want);
    /* SelfManagedIoStart failed: everything is undone. */
    snprintf(want, sizeof(want),
             "%sB.Fill B.Enable B.IoStart=fail " DOWN_A " " DOWN_B " C.IoStop C.Disable C.Flush%s",
             head, tail);
    fail_on_start("B.IoStart", want);
}

/* A failing power-down callback: the others still run and the power-down reports the failure. */
static void test_power_down_failure(void)
{
    struct dma_fixture f;
    DRV_DMA_PLAN plan = two_enablers();

    REQUIRE(dma_up(&f, &sgdma_model, &plan, true) == STATUS_SUCCESS);
    CHECK_EQ(fx_device_start(f.dev), STATUS_SUCCESS);
    DrvDmaLogReset();
    DrvDmaFail("A.Disable", STATUS_DEVICE_POWER_FAILURE);
    CHECK(!NT_SUCCESS(fx_device_power_down(f.dev, WdfPowerDeviceD3)));
    CHECK(strncmp(DrvDmaLog(),
                  "SelfIoSuspend A.IoStop A.Disable=fail A.Flush " DOWN_B
                  " D0ExitPre(D3) D0Exit(D3)",
                  strlen("SelfIoSuspend A.IoStop A.Disable=fail A.Flush " DOWN_B
                         " D0ExitPre(D3) D0Exit(D3)")) == 0);
    DrvDmaFail(NULL, STATUS_SUCCESS);
    CHECK_EQ(vf_total(), 0);
    dma_down(&f);
}

/* Deleting an enabler takes it out of the walk; one without callbacks takes no part. */
static void test_delete_and_no_callbacks(void)
{
    struct dma_fixture f;
    DRV_DMA_PLAN plan = two_enablers();
    WDF_DMA_ENABLER_CONFIG config;
    WDFDMAENABLER quiet;

    REQUIRE(dma_up(&f, &sgdma_model, &plan, true) == STATUS_SUCCESS);
    WDF_DMA_ENABLER_CONFIG_INIT(&config, WdfDmaProfileScatterGather, 4096);
    CHECK_EQ(DrvDmaCreateEnabler(&config, WDF_NO_OBJECT_ATTRIBUTES, FALSE, &quiet),
             STATUS_SUCCESS);
    CHECK_EQ(fx_device_start(f.dev), STATUS_SUCCESS);
    CHECK_DMA_LOG("PrepareHardware D0Entry(D3Final) D0EntryPost(D3Final) " UP_A " " UP_B
                  " SelfIoInit");
    /* From the test thread, not the PnP thread. */
    WdfObjectDelete(DrvDmaEnabler(0));
    CHECK_DMA_LOG("A.Cleanup");
    CHECK_EQ(fx_device_power_down(f.dev, WdfPowerDeviceD3), STATUS_SUCCESS);
    CHECK_DMA_LOG("SelfIoSuspend " DOWN_B " D0ExitPre(D3) D0Exit(D3)");
    WdfObjectDelete(DrvDmaEnabler(1));
    CHECK_DMA_LOG("B.Cleanup");
    CHECK_EQ(fx_device_power_up(f.dev), STATUS_SUCCESS);
    CHECK_DMA_LOG("D0Entry(D3) D0EntryPost(D3) SelfIoRestart");
    /* At DISPATCH_LEVEL (a DPC, say) the enabler cannot wait for the PnP thread, and need not;
     * its adapter goes back at PASSIVE_LEVEL on a work thread.  (Its cleanup callback runs at
     * DISPATCH_LEVEL: the object model does not defer cleanup yet, docs/objects.md.) */
    exec_ctx_self()->level = EXEC_LEVEL_DISPATCH;
    WdfObjectDelete(quiet);
    exec_ctx_self()->level = EXEC_LEVEL_PASSIVE;
    exec_work_flush(f.m->exec);
    CHECK(strncmp(DrvDmaLog(), "C.Cleanup", 9) == 0);
    DrvDmaLogReset();
    CHECK_EQ(fx_device_power_down(f.dev, WdfPowerDeviceD3), STATUS_SUCCESS);
    CHECK_DMA_LOG("SelfIoSuspend D0ExitPre(D3) D0Exit(D3)");
    CHECK_EQ(kmdf_object_count(f.m, FX_TYPE_DMA_ENABLER), 0);
    CHECK_EQ(vf_total(), 0);
    dma_down(&f);
}

int main(void)
{
    test_sequence(false);
    test_sequence(true);
    test_surprise_removal();
    test_start_failures();
    test_power_down_failure();
    test_delete_and_no_callbacks();
    return check_done();
}
