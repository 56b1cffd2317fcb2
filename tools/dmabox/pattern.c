/* pattern.c - seeded data patterns, guard bytes and their checks (tools layer).  See pattern.h
 * for the encoding; the generator is splitmix64 so a seed replays the same run byte for byte. */
#include "pattern.h"

#include <string.h>

#define GOLDEN 0x9E3779B97F4A7C15ull
#define SALT_PAYLOAD 0x5041594C4F414431ull   /* distinct key streams for payload and guards */
#define SALT_GUARD 0x4755415244475244ull
#define CHUNK 4096

static uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

void pattern_rng_init(struct pattern_rng *r, uint64_t seed)
{
    r->state = seed;
}

uint64_t pattern_rng_next(struct pattern_rng *r)
{
    r->state += GOLDEN;
    return mix(r->state);
}

uint64_t pattern_rng_range(struct pattern_rng *r, uint64_t lo, uint64_t hi)
{
    uint64_t span = hi - lo + 1;

    /* span == 0 only for the full 64-bit range; the modulo bias is irrelevant here. */
    return span == 0 ? pattern_rng_next(r) : lo + pattern_rng_next(r) % span;
}

uint64_t pattern_derive(uint64_t seed, uint64_t index)
{
    return mix(seed ^ mix(index + GOLDEN));
}

/* The three byte streams.  Payload and poison share a key so that poison = ~payload exactly. */
enum stream { STREAM_PAYLOAD, STREAM_POISON, STREAM_GUARD };

static void generate(uint8_t *out, size_t n, uint64_t seed, enum stream s, size_t pos)
{
    uint64_t key = seed ^ (s == STREAM_GUARD ? SALT_GUARD : SALT_PAYLOAD);
    uint8_t and_mask = s == STREAM_GUARD ? 0x7F : 0xFF;
    uint8_t or_mask = s == STREAM_GUARD ? 0x00 : 0x80;
    uint8_t xor_mask = s == STREAM_POISON ? 0xFF : 0x00;
    size_t i = 0;

    while (i < n) {
        size_t p = pos + i;
        uint64_t w = mix(key + (uint64_t)(p >> 3) * GOLDEN);

        for (unsigned b = p & 7; b < 8 && i < n; b++, i++)
            out[i] = (uint8_t)((((w >> (8 * b)) & and_mask) | or_mask) ^ xor_mask);
    }
}

uint8_t pattern_payload_byte(uint64_t seed, size_t i)
{
    uint8_t v;

    generate(&v, 1, seed, STREAM_PAYLOAD, i);
    return v;
}

const char *pattern_class_name(enum pattern_class c)
{
    static const char *const names[] = {
        [PATTERN_OK] = "ok",
        [PATTERN_GUARD_BEFORE] = "guard-before",
        [PATTERN_GUARD_AFTER] = "guard-after",
        [PATTERN_SRC_MODIFIED] = "src-modified",
        [PATTERN_NOT_COPIED] = "not-copied",
        [PATTERN_WRONG_DATA] = "wrong-data",
    };
    return (unsigned)c < sizeof(names) / sizeof(names[0]) ? names[c] : "?";
}

void pattern_prepare(uint8_t *buf, size_t total, size_t off, size_t len, uint64_t seed, int is_src)
{
    generate(buf, off, seed, STREAM_GUARD, 0);
    generate(buf + off, len, seed, is_src ? STREAM_PAYLOAD : STREAM_POISON, 0);
    generate(buf + off + len, total - off - len, seed, STREAM_GUARD, off + len);
}

/* Compares n bytes at buf against stream s from position pos, chunk by chunk; classifies and
 * counts every differing byte.  `base` converts a stream position to a data-relative offset. */
static uint64_t check_region(const uint8_t *buf, size_t n, uint64_t seed, enum stream s, size_t pos,
                             int64_t base, enum pattern_class cls, uint64_t found_so_far,
                             struct pattern_mismatch *first)
{
    uint8_t want[CHUNK], poison[CHUNK];
    uint64_t bad = 0;

    for (size_t done = 0; done < n;) {
        size_t k = n - done < CHUNK ? n - done : CHUNK;

        generate(want, k, seed, s, pos + done);
        if (memcmp(buf + done, want, k) != 0) {
            if (cls == PATTERN_WRONG_DATA)
                generate(poison, k, seed, STREAM_POISON, pos + done);
            for (size_t i = 0; i < k; i++) {
                if (buf[done + i] == want[i])
                    continue;
                if (found_so_far + bad == 0) {
                    first->cls = cls;
                    if (cls == PATTERN_WRONG_DATA && buf[done + i] == poison[i])
                        first->cls = PATTERN_NOT_COPIED;
                    first->offset = base + (int64_t)(pos + done + i);
                    first->expected = want[i];
                    first->found = buf[done + i];
                }
                bad++;
            }
        }
        done += k;
    }
    return bad;
}

uint64_t pattern_check(const uint8_t *buf, size_t total, size_t off, size_t len, uint64_t seed,
                       int is_src, uint64_t *data_bad, struct pattern_mismatch *first)
{
    uint64_t bad = 0;

    first->cls = PATTERN_OK;
    bad += check_region(buf, off, seed, STREAM_GUARD, 0, -(int64_t)off, PATTERN_GUARD_BEFORE, bad,
                        first);
    *data_bad = check_region(buf + off, len, seed, STREAM_PAYLOAD, 0, 0,
                             is_src ? PATTERN_SRC_MODIFIED : PATTERN_WRONG_DATA, bad, first);
    bad += *data_bad;
    bad += check_region(buf + off + len, total - off - len, seed, STREAM_GUARD, off + len,
                        -(int64_t)off, PATTERN_GUARD_AFTER, bad, first);
    return bad;
}
