/* wdm/dma.h - section of wdm.h: the DMA adapter object a bus-master driver (or KMDF on its behalf)
 * gets from IoGetDmaAdapter, its DMA_OPERATIONS table, DEVICE_DESCRIPTION, scatter/gather lists
 * and the routine types the adapter calls back.  x64 layouts, member order as in the WDK.
 * Implemented in src/wdm/adapter/ (docs/dma-adapter.md).
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/ns-wdm-_dma_operations
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-iogetdmaadapter
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/ns-wdm-_device_description
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/map-registers */
#ifndef DMABOX_WDK_WDM_DMA_H
#define DMABOX_WDK_WDM_DMA_H

#include "../ntdef.h"
#include "cmres.h"
#include "driverobj.h"
#include "mdl.h"
#include "memory.h"

/* ---- describing the device ---- */

typedef enum _DMA_WIDTH {
    Width8Bits,
    Width16Bits,
    Width32Bits,
    Width64Bits,
    WidthNoWrap,
    MaximumDmaWidth
} DMA_WIDTH, *PDMA_WIDTH;

typedef enum _DMA_SPEED {
    Compatible,
    TypeA,
    TypeB,
    TypeC,
    TypeF,
    MaximumDmaSpeed
} DMA_SPEED, *PDMA_SPEED;

/* DEVICE_DESCRIPTION.Version: selects the version of DMA_OPERATIONS IoGetDmaAdapter hands out. */
#define DEVICE_DESCRIPTION_VERSION 0
#define DEVICE_DESCRIPTION_VERSION1 1
#define DEVICE_DESCRIPTION_VERSION2 2
#define DEVICE_DESCRIPTION_VERSION3 3

/* Zero it, then fill what applies to the device.  For a bus master: Master, ScatterGather,
 * Dma32BitAddresses / Dma64BitAddresses (or, with version 3, DmaAddressWidth), InterfaceType and
 * MaximumLength (largest transfer in bytes). */
typedef struct _DEVICE_DESCRIPTION {
    ULONG Version;
    BOOLEAN Master;
    BOOLEAN ScatterGather;
    BOOLEAN DemandMode;
    BOOLEAN AutoInitialize;
    BOOLEAN Dma32BitAddresses;
    BOOLEAN IgnoreCount;
    BOOLEAN Reserved1;
    BOOLEAN Dma64BitAddresses;
    ULONG BusNumber;
    ULONG DmaChannel;
    INTERFACE_TYPE InterfaceType;
    DMA_WIDTH DmaWidth;
    DMA_SPEED DmaSpeed;
    ULONG MaximumLength;
    ULONG DmaPort;
    ULONG DmaAddressWidth;        /* version 3: address bits the device drives (0 = from flags) */
    ULONG DmaControllerInstance;
    ULONG DmaRequestLine;
    PHYSICAL_ADDRESS DeviceAddress;
} DEVICE_DESCRIPTION, *PDEVICE_DESCRIPTION;

C_ASSERT(sizeof(DEVICE_DESCRIPTION) == 64);
C_ASSERT(FIELD_OFFSET(DEVICE_DESCRIPTION, MaximumLength) == 32);
C_ASSERT(FIELD_OFFSET(DEVICE_DESCRIPTION, DmaAddressWidth) == 40);
C_ASSERT(FIELD_OFFSET(DEVICE_DESCRIPTION, DeviceAddress) == 56);

/* ---- scatter/gather lists ---- */

/* One device-contiguous run of a transfer: the address the device must use and its length. */
typedef struct _SCATTER_GATHER_ELEMENT {
    PHYSICAL_ADDRESS Address;
    ULONG Length;
    ULONG_PTR Reserved;
} SCATTER_GATHER_ELEMENT, *PSCATTER_GATHER_ELEMENT;

/* The elements follow the 16-byte header.  Reserved belongs to the adapter. */
typedef struct _SCATTER_GATHER_LIST {
    ULONG NumberOfElements;
    ULONG_PTR Reserved;
    SCATTER_GATHER_ELEMENT Elements[];
} SCATTER_GATHER_LIST, *PSCATTER_GATHER_LIST;

C_ASSERT(sizeof(SCATTER_GATHER_ELEMENT) == 24);
C_ASSERT(FIELD_OFFSET(SCATTER_GATHER_ELEMENT, Length) == 8);
C_ASSERT(sizeof(SCATTER_GATHER_LIST) == 16);
C_ASSERT(FIELD_OFFSET(SCATTER_GATHER_LIST, Elements) == 16);

/* ---- routines the adapter calls ---- */

/* What an AdapterControl routine returns: keep the adapter channel (and map registers), release
 * both, or release the channel and keep the map registers (packet-mode bus masters). */
typedef enum _IO_ALLOCATION_ACTION {
    KeepObject = 1,
    DeallocateObject,
    DeallocateObjectKeepRegisters
} IO_ALLOCATION_ACTION, *PIO_ALLOCATION_ACTION;

/* AdapterControl: the channel and map registers were granted.  Called at DISPATCH_LEVEL. */
typedef IO_ALLOCATION_ACTION NTAPI DRIVER_CONTROL(struct _DEVICE_OBJECT *DeviceObject,
                                                  struct _IRP *Irp, PVOID MapRegisterBase,
                                                  PVOID Context);
typedef DRIVER_CONTROL *PDRIVER_CONTROL;

/* AdapterListControl: the scatter/gather list is ready.  Called at DISPATCH_LEVEL. */
typedef VOID NTAPI DRIVER_LIST_CONTROL(struct _DEVICE_OBJECT *DeviceObject, struct _IRP *Irp,
                                       PSCATTER_GATHER_LIST ScatterGather, PVOID Context);
typedef DRIVER_LIST_CONTROL *PDRIVER_LIST_CONTROL;

/* Windows 8 and later (DMA version 3). */
typedef enum {
    DmaComplete,
    DmaAborted,
    DmaError,
    DmaCancelled
} DMA_COMPLETION_STATUS;

/* ---- adapter and transfer information (DMA version 3) ---- */

#define DMA_ADAPTER_INFO_VERSION1 1
#define ADAPTER_INFO_SYNCHRONOUS_CALLBACK 0x0001
#define ADAPTER_INFO_API_BYPASS 0x0002

typedef struct _DMA_ADAPTER_INFO_V1 {
    ULONG ReadDmaCounterAvailable;
    ULONG ScatterGatherLimit;
    ULONG DmaAddressWidth;
    ULONG Flags;
    ULONG MinimumTransferUnit;
} DMA_ADAPTER_INFO_V1, *PDMA_ADAPTER_INFO_V1;

typedef struct _DMA_ADAPTER_INFO {
    ULONG Version;
    union {
        DMA_ADAPTER_INFO_V1 V1;
    };
} DMA_ADAPTER_INFO, *PDMA_ADAPTER_INFO;

#define DMA_TRANSFER_INFO_VERSION1 1
#define DMA_TRANSFER_INFO_VERSION2 2

typedef struct _DMA_TRANSFER_INFO_V1 {
    ULONG MapRegisterCount;
    ULONG ScatterGatherElementCount;
    ULONG ScatterGatherListSize;
} DMA_TRANSFER_INFO_V1, *PDMA_TRANSFER_INFO_V1;

typedef struct _DMA_TRANSFER_INFO_V2 {
    ULONG MapRegisterCount;
    ULONG ScatterGatherElementCount;
    ULONG ScatterGatherListSize;
    ULONG LogicalPageCount;
} DMA_TRANSFER_INFO_V2, *PDMA_TRANSFER_INFO_V2;

typedef struct _DMA_TRANSFER_INFO {
    ULONG Version;
    union {
        DMA_TRANSFER_INFO_V1 V1;
        DMA_TRANSFER_INFO_V2 V2;
    };
} DMA_TRANSFER_INFO, *PDMA_TRANSFER_INFO;

/* The opaque per-request context of the version 3 allocation routines (caller-allocated). */
#define DMA_TRANSFER_CONTEXT_VERSION1 1
#define DMA_TRANSFER_CONTEXT_SIZE_V1 128

/* Flags of AllocateAdapterChannelEx / GetScatterGatherListEx / BuildScatterGatherListEx:
 * grant now or fail with STATUS_INSUFFICIENT_RESOURCES instead of queuing. */
#define DMA_SYNCHRONOUS_CALLBACK 0x01

typedef ULONG NODE_REQUIREMENT;
#define MM_ANY_NODE_OK 0x80000000

/* ---- the adapter object ---- */

struct _DMA_OPERATIONS;

/* Version is always 1 (the DMA_OPERATIONS version follows DEVICE_DESCRIPTION.Version). */
typedef struct _DMA_ADAPTER {
    USHORT Version;
    USHORT Size;
    struct _DMA_OPERATIONS *DmaOperations;
} DMA_ADAPTER, *PDMA_ADAPTER;

C_ASSERT(sizeof(DMA_ADAPTER) == 16);

typedef VOID NTAPI DMA_COMPLETION_ROUTINE(PDMA_ADAPTER DmaAdapter,
                                          struct _DEVICE_OBJECT *DeviceObject,
                                          PVOID CompletionContext, DMA_COMPLETION_STATUS Status);
typedef DMA_COMPLETION_ROUTINE *PDMA_COMPLETION_ROUTINE;

typedef struct _DMA_COMMON_BUFFER_VECTOR DMA_COMMON_BUFFER_VECTOR, *PDMA_COMMON_BUFFER_VECTOR;

typedef enum _DMA_COMMON_BUFFER_EXTENDED_CONFIGURATION_TYPE {
    CommonBufferConfigTypeLogicalAddressLimits,
    CommonBufferConfigTypeSubSection,
    CommonBufferConfigTypeHardwareAccessPermissions,
    CommonBufferConfigTypeMax
} DMA_COMMON_BUFFER_EXTENDED_CONFIGURATION_TYPE,
    *PDMA_COMMON_BUFFER_EXTENDED_CONFIGURATION_TYPE;

typedef enum _DMA_COMMON_BUFFER_EXTENDED_CONFIGURATION_ACCESS_TYPE {
    CommonBufferHardwareAccessReadOnly,
    CommonBufferHardwareAccessWriteOnly,
    CommonBufferHardwareAccessReadWrite,
    CommonBufferHardwareAccessMax
} DMA_COMMON_BUFFER_EXTENDED_CONFIGURATION_ACCESS_TYPE,
    *PDMA_COMMON_BUFFER_EXTENDED_CONFIGURATION_ACCESS_TYPE;

typedef struct _DMA_COMMON_BUFFER_EXTENDED_CONFIGURATION {
    DMA_COMMON_BUFFER_EXTENDED_CONFIGURATION_TYPE ConfigType;
    union {
        struct {
            PHYSICAL_ADDRESS MinimumAddress;
            PHYSICAL_ADDRESS MaximumAddress;
        } LogicalAddressLimits;
        struct {
            ULONGLONG Offset;
            ULONG Length;
        } SubSection;
        DMA_COMMON_BUFFER_EXTENDED_CONFIGURATION_ACCESS_TYPE HardwareAccessType;
        ULONGLONG Reserved[4];
    };
} DMA_COMMON_BUFFER_EXTENDED_CONFIGURATION, *PDMA_COMMON_BUFFER_EXTENDED_CONFIGURATION;

/* ---- the operations (called only through DmaAdapter->DmaOperations) ---- */

/* Version 1 */
typedef VOID (NTAPI *PPUT_DMA_ADAPTER)(PDMA_ADAPTER DmaAdapter);
typedef PVOID (NTAPI *PALLOCATE_COMMON_BUFFER)(PDMA_ADAPTER DmaAdapter, ULONG Length,
                                               PPHYSICAL_ADDRESS LogicalAddress,
                                               BOOLEAN CacheEnabled);
typedef VOID (NTAPI *PFREE_COMMON_BUFFER)(PDMA_ADAPTER DmaAdapter, ULONG Length,
                                          PHYSICAL_ADDRESS LogicalAddress, PVOID VirtualAddress,
                                          BOOLEAN CacheEnabled);
typedef NTSTATUS (NTAPI *PALLOCATE_ADAPTER_CHANNEL)(PDMA_ADAPTER DmaAdapter,
                                                    struct _DEVICE_OBJECT *DeviceObject,
                                                    ULONG NumberOfMapRegisters,
                                                    PDRIVER_CONTROL ExecutionRoutine,
                                                    PVOID Context);
typedef BOOLEAN (NTAPI *PFLUSH_ADAPTER_BUFFERS)(PDMA_ADAPTER DmaAdapter, PMDL Mdl,
                                                PVOID MapRegisterBase, PVOID CurrentVa,
                                                ULONG Length, BOOLEAN WriteToDevice);
typedef VOID (NTAPI *PFREE_ADAPTER_CHANNEL)(PDMA_ADAPTER DmaAdapter);
typedef VOID (NTAPI *PFREE_MAP_REGISTERS)(PDMA_ADAPTER DmaAdapter, PVOID MapRegisterBase,
                                          ULONG NumberOfMapRegisters);
typedef PHYSICAL_ADDRESS (NTAPI *PMAP_TRANSFER)(PDMA_ADAPTER DmaAdapter, PMDL Mdl,
                                                PVOID MapRegisterBase, PVOID CurrentVa,
                                                PULONG Length, BOOLEAN WriteToDevice);
typedef ULONG (NTAPI *PGET_DMA_ALIGNMENT)(PDMA_ADAPTER DmaAdapter);
typedef ULONG (NTAPI *PREAD_DMA_COUNTER)(PDMA_ADAPTER DmaAdapter);
typedef NTSTATUS (NTAPI *PGET_SCATTER_GATHER_LIST)(PDMA_ADAPTER DmaAdapter,
                                                   struct _DEVICE_OBJECT *DeviceObject, PMDL Mdl,
                                                   PVOID CurrentVa, ULONG Length,
                                                   PDRIVER_LIST_CONTROL ExecutionRoutine,
                                                   PVOID Context, BOOLEAN WriteToDevice);
typedef VOID (NTAPI *PPUT_SCATTER_GATHER_LIST)(PDMA_ADAPTER DmaAdapter,
                                               PSCATTER_GATHER_LIST ScatterGather,
                                               BOOLEAN WriteToDevice);

/* Version 2 */
typedef NTSTATUS (NTAPI *PCALCULATE_SCATTER_GATHER_LIST_SIZE)(PDMA_ADAPTER DmaAdapter,
                                                              PMDL Mdl, PVOID CurrentVa,
                                                              ULONG Length,
                                                              PULONG ScatterGatherListSize,
                                                              PULONG pNumberOfMapRegisters);
typedef NTSTATUS (NTAPI *PBUILD_SCATTER_GATHER_LIST)(PDMA_ADAPTER DmaAdapter,
                                                     struct _DEVICE_OBJECT *DeviceObject,
                                                     PMDL Mdl, PVOID CurrentVa, ULONG Length,
                                                     PDRIVER_LIST_CONTROL ExecutionRoutine,
                                                     PVOID Context, BOOLEAN WriteToDevice,
                                                     PVOID ScatterGatherBuffer,
                                                     ULONG ScatterGatherLength);
typedef NTSTATUS (NTAPI *PBUILD_MDL_FROM_SCATTER_GATHER_LIST)(PDMA_ADAPTER DmaAdapter,
                                                              PSCATTER_GATHER_LIST ScatterGather,
                                                              PMDL OriginalMdl, PMDL *TargetMdl);

/* Version 3 (Windows 8) */
typedef NTSTATUS (NTAPI *PGET_DMA_ADAPTER_INFO)(PDMA_ADAPTER DmaAdapter,
                                                PDMA_ADAPTER_INFO AdapterInfo);
typedef NTSTATUS (NTAPI *PGET_DMA_TRANSFER_INFO)(PDMA_ADAPTER DmaAdapter, PMDL Mdl,
                                                 ULONGLONG Offset, ULONG Length,
                                                 BOOLEAN WriteOnly,
                                                 PDMA_TRANSFER_INFO TransferInfo);
typedef NTSTATUS (NTAPI *PINITIALIZE_DMA_TRANSFER_CONTEXT)(PDMA_ADAPTER DmaAdapter,
                                                           PVOID DmaTransferContext);
typedef PVOID (NTAPI *PALLOCATE_COMMON_BUFFER_EX)(PDMA_ADAPTER DmaAdapter,
                                                  PPHYSICAL_ADDRESS MaximumAddress, ULONG Length,
                                                  PPHYSICAL_ADDRESS LogicalAddress,
                                                  BOOLEAN CacheEnabled,
                                                  NODE_REQUIREMENT PreferredNode);
typedef NTSTATUS (NTAPI *PALLOCATE_ADAPTER_CHANNEL_EX)(PDMA_ADAPTER DmaAdapter,
                                                       struct _DEVICE_OBJECT *DeviceObject,
                                                       PVOID DmaTransferContext,
                                                       ULONG NumberOfMapRegisters, ULONG Flags,
                                                       PDRIVER_CONTROL ExecutionRoutine,
                                                       PVOID ExecutionContext,
                                                       PVOID *MapRegisterBase);
typedef NTSTATUS (NTAPI *PCONFIGURE_ADAPTER_CHANNEL)(PDMA_ADAPTER DmaAdapter,
                                                     ULONG FunctionNumber, PVOID Context);
typedef BOOLEAN (NTAPI *PCANCEL_ADAPTER_CHANNEL)(PDMA_ADAPTER DmaAdapter,
                                                 struct _DEVICE_OBJECT *DeviceObject,
                                                 PVOID DmaTransferContext);
typedef NTSTATUS (NTAPI *PMAP_TRANSFER_EX)(PDMA_ADAPTER DmaAdapter, PMDL Mdl,
                                           PVOID MapRegisterBase, ULONGLONG Offset,
                                           ULONG DeviceOffset, PULONG Length,
                                           BOOLEAN WriteToDevice,
                                           PSCATTER_GATHER_LIST ScatterGatherBuffer,
                                           ULONG ScatterGatherBufferLength,
                                           PDMA_COMPLETION_ROUTINE DmaCompletionRoutine,
                                           PVOID CompletionContext);
typedef NTSTATUS (NTAPI *PGET_SCATTER_GATHER_LIST_EX)(
    PDMA_ADAPTER DmaAdapter, struct _DEVICE_OBJECT *DeviceObject, PVOID DmaTransferContext,
    PMDL Mdl, ULONGLONG Offset, ULONG Length, ULONG Flags, PDRIVER_LIST_CONTROL ExecutionRoutine,
    PVOID Context, BOOLEAN WriteToDevice, PDMA_COMPLETION_ROUTINE DmaCompletionRoutine,
    PVOID CompletionContext, PSCATTER_GATHER_LIST *ScatterGatherList);
typedef NTSTATUS (NTAPI *PBUILD_SCATTER_GATHER_LIST_EX)(
    PDMA_ADAPTER DmaAdapter, struct _DEVICE_OBJECT *DeviceObject, PVOID DmaTransferContext,
    PMDL Mdl, ULONGLONG Offset, ULONG Length, ULONG Flags, PDRIVER_LIST_CONTROL ExecutionRoutine,
    PVOID Context, BOOLEAN WriteToDevice, PVOID ScatterGatherBuffer, ULONG ScatterGatherLength,
    PDMA_COMPLETION_ROUTINE DmaCompletionRoutine, PVOID CompletionContext,
    PVOID ScatterGatherList);
typedef NTSTATUS (NTAPI *PFLUSH_ADAPTER_BUFFERS_EX)(PDMA_ADAPTER DmaAdapter, PMDL Mdl,
                                                    PVOID MapRegisterBase, ULONGLONG Offset,
                                                    ULONG Length, BOOLEAN WriteToDevice);
typedef VOID (NTAPI *PFREE_ADAPTER_OBJECT)(PDMA_ADAPTER DmaAdapter,
                                           IO_ALLOCATION_ACTION AllocationAction);
typedef NTSTATUS (NTAPI *PCANCEL_MAPPED_TRANSFER)(PDMA_ADAPTER DmaAdapter,
                                                  PVOID DmaTransferContext);

/* Windows 10 additions (DMA domains, bounded and vector common buffers). */
typedef NTSTATUS (NTAPI *PALLOCATE_DOMAIN_COMMON_BUFFER)(
    PDMA_ADAPTER DmaAdapter, HANDLE DomainHandle, PPHYSICAL_ADDRESS MaximumAddress, ULONG Length,
    ULONG Flags, MEMORY_CACHING_TYPE *CacheType, NODE_REQUIREMENT PreferredNode,
    PPHYSICAL_ADDRESS LogicalAddress, PVOID *VirtualAddress);
typedef NTSTATUS (NTAPI *PFLUSH_DMA_BUFFER)(PDMA_ADAPTER DmaAdapter, PMDL Mdl,
                                            BOOLEAN ReadOperation);
typedef NTSTATUS (NTAPI *PJOIN_DMA_DOMAIN)(PDMA_ADAPTER DmaAdapter, HANDLE DomainHandle);
typedef NTSTATUS (NTAPI *PLEAVE_DMA_DOMAIN)(PDMA_ADAPTER DmaAdapter);
typedef HANDLE (NTAPI *PGET_DMA_DOMAIN)(PDMA_ADAPTER DmaAdapter);
typedef PVOID (NTAPI *PALLOCATE_COMMON_BUFFER_WITH_BOUNDS)(
    PDMA_ADAPTER DmaAdapter, PPHYSICAL_ADDRESS MinimumAddress, PPHYSICAL_ADDRESS MaximumAddress,
    ULONG Length, ULONG Flags, MEMORY_CACHING_TYPE *CacheType, NODE_REQUIREMENT PreferredNode,
    PPHYSICAL_ADDRESS LogicalAddress);
typedef NTSTATUS (NTAPI *PALLOCATE_COMMON_BUFFER_VECTOR)(
    PDMA_ADAPTER DmaAdapter, PHYSICAL_ADDRESS LowAddress, PHYSICAL_ADDRESS HighAddress,
    MEMORY_CACHING_TYPE CacheType, ULONG IdealNode, ULONG Flags, ULONG NumberOfElements,
    ULONGLONG SizeOfElements, PDMA_COMMON_BUFFER_VECTOR *VectorOut);
typedef VOID (NTAPI *PGET_COMMON_BUFFER_FROM_VECTOR_BY_INDEX)(
    PDMA_ADAPTER DmaAdapter, PDMA_COMMON_BUFFER_VECTOR Vector, ULONG Index,
    PVOID *VirtualAddressOut, PPHYSICAL_ADDRESS LogicalAddressOut);
typedef VOID (NTAPI *PFREE_COMMON_BUFFER_FROM_VECTOR)(PDMA_ADAPTER DmaAdapter,
                                                      PDMA_COMMON_BUFFER_VECTOR Vector,
                                                      ULONG Index);
typedef VOID (NTAPI *PFREE_COMMON_BUFFER_VECTOR)(PDMA_ADAPTER DmaAdapter,
                                                 PDMA_COMMON_BUFFER_VECTOR Vector);
typedef NTSTATUS (NTAPI *PCREATE_COMMON_BUFFER_FROM_MDL)(
    PDMA_ADAPTER DmaAdapter, PMDL Mdl, PDMA_COMMON_BUFFER_EXTENDED_CONFIGURATION ExtendedConfigs,
    ULONG ExtendedConfigsCount, PPHYSICAL_ADDRESS LogicalAddress);

/* Size says which members the adapter's version provides (version 1 ends after
 * PutScatterGatherList, version 2 after BuildMdlFromScatterGatherList). */
typedef struct _DMA_OPERATIONS {
    ULONG Size;
    PPUT_DMA_ADAPTER PutDmaAdapter;
    PALLOCATE_COMMON_BUFFER AllocateCommonBuffer;
    PFREE_COMMON_BUFFER FreeCommonBuffer;
    PALLOCATE_ADAPTER_CHANNEL AllocateAdapterChannel;
    PFLUSH_ADAPTER_BUFFERS FlushAdapterBuffers;
    PFREE_ADAPTER_CHANNEL FreeAdapterChannel;
    PFREE_MAP_REGISTERS FreeMapRegisters;
    PMAP_TRANSFER MapTransfer;
    PGET_DMA_ALIGNMENT GetDmaAlignment;
    PREAD_DMA_COUNTER ReadDmaCounter;
    PGET_SCATTER_GATHER_LIST GetScatterGatherList;
    PPUT_SCATTER_GATHER_LIST PutScatterGatherList;
    PCALCULATE_SCATTER_GATHER_LIST_SIZE CalculateScatterGatherList;
    PBUILD_SCATTER_GATHER_LIST BuildScatterGatherList;
    PBUILD_MDL_FROM_SCATTER_GATHER_LIST BuildMdlFromScatterGatherList;
    PGET_DMA_ADAPTER_INFO GetDmaAdapterInfo;
    PGET_DMA_TRANSFER_INFO GetDmaTransferInfo;
    PINITIALIZE_DMA_TRANSFER_CONTEXT InitializeDmaTransferContext;
    PALLOCATE_COMMON_BUFFER_EX AllocateCommonBufferEx;
    PALLOCATE_ADAPTER_CHANNEL_EX AllocateAdapterChannelEx;
    PCONFIGURE_ADAPTER_CHANNEL ConfigureAdapterChannel;
    PCANCEL_ADAPTER_CHANNEL CancelAdapterChannel;
    PMAP_TRANSFER_EX MapTransferEx;
    PGET_SCATTER_GATHER_LIST_EX GetScatterGatherListEx;
    PBUILD_SCATTER_GATHER_LIST_EX BuildScatterGatherListEx;
    PFLUSH_ADAPTER_BUFFERS_EX FlushAdapterBuffersEx;
    PFREE_ADAPTER_OBJECT FreeAdapterObject;
    PCANCEL_MAPPED_TRANSFER CancelMappedTransfer;
    PALLOCATE_DOMAIN_COMMON_BUFFER AllocateDomainCommonBuffer;
    PFLUSH_DMA_BUFFER FlushDmaBuffer;
    PJOIN_DMA_DOMAIN JoinDmaDomain;
    PLEAVE_DMA_DOMAIN LeaveDmaDomain;
    PGET_DMA_DOMAIN GetDmaDomain;
    PALLOCATE_COMMON_BUFFER_WITH_BOUNDS AllocateCommonBufferWithBounds;
    PALLOCATE_COMMON_BUFFER_VECTOR AllocateCommonBufferVector;
    PGET_COMMON_BUFFER_FROM_VECTOR_BY_INDEX GetCommonBufferFromVectorByIndex;
    PFREE_COMMON_BUFFER_FROM_VECTOR FreeCommonBufferFromVector;
    PFREE_COMMON_BUFFER_VECTOR FreeCommonBufferVector;
    PCREATE_COMMON_BUFFER_FROM_MDL CreateCommonBufferFromMdl;
} DMA_OPERATIONS, *PDMA_OPERATIONS;

C_ASSERT(FIELD_OFFSET(DMA_OPERATIONS, PutDmaAdapter) == 0x08);
C_ASSERT(FIELD_OFFSET(DMA_OPERATIONS, MapTransfer) == 0x40);
C_ASSERT(FIELD_OFFSET(DMA_OPERATIONS, GetScatterGatherList) == 0x58);
C_ASSERT(FIELD_OFFSET(DMA_OPERATIONS, CalculateScatterGatherList) == 0x68);
C_ASSERT(FIELD_OFFSET(DMA_OPERATIONS, GetDmaAdapterInfo) == 0x80);
C_ASSERT(FIELD_OFFSET(DMA_OPERATIONS, CancelMappedTransfer) == 0xE0);
C_ASSERT(sizeof(DMA_OPERATIONS) == 0x140);

/* ---- getting the adapter ---- */

/* Returns the DMA adapter for the device behind PhysicalDeviceObject, described by
 * DeviceDescription, and in *NumberOfMapRegisters the most map registers one transfer may use.
 * NULL when the description is not supported (system DMA, DMA version above 3) or memory runs
 * out.  PASSIVE_LEVEL.  Release it with DmaOperations->PutDmaAdapter. */
NTKERNELAPI struct _DMA_ADAPTER *IoGetDmaAdapter(struct _DEVICE_OBJECT *PhysicalDeviceObject,
                                                 struct _DEVICE_DESCRIPTION *DeviceDescription,
                                                 PULONG NumberOfMapRegisters);

/* The WDK's inline forms of the packet-mode adapter calls: each goes through the operations
 * table of the adapter. */
FORCEINLINE NTSTATUS IoAllocateAdapterChannel(PDMA_ADAPTER DmaAdapter,
                                              struct _DEVICE_OBJECT *DeviceObject,
                                              ULONG NumberOfMapRegisters,
                                              PDRIVER_CONTROL ExecutionRoutine, PVOID Context)
{
    return DmaAdapter->DmaOperations->AllocateAdapterChannel(DmaAdapter, DeviceObject,
                                                             NumberOfMapRegisters,
                                                             ExecutionRoutine, Context);
}

FORCEINLINE BOOLEAN IoFlushAdapterBuffers(PDMA_ADAPTER DmaAdapter, PMDL Mdl,
                                          PVOID MapRegisterBase, PVOID CurrentVa, ULONG Length,
                                          BOOLEAN WriteToDevice)
{
    return DmaAdapter->DmaOperations->FlushAdapterBuffers(DmaAdapter, Mdl, MapRegisterBase,
                                                          CurrentVa, Length, WriteToDevice);
}

FORCEINLINE VOID IoFreeAdapterChannel(PDMA_ADAPTER DmaAdapter)
{
    DmaAdapter->DmaOperations->FreeAdapterChannel(DmaAdapter);
}

FORCEINLINE VOID IoFreeMapRegisters(PDMA_ADAPTER DmaAdapter, PVOID MapRegisterBase,
                                    ULONG NumberOfMapRegisters)
{
    DmaAdapter->DmaOperations->FreeMapRegisters(DmaAdapter, MapRegisterBase,
                                                NumberOfMapRegisters);
}

FORCEINLINE PHYSICAL_ADDRESS IoMapTransfer(PDMA_ADAPTER DmaAdapter, PMDL Mdl,
                                           PVOID MapRegisterBase, PVOID CurrentVa,
                                           PULONG Length, BOOLEAN WriteToDevice)
{
    return DmaAdapter->DmaOperations->MapTransfer(DmaAdapter, Mdl, MapRegisterBase, CurrentVa,
                                                  Length, WriteToDevice);
}

#endif
