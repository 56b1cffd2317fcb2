/* wdm/spinlock.h - executive spin locks and in-stack queued spin locks (KSPIN_LOCK), as declared
 * by the WDK for x64: KeAcquireSpinLock is a macro over KeAcquireSpinLockRaiseToDpc.
 * Implemented in src/wdm/spinlock.c; header layer.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/spin-locks
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/queued-spin-locks
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-keacquirespinlock */
#ifndef DMABOX_WDK_WDM_SPINLOCK_H
#define DMABOX_WDK_WDM_SPINLOCK_H

#include "irql.h"

/* The lock word: 0 when free, otherwise the identity of the owning thread. */
typedef ULONG_PTR KSPIN_LOCK;
typedef KSPIN_LOCK *PKSPIN_LOCK;

typedef struct _KSPIN_LOCK_QUEUE {
    struct _KSPIN_LOCK_QUEUE *volatile Next;
    PKSPIN_LOCK volatile Lock;
} KSPIN_LOCK_QUEUE, *PKSPIN_LOCK_QUEUE;

typedef struct _KLOCK_QUEUE_HANDLE {
    KSPIN_LOCK_QUEUE LockQueue;
    KIRQL OldIrql;
} KLOCK_QUEUE_HANDLE, *PKLOCK_QUEUE_HANDLE;

C_ASSERT(sizeof(KSPIN_LOCK) == 8 && sizeof(KLOCK_QUEUE_HANDLE) == 24);

NTKERNELAPI VOID KeInitializeSpinLock(_Out_ PKSPIN_LOCK SpinLock);

/* Raises to DISPATCH_LEVEL, acquires, returns the previous IRQL.  IRQL <= DISPATCH_LEVEL. */
_IRQL_requires_max_(DISPATCH_LEVEL) _IRQL_saves_ _IRQL_raises_(DISPATCH_LEVEL)
NTKERNELAPI KIRQL KeAcquireSpinLockRaiseToDpc(_Inout_ PKSPIN_LOCK SpinLock);
#define KeAcquireSpinLock(SpinLock, OldIrql) (*(OldIrql) = KeAcquireSpinLockRaiseToDpc(SpinLock))

/* Releases and lowers the IRQL to NewIrql (the value KeAcquireSpinLock saved). */
_IRQL_requires_(DISPATCH_LEVEL)
NTKERNELAPI VOID KeReleaseSpinLock(_Inout_ PKSPIN_LOCK SpinLock, _In_ _IRQL_restores_ KIRQL NewIrql);

/* The caller is already at IRQL >= DISPATCH_LEVEL; the IRQL is not changed. */
_IRQL_requires_min_(DISPATCH_LEVEL)
NTKERNELAPI VOID KeAcquireSpinLockAtDpcLevel(_Inout_ PKSPIN_LOCK SpinLock);
_IRQL_requires_min_(DISPATCH_LEVEL)
NTKERNELAPI VOID KeReleaseSpinLockFromDpcLevel(_Inout_ PKSPIN_LOCK SpinLock);
_IRQL_requires_min_(DISPATCH_LEVEL) _Must_inspect_result_
NTKERNELAPI BOOLEAN KeTryToAcquireSpinLockAtDpcLevel(_Inout_ PKSPIN_LOCK SpinLock);

/* Windows 7 variants for code that may run at PASSIVE or DISPATCH (e.g. threaded DPCs). */
_IRQL_requires_max_(DISPATCH_LEVEL) _IRQL_saves_ _IRQL_raises_(DISPATCH_LEVEL)
NTKERNELAPI KIRQL KeAcquireSpinLockForDpc(_Inout_ PKSPIN_LOCK SpinLock);
_IRQL_requires_(DISPATCH_LEVEL)
NTKERNELAPI VOID KeReleaseSpinLockForDpc(_Inout_ PKSPIN_LOCK SpinLock, _In_ _IRQL_restores_ KIRQL OldIrql);

/* Non-blocking test: TRUE if the lock is currently free.  Any IRQL. */
NTKERNELAPI BOOLEAN KeTestSpinLock(_In_ PKSPIN_LOCK SpinLock);

/* In-stack queued spin locks: the handle lives on the caller's stack and carries the old IRQL. */
_IRQL_requires_max_(DISPATCH_LEVEL) _IRQL_raises_(DISPATCH_LEVEL)
NTKERNELAPI VOID KeAcquireInStackQueuedSpinLock(_Inout_ PKSPIN_LOCK SpinLock,
                                               _Out_ PKLOCK_QUEUE_HANDLE LockHandle);
_IRQL_requires_(DISPATCH_LEVEL)
NTKERNELAPI VOID KeReleaseInStackQueuedSpinLock(_In_ PKLOCK_QUEUE_HANDLE LockHandle);
_IRQL_requires_min_(DISPATCH_LEVEL)
NTKERNELAPI VOID KeAcquireInStackQueuedSpinLockAtDpcLevel(_Inout_ PKSPIN_LOCK SpinLock,
                                                         _Out_ PKLOCK_QUEUE_HANDLE LockHandle);
_IRQL_requires_min_(DISPATCH_LEVEL)
NTKERNELAPI VOID KeReleaseInStackQueuedSpinLockFromDpcLevel(_In_ PKLOCK_QUEUE_HANDLE LockHandle);

#endif
