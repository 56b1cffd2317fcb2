/* wdfmemory.c - DDI shims of wdfmemory.h (kmdf layer): handle, IRQL and parameter checks and the
 * documented statuses; the work is in fx_memory.c.  Out-of-range copies are documented failures
 * (a status, no finding); NULL required pointers and wrong handles are misuse (a finding).
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfmemory/nf-wdfmemory-wdfmemorycreate
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfmemory/nf-wdfmemory-wdfmemorycreatepreallocated
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfmemory/nf-wdfmemory-wdfmemorygetbuffer
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfmemory/nf-wdfmemory-wdfmemoryassignbuffer */
#include "kmdf/ddi_table.h"
#include "kmdf/memory/fx_memory.h"
#include "platform/exec_ctx.h"
#include "verifier/vf.h"

/* Pageable buffers may only be touched at IRQL <= APC_LEVEL. */
static bool fx_memory_check_access_irql(struct fx_memory *m, const char *ddi, const void *caller)
{
    return !m->paged || fx_check_irql(EXEC_LEVEL_APC, ddi, caller);
}

static struct fx_memory *fx_memory_resolve(PWDF_DRIVER_GLOBALS globals, WDFMEMORY handle,
                                           const char *ddi, const void *caller)
{
    struct fx_object *obj = fx_object_resolve(globals, handle, FX_TYPE_MEMORY, ddi, caller);
    return obj != NULL ? to_memory(obj) : NULL;
}

NTSTATUS imp_WdfMemoryCreate(PWDF_DRIVER_GLOBALS globals, PWDF_OBJECT_ATTRIBUTES Attributes,
                             POOL_TYPE PoolType, ULONG PoolTag, size_t BufferSize,
                             WDFMEMORY *Memory, PVOID *Buffer)
{
    static const char ddi[] = "WdfMemoryCreate";
    const void *caller = VF_CALLER();
    int paged = fx_memory_pool_type_paged(PoolType);
    struct fx_memory *m;
    NTSTATUS status;

    if (!fx_check_not_null(Memory, "Memory", ddi, caller))
        return STATUS_INVALID_PARAMETER;
    *Memory = NULL;
    if (Buffer != NULL)
        *Buffer = NULL;
    /* Paged pool: IRQL <= APC_LEVEL; nonpaged: IRQL <= DISPATCH_LEVEL. */
    if (!fx_check_irql(paged > 0 ? EXEC_LEVEL_APC : EXEC_LEVEL_DISPATCH, ddi, caller))
        return STATUS_INVALID_DEVICE_REQUEST;
    if (BufferSize == 0)
        return STATUS_INVALID_PARAMETER;
    status = fx_memory_create_pool(fx_globals(globals), Attributes, PoolType, PoolTag, BufferSize,
                                   ddi, caller, &m);
    if (!NT_SUCCESS(status))
        return status;
    *Memory = (WDFMEMORY)fx_object_handle(&m->obj);
    if (Buffer != NULL)
        *Buffer = m->buffer;
    return STATUS_SUCCESS;
}

NTSTATUS imp_WdfMemoryCreatePreallocated(PWDF_DRIVER_GLOBALS globals,
                                         PWDF_OBJECT_ATTRIBUTES Attributes, PVOID Buffer,
                                         size_t BufferSize, WDFMEMORY *Memory)
{
    static const char ddi[] = "WdfMemoryCreatePreallocated";
    const void *caller = VF_CALLER();
    struct fx_memory *m;
    NTSTATUS status;

    if (!fx_check_irql(EXEC_LEVEL_DISPATCH, ddi, caller))
        return STATUS_INVALID_DEVICE_REQUEST;
    if (!fx_check_not_null(Memory, "Memory", ddi, caller))
        return STATUS_INVALID_PARAMETER;
    *Memory = NULL;
    if (!fx_check_not_null(Buffer, "Buffer", ddi, caller))
        return STATUS_INVALID_PARAMETER;
    if (BufferSize == 0)
        return STATUS_INVALID_PARAMETER;
    status = fx_memory_create_preallocated(fx_globals(globals), Attributes, Buffer, BufferSize,
                                           ddi, caller, &m);
    if (NT_SUCCESS(status))
        *Memory = (WDFMEMORY)fx_object_handle(&m->obj);
    return status;
}

PVOID imp_WdfMemoryGetBuffer(PWDF_DRIVER_GLOBALS globals, WDFMEMORY Memory, size_t *BufferSize)
{
    static const char ddi[] = "WdfMemoryGetBuffer";
    struct fx_memory *m = fx_memory_resolve(globals, Memory, ddi, VF_CALLER());

    if (BufferSize != NULL)
        *BufferSize = m != NULL ? m->size : 0;
    return m != NULL ? m->buffer : NULL;
}

/* Only a WdfMemoryCreatePreallocated object takes another buffer; KMDF treats any other memory
 * handle here as a handle of the wrong type. */
NTSTATUS imp_WdfMemoryAssignBuffer(PWDF_DRIVER_GLOBALS globals, WDFMEMORY Memory, PVOID Buffer,
                                   size_t BufferSize)
{
    static const char ddi[] = "WdfMemoryAssignBuffer";
    const void *caller = VF_CALLER();
    struct fx_memory *m;

    if (!fx_check_irql(EXEC_LEVEL_DISPATCH, ddi, caller))
        return STATUS_INVALID_DEVICE_REQUEST;
    m = fx_memory_resolve(globals, Memory, ddi, caller);
    if (m == NULL)
        return STATUS_INVALID_PARAMETER;
    if (m->kind != FX_MEMORY_KIND_PREALLOCATED) {
        vf_report(VF_RULE_HANDLE_WRONG_TYPE, Memory, ddi, caller,
                  "WDFMEMORY not created by WdfMemoryCreatePreallocated");
        return STATUS_INVALID_PARAMETER;
    }
    if (!fx_check_not_null(Buffer, "Buffer", ddi, caller) || BufferSize == 0)
        return STATUS_INVALID_PARAMETER;
    m->buffer = Buffer;
    m->size = BufferSize;
    return STATUS_SUCCESS;
}

NTSTATUS imp_WdfMemoryCopyToBuffer(PWDF_DRIVER_GLOBALS globals, WDFMEMORY SourceMemory,
                                   size_t SourceOffset, PVOID Buffer, size_t NumBytesToCopyTo)
{
    static const char ddi[] = "WdfMemoryCopyToBuffer";
    const void *caller = VF_CALLER();
    struct fx_memory *m = fx_memory_resolve(globals, SourceMemory, ddi, caller);

    if (m == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!fx_check_not_null(Buffer, "Buffer", ddi, caller) || NumBytesToCopyTo == 0)
        return STATUS_INVALID_PARAMETER;
    if (!fx_memory_check_access_irql(m, ddi, caller))
        return STATUS_INVALID_DEVICE_REQUEST;
    return fx_memory_copy_out(m, SourceOffset, Buffer, NumBytesToCopyTo);
}

NTSTATUS imp_WdfMemoryCopyFromBuffer(PWDF_DRIVER_GLOBALS globals, WDFMEMORY DestinationMemory,
                                     size_t DestinationOffset, PVOID Buffer,
                                     size_t NumBytesToCopyFrom)
{
    static const char ddi[] = "WdfMemoryCopyFromBuffer";
    const void *caller = VF_CALLER();
    struct fx_memory *m = fx_memory_resolve(globals, DestinationMemory, ddi, caller);

    if (m == NULL)
        return STATUS_INVALID_PARAMETER;
    if (!fx_check_not_null(Buffer, "Buffer", ddi, caller) || NumBytesToCopyFrom == 0)
        return STATUS_INVALID_PARAMETER;
    if (!fx_memory_check_access_irql(m, ddi, caller))
        return STATUS_INVALID_DEVICE_REQUEST;
    return fx_memory_copy_in(m, DestinationOffset, Buffer, NumBytesToCopyFrom);
}
