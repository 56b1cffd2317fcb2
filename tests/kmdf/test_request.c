/* test_request.c - request objects through the drv_queue test driver: the IRP the framework
 * builds for each I/O type and transfer method, the buffers the driver retrieves (direct I/O over
 * machine RAM, buffered copies, MDLs, WDFMEMORY), the documented retrieval failures, and the
 * cancellation rules of WdfRequestMarkCancelable[Ex] / WdfRequestUnmarkCancelable exercised one
 * step at a time.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/accessing-data-buffers-in-wdf-drivers
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfrequest/nf-wdfrequest-wdfrequestretrieveoutputbuffer
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfrequest/nf-wdfrequest-wdfrequestmarkcancelableex
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfrequest/nf-wdfrequest-wdfrequestunmarkcancelable */
#include "test_queue_fixture.h"

/* Direct I/O: reads and writes land in / come from the caller's own machine pages through the
 * MDL; IN_DIRECT / OUT_DIRECT IOCTLs take input from a system buffer and output through the MDL;
 * the driver's WDFMEMORY and MDL views agree (IOCTL_DRVQ_VIEWS). */
static void test_direct_io(void)
{
    DRVQ_CONFIG c = qf_config();
    unsigned char *ram, in[64], junk[16];
    struct fx_io_params p;
    struct fx_io *io;
    struct qio x;
    struct qf f;
    ULONG sum = 0;

    c.IoType = WdfDeviceIoDirect;
    qf_up(&f, &c, true);
    ram = qf_ram(&f, 3);
    CHECK_EQ(qio_read(&f, &x, ram + 100, 9000, 77), STATUS_PENDING);
    if (qio_wait(&x)) {
        CHECK_EQ(x.status, STATUS_SUCCESS);
        CHECK_EQ(x.info, 9000);
        for (unsigned i = 0; i < 9000; i++)
            if (ram[100 + i] != DRVQ_PATTERN(77u, i))
                CHECK_EQ(ram[100 + i], DRVQ_PATTERN(77u, i));
        CHECK_EQ(ram[99], 0);
        CHECK_EQ(ram[9100], 0);
    }
    qio_release(&x);

    for (unsigned i = 0; i < 5000; i++)
        sum += (ram[i] = (unsigned char)(i * 3));
    CHECK_EQ(qio_write(&f, &x, ram, 5000), STATUS_PENDING);
    CHECK(qio_wait(&x) && x.status == STATUS_SUCCESS && x.info == 5000);
    CHECK_EQ(DrvQueueLastWriteSum(), sum);
    qio_release(&x);

    for (unsigned i = 0; i < sizeof(in); i++)
        in[i] = (unsigned char)(200 - i);
    for (int k = 0; k < 2; k++) {
        ULONG code = k == 0 ? IOCTL_DRVQ_REVERSE_IN_DIRECT : IOCTL_DRVQ_REVERSE_OUT_DIRECT;
        memset(ram, 0, 4096);
        CHECK_EQ(qio_ioctl(&f, &x, IRP_MJ_DEVICE_CONTROL, code, in, sizeof(in), ram + 4000, 100),
                 STATUS_PENDING);
        CHECK(qio_wait(&x) && x.status == STATUS_SUCCESS && x.info == sizeof(in));
        for (unsigned i = 0; i < sizeof(in); i++)
            CHECK_EQ(ram[4000 + i], in[sizeof(in) - 1 - i]); /* across a page boundary */
        qio_release(&x);
    }

    CHECK_EQ(qio_ioctl(&f, &x, IRP_MJ_DEVICE_CONTROL, IOCTL_DRVQ_VIEWS, in, 8, ram + 10, 20),
             STATUS_PENDING);
    CHECK(qio_wait(&x) && x.status == STATUS_SUCCESS && x.info == 20);
    for (unsigned i = 0; i < 20; i++)
        CHECK_EQ(ram[10 + i], 0x30 + i);
    qio_release(&x);

    /* Direct I/O needs machine RAM: an ordinary host buffer is refused, with no completion. */
    p = (struct fx_io_params){.major = IRP_MJ_READ, .buffer = junk, .length = sizeof(junk)};
    CHECK_EQ(fx_io_submit(f.dev, &p, qio_done, &x, &io), STATUS_ACCESS_VIOLATION);
    CHECK(io == NULL);
    CHECK_EQ(DrvQueueErrors(), 0);
    CHECK_EQ(vf_total(), 0);
    physmem_free(f.m->mem, ram);
    qf_down(&f);
}

/* The IRP of a buffered METHOD_BUFFERED IOCTL as the driver sees it, and the retrieval
 * failures: METHOD_NEITHER from user mode (STATUS_INVALID_DEVICE_REQUEST), a minimum above the
 * buffer (STATUS_BUFFER_TOO_SMALL), after which no output is copied back. */
static void test_buffered_ioctls(void)
{
    DRVQ_CONFIG c = qf_config();
    unsigned char in[8] = {1, 2, 3, 4, 5, 6, 7, 8}, out[16];
    PIO_STACK_LOCATION s;
    struct qio x;
    struct qf f;
    PIRP irp;

    qf_up(&f, &c, true);
    CHECK_EQ(qio_ioctl(&f, &x, IRP_MJ_DEVICE_CONTROL, IOCTL_DRVQ_REVERSE, in, sizeof(in), out,
                       sizeof(out)),
             STATUS_PENDING);
    CHECK(qio_wait(&x) && x.status == STATUS_SUCCESS && x.info == 8);
    irp = fx_io_irp(x.io);
    s = IoGetCurrentIrpStackLocation(irp);
    CHECK_EQ(s->MajorFunction, IRP_MJ_DEVICE_CONTROL);
    CHECK_EQ(s->Parameters.DeviceIoControl.IoControlCode, IOCTL_DRVQ_REVERSE);
    CHECK_EQ(s->Parameters.DeviceIoControl.InputBufferLength, sizeof(in));
    CHECK_EQ(s->Parameters.DeviceIoControl.OutputBufferLength, sizeof(out));
    CHECK_EQ(irp->IoStatus.Status, STATUS_SUCCESS);
    CHECK_EQ(irp->IoStatus.Information, 8);
    CHECK_EQ(irp->RequestorMode, UserMode);
    CHECK(irp->AssociatedIrp.SystemBuffer == NULL); /* freed at completion */
    qio_release(&x);

    CHECK_EQ(qio_ioctl(&f, &x, IRP_MJ_DEVICE_CONTROL, IOCTL_DRVQ_NEITHER, in, sizeof(in), out,
                       sizeof(out)),
             STATUS_PENDING);
    CHECK(qio_wait(&x) && x.status == STATUS_INVALID_DEVICE_REQUEST);
    qio_release(&x);

    memset(out, 0x77, sizeof(out));
    CHECK_EQ(qio_ioctl(&f, &x, IRP_MJ_DEVICE_CONTROL, IOCTL_DRVQ_TOO_SMALL, in, sizeof(in), out,
                       sizeof(out)),
             STATUS_PENDING);
    CHECK(qio_wait(&x) && x.status == STATUS_BUFFER_TOO_SMALL);
    CHECK_EQ(out[0], 0x77);
    qio_release(&x);
    CHECK_EQ(DrvQueueErrors(), 0);
    CHECK_EQ(vf_total(), 0);
    qf_down(&f);
}

/* Canceling a request that waits in its queue: it leaves the queue without being presented and
 * completes with STATUS_CANCELLED (by the framework, or by the driver's EvtIoCanceledOnQueue). */
static void test_cancel_queued(bool canceled_on_queue)
{
    DRVQ_CONFIG c = qf_config();
    unsigned char buf[2][8];
    struct qio x[2];
    struct qf f;

    c.Mode = DRVQ_MODE_PARK;
    c.CanceledOnQueue = canceled_on_queue;
    qf_up(&f, &c, true);
    for (int i = 0; i < 2; i++)
        CHECK_EQ(qio_read(&f, &x[i], buf[i], 8, 0), STATUS_PENDING);
    fx_io_cancel(x[1].io);
    CHECK(qio_wait(&x[1]) && x[1].status == STATUS_CANCELLED);
    CHECK_EQ(x[1].info, canceled_on_queue ? 0xCA : 0);
    CHECK_EQ(DrvQueueCount(DRVQ_EV_CANCELED_ON_QUEUE), canceled_on_queue ? 1 : 0);
    fx_io_cancel(x[1].io); /* after completion: nothing */
    CHECK(DrvQueueCompleteParked(STATUS_SUCCESS, 8));
    CHECK(qio_wait(&x[0]) && x[0].status == STATUS_SUCCESS);
    CHECK_EQ(DrvQueueCount(DRVQ_EV_READ), 1);
    CHECK_EQ(atomic_load(&x[1].calls), 1);
    for (int i = 0; i < 2; i++)
        qio_release(&x[i]);
    CHECK_EQ(vf_total(), 0);
    qf_down(&f);
}

/* Canceling a request the driver owns: cancelable -> EvtRequestCancel once, which completes it;
 * not cancelable -> only WdfRequestIsCanceled changes, and the driver completes it normally. */
static void test_cancel_owned(void)
{
    DRVQ_CONFIG c = qf_config();
    unsigned char buf[8];
    struct qio x;
    struct qf f;

    c.Mode = DRVQ_MODE_PARK_CANCELABLE;
    qf_up(&f, &c, true);
    CHECK_EQ(qio_read(&f, &x, buf, 8, 0), STATUS_PENDING);
    CHECK(!DrvQueueParkedIsCanceled());
    fx_io_cancel(x.io);
    CHECK(qio_wait(&x) && x.status == STATUS_CANCELLED);
    CHECK_EQ(DrvQueueCount(DRVQ_EV_CANCEL), 1);
    CHECK_EQ(DrvQueueParkedCount(), 0);
    qio_release(&x);
    qf_down(&f);

    c.Mode = DRVQ_MODE_PARK;
    qf_up(&f, &c, true);
    CHECK_EQ(qio_read(&f, &x, buf, 8, 0), STATUS_PENDING);
    fx_io_cancel(x.io);
    CHECK(!qio_completed(&x));
    CHECK(DrvQueueParkedIsCanceled());
    /* Not cancelable: WdfRequestUnmarkCancelable has nothing to unmark. */
    CHECK_EQ(DrvQueueUnmarkParked(), STATUS_INVALID_PARAMETER);
    CHECK(DrvQueueCompleteParked(STATUS_SUCCESS, 5));
    CHECK(qio_wait(&x) && x.status == STATUS_SUCCESS && x.info == 5);
    CHECK_EQ(DrvQueueCount(DRVQ_EV_CANCEL), 0);
    qio_release(&x);
    CHECK_EQ(vf_total(), 0);
    qf_down(&f);
}

/* Marking a request that is already canceled: WdfRequestMarkCancelableEx returns
 * STATUS_CANCELLED and never calls EvtRequestCancel; WdfRequestMarkCancelable calls it before
 * returning.  Marking twice is STATUS_INVALID_DEVICE_REQUEST; unmarking a marked request
 * succeeds. */
static void test_mark_canceled(void)
{
    DRVQ_CONFIG c = qf_config();
    unsigned char buf[2][8];
    struct qio x[2];
    struct qf f;

    c.Dispatch = WdfIoQueueDispatchParallel;
    c.Mode = DRVQ_MODE_PARK;
    qf_up(&f, &c, true);
    for (int i = 0; i < 2; i++)
        CHECK_EQ(qio_read(&f, &x[i], buf[i], 8, 0), STATUS_PENDING);

    CHECK_EQ(DrvQueueMarkParked(TRUE), STATUS_SUCCESS);
    CHECK_EQ(DrvQueueMarkParked(TRUE), STATUS_INVALID_DEVICE_REQUEST);
    CHECK_EQ(DrvQueueUnmarkParked(), STATUS_SUCCESS);
    fx_io_cancel(x[0].io);
    CHECK(!qio_completed(&x[0])); /* unmarked: the cancel only flags it */
    CHECK_EQ(DrvQueueMarkParked(TRUE), STATUS_CANCELLED);
    CHECK(qio_wait(&x[0]) && x[0].status == STATUS_CANCELLED);
    CHECK_EQ(DrvQueueCount(DRVQ_EV_CANCEL), 0);

    fx_io_cancel(x[1].io);
    CHECK(!qio_completed(&x[1]));
    CHECK_EQ(DrvQueueMarkParked(FALSE), STATUS_SUCCESS);
    CHECK(qio_wait(&x[1]) && x[1].status == STATUS_CANCELLED);
    CHECK_EQ(DrvQueueCount(DRVQ_EV_CANCEL), 1);
    CHECK_EQ(DrvQueueParkedCount(), 0);
    for (int i = 0; i < 2; i++)
        qio_release(&x[i]);
    CHECK_EQ(vf_total(), 0);
    qf_down(&f);
}

int main(void)
{
    test_direct_io();
    test_buffered_ioctls();
    test_cancel_queued(false);
    test_cancel_queued(true);
    test_cancel_owned();
    test_mark_canceled();
    return check_done();
}
