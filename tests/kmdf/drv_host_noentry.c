/* drv_host_noentry.c - a shared object that is not a driver (tests/kmdf): it loads, but has no
 * DriverEntry and no KMDF stub, so dmabox_driver_load_so must refuse it with
 * STATUS_ENTRYPOINT_NOT_FOUND (test_host_api_so.c). */
int drv_host_noentry_marker(void);

int drv_host_noentry_marker(void)
{
    return 42;
}
