/* wdm.h - the WDM kernel services a KMDF driver calls directly, as declared by the WDK.
 * The WDK ships this as one large header; here it is split by area under wdm/ so that each part
 * stays small and names its implementation file in src/wdm/.  Include <wdm.h> (or <ntddk.h>). */
#ifndef DMABOX_WDK_WDM_H
#define DMABOX_WDK_WDM_H

#include "ntdef.h"
#include "ntstatus.h"
#include "wdm/wdm_base.h"

#include "wdm/memory.h"
#include "wdm/pool.h"
#include "wdm/mdl.h"
#include "wdm/ioaccess.h"
#include "wdm/cmres.h"
#include "wdm/irql.h"
#include "wdm/spinlock.h"
#include "wdm/event.h"
#include "wdm/ketime.h"
#include "wdm/list.h"
#include "wdm/rtl.h"
#include "wdm/debug.h"
#include "wdm/interlocked.h"
#include "wdm/driverobj.h"
#include "wdm/irp.h"
#include "wdm/dma.h"

#endif
