/* test_sgdma_regmap.c - the sgdma register map (tests/devices): the two register tables of
 * docs/devices/sgdma.md match sgdma_regs.h row by row; a freshly plugged device (with options)
 * reads every reset value; access rules (widths, halves, RO/WO/reserved, guest errors); ring
 * register rules (writable only when not RUNNING, TAIL range); the MEM_WIN window; realize
 * options.  Spec: docs/devices/sgdma.md sections 2-5. */
#include <ctype.h>

#include "test_sgdma_fixture.h"

#ifndef DMABOX_SOURCE_DIR
#error "DMABOX_SOURCE_DIR must name the source tree"
#endif

static char *trim(char *p)
{
    while (isspace((unsigned char)*p))
        p++;
    char *e = p + strlen(p);
    while (e > p && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return p;
}

static enum sgdma_access parse_access(const char *a)
{
    if (strcmp(a, "RO") == 0)
        return SGDMA_ACCESS_RO;
    if (strcmp(a, "RW") == 0)
        return SGDMA_ACCESS_RW;
    if (strcmp(a, "W1C") == 0)
        return SGDMA_ACCESS_W1C;
    if (strcmp(a, "WO") == 0)
        return SGDMA_ACCESS_WO;
    return (enum sgdma_access)-1;
}

static enum sgdma_reset_kind parse_reset(const char *r, uint64_t *value)
{
    *value = 0;
    if (strcmp(r, "= max_desc_bytes") == 0)
        return SGDMA_RESET_OPT_MAX_DESC_BYTES;
    if (strcmp(r, "= align") == 0)
        return SGDMA_RESET_OPT_ALIGN;
    if (strcmp(r, "= mem_mib * 2^20") == 0)
        return SGDMA_RESET_OPT_MEM_SIZE;
    if (strcmp(r, "—") == 0)
        return SGDMA_RESET_NONE;
    *value = strtoull(r, NULL, 16);
    return SGDMA_RESET_CONST;
}

/* Compares one doc table with one header table; every row must match and none may be missing. */
static void check_table(char rows[][6][96], size_t nrows, const struct sgdma_reg_info *tab, size_t n,
                        const char *what)
{
    CHECK_EQ(nrows, n);
    for (size_t i = 0; i < nrows && i < n; i++) {
        const struct sgdma_reg_info *ri = &tab[i];
        uint64_t reset;
        enum sgdma_reset_kind kind = parse_reset(rows[i][4], &reset);
        bool ok = strtoul(rows[i][0], NULL, 16) == ri->offset && strcmp(rows[i][1], ri->name) == 0 &&
                  strtoul(rows[i][2], NULL, 10) == ri->width &&
                  parse_access(rows[i][3]) == ri->access && kind == ri->reset_kind &&
                  reset == ri->reset;
        if (ok)
            check_passed++;
        else
            check_fail(__FILE__, __LINE__, what, "doc row %zu (%s %s %s %s %s) != header %s", i,
                       rows[i][0], rows[i][1], rows[i][2], rows[i][3], rows[i][4], ri->name);
    }
}

static void test_doc_matches_header(void)
{
    static char rows[2][40][6][96];
    size_t nrows[2] = {0, 0};
    int table = -1;
    char line[512];
    FILE *f = fopen(DMABOX_SOURCE_DIR "/docs/devices/sgdma.md", "r");

    REQUIRE(f != NULL);
    while (fgets(line, sizeof(line), f) != NULL) {
        if (strncmp(line, "## ", 3) == 0)
            table = strncmp(line, "## 4 Global registers", 21) == 0   ? 0
                    : strncmp(line, "## 5 Channel registers", 22) == 0 ? 1
                                                                     : -1;
        if (table < 0 || strncmp(line, "| 0x", 4) != 0)
            continue;
        REQUIRE(nrows[table] < 40);
        char *save = NULL, *cell = strtok_r(line + 1, "|", &save);
        for (int k = 0; k < 6 && cell != NULL; k++, cell = strtok_r(NULL, "|", &save))
            snprintf(rows[table][nrows[table]][k], 96, "%s", trim(cell));
        nrows[table]++;
    }
    fclose(f);
    check_table(rows[0], nrows[0], sgdma_global_regs, SGDMA_GLOBAL_REG_COUNT, "global registers");
    check_table(rows[1], nrows[1], sgdma_chan_regs, SGDMA_CHAN_REG_COUNT, "channel registers");
}

static void test_reset_values(void)
{
    static const char *const opts[] = {"mem_mib=8", "align=4", "max_desc_bytes=65536", NULL};
    struct sg s;

    sg_setup(&s, opts);
    sg_set_mask(&s, SGDMA_INT_MASK_RESET);
    sg_check_reset_values(&s, ((struct sg_opts){65536, 4, 8u << 20}), true, 3, true);
    /* 64-bit registers read the same as two 32-bit halves. */
    CHECK_EQ(sg_rd(&s, SGDMA_REG_DEV_MEM_SIZE), 8u << 20);
    CHECK_EQ(sg_rd(&s, SGDMA_REG_DEV_MEM_SIZE + 4), 0);
    CHECK_EQ(sg_rd(&s, SGDMA_REG_CAPS) & SGDMA_CAPS_CHANNELS_MASK, 2);
    sg_teardown(&s);
}

static void test_access_rules(void)
{
    struct sg s;
    uint64_t v;

    sg_setup(&s, NULL);
    uint64_t ge = sg_guest_errors(&s);
    /* 8-byte access on a 32-bit register: refused by the model. */
    CHECK_EQ(sg_rd64(&s, SGDMA_REG_INT_STATUS), ~0ull);
    sg_wr64(&s, SGDMA_CHAN_BASE(0) + SGDMA_CH_TAIL, 1);
    CHECK_EQ(sg_crd(&s, 0, SGDMA_CH_TAIL), 0);
    CHECK_EQ(sg_guest_errors(&s), ge + 2);
    /* 1- and 2-byte and misaligned accesses are refused by the bus (valid widths 4..8). */
    CHECK(mmio_read(s.m, (uint8_t *)s.regs + SGDMA_REG_ID, 2, &v) != 0);
    CHECK(mmio_read(s.m, (uint8_t *)s.regs + SGDMA_REG_ID, 1, &v) != 0);
    CHECK(mmio_read(s.m, (uint8_t *)s.regs + 2, 4, &v) != 0);
    /* RO, WO and reserved. */
    ge = sg_guest_errors(&s);
    sg_wr(&s, SGDMA_REG_ID, 0);
    CHECK_EQ(sg_rd(&s, SGDMA_REG_ID), SGDMA_ID_MAGIC);
    sg_cwr(&s, 1, SGDMA_CH_HEAD, 3);
    CHECK_EQ(sg_crd(&s, 1, SGDMA_CH_HEAD), 0);
    sg_wr(&s, 0x02C, 0x1234);
    sg_wr(&s, 0xFFC, 0x1234);
    CHECK_EQ(sg_guest_errors(&s), ge + 4);
    CHECK_EQ(sg_rd(&s, 0x02C), 0);
    CHECK_EQ(sg_rd(&s, 0x1FC), 0);
    CHECK_EQ(sg_rd(&s, 0x800), 0);
    CHECK_EQ(sg_rd(&s, SGDMA_REG_RESET), 0);
    /* RING_BASE: one 64-bit write or two halves; RING_SIZE resets HEAD and TAIL. */
    sg_wr64(&s, SGDMA_CHAN_BASE(0) + SGDMA_CH_RING_BASE, 0x123456789ABCDE0ull);
    CHECK_EQ(sg_crd(&s, 0, SGDMA_CH_RING_BASE), 0x89ABCDE0u);
    CHECK_EQ(sg_crd(&s, 0, SGDMA_CH_RING_BASE + 4), 0x01234567u);
    sg_cwr(&s, 1, SGDMA_CH_RING_BASE, 0xCAFE0000u);
    sg_cwr(&s, 1, SGDMA_CH_RING_BASE + 4, 0x11u);
    CHECK_EQ(sg_crd64(&s, 1, SGDMA_CH_RING_BASE), 0x11CAFE0000ull);
    sg_cwr(&s, 1, SGDMA_CH_RING_SIZE, 16);
    sg_cwr(&s, 1, SGDMA_CH_TAIL, 5);
    CHECK_EQ(sg_crd(&s, 1, SGDMA_CH_TAIL), 5);
    sg_cwr(&s, 1, SGDMA_CH_RING_SIZE, 32);
    CHECK_EQ(sg_crd(&s, 1, SGDMA_CH_TAIL), 0);
    /* TAIL outside the ring is ignored. */
    ge = sg_guest_errors(&s);
    sg_cwr(&s, 1, SGDMA_CH_TAIL, 32);
    CHECK_EQ(sg_crd(&s, 1, SGDMA_CH_TAIL), 0);
    CHECK_EQ(sg_guest_errors(&s), ge + 1);
    /* Ring registers are frozen while RUNNING (an empty running ring touches no memory). */
    struct sg_ring r = sg_ring_setup(&s, 0, 8);
    sg_cwr(&s, 0, SGDMA_CH_CTRL, SGDMA_CTRL_RUN);
    CHECK_EQ(sg_crd(&s, 0, SGDMA_CH_STATUS), SGDMA_CHAN_STATE_RUNNING | SGDMA_STATUS_EMPTY);
    CHECK_EQ(sg_crd(&s, 0, SGDMA_CH_CTRL), SGDMA_CTRL_RUN);
    ge = sg_guest_errors(&s);
    sg_cwr(&s, 0, SGDMA_CH_RING_SIZE, 16);
    sg_wr64(&s, SGDMA_CHAN_BASE(0) + SGDMA_CH_RING_BASE, 0);
    CHECK_EQ(sg_crd(&s, 0, SGDMA_CH_RING_SIZE), 8);
    CHECK_EQ(sg_crd64(&s, 0, SGDMA_CH_RING_BASE), r.bus);
    CHECK_EQ(sg_guest_errors(&s), ge + 3);   /* size, base low half, base high half */
    sg_cwr(&s, 0, SGDMA_CH_CTRL, 0);
    CHECK_EQ(sg_crd(&s, 0, SGDMA_CH_STATUS), SGDMA_CHAN_STATE_IDLE | SGDMA_STATUS_EMPTY);
    sg_ring_free(&s, &r);
    sg_teardown(&s);
}

static void test_mem_window(void)
{
    static const char *const opts[] = {"mem_mib=1", NULL};
    struct sg s;

    sg_setup(&s, opts);
    sg_wr64(&s, SGDMA_REG_MEM_WIN_ADDR, 0x100);
    sg_wr(&s, SGDMA_REG_MEM_WIN_DATA, 0x11223344);
    sg_wr64(&s, SGDMA_REG_MEM_WIN_DATA, 0x8877665555667788ull);
    CHECK_EQ(sg_rd64(&s, SGDMA_REG_MEM_WIN_ADDR), 0x10C);
    sg_wr64(&s, SGDMA_REG_MEM_WIN_ADDR, 0x100);
    CHECK_EQ(sg_rd64(&s, SGDMA_REG_MEM_WIN_DATA), 0x5566778811223344ull);
    CHECK_EQ(sg_rd(&s, SGDMA_REG_MEM_WIN_DATA), 0x88776655u);
    /* Past the end or misaligned: all-ones, a guest error, the address does not move. */
    uint64_t ge = sg_guest_errors(&s);
    sg_wr64(&s, SGDMA_REG_MEM_WIN_ADDR, (1u << 20) - 4);
    CHECK_EQ(sg_rd(&s, SGDMA_REG_MEM_WIN_DATA), 0);
    CHECK_EQ(sg_rd(&s, SGDMA_REG_MEM_WIN_DATA), 0xFFFFFFFFu);
    CHECK_EQ(sg_rd64(&s, SGDMA_REG_MEM_WIN_ADDR), 1u << 20);
    sg_wr64(&s, SGDMA_REG_MEM_WIN_ADDR, 0x102);
    CHECK_EQ(sg_rd(&s, SGDMA_REG_MEM_WIN_DATA), 0xFFFFFFFFu);
    CHECK_EQ(sg_guest_errors(&s), ge + 2);
    /* FLR keeps device memory and clears the window address. */
    sg_wr(&s, SGDMA_REG_RESET, SGDMA_RESET_FLR);
    CHECK_EQ(sg_rd64(&s, SGDMA_REG_MEM_WIN_ADDR), 0);
    sg_wr64(&s, SGDMA_REG_MEM_WIN_ADDR, 0x104);
    CHECK_EQ(sg_rd(&s, SGDMA_REG_MEM_WIN_DATA), 0x55667788u);
    sg_teardown(&s);
}

/* Realize refuses bad options (the bus refuses names missing from options_help). */
static void test_options(void)
{
    static const char *const bad[][3] = {
        {"align=3", NULL}, {"align=8192", NULL}, {"mem_mib=0", NULL}, {"mem_mib=5000", NULL},
        {"max_desc_bytes=12", "align=8", NULL}, {"bandwidth=fast", NULL}, {"colour=blue", NULL},
    };
    struct machine *m;

    REQUIRE(machine_create(NULL, &m) == 0);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char text[2][32], err[256] = "";
        struct dmabox_prop p[2];
        struct dmabox_props props = {.items = p, .count = 0};
        struct dmabox_dev *dev = NULL;

        for (; props.count < 2 && bad[i][props.count] != NULL; props.count++) {
            snprintf(text[props.count], sizeof(text[0]), "%s", bad[i][props.count]);
            char *eq = strchr(text[props.count], '=');
            *eq = '\0';
            p[props.count] = (struct dmabox_prop){.name = text[props.count], .value = eq + 1};
        }
        CHECK(bus_plug(m->bus, 0, &sgdma_model, &props, &dev, err, sizeof(err)) < 0);
        CHECK(dev == NULL);
        CHECK(err[0] != '\0');
    }
    machine_destroy(m);
}

int main(void)
{
    test_doc_matches_header();
    test_reset_values();
    test_access_rules();
    test_mem_window();
    test_options();
    return check_done();
}
