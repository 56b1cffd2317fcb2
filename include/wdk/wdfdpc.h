/* wdfdpc.h - framework DPC objects (WDFDPC), as declared by the WDK (KMDF 1.33).  Runtime side:
 * src/kmdf/irq/wdfdpc.c (DDI shims) and fx_dpc.c.  docs/kmdf-irq.md describes them.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdpc/
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/using-dpc-objects */
#ifndef DMABOX_WDK_WDFDPC_H
#define DMABOX_WDK_WDFDPC_H

#include "wdfobject.h"

struct _KDPC;

/* DISPATCH_LEVEL, on the DPC thread of the CPU it was queued on. */
typedef VOID NTAPI EVT_WDF_DPC(WDFDPC Dpc);
typedef EVT_WDF_DPC *PFN_WDF_DPC;

typedef struct _WDF_DPC_CONFIG {
    ULONG Size;
    PFN_WDF_DPC EvtDpcFunc;
    /* Serialise EvtDpcFunc with the parent's callbacks (when the parent has a sync scope). */
    BOOLEAN AutomaticSerialization;
} WDF_DPC_CONFIG, *PWDF_DPC_CONFIG;

/* Any IRQL.  Zeroes the structure, sets Size, the callback and AutomaticSerialization = TRUE. */
FORCEINLINE VOID WDF_DPC_CONFIG_INIT(PWDF_DPC_CONFIG Config, PFN_WDF_DPC EvtDpcFunc)
{
    memset(Config, 0, sizeof(WDF_DPC_CONFIG));
    Config->Size = sizeof(WDF_DPC_CONFIG);
    Config->EvtDpcFunc = EvtDpcFunc;
    Config->AutomaticSerialization = TRUE;
}

/* IRQL <= DISPATCH_LEVEL.  Attributes->ParentObject is required: a device, a queue, or an
 * object below one. */
typedef NTSTATUS(NTAPI *PFN_WDFDPCCREATE)(PWDF_DRIVER_GLOBALS DriverGlobals, PWDF_DPC_CONFIG Config,
                                          PWDF_OBJECT_ATTRIBUTES Attributes, WDFDPC *Dpc);
_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfDpcCreate(_In_ PWDF_DPC_CONFIG Config,
                                  _In_ PWDF_OBJECT_ATTRIBUTES Attributes, _Out_ WDFDPC *Dpc)
{
    return ((PFN_WDFDPCCREATE)WdfFunctions[WdfDpcCreateTableIndex])(WdfDriverGlobals, Config,
                                                                    Attributes, Dpc);
}

/* Any IRQL.  TRUE if queued, FALSE if it was already queued. */
typedef BOOLEAN(NTAPI *PFN_WDFDPCENQUEUE)(PWDF_DRIVER_GLOBALS DriverGlobals, WDFDPC Dpc);
FORCEINLINE BOOLEAN WdfDpcEnqueue(_In_ WDFDPC Dpc)
{
    return ((PFN_WDFDPCENQUEUE)WdfFunctions[WdfDpcEnqueueTableIndex])(WdfDriverGlobals, Dpc);
}

/* Wait FALSE: any IRQL; Wait TRUE: PASSIVE_LEVEL, returns after a running callback finished.
 * TRUE if the DPC was queued (and now will not run). */
typedef BOOLEAN(NTAPI *PFN_WDFDPCCANCEL)(PWDF_DRIVER_GLOBALS DriverGlobals, WDFDPC Dpc,
                                         BOOLEAN Wait);
_When_(Wait == TRUE, _IRQL_requires_max_(PASSIVE_LEVEL))
FORCEINLINE BOOLEAN WdfDpcCancel(_In_ WDFDPC Dpc, _In_ BOOLEAN Wait)
{
    return ((PFN_WDFDPCCANCEL)WdfFunctions[WdfDpcCancelTableIndex])(WdfDriverGlobals, Dpc, Wait);
}

/* Any IRQL. */
typedef WDFOBJECT(NTAPI *PFN_WDFDPCGETPARENTOBJECT)(PWDF_DRIVER_GLOBALS DriverGlobals, WDFDPC Dpc);
FORCEINLINE WDFOBJECT WdfDpcGetParentObject(_In_ WDFDPC Dpc)
{
    return ((PFN_WDFDPCGETPARENTOBJECT)WdfFunctions[WdfDpcGetParentObjectTableIndex])(
        WdfDriverGlobals, Dpc);
}

/* Not implemented by dmabox (the slot reports WDF-DDI-001): there is no KDPC underneath. */
typedef struct _KDPC *(NTAPI *PFN_WDFDPCWDMGETDPC)(PWDF_DRIVER_GLOBALS DriverGlobals, WDFDPC Dpc);
FORCEINLINE struct _KDPC *WdfDpcWdmGetDpc(_In_ WDFDPC Dpc)
{
    return ((PFN_WDFDPCWDMGETDPC)WdfFunctions[WdfDpcWdmGetDpcTableIndex])(WdfDriverGlobals, Dpc);
}

#endif
