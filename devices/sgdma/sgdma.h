/* sgdma.h - the sgdma device model's descriptor, for the model registry and for tests (devices
 * layer).  The hardware it models is specified in docs/devices/sgdma.md; its register map as data
 * is sgdma_regs.h. */
#ifndef DMABOX_DEVICES_SGDMA_H
#define DMABOX_DEVICES_SGDMA_H

#include <dmabox/device_model.h>

extern const struct dmabox_device_model sgdma_model;

#endif
