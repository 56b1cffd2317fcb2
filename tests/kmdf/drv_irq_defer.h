/* drv_irq_defer.h - the deferred-work test driver's entry points (tests/kmdf): WDFDPC, WDFTIMER
 * and WDFWORKITEM objects of a device without hardware.  The driver (drv_irq_defer.c) sees only
 * the WDK headers; the harnesses (test_dpc.c, test_timer.c, test_workitem.c) create objects
 * through it, choose what each callback does, and read what the callbacks saw. */
#ifndef DRV_IRQ_DEFER_H
#define DRV_IRQ_DEFER_H

#include <ntddk.h>
#include <wdf.h>

DRIVER_INITIALIZE DriverEntry;

/* Supplied by the harness: the simulated CPU of the calling thread ((ULONG)-1 for none). */
ULONG DrvDeferProbeCpu(VOID);

/* The device's WDF_OBJECT_ATTRIBUTES (set before the device is added). */
enum drv_defer_device {
    DRV_DEFER_DEVICE_PLAIN = 0,          /* inherit: dispatch level, no synchronization scope */
    DRV_DEFER_DEVICE_PASSIVE_SCOPED = 1, /* WdfExecutionLevelPassive, WdfSynchronizationScopeDevice */
    DRV_DEFER_DEVICE_DISPATCH_SCOPED = 2,/* WdfExecutionLevelDispatch, WdfSynchronizationScopeDevice */
    DRV_DEFER_DEVICE_DISPATCH_SCOPED_IO = 3, /* as 2, plus a default parallel queue (not power
                                            managed) whose EvtIoRead enqueues slot 0's DPC */
};

/* Which object a new DPC/timer/work item gets as ParentObject. */
enum drv_defer_parent {
    DRV_DEFER_PARENT_DEVICE = 0,
    DRV_DEFER_PARENT_NONE = 1,    /* WDF_NO_OBJECT_ATTRIBUTES */
    DRV_DEFER_PARENT_DRIVER = 2,  /* the WDFDRIVER: not under a device */
    DRV_DEFER_PARENT_CHILD = 3,   /* a general object whose parent is the device */
};

/* What a callback does after recording what it saw. */
enum drv_defer_action {
    DRV_DEFER_ACT_NONE = 0,
    DRV_DEFER_ACT_BLOCK = 1,       /* announce itself (Entered event), wait for DrvDeferRelease */
    DRV_DEFER_ACT_STOP_WAIT = 2,   /* timer: WdfTimerStop(itself, TRUE) (misuse) */
    DRV_DEFER_ACT_FLUSH = 3,       /* work item: WdfWorkItemFlush(itself) (misuse) */
    DRV_DEFER_ACT_CANCEL_WAIT = 4, /* DPC: WdfDpcCancel(itself, TRUE) (misuse) */
    DRV_DEFER_ACT_RESTART = 5,     /* timer: WdfTimerStart(itself, 1 ms) until 3 runs;
                                      work item: enqueue itself once more */
    DRV_DEFER_ACT_STOP_OTHER = 6,  /* DPC: WdfTimerStop(slot 0's timer, TRUE) (misuse) */
    DRV_DEFER_ACT_OVERLAP = 7,     /* work item: enqueue itself, then stay a while; counts
                                      runs that overlapped another run of itself */
};

#define DRV_DEFER_SLOTS 4

typedef struct _DRV_DEFER_SEEN {
    LONG Count;
    KIRQL Irql;
    ULONG Cpu;
    LONG Overlaps;
    LONG Finished;          /* runs that returned */
    LONG SawIo;             /* runs that started while EvtIoRead was running */
} DRV_DEFER_SEEN;

VOID DrvDeferReset(VOID);
VOID DrvDeferSetDevice(int Kind);
WDFDEVICE DrvDeferDevice(VOID);

/* Objects live in slots 0..DRV_DEFER_SLOTS-1 (one DPC, one timer, one work item per slot).
 * Config sizes other than the structure's are passed through as given (SizeDelta). */
NTSTATUS DrvDeferCreateDpc(ULONG Slot, int Parent, BOOLEAN AutomaticSerialization, LONG SizeDelta);
NTSTATUS DrvDeferCreateDpcNoCallback(ULONG Slot);
NTSTATUS DrvDeferCreateTimer(ULONG Slot, int Parent, ULONG Period, BOOLEAN Passive,
                             BOOLEAN AutomaticSerialization, LONG SizeDelta);
NTSTATUS DrvDeferCreateTimerConfig(ULONG Slot, PWDF_TIMER_CONFIG Config);
NTSTATUS DrvDeferCreateWorkItem(ULONG Slot, int Parent, BOOLEAN AutomaticSerialization,
                                BOOLEAN NoCallback);

VOID DrvDeferSetAction(ULONG Slot, int Action);
VOID DrvDeferSeen(ULONG Slot, DRV_DEFER_SEEN *Seen);
/* Waits (PASSIVE_LEVEL) for the next callback run of the slot's DPC/timer/work item. */
VOID DrvDeferWaitRun(ULONG Slot);
/* DRV_DEFER_ACT_BLOCK: waits until the callback has announced itself / lets it return. */
VOID DrvDeferWaitEntered(ULONG Slot);
VOID DrvDeferRelease(ULONG Slot);

WDFDPC DrvDeferDpc(ULONG Slot);
WDFTIMER DrvDeferTimer(ULONG Slot);
WDFWORKITEM DrvDeferWorkItem(ULONG Slot);
/* The object the slot's DPC/timer/work item was created under (NULL for none). */
WDFOBJECT DrvDeferParentOf(ULONG Slot);
/* DRV_DEFER_DEVICE_DISPATCH_SCOPED_IO: each EvtIoRead enqueues slot 0's DPC and then waits for
 * it to start, for at most Window spins (0: without limit), before it completes the read. */
VOID DrvDeferSetIoWindow(ULONG Window);

/* Number of EvtCleanupCallback calls on the slots' objects. */
LONG DrvDeferCleanups(VOID);

#endif
