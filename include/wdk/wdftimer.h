/* wdftimer.h - framework timer objects (WDFTIMER), as declared by the WDK (KMDF 1.33).  Runtime
 * side: src/kmdf/irq/wdftimer.c (DDI shims) and fx_timer.c.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdftimer/
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/using-timers */
#ifndef DMABOX_WDK_WDFTIMER_H
#define DMABOX_WDK_WDFTIMER_H

#include "wdfobject.h"

/* DISPATCH_LEVEL, or PASSIVE_LEVEL for a timer created with WdfExecutionLevelPassive. */
typedef VOID NTAPI EVT_WDF_TIMER(WDFTIMER Timer);
typedef EVT_WDF_TIMER *PFN_WDF_TIMER;

typedef struct _WDF_TIMER_CONFIG {
    ULONG Size;
    PFN_WDF_TIMER EvtTimerFunc;
    /* Milliseconds between callbacks after the first; 0 = one-shot. */
    ULONG Period;
    BOOLEAN AutomaticSerialization;
    /* Milliseconds the expiry may be delayed to save power (KMDF 1.9). */
    ULONG TolerableDelay;
    /* KMDF 1.13; must be WdfFalse when TolerableDelay is not 0. */
    WDF_TRI_STATE UseHighResolutionTimer;
} WDF_TIMER_CONFIG, *PWDF_TIMER_CONFIG;

/* Any IRQL.  One-shot: zeroes the structure, sets Size, the callback, Period 0,
 * AutomaticSerialization = TRUE, TolerableDelay 0. */
FORCEINLINE VOID WDF_TIMER_CONFIG_INIT(PWDF_TIMER_CONFIG Config, PFN_WDF_TIMER EvtTimerFunc)
{
    memset(Config, 0, sizeof(WDF_TIMER_CONFIG));
    Config->Size = sizeof(WDF_TIMER_CONFIG);
    Config->EvtTimerFunc = EvtTimerFunc;
    Config->Period = 0;
    Config->AutomaticSerialization = TRUE;
    Config->TolerableDelay = 0;
}

/* Any IRQL.  As WDF_TIMER_CONFIG_INIT with Period (milliseconds). */
FORCEINLINE VOID WDF_TIMER_CONFIG_INIT_PERIODIC(PWDF_TIMER_CONFIG Config,
                                                PFN_WDF_TIMER EvtTimerFunc, LONG Period)
{
    memset(Config, 0, sizeof(WDF_TIMER_CONFIG));
    Config->Size = sizeof(WDF_TIMER_CONFIG);
    Config->EvtTimerFunc = EvtTimerFunc;
    Config->Period = (ULONG)Period;
    Config->AutomaticSerialization = TRUE;
    Config->TolerableDelay = 0;
}

/* IRQL <= DISPATCH_LEVEL.  Attributes->ParentObject is required (a device, a queue, or an
 * object below one); ExecutionLevel Passive makes the callback run at PASSIVE_LEVEL (one-shot
 * timers only). */
typedef NTSTATUS(NTAPI *PFN_WDFTIMERCREATE)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                            PWDF_TIMER_CONFIG Config,
                                            PWDF_OBJECT_ATTRIBUTES Attributes, WDFTIMER *Timer);
_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfTimerCreate(_In_ PWDF_TIMER_CONFIG Config,
                                    _In_ PWDF_OBJECT_ATTRIBUTES Attributes, _Out_ WDFTIMER *Timer)
{
    return ((PFN_WDFTIMERCREATE)WdfFunctions[WdfTimerCreateTableIndex])(WdfDriverGlobals, Config,
                                                                        Attributes, Timer);
}

/* IRQL <= DISPATCH_LEVEL.  DueTime in 100 ns units: negative = relative, positive = absolute
 * system time.  TRUE if the timer was already in the timer queue (it is re-armed). */
typedef BOOLEAN(NTAPI *PFN_WDFTIMERSTART)(PWDF_DRIVER_GLOBALS DriverGlobals, WDFTIMER Timer,
                                          LONGLONG DueTime);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE BOOLEAN WdfTimerStart(_In_ WDFTIMER Timer, _In_ LONGLONG DueTime)
{
    return ((PFN_WDFTIMERSTART)WdfFunctions[WdfTimerStartTableIndex])(WdfDriverGlobals, Timer,
                                                                      DueTime);
}

/* Wait FALSE: IRQL <= DISPATCH_LEVEL; Wait TRUE: PASSIVE_LEVEL, not from the timer's callback,
 * returns after a running callback finished.  TRUE if the timer was in the timer queue. */
typedef BOOLEAN(NTAPI *PFN_WDFTIMERSTOP)(PWDF_DRIVER_GLOBALS DriverGlobals, WDFTIMER Timer,
                                         BOOLEAN Wait);
_When_(Wait == TRUE, _IRQL_requires_max_(PASSIVE_LEVEL))
_When_(Wait == FALSE, _IRQL_requires_max_(DISPATCH_LEVEL))
FORCEINLINE BOOLEAN WdfTimerStop(_In_ WDFTIMER Timer, _In_ BOOLEAN Wait)
{
    return ((PFN_WDFTIMERSTOP)WdfFunctions[WdfTimerStopTableIndex])(WdfDriverGlobals, Timer, Wait);
}

/* IRQL <= DISPATCH_LEVEL. */
typedef WDFOBJECT(NTAPI *PFN_WDFTIMERGETPARENTOBJECT)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                      WDFTIMER Timer);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE WDFOBJECT WdfTimerGetParentObject(_In_ WDFTIMER Timer)
{
    return ((PFN_WDFTIMERGETPARENTOBJECT)WdfFunctions[WdfTimerGetParentObjectTableIndex])(
        WdfDriverGlobals, Timer);
}

#endif
