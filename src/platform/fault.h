/* fault.h - seeded fault injection at named sites (platform layer).
 *
 * A site is armed with a probability (0..1), a countdown (fire on the Nth hit from now; 0 = off),
 * an optional repeat (fire every Nth hit) and uses the machine's seed, so a run is reproducible.
 * Every hit and every firing is counted and logged, so a test can replay a seed and compare logs.
 * Sites are named strings ("dev.desc_error", "dev.drop_irq", "alloc.sglist", ...); the list of known
 * sites with their meaning is registered by the layers that own them. */
#ifndef DMABOX_PLATFORM_FAULT_H
#define DMABOX_PLATFORM_FAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct machine;
struct fault_ctl;

struct fault_spec {
    double probability;     /* chance per hit, 0 = never (unless countdown) */
    uint64_t countdown;     /* fire on the Nth hit after arming (1 = next); 0 = no countdown */
    uint64_t every;         /* after the countdown fired, fire again every N hits; 0 = once */
};

int fault_ctl_create(struct machine *m, uint64_t seed, struct fault_ctl **out);
void fault_ctl_destroy(struct fault_ctl *fc);

/* Arms (replaces) the spec of a site.  Returns 0 or -EINVAL for a bad spec. */
int fault_arm(struct fault_ctl *fc, const char *site, const struct fault_spec *spec);
void fault_disarm_all(struct fault_ctl *fc);
/* Parses "p=0.01", "n=5", "n=5,every=10", "p=0.1,n=3"; returns 0 or -EINVAL. */
int fault_spec_parse(const char *text, struct fault_spec *out);

/* Called at the site: returns true if the fault fires now.  Thread-safe; cheap when nothing is
 * armed (one relaxed atomic load). */
bool fault_hit(struct fault_ctl *fc, const char *site);

uint64_t fault_fired(const struct fault_ctl *fc, const char *site);   /* firings so far */
/* The firing log as "site#hit" lines, for replay comparison; returns bytes written (snprintf-like). */
size_t fault_log_format(const struct fault_ctl *fc, char *buf, size_t len);

#endif
