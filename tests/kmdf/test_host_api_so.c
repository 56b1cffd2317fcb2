/* test_host_api_so.c - loading a driver shared object through the host API (tests/kmdf): the
 * same test driver as test_host_api.c, built with dmabox_add_driver(... SHARED ...) and loaded
 * by path (DRV_HOST_SO).  Covers the load failures (missing file, not a shared object, no
 * DriverEntry/stub, already loaded), then the whole life of a device behind a dlopen'ed driver:
 * attach, open by interface, synchronous and asynchronous I/O, cancel, power down/up with I/O
 * waiting, removal, unload (dlclose) and a reload, ending with zero verifier findings.  This file
 * sees no WDK header: only include/dmabox/dmabox.h and drv_host.h, as an application would. */
#include <string.h>

#include "drv_host.h"
#include "test_host_api.h"

static const dmabox_guid_t host_iface = DRV_HOST_INTERFACE_INIT;

static dmabox_machine_t *machine_new(void)
{
    struct dmabox_machine_config cfg = host_test_config();
    dmabox_machine_t *m = NULL;

    REQUIRE(dmabox_machine_create(&cfg, &m) == DMABOX_STATUS_SUCCESS);
    return m;
}

static void machine_end(dmabox_machine_t *m)
{
    struct dmabox_machine_stats st;

    CHECK_ST(dmabox_machine_destroy(m, &st), DMABOX_STATUS_SUCCESS);
    CHECK_EQ(st.findings_total, 0);
    CHECK_EQ(st.pool_live_blocks, 0);
    CHECK_EQ(st.framework_objects, 0);
}

static void test_load_errors(void)
{
    dmabox_machine_t *m = machine_new(), *m2 = machine_new();
    dmabox_driver_t *drv = NULL, *d2 = NULL;

    CHECK_ST(dmabox_driver_load_so(m, NULL, &drv), DMABOX_STATUS_INVALID_PARAMETER);
    CHECK_ST(dmabox_driver_load_so(m, "", &drv), DMABOX_STATUS_INVALID_PARAMETER);
    CHECK_ST(dmabox_driver_load_so(m, "dir/", &drv), DMABOX_STATUS_INVALID_PARAMETER);
    CHECK_ST(dmabox_driver_load_so(m, "/nonexistent/drv.so", &drv), DMABOX_STATUS_DLL_NOT_FOUND);
    CHECK_ST(dmabox_driver_load_so(m, DRV_HOST_HEADER, &drv), DMABOX_STATUS_INVALID_IMAGE_FORMAT);
    CHECK_ST(dmabox_driver_load_so(m, DRV_HOST_NOENTRY, &drv), DMABOX_STATUS_ENTRYPOINT_NOT_FOUND);
    CHECK(drv == NULL);
    CHECK_ST(dmabox_driver_load_so(m, DRV_HOST_SO, &drv), DMABOX_STATUS_SUCCESS);
    /* The image is bound: not again, on this machine or another. */
    CHECK_ST(dmabox_driver_load_so(m, DRV_HOST_SO, &d2), DMABOX_STATUS_IMAGE_ALREADY_LOADED);
    CHECK_ST(dmabox_driver_load_so(m2, DRV_HOST_SO, &d2), DMABOX_STATUS_IMAGE_ALREADY_LOADED);
    CHECK(d2 == NULL);
    CHECK_ST(dmabox_driver_unload(drv), DMABOX_STATUS_SUCCESS);
    /* Unloaded and closed: it loads again (a fresh dlopen), on the other machine this time. */
    CHECK_ST(dmabox_driver_load_so(m2, DRV_HOST_SO, &d2), DMABOX_STATUS_SUCCESS);
    machine_end(m);
    machine_end(m2);                     /* unloads d2 */
}

static void on_done(void *ctx, dmabox_status_t status, size_t information)
{
    (void)information;
    *(dmabox_status_t *)ctx = status;
}

static void test_device_life(void)
{
    dmabox_machine_t *m = machine_new();
    dmabox_slot_t *s = NULL;
    dmabox_driver_t *drv = NULL;
    dmabox_device_t *d = NULL;
    dmabox_handle_t *h = NULL;
    dmabox_io_t *io = NULL;
    dmabox_status_t cb = -1;
    unsigned char *a = NULL, *b = NULL;
    unsigned info[DRV_HOST_INFO_COUNT];
    size_t n = 0;

    CHECK_ST(dmabox_plug(m, 2, "pktdma", NULL, &s), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_driver_load_so(m, DRV_HOST_SO, &drv), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_device_attach(drv, s, &d), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_device_open(m, &host_iface, &h), DMABOX_STATUS_SUCCESS);
    REQUIRE(dmabox_buffer_alloc(m, 4096, DMABOX_BUF_CONTIGUOUS, (void **)&a) == DMABOX_STATUS_SUCCESS);
    REQUIRE(dmabox_buffer_alloc(m, 4096, 0, (void **)&b) == DMABOX_STATUS_SUCCESS);

    for (unsigned i = 0; i < 4096; i++)
        a[i] = (unsigned char)(i * 13);
    CHECK_ST(dmabox_write(h, a, 4096, 4096, &n), DMABOX_STATUS_SUCCESS);
    CHECK_EQ(n, 4096);
    CHECK_ST(dmabox_read_async(h, b, 4096, 4096, on_done, &cb, &io), DMABOX_STATUS_PENDING);
    CHECK_ST(dmabox_io_wait(io, DMABOX_WAIT_FOREVER, &n), DMABOX_STATUS_SUCCESS);
    CHECK_EQ(n, 4096);
    CHECK_ST(cb, DMABOX_STATUS_SUCCESS);
    CHECK(memcmp(a, b, 4096) == 0);
    CHECK_ST(dmabox_io_release(io), DMABOX_STATUS_SUCCESS);

    /* Cancel a parked request. */
    CHECK_ST(dmabox_ioctl_async(h, DRV_HOST_IOCTL_HOLD, NULL, 0, NULL, 0, on_done, &cb, &io),
             DMABOX_STATUS_PENDING);
    CHECK_ST(dmabox_io_wait(io, 10, NULL), DMABOX_STATUS_TIMEOUT);
    CHECK_ST(dmabox_cancel(io), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_io_wait(io, DMABOX_WAIT_FOREVER, NULL), DMABOX_STATUS_CANCELLED);
    CHECK_ST(cb, DMABOX_STATUS_CANCELLED);
    CHECK_ST(dmabox_io_release(io), DMABOX_STATUS_SUCCESS);

    /* Power down with a read waiting, back up. */
    CHECK_ST(dmabox_device_power_down(d, DMABOX_POWER_D2), DMABOX_STATUS_SUCCESS);
    memset(b, 0, 4096);
    CHECK_ST(dmabox_read_async(h, b, 100, 4096, NULL, NULL, &io), DMABOX_STATUS_PENDING);
    CHECK_ST(dmabox_io_wait(io, 10, NULL), DMABOX_STATUS_TIMEOUT);
    CHECK_ST(dmabox_device_power_up(d), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_io_wait(io, DMABOX_WAIT_FOREVER, &n), DMABOX_STATUS_SUCCESS);
    CHECK(n == 100 && memcmp(a, b, 100) == 0);
    CHECK_ST(dmabox_io_release(io), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_ioctl(h, DRV_HOST_IOCTL_INFO, NULL, 0, b, sizeof(info), &n), DMABOX_STATUS_SUCCESS);
    memcpy(info, b, sizeof(info));
    CHECK_EQ(info[DRV_HOST_INFO_D0_ENTRY], 2);
    CHECK_EQ(info[DRV_HOST_INFO_D0_EXIT], 1);
    CHECK_EQ(info[DRV_HOST_INFO_HAS_HARDWARE], 1);
    CHECK_EQ(info[DRV_HOST_INFO_WRONG_IRQL], 0);

    CHECK_ST(dmabox_device_remove(d), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_read(h, b, 16, 0, &n), DMABOX_STATUS_NO_SUCH_DEVICE);
    CHECK_ST(dmabox_close(h), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_driver_unload(drv), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_buffer_free(m, a), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_buffer_free(m, b), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_unplug(s), DMABOX_STATUS_SUCCESS);
    machine_end(m);
}

int main(void)
{
    test_load_errors();
    test_device_life();
    return check_done();
}
