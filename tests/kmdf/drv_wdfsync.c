/* drv_wdfsync.c - the lock test driver (tests/kmdf): what a driver does with WDFSPINLOCK and
 * WDFWAITLOCK, built with dmabox_add_driver (WDK headers only).  test_wdfsync.c binds it and
 * calls these plain functions, some from several threads at once. */
#include <ntddk.h>
#include <wdf.h>

NTSTATUS DrvSyncSpinCreate(WDFSPINLOCK *Lock)
{
    WDF_OBJECT_ATTRIBUTES attributes;
    WDF_OBJECT_ATTRIBUTES_INIT(&attributes);
    return WdfSpinLockCreate(&attributes, Lock);
}

NTSTATUS DrvSyncWaitCreate(WDFWAITLOCK *Lock)
{
    return WdfWaitLockCreate(NULL, Lock);
}

VOID DrvSyncSpinAcquire(WDFSPINLOCK Lock)
{
    WdfSpinLockAcquire(Lock);
}

VOID DrvSyncSpinRelease(WDFSPINLOCK Lock)
{
    WdfSpinLockRelease(Lock);
}

NTSTATUS DrvSyncWaitAcquire(WDFWAITLOCK Lock, PLONGLONG Timeout)
{
    return WdfWaitLockAcquire(Lock, Timeout);
}

VOID DrvSyncWaitRelease(WDFWAITLOCK Lock)
{
    WdfWaitLockRelease(Lock);
}

VOID DrvSyncDelete(WDFOBJECT Object)
{
    WdfObjectDelete(Object);
}

/* Increments *Counter Rounds times under the spin lock; returns how many times the IRQL was not
 * DISPATCH_LEVEL inside the lock or not the caller's IRQL after it. */
ULONG DrvSyncSpinCount(WDFSPINLOCK Lock, ULONG *Counter, ULONG Rounds)
{
    KIRQL entry = KeGetCurrentIrql();
    ULONG bad = 0;
    for (ULONG i = 0; i < Rounds; i++) {
        WdfSpinLockAcquire(Lock);
        bad += KeGetCurrentIrql() != DISPATCH_LEVEL;
        (*Counter)++;
        WdfSpinLockRelease(Lock);
        bad += KeGetCurrentIrql() != entry;
    }
    return bad;
}

/* The same under the wait lock, which leaves the IRQL alone. */
ULONG DrvSyncWaitCount(WDFWAITLOCK Lock, ULONG *Counter, ULONG Rounds)
{
    ULONG bad = 0;
    for (ULONG i = 0; i < Rounds; i++) {
        bad += WdfWaitLockAcquire(Lock, NULL) != STATUS_SUCCESS;
        bad += KeGetCurrentIrql() != PASSIVE_LEVEL;
        (*Counter)++;
        WdfWaitLockRelease(Lock);
    }
    return bad;
}
