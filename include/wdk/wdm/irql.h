/* wdm/irql.h - interrupt request levels (IRQL) as the WDK declares them for x64, and PAGED_CODE.
 * The current IRQL is a property of the calling thread (the simulated processor it stands for);
 * src/wdm/irql.c keeps it in the platform's per-thread execution context.  Header layer.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/managing-hardware-priorities
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-keraiseirql
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/paged_code */
#ifndef DMABOX_WDK_WDM_IRQL_H
#define DMABOX_WDK_WDM_IRQL_H

#include "../ntdef.h"

/* x64 levels.  Device interrupts (DIRQL) lie between DISPATCH_LEVEL and CLOCK_LEVEL. */
#define PASSIVE_LEVEL 0
#define LOW_LEVEL 0
#define APC_LEVEL 1
#define DISPATCH_LEVEL 2
#define CMCI_LEVEL 5
#define SYNCH_LEVEL 12
#define CLOCK_LEVEL 13
#define IPI_LEVEL 14
#define DRS_LEVEL 14
#define POWER_LEVEL 14
#define PROFILE_LEVEL 15
#define HIGH_LEVEL 15

_IRQL_requires_max_(HIGH_LEVEL)
NTHALAPI KIRQL KeGetCurrentIrql(VOID);

/* Raises to NewIrql and returns the previous level; NewIrql below the current level is misuse. */
_IRQL_raises_(NewIrql) _IRQL_saves_
NTHALAPI KIRQL KfRaiseIrql(_In_ KIRQL NewIrql);
#define KeRaiseIrql(NewIrql, OldIrql) (*(OldIrql) = KfRaiseIrql(NewIrql))

/* Lowers to NewIrql (normally the value KeRaiseIrql saved); above the current level is misuse. */
_IRQL_requires_max_(HIGH_LEVEL)
NTHALAPI VOID KeLowerIrql(_In_ _IRQL_restores_ KIRQL NewIrql);

_IRQL_requires_max_(DISPATCH_LEVEL) _IRQL_raises_(DISPATCH_LEVEL) _IRQL_saves_
NTKERNELAPI KIRQL KeRaiseIrqlToDpcLevel(VOID);

_IRQL_raises_(SYNCH_LEVEL) _IRQL_saves_
NTKERNELAPI KIRQL KeRaiseIrqlToSynchLevel(VOID);

/* PAGED_CODE(): the routine may page, so it must run at or below APC_LEVEL.  Checked at run time
 * (a verifier finding, rule IRQL-001, when called above).  #pragma alloc_text is a no-op here:
 * nothing is paged out, and drivers build with -Wno-unknown-pragmas. */
VOID wdm_paged_code_check(const char *function);
#define PAGED_CODE() wdm_paged_code_check(__func__)
#define PAGED_CODE_LOCKED() ((void)0)

#endif
