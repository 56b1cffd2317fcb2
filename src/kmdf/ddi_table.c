/* ddi_table.c - the KMDF DDI function table (kmdf layer): WdfFunctionTableNumEntries slots indexed
 * by WDFFUNCENUM, the KMDF 1.33 layout, shared read-only by every bound driver.  Each implemented
 * DDI has one row, grouped by public header; every other slot points at fx_ddi_not_implemented,
 * so a driver calling a DDI dmabox lacks gets a named verifier finding instead of a crash.
 * To add a DDI: declare imp_WdfXxx in ddi_table.h, add its row in its header's group below.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/building-and-loading-a-kmdf-driver */
#include "kmdf/ddi_table.h"

#include "kmdf/fx_globals.h"
#include "verifier/vf.h"

/* Rule WDF-DDI-001: every call lands somewhere defined. */
NTSTATUS fx_ddi_not_implemented(PWDF_DRIVER_GLOBALS globals)
{
    struct fx_driver_globals *g = fx_globals(globals);

    vf_report(VF_RULE_DDI_NOT_IMPLEMENTED, NULL, "WdfFunctions", VF_CALLER(),
              "driver %s called a KMDF 1.33 DDI that dmabox does not implement (see the "
              "calling code above)",
              g->name);
    return STATUS_NOT_IMPLEMENTED;
}

/* The range initialiser fills every slot first; the rows below then override theirs, which is
 * the intent, so the override warning is off for this table only. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
const WDFFUNC fx_ddi_table[WdfFunctionTableNumEntries] = {
    [0 ... WdfFunctionTableNumEntries - 1] = (WDFFUNC)fx_ddi_not_implemented,

    /* wdfobject.h */
    [WdfObjectGetTypedContextWorkerTableIndex] = (WDFFUNC)imp_WdfObjectGetTypedContextWorker,
    [WdfObjectAllocateContextTableIndex] = (WDFFUNC)imp_WdfObjectAllocateContext,
    [WdfObjectContextGetObjectTableIndex] = (WDFFUNC)imp_WdfObjectContextGetObject,
    [WdfObjectReferenceActualTableIndex] = (WDFFUNC)imp_WdfObjectReferenceActual,
    [WdfObjectDereferenceActualTableIndex] = (WDFFUNC)imp_WdfObjectDereferenceActual,
    [WdfObjectCreateTableIndex] = (WDFFUNC)imp_WdfObjectCreate,
    [WdfObjectDeleteTableIndex] = (WDFFUNC)imp_WdfObjectDelete,

    /* wdfmemory.h */
    [WdfMemoryCreateTableIndex] = (WDFFUNC)imp_WdfMemoryCreate,
    [WdfMemoryCreatePreallocatedTableIndex] = (WDFFUNC)imp_WdfMemoryCreatePreallocated,
    [WdfMemoryGetBufferTableIndex] = (WDFFUNC)imp_WdfMemoryGetBuffer,
    [WdfMemoryAssignBufferTableIndex] = (WDFFUNC)imp_WdfMemoryAssignBuffer,
    [WdfMemoryCopyToBufferTableIndex] = (WDFFUNC)imp_WdfMemoryCopyToBuffer,
    [WdfMemoryCopyFromBufferTableIndex] = (WDFFUNC)imp_WdfMemoryCopyFromBuffer,

    /* wdfsync.h */
    [WdfSpinLockCreateTableIndex] = (WDFFUNC)imp_WdfSpinLockCreate,
    [WdfSpinLockAcquireTableIndex] = (WDFFUNC)imp_WdfSpinLockAcquire,
    [WdfSpinLockReleaseTableIndex] = (WDFFUNC)imp_WdfSpinLockRelease,
    [WdfWaitLockCreateTableIndex] = (WDFFUNC)imp_WdfWaitLockCreate,
    [WdfWaitLockAcquireTableIndex] = (WDFFUNC)imp_WdfWaitLockAcquire,
    [WdfWaitLockReleaseTableIndex] = (WDFFUNC)imp_WdfWaitLockRelease,

    /* wdfdriver.h */
    [WdfDriverCreateTableIndex] = (WDFFUNC)imp_WdfDriverCreate,
    [WdfDriverGetRegistryPathTableIndex] = (WDFFUNC)imp_WdfDriverGetRegistryPath,
    [WdfDriverWdmGetDriverObjectTableIndex] = (WDFFUNC)imp_WdfDriverWdmGetDriverObject,
    [WdfWdmDriverGetWdfDriverHandleTableIndex] = (WDFFUNC)imp_WdfWdmDriverGetWdfDriverHandle,

    /* wdfdevice.h */
    [WdfDeviceInitSetPnpPowerEventCallbacksTableIndex] =
        (WDFFUNC)imp_WdfDeviceInitSetPnpPowerEventCallbacks,
    [WdfDeviceInitSetPowerPolicyEventCallbacksTableIndex] =
        (WDFFUNC)imp_WdfDeviceInitSetPowerPolicyEventCallbacks,
    [WdfDeviceInitSetIoTypeTableIndex] = (WDFFUNC)imp_WdfDeviceInitSetIoType,
    [WdfDeviceInitSetExclusiveTableIndex] = (WDFFUNC)imp_WdfDeviceInitSetExclusive,
    [WdfDeviceInitSetDeviceTypeTableIndex] = (WDFFUNC)imp_WdfDeviceInitSetDeviceType,
    [WdfDeviceCreateTableIndex] = (WDFFUNC)imp_WdfDeviceCreate,
    [WdfDeviceCreateDeviceInterfaceTableIndex] = (WDFFUNC)imp_WdfDeviceCreateDeviceInterface,
    [WdfDeviceSetAlignmentRequirementTableIndex] = (WDFFUNC)imp_WdfDeviceSetAlignmentRequirement,
    [WdfDeviceGetAlignmentRequirementTableIndex] = (WDFFUNC)imp_WdfDeviceGetAlignmentRequirement,
    [WdfDeviceGetDriverTableIndex] = (WDFFUNC)imp_WdfDeviceGetDriver,
    [WdfDeviceWdmGetDeviceObjectTableIndex] = (WDFFUNC)imp_WdfDeviceWdmGetDeviceObject,

    /* wdfresource.h */
    [WdfCmResourceListGetCountTableIndex] = (WDFFUNC)imp_WdfCmResourceListGetCount,
    [WdfCmResourceListGetDescriptorTableIndex] = (WDFFUNC)imp_WdfCmResourceListGetDescriptor,

    /* wdfinterrupt.h */
    [WdfInterruptCreateTableIndex] = (WDFFUNC)imp_WdfInterruptCreate,
    [WdfInterruptQueueDpcForIsrTableIndex] = (WDFFUNC)imp_WdfInterruptQueueDpcForIsr,
    [WdfInterruptQueueWorkItemForIsrTableIndex] = (WDFFUNC)imp_WdfInterruptQueueWorkItemForIsr,
    [WdfInterruptSynchronizeTableIndex] = (WDFFUNC)imp_WdfInterruptSynchronize,
    [WdfInterruptAcquireLockTableIndex] = (WDFFUNC)imp_WdfInterruptAcquireLock,
    [WdfInterruptReleaseLockTableIndex] = (WDFFUNC)imp_WdfInterruptReleaseLock,
    [WdfInterruptEnableTableIndex] = (WDFFUNC)imp_WdfInterruptEnable,
    [WdfInterruptDisableTableIndex] = (WDFFUNC)imp_WdfInterruptDisable,
    [WdfInterruptGetInfoTableIndex] = (WDFFUNC)imp_WdfInterruptGetInfo,
    [WdfInterruptGetDeviceTableIndex] = (WDFFUNC)imp_WdfInterruptGetDevice,

    /* wdfdpc.h */
    [WdfDpcCreateTableIndex] = (WDFFUNC)imp_WdfDpcCreate,
    [WdfDpcEnqueueTableIndex] = (WDFFUNC)imp_WdfDpcEnqueue,
    [WdfDpcCancelTableIndex] = (WDFFUNC)imp_WdfDpcCancel,
    [WdfDpcGetParentObjectTableIndex] = (WDFFUNC)imp_WdfDpcGetParentObject,

    /* wdfworkitem.h */
    [WdfWorkItemCreateTableIndex] = (WDFFUNC)imp_WdfWorkItemCreate,
    [WdfWorkItemEnqueueTableIndex] = (WDFFUNC)imp_WdfWorkItemEnqueue,
    [WdfWorkItemGetParentObjectTableIndex] = (WDFFUNC)imp_WdfWorkItemGetParentObject,
    [WdfWorkItemFlushTableIndex] = (WDFFUNC)imp_WdfWorkItemFlush,

    /* wdftimer.h */
    [WdfTimerCreateTableIndex] = (WDFFUNC)imp_WdfTimerCreate,
    [WdfTimerStartTableIndex] = (WDFFUNC)imp_WdfTimerStart,
    [WdfTimerStopTableIndex] = (WDFFUNC)imp_WdfTimerStop,
    [WdfTimerGetParentObjectTableIndex] = (WDFFUNC)imp_WdfTimerGetParentObject,

    /* wdfdmaenabler.h */
    [WdfDmaEnablerCreateTableIndex] = (WDFFUNC)imp_WdfDmaEnablerCreate,
    [WdfDmaEnablerConfigureSystemProfileTableIndex] = (WDFFUNC)imp_WdfDmaEnablerConfigureSystemProfile,
    [WdfDmaEnablerGetMaximumLengthTableIndex] = (WDFFUNC)imp_WdfDmaEnablerGetMaximumLength,
    [WdfDmaEnablerGetMaximumScatterGatherElementsTableIndex] = (WDFFUNC)imp_WdfDmaEnablerGetMaximumScatterGatherElements,
    [WdfDmaEnablerSetMaximumScatterGatherElementsTableIndex] = (WDFFUNC)imp_WdfDmaEnablerSetMaximumScatterGatherElements,
    [WdfDmaEnablerGetFragmentLengthTableIndex] = (WDFFUNC)imp_WdfDmaEnablerGetFragmentLength,
    [WdfDmaEnablerWdmGetDmaAdapterTableIndex] = (WDFFUNC)imp_WdfDmaEnablerWdmGetDmaAdapter,

    /* wdfcommonbuffer.h */
    [WdfCommonBufferCreateTableIndex] = (WDFFUNC)imp_WdfCommonBufferCreate,
    [WdfCommonBufferCreateWithConfigTableIndex] = (WDFFUNC)imp_WdfCommonBufferCreateWithConfig,
    [WdfCommonBufferGetAlignedVirtualAddressTableIndex] = (WDFFUNC)imp_WdfCommonBufferGetAlignedVirtualAddress,
    [WdfCommonBufferGetAlignedLogicalAddressTableIndex] = (WDFFUNC)imp_WdfCommonBufferGetAlignedLogicalAddress,
    [WdfCommonBufferGetLengthTableIndex] = (WDFFUNC)imp_WdfCommonBufferGetLength,

    /* wdfio.h, WdfDeviceConfigureRequestDispatching */
    [WdfIoQueueCreateTableIndex] = (WDFFUNC)imp_WdfIoQueueCreate,
    [WdfIoQueueGetStateTableIndex] = (WDFFUNC)imp_WdfIoQueueGetState,
    [WdfIoQueueStartTableIndex] = (WDFFUNC)imp_WdfIoQueueStart,
    [WdfIoQueueStopTableIndex] = (WDFFUNC)imp_WdfIoQueueStop,
    [WdfIoQueueStopSynchronouslyTableIndex] = (WDFFUNC)imp_WdfIoQueueStopSynchronously,
    [WdfIoQueueGetDeviceTableIndex] = (WDFFUNC)imp_WdfIoQueueGetDevice,
    [WdfIoQueueRetrieveNextRequestTableIndex] = (WDFFUNC)imp_WdfIoQueueRetrieveNextRequest,
    [WdfIoQueueDrainSynchronouslyTableIndex] = (WDFFUNC)imp_WdfIoQueueDrainSynchronously,
    [WdfIoQueueDrainTableIndex] = (WDFFUNC)imp_WdfIoQueueDrain,
    [WdfIoQueuePurgeSynchronouslyTableIndex] = (WDFFUNC)imp_WdfIoQueuePurgeSynchronously,
    [WdfIoQueuePurgeTableIndex] = (WDFFUNC)imp_WdfIoQueuePurge,
    [WdfIoQueueStopAndPurgeTableIndex] = (WDFFUNC)imp_WdfIoQueueStopAndPurge,
    [WdfIoQueueStopAndPurgeSynchronouslyTableIndex] = (WDFFUNC)imp_WdfIoQueueStopAndPurgeSynchronously,
    [WdfDeviceConfigureRequestDispatchingTableIndex] = (WDFFUNC)imp_WdfDeviceConfigureRequestDispatching,

    /* wdfrequest.h */
    [WdfRequestCompleteTableIndex] = (WDFFUNC)imp_WdfRequestComplete,
    [WdfRequestCompleteWithPriorityBoostTableIndex] = (WDFFUNC)imp_WdfRequestCompleteWithPriorityBoost,
    [WdfRequestCompleteWithInformationTableIndex] = (WDFFUNC)imp_WdfRequestCompleteWithInformation,
    [WdfRequestSetInformationTableIndex] = (WDFFUNC)imp_WdfRequestSetInformation,
    [WdfRequestGetInformationTableIndex] = (WDFFUNC)imp_WdfRequestGetInformation,
    [WdfRequestGetStatusTableIndex] = (WDFFUNC)imp_WdfRequestGetStatus,
    [WdfRequestGetParametersTableIndex] = (WDFFUNC)imp_WdfRequestGetParameters,
    [WdfRequestRetrieveInputMemoryTableIndex] = (WDFFUNC)imp_WdfRequestRetrieveInputMemory,
    [WdfRequestRetrieveOutputMemoryTableIndex] = (WDFFUNC)imp_WdfRequestRetrieveOutputMemory,
    [WdfRequestRetrieveInputBufferTableIndex] = (WDFFUNC)imp_WdfRequestRetrieveInputBuffer,
    [WdfRequestRetrieveOutputBufferTableIndex] = (WDFFUNC)imp_WdfRequestRetrieveOutputBuffer,
    [WdfRequestRetrieveInputWdmMdlTableIndex] = (WDFFUNC)imp_WdfRequestRetrieveInputWdmMdl,
    [WdfRequestRetrieveOutputWdmMdlTableIndex] = (WDFFUNC)imp_WdfRequestRetrieveOutputWdmMdl,
    [WdfRequestMarkCancelableTableIndex] = (WDFFUNC)imp_WdfRequestMarkCancelable,
    [WdfRequestMarkCancelableExTableIndex] = (WDFFUNC)imp_WdfRequestMarkCancelableEx,
    [WdfRequestUnmarkCancelableTableIndex] = (WDFFUNC)imp_WdfRequestUnmarkCancelable,
    [WdfRequestIsCanceledTableIndex] = (WDFFUNC)imp_WdfRequestIsCanceled,
    [WdfRequestGetIoQueueTableIndex] = (WDFFUNC)imp_WdfRequestGetIoQueue,
    [WdfRequestRequeueTableIndex] = (WDFFUNC)imp_WdfRequestRequeue,
    [WdfRequestForwardToIoQueueTableIndex] = (WDFFUNC)imp_WdfRequestForwardToIoQueue,
    [WdfRequestStopAcknowledgeTableIndex] = (WDFFUNC)imp_WdfRequestStopAcknowledge,
    [WdfRequestWdmGetIrpTableIndex] = (WDFFUNC)imp_WdfRequestWdmGetIrp,
    [WdfRequestGetRequestorModeTableIndex] = (WDFFUNC)imp_WdfRequestGetRequestorMode,

    /* wdfdmatransaction.h */
    [WdfDmaTransactionCreateTableIndex] = (WDFFUNC)imp_WdfDmaTransactionCreate,
    [WdfDmaTransactionInitializeTableIndex] = (WDFFUNC)imp_WdfDmaTransactionInitialize,
    [WdfDmaTransactionInitializeUsingOffsetTableIndex] = (WDFFUNC)imp_WdfDmaTransactionInitializeUsingOffset,
    [WdfDmaTransactionInitializeUsingRequestTableIndex] = (WDFFUNC)imp_WdfDmaTransactionInitializeUsingRequest,
    [WdfDmaTransactionExecuteTableIndex] = (WDFFUNC)imp_WdfDmaTransactionExecute,
    [WdfDmaTransactionReleaseTableIndex] = (WDFFUNC)imp_WdfDmaTransactionRelease,
    [WdfDmaTransactionDmaCompletedTableIndex] = (WDFFUNC)imp_WdfDmaTransactionDmaCompleted,
    [WdfDmaTransactionDmaCompletedWithLengthTableIndex] = (WDFFUNC)imp_WdfDmaTransactionDmaCompletedWithLength,
    [WdfDmaTransactionDmaCompletedFinalTableIndex] = (WDFFUNC)imp_WdfDmaTransactionDmaCompletedFinal,
    [WdfDmaTransactionCancelTableIndex] = (WDFFUNC)imp_WdfDmaTransactionCancel,
    [WdfDmaTransactionGetBytesTransferredTableIndex] = (WDFFUNC)imp_WdfDmaTransactionGetBytesTransferred,
    [WdfDmaTransactionGetCurrentDmaTransferLengthTableIndex] = (WDFFUNC)imp_WdfDmaTransactionGetCurrentDmaTransferLength,
    [WdfDmaTransactionGetRequestTableIndex] = (WDFFUNC)imp_WdfDmaTransactionGetRequest,
    [WdfDmaTransactionGetDeviceTableIndex] = (WDFFUNC)imp_WdfDmaTransactionGetDevice,
    [WdfDmaTransactionGetTransferInfoTableIndex] = (WDFFUNC)imp_WdfDmaTransactionGetTransferInfo,
    [WdfDmaTransactionWdmGetTransferContextTableIndex] = (WDFFUNC)imp_WdfDmaTransactionWdmGetTransferContext,
    [WdfDmaTransactionSetMaximumLengthTableIndex] = (WDFFUNC)imp_WdfDmaTransactionSetMaximumLength,
    [WdfDmaTransactionSetImmediateExecutionTableIndex] = (WDFFUNC)imp_WdfDmaTransactionSetImmediateExecution,
    [WdfDmaTransactionSetSingleTransferRequirementTableIndex] = (WDFFUNC)imp_WdfDmaTransactionSetSingleTransferRequirement,
    [WdfDmaTransactionAllocateResourcesTableIndex] = (WDFFUNC)imp_WdfDmaTransactionAllocateResources,
    [WdfDmaTransactionFreeResourcesTableIndex] = (WDFFUNC)imp_WdfDmaTransactionFreeResources,
    [WdfDmaTransactionSetDeviceAddressOffsetTableIndex] = (WDFFUNC)imp_WdfDmaTransactionSetDeviceAddressOffset,
    [WdfDmaTransactionSetChannelConfigurationCallbackTableIndex] = (WDFFUNC)imp_WdfDmaTransactionSetChannelConfigurationCallback,
    [WdfDmaTransactionSetTransferCompleteCallbackTableIndex] = (WDFFUNC)imp_WdfDmaTransactionSetTransferCompleteCallback,
    [WdfDmaTransactionStopSystemTransferTableIndex] = (WDFFUNC)imp_WdfDmaTransactionStopSystemTransfer,
};
#pragma GCC diagnostic pop
