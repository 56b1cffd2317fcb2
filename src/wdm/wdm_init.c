/* wdm_init.c - creation and teardown of the wdm layer's per-machine state (wdm layer).
 * Order on a machine: machine_create, vf_machine_attach, wdm_machine_attach ... and in reverse:
 * wdm_machine_detach (reports leaks to the verifier), vf_machine_detach, machine_destroy. */
#include "wdm/wdm_machine.h"

#include <errno.h>
#include <stdlib.h>

int wdm_machine_attach(struct machine *m)
{
    struct wdm_machine *w;
    int rc;

    if (m == NULL || m->wdm != NULL)
        return -EINVAL;
    w = calloc(1, sizeof(*w));
    if (w == NULL)
        return -ENOMEM;
    w->machine = m;
    rc = wdm_pool_init(w);
    if (rc < 0) {
        free(w);
        return rc;
    }
    m->wdm = w;
    return 0;
}

void wdm_machine_detach(struct machine *m)
{
    if (m == NULL || m->wdm == NULL)
        return;
    wdm_pool_fini(to_wdm_machine(m));
    free(m->wdm);
    m->wdm = NULL;
}
