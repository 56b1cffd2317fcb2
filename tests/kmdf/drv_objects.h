/* drv_objects.h - the object-model test driver's entry points (tests/kmdf).  The driver side
 * (drv_objects.c, drv_objects2.c) is built with dmabox_add_driver and sees only the WDK headers;
 * the harness (test_objects.c) binds it to a machine and calls these plain functions, each of
 * which does what a driver would do with the DDIs and reports what it saw. */
#ifndef DRV_OBJECTS_H
#define DRV_OBJECTS_H

#include <ntddk.h>
#include <wdf.h>

/* The cleanup/destroy callbacks of named objects append "cleanup:NAME " / "destroy:NAME=VALUE "
 * to a log the harness reads. */
const CHAR *DrvLog(VOID);
VOID DrvLogReset(VOID);

/* General objects. */
NTSTATUS DrvCreateNamed(WDFOBJECT Parent, const CHAR *Name, WDFOBJECT *Object);
NTSTATUS DrvCreatePlain(WDFOBJECT *Object);
NTSTATUS DrvCreateNullOut(VOID);
NTSTATUS DrvCreateOverride(size_t ContextSize, WDFOBJECT *Object);
/* Attribute validation: each case creates with one defect and returns the status. */
enum drv_bad_attributes {
    DRV_BAD_SIZE = 1,
    DRV_BAD_OVERRIDE_SMALLER,
    DRV_BAD_OVERRIDE_UNTYPED,
    DRV_BAD_EXECUTION_LEVEL_NOT_ALLOWED,
    DRV_BAD_SCOPE_NOT_ALLOWED,
    DRV_BAD_EXECUTION_LEVEL_INVALID,
    DRV_BAD_PARENT_HANDLE,
};
NTSTATUS DrvCreateBad(int Case);
VOID DrvDelete(WDFOBJECT Object);
VOID DrvReference(WDFOBJECT Object);
VOID DrvDereference(WDFOBJECT Object);
ULONG DrvGetValue(WDFOBJECT Object);
VOID DrvSetValue(WDFOBJECT Object, ULONG Value);
NTSTATUS DrvQuery(WDFOBJECT Object);

/* Contexts. */
PVOID DrvNameContext(WDFOBJECT Object);
PVOID DrvExtraContext(WDFOBJECT Object);
PVOID DrvTypedExtraContext(WDFOBJECT Object);
PVOID DrvNeverAttachedContext(WDFOBJECT Object);
NTSTATUS DrvAllocateExtra(WDFOBJECT Object, PVOID *Context);
NTSTATUS DrvAllocateUntyped(WDFOBJECT Object);
NTSTATUS DrvAllocateWithParent(WDFOBJECT Object, WDFOBJECT Parent);
WDFOBJECT DrvContextOwner(PVOID Context);
PCWDF_OBJECT_CONTEXT_TYPE_INFO DrvNameTypeInfo(VOID);
/* Same as DrvNameContext / DrvNameTypeInfo, compiled in the driver's second source file. */
PVOID DrvNameContextOtherFile(WDFOBJECT Object);
PCWDF_OBJECT_CONTEXT_TYPE_INFO DrvNameTypeInfoOtherFile(VOID);

/* Memory objects. */
NTSTATUS DrvMemCreate(POOL_TYPE PoolType, size_t Size, WDFOBJECT Parent, WDFMEMORY *Memory,
                      PVOID *Buffer);
NTSTATUS DrvMemCreatePreallocated(PVOID Buffer, size_t Size, WDFMEMORY *Memory);
PVOID DrvMemGetBuffer(WDFMEMORY Memory, size_t *Size);
NTSTATUS DrvMemAssign(WDFMEMORY Memory, PVOID Buffer, size_t Size);
NTSTATUS DrvMemCopyTo(WDFMEMORY Memory, size_t Offset, PVOID Buffer, size_t Length);
NTSTATUS DrvMemCopyFrom(WDFMEMORY Memory, size_t Offset, PVOID Buffer, size_t Length);

#endif
