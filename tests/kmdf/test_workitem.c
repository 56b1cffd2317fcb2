/* test_workitem.c - WDFWORKITEM through a driver written as for Windows (drv_irq_defer.c).
 * Rules checked here, with their source:
 *   WdfWorkItemCreate: ParentObject required, a device or below one, EvtWorkItemFunc required
 *   (STATUS_INVALID_PARAMETER), AutomaticSerialization needs a passive-level parent
 *   (STATUS_WDF_INCOMPATIBLE_EXECUTION_LEVEL)
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfworkitem/nf-wdfworkitem-wdfworkitemcreate
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfworkitem/ns-wdfworkitem-_wdf_workitem_config
 *   EvtWorkItemFunc at PASSIVE_LEVEL; a work item already queued is not queued again; the
 *   callback may queue it again
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfworkitem/nf-wdfworkitem-wdfworkitemenqueue
 *   WdfWorkItemFlush returns once the callback has returned; PASSIVE_LEVEL (IRQL-002), not from
 *   its own callback (WDF-DEFER-001)
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfworkitem/nf-wdfworkitem-wdfworkitemflush
 *   AutomaticSerialization: a work item's callbacks under a synchronization scope do not overlap
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/using-automatic-synchronization */
#include "drv_irq_defer_fixture.h"

static void test_create(void)
{
    struct defer_fixture f;

    defer_up(&f, DRV_DEFER_DEVICE_DISPATCH_SCOPED);
    vf_reset();
    CHECK_EQ(DrvDeferCreateWorkItem(0, DRV_DEFER_PARENT_NONE, FALSE, FALSE),
             STATUS_WDF_PARENT_NOT_SPECIFIED);
    CHECK_EQ(DrvDeferCreateWorkItem(0, DRV_DEFER_PARENT_DRIVER, FALSE, FALSE),
             STATUS_INVALID_DEVICE_REQUEST);
    CHECK_EQ(DrvDeferCreateWorkItem(0, DRV_DEFER_PARENT_DEVICE, FALSE, TRUE),
             STATUS_INVALID_PARAMETER);
    CHECK_EQ(DrvDeferCreateWorkItem(0, DRV_DEFER_PARENT_DEVICE, TRUE, FALSE),
             STATUS_WDF_INCOMPATIBLE_EXECUTION_LEVEL);
    CHECK_EQ(kmdf_object_count(f.m, FX_TYPE_WORKITEM), 0);
    CHECK_EQ(DrvDeferCreateWorkItem(0, DRV_DEFER_PARENT_DEVICE, FALSE, FALSE), STATUS_SUCCESS);
    CHECK_EQ(DrvDeferCreateWorkItem(1, DRV_DEFER_PARENT_CHILD, FALSE, FALSE), STATUS_SUCCESS);
    CHECK(WdfWorkItemGetParentObject(DrvDeferWorkItem(0)) == (WDFOBJECT)DrvDeferDevice());
    CHECK(WdfWorkItemGetParentObject(DrvDeferWorkItem(1)) == DrvDeferParentOf(1));
    CHECK_EQ(vf_total(), 0);
    defer_down(&f);
}

static void test_run_and_requeue(void)
{
    struct defer_fixture f;
    DRV_DEFER_SEEN seen;

    defer_up(&f, DRV_DEFER_DEVICE_PLAIN);
    REQUIRE(DrvDeferCreateWorkItem(0, DRV_DEFER_PARENT_DEVICE, TRUE, FALSE) == STATUS_SUCCESS);
    REQUIRE(DrvDeferCreateWorkItem(1, DRV_DEFER_PARENT_DEVICE, TRUE, FALSE) == STATUS_SUCCESS);
    REQUIRE(DrvDeferCreateWorkItem(2, DRV_DEFER_PARENT_DEVICE, TRUE, FALSE) == STATUS_SUCCESS);
    WdfWorkItemEnqueue(DrvDeferWorkItem(0));
    WdfWorkItemFlush(DrvDeferWorkItem(0));
    DrvDeferSeen(0, &seen);
    CHECK_EQ(seen.Count, 1);
    CHECK_EQ(seen.Finished, 1);
    CHECK_EQ(seen.Irql, PASSIVE_LEVEL);
    CHECK_EQ(seen.Cpu, (ULONG)-1);

    /* Both work threads held by slots 1 and 2: slot 0 stays queued however often it is
     * enqueued, and runs once. */
    DrvDeferSetAction(1, DRV_DEFER_ACT_BLOCK);
    DrvDeferSetAction(2, DRV_DEFER_ACT_BLOCK);
    WdfWorkItemEnqueue(DrvDeferWorkItem(1));
    WdfWorkItemEnqueue(DrvDeferWorkItem(2));
    DrvDeferWaitEntered(1);
    DrvDeferWaitEntered(2);
    WdfWorkItemEnqueue(DrvDeferWorkItem(0));
    WdfWorkItemEnqueue(DrvDeferWorkItem(0));
    WdfWorkItemEnqueue(DrvDeferWorkItem(0));
    DrvDeferRelease(1);
    DrvDeferRelease(2);
    WdfWorkItemFlush(DrvDeferWorkItem(0));
    WdfWorkItemFlush(DrvDeferWorkItem(1));
    WdfWorkItemFlush(DrvDeferWorkItem(2));
    DrvDeferSeen(0, &seen);
    CHECK_EQ(seen.Count, 2);

    /* The callback queues its work item once more: flush covers the second run too. */
    DrvDeferSetAction(0, DRV_DEFER_ACT_RESTART);
    WdfWorkItemEnqueue(DrvDeferWorkItem(0));
    WdfWorkItemFlush(DrvDeferWorkItem(0));
    DrvDeferSeen(0, &seen);
    CHECK_EQ(seen.Count, 4);
    CHECK_EQ(seen.Finished, 4);
    CHECK_EQ(vf_total(), 0);
    defer_down(&f);
}

struct flush_args {
    WDFWORKITEM item;
    LONG finished_at_return;
};

static void flush_waiting(void *p)
{
    struct flush_args *a = p;
    DRV_DEFER_SEEN seen;

    WdfWorkItemFlush(a->item);
    DrvDeferSeen(0, &seen);
    a->finished_at_return = seen.Finished;
}

static void test_flush_waits(void)
{
    struct defer_fixture f;
    struct defer_thread t;
    struct flush_args a;

    defer_up(&f, DRV_DEFER_DEVICE_PLAIN);
    REQUIRE(DrvDeferCreateWorkItem(0, DRV_DEFER_PARENT_DEVICE, TRUE, FALSE) == STATUS_SUCCESS);
    DrvDeferSetAction(0, DRV_DEFER_ACT_BLOCK);
    WdfWorkItemEnqueue(DrvDeferWorkItem(0));
    DrvDeferWaitEntered(0);
    a.item = DrvDeferWorkItem(0);
    defer_thread_start(&t, f.m, flush_waiting, &a);
    defer_pause_ms(20);
    DrvDeferRelease(0);
    defer_thread_join(&t);
    CHECK_EQ(a.finished_at_return, 1);
    CHECK_EQ(vf_total(), 0);
    defer_down(&f);
}

static void test_serialization(void)
{
    struct defer_fixture f;
    DRV_DEFER_SEEN seen;

    /* Under a passive-level device scope the work item's runs never overlap, although it
     * queues itself again from its callback and two work threads are there to take it. */
    defer_up(&f, DRV_DEFER_DEVICE_PASSIVE_SCOPED);
    REQUIRE(DrvDeferCreateWorkItem(0, DRV_DEFER_PARENT_DEVICE, TRUE, FALSE) == STATUS_SUCCESS);
    DrvDeferSetAction(0, DRV_DEFER_ACT_OVERLAP);
    WdfWorkItemEnqueue(DrvDeferWorkItem(0));
    DrvDeferWaitRun(0);
    DrvDeferWaitRun(0);
    WdfWorkItemFlush(DrvDeferWorkItem(0));
    DrvDeferSeen(0, &seen);
    CHECK_EQ(seen.Count, 2);
    CHECK_EQ(seen.Overlaps, 0);
    CHECK_EQ(vf_total(), 0);
    defer_down(&f);
}

static void test_misuse(void)
{
    struct defer_fixture f;
    DRV_DEFER_SEEN seen;

    defer_up(&f, DRV_DEFER_DEVICE_PLAIN);
    vf_reset();
    REQUIRE(DrvDeferCreateWorkItem(0, DRV_DEFER_PARENT_DEVICE, FALSE, FALSE) == STATUS_SUCCESS);
    DrvDeferSetAction(0, DRV_DEFER_ACT_FLUSH);
    WdfWorkItemEnqueue(DrvDeferWorkItem(0));
    DrvDeferWaitRun(0);
    CHECK_EQ(vf_count(VF_RULE_WAIT_OWN_CALLBACK), 1);
    DrvDeferSeen(0, &seen);
    CHECK_EQ(seen.Finished, 1);
    CHECK_EQ(vf_total(), 1);
    defer_down(&f);
}

int main(void)
{
    test_create();
    test_run_and_requeue();
    test_flush_waits();
    test_serialization();
    test_misuse();
    return check_done();
}
