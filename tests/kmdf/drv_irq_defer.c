/* drv_irq_defer.c - deferred-work test driver (tests/kmdf): a KMDF driver for a device without
 * hardware, written against the WDK headers only, that creates WDFDPC, WDFTIMER and WDFWORKITEM
 * objects on request and records what their callbacks saw.  See drv_irq_defer.h. */
#include <ntddk.h>
#include <wdf.h>

#include "drv_irq_defer.h"

typedef struct _SLOT_CONTEXT {
    ULONG Slot;
} SLOT_CONTEXT, *PSLOT_CONTEXT;

WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(SLOT_CONTEXT, SlotGetContext)

typedef struct _SLOT {
    WDFDPC Dpc;
    WDFTIMER Timer;
    WDFWORKITEM WorkItem;
    WDFOBJECT Parent;
    LONG Action;
    LONG Inside;
    LONG Release;
    LONG Restarts;
    KEVENT RunEvent;
    KEVENT EnteredEvent;
    DRV_DEFER_SEEN Seen;
} SLOT;

static int DeviceKind;
static WDFDEVICE Device;
static WDFOBJECT ChildObject;
static SLOT Slots[DRV_DEFER_SLOTS];
static LONG Cleanups;
static LONG IoInside;
static ULONG IoWindow;

VOID DrvDeferReset(VOID)
{
    DeviceKind = DRV_DEFER_DEVICE_PLAIN;
    Device = NULL;
    ChildObject = NULL;
    Cleanups = 0;
    IoInside = 0;
    IoWindow = 0;
    RtlZeroMemory(Slots, sizeof(Slots));
    for (ULONG i = 0; i < DRV_DEFER_SLOTS; i++) {
        KeInitializeEvent(&Slots[i].RunEvent, SynchronizationEvent, FALSE);
        KeInitializeEvent(&Slots[i].EnteredEvent, SynchronizationEvent, FALSE);
    }
}

VOID DrvDeferSetDevice(int Kind)
{
    DeviceKind = Kind;
}

WDFDEVICE DrvDeferDevice(VOID)
{
    return Device;
}

/* ---- callbacks ---- */

static SLOT *SlotOf(WDFOBJECT Object)
{
    return &Slots[SlotGetContext(Object)->Slot];
}

/* Records the run, then does the slot's action (except the ones only one kind knows). */
static VOID Enter(SLOT *s)
{
    if (InterlockedIncrement(&s->Inside) > 1)
        InterlockedIncrement(&s->Seen.Overlaps);
    if (ReadAcquire(&IoInside) != 0)
        InterlockedIncrement(&s->Seen.SawIo);
    s->Seen.Irql = KeGetCurrentIrql();
    s->Seen.Cpu = DrvDeferProbeCpu();
    InterlockedIncrement(&s->Seen.Count);
    if (ReadAcquire(&s->Action) == DRV_DEFER_ACT_BLOCK) {
        KeSetEvent(&s->EnteredEvent, IO_NO_INCREMENT, FALSE);
        while (ReadAcquire(&s->Release) == 0)
            YieldProcessor();
    }
}

static VOID Leave(SLOT *s)
{
    InterlockedDecrement(&s->Inside);
    InterlockedIncrement(&s->Seen.Finished);
    KeSetEvent(&s->RunEvent, IO_NO_INCREMENT, FALSE);
}

static VOID DrvEvtDpc(WDFDPC Dpc)
{
    SLOT *s = SlotOf(Dpc);

    Enter(s);
    if (ReadAcquire(&s->Action) == DRV_DEFER_ACT_CANCEL_WAIT)
        WdfDpcCancel(Dpc, TRUE);
    if (ReadAcquire(&s->Action) == DRV_DEFER_ACT_STOP_OTHER)
        WdfTimerStop(Slots[0].Timer, TRUE);
    Leave(s);
}

static VOID DrvEvtTimer(WDFTIMER Timer)
{
    SLOT *s = SlotOf(Timer);

    Enter(s);
    if (ReadAcquire(&s->Action) == DRV_DEFER_ACT_STOP_WAIT)
        WdfTimerStop(Timer, TRUE);
    if (ReadAcquire(&s->Action) == DRV_DEFER_ACT_RESTART && InterlockedIncrement(&s->Restarts) < 3)
        WdfTimerStart(Timer, WDF_REL_TIMEOUT_IN_MS(1));
    Leave(s);
}

static VOID DrvEvtWorkItem(WDFWORKITEM WorkItem)
{
    SLOT *s = SlotOf(WorkItem);
    int action = ReadAcquire(&s->Action);

    if (action == DRV_DEFER_ACT_OVERLAP && InterlockedIncrement(&s->Restarts) == 1)
        WdfWorkItemEnqueue(WorkItem);
    Enter(s);
    if (action == DRV_DEFER_ACT_FLUSH)
        WdfWorkItemFlush(WorkItem);
    if (action == DRV_DEFER_ACT_RESTART && InterlockedIncrement(&s->Restarts) == 1)
        WdfWorkItemEnqueue(WorkItem);
    if (action == DRV_DEFER_ACT_OVERLAP)
        KeStallExecutionProcessor(20000);
    Leave(s);
}

static VOID DrvEvtCleanup(WDFOBJECT Object)
{
    UNREFERENCED_PARAMETER(Object);
    InterlockedIncrement(&Cleanups);
}

/* ---- creation ---- */

static VOID SlotAttributes(ULONG Slot, int Parent, PWDF_OBJECT_ATTRIBUTES Attributes)
{
    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(Attributes, SLOT_CONTEXT);
    Attributes->EvtCleanupCallback = DrvEvtCleanup;
    switch (Parent) {
    case DRV_DEFER_PARENT_DEVICE:
        Attributes->ParentObject = Device;
        break;
    case DRV_DEFER_PARENT_DRIVER:
        Attributes->ParentObject = WdfGetDriver();
        break;
    case DRV_DEFER_PARENT_CHILD:
        Attributes->ParentObject = ChildObject;
        break;
    default:
        break;
    }
    Slots[Slot].Parent = Attributes->ParentObject;
}

static VOID SetSlot(WDFOBJECT Object, ULONG Slot)
{
    SlotGetContext(Object)->Slot = Slot;
}

NTSTATUS DrvDeferCreateDpc(ULONG Slot, int Parent, BOOLEAN AutomaticSerialization, LONG SizeDelta)
{
    WDF_DPC_CONFIG config;
    WDF_OBJECT_ATTRIBUTES attributes;
    NTSTATUS status;

    WDF_DPC_CONFIG_INIT(&config, DrvEvtDpc);
    config.AutomaticSerialization = AutomaticSerialization;
    config.Size = (ULONG)((LONG)config.Size + SizeDelta);
    SlotAttributes(Slot, Parent, &attributes);
    status = WdfDpcCreate(&config, Parent == DRV_DEFER_PARENT_NONE ? WDF_NO_OBJECT_ATTRIBUTES
                                                                   : &attributes,
                          &Slots[Slot].Dpc);
    if (NT_SUCCESS(status))
        SetSlot(Slots[Slot].Dpc, Slot);
    return status;
}

NTSTATUS DrvDeferCreateDpcNoCallback(ULONG Slot)
{
    WDF_DPC_CONFIG config;
    WDF_OBJECT_ATTRIBUTES attributes;

    WDF_DPC_CONFIG_INIT(&config, NULL);
    SlotAttributes(Slot, DRV_DEFER_PARENT_DEVICE, &attributes);
    return WdfDpcCreate(&config, &attributes, &Slots[Slot].Dpc);
}

NTSTATUS DrvDeferCreateTimerConfig(ULONG Slot, PWDF_TIMER_CONFIG Config)
{
    WDF_OBJECT_ATTRIBUTES attributes;
    NTSTATUS status;

    SlotAttributes(Slot, DRV_DEFER_PARENT_DEVICE, &attributes);
    status = WdfTimerCreate(Config, &attributes, &Slots[Slot].Timer);
    if (NT_SUCCESS(status))
        SetSlot(Slots[Slot].Timer, Slot);
    return status;
}

NTSTATUS DrvDeferCreateTimer(ULONG Slot, int Parent, ULONG Period, BOOLEAN Passive,
                             BOOLEAN AutomaticSerialization, LONG SizeDelta)
{
    WDF_TIMER_CONFIG config;
    WDF_OBJECT_ATTRIBUTES attributes;
    NTSTATUS status;

    WDF_TIMER_CONFIG_INIT_PERIODIC(&config, DrvEvtTimer, (LONG)Period);
    config.AutomaticSerialization = AutomaticSerialization;
    config.Size = (ULONG)((LONG)config.Size + SizeDelta);
    SlotAttributes(Slot, Parent, &attributes);
    if (Passive)
        attributes.ExecutionLevel = WdfExecutionLevelPassive;
    status = WdfTimerCreate(&config, Parent == DRV_DEFER_PARENT_NONE ? WDF_NO_OBJECT_ATTRIBUTES
                                                                     : &attributes,
                            &Slots[Slot].Timer);
    if (NT_SUCCESS(status))
        SetSlot(Slots[Slot].Timer, Slot);
    return status;
}

NTSTATUS DrvDeferCreateWorkItem(ULONG Slot, int Parent, BOOLEAN AutomaticSerialization,
                                BOOLEAN NoCallback)
{
    WDF_WORKITEM_CONFIG config;
    WDF_OBJECT_ATTRIBUTES attributes;
    NTSTATUS status;

    WDF_WORKITEM_CONFIG_INIT(&config, NoCallback ? NULL : DrvEvtWorkItem);
    config.AutomaticSerialization = AutomaticSerialization;
    SlotAttributes(Slot, Parent, &attributes);
    status = WdfWorkItemCreate(&config, Parent == DRV_DEFER_PARENT_NONE ? WDF_NO_OBJECT_ATTRIBUTES
                                                                        : &attributes,
                               &Slots[Slot].WorkItem);
    if (NT_SUCCESS(status))
        SetSlot(Slots[Slot].WorkItem, Slot);
    return status;
}

/* ---- harness helpers ---- */

VOID DrvDeferSetAction(ULONG Slot, int Action)
{
    InterlockedExchange(&Slots[Slot].Action, Action);
}

VOID DrvDeferSeen(ULONG Slot, DRV_DEFER_SEEN *Seen)
{
    SLOT *s = &Slots[Slot];

    Seen->Count = ReadAcquire(&s->Seen.Count);
    Seen->Overlaps = ReadAcquire(&s->Seen.Overlaps);
    Seen->Finished = ReadAcquire(&s->Seen.Finished);
    Seen->SawIo = ReadAcquire(&s->Seen.SawIo);
    Seen->Irql = s->Seen.Irql;
    Seen->Cpu = s->Seen.Cpu;
}

VOID DrvDeferWaitRun(ULONG Slot)
{
    KeWaitForSingleObject(&Slots[Slot].RunEvent, Executive, KernelMode, FALSE, NULL);
}

VOID DrvDeferWaitEntered(ULONG Slot)
{
    KeWaitForSingleObject(&Slots[Slot].EnteredEvent, Executive, KernelMode, FALSE, NULL);
}

VOID DrvDeferRelease(ULONG Slot)
{
    WriteRelease(&Slots[Slot].Release, 1);
}

WDFDPC DrvDeferDpc(ULONG Slot)
{
    return Slots[Slot].Dpc;
}

WDFTIMER DrvDeferTimer(ULONG Slot)
{
    return Slots[Slot].Timer;
}

WDFWORKITEM DrvDeferWorkItem(ULONG Slot)
{
    return Slots[Slot].WorkItem;
}

WDFOBJECT DrvDeferParentOf(ULONG Slot)
{
    return Slots[Slot].Parent;
}

LONG DrvDeferCleanups(VOID)
{
    return ReadAcquire(&Cleanups);
}

VOID DrvDeferSetIoWindow(ULONG Window)
{
    IoWindow = Window;
}

/* The DPC runs on its CPU's DPC thread; if nothing serialises it with this callback it starts
 * while the loop waits, which the DPC records (SawIo) and which ends the loop at once. */
static VOID DrvEvtIoRead(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
    SLOT *s = &Slots[0];
    LONG before = ReadAcquire(&s->Seen.Count);

    UNREFERENCED_PARAMETER(Queue);
    UNREFERENCED_PARAMETER(Length);
    InterlockedExchange(&IoInside, 1);
    WdfDpcEnqueue(s->Dpc);
    for (ULONG i = 0; (IoWindow == 0 || i < IoWindow) && ReadAcquire(&s->Seen.Count) == before;
         i++)
        YieldProcessor();
    InterlockedExchange(&IoInside, 0);
    WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, 0);
}

static NTSTATUS CreateReadQueue(VOID)
{
    WDF_IO_QUEUE_CONFIG config;

    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&config, WdfIoQueueDispatchParallel);
    config.PowerManaged = WdfFalse;
    config.EvtIoRead = DrvEvtIoRead;
    return WdfIoQueueCreate(Device, &config, WDF_NO_OBJECT_ATTRIBUTES, WDF_NO_HANDLE);
}

/* ---- driver and device ---- */

static NTSTATUS DrvEvtDeviceAdd(WDFDRIVER Driver, PWDFDEVICE_INIT DeviceInit)
{
    WDF_OBJECT_ATTRIBUTES attributes;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(Driver);
    WDF_OBJECT_ATTRIBUTES_INIT(&attributes);
    if (DeviceKind == DRV_DEFER_DEVICE_PASSIVE_SCOPED) {
        attributes.ExecutionLevel = WdfExecutionLevelPassive;
        attributes.SynchronizationScope = WdfSynchronizationScopeDevice;
    } else if (DeviceKind == DRV_DEFER_DEVICE_DISPATCH_SCOPED ||
               DeviceKind == DRV_DEFER_DEVICE_DISPATCH_SCOPED_IO) {
        attributes.ExecutionLevel = WdfExecutionLevelDispatch;
        attributes.SynchronizationScope = WdfSynchronizationScopeDevice;
    }
    status = WdfDeviceCreate(&DeviceInit, &attributes, &Device);
    if (!NT_SUCCESS(status))
        return status;
    if (DeviceKind == DRV_DEFER_DEVICE_DISPATCH_SCOPED_IO) {
        status = CreateReadQueue();
        if (!NT_SUCCESS(status))
            return status;
    }
    WDF_OBJECT_ATTRIBUTES_INIT(&attributes);
    attributes.ParentObject = Device;
    return WdfObjectCreate(&attributes, &ChildObject);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    WDF_DRIVER_CONFIG config;

    WDF_DRIVER_CONFIG_INIT(&config, DrvEvtDeviceAdd);
    return WdfDriverCreate(DriverObject, RegistryPath, WDF_NO_OBJECT_ATTRIBUTES, &config,
                           WDF_NO_HANDLE);
}
