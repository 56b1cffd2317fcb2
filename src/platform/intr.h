/* intr.h - the interrupt controller of the simulated machine (platform layer).
 *
 * Sources: each device has either one level-triggered line (INTx-like) or N edge-triggered message
 * vectors (MSI-like).  A connected source gets a delivery thread that runs the registered service
 * routine at the source's device level while holding the source's interrupt lock, exactly like a
 * Windows ISR at DIRQL under the interrupt spin lock.
 *   - line: while asserted and enabled, the ISR is called; if it returns false the interrupt is
 *     counted as unclaimed; if the line stays asserted after a claimed call, it is re-delivered;
 *     more than `storm_threshold` consecutive deliveries without the line dropping is a storm:
 *     counted, reported via the stats, and the source is masked.
 *   - message: each intr_source_send queues one edge per vector; edges to a vector that is already
 *     pending coalesce (as an MSI pending bit does).
 * Disable/mask: a disabled source delivers nothing; pending edges/levels are delivered on enable. */
#ifndef DMABOX_PLATFORM_INTR_H
#define DMABOX_PLATFORM_INTR_H

#include <stdbool.h>
#include <stdint.h>

struct machine;
struct intr_ctl;
struct intr_source;

enum intr_kind { INTR_KIND_LINE = 0, INTR_KIND_MESSAGE = 1 };

/* The service routine: runs on the delivery thread at `level` with the source lock held.
 * Returns true if the device was interrupting (claimed). */
typedef bool (*intr_isr_fn)(void *ctx, unsigned message_id);

struct intr_stats {
    uint64_t delivered;     /* ISR calls */
    uint64_t claimed;       /* ISR returned true */
    uint64_t unclaimed;     /* ISR returned false */
    uint64_t redelivered;   /* line still asserted after a claimed ISR */
    uint64_t storms;        /* storm detections (source masked) */
    uint64_t coalesced;     /* message edges merged into an already pending one */
    uint64_t raised;        /* assert/send calls from the device */
};

int intr_ctl_create(struct machine *m);          /* sets m->intr */
void intr_ctl_destroy(struct machine *m);

/* Allocates a source for a device: kind, number of message vectors (1 for a line), its device
 * level (>= EXEC_LEVEL_DEVICE_MIN).  The device side may raise it from now on; nothing is
 * delivered until intr_connect. */
int intr_source_create(struct intr_ctl *ic, const char *name, enum intr_kind kind, unsigned vectors,
                       uint8_t level, struct intr_source **out);
void intr_source_destroy(struct intr_source *src);  /* disconnects first */

/* Device side (called from device-model threads, any level).  Assert/deassert apply to a line
 * source only and send to a message source only; the other combinations do nothing.  A vector past
 * the last wraps (modulo the vector count), as an MSI device folds its vector into the messages it
 * was granted. */
void intr_source_assert(struct intr_source *src);     /* line: raise the level */
void intr_source_deassert(struct intr_source *src);   /* line: drop it */
void intr_source_send(struct intr_source *src, unsigned vector); /* message edge */

/* Driver side.  Connect registers the ISR and starts the delivery thread (disabled until
 * intr_source_enable); returns 0, -EINVAL (no isr), -EBUSY (already connected) or a thread error.
 * Disconnect masks the source, stops delivery and waits for a running ISR to return (never from
 * the ISR itself).  Enable/disable may be called from the ISR. */
int intr_connect(struct intr_source *src, intr_isr_fn isr, void *ctx);
void intr_disconnect(struct intr_source *src);
void intr_source_enable(struct intr_source *src);
void intr_source_disable(struct intr_source *src);    /* waits for a running ISR to finish */

/* The interrupt lock (what KeSynchronizeExecution / WdfInterruptAcquireLock take): raises the
 * calling thread to the source's level (a caller already above it keeps its level) and excludes the
 * ISR.  Returns the previous level, which release restores.  Not recursive. */
uint8_t intr_lock_acquire(struct intr_source *src);
void intr_lock_release(struct intr_source *src, uint8_t old_level);

uint8_t intr_source_level(const struct intr_source *src);
enum intr_kind intr_source_kind(const struct intr_source *src);
unsigned intr_source_vectors(const struct intr_source *src);
void intr_source_stats(const struct intr_source *src, struct intr_stats *out);
void intr_set_storm_threshold(struct intr_source *src, unsigned consecutive); /* default 10000 */

#endif
