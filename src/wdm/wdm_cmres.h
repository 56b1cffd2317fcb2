/* wdm_cmres.h - builds the raw and translated CM_RESOURCE_LISTs of a plugged device from the bus's
 * resource report (wdm layer, internal).  The KMDF layer wraps the two lists as the WDFCMRESLISTs
 * of EvtDevicePrepareHardware.  What each descriptor holds is listed in docs/wdm-io.md.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/raw-and-translated-resources
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/using-interrupt-resource-descriptors */
#ifndef DMABOX_WDM_WDM_CMRES_H
#define DMABOX_WDM_WDM_CMRES_H

#include "wdm/cmres.h"

struct dmabox_dev;

/* The translated vector of an interrupt at device level `level`: on x64 Windows the IRQL of a
 * vector is vector / 16, so the vector carries its level; the low bits come from the raw line or
 * first message.  Nothing in dmabox looks interrupts up by vector: the KMDF layer finds the source
 * through the device (bus_device_intr) and the descriptor's position. */
#define WDM_CMRES_VECTOR(level, line) ((ULONG)(((level) << 4) | ((line) & 0xfu)))

/* Allocates and fills *raw and *translated, one CM_FULL_RESOURCE_DESCRIPTOR each (PCIBus, bus 0,
 * version 1.1) with one partial descriptor per bus resource, in the bus's order: memory and port
 * BARs by BAR number, then the interrupt.  Both lists have the same count and order.
 * Returns STATUS_SUCCESS, STATUS_INSUFFICIENT_RESOURCES (no memory; both outputs NULL), or
 * STATUS_INVALID_PARAMETER (a NULL argument).  PASSIVE_LEVEL; the caller owns the lists and frees
 * them with wdm_cmres_free. */
NTSTATUS wdm_cmres_build(struct dmabox_dev *dev, PCM_RESOURCE_LIST *raw,
                         PCM_RESOURCE_LIST *translated);

/* Frees a list from wdm_cmres_build; NULL is ignored. */
void wdm_cmres_free(PCM_RESOURCE_LIST list);

/* Bytes of a one-bus resource list holding `count` partial descriptors. */
SIZE_T wdm_cmres_size(ULONG count);

#endif
