/* wdm/cmres.h - section of wdm.h: hardware resource lists (CM_RESOURCE_LIST and its parts), the
 * raw and translated lists a driver receives in EvtDevicePrepareHardware, and the
 * RtlCm{Encode,Decode}MemIoResource helpers (implemented in src/wdm/cmres.c).  Layouts are the
 * x64 WDK's and are checked below.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/ns-wdm-_cm_partial_resource_descriptor
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/ns-wdm-_cm_resource_list
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/raw-and-translated-resources
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/using-interrupt-resource-descriptors */
#ifndef DMABOX_WDK_WDM_CMRES_H
#define DMABOX_WDK_WDM_CMRES_H

#include "../ntdef.h"

/* The bus a resource list belongs to (CM_FULL_RESOURCE_DESCRIPTOR.InterfaceType, and
 * DEVICE_DESCRIPTION.InterfaceType of the DMA adapter).  dmabox devices sit on PCIBus. */
typedef enum _INTERFACE_TYPE {
    InterfaceTypeUndefined = -1,
    Internal,
    Isa,
    Eisa,
    MicroChannel,
    TurboChannel,
    PCIBus,
    VMEBus,
    NuBus,
    PCMCIABus,
    CBus,
    MPIBus,
    MPSABus,
    ProcessorInternal,
    InternalPowerBus,
    PNPISABus,
    PNPBus,
    Vmcs,
    ACPIBus,
    MaximumInterfaceType
} INTERFACE_TYPE, *PINTERFACE_TYPE;

/* CM_PARTIAL_RESOURCE_DESCRIPTOR.Type. */
typedef int CM_RESOURCE_TYPE;
#define CmResourceTypeNull 0
#define CmResourceTypePort 1
#define CmResourceTypeInterrupt 2
#define CmResourceTypeMemory 3
#define CmResourceTypeDma 4
#define CmResourceTypeDeviceSpecific 5
#define CmResourceTypeBusNumber 6
#define CmResourceTypeMemoryLarge 7
#define CmResourceTypeNonArbitrated 128
#define CmResourceTypeConfigData 128
#define CmResourceTypeDevicePrivate 129
#define CmResourceTypePcCardConfig 130
#define CmResourceTypeMfCardConfig 131
#define CmResourceTypeConnection 132

/* CM_PARTIAL_RESOURCE_DESCRIPTOR.ShareDisposition. */
typedef enum _CM_SHARE_DISPOSITION {
    CmResourceShareUndetermined = 0,
    CmResourceShareDeviceExclusive,
    CmResourceShareDriverExclusive,
    CmResourceShareShared
} CM_SHARE_DISPOSITION;

/* Flags of CmResourceTypeInterrupt.  A message-signaled interrupt (MESSAGE set) is described by
 * u.MessageInterrupt, a line-based one by u.Interrupt. */
#define CM_RESOURCE_INTERRUPT_LEVEL_SENSITIVE 0x00
#define CM_RESOURCE_INTERRUPT_LATCHED 0x01
#define CM_RESOURCE_INTERRUPT_MESSAGE 0x02
#define CM_RESOURCE_INTERRUPT_POLICY_INCLUDED 0x04
#define CM_RESOURCE_INTERRUPT_SECONDARY_INTERRUPT 0x10
#define CM_RESOURCE_INTERRUPT_WAKE_HINT 0x20
#define CM_RESOURCE_INTERRUPT_LEVEL_LATCHED_BITS 0x0001
#define CM_RESOURCE_INTERRUPT_MESSAGE_TOKEN ((ULONG)-2)

/* Flags of CmResourceTypeMemory and CmResourceTypeMemoryLarge. */
#define CM_RESOURCE_MEMORY_READ_WRITE 0x0000
#define CM_RESOURCE_MEMORY_READ_ONLY 0x0001
#define CM_RESOURCE_MEMORY_WRITE_ONLY 0x0002
#define CM_RESOURCE_MEMORY_WRITEABILITY_MASK 0x0003
#define CM_RESOURCE_MEMORY_PREFETCHABLE 0x0004
#define CM_RESOURCE_MEMORY_COMBINEDWRITE 0x0008
#define CM_RESOURCE_MEMORY_24 0x0010
#define CM_RESOURCE_MEMORY_CACHEABLE 0x0020
#define CM_RESOURCE_MEMORY_WINDOW_DECODE 0x0040
#define CM_RESOURCE_MEMORY_BAR 0x0080
#define CM_RESOURCE_MEMORY_COMPAT_FOR_INACCESSIBLE_RANGE 0x0100
#define CM_RESOURCE_MEMORY_LARGE 0x0E00
#define CM_RESOURCE_MEMORY_LARGE_40 0x0200
#define CM_RESOURCE_MEMORY_LARGE_48 0x0400
#define CM_RESOURCE_MEMORY_LARGE_64 0x0800
#define CM_RESOURCE_MEMORY_LARGE_40_MAXLEN 0x000000FFFFFFFF00ull
#define CM_RESOURCE_MEMORY_LARGE_48_MAXLEN 0x0000FFFFFFFF0000ull
#define CM_RESOURCE_MEMORY_LARGE_64_MAXLEN 0xFFFFFFFF00000000ull

/* Flags of CmResourceTypePort. */
#define CM_RESOURCE_PORT_MEMORY 0x0000
#define CM_RESOURCE_PORT_IO 0x0001
#define CM_RESOURCE_PORT_10_BIT_DECODE 0x0004
#define CM_RESOURCE_PORT_12_BIT_DECODE 0x0008
#define CM_RESOURCE_PORT_16_BIT_DECODE 0x0010
#define CM_RESOURCE_PORT_POSITIVE_DECODE 0x0020
#define CM_RESOURCE_PORT_PASSIVE_DECODE 0x0040
#define CM_RESOURCE_PORT_WINDOW_DECODE 0x0080
#define CM_RESOURCE_PORT_BAR 0x0100

/* Flags of CmResourceTypeDma. */
#define CM_RESOURCE_DMA_8 0x0000
#define CM_RESOURCE_DMA_16 0x0001
#define CM_RESOURCE_DMA_32 0x0002
#define CM_RESOURCE_DMA_8_AND_16 0x0004
#define CM_RESOURCE_DMA_BUS_MASTER 0x0008
#define CM_RESOURCE_DMA_TYPE_A 0x0010
#define CM_RESOURCE_DMA_TYPE_B 0x0020
#define CM_RESOURCE_DMA_TYPE_F 0x0040
#define CM_RESOURCE_DMA_V3 0x0080

#define DMAV3_TRANFER_WIDTH_8 0x00
#define DMAV3_TRANFER_WIDTH_16 0x01
#define DMAV3_TRANFER_WIDTH_32 0x02
#define DMAV3_TRANFER_WIDTH_64 0x03
#define DMAV3_TRANFER_WIDTH_128 0x04
#define DMAV3_TRANFER_WIDTH_256 0x05

/* u.Connection.Class / .Type of CmResourceTypeConnection. */
#define CM_RESOURCE_CONNECTION_CLASS_GPIO 0x01
#define CM_RESOURCE_CONNECTION_CLASS_SERIAL 0x02
#define CM_RESOURCE_CONNECTION_CLASS_FUNCTION_CONFIG 0x03
#define CM_RESOURCE_CONNECTION_TYPE_GPIO_IO 0x02
#define CM_RESOURCE_CONNECTION_TYPE_SERIAL_I2C 0x01
#define CM_RESOURCE_CONNECTION_TYPE_SERIAL_SPI 0x02
#define CM_RESOURCE_CONNECTION_TYPE_SERIAL_UART 0x03
#define CM_RESOURCE_CONNECTION_TYPE_FUNCTION_CONFIG 0x01

/* One resource.  Packed to 4 so that the 8-byte members of the union sit at offset 4 and the
 * descriptor is 20 bytes, as in the WDK.  Drivers that define NT_PROCESSOR_GROUPS before including
 * wdm.h see Level/Group as two USHORTs instead of one ULONG Level (same bytes; dmabox reports
 * group 0, so both views read the same level). */
#pragma pack(push, 4)
typedef struct _CM_PARTIAL_RESOURCE_DESCRIPTOR {
    UCHAR Type;             /* CmResourceType* */
    UCHAR ShareDisposition; /* CM_SHARE_DISPOSITION */
    USHORT Flags;           /* per-type CM_RESOURCE_* flags */
    union {
        struct {
            PHYSICAL_ADDRESS Start;
            ULONG Length;
        } Generic;
        struct {
            PHYSICAL_ADDRESS Start; /* raw: bus port number; translated: see the Flags */
            ULONG Length;
        } Port;
        struct {
#if defined(NT_PROCESSOR_GROUPS)
            USHORT Level;
            USHORT Group;
#else
            ULONG Level;     /* raw: bus level; translated: DIRQL */
#endif
            ULONG Vector;    /* raw: bus vector; translated: system vector */
            KAFFINITY Affinity;
        } Interrupt;
        struct {
            union {
                struct {
#if defined(NT_PROCESSOR_GROUPS)
                    USHORT Group;
#else
                    USHORT Reserved;
#endif
                    USHORT MessageCount; /* messages allocated to the device */
                    ULONG Vector;
                    KAFFINITY Affinity;
                } Raw;
                struct {
#if defined(NT_PROCESSOR_GROUPS)
                    USHORT Level;
                    USHORT Group;
#else
                    ULONG Level;
#endif
                    ULONG Vector;
                    KAFFINITY Affinity;
                } Translated;
            };
        } MessageInterrupt;
        struct {
            PHYSICAL_ADDRESS Start; /* raw: bus address; translated: system physical address */
            ULONG Length;
        } Memory;
        struct {
            ULONG Channel;
            ULONG Port;
            ULONG Reserved1;
        } Dma;
        struct {
            ULONG Channel;
            ULONG RequestLine;
            UCHAR TransferWidth;
            UCHAR Reserved1;
            UCHAR Reserved2;
            UCHAR Reserved3;
        } DmaV3;
        struct {
            ULONG Data[3];
        } DevicePrivate;
        struct {
            ULONG Start;
            ULONG Length;
            ULONG Reserved;
        } BusNumber;
        struct {
            ULONG DataSize;
            ULONG Reserved1;
            ULONG Reserved2;
        } DeviceSpecificData;
        struct {
            PHYSICAL_ADDRESS Start;
            ULONG Length40; /* length >> 8 */
        } Memory40;
        struct {
            PHYSICAL_ADDRESS Start;
            ULONG Length48; /* length >> 16 */
        } Memory48;
        struct {
            PHYSICAL_ADDRESS Start;
            ULONG Length64; /* length >> 32 */
        } Memory64;
        struct {
            UCHAR Class;
            UCHAR Type;
            UCHAR Reserved1;
            UCHAR Reserved2;
            ULONG IdLowPart;
            ULONG IdHighPart;
        } Connection;
    } u;
} CM_PARTIAL_RESOURCE_DESCRIPTOR, *PCM_PARTIAL_RESOURCE_DESCRIPTOR;
#pragma pack(pop)

/* Resources of one bus, Count descriptors long. */
typedef struct _CM_PARTIAL_RESOURCE_LIST {
    USHORT Version;
    USHORT Revision;
    ULONG Count;
    CM_PARTIAL_RESOURCE_DESCRIPTOR PartialDescriptors[ANYSIZE_ARRAY];
} CM_PARTIAL_RESOURCE_LIST, *PCM_PARTIAL_RESOURCE_LIST;

typedef struct _CM_FULL_RESOURCE_DESCRIPTOR {
    INTERFACE_TYPE InterfaceType; /* not used by WDM drivers */
    ULONG BusNumber;              /* not used by WDM drivers */
    CM_PARTIAL_RESOURCE_LIST PartialResourceList;
} CM_FULL_RESOURCE_DESCRIPTOR, *PCM_FULL_RESOURCE_DESCRIPTOR;

/* What IRP_MN_START_DEVICE carries (and KMDF wraps as a WDFCMRESLIST): Count full descriptors;
 * for a PnP device exactly one. */
typedef struct _CM_RESOURCE_LIST {
    ULONG Count;
    CM_FULL_RESOURCE_DESCRIPTOR List[ANYSIZE_ARRAY];
} CM_RESOURCE_LIST, *PCM_RESOURCE_LIST;

/* x64 WDK sizes and offsets. */
C_ASSERT(sizeof(INTERFACE_TYPE) == 4);
C_ASSERT(sizeof(CM_PARTIAL_RESOURCE_DESCRIPTOR) == 20);
C_ASSERT(FIELD_OFFSET(CM_PARTIAL_RESOURCE_DESCRIPTOR, u) == 4);
C_ASSERT(FIELD_OFFSET(CM_PARTIAL_RESOURCE_DESCRIPTOR, u.Memory.Length) == 12);
C_ASSERT(FIELD_OFFSET(CM_PARTIAL_RESOURCE_DESCRIPTOR, u.Interrupt.Vector) == 8);
C_ASSERT(FIELD_OFFSET(CM_PARTIAL_RESOURCE_DESCRIPTOR, u.Interrupt.Affinity) == 12);
C_ASSERT(FIELD_OFFSET(CM_PARTIAL_RESOURCE_DESCRIPTOR, u.MessageInterrupt.Raw.MessageCount) == 6);
C_ASSERT(FIELD_OFFSET(CM_PARTIAL_RESOURCE_DESCRIPTOR, u.MessageInterrupt.Raw.Affinity) == 12);
C_ASSERT(sizeof(CM_PARTIAL_RESOURCE_LIST) == 28);
C_ASSERT(FIELD_OFFSET(CM_PARTIAL_RESOURCE_LIST, PartialDescriptors) == 8);
C_ASSERT(sizeof(CM_FULL_RESOURCE_DESCRIPTOR) == 36);
C_ASSERT(sizeof(CM_RESOURCE_LIST) == 40);
C_ASSERT(FIELD_OFFSET(CM_RESOURCE_LIST, List[0].PartialResourceList.PartialDescriptors) == 20);

/* Start and length of a CmResourceTypeMemory, CmResourceTypeMemoryLarge or CmResourceTypePort
 * descriptor (Start may be NULL); 0 for any other type.  Any IRQL.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-rtlcmdecodememioresource */
NTSYSAPI ULONGLONG RtlCmDecodeMemIoResource(PCM_PARTIAL_RESOURCE_DESCRIPTOR Descriptor,
                                            PULONGLONG Start);

/* Sets Type, Start and the length fields (and the CM_RESOURCE_MEMORY_LARGE_* flag).  Returns
 * STATUS_SUCCESS, STATUS_UNSUCCESSFUL when Length does not fit the type's encoding (over 32 bits
 * for Memory/Port; for MemoryLarge not a multiple of 256, 64 Ki or 4 Gi as its size requires),
 * or STATUS_INVALID_PARAMETER for another Type.  Any IRQL.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-rtlcmencodememioresource */
NTSYSAPI NTSTATUS RtlCmEncodeMemIoResource(PCM_PARTIAL_RESOURCE_DESCRIPTOR Descriptor, UCHAR Type,
                                           ULONGLONG Length, ULONGLONG Start);

#endif
