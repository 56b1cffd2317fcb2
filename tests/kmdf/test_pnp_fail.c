/* test_pnp_fail.c - how the PnP/power sequence unwinds when a driver callback or a power hook
 * fails: the exact callback order, the status the PnP manager sees and the state the device is
 * left in.  Rules checked here, with their source:
 *   PrepareHardware failure -> ReleaseHardware is called
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdevice/nc-wdfdevice-evt_wdf_device_prepare_hardware
 *   D0Entry failure -> no D0Exit; first start: orderly removal; return from Dx: surprise removal
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdevice/nc-wdfdevice-evt_wdf_device_d0_entry
 *   SelfManagedIoInit failure -> device not started, Flush and Cleanup follow
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdevice/nc-wdfdevice-evt_wdf_device_self_managed_io_init
 *   SelfManagedIoSuspend failure -> the device is stopped and removed, Flush and Cleanup follow
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdevice/nc-wdfdevice-evt_wdf_device_self_managed_io_suspend
 *   DriverEntry failure -> no EvtDriverUnload
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdriver/nc-wdfdriver-evt_wdf_driver_unload */
#include "test_pnp_fixture.h"

#define FAIL_STATUS STATUS_DEVICE_CONFIGURATION_ERROR

static const char start_log[] =
    "[res+] PrepareHardware D0Entry(D3Final) [intr+:D3Final] D0EntryPostInterruptsEnabled(D3Final) "
    "[dma+:D3Final] [q+:D3Final] SelfManagedIoInit";

/* A start failing in `callback` logs `want`, returns FAIL_STATUS and leaves the device FAILED;
 * removal then logs `remove_log`. */
static void start_fails(const char *callback, const char *want, const char *remove_log)
{
    struct pnp_fixture f;
    struct test_hook hook;
    struct fx_device *dev;

    fixture_up(&f);
    dev = fixture_add(&f, &hook, NULL);
    DrvPnpFailCallback(callback, FAIL_STATUS);
    CHECK_EQ(fx_device_start(dev), FAIL_STATUS);
    CHECK_LOG(want);
    CHECK(fx_device_state(dev) == FX_PNP_STATE_FAILED);
    CHECK(!fx_device_has_interface(dev, &GUID_DEVINTERFACE_DRVPNP));
    /* A failed device accepts nothing but removal. */
    CHECK_EQ(fx_device_start(dev), STATUS_INVALID_DEVICE_STATE);
    CHECK_EQ(fx_device_power_down(dev, WdfPowerDeviceD3), STATUS_INVALID_DEVICE_STATE);
    CHECK_LOG("");
    CHECK_EQ(fx_device_remove(dev), STATUS_SUCCESS);
    CHECK_LOG(remove_log);
    CHECK_EQ(hook.wrong_thread, 0);
    CHECK_EQ(vf_total(), 0);
    fixture_down(&f);
}

static void test_start_failures(void)
{
    start_fails("PrepareHardware", "[res+] PrepareHardware=fail ReleaseHardware [res-]",
                "[purge] DeviceCleanup");
    start_fails("D0Entry", "[res+] PrepareHardware D0Entry(D3Final)=fail ReleaseHardware [res-]",
                "[purge] DeviceCleanup");
    start_fails("D0EntryPostInterruptsEnabled",
                "[res+] PrepareHardware D0Entry(D3Final) [intr+:D3Final] "
                "D0EntryPostInterruptsEnabled(D3Final)=fail [intr-:D3Final] D0Exit(D3Final) "
                "ReleaseHardware [res-]",
                "[purge] DeviceCleanup");
    start_fails("SelfManagedIoInit",
                "[res+] PrepareHardware D0Entry(D3Final) [intr+:D3Final] "
                "D0EntryPostInterruptsEnabled(D3Final) [dma+:D3Final] [q+:D3Final] "
                "SelfManagedIoInit=fail [q-:D3Final] [dma-:D3Final] "
                "D0ExitPreInterruptsDisabled(D3Final) [intr-:D3Final] D0Exit(D3Final) "
                "ReleaseHardware [res-]",
                "[purge] SelfManagedIoFlush SelfManagedIoCleanup DeviceCleanup");
}

/* Two hooks A and B; B fails at `point`.  A's enabled work is undone before the sequence goes
 * on unwinding. */
static void hook_fails(const char *point, const char *want, const char *remove_log)
{
    struct pnp_fixture f;
    struct test_hook a, b;
    struct fx_device *dev = NULL;

    fixture_up(&f);
    REQUIRE(fx_device_add(f.img, f.bus, &dev) == STATUS_SUCCESS && dev != NULL);
    hook_attach(&f, dev, &a, "A ", NULL);
    hook_attach(&f, dev, &b, "B ", point);
    DrvPnpLogReset();
    CHECK_EQ(fx_device_start(dev), STATUS_DEVICE_POWER_FAILURE);
    CHECK_LOG(want);
    CHECK(fx_device_state(dev) == FX_PNP_STATE_FAILED);
    CHECK_EQ(fx_device_remove(dev), STATUS_SUCCESS);
    CHECK_LOG(remove_log);
    CHECK_EQ(a.wrong_thread + b.wrong_thread, 0);
    CHECK_EQ(vf_total(), 0);
    fixture_down(&f);
}

static void test_hook_failures(void)
{
    hook_fails("res+", "[A res+] [B res+=fail] [A res-]", "[A purge] [B purge] DeviceCleanup");
    hook_fails("intr+",
               "[A res+] [B res+] PrepareHardware D0Entry(D3Final) [A intr+:D3Final] "
               "[B intr+:D3Final=fail] [A intr-:D3Final] D0Exit(D3Final) ReleaseHardware "
               "[B res-] [A res-]",
               "[A purge] [B purge] DeviceCleanup");
    hook_fails("q+",
               "[A res+] [B res+] PrepareHardware D0Entry(D3Final) [A intr+:D3Final] "
               "[B intr+:D3Final] D0EntryPostInterruptsEnabled(D3Final) [A dma+:D3Final] "
               "[B dma+:D3Final] [A q+:D3Final] [B q+:D3Final=fail] [A q-:D3Final] "
               "[B dma-:D3Final] [A dma-:D3Final] D0ExitPreInterruptsDisabled(D3Final) "
               "[B intr-:D3Final] [A intr-:D3Final] D0Exit(D3Final) ReleaseHardware [B res-] "
               "[A res-]",
               "[A purge] [B purge] DeviceCleanup");
}

/* Returning from Dx fails: the framework begins a surprise removal. */
static void resume_fails(const char *callback, const char *want)
{
    struct pnp_fixture f;
    struct test_hook hook;
    struct fx_device *dev;

    fixture_up(&f);
    dev = fixture_add(&f, &hook, NULL);
    CHECK_EQ(fx_device_start(dev), STATUS_SUCCESS);
    CHECK_LOG(start_log);
    CHECK_EQ(fx_device_power_down(dev, WdfPowerDeviceD3), STATUS_SUCCESS);
    DrvPnpLogReset();
    DrvPnpFailCallback(callback, FAIL_STATUS);
    CHECK_EQ(fx_device_power_up(dev), FAIL_STATUS);
    CHECK_LOG(want);
    CHECK(fx_device_state(dev) == FX_PNP_STATE_SURPRISE_REMOVED);
    CHECK(!fx_device_has_interface(dev, &GUID_DEVINTERFACE_DRVPNP));
    CHECK_EQ(fx_device_remove(dev), STATUS_SUCCESS);
    CHECK_LOG("[purge] SelfManagedIoFlush SelfManagedIoCleanup DeviceCleanup");
    CHECK_EQ(vf_total(), 0);
    fixture_down(&f);
}

static void test_resume_failures(void)
{
    resume_fails("D0Entry", "D0Entry(D3)=fail SurpriseRemoval ReleaseHardware [res-]");
    resume_fails("SelfManagedIoRestart",
                 "D0Entry(D3) [intr+:D3] D0EntryPostInterruptsEnabled(D3) [dma+:D3] [q+:D3] "
                 "SelfManagedIoRestart=fail [q-:D3Final] [dma-:D3Final] "
                 "D0ExitPreInterruptsDisabled(D3Final) [intr-:D3Final] D0Exit(D3Final) "
                 "SurpriseRemoval ReleaseHardware [res-]");
}

/* A failing power-down still runs to D0Exit, then the device is stopped (FAILED). */
static void test_power_down_failure(void)
{
    struct pnp_fixture f;
    struct test_hook hook;
    struct fx_device *dev;

    fixture_up(&f);
    dev = fixture_add(&f, &hook, NULL);
    CHECK_EQ(fx_device_start(dev), STATUS_SUCCESS);
    DrvPnpLogReset();
    DrvPnpFailCallback("SelfManagedIoSuspend", FAIL_STATUS);
    CHECK_EQ(fx_device_power_down(dev, WdfPowerDeviceD3), FAIL_STATUS);
    CHECK_LOG("SelfManagedIoSuspend=fail [q-:D3] [dma-:D3] D0ExitPreInterruptsDisabled(D3) "
              "[intr-:D3] D0Exit(D3) ReleaseHardware [res-]");
    CHECK(fx_device_state(dev) == FX_PNP_STATE_FAILED);
    CHECK_EQ(fx_device_remove(dev), STATUS_SUCCESS);
    CHECK_LOG("[purge] SelfManagedIoFlush SelfManagedIoCleanup DeviceCleanup");

    /* A failing D0Exit during orderly removal does not stop the removal. */
    DrvPnpFailCallback(NULL, STATUS_SUCCESS);
    dev = fixture_add(&f, &hook, NULL);
    CHECK_EQ(fx_device_start(dev), STATUS_SUCCESS);
    DrvPnpLogReset();
    DrvPnpFailCallback("D0Exit", FAIL_STATUS);
    CHECK_EQ(fx_device_remove(dev), FAIL_STATUS);
    CHECK_LOG("SelfManagedIoSuspend [q-:D3Final] [dma-:D3Final] "
              "D0ExitPreInterruptsDisabled(D3Final) [intr-:D3Final] D0Exit(D3Final)=fail "
              "ReleaseHardware [res-] [purge] SelfManagedIoFlush SelfManagedIoCleanup "
              "DeviceCleanup");
    CHECK_EQ(fx_driver_device_count(f.img), 0);
    CHECK_EQ(vf_total(), 0);
    fixture_down(&f);
}

static void test_device_add_failures(void)
{
    struct pnp_fixture f;
    struct fx_device *dev = (struct fx_device *)&f;

    fixture_up(&f);
    /* Failing after WdfDeviceCreate: the framework deletes the device. */
    DrvPnpFailCallback("DeviceAddDone", FAIL_STATUS);
    CHECK_EQ(fx_device_add(f.img, f.bus, &dev), FAIL_STATUS);
    CHECK(dev == NULL);
    CHECK_LOG("DeviceAdd DeviceAddDone=fail DeviceCleanup");
    CHECK_EQ(fx_driver_device_count(f.img), 0);
    CHECK_EQ(kmdf_object_count(f.m, FX_TYPE_DEVICE), 0);

    DrvPnpFailCallback("DeviceAdd", FAIL_STATUS);
    CHECK_EQ(fx_device_add(f.img, f.bus, &dev), FAIL_STATUS);
    CHECK_LOG("DeviceAdd=fail");

    /* A driver that declines the device (succeeds without creating one). */
    DrvPnpFailCallback(NULL, STATUS_SUCCESS);
    DrvPnpSetMisuse(DRV_PNP_MISUSE_NO_DEVICE);
    CHECK_EQ(fx_device_add(f.img, f.bus, &dev), STATUS_SUCCESS);
    CHECK(dev == NULL);
    CHECK_LOG("DeviceAdd");
    DrvPnpSetMisuse(DRV_PNP_MISUSE_NONE);
    CHECK_EQ(vf_total(), 0);
    fixture_down(&f);
}

static void test_driver_entry_failures(void)
{
    struct pnp_fixture f;

    /* Failing after WdfDriverCreate: the driver object goes (its cleanup runs), no unload. */
    fixture_machine(&f);
    DrvPnpLogReset();
    DrvPnpFailCallback("DriverEntryDone", FAIL_STATUS);
    f.img = (struct fx_driver_image *)&f;
    CHECK_EQ(fx_driver_load(f.m, "drv_pnp", DriverEntry, &WdfDriverGlobals, &WdfFunctions_01033,
                            &f.img),
             FAIL_STATUS);
    CHECK(f.img == NULL);
    CHECK(WdfDriverGlobals == NULL && WdfFunctions_01033 == NULL);
    CHECK_LOG("DriverEntry DriverEntryDone=fail DriverCleanup");

    DrvPnpFailCallback("DriverEntry", FAIL_STATUS);
    CHECK_EQ(fx_driver_load(f.m, "drv_pnp", DriverEntry, &WdfDriverGlobals, &WdfFunctions_01033,
                            &f.img),
             FAIL_STATUS);
    CHECK_LOG("DriverEntry=fail");

    /* The image can be loaded again afterwards. */
    DrvPnpFailCallback(NULL, STATUS_SUCCESS);
    CHECK_EQ(fx_driver_load(f.m, "drv_pnp", DriverEntry, &WdfDriverGlobals, &WdfFunctions_01033,
                            &f.img),
             STATUS_SUCCESS);
    CHECK_LOG("DriverEntry DriverEntryDone");
    CHECK_EQ(vf_total(), 0);
    fixture_down(&f);
    CHECK_LOG("DriverUnload DriverCleanup");
}

int main(void)
{
    test_start_failures();
    test_hook_failures();
    test_resume_failures();
    test_power_down_failure();
    test_device_add_failures();
    test_driver_entry_failures();
    return check_done();
}
