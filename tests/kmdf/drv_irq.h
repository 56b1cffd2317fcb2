/* drv_irq.h - the interrupt test driver's entry points (tests/kmdf).  The driver (drv_irq.c) is
 * built with dmabox_add_driver and sees only the WDK headers; the harnesses (test_interrupt*.c)
 * load it with fx_driver_load, choose its behaviour with DrvIrqSet*, trigger the echo test
 * model's interrupt through its registers and read what the driver saw.
 *
 * The log records, in order: "PrepareHardware", "ReleaseHardware", "D0Entry(D3Final)",
 * "D0EntryPostInterruptsEnabled(..)", "D0ExitPreInterruptsDisabled(..)", "D0Exit(..)",
 * "IntEnable0", "IntDisable0" (the interrupt's index), each followed by "!IRQL" when the callback
 * ran at the wrong IRQL (PnP callbacks: not PASSIVE_LEVEL; enable/disable: not above
 * DISPATCH_LEVEL; the exact level is in DRV_IRQ_SEEN). */
#ifndef DRV_IRQ_H
#define DRV_IRQ_H

#include <ntddk.h>
#include <wdf.h>

DRIVER_INITIALIZE DriverEntry;

#define DRV_IRQ_MAX 2

/* How EvtDriverDeviceAdd / EvtDevicePrepareHardware create interrupts. */
enum drv_irq_mode {
    DRV_IRQ_MODE_ONE = 0,       /* one interrupt in EvtDriverDeviceAdd */
    DRV_IRQ_MODE_TWO = 1,       /* two interrupts in EvtDriverDeviceAdd (one per MSI message) */
    DRV_IRQ_MODE_PREPARE = 2,   /* one per message of each interrupt descriptor, created in
                                   EvtDevicePrepareHardware from its resource lists */
    DRV_IRQ_MODE_WORKITEM = 3,  /* one interrupt with EvtInterruptWorkItem instead of a DPC */
};

/* What the ISR does besides reading and clearing the device status and queueing its DPC. */
enum drv_irq_isr_action {
    DRV_IRQ_ISR_PLAIN = 0,
    DRV_IRQ_ISR_DOUBLE_QUEUE = 1, /* occupy this CPU's DPC thread, then queue the DPC twice */
    DRV_IRQ_ISR_ACQUIRE = 2,      /* WdfInterruptAcquireLock on itself (misuse) */
    DRV_IRQ_ISR_RELEASE = 3,      /* WdfInterruptReleaseLock on itself (misuse) */
    DRV_IRQ_ISR_SYNCHRONIZE = 4,  /* WdfInterruptSynchronize on itself (misuse) */
    DRV_IRQ_ISR_QUEUE_WORKITEM = 5, /* WdfInterruptQueueWorkItemForIsr without one (misuse) */
};

/* Forgets everything from a previous load (the harness calls it before fx_driver_load). */
VOID DrvIrqReset(VOID);
VOID DrvIrqSetMode(int Mode);
VOID DrvIrqSetIsrAction(int Action);
/* EvtDriverDeviceAdd also tries the documented WdfInterruptCreate failures (see
 * DrvIrqCreateStatus) and calls WdfInterruptAcquireLock before resources exist (misuse). */
VOID DrvIrqSetCreateChecks(BOOLEAN On);
/* Makes EvtInterruptEnable of interrupt Index fail with Status (STATUS_SUCCESS: none). */
VOID DrvIrqFailEnable(ULONG Index, NTSTATUS Status);

const CHAR *DrvIrqLog(VOID);
VOID DrvIrqLogReset(VOID);

/* Supplied by the harness: the simulated CPU the calling thread stands for. */
ULONG DrvIrqProbeCpu(VOID);

typedef struct _DRV_IRQ_SEEN {
    LONG IsrCount;
    LONG DpcCount;
    KIRQL IsrIrql;
    KIRQL DpcIrql;
    KIRQL EnableIrql;        /* the IRQL of the last EvtInterruptEnable / EvtInterruptDisable */
    KIRQL DisableIrql;
    ULONG IsrCpu;
    ULONG DpcCpu;
    ULONG MessageId;
    ULONG Status;            /* the device status the ISR read */
    BOOLEAN FirstQueue;      /* DRV_IRQ_ISR_DOUBLE_QUEUE: WdfInterruptQueueDpcForIsr results */
    BOOLEAN SecondQueue;
    LONG IsrSawSync;         /* ISR calls that found a synchronize callback inside the lock */
    LONG IsrAfterSync;       /* ISR calls that came after a synchronize callback finished */
    LONG WorkCount;          /* DRV_IRQ_MODE_WORKITEM: EvtInterruptWorkItem runs */
    KIRQL WorkIrql;
    ULONG WorkCpu;
} DRV_IRQ_SEEN;

/* A copy of what interrupt Index saw (read after DrvIrqWaitDpc returned). */
VOID DrvIrqSeen(ULONG Index, DRV_IRQ_SEEN *Seen);

/* WdfInterruptCreate statuses of DrvIrqSetCreateChecks, by check:
 * 0 NULL ISR, 1 bad Size, 2 DPC and work item, 3 ParentObject without AutomaticSerialization,
 * 4 PassiveHandling, 5 InterruptRaw in EvtDriverDeviceAdd, 6 WaitLock at DIRQL,
 * 7 (EvtDevicePrepareHardware, DRV_IRQ_MODE_PREPARE) no descriptors, 8 (same) ShareVector set. */
#define DRV_IRQ_CREATE_CHECKS 9
NTSTATUS DrvIrqCreateStatus(ULONG Check);

/* Waits (PASSIVE_LEVEL) for the next DPC (or, DRV_IRQ_MODE_WORKITEM, work item) run of any
 * interrupt; Milliseconds 0 waits forever. */
NTSTATUS DrvIrqWaitDpc(ULONG Milliseconds);
/* Waits until the ISR in DRV_IRQ_ISR_DOUBLE_QUEUE mode has returned and the blocker DPC holds
 * the ISR's CPU; DrvIrqReleaseBlocker lets that CPU's DPC thread go on. */
VOID DrvIrqWaitBlocker(VOID);
VOID DrvIrqReleaseBlocker(VOID);

/* Device access through the mapped BAR 0 (echo model registers). */
VOID DrvIrqSetDeviceStatus(ULONG Status);   /* the value the ISR reads */
VOID DrvIrqRaiseLine(VOID);
VOID DrvIrqSendMessage(ULONG Vector);

/* DDI calls on behalf of the harness. */
WDFDEVICE DrvIrqDevice(VOID);
WDFINTERRUPT DrvIrqInterrupt(ULONG Index);
/* WdfInterruptSynchronize whose callback raises the device's line and keeps the lock for about
 * HoldMicroseconds before returning ReturnValue; *CallbackIrql is the IRQL it ran at. */
BOOLEAN DrvIrqSynchronizeRaise(ULONG Index, ULONG HoldMicroseconds, BOOLEAN ReturnValue,
                               KIRQL *CallbackIrql);
/* WdfInterruptSynchronize whose callback calls WdfInterruptSynchronize again (misuse). */
BOOLEAN DrvIrqSynchronizeNested(ULONG Index);
/* WdfInterruptAcquireLock; returns the IRQL inside; then WdfInterruptReleaseLock and the IRQL
 * after it.  Either may be skipped. */
KIRQL DrvIrqAcquireLock(ULONG Index);
KIRQL DrvIrqReleaseLock(ULONG Index);
VOID DrvIrqGetInfo(ULONG Index, WDF_INTERRUPT_INFO *Info, ULONG Size);
VOID DrvIrqEnable(ULONG Index);
VOID DrvIrqDisable(ULONG Index);
BOOLEAN DrvIrqQueueDpc(ULONG Index);
BOOLEAN DrvIrqQueueWorkItem(ULONG Index);
VOID DrvIrqDelete(ULONG Index);
/* WdfInterruptCreate now (from the harness thread, e.g. after the start): its status. */
NTSTATUS DrvIrqCreateNow(VOID);

#endif
