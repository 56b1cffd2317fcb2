/* driver.c - the sgdma reference KMDF driver: DriverEntry, EvtDriverDeviceAdd and the statistics
 * IOCTL.  DeviceAdd does stage 1 of "Handling I/O Requests in a KMDF Driver for a Bus-Master DMA
 * Device": it enables DMA (a scatter/gather duplex enabler), allocates the descriptor rings as
 * common buffers and preallocates one DMA transaction per channel for reuse; it also creates the
 * queues (one sequential queue per direction) and one interrupt object per MSI message.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/handling-i-o-requests-in-a-kmdf-driver-for-a-bus-master-dma-device
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/enabling-dma-transactions
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/using-common-buffers
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/reusing-dma-transaction-objects */
#include "sgdma.h"

DRIVER_INITIALIZE DriverEntry;
static EVT_WDF_DRIVER_DEVICE_ADD SgdmaEvtDeviceAdd;
static EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL SgdmaEvtIoDeviceControl;

ULONG SgdmaRead(SGDMA_DEVICE *Dev, ULONG Offset)
{
    return READ_REGISTER_ULONG((volatile ULONG *)(Dev->Registers + Offset));
}

VOID SgdmaWrite(SGDMA_DEVICE *Dev, ULONG Offset, ULONG Value)
{
    WRITE_REGISTER_ULONG((volatile ULONG *)(Dev->Registers + Offset), Value);
}

static unsigned long long SgdmaCounter(LONG64 *Counter)
{
    return (unsigned long long)InterlockedAdd64(Counter, 0);
}

/* The statistics IOCTL; any other code fails with STATUS_INVALID_DEVICE_REQUEST.  The queue is
 * not power-managed, so the counters can be read while the device is in Dx. */
static VOID SgdmaEvtIoDeviceControl(WDFQUEUE Queue, WDFREQUEST Request, size_t OutputBufferLength,
                                    size_t InputBufferLength, ULONG IoControlCode)
{
    SGDMA_DEVICE *dev = SgdmaGetDevice(WdfIoQueueGetDevice(Queue));
    SGDMA_STATISTICS *out;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(OutputBufferLength);
    UNREFERENCED_PARAMETER(InputBufferLength);
    if (IoControlCode != IOCTL_SGDMA_GET_STATISTICS) {
        WdfRequestComplete(Request, STATUS_INVALID_DEVICE_REQUEST);
        return;
    }
    status = WdfRequestRetrieveOutputBuffer(Request, sizeof(*out), (PVOID *)&out, NULL);
    if (!NT_SUCCESS(status)) {
        WdfRequestComplete(Request, status);
        return;
    }
    out->ProgramDmaCalls = SgdmaCounter(&dev->ProgramDmaCalls);
    out->Descriptors = SgdmaCounter(&dev->Descriptors);
    out->Interrupts = SgdmaCounter(&dev->Interrupts);
    out->Dpcs = SgdmaCounter(&dev->Dpcs);
    out->TransfersCompleted = SgdmaCounter(&dev->TransfersCompleted);
    out->RequestsCompleted = SgdmaCounter(&dev->RequestsCompleted);
    out->DeviceErrors = SgdmaCounter(&dev->DeviceErrors);
    out->ShortTransfers = SgdmaCounter(&dev->ShortTransfers);
    out->StoppedInFlight = SgdmaCounter(&dev->StoppedInFlight);
    WdfRequestCompleteWithInformation(Request, STATUS_SUCCESS, sizeof(*out));
}

/* A sequential queue for one direction, receiving only that request type.  Sequential: the
 * channel has one preallocated transaction, so one request per direction is in flight; the two
 * directions run at the same time on their own channels. */
static NTSTATUS SgdmaCreateDirectionQueue(SGDMA_DEVICE *Dev, WDF_REQUEST_TYPE Type)
{
    WDF_IO_QUEUE_CONFIG config;
    WDFQUEUE queue;
    NTSTATUS status;

    WDF_IO_QUEUE_CONFIG_INIT(&config, WdfIoQueueDispatchSequential);
    if (Type == WdfRequestTypeRead)
        config.EvtIoRead = SgdmaEvtIoRead;
    else
        config.EvtIoWrite = SgdmaEvtIoWrite;
    status = WdfIoQueueCreate(Dev->Device, &config, WDF_NO_OBJECT_ATTRIBUTES, &queue);
    if (!NT_SUCCESS(status))
        return status;
    return WdfDeviceConfigureRequestDispatching(Dev->Device, queue, Type);
}

/* Stage 1 (DMA side): the enabler, then per channel a lock, a transaction and a ring. */
static NTSTATUS SgdmaCreateDma(SGDMA_DEVICE *Dev)
{
    WDF_DMA_ENABLER_CONFIG config;
    WDF_OBJECT_ATTRIBUTES attributes;
    NTSTATUS status;
    ULONG c;

    /* Set before the enabler, so its common buffers get this alignment. */
    WdfDeviceSetAlignmentRequirement(Dev->Device, SGDMA_ALIGNMENT_REQUIREMENT);
    WDF_DMA_ENABLER_CONFIG_INIT(&config, WdfDmaProfileScatterGather64Duplex, SGDMA_MAX_TRANSFER);
    status = WdfDmaEnablerCreate(Dev->Device, &config, WDF_NO_OBJECT_ATTRIBUTES, &Dev->Enabler);
    if (!NT_SUCCESS(status))
        return status;
    for (c = 0; c < SGDMA_CHANNELS; c++) {
        SGDMA_CHANNEL *ch = &Dev->Channel[c];

        ch->Device = Dev;
        ch->Index = c;
        ch->Direction = c == SGDMA_CHANNEL_H2D ? WdfDmaDirectionWriteToDevice
                                               : WdfDmaDirectionReadFromDevice;
        WDF_OBJECT_ATTRIBUTES_INIT(&attributes);
        attributes.ParentObject = Dev->Device;
        status = WdfSpinLockCreate(&attributes, &ch->Lock);
        if (!NT_SUCCESS(status))
            return status;
        status = WdfDmaTransactionCreate(Dev->Enabler, WDF_NO_OBJECT_ATTRIBUTES, &ch->Transaction);
        if (!NT_SUCCESS(status))
            return status;
        status = WdfCommonBufferCreate(Dev->Enabler, SGDMA_RING_ENTRIES * sizeof(SGDMA_DESCRIPTOR),
                                       WDF_NO_OBJECT_ATTRIBUTES, &ch->RingBuffer);
        if (!NT_SUCCESS(status))
            return status;
        ch->Ring = WdfCommonBufferGetAlignedVirtualAddress(ch->RingBuffer);
        ch->RingLogical = WdfCommonBufferGetAlignedLogicalAddress(ch->RingBuffer);
        RtlZeroMemory((PVOID)ch->Ring, SGDMA_RING_ENTRIES * sizeof(SGDMA_DESCRIPTOR));
        ch->RingSize = SGDMA_RING_ENTRIES;
    }
    return STATUS_SUCCESS;
}

/* One interrupt object per MSI message, created here so the framework assigns them to the
 * messages in creation order (object 0 = message 0 = H2D, object 1 = D2H). */
static NTSTATUS SgdmaCreateInterrupts(SGDMA_DEVICE *Dev)
{
    WDF_INTERRUPT_CONFIG config;
    WDF_OBJECT_ATTRIBUTES attributes;
    NTSTATUS status;
    ULONG c;

    for (c = 0; c < SGDMA_CHANNELS; c++) {
        WDF_INTERRUPT_CONFIG_INIT(&config, SgdmaEvtInterruptIsr, SgdmaEvtInterruptDpc);
        WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, SGDMA_INTERRUPT);
        status = WdfInterruptCreate(Dev->Device, &config, &attributes, &Dev->Interrupt[c]);
        if (!NT_SUCCESS(status))
            return status;
        SgdmaGetInterrupt(Dev->Interrupt[c])->CauseMask = SGDMA_INT_CHANNEL(c);
    }
    return STATUS_SUCCESS;
}

/* Stage 1: everything the device needs that does not depend on its hardware resources. */
static NTSTATUS SgdmaEvtDeviceAdd(WDFDRIVER Driver, PWDFDEVICE_INIT DeviceInit)
{
    WDF_PNPPOWER_EVENT_CALLBACKS pnp;
    WDF_OBJECT_ATTRIBUTES attributes;
    WDF_IO_QUEUE_CONFIG config;
    static const GUID iface = SGDMA_INTERFACE_GUID_INIT;
    WDFDEVICE device;
    SGDMA_DEVICE *dev;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(Driver);
    /* Direct I/O: the request carries an MDL of the caller's pages, which the DMA transaction
     * maps for the device without a copy. */
    WdfDeviceInitSetIoType(DeviceInit, WdfDeviceIoDirect);
    WDF_PNPPOWER_EVENT_CALLBACKS_INIT(&pnp);
    pnp.EvtDevicePrepareHardware = SgdmaEvtDevicePrepareHardware;
    pnp.EvtDeviceReleaseHardware = SgdmaEvtDeviceReleaseHardware;
    pnp.EvtDeviceD0Entry = SgdmaEvtDeviceD0Entry;
    pnp.EvtDeviceD0EntryPostInterruptsEnabled = SgdmaEvtDeviceD0EntryPostInterruptsEnabled;
    pnp.EvtDeviceD0ExitPreInterruptsDisabled = SgdmaEvtDeviceD0ExitPreInterruptsDisabled;
    pnp.EvtDeviceD0Exit = SgdmaEvtDeviceD0Exit;
    pnp.EvtDeviceSurpriseRemoval = SgdmaEvtDeviceSurpriseRemoval;
    WdfDeviceInitSetPnpPowerEventCallbacks(DeviceInit, &pnp);
    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, SGDMA_DEVICE);
    status = WdfDeviceCreate(&DeviceInit, &attributes, &device);
    if (!NT_SUCCESS(status))
        return status;
    dev = SgdmaGetDevice(device);
    dev->Device = device;

    status = SgdmaCreateDma(dev);
    if (!NT_SUCCESS(status))
        return status;
    status = SgdmaCreateInterrupts(dev);
    if (!NT_SUCCESS(status))
        return status;
    /* The default queue takes I/O controls (parallel, usable in Dx); reads and writes go to
     * their own power-managed sequential queues. */
    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&config, WdfIoQueueDispatchParallel);
    config.EvtIoDeviceControl = SgdmaEvtIoDeviceControl;
    config.PowerManaged = WdfFalse;
    status = WdfIoQueueCreate(device, &config, WDF_NO_OBJECT_ATTRIBUTES, WDF_NO_HANDLE);
    if (!NT_SUCCESS(status))
        return status;
    status = SgdmaCreateDirectionQueue(dev, WdfRequestTypeRead);
    if (!NT_SUCCESS(status))
        return status;
    status = SgdmaCreateDirectionQueue(dev, WdfRequestTypeWrite);
    if (!NT_SUCCESS(status))
        return status;
    return WdfDeviceCreateDeviceInterface(device, &iface, NULL);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    WDF_DRIVER_CONFIG config;

    WDF_DRIVER_CONFIG_INIT(&config, SgdmaEvtDeviceAdd);
    return WdfDriverCreate(DriverObject, RegistryPath, WDF_NO_OBJECT_ATTRIBUTES, &config,
                           WDF_NO_HANDLE);
}
