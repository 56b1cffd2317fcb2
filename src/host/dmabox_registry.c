/* dmabox_registry.c - the handle registry and per-call thread attachment (host layer).
 * Handles are looked up by address in a striped hash table before anything touches them, so
 * a stale or forged handle is answered with STATUS_INVALID_HANDLE instead of a crash; the
 * lookup takes a reference that keeps the object in memory for the call.  A call attaches the
 * application thread to the handle's machine (exec_ctx.h) and restores its previous context on
 * return, so one thread may drive several machines.  See host.h. */
#include "host.h"

#include <ntdef.h>
#include <ntstatus.h>
#include <string.h>

#include "platform/exec_ctx.h"

#define REG_BUCKETS 1024u
#define REG_STRIPES 16u

/* The process-wide table (host.h says why it cannot hang off a machine). */
static struct {
    pthread_mutex_t locks[REG_STRIPES];
    struct host_obj *buckets[REG_BUCKETS];
} reg = {.locks = {[0 ... REG_STRIPES - 1] = PTHREAD_MUTEX_INITIALIZER}};

static unsigned reg_hash(const void *p)
{
    uint64_t v = (uint64_t)(uintptr_t)p;

    v ^= v >> 29;
    v *= 0xbf58476d1ce4e5b9ull;
    v ^= v >> 32;
    return (unsigned)(v % REG_BUCKETS);
}

static pthread_mutex_t *reg_lock(unsigned bucket)
{
    return &reg.locks[bucket % REG_STRIPES];
}

void host_obj_init(struct host_obj *o, enum host_type type, void (*free_fn)(struct host_obj *))
{
    o->type = type;
    atomic_init(&o->refs, 1);
    o->free_fn = free_fn;
    o->hash_next = NULL;
    o->registered = false;
}

void host_obj_register(struct host_obj *o)
{
    unsigned b = reg_hash(o);

    pthread_mutex_lock(reg_lock(b));
    o->hash_next = reg.buckets[b];
    reg.buckets[b] = o;
    o->registered = true;
    pthread_mutex_unlock(reg_lock(b));
}

bool host_obj_unregister(struct host_obj *o)
{
    unsigned b = reg_hash(o);
    bool was = false;

    pthread_mutex_lock(reg_lock(b));
    for (struct host_obj **pp = &reg.buckets[b]; *pp != NULL; pp = &(*pp)->hash_next) {
        if (*pp == o) {
            *pp = o->hash_next;
            o->registered = false;
            was = true;
            break;
        }
    }
    pthread_mutex_unlock(reg_lock(b));
    if (was)
        host_obj_put(o);
    return was;
}

struct host_obj *host_obj_get(const void *p, enum host_type type)
{
    struct host_obj *found = NULL;
    unsigned b;

    if (p == NULL)
        return NULL;
    b = reg_hash(p);
    pthread_mutex_lock(reg_lock(b));
    for (struct host_obj *o = reg.buckets[b]; o != NULL; o = o->hash_next) {
        if ((const void *)o == p) {
            if (o->type == type) {
                atomic_fetch_add_explicit(&o->refs, 1, memory_order_relaxed);
                found = o;
            }
            break;
        }
    }
    pthread_mutex_unlock(reg_lock(b));
    return found;
}

void host_obj_ref(struct host_obj *o)
{
    atomic_fetch_add_explicit(&o->refs, 1, memory_order_relaxed);
}

void host_obj_put(struct host_obj *o)
{
    if (o != NULL && atomic_fetch_sub_explicit(&o->refs, 1, memory_order_acq_rel) == 1)
        o->free_fn(o);
}

struct dmabox_machine *host_obj_machine(struct host_obj *o)
{
    switch (o->type) {
    case HOST_TYPE_MACHINE: return FX_CONTAINER_OF(o, struct dmabox_machine, obj);
    case HOST_TYPE_SLOT: return FX_CONTAINER_OF(o, struct dmabox_slot, obj)->hm;
    case HOST_TYPE_DRIVER: return FX_CONTAINER_OF(o, struct dmabox_driver, obj)->hm;
    case HOST_TYPE_DEVICE: return FX_CONTAINER_OF(o, struct dmabox_device, obj)->hm;
    case HOST_TYPE_HANDLE: return FX_CONTAINER_OF(o, struct dmabox_handle, obj)->hm;
    case HOST_TYPE_IO: return FX_CONTAINER_OF(o, struct dmabox_io, obj)->hm;
    }
    return NULL;
}

/* ---- calls ---- */

/* An application thread: never attached, or attached by the host API or machine_create, which
 * name it "app"; threads the machine created carry other names (dpc0, pnp:..., intr:...). */
static bool host_thread_is_app(const struct exec_ctx *ctx)
{
    return ctx->machine == NULL || (ctx->cpu < 0 && ctx->name != NULL && strcmp(ctx->name, "app") == 0);
}

dmabox_status_t host_call_enter(struct host_call *c, struct dmabox_machine *hm,
                                enum host_call_kind kind)
{
    struct exec_ctx *ctx = exec_ctx_self();
    bool app = host_thread_is_app(ctx);

    c->hm = hm;
    c->switched = false;
    switch (kind) {
    case HOST_CALL_BLOCKING:
        if (!app || ctx->level != EXEC_LEVEL_PASSIVE)
            return STATUS_NOT_SUPPORTED;
        break;
    case HOST_CALL_PASSIVE:
        if (ctx->level != EXEC_LEVEL_PASSIVE || (!app && ctx->machine != hm->m))
            return STATUS_NOT_SUPPORTED;
        break;
    case HOST_CALL_ANY:
        if (ctx->level > EXEC_LEVEL_DISPATCH || (!app && ctx->machine != hm->m))
            return STATUS_NOT_SUPPORTED;
        break;
    }
    if (ctx->machine != hm->m) {
        c->saved_machine = ctx->machine;
        c->saved_name = ctx->name;
        c->switched = true;
        exec_ctx_attach(hm->m, "app");
    }
    return STATUS_SUCCESS;
}

void host_call_leave(struct host_call *c)
{
    if (c->switched)
        exec_ctx_attach(c->saved_machine, c->saved_name);
    c->switched = false;
}

dmabox_status_t host_enter_obj(struct host_call *c, const void *handle, enum host_type type,
                               enum host_call_kind kind, struct host_obj **out)
{
    struct host_obj *o = host_obj_get(handle, type);
    dmabox_status_t st;

    *out = NULL;
    if (o == NULL)
        return STATUS_INVALID_HANDLE;
    st = host_call_enter(c, host_obj_machine(o), kind);
    if (st != STATUS_SUCCESS) {
        host_obj_put(o);
        return st;
    }
    *out = o;
    return STATUS_SUCCESS;
}

void host_leave_obj(struct host_call *c, struct host_obj *o)
{
    host_call_leave(c);
    host_obj_put(o);
}
