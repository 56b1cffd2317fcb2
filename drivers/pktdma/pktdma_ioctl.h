/* pktdma_ioctl.h - public interface of the pktdma reference KMDF driver: the device interface
 * class an application opens, the I/O control codes and their structures.  Shared by the driver
 * and its applications; on Windows an application includes it after <initguid.h>/<winioctl.h>.
 * Reads and writes are the data path: ByteOffset selects the offset in device memory.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/install/device-interface-classes
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/defining-i-o-control-codes */
#ifndef PKTDMA_IOCTL_H
#define PKTDMA_IOCTL_H

/* {6B1F2C0A-4D3E-4A7B-9C51-0D2E8F3A7B15}: the pktdma device interface class.  The parts are also
 * spelled as macros so a program without the WDK's GUID type can build the value. */
#define PKTDMA_GUID_DATA1 0x6B1F2C0Au
#define PKTDMA_GUID_DATA2 0x4D3Eu
#define PKTDMA_GUID_DATA3 0x4A7Bu
#define PKTDMA_GUID_DATA4 {0x9C, 0x51, 0x0D, 0x2E, 0x8F, 0x3A, 0x7B, 0x15}

#ifdef DEFINE_GUID
DEFINE_GUID(GUID_DEVINTERFACE_PKTDMA, 0x6B1F2C0A, 0x4D3E, 0x4A7B, 0x9C, 0x51, 0x0D, 0x2E, 0x8F,
            0x3A, 0x7B, 0x15);
#endif

/* IOCTL_PKTDMA_GET_INFO: METHOD_BUFFERED, no input, output PKTDMA_INFO.
 * CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS). */
#define IOCTL_PKTDMA_GET_INFO 0x00222000u

/* What the driver read from the device and what it has done since it started.  Fixed-width
 * fields so the layout is the same for every caller. */
typedef struct _PKTDMA_INFO {
    unsigned int Version;              /* VERSION register: major << 16 | minor */
    unsigned int MaxTransfer;          /* CAP_MAX_LEN: the largest single DMA transfer */
    unsigned int Alignment;            /* CAP_ALIGN */
    unsigned int MemorySize;           /* CAP_MEM_SIZE: bytes addressable by ByteOffset */
    unsigned long long Transfers;      /* DMA transfers programmed (EvtProgramDma calls) */
    unsigned long long Requests;       /* read/write requests completed */
    unsigned long long Errors;         /* transfers the device ended with ERROR */
    unsigned long long HighestAddress; /* highest bus address + 1 handed to the device */
} PKTDMA_INFO;

#endif
