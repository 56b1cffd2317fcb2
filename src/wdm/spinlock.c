/* spinlock.c - KSPIN_LOCK: executive and in-stack queued spin locks (wdm layer).
 * The lock word holds the owner's identity (its execution-context address), taken with an atomic
 * compare-and-swap.  Waiters spin with a pause hint, then yield the host CPU: unlike a real
 * processor at DISPATCH_LEVEL, the owner here is a host thread that can be preempted.
 * Queued locks use the same word (no FIFO hand-off), which keeps mutual exclusion and the IRQL
 * rules exact but does not model their fairness.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/spin-locks
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/queued-spin-locks
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-keacquirespinlockatdpclevel */
#include "wdm_spinlock.h"

#include <sched.h>

#include "platform/exec_ctx.h"
#include "verifier/vf.h"
#include "wdm_irql.h"

#define SPIN_PAUSES_BEFORE_YIELD 128

static ULONG_PTR spin_self(void)
{
    return (ULONG_PTR)exec_ctx_self();
}

static void spin_pause(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

int wdm_spinlock_owned(const KSPIN_LOCK *lock)
{
    return __atomic_load_n(lock, __ATOMIC_RELAXED) == spin_self();
}

/* Rule SPIN-003: a thread must not acquire a spin lock it already holds (on Windows this
 * deadlocks the processor). */
static int spin_check_recursive(PKSPIN_LOCK lock, const char *ddi, const void *caller)
{
    if (!wdm_spinlock_owned(lock))
        return 0;
    vf_report(VF_RULE_SPINLOCK_RECURSIVE, lock, ddi, caller,
              "spin lock already held by this thread");
    return 1;
}

int wdm_spinlock_try_acquire(PKSPIN_LOCK lock, const char *ddi, const void *caller)
{
    ULONG_PTR free_word = 0;
    if (spin_check_recursive(lock, ddi, caller))
        return 0;
    return __atomic_compare_exchange_n(lock, &free_word, spin_self(), 0, __ATOMIC_ACQUIRE,
                                       __ATOMIC_RELAXED);
}

int wdm_spinlock_acquire(PKSPIN_LOCK lock, const char *ddi, const void *caller)
{
    ULONG_PTR self = spin_self();
    unsigned spins = 0;

    if (spin_check_recursive(lock, ddi, caller))
        return 0;
    for (;;) {
        ULONG_PTR free_word = 0;
        if (__atomic_load_n(lock, __ATOMIC_RELAXED) == 0 &&
            __atomic_compare_exchange_n(lock, &free_word, self, 0, __ATOMIC_ACQUIRE,
                                        __ATOMIC_RELAXED))
            return 1;
        if (++spins < SPIN_PAUSES_BEFORE_YIELD) {
            spin_pause();
        } else {
            spins = 0;
            sched_yield();
        }
    }
}

/* Rule SPIN-002: only the owner may release a spin lock. */
int wdm_spinlock_release(PKSPIN_LOCK lock, const char *ddi, const void *caller)
{
    ULONG_PTR owner = __atomic_load_n(lock, __ATOMIC_RELAXED);
    if (owner != spin_self()) {
        vf_report(VF_RULE_SPINLOCK_NOT_OWNED, lock, ddi, caller,
                  owner == 0 ? "spin lock is not held" : "spin lock is held by another thread");
        return 0;
    }
    __atomic_store_n(lock, 0, __ATOMIC_RELEASE);
    return 1;
}

/* Raise for the acquiring DDIs: documented for IRQL <= DISPATCH_LEVEL (rule IRQL-001).  Above it
 * the level is kept, so a recorded run never lowers behind the driver's back. */
static KIRQL spin_raise_to_dpc(const char *ddi, const void *caller)
{
    KIRQL old = wdm_irql_current();
    if (wdm_irql_check_max(DISPATCH_LEVEL, ddi, caller))
        wdm_irql_set(DISPATCH_LEVEL);
    return old;
}

/* Lower for the releasing DDIs.  The lock is released at DISPATCH_LEVEL (rule SPIN-001: a driver
 * that lowered the IRQL while holding it is reported); NewIrql above the current level is rule
 * IRQL-003. */
static void spin_lower(KIRQL new_irql, const char *ddi, const void *caller)
{
    KIRQL now = wdm_irql_current();
    wdm_irql_check_min(DISPATCH_LEVEL, VF_RULE_SPINLOCK_IRQL, ddi, caller);
    if (new_irql > now) {
        vf_report(VF_RULE_IRQL_RAISE_LOWER, NULL, ddi, caller,
                  "release would raise IRQL from %u to %u", now, new_irql);
        return;
    }
    wdm_irql_set(new_irql);
}

/* Callable at any IRQL; the lock must not be held. */
VOID KeInitializeSpinLock(PKSPIN_LOCK SpinLock)
{
    __atomic_store_n(SpinLock, 0, __ATOMIC_RELAXED);
}

KIRQL KeAcquireSpinLockRaiseToDpc(PKSPIN_LOCK SpinLock)
{
    const void *caller = VF_CALLER();
    KIRQL old = spin_raise_to_dpc("KeAcquireSpinLock", caller);
    wdm_spinlock_acquire(SpinLock, "KeAcquireSpinLock", caller);
    return old;
}

VOID KeReleaseSpinLock(PKSPIN_LOCK SpinLock, KIRQL NewIrql)
{
    const void *caller = VF_CALLER();
    wdm_spinlock_release(SpinLock, "KeReleaseSpinLock", caller);
    spin_lower(NewIrql, "KeReleaseSpinLock", caller);
}

KIRQL KeAcquireSpinLockForDpc(PKSPIN_LOCK SpinLock)
{
    const void *caller = VF_CALLER();
    KIRQL old = spin_raise_to_dpc("KeAcquireSpinLockForDpc", caller);
    wdm_spinlock_acquire(SpinLock, "KeAcquireSpinLockForDpc", caller);
    return old;
}

VOID KeReleaseSpinLockForDpc(PKSPIN_LOCK SpinLock, KIRQL OldIrql)
{
    const void *caller = VF_CALLER();
    wdm_spinlock_release(SpinLock, "KeReleaseSpinLockForDpc", caller);
    spin_lower(OldIrql, "KeReleaseSpinLockForDpc", caller);
}

/* Rule SPIN-001: the ...AtDpcLevel / ...FromDpcLevel forms require IRQL >= DISPATCH_LEVEL. */
VOID KeAcquireSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock)
{
    const void *caller = VF_CALLER();
    wdm_irql_check_min(DISPATCH_LEVEL, VF_RULE_SPINLOCK_IRQL, "KeAcquireSpinLockAtDpcLevel", caller);
    wdm_spinlock_acquire(SpinLock, "KeAcquireSpinLockAtDpcLevel", caller);
}

VOID KeReleaseSpinLockFromDpcLevel(PKSPIN_LOCK SpinLock)
{
    const void *caller = VF_CALLER();
    wdm_irql_check_min(DISPATCH_LEVEL, VF_RULE_SPINLOCK_IRQL, "KeReleaseSpinLockFromDpcLevel",
                       caller);
    wdm_spinlock_release(SpinLock, "KeReleaseSpinLockFromDpcLevel", caller);
}

BOOLEAN KeTryToAcquireSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock)
{
    const void *caller = VF_CALLER();
    wdm_irql_check_min(DISPATCH_LEVEL, VF_RULE_SPINLOCK_IRQL, "KeTryToAcquireSpinLockAtDpcLevel",
                       caller);
    return wdm_spinlock_try_acquire(SpinLock, "KeTryToAcquireSpinLockAtDpcLevel", caller)
               ? TRUE
               : FALSE;
}

BOOLEAN KeTestSpinLock(PKSPIN_LOCK SpinLock)
{
    return __atomic_load_n(SpinLock, __ATOMIC_RELAXED) == 0 ? TRUE : FALSE;
}

VOID KeAcquireInStackQueuedSpinLock(PKSPIN_LOCK SpinLock, PKLOCK_QUEUE_HANDLE LockHandle)
{
    const void *caller = VF_CALLER();
    KIRQL old = spin_raise_to_dpc("KeAcquireInStackQueuedSpinLock", caller);
    wdm_spinlock_acquire(SpinLock, "KeAcquireInStackQueuedSpinLock", caller);
    LockHandle->LockQueue.Next = NULL;
    LockHandle->LockQueue.Lock = SpinLock;
    LockHandle->OldIrql = old;
}

VOID KeReleaseInStackQueuedSpinLock(PKLOCK_QUEUE_HANDLE LockHandle)
{
    const void *caller = VF_CALLER();
    wdm_spinlock_release(LockHandle->LockQueue.Lock, "KeReleaseInStackQueuedSpinLock", caller);
    spin_lower(LockHandle->OldIrql, "KeReleaseInStackQueuedSpinLock", caller);
}

VOID KeAcquireInStackQueuedSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock, PKLOCK_QUEUE_HANDLE LockHandle)
{
    const void *caller = VF_CALLER();
    wdm_irql_check_min(DISPATCH_LEVEL, VF_RULE_SPINLOCK_IRQL,
                       "KeAcquireInStackQueuedSpinLockAtDpcLevel", caller);
    wdm_spinlock_acquire(SpinLock, "KeAcquireInStackQueuedSpinLockAtDpcLevel", caller);
    LockHandle->LockQueue.Next = NULL;
    LockHandle->LockQueue.Lock = SpinLock;
    LockHandle->OldIrql = wdm_irql_current();
}

VOID KeReleaseInStackQueuedSpinLockFromDpcLevel(PKLOCK_QUEUE_HANDLE LockHandle)
{
    const void *caller = VF_CALLER();
    wdm_irql_check_min(DISPATCH_LEVEL, VF_RULE_SPINLOCK_IRQL,
                       "KeReleaseInStackQueuedSpinLockFromDpcLevel", caller);
    wdm_spinlock_release(LockHandle->LockQueue.Lock, "KeReleaseInStackQueuedSpinLockFromDpcLevel",
                         caller);
}
