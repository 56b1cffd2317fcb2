/* ddi_table.h - the runtime side of every DDI the table in ddi_table.c points at (kmdf layer).
 * Each imp_WdfXxx is declared here with exactly the type of the WDK's PFN_WDFXXX pointer minus
 * the pointer, so the compiler checks every implementation against the public prototype (its
 * definition in src/kmdf/<area>/wdfxxx.c includes this header).  Add one line per DDI, grouped by
 * public header, in the same order as in ddi_table.c. */
#ifndef DMABOX_KMDF_DDI_TABLE_H
#define DMABOX_KMDF_DDI_TABLE_H

#include <ntddk.h>
#include <wdf.h>

/* The function type behind a WDK PFN_ type. */
#define FX_DDI_TYPE(pfn) __typeof__(*(pfn)0)

/* The table drivers call through (WdfFunctions_01033 points here). */
extern const WDFFUNC fx_ddi_table[WdfFunctionTableNumEntries];

/* Every slot without an implementation points here: reports VF_RULE_DDI_NOT_IMPLEMENTED naming
 * the driver and the calling code, then (RECORD mode) returns STATUS_NOT_IMPLEMENTED. */
NTSTATUS fx_ddi_not_implemented(PWDF_DRIVER_GLOBALS globals);

/* ---- wdfobject.h (src/kmdf/object/wdfobject.c) ---- */
extern FX_DDI_TYPE(PFN_WDFOBJECTGETTYPEDCONTEXTWORKER) imp_WdfObjectGetTypedContextWorker;
extern FX_DDI_TYPE(PFN_WDFOBJECTALLOCATECONTEXT) imp_WdfObjectAllocateContext;
extern FX_DDI_TYPE(PFN_WDFOBJECTCONTEXTGETOBJECT) imp_WdfObjectContextGetObject;
extern FX_DDI_TYPE(PFN_WDFOBJECTREFERENCEACTUAL) imp_WdfObjectReferenceActual;
extern FX_DDI_TYPE(PFN_WDFOBJECTDEREFERENCEACTUAL) imp_WdfObjectDereferenceActual;
extern FX_DDI_TYPE(PFN_WDFOBJECTCREATE) imp_WdfObjectCreate;
extern FX_DDI_TYPE(PFN_WDFOBJECTDELETE) imp_WdfObjectDelete;

/* ---- wdfmemory.h (src/kmdf/memory/wdfmemory.c) ---- */
extern FX_DDI_TYPE(PFN_WDFMEMORYCREATE) imp_WdfMemoryCreate;
extern FX_DDI_TYPE(PFN_WDFMEMORYCREATEPREALLOCATED) imp_WdfMemoryCreatePreallocated;
extern FX_DDI_TYPE(PFN_WDFMEMORYGETBUFFER) imp_WdfMemoryGetBuffer;
extern FX_DDI_TYPE(PFN_WDFMEMORYASSIGNBUFFER) imp_WdfMemoryAssignBuffer;
extern FX_DDI_TYPE(PFN_WDFMEMORYCOPYTOBUFFER) imp_WdfMemoryCopyToBuffer;
extern FX_DDI_TYPE(PFN_WDFMEMORYCOPYFROMBUFFER) imp_WdfMemoryCopyFromBuffer;

/* ---- later headers: append a group per header here ---- */

/* ---- wdfsync.h (src/kmdf/sync/wdfsync.c) ---- */
extern FX_DDI_TYPE(PFN_WDFSPINLOCKCREATE) imp_WdfSpinLockCreate;
extern FX_DDI_TYPE(PFN_WDFSPINLOCKACQUIRE) imp_WdfSpinLockAcquire;
extern FX_DDI_TYPE(PFN_WDFSPINLOCKRELEASE) imp_WdfSpinLockRelease;
extern FX_DDI_TYPE(PFN_WDFWAITLOCKCREATE) imp_WdfWaitLockCreate;
extern FX_DDI_TYPE(PFN_WDFWAITLOCKACQUIRE) imp_WdfWaitLockAcquire;
extern FX_DDI_TYPE(PFN_WDFWAITLOCKRELEASE) imp_WdfWaitLockRelease;

/* ---- wdfdriver.h (src/kmdf/core/wdfdriver.c) ---- */
extern FX_DDI_TYPE(PFN_WDFDRIVERCREATE) imp_WdfDriverCreate;
extern FX_DDI_TYPE(PFN_WDFDRIVERGETREGISTRYPATH) imp_WdfDriverGetRegistryPath;
extern FX_DDI_TYPE(PFN_WDFDRIVERWDMGETDRIVEROBJECT) imp_WdfDriverWdmGetDriverObject;
extern FX_DDI_TYPE(PFN_WDFWDMDRIVERGETWDFDRIVERHANDLE) imp_WdfWdmDriverGetWdfDriverHandle;

/* ---- wdfdevice.h (src/kmdf/core/wdfdevice.c) ---- */
extern FX_DDI_TYPE(PFN_WDFDEVICEINITSETPNPPOWEREVENTCALLBACKS) imp_WdfDeviceInitSetPnpPowerEventCallbacks;
extern FX_DDI_TYPE(PFN_WDFDEVICEINITSETPOWERPOLICYEVENTCALLBACKS) imp_WdfDeviceInitSetPowerPolicyEventCallbacks;
extern FX_DDI_TYPE(PFN_WDFDEVICEINITSETIOTYPE) imp_WdfDeviceInitSetIoType;
extern FX_DDI_TYPE(PFN_WDFDEVICEINITSETEXCLUSIVE) imp_WdfDeviceInitSetExclusive;
extern FX_DDI_TYPE(PFN_WDFDEVICEINITSETDEVICETYPE) imp_WdfDeviceInitSetDeviceType;
extern FX_DDI_TYPE(PFN_WDFDEVICECREATE) imp_WdfDeviceCreate;
extern FX_DDI_TYPE(PFN_WDFDEVICECREATEDEVICEINTERFACE) imp_WdfDeviceCreateDeviceInterface;
extern FX_DDI_TYPE(PFN_WDFDEVICESETALIGNMENTREQUIREMENT) imp_WdfDeviceSetAlignmentRequirement;
extern FX_DDI_TYPE(PFN_WDFDEVICEGETALIGNMENTREQUIREMENT) imp_WdfDeviceGetAlignmentRequirement;
extern FX_DDI_TYPE(PFN_WDFDEVICEGETDRIVER) imp_WdfDeviceGetDriver;
extern FX_DDI_TYPE(PFN_WDFDEVICEWDMGETDEVICEOBJECT) imp_WdfDeviceWdmGetDeviceObject;

/* ---- wdfresource.h (src/kmdf/core/wdfresource.c) ---- */
extern FX_DDI_TYPE(PFN_WDFCMRESOURCELISTGETCOUNT) imp_WdfCmResourceListGetCount;
extern FX_DDI_TYPE(PFN_WDFCMRESOURCELISTGETDESCRIPTOR) imp_WdfCmResourceListGetDescriptor;

/* ---- wdfinterrupt.h (src/kmdf/irq/wdfinterrupt.c) ---- */
extern FX_DDI_TYPE(PFN_WDFINTERRUPTCREATE) imp_WdfInterruptCreate;
extern FX_DDI_TYPE(PFN_WDFINTERRUPTQUEUEDPCFORISR) imp_WdfInterruptQueueDpcForIsr;
extern FX_DDI_TYPE(PFN_WDFINTERRUPTQUEUEWORKITEMFORISR) imp_WdfInterruptQueueWorkItemForIsr;
extern FX_DDI_TYPE(PFN_WDFINTERRUPTSYNCHRONIZE) imp_WdfInterruptSynchronize;
extern FX_DDI_TYPE(PFN_WDFINTERRUPTACQUIRELOCK) imp_WdfInterruptAcquireLock;
extern FX_DDI_TYPE(PFN_WDFINTERRUPTRELEASELOCK) imp_WdfInterruptReleaseLock;
extern FX_DDI_TYPE(PFN_WDFINTERRUPTENABLE) imp_WdfInterruptEnable;
extern FX_DDI_TYPE(PFN_WDFINTERRUPTDISABLE) imp_WdfInterruptDisable;
extern FX_DDI_TYPE(PFN_WDFINTERRUPTGETINFO) imp_WdfInterruptGetInfo;
extern FX_DDI_TYPE(PFN_WDFINTERRUPTGETDEVICE) imp_WdfInterruptGetDevice;

/* ---- wdfdpc.h (src/kmdf/irq/wdfdpc.c) ---- */
extern FX_DDI_TYPE(PFN_WDFDPCCREATE) imp_WdfDpcCreate;
extern FX_DDI_TYPE(PFN_WDFDPCENQUEUE) imp_WdfDpcEnqueue;
extern FX_DDI_TYPE(PFN_WDFDPCCANCEL) imp_WdfDpcCancel;
extern FX_DDI_TYPE(PFN_WDFDPCGETPARENTOBJECT) imp_WdfDpcGetParentObject;

/* ---- wdfworkitem.h (src/kmdf/irq/wdfworkitem.c) ---- */
extern FX_DDI_TYPE(PFN_WDFWORKITEMCREATE) imp_WdfWorkItemCreate;
extern FX_DDI_TYPE(PFN_WDFWORKITEMENQUEUE) imp_WdfWorkItemEnqueue;
extern FX_DDI_TYPE(PFN_WDFWORKITEMGETPARENTOBJECT) imp_WdfWorkItemGetParentObject;
extern FX_DDI_TYPE(PFN_WDFWORKITEMFLUSH) imp_WdfWorkItemFlush;

/* ---- wdftimer.h (src/kmdf/irq/wdftimer.c) ---- */
extern FX_DDI_TYPE(PFN_WDFTIMERCREATE) imp_WdfTimerCreate;
extern FX_DDI_TYPE(PFN_WDFTIMERSTART) imp_WdfTimerStart;
extern FX_DDI_TYPE(PFN_WDFTIMERSTOP) imp_WdfTimerStop;
extern FX_DDI_TYPE(PFN_WDFTIMERGETPARENTOBJECT) imp_WdfTimerGetParentObject;
/* ---- wdfdmaenabler.h (src/kmdf/dma/wdfdmaenabler.c) ---- */
extern FX_DDI_TYPE(PFN_WDFDMAENABLERCREATE) imp_WdfDmaEnablerCreate;
extern FX_DDI_TYPE(PFN_WDFDMAENABLERCONFIGURESYSTEMPROFILE) imp_WdfDmaEnablerConfigureSystemProfile;
extern FX_DDI_TYPE(PFN_WDFDMAENABLERGETMAXIMUMLENGTH) imp_WdfDmaEnablerGetMaximumLength;
extern FX_DDI_TYPE(PFN_WDFDMAENABLERGETMAXIMUMSCATTERGATHERELEMENTS) imp_WdfDmaEnablerGetMaximumScatterGatherElements;
extern FX_DDI_TYPE(PFN_WDFDMAENABLERSETMAXIMUMSCATTERGATHERELEMENTS) imp_WdfDmaEnablerSetMaximumScatterGatherElements;
extern FX_DDI_TYPE(PFN_WDFDMAENABLERGETFRAGMENTLENGTH) imp_WdfDmaEnablerGetFragmentLength;
extern FX_DDI_TYPE(PFN_WDFDMAENABLERWDMGETDMAADAPTER) imp_WdfDmaEnablerWdmGetDmaAdapter;

/* ---- wdfcommonbuffer.h (src/kmdf/dma/wdfcommonbuffer.c) ---- */
extern FX_DDI_TYPE(PFN_WDFCOMMONBUFFERCREATE) imp_WdfCommonBufferCreate;
extern FX_DDI_TYPE(PFN_WDFCOMMONBUFFERCREATEWITHCONFIG) imp_WdfCommonBufferCreateWithConfig;
extern FX_DDI_TYPE(PFN_WDFCOMMONBUFFERGETALIGNEDVIRTUALADDRESS) imp_WdfCommonBufferGetAlignedVirtualAddress;
extern FX_DDI_TYPE(PFN_WDFCOMMONBUFFERGETALIGNEDLOGICALADDRESS) imp_WdfCommonBufferGetAlignedLogicalAddress;
extern FX_DDI_TYPE(PFN_WDFCOMMONBUFFERGETLENGTH) imp_WdfCommonBufferGetLength;

/* ---- wdfio.h and WdfDeviceConfigureRequestDispatching (src/kmdf/io/wdfio.c) ---- */
extern FX_DDI_TYPE(PFN_WDFIOQUEUECREATE) imp_WdfIoQueueCreate;
extern FX_DDI_TYPE(PFN_WDFIOQUEUEGETSTATE) imp_WdfIoQueueGetState;
extern FX_DDI_TYPE(PFN_WDFIOQUEUESTART) imp_WdfIoQueueStart;
extern FX_DDI_TYPE(PFN_WDFIOQUEUESTOP) imp_WdfIoQueueStop;
extern FX_DDI_TYPE(PFN_WDFIOQUEUESTOPSYNCHRONOUSLY) imp_WdfIoQueueStopSynchronously;
extern FX_DDI_TYPE(PFN_WDFIOQUEUEGETDEVICE) imp_WdfIoQueueGetDevice;
extern FX_DDI_TYPE(PFN_WDFIOQUEUERETRIEVENEXTREQUEST) imp_WdfIoQueueRetrieveNextRequest;
extern FX_DDI_TYPE(PFN_WDFIOQUEUEDRAINSYNCHRONOUSLY) imp_WdfIoQueueDrainSynchronously;
extern FX_DDI_TYPE(PFN_WDFIOQUEUEDRAIN) imp_WdfIoQueueDrain;
extern FX_DDI_TYPE(PFN_WDFIOQUEUEPURGESYNCHRONOUSLY) imp_WdfIoQueuePurgeSynchronously;
extern FX_DDI_TYPE(PFN_WDFIOQUEUEPURGE) imp_WdfIoQueuePurge;
extern FX_DDI_TYPE(PFN_WDFIOQUEUESTOPANDPURGE) imp_WdfIoQueueStopAndPurge;
extern FX_DDI_TYPE(PFN_WDFIOQUEUESTOPANDPURGESYNCHRONOUSLY) imp_WdfIoQueueStopAndPurgeSynchronously;
extern FX_DDI_TYPE(PFN_WDFDEVICECONFIGUREREQUESTDISPATCHING) imp_WdfDeviceConfigureRequestDispatching;

/* ---- wdfrequest.h (src/kmdf/io/wdfrequest.c) ---- */
extern FX_DDI_TYPE(PFN_WDFREQUESTCOMPLETE) imp_WdfRequestComplete;
extern FX_DDI_TYPE(PFN_WDFREQUESTCOMPLETEWITHPRIORITYBOOST) imp_WdfRequestCompleteWithPriorityBoost;
extern FX_DDI_TYPE(PFN_WDFREQUESTCOMPLETEWITHINFORMATION) imp_WdfRequestCompleteWithInformation;
extern FX_DDI_TYPE(PFN_WDFREQUESTSETINFORMATION) imp_WdfRequestSetInformation;
extern FX_DDI_TYPE(PFN_WDFREQUESTGETINFORMATION) imp_WdfRequestGetInformation;
extern FX_DDI_TYPE(PFN_WDFREQUESTGETSTATUS) imp_WdfRequestGetStatus;
extern FX_DDI_TYPE(PFN_WDFREQUESTGETPARAMETERS) imp_WdfRequestGetParameters;
extern FX_DDI_TYPE(PFN_WDFREQUESTRETRIEVEINPUTMEMORY) imp_WdfRequestRetrieveInputMemory;
extern FX_DDI_TYPE(PFN_WDFREQUESTRETRIEVEOUTPUTMEMORY) imp_WdfRequestRetrieveOutputMemory;
extern FX_DDI_TYPE(PFN_WDFREQUESTRETRIEVEINPUTBUFFER) imp_WdfRequestRetrieveInputBuffer;
extern FX_DDI_TYPE(PFN_WDFREQUESTRETRIEVEOUTPUTBUFFER) imp_WdfRequestRetrieveOutputBuffer;
extern FX_DDI_TYPE(PFN_WDFREQUESTRETRIEVEINPUTWDMMDL) imp_WdfRequestRetrieveInputWdmMdl;
extern FX_DDI_TYPE(PFN_WDFREQUESTRETRIEVEOUTPUTWDMMDL) imp_WdfRequestRetrieveOutputWdmMdl;
extern FX_DDI_TYPE(PFN_WDFREQUESTMARKCANCELABLE) imp_WdfRequestMarkCancelable;
extern FX_DDI_TYPE(PFN_WDFREQUESTMARKCANCELABLEEX) imp_WdfRequestMarkCancelableEx;
extern FX_DDI_TYPE(PFN_WDFREQUESTUNMARKCANCELABLE) imp_WdfRequestUnmarkCancelable;
extern FX_DDI_TYPE(PFN_WDFREQUESTISCANCELED) imp_WdfRequestIsCanceled;
extern FX_DDI_TYPE(PFN_WDFREQUESTGETIOQUEUE) imp_WdfRequestGetIoQueue;
extern FX_DDI_TYPE(PFN_WDFREQUESTREQUEUE) imp_WdfRequestRequeue;
extern FX_DDI_TYPE(PFN_WDFREQUESTFORWARDTOIOQUEUE) imp_WdfRequestForwardToIoQueue;
extern FX_DDI_TYPE(PFN_WDFREQUESTSTOPACKNOWLEDGE) imp_WdfRequestStopAcknowledge;
extern FX_DDI_TYPE(PFN_WDFREQUESTWDMGETIRP) imp_WdfRequestWdmGetIrp;
extern FX_DDI_TYPE(PFN_WDFREQUESTGETREQUESTORMODE) imp_WdfRequestGetRequestorMode;

/* ---- wdfdmatransaction.h (src/kmdf/dma/wdfdmatransaction.c) ---- */
extern FX_DDI_TYPE(PFN_WDFDMATRANSACTIONCREATE) imp_WdfDmaTransactionCreate;
extern FX_DDI_TYPE(PFN_WDFDMATRANSACTIONINITIALIZE) imp_WdfDmaTransactionInitialize;
extern FX_DDI_TYPE(PFN_WDFDMATRANSACTIONINITIALIZEUSINGOFFSET) imp_WdfDmaTransactionInitializeUsingOffset;
extern FX_DDI_TYPE(PFN_WDFDMATRANSACTIONINITIALIZEUSINGREQUEST) imp_WdfDmaTransactionInitializeUsingRequest;
extern FX_DDI_TYPE(PFN_WDFDMATRANSACTIONEXECUTE) imp_WdfDmaTransactionExecute;
extern FX_DDI_TYPE(PFN_WDFDMATRANSACTIONRELEASE) imp_WdfDmaTransactionRelease;
extern FX_DDI_TYPE(PFN_WDFDMATRANSACTIONDMACOMPLETED) imp_WdfDmaTransactionDmaCompleted;
extern FX_DDI_TYPE(PFN_WDFDMATRANSACTIONDMACOMPLETEDWITHLENGTH) imp_WdfDmaTransactionDmaCompletedWithLength;
extern FX_DDI_TYPE(PFN_WDFDMATRANSACTIONDMACOMPLETEDFINAL) imp_WdfDmaTransactionDmaCompletedFinal;
extern FX_DDI_TYPE(PFN_WDFDMATRANSACTIONCANCEL) imp_WdfDmaTransactionCancel;
extern FX_DDI_TYPE(PFN_WDFDMATRANSACTIONGETBYTESTRANSFERRED) imp_WdfDmaTransactionGetBytesTransferred;
extern FX_DDI_TYPE(PFN_WDFDMATRANSACTIONGETCURRENTDMATRANSFERLENGTH) imp_WdfDmaTransactionGetCurrentDmaTransferLength;
extern FX_DDI_TYPE(PFN_WDFDMATRANSACTIONGETREQUEST) imp_WdfDmaTransactionGetRequest;
extern FX_DDI_TYPE(PFN_WDFDMATRANSACTIONGETDEVICE) imp_WdfDmaTransactionGetDevice;
extern FX_DDI_TYPE(PFN_WDFDMATRANSACTIONGETTRANSFERINFO) imp_WdfDmaTransactionGetTransferInfo;
extern FX_DDI_TYPE(PFN_WDFDMATRANSACTIONWDMGETTRANSFERCONTEXT) imp_WdfDmaTransactionWdmGetTransferContext;
extern FX_DDI_TYPE(PFN_WDFDMATRANSACTIONSETMAXIMUMLENGTH) imp_WdfDmaTransactionSetMaximumLength;
extern FX_DDI_TYPE(PFN_WDFDMATRANSACTIONSETIMMEDIATEEXECUTION) imp_WdfDmaTransactionSetImmediateExecution;
extern FX_DDI_TYPE(PFN_WDFDMATRANSACTIONSETSINGLETRANSFERREQUIREMENT) imp_WdfDmaTransactionSetSingleTransferRequirement;
extern FX_DDI_TYPE(PFN_WDFDMATRANSACTIONALLOCATERESOURCES) imp_WdfDmaTransactionAllocateResources;
extern FX_DDI_TYPE(PFN_WDFDMATRANSACTIONFREERESOURCES) imp_WdfDmaTransactionFreeResources;
extern FX_DDI_TYPE(PFN_WDFDMATRANSACTIONSETDEVICEADDRESSOFFSET) imp_WdfDmaTransactionSetDeviceAddressOffset;
extern FX_DDI_TYPE(PFN_WDFDMATRANSACTIONSETCHANNELCONFIGURATIONCALLBACK) imp_WdfDmaTransactionSetChannelConfigurationCallback;
extern FX_DDI_TYPE(PFN_WDFDMATRANSACTIONSETTRANSFERCOMPLETECALLBACK) imp_WdfDmaTransactionSetTransferCompleteCallback;
extern FX_DDI_TYPE(PFN_WDFDMATRANSACTIONSTOPSYSTEMTRANSFER) imp_WdfDmaTransactionStopSystemTransfer;

#endif
