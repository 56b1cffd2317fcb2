/* test_cli_usage.c - the command line's usage rules (tests/tools, docs/cli.md "Exit statuses"):
 * --help on every command exits 0 on stdout; unknown commands and options, missing or malformed
 * values, unknown devices, refused plug options and stray arguments exit 2 with a message on
 * stderr and no report; `dmabox devices` lists both models. */
#include <string.h>

#include "check.h"
#include "cli_exec.h"

#define USAGE(...)                                                                             \
    do {                                                                                       \
        struct cli_result r_ = cli_run(__VA_ARGS__, NULL);                                     \
        CLI_CHECK_STATUS(r_, 2);                                                               \
        CHECK(strstr(r_.err, "dmabox") != NULL);                                               \
        CHECK_EQ(strlen(r_.out), 0);                                                           \
        cli_free(&r_);                                                                         \
    } while (0)

int main(void)
{
    struct cli_result r;

    /* Help. */
    r = cli_run("bringup", "--help", NULL);
    CLI_CHECK_STATUS(r, 0);
    CHECK(strstr(r.out, "usage: dmabox bringup") == r.out);
    CHECK(strstr(r.out, "device bring-up: the model is driven directly over MMIO, DMA windows and "
                        "interrupts; the main job, through the KMDF driver, is `dmabox run`") != NULL);
    CHECK(strstr(r.out, "--json") != NULL && strstr(r.out, "--seed") != NULL);
    CHECK(strstr(r.out, "corrupt") == NULL);        /* documented in docs/cli.md, not in --help */
    cli_free(&r);
    r = cli_run("bringup", "-h", NULL);
    CLI_CHECK_STATUS(r, 0);
    cli_free(&r);
    r = cli_run("devices", "--help", NULL);
    CLI_CHECK_STATUS(r, 0);
    CHECK(strstr(r.out, "usage: dmabox devices") == r.out);
    cli_free(&r);
    r = cli_run("--help", NULL);
    CLI_CHECK_STATUS(r, 0);
    CHECK(strstr(r.out, "\n  run ") != NULL && strstr(r.out, "\n  devices ") != NULL);
    cli_free(&r);

    /* devices lists the registry, options indented under each model. */
    r = cli_run("devices", NULL);
    CLI_CHECK_STATUS(r, 0);
    CHECK(strncmp(r.out, "sgdma ", 6) == 0);
    CHECK(strstr(r.out, "\npktdma ") != NULL);
    CHECK(strstr(r.out, "      max_desc_bytes=1048576") != NULL);
    CHECK(strstr(r.out, "      max_len=1048576") != NULL);
    cli_free(&r);

    /* Usage errors: exit 2, a message, no report. */
    USAGE("bringup", "--bogus");
    USAGE("bringup", "-x");
    USAGE("bringup", "--requests");
    USAGE("bringup", "--requests", "0");
    USAGE("bringup", "--requests", "12x");
    USAGE("bringup", "--requests", "-3");
    USAGE("bringup", "--requests", "");
    USAGE("bringup", "--requests", "99999999999999999999999");
    USAGE("bringup", "--requests", "1000001");
    USAGE("bringup", "--seed", "seven");
    USAGE("bringup", "--seed", "-1");
    USAGE("bringup", "--device", "nosuch");
    USAGE("bringup", "--device");
    USAGE("bringup", "--device-option", "noequals");
    USAGE("bringup", "--device-option", "=1");
    USAGE("bringup", "--device-option", "bogus=1");             /* the model refuses it at plug */
    USAGE("bringup", "--device", "pktdma", "--device-option", "max_len=12");   /* out of range */
    USAGE("bringup", "--fault", "dev.stall");
    USAGE("bringup", "--fault", "dev.stall=p=2");
    USAGE("bringup", "stray");
    USAGE("bringup", "--json", "--requests", "abc");
    USAGE("devices", "--bogus");
    USAGE("devices", "stray");
    USAGE("nosuchcommand");

    r = cli_run(NULL);                                      /* no command at all */
    CLI_CHECK_STATUS(r, 2);
    CHECK(strstr(r.err, "usage: dmabox") != NULL);
    cli_free(&r);
    return check_done();
}
