/* fx_globals.h - per-driver framework globals and driver binding (kmdf layer, internal).
 * A driver image holds two variables (the KMDF stub, src/kmdf/stub/wdf_stub.c): WdfDriverGlobals
 * and WdfFunctions_01033.  fx_driver_bind allocates this driver's struct fx_driver_globals, whose
 * first member is the public WDF_DRIVER_GLOBALS, and points both variables at the globals and the
 * DDI table.  Every DDI receives the public part first; fx_globals() converts it back, which is how
 * a DDI finds its machine without any process-wide state.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/building-and-loading-a-kmdf-driver */
#ifndef DMABOX_KMDF_FX_GLOBALS_H
#define DMABOX_KMDF_FX_GLOBALS_H

#include <stdbool.h>
#include <stdint.h>

#include "ntstatus.h"
#include "wdfglobals.h"

#include "kmdf/object/fx_list.h"

struct machine;
struct kmdf_machine;
struct fx_object;

/* Framework invariants: always checked (test builds define DMABOX_TESTING; so does every build
 * today).  A failed assertion is a framework bug, never a driver's: driver misuse goes to the
 * verifier (vf_report) instead. */
void fx_assert_fail(const char *expr, const char *file, int line) __attribute__((noreturn));
#define FX_ASSERT(e) ((e) ? (void)0 : fx_assert_fail(#e, __FILE__, __LINE__))

#define FX_GLOBALS_MAGIC 0x52444658u /* "FXDR" */

/* Per-driver verifier switches (the KMDF VerifierOn / TrackHandles registry values). */
struct fx_verifier_settings {
    bool enabled;
};

struct fx_driver_globals {
    WDF_DRIVER_GLOBALS pub;             /* first: drivers hold &pub as their PWDF_DRIVER_GLOBALS */
    uint32_t magic;                     /* FX_GLOBALS_MAGIC while bound */
    struct machine *machine;
    struct kmdf_machine *kmdf;          /* machine->kmdf, the handle table and object tree */
    char name[64];                      /* full driver name, for reports */
    struct fx_object *root;             /* per-driver root object, created/deleted by (un)bind */
    struct fx_object *default_parent;   /* parent of objects created without ParentObject; the
                                           root until a WDFDRIVER exists, then that object */
    PWDF_DRIVER_GLOBALS *globals_slot;  /* the driver image's WdfDriverGlobals */
    const WDFFUNC **table_slot;         /* the driver image's WdfFunctions_01033 */
    struct fx_verifier_settings vf;
    struct fx_list link;                /* in struct kmdf_machine.drivers, under its lock */
};

/* The framework globals behind a driver's PWDF_DRIVER_GLOBALS.  Any IRQL. */
static inline struct fx_driver_globals *fx_globals(PWDF_DRIVER_GLOBALS globals)
{
    struct fx_driver_globals *g = FX_CONTAINER_OF(globals, struct fx_driver_globals, pub);
    FX_ASSERT(globals != NULL && g->magic == FX_GLOBALS_MAGIC);
    return g;
}

/* Binds a driver image to machine m (whose kmdf layer must be attached): allocates its globals,
 * creates its root object, and writes *globals_slot and *table_slot (the image's WdfDriverGlobals
 * and WdfFunctions_01033).  A linked-in driver passes the addresses of its extern variables; a
 * shared-object driver the addresses dlsym returned.  Passive level.
 * Returns STATUS_SUCCESS, STATUS_INVALID_PARAMETER (NULL argument, kmdf not attached, or the
 * image already bound) or STATUS_INSUFFICIENT_RESOURCES. */
NTSTATUS fx_driver_bind(struct machine *m, const char *name, PWDF_DRIVER_GLOBALS *globals_slot,
                        const WDFFUNC **table_slot);

/* Unbinds a driver: deletes its root object and with it every object the driver still owns
 * (cleanup and destroy callbacks run, children first).  An object kept alive by a driver
 * reference the driver never released is reported as VF_RULE_OBJECT_LEAK and freed without
 * calling the driver.  Clears both slots and frees the globals.  Passive level.  NULL is ignored. */
void fx_driver_unbind(PWDF_DRIVER_GLOBALS globals);

#endif
