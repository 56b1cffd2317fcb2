/* fx_driver_bind.c - binding a driver image to a machine's framework (kmdf layer): per-driver
 * globals, the driver's root object, and the reaping of objects a driver leaves behind.
 * A linked-in driver is bound through its extern WdfDriverGlobals / WdfFunctions_01033 (one per
 * executable); a shared-object driver through the same two symbols found with dlsym.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/building-and-loading-a-kmdf-driver
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdriver/ns-wdfdriver-_wdf_driver_config (DriverPoolTag) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kmdf/ddi_table.h"
#include "kmdf/fx_globals.h"
#include "kmdf/kmdf_machine.h"
#include "verifier/vf.h"

/* Stands in for the driver object as the parent of last resort: every object the driver creates
 * without a parent hangs below it, so unbinding deletes them all, children first. */
static const struct fx_object_ops fx_driver_root_ops = {
    .type = FX_TYPE_DRIVER_ROOT,
    .size = sizeof(struct fx_object),
    .flags = FX_OBJECT_NO_DRIVER_DELETE,
};

/* KMDF's default pool tag: the first four characters of the driver's name. */
static ULONG fx_default_tag(const char *name)
{
    ULONG tag = 0;

    for (unsigned i = 0; i < 4; i++) {
        unsigned char c = name[0] != '\0' ? (unsigned char)*name++ : ' ';
        tag |= (ULONG)c << (8 * i);
    }
    return tag;
}

NTSTATUS fx_driver_bind(struct machine *m, const char *name, PWDF_DRIVER_GLOBALS *globals_slot,
                        const WDFFUNC **table_slot)
{
    struct kmdf_machine *k;
    struct fx_driver_globals *g;
    NTSTATUS status;

    if (m == NULL || name == NULL || globals_slot == NULL || table_slot == NULL ||
        (k = kmdf_of(m)) == NULL || *globals_slot != NULL)
        return STATUS_INVALID_PARAMETER;
    g = calloc(1, sizeof(*g));
    if (g == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    g->magic = FX_GLOBALS_MAGIC;
    g->machine = m;
    g->kmdf = k;
    snprintf(g->name, sizeof(g->name), "%s", name);
    snprintf(g->pub.DriverName, sizeof(g->pub.DriverName), "%s", name);
    g->pub.DriverTag = fx_default_tag(name);
    g->globals_slot = globals_slot;
    g->table_slot = table_slot;
    fx_list_init(&g->link);

    status = fx_object_create(g, &fx_driver_root_ops, NULL, NULL, "fx_driver_bind", NULL, &g->root);
    if (!NT_SUCCESS(status)) {
        free(g);
        return status;
    }
    g->default_parent = g->root;
    pthread_mutex_lock(&k->drivers_lock);
    fx_list_add_tail(&k->drivers, &g->link);
    pthread_mutex_unlock(&k->drivers_lock);
    *globals_slot = &g->pub;
    *table_slot = fx_ddi_table;
    return STATUS_SUCCESS;
}

void fx_driver_unbind(PWDF_DRIVER_GLOBALS globals)
{
    struct fx_driver_globals *g;
    struct kmdf_machine *k;

    if (globals == NULL)
        return;
    g = fx_globals(globals);
    k = g->kmdf;
    fx_object_delete(g->root);
    fx_objects_reap(k, g, "driver unbind");
    pthread_mutex_lock(&k->drivers_lock);
    fx_list_del(&g->link);
    pthread_mutex_unlock(&k->drivers_lock);
    *g->globals_slot = NULL;
    *g->table_slot = NULL;
    g->magic = 0;
    free(g);
}

static struct fx_object *fx_reap_lookup(struct kmdf_machine *k, WDFOBJECT handle,
                                        struct fx_driver_globals *owner)
{
    struct fx_object *obj;

    if (fx_handle_lookup(&k->handles, handle, &obj) != FX_HANDLE_LIVE)
        return NULL;
    return owner == NULL || obj->globals == owner ? obj : NULL;
}

/* The handles of every live object; *n receives the count.  NULL when there are none. */
static WDFOBJECT *fx_reap_snapshot(struct kmdf_machine *k, size_t *n)
{
    size_t want = fx_handle_snapshot(&k->handles, NULL, 0);
    WDFOBJECT *handles;

    *n = 0;
    if (want == 0 || (handles = calloc(want, sizeof(*handles))) == NULL)
        return NULL;
    *n = fx_handle_snapshot(&k->handles, handles, want);
    if (*n > want)
        *n = want;
    return handles;
}

/* Rule WDF-OBJ-003: nothing a driver created outlives it. */
void fx_objects_reap(struct kmdf_machine *k, struct fx_driver_globals *owner, const char *when)
{
    WDFOBJECT *handles;
    size_t n;

    /* Objects still alive (parented outside the driver's tree) are deleted normally first. */
    handles = fx_reap_snapshot(k, &n);
    for (size_t i = 0; i < n; i++) {
        struct fx_object *obj = fx_reap_lookup(k, handles[i], owner);
        if (obj != NULL && fx_object_state(obj) == FX_OBJECT_STATE_ALIVE)
            fx_object_delete(obj);
    }
    free(handles);

    /* What survives is held by references the driver never released. */
    handles = fx_reap_snapshot(k, &n);
    for (size_t i = 0; i < n; i++) {
        struct fx_object *obj = fx_reap_lookup(k, handles[i], owner);
        if (obj == NULL)
            continue;
        vf_report(VF_RULE_OBJECT_LEAK, handles[i], when, obj->origin,
                  "%s of driver %s created at the address shown is still referenced "
                  "(%ld driver reference(s) never released); freed without its callbacks",
                  fx_object_type_name(fx_object_type(obj)), obj->globals->name,
                  atomic_load_explicit(&obj->driver_refs, memory_order_relaxed));
        fx_object_free_leaked(obj);
    }
    free(handles);
}
