/* wdfdmatransaction.h - framework DMA transaction objects (WDFDMATRANSACTION), as declared by the
 * WDK (KMDF 1.33): the transaction callbacks and every transaction DDI.  Included by wdf.h after
 * wdfdmaenabler.h (WDF_DMA_DIRECTION).  Runtime side: src/kmdf/dma/wdfdmatransaction.c (shims),
 * fx_dmatransaction.c (state machine), fx_dmatx_sg.c and fx_dmatx_packet.c (profiles).
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdmatransaction/
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/starting-a-dma-transaction
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/completing-a-dma-transfer */
#ifndef DMABOX_WDK_WDFDMATRANSACTION_H
#define DMABOX_WDK_WDFDMATRANSACTION_H

#include "wdfobject.h"

/* ---- callbacks (all at DISPATCH_LEVEL) ---- */

/* One transfer is mapped: copy SgList into the device's descriptors and start it.  The return
 * value is ignored by the framework; on failure call WdfDmaTransactionDmaCompletedFinal. */
typedef BOOLEAN NTAPI EVT_WDF_PROGRAM_DMA(WDFDMATRANSACTION Transaction, WDFDEVICE Device,
                                          WDFCONTEXT Context, WDF_DMA_DIRECTION Direction,
                                          PSCATTER_GATHER_LIST SgList);
typedef EVT_WDF_PROGRAM_DMA *PFN_WDF_PROGRAM_DMA;

/* System-mode DMA (v1.11): before each transfer is mapped; FALSE stops staging. */
typedef BOOLEAN NTAPI EVT_WDF_DMA_TRANSACTION_CONFIGURE_DMA_CHANNEL(
    WDFDMATRANSACTION DmaTransaction, WDFDEVICE Device, PVOID Context, PMDL Mdl, size_t Offset,
    size_t Length);
typedef EVT_WDF_DMA_TRANSACTION_CONFIGURE_DMA_CHANNEL
    *PFN_WDF_DMA_TRANSACTION_CONFIGURE_DMA_CHANNEL;

/* System-mode DMA (v1.11): the system controller finished a transfer. */
typedef VOID NTAPI EVT_WDF_DMA_TRANSACTION_DMA_TRANSFER_COMPLETE(
    WDFDMATRANSACTION Transaction, WDFDEVICE Device, WDFCONTEXT Context,
    WDF_DMA_DIRECTION Direction, DMA_COMPLETION_STATUS Status);
typedef EVT_WDF_DMA_TRANSACTION_DMA_TRANSFER_COMPLETE
    *PFN_WDF_DMA_TRANSACTION_DMA_TRANSFER_COMPLETE;

/* v1.11: the map registers WdfDmaTransactionAllocateResources asked for are reserved. */
typedef VOID NTAPI EVT_WDF_RESERVE_DMA(WDFDMATRANSACTION DmaTransaction, PVOID Context);
typedef EVT_WDF_RESERVE_DMA *PFN_WDF_RESERVE_DMA;

/* ---- creation and initialization: IRQL <= DISPATCH_LEVEL ---- */

/* The parent is always the enabler (ParentObject must be NULL). */
typedef NTSTATUS(NTAPI *PFN_WDFDMATRANSACTIONCREATE)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                     WDFDMAENABLER DmaEnabler,
                                                     PWDF_OBJECT_ATTRIBUTES Attributes,
                                                     WDFDMATRANSACTION *DmaTransaction);
_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfDmaTransactionCreate(_In_ WDFDMAENABLER DmaEnabler,
                                             _In_opt_ PWDF_OBJECT_ATTRIBUTES Attributes,
                                             _Out_ WDFDMATRANSACTION *DmaTransaction)
{
    return ((PFN_WDFDMATRANSACTIONCREATE)WdfFunctions[WdfDmaTransactionCreateTableIndex])(
        WdfDriverGlobals, DmaEnabler, Attributes, DmaTransaction);
}

typedef NTSTATUS(NTAPI *PFN_WDFDMATRANSACTIONINITIALIZE)(
    PWDF_DRIVER_GLOBALS DriverGlobals, WDFDMATRANSACTION DmaTransaction,
    PFN_WDF_PROGRAM_DMA EvtProgramDmaFunction, WDF_DMA_DIRECTION DmaDirection, PMDL Mdl,
    PVOID VirtualAddress, size_t Length);
_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfDmaTransactionInitialize(_In_ WDFDMATRANSACTION DmaTransaction,
                                                 _In_ PFN_WDF_PROGRAM_DMA EvtProgramDmaFunction,
                                                 _In_ WDF_DMA_DIRECTION DmaDirection,
                                                 _In_ PMDL Mdl, _In_ PVOID VirtualAddress,
                                                 _In_ size_t Length)
{
    return ((PFN_WDFDMATRANSACTIONINITIALIZE)WdfFunctions[WdfDmaTransactionInitializeTableIndex])(
        WdfDriverGlobals, DmaTransaction, EvtProgramDmaFunction, DmaDirection, Mdl,
        VirtualAddress, Length);
}

typedef NTSTATUS(NTAPI *PFN_WDFDMATRANSACTIONINITIALIZEUSINGOFFSET)(
    PWDF_DRIVER_GLOBALS DriverGlobals, WDFDMATRANSACTION DmaTransaction,
    PFN_WDF_PROGRAM_DMA EvtProgramDmaFunction, WDF_DMA_DIRECTION DmaDirection, PMDL Mdl,
    size_t Offset, size_t Length);
_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfDmaTransactionInitializeUsingOffset(
    _In_ WDFDMATRANSACTION DmaTransaction, _In_ PFN_WDF_PROGRAM_DMA EvtProgramDmaFunction,
    _In_ WDF_DMA_DIRECTION DmaDirection, _In_ PMDL Mdl, _In_ size_t Offset, _In_ size_t Length)
{
    return ((PFN_WDFDMATRANSACTIONINITIALIZEUSINGOFFSET)
                WdfFunctions[WdfDmaTransactionInitializeUsingOffsetTableIndex])(
        WdfDriverGlobals, DmaTransaction, EvtProgramDmaFunction, DmaDirection, Mdl, Offset,
        Length);
}

typedef NTSTATUS(NTAPI *PFN_WDFDMATRANSACTIONINITIALIZEUSINGREQUEST)(
    PWDF_DRIVER_GLOBALS DriverGlobals, WDFDMATRANSACTION DmaTransaction, WDFREQUEST Request,
    PFN_WDF_PROGRAM_DMA EvtProgramDmaFunction, WDF_DMA_DIRECTION DmaDirection);
_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfDmaTransactionInitializeUsingRequest(
    _In_ WDFDMATRANSACTION DmaTransaction, _In_ WDFREQUEST Request,
    _In_ PFN_WDF_PROGRAM_DMA EvtProgramDmaFunction, _In_ WDF_DMA_DIRECTION DmaDirection)
{
    return ((PFN_WDFDMATRANSACTIONINITIALIZEUSINGREQUEST)
                WdfFunctions[WdfDmaTransactionInitializeUsingRequestTableIndex])(
        WdfDriverGlobals, DmaTransaction, Request, EvtProgramDmaFunction, DmaDirection);
}

/* ---- execution and completion: IRQL <= DISPATCH_LEVEL ---- */

/* The first EvtProgramDma may run before this returns. */
typedef NTSTATUS(NTAPI *PFN_WDFDMATRANSACTIONEXECUTE)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                      WDFDMATRANSACTION DmaTransaction,
                                                      WDFCONTEXT Context);
_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfDmaTransactionExecute(_In_ WDFDMATRANSACTION DmaTransaction,
                                              _In_opt_ WDFCONTEXT Context)
{
    return ((PFN_WDFDMATRANSACTIONEXECUTE)WdfFunctions[WdfDmaTransactionExecuteTableIndex])(
        WdfDriverGlobals, DmaTransaction, Context);
}

typedef NTSTATUS(NTAPI *PFN_WDFDMATRANSACTIONRELEASE)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                      WDFDMATRANSACTION DmaTransaction);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfDmaTransactionRelease(_In_ WDFDMATRANSACTION DmaTransaction)
{
    return ((PFN_WDFDMATRANSACTIONRELEASE)WdfFunctions[WdfDmaTransactionReleaseTableIndex])(
        WdfDriverGlobals, DmaTransaction);
}

/* FALSE (*Status = STATUS_MORE_PROCESSING_REQUIRED): the next transfer is staged.  TRUE: the
 * transaction is done; *Status says how it ended. */
typedef BOOLEAN(NTAPI *PFN_WDFDMATRANSACTIONDMACOMPLETED)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                          WDFDMATRANSACTION DmaTransaction,
                                                          NTSTATUS *Status);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE BOOLEAN WdfDmaTransactionDmaCompleted(_In_ WDFDMATRANSACTION DmaTransaction,
                                                  _Out_ NTSTATUS *Status)
{
    return ((PFN_WDFDMATRANSACTIONDMACOMPLETED)
                WdfFunctions[WdfDmaTransactionDmaCompletedTableIndex])(WdfDriverGlobals,
                                                                       DmaTransaction, Status);
}

typedef BOOLEAN(NTAPI *PFN_WDFDMATRANSACTIONDMACOMPLETEDWITHLENGTH)(
    PWDF_DRIVER_GLOBALS DriverGlobals, WDFDMATRANSACTION DmaTransaction,
    size_t TransferredLength, NTSTATUS *Status);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE BOOLEAN WdfDmaTransactionDmaCompletedWithLength(_In_ WDFDMATRANSACTION DmaTransaction,
                                                            _In_ size_t TransferredLength,
                                                            _Out_ NTSTATUS *Status)
{
    return ((PFN_WDFDMATRANSACTIONDMACOMPLETEDWITHLENGTH)
                WdfFunctions[WdfDmaTransactionDmaCompletedWithLengthTableIndex])(
        WdfDriverGlobals, DmaTransaction, TransferredLength, Status);
}

typedef BOOLEAN(NTAPI *PFN_WDFDMATRANSACTIONDMACOMPLETEDFINAL)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                               WDFDMATRANSACTION DmaTransaction,
                                                               size_t FinalTransferredLength,
                                                               NTSTATUS *Status);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE BOOLEAN WdfDmaTransactionDmaCompletedFinal(_In_ WDFDMATRANSACTION DmaTransaction,
                                                       _In_ size_t FinalTransferredLength,
                                                       _Out_ NTSTATUS *Status)
{
    return ((PFN_WDFDMATRANSACTIONDMACOMPLETEDFINAL)
                WdfFunctions[WdfDmaTransactionDmaCompletedFinalTableIndex])(
        WdfDriverGlobals, DmaTransaction, FinalTransferredLength, Status);
}

/* v1.11, DMA version 3 only.  TRUE if the transaction was still waiting for map registers. */
typedef BOOLEAN(NTAPI *PFN_WDFDMATRANSACTIONCANCEL)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                    WDFDMATRANSACTION DmaTransaction);
_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE BOOLEAN WdfDmaTransactionCancel(_In_ WDFDMATRANSACTION DmaTransaction)
{
    return ((PFN_WDFDMATRANSACTIONCANCEL)WdfFunctions[WdfDmaTransactionCancelTableIndex])(
        WdfDriverGlobals, DmaTransaction);
}

/* ---- queries: IRQL <= DISPATCH_LEVEL ---- */

typedef size_t(NTAPI *PFN_WDFDMATRANSACTIONGETBYTESTRANSFERRED)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                                WDFDMATRANSACTION DmaTransaction);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE size_t WdfDmaTransactionGetBytesTransferred(_In_ WDFDMATRANSACTION DmaTransaction)
{
    return ((PFN_WDFDMATRANSACTIONGETBYTESTRANSFERRED)
                WdfFunctions[WdfDmaTransactionGetBytesTransferredTableIndex])(WdfDriverGlobals,
                                                                              DmaTransaction);
}

typedef size_t(NTAPI *PFN_WDFDMATRANSACTIONGETCURRENTDMATRANSFERLENGTH)(
    PWDF_DRIVER_GLOBALS DriverGlobals, WDFDMATRANSACTION DmaTransaction);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE size_t WdfDmaTransactionGetCurrentDmaTransferLength(
    _In_ WDFDMATRANSACTION DmaTransaction)
{
    return ((PFN_WDFDMATRANSACTIONGETCURRENTDMATRANSFERLENGTH)
                WdfFunctions[WdfDmaTransactionGetCurrentDmaTransferLengthTableIndex])(
        WdfDriverGlobals, DmaTransaction);
}

typedef WDFREQUEST(NTAPI *PFN_WDFDMATRANSACTIONGETREQUEST)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                           WDFDMATRANSACTION DmaTransaction);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE WDFREQUEST WdfDmaTransactionGetRequest(_In_ WDFDMATRANSACTION DmaTransaction)
{
    return ((PFN_WDFDMATRANSACTIONGETREQUEST)WdfFunctions[WdfDmaTransactionGetRequestTableIndex])(
        WdfDriverGlobals, DmaTransaction);
}

typedef WDFDEVICE(NTAPI *PFN_WDFDMATRANSACTIONGETDEVICE)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                         WDFDMATRANSACTION DmaTransaction);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE WDFDEVICE WdfDmaTransactionGetDevice(_In_ WDFDMATRANSACTION DmaTransaction)
{
    return ((PFN_WDFDMATRANSACTIONGETDEVICE)WdfFunctions[WdfDmaTransactionGetDeviceTableIndex])(
        WdfDriverGlobals, DmaTransaction);
}

/* v1.11.  Only in the Initialized state. */
typedef VOID(NTAPI *PFN_WDFDMATRANSACTIONGETTRANSFERINFO)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                          WDFDMATRANSACTION DmaTransaction,
                                                          ULONG *MapRegisterCount,
                                                          ULONG *ScatterGatherElementCount);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfDmaTransactionGetTransferInfo(_In_ WDFDMATRANSACTION DmaTransaction,
                                                  _Out_opt_ ULONG *MapRegisterCount,
                                                  _Out_opt_ ULONG *ScatterGatherElementCount)
{
    ((PFN_WDFDMATRANSACTIONGETTRANSFERINFO)
         WdfFunctions[WdfDmaTransactionGetTransferInfoTableIndex])(
        WdfDriverGlobals, DmaTransaction, MapRegisterCount, ScatterGatherElementCount);
}

/* v1.11, DMA version 3 only. */
typedef PVOID(NTAPI *PFN_WDFDMATRANSACTIONWDMGETTRANSFERCONTEXT)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                                 WDFDMATRANSACTION DmaTransaction);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE PVOID WdfDmaTransactionWdmGetTransferContext(_In_ WDFDMATRANSACTION DmaTransaction)
{
    return ((PFN_WDFDMATRANSACTIONWDMGETTRANSFERCONTEXT)
                WdfFunctions[WdfDmaTransactionWdmGetTransferContextTableIndex])(WdfDriverGlobals,
                                                                                DmaTransaction);
}

/* ---- per-transaction settings: IRQL <= DISPATCH_LEVEL ---- */

/* After Initialize, before Execute; only lowers the transfer size.  Release resets it. */
typedef VOID(NTAPI *PFN_WDFDMATRANSACTIONSETMAXIMUMLENGTH)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                           WDFDMATRANSACTION DmaTransaction,
                                                           size_t MaximumLength);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfDmaTransactionSetMaximumLength(_In_ WDFDMATRANSACTION DmaTransaction,
                                                   _In_ size_t MaximumLength)
{
    ((PFN_WDFDMATRANSACTIONSETMAXIMUMLENGTH)
         WdfFunctions[WdfDmaTransactionSetMaximumLengthTableIndex])(WdfDriverGlobals,
                                                                    DmaTransaction,
                                                                    MaximumLength);
}

/* v1.11, DMA version 3 only. */
typedef VOID(NTAPI *PFN_WDFDMATRANSACTIONSETIMMEDIATEEXECUTION)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                                WDFDMATRANSACTION DmaTransaction,
                                                                BOOLEAN UseImmediateExecution);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfDmaTransactionSetImmediateExecution(_In_ WDFDMATRANSACTION DmaTransaction,
                                                        _In_ BOOLEAN UseImmediateExecution)
{
    ((PFN_WDFDMATRANSACTIONSETIMMEDIATEEXECUTION)
         WdfFunctions[WdfDmaTransactionSetImmediateExecutionTableIndex])(
        WdfDriverGlobals, DmaTransaction, UseImmediateExecution);
}

/* v1.19, DMA version 3 only. */
typedef VOID(NTAPI *PFN_WDFDMATRANSACTIONSETSINGLETRANSFERREQUIREMENT)(
    PWDF_DRIVER_GLOBALS DriverGlobals, WDFDMATRANSACTION DmaTransaction,
    BOOLEAN RequireSingleTransfer);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfDmaTransactionSetSingleTransferRequirement(
    _In_ WDFDMATRANSACTION DmaTransaction, _In_ BOOLEAN RequireSingleTransfer)
{
    ((PFN_WDFDMATRANSACTIONSETSINGLETRANSFERREQUIREMENT)
         WdfFunctions[WdfDmaTransactionSetSingleTransferRequirementTableIndex])(
        WdfDriverGlobals, DmaTransaction, RequireSingleTransfer);
}

/* ---- reserved map registers (v1.11, DMA version 3, packet and system profiles) ---- */

typedef NTSTATUS(NTAPI *PFN_WDFDMATRANSACTIONALLOCATERESOURCES)(
    PWDF_DRIVER_GLOBALS DriverGlobals, WDFDMATRANSACTION DmaTransaction,
    WDF_DMA_DIRECTION DmaDirection, ULONG RequiredMapRegisters,
    PFN_WDF_RESERVE_DMA EvtReserveDmaFunction, PVOID EvtReserveDmaContext);
_Must_inspect_result_ _IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE NTSTATUS WdfDmaTransactionAllocateResources(
    _In_ WDFDMATRANSACTION DmaTransaction, _In_ WDF_DMA_DIRECTION DmaDirection,
    _In_ ULONG RequiredMapRegisters, _In_ PFN_WDF_RESERVE_DMA EvtReserveDmaFunction,
    _In_ PVOID EvtReserveDmaContext)
{
    return ((PFN_WDFDMATRANSACTIONALLOCATERESOURCES)
                WdfFunctions[WdfDmaTransactionAllocateResourcesTableIndex])(
        WdfDriverGlobals, DmaTransaction, DmaDirection, RequiredMapRegisters,
        EvtReserveDmaFunction, EvtReserveDmaContext);
}

typedef VOID(NTAPI *PFN_WDFDMATRANSACTIONFREERESOURCES)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                        WDFDMATRANSACTION DmaTransaction);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfDmaTransactionFreeResources(_In_ WDFDMATRANSACTION DmaTransaction)
{
    ((PFN_WDFDMATRANSACTIONFREERESOURCES)WdfFunctions[WdfDmaTransactionFreeResourcesTableIndex])(
        WdfDriverGlobals, DmaTransaction);
}

/* ---- system-mode DMA only (v1.11); on a bus-master transaction they do nothing ---- */

typedef VOID(NTAPI *PFN_WDFDMATRANSACTIONSETDEVICEADDRESSOFFSET)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                                 WDFDMATRANSACTION DmaTransaction,
                                                                 ULONG Offset);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfDmaTransactionSetDeviceAddressOffset(_In_ WDFDMATRANSACTION DmaTransaction,
                                                         _In_ ULONG Offset)
{
    ((PFN_WDFDMATRANSACTIONSETDEVICEADDRESSOFFSET)
         WdfFunctions[WdfDmaTransactionSetDeviceAddressOffsetTableIndex])(WdfDriverGlobals,
                                                                          DmaTransaction, Offset);
}

typedef VOID(NTAPI *PFN_WDFDMATRANSACTIONSETCHANNELCONFIGURATIONCALLBACK)(
    PWDF_DRIVER_GLOBALS DriverGlobals, WDFDMATRANSACTION DmaTransaction,
    PFN_WDF_DMA_TRANSACTION_CONFIGURE_DMA_CHANNEL ConfigureRoutine, PVOID ConfigureContext);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfDmaTransactionSetChannelConfigurationCallback(
    _In_ WDFDMATRANSACTION DmaTransaction,
    _In_opt_ PFN_WDF_DMA_TRANSACTION_CONFIGURE_DMA_CHANNEL ConfigureRoutine,
    _In_opt_ PVOID ConfigureContext)
{
    ((PFN_WDFDMATRANSACTIONSETCHANNELCONFIGURATIONCALLBACK)
         WdfFunctions[WdfDmaTransactionSetChannelConfigurationCallbackTableIndex])(
        WdfDriverGlobals, DmaTransaction, ConfigureRoutine, ConfigureContext);
}

typedef VOID(NTAPI *PFN_WDFDMATRANSACTIONSETTRANSFERCOMPLETECALLBACK)(
    PWDF_DRIVER_GLOBALS DriverGlobals, WDFDMATRANSACTION DmaTransaction,
    PFN_WDF_DMA_TRANSACTION_DMA_TRANSFER_COMPLETE DmaCompletionRoutine,
    PVOID DmaCompletionContext);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfDmaTransactionSetTransferCompleteCallback(
    _In_ WDFDMATRANSACTION DmaTransaction,
    _In_opt_ PFN_WDF_DMA_TRANSACTION_DMA_TRANSFER_COMPLETE DmaCompletionRoutine,
    _In_opt_ PVOID DmaCompletionContext)
{
    ((PFN_WDFDMATRANSACTIONSETTRANSFERCOMPLETECALLBACK)
         WdfFunctions[WdfDmaTransactionSetTransferCompleteCallbackTableIndex])(
        WdfDriverGlobals, DmaTransaction, DmaCompletionRoutine, DmaCompletionContext);
}

typedef VOID(NTAPI *PFN_WDFDMATRANSACTIONSTOPSYSTEMTRANSFER)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                             WDFDMATRANSACTION DmaTransaction);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE VOID WdfDmaTransactionStopSystemTransfer(_In_ WDFDMATRANSACTION DmaTransaction)
{
    ((PFN_WDFDMATRANSACTIONSTOPSYSTEMTRANSFER)
         WdfFunctions[WdfDmaTransactionStopSystemTransferTableIndex])(WdfDriverGlobals,
                                                                      DmaTransaction);
}

#endif
