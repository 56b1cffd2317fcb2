/* test_registry.c - the model registry (devices/registry.c): every listed model has a unique name,
 * is found by it, and plugs into the bus with its default options and unplugs cleanly. */
#include <string.h>

#include "check.h"
#include "platform/bus.h"
#include "platform/machine.h"
#include "registry.h"

int main(void)
{
    struct machine *m;
    size_t n = 0;
    const struct dmabox_device_model *const *models = dmabox_device_models(&n);
    REQUIRE(machine_create(NULL, &m) == 0);
    CHECK_EQ(n, 2);
    CHECK(dmabox_device_model_find("sgdma") != NULL);
    CHECK(dmabox_device_model_find("pktdma") != NULL);
    CHECK(dmabox_device_model_find("nosuch") == NULL);
    CHECK(dmabox_device_model_find(NULL) == NULL);
    for (size_t i = 0; i < n; i++) {
        struct dmabox_dev *dev = NULL;
        char err[160] = "";
        CHECK(dmabox_device_model_find(models[i]->name) == models[i]);
        for (size_t j = 0; j < i; j++)
            CHECK(strcmp(models[i]->name, models[j]->name) != 0);
        CHECK(models[i]->description != NULL);
        if (bus_plug(m->bus, (unsigned)i, models[i], NULL, &dev, err, sizeof(err)) != 0)
            check_fail(__FILE__, __LINE__, "bus_plug", "%s: %s", models[i]->name, err);
        else
            check_passed++;
    }
    for (size_t i = 0; i < n; i++) {
        struct dmabox_dev *dev = bus_slot_device(m->bus, (unsigned)i);
        if (dev != NULL)
            bus_unplug(dev);
    }
    machine_destroy(m);
    return check_done();
}
