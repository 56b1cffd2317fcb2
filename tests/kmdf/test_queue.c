/* test_queue.c - I/O queues through the drv_queue test driver: each dispatch type, routing with
 * WdfDeviceConfigureRequestDispatching, the framework's own completions, WdfIoQueueCreate's
 * documented failures, and the driver-visible state changes (stop, start, drain, purge) with their
 * callbacks and WdfIoQueueGetState.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/dispatching-methods-for-i-o-requests
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/managing-i-o-queues */
#include <stddef.h>

#include "test_queue_fixture.h"

/* Sequential queue, completing at once: the bytes, statuses and information of a read, a write
 * and a METHOD_BUFFERED IOCTL through buffered I/O. */
static void test_sequential_complete(void)
{
    DRVQ_CONFIG c = qf_config();
    unsigned char buf[300], in[40], out[48];
    struct qio x;
    struct qf f;
    ULONG sum = 0;

    qf_up(&f, &c, true);
    memset(buf, 0xEE, sizeof(buf));
    CHECK_EQ(qio_read(&f, &x, buf, 256, 1000), STATUS_PENDING);
    if (qio_wait(&x)) {
        CHECK_EQ(x.status, STATUS_SUCCESS);
        CHECK_EQ(x.info, 256);
        for (unsigned i = 0; i < 256; i++)
            if (buf[i] != DRVQ_PATTERN(1000u, i))
                CHECK_EQ(buf[i], DRVQ_PATTERN(1000u, i));
        CHECK_EQ(buf[256], 0xEE); /* nothing past the request */
    }
    qio_release(&x);

    for (unsigned i = 0; i < 200; i++)
        sum += (buf[i] = (unsigned char)(i * 7));
    CHECK_EQ(qio_write(&f, &x, buf, 200), STATUS_PENDING);
    if (qio_wait(&x)) {
        CHECK_EQ(x.status, STATUS_SUCCESS);
        CHECK_EQ(x.info, 200);
        CHECK_EQ(DrvQueueLastWriteSum(), sum);
    }
    qio_release(&x);

    for (unsigned i = 0; i < sizeof(in); i++)
        in[i] = (unsigned char)(i + 1);
    memset(out, 0, sizeof(out));
    CHECK_EQ(qio_ioctl(&f, &x, IRP_MJ_DEVICE_CONTROL, IOCTL_DRVQ_REVERSE, in, sizeof(in), out,
                       sizeof(out)),
             STATUS_PENDING);
    if (qio_wait(&x)) {
        CHECK_EQ(x.status, STATUS_SUCCESS);
        CHECK_EQ(x.info, sizeof(in));
        for (unsigned i = 0; i < sizeof(in); i++)
            CHECK_EQ(out[i], in[sizeof(in) - 1 - i]);
        CHECK_EQ(out[sizeof(in)], 0); /* only Information bytes are copied back */
    }
    qio_release(&x);
    CHECK_EQ(DrvQueueCount(DRVQ_EV_READ), 1);
    CHECK_EQ(DrvQueueCount(DRVQ_EV_WRITE), 1);
    CHECK_EQ(DrvQueueCount(DRVQ_EV_IOCTL), 1);
    CHECK_EQ(DrvQueueErrors(), 0);
    CHECK_EQ(vf_total(), 0);
    qf_down(&f);
}

/* Parallel queue limited to 2 presented requests (NumberOfPresentedRequests): the third waits
 * until one completes, then is presented. */
static void test_parallel_limit(void)
{
    DRVQ_CONFIG c = qf_config();
    unsigned char buf[5][16];
    struct qio x[5];
    struct qf f;

    c.Dispatch = WdfIoQueueDispatchParallel;
    c.ParallelLimit = 2;
    c.Mode = DRVQ_MODE_PARK;
    qf_up(&f, &c, true);
    for (int i = 0; i < 5; i++)
        CHECK_EQ(qio_read(&f, &x[i], buf[i], sizeof(buf[i]), 0), STATUS_PENDING);
    CHECK_EQ(DrvQueueCount(DRVQ_EV_READ), 2);
    CHECK_EQ(DrvQueueParkedCount(), 2);
    CHECK(DrvQueueCompleteParked(STATUS_SUCCESS, 3));
    CHECK(qio_wait(&x[0]) && x[0].status == STATUS_SUCCESS && x[0].info == 3);
    CHECK_EQ(DrvQueueCount(DRVQ_EV_READ), 3);
    CHECK_EQ(DrvQueueParkedCount(), 2);
    while (DrvQueueCompleteParked(STATUS_SUCCESS, 0))
        ;
    for (int i = 0; i < 5; i++) {
        CHECK(qio_wait(&x[i]));
        qio_release(&x[i]);
    }
    CHECK_EQ(DrvQueueCount(DRVQ_EV_READ), 5);
    CHECK_EQ(vf_total(), 0);
    qf_down(&f);
}

/* Unlimited parallel queue: everything is presented at once. */
static void test_parallel_unlimited(void)
{
    DRVQ_CONFIG c = qf_config();
    unsigned char buf[8];
    struct qio x[8];
    struct qf f;

    c.Dispatch = WdfIoQueueDispatchParallel;
    c.Mode = DRVQ_MODE_PARK;
    qf_up(&f, &c, true);
    for (int i = 0; i < 8; i++)
        CHECK_EQ(qio_read(&f, &x[i], buf, 1, 0), STATUS_PENDING);
    CHECK_EQ(DrvQueueCount(DRVQ_EV_READ), 8);
    while (DrvQueueCompleteParked(STATUS_SUCCESS, 1))
        ;
    for (int i = 0; i < 8; i++) {
        CHECK(qio_wait(&x[i]) && x[i].info == 1);
        qio_release(&x[i]);
    }
    qf_down(&f);
}

/* Writes routed to a manual queue (WdfDeviceConfigureRequestDispatching) wait until the driver
 * retrieves them (nf-wdfio-wdfioqueueretrievenextrequest: STATUS_NO_MORE_ENTRIES when empty,
 * STATUS_INVALID_DEVICE_STATE on a parallel queue). */
static void test_manual_queue(void)
{
    DRVQ_CONFIG c = qf_config();
    unsigned char data[3][10];
    struct qio x[3];
    struct qf f;

    c.Dispatch = WdfIoQueueDispatchParallel;
    c.ManualWriteQueue = TRUE;
    qf_up(&f, &c, true);
    for (int i = 0; i < 3; i++) {
        memset(data[i], i + 1, sizeof(data[i]));
        CHECK_EQ(qio_write(&f, &x[i], data[i], sizeof(data[i])), STATUS_PENDING);
    }
    CHECK_EQ(DrvQueueCount(DRVQ_EV_WRITE), 0);
    CHECK(!qio_completed(&x[0]));
    for (int i = 0; i < 3; i++) {
        CHECK_EQ(DrvQueueRetrieveOne(DrvQueueWrites()), STATUS_SUCCESS);
        /* FIFO: the i-th retrieval is the i-th write. */
        CHECK(qio_wait(&x[i]) && x[i].status == STATUS_SUCCESS && x[i].info == 10);
        CHECK_EQ(DrvQueueLastWriteSum(), 10u * (unsigned)(i + 1));
        qio_release(&x[i]);
    }
    CHECK_EQ(DrvQueueRetrieveOne(DrvQueueWrites()), STATUS_NO_MORE_ENTRIES);
    CHECK_EQ(DrvQueueRetrieveOne(DrvQueueDefault()), STATUS_INVALID_DEVICE_STATE);
    CHECK_EQ(DrvQueueErrors(), 0);
    CHECK_EQ(vf_total(), 0);
    qf_down(&f);
}

/* Requests the framework completes itself: a type the queue has no handler for, and no queue at
 * all (STATUS_INVALID_DEVICE_REQUEST); zero-length reads without AllowZeroLengthRequests
 * (STATUS_SUCCESS, not delivered) and with it (delivered).
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfio/ns-wdfio-_wdf_io_queue_config */
static void test_framework_completions(void)
{
    DRVQ_CONFIG c = qf_config();
    unsigned char buf[4];
    struct qio x;
    struct qf f;

    qf_up(&f, &c, true);
    CHECK_EQ(qio_ioctl(&f, &x, IRP_MJ_INTERNAL_DEVICE_CONTROL, 0x1234, NULL, 0, NULL, 0),
             STATUS_PENDING);
    CHECK(qio_wait(&x) && x.status == STATUS_INVALID_DEVICE_REQUEST);
    qio_release(&x);
    CHECK_EQ(qio_read(&f, &x, buf, 0, 0), STATUS_PENDING);
    CHECK(qio_wait(&x) && x.status == STATUS_SUCCESS && x.info == 0);
    qio_release(&x);
    CHECK_EQ(DrvQueueCount(DRVQ_EV_READ), 0);
    qf_down(&f);

    c.AllowZeroLength = TRUE;
    qf_up(&f, &c, true);
    CHECK_EQ(qio_read(&f, &x, buf, 0, 0), STATUS_PENDING);
    /* Delivered: the driver's WdfRequestRetrieveOutputBuffer fails for a zero-length buffer. */
    CHECK(qio_wait(&x) && x.status == STATUS_BUFFER_TOO_SMALL);
    qio_release(&x);
    CHECK_EQ(DrvQueueCount(DRVQ_EV_READ), 1);
    qf_down(&f);

    c = qf_config();
    c.NoDefaultQueue = TRUE;
    qf_up(&f, &c, true);
    CHECK_EQ(qio_read(&f, &x, buf, sizeof(buf), 0), STATUS_PENDING);
    CHECK(qio_wait(&x) && x.status == STATUS_INVALID_DEVICE_REQUEST);
    qio_release(&x);
    qf_down(&f);
}

/* WdfIoQueueCreate and WdfDeviceConfigureRequestDispatching failures, as documented
 * (nf-wdfio-wdfioqueuecreate, nf-wdfdevice-wdfdeviceconfigurerequestdispatching). */
static void test_create_failures(void)
{
    DRVQ_CONFIG c = qf_config();
    WDFQUEUE q = NULL;
    struct qf f;

    qf_up(&f, &c, true);
    CHECK_EQ(DrvQueueCreateQueue(WdfIoQueueDispatchSequential, TRUE, TRUE,
                                 sizeof(WDF_IO_QUEUE_CONFIG), &q),
             STATUS_UNSUCCESSFUL);
    CHECK(q == NULL);
    CHECK_EQ(DrvQueueCreateQueue(WdfIoQueueDispatchParallel, FALSE, FALSE,
                                 sizeof(WDF_IO_QUEUE_CONFIG), &q),
             STATUS_WDF_NO_CALLBACK);
    CHECK_EQ(DrvQueueCreateQueue(WdfIoQueueDispatchParallel, FALSE, TRUE,
                                 sizeof(WDF_IO_QUEUE_CONFIG) - 8, &q),
             STATUS_INFO_LENGTH_MISMATCH);
    CHECK_EQ(DrvQueueCreateQueue(WdfIoQueueDispatchMax, FALSE, TRUE,
                                 sizeof(WDF_IO_QUEUE_CONFIG), &q),
             STATUS_INVALID_PARAMETER);
    CHECK_EQ(DrvQueueCreateQueue(WdfIoQueueDispatchManual, FALSE, FALSE,
                                 sizeof(WDF_IO_QUEUE_CONFIG), &q),
             STATUS_SUCCESS);
    CHECK_EQ(DrvQueueConfigureDispatching(q, WdfRequestTypeRead), STATUS_SUCCESS);
    CHECK_EQ(DrvQueueConfigureDispatching(q, WdfRequestTypeRead), STATUS_WDF_BUSY);
    CHECK_EQ(DrvQueueConfigureDispatching(q, WdfRequestTypeClose), STATUS_INVALID_PARAMETER);
    CHECK_EQ(vf_total(), 0);
    qf_down(&f);
}

/* Stop holds new requests (WdfIoQueueStop: the queue still receives them); its callback runs
 * only when the driver owns none from the queue; start delivers what waited. */
static void test_stop_start(void)
{
    DRVQ_CONFIG c = qf_config();
    unsigned char buf[3][8];
    struct qio x[3];
    ULONG queued, owned;
    struct qf f;

    c.Mode = DRVQ_MODE_PARK;
    qf_up(&f, &c, true);
    CHECK_EQ(qio_read(&f, &x[0], buf[0], 8, 0), STATUS_PENDING);
    DrvQueueStop(DrvQueueDefault(), FALSE, 0x57);
    CHECK_EQ(DrvQueueCount(DRVQ_EV_STATE), 0); /* one request still with the driver */
    CHECK_EQ(qio_read(&f, &x[1], buf[1], 8, 0), STATUS_PENDING);
    CHECK_EQ(qio_read(&f, &x[2], buf[2], 8, 0), STATUS_PENDING);
    CHECK(WDF_IO_QUEUE_STOPPED(DrvQueueState(DrvQueueDefault(), &queued, &owned)) == FALSE);
    CHECK_EQ(queued, 2);
    CHECK_EQ(owned, 1);
    CHECK(DrvQueueCompleteParked(STATUS_SUCCESS, 8));
    CHECK(qio_wait(&x[0]));
    CHECK_EQ(DrvQueueCount(DRVQ_EV_STATE), 1);
    CHECK_EQ(DrvQueueCount(DRVQ_EV_READ), 1); /* stopped: nothing more presented */
    CHECK(WDF_IO_QUEUE_STOPPED(DrvQueueState(DrvQueueDefault(), NULL, NULL)));
    DrvQueueStart(DrvQueueDefault());
    CHECK_EQ(DrvQueueCount(DRVQ_EV_READ), 2);
    for (int i = 1; i < 3; i++) {
        CHECK(DrvQueueCompleteParked(STATUS_SUCCESS, (ULONG_PTR)i));
        CHECK(qio_wait(&x[i]) && x[i].info == (ULONG_PTR)i);
    }
    for (int i = 0; i < 3; i++)
        qio_release(&x[i]);
    DrvQueueStop(DrvQueueDefault(), TRUE, 0);
    CHECK(WDF_IO_QUEUE_IDLE(DrvQueueState(DrvQueueDefault(), NULL, NULL)));
    CHECK_EQ(vf_total(), 0);
    qf_down(&f);
}

/* Drain: new requests fail with STATUS_INVALID_DEVICE_STATE, queued ones are still delivered,
 * the callback runs when none is left (nf-wdfio-wdfioqueuedrain). */
static void test_drain(void)
{
    DRVQ_CONFIG c = qf_config();
    unsigned char buf[8];
    struct qio x[3];
    struct qf f;

    c.Mode = DRVQ_MODE_PARK;
    qf_up(&f, &c, true);
    CHECK_EQ(qio_read(&f, &x[0], buf, 8, 0), STATUS_PENDING);
    CHECK_EQ(qio_read(&f, &x[1], buf, 8, 0), STATUS_PENDING);
    DrvQueueDrain(DrvQueueDefault(), FALSE, 0xD1);
    CHECK_EQ(qio_read(&f, &x[2], buf, 8, 0), STATUS_PENDING);
    CHECK(qio_wait(&x[2]) && x[2].status == STATUS_INVALID_DEVICE_STATE);
    CHECK(DrvQueueCompleteParked(STATUS_SUCCESS, 0));
    CHECK_EQ(DrvQueueCount(DRVQ_EV_STATE), 0);
    CHECK_EQ(DrvQueueCount(DRVQ_EV_READ), 2);
    CHECK(DrvQueueCompleteParked(STATUS_SUCCESS, 0));
    CHECK_EQ(DrvQueueCount(DRVQ_EV_STATE), 1);
    CHECK(WDF_IO_QUEUE_DRAINED(DrvQueueState(DrvQueueDefault(), NULL, NULL)));
    for (int i = 0; i < 3; i++) {
        CHECK(qio_wait(&x[i]));
        qio_release(&x[i]);
    }
    DrvQueueStart(DrvQueueDefault());
    CHECK(WDF_IO_QUEUE_READY(DrvQueueState(DrvQueueDefault(), NULL, NULL)));
    CHECK_EQ(vf_total(), 0);
    qf_down(&f);
}

/* Purge: queued requests are canceled (EvtIoCanceledOnQueue when registered - the driver
 * completes with Information 0xCA - else STATUS_CANCELLED by the framework), a cancelable request
 * the driver owns gets EvtRequestCancel, new requests fail with STATUS_INVALID_DEVICE_STATE
 * (nf-wdfio-wdfioqueuepurge, nf-wdfio-wdfioqueuepurgesynchronously). */
static void test_purge(bool canceled_on_queue)
{
    DRVQ_CONFIG c = qf_config();
    unsigned char buf[8];
    struct qio x[4];
    struct qf f;

    c.Mode = DRVQ_MODE_PARK_CANCELABLE;
    c.CanceledOnQueue = canceled_on_queue;
    qf_up(&f, &c, true);
    for (int i = 0; i < 3; i++)
        CHECK_EQ(qio_read(&f, &x[i], buf, 8, 0), STATUS_PENDING);
    DrvQueuePurge(DrvQueueDefault(), TRUE, 0);
    for (int i = 0; i < 3; i++)
        CHECK(qio_wait(&x[i]) && x[i].status == STATUS_CANCELLED);
    CHECK_EQ(DrvQueueCount(DRVQ_EV_CANCEL), 1);
    CHECK_EQ(x[0].info, 0);
    CHECK_EQ(x[1].info, canceled_on_queue ? 0xCA : 0);
    CHECK_EQ(DrvQueueCount(DRVQ_EV_CANCELED_ON_QUEUE), canceled_on_queue ? 2 : 0);
    CHECK(WDF_IO_QUEUE_PURGED(DrvQueueState(DrvQueueDefault(), NULL, NULL)));
    CHECK_EQ(qio_read(&f, &x[3], buf, 8, 0), STATUS_PENDING);
    CHECK(qio_wait(&x[3]) && x[3].status == STATUS_INVALID_DEVICE_STATE);
    for (int i = 0; i < 4; i++)
        qio_release(&x[i]);
    DrvQueueStart(DrvQueueDefault());
    CHECK_EQ(qio_read(&f, &x[0], buf, 8, 0), STATUS_PENDING);
    CHECK_EQ(DrvQueueCount(DRVQ_EV_READ), 2);
    CHECK(DrvQueueCompleteParked(STATUS_SUCCESS, 8));
    CHECK(qio_wait(&x[0]) && x[0].status == STATUS_SUCCESS);
    qio_release(&x[0]);
    CHECK_EQ(vf_total(), 0);
    qf_down(&f);
}

/* Forwarding and requeueing (nf-wdfrequest-wdfrequestforwardtoioqueue,
 * nf-wdfrequest-wdfrequestrequeue): a forwarded request leaves its sequential queue, which then
 * presents the next one; forwarding to the same queue is STATUS_INVALID_DEVICE_REQUEST and to a
 * queue that does not accept STATUS_WDF_BUSY; WdfRequestRequeue works on manual queues only and
 * puts the request back at the head. */
static void test_forward_requeue(void)
{
    DRVQ_CONFIG c = qf_config();
    unsigned char w[2][4], r[3][4];
    struct qio wx[2], rx[3];
    struct qf f;

    c.Mode = DRVQ_MODE_PARK;
    c.ManualWriteQueue = TRUE;
    qf_up(&f, &c, true);
    for (int i = 0; i < 2; i++)
        CHECK_EQ(qio_write(&f, &wx[i], w[i], 4), STATUS_PENDING);
    for (int i = 0; i < 2; i++)
        CHECK_EQ(qio_read(&f, &rx[i], r[i], 4, 0), STATUS_PENDING);
    CHECK_EQ(DrvQueueCount(DRVQ_EV_READ), 1);
    CHECK_EQ(DrvQueueRequeueParked(), STATUS_INVALID_DEVICE_REQUEST); /* sequential queue */
    CHECK_EQ(DrvQueueForwardParked(DrvQueueWrites()), STATUS_SUCCESS);
    CHECK_EQ(DrvQueueCount(DRVQ_EV_READ), 2); /* the sequential queue moved on */
    CHECK_EQ(DrvQueueForwardParked(DrvQueueDefault()), STATUS_INVALID_DEVICE_REQUEST);
    CHECK(qio_wait(&rx[1]) && rx[1].status == STATUS_INVALID_DEVICE_REQUEST);

    /* The manual queue holds W1, W2, R1 in that order. */
    CHECK_EQ(DrvQueueRetrieveOne(DrvQueueWrites()), STATUS_SUCCESS);
    CHECK_EQ(DrvQueueRequeueParked(), STATUS_SUCCESS);
    CHECK_EQ(DrvQueueParkedCount(), 0);
    for (int i = 0; i < 3; i++) {
        CHECK_EQ(DrvQueueRetrieveOne(DrvQueueWrites()), STATUS_SUCCESS);
        CHECK(DrvQueueCompleteParked(STATUS_SUCCESS, (ULONG_PTR)(11 * (i + 1))));
    }
    CHECK(qio_wait(&wx[0]) && wx[0].info == 11); /* requeued at the head: still first */
    CHECK(qio_wait(&wx[1]) && wx[1].info == 22);
    CHECK(qio_wait(&rx[0]) && rx[0].info == 33);
    CHECK_EQ(DrvQueueRetrieveOne(DrvQueueWrites()), STATUS_NO_MORE_ENTRIES);

    DrvQueueDrain(DrvQueueWrites(), FALSE, 0);
    CHECK_EQ(qio_read(&f, &rx[2], r[2], 4, 0), STATUS_PENDING);
    CHECK_EQ(DrvQueueForwardParked(DrvQueueWrites()), STATUS_WDF_BUSY);
    CHECK(qio_wait(&rx[2]) && rx[2].status == STATUS_WDF_BUSY);
    for (int i = 0; i < 2; i++)
        qio_release(&wx[i]);
    for (int i = 0; i < 3; i++)
        qio_release(&rx[i]);
    CHECK_EQ(DrvQueueErrors(), 0);
    CHECK_EQ(vf_total(), 0);
    qf_down(&f);
}

/* WdfIoQueueStopAndPurge: cancels what waits and the cancelable request the driver owns, stops
 * delivering but keeps accepting; WdfIoQueueStart delivers what arrived meanwhile
 * (nf-wdfio-wdfioqueuestopandpurge). */
static void test_stop_and_purge(void)
{
    DRVQ_CONFIG c = qf_config();
    unsigned char buf[8];
    struct qio x[3];
    struct qf f;

    c.Mode = DRVQ_MODE_PARK_CANCELABLE;
    qf_up(&f, &c, true);
    for (int i = 0; i < 2; i++)
        CHECK_EQ(qio_read(&f, &x[i], buf, 8, 0), STATUS_PENDING);
    DrvQueueStopAndPurge(DrvQueueDefault(), FALSE, 0x5A);
    for (int i = 0; i < 2; i++)
        CHECK(qio_wait(&x[i]) && x[i].status == STATUS_CANCELLED);
    CHECK_EQ(DrvQueueCount(DRVQ_EV_CANCEL), 1);
    CHECK_EQ(DrvQueueCount(DRVQ_EV_STATE), 1);
    CHECK_EQ(qio_read(&f, &x[2], buf, 8, 0), STATUS_PENDING);
    CHECK(WDF_IO_QUEUE_STOPPED(DrvQueueState(DrvQueueDefault(), NULL, NULL)));
    CHECK_EQ(DrvQueueCount(DRVQ_EV_READ), 1);
    DrvQueueStart(DrvQueueDefault());
    CHECK_EQ(DrvQueueCount(DRVQ_EV_READ), 2);
    CHECK(DrvQueueCompleteParked(STATUS_SUCCESS, 1));
    CHECK(qio_wait(&x[2]) && x[2].status == STATUS_SUCCESS);
    for (int i = 0; i < 3; i++)
        qio_release(&x[i]);
    CHECK_EQ(vf_total(), 0);
    qf_down(&f);
}

/* WDF_IO_QUEUE_CONFIG's layout (the WDK's member order on x64) and what the _INIT functions set
 * (nf-wdfio-wdf_io_queue_config_init: zeroed, Size, PowerManaged = WdfUseDefault, the dispatch
 * type, NumberOfPresentedRequests = -1 for parallel queues; the _DEFAULT_QUEUE form also sets
 * DefaultQueue). */
static void test_config_init(void)
{
    WDF_IO_QUEUE_CONFIG c;
    WDF_REQUEST_PARAMETERS p;

    CHECK_EQ(offsetof(WDF_IO_QUEUE_CONFIG, PowerManaged), 8);
    CHECK_EQ(offsetof(WDF_IO_QUEUE_CONFIG, DefaultQueue), 13);
    CHECK_EQ(offsetof(WDF_IO_QUEUE_CONFIG, EvtIoDefault), 16);
    CHECK_EQ(offsetof(WDF_IO_QUEUE_CONFIG, EvtIoCanceledOnQueue), 72);
    CHECK_EQ(offsetof(WDF_IO_QUEUE_CONFIG, Settings), 80);
    CHECK_EQ(offsetof(WDF_IO_QUEUE_CONFIG, Driver), 88);
    CHECK_EQ(sizeof(WDF_IO_QUEUE_CONFIG), 96);
    memset(&c, 0xAB, sizeof(c));
    WDF_IO_QUEUE_CONFIG_INIT(&c, WdfIoQueueDispatchParallel);
    CHECK_EQ(c.Size, sizeof(c));
    CHECK_EQ(c.DispatchType, WdfIoQueueDispatchParallel);
    CHECK_EQ(c.PowerManaged, WdfUseDefault);
    CHECK_EQ(c.Settings.Parallel.NumberOfPresentedRequests, (ULONG)-1);
    CHECK(c.DefaultQueue == FALSE && c.EvtIoRead == NULL && c.Driver == NULL);
    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&c, WdfIoQueueDispatchSequential);
    CHECK(c.DefaultQueue == TRUE);
    CHECK_EQ(c.Settings.Parallel.NumberOfPresentedRequests, 0);
    memset(&p, 0xAB, sizeof(p));
    WDF_REQUEST_PARAMETERS_INIT(&p);
    CHECK_EQ(p.Size, sizeof(p));
    CHECK_EQ(p.Parameters.Read.Length, 0);
}

int main(void)
{
    test_config_init();
    test_sequential_complete();
    test_parallel_limit();
    test_parallel_unlimited();
    test_manual_queue();
    test_framework_completions();
    test_create_failures();
    test_stop_start();
    test_drain();
    test_purge(false);
    test_purge(true);
    test_forward_requeue();
    test_stop_and_purge();
    return check_done();
}
