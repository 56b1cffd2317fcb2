/* vf.h - the verifier core: one place where every rule violation is reported.
 * A finding names the rule (stable ID such as "WDF-HANDLE-001"), the object, the DDI and the
 * caller's code address (resolved with dladdr so unmodified driver sources are named by symbol).
 * Per machine it either aborts (tests of correct drivers: any finding is a bug) or records (tests
 * that provoke a finding on purpose), and counts findings by rule.  Modelled on the KMDF verifier's
 * FxVerifierBugCheck and Driver Verifier's DMA checks:
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/using-kmdf-verifier
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/devtest/dma-verification */
#ifndef DMABOX_VERIFIER_VF_H
#define DMABOX_VERIFIER_VF_H

#include <stddef.h>

#include "vf_rules.h"

struct machine;

enum vf_mode {
    VF_MODE_ABORT = 0,  /* print the finding and abort(): a correct driver must never get here */
    VF_MODE_RECORD = 1, /* print (unless quiet) and keep the finding for the test to inspect */
};

struct vf_finding {
    enum vf_rule rule;
    const void *object;     /* the handle or pointer the rule is about (may be NULL) */
    const char *ddi;        /* the DDI or callback in which it was detected */
    const void *caller;     /* code address of the caller (return address), may be NULL */
    char caller_sym[96];    /* "driver.so!EvtIoRead+0x2c" or "0x..." */
    char detail[192];       /* human-readable specifics: states, values */
};

#define VF_MAX_KEPT 256      /* findings kept per machine; counts keep going past it */

/* Report a rule violation at the calling thread's machine (or the process default verifier when
 * the thread has no machine).  Safe at any level, from any thread.  Returns only in RECORD mode. */
void vf_report(enum vf_rule rule, const void *object, const char *ddi, const void *caller,
               const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* The caller address to pass to vf_report from a DDI implementation. */
#define VF_CALLER() __builtin_extract_return_addr(__builtin_return_address(0))

/* Per-machine verifier state: created with the machine's upper layers, freed with them. */
int vf_machine_attach(struct machine *m);
void vf_machine_detach(struct machine *m);

/* Configuration and inspection, for the machine of the calling thread. */
void vf_set_mode(enum vf_mode mode);
enum vf_mode vf_get_mode(void);
void vf_set_quiet(int quiet);                      /* RECORD mode: do not print findings */
unsigned long vf_count(enum vf_rule rule);         /* findings of one rule since the last reset */
unsigned long vf_total(void);                      /* all findings since the last reset */
size_t vf_kept(void);                              /* findings kept (at most VF_MAX_KEPT) */
int vf_finding_get(size_t index, struct vf_finding *out); /* 0, or -1 past the end */
void vf_reset(void);

#endif
