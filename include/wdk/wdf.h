/* wdf.h - the KMDF umbrella header, as in the WDK: a driver includes <ntddk.h> (or <wdm.h>) and
 * then <wdf.h>.  Each wdf*.h below declares one object family; its DDIs are inline wrappers that
 * call the framework through WdfFunctions (wdfglobals.h) at the indices of wdffuncenum.h.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/ */
#ifndef DMABOX_WDK_WDF_H
#define DMABOX_WDK_WDF_H

#if !defined(DMABOX_WDK_WDM_H)
#error "include <ntddk.h> or <wdm.h> before <wdf.h>"
#endif

#include "wdftypes.h"
#include "wdfglobals.h"
#include "wdffuncenum.h"
#include "wdfobject.h"
#include "wdfmemory.h"

/* ---- later object families: append one #include per header below, in WDK order
 * (wdfsync.h, wdfcore.h, wdfdriver.h, wdfdevice.h, wdfio.h, wdfrequest.h, wdfinterrupt.h,
 * wdfdpc.h, wdfworkitem.h, wdftimer.h, wdfresource.h, wdfdmaenabler.h, wdfcommonbuffer.h,
 * wdfdmatransaction.h, ...) ---- */
#include "wdfsync.h"
#include "wdfdriver.h"
#include "wdfdevice.h"
#include "wdfresource.h"
#include "wdfio.h"
#include "wdfrequest.h"

#include "wdfinterrupt.h"
#include "wdfdpc.h"
#include "wdfworkitem.h"
#include "wdftimer.h"
#include "wdfdmaenabler.h"
#include "wdfcommonbuffer.h"
#include "wdfdmatransaction.h"
#endif
