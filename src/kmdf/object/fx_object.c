/* fx_object.c - framework object lifetime (kmdf layer): creation with attributes and context,
 * the parent/child tree, delete (dispose children, cleanup, release, destroy) and references.
 * Order implemented, as documented and as WDF's FxObject does it:
 *   delete P with children C1, C2 (created in that order):
 *     cleanup C1, cleanup C2, cleanup P, destroy C1, destroy C2, destroy P
 *   where a destroy waits for the object's last reference.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/framework-object-life-cycle
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfobject/nc-wdfobject-evt_wdf_object_context_destroy
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfobject/ns-wdfobject-_wdf_object_attributes */
#include "kmdf/object/fx_object.h"

#include <stdlib.h>

#include "kmdf/kmdf_machine.h"
#include "kmdf/object/fx_context.h"
#include "verifier/vf.h"

static const char *const fx_type_names[FX_TYPE_COUNT] = {
    [FX_TYPE_ANY] = "WDFOBJECT",
    [FX_TYPE_OBJECT] = "WDFOBJECT",
    [FX_TYPE_DRIVER_ROOT] = "driver-root",
    [FX_TYPE_DRIVER] = "WDFDRIVER",
    [FX_TYPE_DEVICE] = "WDFDEVICE",
    [FX_TYPE_QUEUE] = "WDFQUEUE",
    [FX_TYPE_REQUEST] = "WDFREQUEST",
    [FX_TYPE_MEMORY] = "WDFMEMORY",
    [FX_TYPE_LOOKASIDE] = "WDFLOOKASIDE",
    [FX_TYPE_SPINLOCK] = "WDFSPINLOCK",
    [FX_TYPE_WAITLOCK] = "WDFWAITLOCK",
    [FX_TYPE_INTERRUPT] = "WDFINTERRUPT",
    [FX_TYPE_DPC] = "WDFDPC",
    [FX_TYPE_WORKITEM] = "WDFWORKITEM",
    [FX_TYPE_TIMER] = "WDFTIMER",
    [FX_TYPE_DMA_ENABLER] = "WDFDMAENABLER",
    [FX_TYPE_DMA_TRANSACTION] = "WDFDMATRANSACTION",
    [FX_TYPE_COMMON_BUFFER] = "WDFCOMMONBUFFER",
    [FX_TYPE_CMRESLIST] = "WDFCMRESLIST",
    [FX_TYPE_IORESLIST] = "WDFIORESLIST",
    [FX_TYPE_IORESREQLIST] = "WDFIORESREQLIST",
    [FX_TYPE_FILEOBJECT] = "WDFFILEOBJECT",
    [FX_TYPE_IOTARGET] = "WDFIOTARGET",
    [FX_TYPE_KEY] = "WDFKEY",
    [FX_TYPE_STRING] = "WDFSTRING",
    [FX_TYPE_COLLECTION] = "WDFCOLLECTION",
    [FX_TYPE_CHILDLIST] = "WDFCHILDLIST",
};

static const char *const fx_state_names[] = {
    [FX_OBJECT_STATE_ALIVE] = "alive",
    [FX_OBJECT_STATE_DISPOSING] = "disposing",
    [FX_OBJECT_STATE_DISPOSED] = "deleted",
    [FX_OBJECT_STATE_DESTROYING] = "destroying",
};

const char *fx_object_type_name(enum fx_object_type type)
{
    if ((unsigned)type >= FX_TYPE_COUNT || fx_type_names[type] == NULL)
        return "WDFOBJECT(?)";
    return fx_type_names[type];
}

const char *fx_object_state_name(enum fx_object_state state)
{
    if ((unsigned)state > FX_OBJECT_STATE_DESTROYING)
        return "?";
    return fx_state_names[state];
}

static struct kmdf_machine *fx_kmdf(const struct fx_object *obj)
{
    return obj->globals->kmdf;
}

/* Caller holds the tree lock. */
static void fx_object_set_state_locked(struct fx_object *obj, enum fx_object_state state)
{
    atomic_store_explicit(&obj->state, (int)state, memory_order_release);
}

NTSTATUS fx_object_validate_attributes(PWDF_OBJECT_ATTRIBUTES a, unsigned options)
{
    PCWDF_OBJECT_CONTEXT_TYPE_INFO info;

    if (a == NULL)
        return (options & FX_ATTR_PARENT_REQUIRED) ? STATUS_WDF_PARENT_NOT_SPECIFIED
                                                   : STATUS_SUCCESS;
    if (a->Size != sizeof(WDF_OBJECT_ATTRIBUTES))
        return STATUS_INFO_LENGTH_MISMATCH;
    info = a->ContextTypeInfo;
    if (info != NULL) {
        if (info->Size != sizeof(WDF_OBJECT_CONTEXT_TYPE_INFO) &&
            info->Size != FX_CONTEXT_TYPE_INFO_V1_0_SIZE)
            return STATUS_INFO_LENGTH_MISMATCH;
        if (info->ContextSize != 0 && info->ContextName == NULL)
            return STATUS_WDF_OBJECT_ATTRIBUTES_INVALID;
    }
    /* An override only enlarges a declared context type. */
    if (a->ContextSizeOverride != 0 &&
        (info == NULL || a->ContextSizeOverride < info->ContextSize))
        return STATUS_WDF_OBJECT_ATTRIBUTES_INVALID;
    if (options & FX_ATTR_PARENT_NOT_ALLOWED) {
        if (a->ParentObject != NULL)
            return STATUS_WDF_PARENT_ASSIGNMENT_NOT_ALLOWED;
    } else if ((options & FX_ATTR_PARENT_REQUIRED) && a->ParentObject == NULL) {
        return STATUS_WDF_PARENT_NOT_SPECIFIED;
    }
    if (a->ExecutionLevel == WdfExecutionLevelInvalid ||
        a->ExecutionLevel > WdfExecutionLevelDispatch)
        return STATUS_WDF_OBJECT_ATTRIBUTES_INVALID;
    if (a->SynchronizationScope == WdfSynchronizationScopeInvalid ||
        a->SynchronizationScope > WdfSynchronizationScopeNone)
        return STATUS_WDF_OBJECT_ATTRIBUTES_INVALID;
    if (!(options & FX_ATTR_SYNCHRONIZATION_SCOPE_ALLOWED) &&
        a->SynchronizationScope != WdfSynchronizationScopeInheritFromParent &&
        a->SynchronizationScope != WdfSynchronizationScopeNone)
        return STATUS_WDF_SYNCHRONIZATION_SCOPE_INVALID;
    if (!(options & FX_ATTR_EXECUTION_LEVEL_ALLOWED) &&
        a->ExecutionLevel != WdfExecutionLevelInheritFromParent)
        return STATUS_WDF_EXECUTION_LEVEL_INVALID;
    return STATUS_SUCCESS;
}

/* Resolves the parent for a new object: ParentObject if given, else the default. */
static NTSTATUS fx_object_pick_parent(struct fx_driver_globals *g, PWDF_OBJECT_ATTRIBUTES a,
                                      struct fx_object *default_parent, const char *ddi,
                                      const void *caller, struct fx_object **parent)
{
    *parent = default_parent != NULL ? default_parent : g->default_parent;
    if (a == NULL || a->ParentObject == NULL)
        return STATUS_SUCCESS;
    *parent = fx_object_resolve(&g->pub, a->ParentObject, FX_TYPE_ANY, ddi, caller);
    return *parent != NULL ? STATUS_SUCCESS : STATUS_INVALID_HANDLE;
}

/* Links obj as parent's last child; the child holds a reference on its parent until it is
 * unlinked.  Fails with STATUS_DELETE_PENDING once the parent's deletion has begun. */
static NTSTATUS fx_object_link(struct kmdf_machine *k, struct fx_object *parent,
                               struct fx_object *obj)
{
    NTSTATUS status = STATUS_SUCCESS;

    pthread_mutex_lock(&k->tree_lock);
    if (fx_object_state(parent) != FX_OBJECT_STATE_ALIVE) {
        status = STATUS_DELETE_PENDING;
    } else {
        atomic_fetch_add_explicit(&parent->refs, 1, memory_order_relaxed);
        obj->parent = parent;
        fx_list_add_tail(&parent->children, &obj->sibling);
    }
    pthread_mutex_unlock(&k->tree_lock);
    return status;
}

NTSTATUS fx_object_create(struct fx_driver_globals *g, const struct fx_object_ops *ops,
                          PWDF_OBJECT_ATTRIBUTES attributes, struct fx_object *default_parent,
                          const char *ddi, const void *caller, struct fx_object **out)
{
    struct kmdf_machine *k = g->kmdf;
    struct fx_object *parent, *obj;
    NTSTATUS status;

    FX_ASSERT(ops->size >= sizeof(struct fx_object) && ops->type > FX_TYPE_ANY &&
              ops->type < FX_TYPE_COUNT);
    *out = NULL;
    status = fx_object_validate_attributes(attributes, ops->attr_options);
    if (!NT_SUCCESS(status))
        return status;
    status = fx_object_pick_parent(g, attributes, default_parent, ddi, caller, &parent);
    if (NT_SUCCESS(status) && parent != NULL && ops->check_parent != NULL)
        status = ops->check_parent(parent);
    if (!NT_SUCCESS(status))
        return status;

    /* One block: the type's struct, then the creation context (header + zeroed data). */
    obj = fx_context_alloc_object(ops->size, attributes);
    if (obj == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    obj->ops = ops;
    obj->globals = g;
    atomic_init(&obj->state, FX_OBJECT_STATE_ALIVE);
    atomic_init(&obj->refs, 1);
    atomic_init(&obj->driver_refs, 0);
    fx_list_init(&obj->children);
    fx_list_init(&obj->sibling);
    obj->execution_level =
        attributes != NULL ? attributes->ExecutionLevel : WdfExecutionLevelInheritFromParent;
    obj->sync_scope = attributes != NULL ? attributes->SynchronizationScope
                                         : WdfSynchronizationScopeInheritFromParent;
    obj->origin = caller;

    if (fx_handle_alloc(&k->handles, obj, &obj->handle) != 0) {
        free(obj);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    if (parent != NULL) {
        status = fx_object_link(k, parent, obj);
        if (!NT_SUCCESS(status)) {
            fx_handle_free(&k->handles, obj->handle);
            free(obj);
            return status;
        }
    }
    atomic_fetch_add_explicit(&k->live[ops->type], 1, memory_order_relaxed);
    *out = obj;
    return STATUS_SUCCESS;
}

struct fx_object *fx_object_parent(struct fx_object *obj)
{
    struct kmdf_machine *k = fx_kmdf(obj);
    struct fx_object *parent;

    pthread_mutex_lock(&k->tree_lock);
    parent = obj->parent;
    pthread_mutex_unlock(&k->tree_lock);
    return parent;
}

/* ---- destroy ---- */

/* The object's memory goes: driver EvtDestroyCallbacks (context order), then the type's
 * destroy, then the handle is retired and the block freed.  Runs on the thread that dropped the
 * last reference, with no lock held. */
static void fx_object_destroy(struct fx_object *obj)
{
    struct kmdf_machine *k = fx_kmdf(obj);
    enum fx_object_type type = obj->ops->type;

    pthread_mutex_lock(&k->tree_lock);
    FX_ASSERT(fx_object_state(obj) == FX_OBJECT_STATE_DISPOSED && obj->parent == NULL &&
              fx_list_empty(&obj->children));
    fx_object_set_state_locked(obj, FX_OBJECT_STATE_DESTROYING);
    pthread_mutex_unlock(&k->tree_lock);

    fx_context_run_destroy(obj);
    if (obj->ops->destroy != NULL)
        obj->ops->destroy(obj);
    fx_handle_free(&k->handles, obj->handle);
    fx_context_free_added(obj);
    free(obj);
    atomic_fetch_sub_explicit(&k->live[type], 1, memory_order_relaxed);
}

void fx_object_reference(struct fx_object *obj)
{
    long old = atomic_fetch_add_explicit(&obj->refs, 1, memory_order_relaxed);
    FX_ASSERT(old > 0);
}

void fx_object_dereference(struct fx_object *obj)
{
    long old = atomic_fetch_sub_explicit(&obj->refs, 1, memory_order_acq_rel);
    FX_ASSERT(old > 0);
    if (old == 1)
        fx_object_destroy(obj);
}

/* ---- delete ---- */

/* ALIVE -> DISPOSING, once.  Returns false if the deletion had already begun. */
static bool fx_object_begin_dispose(struct kmdf_machine *k, struct fx_object *obj)
{
    bool won = false;

    pthread_mutex_lock(&k->tree_lock);
    if (fx_object_state(obj) == FX_OBJECT_STATE_ALIVE) {
        fx_object_set_state_locked(obj, FX_OBJECT_STATE_DISPOSING);
        won = true;
    }
    pthread_mutex_unlock(&k->tree_lock);
    return won;
}

/* Cleanup phase, post-order: every child this deletion wins is disposed (its own children
 * first) before obj's dispose hook and EvtCleanupCallbacks run.  obj is DISPOSING on entry.
 * A child another thread is already deleting is left to that thread. */
static void fx_object_dispose_tree(struct kmdf_machine *k, struct fx_object *obj)
{
    struct fx_list *pos;

    pthread_mutex_lock(&k->tree_lock);
    pos = obj->children.next;
    while (pos != &obj->children) {
        struct fx_object *child = FX_CONTAINER_OF(pos, struct fx_object, sibling);
        if (fx_object_state(child) == FX_OBJECT_STATE_ALIVE) {
            fx_object_set_state_locked(child, FX_OBJECT_STATE_DISPOSING);
            child->disposed_by_parent = true;
            pthread_mutex_unlock(&k->tree_lock);
            /* The child stays linked meanwhile: only this deletion may unlink it now. */
            fx_object_dispose_tree(k, child);
            pthread_mutex_lock(&k->tree_lock);
        }
        pos = child->sibling.next;
    }
    pthread_mutex_unlock(&k->tree_lock);

    if (obj->ops->dispose != NULL)
        obj->ops->dispose(obj);
    fx_context_run_cleanup(obj);

    pthread_mutex_lock(&k->tree_lock);
    fx_object_set_state_locked(obj, FX_OBJECT_STATE_DISPOSED);
    pthread_mutex_unlock(&k->tree_lock);
}

/* Unlinks obj from its parent (if still linked) and drops the reference it held on it. */
static void fx_object_unlink(struct kmdf_machine *k, struct fx_object *obj)
{
    struct fx_object *parent;

    pthread_mutex_lock(&k->tree_lock);
    parent = obj->parent;
    if (parent != NULL) {
        fx_list_del(&obj->sibling);
        obj->parent = NULL;
    }
    pthread_mutex_unlock(&k->tree_lock);
    if (parent != NULL)
        fx_object_dereference(parent);
}

/* Destroy phase, post-order: unlinks every child, releases the subtrees this deletion disposed,
 * then drops obj's existence reference.  Each object is destroyed as soon as its last
 * reference goes, so with no references held the order is children before parent. */
static void fx_object_release_tree(struct kmdf_machine *k, struct fx_object *obj)
{
    pthread_mutex_lock(&k->tree_lock);
    while (!fx_list_empty(&obj->children)) {
        struct fx_object *child = FX_CONTAINER_OF(obj->children.next, struct fx_object, sibling);
        bool ours = child->disposed_by_parent;
        fx_list_del(&child->sibling);
        child->parent = NULL;
        pthread_mutex_unlock(&k->tree_lock);
        if (ours)
            fx_object_release_tree(k, child);
        fx_object_dereference(obj); /* the child's reference on its parent; never the last */
        pthread_mutex_lock(&k->tree_lock);
    }
    pthread_mutex_unlock(&k->tree_lock);
    fx_object_dereference(obj);
}

void fx_object_delete(struct fx_object *obj)
{
    struct kmdf_machine *k = fx_kmdf(obj);

    if (!fx_object_begin_dispose(k, obj))
        return;
    fx_object_dispose_tree(k, obj);
    fx_object_unlink(k, obj);
    fx_object_release_tree(k, obj);
}

void fx_object_discard(struct fx_object *obj)
{
    fx_context_clear_callbacks(obj);
    fx_object_delete(obj);
}

/* Frees a leaked object without calling the driver (its driver is being unbound): the type's
 * destroy hook still releases framework resources such as a WDFMEMORY's pool buffer. */
void fx_object_free_leaked(struct fx_object *obj)
{
    struct kmdf_machine *k = fx_kmdf(obj);
    enum fx_object_type type = obj->ops->type;

    fx_object_unlink(k, obj);
    pthread_mutex_lock(&k->tree_lock);
    FX_ASSERT(fx_list_empty(&obj->children));
    fx_object_set_state_locked(obj, FX_OBJECT_STATE_DESTROYING);
    pthread_mutex_unlock(&k->tree_lock);
    if (obj->ops->destroy != NULL)
        obj->ops->destroy(obj);
    fx_handle_free(&k->handles, obj->handle);
    fx_context_free_added(obj);
    free(obj);
    atomic_fetch_sub_explicit(&k->live[type], 1, memory_order_relaxed);
}

/* ---- handle resolution ----
 * Rules WDF-HANDLE-001 (not a handle), WDF-HANDLE-002 (another type), WDF-HANDLE-003 (deleted):
 * KMDF bug-checks on all three when a DDI receives such a handle; here they are findings and the
 * shim returns its documented failure. */

struct fx_object *fx_object_resolve_ex(PWDF_DRIVER_GLOBALS globals, WDFOBJECT handle,
                                       enum fx_object_type type, unsigned flags,
                                       const char *ddi, const void *caller)
{
    struct fx_driver_globals *g = fx_globals(globals);
    struct fx_object *obj;
    enum fx_object_state state;

    if (handle == NULL) {
        vf_report(VF_RULE_HANDLE_INVALID, handle, ddi, caller, "NULL %s handle",
                  fx_object_type_name(type));
        return NULL;
    }
    switch (fx_handle_lookup(&g->kmdf->handles, handle, &obj)) {
    case FX_HANDLE_INVALID:
        vf_report(VF_RULE_HANDLE_INVALID, handle, ddi, caller,
                  "%p is not a handle the framework issued (expected %s)", handle,
                  fx_object_type_name(type));
        return NULL;
    case FX_HANDLE_STALE:
        vf_report(VF_RULE_HANDLE_DELETED, handle, ddi, caller,
                  "%s handle %p refers to an object already deleted and freed",
                  fx_object_type_name(type), handle);
        return NULL;
    case FX_HANDLE_LIVE:
        break;
    }
    if (type != FX_TYPE_ANY && obj->ops->type != type) {
        vf_report(VF_RULE_HANDLE_WRONG_TYPE, handle, ddi, caller, "%s handle passed where %s expected",
                  fx_object_type_name(obj->ops->type), fx_object_type_name(type));
        return NULL;
    }
    state = fx_object_state(obj);
    if (state >= FX_OBJECT_STATE_DISPOSED && !(flags & FX_RESOLVE_ALLOW_DISPOSED)) {
        vf_report(VF_RULE_HANDLE_DELETED, handle, ddi, caller,
                  "%s used after WdfObjectDelete (object %s, kept by %ld references)",
                  fx_object_type_name(obj->ops->type), fx_object_state_name(state),
                  atomic_load_explicit(&obj->refs, memory_order_relaxed));
        return NULL;
    }
    return obj;
}

struct fx_object *fx_object_resolve(PWDF_DRIVER_GLOBALS globals, WDFOBJECT handle,
                                    enum fx_object_type type, const char *ddi,
                                    const void *caller)
{
    return fx_object_resolve_ex(globals, handle, type, 0, ddi, caller);
}
