/* kmdf_init.c - attaching the kmdf layer to a machine and tearing it down (kmdf layer): the
 * handle table, the object-tree lock, the bound drivers; leak reporting at teardown.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/framework-object-life-cycle */
#include <stdio.h>
#include <stdlib.h>

#include "kmdf/fx_globals.h"
#include "kmdf/kmdf_machine.h"
#include "verifier/vf.h"

void fx_assert_fail(const char *expr, const char *file, int line)
{
    fprintf(stderr, "dmabox kmdf: internal assertion failed at %s:%d: %s\n", file, line, expr);
    abort();
}

int kmdf_machine_attach(struct machine *m)
{
    struct kmdf_machine *k;

    if (m == NULL || m->kmdf != NULL)
        return -1;
    k = calloc(1, sizeof(*k));
    if (k == NULL)
        return -1;
    k->machine = m;
    if (fx_handle_table_init(&k->handles) != 0) {
        free(k);
        return -1;
    }
    pthread_mutex_init(&k->tree_lock, NULL);
    pthread_mutex_init(&k->drivers_lock, NULL);
    fx_list_init(&k->drivers);
    for (unsigned t = 0; t < FX_TYPE_COUNT; t++)
        atomic_init(&k->live[t], 0);
    m->kmdf = k;
    return 0;
}

/* Rule WDF-OBJ-003: a driver still bound at teardown never unloaded; its objects leak with it. */
void kmdf_machine_detach(struct machine *m)
{
    struct kmdf_machine *k;

    if (m == NULL || (k = kmdf_of(m)) == NULL)
        return;
    for (;;) {
        struct fx_driver_globals *g = NULL;
        pthread_mutex_lock(&k->drivers_lock);
        if (!fx_list_empty(&k->drivers))
            g = FX_CONTAINER_OF(k->drivers.next, struct fx_driver_globals, link);
        pthread_mutex_unlock(&k->drivers_lock);
        if (g == NULL)
            break;
        vf_report(VF_RULE_OBJECT_LEAK, &g->pub, "kmdf_machine_detach", NULL,
                  "driver %s is still bound at machine teardown; unbinding it", g->name);
        fx_driver_unbind(&g->pub);
    }
    fx_objects_reap(k, NULL, "kmdf_machine_detach");
    fx_handle_table_fini(&k->handles);
    pthread_mutex_destroy(&k->tree_lock);
    pthread_mutex_destroy(&k->drivers_lock);
    free(k);
    m->kmdf = NULL;
}

long kmdf_object_count(struct machine *m, enum fx_object_type type)
{
    struct kmdf_machine *k = m != NULL ? kmdf_of(m) : NULL;
    long n = 0;

    if (k == NULL)
        return 0;
    if (type != FX_TYPE_ANY)
        return atomic_load_explicit(&k->live[type], memory_order_relaxed);
    for (unsigned t = 0; t < FX_TYPE_COUNT; t++)
        n += atomic_load_explicit(&k->live[t], memory_order_relaxed);
    return n;
}
