/* ntddk.h - the WDK's driver-development header: wdm.h plus a few non-WDM kernel services. */
#ifndef DMABOX_WDK_NTDDK_H
#define DMABOX_WDK_NTDDK_H

#include "wdm.h"

#endif
