/* test_pnp_ddi.c - the driver and device DDIs through a real driver: WdfGetDriver /
 * WdfDeviceGetDriver, the WDM objects behind them, the registry path, alignment, interfaces,
 * WDFCMRESLIST handles, and the verifier findings for misuse (exact counts by rule):
 *   WDF-DEV-001   WDFDEVICE_INIT used after WdfDeviceCreate consumed it
 *                 https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdevice/nf-wdfdevice-wdfdevicecreate
 *   WDF-PARAM-002 WDF_PNPPOWER_EVENT_CALLBACKS.Size wrong; IoType not a WDF_DEVICE_IO_TYPE
 *                 https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdevice/nf-wdfdevice-wdfdeviceinitsetpnppowereventcallbacks
 *   WDF-PARAM-001 WdfDeviceCreate(NULL, ...)
 *   WDF-OBJ-001   WdfObjectDelete on a WDFDEVICE (the framework owns its lifetime)
 *   WDF-HANDLE-002/003  a device handle as a WDFCMRESLIST; a handle used after removal
 *   WdfDriverCreate twice -> STATUS_DRIVER_INTERNAL_ERROR
 *                 https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdriver/nf-wdfdriver-wdfdrivercreate */
#include "test_pnp_fixture.h"

static void test_driver_ddis(void)
{
    struct pnp_fixture f;
    struct test_hook hook;
    struct fx_device *fxdev;
    WDFDEVICE device;
    WDFDRIVER driver;
    PDEVICE_OBJECT wdm;
    PDRIVER_OBJECT wdm_driver;
    PWSTR path;
    static const char want_path[] =
        "\\Registry\\Machine\\System\\CurrentControlSet\\Services\\drv_pnp";

    fixture_up(&f);
    fxdev = fixture_add(&f, &hook, NULL);
    device = DrvPnpDevice();
    REQUIRE(device == fx_device_handle(fxdev));
    CHECK_EQ(DrvPnpContextMagic(device), 0x504e5044u);

    driver = DrvPnpGlobalDriver();
    CHECK(driver != NULL);
    CHECK(DrvPnpGetDriver(device) == driver);
    wdm_driver = DrvPnpWdmDriver(driver);
    REQUIRE(wdm_driver != NULL);
    CHECK_EQ(wdm_driver->Type, IO_TYPE_DRIVER);
    CHECK(DrvPnpDriverFromWdm(wdm_driver) == driver);
    CHECK(wdm_driver->DriverInit == DriverEntry);

    path = DrvPnpRegistryPath(driver);
    REQUIRE(path != NULL);
    for (size_t i = 0; i < sizeof(want_path); i++)
        CHECK_EQ(path[i], (unsigned char)want_path[i]);

    /* The device object reflects WDFDEVICE_INIT: direct I/O, exclusive, controller type. */
    wdm = DrvPnpWdmDevice(device);
    REQUIRE(wdm != NULL);
    CHECK_EQ(wdm->Type, IO_TYPE_DEVICE);
    CHECK(wdm->DriverObject == wdm_driver);
    CHECK_EQ(wdm->DeviceType, FILE_DEVICE_CONTROLLER);
    CHECK(wdm->Flags & DO_DIRECT_IO);
    CHECK(!(wdm->Flags & DO_BUFFERED_IO));
    CHECK(wdm->Flags & DO_EXCLUSIVE);

    /* Alignment: byte alignment by default; the new value shows in the WDM device too.
     * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdevice/nf-wdfdevice-wdfdevicesetalignmentrequirement */
    CHECK_EQ(DrvPnpGetAlignment(device), FILE_BYTE_ALIGNMENT);
    DrvPnpSetAlignment(device, FILE_QUAD_ALIGNMENT);
    CHECK_EQ(DrvPnpGetAlignment(device), FILE_QUAD_ALIGNMENT);
    CHECK_EQ(wdm->AlignmentRequirement, FILE_QUAD_ALIGNMENT);

    /* Only one WDFDRIVER per driver. */
    CHECK_EQ(DrvPnpCreateDriverAgain(), STATUS_DRIVER_INTERNAL_ERROR);
    CHECK(DrvPnpGlobalDriver() == driver);
    CHECK_EQ(vf_total(), 0);

    CHECK_EQ(fx_device_remove(fxdev), STATUS_SUCCESS);
    fixture_down(&f);
}

static const GUID guid_other = {0x11111111, 0x2222, 0x3333, {4, 5, 6, 7, 8, 9, 10, 11}};

/* Interfaces: registered in EvtDriverDeviceAdd, enabled by the start, disabled by removal; one
 * registered on a started device is enabled at once; duplicates collapse. */
static void test_interfaces(void)
{
    struct pnp_fixture f;
    struct test_hook hook;
    struct fx_device *dev;
    GUID g;
    const WCHAR *ref;
    bool enabled;

    fixture_up(&f);
    dev = fixture_add(&f, &hook, NULL);
    CHECK_EQ(fx_device_interface_count(dev), 1);
    REQUIRE(fx_device_interface_get(dev, 0, &g, &ref, &enabled));
    CHECK(IsEqualGUID(&g, &GUID_DEVINTERFACE_DRVPNP));
    CHECK(ref == NULL && !enabled);
    CHECK(!fx_device_interface_get(dev, 1, &g, &ref, &enabled));

    CHECK_EQ(DrvPnpAddInterface(DrvPnpDevice(), &GUID_DEVINTERFACE_DRVPNP, NULL), STATUS_SUCCESS);
    CHECK_EQ(fx_device_interface_count(dev), 1);
    CHECK_EQ(fx_device_start(dev), STATUS_SUCCESS);
    CHECK(fx_device_has_interface(dev, &GUID_DEVINTERFACE_DRVPNP));
    CHECK(!fx_device_has_interface(dev, &guid_other));

    CHECK_EQ(DrvPnpAddInterface(DrvPnpDevice(), &guid_other, u"chan0"), STATUS_SUCCESS);
    CHECK_EQ(DrvPnpAddInterface(DrvPnpDevice(), &guid_other, u"chan1"), STATUS_SUCCESS);
    CHECK_EQ(DrvPnpAddInterface(DrvPnpDevice(), &guid_other, u"chan0"), STATUS_SUCCESS);
    CHECK_EQ(fx_device_interface_count(dev), 3);
    REQUIRE(fx_device_interface_get(dev, 2, &g, &ref, &enabled));
    CHECK(IsEqualGUID(&g, &guid_other) && enabled);
    REQUIRE(ref != NULL);
    CHECK(ref[0] == 'c' && ref[4] == '1' && ref[5] == 0);
    CHECK(fx_device_has_interface(dev, &guid_other));

    CHECK_EQ(fx_device_surprise_remove(dev), STATUS_SUCCESS);
    CHECK(!fx_device_has_interface(dev, &guid_other));
    CHECK(!fx_device_has_interface(dev, &GUID_DEVINTERFACE_DRVPNP));
    CHECK_EQ(fx_device_remove(dev), STATUS_SUCCESS);
    CHECK_EQ(vf_total(), 0);
    fixture_down(&f);
}

/* One misuse in EvtDriverDeviceAdd, one finding of `rule`; the device still comes up unless
 * the misuse prevents its creation. */
static void add_misuse(int misuse, enum vf_rule rule, bool device_created)
{
    struct pnp_fixture f;
    struct fx_device *dev = NULL;

    fixture_up(&f);
    vf_reset();
    DrvPnpSetMisuse(misuse);
    CHECK_EQ(fx_device_add(f.img, f.bus, &dev), STATUS_SUCCESS);
    DrvPnpSetMisuse(DRV_PNP_MISUSE_NONE);
    CHECK_EQ(vf_count(rule), 1);
    CHECK_EQ(vf_total(), 1);
    CHECK((dev != NULL) == device_created);
    if (dev != NULL) {
        CHECK_EQ(fx_device_start(dev), STATUS_SUCCESS);
        CHECK_EQ(fx_device_remove(dev), STATUS_SUCCESS);
    }
    fixture_down(&f);
}

static void test_init_misuse(void)
{
    add_misuse(DRV_PNP_MISUSE_INIT_AFTER_CREATE, VF_RULE_DEVICE_INIT_MISUSE, true);
    add_misuse(DRV_PNP_MISUSE_BAD_IO_TYPE, VF_RULE_PARAM_INVALID, true);
    add_misuse(DRV_PNP_MISUSE_NULL_DEVICE_INIT, VF_RULE_NULL_PARAMETER, true);
}

/* A callback structure of the wrong size is refused: no PnP callback is registered, so the
 * start calls none of them. */
static void test_bad_callback_size(void)
{
    struct pnp_fixture f;
    struct fx_device *dev = NULL;

    fixture_up(&f);
    vf_reset();
    DrvPnpSetMisuse(DRV_PNP_MISUSE_BAD_CALLBACK_SIZE);
    CHECK_EQ(fx_device_add(f.img, f.bus, &dev), STATUS_SUCCESS);
    DrvPnpSetMisuse(DRV_PNP_MISUSE_NONE);
    CHECK_EQ(vf_count(VF_RULE_PARAM_INVALID), 1);
    REQUIRE(dev != NULL);
    DrvPnpLogReset();
    CHECK_EQ(fx_device_start(dev), STATUS_SUCCESS);
    CHECK_EQ(fx_device_remove(dev), STATUS_SUCCESS);
    CHECK_LOG("DeviceCleanup");
    fixture_down(&f);
}

static void test_handle_misuse(void)
{
    struct pnp_fixture f;
    struct test_hook hook;
    struct fx_device *dev;
    WDFDEVICE device;

    fixture_up(&f);
    dev = fixture_add(&f, &hook, NULL);
    device = DrvPnpDevice();
    vf_reset();
    /* The framework owns a PnP device's lifetime. */
    DrvPnpDeleteObject(device);
    CHECK_EQ(vf_count(VF_RULE_OBJECT_DELETE_NOT_ALLOWED), 1);
    CHECK(fx_device_state(dev) == FX_PNP_STATE_ADDED);
    /* A WDFDEVICE where a WDFCMRESLIST belongs. */
    CHECK_EQ(DrvPnpCountOf((WDFCMRESLIST)device), 0);
    CHECK_EQ(vf_count(VF_RULE_HANDLE_WRONG_TYPE), 1);
    CHECK_EQ(fx_device_remove(dev), STATUS_SUCCESS);
    /* After removal the handle is stale. */
    CHECK_EQ(DrvPnpGetAlignment(device), 0);
    CHECK_EQ(vf_count(VF_RULE_HANDLE_DELETED), 1);
    CHECK_EQ(vf_total(), 3);
    fixture_down(&f);
}

int main(void)
{
    test_driver_ddis();
    test_interfaces();
    test_init_misuse();
    test_bad_callback_size();
    test_handle_misuse();
    return check_done();
}
