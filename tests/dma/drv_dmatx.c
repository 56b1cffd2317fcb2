/* drv_dmatx.c - a KMDF bus-master DMA test driver, written as a Windows driver writer would (only
 * <ntddk.h> and <wdf.h>): one DMA enabler, two preallocated transactions (write, read) reused
 * for every transfer, sgdma descriptor rings in common buffers or pktdma's single transfer
 * registers, EvtProgramDma writing the SG list to the device, completion by polling the device
 * status (DrvDmaTxTransfer runs on the caller's thread).  Optional deliberate misuse per
 * verifier rule.  Register layouts: docs/devices/sgdma.md, docs/devices/pktdma.md. */
#include "drv_dmatx.h"

#include <string.h>

/* ---- sgdma registers ---- */
#define SG_RESET 0x028
#define SG_INT_STATUS 0x030
#define SG_INT_MASK 0x034
#define SG_CH(c) (0x100u * ((c) + 1))
#define SG_CTRL 0x00
#define SG_STATUS 0x04
#define SG_RING_BASE 0x08
#define SG_RING_SIZE 0x10
#define SG_HEAD 0x14
#define SG_TAIL 0x18
#define SG_COALESCE_COUNT 0x20
#define SG_CTRL_RUN 0x1
#define SG_CTRL_CH_RESET 0x4
#define SG_STATE_ERROR 2
#define SG_DESC_SHORT 0x4
#define SG_FLAG_INT_ON_COMPLETE 0x1
#define SG_RING 1024u

/* ---- pktdma registers ---- */
#define PK_ADDR_LO 0x20
#define PK_ADDR_HI 0x24
#define PK_LENGTH 0x28
#define PK_DEV_OFFSET 0x2C
#define PK_CTRL 0x30
#define PK_STATUS 0x34
#define PK_BYTES_DONE 0x38
#define PK_CTRL_H2D 0x1
#define PK_CTRL_INT_ENABLE 0x2
#define PK_CTRL_GO 0x4
#define PK_CTRL_RESET 0x10
#define PK_DONE 0x2
#define PK_ERROR 0x4

typedef struct _SG_DESC {
    ULONG64 HostAddr;
    ULONG64 DevOffset;
    ULONG Length;
    ULONG Flags;
    ULONG Status;
    ULONG BytesDone;
} SG_DESC;

typedef struct _CHANNEL {
    WDFDMATRANSACTION Tx;
    WDFCOMMONBUFFER Ring;
    SG_DESC *Desc;
    PHYSICAL_ADDRESS RingLa;
    ULONG SgIndex;               /* sgdma channel: 0 H2D, 1 D2H */
    ULONG Tail;
    ULONG First, Count;          /* descriptors of the transfer in flight */
    ULONG DevOffset;
    ULONG64 LastAddress;         /* first element of the last SG list */
    DRV_DMATX_RESULT *Result;
    KEVENT Done;                 /* interrupt mode: the DPC finished the transaction */
    BOOLEAN NeedReset;           /* sgdma interrupt mode: restart the ring at PASSIVE_LEVEL */
    WDFINTERRUPT SgInterrupt;    /* sgdma interrupt mode: this channel's MSI message */
    ULONG SgIsrBits;             /* causes the ISR took from INT_STATUS (interrupt lock) */
} CHANNEL;

static DRV_DMATX_CONFIG Cfg = {
    .Profile = WdfDmaProfileScatterGather64Duplex, .MaximumLength = 1u << 20, .SgDevice = TRUE};
static DRV_DMATX_MISUSE Misuse;
static WDFDEVICE Device;
static WDFDMAENABLER Enabler;
static CHANNEL Chan[2];
static PUCHAR Regs;
static WDFINTERRUPT Interrupt;
/* pktdma interrupt mode: the channel on the device and what the ISR saw (interrupt lock). */
static CHANNEL *Active;
static ULONG IsrStatus, IsrBytes;
static SIZE_T RegsLength;

VOID DrvDmaTxConfigure(const DRV_DMATX_CONFIG *Config) { Cfg = *Config; }
VOID DrvDmaTxSetMisuse(DRV_DMATX_MISUSE M) { Misuse = M; }
WDFDMATRANSACTION DrvDmaTxHandle(ULONG Channel) { return Chan[Channel].Tx; }
WDFDMAENABLER DrvDmaTxEnabler(VOID) { return Enabler; }
WDFDEVICE DrvDmaTxDevice(VOID) { return Device; }
ULONG64 DrvDmaTxLastAddress(ULONG Channel) { return Chan[Channel].LastAddress; }

static ULONG Rd(ULONG Off) { return READ_REGISTER_ULONG((volatile ULONG *)(Regs + Off)); }
static VOID Wr(ULONG Off, ULONG V) { WRITE_REGISTER_ULONG((volatile ULONG *)(Regs + Off), V); }

static VOID SgStartRing(CHANNEL *C)
{
    ULONG b = SG_CH(C->SgIndex);

    Wr(b + SG_CTRL, SG_CTRL_CH_RESET);
    Wr(b + SG_RING_BASE, C->RingLa.LowPart);
    Wr(b + SG_RING_BASE + 4, (ULONG)C->RingLa.HighPart);
    Wr(b + SG_RING_SIZE, SG_RING);
    /* Interrupt mode: one DONE per transfer, from its last descriptor (INT_ON_COMPLETE). */
    if (Cfg.Interrupts)
        Wr(b + SG_COALESCE_COUNT, 0);
    Wr(b + SG_CTRL, SG_CTRL_RUN);
    C->Tail = 0;
}

static BOOLEAN EvtProgramDma(WDFDMATRANSACTION Transaction, WDFDEVICE Dev, WDFCONTEXT Context,
                             WDF_DMA_DIRECTION Direction, PSCATTER_GATHER_LIST SgList)
{
    CHANNEL *C = Context;
    DRV_DMATX_RESULT *R = C->Result;
    ULONG devoff = C->DevOffset + (ULONG)WdfDmaTransactionGetBytesTransferred(Transaction);
    size_t cur = WdfDmaTransactionGetCurrentDmaTransferLength(Transaction);
    ULONG i;

    UNREFERENCED_PARAMETER(Dev);
    if (KeGetCurrentIrql() != DISPATCH_LEVEL)
        R->NotDispatch++;
    R->ProgramCalls++;
    R->Elements += SgList->NumberOfElements;
    if (SgList->NumberOfElements > R->MaxElements)
        R->MaxElements = SgList->NumberOfElements;
    if (cur > R->MaxTransfer)
        R->MaxTransfer = cur;
    C->LastAddress = (ULONG64)SgList->Elements[0].Address.QuadPart;
    if (!Cfg.SgDevice) {
        Wr(PK_ADDR_LO, SgList->Elements[0].Address.LowPart);
        Wr(PK_ADDR_HI, (ULONG)SgList->Elements[0].Address.HighPart);
        Wr(PK_LENGTH, SgList->Elements[0].Length);
        Wr(PK_DEV_OFFSET, devoff);
        if (Cfg.Interrupts) {
            WdfInterruptAcquireLock(Interrupt);
            Active = C;
            WdfInterruptReleaseLock(Interrupt);
        }
        Wr(PK_CTRL, (Direction == WdfDmaDirectionWriteToDevice ? PK_CTRL_H2D : 0) |
                        (Cfg.Interrupts ? PK_CTRL_INT_ENABLE : 0) | PK_CTRL_GO);
        return TRUE;
    }
    C->First = C->Tail;
    C->Count = SgList->NumberOfElements;
    for (i = 0; i < SgList->NumberOfElements; i++) {
        SG_DESC *d = &C->Desc[C->Tail];

        d->HostAddr = (ULONG64)SgList->Elements[i].Address.QuadPart;
        d->DevOffset = devoff;
        d->Length = SgList->Elements[i].Length;
        d->Flags = 0;
        d->Status = 0;
        d->BytesDone = 0;
        devoff += SgList->Elements[i].Length;
        C->Tail = (C->Tail + 1) % SG_RING;
    }
    if (Cfg.Interrupts)
        C->Desc[(C->Tail + SG_RING - 1) % SG_RING].Flags = SG_FLAG_INT_ON_COMPLETE;
    KeMemoryBarrier();
    Wr(SG_CH(C->SgIndex) + SG_TAIL, C->Tail);
    return TRUE;
}

/* sgdma: TRUE when the transfer in flight has finished (*Bytes credited up to the first short
 * descriptor: the framework re-stages the rest) or its channel stopped on an error (*Failed,
 * *Bytes moved before it).  Does not wait. */
static BOOLEAN SgCheck(CHANNEL *C, size_t *Bytes, BOOLEAN *Failed)
{
    ULONG b = SG_CH(C->SgIndex);
    ULONG done = (Rd(b + SG_HEAD) + SG_RING - C->First) % SG_RING;
    ULONG i;

    *Bytes = 0;
    *Failed = FALSE;
    if ((Rd(b + SG_STATUS) & 3) == SG_STATE_ERROR) {
        for (i = 0; i <= done && i < C->Count; i++)
            *Bytes += C->Desc[(C->First + i) % SG_RING].BytesDone;
        *Failed = TRUE;
        return TRUE;
    }
    if (done < C->Count)
        return FALSE;
    for (i = 0; i < C->Count; i++) {
        SG_DESC *d = &C->Desc[(C->First + i) % SG_RING];

        *Bytes += d->BytesDone;
        if (d->Status & SG_DESC_SHORT)
            break;
    }
    return TRUE;
}

/* Polling mode: waits for the transfer in flight; returns the bytes it moved and whether the
 * device failed (an sgdma channel is restarted then). */
static size_t WaitTransfer(CHANNEL *C, BOOLEAN *Failed)
{
    size_t bytes;

    if (!Cfg.SgDevice) {
        ULONG st;

        while (((st = Rd(PK_STATUS)) & (PK_DONE | PK_ERROR)) == 0)
            KeStallExecutionProcessor(1);
        bytes = Rd(PK_BYTES_DONE);
        Wr(PK_STATUS, st & (PK_DONE | PK_ERROR));
        *Failed = (st & PK_ERROR) != 0;
        return bytes;
    }
    while (!SgCheck(C, &bytes, Failed))
        KeStallExecutionProcessor(1);
    if (*Failed)
        SgStartRing(C);
    return bytes;
}

/* Reports the transfer in flight (DISPATCH_LEVEL, as from a DPC): DmaCompletedFinal after a
 * device error, WithLength for a short transfer, DmaCompleted otherwise.  On TRUE records how the
 * transaction ended.  Returns the DDI's BOOLEAN. */
static BOOLEAN CompleteTransfer(WDFDMATRANSACTION tx, DRV_DMATX_RESULT *R, size_t bytes,
                                BOOLEAN failed)
{
    size_t cur = WdfDmaTransactionGetCurrentDmaTransferLength(tx);
    NTSTATUS dma;
    BOOLEAN done;

    if (failed) {
        R->Status = STATUS_DEVICE_DATA_ERROR;
        done = WdfDmaTransactionDmaCompletedFinal(tx, bytes, &dma);
    } else if (Misuse == DrvDmaTxMisuseLengthOver) {
        done = WdfDmaTransactionDmaCompletedWithLength(tx, cur + 1, &dma);
    } else if (bytes == cur) {
        done = WdfDmaTransactionDmaCompleted(tx, &dma);
    } else {
        done = WdfDmaTransactionDmaCompletedWithLength(tx, bytes, &dma);
    }
    if (!done) {
        InterlockedIncrement((volatile LONG *)&R->FalseReturns);
        return FALSE;
    }
    if (Misuse == DrvDmaTxMisuseCompleteTwice) {
        NTSTATUS again;

        (VOID)WdfDmaTransactionDmaCompleted(tx, &again);
    }
    R->DmaStatus = dma;
    if (R->Status == STATUS_SUCCESS)
        R->Status = dma;
    R->Bytes = WdfDmaTransactionGetBytesTransferred(tx);
    return TRUE;
}

/* Waits for each transfer and reports it with DmaCompleted* until the transaction ends.
 * Returns FALSE if a misuse mode abandoned the transaction (nothing more to do with it). */
static BOOLEAN RunToCompletion(CHANNEL *C, WDFDMATRANSACTION tx, DRV_DMATX_RESULT *R,
                               WDF_DMA_DIRECTION Direction, PMDL Mdl, size_t Length)
{
    BOOLEAN done;
    KIRQL old;

    if (Misuse == DrvDmaTxMisuseHighIrql) {
        KeRaiseIrql(HIGH_LEVEL, &old);
        R->Bytes = WdfDmaTransactionGetBytesTransferred(tx);
        KeLowerIrql(old);
    }
    do {
        BOOLEAN failed;
        size_t bytes = WaitTransfer(C, &failed);

        if (Misuse == DrvDmaTxMisuseReleaseExecuting) {
            (VOID)WdfDmaTransactionRelease(tx);
            R->Status = STATUS_CANCELLED;
            return FALSE;
        }
        if (Misuse == DrvDmaTxMisuseLeakAtRemoval) {
            R->Status = STATUS_PENDING;
            return FALSE;
        }
        if (Misuse == DrvDmaTxMisuseDeleteExecuting) {
            WdfObjectDelete(tx);
            C->Tx = NULL;
            R->Status = STATUS_CANCELLED;
            return FALSE;
        }
        KeRaiseIrql(DISPATCH_LEVEL, &old);
        done = CompleteTransfer(tx, R, bytes, failed);
        KeLowerIrql(old);
    } while (!done);
    if (Misuse == DrvDmaTxMisuseInitializeNoRelease) {
        R->InitStatus = WdfDmaTransactionInitialize(tx, EvtProgramDma, Direction, Mdl,
                                                    MmGetMdlVirtualAddress(Mdl), Length);
    }
    return TRUE;
}

/* ---- pktdma interrupt mode ---- */

static BOOLEAN EvtInterruptIsr(WDFINTERRUPT Int, ULONG MessageID)
{
    ULONG st = Rd(PK_STATUS);

    UNREFERENCED_PARAMETER(MessageID);
    if ((st & (PK_DONE | PK_ERROR)) == 0)
        return FALSE;
    IsrBytes = Rd(PK_BYTES_DONE);
    IsrStatus = st;
    Wr(PK_STATUS, st & (PK_DONE | PK_ERROR));
    WdfInterruptQueueDpcForIsr(Int);
    return TRUE;
}

static VOID EvtInterruptDpc(WDFINTERRUPT Int, WDFOBJECT Object)
{
    CHANNEL *C;
    ULONG st, bytes;

    UNREFERENCED_PARAMETER(Object);
    WdfInterruptAcquireLock(Int);
    st = IsrStatus;
    bytes = IsrBytes;
    C = Active;
    IsrStatus = 0;
    WdfInterruptReleaseLock(Int);
    if (st == 0 || C == NULL)
        return;
    /* The next transfer's EvtProgramDma runs inside this call when bytes remain. */
    if (CompleteTransfer(C->Tx, C->Result, bytes, (st & PK_ERROR) != 0))
        KeSetEvent(&C->Done, IO_NO_INCREMENT, FALSE);
}

/* ---- sgdma interrupt mode: one MSI message per channel ---- */

static BOOLEAN SgEvtInterruptIsr(WDFINTERRUPT Int, ULONG MessageID)
{
    ULONG c = Int == Chan[1].SgInterrupt ? 1 : 0;
    ULONG bits = (Rd(SG_INT_STATUS) >> (8 * c)) & 7;

    UNREFERENCED_PARAMETER(MessageID);
    if (bits == 0)
        return FALSE;
    Wr(SG_INT_STATUS, bits << (8 * c));
    Chan[c].SgIsrBits |= bits;
    WdfInterruptQueueDpcForIsr(Int);
    return TRUE;
}

static VOID SgEvtInterruptDpc(WDFINTERRUPT Int, WDFOBJECT Object)
{
    CHANNEL *C = &Chan[Int == Chan[1].SgInterrupt ? 1 : 0];
    BOOLEAN failed;
    size_t bytes;
    ULONG bits;

    UNREFERENCED_PARAMETER(Object);
    WdfInterruptAcquireLock(Int);
    bits = C->SgIsrBits;
    C->SgIsrBits = 0;
    WdfInterruptReleaseLock(Int);
    if (bits == 0 || !SgCheck(C, &bytes, &failed))
        return;
    /* CH_RESET waits for the engine: the caller restarts the ring at PASSIVE_LEVEL. */
    C->NeedReset = failed;
    if (CompleteTransfer(C->Tx, C->Result, bytes, failed))
        KeSetEvent(&C->Done, IO_NO_INCREMENT, FALSE);
}

VOID DrvDmaTxTransfer(ULONG Channel, WDF_DMA_DIRECTION Direction, PMDL Mdl, size_t Offset,
                      size_t Length, ULONG DevOffset, size_t MaxLength, DRV_DMATX_RESULT *R)
{
    CHANNEL *C = &Chan[Channel];
    WDFDMATRANSACTION tx = C->Tx;
    NTSTATUS st;

    RtlZeroMemory(R, sizeof(*R));
    C->Result = R;
    C->DevOffset = DevOffset;
    if (Offset == 0)
        st = WdfDmaTransactionInitialize(tx, EvtProgramDma, Direction, Mdl,
                                         MmGetMdlVirtualAddress(Mdl), Length);
    else
        st = WdfDmaTransactionInitializeUsingOffset(tx, EvtProgramDma, Direction, Mdl, Offset,
                                                    Length);
    R->InitStatus = st;
    if (!NT_SUCCESS(st)) {
        R->Status = st;
        (VOID)WdfDmaTransactionRelease(tx);
        return;
    }
    if (MaxLength != 0)
        WdfDmaTransactionSetMaximumLength(tx, MaxLength);
    if (Misuse == DrvDmaTxMisuseV3DdiOnV2) {
        WdfDmaTransactionSetImmediateExecution(tx, TRUE);
        WdfDmaTransactionSetDeviceAddressOffset(tx, 16);
    }
    KeClearEvent(&C->Done);
    st = WdfDmaTransactionExecute(tx, C);
    R->ExecuteStatus = st;
    if (!NT_SUCCESS(st)) {
        R->Status = st;
        (VOID)WdfDmaTransactionRelease(tx);
        return;
    }
    if (Misuse == DrvDmaTxMisuseExecuteTwice)
        R->ExecuteStatus = WdfDmaTransactionExecute(tx, C);
    if (Cfg.Interrupts) {
        KeWaitForSingleObject(&C->Done, Executive, KernelMode, FALSE, NULL);
        if (C->NeedReset) {
            C->NeedReset = FALSE;
            SgStartRing(C);
        }
    } else if (!RunToCompletion(C, tx, R, Direction, Mdl, Length)) {
        return;
    }
    (VOID)WdfDmaTransactionRelease(tx);
    if (Misuse == DrvDmaTxMisuseDmaAfterComplete && Cfg.SgDevice) {
        /* Wrong: hands the device a buffer address after the framework unmapped it. */
        SG_DESC *d = &C->Desc[C->Tail];
        BOOLEAN failed;

        d->HostAddr = C->LastAddress;
        d->DevOffset = DevOffset;
        d->Length = 512;
        d->Flags = d->Status = d->BytesDone = 0;
        C->First = C->Tail;
        C->Count = 1;
        C->Tail = (C->Tail + 1) % SG_RING;
        KeMemoryBarrier();
        Wr(SG_CH(C->SgIndex) + SG_TAIL, C->Tail);
        (VOID)WaitTransfer(C, &failed);
        R->Status = failed ? STATUS_DEVICE_DATA_ERROR : STATUS_SUCCESS;
    }
}

/* ---- the request path: a sequential default queue, direct or buffered I/O, I/O controls ---- */

static DRV_DMATX_RESULT IoResult[2];

VOID DrvDmaTxIoResult(ULONG Channel, DRV_DMATX_RESULT *Result) { *Result = IoResult[Channel]; }

static VOID EvtIoReadWrite(WDFQUEUE Queue, WDFREQUEST Request, size_t Length,
                           WDF_DMA_DIRECTION Direction)
{
    CHANNEL *C = &Chan[Direction == WdfDmaDirectionWriteToDevice ? 0 : 1];
    DRV_DMATX_RESULT *R = &IoResult[Direction == WdfDmaDirectionWriteToDevice ? 0 : 1];
    WDFREQUEST req;
    NTSTATUS st;
    size_t bytes;

    UNREFERENCED_PARAMETER(Queue);
    UNREFERENCED_PARAMETER(Length);
    RtlZeroMemory(R, sizeof(*R));
    C->Result = R;
    C->DevOffset = 0;
    st = WdfDmaTransactionInitializeUsingRequest(C->Tx, Request, EvtProgramDma, Direction);
    R->InitStatus = st;
    if (NT_SUCCESS(st)) {
        R->ExecuteStatus = st = WdfDmaTransactionExecute(C->Tx, C);
        if (!NT_SUCCESS(st))
            (VOID)WdfDmaTransactionRelease(C->Tx);
    }
    if (!NT_SUCCESS(st)) {
        R->Status = st;
        WdfRequestComplete(Request, st);
        return;
    }
    if (Misuse == DrvDmaTxMisuseCompleteRequestEarly) {
        /* Wrong: the transaction still uses the request's buffer. */
        WdfRequestComplete(Request, STATUS_SUCCESS);
        (VOID)RunToCompletion(C, C->Tx, R, Direction, NULL, 0);
        (VOID)WdfDmaTransactionRelease(C->Tx);
        return;
    }
    (VOID)RunToCompletion(C, C->Tx, R, Direction, NULL, 0);
    /* The documented order: request and bytes from the transaction, Release, then complete. */
    req = WdfDmaTransactionGetRequest(C->Tx);
    if (req != Request)
        R->Status = STATUS_INTERNAL_ERROR;
    bytes = WdfDmaTransactionGetBytesTransferred(C->Tx);
    (VOID)WdfDmaTransactionRelease(C->Tx);
    WdfRequestCompleteWithInformation(Request, R->Status, NT_SUCCESS(R->Status) ? bytes : 0);
}

static VOID EvtIoDeviceControl(WDFQUEUE Queue, WDFREQUEST Request, size_t OutputBufferLength,
                               size_t InputBufferLength, ULONG IoControlCode)
{
    UNREFERENCED_PARAMETER(OutputBufferLength);
    UNREFERENCED_PARAMETER(InputBufferLength);
    EvtIoReadWrite(Queue, Request, 0,
                   ((IoControlCode >> 2) & 1) ? WdfDmaDirectionReadFromDevice
                                               : WdfDmaDirectionWriteToDevice);
}

static VOID EvtIoRead(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
    EvtIoReadWrite(Queue, Request, Length, WdfDmaDirectionReadFromDevice);
}

static VOID EvtIoWrite(WDFQUEUE Queue, WDFREQUEST Request, size_t Length)
{
    EvtIoReadWrite(Queue, Request, Length, WdfDmaDirectionWriteToDevice);
}

static NTSTATUS EvtPrepareHardware(WDFDEVICE Dev, WDFCMRESLIST Raw, WDFCMRESLIST Translated)
{
    ULONG i, n = WdfCmResourceListGetCount(Translated);

    UNREFERENCED_PARAMETER(Dev);
    UNREFERENCED_PARAMETER(Raw);
    for (i = 0; i < n; i++) {
        PCM_PARTIAL_RESOURCE_DESCRIPTOR d = WdfCmResourceListGetDescriptor(Translated, i);

        if (d->Type == CmResourceTypeMemory && Regs == NULL) {
            RegsLength = d->u.Memory.Length;
            Regs = MmMapIoSpace(d->u.Memory.Start, RegsLength, MmNonCached);
        }
    }
    if (Regs == NULL)
        return STATUS_DEVICE_CONFIGURATION_ERROR;
    if (Cfg.SgDevice) {
        Wr(SG_RESET, 1);
        SgStartRing(&Chan[0]);
        SgStartRing(&Chan[1]);
        if (Cfg.Interrupts)
            Wr(SG_INT_MASK, 0);
    } else {
        Wr(PK_CTRL, PK_CTRL_RESET);
    }
    return STATUS_SUCCESS;
}

static NTSTATUS EvtReleaseHardware(WDFDEVICE Dev, WDFCMRESLIST Translated)
{
    UNREFERENCED_PARAMETER(Dev);
    UNREFERENCED_PARAMETER(Translated);
    if (Regs != NULL) {
        if (Cfg.SgDevice)
            Wr(SG_RESET, 1);
        MmUnmapIoSpace(Regs, RegsLength);
        Regs = NULL;
    }
    return STATUS_SUCCESS;
}

static NTSTATUS EvtDeviceAdd(WDFDRIVER Driver, PWDFDEVICE_INIT Init)
{
    WDF_PNPPOWER_EVENT_CALLBACKS pnp;
    WDF_DMA_ENABLER_CONFIG dc;
    NTSTATUS st;
    ULONG c;

    UNREFERENCED_PARAMETER(Driver);
    WDF_PNPPOWER_EVENT_CALLBACKS_INIT(&pnp);
    pnp.EvtDevicePrepareHardware = EvtPrepareHardware;
    pnp.EvtDeviceReleaseHardware = EvtReleaseHardware;
    WdfDeviceInitSetPnpPowerEventCallbacks(Init, &pnp);
    if (Cfg.Queue)
        WdfDeviceInitSetIoType(Init, Cfg.BufferedIo ? WdfDeviceIoBuffered : WdfDeviceIoDirect);
    st = WdfDeviceCreate(&Init, WDF_NO_OBJECT_ATTRIBUTES, &Device);
    if (!NT_SUCCESS(st))
        return st;
    if (Cfg.Queue) {
        WDF_IO_QUEUE_CONFIG qc;

        WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&qc, WdfIoQueueDispatchSequential);
        qc.EvtIoRead = EvtIoRead;
        qc.EvtIoWrite = EvtIoWrite;
        qc.EvtIoDeviceControl = EvtIoDeviceControl;
        st = WdfIoQueueCreate(Device, &qc, WDF_NO_OBJECT_ATTRIBUTES, WDF_NO_HANDLE);
        if (!NT_SUCCESS(st))
            return st;
    }
    WDF_DMA_ENABLER_CONFIG_INIT(&dc, Cfg.Profile, Cfg.MaximumLength);
    dc.WdmDmaVersionOverride = Cfg.DmaVersion;
    st = WdfDmaEnablerCreate(Device, &dc, WDF_NO_OBJECT_ATTRIBUTES, &Enabler);
    if (!NT_SUCCESS(st))
        return st;
    if (Cfg.MaxSgElements != 0)
        WdfDmaEnablerSetMaximumScatterGatherElements(Enabler, Cfg.MaxSgElements);
    if (Cfg.Interrupts && !Cfg.SgDevice) {
        WDF_INTERRUPT_CONFIG ic;

        WDF_INTERRUPT_CONFIG_INIT(&ic, EvtInterruptIsr, EvtInterruptDpc);
        st = WdfInterruptCreate(Device, &ic, WDF_NO_OBJECT_ATTRIBUTES, &Interrupt);
        if (!NT_SUCCESS(st))
            return st;
    }
    for (c = 0; c < 2; c++) {
        RtlZeroMemory(&Chan[c], sizeof(Chan[c]));
        Chan[c].SgIndex = c;
        KeInitializeEvent(&Chan[c].Done, NotificationEvent, FALSE);
        if (Cfg.Interrupts && Cfg.SgDevice) {
            WDF_INTERRUPT_CONFIG ic;

            /* Created in EvtDriverDeviceAdd: the framework assigns the messages in order. */
            WDF_INTERRUPT_CONFIG_INIT(&ic, SgEvtInterruptIsr, SgEvtInterruptDpc);
            st = WdfInterruptCreate(Device, &ic, WDF_NO_OBJECT_ATTRIBUTES, &Chan[c].SgInterrupt);
            if (!NT_SUCCESS(st))
                return st;
        }
        st = WdfDmaTransactionCreate(Enabler, WDF_NO_OBJECT_ATTRIBUTES, &Chan[c].Tx);
        if (!NT_SUCCESS(st))
            return st;
        if (Cfg.SgDevice) {
            st = WdfCommonBufferCreate(Enabler, SG_RING * sizeof(SG_DESC),
                                       WDF_NO_OBJECT_ATTRIBUTES, &Chan[c].Ring);
            if (!NT_SUCCESS(st))
                return st;
            Chan[c].Desc = WdfCommonBufferGetAlignedVirtualAddress(Chan[c].Ring);
            Chan[c].RingLa = WdfCommonBufferGetAlignedLogicalAddress(Chan[c].Ring);
            RtlZeroMemory(Chan[c].Desc, SG_RING * sizeof(SG_DESC));
        }
    }
    return STATUS_SUCCESS;
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    WDF_DRIVER_CONFIG config;

    Regs = NULL;
    Interrupt = NULL;
    Active = NULL;
    Device = NULL;
    Enabler = NULL;
    WDF_DRIVER_CONFIG_INIT(&config, EvtDeviceAdd);
    return WdfDriverCreate(DriverObject, RegistryPath, WDF_NO_OBJECT_ATTRIBUTES, &config,
                           WDF_NO_HANDLE);
}
