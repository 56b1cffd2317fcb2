/* irql.c - KeGetCurrentIrql, KeRaiseIrql/KeLowerIrql and the IRQL checks used by every DDI
 * (wdm layer).  The IRQL is the `level` of the calling thread's platform execution context, so
 * a DPC thread, an ISR delivery thread and an application thread each carry their own.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-keraiseirql
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-kelowerirql
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/paged_code */
#include "wdm_irql.h"

#include "platform/exec_ctx.h"

_Static_assert(HIGH_LEVEL == EXEC_LEVEL_HIGH && DISPATCH_LEVEL == EXEC_LEVEL_DISPATCH,
               "IRQL numbers are the platform's level numbers");

KIRQL wdm_irql_current(void)
{
    return exec_ctx_self()->level;
}

KIRQL wdm_irql_set(KIRQL level)
{
    struct exec_ctx *ctx = exec_ctx_self();
    KIRQL old = ctx->level;
    ctx->level = level;
    return old;
}

int wdm_irql_check_max(KIRQL max, const char *ddi, const void *caller)
{
    KIRQL now = wdm_irql_current();
    if (now <= max)
        return 1;
    vf_report(VF_RULE_IRQL_TOO_HIGH, NULL, ddi, caller, "called at IRQL %u, maximum is %u",
              now, max);
    return 0;
}

int wdm_irql_check_passive(const char *ddi, const void *caller)
{
    KIRQL now = wdm_irql_current();
    if (now == PASSIVE_LEVEL)
        return 1;
    vf_report(VF_RULE_IRQL_NOT_PASSIVE, NULL, ddi, caller,
              "called at IRQL %u, must be PASSIVE_LEVEL", now);
    return 0;
}

int wdm_irql_check_min(KIRQL min, enum vf_rule rule, const char *ddi, const void *caller)
{
    KIRQL now = wdm_irql_current();
    if (now >= min)
        return 1;
    vf_report(rule, NULL, ddi, caller, "called at IRQL %u, minimum is %u", now, min);
    return 0;
}

KIRQL KeGetCurrentIrql(VOID)
{
    return wdm_irql_current();
}

/* Rule IRQL-003: KeRaiseIrql must not lower, and the target must be a real level (<= HIGH_LEVEL).
 * On a violation the level is left unchanged and the current level is returned as "old", so a
 * recorded run stays consistent. */
static KIRQL irql_raise(KIRQL new_irql, const char *ddi, const void *caller)
{
    KIRQL now = wdm_irql_current();
    if (new_irql < now || new_irql > HIGH_LEVEL) {
        vf_report(VF_RULE_IRQL_RAISE_LOWER, NULL, ddi, caller,
                  "raise from IRQL %u to %u (must be >= current and <= HIGH_LEVEL)", now, new_irql);
        return now;
    }
    return wdm_irql_set(new_irql);
}

KIRQL KfRaiseIrql(KIRQL NewIrql)
{
    return irql_raise(NewIrql, "KeRaiseIrql", VF_CALLER());
}

/* Rule IRQL-003: KeLowerIrql must not raise. */
VOID KeLowerIrql(KIRQL NewIrql)
{
    KIRQL now = wdm_irql_current();
    if (NewIrql > now) {
        vf_report(VF_RULE_IRQL_RAISE_LOWER, NULL, "KeLowerIrql", VF_CALLER(),
                  "lower from IRQL %u to higher IRQL %u", now, NewIrql);
        return;
    }
    wdm_irql_set(NewIrql);
}

/* Callable at IRQL <= DISPATCH_LEVEL. */
KIRQL KeRaiseIrqlToDpcLevel(VOID)
{
    return irql_raise(DISPATCH_LEVEL, "KeRaiseIrqlToDpcLevel", VF_CALLER());
}

KIRQL KeRaiseIrqlToSynchLevel(VOID)
{
    return irql_raise(SYNCH_LEVEL, "KeRaiseIrqlToSynchLevel", VF_CALLER());
}

/* PAGED_CODE(): pageable code must run at IRQL <= APC_LEVEL (rule IRQL-001). */
VOID wdm_paged_code_check(const char *function)
{
    wdm_irql_check_max(APC_LEVEL, function, VF_CALLER());
}
