/* drv_dma.c - DMA enabler / common buffer test driver (tests/dma): a KMDF function driver for the
 * pktdma and sgdma devices written as a Windows driver would be, against the WDK headers only.
 * It logs every PnP/power callback and the six enabler power callbacks of each enabler it creates
 * (see drv_dma.h), maps BAR0 in EvtDevicePrepareHardware, and moves data between common buffers
 * and device memory with the device's engine (polling, no interrupt). */
#include <ntddk.h>
#include <wdf.h>

#include "drv_dma.h"

typedef struct _ENABLER_CONTEXT {
    CHAR Letter;
} ENABLER_CONTEXT, *PENABLER_CONTEXT;

WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(ENABLER_CONTEXT, EnablerGetContext)

/* pktdma registers (docs/devices/pktdma.md) */
#define PKT_REG_ID 0x00
#define PKT_REG_ADDR_LO 0x20
#define PKT_REG_ADDR_HI 0x24
#define PKT_REG_LENGTH 0x28
#define PKT_REG_DEV_OFFSET 0x2C
#define PKT_REG_CTRL 0x30
#define PKT_REG_STATUS 0x34
#define PKT_CTRL_TO_DEVICE 0x1
#define PKT_CTRL_GO 0x4
#define PKT_STATUS_DONE 0x2
#define PKT_STATUS_ERROR 0x4

/* sgdma registers (docs/devices/sgdma.md): channel blocks and 32-byte descriptors */
#define SG_CH_H2D 0x100
#define SG_CH_D2H 0x200
#define SG_CH_CTRL 0x00
#define SG_CH_STATUS 0x04
#define SG_CH_RING_BASE_LO 0x08
#define SG_CH_RING_BASE_HI 0x0C
#define SG_CH_RING_SIZE 0x10
#define SG_CH_HEAD 0x14
#define SG_CH_TAIL 0x18
#define SG_CTRL_RUN 0x1
#define SG_CTRL_CH_RESET 0x4
#define SG_STATE_MASK 0x3
#define SG_STATE_ERROR 2
#define SG_DESC_DONE 0x1
#define SG_DESC_ERROR 0x2

typedef struct _SG_DESCRIPTOR {
    ULONG64 HostAddress;
    ULONG64 DevOffset;
    ULONG Length;
    ULONG Flags;
    ULONG Status;
    ULONG BytesDone;
} SG_DESCRIPTOR;

#define POLL_STEP_US 20
#define POLL_STEPS 500000 /* 10 s */

static CHAR LogText[8192];
static size_t LogLength;
static const CHAR *FailName;
static NTSTATUS FailStatus;
static DRV_DMA_PLAN Plan;
static WDFDEVICE Device;
static WDFDMAENABLER Enablers[DRV_DMA_MAX_ENABLERS];
static ULONG EnablerCount;
static NTSTATUS PlanStatus;
static PUCHAR Registers;
static ULONG RegistersLength;
static ULONG DeviceId;

/* ---- log ---- */

static VOID LogRaw(const CHAR *Text)
{
    while (*Text != '\0' && LogLength + 1 < sizeof(LogText))
        LogText[LogLength++] = *Text++;
    LogText[LogLength] = '\0';
}

static BOOLEAN SameText(const CHAR *A, const CHAR *B)
{
    while (*A != '\0' && *A == *B) {
        A++;
        B++;
    }
    return *A == *B;
}

/* Logs Name (with "(State)" when State is not NULL) and returns the status the callback gives. */
static NTSTATUS LogCall(const CHAR *Name, const CHAR *State)
{
    BOOLEAN fail = FailName != NULL && SameText(FailName, Name);

    if (LogLength != 0)
        LogRaw(" ");
    LogRaw(Name);
    if (State != NULL) {
        LogRaw("(");
        LogRaw(State);
        LogRaw(")");
    }
    if (KeGetCurrentIrql() != PASSIVE_LEVEL)
        LogRaw("!IRQL");
    if (fail)
        LogRaw("=fail");
    return fail ? FailStatus : STATUS_SUCCESS;
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

const CHAR *DrvDmaLog(VOID)
{
    return LogText;
}

VOID DrvDmaLogReset(VOID)
{
    LogLength = 0;
    LogText[0] = '\0';
}

VOID DrvDmaFail(const CHAR *Name, NTSTATUS Status)
{
    FailName = Name;
    FailStatus = Status;
}

VOID DrvDmaSetPlan(const DRV_DMA_PLAN *NewPlan)
{
    Plan = *NewPlan;
    Device = NULL;
    RtlZeroMemory(Enablers, sizeof(Enablers));
    EnablerCount = 0;
    PlanStatus = STATUS_SUCCESS;
    Registers = NULL;
    DeviceId = 0;
    FailName = NULL;
    DrvDmaLogReset();
}

WDFDEVICE DrvDmaDevice(VOID)
{
    return Device;
}

WDFDMAENABLER DrvDmaEnabler(ULONG Index)
{
    return Index < DRV_DMA_MAX_ENABLERS ? Enablers[Index] : NULL;
}

NTSTATUS DrvDmaPlanStatus(VOID)
{
    return PlanStatus;
}

ULONG DrvDmaDeviceId(VOID)
{
    return DeviceId;
}

/* ---- enabler callbacks ---- */

static NTSTATUS EnablerLog(WDFDMAENABLER DmaEnabler, const CHAR *What)
{
    PENABLER_CONTEXT context = EnablerGetContext(DmaEnabler);
    CHAR name[32];
    size_t n = 0;

    name[n++] = context != NULL ? context->Letter : '?';
    name[n++] = '.';
    while (*What != '\0' && n + 1 < sizeof(name))
        name[n++] = *What++;
    name[n] = '\0';
    return LogCall(name, NULL);
}

static EVT_WDF_DMA_ENABLER_FILL EvtFill;
static EVT_WDF_DMA_ENABLER_FLUSH EvtFlush;
static EVT_WDF_DMA_ENABLER_ENABLE EvtEnable;
static EVT_WDF_DMA_ENABLER_DISABLE EvtDisable;
static EVT_WDF_DMA_ENABLER_SELFMANAGED_IO_START EvtIoStart;
static EVT_WDF_DMA_ENABLER_SELFMANAGED_IO_STOP EvtIoStop;
static EVT_WDF_OBJECT_CONTEXT_CLEANUP EvtEnablerCleanup;

static NTSTATUS EvtFill(WDFDMAENABLER DmaEnabler) { return EnablerLog(DmaEnabler, "Fill"); }
static NTSTATUS EvtFlush(WDFDMAENABLER DmaEnabler) { return EnablerLog(DmaEnabler, "Flush"); }
static NTSTATUS EvtEnable(WDFDMAENABLER DmaEnabler) { return EnablerLog(DmaEnabler, "Enable"); }
static NTSTATUS EvtDisable(WDFDMAENABLER DmaEnabler) { return EnablerLog(DmaEnabler, "Disable"); }
static NTSTATUS EvtIoStart(WDFDMAENABLER DmaEnabler) { return EnablerLog(DmaEnabler, "IoStart"); }
static NTSTATUS EvtIoStop(WDFDMAENABLER DmaEnabler) { return EnablerLog(DmaEnabler, "IoStop"); }

static VOID EvtEnablerCleanup(WDFOBJECT Object)
{
    (VOID)EnablerLog((WDFDMAENABLER)Object, "Cleanup");
    for (ULONG i = 0; i < DRV_DMA_MAX_ENABLERS; i++) {
        if (Enablers[i] == (WDFDMAENABLER)Object)
            Enablers[i] = NULL;
    }
}

NTSTATUS DrvDmaCreateEnabler(PWDF_DMA_ENABLER_CONFIG Config, PWDF_OBJECT_ATTRIBUTES Attributes,
                             BOOLEAN PowerCallbacks, WDFDMAENABLER *Enabler)
{
    WDF_OBJECT_ATTRIBUTES attributes;
    NTSTATUS status;

    if (PowerCallbacks) {
        Config->EvtDmaEnablerFill = EvtFill;
        Config->EvtDmaEnablerFlush = EvtFlush;
        Config->EvtDmaEnablerEnable = EvtEnable;
        Config->EvtDmaEnablerDisable = EvtDisable;
        Config->EvtDmaEnablerSelfManagedIoStart = EvtIoStart;
        Config->EvtDmaEnablerSelfManagedIoStop = EvtIoStop;
    }
    if (Attributes == WDF_NO_OBJECT_ATTRIBUTES) {
        WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, ENABLER_CONTEXT);
        attributes.EvtCleanupCallback = EvtEnablerCleanup;
        Attributes = &attributes;
    }
    status = WdfDmaEnablerCreate(Device, Config, Attributes, Enabler);
    if (NT_SUCCESS(status)) {
        PENABLER_CONTEXT context = EnablerGetContext(*Enabler);
        if (context != NULL)
            context->Letter = (CHAR)('A' + EnablerCount);
        if (EnablerCount < DRV_DMA_MAX_ENABLERS)
            Enablers[EnablerCount] = *Enabler;
        EnablerCount++;
    }
    return status;
}

static NTSTATUS CreatePlannedEnablers(VOID)
{
    for (ULONG i = 0; i < Plan.Count; i++) {
        WDF_DMA_ENABLER_CONFIG config;
        WDFDMAENABLER enabler;

        WDF_DMA_ENABLER_CONFIG_INIT(&config, Plan.Profile, Plan.MaximumLength);
        config.WdmDmaVersionOverride = Plan.WdmDmaVersionOverride;
        PlanStatus = DrvDmaCreateEnabler(&config, WDF_NO_OBJECT_ATTRIBUTES, Plan.PowerCallbacks,
                                         &enabler);
        if (!NT_SUCCESS(PlanStatus))
            return PlanStatus;
    }
    return STATUS_SUCCESS;
}

/* ---- PnP/power callbacks ---- */

static EVT_WDF_DRIVER_DEVICE_ADD EvtDeviceAdd;
static EVT_WDF_DEVICE_PREPARE_HARDWARE EvtPrepareHardware;
static EVT_WDF_DEVICE_RELEASE_HARDWARE EvtReleaseHardware;
static EVT_WDF_DEVICE_D0_ENTRY EvtD0Entry;
static EVT_WDF_DEVICE_D0_ENTRY_POST_INTERRUPTS_ENABLED EvtD0EntryPost;
static EVT_WDF_DEVICE_D0_EXIT_PRE_INTERRUPTS_DISABLED EvtD0ExitPre;
static EVT_WDF_DEVICE_D0_EXIT EvtD0Exit;
static EVT_WDF_DEVICE_SELF_MANAGED_IO_INIT EvtSelfIoInit;
static EVT_WDF_DEVICE_SELF_MANAGED_IO_RESTART EvtSelfIoRestart;
static EVT_WDF_DEVICE_SELF_MANAGED_IO_SUSPEND EvtSelfIoSuspend;
static EVT_WDF_DEVICE_SELF_MANAGED_IO_FLUSH EvtSelfIoFlush;
static EVT_WDF_DEVICE_SELF_MANAGED_IO_CLEANUP EvtSelfIoCleanup;

static NTSTATUS EvtPrepareHardware(WDFDEVICE Dev, WDFCMRESLIST ResourcesRaw,
                                   WDFCMRESLIST ResourcesTranslated)
{
    NTSTATUS status = LogCall("PrepareHardware", NULL);
    ULONG count = WdfCmResourceListGetCount(ResourcesTranslated);

    (VOID)Dev;
    (VOID)ResourcesRaw;
    if (!NT_SUCCESS(status))
        return status;
    for (ULONG i = 0; i < count && Registers == NULL; i++) {
        PCM_PARTIAL_RESOURCE_DESCRIPTOR d = WdfCmResourceListGetDescriptor(ResourcesTranslated, i);

        if (d->Type == CmResourceTypeMemory) {
            Registers = (PUCHAR)MmMapIoSpace(d->u.Memory.Start, d->u.Memory.Length, MmNonCached);
            if (Registers == NULL)
                return STATUS_INSUFFICIENT_RESOURCES;
            RegistersLength = d->u.Memory.Length;
        }
    }
    if (Registers == NULL)
        return STATUS_DEVICE_CONFIGURATION_ERROR;
    DeviceId = READ_REGISTER_ULONG((volatile ULONG *)(Registers + PKT_REG_ID));
    if (Plan.InPrepareHardware && EnablerCount == 0)
        return CreatePlannedEnablers();
    return STATUS_SUCCESS;
}

static NTSTATUS EvtReleaseHardware(WDFDEVICE Dev, WDFCMRESLIST ResourcesTranslated)
{
    (VOID)Dev;
    (VOID)ResourcesTranslated;
    if (Registers != NULL) {
        MmUnmapIoSpace(Registers, RegistersLength);
        Registers = NULL;
    }
    return LogCall("ReleaseHardware", NULL);
}

static NTSTATUS EvtD0Entry(WDFDEVICE Dev, WDF_POWER_DEVICE_STATE PreviousState)
{
    (VOID)Dev;
    return LogCall("D0Entry", StateName(PreviousState));
}

static NTSTATUS EvtD0EntryPost(WDFDEVICE Dev, WDF_POWER_DEVICE_STATE PreviousState)
{
    (VOID)Dev;
    return LogCall("D0EntryPost", StateName(PreviousState));
}

static NTSTATUS EvtD0ExitPre(WDFDEVICE Dev, WDF_POWER_DEVICE_STATE TargetState)
{
    (VOID)Dev;
    return LogCall("D0ExitPre", StateName(TargetState));
}

static NTSTATUS EvtD0Exit(WDFDEVICE Dev, WDF_POWER_DEVICE_STATE TargetState)
{
    (VOID)Dev;
    return LogCall("D0Exit", StateName(TargetState));
}

static NTSTATUS EvtSelfIoInit(WDFDEVICE Dev)
{
    (VOID)Dev;
    return LogCall("SelfIoInit", NULL);
}

static NTSTATUS EvtSelfIoRestart(WDFDEVICE Dev)
{
    (VOID)Dev;
    return LogCall("SelfIoRestart", NULL);
}

static NTSTATUS EvtSelfIoSuspend(WDFDEVICE Dev)
{
    (VOID)Dev;
    return LogCall("SelfIoSuspend", NULL);
}

static VOID EvtSelfIoFlush(WDFDEVICE Dev)
{
    (VOID)Dev;
    (VOID)LogCall("SelfIoFlush", NULL);
}

static VOID EvtSelfIoCleanup(WDFDEVICE Dev)
{
    (VOID)Dev;
    (VOID)LogCall("SelfIoCleanup", NULL);
}

static NTSTATUS EvtDeviceAdd(WDFDRIVER Driver, PWDFDEVICE_INIT DeviceInit)
{
    WDF_PNPPOWER_EVENT_CALLBACKS callbacks;
    NTSTATUS status;

    (VOID)Driver;
    WDF_PNPPOWER_EVENT_CALLBACKS_INIT(&callbacks);
    callbacks.EvtDevicePrepareHardware = EvtPrepareHardware;
    callbacks.EvtDeviceReleaseHardware = EvtReleaseHardware;
    callbacks.EvtDeviceD0Entry = EvtD0Entry;
    callbacks.EvtDeviceD0EntryPostInterruptsEnabled = EvtD0EntryPost;
    callbacks.EvtDeviceD0ExitPreInterruptsDisabled = EvtD0ExitPre;
    callbacks.EvtDeviceD0Exit = EvtD0Exit;
    callbacks.EvtDeviceSelfManagedIoInit = EvtSelfIoInit;
    callbacks.EvtDeviceSelfManagedIoRestart = EvtSelfIoRestart;
    callbacks.EvtDeviceSelfManagedIoSuspend = EvtSelfIoSuspend;
    callbacks.EvtDeviceSelfManagedIoFlush = EvtSelfIoFlush;
    callbacks.EvtDeviceSelfManagedIoCleanup = EvtSelfIoCleanup;
    WdfDeviceInitSetPnpPowerEventCallbacks(DeviceInit, &callbacks);
    status = WdfDeviceCreate(&DeviceInit, WDF_NO_OBJECT_ATTRIBUTES, &Device);
    if (!NT_SUCCESS(status))
        return status;
    if (Plan.SetAlignment)
        WdfDeviceSetAlignmentRequirement(Device, Plan.Alignment);
    if (!Plan.InPrepareHardware)
        return CreatePlannedEnablers();
    return STATUS_SUCCESS;
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    WDF_DRIVER_CONFIG config;

    WDF_DRIVER_CONFIG_INIT(&config, EvtDeviceAdd);
    return WdfDriverCreate(DriverObject, RegistryPath, WDF_NO_OBJECT_ATTRIBUTES, &config,
                           WDF_NO_HANDLE);
}

/* ---- moving data with the device ---- */

static ULONG Reg(ULONG Offset)
{
    return READ_REGISTER_ULONG((volatile ULONG *)(Registers + Offset));
}

static VOID SetReg(ULONG Offset, ULONG Value)
{
    WRITE_REGISTER_ULONG((volatile ULONG *)(Registers + Offset), Value);
}

static NTSTATUS PktMove(PHYSICAL_ADDRESS La, ULONG Length, ULONG DevOffset, BOOLEAN ToDevice)
{
    SetReg(PKT_REG_ADDR_LO, La.LowPart);
    SetReg(PKT_REG_ADDR_HI, (ULONG)La.HighPart);
    SetReg(PKT_REG_LENGTH, Length);
    SetReg(PKT_REG_DEV_OFFSET, DevOffset);
    SetReg(PKT_REG_CTRL, (ToDevice ? PKT_CTRL_TO_DEVICE : 0) | PKT_CTRL_GO);
    for (ULONG i = 0; i < POLL_STEPS; i++) {
        ULONG status = Reg(PKT_REG_STATUS);

        if (status & (PKT_STATUS_DONE | PKT_STATUS_ERROR)) {
            SetReg(PKT_REG_STATUS, status & (PKT_STATUS_DONE | PKT_STATUS_ERROR));
            return (status & PKT_STATUS_ERROR) ? STATUS_IO_DEVICE_ERROR : STATUS_SUCCESS;
        }
        KeStallExecutionProcessor(POLL_STEP_US);
    }
    return STATUS_IO_TIMEOUT;
}

/* One descriptor on a two-entry ring at the start of Ring; HEAD (a register) moving past it
 * says the device wrote the descriptor back. */
static NTSTATUS SgMove(WDFCOMMONBUFFER Ring, PHYSICAL_ADDRESS La, ULONG Length, ULONG DevOffset,
                       BOOLEAN ToDevice)
{
    ULONG ch = ToDevice ? SG_CH_H2D : SG_CH_D2H;
    volatile SG_DESCRIPTOR *desc = (volatile SG_DESCRIPTOR *)WdfCommonBufferGetAlignedVirtualAddress(Ring);
    PHYSICAL_ADDRESS ring = WdfCommonBufferGetAlignedLogicalAddress(Ring);
    NTSTATUS status = STATUS_IO_TIMEOUT;

    SetReg(ch + SG_CH_CTRL, SG_CTRL_CH_RESET);
    SetReg(ch + SG_CH_RING_BASE_LO, ring.LowPart);
    SetReg(ch + SG_CH_RING_BASE_HI, (ULONG)ring.HighPart);
    SetReg(ch + SG_CH_RING_SIZE, 2);
    desc->HostAddress = (ULONG64)La.QuadPart;
    desc->DevOffset = DevOffset;
    desc->Length = Length;
    desc->Flags = 0;
    desc->Status = 0;
    desc->BytesDone = 0;
    SetReg(ch + SG_CH_CTRL, SG_CTRL_RUN);
    SetReg(ch + SG_CH_TAIL, 1);
    for (ULONG i = 0; i < POLL_STEPS; i++) {
        if ((Reg(ch + SG_CH_STATUS) & SG_STATE_MASK) == SG_STATE_ERROR) {
            status = STATUS_IO_DEVICE_ERROR;
            break;
        }
        if (Reg(ch + SG_CH_HEAD) == 1) {
            status = (desc->Status & (SG_DESC_DONE | SG_DESC_ERROR)) == SG_DESC_DONE &&
                             desc->BytesDone == Length
                         ? STATUS_SUCCESS
                         : STATUS_IO_DEVICE_ERROR;
            break;
        }
        KeStallExecutionProcessor(POLL_STEP_US);
    }
    SetReg(ch + SG_CH_CTRL, SG_CTRL_CH_RESET);
    return status;
}

NTSTATUS DrvDmaMove(WDFCOMMONBUFFER Ring, PHYSICAL_ADDRESS La, ULONG Length, ULONG DevOffset,
                    BOOLEAN ToDevice)
{
    if (Registers == NULL)
        return STATUS_DEVICE_NOT_READY;
    if (DeviceId == DRV_DMA_ID_PKTDMA)
        return PktMove(La, Length, DevOffset, ToDevice);
    return SgMove(Ring, La, Length, DevOffset, ToDevice);
}
