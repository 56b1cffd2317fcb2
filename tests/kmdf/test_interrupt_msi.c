/* test_interrupt_msi.c - WDFINTERRUPT on message-signaled interrupts: an echo test model with
 * two MSI messages, one interrupt object per message, created in EvtDriverDeviceAdd (resources
 * handed out in creation order) or in EvtDevicePrepareHardware (from the resource lists).
 * Rules checked here, with their source:
 *   one interrupt object per message; without InterruptRaw/Translated the framework assigns the
 *   resources in order; the ISR gets its message number
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/creating-an-interrupt-object
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfinterrupt/nc-wdfinterrupt-evt_wdf_interrupt_isr
 *   interrupts created in EvtDevicePrepareHardware are deleted after EvtDeviceReleaseHardware
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfinterrupt/nf-wdfinterrupt-wdfinterruptcreate
 *   WDF_INTERRUPT_INFO of a message interrupt (MessageSignaled, MessageNumber, Latched)
 *     https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfinterrupt/ns-wdfinterrupt-_wdf_interrupt_info */
#include "drv_irq_fixture.h"

static void check_info(struct irq_fixture *f, ULONG index)
{
    WDF_INTERRUPT_INFO info;

    DrvIrqGetInfo(index, &info, sizeof(info));
    CHECK(info.MessageSignaled);
    CHECK_EQ(info.MessageNumber, index);
    CHECK_EQ(info.Mode, Latched);
    CHECK_EQ(info.Irql, f->irq.level);
    CHECK_EQ(info.Vector, WDM_CMRES_VECTOR(f->irq.level, f->irq.line) + index);
    CHECK_EQ(info.ShareDisposition, CmResourceShareDeviceExclusive);
}

/* Sends message `vector` and checks that exactly interrupt `vector` took it. */
static void send_and_check(ULONG vector, LONG want0, LONG want1)
{
    DRV_IRQ_SEEN s0, s1;

    DrvIrqSendMessage(vector);
    REQUIRE(DrvIrqWaitDpc(0) == STATUS_SUCCESS);
    DrvIrqSeen(0, &s0);
    DrvIrqSeen(1, &s1);
    CHECK_EQ(s0.IsrCount, want0);
    CHECK_EQ(s1.IsrCount, want1);
    CHECK_EQ((vector == 0 ? s0 : s1).MessageId, vector);
    CHECK_EQ((vector == 0 ? s0 : s1).DpcCount, vector == 0 ? want0 : want1);
}

static void test_created_in_device_add(void)
{
    struct irq_fixture f;

    irq_up(&f, echo_msi(), DRV_IRQ_MODE_TWO, FALSE);
    CHECK(f.irq.message);
    CHECK_EQ(f.irq.vectors, 2);
    REQUIRE(fx_device_start(f.dev) == STATUS_SUCCESS);
    CHECK_IRQ_LOG("PrepareHardware D0Entry(D3Final) IntEnable0 IntEnable1 "
                  "D0EntryPostInterruptsEnabled(D3Final)");
    check_info(&f, 0);
    check_info(&f, 1);
    send_and_check(1, 0, 1);
    send_and_check(0, 1, 1);
    send_and_check(1, 1, 2);
    /* Disabled in reverse creation order. */
    REQUIRE(fx_device_power_down(f.dev, WdfPowerDeviceD3) == STATUS_SUCCESS);
    CHECK_IRQ_LOG("D0ExitPreInterruptsDisabled(D3) IntDisable1 IntDisable0 D0Exit(D3)");
    REQUIRE(fx_device_power_up(f.dev) == STATUS_SUCCESS);
    CHECK_IRQ_LOG("D0Entry(D3) IntEnable0 IntEnable1 D0EntryPostInterruptsEnabled(D3)");
    send_and_check(0, 2, 2);
    CHECK_EQ(vf_total(), 0);
    irq_down(&f);
}

static void test_created_in_prepare_hardware(void)
{
    struct irq_fixture f;

    irq_up(&f, echo_msi(), DRV_IRQ_MODE_PREPARE, FALSE);
    CHECK_EQ(kmdf_object_count(f.m, FX_TYPE_INTERRUPT), 0);
    REQUIRE(fx_device_start(f.dev) == STATUS_SUCCESS);
    CHECK_IRQ_LOG("PrepareHardware D0Entry(D3Final) IntEnable0 IntEnable1 "
                  "D0EntryPostInterruptsEnabled(D3Final)");
    CHECK_EQ(kmdf_object_count(f.m, FX_TYPE_INTERRUPT), 2);
    check_info(&f, 0);
    check_info(&f, 1);
    send_and_check(1, 0, 1);
    send_and_check(0, 1, 1);
    /* A power cycle keeps them; losing the hardware deletes them (the device stays until
     * removal). */
    REQUIRE(fx_device_power_down(f.dev, WdfPowerDeviceD3) == STATUS_SUCCESS);
    REQUIRE(fx_device_power_up(f.dev) == STATUS_SUCCESS);
    CHECK_EQ(kmdf_object_count(f.m, FX_TYPE_INTERRUPT), 2);
    DrvIrqLogReset();
    REQUIRE(fx_device_surprise_remove(f.dev) == STATUS_SUCCESS);
    CHECK(strstr(DrvIrqLog(), "IntDisable1 IntDisable0") != NULL);
    CHECK(strstr(DrvIrqLog(), "ReleaseHardware") != NULL);
    CHECK_EQ(kmdf_object_count(f.m, FX_TYPE_INTERRUPT), 0);
    CHECK_EQ(kmdf_object_count(f.m, FX_TYPE_DEVICE), 1);
    CHECK_EQ(vf_total(), 0);
    irq_down(&f);
}

int main(void)
{
    test_created_in_device_add();
    test_created_in_prepare_hardware();
    return check_done();
}
