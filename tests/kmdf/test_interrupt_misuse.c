/* test_interrupt_misuse.c - the documented WdfInterruptCreate failures and the interrupt verifier
 * rules, each provoked by the drv_irq driver on purpose (RECORD mode, exact counts).
 * Rules checked here, with their source:
 *   WdfInterruptCreate: STATUS_INVALID_PARAMETER (no ISR, DPC and work item, resources in
 *   EvtDriverDeviceAdd, WaitLock at DIRQL), STATUS_INFO_LENGTH_MISMATCH,
 *   STATUS_WDF_PARENT_ASSIGNMENT_NOT_ALLOWED (ParentObject without AutomaticSerialization),
 *   STATUS_INVALID_DEVICE_STATE (after the start; in EvtDevicePrepareHardware without the
 *   descriptors or with ShareVector), STATUS_NOT_SUPPORTED (passive handling, not provided)
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfinterrupt/nf-wdfinterrupt-wdfinterruptcreate
 *   WDF-INTR-001 lock/synchronize from inside the lock (ISR, synchronize callback, twice)
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfinterrupt/nf-wdfinterrupt-wdfinterruptacquirelock
 *   WDF-INTR-002 queueing a work item the interrupt does not have
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfinterrupt/nf-wdfinterrupt-wdfinterruptqueueworkitemforisr
 *   WDF-INTR-003 release without acquire (also from the ISR)
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfinterrupt/nf-wdfinterrupt-wdfinterruptreleaselock
 *   WDF-INTR-004 the lock before resources exist (EvtDriverDeviceAdd)
 *   WDF-OBJ-001 a driver may not delete an interrupt object
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/creating-an-interrupt-object
 *   WDF-PARAM-002 WDF_INTERRUPT_INFO.Size wrong
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfinterrupt/nf-wdfinterrupt-wdfinterruptgetinfo
 *   a failing EvtInterruptEnable fails the start with its status */
#include "drv_irq_fixture.h"

static void isr_with(int action)
{
    DrvIrqSetIsrAction(action);
    DrvIrqRaiseLine();
    REQUIRE(DrvIrqWaitDpc(0) == STATUS_SUCCESS);
    DrvIrqSetIsrAction(DRV_IRQ_ISR_PLAIN);
}

static void test_create_failures(void)
{
    struct irq_fixture f;
    WDF_INTERRUPT_INFO info;

    vf_reset();
    irq_up(&f, &echo_model, DRV_IRQ_MODE_ONE, TRUE);
    CHECK_EQ(DrvIrqCreateStatus(0), STATUS_INVALID_PARAMETER);
    CHECK_EQ(DrvIrqCreateStatus(1), STATUS_INFO_LENGTH_MISMATCH);
    CHECK_EQ(DrvIrqCreateStatus(2), STATUS_INVALID_PARAMETER);
    CHECK_EQ(DrvIrqCreateStatus(3), STATUS_WDF_PARENT_ASSIGNMENT_NOT_ALLOWED);
    CHECK_EQ(DrvIrqCreateStatus(4), STATUS_NOT_SUPPORTED);
    CHECK_EQ(DrvIrqCreateStatus(5), STATUS_INVALID_PARAMETER);
    CHECK_EQ(DrvIrqCreateStatus(6), STATUS_INVALID_PARAMETER);
    /* Only the interrupt the driver meant to create exists. */
    CHECK_EQ(kmdf_object_count(f.m, FX_TYPE_INTERRUPT), 1);
    /* EvtDriverDeviceAdd took the lock before there was one. */
    CHECK_EQ(vf_count(VF_RULE_INTR_NO_RESOURCE), 1);
    CHECK_EQ(vf_total(), 1);

    REQUIRE(fx_device_start(f.dev) == STATUS_SUCCESS);
    CHECK_EQ(DrvIrqCreateNow(), STATUS_INVALID_DEVICE_STATE);
    DrvIrqDelete(0);
    CHECK_EQ(vf_count(VF_RULE_OBJECT_DELETE_NOT_ALLOWED), 1);
    CHECK_EQ(kmdf_object_count(f.m, FX_TYPE_INTERRUPT), 1);
    DrvIrqGetInfo(0, &info, sizeof(info) - 4);
    CHECK_EQ(vf_count(VF_RULE_PARAM_INVALID), 1);
    CHECK_EQ(vf_total(), 3);
    REQUIRE(fx_device_remove(f.dev) == STATUS_SUCCESS);
    CHECK_EQ(vf_total(), 3);
    irq_down(&f);
}

static void test_prepare_hardware_failures(void)
{
    struct irq_fixture f;

    vf_reset();
    irq_up(&f, echo_msi(), DRV_IRQ_MODE_PREPARE, TRUE);
    CHECK_EQ(fx_device_start(f.dev), STATUS_SUCCESS);
    CHECK_EQ(DrvIrqCreateStatus(7), STATUS_INVALID_DEVICE_STATE);
    CHECK_EQ(DrvIrqCreateStatus(8), STATUS_INVALID_DEVICE_STATE);
    CHECK_EQ(kmdf_object_count(f.m, FX_TYPE_INTERRUPT), 2);
    CHECK_EQ(vf_total(), 0);
    irq_down(&f);
}

static void test_lock_rules(void)
{
    struct irq_fixture f;
    DRV_IRQ_SEEN seen;

    vf_reset();
    irq_up(&f, &echo_model, DRV_IRQ_MODE_ONE, FALSE);
    REQUIRE(fx_device_start(f.dev) == STATUS_SUCCESS);

    isr_with(DRV_IRQ_ISR_ACQUIRE);
    CHECK_EQ(vf_count(VF_RULE_INTR_LOCK_RECURSIVE), 1);
    isr_with(DRV_IRQ_ISR_SYNCHRONIZE);
    CHECK_EQ(vf_count(VF_RULE_INTR_LOCK_RECURSIVE), 2);
    isr_with(DRV_IRQ_ISR_RELEASE);
    CHECK_EQ(vf_count(VF_RULE_INTR_RELEASE_NOT_HELD), 1);
    isr_with(DRV_IRQ_ISR_QUEUE_WORKITEM);
    CHECK_EQ(vf_count(VF_RULE_INTR_NO_DEFERRED_CALLBACK), 1);
    /* The ISR kept working through all of it. */
    DrvIrqSeen(0, &seen);
    CHECK_EQ(seen.IsrCount, 4);
    CHECK_EQ(seen.DpcCount, 4);

    /* The inner WdfInterruptSynchronize is refused and returns FALSE to the outer callback. */
    CHECK(DrvIrqSynchronizeNested(0) == FALSE);
    CHECK_EQ(vf_count(VF_RULE_INTR_LOCK_RECURSIVE), 3);
    CHECK_EQ(DrvIrqReleaseLock(0), PASSIVE_LEVEL);
    CHECK_EQ(vf_count(VF_RULE_INTR_RELEASE_NOT_HELD), 2);
    CHECK_EQ(DrvIrqAcquireLock(0), f.irq.level);
    CHECK_EQ(DrvIrqAcquireLock(0), f.irq.level);
    CHECK_EQ(vf_count(VF_RULE_INTR_LOCK_RECURSIVE), 4);
    CHECK_EQ(DrvIrqReleaseLock(0), PASSIVE_LEVEL);
    CHECK_EQ(DrvIrqQueueWorkItem(0), FALSE);
    CHECK_EQ(vf_count(VF_RULE_INTR_NO_DEFERRED_CALLBACK), 2);
    CHECK_EQ(vf_total(), 8);

    /* After the device is gone its lock is too. */
    REQUIRE(fx_device_surprise_remove(f.dev) == STATUS_SUCCESS);
    CHECK_EQ(DrvIrqAcquireLock(0), PASSIVE_LEVEL);
    CHECK_EQ(vf_count(VF_RULE_INTR_NO_RESOURCE), 1);
    CHECK_EQ(vf_total(), 9);
    irq_down(&f);
}

static void test_enable_fails(void)
{
    struct irq_fixture f;

    vf_reset();
    irq_up(&f, &echo_model, DRV_IRQ_MODE_ONE, FALSE);
    DrvIrqFailEnable(0, STATUS_DEVICE_DATA_ERROR);
    CHECK_EQ(fx_device_start(f.dev), STATUS_DEVICE_DATA_ERROR);
    /* A failed enable is not paired with a disable. */
    CHECK(strstr(DrvIrqLog(), "D0Entry(D3Final) IntEnable0") != NULL);
    CHECK(strstr(DrvIrqLog(), "IntDisable0") == NULL);
    CHECK(strstr(DrvIrqLog(), "ReleaseHardware") != NULL);
    CHECK_EQ(vf_total(), 0);
    irq_down(&f);
}

int main(void)
{
    test_create_failures();
    test_prepare_hardware_failures();
    test_lock_rules();
    test_enable_fails();
    return check_done();
}
