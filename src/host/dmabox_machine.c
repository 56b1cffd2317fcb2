/* dmabox_machine.c - machines and slots of the host API (host layer): dmabox_machine_create /
 * _destroy (the layers attached and detached in their documented order: verifier, wdm, kmdf up;
 * kmdf, wdm, verifier down) and dmabox_plug / dmabox_unplug over the platform bus.
 * docs/host-api.md describes the lifecycle. */
#include "host.h"

#include <errno.h>
#include <ntdef.h>
#include <ntstatus.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kmdf/kmdf_machine.h"
#include "platform/bus.h"
#include "platform/exec_ctx.h"
#include "platform/machine.h"
#include "platform/physmem.h"
#include "registry.h"
#include "verifier/vf.h"
#include "wdm/wdm_machine.h"

#define HOST_MAX_CPUS 64u
#define HOST_MAX_RAM (64ull << 30)
#define HOST_MAX_OPTIONS 16u
#define HOST_MAX_OPTIONS_TEXT 1024u

static void machine_free(struct host_obj *o)
{
    struct dmabox_machine *hm = FX_CONTAINER_OF(o, struct dmabox_machine, obj);

    pthread_mutex_destroy(&hm->lock);
    pthread_rwlock_destroy(&hm->buffers.lock);
    free(hm->buffers.sorted);
    free(hm);
}

static dmabox_status_t status_from_errno(int rc)
{
    switch (rc) {
    case 0: return STATUS_SUCCESS;
    case -EINVAL: return STATUS_INVALID_PARAMETER;
    case -ENOMEM:
    case -ENOSPC: return STATUS_INSUFFICIENT_RESOURCES;
    case -EBUSY: return STATUS_DEVICE_ALREADY_ATTACHED;
    default: return STATUS_UNSUCCESSFUL;
    }
}

static dmabox_status_t config_check(const struct dmabox_machine_config *cfg)
{
    if (cfg->cpus > HOST_MAX_CPUS || cfg->ram_bytes > HOST_MAX_RAM ||
        cfg->ram_bytes % PHYSMEM_PAGE_SIZE != 0 || cfg->ram_above_4g % PHYSMEM_PAGE_SIZE != 0)
        return STATUS_INVALID_PARAMETER;
    if (cfg->ram_bytes != 0 && cfg->ram_above_4g > cfg->ram_bytes)
        return STATUS_INVALID_PARAMETER;
    if (cfg->verifier_mode != DMABOX_VERIFIER_ABORT && cfg->verifier_mode != DMABOX_VERIFIER_RECORD)
        return STATUS_INVALID_PARAMETER;
    return STATUS_SUCCESS;
}

/* Brings up the machine and its layers with the calling thread attached to it.  Returns 0 or a
 * negative errno; on failure nothing is left. */
static int machine_bring_up(struct dmabox_machine *hm)
{
    struct machine_config mc = {
        .cpus = hm->cfg.cpus,
        .ram_bytes = hm->cfg.ram_bytes,
        .ram_above_4g = hm->cfg.ram_above_4g,
        .seed = hm->cfg.seed,
    };
    int rc;

    if (mc.ram_bytes == 0 && mc.ram_above_4g != 0)
        mc.ram_bytes = 256ull << 20;
    machine_config_defaults(&mc);
    rc = machine_create(&mc, &hm->m);
    if (rc != 0)
        return rc;
    hm->cfg.cpus = mc.cpus;
    hm->cfg.ram_bytes = mc.ram_bytes;
    hm->cfg.ram_above_4g = mc.ram_above_4g;
    hm->cfg.seed = mc.seed;
    rc = vf_machine_attach(hm->m);
    if (rc == 0) {
        vf_set_mode(hm->cfg.verifier_mode == DMABOX_VERIFIER_RECORD ? VF_MODE_RECORD : VF_MODE_ABORT);
        vf_set_quiet(hm->cfg.verifier_quiet);
        rc = wdm_machine_attach(hm->m);
        if (rc == 0) {
            if (kmdf_machine_attach(hm->m) == 0)
                return 0;
            rc = -ENOMEM;
            wdm_machine_detach(hm->m);
        }
        vf_machine_detach(hm->m);
    }
    machine_destroy(hm->m);
    hm->m = NULL;
    return rc < 0 ? rc : -ENOMEM;
}

dmabox_status_t dmabox_machine_create(const struct dmabox_machine_config *cfg,
                                      dmabox_machine_t **out)
{
    static const struct dmabox_machine_config defaults;
    struct exec_ctx *ctx = exec_ctx_self();
    struct machine *saved_machine = ctx->machine;
    const char *saved_name = ctx->name;
    struct dmabox_machine *hm;
    dmabox_status_t st;
    int rc;

    if (out == NULL)
        return STATUS_INVALID_PARAMETER;
    *out = NULL;
    if (cfg == NULL)
        cfg = &defaults;
    st = config_check(cfg);
    if (st != STATUS_SUCCESS)
        return st;
    /* Same rule as any blocking call: an application thread at passive level. */
    if (ctx->level != EXEC_LEVEL_PASSIVE ||
        (ctx->machine != NULL && (ctx->cpu >= 0 || ctx->name == NULL || strcmp(ctx->name, "app") != 0)))
        return STATUS_NOT_SUPPORTED;
    hm = calloc(1, sizeof(*hm));
    if (hm == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    host_obj_init(&hm->obj, HOST_TYPE_MACHINE, machine_free);
    hm->cfg = *cfg;
    pthread_mutex_init(&hm->lock, NULL);
    fx_list_init(&hm->drivers);
    fx_list_init(&hm->devices);
    fx_list_init(&hm->handles);
    fx_list_init(&hm->ios);
    if (host_buffers_init(&hm->buffers) != 0) {
        pthread_mutex_destroy(&hm->lock);
        free(hm);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    rc = machine_bring_up(hm);
    /* machine_create attached this thread; every call attaches it again for its duration. */
    exec_ctx_attach(saved_machine, saved_name);
    if (rc != 0) {
        machine_free(&hm->obj);
        return status_from_errno(rc);
    }
    host_obj_register(&hm->obj);
    *out = hm;
    return STATUS_SUCCESS;
}

/* ---- destroy ---- */

static struct dmabox_handle *first_handle(struct dmabox_machine *hm)
{
    struct dmabox_handle *h = NULL;

    pthread_mutex_lock(&hm->lock);
    if (!fx_list_empty(&hm->handles)) {
        h = FX_CONTAINER_OF(hm->handles.next, struct dmabox_handle, link);
        host_obj_ref(&h->obj);
    }
    pthread_mutex_unlock(&hm->lock);
    return h;
}

static struct dmabox_driver *last_driver(struct dmabox_machine *hm)
{
    struct dmabox_driver *d = NULL;

    pthread_mutex_lock(&hm->lock);
    if (!fx_list_empty(&hm->drivers)) {
        d = FX_CONTAINER_OF(hm->drivers.prev, struct dmabox_driver, link);
        host_obj_ref(&d->obj);
    }
    pthread_mutex_unlock(&hm->lock);
    return d;
}

static dmabox_status_t slot_unplug(struct dmabox_slot *s);

static struct dmabox_slot *slot_at(struct dmabox_machine *hm, unsigned i)
{
    struct dmabox_slot *s;

    pthread_mutex_lock(&hm->lock);
    s = hm->slots[i];
    if (s != NULL)
        host_obj_ref(&s->obj);
    pthread_mutex_unlock(&hm->lock);
    return s;
}

/* Order: handles (their I/O cancelled), drivers newest first (fx_driver_unload removes their
 * devices), slots, I/O handles never released, buffers; then kmdf, wdm, verifier, machine
 * (kmdf_machine.h, wdm_machine.h: each layer detaches before the one below it). */
dmabox_status_t dmabox_machine_destroy(dmabox_machine_t *machine,
                                       struct dmabox_machine_stats *final)
{
    struct dmabox_machine *hm;
    struct dmabox_handle *h;
    struct dmabox_driver *drv;
    size_t handles = 0, ios, buffers;
    struct host_obj *o;
    struct host_call c;
    dmabox_status_t st;

    st = host_enter_obj(&c, machine, HOST_TYPE_MACHINE, HOST_CALL_BLOCKING, &o);
    if (st != STATUS_SUCCESS)
        return st;
    hm = FX_CONTAINER_OF(o, struct dmabox_machine, obj);
    if (!host_obj_unregister(&hm->obj)) {
        host_leave_obj(&c, o);
        return STATUS_INVALID_HANDLE;       /* another thread is destroying it */
    }
    while ((h = first_handle(hm)) != NULL) {
        handles += host_handle_close(h);
        host_obj_put(&h->obj);
    }
    while ((drv = last_driver(hm)) != NULL) {
        host_driver_unload(drv);
        host_obj_put(&drv->obj);
    }
    for (unsigned i = 0; i < DMABOX_MAX_SLOTS; i++) {
        struct dmabox_slot *s = slot_at(hm, i);
        if (s != NULL) {
            slot_unplug(s);
            host_obj_put(&s->obj);
        }
    }
    ios = host_ios_release_all(hm);
    buffers = host_buffers_fini(hm);
    kmdf_machine_detach(hm->m);
    wdm_machine_detach(hm->m);
    if (final != NULL) {
        host_stats_collect(hm, final);
        final->forgotten_handles = handles;
        final->forgotten_ios = ios;
        final->forgotten_buffers = buffers;
    }
    vf_machine_detach(hm->m);
    machine_destroy(hm->m);
    hm->m = NULL;
    host_leave_obj(&c, o);
    return STATUS_SUCCESS;
}

/* ---- slots ---- */

static void slot_free(struct host_obj *o)
{
    struct dmabox_slot *s = FX_CONTAINER_OF(o, struct dmabox_slot, obj);

    host_obj_put(&s->hm->obj);
    free(s);
}

/* Splits "a=1,b=2" into props (pointing into buf).  Returns false if malformed. */
static bool options_parse(const char *text, char *buf, size_t buflen, struct dmabox_prop *items,
                          size_t *count)
{
    char *save = NULL, *tok;
    size_t n = 0;

    *count = 0;
    if (text == NULL || text[0] == '\0')
        return true;
    if (strlen(text) >= buflen)
        return false;
    strcpy(buf, text);
    for (tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '=');
        if (eq == NULL || eq == tok || n == HOST_MAX_OPTIONS)
            return false;
        *eq = '\0';
        items[n++] = (struct dmabox_prop){tok, eq + 1};
    }
    /* strtok_r skips empty fields: ",," or a trailing comma is malformed too. */
    if (strstr(text, ",,") != NULL || text[0] == ',' || text[strlen(text) - 1] == ',')
        return false;
    *count = n;
    return true;
}

dmabox_status_t dmabox_plug(dmabox_machine_t *machine, unsigned slot, const char *model,
                            const char *options, dmabox_slot_t **out)
{
    const struct dmabox_device_model *dm;
    struct dmabox_prop items[HOST_MAX_OPTIONS];
    struct dmabox_props props = {.items = items};
    char text[HOST_MAX_OPTIONS_TEXT], err[200];
    struct dmabox_machine *hm;
    struct dmabox_dev *dev = NULL;
    struct dmabox_slot *s;
    struct host_obj *o;
    struct host_call c;
    dmabox_status_t st;
    int rc;

    if (out == NULL)
        return STATUS_INVALID_PARAMETER;
    *out = NULL;
    st = host_enter_obj(&c, machine, HOST_TYPE_MACHINE, HOST_CALL_BLOCKING, &o);
    if (st != STATUS_SUCCESS)
        return st;
    hm = FX_CONTAINER_OF(o, struct dmabox_machine, obj);
    if (slot >= DMABOX_MAX_SLOTS || model == NULL ||
        !options_parse(options, text, sizeof(text), items, &props.count)) {
        st = STATUS_INVALID_PARAMETER;
    } else if ((dm = dmabox_device_model_find(model)) == NULL) {
        st = STATUS_OBJECT_NAME_NOT_FOUND;
    } else if ((s = calloc(1, sizeof(*s))) == NULL) {
        st = STATUS_INSUFFICIENT_RESOURCES;
    } else {
        host_obj_init(&s->obj, HOST_TYPE_SLOT, slot_free);
        host_obj_ref(&hm->obj);
        s->hm = hm;
        s->index = slot;
        snprintf(s->model, sizeof(s->model), "%s", dm->name);
        pthread_mutex_lock(&hm->lock);
        if (hm->slots[slot] == NULL)
            hm->slots[slot] = s;            /* reserved while the model is realized */
        else
            st = STATUS_DEVICE_ALREADY_ATTACHED;
        pthread_mutex_unlock(&hm->lock);
        if (st == STATUS_SUCCESS) {
            rc = bus_plug(hm->m->bus, slot, dm, &props, &dev, err, sizeof(err));
            st = status_from_errno(rc);
            pthread_mutex_lock(&hm->lock);
            if (rc == 0)
                s->bus_dev = dev;
            else
                hm->slots[slot] = NULL;
            pthread_mutex_unlock(&hm->lock);
        }
        if (st == STATUS_SUCCESS) {
            host_obj_register(&s->obj);
            *out = s;
        } else {
            host_obj_put(&s->obj);
        }
    }
    host_leave_obj(&c, o);
    return st;
}

/* Pulls the card: the attached device (if any) is surprise-removed and removed, then the model
 * is unplugged and the slot handle unregistered.  STATUS_DEVICE_BUSY while a device is being
 * attached to it, STATUS_INVALID_HANDLE if another thread unplugged it first. */
static dmabox_status_t slot_unplug(struct dmabox_slot *s)
{
    struct dmabox_machine *hm = s->hm;
    struct dmabox_device *d = NULL;
    dmabox_status_t st = STATUS_SUCCESS;

    pthread_mutex_lock(&hm->lock);
    if (s->unplugged) {
        st = STATUS_INVALID_HANDLE;
    } else if (s->attaching) {
        st = STATUS_DEVICE_BUSY;
    } else {
        s->unplugged = true;
        d = s->device;
        if (d != NULL)
            host_obj_ref(&d->obj);
    }
    pthread_mutex_unlock(&hm->lock);
    if (st != STATUS_SUCCESS)
        return st;
    host_obj_unregister(&s->obj);
    if (d != NULL) {
        host_device_pull(d);
        host_obj_put(&d->obj);
    }
    bus_unplug(s->bus_dev);
    pthread_mutex_lock(&hm->lock);
    hm->slots[s->index] = NULL;
    pthread_mutex_unlock(&hm->lock);
    return STATUS_SUCCESS;
}

dmabox_status_t dmabox_unplug(dmabox_slot_t *slot)
{
    struct host_obj *o;
    struct host_call c;
    dmabox_status_t st;

    st = host_enter_obj(&c, slot, HOST_TYPE_SLOT, HOST_CALL_BLOCKING, &o);
    if (st != STATUS_SUCCESS)
        return st;
    st = slot_unplug(FX_CONTAINER_OF(o, struct dmabox_slot, obj));
    host_leave_obj(&c, o);
    return st;
}
