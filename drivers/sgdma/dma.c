/* dma.c - the request path of the sgdma reference driver, stages 2 to 4 of "Handling I/O
 * Requests in a KMDF Driver for a Bus-Master DMA Device": the read/write request handlers
 * initialize the channel's reusable transaction from the request and execute it (stage 2),
 * EvtProgramDma writes one transfer's SG list into the descriptor ring and rings the doorbell
 * (stage 3), the ISR saves and clears the interrupt causes and queues the DPC, and the DPC
 * reports each finished transfer and completes the transaction and the request (stage 4).
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/handling-i-o-requests-in-a-kmdf-driver-for-a-bus-master-dma-device
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/creating-and-initializing-a-dma-transaction
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/starting-a-dma-transaction
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/programming-dma-hardware
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/completing-a-dma-transfer
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/completing-a-dma-transaction */
#include "sgdma.h"

/* ---- stage 2: the request handlers ---- */

/* Checks the request against the device (range, ALIGN) and starts its transaction.  The channel
 * lock is held from the moment the request is recorded until Execute returns, so the DPC cannot
 * see a half-started transfer.  Any failure completes the request here with its status. */
static VOID SgdmaStartRequest(SGDMA_CHANNEL *Channel, WDFREQUEST Request, size_t Length)
{
    SGDMA_DEVICE *dev = Channel->Device;
    WDF_REQUEST_PARAMETERS params;
    LONGLONG offset;
    NTSTATUS status;
    PMDL mdl;

    /* A zero-length read or write has nothing to move: success with 0 bytes. */
    if (Length == 0) {
        WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, 0);
        return;
    }
    WDF_REQUEST_PARAMETERS_INIT(&params);
    WdfRequestGetParameters(Request, &params);
    offset = Channel->Direction == WdfDmaDirectionReadFromDevice
                 ? params.Parameters.Read.DeviceOffset
                 : params.Parameters.Write.DeviceOffset;
    if (offset < 0 || (ULONG64)offset > dev->MemorySize || Length > dev->MemorySize - offset) {
        WdfRequestComplete(Request, STATUS_INVALID_PARAMETER);
        return;
    }
    if (dev->Align > 1) {
        status = Channel->Direction == WdfDmaDirectionReadFromDevice
                     ? WdfRequestRetrieveOutputWdmMdl(Request, &mdl)
                     : WdfRequestRetrieveInputWdmMdl(Request, &mdl);
        if (!NT_SUCCESS(status)) {
            WdfRequestComplete(Request, status);
            return;
        }
        if (((MmGetMdlByteOffset(mdl) | (ULONG64)offset | Length) & (dev->Align - 1)) != 0) {
            WdfRequestComplete(Request, STATUS_INVALID_PARAMETER);
            return;
        }
    }

    WdfSpinLockAcquire(Channel->Lock);
    Channel->Request = Request;
    Channel->RequestOffset = offset;
    status = WdfDmaTransactionInitializeUsingRequest(Channel->Transaction, Request,
                                                     SgdmaEvtProgramDma, Channel->Direction);
    if (NT_SUCCESS(status)) {
        /* Keeps every transfer's descriptors within the ring (see hw.c). */
        if (dev->MaxTransfer < SGDMA_MAX_TRANSFER)
            WdfDmaTransactionSetMaximumLength(Channel->Transaction, dev->MaxTransfer);
        /* The first EvtProgramDma normally runs inside Execute. */
        status = WdfDmaTransactionExecute(Channel->Transaction, Channel);
    }
    if (!NT_SUCCESS(status)) {
        (VOID)WdfDmaTransactionRelease(Channel->Transaction);
        Channel->Request = NULL;
    }
    WdfSpinLockRelease(Channel->Lock);
    if (!NT_SUCCESS(status))
        WdfRequestComplete(Request, status);
}

VOID SgdmaEvtIoRead(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
    SGDMA_DEVICE *dev = SgdmaGetDevice(WdfIoQueueGetDevice(Queue));

    SgdmaStartRequest(&dev->Channel[SGDMA_CHANNEL_D2H], Request, Length);
}

VOID SgdmaEvtIoWrite(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
    SGDMA_DEVICE *dev = SgdmaGetDevice(WdfIoQueueGetDevice(Queue));

    SgdmaStartRequest(&dev->Channel[SGDMA_CHANNEL_H2D], Request, Length);
}

/* ---- stage 3: programming the hardware for one transfer ---- */

/* DISPATCH_LEVEL, channel lock held (inside Execute, or inside DmaCompleted* in the DPC).
 * Elements longer than the device's largest descriptor are split; the transfer limit set at
 * Initialize guarantees the descriptors fit in the ring, which is empty between transfers. */
BOOLEAN SgdmaEvtProgramDma(WDFDMATRANSACTION Transaction, WDFDEVICE Device, WDFCONTEXT Context,
                           WDF_DMA_DIRECTION Direction, PSCATTER_GATHER_LIST SgList)
{
    SGDMA_CHANNEL *ch = Context;
    SGDMA_DEVICE *dev = SgdmaGetDevice(Device);
    ULONG64 devOffset = (ULONG64)ch->RequestOffset +
                        WdfDmaTransactionGetBytesTransferred(Transaction);
    volatile SGDMA_DESCRIPTOR *d = NULL;
    ULONG i, count = 0;

    UNREFERENCED_PARAMETER(Direction);
    ch->First = ch->Tail;
    for (i = 0; i < SgList->NumberOfElements; i++) {
        ULONG64 address = (ULONG64)SgList->Elements[i].Address.QuadPart;
        ULONG left = SgList->Elements[i].Length;

        while (left != 0) {
            ULONG piece = left < dev->MaxDescBytes ? left : dev->MaxDescBytes;

            d = &ch->Ring[ch->Tail];
            d->HostAddress = address;
            d->DeviceOffset = devOffset;
            d->Length = piece;
            d->Flags = 0;
            d->Status = 0;
            d->BytesDone = 0;
            address += piece;
            devOffset += piece;
            left -= piece;
            ch->Tail = (ch->Tail + 1) & (ch->RingSize - 1);
            count++;
        }
    }
    if (d != NULL)
        d->Flags = SGDMA_DESC_INT_ON_COMPLETE;
    ch->Count = count;
    /* The descriptors must be in memory before the device sees the new TAIL. */
    KeMemoryBarrier();
    SgdmaWrite(dev, SGDMA_CH_BASE(ch->Index) + SGDMA_CH_TAIL, ch->Tail);
    InterlockedIncrement64(&dev->ProgramDmaCalls);
    InterlockedAdd64(&dev->Descriptors, count);
    return TRUE;
}

/* ---- stage 4: the interrupt and the DPC ---- */

/* DIRQL, interrupt lock held.  Claims the interrupt only if one of this object's causes is set
 * (a spurious message, or a removed device reading all-ones, is not ours). */
BOOLEAN SgdmaEvtInterruptIsr(WDFINTERRUPT Interrupt, ULONG MessageID)
{
    SGDMA_INTERRUPT *irq = SgdmaGetInterrupt(Interrupt);
    SGDMA_DEVICE *dev = SgdmaGetDevice(WdfInterruptGetDevice(Interrupt));
    ULONG causes;

    UNREFERENCED_PARAMETER(MessageID);
    causes = SgdmaRead(dev, SGDMA_REG_INT_STATUS);
    if (causes == 0xFFFFFFFFu)
        return FALSE;
    causes &= irq->CauseMask;
    if (causes == 0)
        return FALSE;
    SgdmaWrite(dev, SGDMA_REG_INT_STATUS, causes);     /* W1C */
    irq->SavedCauses |= causes;
    InterlockedIncrement64(&dev->Interrupts);
    WdfInterruptQueueDpcForIsr(Interrupt);
    return TRUE;
}

/* What the descriptors of the transfer in flight say.  Bytes counts the payload moved from the
 * start of the transfer up to and including the first short or failed descriptor (the bytes
 * the buffer is known to hold in order). */
typedef struct _SGDMA_SCAN {
    ULONG Done;                        /* descriptors written back */
    size_t Bytes;
    BOOLEAN Short, Error;
} SGDMA_SCAN;

static VOID SgdmaScanTransfer(SGDMA_CHANNEL *Channel, SGDMA_SCAN *Scan)
{
    BOOLEAN counting = TRUE;
    ULONG i;

    RtlZeroMemory(Scan, sizeof(*Scan));
    for (i = 0; i < Channel->Count; i++) {
        volatile SGDMA_DESCRIPTOR *d = &Channel->Ring[(Channel->First + i) & (Channel->RingSize - 1)];
        ULONG status = d->Status;

        if ((status & SGDMA_DESC_DONE) == 0)
            break;
        if (counting)
            Scan->Bytes += d->BytesDone;
        if (status & SGDMA_DESC_ERROR) {
            Scan->Error = TRUE;
            break;
        }
        if (status & SGDMA_DESC_SHORT) {
            Scan->Short = TRUE;
            counting = FALSE;
        }
        Scan->Done++;
    }
}

/* Ends the channel's transaction (DmaCompleted* returned TRUE): takes the request and bytes,
 * releases the transaction for reuse and forgets the request.  Lock held; the caller
 * completes the returned request after dropping it. */
static WDFREQUEST SgdmaFinishTransaction(SGDMA_CHANNEL *Channel, size_t *Bytes)
{
    WDFREQUEST request = WdfDmaTransactionGetRequest(Channel->Transaction);

    *Bytes = WdfDmaTransactionGetBytesTransferred(Channel->Transaction);
    (VOID)WdfDmaTransactionRelease(Channel->Transaction);
    Channel->Request = NULL;
    return request;
}

/* DISPATCH_LEVEL.  One channel's part of the DPC: if its transfer is finished (every descriptor
 * written back) or the channel stopped on an error, report it to the framework, which either
 * programs the next transfer (EvtProgramDma, inside DmaCompleted*) or ends the transaction, in
 * which case the request is completed. */
static VOID SgdmaChannelDpc(SGDMA_CHANNEL *Channel)
{
    SGDMA_DEVICE *dev = Channel->Device;
    WDFREQUEST request = NULL;
    NTSTATUS dmaStatus, status = STATUS_SUCCESS;
    SGDMA_SCAN scan;
    size_t bytes = 0, current;
    BOOLEAN ended;

    WdfSpinLockAcquire(Channel->Lock);
    if (Channel->Request == NULL) {
        WdfSpinLockRelease(Channel->Lock);
        return;
    }
    SgdmaScanTransfer(Channel, &scan);
    if (!scan.Error && scan.Done < Channel->Count) {
        /* Unfinished, unless the channel stopped without writing a descriptor back (a failed
         * descriptor fetch, a bad ring). */
        ULONG chStatus = SgdmaRead(dev, SGDMA_CH_BASE(Channel->Index) + SGDMA_CH_STATUS);

        if (SGDMA_STATE(chStatus) != SGDMA_STATE_ERROR) {
            WdfSpinLockRelease(Channel->Lock);
            return;
        }
        scan.Error = TRUE;
    }
    InterlockedIncrement64(&dev->TransfersCompleted);
    current = WdfDmaTransactionGetCurrentDmaTransferLength(Channel->Transaction);
    if (scan.Error) {
        /* The channel is in ERROR: reset it (it is idle, so this does not wait) and program the
         * ring again, then end the transaction with the bytes that did arrive. */
        InterlockedIncrement64(&dev->DeviceErrors);
        SgdmaChannelStart(Channel);
        ended = WdfDmaTransactionDmaCompletedFinal(Channel->Transaction, scan.Bytes, &dmaStatus);
        status = STATUS_IO_DEVICE_ERROR;
    } else if (scan.Short || scan.Bytes != current) {
        /* A short descriptor: credit what arrived in order; the framework maps and programs
         * the rest again. */
        InterlockedIncrement64(&dev->ShortTransfers);
        ended = WdfDmaTransactionDmaCompletedWithLength(Channel->Transaction, scan.Bytes,
                                                        &dmaStatus);
    } else {
        ended = WdfDmaTransactionDmaCompleted(Channel->Transaction, &dmaStatus);
    }
    if (ended) {
        if (NT_SUCCESS(status) && !NT_SUCCESS(dmaStatus))
            status = dmaStatus;
        request = SgdmaFinishTransaction(Channel, &bytes);
    }
    WdfSpinLockRelease(Channel->Lock);
    if (request != NULL) {
        InterlockedIncrement64(&dev->RequestsCompleted);
        WdfRequestCompleteWithInformation(request, status, bytes);
    }
}

/* DISPATCH_LEVEL.  Takes the causes the ISR saved (under the interrupt lock) and serves each
 * channel they name.  With two messages each object's DPC serves its own channel. */
VOID SgdmaEvtInterruptDpc(WDFINTERRUPT Interrupt, WDFOBJECT AssociatedObject)
{
    SGDMA_INTERRUPT *irq = SgdmaGetInterrupt(Interrupt);
    SGDMA_DEVICE *dev = SgdmaGetDevice(AssociatedObject);
    ULONG causes, c;

    WdfInterruptAcquireLock(Interrupt);
    causes = irq->SavedCauses;
    irq->SavedCauses = 0;
    WdfInterruptReleaseLock(Interrupt);
    InterlockedIncrement64(&dev->Dpcs);
    for (c = 0; c < SGDMA_CHANNELS; c++)
        if (causes & SGDMA_INT_CHANNEL(c))
            SgdmaChannelDpc(&dev->Channel[c]);
}

VOID SgdmaChannelAbandon(SGDMA_CHANNEL *Channel)
{
    SGDMA_DEVICE *dev = Channel->Device;
    WDFREQUEST request = NULL;
    NTSTATUS dmaStatus, status;
    WDF_REQUEST_PARAMETERS params;
    SGDMA_SCAN scan;
    size_t bytes = 0;

    WdfSpinLockAcquire(Channel->Lock);
    if (Channel->Request != NULL) {
        SgdmaScanTransfer(Channel, &scan);
        (VOID)WdfDmaTransactionDmaCompletedFinal(Channel->Transaction, scan.Bytes, &dmaStatus);
        request = SgdmaFinishTransaction(Channel, &bytes);
        InterlockedIncrement64(&dev->StoppedInFlight);
    }
    WdfSpinLockRelease(Channel->Lock);
    if (request == NULL)
        return;
    WDF_REQUEST_PARAMETERS_INIT(&params);
    WdfRequestGetParameters(request, &params);
    if (bytes == params.Parameters.Read.Length)
        status = STATUS_SUCCESS;
    else if (InterlockedCompareExchange(&dev->SurpriseRemoved, 0, 0) != 0)
        status = STATUS_DEVICE_REMOVED;
    else
        status = STATUS_CANCELLED;
    InterlockedIncrement64(&dev->RequestsCompleted);
    WdfRequestCompleteWithInformation(request, status, bytes);
}
