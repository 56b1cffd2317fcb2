/* test_timer.c - WDFTIMER through a driver written as for Windows (drv_irq_defer.c).
 * Rules checked here, with their source:
 *   WdfTimerCreate: ParentObject required, Size, Period <= MAXLONG, no TolerableDelay with a
 *   high-resolution timer, no periodic passive timer (STATUS_NOT_SUPPORTED), AutomaticSerialization
 *   with a parent of another execution level (STATUS_WDF_INCOMPATIBLE_EXECUTION_LEVEL)
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdftimer/nf-wdftimer-wdftimercreate
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdftimer/ns-wdftimer-_wdf_timer_config
 *   EvtTimerFunc at DISPATCH_LEVEL, or PASSIVE_LEVEL for WdfExecutionLevelPassive
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/using-timers
 *   WdfTimerStart: DueTime negative = relative, positive = absolute system time; TRUE if the timer
 *   was already in the queue (re-armed with the new time); restarting from the callback
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdftimer/nf-wdftimer-wdftimerstart
 *   WdfTimerStop: TRUE if it was in the queue; Wait waits for a running callback, needs
 *   PASSIVE_LEVEL (IRQL-002) and must not come from the timer's own callback (WDF-DEFER-001)
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdftimer/nf-wdftimer-wdftimerstop */
#include "drv_irq_defer_fixture.h"

static void test_create(void)
{
    struct defer_fixture f;
    WDF_TIMER_CONFIG config;

    defer_up(&f, DRV_DEFER_DEVICE_PASSIVE_SCOPED);
    vf_reset();
    CHECK_EQ(DrvDeferCreateTimer(0, DRV_DEFER_PARENT_NONE, 0, FALSE, FALSE, 0),
             STATUS_WDF_PARENT_NOT_SPECIFIED);
    CHECK_EQ(DrvDeferCreateTimer(0, DRV_DEFER_PARENT_DRIVER, 0, FALSE, FALSE, 0),
             STATUS_INVALID_DEVICE_REQUEST);
    CHECK_EQ(DrvDeferCreateTimer(0, DRV_DEFER_PARENT_DEVICE, 0, FALSE, FALSE, 4),
             STATUS_INFO_LENGTH_MISMATCH);
    CHECK_EQ(DrvDeferCreateTimer(0, DRV_DEFER_PARENT_DEVICE, 10, TRUE, FALSE, 0),
             STATUS_NOT_SUPPORTED);
    CHECK_EQ(DrvDeferCreateTimer(0, DRV_DEFER_PARENT_DEVICE, 0, FALSE, TRUE, 0),
             STATUS_WDF_INCOMPATIBLE_EXECUTION_LEVEL);
    WDF_TIMER_CONFIG_INIT_PERIODIC(&config, NULL, 10);
    config.Period = (ULONG)MAXLONG + 1;
    CHECK_EQ(DrvDeferCreateTimerConfig(0, &config), STATUS_INVALID_PARAMETER);
    WDF_TIMER_CONFIG_INIT(&config, NULL);
    config.TolerableDelay = 5;
    config.UseHighResolutionTimer = WdfTrue;
    CHECK_EQ(DrvDeferCreateTimerConfig(0, &config), STATUS_INVALID_PARAMETER);
    CHECK_EQ(kmdf_object_count(f.m, FX_TYPE_TIMER), 0);
    /* A passive timer may serialise with the passive-level device. */
    CHECK_EQ(DrvDeferCreateTimer(0, DRV_DEFER_PARENT_DEVICE, 0, TRUE, TRUE, 0), STATUS_SUCCESS);
    /* The KMDF 1.7 configuration size (no TolerableDelay) is accepted. */
    CHECK_EQ(DrvDeferCreateTimer(1, DRV_DEFER_PARENT_CHILD, 0, FALSE, FALSE,
                                 -(LONG)(sizeof(WDF_TIMER_CONFIG) -
                                         offsetof(WDF_TIMER_CONFIG, TolerableDelay))),
             STATUS_SUCCESS);
    CHECK(WdfTimerGetParentObject(DrvDeferTimer(0)) == (WDFOBJECT)DrvDeferDevice());
    CHECK(WdfTimerGetParentObject(DrvDeferTimer(1)) == DrvDeferParentOf(1));
    CHECK_EQ(vf_total(), 0);
    defer_down(&f);
}

static void test_one_shot(void)
{
    struct defer_fixture f;
    DRV_DEFER_SEEN seen;
    LARGE_INTEGER now;

    defer_up(&f, DRV_DEFER_DEVICE_PLAIN);
    REQUIRE(DrvDeferCreateTimer(0, DRV_DEFER_PARENT_DEVICE, 0, FALSE, TRUE, 0) == STATUS_SUCCESS);
    CHECK(WdfTimerStop(DrvDeferTimer(0), FALSE) == FALSE);
    CHECK(WdfTimerStart(DrvDeferTimer(0), WDF_REL_TIMEOUT_IN_MS(10)) == FALSE);
    DrvDeferWaitRun(0);
    DrvDeferSeen(0, &seen);
    CHECK_EQ(seen.Count, 1);
    CHECK_EQ(seen.Irql, DISPATCH_LEVEL);
    /* One-shot: no longer queued once it fired. */
    CHECK(WdfTimerStop(DrvDeferTimer(0), TRUE) == FALSE);

    /* Re-arming a queued timer returns TRUE and keeps only the new due time. */
    CHECK(WdfTimerStart(DrvDeferTimer(0), WDF_REL_TIMEOUT_IN_SEC(60)) == FALSE);
    CHECK(WdfTimerStart(DrvDeferTimer(0), WDF_REL_TIMEOUT_IN_MS(5)) == TRUE);
    DrvDeferWaitRun(0);
    CHECK(WdfTimerStop(DrvDeferTimer(0), TRUE) == FALSE);
    DrvDeferSeen(0, &seen);
    CHECK_EQ(seen.Count, 2);

    /* An absolute due time (system time, 100 ns units since 1601). */
    KeQuerySystemTime(&now);
    CHECK(WdfTimerStart(DrvDeferTimer(0), now.QuadPart + WDF_ABS_TIMEOUT_IN_MS(10)) == FALSE);
    DrvDeferWaitRun(0);
    DrvDeferSeen(0, &seen);
    CHECK_EQ(seen.Count, 3);

    /* A callback may restart its one-shot timer: 3 runs in all. */
    DrvDeferSetAction(0, DRV_DEFER_ACT_RESTART);
    CHECK(WdfTimerStart(DrvDeferTimer(0), WDF_REL_TIMEOUT_IN_MS(1)) == FALSE);
    for (int i = 0; i < 3; i++)
        DrvDeferWaitRun(0);
    CHECK(WdfTimerStop(DrvDeferTimer(0), TRUE) == FALSE);
    DrvDeferSeen(0, &seen);
    CHECK_EQ(seen.Count, 6);
    CHECK_EQ(vf_total(), 0);
    defer_down(&f);
}

static void test_periodic_and_stop(void)
{
    struct defer_fixture f;
    DRV_DEFER_SEEN seen, later;

    defer_up(&f, DRV_DEFER_DEVICE_PLAIN);
    REQUIRE(DrvDeferCreateTimer(0, DRV_DEFER_PARENT_DEVICE, 2, FALSE, FALSE, 0) == STATUS_SUCCESS);
    REQUIRE(DrvDeferCreateTimer(1, DRV_DEFER_PARENT_DEVICE, 0, FALSE, FALSE, 0) == STATUS_SUCCESS);
    CHECK(WdfTimerStart(DrvDeferTimer(0), WDF_REL_TIMEOUT_IN_MS(1)) == FALSE);
    for (int i = 0; i < 3; i++)
        DrvDeferWaitRun(0);
    /* Periodic: still in the queue after firing; a waiting stop returns after any callback. */
    CHECK(WdfTimerStop(DrvDeferTimer(0), TRUE) == TRUE);
    DrvDeferSeen(0, &seen);
    CHECK(seen.Count >= 3);
    CHECK_EQ(seen.Finished, seen.Count);
    CHECK_EQ(seen.Irql, DISPATCH_LEVEL);
    /* Barrier: a later one-shot timer fires after any 2 ms period would have. */
    CHECK(WdfTimerStart(DrvDeferTimer(1), WDF_REL_TIMEOUT_IN_MS(20)) == FALSE);
    DrvDeferWaitRun(1);
    DrvDeferSeen(0, &later);
    CHECK_EQ(later.Count, seen.Count);
    CHECK_EQ(vf_total(), 0);
    defer_down(&f);
}

struct stop_args {
    WDFTIMER timer;
    BOOLEAN result;
    LONG finished_at_return;
};

static void stop_waiting(void *p)
{
    struct stop_args *a = p;
    DRV_DEFER_SEEN seen;

    a->result = WdfTimerStop(a->timer, TRUE);
    DrvDeferSeen(0, &seen);
    a->finished_at_return = seen.Finished;
}

static void test_stop_waits_for_callback(void)
{
    struct defer_fixture f;
    struct defer_thread t;
    struct stop_args a;

    defer_up(&f, DRV_DEFER_DEVICE_PLAIN);
    REQUIRE(DrvDeferCreateTimer(0, DRV_DEFER_PARENT_DEVICE, 0, FALSE, FALSE, 0) == STATUS_SUCCESS);
    DrvDeferSetAction(0, DRV_DEFER_ACT_BLOCK);
    CHECK(WdfTimerStart(DrvDeferTimer(0), WDF_REL_TIMEOUT_IN_MS(1)) == FALSE);
    DrvDeferWaitEntered(0);
    /* The callback is running: a waiting stop on another thread returns only after it. */
    a.timer = DrvDeferTimer(0);
    defer_thread_start(&t, f.m, stop_waiting, &a);
    defer_pause_ms(20);
    DrvDeferRelease(0);
    defer_thread_join(&t);
    CHECK(a.result == FALSE);
    CHECK_EQ(a.finished_at_return, 1);
    CHECK_EQ(vf_total(), 0);
    defer_down(&f);
}

static void test_passive(void)
{
    struct defer_fixture f;
    DRV_DEFER_SEEN seen;

    defer_up(&f, DRV_DEFER_DEVICE_PLAIN);
    vf_reset();
    REQUIRE(DrvDeferCreateTimer(0, DRV_DEFER_PARENT_DEVICE, 0, TRUE, FALSE, 0) == STATUS_SUCCESS);
    CHECK(WdfTimerStart(DrvDeferTimer(0), WDF_REL_TIMEOUT_IN_MS(2)) == FALSE);
    DrvDeferWaitRun(0);
    DrvDeferSeen(0, &seen);
    CHECK_EQ(seen.Irql, PASSIVE_LEVEL);
    CHECK_EQ(seen.Cpu, (ULONG)-1); /* a work thread */
    CHECK_EQ(vf_total(), 0);

    /* Misuse: a waiting stop from the timer's own (passive) callback would wait for itself. */
    DrvDeferSetAction(0, DRV_DEFER_ACT_STOP_WAIT);
    CHECK(WdfTimerStart(DrvDeferTimer(0), WDF_REL_TIMEOUT_IN_MS(2)) == FALSE);
    DrvDeferWaitRun(0);
    CHECK_EQ(vf_count(VF_RULE_WAIT_OWN_CALLBACK), 1);
    CHECK(WdfTimerStop(DrvDeferTimer(0), TRUE) == FALSE);
    CHECK_EQ(vf_total(), 1);
    defer_down(&f);
}

static void test_stop_wait_at_dispatch(void)
{
    struct defer_fixture f;

    defer_up(&f, DRV_DEFER_DEVICE_PLAIN);
    vf_reset();
    /* From a dispatch timer's own callback: the IRQL rule comes first. */
    REQUIRE(DrvDeferCreateTimer(0, DRV_DEFER_PARENT_DEVICE, 0, FALSE, FALSE, 0) == STATUS_SUCCESS);
    DrvDeferSetAction(0, DRV_DEFER_ACT_STOP_WAIT);
    CHECK(WdfTimerStart(DrvDeferTimer(0), WDF_REL_TIMEOUT_IN_MS(1)) == FALSE);
    DrvDeferWaitRun(0);
    CHECK_EQ(vf_count(VF_RULE_IRQL_NOT_PASSIVE), 1);
    /* From a DPC: WdfTimerStop(Wait=TRUE) at DISPATCH_LEVEL. */
    DrvDeferSetAction(0, DRV_DEFER_ACT_NONE);
    REQUIRE(DrvDeferCreateDpc(1, DRV_DEFER_PARENT_DEVICE, FALSE, 0) == STATUS_SUCCESS);
    DrvDeferSetAction(1, DRV_DEFER_ACT_STOP_OTHER);
    CHECK(WdfDpcEnqueue(DrvDeferDpc(1)) == TRUE);
    DrvDeferWaitRun(1);
    CHECK_EQ(vf_count(VF_RULE_IRQL_NOT_PASSIVE), 2);
    CHECK_EQ(vf_count(VF_RULE_WAIT_OWN_CALLBACK), 0);
    CHECK_EQ(vf_total(), 2);
    defer_down(&f);
}

static void test_delete_armed(void)
{
    struct defer_fixture f;
    DRV_DEFER_SEEN seen, later;

    defer_up(&f, DRV_DEFER_DEVICE_PLAIN);
    REQUIRE(DrvDeferCreateTimer(0, DRV_DEFER_PARENT_DEVICE, 1, FALSE, FALSE, 0) == STATUS_SUCCESS);
    REQUIRE(DrvDeferCreateTimer(1, DRV_DEFER_PARENT_DEVICE, 0, FALSE, FALSE, 0) == STATUS_SUCCESS);
    CHECK(WdfTimerStart(DrvDeferTimer(0), WDF_REL_TIMEOUT_IN_MS(1)) == FALSE);
    DrvDeferWaitRun(0);
    /* Deleting a running periodic timer stops it; its callbacks are over when delete returns. */
    WdfObjectDelete(DrvDeferTimer(0));
    DrvDeferSeen(0, &seen);
    CHECK_EQ(seen.Finished, seen.Count);
    CHECK_EQ(kmdf_object_count(f.m, FX_TYPE_TIMER), 1);
    CHECK(WdfTimerStart(DrvDeferTimer(1), WDF_REL_TIMEOUT_IN_MS(10)) == FALSE);
    DrvDeferWaitRun(1);
    DrvDeferSeen(0, &later);
    CHECK_EQ(later.Count, seen.Count);
    CHECK_EQ(DrvDeferCleanups(), 1);
    CHECK_EQ(vf_total(), 0);
    defer_down(&f);
}

int main(void)
{
    test_create();
    test_one_shot();
    test_periodic_and_stop();
    test_stop_waits_for_callback();
    test_passive();
    test_stop_wait_at_dispatch();
    test_delete_armed();
    return check_done();
}
