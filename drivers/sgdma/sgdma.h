/* sgdma.h - private declarations of the sgdma reference KMDF driver (drivers/sgdma): the device,
 * channel and interrupt contexts and the callbacks each source file provides.  driver.c: driver
 * and device creation (stage 1), queues, the statistics IOCTL; hw.c: hardware resources and
 * power (stage 1 hardware side, quiescing); dma.c: requests, EvtProgramDma, ISR and DPC
 * (stages 2-4).  The stages are those of
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/handling-i-o-requests-in-a-kmdf-driver-for-a-bus-master-dma-device */
#ifndef SGDMA_DRIVER_H
#define SGDMA_DRIVER_H

#include <ntddk.h>
#include <wdf.h>

#include "sgdma_hw.h"
#include "sgdma_ioctl.h"

/* Entries of each channel's descriptor ring (a power of two, at most the device's MAX_DESCS). */
#define SGDMA_RING_ENTRIES 2048u
/* The enabler's maximum transfer length; a request longer than this is split into transfers. */
#define SGDMA_MAX_TRANSFER (2u * 1024 * 1024)
/* Alignment the framework's own buffers get; the device's ALIGN is checked in PrepareHardware. */
#define SGDMA_ALIGNMENT_REQUIREMENT FILE_64_BYTE_ALIGNMENT

typedef struct _SGDMA_DEVICE SGDMA_DEVICE;

/* One DMA channel: its ring, its preallocated transaction and the request it is moving.
 * Lock protects Request, the ring indices and the transaction's state changes; the request
 * itself is always completed after Lock is released (completing may present the next one). */
typedef struct _SGDMA_CHANNEL {
    SGDMA_DEVICE *Device;
    ULONG Index;                       /* SGDMA_CHANNEL_H2D or SGDMA_CHANNEL_D2H */
    WDF_DMA_DIRECTION Direction;
    WDFSPINLOCK Lock;
    WDFDMATRANSACTION Transaction;     /* reused for every request (created in DeviceAdd) */
    WDFCOMMONBUFFER RingBuffer;
    volatile SGDMA_DESCRIPTOR *Ring;
    PHYSICAL_ADDRESS RingLogical;
    ULONG RingSize;                    /* entries programmed (<= SGDMA_RING_ENTRIES) */
    ULONG Tail;                        /* next free descriptor */
    ULONG First, Count;                /* descriptors of the transfer in flight */
    WDFREQUEST Request;                /* in flight, or NULL */
    LONGLONG RequestOffset;            /* device-memory offset of the request's first byte */
} SGDMA_CHANNEL;

struct _SGDMA_DEVICE {
    WDFDEVICE Device;
    WDFDMAENABLER Enabler;
    WDFINTERRUPT Interrupt[SGDMA_CHANNELS];   /* one per MSI message: 0 = H2D, 1 = D2H */
    PUCHAR Registers;
    SIZE_T RegistersLength;
    /* From the device's capability registers (PrepareHardware). */
    ULONG MaxDescBytes;                /* largest descriptor, a multiple of Align */
    ULONG Align;                       /* required alignment of address, offset and length */
    ULONG64 MemorySize;                /* bytes of device memory */
    size_t MaxTransfer;                /* per-transfer limit that keeps one transfer in the ring */
    LONG SurpriseRemoved;
    SGDMA_CHANNEL Channel[SGDMA_CHANNELS];
    /* Statistics (Interlocked*). */
    LONG64 ProgramDmaCalls, Descriptors, Interrupts, Dpcs, TransfersCompleted;
    LONG64 RequestsCompleted, DeviceErrors, ShortTransfers, StoppedInFlight;
};

WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(SGDMA_DEVICE, SgdmaGetDevice)

/* Per interrupt object: the channels whose causes its ISR claims, and the causes the ISR saved
 * for the DPC (read and cleared under the interrupt lock). */
typedef struct _SGDMA_INTERRUPT {
    ULONG CauseMask;
    ULONG SavedCauses;
} SGDMA_INTERRUPT;

WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(SGDMA_INTERRUPT, SgdmaGetInterrupt)

/* Register access (the BAR is mapped in PrepareHardware). */
ULONG SgdmaRead(SGDMA_DEVICE *Dev, ULONG Offset);
VOID SgdmaWrite(SGDMA_DEVICE *Dev, ULONG Offset, ULONG Value);

/* hw.c */
EVT_WDF_DEVICE_PREPARE_HARDWARE SgdmaEvtDevicePrepareHardware;
EVT_WDF_DEVICE_RELEASE_HARDWARE SgdmaEvtDeviceReleaseHardware;
EVT_WDF_DEVICE_D0_ENTRY SgdmaEvtDeviceD0Entry;
EVT_WDF_DEVICE_D0_ENTRY_POST_INTERRUPTS_ENABLED SgdmaEvtDeviceD0EntryPostInterruptsEnabled;
EVT_WDF_DEVICE_D0_EXIT_PRE_INTERRUPTS_DISABLED SgdmaEvtDeviceD0ExitPreInterruptsDisabled;
EVT_WDF_DEVICE_D0_EXIT SgdmaEvtDeviceD0Exit;
EVT_WDF_DEVICE_SURPRISE_REMOVAL SgdmaEvtDeviceSurpriseRemoval;
/* Resets one channel and programs its ring again (IRQL <= DISPATCH_LEVEL, channel lock held or
 * the channel otherwise idle). */
VOID SgdmaChannelStart(SGDMA_CHANNEL *Channel);

/* dma.c */
EVT_WDF_IO_QUEUE_IO_READ SgdmaEvtIoRead;
EVT_WDF_IO_QUEUE_IO_WRITE SgdmaEvtIoWrite;
EVT_WDF_PROGRAM_DMA SgdmaEvtProgramDma;
EVT_WDF_INTERRUPT_ISR SgdmaEvtInterruptIsr;
EVT_WDF_INTERRUPT_DPC SgdmaEvtInterruptDpc;
/* Ends the transfer a channel has in flight after the device was reset (power-down/removal):
 * credits what the descriptors say was moved and completes the request.  PASSIVE_LEVEL, with
 * the channel's interrupt and DPC quiet. */
VOID SgdmaChannelAbandon(SGDMA_CHANNEL *Channel);

#endif
