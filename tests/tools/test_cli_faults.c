/* test_cli_faults.c - `dmabox bringup` notices what goes wrong (tests/tools, docs/cli.md): a byte
 * flipped in device memory (--corrupt-device-memory, through the device's own DMA) is reported as
 * exactly one wrong-data mismatch at the flipped offset with exit status 1, for both devices; an
 * injected descriptor error or short transfer is a device error (exit 1) that stops the run; and
 * spurious interrupts are counted as unclaimed but do not fail a run. */
#include <string.h>

#include "check.h"
#include "cli_exec.h"
#include "json_mini.h"

static void check_corruption(const char *device)
{
    struct cli_result r = cli_run("bringup", "-d", device, "-n", "10", "-s", "5",
                                  "--corrupt-device-memory", "--json", NULL);
    struct jdoc d, corr, first;

    CLI_CHECK_STATUS(r, 1);
    REQUIRE(jdoc_parse(r.out, &d));
    CHECK(jdoc_is(&d, "result", "\"fail\""));
    CHECK_EQ(jdoc_u64(&d, "requests_done"), 10);
    CHECK_EQ(jdoc_u64(&d, "device_errors"), 0);
    CHECK_EQ(jdoc_u64(&d, "iommu_faults"), 0);
    CHECK_EQ(jdoc_u64(&d, "mismatches"), 1);
    CHECK_EQ(jdoc_u64(&d, "verified_bytes"), jdoc_u64(&d, "bytes_d2h") - 1);
    REQUIRE(jdoc_object(&d, "corruption", &corr));
    REQUIRE(jdoc_object(&d, "first_mismatch", &first));
    CHECK_EQ(jdoc_u64(&corr, "request"), 5);                 /* request N/2 */
    CHECK_EQ(jdoc_u64(&corr, "transfers"), 2);               /* read the chunk, write it back */
    CHECK_EQ(jdoc_u64(&first, "request"), 5);
    CHECK(jdoc_is(&first, "buffer", "\"dst\""));
    CHECK(jdoc_is(&first, "class", "\"wrong-data\""));
    CHECK_EQ(jdoc_u64(&first, "offset"), jdoc_u64(&corr, "offset"));
    CHECK_EQ(jdoc_u64(&first, "expected") ^ jdoc_u64(&first, "found"), 0x40);   /* bit 6 flipped */
    jdoc_free(&corr);
    jdoc_free(&first);
    cli_free(&r);

    /* The text report names the class and the offset too. */
    r = cli_run("bringup", "-d", device, "-n", "10", "-s", "5", "--corrupt-device-memory", NULL);
    CLI_CHECK_STATUS(r, 1);
    CHECK(strstr(r.out, "first mismatch   request 5, dst buffer, wrong-data at offset ") != NULL);
    CHECK(strstr(r.out, "\nresult           FAIL\n") != NULL);
    cli_free(&r);
}

/* A device error stops the run with exit 1 and a message naming what the device reported. */
static void check_device_error(const char *device, const char *fault, const char *msg)
{
    struct cli_result r = cli_run("bringup", "-d", device, "-n", "8", "--fault", fault, "--json", NULL);
    struct jdoc d;

    CLI_CHECK_STATUS(r, 1);
    REQUIRE(jdoc_parse(r.out, &d));
    CHECK_EQ(jdoc_u64(&d, "device_errors"), 1);
    CHECK(jdoc_u64(&d, "requests_done") < 8);
    CHECK(jdoc_is(&d, "result", "\"fail\""));
    CHECK(jdoc_is(&d, "error", "null") == false);
    CHECK(strstr(r.err, msg) != NULL);
    CHECK_EQ(jdoc_u64(&d, "iommu_windows_left"), 0);         /* windows closed on the error path */
    if (strstr(r.err, msg) == NULL)
        cli_dump(&r);
    cli_free(&r);
}

static void check_spurious(const char *device)
{
    struct cli_result r = cli_run("bringup", "-d", device, "-n", "16", "--fault", "dev.spurious_irq=p=0.5",
                                  "--json", NULL);
    struct jdoc d;

    CLI_CHECK_STATUS(r, 0);
    REQUIRE(jdoc_parse(r.out, &d));
    CHECK(jdoc_u64(&d, "interrupts_unclaimed") > 0);
    CHECK_EQ(jdoc_u64(&d, "interrupts_claimed"), jdoc_u64(&d, "transfers"));
    CHECK_EQ(jdoc_u64(&d, "mismatches"), 0);
    cli_free(&r);
}

int main(void)
{
    check_corruption("sgdma");
    check_corruption("pktdma");
    check_device_error("sgdma", "dev.desc_error=n=3", "ERROR DEVICE");
    check_device_error("pktdma", "dev.desc_error=n=3", "(DEVICE)");
    check_device_error("sgdma", "dev.short_xfer=n=2", "STATUS 0x00000005");   /* DONE | SHORT */
    check_device_error("pktdma", "dev.short_xfer=n=2", "BYTES_DONE");
    check_device_error("sgdma", "dev.bus_abort=n=4", "BUS_ABORT");
    check_spurious("sgdma");
    check_spurious("pktdma");
    return check_done();
}
