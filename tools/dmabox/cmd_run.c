/* cmd_run.c - `dmabox run`, the main job (tools layer): options, the job (drvrun.c), the report
 * as text or one JSON object, and the exit status.  Options, fields and statuses: docs/cli.md. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "drvrun.h"
#include "json.h"

#define MAX_REQUESTS 1000000ull

static void usage(FILE *out)
{
    fprintf(out,
            "usage: dmabox run [--device sgdma|pktdma] [--driver PATH.so] [--requests N] [--qd N]\n"
            "                  [--seed S] [--json] [--help]\n\n"
            "The main job: the device's reference KMDF driver runs on a simulated machine.\n\n"
            "Creates a machine (seeded, RAM below and above 4 GiB, verifier recording), plugs the\n"
            "device in slot 0, loads its reference driver (drivers/<device>/<device>_drv.so of the\n"
            "build tree, found from the dmabox executable, or --driver), attaches it and opens the\n"
            "device by the driver's interface class.  Then N requests, QD in flight: each writes a\n"
            "seeded pattern (512 B .. 4 MiB, misaligned host buffers below/above 4 GiB with guard\n"
            "bytes, page-straddling device offsets) and reads it back; every byte is verified.\n\n"
            "options:\n"
            "  -d, --device NAME      sgdma (default) or pktdma\n"
            "  -D, --driver PATH.so   the driver module to load instead of the built one\n"
            "  -n, --requests N       number of requests, 1..%llu (default 64)\n"
            "  -q, --qd N             requests in flight, 1..%u (default 8)\n"
            "  -s, --seed S           seed of the machine and of the data (default 1)\n"
            "  -j, --json             print the report as one JSON object\n"
            "  -h, --help             this text\n\n"
            "exit status: 0 every byte verified with no verifier finding, IOMMU fault or I/O\n"
            "error; 1 data, I/O or verifier failure, or the driver could not be loaded/started;\n"
            "2 usage error (including a --driver file that does not exist).\n",
            MAX_REQUESTS, DRVRUN_MAX_QD);
}

/* Returns -1 when the options are good (run), else the exit status (help or usage error). */
static int parse(int argc, char **argv, struct drvrun_opts *o, bool *json)
{
    static const struct option options[] = {
        {"device", required_argument, NULL, 'd'}, {"driver", required_argument, NULL, 'D'},
        {"requests", required_argument, NULL, 'n'}, {"qd", required_argument, NULL, 'q'},
        {"seed", required_argument, NULL, 's'}, {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
    };
    uint64_t v;
    int c;

    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":d:D:n:q:s:jh", options, NULL)) != -1) {
        switch (c) {
        case 'd':
            if (strcmp(optarg, "sgdma") != 0 && strcmp(optarg, "pktdma") != 0)
                return cli_bad_usage("run", "unknown device '%s' (sgdma or pktdma)", optarg);
            o->device = optarg;
            break;
        case 'D':
            if (access(optarg, R_OK) != 0)
                return cli_bad_usage("run", "--driver '%s': no such readable file", optarg);
            o->driver = optarg;
            break;
        case 'n':
            if (cli_parse_u64(optarg, 1, MAX_REQUESTS, &o->requests) != 0)
                return cli_bad_usage("run", "bad --requests '%s'", optarg);
            break;
        case 'q':
            if (cli_parse_u64(optarg, 1, DRVRUN_MAX_QD, &v) != 0)
                return cli_bad_usage("run", "bad --qd '%s'", optarg);
            o->qd = (unsigned)v;
            break;
        case 's':
            if (cli_parse_u64(optarg, 0, UINT64_MAX, &o->seed) != 0)
                return cli_bad_usage("run", "bad --seed '%s'", optarg);
            break;
        case 'j':
            *json = true;
            break;
        case 'h':
            usage(stdout);
            return CLI_EXIT_OK;
        case ':':
            return cli_bad_usage("run", "option '%s' needs a value", argv[optind - 1]);
        default:
            return cli_bad_usage("run", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc)
        return cli_bad_usage("run", "unexpected argument '%s'", argv[optind]);
    return -1;
}

static double mb_per_s(const struct drvrun_result *r)
{
    return r->elapsed_ns == 0 ? 0.0
                              : (double)(r->bytes_written + r->bytes_read) * 1e3 / (double)r->elapsed_ns;
}

static void report_text(FILE *out, const struct drvrun_opts *o, const struct drvrun_result *r,
                        bool ok)
{
    const struct dmabox_dma_stats *d = &r->dma;

    fprintf(out, "dmabox run: the %s reference KMDF driver on a simulated machine\n\n", o->device);
    fprintf(out, "device           %s\n", o->device);
    fprintf(out, "driver           %s\n", r->driver_path);
    fprintf(out, "seed             %llu\n", (unsigned long long)o->seed);
    fprintf(out, "queue depth      %u\n", o->qd);
    fprintf(out, "requests         %llu of %llu done (write + read-back)\n",
            (unsigned long long)r->requests_done, (unsigned long long)o->requests);
    fprintf(out, "bytes            %llu written, %llu read, %llu verified\n",
            (unsigned long long)r->bytes_written, (unsigned long long)r->bytes_read,
            (unsigned long long)r->verified_bytes);
    fprintf(out, "host buffers     %llu below 4 GiB, %llu above, the rest anywhere\n",
            (unsigned long long)r->below_4g, (unsigned long long)r->above_4g);
    fprintf(out, "mismatches       %llu\n", (unsigned long long)r->mismatches);
    if (r->have_first)
        fprintf(out, "first mismatch   request %llu, %s, %s at offset %lld: expected 0x%02x, "
                "found 0x%02x\n", (unsigned long long)r->first_request, r->first_buffer,
                pattern_class_name(r->first.cls), (long long)r->first.offset, r->first.expected,
                r->first.found);
    fprintf(out, "i/o errors       %llu\n", (unsigned long long)r->io_errors);
    fprintf(out, "transactions     %llu\n", (unsigned long long)d->transactions);
    fprintf(out, "transfers        %llu (EvtProgramDma calls)\n",
            (unsigned long long)d->program_dma_calls);
    fprintf(out, "sg elements      %llu\n", (unsigned long long)d->sg_elements);
    fprintf(out, "bounce bytes     %llu (%llu in, %llu out)\n",
            (unsigned long long)(d->bounce_bytes_in + d->bounce_bytes_out),
            (unsigned long long)d->bounce_bytes_in, (unsigned long long)d->bounce_bytes_out);
    fprintf(out, "interrupts       %llu\n", (unsigned long long)r->interrupts);
    if (r->have_dpcs)
        fprintf(out, "dpcs             %llu\n", (unsigned long long)r->dpcs);
    else
        fprintf(out, "dpcs             n/a (the driver does not count them)\n");
    fprintf(out, "findings         %llu%s%s\n", (unsigned long long)r->findings,
            r->first_rule != NULL ? ", first rule " : "", r->first_rule != NULL ? r->first_rule : "");
    fprintf(out, "iommu faults     %llu\n", (unsigned long long)r->iommu_faults);
    fprintf(out, "dma denied       %llu\n", (unsigned long long)r->dma_denied);
    fprintf(out, "elapsed          %.3f ms\n", (double)r->elapsed_ns / 1e6);
    fprintf(out, "throughput       %.1f MB/s\n", mb_per_s(r));
    fprintf(out, "result           %s\n", ok ? "PASS" : "FAIL");
}

static void report_json(FILE *out, const struct drvrun_opts *o, const struct drvrun_result *r,
                        bool ok)
{
    const struct dmabox_dma_stats *d = &r->dma;
    struct json j;

    json_begin(&j, out);
    json_str(&j, "command", "run");
    json_str(&j, "job", "kmdf-driver");
    json_str(&j, "device", o->device);
    json_str(&j, "driver", r->driver_path);
    json_u64(&j, "seed", o->seed);
    json_u64(&j, "qd", o->qd);
    json_u64(&j, "requests", o->requests);
    json_u64(&j, "requests_done", r->requests_done);
    json_u64(&j, "bytes_written", r->bytes_written);
    json_u64(&j, "bytes_read", r->bytes_read);
    json_u64(&j, "verified_bytes", r->verified_bytes);
    json_u64(&j, "buffers_below_4g", r->below_4g);
    json_u64(&j, "buffers_above_4g", r->above_4g);
    json_u64(&j, "mismatches", r->mismatches);
    if (r->have_first) {
        json_object_begin(&j, "first_mismatch");
        json_u64(&j, "request", r->first_request);
        json_str(&j, "buffer", r->first_buffer);
        json_str(&j, "class", pattern_class_name(r->first.cls));
        json_i64(&j, "offset", r->first.offset);
        json_u64(&j, "expected", r->first.expected);
        json_u64(&j, "found", r->first.found);
        json_object_end(&j);
    } else {
        json_null(&j, "first_mismatch");
    }
    json_u64(&j, "io_errors", r->io_errors);
    json_u64(&j, "transactions", d->transactions);
    json_u64(&j, "transfers", d->program_dma_calls);
    json_u64(&j, "sg_elements", d->sg_elements);
    json_u64(&j, "bounce_bytes", d->bounce_bytes_in + d->bounce_bytes_out);
    json_u64(&j, "interrupts", r->interrupts);
    if (r->have_dpcs)
        json_u64(&j, "dpcs", r->dpcs);
    else
        json_null(&j, "dpcs");
    json_u64(&j, "findings", r->findings);
    json_u64(&j, "iommu_faults", r->iommu_faults);
    json_u64(&j, "dma_denied", r->dma_denied);
    json_u64(&j, "elapsed_ns", r->elapsed_ns);
    json_double(&j, "mb_per_s", mb_per_s(r));
    if (r->err[0] != '\0')
        json_str(&j, "error", r->err);
    else
        json_null(&j, "error");
    json_str(&j, "result", ok ? "pass" : "fail");
    json_end(&j);
}

int cmd_run(int argc, char **argv)
{
    struct drvrun_opts o = {.device = "sgdma", .requests = 64, .qd = 8, .seed = 1};
    struct drvrun_result *r;
    bool json = false, ok;
    int rc;

    rc = parse(argc, argv, &o, &json);
    if (rc >= 0)
        return rc;
    r = calloc(1, sizeof(*r));
    if (r == NULL) {
        fprintf(stderr, "dmabox run: out of memory\n");
        return CLI_EXIT_FAILURE;
    }
    rc = drvrun_run(&o, r);
    if (r->err[0] != '\0')
        fprintf(stderr, "dmabox run: %s\n", r->err);
    ok = rc == 0 && drvrun_passed(&o, r);
    if (json)
        report_json(stdout, &o, r, ok);
    else
        report_text(stdout, &o, r, ok);
    free(r);
    return ok ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
}
