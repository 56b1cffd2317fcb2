/* wdfsync.c - DDI shims of wdfsync.h (kmdf layer): handle, IRQL and parameter checks and the
 * documented statuses; the lock logic is in fx_sync.c.  A bad handle is a finding (a bug check
 * on Windows); after it, in RECORD mode, the DDI does nothing and a status-returning DDI returns
 * STATUS_INVALID_HANDLE.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfsync/nf-wdfsync-wdfspinlockcreate
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfsync/nf-wdfsync-wdfspinlockrelease
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfsync/nf-wdfsync-wdfwaitlockcreate
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfsync/nf-wdfsync-wdfwaitlockacquire */
#include "kmdf/ddi_table.h"
#include "kmdf/sync/fx_sync.h"
#include "platform/exec_ctx.h"
#include "verifier/vf.h"
#include "wdm/wdm_irql.h"

static struct fx_spinlock *spinlock_resolve(PWDF_DRIVER_GLOBALS globals, WDFSPINLOCK handle,
                                            const char *ddi, const void *caller)
{
    struct fx_object *obj = fx_object_resolve(globals, handle, FX_TYPE_SPINLOCK, ddi, caller);
    return obj != NULL ? to_spinlock(obj) : NULL;
}

static struct fx_waitlock *waitlock_resolve(PWDF_DRIVER_GLOBALS globals, WDFWAITLOCK handle,
                                            const char *ddi, const void *caller)
{
    struct fx_object *obj = fx_object_resolve(globals, handle, FX_TYPE_WAITLOCK, ddi, caller);
    return obj != NULL ? to_waitlock(obj) : NULL;
}

NTSTATUS imp_WdfSpinLockCreate(PWDF_DRIVER_GLOBALS globals, PWDF_OBJECT_ATTRIBUTES SpinLockAttributes,
                               WDFSPINLOCK *SpinLock)
{
    static const char ddi[] = "WdfSpinLockCreate";
    const void *caller = VF_CALLER();
    struct fx_spinlock *s;
    NTSTATUS status;

    if (!fx_check_not_null(SpinLock, "SpinLock", ddi, caller))
        return STATUS_INVALID_PARAMETER;
    *SpinLock = NULL;
    if (!fx_check_irql(EXEC_LEVEL_DISPATCH, ddi, caller))
        return STATUS_INVALID_DEVICE_REQUEST;
    status = fx_spinlock_create(fx_globals(globals), SpinLockAttributes, ddi, caller, &s);
    if (NT_SUCCESS(status))
        *SpinLock = (WDFSPINLOCK)fx_object_handle(&s->obj);
    return status;
}

void imp_WdfSpinLockAcquire(PWDF_DRIVER_GLOBALS globals, WDFSPINLOCK SpinLock)
{
    static const char ddi[] = "WdfSpinLockAcquire";
    const void *caller = VF_CALLER();
    struct fx_spinlock *s = spinlock_resolve(globals, SpinLock, ddi, caller);

    if (s != NULL)
        fx_spinlock_acquire(s, ddi, caller);
}

void imp_WdfSpinLockRelease(PWDF_DRIVER_GLOBALS globals, WDFSPINLOCK SpinLock)
{
    static const char ddi[] = "WdfSpinLockRelease";
    const void *caller = VF_CALLER();
    struct fx_spinlock *s = spinlock_resolve(globals, SpinLock, ddi, caller);

    if (s != NULL)
        fx_spinlock_release(s, ddi, caller);
}

NTSTATUS imp_WdfWaitLockCreate(PWDF_DRIVER_GLOBALS globals, PWDF_OBJECT_ATTRIBUTES LockAttributes,
                               WDFWAITLOCK *Lock)
{
    static const char ddi[] = "WdfWaitLockCreate";
    const void *caller = VF_CALLER();
    struct fx_waitlock *w;
    NTSTATUS status;

    if (!fx_check_not_null(Lock, "Lock", ddi, caller))
        return STATUS_INVALID_PARAMETER;
    *Lock = NULL;
    if (!fx_check_irql(EXEC_LEVEL_DISPATCH, ddi, caller))
        return STATUS_INVALID_DEVICE_REQUEST;
    status = fx_waitlock_create(fx_globals(globals), LockAttributes, ddi, caller, &w);
    if (NT_SUCCESS(status))
        *Lock = (WDFWAITLOCK)fx_object_handle(&w->obj);
    return status;
}

/* A wait that can block (NULL or non-zero timeout) needs PASSIVE_LEVEL: at DISPATCH_LEVEL or
 * above that is rule IRQL-004, at APC_LEVEL rule IRQL-002.  A zero timeout only tries and is
 * allowed up to DISPATCH_LEVEL, as wdfsync.h declares (the page says below DISPATCH_LEVEL and
 * notes the header's disagreement).  After a finding the acquire still runs. */
NTSTATUS imp_WdfWaitLockAcquire(PWDF_DRIVER_GLOBALS globals, WDFWAITLOCK Lock, PLONGLONG Timeout)
{
    static const char ddi[] = "WdfWaitLockAcquire";
    const void *caller = VF_CALLER();
    struct fx_waitlock *w = waitlock_resolve(globals, Lock, ddi, caller);
    KIRQL irql = wdm_irql_current();
    LARGE_INTEGER timeout;

    if (w == NULL)
        return STATUS_INVALID_HANDLE;
    if (Timeout == NULL || *Timeout != 0) {
        if (irql >= DISPATCH_LEVEL)
            vf_report(VF_RULE_WAIT_AT_DISPATCH, Lock, ddi, caller,
                      "wait lock acquire that can block (timeout %s) at IRQL %u",
                      Timeout == NULL ? "infinite" : "non-zero", irql);
        else
            wdm_irql_check_passive(ddi, caller);
    } else {
        wdm_irql_check_max(DISPATCH_LEVEL, ddi, caller);
    }
    if (Timeout != NULL)
        timeout.QuadPart = *Timeout;
    return fx_waitlock_acquire(w, Timeout != NULL ? &timeout : NULL, ddi, caller);
}

void imp_WdfWaitLockRelease(PWDF_DRIVER_GLOBALS globals, WDFWAITLOCK Lock)
{
    static const char ddi[] = "WdfWaitLockRelease";
    const void *caller = VF_CALLER();
    struct fx_waitlock *w = waitlock_resolve(globals, Lock, ddi, caller);

    if (w == NULL)
        return;
    wdm_irql_check_max(DISPATCH_LEVEL, ddi, caller);
    fx_waitlock_release(w, ddi, caller);
}
