/* pktdma.h - private header of the pktdma reference KMDF driver: the device's registers (as the
 * driver writer restates them from the device's data sheet, docs/devices/pktdma.md), the device
 * and interrupt contexts, and the callbacks shared between the driver's source files.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/handling-i-o-requests-in-a-kmdf-driver-for-a-bus-master-dma-device */
#ifndef PKTDMA_H
#define PKTDMA_H

#include <ntddk.h>
#include <wdf.h>

#include "pktdma_ioctl.h"

#define PKTDMA_POOL_TAG 'tkPD'

/* ---- BAR0 registers (32-bit accesses only) ---- */
#define PKTDMA_REG_ID 0x00
#define PKTDMA_REG_VERSION 0x04
#define PKTDMA_REG_CAP_MAX_LEN 0x08
#define PKTDMA_REG_CAP_ADDR_BITS 0x0C
#define PKTDMA_REG_CAP_ALIGN 0x10
#define PKTDMA_REG_CAP_MEM_SIZE 0x14
#define PKTDMA_REG_ADDR_LO 0x20
#define PKTDMA_REG_ADDR_HI 0x24
#define PKTDMA_REG_LENGTH 0x28
#define PKTDMA_REG_DEV_OFFSET 0x2C
#define PKTDMA_REG_CTRL 0x30
#define PKTDMA_REG_STATUS 0x34
#define PKTDMA_REG_BYTES_DONE 0x38
#define PKTDMA_BAR0_MIN_LENGTH 0x58

#define PKTDMA_ID_MAGIC 0x504B5444u        /* "PKTD" */
#define PKTDMA_VERSION_MAJOR 1u

#define PKTDMA_CTRL_DIRECTION 0x01u        /* 1: host-to-device (the device reads host memory) */
#define PKTDMA_CTRL_INT_ENABLE 0x02u
#define PKTDMA_CTRL_GO 0x04u
#define PKTDMA_CTRL_ABORT 0x08u
#define PKTDMA_CTRL_RESET 0x10u

#define PKTDMA_STATUS_BUSY 0x01u
#define PKTDMA_STATUS_DONE 0x02u
#define PKTDMA_STATUS_ERROR 0x04u
#define PKTDMA_STATUS_CODE(s) (((s) >> 8) & 0xFu)

/* The largest transfer the driver asks the framework for.  The device reports its own limit
 * (CAP_MAX_LEN, 4 KiB .. 16 MiB); each transaction is capped at the smaller of the two. */
#define PKTDMA_DRIVER_MAX_TRANSFER (1u << 20)

/* ---- contexts ---- */
typedef struct _PKTDMA_DEVICE_CONTEXT {
    WDFDEVICE Device;
    WDFQUEUE Queue;
    WDFINTERRUPT Interrupt;
    WDFDMAENABLER DmaEnabler;
    WDFDMATRANSACTION Transaction;      /* preallocated in EvtDriverDeviceAdd, reused */

    PUCHAR Registers;                   /* BAR0, mapped in EvtDevicePrepareHardware */
    SIZE_T RegistersLength;
    ULONG Version, MaxTransfer, Alignment, MemorySize;

    /* The request in flight (the queue is sequential: at most one). */
    LONG InFlight;                      /* 1 from Execute until the request is completed */
    LONG Stopping;                      /* EvtIoStop(Purge) seen: finish at the next interrupt */
    LONGLONG RequestOffset;             /* ByteOffset of the request in device memory */
    size_t RequestLength;               /* its length in bytes */

    /* Counters for IOCTL_PKTDMA_GET_INFO (updated with interlocked operations). */
    LONG64 Transfers, Requests, Errors, HighestAddress;
} PKTDMA_DEVICE_CONTEXT, *PPKTDMA_DEVICE_CONTEXT;

WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(PKTDMA_DEVICE_CONTEXT, PktDmaGetDeviceContext)

/* What the ISR saved for its DPC; written and read under the interrupt lock. */
typedef struct _PKTDMA_INTERRUPT_CONTEXT {
    ULONG Status;                       /* STATUS at the interrupt (DONE/ERROR and the code) */
    ULONG BytesDone;                    /* BYTES_DONE of the transfer that ended */
} PKTDMA_INTERRUPT_CONTEXT, *PPKTDMA_INTERRUPT_CONTEXT;

WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(PKTDMA_INTERRUPT_CONTEXT, PktDmaGetInterruptContext)

FORCEINLINE ULONG PktDmaRead(PPKTDMA_DEVICE_CONTEXT Ctx, ULONG Offset)
{
    return READ_REGISTER_ULONG((volatile ULONG *)(Ctx->Registers + Offset));
}

FORCEINLINE VOID PktDmaWrite(PPKTDMA_DEVICE_CONTEXT Ctx, ULONG Offset, ULONG Value)
{
    WRITE_REGISTER_ULONG((volatile ULONG *)(Ctx->Registers + Offset), Value);
}

/* pktdma_driver.c */
DRIVER_INITIALIZE DriverEntry;
EVT_WDF_DRIVER_DEVICE_ADD PktDmaEvtDeviceAdd;

/* pktdma_hw.c */
EVT_WDF_DEVICE_PREPARE_HARDWARE PktDmaEvtDevicePrepareHardware;
EVT_WDF_DEVICE_RELEASE_HARDWARE PktDmaEvtDeviceReleaseHardware;
EVT_WDF_DEVICE_D0_ENTRY PktDmaEvtDeviceD0Entry;
EVT_WDF_DEVICE_D0_EXIT PktDmaEvtDeviceD0Exit;

/* pktdma_io.c */
EVT_WDF_IO_QUEUE_IO_READ PktDmaEvtIoRead;
EVT_WDF_IO_QUEUE_IO_WRITE PktDmaEvtIoWrite;
EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL PktDmaEvtIoDeviceControl;
EVT_WDF_IO_QUEUE_IO_STOP PktDmaEvtIoStop;
EVT_WDF_PROGRAM_DMA PktDmaEvtProgramDma;
VOID PktDmaFinishRequest(PPKTDMA_DEVICE_CONTEXT Ctx, NTSTATUS Status);

/* pktdma_isr.c */
EVT_WDF_INTERRUPT_ISR PktDmaEvtInterruptIsr;
EVT_WDF_INTERRUPT_DPC PktDmaEvtInterruptDpc;
VOID PktDmaReclaimTransfer(PPKTDMA_DEVICE_CONTEXT Ctx);

#endif
