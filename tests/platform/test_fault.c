/* test_fault.c - seeded fault injection: countdown, every, probability streams per seed and per
 * site, the firing log, spec parsing, concurrent hits (platform tests). */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <string.h>

#include "check.h"
#include "platform/fault.h"

static struct fault_ctl *make(uint64_t seed)
{
    struct fault_ctl *fc = NULL;
    REQUIRE(fault_ctl_create(NULL, seed, &fc) == 0 && fc != NULL);
    return fc;
}

/* The hit numbers (1-based) on which `site` fired during n hits. */
static unsigned fires(struct fault_ctl *fc, const char *site, unsigned n, unsigned *out, unsigned max)
{
    unsigned k = 0;
    for (unsigned i = 1; i <= n; i++)
        if (fault_hit(fc, site) && k < max)
            out[k++] = i;
    return k;
}

static void test_countdown_every(void)
{
    struct fault_ctl *fc = make(1);
    struct fault_spec sp = {.countdown = 3};
    unsigned f[16];
    CHECK(!fault_hit(fc, "a"));                                /* nothing armed */
    CHECK_EQ(fault_arm(fc, "a", &sp), 0);
    CHECK_EQ(fires(fc, "a", 10, f, 16), 1);
    CHECK_EQ(f[0], 3);
    CHECK_EQ(fault_fired(fc, "a"), 1);

    sp = (struct fault_spec){.countdown = 2, .every = 3};
    CHECK_EQ(fault_arm(fc, "a", &sp), 0);                      /* re-arming restarts the count */
    CHECK_EQ(fires(fc, "a", 12, f, 16), 4);
    CHECK_EQ(f[0], 2);
    CHECK_EQ(f[1], 5);
    CHECK_EQ(f[2], 8);
    CHECK_EQ(f[3], 11);
    CHECK_EQ(fault_fired(fc, "a"), 5);                         /* cumulative */

    sp = (struct fault_spec){.every = 4};                      /* every alone: hits 4, 8, ... */
    CHECK_EQ(fault_arm(fc, "b", &sp), 0);
    CHECK_EQ(fires(fc, "b", 9, f, 16), 2);
    CHECK_EQ(f[0], 4);
    CHECK_EQ(f[1], 8);

    sp = (struct fault_spec){.countdown = 1};
    CHECK_EQ(fault_arm(fc, "c", &sp), 0);
    CHECK(fault_hit(fc, "c"));
    CHECK(!fault_hit(fc, "c"));
    CHECK(!fault_hit(fc, "never-armed"));

    fault_disarm_all(fc);
    CHECK_EQ(fires(fc, "a", 20, f, 16), 0);
    CHECK_EQ(fires(fc, "b", 20, f, 16), 0);
    sp = (struct fault_spec){.probability = 1.0};
    CHECK_EQ(fault_arm(fc, "d", &sp), 0);
    CHECK_EQ(fires(fc, "d", 5, f, 16), 5);
    sp = (struct fault_spec){0};                               /* an empty spec disarms */
    CHECK_EQ(fault_arm(fc, "d", &sp), 0);
    CHECK(!fault_hit(fc, "d"));
    sp.probability = 1.5;
    CHECK_EQ(fault_arm(fc, "d", &sp), -EINVAL);
    sp.probability = NAN;
    CHECK_EQ(fault_arm(fc, "d", &sp), -EINVAL);
    sp.probability = -0.5;
    CHECK_EQ(fault_arm(fc, "d", &sp), -EINVAL);
    fault_ctl_destroy(fc);
}

#define PN 2000

static void pattern(uint64_t seed, const char *other, uint8_t *out)
{
    struct fault_ctl *fc = make(seed);
    struct fault_spec sp = {.probability = 0.3};
    CHECK_EQ(fault_arm(fc, "dev.desc_error", &sp), 0);
    if (other != NULL)
        CHECK_EQ(fault_arm(fc, other, &sp), 0);
    for (unsigned i = 0; i < PN; i++) {
        if (other != NULL)
            (void)fault_hit(fc, other);                        /* interleaved hits elsewhere */
        out[i] = fault_hit(fc, "dev.desc_error");
    }
    fault_ctl_destroy(fc);
}

static void test_probability(void)
{
    static uint8_t a[PN], b[PN], c[PN], d[PN];
    unsigned n = 0;
    pattern(42, NULL, a);
    pattern(42, NULL, b);
    pattern(43, NULL, c);
    pattern(42, "dev.drop_irq", d);
    CHECK_EQ(memcmp(a, b, PN), 0);                             /* same seed, same sequence */
    CHECK(memcmp(a, c, PN) != 0);                              /* another seed, another one */
    CHECK_EQ(memcmp(a, d, PN), 0);                             /* other sites do not perturb it */
    for (unsigned i = 0; i < PN; i++)
        n += a[i];
    CHECK(n > PN * 0.3 * 0.8 && n < PN * 0.3 * 1.2);
}

static void test_log(void)
{
    struct fault_ctl *fc = make(7);
    struct fault_spec s1 = {.countdown = 1}, s2 = {.countdown = 2, .every = 1};
    char buf[64], small[8];
    size_t n;
    CHECK_EQ(fault_log_format(fc, buf, sizeof(buf)), 0);
    CHECK_EQ(buf[0], '\0');
    CHECK_EQ(fault_arm(fc, "alloc.sglist", &s1), 0);
    CHECK_EQ(fault_arm(fc, "dev.drop_irq", &s2), 0);
    (void)fault_hit(fc, "dev.drop_irq");
    (void)fault_hit(fc, "alloc.sglist");
    (void)fault_hit(fc, "dev.drop_irq");
    (void)fault_hit(fc, "dev.drop_irq");
    n = fault_log_format(fc, buf, sizeof(buf));
    CHECK_EQ(strcmp(buf, "alloc.sglist#1\ndev.drop_irq#2\ndev.drop_irq#3\n"), 0);
    CHECK_EQ(n, strlen(buf));
    CHECK_EQ(fault_log_format(fc, small, sizeof(small)), n);   /* snprintf-like: full length */
    CHECK_EQ(strcmp(small, "alloc.s"), 0);
    CHECK_EQ(fault_log_format(fc, NULL, 0), n);
    fault_ctl_destroy(fc);
}

static void test_parse(void)
{
    static const char *const bad[] = {
        "", "p", "p=", "p=2", "p=-0.1", "p=nan", "p=inf", "p=0.5x", "n=-1", "n=5x", "n=",
        "q=1", "n=1,n=2", "n=5,", ",n=5", "every=1,,n=2", "n=99999999999999999999", " n=1",
        "N=1", "everyone=1",
    };
    struct fault_spec sp;
    CHECK_EQ(fault_spec_parse("p=0.01", &sp), 0);
    CHECK(sp.probability == 0.01 && sp.countdown == 0 && sp.every == 0);
    CHECK_EQ(fault_spec_parse("n=5", &sp), 0);
    CHECK(sp.probability == 0 && sp.countdown == 5 && sp.every == 0);
    CHECK_EQ(fault_spec_parse("n=5,every=10", &sp), 0);
    CHECK(sp.countdown == 5 && sp.every == 10);
    CHECK_EQ(fault_spec_parse("p=0.1,n=3", &sp), 0);
    CHECK(sp.probability == 0.1 && sp.countdown == 3);
    CHECK_EQ(fault_spec_parse("every=4,p=1", &sp), 0);
    CHECK(sp.probability == 1.0 && sp.every == 4);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        sp = (struct fault_spec){.countdown = 77};
        if (fault_spec_parse(bad[i], &sp) != -EINVAL || sp.countdown != 77)
            check_fail(__FILE__, __LINE__, "parse", "'%s' was accepted or changed the spec", bad[i]);
        else
            check_passed++;
    }
}

struct hitter {
    struct fault_ctl *fc;
    unsigned fired;
};

static void *hitter_main(void *arg)
{
    struct hitter *h = arg;
    for (unsigned i = 0; i < 20000; i++)
        h->fired += fault_hit(h->fc, "dev.stall");
    return NULL;
}

static void test_threads(void)
{
    struct fault_ctl *fc = make(9);
    struct fault_spec sp = {.probability = 0.5};
    struct hitter a = {fc, 0}, b = {fc, 0};
    pthread_t ta, tb;
    CHECK_EQ(fault_arm(fc, "dev.stall", &sp), 0);
    REQUIRE(pthread_create(&ta, NULL, hitter_main, &a) == 0);
    REQUIRE(pthread_create(&tb, NULL, hitter_main, &b) == 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    CHECK_EQ(fault_fired(fc, "dev.stall"), a.fired + b.fired);
    CHECK(a.fired + b.fired > 18000 && a.fired + b.fired < 22000);
    fault_ctl_destroy(fc);
}

int main(void)
{
    test_countdown_every();
    test_probability();
    test_log();
    test_parse();
    test_threads();
    return check_done();
}
