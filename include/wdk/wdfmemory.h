/* wdfmemory.h - framework memory objects (WDFMEMORY) and lookaside lists, as declared by the WDK
 * (KMDF 1.33).  Runtime side: src/kmdf/memory/wdfmemory.c.  Needs <wdm.h> (POOL_TYPE, MDL) first.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfmemory/
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/using-memory-buffers */
#ifndef DMABOX_WDK_WDFMEMORY_H
#define DMABOX_WDK_WDFMEMORY_H

#include "wdfobject.h"

typedef enum _WDF_MEMORY_DESCRIPTOR_TYPE {
    WdfMemoryDescriptorTypeInvalid = 0,
    WdfMemoryDescriptorTypeBuffer,
    WdfMemoryDescriptorTypeMdl,
    WdfMemoryDescriptorTypeHandle,
} WDF_MEMORY_DESCRIPTOR_TYPE;

/* A sub-range of a memory object's buffer. */
typedef struct _WDFMEMORY_OFFSET {
    size_t BufferOffset;
    size_t BufferLength;
} WDFMEMORY_OFFSET, *PWDFMEMORY_OFFSET;

/* Describes a buffer for the I/O target and request DDIs: a raw buffer, an MDL or a WDFMEMORY. */
typedef struct _WDF_MEMORY_DESCRIPTOR {
    WDF_MEMORY_DESCRIPTOR_TYPE Type;
    union {
        struct {
            PVOID Buffer;
            ULONG Length;
        } BufferType;
        struct {
            PMDL Mdl;
            ULONG BufferLength;
        } MdlType;
        struct {
            WDFMEMORY Memory;
            PWDFMEMORY_OFFSET Offsets;
        } HandleType;
    } u;
} WDF_MEMORY_DESCRIPTOR, *PWDF_MEMORY_DESCRIPTOR;

FORCEINLINE VOID WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(PWDF_MEMORY_DESCRIPTOR Descriptor, PVOID Buffer,
                                                   ULONG BufferLength)
{
    memset(Descriptor, 0, sizeof(WDF_MEMORY_DESCRIPTOR));
    Descriptor->Type = WdfMemoryDescriptorTypeBuffer;
    Descriptor->u.BufferType.Buffer = Buffer;
    Descriptor->u.BufferType.Length = BufferLength;
}

FORCEINLINE VOID WDF_MEMORY_DESCRIPTOR_INIT_HANDLE(PWDF_MEMORY_DESCRIPTOR Descriptor,
                                                   WDFMEMORY Memory,
                                                   PWDFMEMORY_OFFSET Offsets)
{
    memset(Descriptor, 0, sizeof(WDF_MEMORY_DESCRIPTOR));
    Descriptor->Type = WdfMemoryDescriptorTypeHandle;
    Descriptor->u.HandleType.Memory = Memory;
    Descriptor->u.HandleType.Offsets = Offsets;
}

FORCEINLINE VOID WDF_MEMORY_DESCRIPTOR_INIT_MDL(PWDF_MEMORY_DESCRIPTOR Descriptor, PMDL Mdl,
                                                ULONG BufferLength)
{
    memset(Descriptor, 0, sizeof(WDF_MEMORY_DESCRIPTOR));
    Descriptor->Type = WdfMemoryDescriptorTypeMdl;
    Descriptor->u.MdlType.Mdl = Mdl;
    Descriptor->u.MdlType.BufferLength = BufferLength;
}

/* ---- DDIs ---- */

/* Nonpaged pool: IRQL <= DISPATCH_LEVEL; paged pool: IRQL <= APC_LEVEL.  Parent defaults to
 * the driver object.  BufferSize must not be 0.  Buffer (optional) receives the buffer. */
typedef NTSTATUS(NTAPI *PFN_WDFMEMORYCREATE)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                             PWDF_OBJECT_ATTRIBUTES Attributes,
                                             POOL_TYPE PoolType, ULONG PoolTag, size_t BufferSize,
                                             WDFMEMORY *Memory, PVOID *Buffer);
FORCEINLINE NTSTATUS WdfMemoryCreate(PWDF_OBJECT_ATTRIBUTES Attributes, POOL_TYPE PoolType,
                                     ULONG PoolTag, size_t BufferSize, WDFMEMORY *Memory,
                                     PVOID *Buffer)
{
    return ((PFN_WDFMEMORYCREATE)WdfFunctions[WdfMemoryCreateTableIndex])(
        WdfDriverGlobals, Attributes, PoolType, PoolTag, BufferSize, Memory, Buffer);
}

/* IRQL <= DISPATCH_LEVEL.  Wraps a buffer the driver owns; deleting the object does not free it. */
typedef NTSTATUS(NTAPI *PFN_WDFMEMORYCREATEPREALLOCATED)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                         PWDF_OBJECT_ATTRIBUTES Attributes,
                                                         PVOID Buffer, size_t BufferSize,
                                                         WDFMEMORY *Memory);
FORCEINLINE NTSTATUS WdfMemoryCreatePreallocated(PWDF_OBJECT_ATTRIBUTES Attributes, PVOID Buffer,
                                                 size_t BufferSize, WDFMEMORY *Memory)
{
    return ((PFN_WDFMEMORYCREATEPREALLOCATED)WdfFunctions[WdfMemoryCreatePreallocatedTableIndex])(
        WdfDriverGlobals, Attributes, Buffer, BufferSize, Memory);
}

/* Any IRQL.  BufferSize (optional) receives the size. */
typedef PVOID(NTAPI *PFN_WDFMEMORYGETBUFFER)(PWDF_DRIVER_GLOBALS DriverGlobals, WDFMEMORY Memory,
                                             size_t *BufferSize);
FORCEINLINE PVOID WdfMemoryGetBuffer(WDFMEMORY Memory, size_t *BufferSize)
{
    return ((PFN_WDFMEMORYGETBUFFER)WdfFunctions[WdfMemoryGetBufferTableIndex])(
        WdfDriverGlobals, Memory, BufferSize);
}

/* IRQL <= DISPATCH_LEVEL.  Only for objects from WdfMemoryCreatePreallocated. */
typedef NTSTATUS(NTAPI *PFN_WDFMEMORYASSIGNBUFFER)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                   WDFMEMORY Memory, PVOID Buffer,
                                                   size_t BufferSize);
FORCEINLINE NTSTATUS WdfMemoryAssignBuffer(WDFMEMORY Memory, PVOID Buffer, size_t BufferSize)
{
    return ((PFN_WDFMEMORYASSIGNBUFFER)WdfFunctions[WdfMemoryAssignBufferTableIndex])(
        WdfDriverGlobals, Memory, Buffer, BufferSize);
}

/* Copies NumBytesToCopyTo bytes from SourceMemory at SourceOffset into Buffer. */
typedef NTSTATUS(NTAPI *PFN_WDFMEMORYCOPYTOBUFFER)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                   WDFMEMORY SourceMemory, size_t SourceOffset,
                                                   PVOID Buffer, size_t NumBytesToCopyTo);
FORCEINLINE NTSTATUS WdfMemoryCopyToBuffer(WDFMEMORY SourceMemory, size_t SourceOffset,
                                           PVOID Buffer, size_t NumBytesToCopyTo)
{
    return ((PFN_WDFMEMORYCOPYTOBUFFER)WdfFunctions[WdfMemoryCopyToBufferTableIndex])(
        WdfDriverGlobals, SourceMemory, SourceOffset, Buffer, NumBytesToCopyTo);
}

/* Copies NumBytesToCopyFrom bytes from Buffer into DestinationMemory at DestinationOffset. */
typedef NTSTATUS(NTAPI *PFN_WDFMEMORYCOPYFROMBUFFER)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                     WDFMEMORY DestinationMemory,
                                                     size_t DestinationOffset, PVOID Buffer,
                                                     size_t NumBytesToCopyFrom);
FORCEINLINE NTSTATUS WdfMemoryCopyFromBuffer(WDFMEMORY DestinationMemory,
                                             size_t DestinationOffset, PVOID Buffer,
                                             size_t NumBytesToCopyFrom)
{
    return ((PFN_WDFMEMORYCOPYFROMBUFFER)WdfFunctions[WdfMemoryCopyFromBufferTableIndex])(
        WdfDriverGlobals, DestinationMemory, DestinationOffset, Buffer, NumBytesToCopyFrom);
}

typedef NTSTATUS(NTAPI *PFN_WDFLOOKASIDELISTCREATE)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                    PWDF_OBJECT_ATTRIBUTES LookasideAttributes,
                                                    size_t BufferSize, POOL_TYPE PoolType,
                                                    PWDF_OBJECT_ATTRIBUTES MemoryAttributes,
                                                    ULONG PoolTag, WDFLOOKASIDE *Lookaside);
FORCEINLINE NTSTATUS WdfLookasideListCreate(PWDF_OBJECT_ATTRIBUTES LookasideAttributes,
                                            size_t BufferSize, POOL_TYPE PoolType,
                                            PWDF_OBJECT_ATTRIBUTES MemoryAttributes, ULONG PoolTag,
                                            WDFLOOKASIDE *Lookaside)
{
    return ((PFN_WDFLOOKASIDELISTCREATE)WdfFunctions[WdfLookasideListCreateTableIndex])(
        WdfDriverGlobals, LookasideAttributes, BufferSize, PoolType, MemoryAttributes, PoolTag,
        Lookaside);
}

typedef NTSTATUS(NTAPI *PFN_WDFMEMORYCREATEFROMLOOKASIDE)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                          WDFLOOKASIDE Lookaside,
                                                          WDFMEMORY *Memory);
FORCEINLINE NTSTATUS WdfMemoryCreateFromLookaside(WDFLOOKASIDE Lookaside, WDFMEMORY *Memory)
{
    return ((PFN_WDFMEMORYCREATEFROMLOOKASIDE)WdfFunctions[WdfMemoryCreateFromLookasideTableIndex])(
        WdfDriverGlobals, Lookaside, Memory);
}

#endif
