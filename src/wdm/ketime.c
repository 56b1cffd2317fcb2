/* ketime.c - system time, interrupt time, performance counter, tick count and stalls (wdm layer).
 * The performance counter and interrupt time come from CLOCK_MONOTONIC in 100 ns units (a 10 MHz
 * counter, the frequency Windows reports on current hardware); system time from CLOCK_REALTIME
 * shifted to the NT epoch (1601-01-01 UTC).
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-kequeryperformancecounter
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-kequeryinterrupttime
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-kequerytimeincrement */
#include "wdm_time.h"

#include <time.h>

/* Seconds from 1601-01-01 to 1970-01-01. */
#define NT_EPOCH_TO_UNIX_SECONDS 11644473600LL
#define TIME_INCREMENT_100NS 156250u

static uint64_t clock_ns(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t wdm_time_monotonic_ns(void)
{
    return clock_ns(CLOCK_MONOTONIC);
}

LONGLONG wdm_time_system_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ((LONGLONG)ts.tv_sec + NT_EPOCH_TO_UNIX_SECONDS) * WDM_TIME_UNITS_PER_SECOND +
           ts.tv_nsec / 100;
}

uint64_t wdm_time_deadline(const LARGE_INTEGER *timeout)
{
    uint64_t now = wdm_time_monotonic_ns();
    uint64_t span_100ns;

    if (timeout == NULL)
        return WDM_TIME_FOREVER;
    if (timeout->QuadPart < 0) {
        /* -(INT64_MIN) does not fit: negate in unsigned arithmetic. */
        span_100ns = 0 - (uint64_t)timeout->QuadPart;
    } else {
        LONGLONG left = timeout->QuadPart - wdm_time_system_now();
        if (left <= 0)
            return now;
        span_100ns = (uint64_t)left;
    }
    if (span_100ns > (WDM_TIME_FOREVER - now) / 100)
        return WDM_TIME_FOREVER;
    return now + span_100ns * 100;
}

LARGE_INTEGER KeQueryPerformanceCounter(PLARGE_INTEGER PerformanceFrequency)
{
    LARGE_INTEGER counter;
    if (PerformanceFrequency != NULL)
        PerformanceFrequency->QuadPart = WDM_TIME_UNITS_PER_SECOND;
    counter.QuadPart = (LONGLONG)(wdm_time_monotonic_ns() / 100);
    return counter;
}

VOID KeQuerySystemTime(PLARGE_INTEGER CurrentTime)
{
    CurrentTime->QuadPart = wdm_time_system_now();
}

VOID KeQuerySystemTimePrecise(PLARGE_INTEGER CurrentTime)
{
    CurrentTime->QuadPart = wdm_time_system_now();
}

ULONGLONG KeQueryInterruptTime(VOID)
{
    return wdm_time_monotonic_ns() / 100;
}

ULONGLONG KeQueryInterruptTimePrecise(PULONG64 QpcTimeStamp)
{
    ULONGLONG t = wdm_time_monotonic_ns() / 100;
    *QpcTimeStamp = t; /* the performance counter runs on the same clock and units */
    return t;
}

ULONGLONG KeQueryUnbiasedInterruptTime(VOID)
{
    return wdm_time_monotonic_ns() / 100;
}

ULONG KeQueryTimeIncrement(VOID)
{
    return TIME_INCREMENT_100NS;
}

VOID KeQueryTickCount(PLARGE_INTEGER CurrentCount)
{
    CurrentCount->QuadPart = (LONGLONG)(KeQueryInterruptTime() / TIME_INCREMENT_100NS);
}

/* A busy wait, as on Windows: the thread keeps its (simulated) processor. */
VOID KeStallExecutionProcessor(ULONG MicroSeconds)
{
    uint64_t until = wdm_time_monotonic_ns() + (uint64_t)MicroSeconds * 1000u;
    while (wdm_time_monotonic_ns() < until) {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
    }
}
