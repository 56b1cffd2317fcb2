/* test_pktdma_regs.c - the pktdma register file (tests/devices, label devices, no KMDF): PCI
 * identity and resources, reset values, access kinds (RO writes are guest errors, RW reads back,
 * CTRL strobes read 0, STATUS W1C), 32-bit-only access, options and their validation, and that
 * docs/devices/pktdma.md and pktdma_regs.h describe the same registers, fields and error codes. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

#include "test_pktdma_fixture.h"

#ifndef DMABOX_SOURCE_DIR
#error "DMABOX_SOURCE_DIR must name the source tree (tests/devices/CMakeLists.txt)"
#endif

static void test_identity(void)
{
    struct pk p;

    pk_setup(&p, NULL);
    CHECK_EQ(bus_config_read(p.dev, 0x00, 2), PKTDMA_VENDOR_ID);
    CHECK_EQ(bus_config_read(p.dev, 0x02, 2), PKTDMA_DEVICE_ID);
    CHECK_EQ(bus_config_read(p.dev, 0x08, 1), PKTDMA_REVISION);
    CHECK_EQ(bus_config_read(p.dev, 0x08, 4) >> 8, PKTDMA_CLASS_CODE);
    CHECK_EQ(bus_config_read(p.dev, 0x2C, 2), PKTDMA_VENDOR_ID);
    CHECK_EQ(bus_config_read(p.dev, 0x3D, 1), 1);   /* interrupt pin INTA: a line */
    CHECK(bus_device_model(p.dev) == &pktdma_model);
    CHECK_EQ(pktdma_model.dma_address_bits, 32);
    CHECK_EQ(intr_source_kind(p.src), INTR_KIND_LINE);
    pk_teardown(&p);
}

/* Reset values, access kinds and widths. */
static void test_access(void)
{
    struct pk p;
    uint64_t v = 0;
    unsigned ro = 0;

    pk_setup(&p, NULL);
    for (size_t i = 0; i < PKTDMA_NREGS; i++)
        CHECK_EQ(pk_rd(&p, pktdma_regs[i].offset), pktdma_regs[i].reset);

    for (size_t i = 0; i < PKTDMA_NREGS; i++) {
        const struct pktdma_reg_desc *r = &pktdma_regs[i];

        if (r->access == PKTDMA_ACCESS_RO) {
            pk_wr(&p, r->offset, 0xA5A5A5A5u);
            CHECK_EQ(pk_rd(&p, r->offset), r->reset);
            ro++;
        } else if (r->offset != PKTDMA_REG_CTRL && r->access == PKTDMA_ACCESS_RW) {
            pk_wr(&p, r->offset, 0xA5A5A5A5u);
            CHECK_EQ(pk_rd(&p, r->offset), 0xA5A5A5A5u);
            pk_wr(&p, r->offset, 0);
        }
    }
    CHECK_EQ(pk_dev_stats(&p).guest_errors, ro);

    /* CTRL: only DIRECTION and INT_ENABLE stick; ABORT when idle does nothing. */
    pk_wr(&p, PKTDMA_REG_CTRL, 0xFFFFFFE0u | PKTDMA_CTRL_RW_MASK | PKTDMA_CTRL_ABORT);
    CHECK_EQ(pk_rd(&p, PKTDMA_REG_CTRL), PKTDMA_CTRL_RW_MASK);
    CHECK_EQ(pk_rd(&p, PKTDMA_REG_STATUS), 0);
    pk_wr(&p, PKTDMA_REG_CTRL, 0);
    /* STATUS: writing ones when nothing is pending changes nothing and is no error. */
    pk_wr(&p, PKTDMA_REG_STATUS, 0xFFFFFFFFu);
    CHECK_EQ(pk_rd(&p, PKTDMA_REG_STATUS), 0);
    /* Unassigned offsets read 0; a write there is a guest error. */
    CHECK_EQ(pk_rd(&p, 0x18), 0);
    CHECK_EQ(pk_rd(&p, 0xFC), 0);
    pk_wr(&p, 0x3C, 1);
    CHECK_EQ(pk_dev_stats(&p).guest_errors, ro + 1);

    /* 8-, 16- and 64-bit accesses are refused by the bus (valid widths 4..4). */
    CHECK_EQ(mmio_read(p.m, (uint8_t *)p.regs + PKTDMA_REG_ID, 1, &v), -EINVAL);
    CHECK_EQ(mmio_read(p.m, (uint8_t *)p.regs + PKTDMA_REG_ID, 2, &v), -EINVAL);
    CHECK_EQ(mmio_read(p.m, (uint8_t *)p.regs + PKTDMA_REG_ID, 8, &v), -EINVAL);
    CHECK_EQ(mmio_write(p.m, (uint8_t *)p.regs + PKTDMA_REG_LENGTH, 2, 0x1234), -EINVAL);
    CHECK_EQ(pk_rd(&p, PKTDMA_REG_LENGTH), 0);
    pk_teardown(&p);
}

static void test_options(void)
{
    static const char *const opts[] = {"mem_mib=4", "max_len=65536", "align=64",
                                       "bandwidth=1000000000", "latency_ns=1000", NULL};
    static const char *const bad[][2] = {
        {"align=3", NULL}, {"align=8192", NULL}, {"mem_mib=0", NULL}, {"mem_mib=2048", NULL},
        {"max_len=100", NULL}, {"max_len=abc", NULL}, {"latency_ns=20000000000", NULL},
        {"bogus=1", NULL},
    };
    struct pk p;
    struct machine *m;

    pk_setup(&p, opts);
    CHECK_EQ(pk_rd(&p, PKTDMA_REG_CAP_MEM_SIZE), 4u << 20);
    CHECK_EQ(pk_rd(&p, PKTDMA_REG_CAP_MAX_LEN), 65536);
    CHECK_EQ(pk_rd(&p, PKTDMA_REG_CAP_ALIGN), 64);
    CHECK_EQ(pk_rd(&p, PKTDMA_REG_CAP_ADDR_BITS), 32);
    pk_teardown(&p);

    REQUIRE(machine_create(NULL, &m) == 0);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char name[64], err[256] = "";
        struct dmabox_prop prop;
        struct dmabox_props props = {.items = &prop, .count = 1};
        struct dmabox_dev *dev = NULL;
        char *eq;

        snprintf(name, sizeof(name), "%s", bad[i][0]);
        eq = strchr(name, '=');
        REQUIRE(eq != NULL);
        *eq = '\0';
        prop.name = name;
        prop.value = eq + 1;
        CHECK(bus_plug(m->bus, 0, &pktdma_model, &props, &dev, err, sizeof(err)) < 0);
        CHECK(dev == NULL);
        CHECK(err[0] != '\0');
    }
    CHECK(bus_slot_device(m->bus, 0) == NULL);
    machine_destroy(m);
}

/* ---- the document and the header agree ---- */

/* Splits a markdown table row into trimmed cells (without the outer pipes). */
static size_t split_row(char *line, char **cells, size_t max)
{
    size_t n = 0;
    char *s = line;

    if (*s != '|')
        return 0;
    s++;
    while (n < max) {
        char *bar = strchr(s, '|');
        char *end;

        if (bar == NULL)
            break;
        *bar = '\0';
        while (isspace((unsigned char)*s))
            s++;
        end = s + strlen(s);
        while (end > s && isspace((unsigned char)end[-1]))
            *--end = '\0';
        cells[n++] = s;
        s = bar + 1;
    }
    return n;
}

static const struct pktdma_reg_desc *reg_by_name(const char *name)
{
    for (size_t i = 0; i < PKTDMA_NREGS; i++)
        if (strcmp(pktdma_regs[i].name, name) == 0)
            return &pktdma_regs[i];
    return NULL;
}

static void check_reg_row(char **c, unsigned *seen)
{
    const struct pktdma_reg_desc *r = reg_by_name(c[1]);

    if (r == NULL) {
        check_fail(__FILE__, __LINE__, "register in header", "doc lists %s", c[1]);
        return;
    }
    CHECK_EQ(strtoul(c[0], NULL, 16), r->offset);
    CHECK(strcmp(c[2], pktdma_access_name(r->access)) == 0);
    CHECK_EQ(strtoul(c[3], NULL, 16), r->reset);
    (*seen)++;
}

static void check_field_row(char **c, unsigned *seen)
{
    const struct pktdma_reg_desc *r = reg_by_name(c[0]);
    unsigned hi = (unsigned)strtoul(c[1], NULL, 10), lo = hi;
    const char *dots = strstr(c[1], "..");

    if (dots != NULL)
        lo = (unsigned)strtoul(dots + 2, NULL, 10);
    REQUIRE(r != NULL);
    for (size_t i = 0; i < PKTDMA_NFIELDS; i++) {
        const struct pktdma_field_desc *f = &pktdma_fields[i];

        if (f->reg != r->offset || strcmp(f->name, c[2]) != 0)
            continue;
        CHECK_EQ(f->shift, lo);
        CHECK_EQ(f->width, hi - lo + 1);
        CHECK(strcmp(c[3], pktdma_access_name(f->access)) == 0);
        (*seen)++;
        return;
    }
    check_fail(__FILE__, __LINE__, "field in header", "doc lists %s.%s", c[0], c[2]);
}

static void test_doc_matches_header(void)
{
    FILE *fp = fopen(DMABOX_SOURCE_DIR "/docs/devices/pktdma.md", "r");
    char line[512];
    unsigned regs = 0, fields = 0, codes = 0;

    REQUIRE(fp != NULL);
    while (fgets(line, sizeof(line), fp) != NULL) {
        char *c[8];
        size_t n = split_row(line, c, 8);

        if (n == 5 && strncmp(c[0], "0x", 2) == 0)
            check_reg_row(c, &regs);
        else if (n == 5 && reg_by_name(c[0]) != NULL && isdigit((unsigned char)c[1][0]))
            check_field_row(c, &fields);
        else if (n == 3 && isdigit((unsigned char)c[0][0]) && c[0][1] == '\0') {
            CHECK(strcmp(c[1], pktdma_err_name((enum pktdma_err)(c[0][0] - '0'))) == 0);
            codes++;
        }
    }
    fclose(fp);
    CHECK_EQ(regs, PKTDMA_NREGS);
    CHECK_EQ(fields, PKTDMA_NFIELDS);
    CHECK_EQ(codes, PKTDMA_ERR_DEVICE + 1);
}

int main(void)
{
    test_doc_matches_header();
    test_identity();
    test_access();
    test_options();
    return check_done();
}
