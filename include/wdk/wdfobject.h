/* wdfobject.h - framework objects in general: object attributes, typed context space, references
 * and deletion, as declared by the WDK (KMDF 1.33).  Each DDI is an inline wrapper that calls the
 * framework through WdfFunctions with WdfDriverGlobals first; the runtime side is
 * src/kmdf/object/wdfobject.c.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfobject/
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/framework-object-context-space
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/framework-object-life-cycle */
#ifndef DMABOX_WDK_WDFOBJECT_H
#define DMABOX_WDK_WDFOBJECT_H

#include "wdffuncenum.h"
#include "wdfglobals.h"
#include "wdftypes.h"

/* Highest IRQL at which the framework calls the object's event callbacks. */
typedef enum _WDF_EXECUTION_LEVEL {
    WdfExecutionLevelInvalid = 0x00,
    WdfExecutionLevelInheritFromParent,
    WdfExecutionLevelPassive,
    WdfExecutionLevelDispatch,
} WDF_EXECUTION_LEVEL;

/* Which callbacks the framework serialises with each other. */
typedef enum _WDF_SYNCHRONIZATION_SCOPE {
    WdfSynchronizationScopeInvalid = 0x00,
    WdfSynchronizationScopeInheritFromParent,
    WdfSynchronizationScopeDevice,
    WdfSynchronizationScopeQueue,
    WdfSynchronizationScopeNone,
} WDF_SYNCHRONIZATION_SCOPE;

typedef VOID NTAPI EVT_WDF_OBJECT_CONTEXT_CLEANUP(WDFOBJECT Object);
typedef EVT_WDF_OBJECT_CONTEXT_CLEANUP *PFN_WDF_OBJECT_CONTEXT_CLEANUP;

typedef VOID NTAPI EVT_WDF_OBJECT_CONTEXT_DESTROY(WDFOBJECT Object);
typedef EVT_WDF_OBJECT_CONTEXT_DESTROY *PFN_WDF_OBJECT_CONTEXT_DESTROY;

typedef const struct _WDF_OBJECT_CONTEXT_TYPE_INFO *PCWDF_OBJECT_CONTEXT_TYPE_INFO;

typedef struct _WDF_OBJECT_ATTRIBUTES {
    ULONG Size;
    /* Called when the object is deleted (children's before the parent's). */
    PFN_WDF_OBJECT_CONTEXT_CLEANUP EvtCleanupCallback;
    /* Called when the last reference goes, just before the memory (and context) is freed. */
    PFN_WDF_OBJECT_CONTEXT_DESTROY EvtDestroyCallback;
    WDF_EXECUTION_LEVEL ExecutionLevel;
    WDF_SYNCHRONIZATION_SCOPE SynchronizationScope;
    /* Optional parent; NULL means the type's default parent (usually the driver object). */
    WDFOBJECT ParentObject;
    /* Context size in bytes if larger than ContextTypeInfo->ContextSize (0: use that). */
    size_t ContextSizeOverride;
    PCWDF_OBJECT_CONTEXT_TYPE_INFO ContextTypeInfo;
} WDF_OBJECT_ATTRIBUTES;

FORCEINLINE VOID WDF_OBJECT_ATTRIBUTES_INIT(PWDF_OBJECT_ATTRIBUTES Attributes)
{
    memset(Attributes, 0, sizeof(WDF_OBJECT_ATTRIBUTES));
    Attributes->Size = sizeof(WDF_OBJECT_ATTRIBUTES);
    Attributes->ExecutionLevel = WdfExecutionLevelInheritFromParent;
    Attributes->SynchronizationScope = WdfSynchronizationScopeInheritFromParent;
}

#define WDF_OBJECT_ATTRIBUTES_SET_CONTEXT_TYPE(_attributes, _contexttype)                      \
    (_attributes)->ContextTypeInfo = WDF_GET_CONTEXT_TYPE_INFO(_contexttype)->UniqueType

/* Like the WDK's, this expands to two statements: the caller writes the trailing ';'. */
#define WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(_attributes, _contexttype)                     \
    WDF_OBJECT_ATTRIBUTES_INIT(_attributes);                                                   \
    WDF_OBJECT_ATTRIBUTES_SET_CONTEXT_TYPE(_attributes, _contexttype)

typedef PCWDF_OBJECT_CONTEXT_TYPE_INFO (*PFN_GET_UNIQUE_CONTEXT_TYPE)(VOID);

/* Describes one context type.  The framework identifies a context type by the address of this
 * structure (UniqueType), so there must be exactly one per type per driver image. */
typedef struct _WDF_OBJECT_CONTEXT_TYPE_INFO {
    ULONG Size;
    LPCSTR ContextName;
    size_t ContextSize;
    /* The structure that identifies the type: this one, for WDF_DECLARE_CONTEXT_TYPE. */
    PCWDF_OBJECT_CONTEXT_TYPE_INFO UniqueType;
    PFN_GET_UNIQUE_CONTEXT_TYPE EvtDriverGetUniqueContextType;
} WDF_OBJECT_CONTEXT_TYPE_INFO, *PWDF_OBJECT_CONTEXT_TYPE_INFO;

typedef struct _WDF_CUSTOM_TYPE_CONTEXT {
    ULONG Size;
    ULONG_PTR Data;
} WDF_CUSTOM_TYPE_CONTEXT, *PWDF_CUSTOM_TYPE_CONTEXT;

/* The names the WDK's macros generate: _WDF_<type>_TYPE_INFO and WDF_POINTER_TYPE_<type>. */
#define WDF_TYPE_NAME_TO_TYPE_INFO(_contexttype) _WDF_##_contexttype##_TYPE_INFO
#define WDF_GET_CONTEXT_TYPE_INFO(_contexttype) (&WDF_TYPE_NAME_TO_TYPE_INFO(_contexttype))
#define WDF_TYPE_NAME_POINTER_TYPE(_contexttype) WDF_POINTER_TYPE_##_contexttype

/* The WDK places the type-info object in every translation unit that declares the type and
 * relies on __declspec(selectany) to fold the copies into one.  gcc's equivalent is a weak
 * definition: every copy is emitted, the linker keeps one, and all accessors in the image agree
 * on its address, which is what identifies the type.  The section argument is MSVC-only. */
#ifndef WDF_TYPE_DEFAULT_SECTION_NAME
#define WDF_TYPE_DEFAULT_SECTION_NAME ".data"
#endif
#define WDF_DECLARE_TYPE_AND_GLOBALS(_contexttype, _UniqueType, _GetUniqueType, _section)      \
    typedef _contexttype *WDF_TYPE_NAME_POINTER_TYPE(_contexttype);                            \
    WDF_EXTERN_C __attribute__((weak)) const WDF_OBJECT_CONTEXT_TYPE_INFO                     \
        WDF_TYPE_NAME_TO_TYPE_INFO(_contexttype) = {                                           \
            sizeof(WDF_OBJECT_CONTEXT_TYPE_INFO),                                              \
            #_contexttype,                                                                     \
            sizeof(_contexttype),                                                              \
            _UniqueType,                                                                       \
            _GetUniqueType,                                                                    \
    };

#define WDF_DECLARE_CASTING_FUNCTION(_contexttype, _castingfunction)                           \
    FORCEINLINE WDF_TYPE_NAME_POINTER_TYPE(_contexttype) _castingfunction(WDFOBJECT Handle)    \
    {                                                                                          \
        return (WDF_TYPE_NAME_POINTER_TYPE(_contexttype))WdfObjectGetTypedContextWorker(        \
            Handle, WDF_GET_CONTEXT_TYPE_INFO(_contexttype)->UniqueType);                      \
    }

#define WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(_contexttype, _castingfunction)                     \
    WDF_DECLARE_TYPE_AND_GLOBALS(_contexttype, WDF_GET_CONTEXT_TYPE_INFO(_contexttype), NULL,  \
                                 WDF_TYPE_DEFAULT_SECTION_NAME)                               \
    WDF_DECLARE_CASTING_FUNCTION(_contexttype, _castingfunction)

/* Accessor named WdfObjectGet_<type>. */
#define WDF_DECLARE_CONTEXT_TYPE(_contexttype)                                                 \
    WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(_contexttype, WdfObjectGet_##_contexttype)

#define WdfObjectGetTypedContext(handle, type)                                                 \
    ((type *)WdfObjectGetTypedContextWorker((WDFOBJECT)(handle),                              \
                                            WDF_GET_CONTEXT_TYPE_INFO(type)->UniqueType))

/* ---- DDIs ---- */

/* Any IRQL.  Returns the context of that type, or NULL if none of that type is attached. */
typedef PVOID(FASTCALL *PFN_WDFOBJECTGETTYPEDCONTEXTWORKER)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                            WDFOBJECT Handle,
                                                            PCWDF_OBJECT_CONTEXT_TYPE_INFO TypeInfo);
FORCEINLINE PVOID WdfObjectGetTypedContextWorker(WDFOBJECT Handle,
                                                 PCWDF_OBJECT_CONTEXT_TYPE_INFO TypeInfo)
{
    return ((PFN_WDFOBJECTGETTYPEDCONTEXTWORKER)WdfFunctions[WdfObjectGetTypedContextWorkerTableIndex])(
        WdfDriverGlobals, Handle, TypeInfo);
}

/* IRQL <= DISPATCH_LEVEL.  Adds a context of another type to an existing object. */
typedef NTSTATUS(NTAPI *PFN_WDFOBJECTALLOCATECONTEXT)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                      WDFOBJECT Handle,
                                                      PWDF_OBJECT_ATTRIBUTES ContextAttributes,
                                                      PVOID *Context);
FORCEINLINE NTSTATUS WdfObjectAllocateContext(WDFOBJECT Handle,
                                              PWDF_OBJECT_ATTRIBUTES ContextAttributes,
                                              PVOID *Context)
{
    return ((PFN_WDFOBJECTALLOCATECONTEXT)WdfFunctions[WdfObjectAllocateContextTableIndex])(
        WdfDriverGlobals, Handle, ContextAttributes, Context);
}

/* Any IRQL.  The object a context pointer belongs to. */
typedef WDFOBJECT(FASTCALL *PFN_WDFOBJECTCONTEXTGETOBJECT)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                           PVOID ContextPointer);
FORCEINLINE WDFOBJECT WdfObjectContextGetObject(PVOID ContextPointer)
{
    return ((PFN_WDFOBJECTCONTEXTGETOBJECT)WdfFunctions[WdfObjectContextGetObjectTableIndex])(
        WdfDriverGlobals, ContextPointer);
}

/* IRQL <= DISPATCH_LEVEL. */
typedef VOID(NTAPI *PFN_WDFOBJECTREFERENCEACTUAL)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                  WDFOBJECT Handle, PVOID Tag, LONG Line,
                                                  PCCH File);
FORCEINLINE VOID WdfObjectReferenceActual(WDFOBJECT Handle, PVOID Tag, LONG Line, PCCH File)
{
    ((PFN_WDFOBJECTREFERENCEACTUAL)WdfFunctions[WdfObjectReferenceActualTableIndex])(
        WdfDriverGlobals, Handle, Tag, Line, File);
}

/* IRQL <= DISPATCH_LEVEL. */
typedef VOID(NTAPI *PFN_WDFOBJECTDEREFERENCEACTUAL)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                    WDFOBJECT Handle, PVOID Tag, LONG Line,
                                                    PCCH File);
FORCEINLINE VOID WdfObjectDereferenceActual(WDFOBJECT Handle, PVOID Tag, LONG Line, PCCH File)
{
    ((PFN_WDFOBJECTDEREFERENCEACTUAL)WdfFunctions[WdfObjectDereferenceActualTableIndex])(
        WdfDriverGlobals, Handle, Tag, Line, File);
}

/* IRQL <= DISPATCH_LEVEL.  A general object, parented by the driver unless ParentObject says. */
typedef NTSTATUS(NTAPI *PFN_WDFOBJECTCREATE)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                             PWDF_OBJECT_ATTRIBUTES Attributes, WDFOBJECT *Object);
FORCEINLINE NTSTATUS WdfObjectCreate(PWDF_OBJECT_ATTRIBUTES Attributes, WDFOBJECT *Object)
{
    return ((PFN_WDFOBJECTCREATE)WdfFunctions[WdfObjectCreateTableIndex])(WdfDriverGlobals,
                                                                          Attributes, Object);
}

/* IRQL <= DISPATCH_LEVEL.  Deletes the object and its children. */
typedef VOID(NTAPI *PFN_WDFOBJECTDELETE)(PWDF_DRIVER_GLOBALS DriverGlobals, WDFOBJECT Object);
FORCEINLINE VOID WdfObjectDelete(WDFOBJECT Object)
{
    ((PFN_WDFOBJECTDELETE)WdfFunctions[WdfObjectDeleteTableIndex])(WdfDriverGlobals, Object);
}

typedef NTSTATUS(NTAPI *PFN_WDFOBJECTQUERY)(PWDF_DRIVER_GLOBALS DriverGlobals, WDFOBJECT Object,
                                            CONST GUID *Guid, ULONG QueryBufferLength,
                                            PVOID QueryBuffer);
FORCEINLINE NTSTATUS WdfObjectQuery(WDFOBJECT Object, CONST GUID *Guid, ULONG QueryBufferLength,
                                    PVOID QueryBuffer)
{
    return ((PFN_WDFOBJECTQUERY)WdfFunctions[WdfObjectQueryTableIndex])(
        WdfDriverGlobals, Object, Guid, QueryBufferLength, QueryBuffer);
}

/* References carry a tag and the caller's source position, as in the WDK. */
#define WdfObjectReference(Handle) WdfObjectReferenceWithTag(Handle, NULL)
#define WdfObjectReferenceWithTag(Handle, Tag)                                                 \
    WdfObjectReferenceActual(Handle, Tag, __LINE__, __FILE__)
#define WdfObjectDereference(Handle) WdfObjectDereferenceWithTag(Handle, NULL)
#define WdfObjectDereferenceWithTag(Handle, Tag)                                               \
    WdfObjectDereferenceActual(Handle, Tag, __LINE__, __FILE__)

#endif
