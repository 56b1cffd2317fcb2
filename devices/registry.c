/* registry.c - the explicit list of device models (devices layer).  Adding a model is adding its
 * header and one line below; nothing registers itself. */
#include "registry.h"

#include <string.h>

#include "pktdma/pktdma.h"
#include "sgdma/sgdma.h"

static const struct dmabox_device_model *const models[] = {
    &sgdma_model,
    &pktdma_model,
};

const struct dmabox_device_model *const *dmabox_device_models(size_t *count)
{
    *count = sizeof(models) / sizeof(models[0]);
    return models;
}

const struct dmabox_device_model *dmabox_device_model_find(const char *name)
{
    for (size_t i = 0; name != NULL && i < sizeof(models) / sizeof(models[0]); i++)
        if (strcmp(models[i]->name, name) == 0)
            return models[i];
    return NULL;
}
