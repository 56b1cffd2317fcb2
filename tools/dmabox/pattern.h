/* pattern.h - seeded data patterns and buffer checks of the dmabox command line (tools layer).
 *
 * Self-diagnosing patterns in the dmatest style: every byte's value depends on the request seed
 * and its position, payload bytes have bit 7 set, guard bytes and the destination's "poison" have
 * it clear, and the poison is the bitwise complement of the payload expected there.  A mismatch
 * therefore names its class (guard overwritten, source modified, never copied, wrong data) and
 * its offset, and an untouched destination byte can never pass for a copied one. */
#ifndef DMABOX_TOOLS_PATTERN_H
#define DMABOX_TOOLS_PATTERN_H

#include <stddef.h>
#include <stdint.h>

/* A small seeded generator (splitmix64): the same seed gives the same run. */
struct pattern_rng {
    uint64_t state;
};
void pattern_rng_init(struct pattern_rng *r, uint64_t seed);
uint64_t pattern_rng_next(struct pattern_rng *r);
/* Uniform in [lo, hi] (lo <= hi). */
uint64_t pattern_rng_range(struct pattern_rng *r, uint64_t lo, uint64_t hi);
/* A seed derived from (seed, index): request i's pattern seed. */
uint64_t pattern_derive(uint64_t seed, uint64_t index);

enum pattern_class {
    PATTERN_OK = 0,
    PATTERN_GUARD_BEFORE,   /* a byte before the data region changed (underrun) */
    PATTERN_GUARD_AFTER,    /* a byte after the data region changed (overrun) */
    PATTERN_SRC_MODIFIED,   /* the source of a host-to-device transfer changed */
    PATTERN_NOT_COPIED,     /* a destination byte still holds its poison: never written */
    PATTERN_WRONG_DATA,     /* a destination byte was written with the wrong value */
};
/* Stable names, used in reports and docs/cli.md: "guard-before", "not-copied", ... */
const char *pattern_class_name(enum pattern_class c);

/* The first mismatch of a check: offset is relative to the first data byte (negative in the
 * guard before it). */
struct pattern_mismatch {
    enum pattern_class cls;
    int64_t offset;
    uint8_t expected, found;
};

/* Lays out a host buffer of `total` bytes whose data region is [off, off+len): guard pattern
 * everywhere, then the payload (source) or the poison (destination) over the data region. */
void pattern_prepare(uint8_t *buf, size_t total, size_t off, size_t len, uint64_t seed, int is_src);

/* Checks such a buffer after the transfers: guards intact, data region equal to the payload
 * (a source must still hold it; a destination must have received it).  Returns the number of
 * bytes that differ, *data_bad how many of them are in the data region; *first receives the
 * first one (when the result is non-zero). */
uint64_t pattern_check(const uint8_t *buf, size_t total, size_t off, size_t len, uint64_t seed,
                       int is_src, uint64_t *data_bad, struct pattern_mismatch *first);

/* Payload byte at data position i of a request (the value the device must carry). */
uint8_t pattern_payload_byte(uint64_t seed, size_t i);

#endif
