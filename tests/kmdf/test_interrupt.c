/* test_interrupt.c - WDFINTERRUPT on a line interrupt (the echo test model), through a driver
 * written as for Windows (drv_irq.c).  Rules checked here, with their source:
 *   EvtInterruptEnable after EvtDeviceD0Entry and before EvtDeviceD0EntryPostInterruptsEnabled;
 *   EvtInterruptDisable after EvtDeviceD0ExitPreInterruptsDisabled and before EvtDeviceD0Exit;
 *   both at DIRQL
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/a-user-plugs-in-a-device
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/a-device-enters-a-low-power-state
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfinterrupt/nc-wdfinterrupt-evt_wdf_interrupt_enable
 *   EvtInterruptIsr at the device's DIRQL; EvtInterruptDpc at DISPATCH_LEVEL, queued by
 *   WdfInterruptQueueDpcForIsr on the processor that took the interrupt; a second queueing
 *   before it runs returns FALSE and it runs once
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfinterrupt/nc-wdfinterrupt-evt_wdf_interrupt_isr
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfinterrupt/nf-wdfinterrupt-wdfinterruptqueuedpcforisr
 *   WdfInterruptSynchronize runs the callback at DIRQL holding the interrupt lock, so the ISR
 *   cannot run meanwhile, and returns the callback's value
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfinterrupt/nf-wdfinterrupt-wdfinterruptsynchronize
 *   WdfInterruptAcquireLock raises to DIRQL; WdfInterruptReleaseLock returns to the previous IRQL
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfinterrupt/nf-wdfinterrupt-wdfinterruptacquirelock
 *   WdfInterruptDisable/Enable call EvtInterruptDisable/Enable
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfinterrupt/nf-wdfinterrupt-wdfinterruptdisable
 *   WdfInterruptGetInfo describes the assigned resource
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfinterrupt/ns-wdfinterrupt-_wdf_interrupt_info */
#include "drv_irq_fixture.h"

static const char start_log[] =
    "PrepareHardware D0Entry(D3Final) IntEnable0 D0EntryPostInterruptsEnabled(D3Final)";

static void start(struct irq_fixture *f)
{
    REQUIRE(fx_device_start(f->dev) == STATUS_SUCCESS);
    CHECK_IRQ_LOG(start_log);
}

/* Raises the line with `status` in the device and waits for the DPC. */
static void interrupt_once(ULONG status)
{
    DrvIrqSetDeviceStatus(status);
    DrvIrqRaiseLine();
    REQUIRE(DrvIrqWaitDpc(0) == STATUS_SUCCESS);
}

static void test_isr_dpc(void)
{
    struct irq_fixture f;
    DRV_IRQ_SEEN seen;
    WDF_INTERRUPT_INFO info;
    struct intr_stats st;

    irq_up(&f, &echo_model, DRV_IRQ_MODE_ONE, FALSE);
    start(&f);
    DrvIrqSeen(0, &seen);
    CHECK_EQ(seen.EnableIrql, f.irq.level);
    CHECK(f.irq.level > DISPATCH_LEVEL);

    DrvIrqGetInfo(0, &info, sizeof(info));
    CHECK_EQ(info.Size, sizeof(info));
    CHECK_EQ(info.Irql, f.irq.level);
    CHECK_EQ(info.Vector, WDM_CMRES_VECTOR(f.irq.level, f.irq.line));
    CHECK(!info.MessageSignaled);
    CHECK_EQ(info.MessageNumber, 0);
    CHECK_EQ(info.Mode, LevelSensitive);
    CHECK_EQ(info.ShareDisposition, CmResourceShareShared);
    CHECK(WdfInterruptGetDevice(DrvIrqInterrupt(0)) == DrvIrqDevice());

    interrupt_once(0x5A5A);
    DrvIrqSeen(0, &seen);
    CHECK_EQ(seen.IsrCount, 1);
    CHECK_EQ(seen.DpcCount, 1);
    CHECK_EQ(seen.Status, 0x5A5A);
    CHECK_EQ(seen.MessageId, 0);
    CHECK_EQ(seen.IsrIrql, f.irq.level);
    CHECK_EQ(seen.DpcIrql, DISPATCH_LEVEL);
    /* The DPC ran on the CPU whose delivery thread took the interrupt. */
    CHECK(seen.IsrCpu != (ULONG)-1);
    CHECK_EQ(seen.DpcCpu, seen.IsrCpu);

    interrupt_once(0x1234);
    DrvIrqSeen(0, &seen);
    CHECK_EQ(seen.IsrCount, 2);
    CHECK_EQ(seen.DpcCount, 2);
    CHECK_EQ(seen.Status, 0x1234);
    /* The ISR lowered the line before returning: claimed, never re-delivered. */
    st = irq_stats(&f);
    CHECK_EQ(st.claimed, 2);
    CHECK_EQ(st.unclaimed, 0);
    CHECK_EQ(st.redelivered, 0);
    CHECK_EQ(vf_total(), 0);
    irq_down(&f);
}

static void test_double_queue(void)
{
    struct irq_fixture f;
    DRV_IRQ_SEEN seen;

    irq_up(&f, &echo_model, DRV_IRQ_MODE_ONE, FALSE);
    start(&f);
    DrvIrqSetIsrAction(DRV_IRQ_ISR_DOUBLE_QUEUE);
    DrvIrqRaiseLine();
    /* The ISR has returned and the blocker holds its CPU's DPC thread: the DPC is still queued. */
    DrvIrqWaitBlocker();
    DrvIrqSeen(0, &seen);
    CHECK(seen.FirstQueue);
    CHECK(!seen.SecondQueue);
    CHECK_EQ(seen.DpcCount, 0);
    DrvIrqReleaseBlocker();
    REQUIRE(DrvIrqWaitDpc(0) == STATUS_SUCCESS);
    /* Powering down flushes the interrupt's DPCs: a second run would have happened by now. */
    REQUIRE(fx_device_power_down(f.dev, WdfPowerDeviceD3) == STATUS_SUCCESS);
    DrvIrqSeen(0, &seen);
    CHECK_EQ(seen.IsrCount, 1);
    CHECK_EQ(seen.DpcCount, 1);
    CHECK_EQ(seen.DpcCpu, seen.IsrCpu);
    CHECK_EQ(vf_total(), 0);
    irq_down(&f);
}

static void test_synchronize(void)
{
    struct irq_fixture f;
    DRV_IRQ_SEEN seen;
    KIRQL irql = PASSIVE_LEVEL;

    irq_up(&f, &echo_model, DRV_IRQ_MODE_ONE, FALSE);
    start(&f);
    /* The callback raises the line and holds the lock for 20 ms: the ISR, now due, must wait
     * until the callback has returned (it checks the driver's in-callback flag). */
    CHECK(DrvIrqSynchronizeRaise(0, 20000, TRUE, &irql) == TRUE);
    CHECK_EQ(irql, f.irq.level);
    REQUIRE(DrvIrqWaitDpc(0) == STATUS_SUCCESS);
    DrvIrqSeen(0, &seen);
    CHECK_EQ(seen.IsrCount, 1);
    CHECK_EQ(seen.IsrSawSync, 0);
    CHECK_EQ(seen.IsrAfterSync, 1);
    CHECK(DrvIrqSynchronizeRaise(0, 0, FALSE, &irql) == FALSE);
    REQUIRE(DrvIrqWaitDpc(0) == STATUS_SUCCESS);
    DrvIrqSeen(0, &seen);
    CHECK_EQ(seen.IsrCount, 2);
    CHECK_EQ(seen.IsrSawSync, 0);

    CHECK_EQ(DrvIrqAcquireLock(0), f.irq.level);
    CHECK_EQ(DrvIrqReleaseLock(0), PASSIVE_LEVEL);
    CHECK_EQ(vf_total(), 0);
    irq_down(&f);
}

static void test_power_cycle(void)
{
    struct irq_fixture f;
    DRV_IRQ_SEEN seen;
    struct intr_stats before, after;

    irq_up(&f, &echo_model, DRV_IRQ_MODE_ONE, FALSE);
    start(&f);
    REQUIRE(fx_device_power_down(f.dev, WdfPowerDeviceD3) == STATUS_SUCCESS);
    CHECK_IRQ_LOG("D0ExitPreInterruptsDisabled(D3) IntDisable0 D0Exit(D3)");
    DrvIrqSeen(0, &seen);
    CHECK_EQ(seen.DisableIrql, f.irq.level);

    /* Disconnected in D3: the raised line is only pending, nothing is delivered. */
    before = irq_stats(&f);
    DrvIrqRaiseLine();
    after = irq_stats(&f);
    CHECK_EQ(after.raised, before.raised + 1);
    CHECK_EQ(after.delivered, before.delivered);

    REQUIRE(fx_device_power_up(f.dev) == STATUS_SUCCESS);
    CHECK_IRQ_LOG("D0Entry(D3) IntEnable0 D0EntryPostInterruptsEnabled(D3)");
    /* Back in D0 the pending line reaches the ISR. */
    REQUIRE(DrvIrqWaitDpc(0) == STATUS_SUCCESS);
    DrvIrqSeen(0, &seen);
    CHECK_EQ(seen.IsrCount, 1);
    CHECK_EQ(seen.EnableIrql, f.irq.level);

    /* Driver-initiated: WdfInterruptDisable masks the ISR until WdfInterruptEnable. */
    DrvIrqDisable(0);
    CHECK_IRQ_LOG("IntDisable0");
    before = irq_stats(&f);
    DrvIrqRaiseLine();
    after = irq_stats(&f);
    CHECK_EQ(after.delivered, before.delivered);
    DrvIrqEnable(0);
    CHECK_IRQ_LOG("IntEnable0");
    REQUIRE(DrvIrqWaitDpc(0) == STATUS_SUCCESS);
    DrvIrqSeen(0, &seen);
    CHECK_EQ(seen.IsrCount, 2);

    REQUIRE(fx_device_remove(f.dev) == STATUS_SUCCESS);
    CHECK_IRQ_LOG("D0ExitPreInterruptsDisabled(D3Final) IntDisable0 D0Exit(D3Final) "
                  "ReleaseHardware");
    CHECK_EQ(kmdf_object_count(f.m, FX_TYPE_INTERRUPT), 0);
    CHECK_EQ(vf_total(), 0);
    irq_down(&f);
}

/* EvtInterruptWorkItem, queued by WdfInterruptQueueWorkItemForIsr, runs at PASSIVE_LEVEL on a
 * work thread; the ISR itself still runs at DIRQL.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfinterrupt/nc-wdfinterrupt-evt_wdf_interrupt_workitem */
static void test_work_item(void)
{
    struct irq_fixture f;
    DRV_IRQ_SEEN seen;

    irq_up(&f, &echo_model, DRV_IRQ_MODE_WORKITEM, FALSE);
    start(&f);
    interrupt_once(0x77);
    DrvIrqSeen(0, &seen);
    CHECK_EQ(seen.IsrCount, 1);
    CHECK_EQ(seen.IsrIrql, f.irq.level);
    CHECK_EQ(seen.Status, 0x77);
    CHECK_EQ(seen.WorkCount, 1);
    CHECK_EQ(seen.WorkIrql, PASSIVE_LEVEL);
    CHECK_EQ(seen.WorkCpu, (ULONG)-1);
    CHECK_EQ(seen.DpcCount, 0);
    /* Queueing the DPC of an interrupt that has none is misuse (WDF-INTR-002). */
    CHECK(DrvIrqQueueDpc(0) == FALSE);
    CHECK_EQ(vf_count(VF_RULE_INTR_NO_DEFERRED_CALLBACK), 1);
    CHECK_EQ(vf_total(), 1);
    interrupt_once(0x78);
    /* Powering down waits for the work items the ISR queued. */
    REQUIRE(fx_device_power_down(f.dev, WdfPowerDeviceD3) == STATUS_SUCCESS);
    DrvIrqSeen(0, &seen);
    CHECK_EQ(seen.WorkCount, 2);
    irq_down(&f);
}

int main(void)
{
    test_isr_dpc();
    test_double_queue();
    test_synchronize();
    test_power_cycle();
    test_work_item();
    return check_done();
}
