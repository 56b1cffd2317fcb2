/* wdm_spinlock.h - the spin-lock word operations behind KSPIN_LOCK, for other modules that build
 * their own locks on it (WDFSPINLOCK, interrupt locks) and want findings to name their own DDI
 * and the driver's call site.  These never change the IRQL: the caller raises and lowers.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/spin-locks */
#ifndef DMABOX_WDM_SPINLOCK_H
#define DMABOX_WDM_SPINLOCK_H

#include <wdm.h>

/* Spins until the calling thread owns *lock; returns 1.  If the calling thread already owns it,
 * reports VF_RULE_SPINLOCK_RECURSIVE and returns 0 without waiting (so a recorded run does not
 * deadlock); the lock then stays owned once. */
int wdm_spinlock_acquire(PKSPIN_LOCK lock, const char *ddi, const void *caller);

/* One attempt; returns 1 if now owned by the caller, 0 if another thread owns it.  A recursive
 * attempt is reported like wdm_spinlock_acquire and returns 0. */
int wdm_spinlock_try_acquire(PKSPIN_LOCK lock, const char *ddi, const void *caller);

/* Releases *lock; returns 1.  If the calling thread does not own it, reports
 * VF_RULE_SPINLOCK_NOT_OWNED, leaves the lock word alone and returns 0. */
int wdm_spinlock_release(PKSPIN_LOCK lock, const char *ddi, const void *caller);

/* 1 if the calling thread owns *lock. */
int wdm_spinlock_owned(const KSPIN_LOCK *lock);

#endif
