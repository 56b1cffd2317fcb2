/* pktdma_isr.c - the pktdma reference KMDF driver's interrupt path.
 * Stage 4: EvtInterruptIsr (DIRQL) saves the volatile device status, clears it so the
 * level-triggered line drops, and queues the DPC; EvtInterruptDpc (DISPATCH_LEVEL) reports the
 * transfer to the framework, which either programs the next transfer (EvtProgramDma again) or
 * says the transaction is complete, and then completes the request.  Also the removal path that
 * ends a transfer whose interrupt will not come.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/servicing-an-interrupt
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/completing-a-dma-transfer
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/completing-a-dma-transaction */
#include "pktdma.h"

#define PKTDMA_STATUS_ENDED (PKTDMA_STATUS_DONE | PKTDMA_STATUS_ERROR)

/* Stage 4, at DIRQL under the interrupt lock.  The line is level-triggered and may be shared:
 * an interrupt with neither DONE nor ERROR set (or all ones: the device is gone) is not ours.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfinterrupt/nc-wdfinterrupt-evt_wdf_interrupt_isr */
BOOLEAN PktDmaEvtInterruptIsr(WDFINTERRUPT Interrupt, ULONG MessageID)
{
    PPKTDMA_DEVICE_CONTEXT ctx = PktDmaGetDeviceContext(WdfInterruptGetDevice(Interrupt));
    PPKTDMA_INTERRUPT_CONTEXT saved = PktDmaGetInterruptContext(Interrupt);
    ULONG status;

    UNREFERENCED_PARAMETER(MessageID);
    status = PktDmaRead(ctx, PKTDMA_REG_STATUS);
    if (status == 0xFFFFFFFFu || (status & PKTDMA_STATUS_ENDED) == 0)
        return FALSE;
    saved->BytesDone = PktDmaRead(ctx, PKTDMA_REG_BYTES_DONE);
    saved->Status = status;
    /* W1C: clearing DONE/ERROR lowers the line before the ISR returns. */
    PktDmaWrite(ctx, PKTDMA_REG_STATUS, status & PKTDMA_STATUS_ENDED);
    WdfInterruptQueueDpcForIsr(Interrupt);
    return TRUE;
}

/* Reports the transfer that ended with device status Status after moving Bytes.  A good
 * transfer is credited with its length (a short one too: the framework re-programs the rest);
 * an error, a transfer that moved nothing, or removal in progress ends the transaction with
 * what moved.  When the framework says the transaction is over, the request is completed: with
 * success only if every byte moved. */
static VOID PktDmaTransferEnded(PPKTDMA_DEVICE_CONTEXT Ctx, ULONG Status, ULONG Bytes)
{
    WDFDMATRANSACTION tx = Ctx->Transaction;
    NTSTATUS dmaStatus, requestStatus = STATUS_SUCCESS;
    BOOLEAN stopping = ReadAcquire(&Ctx->Stopping) != 0;
    BOOLEAN failed = (Status & PKTDMA_STATUS_ERROR) != 0 || Bytes == 0;

    if (Bytes > WdfDmaTransactionGetCurrentDmaTransferLength(tx))
        Bytes = (ULONG)WdfDmaTransactionGetCurrentDmaTransferLength(tx);
    if (failed)
        InterlockedIncrement64(&Ctx->Errors);
    if (failed || stopping) {
        if (!WdfDmaTransactionDmaCompletedFinal(tx, Bytes, &dmaStatus))
            return;
    } else if (!WdfDmaTransactionDmaCompletedWithLength(tx, Bytes, &dmaStatus)) {
        return;                         /* the next transfer is programmed */
    }
    if (!NT_SUCCESS(dmaStatus))
        requestStatus = dmaStatus;
    else if (WdfDmaTransactionGetBytesTransferred(tx) == Ctx->RequestLength)
        requestStatus = STATUS_SUCCESS;
    else if (stopping)
        requestStatus = STATUS_DEVICE_REMOVED;
    else
        requestStatus = STATUS_IO_DEVICE_ERROR;
    PktDmaFinishRequest(Ctx, requestStatus);
}

/* Stage 4, at DISPATCH_LEVEL.  What the ISR saved is taken under the interrupt lock, since the
 * next transfer's interrupt may arrive while this DPC runs.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfinterrupt/nc-wdfinterrupt-evt_wdf_interrupt_dpc
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdmatransaction/nf-wdfdmatransaction-wdfdmatransactiondmacompletedwithlength
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdmatransaction/nf-wdfdmatransaction-wdfdmatransactiondmacompletedfinal */
VOID PktDmaEvtInterruptDpc(WDFINTERRUPT Interrupt, WDFOBJECT AssociatedObject)
{
    PPKTDMA_DEVICE_CONTEXT ctx = PktDmaGetDeviceContext((WDFDEVICE)AssociatedObject);
    PPKTDMA_INTERRUPT_CONTEXT saved = PktDmaGetInterruptContext(Interrupt);
    ULONG status, bytes;

    WdfInterruptAcquireLock(Interrupt);
    status = saved->Status;
    bytes = saved->BytesDone;
    saved->Status = 0;
    saved->BytesDone = 0;
    WdfInterruptReleaseLock(Interrupt);

    if ((status & PKTDMA_STATUS_ENDED) == 0 || ReadAcquire(&ctx->InFlight) == 0)
        return;
    PktDmaTransferEnded(ctx, status, bytes);
}

/* Removal, from EvtDeviceD0Exit (PASSIVE_LEVEL): the interrupt is disconnected and its DPCs
 * have run, so a transaction still in flight will never see its interrupt.  ABORT stops the
 * engine (no DMA for this transfer after the write returns); its status and BYTES_DONE say what
 * moved, and the transaction ends with that. */
VOID PktDmaReclaimTransfer(PPKTDMA_DEVICE_CONTEXT Ctx)
{
    ULONG status, bytes;

    if (ReadAcquire(&Ctx->InFlight) == 0)
        return;
    InterlockedExchange(&Ctx->Stopping, 1);
    PktDmaWrite(Ctx, PKTDMA_REG_CTRL, PKTDMA_CTRL_ABORT);
    status = PktDmaRead(Ctx, PKTDMA_REG_STATUS);
    bytes = PktDmaRead(Ctx, PKTDMA_REG_BYTES_DONE);
    PktDmaWrite(Ctx, PKTDMA_REG_STATUS, status & PKTDMA_STATUS_ENDED);
    if ((status & PKTDMA_STATUS_ENDED) == 0)
        status = PKTDMA_STATUS_ERROR;   /* never started: nothing moved */
    PktDmaTransferEnded(Ctx, status, bytes);
}
