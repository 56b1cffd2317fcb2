/* fault.c - seeded fault injection at named sites (platform layer).
 *
 * Sites live in a small table, created on first arm (or first hit while anything is armed).  Each
 * site draws from its own PRNG stream derived from the machine seed and a hash of its name, so
 * arming or hitting one site never changes another site's sequence, and re-arming restarts it.
 * When no site is armed, fault_hit is one relaxed atomic load; hits are counted only while some
 * site is armed.  Firings are logged as "site#hit" (hit = the site's hit number since it was
 * armed) so two runs with one seed can be compared line by line. */
#include "fault.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FAULT_MAX_SITES 64
#define FAULT_NAME_MAX 48
#define FAULT_LOG_MAX 4096              /* firings kept in the log; fault_fired keeps counting */

struct fault_site {
    char name[FAULT_NAME_MAX];
    struct fault_spec spec;
    bool armed;
    uint64_t hits;                      /* hits since armed */
    uint64_t next_fire;                 /* hit number of the next countdown/every firing, 0 none */
    uint64_t rng;                       /* splitmix64 state */
    uint64_t fired;                     /* firings since the site was created */
};

struct fault_log_entry {
    unsigned site;
    uint64_t hit;
};

struct fault_ctl {
    uint64_t seed;
    atomic_uint armed;                  /* sites currently armed: 0 makes fault_hit one load */
    pthread_mutex_t lock;               /* everything below */
    struct fault_site sites[FAULT_MAX_SITES];
    unsigned nsites;
    struct fault_log_entry log[FAULT_LOG_MAX];
    size_t nlog;
};

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint64_t name_hash(const char *name)
{
    uint64_t h = 0xCBF29CE484222325ull;   /* FNV-1a */
    for (; *name; name++)
        h = (h ^ (unsigned char)*name) * 0x100000001B3ull;
    return h;
}

int fault_ctl_create(struct machine *m, uint64_t seed, struct fault_ctl **out)
{
    struct fault_ctl *fc = calloc(1, sizeof(*fc));
    (void)m;
    *out = NULL;
    if (fc == NULL)
        return -ENOMEM;
    fc->seed = seed;
    pthread_mutex_init(&fc->lock, NULL);
    *out = fc;
    return 0;
}

void fault_ctl_destroy(struct fault_ctl *fc)
{
    if (fc == NULL)
        return;
    pthread_mutex_destroy(&fc->lock);
    free(fc);
}

/* The site named `name`, created if create is set and there is room.  Caller holds fc->lock. */
static struct fault_site *site_get_locked(struct fault_ctl *fc, const char *name, bool create)
{
    for (unsigned i = 0; i < fc->nsites; i++)
        if (strcmp(fc->sites[i].name, name) == 0)
            return &fc->sites[i];
    if (!create || fc->nsites == FAULT_MAX_SITES || strlen(name) >= FAULT_NAME_MAX)
        return NULL;
    snprintf(fc->sites[fc->nsites].name, FAULT_NAME_MAX, "%s", name);
    return &fc->sites[fc->nsites++];
}

static void site_disarm_locked(struct fault_ctl *fc, struct fault_site *s)
{
    if (s->armed)
        atomic_fetch_sub_explicit(&fc->armed, 1, memory_order_relaxed);
    s->armed = false;
}

int fault_arm(struct fault_ctl *fc, const char *site, const struct fault_spec *spec)
{
    struct fault_site *s;
    struct fault_spec sp = *spec;
    if (site == NULL || !(sp.probability >= 0.0 && sp.probability <= 1.0))
        return -EINVAL;
    if (sp.every != 0 && sp.countdown == 0)
        sp.countdown = sp.every;          /* "every N" alone fires on hits N, 2N, ... */
    pthread_mutex_lock(&fc->lock);
    s = site_get_locked(fc, site, true);
    if (s == NULL) {
        pthread_mutex_unlock(&fc->lock);
        return -EINVAL;
    }
    site_disarm_locked(fc, s);
    s->spec = sp;
    s->hits = 0;
    s->next_fire = sp.countdown;
    s->rng = fc->seed ^ name_hash(site);
    if (sp.probability > 0.0 || sp.countdown != 0) {
        s->armed = true;
        atomic_fetch_add_explicit(&fc->armed, 1, memory_order_relaxed);
    }
    pthread_mutex_unlock(&fc->lock);
    return 0;
}

void fault_disarm_all(struct fault_ctl *fc)
{
    pthread_mutex_lock(&fc->lock);
    for (unsigned i = 0; i < fc->nsites; i++)
        site_disarm_locked(fc, &fc->sites[i]);
    pthread_mutex_unlock(&fc->lock);
}

/* One hit of an armed site: the countdown/every schedule first, then the probability draw, which
 * is taken on every hit so the stream depends only on the hit number.  Caller holds fc->lock. */
static bool site_hit_locked(struct fault_ctl *fc, struct fault_site *s)
{
    bool fire = false;
    s->hits++;
    if (s->next_fire != 0 && s->hits == s->next_fire) {
        fire = true;
        s->next_fire = s->spec.every ? s->next_fire + s->spec.every : 0;
    }
    if (s->spec.probability > 0.0) {
        double u = (double)(splitmix64(&s->rng) >> 11) * 0x1.0p-53;
        fire = fire || u < s->spec.probability;
    }
    if (s->next_fire == 0 && s->spec.probability == 0.0)
        site_disarm_locked(fc, s);        /* a one-shot countdown is spent */
    if (fire) {
        s->fired++;
        if (fc->nlog < FAULT_LOG_MAX)
            fc->log[fc->nlog++] = (struct fault_log_entry){.site = (unsigned)(s - fc->sites),
                                                           .hit = s->hits};
    }
    return fire;
}

bool fault_hit(struct fault_ctl *fc, const char *site)
{
    struct fault_site *s;
    bool fire = false;
    if (fc == NULL || atomic_load_explicit(&fc->armed, memory_order_relaxed) == 0)
        return false;
    pthread_mutex_lock(&fc->lock);
    s = site_get_locked(fc, site, true);
    if (s != NULL && s->armed)
        fire = site_hit_locked(fc, s);
    pthread_mutex_unlock(&fc->lock);
    return fire;
}

uint64_t fault_fired(const struct fault_ctl *fc, const char *site)
{
    struct fault_ctl *mut = (struct fault_ctl *)fc;   /* the lock is not logical state */
    const struct fault_site *s;
    uint64_t n;
    pthread_mutex_lock(&mut->lock);
    s = site_get_locked(mut, site, false);
    n = s ? s->fired : 0;
    pthread_mutex_unlock(&mut->lock);
    return n;
}

size_t fault_log_format(const struct fault_ctl *fc, char *buf, size_t len)
{
    struct fault_ctl *mut = (struct fault_ctl *)fc;
    size_t total = 0;
    pthread_mutex_lock(&mut->lock);
    for (size_t i = 0; i < fc->nlog; i++) {
        const struct fault_log_entry *e = &fc->log[i];
        size_t room = total < len ? len - total : 0;
        int n = snprintf(room ? buf + total : NULL, room, "%s#%llu\n", fc->sites[e->site].name,
                         (unsigned long long)e->hit);
        total += n > 0 ? (size_t)n : 0;
    }
    pthread_mutex_unlock(&mut->lock);
    if (len > 0 && total == 0)
        buf[0] = '\0';
    return total;
}

/* Parses one unsigned decimal; the whole text must be consumed. */
static int parse_u64(const char *v, size_t n, uint64_t *out)
{
    char tmp[32], *end;
    if (n == 0 || n >= sizeof(tmp) || v[0] < '0' || v[0] > '9')
        return -EINVAL;
    memcpy(tmp, v, n);
    tmp[n] = '\0';
    errno = 0;
    *out = strtoull(tmp, &end, 10);
    return *end == '\0' && errno == 0 ? 0 : -EINVAL;
}

static int parse_prob(const char *v, size_t n, double *out)
{
    char tmp[32], *end;
    if (n == 0 || n >= sizeof(tmp) || v[0] == '-' || v[0] == '+' || v[0] == ' ')
        return -EINVAL;
    memcpy(tmp, v, n);
    tmp[n] = '\0';
    *out = strtod(tmp, &end);
    return *end == '\0' && isfinite(*out) && *out >= 0.0 && *out <= 1.0 ? 0 : -EINVAL;
}

int fault_spec_parse(const char *text, struct fault_spec *out)
{
    struct fault_spec sp = {0};
    unsigned seen = 0;
    const char *p = text;
    if (text == NULL || *text == '\0')
        return -EINVAL;
    while (*p != '\0') {
        size_t tok = strcspn(p, ","), key;
        const char *eq = memchr(p, '=', tok);
        unsigned bit;
        int rc;
        if (eq == NULL)
            return -EINVAL;
        key = (size_t)(eq - p);
        if (key == 1 && p[0] == 'p') {
            bit = 1;
            rc = parse_prob(eq + 1, tok - key - 1, &sp.probability);
        } else if (key == 1 && p[0] == 'n') {
            bit = 2;
            rc = parse_u64(eq + 1, tok - key - 1, &sp.countdown);
        } else if (key == 5 && strncmp(p, "every", 5) == 0) {
            bit = 4;
            rc = parse_u64(eq + 1, tok - key - 1, &sp.every);
        } else {
            return -EINVAL;
        }
        if (rc < 0 || (seen & bit))
            return -EINVAL;
        seen |= bit;
        p += tok;
        if (*p == ',' && *++p == '\0')
            return -EINVAL;           /* trailing comma */
    }
    *out = sp;
    return 0;
}
