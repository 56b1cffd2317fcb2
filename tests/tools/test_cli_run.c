/* test_cli_run.c - `dmabox run`, the main job (tests/tools, docs/cli.md): the reference KMDF
 * driver of each device moves every request's bytes (write, then read-back) with zero findings
 * and IOMMU faults, the framework's DMA counters and the interrupt counters move (pktdma bounces
 * its buffers above 4 GiB), the text report says PASS; --driver and option errors exit 2, a
 * module that is not a driver exits 1; the same seed gives the same bytes. */
#include <string.h>

#include "check.h"
#include "cli_exec.h"
#include "json_mini.h"
#include "cli_docs.h"

#define USAGE(...)                                                                             \
    do {                                                                                       \
        struct cli_result r_ = cli_run(__VA_ARGS__, NULL);                                     \
        CLI_CHECK_STATUS(r_, 2);                                                               \
        CHECK(strstr(r_.err, "dmabox run: ") != NULL);                                         \
        CHECK_EQ(strlen(r_.out), 0);                                                           \
        cli_free(&r_);                                                                         \
    } while (0)

/* Every documented field is there and the run is clean. */
static void check_clean(const struct jdoc *d, const char *device, uint64_t requests)
{
    static const char *const fields[] = {
        "command", "job", "device", "driver", "seed", "qd", "requests", "requests_done",
        "bytes_written", "bytes_read", "verified_bytes", "buffers_below_4g", "buffers_above_4g",
        "mismatches", "first_mismatch", "io_errors", "transactions", "transfers", "sg_elements",
        "bounce_bytes", "interrupts", "dpcs", "findings", "iommu_faults", "dma_denied",
        "elapsed_ns", "mb_per_s", "error", "result"};
    char want[32];

    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        CHECK(jdoc_get(d, fields[i]) != NULL);
    check_fields_documented("### JSON fields (`dmabox run --json`)", d);
    snprintf(want, sizeof(want), "\"%s\"", device);
    CHECK(jdoc_is(d, "command", "\"run\""));
    CHECK(jdoc_is(d, "job", "\"kmdf-driver\""));
    CHECK(jdoc_is(d, "device", want));
    CHECK(jdoc_is(d, "result", "\"pass\""));
    CHECK(jdoc_is(d, "error", "null"));
    CHECK(jdoc_is(d, "first_mismatch", "null"));
    CHECK_EQ(jdoc_u64(d, "requests_done"), requests);
    CHECK(jdoc_u64(d, "bytes_written") >= requests * 512);
    CHECK_EQ(jdoc_u64(d, "bytes_read"), jdoc_u64(d, "bytes_written"));
    CHECK_EQ(jdoc_u64(d, "verified_bytes"), jdoc_u64(d, "bytes_read"));
    CHECK_EQ(jdoc_u64(d, "mismatches"), 0);
    CHECK_EQ(jdoc_u64(d, "io_errors"), 0);
    CHECK_EQ(jdoc_u64(d, "findings"), 0);
    CHECK_EQ(jdoc_u64(d, "iommu_faults"), 0);
    CHECK_EQ(jdoc_u64(d, "dma_denied"), 0);
    CHECK(jdoc_u64(d, "buffers_below_4g") > 0 && jdoc_u64(d, "buffers_above_4g") > 0);
    /* Two transactions per request (write, read), at least one transfer and interrupt each. */
    CHECK_EQ(jdoc_u64(d, "transactions"), 2 * requests);
    CHECK(jdoc_u64(d, "transfers") >= 2 * requests);
    CHECK(jdoc_u64(d, "sg_elements") >= jdoc_u64(d, "transfers"));
    CHECK(jdoc_u64(d, "interrupts") > 0);
    CHECK(jdoc_u64(d, "elapsed_ns") > 0);
}

static void run_json(struct jdoc *d, struct cli_result *r, const char *device, const char *n,
                     const char *qd, const char *seed)
{
    *r = cli_run("run", "--device", device, "--requests", n, "--qd", qd, "--seed", seed, "--json",
                 NULL);
    cli_dump(r);
    CLI_CHECK_STATUS(*r, 0);
    REQUIRE(jdoc_parse(r->out, d));
}

int main(void)
{
    struct cli_result r, r2;
    struct jdoc d, d2;

    /* The demo: text report, PASS. */
    r = cli_run("run", NULL);
    CLI_CHECK_STATUS(r, 0);
    CHECK(strstr(r.out, "dmabox run: the sgdma reference KMDF driver on a simulated machine\n") ==
          r.out);
    CHECK(strstr(r.out, "\nrequests         64 of 64 done") != NULL);
    CHECK(strstr(r.out, "\nfindings         0\n") != NULL);
    CHECK(strstr(r.out, "\nresult           PASS\n") != NULL);
    CHECK_EQ(strlen(r.err), 0);
    cli_free(&r);

    /* sgdma: its driver counts its DPCs. */
    run_json(&d, &r, "sgdma", "40", "8", "3");
    check_clean(&d, "sgdma", 40);
    CHECK(jdoc_u64(&d, "dpcs") > 0);
    jdoc_free(&d);
    cli_free(&r);

    /* pktdma: a 32-bit device, so buffers above 4 GiB go through bounce pages. */
    run_json(&d, &r, "pktdma", "40", "8", "3");
    check_clean(&d, "pktdma", 40);
    CHECK(jdoc_u64(&d, "bounce_bytes") > 0);
    CHECK(jdoc_is(&d, "dpcs", "null"));
    jdoc_free(&d);
    cli_free(&r);

    /* Depth 1 and a deeper queue; the same seed moves the same bytes. */
    run_json(&d, &r, "sgdma", "12", "1", "9");
    check_clean(&d, "sgdma", 12);
    run_json(&d2, &r2, "sgdma", "12", "16", "9");
    check_clean(&d2, "sgdma", 12);
    CHECK_EQ(jdoc_u64(&d, "bytes_written"), jdoc_u64(&d2, "bytes_written"));
    jdoc_free(&d);
    jdoc_free(&d2);
    cli_free(&r);
    cli_free(&r2);

    /* A module that is not a driver: loading fails, exit 1 with the reason. */
    r = cli_run("run", "--driver", "/proc/self/exe", "--requests", "2", NULL);
    CLI_CHECK_STATUS(r, 1);
    CHECK(strstr(r.err, "dmabox run: cannot load the driver /proc/self/exe") != NULL);
    CHECK(strstr(r.out, "\nresult           FAIL\n") != NULL);
    cli_free(&r);

    /* Usage errors: exit 2, a message, no report. */
    r = cli_run("run", "--driver", "/nonexistent.so", NULL);
    CLI_CHECK_STATUS(r, 2);
    CHECK(strstr(r.err, "dmabox run: --driver '/nonexistent.so': no such readable file") != NULL);
    CHECK_EQ(strlen(r.out), 0);
    cli_free(&r);
    USAGE("run", "--bogus");
    USAGE("run", "--device", "nosuch");
    USAGE("run", "--requests", "0");
    USAGE("run", "--qd", "0");
    USAGE("run", "--qd", "65");
    USAGE("run", "--seed", "x");
    USAGE("run", "--driver");
    USAGE("run", "stray");

    r = cli_run("run", "--help", NULL);
    CLI_CHECK_STATUS(r, 0);
    CHECK(strstr(r.out, "usage: dmabox run") == r.out);
    CHECK(strstr(r.out, "--driver") != NULL && strstr(r.out, "--qd") != NULL);
    cli_free(&r);
    return check_done();
}
