/* registry.h - the list of device models built into dmabox (devices layer).  The list is explicit
 * (registry.c), not assembled by constructors, so what a build contains can be read in one file. */
#ifndef DMABOX_DEVICES_REGISTRY_H
#define DMABOX_DEVICES_REGISTRY_H

#include <stddef.h>

#include <dmabox/device_model.h>

/* Every model, in a fixed order; *count receives how many.  The array is static and constant. */
const struct dmabox_device_model *const *dmabox_device_models(size_t *count);

/* The model with this name ("sgdma"), or NULL. */
const struct dmabox_device_model *dmabox_device_model_find(const char *name);

#endif
