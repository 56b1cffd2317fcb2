/* sgdma_ioctl.h - the public interface of the sgdma reference driver (drivers/sgdma): the device
 * interface class an application opens, and the one I/O control code it supports.  Shared by the
 * driver and by applications; it needs no WDK or dmabox header (plain C types whose sizes are the
 * same on LLP64 Windows and LP64 Linux), and declares GUID_DEVINTERFACE_SGDMA when the includer
 * has DEFINE_GUID (the WDK's ntdef.h / Windows' guiddef.h).
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/install/overview-of-device-interface-classes
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/defining-i-o-control-codes */
#ifndef SGDMA_IOCTL_H
#define SGDMA_IOCTL_H

/* {5c1d4a7e-9b2f-4e83-a6d0-3f71c2b8e914}: a brace initializer for a GUID (or dmabox_guid_t). */
#define SGDMA_INTERFACE_GUID_INIT \
    {0x5c1d4a7eu, 0x9b2fu, 0x4e83u, {0xa6u, 0xd0u, 0x3fu, 0x71u, 0xc2u, 0xb8u, 0xe9u, 0x14u}}

#ifdef DEFINE_GUID
DEFINE_GUID(GUID_DEVINTERFACE_SGDMA, 0x5c1d4a7e, 0x9b2f, 0x4e83, 0xa6, 0xd0, 0x3f, 0x71, 0xc2,
            0xb8, 0xe9, 0x14);
#endif

/* Reads and writes: the file offset is the byte offset in the device's memory; the length and
 * offset must be multiples of the device's ALIGN capability (1 by default) and lie inside its
 * memory, else STATUS_INVALID_PARAMETER.  Reads move device memory to the buffer (D2H channel),
 * writes the buffer to device memory (H2D channel); both complete with the bytes moved. */

/* CTL_CODE(FILE_DEVICE_UNKNOWN, 0x900, METHOD_BUFFERED, FILE_READ_ACCESS), spelt out so that
 * applications without the WDK's CTL_CODE can use it.  Output: SGDMA_STATISTICS. */
#define IOCTL_SGDMA_GET_STATISTICS ((0x22u << 16) | (0x1u << 14) | (0x900u << 2) | 0u)

/* Counters since the device was added (all unsigned 64-bit). */
typedef struct _SGDMA_STATISTICS {
    unsigned long long ProgramDmaCalls;    /* EvtProgramDma calls (DMA transfers started) */
    unsigned long long Descriptors;        /* descriptors handed to the device */
    unsigned long long Interrupts;         /* ISR calls that claimed the interrupt */
    unsigned long long Dpcs;               /* EvtInterruptDpc calls */
    unsigned long long TransfersCompleted; /* transfers reported with DmaCompleted* */
    unsigned long long RequestsCompleted;  /* read/write requests completed after DMA */
    unsigned long long DeviceErrors;       /* transfers that ended in a descriptor/channel error */
    unsigned long long ShortTransfers;     /* transfers with a short descriptor */
    unsigned long long StoppedInFlight;    /* requests ended by power-down/removal mid-DMA */
} SGDMA_STATISTICS;

#endif
