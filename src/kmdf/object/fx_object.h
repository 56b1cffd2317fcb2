/* fx_object.h - the framework object model (kmdf layer, internal): object header, handle table,
 * typed contexts, parent/child tree, cleanup/destroy and references.  Every framework object type
 * (WDFMEMORY, WDFSPINLOCK, WDFDEVICE, ...) is a struct whose FIRST member is a struct fx_object,
 * described by a const struct fx_object_ops, created with fx_object_create and looked up from a
 * driver's handle with fx_object_resolve at the top of every DDI shim.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/framework-object-life-cycle
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/framework-object-context-space
 * docs/objects.md describes handles, lifetime and contexts as built. */
#ifndef DMABOX_KMDF_FX_OBJECT_H
#define DMABOX_KMDF_FX_OBJECT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wdfobject.h"

#include "kmdf/fx_globals.h"
#include "kmdf/object/fx_list.h"

/* ---- object types ---- */

enum fx_object_type {
    FX_TYPE_ANY = 0,        /* only as a filter for fx_object_resolve: any type matches */
    FX_TYPE_OBJECT,         /* WdfObjectCreate's general object */
    FX_TYPE_DRIVER_ROOT,    /* per-driver root (fx_driver_bind); never visible to the driver */
    FX_TYPE_DRIVER,
    FX_TYPE_DEVICE,
    FX_TYPE_QUEUE,
    FX_TYPE_REQUEST,
    FX_TYPE_MEMORY,
    FX_TYPE_LOOKASIDE,
    FX_TYPE_SPINLOCK,
    FX_TYPE_WAITLOCK,
    FX_TYPE_INTERRUPT,
    FX_TYPE_DPC,
    FX_TYPE_WORKITEM,
    FX_TYPE_TIMER,
    FX_TYPE_DMA_ENABLER,
    FX_TYPE_DMA_TRANSACTION,
    FX_TYPE_COMMON_BUFFER,
    FX_TYPE_CMRESLIST,
    FX_TYPE_IORESLIST,
    FX_TYPE_IORESREQLIST,
    FX_TYPE_FILEOBJECT,
    FX_TYPE_IOTARGET,
    FX_TYPE_KEY,
    FX_TYPE_STRING,
    FX_TYPE_COLLECTION,
    FX_TYPE_CHILDLIST,
    FX_TYPE_COUNT
};

/* The handle type's WDK name ("WDFMEMORY"), for reports.  Never NULL. */
const char *fx_object_type_name(enum fx_object_type type);

/* ---- lifetime ----
 *
 * enum fx_object_state, transitions (each made once, under the machine's tree lock):
 *   ALIVE     -> DISPOSING   WdfObjectDelete, fx_object_delete, or a parent being deleted
 *   DISPOSING -> DISPOSED    children disposed, ops->dispose and every EvtCleanupCallback returned
 *   DISPOSED  -> DESTROYING  the last reference went: EvtDestroyCallbacks, ops->destroy, free
 * A DISPOSED object still has its memory and context while references remain; DDIs other than
 * context access and WdfObjectReference/Dereference report VF_RULE_HANDLE_DELETED on it.
 * Once freed, its handle's generation no longer matches the table and every DDI reports
 * VF_RULE_HANDLE_DELETED. */
enum fx_object_state {
    FX_OBJECT_STATE_ALIVE,
    FX_OBJECT_STATE_DISPOSING,
    FX_OBJECT_STATE_DISPOSED,
    FX_OBJECT_STATE_DESTROYING,
};

const char *fx_object_state_name(enum fx_object_state state);

/* ops->flags */
#define FX_OBJECT_NO_DRIVER_DELETE 0x1u /* WdfObjectDelete on it is VF_RULE_OBJECT_DELETE_NOT_ALLOWED */

/* ops->attr_options: which WDF_OBJECT_ATTRIBUTES members the type accepts (the WDF
 * FX_VALIDATE_OPTION_* set).  0 = parent optional, no execution level or sync scope. */
#define FX_ATTR_PARENT_NOT_ALLOWED 0x01u  /* ParentObject -> STATUS_WDF_PARENT_ASSIGNMENT_NOT_ALLOWED */
#define FX_ATTR_EXECUTION_LEVEL_ALLOWED 0x02u
#define FX_ATTR_SYNCHRONIZATION_SCOPE_ALLOWED 0x04u
#define FX_ATTR_PARENT_REQUIRED 0x08u     /* no ParentObject -> STATUS_WDF_PARENT_NOT_SPECIFIED */

struct fx_object;

/* The const descriptor of one object type (one or more per enum fx_object_type). */
struct fx_object_ops {
    enum fx_object_type type;
    size_t size;            /* sizeof the type's struct, which embeds struct fx_object first */
    unsigned flags;         /* FX_OBJECT_* */
    unsigned attr_options;  /* FX_ATTR_* */
    /* Optional: checks the resolved parent (e.g. "must be a WDFDEVICE").  Returns a status to
     * fail the creation with, or STATUS_SUCCESS. */
    NTSTATUS (*check_parent)(struct fx_object *parent);
    /* Optional: framework-side teardown at delete time, after the children are disposed and
     * before the driver's EvtCleanupCallback (stop timers, disconnect interrupts, ...). */
    void (*dispose)(struct fx_object *obj);
    /* Optional: frees the type's resources when the last reference goes, after the driver's
     * EvtDestroyCallback; the object's memory is freed right after it returns. */
    void (*destroy)(struct fx_object *obj);
};

struct fx_context;

/* The header every framework object starts with.  Owned by fx_object.c: other files read the
 * fields through the functions below, except ops/globals which are constant after creation. */
struct fx_object {
    const struct fx_object_ops *ops;
    struct fx_driver_globals *globals;   /* the driver that created it */
    WDFOBJECT handle;                    /* its entry in the machine's handle table */
    _Atomic int state;                   /* enum fx_object_state; written under the tree lock */
    _Atomic long refs;                   /* 1 for existence + framework and driver references */
    _Atomic long driver_refs;            /* WdfObjectReference minus WdfObjectDereference */
    struct fx_object *parent;            /* tree lock */
    struct fx_list children;             /* tree lock; creation order */
    struct fx_list sibling;              /* entry in parent->children; tree lock */
    bool disposed_by_parent;             /* the parent's delete won the ALIVE->DISPOSING race */
    WDF_EXECUTION_LEVEL execution_level; /* as given in the attributes (InheritFromParent...) */
    WDF_SYNCHRONIZATION_SCOPE sync_scope;
    struct fx_context *_Atomic contexts; /* first: the creation context; appended, never removed */
    const void *origin;                  /* code address that created it, for reports */
};

/* ---- creation and deletion ---- */

/* Creates an object of ops->type for driver g.  Validates attributes (which may be NULL) against
 * ops->attr_options; resolves ParentObject (a bad handle is reported as a finding against `ddi`
 * and `caller`) or uses default_parent, or g->default_parent when that is NULL; allocates the
 * header, the type's struct (ops->size, zeroed) and the zeroed context in one block; publishes a
 * handle; links it as the parent's last child.  The caller initialises its own fields before
 * handing the handle to the driver, and calls fx_object_discard if that fails.
 * IRQL <= DISPATCH_LEVEL.  Returns STATUS_SUCCESS (*out set), or
 *   STATUS_INFO_LENGTH_MISMATCH            Attributes->Size or ContextTypeInfo->Size wrong
 *   STATUS_WDF_OBJECT_ATTRIBUTES_INVALID   bad context info/override, execution level or scope
 *   STATUS_WDF_EXECUTION_LEVEL_INVALID / STATUS_WDF_SYNCHRONIZATION_SCOPE_INVALID  not allowed
 *   STATUS_WDF_PARENT_ASSIGNMENT_NOT_ALLOWED / STATUS_WDF_PARENT_NOT_SPECIFIED
 *   STATUS_INVALID_HANDLE                  ParentObject is not a live object (after a finding)
 *   STATUS_DELETE_PENDING                  the parent is being deleted
 *   STATUS_INSUFFICIENT_RESOURCES          allocation or handle table full
 *   whatever ops->check_parent returns. */
NTSTATUS fx_object_create(struct fx_driver_globals *g, const struct fx_object_ops *ops,
                          PWDF_OBJECT_ATTRIBUTES attributes, struct fx_object *default_parent,
                          const char *ddi, const void *caller, struct fx_object **out);

/* Validates attributes against FX_ATTR_* options as fx_object_create does (same statuses). */
NTSTATUS fx_object_validate_attributes(PWDF_OBJECT_ATTRIBUTES attributes, unsigned options);

/* Undoes fx_object_create after the type's own initialisation failed: deletes the object
 * without calling any driver callback (the driver never saw the handle). */
void fx_object_discard(struct fx_object *obj);

/* Framework-initiated delete (the driver's WdfObjectDelete goes through the DDI shim, which also
 * checks FX_OBJECT_NO_DRIVER_DELETE).  Disposes the children (creation order, recursively),
 * then ops->dispose and the EvtCleanupCallbacks; unlinks it from its parent; releases the
 * children; drops the existence reference, so EvtDestroyCallbacks run now or at the last
 * dereference.  A second delete is ignored.  No lock may be held: driver callbacks run inside.
 * IRQL <= DISPATCH_LEVEL. */
void fx_object_delete(struct fx_object *obj);

/* Frees an object kept alive only by driver references its driver never released, without
 * calling the driver; only the type's destroy hook runs.  For fx_driver_unbind and
 * kmdf_machine_detach, after the leak has been reported. */
void fx_object_free_leaked(struct fx_object *obj);

/* Framework references (not counted as the driver's).  Any IRQL.  The object must be alive or
 * still referenced.  The dereference that drops the last reference destroys the object. */
void fx_object_reference(struct fx_object *obj);
void fx_object_dereference(struct fx_object *obj);

/* ---- handles ---- */

/* fx_object_resolve_ex flags */
#define FX_RESOLVE_ALLOW_DISPOSED 0x1u /* accept an object after its cleanup (contexts, refs) */

/* Resolves a driver's handle to its object at the top of a DDI shim.  Lock-free, O(1), any
 * IRQL.  On a NULL, forged or never-issued handle (VF_RULE_HANDLE_INVALID), a handle of an
 * object already deleted (VF_RULE_HANDLE_DELETED) or of another type than `type`
 * (VF_RULE_HANDLE_WRONG_TYPE) it reports a finding naming `ddi` and `caller` and returns NULL;
 * the shim then returns its documented failure.  FX_TYPE_ANY accepts every type.
 * The result is valid while the caller (the driver) keeps its own handle alive: resolving does
 * not take a reference. */
struct fx_object *fx_object_resolve(PWDF_DRIVER_GLOBALS g, WDFOBJECT handle,
                                    enum fx_object_type type, const char *ddi,
                                    const void *caller);
struct fx_object *fx_object_resolve_ex(PWDF_DRIVER_GLOBALS g, WDFOBJECT handle,
                                       enum fx_object_type type, unsigned flags,
                                       const char *ddi, const void *caller);

static inline WDFOBJECT fx_object_handle(const struct fx_object *obj)
{
    return obj->handle;
}

static inline enum fx_object_type fx_object_type(const struct fx_object *obj)
{
    return obj->ops->type;
}

static inline enum fx_object_state fx_object_state(const struct fx_object *obj)
{
    return (enum fx_object_state)atomic_load_explicit(&obj->state, memory_order_acquire);
}

/* The parent, or NULL once unlinked (deleted, or the root).  Takes the tree lock. */
struct fx_object *fx_object_parent(struct fx_object *obj);

/* ---- contexts ---- */

/* The context of that type attached to obj, or NULL.  Lock-free, any IRQL. */
void *fx_object_context(struct fx_object *obj, PCWDF_OBJECT_CONTEXT_TYPE_INFO type);

/* Attaches another context (WdfObjectAllocateContext); attributes already validated by the
 * caller and carrying a ContextTypeInfo.  Returns STATUS_SUCCESS, STATUS_OBJECT_NAME_EXISTS
 * (*out = the existing context), STATUS_DELETE_PENDING or STATUS_INSUFFICIENT_RESOURCES. */
NTSTATUS fx_object_context_add(struct fx_object *obj, PWDF_OBJECT_ATTRIBUTES attributes,
                               void **out);

/* The object a context pointer belongs to, or NULL if ptr is not the start of a context. */
struct fx_object *fx_object_from_context(void *ptr);

/* ---- DDI shim helpers (fx_check.c) ---- */

/* True if the calling thread runs at most at max_level (PASSIVE 0, APC 1, DISPATCH 2);
 * otherwise reports VF_RULE_IRQL_TOO_HIGH against ddi and caller and returns false. */
bool fx_check_irql(unsigned max_level, const char *ddi, const void *caller);

/* True if p is not NULL; otherwise reports VF_RULE_NULL_PARAMETER naming `param`. */
bool fx_check_not_null(const void *p, const char *param, const char *ddi, const void *caller);

/* ---- downcasts ----
 * Each type gets one checked inline converter next to its struct, for example:
 *     static inline struct fx_memory *to_memory(struct fx_object *o)
 *     {
 *         FX_ASSERT(o->ops->type == FX_TYPE_MEMORY);
 *         return FX_CONTAINER_OF(o, struct fx_memory, obj);
 *     }
 * and code never casts between struct fx_object and a type's struct directly. */

#endif
