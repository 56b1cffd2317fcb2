/* wdm/wdm_base.h - placeholder section of wdm.h; replaced by the per-area sections. */
#ifndef DMABOX_WDK_WDM_BASE_H
#define DMABOX_WDK_WDM_BASE_H
#endif
