/* fx_sync.h - framework spin locks and wait locks (kmdf layer, internal): the objects behind
 * WDFSPINLOCK and WDFWAITLOCK, usable by other framework code that needs a driver-visible lock
 * (queue and interrupt synchronisation).  A spin lock is a KSPIN_LOCK plus the IRQL saved at
 * acquisition; a wait lock is a synchronization KEVENT (signalled = free) plus its owner.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/synchronization-techniques-for-wdf-drivers */
#ifndef DMABOX_KMDF_FX_SYNC_H
#define DMABOX_KMDF_FX_SYNC_H

#include <ntddk.h>
#include <wdf.h>

#include "kmdf/object/fx_object.h"

struct fx_spinlock {
    struct fx_object obj;
    KSPIN_LOCK lock;
    KIRQL saved_irql;           /* written and read only by the owner, while it holds lock */
};

struct fx_waitlock {
    struct fx_object obj;
    KEVENT event;               /* synchronization event: signalled while the lock is free */
    _Atomic(const void *) owner;/* exec context of the holder, NULL when free */
};

static inline struct fx_spinlock *to_spinlock(struct fx_object *o)
{
    FX_ASSERT(o->ops->type == FX_TYPE_SPINLOCK);
    return FX_CONTAINER_OF(o, struct fx_spinlock, obj);
}

static inline struct fx_waitlock *to_waitlock(struct fx_object *o)
{
    FX_ASSERT(o->ops->type == FX_TYPE_WAITLOCK);
    return FX_CONTAINER_OF(o, struct fx_waitlock, obj);
}

/* Create an unlocked lock object for driver g (fx_object_create's statuses).  IRQL <= DISPATCH. */
NTSTATUS fx_spinlock_create(struct fx_driver_globals *g, PWDF_OBJECT_ATTRIBUTES attributes,
                            const char *ddi, const void *caller, struct fx_spinlock **out);
NTSTATUS fx_waitlock_create(struct fx_driver_globals *g, PWDF_OBJECT_ATTRIBUTES attributes,
                            const char *ddi, const void *caller, struct fx_waitlock **out);

/* Raises to DISPATCH_LEVEL and spins until owned; the previous IRQL is kept in the object.
 * IRQL <= DISPATCH_LEVEL (IRQL-001).  A recursive acquire is SPIN-003 and returns unowned. */
void fx_spinlock_acquire(struct fx_spinlock *s, const char *ddi, const void *caller);
/* Releases and returns to the saved IRQL.  At DISPATCH_LEVEL (SPIN-001); by the owner only
 * (SPIN-002: then nothing changes). */
void fx_spinlock_release(struct fx_spinlock *s, const char *ddi, const void *caller);

/* Waits for the lock (timeout as for KeWaitForSingleObject; NULL = forever, zero = try).
 * The caller checked the IRQL.  Returns STATUS_SUCCESS (now owned) or STATUS_TIMEOUT; an
 * acquire by the owner is WDF-LOCK-001 and returns STATUS_TIMEOUT without waiting. */
NTSTATUS fx_waitlock_acquire(struct fx_waitlock *w, const LARGE_INTEGER *timeout, const char *ddi,
                             const void *caller);
/* Releases; by the owner only (WDF-LOCK-002: then nothing changes).  IRQL <= DISPATCH_LEVEL. */
void fx_waitlock_release(struct fx_waitlock *w, const char *ddi, const void *caller);

#endif
