/* wdm_event.h - KEVENT operations without the DDI checks, for framework objects built on events
 * (WDFWAITLOCK) whose own DDI already checked the IRQL and wants findings to name itself.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/event-objects */
#ifndef DMABOX_WDM_EVENT_H
#define DMABOX_WDM_EVENT_H

#include <wdm.h>

/* KeWaitForSingleObject on an initialised event, minus the IRQL and object checks.
 * Returns STATUS_SUCCESS or STATUS_TIMEOUT. */
NTSTATUS wdm_event_wait(PRKEVENT event, const LARGE_INTEGER *timeout);

/* KeSetEvent minus the IRQL check; returns the previous state. */
LONG wdm_event_set(PRKEVENT event);

#endif
