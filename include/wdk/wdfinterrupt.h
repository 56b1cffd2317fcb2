/* wdfinterrupt.h - framework interrupt objects (WDFINTERRUPT), as declared by the WDK (KMDF 1.33):
 * the interrupt configuration and information structures, the ISR / DPC / work-item / enable /
 * disable / synchronize callbacks and the interrupt DDIs.  Runtime side: src/kmdf/irq/
 * wdfinterrupt.c (DDI shims), fx_interrupt.c (objects) and fx_interrupt_set.c (connection to the
 * device's interrupt source through the PnP/power sequence).  docs/kmdf-irq.md describes them.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfinterrupt/
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/handling-hardware-interrupts */
#ifndef DMABOX_WDK_WDFINTERRUPT_H
#define DMABOX_WDK_WDFINTERRUPT_H

#include "wdfobject.h"

/* KINTERRUPT_MODE belongs to wdm.h in the WDK; dmabox's wdm headers do not declare it (yet), so
 * it is declared here once.  A wdm header that adds it defines DMABOX_WDM_KINTERRUPT_MODE. */
#ifndef DMABOX_WDM_KINTERRUPT_MODE
#define DMABOX_WDM_KINTERRUPT_MODE
typedef enum _KINTERRUPT_MODE {
    LevelSensitive,
    Latched,
} KINTERRUPT_MODE;
#endif

struct _KINTERRUPT;

typedef enum _WDF_INTERRUPT_POLARITY {
    WdfInterruptPolarityUnknown = 0,
    WdfInterruptActiveHigh,
    WdfInterruptActiveLow,
} WDF_INTERRUPT_POLARITY, *PWDF_INTERRUPT_POLARITY;

typedef enum _WDF_INTERRUPT_POLICY {
    WdfIrqPolicyMachineDefault = 0,
    WdfIrqPolicyAllCloseProcessors,
    WdfIrqPolicyOneCloseProcessor,
    WdfIrqPolicyAllProcessorsInMachine,
    WdfIrqPolicySpecifiedProcessors,
    WdfIrqPolicySpreadMessagesAcrossAllProcessors,
} WDF_INTERRUPT_POLICY, *PWDF_INTERRUPT_POLICY;

typedef enum _WDF_INTERRUPT_PRIORITY {
    WdfIrqPriorityUndefined = 0,
    WdfIrqPriorityLow,
    WdfIrqPriorityNormal,
    WdfIrqPriorityHigh,
} WDF_INTERRUPT_PRIORITY, *PWDF_INTERRUPT_PRIORITY;

/* ---- callbacks ---- */

/* DIRQL, holding the interrupt lock.  MessageID is the message number (0 for a line). */
typedef BOOLEAN NTAPI EVT_WDF_INTERRUPT_ISR(WDFINTERRUPT Interrupt, ULONG MessageID);
typedef EVT_WDF_INTERRUPT_ISR *PFN_WDF_INTERRUPT_ISR;

/* DIRQL, holding the interrupt lock (WdfInterruptSynchronize). */
typedef BOOLEAN NTAPI EVT_WDF_INTERRUPT_SYNCHRONIZE(WDFINTERRUPT Interrupt, WDFCONTEXT Context);
typedef EVT_WDF_INTERRUPT_SYNCHRONIZE *PFN_WDF_INTERRUPT_SYNCHRONIZE;

/* DISPATCH_LEVEL, after WdfInterruptQueueDpcForIsr.  AssociatedObject is the interrupt's parent
 * (the device, or the queue given as ParentObject). */
typedef VOID NTAPI EVT_WDF_INTERRUPT_DPC(WDFINTERRUPT Interrupt, WDFOBJECT AssociatedObject);
typedef EVT_WDF_INTERRUPT_DPC *PFN_WDF_INTERRUPT_DPC;

/* PASSIVE_LEVEL, after WdfInterruptQueueWorkItemForIsr. */
typedef VOID NTAPI EVT_WDF_INTERRUPT_WORKITEM(WDFINTERRUPT Interrupt, WDFOBJECT AssociatedObject);
typedef EVT_WDF_INTERRUPT_WORKITEM *PFN_WDF_INTERRUPT_WORKITEM;

/* DIRQL, holding the interrupt lock: after EvtDeviceD0Entry / before EvtDeviceD0Exit. */
typedef NTSTATUS NTAPI EVT_WDF_INTERRUPT_ENABLE(WDFINTERRUPT Interrupt, WDFDEVICE AssociatedDevice);
typedef EVT_WDF_INTERRUPT_ENABLE *PFN_WDF_INTERRUPT_ENABLE;

typedef NTSTATUS NTAPI EVT_WDF_INTERRUPT_DISABLE(WDFINTERRUPT Interrupt,
                                                 WDFDEVICE AssociatedDevice);
typedef EVT_WDF_INTERRUPT_DISABLE *PFN_WDF_INTERRUPT_DISABLE;

/* ---- configuration ---- */

typedef struct _WDF_INTERRUPT_CONFIG {
    ULONG Size;
    /* NULL: the interrupt's own lock; else a WDFSPINLOCK also taken around the ISR, synchronize
     * callbacks and WdfInterruptAcquireLock (to share one lock between interrupts). */
    WDFSPINLOCK SpinLock;
    WDF_TRI_STATE ShareVector;
    BOOLEAN FloatingSave;
    /* Serialise EvtInterruptDpc / EvtInterruptWorkItem with the parent's callbacks. */
    BOOLEAN AutomaticSerialization;
    PFN_WDF_INTERRUPT_ISR EvtInterruptIsr;
    PFN_WDF_INTERRUPT_DPC EvtInterruptDpc;
    PFN_WDF_INTERRUPT_ENABLE EvtInterruptEnable;
    PFN_WDF_INTERRUPT_DISABLE EvtInterruptDisable;
    PFN_WDF_INTERRUPT_WORKITEM EvtInterruptWorkItem;
    /* Only when created in EvtDevicePrepareHardware: the descriptors from its resource lists. */
    PCM_PARTIAL_RESOURCE_DESCRIPTOR InterruptRaw;
    PCM_PARTIAL_RESOURCE_DESCRIPTOR InterruptTranslated;
    WDFWAITLOCK WaitLock;
    BOOLEAN PassiveHandling;
    WDF_TRI_STATE ReportInactiveOnPowerDown;
    BOOLEAN CanWakeDevice;
} WDF_INTERRUPT_CONFIG, *PWDF_INTERRUPT_CONFIG;

/* Any IRQL.  Zeroes the structure, sets Size, ShareVector = WdfUseDefault, the two callbacks
 * and ReportInactiveOnPowerDown = WdfUseDefault. */
FORCEINLINE VOID WDF_INTERRUPT_CONFIG_INIT(PWDF_INTERRUPT_CONFIG Configuration,
                                           PFN_WDF_INTERRUPT_ISR EvtInterruptIsr,
                                           PFN_WDF_INTERRUPT_DPC EvtInterruptDpc)
{
    memset(Configuration, 0, sizeof(WDF_INTERRUPT_CONFIG));
    Configuration->Size = sizeof(WDF_INTERRUPT_CONFIG);
    Configuration->ShareVector = WdfUseDefault;
    Configuration->EvtInterruptIsr = EvtInterruptIsr;
    Configuration->EvtInterruptDpc = EvtInterruptDpc;
    Configuration->ReportInactiveOnPowerDown = WdfUseDefault;
}

typedef struct _WDF_INTERRUPT_INFO {
    ULONG Size;
    ULONG64 Reserved1;
    KAFFINITY TargetProcessorSet;
    ULONG Reserved2;
    ULONG MessageNumber;
    ULONG Vector;
    KIRQL Irql;
    KINTERRUPT_MODE Mode;
    WDF_INTERRUPT_POLARITY Polarity;
    BOOLEAN MessageSignaled;
    UCHAR ShareDisposition;
    DECLSPEC_ALIGN(8) USHORT Group;
} WDF_INTERRUPT_INFO, *PWDF_INTERRUPT_INFO;

FORCEINLINE VOID WDF_INTERRUPT_INFO_INIT(PWDF_INTERRUPT_INFO Info)
{
    memset(Info, 0, sizeof(WDF_INTERRUPT_INFO));
    Info->Size = sizeof(WDF_INTERRUPT_INFO);
}

/* ---- DDIs ---- */

/* PASSIVE_LEVEL, from EvtDriverDeviceAdd (no resource descriptors) or EvtDevicePrepareHardware
 * (with InterruptRaw/InterruptTranslated).  The parent is the device unless ParentObject (a
 * device or queue) is given, which requires AutomaticSerialization. */
typedef NTSTATUS(NTAPI *PFN_WDFINTERRUPTCREATE)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                WDFDEVICE Device,
                                                PWDF_INTERRUPT_CONFIG Configuration,
                                                PWDF_OBJECT_ATTRIBUTES Attributes,
                                                WDFINTERRUPT *Interrupt);
_Must_inspect_result_ _IRQL_requires_max_(PASSIVE_LEVEL)
FORCEINLINE NTSTATUS WdfInterruptCreate(_In_ WDFDEVICE Device,
                                        _In_ PWDF_INTERRUPT_CONFIG Configuration,
                                        _In_opt_ PWDF_OBJECT_ATTRIBUTES Attributes,
                                        _Out_ WDFINTERRUPT *Interrupt)
{
    return ((PFN_WDFINTERRUPTCREATE)WdfFunctions[WdfInterruptCreateTableIndex])(
        WdfDriverGlobals, Device, Configuration, Attributes, Interrupt);
}

/* Any IRQL (normally from EvtInterruptIsr).  TRUE if queued, FALSE if already queued. */
typedef BOOLEAN(NTAPI *PFN_WDFINTERRUPTQUEUEDPCFORISR)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                       WDFINTERRUPT Interrupt);
FORCEINLINE BOOLEAN WdfInterruptQueueDpcForIsr(_In_ WDFINTERRUPT Interrupt)
{
    return ((PFN_WDFINTERRUPTQUEUEDPCFORISR)WdfFunctions[WdfInterruptQueueDpcForIsrTableIndex])(
        WdfDriverGlobals, Interrupt);
}

/* Any IRQL.  TRUE if queued, FALSE if already queued. */
typedef BOOLEAN(NTAPI *PFN_WDFINTERRUPTQUEUEWORKITEMFORISR)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                            WDFINTERRUPT Interrupt);
FORCEINLINE BOOLEAN WdfInterruptQueueWorkItemForIsr(_In_ WDFINTERRUPT Interrupt)
{
    return ((PFN_WDFINTERRUPTQUEUEWORKITEMFORISR)
                WdfFunctions[WdfInterruptQueueWorkItemForIsrTableIndex])(WdfDriverGlobals,
                                                                         Interrupt);
}

/* IRQL <= DISPATCH_LEVEL.  Runs Callback at DIRQL holding the interrupt lock; returns its value. */
typedef BOOLEAN(NTAPI *PFN_WDFINTERRUPTSYNCHRONIZE)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                    WDFINTERRUPT Interrupt,
                                                    PFN_WDF_INTERRUPT_SYNCHRONIZE Callback,
                                                    WDFCONTEXT Context);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE BOOLEAN WdfInterruptSynchronize(_In_ WDFINTERRUPT Interrupt,
                                            _In_ PFN_WDF_INTERRUPT_SYNCHRONIZE Callback,
                                            _In_ WDFCONTEXT Context)
{
    return ((PFN_WDFINTERRUPTSYNCHRONIZE)WdfFunctions[WdfInterruptSynchronizeTableIndex])(
        WdfDriverGlobals, Interrupt, Callback, Context);
}

/* IRQL <= DISPATCH_LEVEL.  Raises to the interrupt's DIRQL and takes its lock (the ISR cannot
 * run until WdfInterruptReleaseLock). */
typedef VOID(NTAPI *PFN_WDFINTERRUPTACQUIRELOCK)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                 WDFINTERRUPT Interrupt);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfInterruptAcquireLock(_In_ WDFINTERRUPT Interrupt)
{
    ((PFN_WDFINTERRUPTACQUIRELOCK)WdfFunctions[WdfInterruptAcquireLockTableIndex])(
        WdfDriverGlobals, Interrupt);
}

/* At the DIRQL WdfInterruptAcquireLock raised to; returns to the IRQL before it. */
typedef VOID(NTAPI *PFN_WDFINTERRUPTRELEASELOCK)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                 WDFINTERRUPT Interrupt);
FORCEINLINE VOID WdfInterruptReleaseLock(_In_ WDFINTERRUPT Interrupt)
{
    ((PFN_WDFINTERRUPTRELEASELOCK)WdfFunctions[WdfInterruptReleaseLockTableIndex])(
        WdfDriverGlobals, Interrupt);
}

/* PASSIVE_LEVEL.  Driver-initiated EvtInterruptEnable / EvtInterruptDisable. */
typedef VOID(NTAPI *PFN_WDFINTERRUPTENABLE)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                            WDFINTERRUPT Interrupt);
_IRQL_requires_max_(PASSIVE_LEVEL)
FORCEINLINE VOID WdfInterruptEnable(_In_ WDFINTERRUPT Interrupt)
{
    ((PFN_WDFINTERRUPTENABLE)WdfFunctions[WdfInterruptEnableTableIndex])(WdfDriverGlobals,
                                                                        Interrupt);
}

typedef VOID(NTAPI *PFN_WDFINTERRUPTDISABLE)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                             WDFINTERRUPT Interrupt);
_IRQL_requires_max_(PASSIVE_LEVEL)
FORCEINLINE VOID WdfInterruptDisable(_In_ WDFINTERRUPT Interrupt)
{
    ((PFN_WDFINTERRUPTDISABLE)WdfFunctions[WdfInterruptDisableTableIndex])(WdfDriverGlobals,
                                                                          Interrupt);
}

/* Not implemented by dmabox (the slot reports WDF-DDI-001). */
typedef struct _KINTERRUPT *(NTAPI *PFN_WDFINTERRUPTWDMGETINTERRUPT)(
    PWDF_DRIVER_GLOBALS DriverGlobals, WDFINTERRUPT Interrupt);
FORCEINLINE struct _KINTERRUPT *WdfInterruptWdmGetInterrupt(_In_ WDFINTERRUPT Interrupt)
{
    return ((PFN_WDFINTERRUPTWDMGETINTERRUPT)
                WdfFunctions[WdfInterruptWdmGetInterruptTableIndex])(WdfDriverGlobals, Interrupt);
}

/* IRQL <= DISPATCH_LEVEL.  Info->Size must be set (WDF_INTERRUPT_INFO_INIT). */
typedef VOID(NTAPI *PFN_WDFINTERRUPTGETINFO)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                             WDFINTERRUPT Interrupt, PWDF_INTERRUPT_INFO Info);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfInterruptGetInfo(_In_ WDFINTERRUPT Interrupt, _Out_ PWDF_INTERRUPT_INFO Info)
{
    ((PFN_WDFINTERRUPTGETINFO)WdfFunctions[WdfInterruptGetInfoTableIndex])(WdfDriverGlobals,
                                                                          Interrupt, Info);
}

/* Not implemented by dmabox (the slot reports WDF-DDI-001). */
typedef VOID(NTAPI *PFN_WDFINTERRUPTSETPOLICY)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                               WDFINTERRUPT Interrupt, WDF_INTERRUPT_POLICY Policy,
                                               WDF_INTERRUPT_PRIORITY Priority,
                                               KAFFINITY TargetProcessorSet);
FORCEINLINE VOID WdfInterruptSetPolicy(_In_ WDFINTERRUPT Interrupt,
                                       _In_ WDF_INTERRUPT_POLICY Policy,
                                       _In_ WDF_INTERRUPT_PRIORITY Priority,
                                       _In_ KAFFINITY TargetProcessorSet)
{
    ((PFN_WDFINTERRUPTSETPOLICY)WdfFunctions[WdfInterruptSetPolicyTableIndex])(
        WdfDriverGlobals, Interrupt, Policy, Priority, TargetProcessorSet);
}

/* Any IRQL. */
typedef WDFDEVICE(NTAPI *PFN_WDFINTERRUPTGETDEVICE)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                    WDFINTERRUPT Interrupt);
FORCEINLINE WDFDEVICE WdfInterruptGetDevice(_In_ WDFINTERRUPT Interrupt)
{
    return ((PFN_WDFINTERRUPTGETDEVICE)WdfFunctions[WdfInterruptGetDeviceTableIndex])(
        WdfDriverGlobals, Interrupt);
}

/* Passive-level interrupts only; not implemented by dmabox (the slot reports WDF-DDI-001). */
typedef BOOLEAN(NTAPI *PFN_WDFINTERRUPTTRYTOACQUIRELOCK)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                         WDFINTERRUPT Interrupt);
FORCEINLINE BOOLEAN WdfInterruptTryToAcquireLock(_In_ WDFINTERRUPT Interrupt)
{
    return ((PFN_WDFINTERRUPTTRYTOACQUIRELOCK)
                WdfFunctions[WdfInterruptTryToAcquireLockTableIndex])(WdfDriverGlobals, Interrupt);
}

#endif
