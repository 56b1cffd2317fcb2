/* wdfresource.h - framework resource-list objects, as declared by the WDK (KMDF 1.33): the
 * WDFCMRESLIST DDIs a driver uses in EvtDevicePrepareHardware to walk its raw and translated
 * resources.  dmabox implements the read-only part (count and descriptor); the resource
 * requirements lists (WDFIORESREQLIST, WDFIORESLIST) are not modelled.  Runtime side:
 * src/kmdf/core/wdfresource.c.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfresource/
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/raw-and-translated-resources */
#ifndef DMABOX_WDK_WDFRESOURCE_H
#define DMABOX_WDK_WDFRESOURCE_H

#include "wdfobject.h"

/* IRQL <= DISPATCH_LEVEL.  The number of descriptors in the list. */
typedef ULONG(NTAPI *PFN_WDFCMRESOURCELISTGETCOUNT)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                    WDFCMRESLIST List);
FORCEINLINE ULONG WdfCmResourceListGetCount(WDFCMRESLIST List)
{
    return ((PFN_WDFCMRESOURCELISTGETCOUNT)WdfFunctions[WdfCmResourceListGetCountTableIndex])(
        WdfDriverGlobals, List);
}

/* IRQL <= DISPATCH_LEVEL.  Descriptor Index (0-based) of the list, or NULL when Index is out
 * of range.  The descriptor stays valid until EvtDeviceReleaseHardware returns. */
typedef PCM_PARTIAL_RESOURCE_DESCRIPTOR(NTAPI *PFN_WDFCMRESOURCELISTGETDESCRIPTOR)(
    PWDF_DRIVER_GLOBALS DriverGlobals, WDFCMRESLIST List, ULONG Index);
FORCEINLINE PCM_PARTIAL_RESOURCE_DESCRIPTOR WdfCmResourceListGetDescriptor(WDFCMRESLIST List,
                                                                           ULONG Index)
{
    return ((PFN_WDFCMRESOURCELISTGETDESCRIPTOR)
                WdfFunctions[WdfCmResourceListGetDescriptorTableIndex])(WdfDriverGlobals, List,
                                                                        Index);
}

#endif
