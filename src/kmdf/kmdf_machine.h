/* kmdf_machine.h - the kmdf layer's per-machine state (machine->kmdf): the handle table, the lock
 * that orders the object tree, the bound drivers and live-object counts.  Attached after the
 * verifier (and wdm) layers, detached before them.  Nothing here is process-wide, so two machines
 * in one process are independent. */
#ifndef DMABOX_KMDF_KMDF_MACHINE_H
#define DMABOX_KMDF_KMDF_MACHINE_H

#include <pthread.h>
#include <stdatomic.h>

#include "kmdf/object/fx_handle.h"
#include "kmdf/object/fx_list.h"
#include "kmdf/object/fx_object.h"
#include "platform/machine.h"

struct kmdf_machine {
    struct machine *machine;
    /* Orders every object's state transition and every parent/child link change.  Never held
     * while a driver callback runs. */
    pthread_mutex_t tree_lock;
    struct fx_handle_table handles;
    pthread_mutex_t drivers_lock;
    struct fx_list drivers;                /* struct fx_driver_globals.link; drivers_lock */
    _Atomic long live[FX_TYPE_COUNT];      /* objects not yet freed, by type */
};

static inline struct kmdf_machine *kmdf_of(struct machine *m)
{
    return (struct kmdf_machine *)m->kmdf;
}

/* Creates machine m's kmdf state (m->kmdf).  Returns 0, or -1 if out of memory or already
 * attached.  Passive level, before any driver is bound. */
int kmdf_machine_attach(struct machine *m);

/* Tears it down: a driver still bound is reported (VF_RULE_OBJECT_LEAK) and unbound, which
 * deletes its objects; any object still in the handle table after that is reported as leaked
 * and freed.  Passive level.  Idempotent. */
void kmdf_machine_detach(struct machine *m);

/* Deletes the objects `owner` (NULL: any driver) still has, then reports every one that
 * survives because of a driver reference never released (VF_RULE_OBJECT_LEAK, naming `when`
 * and the code that created it) and frees it without calling the driver.  fx_driver_bind.c. */
void fx_objects_reap(struct kmdf_machine *k, struct fx_driver_globals *owner, const char *when);

/* Objects of that type (FX_TYPE_ANY: all types) created on m and not yet freed. */
long kmdf_object_count(struct machine *m, enum fx_object_type type);

#endif
