/* drv_objects.c - test driver for the WDF object model (tests/kmdf): written as a Windows driver
 * would write it, against the WDK headers only.  See drv_objects.h for the entry points. */
#include <ntddk.h>
#include <wdf.h>

#include "drv_objects.h"
#include "drv_objects_ctx.h"

#define DRV_TAG 0x74734f44u /* 'DOst' */

static CHAR DrvLogText[2048];
static size_t DrvLogLength;

static VOID DrvLogAppend(const CHAR *Text)
{
    while (*Text != '\0' && DrvLogLength + 1 < sizeof(DrvLogText))
        DrvLogText[DrvLogLength++] = *Text++;
    DrvLogText[DrvLogLength] = '\0';
}

static VOID DrvLogNumber(ULONG Value)
{
    CHAR digits[12];
    int n = 0;

    do {
        digits[n++] = (CHAR)('0' + Value % 10);
        Value /= 10;
    } while (Value != 0);
    while (n > 0) {
        CHAR one[2] = {digits[--n], '\0'};
        DrvLogAppend(one);
    }
}

const CHAR *DrvLog(VOID)
{
    return DrvLogText;
}

VOID DrvLogReset(VOID)
{
    DrvLogLength = 0;
    DrvLogText[0] = '\0';
}

static EVT_WDF_OBJECT_CONTEXT_CLEANUP DrvEvtCleanup;
static EVT_WDF_OBJECT_CONTEXT_DESTROY DrvEvtDestroy;

static VOID DrvEvtCleanup(WDFOBJECT Object)
{
    DrvLogAppend("cleanup:");
    DrvLogAppend(ObjGetName(Object)->Name);
    DrvLogAppend(" ");
}

/* The context is still there in the destroy callback: it is the last place to use it. */
static VOID DrvEvtDestroy(WDFOBJECT Object)
{
    POBJ_NAME_CONTEXT context = ObjGetName(Object);

    DrvLogAppend("destroy:");
    DrvLogAppend(context->Name);
    DrvLogAppend("=");
    DrvLogNumber(context->Value);
    DrvLogAppend(" ");
}

NTSTATUS DrvCreateNamed(WDFOBJECT Parent, const CHAR *Name, WDFOBJECT *Object)
{
    WDF_OBJECT_ATTRIBUTES attributes;
    NTSTATUS status;
    size_t i;

    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, OBJ_NAME_CONTEXT);
    attributes.ParentObject = Parent;
    attributes.EvtCleanupCallback = DrvEvtCleanup;
    attributes.EvtDestroyCallback = DrvEvtDestroy;
    status = WdfObjectCreate(&attributes, Object);
    if (!NT_SUCCESS(status))
        return status;
    for (i = 0; Name[i] != '\0' && i + 1 < sizeof(ObjGetName(*Object)->Name); i++)
        ObjGetName(*Object)->Name[i] = Name[i];
    return status;
}

NTSTATUS DrvCreatePlain(WDFOBJECT *Object)
{
    return WdfObjectCreate(WDF_NO_OBJECT_ATTRIBUTES, Object);
}

NTSTATUS DrvCreateNullOut(VOID)
{
    return WdfObjectCreate(WDF_NO_OBJECT_ATTRIBUTES, NULL);
}

NTSTATUS DrvCreateOverride(size_t ContextSize, WDFOBJECT *Object)
{
    WDF_OBJECT_ATTRIBUTES attributes;

    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, EXTRA_CONTEXT);
    attributes.ContextSizeOverride = ContextSize;
    return WdfObjectCreate(&attributes, Object);
}

NTSTATUS DrvCreateBad(int Case)
{
    WDF_OBJECT_ATTRIBUTES attributes;
    WDFOBJECT object = NULL;
    NTSTATUS status;

    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, EXTRA_CONTEXT);
    switch (Case) {
    case DRV_BAD_SIZE:
        attributes.Size = sizeof(attributes) - 8;
        break;
    case DRV_BAD_OVERRIDE_SMALLER:
        attributes.ContextSizeOverride = sizeof(EXTRA_CONTEXT) - 1;
        break;
    case DRV_BAD_OVERRIDE_UNTYPED:
        attributes.ContextTypeInfo = NULL;
        attributes.ContextSizeOverride = 64;
        break;
    case DRV_BAD_EXECUTION_LEVEL_NOT_ALLOWED:
        attributes.ExecutionLevel = WdfExecutionLevelPassive;
        break;
    case DRV_BAD_SCOPE_NOT_ALLOWED:
        attributes.SynchronizationScope = WdfSynchronizationScopeDevice;
        break;
    case DRV_BAD_EXECUTION_LEVEL_INVALID:
        attributes.ExecutionLevel = (WDF_EXECUTION_LEVEL)7;
        break;
    case DRV_BAD_PARENT_HANDLE:
        attributes.ParentObject = (WDFOBJECT)(ULONG_PTR)0x5a5a5a5au;
        break;
    default:
        break;
    }
    status = WdfObjectCreate(&attributes, &object);
    if (NT_SUCCESS(status))
        WdfObjectDelete(object);
    return status;
}

VOID DrvDelete(WDFOBJECT Object)
{
    WdfObjectDelete(Object);
}

VOID DrvReference(WDFOBJECT Object)
{
    WdfObjectReference(Object);
}

VOID DrvDereference(WDFOBJECT Object)
{
    WdfObjectDereference(Object);
}

ULONG DrvGetValue(WDFOBJECT Object)
{
    return ObjGetName(Object)->Value;
}

VOID DrvSetValue(WDFOBJECT Object, ULONG Value)
{
    ObjGetName(Object)->Value = Value;
}

NTSTATUS DrvQuery(WDFOBJECT Object)
{
    static const GUID someInterface = {0x12345678, 0x1234, 0x5678, {1, 2, 3, 4, 5, 6, 7, 8}};
    ULONG buffer = 0;

    return WdfObjectQuery(Object, &someInterface, sizeof(buffer), &buffer);
}

PVOID DrvNameContext(WDFOBJECT Object)
{
    return ObjGetName(Object);
}

PVOID DrvExtraContext(WDFOBJECT Object)
{
    return WdfObjectGet_EXTRA_CONTEXT(Object);
}

PVOID DrvTypedExtraContext(WDFOBJECT Object)
{
    return WdfObjectGetTypedContext(Object, EXTRA_CONTEXT);
}

PVOID DrvNeverAttachedContext(WDFOBJECT Object)
{
    return GetNeverAttached(Object);
}

NTSTATUS DrvAllocateExtra(WDFOBJECT Object, PVOID *Context)
{
    WDF_OBJECT_ATTRIBUTES attributes;

    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, EXTRA_CONTEXT);
    return WdfObjectAllocateContext(Object, &attributes, Context);
}

NTSTATUS DrvAllocateUntyped(WDFOBJECT Object)
{
    WDF_OBJECT_ATTRIBUTES attributes;
    PVOID context = NULL;

    WDF_OBJECT_ATTRIBUTES_INIT(&attributes);
    return WdfObjectAllocateContext(Object, &attributes, &context);
}

NTSTATUS DrvAllocateWithParent(WDFOBJECT Object, WDFOBJECT Parent)
{
    WDF_OBJECT_ATTRIBUTES attributes;
    PVOID context = NULL;

    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, EXTRA_CONTEXT);
    attributes.ParentObject = Parent;
    return WdfObjectAllocateContext(Object, &attributes, &context);
}

WDFOBJECT DrvContextOwner(PVOID Context)
{
    return WdfObjectContextGetObject(Context);
}

PCWDF_OBJECT_CONTEXT_TYPE_INFO DrvNameTypeInfo(VOID)
{
    return WDF_GET_CONTEXT_TYPE_INFO(OBJ_NAME_CONTEXT);
}

NTSTATUS DrvMemCreate(POOL_TYPE PoolType, size_t Size, WDFOBJECT Parent, WDFMEMORY *Memory,
                      PVOID *Buffer)
{
    WDF_OBJECT_ATTRIBUTES attributes;

    WDF_OBJECT_ATTRIBUTES_INIT(&attributes);
    attributes.ParentObject = Parent;
    return WdfMemoryCreate(&attributes, PoolType, DRV_TAG, Size, Memory, Buffer);
}

NTSTATUS DrvMemCreatePreallocated(PVOID Buffer, size_t Size, WDFMEMORY *Memory)
{
    return WdfMemoryCreatePreallocated(WDF_NO_OBJECT_ATTRIBUTES, Buffer, Size, Memory);
}

PVOID DrvMemGetBuffer(WDFMEMORY Memory, size_t *Size)
{
    return WdfMemoryGetBuffer(Memory, Size);
}

NTSTATUS DrvMemAssign(WDFMEMORY Memory, PVOID Buffer, size_t Size)
{
    return WdfMemoryAssignBuffer(Memory, Buffer, Size);
}

NTSTATUS DrvMemCopyTo(WDFMEMORY Memory, size_t Offset, PVOID Buffer, size_t Length)
{
    return WdfMemoryCopyToBuffer(Memory, Offset, Buffer, Length);
}

NTSTATUS DrvMemCopyFrom(WDFMEMORY Memory, size_t Offset, PVOID Buffer, size_t Length)
{
    return WdfMemoryCopyFromBuffer(Memory, Offset, Buffer, Length);
}
