/* wdfcommonbuffer.h - framework common buffers (WDFCOMMONBUFFER), as declared by the WDK (KMDF
 * 1.33): memory both the driver and its bus-master device reach, allocated through a DMA
 * enabler's adapter.  Runtime side: src/kmdf/dma/wdfcommonbuffer.c (shims) and fx_commonbuffer.c;
 * docs/dma-enabler.md.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfcommonbuffer/
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/using-common-buffers */
#ifndef DMABOX_WDK_WDFCOMMONBUFFER_H
#define DMABOX_WDK_WDFCOMMONBUFFER_H

#include "wdfdmaenabler.h"

typedef struct _WDF_COMMON_BUFFER_CONFIG {
    ULONG Size;
    ULONG AlignmentRequirement;   /* mask: boundary - 1 (FILE_xxx_ALIGNMENT values work) */
} WDF_COMMON_BUFFER_CONFIG, *PWDF_COMMON_BUFFER_CONFIG;

C_ASSERT(sizeof(WDF_COMMON_BUFFER_CONFIG) == 8);

FORCEINLINE VOID WDF_COMMON_BUFFER_CONFIG_INIT(_Out_ PWDF_COMMON_BUFFER_CONFIG Config,
                                               _In_ ULONG AlignmentRequirement)
{
    RtlZeroMemory(Config, sizeof(WDF_COMMON_BUFFER_CONFIG));
    Config->Size = WDF_STRUCTURE_SIZE(WDF_COMMON_BUFFER_CONFIG);
    Config->AlignmentRequirement = AlignmentRequirement;
}

/* PASSIVE_LEVEL.  The buffer's parent is always the enabler (ParentObject must be NULL); it is
 * freed when deleted or with the enabler.  Returns STATUS_SUCCESS, STATUS_INVALID_PARAMETER
 * (Length 0), STATUS_WDF_PARENT_ASSIGNMENT_NOT_ALLOWED, STATUS_INSUFFICIENT_RESOURCES or an
 * object-creation status; *CommonBuffer is NULL on failure. */
typedef NTSTATUS(NTAPI *PFN_WDFCOMMONBUFFERCREATE)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                   WDFDMAENABLER DmaEnabler, size_t Length,
                                                   PWDF_OBJECT_ATTRIBUTES Attributes,
                                                   WDFCOMMONBUFFER *CommonBuffer);
_Must_inspect_result_ _IRQL_requires_max_(PASSIVE_LEVEL)
FORCEINLINE NTSTATUS WdfCommonBufferCreate(_In_ WDFDMAENABLER DmaEnabler,
                                           _In_ _When_(1, _In_range_(>, 0)) size_t Length,
                                           _In_opt_ PWDF_OBJECT_ATTRIBUTES Attributes,
                                           _Out_ WDFCOMMONBUFFER *CommonBuffer)
{
    return ((PFN_WDFCOMMONBUFFERCREATE)WdfFunctions[WdfCommonBufferCreateTableIndex])(
        WdfDriverGlobals, DmaEnabler, Length, Attributes, CommonBuffer);
}

/* As WdfCommonBufferCreate; Config->AlignmentRequirement replaces the enabler's alignment.
 * Also STATUS_INFO_LENGTH_MISMATCH (Config->Size). */
typedef NTSTATUS(NTAPI *PFN_WDFCOMMONBUFFERCREATEWITHCONFIG)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                             WDFDMAENABLER DmaEnabler,
                                                             size_t Length,
                                                             PWDF_COMMON_BUFFER_CONFIG Config,
                                                             PWDF_OBJECT_ATTRIBUTES Attributes,
                                                             WDFCOMMONBUFFER *CommonBuffer);
_Must_inspect_result_ _IRQL_requires_max_(PASSIVE_LEVEL)
FORCEINLINE NTSTATUS WdfCommonBufferCreateWithConfig(
    _In_ WDFDMAENABLER DmaEnabler, _In_ _When_(1, _In_range_(>, 0)) size_t Length,
    _In_ PWDF_COMMON_BUFFER_CONFIG Config, _In_opt_ PWDF_OBJECT_ATTRIBUTES Attributes,
    _Out_ WDFCOMMONBUFFER *CommonBuffer)
{
    return ((PFN_WDFCOMMONBUFFERCREATEWITHCONFIG)
                WdfFunctions[WdfCommonBufferCreateWithConfigTableIndex])(
        WdfDriverGlobals, DmaEnabler, Length, Config, Attributes, CommonBuffer);
}

/* IRQL <= DISPATCH_LEVEL: the driver's view of the buffer (aligned as the logical address). */
typedef PVOID(NTAPI *PFN_WDFCOMMONBUFFERGETALIGNEDVIRTUALADDRESS)(
    PWDF_DRIVER_GLOBALS DriverGlobals, WDFCOMMONBUFFER CommonBuffer);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE PVOID WdfCommonBufferGetAlignedVirtualAddress(_In_ WDFCOMMONBUFFER CommonBuffer)
{
    return ((PFN_WDFCOMMONBUFFERGETALIGNEDVIRTUALADDRESS)
                WdfFunctions[WdfCommonBufferGetAlignedVirtualAddressTableIndex])(WdfDriverGlobals,
                                                                                CommonBuffer);
}

/* IRQL <= DISPATCH_LEVEL: the address the device must be given (device-logical, aligned). */
typedef PHYSICAL_ADDRESS(NTAPI *PFN_WDFCOMMONBUFFERGETALIGNEDLOGICALADDRESS)(
    PWDF_DRIVER_GLOBALS DriverGlobals, WDFCOMMONBUFFER CommonBuffer);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE PHYSICAL_ADDRESS WdfCommonBufferGetAlignedLogicalAddress(
    _In_ WDFCOMMONBUFFER CommonBuffer)
{
    return ((PFN_WDFCOMMONBUFFERGETALIGNEDLOGICALADDRESS)
                WdfFunctions[WdfCommonBufferGetAlignedLogicalAddressTableIndex])(WdfDriverGlobals,
                                                                                CommonBuffer);
}

/* IRQL <= DISPATCH_LEVEL: the Length the driver asked for. */
typedef size_t(NTAPI *PFN_WDFCOMMONBUFFERGETLENGTH)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                    WDFCOMMONBUFFER CommonBuffer);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE size_t WdfCommonBufferGetLength(_In_ WDFCOMMONBUFFER CommonBuffer)
{
    return ((PFN_WDFCOMMONBUFFERGETLENGTH)WdfFunctions[WdfCommonBufferGetLengthTableIndex])(
        WdfDriverGlobals, CommonBuffer);
}

#endif
