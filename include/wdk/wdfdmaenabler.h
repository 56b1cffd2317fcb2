/* wdfdmaenabler.h - the framework DMA enabler (WDFDMAENABLER), as declared by the WDK (KMDF 1.33):
 * DMA profiles and directions, WDF_DMA_ENABLER_CONFIG (x64 layout, 80 bytes), the system-profile
 * configuration, the six enabler power callbacks and the enabler DDIs.  Runtime side:
 * src/kmdf/dma/wdfdmaenabler.c (shims) and fx_dmaenabler.c; docs/dma-enabler.md.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdmaenabler/
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/enabling-dma-transactions
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/supporting-power-management-for-dma-devices */
#ifndef DMABOX_WDK_WDFDMAENABLER_H
#define DMABOX_WDK_WDFDMAENABLER_H

#include "wdfdriver.h"
#include "wdm/cmres.h"
#include "wdm/dma.h"

/* ---- enums and limits ---- */

/* What kind of DMA the device does.  Packet and scatter/gather profiles are bus-master DMA
 * (PCI); "64" means the device drives 64-bit addresses; "Duplex" gives the enabler separate
 * read and write adapters; the System profiles use a system DMA controller. */
typedef enum _WDF_DMA_PROFILE {
    WdfDmaProfileInvalid = 0,
    WdfDmaProfilePacket,
    WdfDmaProfileScatterGather,
    WdfDmaProfilePacket64,
    WdfDmaProfileScatterGather64,
    WdfDmaProfileScatterGatherDuplex,
    WdfDmaProfileScatterGather64Duplex,
    WdfDmaProfileSystem,
    WdfDmaProfileSystemDuplex,
} WDF_DMA_PROFILE;

/* Passed to the adapter as its WriteToDevice BOOLEAN. */
typedef enum _WDF_DMA_DIRECTION {
    WdfDmaDirectionReadFromDevice = FALSE,
    WdfDmaDirectionWriteToDevice = TRUE,
} WDF_DMA_DIRECTION;

/* WdfDmaEnablerGetMaximumScatterGatherElements' value until the driver sets a limit. */
#define WDF_DMA_ENABLER_UNLIMITED_FRAGMENTS ((ULONG)-1)

/* WDF_DMA_ENABLER_CONFIG.Flags (KMDF 1.11; REQUIRE_SINGLE_TRANSFER 1.19 and DMA version 3). */
typedef enum _WDF_DMA_ENABLER_CONFIG_FLAGS {
    WDF_DMA_ENABLER_CONFIG_NO_SGLIST_PREALLOCATION = 0x00000001,
    WDF_DMA_ENABLER_CONFIG_REQUIRE_SINGLE_TRANSFER = 0x00000002,
} WDF_DMA_ENABLER_CONFIG_FLAGS;

/* ---- power callbacks (PASSIVE_LEVEL; do not make them pageable) ----
 * On every entry to D0, after EvtDeviceD0Entry[PostInterruptsEnabled]: Fill, Enable,
 * SelfManagedIoStart.  On every exit from D0, before EvtDeviceD0Exit: SelfManagedIoStop,
 * Disable, Flush.  Each returns an NTSTATUS; a failure fails the power transition. */
typedef NTSTATUS NTAPI EVT_WDF_DMA_ENABLER_FILL(_In_ WDFDMAENABLER DmaEnabler);
typedef EVT_WDF_DMA_ENABLER_FILL *PFN_WDF_DMA_ENABLER_FILL;
typedef NTSTATUS NTAPI EVT_WDF_DMA_ENABLER_FLUSH(_In_ WDFDMAENABLER DmaEnabler);
typedef EVT_WDF_DMA_ENABLER_FLUSH *PFN_WDF_DMA_ENABLER_FLUSH;
typedef NTSTATUS NTAPI EVT_WDF_DMA_ENABLER_ENABLE(_In_ WDFDMAENABLER DmaEnabler);
typedef EVT_WDF_DMA_ENABLER_ENABLE *PFN_WDF_DMA_ENABLER_ENABLE;
typedef NTSTATUS NTAPI EVT_WDF_DMA_ENABLER_DISABLE(_In_ WDFDMAENABLER DmaEnabler);
typedef EVT_WDF_DMA_ENABLER_DISABLE *PFN_WDF_DMA_ENABLER_DISABLE;
typedef NTSTATUS NTAPI EVT_WDF_DMA_ENABLER_SELFMANAGED_IO_START(_In_ WDFDMAENABLER DmaEnabler);
typedef EVT_WDF_DMA_ENABLER_SELFMANAGED_IO_START *PFN_WDF_DMA_ENABLER_SELFMANAGED_IO_START;
typedef NTSTATUS NTAPI EVT_WDF_DMA_ENABLER_SELFMANAGED_IO_STOP(_In_ WDFDMAENABLER DmaEnabler);
typedef EVT_WDF_DMA_ENABLER_SELFMANAGED_IO_STOP *PFN_WDF_DMA_ENABLER_SELFMANAGED_IO_STOP;

/* ---- WDF_DMA_ENABLER_CONFIG ---- */

typedef struct _WDF_DMA_ENABLER_CONFIG {
    ULONG Size;                         /* WDF_DMA_ENABLER_CONFIG_INIT sets it */
    WDF_DMA_PROFILE Profile;
    size_t MaximumLength;               /* largest transfer the device takes; not 0 */
    PFN_WDF_DMA_ENABLER_FILL EvtDmaEnablerFill;
    PFN_WDF_DMA_ENABLER_FLUSH EvtDmaEnablerFlush;
    PFN_WDF_DMA_ENABLER_DISABLE EvtDmaEnablerDisable;
    PFN_WDF_DMA_ENABLER_ENABLE EvtDmaEnablerEnable;
    PFN_WDF_DMA_ENABLER_SELFMANAGED_IO_START EvtDmaEnablerSelfManagedIoStart;
    PFN_WDF_DMA_ENABLER_SELFMANAGED_IO_STOP EvtDmaEnablerSelfManagedIoStop;
    ULONG AddressWidthOverride;         /* 1.11: 0, or the address bits the device drives */
    ULONG WdmDmaVersionOverride;        /* 1.11: 0 (framework default) or a DMA version (3) */
    ULONG Flags;                        /* 1.11: WDF_DMA_ENABLER_CONFIG_FLAGS */
} WDF_DMA_ENABLER_CONFIG, *PWDF_DMA_ENABLER_CONFIG;

C_ASSERT(sizeof(WDF_DMA_ENABLER_CONFIG) == 80);
C_ASSERT(FIELD_OFFSET(WDF_DMA_ENABLER_CONFIG, MaximumLength) == 8);
C_ASSERT(FIELD_OFFSET(WDF_DMA_ENABLER_CONFIG, EvtDmaEnablerFill) == 16);
C_ASSERT(FIELD_OFFSET(WDF_DMA_ENABLER_CONFIG, EvtDmaEnablerSelfManagedIoStop) == 56);
C_ASSERT(FIELD_OFFSET(WDF_DMA_ENABLER_CONFIG, AddressWidthOverride) == 64);
C_ASSERT(FIELD_OFFSET(WDF_DMA_ENABLER_CONFIG, WdmDmaVersionOverride) == 68);
C_ASSERT(FIELD_OFFSET(WDF_DMA_ENABLER_CONFIG, Flags) == 72);

/* Zeroes the structure (no callbacks, no overrides, no flags), sets Size, Profile and
 * MaximumLength. */
FORCEINLINE VOID WDF_DMA_ENABLER_CONFIG_INIT(_Out_ PWDF_DMA_ENABLER_CONFIG Config,
                                             _In_ WDF_DMA_PROFILE Profile,
                                             _In_ size_t MaximumLength)
{
    RtlZeroMemory(Config, sizeof(WDF_DMA_ENABLER_CONFIG));
    Config->Size = WDF_STRUCTURE_SIZE(WDF_DMA_ENABLER_CONFIG);
    Config->Profile = Profile;
    Config->MaximumLength = MaximumLength;
}

/* ---- WDF_DMA_SYSTEM_PROFILE_CONFIG (system DMA; dmabox does not implement it) ---- */

typedef struct _WDF_DMA_SYSTEM_PROFILE_CONFIG {
    ULONG Size;
    BOOLEAN DemandMode;                 /* the device's request line paces the transfer */
    BOOLEAN LoopedTransfer;             /* the controller wraps to the buffer's start */
    DMA_WIDTH DmaWidth;
    PHYSICAL_ADDRESS DeviceAddress;     /* translated address of the device's FIFO/register */
    PCM_PARTIAL_RESOURCE_DESCRIPTOR DmaDescriptor; /* the translated CmResourceTypeDma */
} WDF_DMA_SYSTEM_PROFILE_CONFIG, *PWDF_DMA_SYSTEM_PROFILE_CONFIG;

C_ASSERT(sizeof(WDF_DMA_SYSTEM_PROFILE_CONFIG) == 32);
C_ASSERT(FIELD_OFFSET(WDF_DMA_SYSTEM_PROFILE_CONFIG, DmaWidth) == 8);
C_ASSERT(FIELD_OFFSET(WDF_DMA_SYSTEM_PROFILE_CONFIG, DeviceAddress) == 16);
C_ASSERT(FIELD_OFFSET(WDF_DMA_SYSTEM_PROFILE_CONFIG, DmaDescriptor) == 24);

FORCEINLINE VOID WDF_DMA_SYSTEM_PROFILE_CONFIG_INIT(
    _Out_ PWDF_DMA_SYSTEM_PROFILE_CONFIG DmaConfig, _In_ PHYSICAL_ADDRESS Address,
    _In_ DMA_WIDTH DmaWidth, _In_ PCM_PARTIAL_RESOURCE_DESCRIPTOR DmaDescriptor)
{
    RtlZeroMemory(DmaConfig, sizeof(WDF_DMA_SYSTEM_PROFILE_CONFIG));
    DmaConfig->Size = WDF_STRUCTURE_SIZE(WDF_DMA_SYSTEM_PROFILE_CONFIG);
    DmaConfig->DeviceAddress = Address;
    DmaConfig->DmaWidth = DmaWidth;
    DmaConfig->DmaDescriptor = DmaDescriptor;
}

/* ---- DDIs ---- */

/* PASSIVE_LEVEL, normally in EvtDriverDeviceAdd or EvtDevicePrepareHardware (after
 * WdfDeviceSetAlignmentRequirement).  The enabler's parent is always Device.  Returns
 * STATUS_SUCCESS, STATUS_INFO_LENGTH_MISMATCH (Config->Size), STATUS_INVALID_PARAMETER (profile,
 * MaximumLength 0, overrides, flags), STATUS_NOT_SUPPORTED (system profiles in dmabox),
 * STATUS_UNSUCCESSFUL (no adapter), STATUS_INSUFFICIENT_RESOURCES or an object-creation status;
 * *DmaEnablerHandle is NULL on failure. */
typedef NTSTATUS(NTAPI *PFN_WDFDMAENABLERCREATE)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                 WDFDEVICE Device,
                                                 PWDF_DMA_ENABLER_CONFIG Config,
                                                 PWDF_OBJECT_ATTRIBUTES Attributes,
                                                 WDFDMAENABLER *DmaEnablerHandle);
_Must_inspect_result_ _IRQL_requires_max_(PASSIVE_LEVEL)
FORCEINLINE NTSTATUS WdfDmaEnablerCreate(_In_ WDFDEVICE Device,
                                         _In_ PWDF_DMA_ENABLER_CONFIG Config,
                                         _In_opt_ PWDF_OBJECT_ATTRIBUTES Attributes,
                                         _Out_ WDFDMAENABLER *DmaEnablerHandle)
{
    return ((PFN_WDFDMAENABLERCREATE)WdfFunctions[WdfDmaEnablerCreateTableIndex])(
        WdfDriverGlobals, Device, Config, Attributes, DmaEnablerHandle);
}

/* System profiles only (PASSIVE_LEVEL).  dmabox: STATUS_NOT_SUPPORTED. */
typedef NTSTATUS(NTAPI *PFN_WDFDMAENABLERCONFIGURESYSTEMPROFILE)(
    PWDF_DRIVER_GLOBALS DriverGlobals, WDFDMAENABLER DmaEnabler,
    PWDF_DMA_SYSTEM_PROFILE_CONFIG ProfileConfig, WDF_DMA_DIRECTION ConfigDirection);
_Must_inspect_result_ _IRQL_requires_max_(PASSIVE_LEVEL)
FORCEINLINE NTSTATUS WdfDmaEnablerConfigureSystemProfile(
    _In_ WDFDMAENABLER DmaEnabler, _In_ PWDF_DMA_SYSTEM_PROFILE_CONFIG ProfileConfig,
    _In_ WDF_DMA_DIRECTION ConfigDirection)
{
    return ((PFN_WDFDMAENABLERCONFIGURESYSTEMPROFILE)
                WdfFunctions[WdfDmaEnablerConfigureSystemProfileTableIndex])(
        WdfDriverGlobals, DmaEnabler, ProfileConfig, ConfigDirection);
}

/* IRQL <= DISPATCH_LEVEL: the configured MaximumLength (truncated to 32 bits). */
typedef size_t(NTAPI *PFN_WDFDMAENABLERGETMAXIMUMLENGTH)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                         WDFDMAENABLER DmaEnabler);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE size_t WdfDmaEnablerGetMaximumLength(_In_ WDFDMAENABLER DmaEnabler)
{
    return ((PFN_WDFDMAENABLERGETMAXIMUMLENGTH)
                WdfFunctions[WdfDmaEnablerGetMaximumLengthTableIndex])(WdfDriverGlobals,
                                                                       DmaEnabler);
}

/* IRQL <= DISPATCH_LEVEL: the limit, WDF_DMA_ENABLER_UNLIMITED_FRAGMENTS until set. */
typedef size_t(NTAPI *PFN_WDFDMAENABLERGETMAXIMUMSCATTERGATHERELEMENTS)(
    PWDF_DRIVER_GLOBALS DriverGlobals, WDFDMAENABLER DmaEnabler);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE size_t WdfDmaEnablerGetMaximumScatterGatherElements(_In_ WDFDMAENABLER DmaEnabler)
{
    return ((PFN_WDFDMAENABLERGETMAXIMUMSCATTERGATHERELEMENTS)
                WdfFunctions[WdfDmaEnablerGetMaximumScatterGatherElementsTableIndex])(
        WdfDriverGlobals, DmaEnabler);
}

/* PASSIVE_LEVEL, from EvtDriverDeviceAdd or EvtDevicePrepareHardware.  0 is ignored. */
typedef VOID(NTAPI *PFN_WDFDMAENABLERSETMAXIMUMSCATTERGATHERELEMENTS)(
    PWDF_DRIVER_GLOBALS DriverGlobals, WDFDMAENABLER DmaEnabler, size_t MaximumFragments);
_IRQL_requires_max_(PASSIVE_LEVEL)
FORCEINLINE VOID WdfDmaEnablerSetMaximumScatterGatherElements(_In_ WDFDMAENABLER DmaEnabler,
                                                              _In_ size_t MaximumFragments)
{
    ((PFN_WDFDMAENABLERSETMAXIMUMSCATTERGATHERELEMENTS)
         WdfFunctions[WdfDmaEnablerSetMaximumScatterGatherElementsTableIndex])(
        WdfDriverGlobals, DmaEnabler, MaximumFragments);
}

/* IRQL <= DISPATCH_LEVEL: the largest transfer the direction's adapter maps at once,
 * min(MaximumLength, (map registers - 1) * PAGE_SIZE); 0 for an invalid direction. */
typedef size_t(NTAPI *PFN_WDFDMAENABLERGETFRAGMENTLENGTH)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                          WDFDMAENABLER DmaEnabler,
                                                          WDF_DMA_DIRECTION DmaDirection);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE size_t WdfDmaEnablerGetFragmentLength(_In_ WDFDMAENABLER DmaEnabler,
                                                  _In_ WDF_DMA_DIRECTION DmaDirection)
{
    return ((PFN_WDFDMAENABLERGETFRAGMENTLENGTH)
                WdfFunctions[WdfDmaEnablerGetFragmentLengthTableIndex])(WdfDriverGlobals,
                                                                        DmaEnabler, DmaDirection);
}

/* IRQL <= DISPATCH_LEVEL: the WDM adapter of that direction (one adapter for simplex
 * profiles); valid until the enabler is deleted.  NULL for an invalid direction. */
typedef PDMA_ADAPTER(NTAPI *PFN_WDFDMAENABLERWDMGETDMAADAPTER)(PWDF_DRIVER_GLOBALS DriverGlobals,
                                                               WDFDMAENABLER DmaEnabler,
                                                               WDF_DMA_DIRECTION DmaDirection);
_IRQL_requires_max_(DISPATCH_LEVEL)
FORCEINLINE PDMA_ADAPTER WdfDmaEnablerWdmGetDmaAdapter(_In_ WDFDMAENABLER DmaEnabler,
                                                       _In_ WDF_DMA_DIRECTION DmaDirection)
{
    return ((PFN_WDFDMAENABLERWDMGETDMAADAPTER)
                WdfFunctions[WdfDmaEnablerWdmGetDmaAdapterTableIndex])(WdfDriverGlobals,
                                                                       DmaEnabler, DmaDirection);
}

#endif
