/* wdfdmatransaction.c - DDI shims of wdfdmatransaction.h (kmdf layer): handle, IRQL and
 * parameter checks, the argument checks of Initialize*, and the documented statuses; the state
 * machine is in fx_dmatransaction.c.  A NULL required pointer is WDF-PARAM-001, a call above
 * DISPATCH_LEVEL IRQL-001, a DDI the transaction's profile or DMA version does not support
 * DMA-TX-007 (each then returns the documented failure or does nothing).
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdmatransaction/
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdmatransaction/nf-wdfdmatransaction-wdfdmatransactioninitializeusingrequest */
#include "kmdf/ddi_table.h"
#include "kmdf/dma/fx_dmatransaction.h"
#include "kmdf/io/fx_request.h"
#include "platform/exec_ctx.h"
#include "verifier/vf.h"

static struct fx_dma_transaction *tx_resolve(PWDF_DRIVER_GLOBALS g, WDFDMATRANSACTION h,
                                             const char *ddi, const void *caller)
{
    struct fx_object *obj;

    if (!fx_check_irql(EXEC_LEVEL_DISPATCH, ddi, caller))
        return NULL;
    obj = fx_object_resolve(g, h, FX_TYPE_DMA_TRANSACTION, ddi, caller);
    return obj != NULL ? to_dma_transaction(obj) : NULL;
}

/* Rule DMA-TX-007: DDIs that exist only for DMA version 3 / system-mode DMA are verifier breaks
 * and no-ops on other transactions (spec §2.3). */
static bool tx_needs_v3(struct fx_dma_transaction *tx, const char *ddi, const void *caller)
{
    if (tx->dma_version >= 3)
        return true;
    vf_report(VF_RULE_DMATX_NOT_SUPPORTED, fx_dmatx_handle(tx), ddi, caller,
              "needs DMA version 3; the enabler uses version %lu", (unsigned long)tx->dma_version);
    return false;
}

static void tx_system_only(struct fx_dma_transaction *tx, const char *ddi, const void *caller)
{
    vf_report(VF_RULE_DMATX_NOT_SUPPORTED, fx_dmatx_handle(tx), ddi, caller,
              "system-mode DMA only; a %s (bus-master) transaction ignores it", tx->ops->name);
}

NTSTATUS imp_WdfDmaTransactionCreate(PWDF_DRIVER_GLOBALS globals, WDFDMAENABLER DmaEnabler,
                                     PWDF_OBJECT_ATTRIBUTES Attributes,
                                     WDFDMATRANSACTION *DmaTransaction)
{
    static const char ddi[] = "WdfDmaTransactionCreate";
    const void *caller = VF_CALLER();
    struct fx_dma_transaction *tx;
    struct fx_object *obj;
    NTSTATUS st;

    if (!fx_check_not_null(DmaTransaction, "DmaTransaction", ddi, caller))
        return STATUS_INVALID_PARAMETER;
    *DmaTransaction = NULL;
    if (!fx_check_irql(EXEC_LEVEL_DISPATCH, ddi, caller))
        return STATUS_INVALID_DEVICE_REQUEST;
    obj = fx_object_resolve(globals, DmaEnabler, FX_TYPE_DMA_ENABLER, ddi, caller);
    if (obj == NULL)
        return STATUS_INVALID_HANDLE;
    st = fx_dmatx_create(fx_globals(globals), to_dma_enabler(obj), Attributes, ddi, caller, &tx);
    if (NT_SUCCESS(st))
        *DmaTransaction = fx_dmatx_handle(tx);
    return st;
}

/* The argument checks WDF makes before the core (state unchanged when they fail). */
static NTSTATUS tx_init_args(struct fx_dma_transaction *tx, PFN_WDF_PROGRAM_DMA evt,
                             WDF_DMA_DIRECTION dir, PMDL mdl, size_t offset, size_t length,
                             const char *ddi, const void *caller)
{
    if (!fx_check_not_null(evt, "EvtProgramDmaFunction", ddi, caller) ||
        !fx_check_not_null(mdl, "Mdl", ddi, caller))
        return STATUS_INVALID_PARAMETER;
    if (length == 0 || !fx_dma_direction_valid(dir) || offset >= MmGetMdlByteCount(mdl))
        return STATUS_INVALID_PARAMETER;
    if (!fx_dma_enabler_supports_chained_mdls(tx->enabler) &&
        offset + length > MmGetMdlByteCount(mdl))
        return STATUS_INVALID_PARAMETER;
    return fx_dmatx_initialize(tx, evt, dir, mdl, offset, length, ddi, caller);
}

NTSTATUS imp_WdfDmaTransactionInitialize(PWDF_DRIVER_GLOBALS globals,
                                         WDFDMATRANSACTION DmaTransaction,
                                         PFN_WDF_PROGRAM_DMA EvtProgramDmaFunction,
                                         WDF_DMA_DIRECTION DmaDirection, PMDL Mdl,
                                         PVOID VirtualAddress, size_t Length)
{
    static const char ddi[] = "WdfDmaTransactionInitialize";
    const void *caller = VF_CALLER();
    struct fx_dma_transaction *tx = tx_resolve(globals, DmaTransaction, ddi, caller);
    char *base;

    if (tx == NULL)
        return STATUS_INVALID_DEVICE_REQUEST;
    if (!fx_check_not_null(Mdl, "Mdl", ddi, caller))
        return STATUS_INVALID_PARAMETER;
    /* VirtualAddress must lie inside the first MDL (spec §2.3). */
    base = MmGetMdlVirtualAddress(Mdl);
    if ((char *)VirtualAddress < base || (char *)VirtualAddress >= base + MmGetMdlByteCount(Mdl))
        return STATUS_INVALID_PARAMETER;
    return tx_init_args(tx, EvtProgramDmaFunction, DmaDirection, Mdl,
                        (size_t)((char *)VirtualAddress - base), Length, ddi, caller);
}

NTSTATUS imp_WdfDmaTransactionInitializeUsingOffset(PWDF_DRIVER_GLOBALS globals,
                                                    WDFDMATRANSACTION DmaTransaction,
                                                    PFN_WDF_PROGRAM_DMA EvtProgramDmaFunction,
                                                    WDF_DMA_DIRECTION DmaDirection, PMDL Mdl,
                                                    size_t Offset, size_t Length)
{
    static const char ddi[] = "WdfDmaTransactionInitializeUsingOffset";
    const void *caller = VF_CALLER();
    struct fx_dma_transaction *tx = tx_resolve(globals, DmaTransaction, ddi, caller);

    if (tx == NULL)
        return STATUS_INVALID_DEVICE_REQUEST;
    /* As in WDF the offset must fall inside the first MDL (docs/dma.md). */
    return tx_init_args(tx, EvtProgramDmaFunction, DmaDirection, Mdl, Offset, Length, ddi,
                        caller);
}

/* The MDL and length of a request by major function and transfer method (spec §2.3 table). */
static NTSTATUS tx_request_buffer(struct fx_request *r, WDF_DMA_DIRECTION dir, PMDL *mdl,
                                  size_t *length)
{
    PIO_STACK_LOCATION sl = IoGetCurrentIrpStackLocation(r->irp);
    bool output;

    switch (sl->MajorFunction) {
    case IRP_MJ_READ:
        if (dir != WdfDmaDirectionReadFromDevice)
            return STATUS_INVALID_DEVICE_REQUEST;
        *length = sl->Parameters.Read.Length;
        output = true;
        break;
    case IRP_MJ_WRITE:
        if (dir != WdfDmaDirectionWriteToDevice)
            return STATUS_INVALID_DEVICE_REQUEST;
        *length = sl->Parameters.Write.Length;
        output = false;
        break;
    case IRP_MJ_DEVICE_CONTROL:
    case IRP_MJ_INTERNAL_DEVICE_CONTROL:
        switch (METHOD_FROM_CTL_CODE(sl->Parameters.DeviceIoControl.IoControlCode)) {
        case METHOD_BUFFERED:
            output = dir == WdfDmaDirectionReadFromDevice;
            *length = output ? sl->Parameters.DeviceIoControl.OutputBufferLength
                             : sl->Parameters.DeviceIoControl.InputBufferLength;
            break;
        case METHOD_IN_DIRECT:
        case METHOD_OUT_DIRECT:
            if ((METHOD_FROM_CTL_CODE(sl->Parameters.DeviceIoControl.IoControlCode) ==
                 METHOD_IN_DIRECT) != (dir == WdfDmaDirectionWriteToDevice))
                return STATUS_INVALID_DEVICE_REQUEST;
            /* WDF uses the output buffer for both direct methods. */
            *length = sl->Parameters.DeviceIoControl.OutputBufferLength;
            output = true;
            break;
        default:
            return STATUS_INVALID_DEVICE_REQUEST; /* METHOD_NEITHER */
        }
        break;
    default:
        return STATUS_INVALID_DEVICE_REQUEST;
    }
    if (*length == 0)
        return STATUS_INVALID_DEVICE_REQUEST;
    if (r->irp->MdlAddress != NULL && (sl->MajorFunction == IRP_MJ_READ ||
                                       sl->MajorFunction == IRP_MJ_WRITE || output)) {
        *mdl = r->irp->MdlAddress;
        return STATUS_SUCCESS;
    }
    if (r->irp->AssociatedIrp.SystemBuffer == NULL)
        return r->irp->UserBuffer != NULL ? STATUS_INVALID_DEVICE_REQUEST /* neither I/O */
                                          : STATUS_BUFFER_TOO_SMALL;
    return fx_request_mdl(r, output, mdl);
}

NTSTATUS imp_WdfDmaTransactionInitializeUsingRequest(PWDF_DRIVER_GLOBALS globals,
                                                     WDFDMATRANSACTION DmaTransaction,
                                                     WDFREQUEST Request,
                                                     PFN_WDF_PROGRAM_DMA EvtProgramDmaFunction,
                                                     WDF_DMA_DIRECTION DmaDirection)
{
    static const char ddi[] = "WdfDmaTransactionInitializeUsingRequest";
    const void *caller = VF_CALLER();
    struct fx_dma_transaction *tx = tx_resolve(globals, DmaTransaction, ddi, caller);
    struct fx_object *robj;
    struct fx_request *r;
    PMDL mdl = NULL;
    size_t length = 0;
    NTSTATUS st;

    if (tx == NULL)
        return STATUS_INVALID_DEVICE_REQUEST;
    robj = fx_object_resolve(globals, Request, FX_TYPE_REQUEST, ddi, caller);
    if (robj == NULL)
        return STATUS_INVALID_HANDLE;
    if (!fx_check_not_null(EvtProgramDmaFunction, "EvtProgramDmaFunction", ddi, caller))
        return STATUS_INVALID_PARAMETER;
    if (!fx_dma_direction_valid(DmaDirection))
        return STATUS_INVALID_PARAMETER;
    r = to_request(robj);
    st = tx_request_buffer(r, DmaDirection, &mdl, &length);
    if (!NT_SUCCESS(st))
        return st;
    if (!fx_dma_enabler_supports_chained_mdls(tx->enabler) && length > MmGetMdlByteCount(mdl))
        return STATUS_INVALID_PARAMETER;
    st = fx_dmatx_initialize(tx, EvtProgramDmaFunction, DmaDirection, mdl, 0, length, ddi,
                             caller);
    if (NT_SUCCESS(st))
        fx_dmatx_set_request(tx, r);
    return st;
}

NTSTATUS imp_WdfDmaTransactionExecute(PWDF_DRIVER_GLOBALS globals,
                                      WDFDMATRANSACTION DmaTransaction, WDFCONTEXT Context)
{
    static const char ddi[] = "WdfDmaTransactionExecute";
    const void *caller = VF_CALLER();
    struct fx_dma_transaction *tx = tx_resolve(globals, DmaTransaction, ddi, caller);

    if (tx == NULL)
        return STATUS_INVALID_DEVICE_REQUEST;
    return fx_dmatx_execute(tx, Context, ddi, caller);
}

NTSTATUS imp_WdfDmaTransactionRelease(PWDF_DRIVER_GLOBALS globals,
                                      WDFDMATRANSACTION DmaTransaction)
{
    static const char ddi[] = "WdfDmaTransactionRelease";
    const void *caller = VF_CALLER();
    struct fx_dma_transaction *tx = tx_resolve(globals, DmaTransaction, ddi, caller);

    if (tx == NULL)
        return STATUS_INVALID_DEVICE_REQUEST;
    return fx_dmatx_release(tx, ddi, caller);
}

static BOOLEAN tx_completed(PWDF_DRIVER_GLOBALS globals, WDFDMATRANSACTION h, bool has_length,
                            size_t length, bool final, NTSTATUS *status, const char *ddi,
                            const void *caller)
{
    struct fx_dma_transaction *tx;

    if (!fx_check_not_null(status, "Status", ddi, caller))
        return FALSE;
    tx = tx_resolve(globals, h, ddi, caller);
    if (tx == NULL) {
        *status = STATUS_INVALID_DEVICE_REQUEST;
        return FALSE;
    }
    return fx_dmatx_dma_completed(tx, has_length, length, final, status, ddi, caller);
}

BOOLEAN imp_WdfDmaTransactionDmaCompleted(PWDF_DRIVER_GLOBALS globals,
                                          WDFDMATRANSACTION DmaTransaction, NTSTATUS *Status)
{
    return tx_completed(globals, DmaTransaction, false, 0, false, Status,
                        "WdfDmaTransactionDmaCompleted", VF_CALLER());
}

BOOLEAN imp_WdfDmaTransactionDmaCompletedWithLength(PWDF_DRIVER_GLOBALS globals,
                                                    WDFDMATRANSACTION DmaTransaction,
                                                    size_t TransferredLength, NTSTATUS *Status)
{
    return tx_completed(globals, DmaTransaction, true, TransferredLength, false, Status,
                        "WdfDmaTransactionDmaCompletedWithLength", VF_CALLER());
}

BOOLEAN imp_WdfDmaTransactionDmaCompletedFinal(PWDF_DRIVER_GLOBALS globals,
                                               WDFDMATRANSACTION DmaTransaction,
                                               size_t FinalTransferredLength, NTSTATUS *Status)
{
    return tx_completed(globals, DmaTransaction, true, FinalTransferredLength, true, Status,
                        "WdfDmaTransactionDmaCompletedFinal", VF_CALLER());
}

BOOLEAN imp_WdfDmaTransactionCancel(PWDF_DRIVER_GLOBALS globals, WDFDMATRANSACTION DmaTransaction)
{
    static const char ddi[] = "WdfDmaTransactionCancel";
    const void *caller = VF_CALLER();
    struct fx_dma_transaction *tx = tx_resolve(globals, DmaTransaction, ddi, caller);

    if (tx == NULL || !tx_needs_v3(tx, ddi, caller))
        return FALSE;
    return fx_dmatx_cancel(tx, ddi, caller);
}

size_t imp_WdfDmaTransactionGetBytesTransferred(PWDF_DRIVER_GLOBALS globals,
                                                WDFDMATRANSACTION DmaTransaction)
{
    struct fx_dma_transaction *tx =
        tx_resolve(globals, DmaTransaction, "WdfDmaTransactionGetBytesTransferred", VF_CALLER());

    return tx != NULL ? tx->transferred : 0;
}

size_t imp_WdfDmaTransactionGetCurrentDmaTransferLength(PWDF_DRIVER_GLOBALS globals,
                                                        WDFDMATRANSACTION DmaTransaction)
{
    struct fx_dma_transaction *tx = tx_resolve(
        globals, DmaTransaction, "WdfDmaTransactionGetCurrentDmaTransferLength", VF_CALLER());

    return tx != NULL ? tx->current : 0;
}

WDFREQUEST imp_WdfDmaTransactionGetRequest(PWDF_DRIVER_GLOBALS globals,
                                           WDFDMATRANSACTION DmaTransaction)
{
    struct fx_dma_transaction *tx =
        tx_resolve(globals, DmaTransaction, "WdfDmaTransactionGetRequest", VF_CALLER());

    return tx != NULL ? tx->request_handle : NULL;
}

WDFDEVICE imp_WdfDmaTransactionGetDevice(PWDF_DRIVER_GLOBALS globals,
                                         WDFDMATRANSACTION DmaTransaction)
{
    struct fx_dma_transaction *tx =
        tx_resolve(globals, DmaTransaction, "WdfDmaTransactionGetDevice", VF_CALLER());

    return tx != NULL ? fx_device_handle(fx_dma_enabler_device(tx->enabler)) : NULL;
}

VOID imp_WdfDmaTransactionGetTransferInfo(PWDF_DRIVER_GLOBALS globals,
                                          WDFDMATRANSACTION DmaTransaction,
                                          ULONG *MapRegisterCount,
                                          ULONG *ScatterGatherElementCount)
{
    static const char ddi[] = "WdfDmaTransactionGetTransferInfo";
    const void *caller = VF_CALLER();
    struct fx_dma_transaction *tx = tx_resolve(globals, DmaTransaction, ddi, caller);

    if (tx != NULL)
        fx_dmatx_get_transfer_info(tx, MapRegisterCount, ScatterGatherElementCount, ddi, caller);
}

PVOID imp_WdfDmaTransactionWdmGetTransferContext(PWDF_DRIVER_GLOBALS globals,
                                                 WDFDMATRANSACTION DmaTransaction)
{
    static const char ddi[] = "WdfDmaTransactionWdmGetTransferContext";
    const void *caller = VF_CALLER();
    struct fx_dma_transaction *tx = tx_resolve(globals, DmaTransaction, ddi, caller);

    if (tx == NULL || !tx_needs_v3(tx, ddi, caller))
        return NULL;
    return fx_dmatx_transfer_context(tx, ddi, caller);
}

VOID imp_WdfDmaTransactionSetMaximumLength(PWDF_DRIVER_GLOBALS globals,
                                           WDFDMATRANSACTION DmaTransaction, size_t MaximumLength)
{
    struct fx_dma_transaction *tx =
        tx_resolve(globals, DmaTransaction, "WdfDmaTransactionSetMaximumLength", VF_CALLER());

    if (tx != NULL)
        fx_dmatx_set_maximum_length(tx, MaximumLength);
}

VOID imp_WdfDmaTransactionSetImmediateExecution(PWDF_DRIVER_GLOBALS globals,
                                                WDFDMATRANSACTION DmaTransaction,
                                                BOOLEAN UseImmediateExecution)
{
    static const char ddi[] = "WdfDmaTransactionSetImmediateExecution";
    const void *caller = VF_CALLER();
    struct fx_dma_transaction *tx = tx_resolve(globals, DmaTransaction, ddi, caller);

    if (tx != NULL && tx_needs_v3(tx, ddi, caller))
        fx_dmatx_set_immediate(tx, UseImmediateExecution != FALSE, ddi, caller);
}

VOID imp_WdfDmaTransactionSetSingleTransferRequirement(PWDF_DRIVER_GLOBALS globals,
                                                       WDFDMATRANSACTION DmaTransaction,
                                                       BOOLEAN RequireSingleTransfer)
{
    static const char ddi[] = "WdfDmaTransactionSetSingleTransferRequirement";
    const void *caller = VF_CALLER();
    struct fx_dma_transaction *tx = tx_resolve(globals, DmaTransaction, ddi, caller);

    if (tx != NULL && tx_needs_v3(tx, ddi, caller))
        fx_dmatx_set_single_transfer(tx, RequireSingleTransfer != FALSE, ddi, caller);
}

NTSTATUS imp_WdfDmaTransactionAllocateResources(PWDF_DRIVER_GLOBALS globals,
                                                WDFDMATRANSACTION DmaTransaction,
                                                WDF_DMA_DIRECTION DmaDirection,
                                                ULONG RequiredMapRegisters,
                                                PFN_WDF_RESERVE_DMA EvtReserveDmaFunction,
                                                PVOID EvtReserveDmaContext)
{
    static const char ddi[] = "WdfDmaTransactionAllocateResources";
    const void *caller = VF_CALLER();
    struct fx_dma_transaction *tx = tx_resolve(globals, DmaTransaction, ddi, caller);

    if (tx == NULL)
        return STATUS_INVALID_DEVICE_REQUEST;
    if (!fx_check_not_null(EvtReserveDmaFunction, "EvtReserveDmaFunction", ddi, caller))
        return STATUS_INVALID_PARAMETER;
    return fx_dmatx_allocate_resources(tx, DmaDirection, RequiredMapRegisters,
                                       EvtReserveDmaFunction, EvtReserveDmaContext, ddi, caller);
}

VOID imp_WdfDmaTransactionFreeResources(PWDF_DRIVER_GLOBALS globals,
                                        WDFDMATRANSACTION DmaTransaction)
{
    static const char ddi[] = "WdfDmaTransactionFreeResources";
    const void *caller = VF_CALLER();
    struct fx_dma_transaction *tx = tx_resolve(globals, DmaTransaction, ddi, caller);

    if (tx != NULL)
        fx_dmatx_free_resources(tx, ddi, caller);
}

/* The system-mode DDIs: a documented no-op on a bus-master transaction, with a verifier note. */
VOID imp_WdfDmaTransactionSetDeviceAddressOffset(PWDF_DRIVER_GLOBALS globals,
                                                 WDFDMATRANSACTION DmaTransaction, ULONG Offset)
{
    static const char ddi[] = "WdfDmaTransactionSetDeviceAddressOffset";
    const void *caller = VF_CALLER();
    struct fx_dma_transaction *tx = tx_resolve(globals, DmaTransaction, ddi, caller);

    (void)Offset;
    if (tx != NULL)
        tx_system_only(tx, ddi, caller);
}

VOID imp_WdfDmaTransactionSetChannelConfigurationCallback(
    PWDF_DRIVER_GLOBALS globals, WDFDMATRANSACTION DmaTransaction,
    PFN_WDF_DMA_TRANSACTION_CONFIGURE_DMA_CHANNEL ConfigureRoutine, PVOID ConfigureContext)
{
    static const char ddi[] = "WdfDmaTransactionSetChannelConfigurationCallback";
    const void *caller = VF_CALLER();
    struct fx_dma_transaction *tx = tx_resolve(globals, DmaTransaction, ddi, caller);

    (void)ConfigureRoutine;
    (void)ConfigureContext;
    if (tx != NULL)
        tx_system_only(tx, ddi, caller);
}

VOID imp_WdfDmaTransactionSetTransferCompleteCallback(
    PWDF_DRIVER_GLOBALS globals, WDFDMATRANSACTION DmaTransaction,
    PFN_WDF_DMA_TRANSACTION_DMA_TRANSFER_COMPLETE DmaCompletionRoutine,
    PVOID DmaCompletionContext)
{
    static const char ddi[] = "WdfDmaTransactionSetTransferCompleteCallback";
    const void *caller = VF_CALLER();
    struct fx_dma_transaction *tx = tx_resolve(globals, DmaTransaction, ddi, caller);

    (void)DmaCompletionRoutine;
    (void)DmaCompletionContext;
    if (tx != NULL)
        tx_system_only(tx, ddi, caller);
}

VOID imp_WdfDmaTransactionStopSystemTransfer(PWDF_DRIVER_GLOBALS globals,
                                             WDFDMATRANSACTION DmaTransaction)
{
    static const char ddi[] = "WdfDmaTransactionStopSystemTransfer";
    const void *caller = VF_CALLER();
    struct fx_dma_transaction *tx = tx_resolve(globals, DmaTransaction, ddi, caller);

    if (tx != NULL)
        tx_system_only(tx, ddi, caller);
}
