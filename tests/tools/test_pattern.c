/* test_pattern.c - the patterns and checks of `dmabox run` (tools/dmabox/pattern.c), directly
 * (tests/tools): each corruption class is recognised with its offset and count, poison never
 * equals the payload, guards never look like payload, and a seed replays the same bytes. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "pattern.h"

#define TOTAL 12288
#define OFF 1000
#define LEN 9000

static uint8_t buf[TOTAL];

static void expect(int is_src, enum pattern_class cls, int64_t offset, uint64_t count,
                   uint64_t data_count)
{
    struct pattern_mismatch m;
    uint64_t data_bad = 99;
    uint64_t bad = pattern_check(buf, TOTAL, OFF, LEN, 42, is_src, &data_bad, &m);

    CHECK_EQ(bad, count);
    CHECK_EQ(data_bad, data_count);
    if (count != 0) {
        CHECK_EQ(m.cls, cls);
        CHECK_EQ(m.offset, offset);
    }
}

/* A destination that received the payload. */
static void copied(void)
{
    pattern_prepare(buf, TOTAL, OFF, LEN, 42, 0);
    for (size_t i = 0; i < LEN; i++)
        buf[OFF + i] = pattern_payload_byte(42, i);
}

int main(void)
{
    uint8_t src[TOTAL];

    /* A fresh source checks clean; so does a destination that received the payload. */
    pattern_prepare(src, TOTAL, OFF, LEN, 42, 1);
    memcpy(buf, src, TOTAL);
    expect(1, PATTERN_OK, 0, 0, 0);
    copied();
    expect(0, PATTERN_OK, 0, 0, 0);
    CHECK(memcmp(buf, src, TOTAL) == 0);       /* same bytes as the source after the copy */

    /* Encoding: payload bit 7 set, guards clear, poison = ~payload. */
    pattern_prepare(buf, TOTAL, OFF, LEN, 42, 0);
    for (size_t i = 0; i < OFF; i++)
        CHECK(!(buf[i] & 0x80));
    for (size_t i = 0; i < LEN; i++)
        CHECK_EQ(buf[OFF + i], (uint8_t)~pattern_payload_byte(42, i));
    for (size_t i = 0; i < LEN; i++)
        CHECK(pattern_payload_byte(42, i) & 0x80);

    /* An untouched destination: every data byte not-copied, counted, first at offset 0. */
    expect(0, PATTERN_NOT_COPIED, 0, LEN, LEN);
    /* A partly copied one: the first missing byte is named. */
    copied();
    for (size_t i = 5000; i < LEN; i++)
        buf[OFF + i] = (uint8_t)~pattern_payload_byte(42, i);
    expect(0, PATTERN_NOT_COPIED, 5000, LEN - 5000, LEN - 5000);

    /* Wrong data: one bit flipped. */
    copied();
    buf[OFF + 1234] ^= 0x40;
    expect(0, PATTERN_WRONG_DATA, 1234, 1, 1);
    /* Misplaced data (shifted by one) is wrong data too. */
    copied();
    memmove(buf + OFF + 1, buf + OFF, 100);
    {
        uint64_t n = 0;
        int64_t first = -1;
        for (size_t i = 1; i <= 100; i++)
            if (pattern_payload_byte(42, i - 1) != pattern_payload_byte(42, i)) {
                n++;
                first = first < 0 ? (int64_t)i : first;
            }
        CHECK(n > 90);
        expect(0, PATTERN_WRONG_DATA, first, n, n);
    }

    /* Guards: an underrun and an overrun, with negative and past-the-end offsets. */
    copied();
    buf[OFF - 3] = pattern_payload_byte(42, 0);
    expect(0, PATTERN_GUARD_BEFORE, -3, 1, 0);
    copied();
    buf[OFF + LEN + 7] ^= 0x80;
    expect(0, PATTERN_GUARD_AFTER, LEN + 7, 1, 0);
    copied();
    buf[0] ^= 1;                               /* first byte of the allocation */
    buf[TOTAL - 1] ^= 1;                       /* last one */
    expect(0, PATTERN_GUARD_BEFORE, -OFF, 2, 0);

    /* A source the device wrote into. */
    memcpy(buf, src, TOTAL);
    buf[OFF + LEN - 1] ^= 0xFF;
    expect(1, PATTERN_SRC_MODIFIED, LEN - 1, 1, 1);

    /* Class names are stable (docs/cli.md). */
    CHECK(strcmp(pattern_class_name(PATTERN_GUARD_BEFORE), "guard-before") == 0);
    CHECK(strcmp(pattern_class_name(PATTERN_GUARD_AFTER), "guard-after") == 0);
    CHECK(strcmp(pattern_class_name(PATTERN_SRC_MODIFIED), "src-modified") == 0);
    CHECK(strcmp(pattern_class_name(PATTERN_NOT_COPIED), "not-copied") == 0);
    CHECK(strcmp(pattern_class_name(PATTERN_WRONG_DATA), "wrong-data") == 0);

    /* Seeds: the same seed replays, another differs; derived request seeds differ. */
    pattern_prepare(src, TOTAL, OFF, LEN, 43, 1);
    pattern_prepare(buf, TOTAL, OFF, LEN, 42, 1);
    CHECK(memcmp(buf, src, TOTAL) != 0);
    pattern_prepare(src, TOTAL, OFF, LEN, 42, 1);
    CHECK(memcmp(buf, src, TOTAL) == 0);
    CHECK(pattern_derive(1, 0) != pattern_derive(1, 1));
    CHECK(pattern_derive(1, 0) != pattern_derive(2, 0));

    struct pattern_rng a, b;
    pattern_rng_init(&a, 9);
    pattern_rng_init(&b, 9);
    for (int i = 0; i < 100; i++) {
        uint64_t v = pattern_rng_range(&a, 512, 4096);
        CHECK(v >= 512 && v <= 4096);
        CHECK_EQ(v, pattern_rng_range(&b, 512, 4096));
    }
    return check_done();
}
