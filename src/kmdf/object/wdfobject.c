/* wdfobject.c - DDI shims of wdfobject.h (kmdf layer): each resolves the handle with its type,
 * checks IRQL and parameters, reports misuse to the verifier and returns the documented status;
 * the logic is in fx_object.c / fx_context.c.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfobject/nf-wdfobject-wdfobjectcreate
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfobject/nf-wdfobject-wdfobjectdelete
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfobject/nf-wdfobject-wdfobjectreferenceactual
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfobject/nf-wdfobject-wdfobjectallocatecontext */
#include "kmdf/ddi_table.h"
#include "kmdf/object/fx_object.h"
#include "platform/exec_ctx.h"
#include "verifier/vf.h"

/* The general object of WdfObjectCreate: no framework state of its own. */
static const struct fx_object_ops fx_general_object_ops = {
    .type = FX_TYPE_OBJECT,
    .size = sizeof(struct fx_object),
};

PVOID imp_WdfObjectGetTypedContextWorker(PWDF_DRIVER_GLOBALS globals, WDFOBJECT Handle,
                                         PCWDF_OBJECT_CONTEXT_TYPE_INFO TypeInfo)
{
    static const char ddi[] = "WdfObjectGetTypedContextWorker";
    const void *caller = VF_CALLER();
    /* Contexts stay readable after WdfObjectDelete while references remain, and in the
     * EvtDestroyCallback (the documented way to free what the context points to). */
    struct fx_object *obj =
        fx_object_resolve_ex(globals, Handle, FX_TYPE_ANY, FX_RESOLVE_ALLOW_DISPOSED, ddi, caller);

    if (obj == NULL || !fx_check_not_null(TypeInfo, "TypeInfo", ddi, caller))
        return NULL;
    return fx_object_context(obj, TypeInfo);
}

/* Rule WDF-CTX-001: ContextTypeInfo is required and ParentObject must not be given. */
NTSTATUS imp_WdfObjectAllocateContext(PWDF_DRIVER_GLOBALS globals, WDFOBJECT Handle,
                                      PWDF_OBJECT_ATTRIBUTES ContextAttributes, PVOID *Context)
{
    static const char ddi[] = "WdfObjectAllocateContext";
    const void *caller = VF_CALLER();
    struct fx_object *obj;
    NTSTATUS status;
    void *context = NULL;

    if (!fx_check_irql(EXEC_LEVEL_DISPATCH, ddi, caller))
        return STATUS_INVALID_DEVICE_REQUEST;
    /* A deleted object is "being deleted" (a documented status), not a bad handle. */
    obj = fx_object_resolve_ex(globals, Handle, FX_TYPE_ANY, FX_RESOLVE_ALLOW_DISPOSED, ddi, caller);
    if (obj == NULL)
        return STATUS_INVALID_HANDLE;
    if (!fx_check_not_null(ContextAttributes, "ContextAttributes", ddi, caller))
        return STATUS_INVALID_PARAMETER;
    if (Context != NULL)
        *Context = NULL;
    status = fx_object_validate_attributes(ContextAttributes, FX_ATTR_PARENT_NOT_ALLOWED);
    if (!NT_SUCCESS(status))
        return status;
    if (ContextAttributes->ContextTypeInfo == NULL)
        return STATUS_OBJECT_NAME_INVALID;
    status = fx_object_context_add(obj, ContextAttributes, &context);
    if (Context != NULL)
        *Context = context;
    return status;
}

WDFOBJECT imp_WdfObjectContextGetObject(PWDF_DRIVER_GLOBALS globals, PVOID ContextPointer)
{
    static const char ddi[] = "WdfObjectContextGetObject";
    const void *caller = VF_CALLER();
    struct fx_object *obj;

    (void)fx_globals(globals);
    if (!fx_check_not_null(ContextPointer, "ContextPointer", ddi, caller))
        return NULL;
    obj = fx_object_from_context(ContextPointer);
    if (obj == NULL) {
        vf_report(VF_RULE_CONTEXT_BAD_TYPE, ContextPointer, ddi, caller,
                  "%p is not the start of an object's context space", ContextPointer);
        return NULL;
    }
    return fx_object_handle(obj);
}

void imp_WdfObjectReferenceActual(PWDF_DRIVER_GLOBALS globals, WDFOBJECT Handle, PVOID Tag,
                                  LONG Line, PCCH File)
{
    static const char ddi[] = "WdfObjectReferenceActual";
    const void *caller = VF_CALLER();
    struct fx_object *obj;

    (void)Tag;
    if (!fx_check_irql(EXEC_LEVEL_DISPATCH, ddi, caller))
        return;
    obj = fx_object_resolve_ex(globals, Handle, FX_TYPE_ANY, FX_RESOLVE_ALLOW_DISPOSED, ddi, caller);
    if (obj == NULL)
        return;
    if (fx_object_state(obj) == FX_OBJECT_STATE_DESTROYING) {
        vf_report(VF_RULE_HANDLE_DELETED, Handle, ddi, caller,
                  "reference taken at %s:%d on a %s whose last reference is already gone",
                  File ? File : "?", (int)Line, fx_object_type_name(fx_object_type(obj)));
        return;
    }
    atomic_fetch_add_explicit(&obj->driver_refs, 1, memory_order_relaxed);
    fx_object_reference(obj);
}

/* Rule WDF-OBJ-002: a driver may only release references it took. */
void imp_WdfObjectDereferenceActual(PWDF_DRIVER_GLOBALS globals, WDFOBJECT Handle, PVOID Tag,
                                    LONG Line, PCCH File)
{
    static const char ddi[] = "WdfObjectDereferenceActual";
    const void *caller = VF_CALLER();
    struct fx_object *obj;
    long held;

    (void)Tag;
    if (!fx_check_irql(EXEC_LEVEL_DISPATCH, ddi, caller))
        return;
    obj = fx_object_resolve_ex(globals, Handle, FX_TYPE_ANY, FX_RESOLVE_ALLOW_DISPOSED, ddi, caller);
    if (obj == NULL)
        return;
    held = atomic_load_explicit(&obj->driver_refs, memory_order_relaxed);
    do {
        if (held <= 0) {
            vf_report(VF_RULE_OBJECT_REF_UNDERFLOW, Handle, ddi, caller,
                      "dereference at %s:%d of a %s the driver holds no reference on",
                      File ? File : "?", (int)Line, fx_object_type_name(fx_object_type(obj)));
            return;
        }
    } while (!atomic_compare_exchange_weak_explicit(&obj->driver_refs, &held, held - 1,
                                                    memory_order_relaxed, memory_order_relaxed));
    fx_object_dereference(obj);
}

NTSTATUS imp_WdfObjectCreate(PWDF_DRIVER_GLOBALS globals, PWDF_OBJECT_ATTRIBUTES Attributes,
                             WDFOBJECT *Object)
{
    static const char ddi[] = "WdfObjectCreate";
    const void *caller = VF_CALLER();
    struct fx_object *obj;
    NTSTATUS status;

    if (!fx_check_irql(EXEC_LEVEL_DISPATCH, ddi, caller))
        return STATUS_INVALID_DEVICE_REQUEST;
    if (!fx_check_not_null(Object, "Object", ddi, caller))
        return STATUS_INVALID_PARAMETER;
    *Object = NULL;
    status = fx_object_create(fx_globals(globals), &fx_general_object_ops, Attributes, NULL, ddi,
                              caller, &obj);
    if (NT_SUCCESS(status))
        *Object = fx_object_handle(obj);
    return status;
}

/* Rule WDF-OBJ-001: objects the framework owns (FX_OBJECT_NO_DRIVER_DELETE) are not the
 * driver's to delete. */
void imp_WdfObjectDelete(PWDF_DRIVER_GLOBALS globals, WDFOBJECT Object)
{
    static const char ddi[] = "WdfObjectDelete";
    const void *caller = VF_CALLER();
    struct fx_object *obj;

    if (!fx_check_irql(EXEC_LEVEL_DISPATCH, ddi, caller))
        return;
    obj = fx_object_resolve(globals, Object, FX_TYPE_ANY, ddi, caller);
    if (obj == NULL)
        return;
    if (obj->ops->flags & FX_OBJECT_NO_DRIVER_DELETE) {
        vf_report(VF_RULE_OBJECT_DELETE_NOT_ALLOWED, Object, ddi, caller,
                  "the framework owns this %s; the driver may not delete it",
                  fx_object_type_name(fx_object_type(obj)));
        return;
    }
    fx_object_delete(obj);
}
