/* test_request_vf.c - the verifier rules of queues and requests, each provoked by the
 * deliberately wrong drv_queue_bad driver and counted exactly (RECORD mode), plus a clean run
 * that raises none.  The submitter always gets exactly one completion, misuse or not.
 * Rules: WDF-REQ-001 (nf-wdfrequest-wdfrequestcomplete), WDF-REQ-002
 * (nf-wdfrequest-wdfrequestunmarkcancelable), WDF-REQ-003 (using-power-managed-i-o-queues),
 * WDF-REQ-004 (nf-wdfrequest-wdfrequestretrieveoutputbuffer: STATUS_INTERNAL_ERROR once completed),
 * WDF-REQ-005 (nf-wdfrequest-wdfrequeststopacknowledge), and the general handle, parameter and
 * IRQL rules on the io DDIs. */
#include <stdatomic.h>
#include <string.h>

#include "drv_queue_bad.h"

#include "check.h"
#include "kmdf/core/fx_device.h"
#include "kmdf/core/fx_driver.h"
#include "kmdf/io/fx_io_submit.h"
#include "kmdf/kmdf_machine.h"
#include "model_echo.h"
#include "platform/bus.h"
#include "platform/exec.h"
#include "platform/machine.h"
#include "verifier/vf.h"
#include "wdm/wdm_machine.h"

struct bad {
    struct machine *m;
    struct dmabox_dev *bus;
    struct fx_driver_image *img;
    struct fx_device *dev;
    struct exec_event done;
    _Atomic int calls;
    NTSTATUS status;
    ULONG_PTR info;
    struct fx_io *io;
    unsigned char buf[16];
};

static void bad_up(struct bad *b, int misuse)
{
    struct machine_config mc = {.ram_bytes = 32ull << 20};
    char err[128];

    memset(b, 0, sizeof(*b));
    REQUIRE(machine_create(&mc, &b->m) == 0);
    REQUIRE(vf_machine_attach(b->m) == 0);
    REQUIRE(wdm_machine_attach(b->m) == 0);
    REQUIRE(kmdf_machine_attach(b->m) == 0);
    vf_set_mode(VF_MODE_RECORD);
    vf_set_quiet(1);
    REQUIRE(bus_plug(b->m->bus, 0, &echo_model, NULL, &b->bus, err, sizeof(err)) == 0);
    DrvBadSetMisuse(misuse);
    REQUIRE(fx_driver_load(b->m, "drv_queue_bad", DriverEntry, &WdfDriverGlobals,
                           &WdfFunctions_01033, &b->img) == STATUS_SUCCESS);
    REQUIRE(fx_device_add(b->img, b->bus, &b->dev) == STATUS_SUCCESS);
    REQUIRE(fx_device_start(b->dev) == STATUS_SUCCESS);
    exec_event_init(&b->done, false, false);
}

static void bad_down(struct bad *b)
{
    fx_io_release(b->io);
    fx_driver_unload(b->img);
    CHECK_EQ(kmdf_object_count(b->m, FX_TYPE_ANY), 0);
    bus_unplug(b->bus);
    kmdf_machine_detach(b->m);
    wdm_machine_detach(b->m);
    vf_machine_detach(b->m);
    machine_destroy(b->m);
}

static void bad_done(void *ctx, struct fx_io *io, NTSTATUS status, ULONG_PTR info)
{
    struct bad *b = ctx;

    (void)io;
    b->status = status;
    b->info = info;
    atomic_fetch_add(&b->calls, 1);
    exec_event_set(&b->done);
}

static void bad_read(struct bad *b)
{
    struct fx_io_params p = {.major = IRP_MJ_READ, .buffer = b->buf, .length = sizeof(b->buf)};

    CHECK_EQ(fx_io_submit(b->dev, &p, bad_done, b, &b->io), STATUS_PENDING);
}

/* Waits for the one completion and checks its status. */
static void bad_expect(struct bad *b, NTSTATUS status)
{
    CHECK(exec_event_wait(&b->done, 10ull * 1000 * 1000 * 1000));
    CHECK_EQ(atomic_load(&b->calls), 1);
    CHECK_EQ(b->status, status);
}

static void test_clean(void)
{
    struct bad b;

    bad_up(&b, DRVBAD_NONE);
    bad_read(&b);
    bad_expect(&b, STATUS_SUCCESS);
    CHECK_EQ(vf_total(), 0);
    bad_down(&b);
}

/* WDF-REQ-001: the second completion (the driver kept a reference) is reported and ignored. */
static void test_complete_twice(void)
{
    struct bad b;

    bad_up(&b, DRVBAD_COMPLETE_TWICE);
    bad_read(&b);
    bad_expect(&b, STATUS_SUCCESS);
    CHECK_EQ(vf_count(VF_RULE_REQUEST_COMPLETED_TWICE), 1);
    CHECK_EQ(vf_total(), 1);
    bad_down(&b);

    /* Without a reference the request object is gone: a deleted handle. */
    bad_up(&b, DRVBAD_COMPLETE_TWICE_NOREF);
    bad_read(&b);
    bad_expect(&b, STATUS_SUCCESS);
    CHECK_EQ(vf_count(VF_RULE_HANDLE_DELETED), 1);
    CHECK_EQ(vf_total(), 1);
    bad_down(&b);
}

/* WDF-REQ-002: completed while still cancelable; the framework unmarks it, so a later cancel
 * calls nobody. */
static void test_complete_cancelable(void)
{
    struct bad b;

    bad_up(&b, DRVBAD_COMPLETE_CANCELABLE);
    bad_read(&b);
    bad_expect(&b, STATUS_SUCCESS);
    CHECK_EQ(b.info, 3);
    CHECK_EQ(DrvBadStatus(0), STATUS_SUCCESS);
    fx_io_cancel(b.io);
    CHECK_EQ(DrvBadCancelCalls(), 0);
    CHECK_EQ(vf_count(VF_RULE_REQUEST_COMPLETE_CANCELABLE), 1);
    CHECK_EQ(vf_total(), 1);
    bad_down(&b);
}

/* WDF-REQ-003: a request the driver never completes is reported at removal and completed with
 * STATUS_CANCELLED, so the submitter is not left waiting. */
static void test_left_at_removal(void)
{
    struct bad b;

    bad_up(&b, DRVBAD_KEEP_FOREVER);
    bad_read(&b);
    CHECK_EQ(atomic_load(&b.calls), 0);
    CHECK_EQ(fx_device_remove(b.dev), STATUS_SUCCESS);
    bad_expect(&b, STATUS_CANCELLED);
    CHECK_EQ(vf_count(VF_RULE_REQUEST_NOT_COMPLETED), 1);
    CHECK_EQ(vf_total(), 1);
    bad_down(&b);
}

/* WDF-REQ-004: buffer, MDL and memory of a completed request: one finding each, and
 * STATUS_INTERNAL_ERROR as documented. */
static void test_buffers_after_complete(void)
{
    struct bad b;

    bad_up(&b, DRVBAD_BUFFERS_AFTER_COMPLETE);
    bad_read(&b);
    bad_expect(&b, STATUS_SUCCESS);
    for (ULONG i = 0; i < 3; i++)
        CHECK_EQ(DrvBadStatus(i), STATUS_INTERNAL_ERROR);
    CHECK_EQ(vf_count(VF_RULE_REQUEST_USED_AFTER_COMPLETE), 3);
    CHECK_EQ(vf_total(), 3);
    bad_down(&b);
}

/* WDF-REQ-005: WdfRequestStopAcknowledge with no EvtIoStop outstanding is reported and ignored. */
static void test_stop_ack_without_stop(void)
{
    struct bad b;

    bad_up(&b, DRVBAD_STOP_ACK_WITHOUT_STOP);
    bad_read(&b);
    bad_expect(&b, STATUS_SUCCESS);
    CHECK_EQ(vf_count(VF_RULE_REQUEST_STOP_ACK_NO_STOP), 1);
    CHECK_EQ(vf_total(), 1);
    bad_down(&b);
}

/* WDF-HANDLE-001/002 on the io DDIs: NULL, a queue passed as a request, a device as a queue. */
static void test_bad_handles(void)
{
    struct bad b;

    bad_up(&b, DRVBAD_BAD_HANDLES);
    bad_read(&b);
    bad_expect(&b, STATUS_SUCCESS);
    CHECK_EQ(vf_count(VF_RULE_HANDLE_INVALID), 1);
    CHECK_EQ(vf_count(VF_RULE_HANDLE_WRONG_TYPE), 2);
    CHECK_EQ(vf_total(), 3);
    bad_down(&b);
}

/* WDF-PARAM-002: WDF_REQUEST_PARAMETERS with a wrong Size is reported and left untouched. */
static void test_parameters_size(void)
{
    struct bad b;

    bad_up(&b, DRVBAD_PARAMETERS_SIZE);
    bad_read(&b);
    bad_expect(&b, STATUS_SUCCESS);
    CHECK_EQ(DrvBadStatus(0), STATUS_SUCCESS);
    CHECK_EQ(vf_count(VF_RULE_PARAM_INVALID), 1);
    CHECK_EQ(vf_total(), 1);
    bad_down(&b);
}

/* IRQL-002: WdfIoQueuePurgeSynchronously is PASSIVE_LEVEL only; at DISPATCH_LEVEL it is reported
 * and does nothing (the queue still accepts and delivers). */
static void test_sync_at_dispatch(void)
{
    struct bad b;

    bad_up(&b, DRVBAD_SYNC_AT_DISPATCH);
    bad_read(&b);
    bad_expect(&b, STATUS_SUCCESS);
    CHECK_EQ(vf_count(VF_RULE_IRQL_NOT_PASSIVE), 1);
    CHECK_EQ(vf_total(), 1);
    fx_io_release(b.io);
    exec_event_reset(&b.done);
    atomic_store(&b.calls, 0);
    DrvBadSetMisuse(DRVBAD_NONE);
    bad_read(&b);
    bad_expect(&b, STATUS_SUCCESS);
    bad_down(&b);
}

int main(void)
{
    test_clean();
    test_complete_twice();
    test_complete_cancelable();
    test_left_at_removal();
    test_buffers_after_complete();
    test_stop_ack_without_stop();
    test_bad_handles();
    test_parameters_size();
    test_sync_at_dispatch();
    return check_done();
}
