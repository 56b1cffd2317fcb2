/* pktdma.h - the pktdma device model's descriptor (devices layer): a 32-bit bus master that moves
 * one packet at a time between host memory and its own memory, with one level-triggered line
 * interrupt.  Registers: pktdma_regs.h; specification: docs/devices/pktdma.md. */
#ifndef DMABOX_DEVICES_PKTDMA_H
#define DMABOX_DEVICES_PKTDMA_H

#include <dmabox/device_model.h>

extern const struct dmabox_device_model pktdma_model;

#endif
