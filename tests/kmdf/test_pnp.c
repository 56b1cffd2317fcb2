/* test_pnp.c - the PnP/power sequence of a real (linked-in) driver on the echo test model: the
 * exact callback order with PreviousState/TargetState for start, power down/up while attached,
 * orderly removal, surprise removal in D0 and in Dx, unload; the raw/translated resources
 * PrepareHardware receives; interface registration; all callbacks on the PnP thread at PASSIVE.
 * Rules checked here, with their source:
 *   start order, first PreviousState D3Final
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/a-user-plugs-in-a-device
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdevice/nc-wdfdevice-evt_wdf_device_d0_entry
 *   Suspend before queues stop, D0ExitPreInterruptsDisabled, interrupts, D0Exit(D3)
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/a-device-enters-a-low-power-state
 *   D0Entry(D3) ... queues start, SelfManagedIoRestart
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/a-device-returns-to-its-working-state
 *   orderly removal: ... D0Exit(D3Final), ReleaseHardware, Flush, Cleanup; surprise removal:
 *   SurpriseRemoval first, queues stop before Suspend; from Dx straight to ReleaseHardware
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/a-user-unplugs-a-device
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/surprise-removal-sequence
 *   resources in bus order, raw and translated
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/raw-and-translated-resources */
#include "test_pnp_fixture.h"

#include "wdm/wdm_cmres.h"

static const char start_log[] =
    "[res+] PrepareHardware D0Entry(D3Final) [intr+:D3Final] D0EntryPostInterruptsEnabled(D3Final) "
    "[dma+:D3Final] [q+:D3Final] SelfManagedIoInit";

static void check_resources(struct pnp_fixture *f)
{
    struct bus_resource res[8];
    size_t n = bus_resources(f->bus, res, 8);

    /* Echo: memory BAR0, port BAR1, 64-bit memory BAR2, line interrupt. */
    REQUIRE(n == 4);
    CHECK_EQ(DrvPnpResourceCount(TRUE), 4);
    CHECK_EQ(DrvPnpResourceCount(FALSE), 4);
    CHECK(DrvPnpPastEndWasNull());
    for (ULONG i = 0; i < 4; i++) {
        CM_PARTIAL_RESOURCE_DESCRIPTOR raw, tr;

        REQUIRE(DrvPnpResource(TRUE, i, &raw) && DrvPnpResource(FALSE, i, &tr));
        switch (res[i].type) {
        case BUS_RES_MEMORY:
            CHECK_EQ(raw.Type, CmResourceTypeMemory);
            CHECK_EQ(tr.Type, CmResourceTypeMemory);
            CHECK_EQ(raw.u.Memory.Start.QuadPart, res[i].start);
            CHECK_EQ(tr.u.Memory.Start.QuadPart, res[i].start);
            CHECK_EQ(tr.u.Memory.Length, res[i].length);
            break;
        case BUS_RES_PORT:
            CHECK_EQ(raw.Type, CmResourceTypePort);
            CHECK(tr.Flags & CM_RESOURCE_PORT_IO);
            CHECK_EQ(tr.u.Port.Start.QuadPart, res[i].start);
            CHECK_EQ(tr.u.Port.Length, res[i].length);
            break;
        case BUS_RES_INTERRUPT:
            CHECK_EQ(raw.Type, CmResourceTypeInterrupt);
            CHECK_EQ(tr.Type, CmResourceTypeInterrupt);
            CHECK_EQ(raw.u.Interrupt.Vector, res[i].line);
            CHECK_EQ(tr.u.Interrupt.Level, res[i].level);
            CHECK_EQ(tr.u.Interrupt.Vector, WDM_CMRES_VECTOR(res[i].level, res[i].line));
            break;
        }
    }
    CHECK_EQ(res[0].type, BUS_RES_MEMORY);
    CHECK_EQ(res[1].type, BUS_RES_PORT);
    CHECK_EQ(res[2].type, BUS_RES_MEMORY);
    CHECK_EQ(res[3].type, BUS_RES_INTERRUPT);
    /* The driver mapped the translated BAR 0 and read the model's ID register through it. */
    CHECK_EQ(DrvPnpDeviceId(), ECHO_ID);
}

static void test_lifecycle(void)
{
    struct pnp_fixture f;
    struct test_hook hook;
    struct fx_device *dev;

    fixture_up(&f);
    dev = fixture_add(&f, &hook, NULL);
    CHECK(!fx_device_has_interface(dev, &GUID_DEVINTERFACE_DRVPNP));
    CHECK_EQ(fx_driver_device_count(f.img), 1);
    CHECK(fx_driver_device_at(f.img, 0) == dev);

    CHECK_EQ(fx_device_start(dev), STATUS_SUCCESS);
    CHECK_LOG(start_log);
    CHECK(fx_device_state(dev) == FX_PNP_STATE_STARTED);
    check_resources(&f);
    CHECK(fx_device_has_interface(dev, &GUID_DEVINTERFACE_DRVPNP));

    CHECK_EQ(fx_device_power_down(dev, WdfPowerDeviceD3), STATUS_SUCCESS);
    CHECK_LOG("SelfManagedIoSuspend [q-:D3] [dma-:D3] D0ExitPreInterruptsDisabled(D3) "
              "[intr-:D3] D0Exit(D3)");
    CHECK(fx_device_state(dev) == FX_PNP_STATE_DX);
    /* Interfaces stay enabled across a power-down while attached. */
    CHECK(fx_device_has_interface(dev, &GUID_DEVINTERFACE_DRVPNP));

    CHECK_EQ(fx_device_power_up(dev), STATUS_SUCCESS);
    CHECK_LOG("D0Entry(D3) [intr+:D3] D0EntryPostInterruptsEnabled(D3) [dma+:D3] [q+:D3] "
              "SelfManagedIoRestart");
    CHECK(fx_device_state(dev) == FX_PNP_STATE_STARTED);

    /* A second low-power state: D2 is passed through to both sides. */
    CHECK_EQ(fx_device_power_down(dev, WdfPowerDeviceD2), STATUS_SUCCESS);
    CHECK_LOG("SelfManagedIoSuspend [q-:D2] [dma-:D2] D0ExitPreInterruptsDisabled(D2) "
              "[intr-:D2] D0Exit(D2)");
    CHECK_EQ(fx_device_power_up(dev), STATUS_SUCCESS);
    CHECK_LOG("D0Entry(D2) [intr+:D2] D0EntryPostInterruptsEnabled(D2) [dma+:D2] [q+:D2] "
              "SelfManagedIoRestart");

    CHECK_EQ(fx_device_remove(dev), STATUS_SUCCESS);
    CHECK_LOG("SelfManagedIoSuspend [q-:D3Final] [dma-:D3Final] "
              "D0ExitPreInterruptsDisabled(D3Final) [intr-:D3Final] D0Exit(D3Final) "
              "ReleaseHardware [res-] [purge] SelfManagedIoFlush SelfManagedIoCleanup "
              "DeviceCleanup");
    CHECK_EQ(fx_driver_device_count(f.img), 0);
    CHECK_EQ(kmdf_object_count(f.m, FX_TYPE_DEVICE), 0);
    CHECK_EQ(kmdf_object_count(f.m, FX_TYPE_CMRESLIST), 0);
    CHECK_EQ(hook.wrong_thread, 0);

    fx_driver_unload(f.img);
    f.img = NULL;
    CHECK_LOG("DriverUnload DriverCleanup");
    CHECK_EQ(vf_total(), 0);
    fixture_down(&f);
}

/* The device is pulled while in D0: the bus device goes first, as on real hardware. */
static void test_surprise_in_d0(void)
{
    struct pnp_fixture f;
    struct test_hook hook;
    struct fx_device *dev;

    fixture_up(&f);
    dev = fixture_add(&f, &hook, NULL);
    CHECK_EQ(fx_device_start(dev), STATUS_SUCCESS);
    CHECK_LOG(start_log);
    bus_unplug(f.bus);
    f.bus = NULL;

    CHECK_EQ(fx_device_surprise_remove(dev), STATUS_SUCCESS);
    CHECK_LOG("SurpriseRemoval [q-:D3Final] SelfManagedIoSuspend [dma-:D3Final] "
              "D0ExitPreInterruptsDisabled(D3Final) [intr-:D3Final] D0Exit(D3Final) "
              "ReleaseHardware [res-]");
    CHECK(fx_device_state(dev) == FX_PNP_STATE_SURPRISE_REMOVED);
    CHECK(!fx_device_has_interface(dev, &GUID_DEVINTERFACE_DRVPNP));
    /* Only REMOVE is allowed now. */
    CHECK_EQ(fx_device_start(dev), STATUS_INVALID_DEVICE_STATE);
    CHECK_EQ(fx_device_power_up(dev), STATUS_INVALID_DEVICE_STATE);
    CHECK_EQ(fx_device_surprise_remove(dev), STATUS_INVALID_DEVICE_STATE);
    CHECK_LOG("");

    CHECK_EQ(fx_device_remove(dev), STATUS_SUCCESS);
    CHECK_LOG("[purge] SelfManagedIoFlush SelfManagedIoCleanup DeviceCleanup");
    CHECK_EQ(hook.wrong_thread, 0);
    CHECK_EQ(vf_total(), 0);
    fixture_down(&f);
}

static void test_surprise_in_dx(void)
{
    struct pnp_fixture f;
    struct test_hook hook;
    struct fx_device *dev;

    fixture_up(&f);
    dev = fixture_add(&f, &hook, NULL);
    CHECK_EQ(fx_device_start(dev), STATUS_SUCCESS);
    CHECK_EQ(fx_device_power_down(dev, WdfPowerDeviceD3), STATUS_SUCCESS);
    DrvPnpLogReset();
    CHECK_EQ(fx_device_surprise_remove(dev), STATUS_SUCCESS);
    CHECK_LOG("SurpriseRemoval ReleaseHardware [res-]");
    CHECK_EQ(fx_device_remove(dev), STATUS_SUCCESS);
    CHECK_LOG("[purge] SelfManagedIoFlush SelfManagedIoCleanup DeviceCleanup");
    CHECK_EQ(vf_total(), 0);
    fixture_down(&f);
}

/* Orderly removal from Dx and of a device never started; unload removes what is left. */
static void test_remove_variants(void)
{
    struct pnp_fixture f;
    struct test_hook h1, h2, h3;
    struct fx_device *dev;

    fixture_up(&f);
    dev = fixture_add(&f, &h1, NULL);
    CHECK_EQ(fx_device_start(dev), STATUS_SUCCESS);
    CHECK_EQ(fx_device_power_down(dev, WdfPowerDeviceD3), STATUS_SUCCESS);
    DrvPnpLogReset();
    CHECK_EQ(fx_device_remove(dev), STATUS_SUCCESS);
    CHECK_LOG("ReleaseHardware [res-] [purge] SelfManagedIoFlush SelfManagedIoCleanup "
              "DeviceCleanup");

    dev = fixture_add(&f, &h2, NULL);
    CHECK_EQ(fx_device_remove(dev), STATUS_SUCCESS);
    CHECK_LOG("[purge] DeviceCleanup");

    /* Two devices on one driver; unload removes both in attach order. */
    dev = fixture_add(&f, &h2, NULL);
    CHECK_EQ(fx_device_start(dev), STATUS_SUCCESS);
    CHECK_LOG(start_log);
    fixture_add(&f, &h3, NULL);
    CHECK_EQ(fx_driver_device_count(f.img), 2);
    DrvPnpLogReset();
    fx_driver_unload(f.img);
    f.img = NULL;
    CHECK_LOG("SelfManagedIoSuspend [q-:D3Final] [dma-:D3Final] "
              "D0ExitPreInterruptsDisabled(D3Final) [intr-:D3Final] D0Exit(D3Final) "
              "ReleaseHardware [res-] [purge] SelfManagedIoFlush SelfManagedIoCleanup "
              "DeviceCleanup [purge] DeviceCleanup DriverUnload DriverCleanup");
    CHECK_EQ(vf_total(), 0);
    fixture_down(&f);
}

/* Requests a state does not accept change nothing. */
static void test_refused_requests(void)
{
    struct pnp_fixture f;
    struct test_hook hook;
    struct fx_device *dev;

    fixture_up(&f);
    dev = fixture_add(&f, &hook, NULL);
    CHECK_EQ(fx_device_power_down(dev, WdfPowerDeviceD3), STATUS_INVALID_DEVICE_STATE);
    CHECK_EQ(fx_device_power_up(dev), STATUS_INVALID_DEVICE_STATE);
    CHECK_EQ(fx_device_start(dev), STATUS_SUCCESS);
    DrvPnpLogReset();
    CHECK_EQ(fx_device_start(dev), STATUS_INVALID_DEVICE_STATE);
    CHECK_EQ(fx_device_power_up(dev), STATUS_INVALID_DEVICE_STATE);
    CHECK_EQ(fx_device_power_down(dev, WdfPowerDeviceD0), STATUS_INVALID_PARAMETER);
    CHECK_EQ(fx_device_power_down(dev, WdfPowerDeviceD3Final), STATUS_INVALID_PARAMETER);
    CHECK_EQ(fx_device_power_down(dev, WdfPowerDeviceD3), STATUS_SUCCESS);
    DrvPnpLogReset();
    CHECK_EQ(fx_device_power_down(dev, WdfPowerDeviceD3), STATUS_INVALID_DEVICE_STATE);
    CHECK_EQ(fx_device_start(dev), STATUS_INVALID_DEVICE_STATE);
    CHECK_LOG("");
    CHECK(fx_device_state(dev) == FX_PNP_STATE_DX);
    CHECK_EQ(vf_total(), 0);
    fixture_down(&f);
}

int main(void)
{
    test_lifecycle();
    test_surprise_in_d0();
    test_surprise_in_dx();
    test_remove_variants();
    test_refused_requests();
    return check_done();
}
