/* drv_irq.c - interrupt test driver (tests/kmdf): a KMDF function driver for the echo test model
 * written as a Windows driver would be, against the WDK headers only.  It creates its interrupts
 * in EvtDriverDeviceAdd or EvtDevicePrepareHardware, logs the PnP/power and interrupt
 * enable/disable callbacks, and records what its ISR and DPC saw.  See drv_irq.h. */
#include <ntddk.h>
#include <wdf.h>

#include "drv_irq.h"

/* The echo model's registers (tests/platform/model_echo.h, restated: a driver has its own). */
#define ECHO_LEN 0x10
#define ECHO_CMD 0x18
#define ECHO_SCRATCH 0x20
#define ECHO_CMD_RAISE 3
#define ECHO_CMD_LOWER 4
#define ECHO_CMD_SEND 5

typedef struct _IRQ_CONTEXT {
    ULONG Index;
} IRQ_CONTEXT, *PIRQ_CONTEXT;

WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(IRQ_CONTEXT, IrqGetContext)

static int Mode;
static LONG IsrAction;
static BOOLEAN CreateChecks;
static NTSTATUS FailEnable[DRV_IRQ_MAX];
static NTSTATUS CreateStatus[DRV_IRQ_CREATE_CHECKS];
static CHAR LogText[2048];
static size_t LogLength;

static WDFDEVICE Device;
static WDFINTERRUPT Interrupts[DRV_IRQ_MAX];
static ULONG InterruptCount;
static WDFDPC BlockerDpc;
static PUCHAR Registers;
static ULONG RegistersLength;

static DRV_IRQ_SEEN Seen[DRV_IRQ_MAX];
static KEVENT DpcEvent;
static KEVENT BlockerEvent;
static LONG IsrDone;
static LONG BlockerRelease;
static LONG InSync;
static LONG SyncDone;

/* ---- log ---- */

static VOID LogRaw(const CHAR *Text)
{
    while (*Text != '\0' && LogLength + 1 < sizeof(LogText))
        LogText[LogLength++] = *Text++;
    LogText[LogLength] = '\0';
}

static VOID Log(const CHAR *Entry)
{
    if (LogLength != 0)
        LogRaw(" ");
    LogRaw(Entry);
}

static const CHAR *StateName(WDF_POWER_DEVICE_STATE State)
{
    switch (State) {
    case WdfPowerDeviceD0: return "D0";
    case WdfPowerDeviceD1: return "D1";
    case WdfPowerDeviceD2: return "D2";
    case WdfPowerDeviceD3: return "D3";
    case WdfPowerDeviceD3Final: return "D3Final";
    default: return "?";
    }
}

static VOID LogPower(const CHAR *Name, WDF_POWER_DEVICE_STATE State)
{
    Log(Name);
    LogRaw("(");
    LogRaw(StateName(State));
    LogRaw(")");
    if (KeGetCurrentIrql() != PASSIVE_LEVEL)
        LogRaw("!IRQL");
}

const CHAR *DrvIrqLog(VOID)
{
    return LogText;
}

VOID DrvIrqLogReset(VOID)
{
    LogLength = 0;
    LogText[0] = '\0';
}

/* ---- settings ---- */

VOID DrvIrqReset(VOID)
{
    Mode = DRV_IRQ_MODE_ONE;
    IsrAction = DRV_IRQ_ISR_PLAIN;
    CreateChecks = FALSE;
    RtlZeroMemory(FailEnable, sizeof(FailEnable));
    RtlZeroMemory(CreateStatus, sizeof(CreateStatus));
    RtlZeroMemory(Seen, sizeof(Seen));
    RtlZeroMemory(Interrupts, sizeof(Interrupts));
    InterruptCount = 0;
    Device = NULL;
    BlockerDpc = NULL;
    Registers = NULL;
    IsrDone = 0;
    BlockerRelease = 0;
    InSync = 0;
    SyncDone = 0;
    DrvIrqLogReset();
}

VOID DrvIrqSetMode(int Value)
{
    Mode = Value;
}

VOID DrvIrqSetIsrAction(int Action)
{
    InterlockedExchange(&IsrAction, Action);
}

VOID DrvIrqSetCreateChecks(BOOLEAN On)
{
    CreateChecks = On;
}

VOID DrvIrqFailEnable(ULONG Index, NTSTATUS Status)
{
    FailEnable[Index] = Status;
}

NTSTATUS DrvIrqCreateStatus(ULONG Check)
{
    return CreateStatus[Check];
}

/* ---- device registers ---- */

static VOID WriteReg(ULONG Offset, ULONG Value)
{
    WRITE_REGISTER_ULONG((volatile ULONG *)(Registers + Offset), Value);
}

static ULONG ReadReg(ULONG Offset)
{
    return READ_REGISTER_ULONG((volatile ULONG *)(Registers + Offset));
}

VOID DrvIrqSetDeviceStatus(ULONG Status)
{
    WriteReg(ECHO_SCRATCH, Status);
}

VOID DrvIrqRaiseLine(VOID)
{
    WriteReg(ECHO_CMD, ECHO_CMD_RAISE);
}

VOID DrvIrqSendMessage(ULONG Vector)
{
    WriteReg(ECHO_LEN, Vector);
    WriteReg(ECHO_CMD, ECHO_CMD_SEND);
}

/* ---- interrupt callbacks ---- */

static ULONG IndexOf(WDFINTERRUPT Interrupt)
{
    return IrqGetContext(Interrupt)->Index;
}

/* Logs Name with the interrupt's index; the IRQL is kept for the harness to compare with the
 * interrupt's DIRQL (WdfInterruptGetInfo may not be called at DIRQL). */
static VOID LogDirql(const CHAR *Name, WDFINTERRUPT Interrupt, KIRQL *Irql)
{
    CHAR entry[16] = {0};
    ULONG i = 0;

    while (Name[i] != '\0' && i < sizeof(entry) - 2) {
        entry[i] = Name[i];
        i++;
    }
    entry[i] = (CHAR)('0' + IndexOf(Interrupt));
    Log(entry);
    *Irql = KeGetCurrentIrql();
    if (*Irql <= DISPATCH_LEVEL)
        LogRaw("!IRQL");
}

static NTSTATUS DrvEvtInterruptEnable(WDFINTERRUPT Interrupt, WDFDEVICE AssociatedDevice)
{
    if (AssociatedDevice != Device)
        return STATUS_INVALID_PARAMETER;
    LogDirql("IntEnable", Interrupt, &Seen[IndexOf(Interrupt)].EnableIrql);
    return FailEnable[IndexOf(Interrupt)];
}

static NTSTATUS DrvEvtInterruptDisable(WDFINTERRUPT Interrupt, WDFDEVICE AssociatedDevice)
{
    if (AssociatedDevice != Device)
        return STATUS_INVALID_PARAMETER;
    LogDirql("IntDisable", Interrupt, &Seen[IndexOf(Interrupt)].DisableIrql);
    return STATUS_SUCCESS;
}

static BOOLEAN DrvEvtSyncNothing(WDFINTERRUPT Interrupt, WDFCONTEXT Context)
{
    UNREFERENCED_PARAMETER(Interrupt);
    UNREFERENCED_PARAMETER(Context);
    return TRUE;
}

/* DIRQL, interrupt lock held: read and clear the device's status, then queue the DPC. */
static BOOLEAN DrvEvtInterruptIsr(WDFINTERRUPT Interrupt, ULONG MessageID)
{
    ULONG index = IndexOf(Interrupt);
    DRV_IRQ_SEEN *seen = &Seen[index];

    seen->IsrIrql = KeGetCurrentIrql();
    seen->IsrCpu = DrvIrqProbeCpu();
    seen->MessageId = MessageID;
    seen->Status = ReadReg(ECHO_SCRATCH);
    if (ReadAcquire(&InSync) != 0)
        InterlockedIncrement(&seen->IsrSawSync);
    if (ReadAcquire(&SyncDone) != 0)
        InterlockedIncrement(&seen->IsrAfterSync);
    WriteReg(ECHO_CMD, ECHO_CMD_LOWER);
    InterlockedIncrement(&seen->IsrCount);

    switch (ReadAcquire(&IsrAction)) {
    case DRV_IRQ_ISR_DOUBLE_QUEUE:
        WdfDpcEnqueue(BlockerDpc);
        seen->FirstQueue = WdfInterruptQueueDpcForIsr(Interrupt);
        seen->SecondQueue = WdfInterruptQueueDpcForIsr(Interrupt);
        WriteRelease(&IsrDone, 1);
        return TRUE;
    case DRV_IRQ_ISR_ACQUIRE:
        WdfInterruptAcquireLock(Interrupt);
        break;
    case DRV_IRQ_ISR_RELEASE:
        WdfInterruptReleaseLock(Interrupt);
        break;
    case DRV_IRQ_ISR_SYNCHRONIZE:
        WdfInterruptSynchronize(Interrupt, DrvEvtSyncNothing, NULL);
        break;
    case DRV_IRQ_ISR_QUEUE_WORKITEM:
        WdfInterruptQueueWorkItemForIsr(Interrupt);
        break;
    default:
        break;
    }
    if (Mode == DRV_IRQ_MODE_WORKITEM)
        WdfInterruptQueueWorkItemForIsr(Interrupt);
    else
        WdfInterruptQueueDpcForIsr(Interrupt);
    return TRUE;
}

static VOID DrvEvtInterruptWorkItem(WDFINTERRUPT Interrupt, WDFOBJECT AssociatedObject)
{
    DRV_IRQ_SEEN *seen = &Seen[IndexOf(Interrupt)];

    if (AssociatedObject != (WDFOBJECT)Device)
        return;
    seen->WorkIrql = KeGetCurrentIrql();
    seen->WorkCpu = DrvIrqProbeCpu();
    InterlockedIncrement(&seen->WorkCount);
    KeSetEvent(&DpcEvent, IO_NO_INCREMENT, FALSE);
}

static VOID DrvEvtInterruptDpc(WDFINTERRUPT Interrupt, WDFOBJECT AssociatedObject)
{
    DRV_IRQ_SEEN *seen = &Seen[IndexOf(Interrupt)];

    if (AssociatedObject != (WDFOBJECT)Device)
        return;
    seen->DpcIrql = KeGetCurrentIrql();
    seen->DpcCpu = DrvIrqProbeCpu();
    InterlockedIncrement(&seen->DpcCount);
    KeSetEvent(&DpcEvent, IO_NO_INCREMENT, FALSE);
}

/* Holds the DPC thread of the ISR's CPU: announces itself once the ISR has returned, then
 * spins at DISPATCH_LEVEL until the harness releases it. */
static VOID DrvEvtBlockerDpc(WDFDPC Dpc)
{
    UNREFERENCED_PARAMETER(Dpc);
    while (ReadAcquire(&IsrDone) == 0)
        YieldProcessor();
    KeSetEvent(&BlockerEvent, IO_NO_INCREMENT, FALSE);
    while (ReadAcquire(&BlockerRelease) == 0)
        YieldProcessor();
}

VOID DrvIrqWaitBlocker(VOID)
{
    KeWaitForSingleObject(&BlockerEvent, Executive, KernelMode, FALSE, NULL);
}

VOID DrvIrqReleaseBlocker(VOID)
{
    WriteRelease(&BlockerRelease, 1);
}

NTSTATUS DrvIrqWaitDpc(ULONG Milliseconds)
{
    LARGE_INTEGER timeout;

    timeout.QuadPart = WDF_REL_TIMEOUT_IN_MS(Milliseconds);
    return KeWaitForSingleObject(&DpcEvent, Executive, KernelMode, FALSE,
                                 Milliseconds != 0 ? &timeout : NULL);
}

VOID DrvIrqSeen(ULONG Index, DRV_IRQ_SEEN *Out)
{
    *Out = Seen[Index];
}

/* ---- creating interrupts ---- */

static NTSTATUS CreateInterrupt(PWDF_INTERRUPT_CONFIG Config)
{
    WDF_OBJECT_ATTRIBUTES attributes;
    WDFINTERRUPT interrupt;
    NTSTATUS status;

    if (InterruptCount == DRV_IRQ_MAX)
        return STATUS_INSUFFICIENT_RESOURCES;
    Config->EvtInterruptEnable = DrvEvtInterruptEnable;
    Config->EvtInterruptDisable = DrvEvtInterruptDisable;
    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, IRQ_CONTEXT);
    status = WdfInterruptCreate(Device, Config, &attributes, &interrupt);
    if (!NT_SUCCESS(status))
        return status;
    IrqGetContext(interrupt)->Index = InterruptCount;
    Interrupts[InterruptCount++] = interrupt;
    return STATUS_SUCCESS;
}

static NTSTATUS TryCreate(PWDF_INTERRUPT_CONFIG Config, PWDF_OBJECT_ATTRIBUTES Attributes)
{
    WDFINTERRUPT interrupt = NULL;

    return WdfInterruptCreate(Device, Config, Attributes, &interrupt);
}

/* The documented WdfInterruptCreate failures of EvtDriverDeviceAdd. */
static VOID CreateChecksInAdd(VOID)
{
    WDF_INTERRUPT_CONFIG config;
    WDF_OBJECT_ATTRIBUTES attributes;
    CM_PARTIAL_RESOURCE_DESCRIPTOR fake;
    WDFWAITLOCK waitLock;

    WDF_INTERRUPT_CONFIG_INIT(&config, NULL, DrvEvtInterruptDpc);
    CreateStatus[0] = TryCreate(&config, WDF_NO_OBJECT_ATTRIBUTES);
    WDF_INTERRUPT_CONFIG_INIT(&config, DrvEvtInterruptIsr, DrvEvtInterruptDpc);
    config.Size -= 4;
    CreateStatus[1] = TryCreate(&config, WDF_NO_OBJECT_ATTRIBUTES);
    WDF_INTERRUPT_CONFIG_INIT(&config, DrvEvtInterruptIsr, DrvEvtInterruptDpc);
    config.EvtInterruptWorkItem = (PFN_WDF_INTERRUPT_WORKITEM)DrvEvtInterruptDpc;
    CreateStatus[2] = TryCreate(&config, WDF_NO_OBJECT_ATTRIBUTES);
    WDF_INTERRUPT_CONFIG_INIT(&config, DrvEvtInterruptIsr, DrvEvtInterruptDpc);
    WDF_OBJECT_ATTRIBUTES_INIT(&attributes);
    attributes.ParentObject = Device;
    CreateStatus[3] = TryCreate(&config, &attributes);
    WDF_INTERRUPT_CONFIG_INIT(&config, DrvEvtInterruptIsr, DrvEvtInterruptDpc);
    config.PassiveHandling = TRUE;
    CreateStatus[4] = TryCreate(&config, WDF_NO_OBJECT_ATTRIBUTES);
    WDF_INTERRUPT_CONFIG_INIT(&config, DrvEvtInterruptIsr, DrvEvtInterruptDpc);
    RtlZeroMemory(&fake, sizeof(fake));
    config.InterruptRaw = &fake;
    config.InterruptTranslated = &fake;
    CreateStatus[5] = TryCreate(&config, WDF_NO_OBJECT_ATTRIBUTES);
    if (NT_SUCCESS(WdfWaitLockCreate(WDF_NO_OBJECT_ATTRIBUTES, &waitLock))) {
        WDF_INTERRUPT_CONFIG_INIT(&config, DrvEvtInterruptIsr, DrvEvtInterruptDpc);
        config.WaitLock = waitLock;
        CreateStatus[6] = TryCreate(&config, WDF_NO_OBJECT_ATTRIBUTES);
        WdfObjectDelete(waitLock);
    }
}

static VOID CreateChecksInPrepare(WDFCMRESLIST Raw, WDFCMRESLIST Translated, ULONG Index)
{
    WDF_INTERRUPT_CONFIG config;

    WDF_INTERRUPT_CONFIG_INIT(&config, DrvEvtInterruptIsr, DrvEvtInterruptDpc);
    CreateStatus[7] = TryCreate(&config, WDF_NO_OBJECT_ATTRIBUTES);
    config.InterruptRaw = WdfCmResourceListGetDescriptor(Raw, Index);
    config.InterruptTranslated = WdfCmResourceListGetDescriptor(Translated, Index);
    config.ShareVector = WdfTrue;
    CreateStatus[8] = TryCreate(&config, WDF_NO_OBJECT_ATTRIBUTES);
}

/* ---- PnP/power callbacks ---- */

static NTSTATUS DrvEvtPrepareHardware(WDFDEVICE Dev, WDFCMRESLIST Raw, WDFCMRESLIST Translated)
{
    ULONG count = WdfCmResourceListGetCount(Translated);
    NTSTATUS status = STATUS_SUCCESS;

    UNREFERENCED_PARAMETER(Dev);
    Log("PrepareHardware");
    for (ULONG i = 0; i < count && NT_SUCCESS(status); i++) {
        PCM_PARTIAL_RESOURCE_DESCRIPTOR d = WdfCmResourceListGetDescriptor(Translated, i);
        PCM_PARTIAL_RESOURCE_DESCRIPTOR r = WdfCmResourceListGetDescriptor(Raw, i);

        if (d->Type == CmResourceTypeMemory && Registers == NULL) {
            Registers = (PUCHAR)MmMapIoSpace(d->u.Memory.Start, d->u.Memory.Length, MmNonCached);
            RegistersLength = d->u.Memory.Length;
            if (Registers == NULL)
                return STATUS_INSUFFICIENT_RESOURCES;
        }
        if (d->Type != CmResourceTypeInterrupt || Mode != DRV_IRQ_MODE_PREPARE)
            continue;
        if (CreateChecks)
            CreateChecksInPrepare(Raw, Translated, i);
        ULONG messages = (d->Flags & CM_RESOURCE_INTERRUPT_MESSAGE)
                             ? r->u.MessageInterrupt.Raw.MessageCount
                             : 1;
        for (ULONG m = 0; m < messages && NT_SUCCESS(status); m++) {
            WDF_INTERRUPT_CONFIG config;

            WDF_INTERRUPT_CONFIG_INIT(&config, DrvEvtInterruptIsr, DrvEvtInterruptDpc);
            config.InterruptRaw = r;
            config.InterruptTranslated = d;
            status = CreateInterrupt(&config);
        }
    }
    return status;
}

static NTSTATUS DrvEvtReleaseHardware(WDFDEVICE Dev, WDFCMRESLIST Translated)
{
    UNREFERENCED_PARAMETER(Dev);
    UNREFERENCED_PARAMETER(Translated);
    Log("ReleaseHardware");
    if (Registers != NULL) {
        MmUnmapIoSpace(Registers, RegistersLength);
        Registers = NULL;
    }
    if (Mode == DRV_IRQ_MODE_PREPARE)
        InterruptCount = 0; /* the framework deletes them after this callback */
    return STATUS_SUCCESS;
}

static NTSTATUS DrvEvtD0Entry(WDFDEVICE Dev, WDF_POWER_DEVICE_STATE PreviousState)
{
    UNREFERENCED_PARAMETER(Dev);
    LogPower("D0Entry", PreviousState);
    return STATUS_SUCCESS;
}

static NTSTATUS DrvEvtD0EntryPost(WDFDEVICE Dev, WDF_POWER_DEVICE_STATE PreviousState)
{
    UNREFERENCED_PARAMETER(Dev);
    LogPower("D0EntryPostInterruptsEnabled", PreviousState);
    return STATUS_SUCCESS;
}

static NTSTATUS DrvEvtD0ExitPre(WDFDEVICE Dev, WDF_POWER_DEVICE_STATE TargetState)
{
    UNREFERENCED_PARAMETER(Dev);
    LogPower("D0ExitPreInterruptsDisabled", TargetState);
    return STATUS_SUCCESS;
}

static NTSTATUS DrvEvtD0Exit(WDFDEVICE Dev, WDF_POWER_DEVICE_STATE TargetState)
{
    UNREFERENCED_PARAMETER(Dev);
    LogPower("D0Exit", TargetState);
    return STATUS_SUCCESS;
}

static NTSTATUS DrvEvtDeviceAdd(WDFDRIVER Driver, PWDFDEVICE_INIT DeviceInit)
{
    WDF_PNPPOWER_EVENT_CALLBACKS pnp;
    WDF_INTERRUPT_CONFIG config;
    WDF_DPC_CONFIG dpcConfig;
    WDF_OBJECT_ATTRIBUTES attributes;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(Driver);
    WDF_PNPPOWER_EVENT_CALLBACKS_INIT(&pnp);
    pnp.EvtDevicePrepareHardware = DrvEvtPrepareHardware;
    pnp.EvtDeviceReleaseHardware = DrvEvtReleaseHardware;
    pnp.EvtDeviceD0Entry = DrvEvtD0Entry;
    pnp.EvtDeviceD0EntryPostInterruptsEnabled = DrvEvtD0EntryPost;
    pnp.EvtDeviceD0ExitPreInterruptsDisabled = DrvEvtD0ExitPre;
    pnp.EvtDeviceD0Exit = DrvEvtD0Exit;
    WdfDeviceInitSetPnpPowerEventCallbacks(DeviceInit, &pnp);
    status = WdfDeviceCreate(&DeviceInit, WDF_NO_OBJECT_ATTRIBUTES, &Device);
    if (!NT_SUCCESS(status))
        return status;

    WDF_DPC_CONFIG_INIT(&dpcConfig, DrvEvtBlockerDpc);
    WDF_OBJECT_ATTRIBUTES_INIT(&attributes);
    attributes.ParentObject = Device;
    status = WdfDpcCreate(&dpcConfig, &attributes, &BlockerDpc);
    if (!NT_SUCCESS(status))
        return status;

    if (CreateChecks)
        CreateChecksInAdd();
    for (int i = 0; Mode != DRV_IRQ_MODE_PREPARE && i <= (Mode == DRV_IRQ_MODE_TWO); i++) {
        WDF_INTERRUPT_CONFIG_INIT(&config, DrvEvtInterruptIsr, DrvEvtInterruptDpc);
        if (Mode == DRV_IRQ_MODE_WORKITEM) {
            config.EvtInterruptDpc = NULL;
            config.EvtInterruptWorkItem = DrvEvtInterruptWorkItem;
        }
        status = CreateInterrupt(&config);
        if (!NT_SUCCESS(status))
            return status;
    }
    /* Misuse: there is no interrupt resource (and so no lock) before the device starts. */
    if (CreateChecks && InterruptCount != 0)
        WdfInterruptAcquireLock(Interrupts[0]);
    return STATUS_SUCCESS;
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    WDF_DRIVER_CONFIG config;

    KeInitializeEvent(&DpcEvent, SynchronizationEvent, FALSE);
    KeInitializeEvent(&BlockerEvent, SynchronizationEvent, FALSE);
    WDF_DRIVER_CONFIG_INIT(&config, DrvEvtDeviceAdd);
    return WdfDriverCreate(DriverObject, RegistryPath, WDF_NO_OBJECT_ATTRIBUTES, &config,
                           WDF_NO_HANDLE);
}

/* ---- DDI calls on behalf of the harness ---- */

WDFDEVICE DrvIrqDevice(VOID)
{
    return Device;
}

WDFINTERRUPT DrvIrqInterrupt(ULONG Index)
{
    return Interrupts[Index];
}

typedef struct _SYNC_ARGS {
    ULONG HoldMicroseconds;
    BOOLEAN ReturnValue;
    KIRQL Irql;
} SYNC_ARGS;

/* DIRQL, lock held: raise the line (the ISR is now due) and keep the lock a while. */
static BOOLEAN DrvEvtSyncRaise(WDFINTERRUPT Interrupt, WDFCONTEXT Context)
{
    SYNC_ARGS *args = Context;

    UNREFERENCED_PARAMETER(Interrupt);
    WriteRelease(&InSync, 1);
    args->Irql = KeGetCurrentIrql();
    WriteReg(ECHO_CMD, ECHO_CMD_RAISE);
    KeStallExecutionProcessor(args->HoldMicroseconds);
    WriteRelease(&InSync, 0);
    WriteRelease(&SyncDone, 1);
    return args->ReturnValue;
}

BOOLEAN DrvIrqSynchronizeRaise(ULONG Index, ULONG HoldMicroseconds, BOOLEAN ReturnValue,
                               KIRQL *CallbackIrql)
{
    SYNC_ARGS args = {HoldMicroseconds, ReturnValue, PASSIVE_LEVEL};
    BOOLEAN result = WdfInterruptSynchronize(Interrupts[Index], DrvEvtSyncRaise, &args);

    *CallbackIrql = args.Irql;
    return result;
}

static BOOLEAN DrvEvtSyncNested(WDFINTERRUPT Interrupt, WDFCONTEXT Context)
{
    UNREFERENCED_PARAMETER(Context);
    return WdfInterruptSynchronize(Interrupt, DrvEvtSyncNothing, NULL);
}

BOOLEAN DrvIrqSynchronizeNested(ULONG Index)
{
    return WdfInterruptSynchronize(Interrupts[Index], DrvEvtSyncNested, NULL);
}

KIRQL DrvIrqAcquireLock(ULONG Index)
{
    WdfInterruptAcquireLock(Interrupts[Index]);
    return KeGetCurrentIrql();
}

KIRQL DrvIrqReleaseLock(ULONG Index)
{
    WdfInterruptReleaseLock(Interrupts[Index]);
    return KeGetCurrentIrql();
}

VOID DrvIrqGetInfo(ULONG Index, WDF_INTERRUPT_INFO *Info, ULONG Size)
{
    WDF_INTERRUPT_INFO_INIT(Info);
    Info->Size = Size;
    WdfInterruptGetInfo(Interrupts[Index], Info);
}

VOID DrvIrqEnable(ULONG Index)
{
    WdfInterruptEnable(Interrupts[Index]);
}

VOID DrvIrqDisable(ULONG Index)
{
    WdfInterruptDisable(Interrupts[Index]);
}

BOOLEAN DrvIrqQueueDpc(ULONG Index)
{
    return WdfInterruptQueueDpcForIsr(Interrupts[Index]);
}

BOOLEAN DrvIrqQueueWorkItem(ULONG Index)
{
    return WdfInterruptQueueWorkItemForIsr(Interrupts[Index]);
}

VOID DrvIrqDelete(ULONG Index)
{
    WdfObjectDelete(Interrupts[Index]);
}

NTSTATUS DrvIrqCreateNow(VOID)
{
    WDF_INTERRUPT_CONFIG config;

    WDF_INTERRUPT_CONFIG_INIT(&config, DrvEvtInterruptIsr, DrvEvtInterruptDpc);
    return TryCreate(&config, WDF_NO_OBJECT_ATTRIBUTES);
}
