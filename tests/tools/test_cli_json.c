/* test_cli_json.c - `dmabox bringup --json` (tests/tools): the output is exactly one JSON object whose
 * field names are exactly those documented in docs/cli.md ("JSON fields"), for both devices, and
 * whose values agree with each other: every byte verified, no faults, one claimed interrupt per
 * transfer, the same seed giving the same run. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "cli_exec.h"
#include "json_mini.h"
#include "cli_docs.h"

static void run_json(const char *device, const char *requests, const char *seed, struct jdoc *d,
                     struct cli_result *r)
{
    *r = cli_run("bringup", "--device", device, "--requests", requests, "--seed", seed, "--json", NULL);
    CLI_CHECK_STATUS(*r, 0);
    if (!jdoc_parse(r->out, d)) {
        check_fail(__FILE__, __LINE__, "jdoc_parse", "stdout is not one JSON object");
        cli_dump(r);
        exit(1);
    }
    CHECK(strchr(r->out, '\n') == r->out + strlen(r->out) - 1);   /* one line */
}

static void check_clean_run(const struct jdoc *d, const char *device, uint64_t requests)
{
    char want[32];

    snprintf(want, sizeof(want), "\"%s\"", device);
    CHECK(jdoc_is(d, "device", want));
    CHECK(jdoc_is(d, "command", "\"bringup\""));
    CHECK(jdoc_is(d, "job", "\"device-bringup\""));
    CHECK(jdoc_is(d, "result", "\"pass\""));
    CHECK(jdoc_is(d, "error", "null"));
    CHECK(jdoc_is(d, "first_mismatch", "null"));
    CHECK(jdoc_is(d, "corruption", "null"));
    CHECK_EQ(jdoc_u64(d, "requests"), requests);
    CHECK_EQ(jdoc_u64(d, "requests_done"), requests);
    CHECK(jdoc_u64(d, "bytes_h2d") >= requests * 512);
    CHECK(jdoc_u64(d, "bytes_h2d") <= requests << 20);
    CHECK_EQ(jdoc_u64(d, "bytes_d2h"), jdoc_u64(d, "bytes_h2d"));
    CHECK_EQ(jdoc_u64(d, "verified_bytes"), jdoc_u64(d, "bytes_d2h"));
    CHECK_EQ(jdoc_u64(d, "mismatches"), 0);
    CHECK_EQ(jdoc_u64(d, "device_errors"), 0);
    CHECK_EQ(jdoc_u64(d, "iommu_faults"), 0);
    CHECK_EQ(jdoc_u64(d, "dma_denied"), 0);
    CHECK_EQ(jdoc_u64(d, "guest_errors"), 0);
    CHECK_EQ(jdoc_u64(d, "mmio_errors"), 0);
    CHECK_EQ(jdoc_u64(d, "iommu_windows_left"), 0);
    /* Sequential transfers, each completed by exactly one interrupt the ISR claims. */
    CHECK(jdoc_u64(d, "transfers") >= 2 * requests);
    CHECK_EQ(jdoc_u64(d, "interrupts_claimed"), jdoc_u64(d, "transfers"));
    CHECK_EQ(jdoc_u64(d, "interrupts_unclaimed"), 0);
    CHECK_EQ(jdoc_u64(d, "interrupts"), jdoc_u64(d, "transfers"));
    CHECK(jdoc_u64(d, "elapsed_ns") > 0);
    CHECK(jdoc_double(d, "mb_per_s") > 0.0);
}

int main(void)
{
    struct cli_result r1, r2, r3;
    struct jdoc d1, d2, d3;

    run_json("sgdma", "12", "7", &d1, &r1);
    check_fields_documented("### JSON fields (`dmabox bringup --json`)", &d1);
    check_clean_run(&d1, "sgdma", 12);
    CHECK(jdoc_u64(&d1, "descriptors") > jdoc_u64(&d1, "transfers"));   /* scattered buffers */
    CHECK_EQ(jdoc_u64(&d1, "seed"), 7);

    run_json("pktdma", "12", "7", &d2, &r2);
    check_fields_documented("### JSON fields (`dmabox bringup --json`)", &d2);
    check_clean_run(&d2, "pktdma", 12);
    CHECK_EQ(jdoc_u64(&d2, "descriptors"), 0);
    /* The same seed gives the same requests whatever the device (both can take 1 MiB). */
    CHECK_EQ(jdoc_u64(&d2, "bytes_h2d"), jdoc_u64(&d1, "bytes_h2d"));

    run_json("sgdma", "12", "0x8", &d3, &r3);
    check_clean_run(&d3, "sgdma", 12);
    CHECK(jdoc_u64(&d3, "bytes_h2d") != jdoc_u64(&d1, "bytes_h2d"));    /* another seed */
    cli_free(&r3);

    r3 = cli_run("bringup", "--device", "sgdma", "--requests", "12", "--seed", "7", "--json", NULL);
    CLI_CHECK_STATUS(r3, 0);
    REQUIRE(jdoc_parse(r3.out, &d3));
    CHECK_EQ(jdoc_u64(&d3, "bytes_h2d"), jdoc_u64(&d1, "bytes_h2d"));   /* replay */
    CHECK_EQ(jdoc_u64(&d3, "descriptors"), jdoc_u64(&d1, "descriptors"));
    CHECK_EQ(jdoc_u64(&d3, "transfers"), jdoc_u64(&d1, "transfers"));

    cli_free(&r1);
    cli_free(&r2);
    cli_free(&r3);
    return check_done();
}
