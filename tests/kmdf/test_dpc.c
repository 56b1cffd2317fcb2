/* test_dpc.c - WDFDPC through a driver written as for Windows (drv_irq_defer.c).
 * Rules checked here, with their source:
 *   WdfDpcCreate: ParentObject required (STATUS_WDF_PARENT_NOT_SPECIFIED), a device or an object
 *   below one (else STATUS_INVALID_DEVICE_REQUEST), Size (STATUS_INFO_LENGTH_MISMATCH),
 *   AutomaticSerialization under a passive-level parent (STATUS_WDF_INCOMPATIBLE_EXECUTION_LEVEL)
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdpc/nf-wdfdpc-wdfdpccreate
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdpc/ns-wdfdpc-_wdf_dpc_config
 *   EvtDpcFunc at DISPATCH_LEVEL; WdfDpcEnqueue returns FALSE when already queued
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdpc/nf-wdfdpc-wdfdpcenqueue
 *   WdfDpcCancel returns TRUE when it removed a queued DPC (which then does not run); Wait needs
 *   PASSIVE_LEVEL (IRQL-002)
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdpc/nf-wdfdpc-wdfdpccancel
 *   WdfDpcGetParentObject; the DPC is deleted with its parent
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdpc/nf-wdfdpc-wdfdpcgetparentobject
 *   AutomaticSerialization under WdfSynchronizationScopeDevice: EvtDpcFunc holds the device's
 *   callback lock, the one EvtIoRead of the device's queue runs under, so the two never overlap
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/using-automatic-synchronization */
#include "drv_irq_defer_fixture.h"
#include "kmdf/io/fx_io_submit.h"
#include "platform/exec.h"

static void test_create(void)
{
    struct defer_fixture f;

    defer_up(&f, DRV_DEFER_DEVICE_PASSIVE_SCOPED);
    vf_reset();
    CHECK_EQ(DrvDeferCreateDpc(0, DRV_DEFER_PARENT_NONE, FALSE, 0), STATUS_WDF_PARENT_NOT_SPECIFIED);
    CHECK_EQ(DrvDeferCreateDpc(0, DRV_DEFER_PARENT_DRIVER, FALSE, 0), STATUS_INVALID_DEVICE_REQUEST);
    CHECK_EQ(DrvDeferCreateDpc(0, DRV_DEFER_PARENT_DEVICE, FALSE, 4), STATUS_INFO_LENGTH_MISMATCH);
    /* Under a passive-level device with a device scope, a DISPATCH_LEVEL DPC cannot share the
     * device's lock; without AutomaticSerialization it is fine. */
    CHECK_EQ(DrvDeferCreateDpc(0, DRV_DEFER_PARENT_DEVICE, TRUE, 0),
             STATUS_WDF_INCOMPATIBLE_EXECUTION_LEVEL);
    CHECK_EQ(kmdf_object_count(f.m, FX_TYPE_DPC), 0);
    CHECK_EQ(DrvDeferCreateDpc(0, DRV_DEFER_PARENT_DEVICE, FALSE, 0), STATUS_SUCCESS);
    CHECK_EQ(DrvDeferCreateDpc(1, DRV_DEFER_PARENT_CHILD, FALSE, 0), STATUS_SUCCESS);
    CHECK(WdfDpcGetParentObject(DrvDeferDpc(0)) == (WDFOBJECT)DrvDeferDevice());
    CHECK(WdfDpcGetParentObject(DrvDeferDpc(1)) == DrvDeferParentOf(1));
    CHECK(DrvDeferParentOf(1) != NULL);
    CHECK_EQ(vf_total(), 0);
    /* A DPC without a callback is a driver bug (WDF-PARAM-001). */
    CHECK_EQ(DrvDeferCreateDpcNoCallback(2), STATUS_INVALID_PARAMETER);
    CHECK_EQ(vf_count(VF_RULE_NULL_PARAMETER), 1);
    CHECK_EQ(vf_total(), 1);
    /* Both go with the device. */
    CHECK_EQ(kmdf_object_count(f.m, FX_TYPE_DPC), 2);
    REQUIRE(fx_device_remove(f.dev) == STATUS_SUCCESS);
    CHECK_EQ(kmdf_object_count(f.m, FX_TYPE_DPC), 0);
    CHECK_EQ(DrvDeferCleanups(), 2);
    defer_down(&f);
}

static void test_run_queue_cancel(void)
{
    struct defer_fixture f;
    DRV_DEFER_SEEN seen;

    defer_up(&f, DRV_DEFER_DEVICE_PLAIN);
    REQUIRE(DrvDeferCreateDpc(0, DRV_DEFER_PARENT_DEVICE, TRUE, 0) == STATUS_SUCCESS);
    REQUIRE(DrvDeferCreateDpc(1, DRV_DEFER_PARENT_DEVICE, TRUE, 0) == STATUS_SUCCESS);

    CHECK(WdfDpcEnqueue(DrvDeferDpc(0)) == TRUE);
    DrvDeferWaitRun(0);
    DrvDeferSeen(0, &seen);
    CHECK_EQ(seen.Count, 1);
    CHECK_EQ(seen.Irql, DISPATCH_LEVEL);
    /* Queued from a thread on no CPU: CPU 0's DPC thread. */
    CHECK_EQ(seen.Cpu, 0);
    CHECK(WdfDpcCancel(DrvDeferDpc(0), TRUE) == FALSE);

    /* Slot 1 blocks CPU 0's DPC thread, so slot 0 stays queued. */
    DrvDeferSetAction(1, DRV_DEFER_ACT_BLOCK);
    CHECK(WdfDpcEnqueue(DrvDeferDpc(1)) == TRUE);
    DrvDeferWaitEntered(1);
    CHECK(WdfDpcEnqueue(DrvDeferDpc(0)) == TRUE);
    CHECK(WdfDpcEnqueue(DrvDeferDpc(0)) == FALSE);
    CHECK(WdfDpcCancel(DrvDeferDpc(0), FALSE) == TRUE);
    CHECK(WdfDpcCancel(DrvDeferDpc(0), FALSE) == FALSE);
    CHECK(WdfDpcEnqueue(DrvDeferDpc(0)) == TRUE);
    CHECK(WdfDpcEnqueue(DrvDeferDpc(0)) == FALSE);
    DrvDeferRelease(1);
    DrvDeferWaitRun(0);
    /* Cancel with Wait flushes: anything still queued has run once this returns. */
    CHECK(WdfDpcCancel(DrvDeferDpc(0), TRUE) == FALSE);
    DrvDeferSeen(0, &seen);
    CHECK_EQ(seen.Count, 2);
    CHECK_EQ(seen.Finished, 2);
    CHECK_EQ(vf_total(), 0);
    defer_down(&f);
}

static void test_misuse(void)
{
    struct defer_fixture f;
    DRV_DEFER_SEEN seen;

    defer_up(&f, DRV_DEFER_DEVICE_PLAIN);
    vf_reset();
    REQUIRE(DrvDeferCreateDpc(0, DRV_DEFER_PARENT_DEVICE, FALSE, 0) == STATUS_SUCCESS);
    DrvDeferSetAction(0, DRV_DEFER_ACT_CANCEL_WAIT);
    CHECK(WdfDpcEnqueue(DrvDeferDpc(0)) == TRUE);
    DrvDeferWaitRun(0);
    DrvDeferSeen(0, &seen);
    CHECK_EQ(seen.Finished, 1);
    CHECK_EQ(vf_count(VF_RULE_IRQL_NOT_PASSIVE), 1);
    CHECK_EQ(vf_total(), 1);
    /* A stale handle after the DPC is deleted. */
    WdfObjectDelete(DrvDeferDpc(0));
    CHECK(WdfDpcEnqueue(DrvDeferDpc(0)) == FALSE);
    CHECK_EQ(vf_count(VF_RULE_HANDLE_DELETED), 1);
    CHECK_EQ(vf_total(), 2);
    defer_down(&f);
}

struct read_done {
    struct exec_event event;
    NTSTATUS status;
};

static void io_done(void *ctx, struct fx_io *io, NTSTATUS status, ULONG_PTR info)
{
    struct read_done *d = ctx;

    (void)io;
    (void)info;
    d->status = status;
    exec_event_set(&d->event);
}

/* One read through the device's queue; EvtIoRead enqueues slot 0's DPC and waits (up to the
 * window) for it to start.  Returns once both the read and the DPC are done. */
static void read_with_dpc(struct defer_fixture *f, DRV_DEFER_SEEN *seen)
{
    char buf[8];
    struct fx_io_params p = {.major = IRP_MJ_READ, .buffer = buf, .length = sizeof(buf)};
    struct fx_io *io = NULL;
    struct read_done d = {.status = STATUS_PENDING};

    exec_event_init(&d.event, true, false);
    CHECK_EQ(fx_io_submit(f->dev, &p, io_done, &d, &io), STATUS_PENDING);
    exec_event_wait(&d.event, UINT64_MAX);
    CHECK_EQ(d.status, STATUS_SUCCESS);
    DrvDeferWaitRun(0);
    fx_io_release(io);
    DrvDeferSeen(0, seen);
}

static void test_device_scope_serialization(void)
{
    struct defer_fixture f;
    DRV_DEFER_SEEN seen;

    /* Without AutomaticSerialization the DPC starts while EvtIoRead runs: EvtIoRead waits for
     * it without limit, so this also proves the DPC can run beside the callback at all. */
    defer_up(&f, DRV_DEFER_DEVICE_DISPATCH_SCOPED_IO);
    REQUIRE(DrvDeferCreateDpc(0, DRV_DEFER_PARENT_DEVICE, FALSE, 0) == STATUS_SUCCESS);
    DrvDeferSetIoWindow(0);
    read_with_dpc(&f, &seen);
    CHECK_EQ(seen.Count, 1);
    CHECK_EQ(seen.SawIo, 1);
    CHECK_EQ(vf_total(), 0);
    defer_down(&f);

    /* With it, the DPC waits for the device lock EvtIoRead holds: it never starts inside the
     * read's window, however long EvtIoRead gives it, and runs once the read is done. */
    defer_up(&f, DRV_DEFER_DEVICE_DISPATCH_SCOPED_IO);
    REQUIRE(DrvDeferCreateDpc(0, DRV_DEFER_PARENT_DEVICE, TRUE, 0) == STATUS_SUCCESS);
    DrvDeferSetIoWindow(2000000);
    read_with_dpc(&f, &seen);
    CHECK_EQ(seen.Count, 1);
    CHECK_EQ(seen.SawIo, 0);
    CHECK_EQ(seen.Irql, DISPATCH_LEVEL);
    CHECK_EQ(vf_total(), 0);
    defer_down(&f);
}

int main(void)
{
    test_create();
    test_run_queue_cancel();
    test_misuse();
    test_device_scope_serialization();
    return check_done();
}
