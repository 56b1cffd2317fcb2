/* wdfglobals.h - the per-driver globals and the DDI function table pointer, as in the WDK.
 * Every driver image holds two variables (defined by the KMDF stub, src/kmdf/stub/wdf_stub.c):
 * WdfDriverGlobals, which the framework fills when it binds the driver, and WdfFunctions_01033,
 * the table every inline DDI wrapper calls through.  Both are written only by the framework.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/building-and-loading-a-kmdf-driver */
#ifndef DMABOX_WDK_WDFGLOBALS_H
#define DMABOX_WDK_WDFGLOBALS_H

#include "wdftypes.h"

#define WDF_DRIVER_GLOBALS_NAME_LEN (32)

typedef struct _WDF_DRIVER_GLOBALS {
    /* The driver's WDFDRIVER once WdfDriverCreate succeeded (WdfGetDriver reads it). */
    WDFDRIVER Driver;
    ULONG DriverFlags;
    /* Default pool tag for allocations the framework makes for this driver. */
    ULONG DriverTag;
    CHAR DriverName[WDF_DRIVER_GLOBALS_NAME_LEN];
    BOOLEAN DisplaceDriverUnload;
} WDF_DRIVER_GLOBALS, *PWDF_DRIVER_GLOBALS;

extern PWDF_DRIVER_GLOBALS WdfDriverGlobals;

typedef VOID (*WDFFUNC)(VOID);
extern const WDFFUNC *WdfFunctions_01033;
#define WdfFunctions WdfFunctions_01033

#endif
