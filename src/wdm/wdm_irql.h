/* wdm_irql.h - IRQL checks for the implementation of every DDI (wdm layer, internal).
 * A DDI documented as "callable at IRQL <= X" calls wdm_irql_check_max(X, ...) first; on a
 * violation the verifier reports rule IRQL-001 (or IRQL-002 for PASSIVE_LEVEL-only DDIs) naming
 * the DDI and the driver's call site, and the DDI then decides how to continue (usually: return
 * its documented failure, or carry on when the DDI has no failure status).
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/managing-hardware-priorities */
#ifndef DMABOX_WDM_IRQL_H
#define DMABOX_WDM_IRQL_H

#include <wdm.h>

#include "verifier/vf.h"

/* The calling thread's current IRQL (same as KeGetCurrentIrql, without a DDI call). */
KIRQL wdm_irql_current(void);

/* Sets the calling thread's IRQL without any check: for the platform glue that starts a DPC,
 * an ISR or a work item at its level.  Returns the previous level. */
KIRQL wdm_irql_set(KIRQL level);

/* Returns 1 if the current IRQL is <= max.  Otherwise reports VF_RULE_IRQL_TOO_HIGH against
 * `ddi` with `caller` (pass VF_CALLER() from the DDI) and returns 0. */
int wdm_irql_check_max(KIRQL max, const char *ddi, const void *caller);

/* Returns 1 at PASSIVE_LEVEL.  Otherwise reports VF_RULE_IRQL_NOT_PASSIVE and returns 0. */
int wdm_irql_check_passive(const char *ddi, const void *caller);

/* Returns 1 if the current IRQL is >= min; otherwise reports `rule` and returns 0.  For DDIs that
 * need a raised IRQL (the ...AtDpcLevel spin-lock calls report VF_RULE_SPINLOCK_IRQL). */
int wdm_irql_check_min(KIRQL min, enum vf_rule rule, const char *ddi, const void *caller);

#endif
