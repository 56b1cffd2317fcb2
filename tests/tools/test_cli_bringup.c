/* test_cli_bringup.c - `dmabox bringup` as `make demo` runs it, for both devices (tests/tools): exit 0, a
 * text report that says it is the device bring-up job and that every byte was verified; and runs
 * that make the job split: descriptors capped by max_desc_bytes (and batches capped by the ring),
 * pktdma transfers capped by max_len, and an alignment requirement. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "cli_exec.h"
#include "json_mini.h"

static void check_text_pass(const char *device, struct cli_result *r)
{
    char line[64];

    CLI_CHECK_STATUS(*r, 0);
    CHECK(strstr(r->out, "dmabox bringup: device bring-up: the model is driven directly over MMIO, DMA "
                         "windows and interrupts; the main job, through the KMDF driver, is "
                         "`dmabox run`\n") == r->out);
    snprintf(line, sizeof(line), "\ndevice           %s\n", device);
    CHECK(strstr(r->out, line) != NULL);
    CHECK(strstr(r->out, "\nrequests         64 of 64 done\n") != NULL);
    CHECK(strstr(r->out, "\nmismatches       0\n") != NULL);
    CHECK(strstr(r->out, "\niommu faults     0\n") != NULL);
    CHECK(strstr(r->out, "\nguest errors     0\n") != NULL);
    CHECK(strstr(r->out, "\ndevice errors    0\n") != NULL);
    CHECK(strstr(r->out, "\nresult           PASS\n") != NULL);
    CHECK(strstr(r->out, "MB/s\n") != NULL);
    CHECK_EQ(strlen(r->err), 0);
    cli_free(r);
}

static void run_json(struct jdoc *d, struct cli_result *r, const char *device, const char *option)
{
    *r = cli_run("bringup", "-d", device, "-n", "16", "-s", "3", "-o", option, "--json", NULL);
    CLI_CHECK_STATUS(*r, 0);
    REQUIRE(jdoc_parse(r->out, d));
    CHECK(jdoc_is(d, "result", "\"pass\""));
    CHECK_EQ(jdoc_u64(d, "requests_done"), 16);
    CHECK_EQ(jdoc_u64(d, "verified_bytes"), jdoc_u64(d, "bytes_d2h"));
    CHECK_EQ(jdoc_u64(d, "mismatches"), 0);
    CHECK_EQ(jdoc_u64(d, "iommu_faults"), 0);
    CHECK_EQ(jdoc_u64(d, "guest_errors"), 0);
}

int main(void)
{
    struct cli_result r;
    struct jdoc d;
    uint64_t bytes;

    /* The demo: `dmabox bringup`, and the same for pktdma. */
    r = cli_run("bringup", NULL);
    check_text_pass("sgdma", &r);
    r = cli_run("bringup", "--device", "pktdma", NULL);
    check_text_pass("pktdma", &r);

    /* sgdma with 512-byte descriptors: every descriptor <= 512 bytes, and requests above
     * 255 * 512 bytes take more than one batch of the 256-entry ring. */
    run_json(&d, &r, "sgdma", "max_desc_bytes=512");
    bytes = jdoc_u64(&d, "bytes_h2d") + jdoc_u64(&d, "bytes_d2h");
    CHECK(jdoc_u64(&d, "descriptors") >= bytes / 512);
    CHECK(jdoc_u64(&d, "transfers") > 2 * 16);
    cli_free(&r);

    /* pktdma with 4 KiB transfers: each request is split into ceil(size / 4096) GOs. */
    run_json(&d, &r, "pktdma", "max_len=4096");
    bytes = jdoc_u64(&d, "bytes_h2d") + jdoc_u64(&d, "bytes_d2h");
    CHECK(jdoc_u64(&d, "transfers") >= bytes / 4096);
    CHECK_EQ(jdoc_u64(&d, "interrupts_claimed"), jdoc_u64(&d, "transfers"));
    cli_free(&r);

    /* Alignment: sizes and offsets follow ALIGN / CAP_ALIGN, or the device would refuse them. */
    run_json(&d, &r, "sgdma", "align=64");
    CHECK_EQ(jdoc_u64(&d, "bytes_h2d") % 64, 0);
    cli_free(&r);
    run_json(&d, &r, "pktdma", "align=256");
    CHECK_EQ(jdoc_u64(&d, "bytes_h2d") % 256, 0);
    cli_free(&r);
    return check_done();
}
