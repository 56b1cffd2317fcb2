/* pktdma_io.c - the pktdma reference KMDF driver's request handlers.
 * Stage 2: EvtIoRead/EvtIoWrite initialize the preallocated DMA transaction from the request and
 * execute it.  Stage 3: EvtProgramDma programs the device for one transfer (the packet profile
 * hands it a single bus range below 4 GiB) and enables its interrupt.  Also the info control,
 * EvtIoStop, and the common end of a request (transaction released, request completed).
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/creating-and-initializing-a-dma-transaction
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/starting-a-dma-transaction
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/programming-dma-hardware
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/completing-a-dma-transaction */
#include "pktdma.h"

/* The end of every request that reached the device: bytes from the transaction, Release (so the
 * object can take the next request), then complete.  Called once per request, at
 * IRQL <= DISPATCH_LEVEL, by whoever ended the transaction (the DPC, EvtProgramDma on a
 * programming error, or EvtDeviceD0Exit at removal). */
VOID PktDmaFinishRequest(PPKTDMA_DEVICE_CONTEXT Ctx, NTSTATUS Status)
{
    WDFREQUEST request = WdfDmaTransactionGetRequest(Ctx->Transaction);
    size_t bytes = WdfDmaTransactionGetBytesTransferred(Ctx->Transaction);

    (VOID)WdfDmaTransactionRelease(Ctx->Transaction);
    InterlockedIncrement64(&Ctx->Requests);
    InterlockedExchange(&Ctx->InFlight, 0);
    WdfRequestCompleteWithInformation(request, Status, bytes);
}

/* Stage 2, for both directions.  The device offset is the request's ByteOffset; a request
 * outside device memory, or not on the device's alignment, is refused before any DMA.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdmatransaction/nf-wdfdmatransaction-wdfdmatransactioninitializeusingrequest
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdmatransaction/nf-wdfdmatransaction-wdfdmatransactionexecute */
static VOID PktDmaStartRequest(WDFQUEUE Queue, WDFREQUEST Request, size_t Length,
                               WDF_DMA_DIRECTION Direction)
{
    PPKTDMA_DEVICE_CONTEXT ctx = PktDmaGetDeviceContext(WdfIoQueueGetDevice(Queue));
    WDF_REQUEST_PARAMETERS params;
    LONGLONG offset;
    NTSTATUS status;

    WDF_REQUEST_PARAMETERS_INIT(&params);
    WdfRequestGetParameters(Request, &params);
    offset = Direction == WdfDmaDirectionReadFromDevice ? params.Parameters.Read.DeviceOffset
                                                        : params.Parameters.Write.DeviceOffset;
    if (Length == 0) {
        WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, 0);
        return;
    }
    if (offset < 0 || (ULONGLONG)offset > ctx->MemorySize ||
        Length > ctx->MemorySize - (ULONGLONG)offset ||
        (((ULONGLONG)offset | Length) & (ctx->Alignment - 1)) != 0) {
        WdfRequestComplete(Request, STATUS_INVALID_PARAMETER);
        return;
    }

    ctx->RequestOffset = offset;
    ctx->RequestLength = Length;
    status = WdfDmaTransactionInitializeUsingRequest(ctx->Transaction, Request,
                                                     PktDmaEvtProgramDma, Direction);
    if (!NT_SUCCESS(status)) {
        WdfRequestComplete(Request, status);
        return;
    }
    /* The enabler allows PKTDMA_DRIVER_MAX_TRANSFER; a device built with a smaller engine gets
     * transfers no longer than it accepts. */
    if (ctx->MaxTransfer < PKTDMA_DRIVER_MAX_TRANSFER)
        WdfDmaTransactionSetMaximumLength(ctx->Transaction, ctx->MaxTransfer);

    /* The transaction may end (in the DPC) before Execute returns: mark it first, and do not
     * touch it after a successful Execute. */
    InterlockedExchange(&ctx->InFlight, 1);
    status = WdfDmaTransactionExecute(ctx->Transaction, ctx);
    if (!NT_SUCCESS(status)) {
        InterlockedExchange(&ctx->InFlight, 0);
        (VOID)WdfDmaTransactionRelease(ctx->Transaction);
        WdfRequestComplete(Request, status);
    }
}

/* https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfio/nc-wdfio-evt_wdf_io_queue_io_read */
VOID PktDmaEvtIoRead(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
    PktDmaStartRequest(Queue, Request, Length, WdfDmaDirectionReadFromDevice);
}

/* https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfio/nc-wdfio-evt_wdf_io_queue_io_write */
VOID PktDmaEvtIoWrite(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
    PktDmaStartRequest(Queue, Request, Length, WdfDmaDirectionWriteToDevice);
}

/* Keeps the highest bus address (exclusive) handed to the device. */
static VOID PktDmaNoteAddress(PPKTDMA_DEVICE_CONTEXT Ctx, LONG64 End)
{
    LONG64 seen = Ctx->HighestAddress;

    while (End > seen) {
        LONG64 prev = InterlockedCompareExchange64(&Ctx->HighestAddress, End, seen);
        if (prev == seen)
            break;
        seen = prev;
    }
}

/* Stage 3, at DISPATCH_LEVEL: one transfer.  The device offset of this piece is the request's
 * offset plus what earlier transfers of the transaction moved.  The return value is ignored by
 * the framework; a list the device cannot take ends the transaction here instead.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdmatransaction/nc-wdfdmatransaction-evt_wdf_program_dma */
BOOLEAN PktDmaEvtProgramDma(WDFDMATRANSACTION Transaction, WDFDEVICE Device, WDFCONTEXT Context,
                            WDF_DMA_DIRECTION Direction, PSCATTER_GATHER_LIST SgList)
{
    PPKTDMA_DEVICE_CONTEXT ctx = Context;
    ULONGLONG address, deviceOffset;
    ULONG length, ctrl;
    NTSTATUS dmaStatus;

    UNREFERENCED_PARAMETER(Device);
    deviceOffset = (ULONGLONG)ctx->RequestOffset + WdfDmaTransactionGetBytesTransferred(Transaction);
    address = (ULONGLONG)SgList->Elements[0].Address.QuadPart;
    length = SgList->Elements[0].Length;

    if (SgList->NumberOfElements != 1 || address + length > 0x100000000ull ||
        (PktDmaRead(ctx, PKTDMA_REG_STATUS) & PKTDMA_STATUS_BUSY) != 0) {
        InterlockedIncrement64(&ctx->Errors);
        if (WdfDmaTransactionDmaCompletedFinal(Transaction, 0, &dmaStatus))
            PktDmaFinishRequest(ctx, STATUS_IO_DEVICE_ERROR);
        return FALSE;
    }

    InterlockedIncrement64(&ctx->Transfers);
    PktDmaNoteAddress(ctx, (LONG64)(address + length));
    PktDmaWrite(ctx, PKTDMA_REG_ADDR_LO, (ULONG)address);
    PktDmaWrite(ctx, PKTDMA_REG_ADDR_HI, 0);
    PktDmaWrite(ctx, PKTDMA_REG_LENGTH, length);
    PktDmaWrite(ctx, PKTDMA_REG_DEV_OFFSET, (ULONG)deviceOffset);
    ctrl = PKTDMA_CTRL_INT_ENABLE | PKTDMA_CTRL_GO;
    if (Direction == WdfDmaDirectionWriteToDevice)
        ctrl |= PKTDMA_CTRL_DIRECTION;
    PktDmaWrite(ctx, PKTDMA_REG_CTRL, ctrl);
    return TRUE;
}

/* IOCTL_PKTDMA_GET_INFO: the capabilities and the driver's counters.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfio/nc-wdfio-evt_wdf_io_queue_io_device_control */
VOID PktDmaEvtIoDeviceControl(WDFQUEUE Queue, WDFREQUEST Request, size_t OutputBufferLength,
                              size_t InputBufferLength, ULONG IoControlCode)
{
    PPKTDMA_DEVICE_CONTEXT ctx = PktDmaGetDeviceContext(WdfIoQueueGetDevice(Queue));
    PKTDMA_INFO *info;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(OutputBufferLength);
    UNREFERENCED_PARAMETER(InputBufferLength);
    if (IoControlCode != IOCTL_PKTDMA_GET_INFO) {
        WdfRequestComplete(Request, STATUS_INVALID_DEVICE_REQUEST);
        return;
    }
    status = WdfRequestRetrieveOutputBuffer(Request, sizeof(*info), (PVOID *)&info, NULL);
    if (!NT_SUCCESS(status)) {
        WdfRequestComplete(Request, status);
        return;
    }
    RtlZeroMemory(info, sizeof(*info));
    info->Version = ctx->Version;
    info->MaxTransfer = ctx->MaxTransfer;
    info->Alignment = ctx->Alignment;
    info->MemorySize = ctx->MemorySize;
    info->Transfers = (unsigned long long)ReadNoFence64(&ctx->Transfers);
    info->Requests = (unsigned long long)ReadNoFence64(&ctx->Requests);
    info->Errors = (unsigned long long)ReadNoFence64(&ctx->Errors);
    info->HighestAddress = (unsigned long long)ReadNoFence64(&ctx->HighestAddress);
    WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, sizeof(*info));
}

/* The device leaves D0 while the driver owns a request.  A packet transfer cannot be paused, so
 * for a power-down (Suspend) the driver lets it finish: the framework waits for the completion
 * before EvtDeviceD0Exit.  At removal (Purge) it asks the engine to abort; the abort's interrupt
 * ends the transaction with what moved, and the DPC programs no further transfer.  If the
 * interrupt is disconnected first, EvtDeviceD0Exit ends it.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfio/nc-wdfio-evt_wdf_io_queue_io_stop
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/using-power-managed-i-o-queues */
VOID PktDmaEvtIoStop(WDFQUEUE Queue, WDFREQUEST Request, ULONG ActionFlags)
{
    PPKTDMA_DEVICE_CONTEXT ctx = PktDmaGetDeviceContext(WdfIoQueueGetDevice(Queue));

    UNREFERENCED_PARAMETER(Request);
    if ((ActionFlags & WdfRequestStopActionPurge) == 0)
        return;
    InterlockedExchange(&ctx->Stopping, 1);
    if (ReadAcquire(&ctx->InFlight) != 0 && ctx->Registers != NULL)
        PktDmaWrite(ctx, PKTDMA_REG_CTRL, PKTDMA_CTRL_INT_ENABLE | PKTDMA_CTRL_ABORT);
}
