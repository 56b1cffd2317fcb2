/* wdfsync.h - framework spin locks (WDFSPINLOCK) and wait locks (WDFWAITLOCK), as declared by the
 * WDK (KMDF 1.33).  Runtime side: src/kmdf/sync/wdfsync.c (DDI shims) and fx_sync.c.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfsync/
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/synchronization-techniques-for-wdf-drivers */
#ifndef DMABOX_WDK_WDFSYNC_H
#define DMABOX_WDK_WDFSYNC_H

#include "wdfobject.h"

/* IRQL <= DISPATCH_LEVEL.  The lock's parent is the driver object unless ParentObject says. */
typedef NTSTATUS(NTAPI *PFN_WDFWAITLOCKCREATE)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                               PWDF_OBJECT_ATTRIBUTES LockAttributes,
                                               WDFWAITLOCK *Lock);
_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfWaitLockCreate(_In_opt_ PWDF_OBJECT_ATTRIBUTES LockAttributes,
                                       _Out_ WDFWAITLOCK *Lock)
{
    return ((PFN_WDFWAITLOCKCREATE)WdfFunctions[WdfWaitLockCreateTableIndex])(
        WdfDriverGlobals, LockAttributes, Lock);
}

/* Timeout in 100 ns units: NULL waits forever, negative is relative, positive absolute, zero
 * only tries.  NULL or non-zero: PASSIVE_LEVEL; zero: IRQL <= DISPATCH_LEVEL.
 * Returns STATUS_SUCCESS (acquired) or STATUS_TIMEOUT.  The IRQL is not changed. */
typedef NTSTATUS(NTAPI *PFN_WDFWAITLOCKACQUIRE)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                WDFWAITLOCK Lock, PLONGLONG Timeout);
_When_(Timeout == NULL, _IRQL_requires_max_(PASSIVE_LEVEL))
_When_(Timeout != NULL, _IRQL_requires_max_(DISPATCH_LEVEL))
FORCEINLINE NTSTATUS WdfWaitLockAcquire(_In_ _Requires_lock_not_held_(_Curr_) WDFWAITLOCK Lock,
                                        _In_opt_ PLONGLONG Timeout)
{
    return ((PFN_WDFWAITLOCKACQUIRE)WdfFunctions[WdfWaitLockAcquireTableIndex])(WdfDriverGlobals,
                                                                                Lock, Timeout);
}

typedef VOID(NTAPI *PFN_WDFWAITLOCKRELEASE)(PWDF_DRIVER_GLOBALS DriverGlobals, WDFWAITLOCK Lock);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfWaitLockRelease(_In_ _Requires_lock_held_(_Curr_) WDFWAITLOCK Lock)
{
    ((PFN_WDFWAITLOCKRELEASE)WdfFunctions[WdfWaitLockReleaseTableIndex])(WdfDriverGlobals, Lock);
}

/* IRQL <= DISPATCH_LEVEL. */
typedef NTSTATUS(NTAPI *PFN_WDFSPINLOCKCREATE)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                               PWDF_OBJECT_ATTRIBUTES SpinLockAttributes,
                                               WDFSPINLOCK *SpinLock);
_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfSpinLockCreate(_In_opt_ PWDF_OBJECT_ATTRIBUTES SpinLockAttributes,
                                       _Out_ WDFSPINLOCK *SpinLock)
{
    return ((PFN_WDFSPINLOCKCREATE)WdfFunctions[WdfSpinLockCreateTableIndex])(
        WdfDriverGlobals, SpinLockAttributes, SpinLock);
}

/* IRQL <= DISPATCH_LEVEL; raises to DISPATCH_LEVEL and keeps the previous IRQL in the object. */
typedef VOID(NTAPI *PFN_WDFSPINLOCKACQUIRE)(PWDF_DRIVER_GLOBALS DriverGlobals, WDFSPINLOCK SpinLock);
_IRQL_requires_max_(DISPATCH_LEVEL) _IRQL_raises_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfSpinLockAcquire(_In_ _Requires_lock_not_held_(_Curr_) WDFSPINLOCK SpinLock)
{
    ((PFN_WDFSPINLOCKACQUIRE)WdfFunctions[WdfSpinLockAcquireTableIndex])(WdfDriverGlobals,
                                                                        SpinLock);
}

/* IRQL == DISPATCH_LEVEL; returns to the IRQL saved by WdfSpinLockAcquire. */
typedef VOID(NTAPI *PFN_WDFSPINLOCKRELEASE)(PWDF_DRIVER_GLOBALS DriverGlobals, WDFSPINLOCK SpinLock);
_IRQL_requires_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfSpinLockRelease(_In_ _Requires_lock_held_(_Curr_) WDFSPINLOCK SpinLock)
{
    ((PFN_WDFSPINLOCKRELEASE)WdfFunctions[WdfSpinLockReleaseTableIndex])(WdfDriverGlobals,
                                                                        SpinLock);
}

#endif
