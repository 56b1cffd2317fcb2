/* report.h - the report of `dmabox run`: text for people, one JSON object for scripts (tools
 * layer).  The JSON field names are stable and listed in docs/cli.md. */
#ifndef DMABOX_TOOLS_REPORT_H
#define DMABOX_TOOLS_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "bringup.h"

/* The one-line statement of what `run` is today (help text and report header). */
#define REPORT_BRINGUP_NOTE                                                                     \
    "device bring-up: the model is driven directly over MMIO, DMA windows and interrupts; the " \
    "main job, through the KMDF driver, is `dmabox run`"

/* Did everything verify with no fault: every request done, no mismatch, device error, IOMMU
 * fault, guest error, refused register access or window left open? */
bool report_passed(const struct bringup *b);

/* `setup_ok` is false when the machine or device could not be set up (b->err says why). */
void report_text(FILE *out, const struct bringup *b, bool setup_ok);
void report_json(FILE *out, const struct bringup *b, bool setup_ok);

#endif
