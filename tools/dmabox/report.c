/* report.c - the report of `dmabox bringup` as text or as one JSON object (tools layer).  Field
 * names and meanings: docs/cli.md ("JSON fields"); keep the two in step. */
#include "report.h"

#include "json.h"

bool report_passed(const struct bringup *b)
{
    return b->st.requests_done == b->opts->requests && b->st.mismatches == 0 &&
           b->st.device_errors == 0 && b->plat.iommu_faults == 0 && b->plat.guest_errors == 0 &&
           b->plat.mmio_errors == 0 && b->plat.windows_open == 0;
}

static double seconds(const struct bringup *b)
{
    return (double)b->st.elapsed_ns / 1e9;
}

/* Payload moved both ways per second, in decimal megabytes. */
static double mb_per_s(const struct bringup *b)
{
    double s = seconds(b);

    return s > 0 ? (double)(b->st.bytes_h2d + b->st.bytes_d2h) / s / 1e6 : 0.0;
}

static void text_mismatch(FILE *out, const struct bringup *b)
{
    const struct pattern_mismatch *f = &b->st.first;

    fprintf(out, "first mismatch   request %llu, %s buffer, %s at offset %lld (expected 0x%02x, "
            "found 0x%02x)\n", (unsigned long long)b->st.first_request, b->st.first_buffer,
            pattern_class_name(f->cls), (long long)f->offset, f->expected, f->found);
}

void report_text(FILE *out, const struct bringup *b, bool setup_ok)
{
    const struct bringup_stats *st = &b->st;
    const struct bringup_platform *p = &b->plat;

    fprintf(out, "dmabox bringup: %s\n\n", REPORT_BRINGUP_NOTE);
    fprintf(out, "device           %s\n", b->opts->device);
    fprintf(out, "seed             %llu\n", (unsigned long long)b->opts->seed);
    fprintf(out, "requests         %llu of %llu done\n", (unsigned long long)st->requests_done,
            (unsigned long long)b->opts->requests);
    fprintf(out, "bytes h2d        %llu\n", (unsigned long long)st->bytes_h2d);
    fprintf(out, "bytes d2h        %llu\n", (unsigned long long)st->bytes_d2h);
    fprintf(out, "transfers        %llu\n", (unsigned long long)st->transfers);
    fprintf(out, "descriptors      %llu\n", (unsigned long long)st->descriptors);
    fprintf(out, "interrupts       %llu delivered (%llu claimed, %llu unclaimed; %llu raised)\n",
            (unsigned long long)p->irq_delivered, (unsigned long long)p->irq_claimed,
            (unsigned long long)p->irq_unclaimed, (unsigned long long)p->irq_raised);
    fprintf(out, "iommu faults     %llu\n", (unsigned long long)p->iommu_faults);
    fprintf(out, "guest errors     %llu\n", (unsigned long long)p->guest_errors);
    fprintf(out, "device errors    %llu\n", (unsigned long long)st->device_errors);
    if (st->corruptions != 0)
        fprintf(out, "corrupted        device memory under request %llu at offset %llu (%llu extra "
                "transfers)\n", (unsigned long long)st->corrupt_request,
                (unsigned long long)st->corrupt_offset, (unsigned long long)st->aux_transfers);
    fprintf(out, "verified bytes   %llu\n", (unsigned long long)st->verified_bytes);
    fprintf(out, "mismatches       %llu\n", (unsigned long long)st->mismatches);
    if (st->have_first)
        text_mismatch(out, b);
    if (p->mmio_errors != 0 || p->windows_open != 0)
        fprintf(out, "refused mmio     %llu, iommu windows left open %llu\n",
                (unsigned long long)p->mmio_errors, (unsigned long long)p->windows_open);
    fprintf(out, "elapsed          %.3f s\n", seconds(b));
    fprintf(out, "throughput       %.1f MB/s\n", mb_per_s(b));
    if (!setup_ok || b->err[0] != '\0')
        fprintf(out, "error            %s\n", b->err);
    fprintf(out, "result           %s\n", setup_ok && report_passed(b) ? "PASS" : "FAIL");
}

static void json_mismatch(struct json *j, const struct bringup *b)
{
    const struct pattern_mismatch *f = &b->st.first;

    if (!b->st.have_first) {
        json_null(j, "first_mismatch");
        return;
    }
    json_object_begin(j, "first_mismatch");
    json_u64(j, "request", b->st.first_request);
    json_str(j, "buffer", b->st.first_buffer);
    json_str(j, "class", pattern_class_name(f->cls));
    json_i64(j, "offset", f->offset);
    json_u64(j, "expected", f->expected);
    json_u64(j, "found", f->found);
    json_object_end(j);
}

static void json_corruption(struct json *j, const struct bringup *b)
{
    if (b->st.corruptions == 0) {
        json_null(j, "corruption");
        return;
    }
    json_object_begin(j, "corruption");
    json_u64(j, "request", b->st.corrupt_request);
    json_u64(j, "offset", b->st.corrupt_offset);
    json_u64(j, "transfers", b->st.aux_transfers);
    json_object_end(j);
}

void report_json(FILE *out, const struct bringup *b, bool setup_ok)
{
    const struct bringup_stats *st = &b->st;
    const struct bringup_platform *p = &b->plat;
    struct json j;

    json_begin(&j, out);
    json_str(&j, "command", "bringup");
    json_str(&j, "job", "device-bringup");
    json_str(&j, "device", b->opts->device);
    json_u64(&j, "seed", b->opts->seed);
    json_u64(&j, "requests", b->opts->requests);
    json_u64(&j, "requests_done", st->requests_done);
    json_u64(&j, "bytes_h2d", st->bytes_h2d);
    json_u64(&j, "bytes_d2h", st->bytes_d2h);
    json_u64(&j, "transfers", st->transfers);
    json_u64(&j, "descriptors", st->descriptors);
    json_u64(&j, "interrupts", p->irq_delivered);
    json_u64(&j, "interrupts_claimed", p->irq_claimed);
    json_u64(&j, "interrupts_unclaimed", p->irq_unclaimed);
    json_u64(&j, "interrupts_raised", p->irq_raised);
    json_u64(&j, "iommu_faults", p->iommu_faults);
    json_u64(&j, "dma_denied", p->dma_denied);
    json_u64(&j, "guest_errors", p->guest_errors);
    json_u64(&j, "mmio_errors", p->mmio_errors);
    json_u64(&j, "iommu_windows_left", p->windows_open);
    json_u64(&j, "device_errors", st->device_errors);
    json_corruption(&j, b);
    json_u64(&j, "verified_bytes", st->verified_bytes);
    json_u64(&j, "mismatches", st->mismatches);
    json_mismatch(&j, b);
    json_u64(&j, "elapsed_ns", st->elapsed_ns);
    json_double(&j, "elapsed_s", seconds(b));
    json_double(&j, "mb_per_s", mb_per_s(b));
    if (!setup_ok || b->err[0] != '\0')
        json_str(&j, "error", b->err);
    else
        json_null(&j, "error");
    json_str(&j, "result", setup_ok && report_passed(b) ? "pass" : "fail");
    json_end(&j);
}
