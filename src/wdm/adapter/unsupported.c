/* unsupported.c - the DMA_OPERATIONS entries dmabox does not provide (wdm layer): system-DMA
 * controller routines, DMA domains, vector and bounded common buffers, and MDLs built from
 * scatter/gather lists.  Each resolves the adapter (so misuse is still reported) and fails the
 * documented way: STATUS_NOT_SUPPORTED, or NULL / nothing for routines without a status.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/ns-wdm-_dma_operations
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nc-wdm-pconfigure_adapter_channel
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nc-wdm-pallocate_domain_common_buffer */
#include "wdm/adapter/adapter_priv.h"

#include "verifier/vf.h"

NTSTATUS NTAPI wdm_dma_build_mdl_from_sg_list(PDMA_ADAPTER DmaAdapter,
                                              PSCATTER_GATHER_LIST ScatterGather,
                                              PMDL OriginalMdl, PMDL *TargetMdl)
{
    UNREFERENCED_PARAMETER(ScatterGather);
    UNREFERENCED_PARAMETER(OriginalMdl);
    (void)wdm_dma_resolve(DmaAdapter, 2, "BuildMdlFromScatterGatherList", VF_CALLER());
    if (TargetMdl != NULL)
        *TargetMdl = NULL;
    return STATUS_NOT_SUPPORTED;
}

NTSTATUS NTAPI wdm_dma_configure_adapter_channel(PDMA_ADAPTER DmaAdapter, ULONG FunctionNumber,
                                                 PVOID Context)
{
    UNREFERENCED_PARAMETER(FunctionNumber);
    UNREFERENCED_PARAMETER(Context);
    (void)wdm_dma_resolve(DmaAdapter, 3, "ConfigureAdapterChannel", VF_CALLER());
    return STATUS_NOT_SUPPORTED;
}

NTSTATUS NTAPI wdm_dma_cancel_mapped_transfer(PDMA_ADAPTER DmaAdapter, PVOID DmaTransferContext)
{
    UNREFERENCED_PARAMETER(DmaTransferContext);
    (void)wdm_dma_resolve(DmaAdapter, 3, "CancelMappedTransfer", VF_CALLER());
    return STATUS_NOT_SUPPORTED;
}

NTSTATUS NTAPI wdm_dma_allocate_domain_common_buffer(PDMA_ADAPTER DmaAdapter, HANDLE DomainHandle,
                                                     PPHYSICAL_ADDRESS MaximumAddress,
                                                     ULONG Length, ULONG Flags,
                                                     MEMORY_CACHING_TYPE *CacheType,
                                                     NODE_REQUIREMENT PreferredNode,
                                                     PPHYSICAL_ADDRESS LogicalAddress,
                                                     PVOID *VirtualAddress)
{
    UNREFERENCED_PARAMETER(DomainHandle);
    UNREFERENCED_PARAMETER(MaximumAddress);
    UNREFERENCED_PARAMETER(Length);
    UNREFERENCED_PARAMETER(Flags);
    UNREFERENCED_PARAMETER(CacheType);
    UNREFERENCED_PARAMETER(PreferredNode);
    UNREFERENCED_PARAMETER(LogicalAddress);
    (void)wdm_dma_resolve(DmaAdapter, 3, "AllocateDomainCommonBuffer", VF_CALLER());
    if (VirtualAddress != NULL)
        *VirtualAddress = NULL;
    return STATUS_NOT_SUPPORTED;
}

NTSTATUS NTAPI wdm_dma_flush_dma_buffer(PDMA_ADAPTER DmaAdapter, PMDL Mdl, BOOLEAN ReadOperation)
{
    UNREFERENCED_PARAMETER(Mdl);
    UNREFERENCED_PARAMETER(ReadOperation);
    (void)wdm_dma_resolve(DmaAdapter, 3, "FlushDmaBuffer", VF_CALLER());
    return STATUS_NOT_SUPPORTED;
}

NTSTATUS NTAPI wdm_dma_join_dma_domain(PDMA_ADAPTER DmaAdapter, HANDLE DomainHandle)
{
    UNREFERENCED_PARAMETER(DomainHandle);
    (void)wdm_dma_resolve(DmaAdapter, 3, "JoinDmaDomain", VF_CALLER());
    return STATUS_NOT_SUPPORTED;
}

NTSTATUS NTAPI wdm_dma_leave_dma_domain(PDMA_ADAPTER DmaAdapter)
{
    (void)wdm_dma_resolve(DmaAdapter, 3, "LeaveDmaDomain", VF_CALLER());
    return STATUS_NOT_SUPPORTED;
}

HANDLE NTAPI wdm_dma_get_dma_domain(PDMA_ADAPTER DmaAdapter)
{
    (void)wdm_dma_resolve(DmaAdapter, 3, "GetDmaDomain", VF_CALLER());
    return NULL;
}

PVOID NTAPI wdm_dma_allocate_common_buffer_with_bounds(PDMA_ADAPTER DmaAdapter,
                                                       PPHYSICAL_ADDRESS MinimumAddress,
                                                       PPHYSICAL_ADDRESS MaximumAddress,
                                                       ULONG Length, ULONG Flags,
                                                       MEMORY_CACHING_TYPE *CacheType,
                                                       NODE_REQUIREMENT PreferredNode,
                                                       PPHYSICAL_ADDRESS LogicalAddress)
{
    UNREFERENCED_PARAMETER(MinimumAddress);
    UNREFERENCED_PARAMETER(MaximumAddress);
    UNREFERENCED_PARAMETER(Length);
    UNREFERENCED_PARAMETER(Flags);
    UNREFERENCED_PARAMETER(CacheType);
    UNREFERENCED_PARAMETER(PreferredNode);
    UNREFERENCED_PARAMETER(LogicalAddress);
    (void)wdm_dma_resolve(DmaAdapter, 3, "AllocateCommonBufferWithBounds", VF_CALLER());
    return NULL;
}

NTSTATUS NTAPI wdm_dma_allocate_common_buffer_vector(PDMA_ADAPTER DmaAdapter,
                                                     PHYSICAL_ADDRESS LowAddress,
                                                     PHYSICAL_ADDRESS HighAddress,
                                                     MEMORY_CACHING_TYPE CacheType,
                                                     ULONG IdealNode, ULONG Flags,
                                                     ULONG NumberOfElements,
                                                     ULONGLONG SizeOfElements,
                                                     PDMA_COMMON_BUFFER_VECTOR *VectorOut)
{
    UNREFERENCED_PARAMETER(LowAddress);
    UNREFERENCED_PARAMETER(HighAddress);
    UNREFERENCED_PARAMETER(CacheType);
    UNREFERENCED_PARAMETER(IdealNode);
    UNREFERENCED_PARAMETER(Flags);
    UNREFERENCED_PARAMETER(NumberOfElements);
    UNREFERENCED_PARAMETER(SizeOfElements);
    (void)wdm_dma_resolve(DmaAdapter, 3, "AllocateCommonBufferVector", VF_CALLER());
    if (VectorOut != NULL)
        *VectorOut = NULL;
    return STATUS_NOT_SUPPORTED;
}

VOID NTAPI wdm_dma_get_common_buffer_from_vector_by_index(PDMA_ADAPTER DmaAdapter,
                                                          PDMA_COMMON_BUFFER_VECTOR Vector,
                                                          ULONG Index, PVOID *VirtualAddressOut,
                                                          PPHYSICAL_ADDRESS LogicalAddressOut)
{
    UNREFERENCED_PARAMETER(Vector);
    UNREFERENCED_PARAMETER(Index);
    (void)wdm_dma_resolve(DmaAdapter, 3, "GetCommonBufferFromVectorByIndex", VF_CALLER());
    if (VirtualAddressOut != NULL)
        *VirtualAddressOut = NULL;
    if (LogicalAddressOut != NULL)
        LogicalAddressOut->QuadPart = 0;
}

VOID NTAPI wdm_dma_free_common_buffer_from_vector(PDMA_ADAPTER DmaAdapter,
                                                  PDMA_COMMON_BUFFER_VECTOR Vector, ULONG Index)
{
    UNREFERENCED_PARAMETER(Vector);
    UNREFERENCED_PARAMETER(Index);
    (void)wdm_dma_resolve(DmaAdapter, 3, "FreeCommonBufferFromVector", VF_CALLER());
}

VOID NTAPI wdm_dma_free_common_buffer_vector(PDMA_ADAPTER DmaAdapter,
                                             PDMA_COMMON_BUFFER_VECTOR Vector)
{
    UNREFERENCED_PARAMETER(Vector);
    (void)wdm_dma_resolve(DmaAdapter, 3, "FreeCommonBufferVector", VF_CALLER());
}

NTSTATUS NTAPI wdm_dma_create_common_buffer_from_mdl(
    PDMA_ADAPTER DmaAdapter, PMDL Mdl, PDMA_COMMON_BUFFER_EXTENDED_CONFIGURATION ExtendedConfigs,
    ULONG ExtendedConfigsCount, PPHYSICAL_ADDRESS LogicalAddress)
{
    UNREFERENCED_PARAMETER(Mdl);
    UNREFERENCED_PARAMETER(ExtendedConfigs);
    UNREFERENCED_PARAMETER(ExtendedConfigsCount);
    UNREFERENCED_PARAMETER(LogicalAddress);
    (void)wdm_dma_resolve(DmaAdapter, 3, "CreateCommonBufferFromMdl", VF_CALLER());
    return STATUS_NOT_SUPPORTED;
}
