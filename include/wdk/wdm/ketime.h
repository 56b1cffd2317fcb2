/* wdm/ketime.h - kernel time services: system time (100 ns units since 1601-01-01, UTC),
 * interrupt time and the performance counter (both monotonic, 100 ns units / 10 MHz, as on
 * current Windows), tick count, and the busy-wait KeStallExecutionProcessor.
 * Implemented in src/wdm/ketime.c; header layer.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-kequeryperformancecounter
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-kequerysystemtime-r1
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-kestallexecutionprocessor */
#ifndef DMABOX_WDK_WDM_KETIME_H
#define DMABOX_WDK_WDM_KETIME_H

#include "irql.h"

/* Returns the counter (10 MHz); *PerformanceFrequency, if given, receives 10,000,000. */
NTKERNELAPI LARGE_INTEGER KeQueryPerformanceCounter(_Out_opt_ PLARGE_INTEGER PerformanceFrequency);

NTKERNELAPI VOID KeQuerySystemTime(_Out_ PLARGE_INTEGER CurrentTime);
NTKERNELAPI VOID KeQuerySystemTimePrecise(_Out_ PLARGE_INTEGER CurrentTime);

/* 100 ns units since the machine started counting (monotonic). */
NTKERNELAPI ULONGLONG KeQueryInterruptTime(VOID);
NTKERNELAPI ULONGLONG KeQueryInterruptTimePrecise(_Out_ PULONG64 QpcTimeStamp);
NTKERNELAPI ULONGLONG KeQueryUnbiasedInterruptTime(VOID);

/* Clock ticks of KeQueryTimeIncrement() (156,250 x 100 ns = 15.625 ms) since counting started. */
NTKERNELAPI ULONG KeQueryTimeIncrement(VOID);
NTKERNELAPI VOID KeQueryTickCount(_Out_ PLARGE_INTEGER CurrentCount);

/* Spins for MicroSeconds without giving up the processor.  Any IRQL; keep it short. */
NTHALAPI VOID KeStallExecutionProcessor(_In_ ULONG MicroSeconds);

#endif
