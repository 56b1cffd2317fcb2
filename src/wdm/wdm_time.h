/* wdm_time.h - clock conversions shared by the wdm waits and timers (wdm layer, internal).
 * NT time values count 100 ns units; a wait timeout is negative (relative), positive (absolute
 * system time since 1601) or zero (poll).  Deadlines here are CLOCK_MONOTONIC nanoseconds.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-kewaitforsingleobject */
#ifndef DMABOX_WDM_TIME_H
#define DMABOX_WDM_TIME_H

#include <stdint.h>

#include <wdm.h>

#define WDM_TIME_FOREVER UINT64_MAX
#define WDM_TIME_UNITS_PER_SECOND 10000000LL /* 100 ns units */

uint64_t wdm_time_monotonic_ns(void);

/* The system time now, 100 ns units since 1601-01-01 UTC (CLOCK_REALTIME). */
LONGLONG wdm_time_system_now(void);

/* The CLOCK_MONOTONIC deadline of an NT timeout: WDM_TIME_FOREVER for NULL, now for zero or an
 * absolute time already past. */
uint64_t wdm_time_deadline(const LARGE_INTEGER *timeout);

#endif
