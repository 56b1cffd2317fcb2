/* test_host_api.c - the host API's lifecycle and argument checking (tests/kmdf), with the test
 * driver linked in (drv_host.c): status names; every entry point against NULL, forged, closed
 * and wrong-type handles; machine configurations; plugging; buffers; loading, attaching,
 * opening, power transitions, surprise and orderly removal, unplugging an attached device,
 * unloading; teardown of everything an application forgot; calls from the wrong thread or
 * level; two machines in one process.  Every clean machine runs in ABORT mode and must end with
 * zero verifier findings.  I/O: test_host_api_io.c; the shared-object driver: test_host_api_so.c. */
#include <ntddk.h>
#include <wdf.h>

#include <string.h>

#include "drv_host.h"
#include "platform/exec_ctx.h"
#include "test_host_api.h"

DRIVER_INITIALIZE DriverEntry;

static const dmabox_guid_t host_iface = DRV_HOST_INTERFACE_INIT;
static const dmabox_guid_t other_iface = {0x12345678u, 1, 2, {3, 4, 5, 6, 7, 8, 9, 10}};

static dmabox_machine_t *machine_new(void)
{
    struct dmabox_machine_config cfg = host_test_config();
    dmabox_machine_t *m = NULL;

    REQUIRE(dmabox_machine_create(&cfg, &m) == DMABOX_STATUS_SUCCESS && m != NULL);
    return m;
}

/* Destroys m and checks the teardown left nothing behind and found nothing; *forgot (if not
 * NULL) receives the final statistics. */
static void machine_end_stats(dmabox_machine_t *m, struct dmabox_machine_stats *forgot)
{
    struct dmabox_machine_stats st;

    CHECK_ST(dmabox_machine_destroy(m, &st), DMABOX_STATUS_SUCCESS);
    if (forgot != NULL)
        *forgot = st;
    CHECK_EQ(st.findings_total, 0);
    CHECK_EQ(st.pool_live_blocks, 0);
    CHECK_EQ(st.framework_objects, 0);
    CHECK_EQ(st.buffers_live, 0);
    CHECK_EQ(st.drivers_loaded, 0);
    CHECK_EQ(st.handles_open, 0);
    CHECK_ST(dmabox_machine_destroy(m, NULL), DMABOX_STATUS_INVALID_HANDLE);
}

static void machine_end(dmabox_machine_t *m)
{
    struct dmabox_machine_stats st;

    machine_end_stats(m, &st);
    CHECK_EQ(st.forgotten_handles + st.forgotten_ios + st.forgotten_buffers, 0);
}

static void test_status_names(void)
{
    CHECK(strcmp(dmabox_status_name(DMABOX_STATUS_SUCCESS), "STATUS_SUCCESS") == 0);
    CHECK(strcmp(dmabox_status_name(DMABOX_STATUS_INVALID_HANDLE), "STATUS_INVALID_HANDLE") == 0);
    CHECK(strcmp(dmabox_status_name(DMABOX_STATUS_DEVICE_REMOVED), "STATUS_DEVICE_REMOVED") == 0);
    CHECK(strcmp(dmabox_status_name(DMABOX_STATUS_DLL_NOT_FOUND), "STATUS_DLL_NOT_FOUND") == 0);
    CHECK(strcmp(dmabox_status_name(STATUS_END_OF_FILE), "STATUS_END_OF_FILE") == 0);
    CHECK(strcmp(dmabox_status_name((dmabox_status_t)0xC0FFEE00), "STATUS_<unknown>") == 0);
    CHECK(DMABOX_SUCCESS(DMABOX_STATUS_PENDING));
    CHECK(!DMABOX_SUCCESS(DMABOX_STATUS_DEVICE_BUSY));
}

/* Every entry point with a NULL handle, a forged one and a handle of another type. */
static void test_bad_handles(void)
{
    dmabox_machine_t *m = machine_new();
    int forged_storage[64] = {0};
    void *forged = forged_storage, *wrong = m, *buf = NULL, *out = NULL;
    struct dmabox_machine_stats st;
    size_t n;

    const void *bad[] = {NULL, forged};
    for (int i = 0; i < 2; i++) {
        void *h = (void *)bad[i];
        CHECK_ST(dmabox_machine_destroy(h, NULL), DMABOX_STATUS_INVALID_HANDLE);
        CHECK_ST(dmabox_plug(h, 0, "sgdma", NULL, (dmabox_slot_t **)&out),
                 DMABOX_STATUS_INVALID_HANDLE);
        CHECK_ST(dmabox_unplug(h), DMABOX_STATUS_INVALID_HANDLE);
        CHECK_ST(dmabox_driver_load_so(h, "x.so", (dmabox_driver_t **)&out),
                 DMABOX_STATUS_INVALID_HANDLE);
        CHECK_ST(dmabox_driver_load_linked(h, "drv_host", DMABOX_LINKED_DRIVER,
                                           (dmabox_driver_t **)&out),
                 DMABOX_STATUS_INVALID_HANDLE);
        CHECK_ST(dmabox_driver_unload(h), DMABOX_STATUS_INVALID_HANDLE);
        CHECK_ST(dmabox_device_attach(h, NULL, (dmabox_device_t **)&out),
                 DMABOX_STATUS_INVALID_HANDLE);
        CHECK_ST(dmabox_device_power_down(h, DMABOX_POWER_D3), DMABOX_STATUS_INVALID_HANDLE);
        CHECK_ST(dmabox_device_power_up(h), DMABOX_STATUS_INVALID_HANDLE);
        CHECK_ST(dmabox_device_surprise_remove(h), DMABOX_STATUS_INVALID_HANDLE);
        CHECK_ST(dmabox_device_remove(h), DMABOX_STATUS_INVALID_HANDLE);
        CHECK_ST(dmabox_device_open(h, &host_iface, (dmabox_handle_t **)&out),
                 DMABOX_STATUS_INVALID_HANDLE);
        CHECK_ST(dmabox_close(h), DMABOX_STATUS_INVALID_HANDLE);
        CHECK_ST(dmabox_buffer_alloc(h, 4096, 0, &buf), DMABOX_STATUS_INVALID_HANDLE);
        CHECK_ST(dmabox_buffer_free(h, forged), DMABOX_STATUS_INVALID_HANDLE);
        CHECK_ST(dmabox_read(h, forged, 4, 0, &n), DMABOX_STATUS_INVALID_HANDLE);
        CHECK_ST(dmabox_write(h, forged, 4, 0, &n), DMABOX_STATUS_INVALID_HANDLE);
        CHECK_ST(dmabox_ioctl(h, 1, NULL, 0, NULL, 0, &n), DMABOX_STATUS_INVALID_HANDLE);
        CHECK_ST(dmabox_read_async(h, forged, 4, 0, NULL, NULL, (dmabox_io_t **)&out),
                 DMABOX_STATUS_INVALID_HANDLE);
        CHECK_ST(dmabox_write_async(h, forged, 4, 0, NULL, NULL, (dmabox_io_t **)&out),
                 DMABOX_STATUS_INVALID_HANDLE);
        CHECK_ST(dmabox_ioctl_async(h, 1, NULL, 0, NULL, 0, NULL, NULL, (dmabox_io_t **)&out),
                 DMABOX_STATUS_INVALID_HANDLE);
        CHECK_ST(dmabox_cancel(h), DMABOX_STATUS_INVALID_HANDLE);
        CHECK_ST(dmabox_io_wait(h, 0, &n), DMABOX_STATUS_INVALID_HANDLE);
        CHECK_ST(dmabox_io_release(h), DMABOX_STATUS_INVALID_HANDLE);
        CHECK_ST(dmabox_machine_stats(h, &st), DMABOX_STATUS_INVALID_HANDLE);
    }
    /* A live machine handle passed where another type is expected. */
    CHECK_ST(dmabox_unplug(wrong), DMABOX_STATUS_INVALID_HANDLE);
    CHECK_ST(dmabox_driver_unload(wrong), DMABOX_STATUS_INVALID_HANDLE);
    CHECK_ST(dmabox_device_attach(wrong, NULL, (dmabox_device_t **)&out),
             DMABOX_STATUS_INVALID_HANDLE);
    CHECK_ST(dmabox_device_remove(wrong), DMABOX_STATUS_INVALID_HANDLE);
    CHECK_ST(dmabox_close(wrong), DMABOX_STATUS_INVALID_HANDLE);
    CHECK_ST(dmabox_read(wrong, forged, 4, 0, &n), DMABOX_STATUS_INVALID_HANDLE);
    CHECK_ST(dmabox_cancel(wrong), DMABOX_STATUS_INVALID_HANDLE);
    CHECK_ST(dmabox_io_release(wrong), DMABOX_STATUS_INVALID_HANDLE);
    /* Missing out parameters. */
    CHECK_ST(dmabox_machine_create(NULL, NULL), DMABOX_STATUS_INVALID_PARAMETER);
    CHECK_ST(dmabox_plug(m, 0, "sgdma", NULL, NULL), DMABOX_STATUS_INVALID_PARAMETER);
    CHECK_ST(dmabox_driver_load_so(m, "x.so", NULL), DMABOX_STATUS_INVALID_PARAMETER);
    CHECK_ST(dmabox_driver_load_linked(m, "drv_host", DMABOX_LINKED_DRIVER, NULL),
             DMABOX_STATUS_INVALID_PARAMETER);
    CHECK_ST(dmabox_device_open(m, &host_iface, NULL), DMABOX_STATUS_INVALID_PARAMETER);
    CHECK_ST(dmabox_buffer_alloc(m, 4096, 0, NULL), DMABOX_STATUS_INVALID_PARAMETER);
    CHECK_ST(dmabox_machine_stats(m, NULL), DMABOX_STATUS_INVALID_PARAMETER);
    CHECK(dmabox_stats_rule(NULL, "POOL-002") == 0);
    machine_end(m);
}

static void test_machine_config(void)
{
    struct dmabox_machine_config cfg;
    dmabox_machine_t *m = (dmabox_machine_t *)&cfg;
    struct dmabox_machine_stats st;

    cfg = host_test_config();
    cfg.cpus = 65;
    CHECK_ST(dmabox_machine_create(&cfg, &m), DMABOX_STATUS_INVALID_PARAMETER);
    CHECK(m == NULL);
    cfg = host_test_config();
    cfg.ram_bytes = (64ull << 20) + 100;
    CHECK_ST(dmabox_machine_create(&cfg, &m), DMABOX_STATUS_INVALID_PARAMETER);
    cfg = host_test_config();
    cfg.ram_above_4g = 128ull << 20;
    CHECK_ST(dmabox_machine_create(&cfg, &m), DMABOX_STATUS_INVALID_PARAMETER);
    cfg = host_test_config();
    cfg.ram_bytes = 1ull << 40;
    CHECK_ST(dmabox_machine_create(&cfg, &m), DMABOX_STATUS_INVALID_PARAMETER);
    cfg = host_test_config();
    cfg.verifier_mode = (enum dmabox_verifier_mode)7;
    CHECK_ST(dmabox_machine_create(&cfg, &m), DMABOX_STATUS_INVALID_PARAMETER);
    /* NULL configuration: every default. */
    CHECK_ST(dmabox_machine_create(NULL, &m), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_machine_stats(m, &st), DMABOX_STATUS_SUCCESS);
    CHECK_EQ(st.findings_total, 0);
    CHECK_EQ(st.rule_count, 0);
    machine_end(m);
    /* The calling thread is left as it was: not attached to any machine. */
    CHECK(exec_ctx_self()->machine == NULL);
}

static void test_plug(void)
{
    dmabox_machine_t *m = machine_new();
    dmabox_slot_t *s0 = NULL, *s1 = NULL, *s = NULL;
    struct dmabox_machine_stats st;

    CHECK_ST(dmabox_plug(m, DMABOX_MAX_SLOTS, "sgdma", NULL, &s), DMABOX_STATUS_INVALID_PARAMETER);
    CHECK_ST(dmabox_plug(m, 0, NULL, NULL, &s), DMABOX_STATUS_INVALID_PARAMETER);
    CHECK_ST(dmabox_plug(m, 0, "nosuchdev", NULL, &s), DMABOX_STATUS_OBJECT_NAME_NOT_FOUND);
    CHECK_ST(dmabox_plug(m, 0, "sgdma", "novalue", &s), DMABOX_STATUS_INVALID_PARAMETER);
    CHECK_ST(dmabox_plug(m, 0, "sgdma", "=1", &s), DMABOX_STATUS_INVALID_PARAMETER);
    CHECK_ST(dmabox_plug(m, 0, "sgdma", "a=1,,b=2", &s), DMABOX_STATUS_INVALID_PARAMETER);
    CHECK_ST(dmabox_plug(m, 0, "sgdma", "a=1,", &s), DMABOX_STATUS_INVALID_PARAMETER);
    /* A well-formed option the model does not know: the model refuses it. */
    CHECK_ST(dmabox_plug(m, 0, "sgdma", "nosuchoption=1", &s), DMABOX_STATUS_INVALID_PARAMETER);
    CHECK(s == NULL);
    CHECK_ST(dmabox_plug(m, 0, "sgdma", "", &s0), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_plug(m, 0, "pktdma", NULL, &s), DMABOX_STATUS_DEVICE_ALREADY_ATTACHED);
    CHECK_ST(dmabox_plug(m, 3, "pktdma", NULL, &s1), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_machine_stats(m, &st), DMABOX_STATUS_SUCCESS);
    CHECK(st.slots[0].plugged && strcmp(st.slots[0].model, "sgdma") == 0);
    CHECK(st.slots[3].plugged && strcmp(st.slots[3].model, "pktdma") == 0);
    CHECK(!st.slots[1].plugged && !st.slots[0].attached);
    CHECK_ST(dmabox_unplug(s1), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_unplug(s1), DMABOX_STATUS_INVALID_HANDLE);
    CHECK_ST(dmabox_machine_stats(m, &st), DMABOX_STATUS_SUCCESS);
    CHECK(!st.slots[3].plugged);
    /* The slot is free again. */
    CHECK_ST(dmabox_plug(m, 3, "sgdma", NULL, &s1), DMABOX_STATUS_SUCCESS);
    machine_end(m);                      /* unplugs both */
    CHECK_ST(dmabox_unplug(s0), DMABOX_STATUS_INVALID_HANDLE);
}

static void test_buffers(void)
{
    dmabox_machine_t *m = machine_new();
    struct dmabox_machine_stats st;
    void *a = NULL, *b = NULL, *c = NULL, *x = NULL;
    char local[16];
    size_t zero = 0;

    CHECK_ST(dmabox_buffer_alloc(m, 0, 0, &x), DMABOX_STATUS_INVALID_PARAMETER);
    CHECK_ST(dmabox_buffer_alloc(m, (64ull << 20) + 1, 0, &x), DMABOX_STATUS_INVALID_PARAMETER);
    CHECK_ST(dmabox_buffer_alloc(m, SIZE_MAX, 0, &x), DMABOX_STATUS_INVALID_PARAMETER);
    CHECK_ST(dmabox_buffer_alloc(m, 4096, DMABOX_BUF_BELOW_4G | DMABOX_BUF_ABOVE_4G, &x),
             DMABOX_STATUS_INVALID_PARAMETER);
    CHECK_ST(dmabox_buffer_alloc(m, 4096, 1u << 7, &x), DMABOX_STATUS_INVALID_PARAMETER);
    CHECK(x == NULL);
    /* All of RAM cannot be had: the pool and the framework hold some. */
    CHECK_ST(dmabox_buffer_alloc(m, 64ull << 20, DMABOX_BUF_CONTIGUOUS, &x),
             DMABOX_STATUS_INSUFFICIENT_RESOURCES);
    CHECK_ST(dmabox_buffer_alloc(m, 10000, 0, &a), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_buffer_alloc(m, 4096, DMABOX_BUF_ABOVE_4G | DMABOX_BUF_CONTIGUOUS, &b),
             DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_buffer_alloc(m, 100, DMABOX_BUF_BELOW_4G, &c), DMABOX_STATUS_SUCCESS);
    REQUIRE(a != NULL && b != NULL && c != NULL);
    CHECK(((uintptr_t)a & 4095) == 0 && ((uintptr_t)b & 4095) == 0);
    for (size_t i = 0; i < 10000; i++)
        zero |= ((unsigned char *)a)[i];
    CHECK_EQ(zero, 0);
    memset(a, 0x5a, 10000);             /* the whole requested size is writable */
    CHECK_ST(dmabox_machine_stats(m, &st), DMABOX_STATUS_SUCCESS);
    CHECK_EQ(st.buffers_live, 3);
    CHECK_EQ(st.buffer_bytes, 10000 + 4096 + 100);
    CHECK_ST(dmabox_buffer_free(m, (char *)a + 8), DMABOX_STATUS_INVALID_USER_BUFFER);
    CHECK_ST(dmabox_buffer_free(m, local), DMABOX_STATUS_INVALID_USER_BUFFER);
    CHECK_ST(dmabox_buffer_free(m, NULL), DMABOX_STATUS_INVALID_USER_BUFFER);
    CHECK_ST(dmabox_buffer_free(m, a), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_buffer_free(m, a), DMABOX_STATUS_INVALID_USER_BUFFER);
    CHECK_ST(dmabox_buffer_free(m, b), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_machine_stats(m, &st), DMABOX_STATUS_SUCCESS);
    CHECK_EQ(st.buffers_live, 1);
    machine_end_stats(m, &st);           /* frees c */
    CHECK_EQ(st.forgotten_buffers, 1);
}

/* Query of one of the driver's counters is I/O: test_host_api_io.c.  Here: the PnP path. */
static void test_device_lifecycle(void)
{
    dmabox_machine_t *m = machine_new(), *m2 = machine_new();
    dmabox_slot_t *s0 = NULL, *s_other = NULL;
    dmabox_driver_t *drv = NULL, *drv2 = NULL;
    dmabox_device_t *d0 = NULL, *d1 = NULL, *dx = NULL;
    dmabox_handle_t *h0 = NULL, *hx = NULL;
    struct dmabox_machine_stats st;

    CHECK_ST(dmabox_plug(m, 0, "sgdma", NULL, &s0), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_plug(m2, 0, "sgdma", NULL, &s_other), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_driver_load_linked(m, NULL, DMABOX_LINKED_DRIVER, &drv),
             DMABOX_STATUS_INVALID_PARAMETER);
    CHECK_ST(dmabox_driver_load_linked(m, "", DMABOX_LINKED_DRIVER, &drv),
             DMABOX_STATUS_INVALID_PARAMETER);
    CHECK_ST(dmabox_driver_load_linked(m, "a/b", DMABOX_LINKED_DRIVER, &drv),
             DMABOX_STATUS_INVALID_PARAMETER);
    CHECK_ST(dmabox_driver_load_linked(m, "drv_host", NULL, &WdfDriverGlobals,
                                       &WdfFunctions_01033, &drv),
             DMABOX_STATUS_INVALID_PARAMETER);
    CHECK_ST(dmabox_driver_load_linked(m, "drv_host", (dmabox_fn_t)DriverEntry, NULL,
                                       &WdfFunctions_01033, &drv),
             DMABOX_STATUS_INVALID_PARAMETER);
    CHECK_ST(dmabox_driver_load_linked(m, "drv_host", DMABOX_LINKED_DRIVER, &drv),
             DMABOX_STATUS_SUCCESS);
    /* One image, one binding: not again, neither here nor on another machine. */
    CHECK_ST(dmabox_driver_load_linked(m, "drv_host2", DMABOX_LINKED_DRIVER, &drv2),
             DMABOX_STATUS_IMAGE_ALREADY_LOADED);
    CHECK_ST(dmabox_driver_load_linked(m2, "drv_host", DMABOX_LINKED_DRIVER, &drv2),
             DMABOX_STATUS_IMAGE_ALREADY_LOADED);
    CHECK(drv2 == NULL);

    CHECK_ST(dmabox_device_attach(drv, s0, NULL), DMABOX_STATUS_INVALID_PARAMETER);
    CHECK_ST(dmabox_device_attach(drv, s_other, &dx), DMABOX_STATUS_INVALID_PARAMETER);
    CHECK_ST(dmabox_device_attach(drv, (dmabox_slot_t *)drv, &dx), DMABOX_STATUS_INVALID_HANDLE);
    CHECK_ST(dmabox_device_attach(drv, s0, &d0), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_device_attach(drv, s0, &dx), DMABOX_STATUS_DEVICE_ALREADY_ATTACHED);
    CHECK(dx == NULL);
    CHECK_ST(dmabox_device_attach(drv, NULL, &d1), DMABOX_STATUS_SUCCESS); /* no hardware */
    CHECK_ST(dmabox_machine_stats(m, &st), DMABOX_STATUS_SUCCESS);
    CHECK_EQ(st.devices_attached, 2);
    CHECK(st.slots[0].attached);

    CHECK_ST(dmabox_device_open(m, &other_iface, &hx), DMABOX_STATUS_OBJECT_NAME_NOT_FOUND);
    CHECK_ST(dmabox_device_open(m, NULL, &hx), DMABOX_STATUS_INVALID_PARAMETER);
    CHECK_ST(dmabox_device_open(m2, &host_iface, &hx), DMABOX_STATUS_OBJECT_NAME_NOT_FOUND);
    CHECK(hx == NULL);
    CHECK_ST(dmabox_device_open(m, &host_iface, &h0), DMABOX_STATUS_SUCCESS);

    /* Power: D-states outside D1..D3, requests the current state does not allow. */
    CHECK_ST(dmabox_device_power_down(d0, (enum dmabox_power_state)0), DMABOX_STATUS_INVALID_PARAMETER);
    CHECK_ST(dmabox_device_power_down(d0, (enum dmabox_power_state)4), DMABOX_STATUS_INVALID_PARAMETER);
    CHECK_ST(dmabox_device_power_up(d0), DMABOX_STATUS_INVALID_DEVICE_STATE);
    CHECK_ST(dmabox_device_power_down(d0, DMABOX_POWER_D3), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_device_power_down(d0, DMABOX_POWER_D2), DMABOX_STATUS_INVALID_DEVICE_STATE);
    CHECK_ST(dmabox_device_power_up(d0), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_device_power_down(d1, DMABOX_POWER_D1), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_device_power_up(d1), DMABOX_STATUS_SUCCESS);

    /* Surprise removal, then orderly removal. */
    CHECK_ST(dmabox_device_surprise_remove(d0), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_device_surprise_remove(d0), DMABOX_STATUS_INVALID_DEVICE_STATE);
    CHECK_ST(dmabox_device_power_up(d0), DMABOX_STATUS_DEVICE_REMOVED);
    CHECK_ST(dmabox_device_power_down(d0, DMABOX_POWER_D3), DMABOX_STATUS_DEVICE_REMOVED);
    CHECK_ST(dmabox_device_remove(d0), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_device_remove(d0), DMABOX_STATUS_NO_SUCH_DEVICE);
    CHECK_ST(dmabox_device_power_up(d0), DMABOX_STATUS_NO_SUCH_DEVICE);
    CHECK_ST(dmabox_device_surprise_remove(d0), DMABOX_STATUS_NO_SUCH_DEVICE);
    CHECK_ST(dmabox_machine_stats(m, &st), DMABOX_STATUS_SUCCESS);
    CHECK_EQ(st.devices_attached, 1);
    CHECK(!st.slots[0].attached);
    /* The slot is free for a new device; the second device is now the first to open. */
    CHECK_ST(dmabox_close(h0), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_close(h0), DMABOX_STATUS_INVALID_HANDLE);
    CHECK_ST(dmabox_device_open(m, &host_iface, &h0), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_device_attach(drv, s0, &dx), DMABOX_STATUS_SUCCESS);

    CHECK_ST(dmabox_driver_unload(drv), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_driver_unload(drv), DMABOX_STATUS_INVALID_HANDLE);
    CHECK_ST(dmabox_device_power_up(d1), DMABOX_STATUS_INVALID_HANDLE);
    CHECK_ST(dmabox_device_remove(dx), DMABOX_STATUS_INVALID_HANDLE);
    CHECK_ST(dmabox_machine_stats(m, &st), DMABOX_STATUS_SUCCESS);
    CHECK_EQ(st.drivers_loaded, 0);
    CHECK_EQ(st.devices_attached, 0);
    CHECK_EQ(st.handles_open, 1);        /* still open, on a device that is gone */
    CHECK_EQ(st.framework_objects, 0);
    CHECK_ST(dmabox_close(h0), DMABOX_STATUS_SUCCESS);
    /* Unloaded, the image can be loaded again, on the other machine too. */
    CHECK_ST(dmabox_driver_load_linked(m2, "drv_host", DMABOX_LINKED_DRIVER, &drv2),
             DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_driver_unload(drv2), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_unplug(s0), DMABOX_STATUS_SUCCESS);
    machine_end(m);
    machine_end(m2);
}

/* Pulling the card of an attached, open device surprise-removes and removes it. */
static void test_unplug_attached(void)
{
    dmabox_machine_t *m = machine_new();
    dmabox_slot_t *s = NULL;
    dmabox_driver_t *drv = NULL;
    dmabox_device_t *d = NULL;
    dmabox_handle_t *h = NULL;
    struct dmabox_machine_stats st;

    CHECK_ST(dmabox_plug(m, 5, "sgdma", NULL, &s), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_driver_load_linked(m, "drv_host", DMABOX_LINKED_DRIVER, &drv),
             DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_device_attach(drv, s, &d), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_device_open(m, &host_iface, &h), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_unplug(s), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_device_power_up(d), DMABOX_STATUS_NO_SUCH_DEVICE);
    CHECK_ST(dmabox_device_attach(drv, s, &d), DMABOX_STATUS_INVALID_HANDLE);
    CHECK_ST(dmabox_device_open(m, &host_iface, &h), DMABOX_STATUS_OBJECT_NAME_NOT_FOUND);
    CHECK_ST(dmabox_machine_stats(m, &st), DMABOX_STATUS_SUCCESS);
    CHECK(!st.slots[5].plugged);
    CHECK_EQ(st.devices_attached, 0);
    CHECK_ST(dmabox_driver_unload(drv), DMABOX_STATUS_SUCCESS);
    machine_end_stats(m, &st);           /* closes h */
    CHECK_EQ(st.forgotten_handles, 1);
}

/* An application that forgets everything: destroy closes, unloads, unplugs and frees it. */
static void test_destroy_cleans_up(void)
{
    dmabox_machine_t *m = machine_new();
    dmabox_slot_t *s = NULL;
    dmabox_driver_t *drv = NULL;
    dmabox_device_t *d = NULL, *d2 = NULL;
    dmabox_handle_t *h = NULL;
    struct dmabox_machine_stats st;
    void *b = NULL;

    CHECK_ST(dmabox_plug(m, 0, "sgdma", NULL, &s), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_driver_load_linked(m, "drv_host", DMABOX_LINKED_DRIVER, &drv),
             DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_device_attach(drv, s, &d), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_device_attach(drv, NULL, &d2), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_device_power_down(d2, DMABOX_POWER_D2), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_device_open(m, &host_iface, &h), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_buffer_alloc(m, 8192, 0, &b), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_buffer_alloc(m, 100, 0, &b), DMABOX_STATUS_SUCCESS);
    machine_end_stats(m, &st);
    CHECK_EQ(st.forgotten_handles, 1);
    CHECK_EQ(st.forgotten_buffers, 2);
    CHECK_EQ(st.forgotten_ios, 0);
    CHECK_ST(dmabox_close(h), DMABOX_STATUS_INVALID_HANDLE);
    CHECK_ST(dmabox_device_remove(d), DMABOX_STATUS_INVALID_HANDLE);
    CHECK_ST(dmabox_driver_unload(drv), DMABOX_STATUS_INVALID_HANDLE);
    CHECK_ST(dmabox_unplug(s), DMABOX_STATUS_INVALID_HANDLE);
}

/* Blocking calls need an application thread at PASSIVE_LEVEL; a machine's own threads may make
 * only non-blocking calls, and only on their machine; an application thread attached elsewhere
 * is attached to the call's machine for the call and restored afterwards. */
static void test_wrong_thread(void)
{
    dmabox_machine_t *m = machine_new(), *m2 = NULL;
    struct exec_ctx *self = exec_ctx_self();
    struct dmabox_machine_stats st;
    dmabox_slot_t *s = NULL;
    int elsewhere;                       /* stands for another machine; never dereferenced */
    void *b = NULL;

    self->level = EXEC_LEVEL_DISPATCH;
    CHECK_ST(dmabox_machine_create(NULL, &m2), DMABOX_STATUS_NOT_SUPPORTED);
    CHECK_ST(dmabox_plug(m, 0, "sgdma", NULL, &s), DMABOX_STATUS_NOT_SUPPORTED);
    CHECK_ST(dmabox_buffer_alloc(m, 4096, 0, &b), DMABOX_STATUS_NOT_SUPPORTED);
    CHECK_ST(dmabox_machine_stats(m, &st), DMABOX_STATUS_NOT_SUPPORTED);
    CHECK_ST(dmabox_machine_destroy(m, NULL), DMABOX_STATUS_NOT_SUPPORTED);
    self->level = EXEC_LEVEL_PASSIVE;

    /* A DPC thread of another machine. */
    exec_ctx_attach((struct machine *)(void *)&elsewhere, "dpc0");
    self->cpu = 0;
    CHECK_ST(dmabox_machine_create(NULL, &m2), DMABOX_STATUS_NOT_SUPPORTED);
    CHECK_ST(dmabox_plug(m, 0, "sgdma", NULL, &s), DMABOX_STATUS_NOT_SUPPORTED);
    CHECK_ST(dmabox_machine_stats(m, &st), DMABOX_STATUS_NOT_SUPPORTED);
    CHECK(self->machine == (struct machine *)(void *)&elsewhere);

    /* An application thread attached to another machine. */
    exec_ctx_attach((struct machine *)(void *)&elsewhere, "app");
    CHECK_ST(dmabox_machine_stats(m, &st), DMABOX_STATUS_SUCCESS);
    CHECK_ST(dmabox_plug(m, 1, "sgdma", NULL, &s), DMABOX_STATUS_SUCCESS);
    CHECK(self->machine == (struct machine *)(void *)&elsewhere && strcmp(self->name, "app") == 0);
    exec_ctx_attach(NULL, "host");
    CHECK(s != NULL && m2 == NULL && b == NULL);
    machine_end(m);
}

int main(void)
{
    test_status_names();
    test_bad_handles();
    test_machine_config();
    test_plug();
    test_buffers();
    test_device_lifecycle();
    test_unplug_attached();
    test_destroy_cleans_up();
    test_wrong_thread();
    return check_done();
}
