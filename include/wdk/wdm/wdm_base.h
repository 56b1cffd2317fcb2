/* wdm/wdm_base.h - small helpers of wdm.h that belong to no one area: the flag-testing macros
 * drivers use on their own bit fields (FlagOn, SetFlag, ...), which the WDK defines in wdm.h and
 * ntifs.h.  Header layer.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/ */
#ifndef DMABOX_WDK_WDM_BASE_H
#define DMABOX_WDK_WDM_BASE_H

#include "../ntdef.h"

/* ntifs.h / wdm.h flag helpers, as drivers use them on their own flag words. */
#ifndef FlagOn
#define FlagOn(_F, _SF) ((_F) & (_SF))
#endif
#ifndef BooleanFlagOn
#define BooleanFlagOn(F, SF) ((BOOLEAN)(((F) & (SF)) != 0))
#endif
#ifndef SetFlag
#define SetFlag(_F, _SF) ((_F) |= (_SF))
#endif
#ifndef ClearFlag
#define ClearFlag(_F, _SF) ((_F) &= ~(_SF))
#endif

#endif
