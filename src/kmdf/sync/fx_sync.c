/* fx_sync.c - framework spin locks and wait locks (kmdf layer): object types and lock logic;
 * the DDI shims are in wdfsync.c.  The spin lock reuses the KSPIN_LOCK word operations (so its
 * findings are the SPIN-* rules); the wait lock is a synchronization event with an owner, which
 * the KMDF verifier's lock tracking also keeps (recursive acquire, release by a non-owner).
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfsync/nf-wdfsync-wdfspinlockacquire
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfsync/nf-wdfsync-wdfwaitlockacquire
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfsync/nf-wdfsync-wdfwaitlockrelease */
#include "kmdf/sync/fx_sync.h"

#include "platform/exec_ctx.h"
#include "verifier/vf.h"
#include "wdm/wdm_event.h"
#include "wdm/wdm_irql.h"
#include "wdm/wdm_spinlock.h"

static const struct fx_object_ops fx_spinlock_ops = {
    .type = FX_TYPE_SPINLOCK,
    .size = sizeof(struct fx_spinlock),
};

static const struct fx_object_ops fx_waitlock_ops = {
    .type = FX_TYPE_WAITLOCK,
    .size = sizeof(struct fx_waitlock),
};

NTSTATUS fx_spinlock_create(struct fx_driver_globals *g, PWDF_OBJECT_ATTRIBUTES attributes,
                            const char *ddi, const void *caller, struct fx_spinlock **out)
{
    struct fx_object *obj;
    NTSTATUS status = fx_object_create(g, &fx_spinlock_ops, attributes, NULL, ddi, caller, &obj);

    *out = NULL;
    if (!NT_SUCCESS(status))
        return status;
    *out = to_spinlock(obj);
    KeInitializeSpinLock(&(*out)->lock);
    return STATUS_SUCCESS;
}

NTSTATUS fx_waitlock_create(struct fx_driver_globals *g, PWDF_OBJECT_ATTRIBUTES attributes,
                            const char *ddi, const void *caller, struct fx_waitlock **out)
{
    struct fx_object *obj;
    NTSTATUS status = fx_object_create(g, &fx_waitlock_ops, attributes, NULL, ddi, caller, &obj);

    *out = NULL;
    if (!NT_SUCCESS(status))
        return status;
    *out = to_waitlock(obj);
    KeInitializeEvent(&(*out)->event, SynchronizationEvent, TRUE);
    atomic_store_explicit(&(*out)->owner, NULL, memory_order_relaxed);
    return STATUS_SUCCESS;
}

void fx_spinlock_acquire(struct fx_spinlock *s, const char *ddi, const void *caller)
{
    KIRQL old = wdm_irql_current();

    /* Above DISPATCH_LEVEL the level is kept: never lower behind the driver's back. */
    if (wdm_irql_check_max(DISPATCH_LEVEL, ddi, caller))
        wdm_irql_set(DISPATCH_LEVEL);
    if (wdm_spinlock_acquire(&s->lock, ddi, caller))
        s->saved_irql = old;
}

void fx_spinlock_release(struct fx_spinlock *s, const char *ddi, const void *caller)
{
    KIRQL restore;

    wdm_irql_check_min(DISPATCH_LEVEL, VF_RULE_SPINLOCK_IRQL, ddi, caller);
    if (!wdm_spinlock_owned(&s->lock)) {
        wdm_spinlock_release(&s->lock, ddi, caller); /* reports SPIN-002 */
        return;
    }
    restore = s->saved_irql; /* read before the release lets another owner overwrite it */
    wdm_spinlock_release(&s->lock, ddi, caller);
    if (restore <= wdm_irql_current())
        wdm_irql_set(restore);
}

NTSTATUS fx_waitlock_acquire(struct fx_waitlock *w, const LARGE_INTEGER *timeout, const char *ddi,
                             const void *caller)
{
    const void *self = exec_ctx_self();
    NTSTATUS status;

    /* Rule WDF-LOCK-001: a wait lock is not recursive; on Windows this waits for itself. */
    if (atomic_load_explicit(&w->owner, memory_order_relaxed) == self) {
        vf_report(VF_RULE_LOCK_RECURSIVE, fx_object_handle(&w->obj), ddi, caller,
                  "wait lock already held by this thread");
        return STATUS_TIMEOUT;
    }
    status = wdm_event_wait(&w->event, timeout);
    if (status == STATUS_SUCCESS)
        atomic_store_explicit(&w->owner, self, memory_order_relaxed);
    return status;
}

void fx_waitlock_release(struct fx_waitlock *w, const char *ddi, const void *caller)
{
    const void *owner = atomic_load_explicit(&w->owner, memory_order_relaxed);

    /* Rule WDF-LOCK-002: only the holder releases. */
    if (owner != exec_ctx_self()) {
        vf_report(VF_RULE_LOCK_NOT_OWNED, fx_object_handle(&w->obj), ddi, caller, "%s",
                  owner == NULL ? "wait lock is not held" : "wait lock is held by another thread");
        return;
    }
    atomic_store_explicit(&w->owner, NULL, memory_order_relaxed);
    wdm_event_set(&w->event);
}
