/* wdfworkitem.h - framework work-item objects (WDFWORKITEM), as declared by the WDK (KMDF 1.33).
 * Runtime side: src/kmdf/irq/wdfworkitem.c (DDI shims) and fx_workitem.c.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfworkitem/
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/using-framework-work-items */
#ifndef DMABOX_WDK_WDFWORKITEM_H
#define DMABOX_WDK_WDFWORKITEM_H

#include "wdfobject.h"

/* PASSIVE_LEVEL, on a work thread. */
typedef VOID NTAPI EVT_WDF_WORKITEM(WDFWORKITEM WorkItem);
typedef EVT_WDF_WORKITEM *PFN_WDF_WORKITEM;

typedef struct _WDF_WORKITEM_CONFIG {
    ULONG Size;
    PFN_WDF_WORKITEM EvtWorkItemFunc;
    BOOLEAN AutomaticSerialization;
} WDF_WORKITEM_CONFIG, *PWDF_WORKITEM_CONFIG;

/* Any IRQL.  Zeroes the structure, sets Size, the callback and AutomaticSerialization = TRUE. */
FORCEINLINE VOID WDF_WORKITEM_CONFIG_INIT(PWDF_WORKITEM_CONFIG Config,
                                          PFN_WDF_WORKITEM EvtWorkItemFunc)
{
    memset(Config, 0, sizeof(WDF_WORKITEM_CONFIG));
    Config->Size = sizeof(WDF_WORKITEM_CONFIG);
    Config->EvtWorkItemFunc = EvtWorkItemFunc;
    Config->AutomaticSerialization = TRUE;
}

/* IRQL <= DISPATCH_LEVEL.  Attributes->ParentObject is required (a device, a queue, or an
 * object below one). */
typedef NTSTATUS(NTAPI *PFN_WDFWORKITEMCREATE)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                               PWDF_WORKITEM_CONFIG Config,
                                               PWDF_OBJECT_ATTRIBUTES Attributes,
                                               WDFWORKITEM *WorkItem);
_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfWorkItemCreate(_In_ PWDF_WORKITEM_CONFIG Config,
                                       _In_ PWDF_OBJECT_ATTRIBUTES Attributes,
                                       _Out_ WDFWORKITEM *WorkItem)
{
    return ((PFN_WDFWORKITEMCREATE)WdfFunctions[WdfWorkItemCreateTableIndex])(
        WdfDriverGlobals, Config, Attributes, WorkItem);
}

/* IRQL <= DISPATCH_LEVEL.  A work item already queued is not queued again. */
typedef VOID(NTAPI *PFN_WDFWORKITEMENQUEUE)(PWDF_DRIVER_GLOBALS DriverGlobals, WDFWORKITEM WorkItem);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfWorkItemEnqueue(_In_ WDFWORKITEM WorkItem)
{
    ((PFN_WDFWORKITEMENQUEUE)WdfFunctions[WdfWorkItemEnqueueTableIndex])(WdfDriverGlobals,
                                                                        WorkItem);
}

/* IRQL <= DISPATCH_LEVEL. */
typedef WDFOBJECT(NTAPI *PFN_WDFWORKITEMGETPARENTOBJECT)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                         WDFWORKITEM WorkItem);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE WDFOBJECT WdfWorkItemGetParentObject(_In_ WDFWORKITEM WorkItem)
{
    return ((PFN_WDFWORKITEMGETPARENTOBJECT)WdfFunctions[WdfWorkItemGetParentObjectTableIndex])(
        WdfDriverGlobals, WorkItem);
}

/* PASSIVE_LEVEL, not from the work item's own callback.  Returns once the work item is neither
 * queued nor running. */
typedef VOID(NTAPI *PFN_WDFWORKITEMFLUSH)(PWDF_DRIVER_GLOBALS DriverGlobals, WDFWORKITEM WorkItem);
_IRQL_requires_max_(PASSIVE_LEVEL)
FORCEINLINE VOID WdfWorkItemFlush(_In_ WDFWORKITEM WorkItem)
{
    ((PFN_WDFWORKITEMFLUSH)WdfFunctions[WdfWorkItemFlushTableIndex])(WdfDriverGlobals, WorkItem);
}

#endif
