/* cmd_bringup.c - `dmabox bringup`: options, the run, the report and the exit status (tools layer).
 * The device bring-up job (bringup.h), kept for device-model work; `dmabox run` (cmd_run.c) is the
 * main job, through the KMDF driver.  Options, JSON fields and exit statuses: docs/cli.md. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bringup.h"
#include "cli.h"
#include "registry.h"
#include "report.h"

#define MAX_REQUESTS 1000000ull

enum { OPT_CORRUPT = 256 };

static void usage(FILE *out)
{
    fprintf(out,
            "usage: dmabox bringup [--device sgdma|pktdma] [--requests N] [--seed S]\n"
            "                  [--device-option NAME=VALUE]... [--fault SITE=SPEC]... [--json] [--help]\n\n"
            "This is the %s.\n\n"
            "Creates a machine (default configuration, seeded), plugs the device in slot 0, maps its\n"
            "BAR0 and connects its interrupt, then runs N requests: a seeded pattern is written from a\n"
            "host buffer to device memory and read back into another host buffer, with seeded sizes\n"
            "(512 B .. 1 MiB), page-straddling offsets and guard bytes around every buffer; IOMMU\n"
            "windows are open only while the device works, completion is by interrupt, and every\n"
            "byte is verified.\n\n"
            "options:\n"
            "  -d, --device NAME           device model (default sgdma; see `dmabox devices`)\n"
            "  -n, --requests N            number of requests, 1..%llu (default 64)\n"
            "  -s, --seed S                seed of the machine and of the data (default 1)\n"
            "  -o, --device-option N=V     plug option of the model (repeatable)\n"
            "  -f, --fault SITE=SPEC       arm a fault site before the requests, SPEC as\n"
            "                              p=0.01 | n=5 | n=5,every=10 (repeatable)\n"
            "  -j, --json                  print the report as one JSON object\n"
            "  -h, --help                  this text\n\n"
            "exit status: 0 everything verified with no fault, 1 data mismatch, device error, IOMMU\n"
            "fault or guest error, 2 usage error.\n",
            REPORT_BRINGUP_NOTE, MAX_REQUESTS);
}

/* NAME=VALUE into the option lists; the strings stay those of argv. */
static int add_device_option(struct bringup_opts *o, char *arg)
{
    char *eq = strchr(arg, '=');

    if (eq == NULL || eq == arg || o->noptions == BRINGUP_MAX_OPTIONS)
        return -1;
    *eq = '\0';
    o->option_names[o->noptions] = arg;
    o->option_values[o->noptions] = eq + 1;
    o->noptions++;
    return 0;
}

/* SITE=SPEC: the spec is parsed now, so a bad one is a usage error. */
static int add_fault(struct bringup_opts *o, char *arg)
{
    char *eq = strchr(arg, '=');

    if (eq == NULL || eq == arg || o->nfaults == BRINGUP_MAX_FAULTS ||
        fault_spec_parse(eq + 1, &o->fault_specs[o->nfaults]) != 0)
        return -1;
    *eq = '\0';
    o->fault_sites[o->nfaults++] = arg;
    return 0;
}

/* Returns -1 when the options are good (run), else the exit status (help or usage error). */
static int parse(int argc, char **argv, struct bringup_opts *o, bool *json)
{
    static const struct option options[] = {
        {"device", required_argument, NULL, 'd'},
        {"requests", required_argument, NULL, 'n'},
        {"seed", required_argument, NULL, 's'},
        {"device-option", required_argument, NULL, 'o'},
        {"fault", required_argument, NULL, 'f'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {"corrupt-device-memory", no_argument, NULL, OPT_CORRUPT},
        {NULL, 0, NULL, 0},
    };
    int c;

    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":d:n:s:o:f:jh", options, NULL)) != -1) {
        switch (c) {
        case 'd':
            o->device = optarg;
            break;
        case 'n':
            if (cli_parse_u64(optarg, 1, MAX_REQUESTS, &o->requests) != 0)
                return cli_bad_usage("bringup", "bad --requests '%s'", optarg);
            break;
        case 's':
            if (cli_parse_u64(optarg, 0, UINT64_MAX, &o->seed) != 0)
                return cli_bad_usage("bringup", "bad --seed '%s'", optarg);
            break;
        case 'o':
            if (add_device_option(o, optarg) != 0)
                return cli_bad_usage("bringup", "bad --device-option '%s' (NAME=VALUE, at most 16)", optarg);
            break;
        case 'f':
            if (add_fault(o, optarg) != 0)
                return cli_bad_usage("bringup", "bad --fault '%s' (SITE=SPEC, at most 8)", optarg);
            break;
        case 'j':
            *json = true;
            break;
        case 'h':
            usage(stdout);
            return CLI_EXIT_OK;
        case OPT_CORRUPT:
            o->corrupt = true;
            break;
        case ':':
            return cli_bad_usage("bringup", "option '%s' needs a value", argv[optind - 1]);
        default:
            return cli_bad_usage("bringup", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc)
        return cli_bad_usage("bringup", "unexpected argument '%s'", argv[optind]);
    if (dmabox_device_model_find(o->device) == NULL)
        return cli_bad_usage("bringup", "unknown device '%s' (dmabox devices lists them)", o->device);
    return -1;
}

int cmd_bringup(int argc, char **argv)
{
    struct bringup_opts o = {.device = "sgdma", .requests = 64, .seed = 1};
    struct bringup *b;
    bool json = false, ok;
    int rc;

    rc = parse(argc, argv, &o, &json);
    if (rc >= 0)
        return rc;
    b = calloc(1, sizeof(*b));
    if (b == NULL) {
        fprintf(stderr, "dmabox bringup: out of memory\n");
        return CLI_EXIT_FAILURE;
    }
    rc = bringup_run(b, &o);
    if (rc == -2) {   /* the model refused a --device-option */
        cli_bad_usage("bringup", "%s", b->err);
        free(b);
        return CLI_EXIT_USAGE;
    }
    ok = rc == 0;
    if (b->err[0] != '\0')
        fprintf(stderr, "dmabox bringup: %s\n", b->err);
    if (json)
        report_json(stdout, b, ok);
    else
        report_text(stdout, b, ok);
    rc = ok && report_passed(b) ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
    free(b);
    return rc;
}
