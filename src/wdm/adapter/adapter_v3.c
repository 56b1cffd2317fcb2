/* adapter_v3.c - the DMA version 3 operations of an adapter (wdm layer): transfer contexts and
 * information, the offset-based Ex forms of the scatter/gather and packet routines (built on the
 * same code as the version 1/2 ones), CancelAdapterChannel and FreeAdapterObject.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nc-wdm-pget_scatter_gather_list_ex
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nc-wdm-pallocate_adapter_channel_ex
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nc-wdm-pcancel_adapter_channel
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nc-wdm-pfree_adapter_object
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nc-wdm-pget_dma_transfer_info */
#include "wdm/adapter/adapter_priv.h"

#include <string.h>

#include "platform/machine.h"
#include "verifier/vf.h"
#include "wdm/wdm_irql.h"
#include "wdm/wdm_machine.h"

/* (mdl, offset) of byte `Offset` of the chain, and a non-zero length; false after reporting
 * DMA-BUF-001. */
static bool chain_position(PMDL *mdl, ULONG *offset, ULONGLONG Offset, ULONG Length,
                           const char *ddi, const void *caller)
{
    uint64_t off = 0;
    PMDL first = *mdl;

    /* Rule DMA-BUF-001: Offset lies inside the chain and something is to be transferred. */
    if (Length == 0 || !wdm_mdl_seek(mdl, &off, Offset)) {
        vf_report(VF_RULE_DMA_BAD_BUFFER, first, ddi, caller,
                  "Offset 0x%llx, Length %u outside the MDL chain", (unsigned long long)Offset,
                  Length);
        return false;
    }
    *offset = (ULONG)off;
    return true;
}

NTSTATUS NTAPI wdm_dma_initialize_transfer_context(PDMA_ADAPTER DmaAdapter,
                                                   PVOID DmaTransferContext)
{
    static const char ddi[] = "InitializeDmaTransferContext";
    const void *caller = VF_CALLER();
    struct wdm_dma_adapter *a = wdm_dma_resolve(DmaAdapter, 3, ddi, caller);
    uint32_t magic = WDM_DMA_CTX_MAGIC;

    if (a == NULL || DmaTransferContext == NULL)
        return STATUS_INVALID_PARAMETER;
    memset(DmaTransferContext, 0, DMA_TRANSFER_CONTEXT_SIZE_V1);
    memcpy(DmaTransferContext, &magic, sizeof(magic));
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI wdm_dma_get_transfer_info(PDMA_ADAPTER DmaAdapter, PMDL Mdl, ULONGLONG Offset,
                                         ULONG Length, BOOLEAN WriteOnly,
                                         PDMA_TRANSFER_INFO TransferInfo)
{
    static const char ddi[] = "GetDmaTransferInfo";
    const void *caller = VF_CALLER();
    struct wdm_dma_adapter *a = wdm_dma_resolve(DmaAdapter, 3, ddi, caller);
    ULONG offset, pieces, size;
    NTSTATUS st;

    UNREFERENCED_PARAMETER(WriteOnly);
    if (a == NULL)
        return STATUS_INVALID_PARAMETER;
    wdm_irql_check_max(DISPATCH_LEVEL, ddi, caller);
    if (Mdl == NULL || TransferInfo == NULL) {
        vf_report(VF_RULE_NULL_PARAMETER, a, ddi, caller, "Mdl %p, TransferInfo %p",
                  (void *)Mdl, (void *)TransferInfo);
        return STATUS_INVALID_PARAMETER;
    }
    if (TransferInfo->Version != DMA_TRANSFER_INFO_VERSION1 &&
        TransferInfo->Version != DMA_TRANSFER_INFO_VERSION2)
        return STATUS_NOT_SUPPORTED;
    if (!chain_position(&Mdl, &offset, Offset, Length, ddi, caller))
        return STATUS_INVALID_PARAMETER;
    st = wdm_mdl_count_pieces(a, Mdl, offset, Length, &pieces, ddi, caller);
    if (!NT_SUCCESS(st))
        return st;
    /* Worst case: no two pieces merge into one element. */
    size = (ULONG)(sizeof(SCATTER_GATHER_LIST) + (uint64_t)pieces * sizeof(SCATTER_GATHER_ELEMENT));
    TransferInfo->V1.MapRegisterCount = pieces;
    TransferInfo->V1.ScatterGatherElementCount = pieces;
    TransferInfo->V1.ScatterGatherListSize = size;
    if (TransferInfo->Version == DMA_TRANSFER_INFO_VERSION2)
        TransferInfo->V2.LogicalPageCount = pieces;
    return STATUS_SUCCESS;
}

/* The common part of GetScatterGatherListEx and BuildScatterGatherListEx. */
static NTSTATUS sg_list_ex(PDMA_ADAPTER DmaAdapter, PDEVICE_OBJECT DeviceObject,
                           PVOID DmaTransferContext, PMDL Mdl, ULONGLONG Offset, ULONG Length,
                           ULONG Flags, PDRIVER_LIST_CONTROL ExecutionRoutine, PVOID Context,
                           BOOLEAN WriteToDevice, PVOID buffer, ULONG buffer_length,
                           PSCATTER_GATHER_LIST *out, const char *ddi, const void *caller)
{
    struct wdm_dma_adapter *a = wdm_dma_resolve(DmaAdapter, 3, ddi, caller);
    struct wdm_sg_request rq = {.devobj = DeviceObject, .length = Length, .write = WriteToDevice,
                                .routine = ExecutionRoutine, .context = Context,
                                .buffer = buffer, .buffer_length = buffer_length,
                                .transfer_context = DmaTransferContext, .caller = caller};
    bool sync = (Flags & DMA_SYNCHRONOUS_CALLBACK) != 0;

    if (out != NULL)
        *out = NULL;
    if (a == NULL)
        return STATUS_INVALID_PARAMETER;
    wdm_irql_check_max(DISPATCH_LEVEL, ddi, caller);
    /* Without a routine the caller must ask for a synchronous grant and take the list back. */
    if (Mdl == NULL || (ExecutionRoutine == NULL && (!sync || out == NULL))) {
        vf_report(VF_RULE_NULL_PARAMETER, a, ddi, caller,
                  "Mdl %p, ExecutionRoutine %p, Flags 0x%x, ScatterGatherList %p", (void *)Mdl,
                  (void *)ExecutionRoutine, Flags, (void *)out);
        return STATUS_INVALID_PARAMETER;
    }
    if ((Flags & ~(ULONG)DMA_SYNCHRONOUS_CALLBACK) != 0)
        return STATUS_INVALID_PARAMETER;
    rq.mdl = Mdl;
    if (!chain_position(&rq.mdl, &rq.offset, Offset, Length, ddi, caller))
        return STATUS_INVALID_PARAMETER;
    return wdm_sg_start(a, &rq, sync, out, ddi);
}

NTSTATUS NTAPI wdm_dma_get_sg_list_ex(PDMA_ADAPTER DmaAdapter, PDEVICE_OBJECT DeviceObject,
                                      PVOID DmaTransferContext, PMDL Mdl, ULONGLONG Offset,
                                      ULONG Length, ULONG Flags,
                                      PDRIVER_LIST_CONTROL ExecutionRoutine, PVOID Context,
                                      BOOLEAN WriteToDevice,
                                      PDMA_COMPLETION_ROUTINE DmaCompletionRoutine,
                                      PVOID CompletionContext,
                                      PSCATTER_GATHER_LIST *ScatterGatherList)
{
    /* The completion routine belongs to system DMA; a bus master reports completion itself. */
    UNREFERENCED_PARAMETER(DmaCompletionRoutine);
    UNREFERENCED_PARAMETER(CompletionContext);
    return sg_list_ex(DmaAdapter, DeviceObject, DmaTransferContext, Mdl, Offset, Length, Flags,
                      ExecutionRoutine, Context, WriteToDevice, NULL, 0, ScatterGatherList,
                      "GetScatterGatherListEx", VF_CALLER());
}

NTSTATUS NTAPI wdm_dma_build_sg_list_ex(PDMA_ADAPTER DmaAdapter, PDEVICE_OBJECT DeviceObject,
                                        PVOID DmaTransferContext, PMDL Mdl, ULONGLONG Offset,
                                        ULONG Length, ULONG Flags,
                                        PDRIVER_LIST_CONTROL ExecutionRoutine, PVOID Context,
                                        BOOLEAN WriteToDevice, PVOID ScatterGatherBuffer,
                                        ULONG ScatterGatherLength,
                                        PDMA_COMPLETION_ROUTINE DmaCompletionRoutine,
                                        PVOID CompletionContext, PVOID ScatterGatherList)
{
    UNREFERENCED_PARAMETER(DmaCompletionRoutine);
    UNREFERENCED_PARAMETER(CompletionContext);
    if (ScatterGatherBuffer == NULL) {
        vf_report(VF_RULE_NULL_PARAMETER, DmaAdapter, "BuildScatterGatherListEx", VF_CALLER(),
                  "ScatterGatherBuffer is NULL");
        return STATUS_INVALID_PARAMETER;
    }
    return sg_list_ex(DmaAdapter, DeviceObject, DmaTransferContext, Mdl, Offset, Length, Flags,
                      ExecutionRoutine, Context, WriteToDevice, ScatterGatherBuffer,
                      ScatterGatherLength, (PSCATTER_GATHER_LIST *)ScatterGatherList,
                      "BuildScatterGatherListEx", VF_CALLER());
}

NTSTATUS NTAPI wdm_dma_allocate_adapter_channel_ex(PDMA_ADAPTER DmaAdapter,
                                                   PDEVICE_OBJECT DeviceObject,
                                                   PVOID DmaTransferContext,
                                                   ULONG NumberOfMapRegisters, ULONG Flags,
                                                   PDRIVER_CONTROL ExecutionRoutine,
                                                   PVOID ExecutionContext,
                                                   PVOID *MapRegisterBase)
{
    static const char ddi[] = "AllocateAdapterChannelEx";
    const void *caller = VF_CALLER();
    struct wdm_dma_adapter *a = wdm_dma_resolve(DmaAdapter, 3, ddi, caller);
    struct wdm_channel_request rq = {.devobj = DeviceObject, .nregs = NumberOfMapRegisters,
                                     .routine = ExecutionRoutine, .context = ExecutionContext,
                                     .transfer_context = DmaTransferContext, .caller = caller};
    bool sync = (Flags & DMA_SYNCHRONOUS_CALLBACK) != 0;

    if (MapRegisterBase != NULL)
        *MapRegisterBase = NULL;
    if (a == NULL)
        return STATUS_INVALID_PARAMETER;
    wdm_irql_check_max(DISPATCH_LEVEL, ddi, caller);
    if (ExecutionRoutine == NULL && (!sync || MapRegisterBase == NULL)) {
        vf_report(VF_RULE_NULL_PARAMETER, a, ddi, caller,
                  "no ExecutionRoutine needs DMA_SYNCHRONOUS_CALLBACK and MapRegisterBase");
        return STATUS_INVALID_PARAMETER;
    }
    if ((Flags & ~(ULONG)DMA_SYNCHRONOUS_CALLBACK) != 0)
        return STATUS_INVALID_PARAMETER;
    return wdm_channel_start(a, &rq, sync, MapRegisterBase, ddi);
}

BOOLEAN NTAPI wdm_dma_cancel_adapter_channel(PDMA_ADAPTER DmaAdapter, PDEVICE_OBJECT DeviceObject,
                                             PVOID DmaTransferContext)
{
    static const char ddi[] = "CancelAdapterChannel";
    const void *caller = VF_CALLER();
    struct wdm_dma_adapter *a = wdm_dma_resolve(DmaAdapter, 3, ddi, caller);
    struct wdm_dma_wait **pp, *w = NULL, *prev = NULL;

    UNREFERENCED_PARAMETER(DeviceObject);
    if (a == NULL || DmaTransferContext == NULL)
        return FALSE;
    wdm_irql_check_max(DISPATCH_LEVEL, ddi, caller);
    /* Only a request still queued can be cancelled; a granted one has run (or is running). */
    pthread_mutex_lock(&a->lock);
    for (pp = &a->wait_head; *pp != NULL; prev = *pp, pp = &(*pp)->next) {
        PVOID ctx = (*pp)->is_sg ? (*pp)->sg.transfer_context : (*pp)->ch.transfer_context;

        if (ctx == DmaTransferContext) {
            w = *pp;
            *pp = w->next;
            if (a->wait_tail == w)
                a->wait_tail = prev;
            a->waiting--;
            break;
        }
    }
    pthread_mutex_unlock(&a->lock);
    if (w == NULL)
        return FALSE;
    wdm_pool_free(w, WDM_DMA_WAIT_TAG, 1, ddi, caller);
    /* Requests behind the cancelled one may fit now. */
    wdm_dma_run_waiters(a);
    return TRUE;
}

NTSTATUS NTAPI wdm_dma_map_transfer_ex(PDMA_ADAPTER DmaAdapter, PMDL Mdl, PVOID MapRegisterBase,
                                       ULONGLONG Offset, ULONG DeviceOffset, PULONG Length,
                                       BOOLEAN WriteToDevice,
                                       PSCATTER_GATHER_LIST ScatterGatherBuffer,
                                       ULONG ScatterGatherBufferLength,
                                       PDMA_COMPLETION_ROUTINE DmaCompletionRoutine,
                                       PVOID CompletionContext)
{
    static const char ddi[] = "MapTransferEx";
    const void *caller = VF_CALLER();
    struct wdm_dma_adapter *a = wdm_dma_resolve(DmaAdapter, 3, ddi, caller);
    struct wdm_map_set *set;
    ULONG offset;
    bus_addr_t bus;

    UNREFERENCED_PARAMETER(DeviceOffset);         /* system DMA only */
    UNREFERENCED_PARAMETER(DmaCompletionRoutine);
    UNREFERENCED_PARAMETER(CompletionContext);
    if (a == NULL)
        return STATUS_INVALID_PARAMETER;
    wdm_irql_check_max(DISPATCH_LEVEL, ddi, caller);
    if (Mdl == NULL || Length == NULL || ScatterGatherBuffer == NULL) {
        vf_report(VF_RULE_NULL_PARAMETER, a, ddi, caller, "Mdl %p, Length %p, buffer %p",
                  (void *)Mdl, (void *)Length, (void *)ScatterGatherBuffer);
        return STATUS_INVALID_PARAMETER;
    }
    if (ScatterGatherBufferLength < sizeof(SCATTER_GATHER_LIST) + sizeof(SCATTER_GATHER_ELEMENT))
        return STATUS_BUFFER_TOO_SMALL;
    set = wdm_map_base_resolve(a, MapRegisterBase, ddi, caller);
    if (set == NULL || !chain_position(&Mdl, &offset, Offset, *Length, ddi, caller))
        return STATUS_INVALID_PARAMETER;
    bus = wdm_map_transfer(a, set, Mdl, offset, Length, WriteToDevice, ddi, caller);
    if (*Length == 0)
        return STATUS_INSUFFICIENT_RESOURCES;
    ScatterGatherBuffer->NumberOfElements = 1;
    ScatterGatherBuffer->Reserved = 0;
    ScatterGatherBuffer->Elements[0] =
        (SCATTER_GATHER_ELEMENT){.Address.QuadPart = (LONGLONG)bus, .Length = *Length};
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI wdm_dma_flush_adapter_buffers_ex(PDMA_ADAPTER DmaAdapter, PMDL Mdl,
                                                PVOID MapRegisterBase, ULONGLONG Offset,
                                                ULONG Length, BOOLEAN WriteToDevice)
{
    static const char ddi[] = "FlushAdapterBuffersEx";
    const void *caller = VF_CALLER();
    struct wdm_dma_adapter *a = wdm_dma_resolve(DmaAdapter, 3, ddi, caller);
    struct wdm_map_set *set;

    UNREFERENCED_PARAMETER(Mdl);
    UNREFERENCED_PARAMETER(Offset);
    UNREFERENCED_PARAMETER(WriteToDevice);
    if (a == NULL)
        return STATUS_INVALID_PARAMETER;
    wdm_irql_check_max(DISPATCH_LEVEL, ddi, caller);
    set = wdm_map_base_resolve(a, MapRegisterBase, ddi, caller);
    if (set == NULL)
        return STATUS_INVALID_PARAMETER;
    wdm_map_flush(a, set, Length);
    return STATUS_SUCCESS;
}

VOID NTAPI wdm_dma_free_adapter_object(PDMA_ADAPTER DmaAdapter,
                                       IO_ALLOCATION_ACTION AllocationAction)
{
    static const char ddi[] = "FreeAdapterObject";
    const void *caller = VF_CALLER();
    struct wdm_dma_adapter *a = wdm_dma_resolve(DmaAdapter, 3, ddi, caller);
    struct wdm_map_set *set;

    if (a == NULL)
        return;
    wdm_irql_check_max(DISPATCH_LEVEL, ddi, caller);
    if (!wdm_channel_held(a, &set, ddi, caller))
        return;
    /* KeepObject: documented to have no effect. */
    if (AllocationAction != KeepObject)
        wdm_channel_release(a, set, AllocationAction, ddi, caller);
}
