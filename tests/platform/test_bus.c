/* test_bus.c - the PCI-like bus: config space (IDs, class, BAR sizing incl. a 64-bit BAR, MSI
 * capability), resource lists, plug errors with messages, unplug (platform tests). */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "model_echo.h"
#include "platform/bus.h"
#include "platform/exec_ctx.h"
#include "platform/machine.h"

static struct machine *m;

static uint32_t cfg(struct dmabox_dev *dev, unsigned off, unsigned size)
{
    return bus_config_read(dev, off, size);
}

static void test_identity(struct dmabox_dev *dev)
{
    CHECK_EQ(cfg(dev, 0x00, 2), ECHO_VENDOR);
    CHECK_EQ(cfg(dev, 0x02, 2), ECHO_DEVICE);
    CHECK_EQ(cfg(dev, 0x00, 4), ECHO_VENDOR | (uint32_t)ECHO_DEVICE << 16);
    CHECK_EQ(cfg(dev, 0x08, 1), 7);                        /* revision */
    CHECK_EQ(cfg(dev, 0x09, 1), 0x00);                     /* prog-if */
    CHECK_EQ(cfg(dev, 0x0A, 2), 0x0880);                   /* subclass, base class */
    CHECK_EQ(cfg(dev, 0x0E, 1), 0);                        /* header type 0 */
    CHECK_EQ(cfg(dev, 0x2C, 2), 0x1DB1);
    CHECK_EQ(cfg(dev, 0x2E, 2), 0x0042);
    CHECK_EQ(cfg(dev, 0x34, 1), 0);                        /* no capabilities: line device */
    CHECK_EQ(cfg(dev, 0x06, 2) & 0x10, 0);
    CHECK_EQ(cfg(dev, 0x3D, 1), 1);                        /* INTA# */
    CHECK_EQ(cfg(dev, 0x3C, 1), 16 + 2);                   /* slot 2 */
    CHECK_EQ(cfg(dev, 0x40, 4), 0xC0FFEE40u);              /* the model's own range */
    /* Bad accesses read all-ones. */
    CHECK_EQ(cfg(dev, 0x01, 2), 0xFFFFFFFFu);
    CHECK_EQ(cfg(dev, 0x100, 4), 0xFFFFFFFFu);
    CHECK_EQ(cfg(dev, 0x00, 3), 0xFFFFFFFFu);
    /* Command: only the implemented bits stick. */
    bus_config_write(dev, 0x04, 0xFFFF, 2);
    CHECK_EQ(cfg(dev, 0x04, 2), 0x0547);
    bus_config_write(dev, 0x04, 0x0006, 2);
    CHECK_EQ(cfg(dev, 0x04, 2), 0x0006);
    /* Interrupt status follows the line the model drives. */
    dmabox_irq_raise(dev);
    CHECK_EQ(cfg(dev, 0x06, 2) & 0x08, 0x08);
    dmabox_irq_lower(dev);
    CHECK_EQ(cfg(dev, 0x06, 2) & 0x08, 0);
    /* Interrupt line is writable; the pin is not. */
    bus_config_write(dev, 0x3C, 0x0B0B, 2);
    CHECK_EQ(cfg(dev, 0x3C, 2), 0x010B);
    bus_config_write(dev, 0x3C, 18, 1);
}

static void test_bar_sizing(struct dmabox_dev *dev, const struct bus_resource *res)
{
    uint32_t bar0 = cfg(dev, 0x10, 4), bar1 = cfg(dev, 0x14, 4);
    uint32_t lo = cfg(dev, 0x18, 4), hi = cfg(dev, 0x1C, 4);

    /* 32-bit memory BAR: address, type bits 0, sizing returns ~(size-1). */
    CHECK_EQ(bar0, res[0].start);
    CHECK_EQ(bar0 & 0xF, 0);
    bus_config_write(dev, 0x10, 0xFFFFFFFF, 4);
    CHECK_EQ(cfg(dev, 0x10, 4), 0xFFFFF000u);
    bus_config_write(dev, 0x10, bar0, 4);
    CHECK_EQ(cfg(dev, 0x10, 4), bar0);

    /* I/O BAR: bit 0 set, 32 ports. */
    CHECK_EQ(bar1 & 3, 1);
    CHECK_EQ(bar1 & ~3u, res[1].start);
    bus_config_write(dev, 0x14, 0xFFFFFFFF, 4);
    CHECK_EQ(cfg(dev, 0x14, 4), 0xFFFFFFE1u);
    bus_config_write(dev, 0x14, bar1, 4);
    CHECK_EQ(cfg(dev, 0x14, 4), bar1);

    /* 64-bit BAR in registers 2 and 3: type 10b, both halves size. */
    CHECK_EQ(lo & 0x7, 0x4);
    CHECK_EQ((uint64_t)(lo & ~0xFu) | (uint64_t)hi << 32, res[2].start);
    bus_config_write(dev, 0x18, 0xFFFFFFFF, 4);
    bus_config_write(dev, 0x1C, 0xFFFFFFFF, 4);
    CHECK_EQ(cfg(dev, 0x18, 4), 0xFFFF0000u | 0x4);
    CHECK_EQ(cfg(dev, 0x1C, 4), 0xFFFFFFFFu);
    bus_config_write(dev, 0x18, lo, 4);
    bus_config_write(dev, 0x1C, hi, 4);
    CHECK_EQ(cfg(dev, 0x18, 4), lo);
    CHECK_EQ(cfg(dev, 0x1C, 4), hi);

    /* Unimplemented BARs are hardwired to zero, also when sized. */
    bus_config_write(dev, 0x20, 0xFFFFFFFF, 4);
    CHECK_EQ(cfg(dev, 0x20, 4), 0);
    CHECK_EQ(cfg(dev, 0x24, 4), 0);
    /* BAR addresses are fixed: writing another address does not move the BAR. */
    bus_config_write(dev, 0x10, 0x12345000, 4);
    CHECK_EQ(cfg(dev, 0x10, 4), bar0);
}

static void test_resources(struct dmabox_dev *dev, struct bus_resource *res)
{
    struct bus_resource few[2];
    CHECK_EQ(bus_resources(dev, res, 8), 4);
    CHECK_EQ(res[0].type, BUS_RES_MEMORY);
    CHECK_EQ(res[0].bar, 0);
    CHECK_EQ(res[0].start, 0xE0000000ull);
    CHECK_EQ(res[0].length, ECHO_BAR0_SIZE);
    CHECK_EQ(res[1].type, BUS_RES_PORT);
    CHECK_EQ(res[1].bar, 1);
    CHECK_EQ(res[1].start, 0x1000);
    CHECK_EQ(res[1].length, ECHO_BAR1_SIZE);
    CHECK_EQ(res[2].type, BUS_RES_MEMORY);
    CHECK_EQ(res[2].bar, 2);
    CHECK(res[2].start >= PHYSMEM_4G + m->config.ram_bytes);   /* above the high RAM bank */
    CHECK_EQ(res[2].start % ECHO_BAR2_SIZE, 0);
    CHECK_EQ(res[2].length, ECHO_BAR2_SIZE);
    CHECK_EQ(res[3].type, BUS_RES_INTERRUPT);
    CHECK(!res[3].message);
    CHECK_EQ(res[3].vectors, 1);
    CHECK_EQ(res[3].line, 18);
    CHECK_EQ(res[3].level, EXEC_LEVEL_DEVICE_MIN + 2);
    /* A short array is filled as far as it goes; the count is still complete. */
    CHECK_EQ(bus_resources(dev, few, 2), 4);
    CHECK_EQ(few[1].type, BUS_RES_PORT);
    CHECK_EQ(bus_device_id(dev), 3);
    CHECK(bus_device_model(dev) == &echo_model);
    CHECK(bus_device_machine(dev) == m);
    CHECK(bus_device_intr(dev) != NULL);
}

static void test_msi(void)
{
    struct dmabox_device_model md = echo_model;
    struct dmabox_dev *dev;
    struct bus_resource res[4];
    char err[128];
    md.name = "echomsi";
    md.irq_kind = DMABOX_IRQ_MSI;
    md.msi_vectors = 4;
    REQUIRE(bus_plug(m->bus, 3, &md, NULL, &dev, err, sizeof(err)) == 0);
    CHECK_EQ(cfg(dev, 0x06, 2) & 0x10, 0x10);              /* capabilities list */
    CHECK_EQ(cfg(dev, 0x34, 1), 0xE0);
    CHECK_EQ(cfg(dev, 0xE0, 1), 0x05);                     /* MSI */
    CHECK_EQ(cfg(dev, 0xE1, 1), 0x00);                     /* end of list */
    CHECK_EQ((cfg(dev, 0xE2, 2) >> 1) & 7, 2);             /* Multiple Message Capable: 4 */
    CHECK_EQ(cfg(dev, 0xE2, 2) & 0x80, 0x80);              /* 64-bit address */
    CHECK_EQ(cfg(dev, 0x3D, 1), 0);                        /* no INTx pin */
    bus_config_write(dev, 0xE2, 0x0071, 2);                /* enable + ask for 128 messages */
    CHECK_EQ(cfg(dev, 0xE2, 2) & 0x71, 0x21);              /* MME clamped to 4 messages */
    bus_config_write(dev, 0xE4, 0xFEE00003, 4);
    CHECK_EQ(cfg(dev, 0xE4, 4), 0xFEE00000u);
    bus_config_write(dev, 0xEC, 0x4041, 2);
    CHECK_EQ(cfg(dev, 0xEC, 2), 0x4041);
    CHECK_EQ(bus_resources(dev, res, 4), 4);
    CHECK(res[3].message);
    CHECK_EQ(res[3].vectors, 4);
    CHECK_EQ(res[3].line, BUS_MSI_FIRST_MESSAGE + 3 * 32);
    CHECK_EQ(res[3].level, EXEC_LEVEL_DEVICE_MIN + 3);
    /* Its BARs do not overlap those of the device in slot 2. */
    CHECK_EQ(res[0].start, 0xE0001000ull);
    CHECK_EQ(res[1].start, 0x1020);
    CHECK_EQ(strcmp(dmabox_dev_name(dev), "echomsi0"), 0);
    bus_unplug(dev);
}

static int plug_err(unsigned slot, const struct dmabox_device_model *md, const struct dmabox_props *p,
                    const char *want)
{
    char err[160] = "";
    struct dmabox_dev *dev = (struct dmabox_dev *)1;
    int rc = bus_plug(m->bus, slot, md, p, &dev, err, sizeof(err));
    CHECK(dev == NULL);
    if (strstr(err, want) == NULL)
        check_fail(__FILE__, __LINE__, "message", "'%s' lacks '%s'", err, want);
    return rc;
}

static void nop_reset(void *state)
{
    (void)state;
}

static void test_plug_errors(void)
{
    struct dmabox_device_model md = echo_model;
    struct dmabox_prop fail = {"fail", "1"}, bad = {"buf_kib", "lots"}, unknown = {"color", "red"};
    struct dmabox_props pf = {&fail, 1}, pb = {&bad, 1}, pu = {&unknown, 1};

    CHECK_EQ(plug_err(2, &echo_model, NULL, "slot 2 is busy (echo0)"), -EBUSY);
    CHECK_EQ(plug_err(8, &echo_model, NULL, "slot 8"), -EINVAL);
    CHECK_EQ(plug_err(4, &echo_model, &pf, "echo1: asked to fail"), -EINVAL);
    CHECK_EQ(plug_err(4, &echo_model, &pb, "buf_kib"), -EINVAL);
    CHECK_EQ(plug_err(4, &echo_model, &pu, "unknown option 'color'"), -EINVAL);
    CHECK(bus_slot_device(m->bus, 4) == NULL);             /* failed plugs leave the slot free */

    md.abi_version = 99;
    CHECK_EQ(plug_err(4, &md, NULL, "ABI 99"), -EINVAL);
    md = echo_model;
    md.bars[0].size = 3000;
    CHECK_EQ(plug_err(4, &md, NULL, "BAR0: size 0xbb8"), -EINVAL);
    md = echo_model;
    md.bars[1].size = 512;                                 /* I/O BARs decode at most 256 ports */
    CHECK_EQ(plug_err(4, &md, NULL, "BAR1"), -EINVAL);
    md = echo_model;
    md.bars[3].type = DMABOX_BAR_MEM32;                    /* collides with the 64-bit BAR2 */
    md.bars[3].size = 4096;
    md.bars[3].ops = md.bars[0].ops;
    CHECK_EQ(plug_err(4, &md, NULL, "BAR2: a 64-bit BAR"), -EINVAL);
    md = echo_model;
    md.bars[0].ops = NULL;
    CHECK_EQ(plug_err(4, &md, NULL, "BAR0: no read/write ops"), -EINVAL);
    md = echo_model;
    md.reset = NULL;
    CHECK_EQ(plug_err(4, &md, NULL, "required"), -EINVAL);
    md.reset = nop_reset;
    md.irq_kind = DMABOX_IRQ_MSI;
    md.msi_vectors = 3;
    CHECK_EQ(plug_err(4, &md, NULL, "MSI needs"), -EINVAL);
    md = echo_model;
    md.dma_address_bits = 0;
    CHECK_EQ(plug_err(4, &md, NULL, "dma_address_bits"), -EINVAL);
    CHECK_EQ(plug_err(4, NULL, NULL, "no model"), -EINVAL);
}

/* A model that forgets to stop its worker: the bus stops it at unplug (and says so). */
static void leaky_unrealize(struct dmabox_dev *dev, void *state)
{
    struct echo_state *s = state;
    (void)dev;
    free(s->buf);
}

static void test_unplug(void)
{
    struct dmabox_device_model leaky = echo_model;
    struct dmabox_dev *a, *b;
    struct echo_state *s;
    char err[128];
    REQUIRE(bus_plug(m->bus, 5, &echo_model, NULL, &a, err, sizeof(err)) == 0);
    CHECK_EQ(strcmp(dmabox_dev_name(a), "echo1"), 0);      /* echo0 is in slot 2 */
    s = dmabox_dev_state(a);
    CHECK_EQ(s->resets, 1);                                /* reset once after realize */
    CHECK(bus_slot_device(m->bus, 5) == a);
    bus_unplug(a);
    CHECK(bus_slot_device(m->bus, 5) == NULL);
    REQUIRE(bus_plug(m->bus, 5, &echo_model, NULL, &b, err, sizeof(err)) == 0);
    CHECK(bus_slot_device(m->bus, 5) == b);
    bus_unplug(b);

    leaky.unrealize = leaky_unrealize;
    REQUIRE(bus_plug(m->bus, 6, &leaky, NULL, &a, err, sizeof(err)) == 0);
    bus_unplug(a);                                         /* must not leak or hang */
    CHECK(bus_slot_device(m->bus, 6) == NULL);
}

int main(void)
{
    struct dmabox_dev *dev, *left;
    struct bus_resource res[8];
    char err[128] = "";
    REQUIRE(machine_create(NULL, &m) == 0);
    REQUIRE(bus_plug(m->bus, 2, &echo_model, NULL, &dev, err, sizeof(err)) == 0);
    CHECK_EQ(strcmp(dmabox_dev_name(dev), "echo0"), 0);
    CHECK(bus_slot_device(m->bus, 2) == dev);
    CHECK(bus_slot_device(m->bus, 0) == NULL);
    test_identity(dev);
    test_resources(dev, res);
    test_bar_sizing(dev, res);
    test_msi();
    test_plug_errors();
    test_unplug();
    /* A device still plugged at machine_destroy is unplugged by it. */
    REQUIRE(bus_plug(m->bus, 7, &echo_model, NULL, &left, err, sizeof(err)) == 0);
    bus_unplug(dev);
    machine_destroy(m);
    return check_done();
}
