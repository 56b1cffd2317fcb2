/* test_queue_power.c - power-managed I/O queues in the PnP/power sequence, through the drv_queue
 * test driver: requests held while the device is not in D0 and delivered after power-up,
 * EvtIoStop with the documented ActionFlags for every request the driver owns, the wait for its
 * acknowledgement, requeue vs keep (EvtIoResume), non-power-managed queues, and removal.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/using-power-managed-i-o-queues
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfio/nc-wdfio-evt_wdf_io_queue_io_stop
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfrequest/ne-wdfrequest-_wdf_request_stop_action_flags */
#include "test_queue_fixture.h"

static _Atomic unsigned long stop_flags[8];
static _Atomic int stop_calls;

static VOID record_stop(ULONG Event, WDFREQUEST Request, ULONG_PTR Arg)
{
    (void)Request;
    if (Event == DRVQ_EV_STOP) {
        int i = atomic_fetch_add(&stop_calls, 1);
        if (i < 8)
            atomic_store(&stop_flags[i], Arg);
    }
}

static void reset_stops(void)
{
    atomic_store(&stop_calls, 0);
    for (int i = 0; i < 8; i++)
        atomic_store(&stop_flags[i], 0);
    DrvQueueSetObserver(record_stop);
}

/* Before the first start a power-managed queue delivers nothing (managing-i-o-queues: not until
 * the device is in D0 and EvtDeviceD0Entry ran); the held request arrives at start. */
static void test_held_until_start(void)
{
    DRVQ_CONFIG c = qf_config();
    unsigned char buf[16];
    struct qio x;
    struct qf f;

    qf_up(&f, &c, false);
    CHECK_EQ(qio_read(&f, &x, buf, sizeof(buf), 5), STATUS_PENDING);
    CHECK_EQ(DrvQueueCount(DRVQ_EV_READ), 0);
    CHECK(!qio_completed(&x));
    CHECK(DrvQueueState(DrvQueueDefault(), NULL, NULL) & WdfIoQueuePnpHeld);
    REQUIRE(fx_device_start(f.dev) == STATUS_SUCCESS);
    CHECK(qio_wait(&x) && x.status == STATUS_SUCCESS && x.info == sizeof(buf));
    CHECK_EQ(buf[3], DRVQ_PATTERN(5u, 3));
    qio_release(&x);
    CHECK_EQ(vf_total(), 0);
    qf_down(&f);
}

/* Power-down with two parked cancelable requests and EvtIoStop requeueing them: each gets
 * EvtIoStop(Suspend | Cancelable) once, goes back to the queue, waits through Dx together with a
 * request submitted meanwhile, and all three are delivered after power-up. */
static void test_suspend_requeue(void)
{
    DRVQ_CONFIG c = qf_config();
    unsigned char buf[3][8];
    struct qio x[3];
    struct qf f;

    c.Dispatch = WdfIoQueueDispatchParallel;
    c.Mode = DRVQ_MODE_PARK_CANCELABLE;
    c.StopAction = DRVQ_STOP_REQUEUE;
    qf_up(&f, &c, true);
    reset_stops();
    for (int i = 0; i < 2; i++)
        CHECK_EQ(qio_read(&f, &x[i], buf[i], 8, 0), STATUS_PENDING);
    CHECK_EQ(DrvQueueParkedCount(), 2);
    CHECK_EQ(fx_device_power_down(f.dev, WdfPowerDeviceD3), STATUS_SUCCESS);
    CHECK_EQ(atomic_load(&stop_calls), 2);
    for (int i = 0; i < 2; i++)
        CHECK_EQ(atomic_load(&stop_flags[i]),
                 WdfRequestStopActionSuspend | WdfRequestStopRequestCancelable);
    CHECK_EQ(DrvQueueParkedCount(), 0);
    CHECK(!qio_completed(&x[0]) && !qio_completed(&x[1]));
    CHECK_EQ(qio_read(&f, &x[2], buf[2], 8, 0), STATUS_PENDING);
    CHECK_EQ(DrvQueueCount(DRVQ_EV_READ), 2);
    CHECK(DrvQueueState(DrvQueueDefault(), NULL, NULL) & WdfIoQueuePnpHeld);

    CHECK_EQ(fx_device_power_up(f.dev), STATUS_SUCCESS);
    CHECK_EQ(DrvQueueCount(DRVQ_EV_READ), 5); /* two redelivered, one new */
    CHECK_EQ(DrvQueueParkedCount(), 3);
    while (DrvQueueCompleteParked(STATUS_SUCCESS, 8))
        ;
    for (int i = 0; i < 3; i++) {
        CHECK(qio_wait(&x[i]) && x[i].status == STATUS_SUCCESS && x[i].info == 8);
        qio_release(&x[i]);
    }
    CHECK_EQ(DrvQueueErrors(), 0);
    CHECK_EQ(vf_total(), 0);
    qf_down(&f);
}

/* EvtIoStop keeping the request (WdfRequestStopAcknowledge(FALSE)): the power-down completes, the
 * request stays with the driver (not redelivered) and gets EvtIoResume after power-up. */
static void test_suspend_keep(void)
{
    DRVQ_CONFIG c = qf_config();
    unsigned char buf[8];
    struct qio x;
    struct qf f;

    c.Mode = DRVQ_MODE_PARK;
    c.StopAction = DRVQ_STOP_KEEP;
    qf_up(&f, &c, true);
    reset_stops();
    CHECK_EQ(qio_read(&f, &x, buf, 8, 0), STATUS_PENDING);
    CHECK_EQ(fx_device_power_down(f.dev, WdfPowerDeviceD2), STATUS_SUCCESS);
    CHECK_EQ(atomic_load(&stop_calls), 1);
    CHECK_EQ(atomic_load(&stop_flags[0]), WdfRequestStopActionSuspend);
    CHECK_EQ(DrvQueueCount(DRVQ_EV_RESUME), 0);
    CHECK_EQ(fx_device_power_up(f.dev), STATUS_SUCCESS);
    CHECK_EQ(DrvQueueCount(DRVQ_EV_RESUME), 1);
    CHECK_EQ(DrvQueueCount(DRVQ_EV_READ), 1);
    CHECK(DrvQueueCompleteParked(STATUS_SUCCESS, 2));
    CHECK(qio_wait(&x) && x.info == 2);
    qio_release(&x);
    CHECK_EQ(vf_total(), 0);
    qf_down(&f);
}

/* Without EvtIoStop the power-down waits until the driver completes what it owns: the power-down
 * runs on the PnP thread while a DPC completes the parked request. */
struct pd_arg {
    struct qf *f;
    NTSTATUS status;
    struct exec_event done;
};

static void power_down_thread(void *arg)
{
    struct pd_arg *a = arg;

    a->status = fx_device_power_down(a->f->dev, WdfPowerDeviceD3);
    exec_event_set(&a->done);
}

static void complete_parked(void *arg)
{
    (void)arg;
    CHECK(DrvQueueCompleteParked(STATUS_SUCCESS, 1));
}

static void test_power_down_waits(void)
{
    DRVQ_CONFIG c = qf_config();
    struct pd_arg a;
    struct exec_thread *t;
    unsigned char buf[8];
    struct qio x;
    struct qf f;

    c.Mode = DRVQ_MODE_PARK;
    qf_up(&f, &c, true);
    CHECK_EQ(qio_read(&f, &x, buf, 8, 0), STATUS_PENDING);
    a.f = &f;
    a.status = STATUS_PENDING;
    exec_event_init(&a.done, false, false);
    REQUIRE(exec_thread_create(f.m, "powerdown", -1, 0, power_down_thread, &a, &t) == 0);
    /* The sequence reaches the queues' stop and stays there while the driver owns the request. */
    for (unsigned i = 0; fx_device_state(f.dev) != FX_PNP_STATE_QUEUES_STOP; i++) {
        if (i == 100000000u)
            REQUIRE(fx_device_state(f.dev) == FX_PNP_STATE_QUEUES_STOP);
        exec_cpu_relax(i);
    }
    CHECK(!qio_completed(&x));
    CHECK_EQ(fx_device_state(f.dev), FX_PNP_STATE_QUEUES_STOP);
    qf_run_dpc(&f, complete_parked, NULL);
    CHECK(exec_event_wait(&a.done, QF_WAIT_NS));
    exec_thread_join(t);
    CHECK_EQ(a.status, STATUS_SUCCESS);
    CHECK(qio_wait(&x) && x.status == STATUS_SUCCESS);
    qio_release(&x);
    CHECK_EQ(fx_device_power_up(f.dev), STATUS_SUCCESS);
    CHECK_EQ(vf_total(), 0);
    qf_down(&f);
}

/* A queue that is not power-managed keeps delivering while the device is in Dx. */
static void test_not_power_managed(void)
{
    DRVQ_CONFIG c = qf_config();
    unsigned char buf[8];
    struct qio x;
    struct qf f;

    c.PowerManaged = WdfFalse;
    qf_up(&f, &c, true);
    CHECK_EQ(fx_device_power_down(f.dev, WdfPowerDeviceD3), STATUS_SUCCESS);
    CHECK_EQ(qio_read(&f, &x, buf, 8, 0), STATUS_PENDING);
    CHECK(qio_wait(&x) && x.status == STATUS_SUCCESS && x.info == 8);
    qio_release(&x);
    CHECK_EQ(fx_device_power_up(f.dev), STATUS_SUCCESS);
    CHECK_EQ(vf_total(), 0);
    qf_down(&f);
}

/* Removal: EvtIoStop(Purge | Cancelable) for the request the driver owns, which it completes;
 * requests still waiting are completed with STATUS_CANCELLED; later submissions are refused. */
static void test_removal(void)
{
    DRVQ_CONFIG c = qf_config();
    unsigned char buf[8];
    struct qio x[3];
    struct qf f;

    c.Mode = DRVQ_MODE_PARK_CANCELABLE;
    c.StopAction = DRVQ_STOP_COMPLETE;
    qf_up(&f, &c, true);
    reset_stops();
    for (int i = 0; i < 3; i++)
        CHECK_EQ(qio_read(&f, &x[i], buf, 8, 0), STATUS_PENDING);
    CHECK_EQ(fx_device_remove(f.dev), STATUS_SUCCESS);
    CHECK_EQ(atomic_load(&stop_calls), 1);
    CHECK_EQ(atomic_load(&stop_flags[0]),
             WdfRequestStopActionPurge | WdfRequestStopRequestCancelable);
    for (int i = 0; i < 3; i++) {
        CHECK(qio_wait(&x[i]) && x[i].status == STATUS_CANCELLED);
        qio_release(&x[i]);
    }
    CHECK_EQ(DrvQueueCount(DRVQ_EV_READ), 1);
    CHECK_EQ(vf_total(), 0);
    qf_down(&f);
}

/* Surprise removal: power-managed queues stop and are purged as for removal (EvtIoStop with
 * Purge; waiting requests canceled); requests submitted afterwards fail with
 * STATUS_INVALID_DEVICE_STATE (nf-wdfio-wdfioqueuepurge). */
static void test_surprise_removal(void)
{
    DRVQ_CONFIG c = qf_config();
    unsigned char buf[8];
    struct qio x[3];
    struct qf f;

    c.Mode = DRVQ_MODE_PARK_CANCELABLE;
    c.StopAction = DRVQ_STOP_COMPLETE;
    qf_up(&f, &c, true);
    reset_stops();
    for (int i = 0; i < 2; i++)
        CHECK_EQ(qio_read(&f, &x[i], buf, 8, 0), STATUS_PENDING);
    CHECK_EQ(fx_device_surprise_remove(f.dev), STATUS_SUCCESS);
    CHECK_EQ(atomic_load(&stop_calls), 1);
    CHECK_EQ(atomic_load(&stop_flags[0]),
             WdfRequestStopActionPurge | WdfRequestStopRequestCancelable);
    for (int i = 0; i < 2; i++)
        CHECK(qio_wait(&x[i]) && x[i].status == STATUS_CANCELLED);
    CHECK_EQ(qio_read(&f, &x[2], buf, 8, 0), STATUS_PENDING);
    CHECK(qio_wait(&x[2]) && x[2].status == STATUS_INVALID_DEVICE_STATE);
    CHECK_EQ(fx_device_remove(f.dev), STATUS_SUCCESS);
    for (int i = 0; i < 3; i++)
        qio_release(&x[i]);
    CHECK_EQ(DrvQueueCount(DRVQ_EV_READ), 1);
    CHECK_EQ(vf_total(), 0);
    qf_down(&f);
}

int main(void)
{
    test_held_until_start();
    test_suspend_requeue();
    test_suspend_keep();
    test_power_down_waits();
    test_not_power_managed();
    test_removal();
    test_surprise_removal();
    return check_done();
}
