/* vf.c - verifier core: reporting, abort/record mode, per-rule counts (see vf.h). */
#include "vf.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/exec_ctx.h"
#include "platform/machine.h"

struct vf_state {
    pthread_mutex_t lock;
    enum vf_mode mode;
    int quiet;
    unsigned long counts[VF_RULE_COUNT];
    unsigned long total;
    size_t kept;
    struct vf_finding findings[VF_MAX_KEPT];
};

/* Threads with no machine (and machines created before the verifier layer attached) report here. */
static struct vf_state process_default = {.lock = PTHREAD_MUTEX_INITIALIZER};

static struct vf_state *vf_current(void)
{
    struct machine *m = exec_ctx_self()->machine;
    return (m != NULL && m->vf != NULL) ? m->vf : &process_default;
}

int vf_machine_attach(struct machine *m)
{
    struct vf_state *vf = calloc(1, sizeof(*vf));
    if (vf == NULL)
        return -1;
    pthread_mutex_init(&vf->lock, NULL);
    vf->mode = VF_MODE_ABORT;
    m->vf = vf;
    return 0;
}

void vf_machine_detach(struct machine *m)
{
    if (m == NULL || m->vf == NULL)
        return;
    pthread_mutex_destroy(&m->vf->lock);
    free(m->vf);
    m->vf = NULL;
}

static void vf_symbolize(const void *addr, char *buf, size_t len)
{
    Dl_info info;
    if (addr == NULL) {
        snprintf(buf, len, "?");
        return;
    }
    if (dladdr(addr, &info) != 0 && info.dli_fname != NULL) {
        const char *slash = strrchr(info.dli_fname, '/');
        const char *obj = slash ? slash + 1 : info.dli_fname;
        if (info.dli_sname != NULL)
            snprintf(buf, len, "%s!%s+0x%lx", obj, info.dli_sname,
                     (unsigned long)((const char *)addr - (const char *)info.dli_saddr));
        else /* drivers export only DriverEntry: give module+offset for addr2line */
            snprintf(buf, len, "%s+0x%lx", obj,
                     (unsigned long)((const char *)addr - (const char *)info.dli_fbase));
        return;
    }
    snprintf(buf, len, "%p", addr);
}

void vf_report(enum vf_rule rule, const void *object, const char *ddi, const void *caller,
               const char *fmt, ...)
{
    struct vf_state *vf = vf_current();
    const struct vf_rule_info *info = vf_rule_info(rule);
    struct vf_finding f = {.rule = rule, .object = object, .ddi = ddi, .caller = caller};
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(f.detail, sizeof(f.detail), fmt, ap);
    va_end(ap);
    vf_symbolize(caller, f.caller_sym, sizeof(f.caller_sym));

    pthread_mutex_lock(&vf->lock);
    if ((unsigned)rule < VF_RULE_COUNT)
        vf->counts[rule]++;
    vf->total++;
    if (vf->kept < VF_MAX_KEPT)
        vf->findings[vf->kept++] = f;
    enum vf_mode mode = vf->mode;
    int quiet = vf->quiet;
    pthread_mutex_unlock(&vf->lock);

    if (mode == VF_MODE_ABORT || !quiet)
        fprintf(stderr, "dmabox verifier: %s %s: object %p in %s called from %s [%s]: %s\n",
                info->id, info->name, object, ddi ? ddi : "?", f.caller_sym,
                exec_ctx_self()->name, f.detail);
    if (mode == VF_MODE_ABORT) {
        fprintf(stderr, "dmabox verifier: aborting (rule documented at %s)\n", info->doc);
        abort();
    }
}

void vf_set_mode(enum vf_mode mode)
{
    struct vf_state *vf = vf_current();
    pthread_mutex_lock(&vf->lock);
    vf->mode = mode;
    pthread_mutex_unlock(&vf->lock);
}

enum vf_mode vf_get_mode(void)
{
    struct vf_state *vf = vf_current();
    pthread_mutex_lock(&vf->lock);
    enum vf_mode mode = vf->mode;
    pthread_mutex_unlock(&vf->lock);
    return mode;
}

void vf_set_quiet(int quiet)
{
    struct vf_state *vf = vf_current();
    pthread_mutex_lock(&vf->lock);
    vf->quiet = quiet;
    pthread_mutex_unlock(&vf->lock);
}

unsigned long vf_count(enum vf_rule rule)
{
    struct vf_state *vf = vf_current();
    unsigned long n = 0;
    pthread_mutex_lock(&vf->lock);
    if ((unsigned)rule < VF_RULE_COUNT)
        n = vf->counts[rule];
    pthread_mutex_unlock(&vf->lock);
    return n;
}

unsigned long vf_total(void)
{
    struct vf_state *vf = vf_current();
    pthread_mutex_lock(&vf->lock);
    unsigned long n = vf->total;
    pthread_mutex_unlock(&vf->lock);
    return n;
}

size_t vf_kept(void)
{
    struct vf_state *vf = vf_current();
    pthread_mutex_lock(&vf->lock);
    size_t n = vf->kept;
    pthread_mutex_unlock(&vf->lock);
    return n;
}

int vf_finding_get(size_t index, struct vf_finding *out)
{
    struct vf_state *vf = vf_current();
    int rc = -1;
    pthread_mutex_lock(&vf->lock);
    if (index < vf->kept) {
        *out = vf->findings[index];
        rc = 0;
    }
    pthread_mutex_unlock(&vf->lock);
    return rc;
}

void vf_reset(void)
{
    struct vf_state *vf = vf_current();
    pthread_mutex_lock(&vf->lock);
    memset(vf->counts, 0, sizeof(vf->counts));
    vf->total = 0;
    vf->kept = 0;
    pthread_mutex_unlock(&vf->lock);
}
