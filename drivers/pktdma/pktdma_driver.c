/* pktdma_driver.c - the pktdma reference KMDF driver: DriverEntry and EvtDriverDeviceAdd.
 * Stage 1 of bus-master DMA request handling: enable DMA for the device (a packet-profile DMA
 * enabler for this 32-bit, one-transfer-at-a-time bus master) and preallocate the one DMA
 * transaction every request reuses, so the I/O path allocates nothing; also the sequential queue
 * (the device moves one packet at a time), the level-triggered interrupt and the interface.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/handling-i-o-requests-in-a-kmdf-driver-for-a-bus-master-dma-device
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/enabling-dma-transactions
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/reusing-dma-transaction-objects */
#include "pktdma.h"

/* https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/creating-a-framework-driver-object */
NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    WDF_DRIVER_CONFIG config;

    WDF_DRIVER_CONFIG_INIT(&config, PktDmaEvtDeviceAdd);
    config.DriverPoolTag = PKTDMA_POOL_TAG;
    return WdfDriverCreate(DriverObject, RegistryPath, WDF_NO_OBJECT_ATTRIBUTES, &config,
                           WDF_NO_HANDLE);
}

/* One sequential default queue for reads, writes and the info control.  Power-managed (the
 * default): requests that arrive in Dx wait until the device is back in D0, and the framework
 * does not leave D0 while the driver owns a request.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/dispatching-methods-for-i-o-requests */
static NTSTATUS PktDmaCreateQueue(PPKTDMA_DEVICE_CONTEXT Ctx)
{
    WDF_IO_QUEUE_CONFIG config;

    WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE(&config, WdfIoQueueDispatchSequential);
    config.EvtIoRead = PktDmaEvtIoRead;
    config.EvtIoWrite = PktDmaEvtIoWrite;
    config.EvtIoDeviceControl = PktDmaEvtIoDeviceControl;
    config.EvtIoStop = PktDmaEvtIoStop;
    return WdfIoQueueCreate(Ctx->Device, &config, WDF_NO_OBJECT_ATTRIBUTES, &Ctx->Queue);
}

/* The device's one line interrupt; the framework connects it from the start resources and
 * enables it after EvtDeviceD0Entry.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/creating-an-interrupt-object */
static NTSTATUS PktDmaCreateInterrupt(PPKTDMA_DEVICE_CONTEXT Ctx)
{
    WDF_INTERRUPT_CONFIG config;
    WDF_OBJECT_ATTRIBUTES attributes;

    WDF_INTERRUPT_CONFIG_INIT(&config, PktDmaEvtInterruptIsr, PktDmaEvtInterruptDpc);
    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, PKTDMA_INTERRUPT_CONTEXT);
    return WdfInterruptCreate(Ctx->Device, &config, &attributes, &Ctx->Interrupt);
}

/* Stage 1: the DMA enabler and the transaction object.  WdfDmaProfilePacket is a 32-bit packet
 * device: the framework hands EvtProgramDma one contiguous range below 4 GiB per transfer
 * (bouncing buffers the device cannot reach) and splits a request into transfers of at most
 * MaximumLength bytes.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdmaenabler/nf-wdfdmaenabler-wdfdmaenablercreate
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdmaenabler/ne-wdfdmaenabler-_wdf_dma_profile
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdmatransaction/nf-wdfdmatransaction-wdfdmatransactioncreate */
static NTSTATUS PktDmaCreateDma(PPKTDMA_DEVICE_CONTEXT Ctx)
{
    WDF_DMA_ENABLER_CONFIG config;
    NTSTATUS status;

    WDF_DMA_ENABLER_CONFIG_INIT(&config, WdfDmaProfilePacket, PKTDMA_DRIVER_MAX_TRANSFER);
    status = WdfDmaEnablerCreate(Ctx->Device, &config, WDF_NO_OBJECT_ATTRIBUTES, &Ctx->DmaEnabler);
    if (!NT_SUCCESS(status))
        return status;
    return WdfDmaTransactionCreate(Ctx->DmaEnabler, WDF_NO_OBJECT_ATTRIBUTES, &Ctx->Transaction);
}

/* Stage 1.  Direct I/O, so a read or write reaches the driver with an MDL of the caller's own
 * pages, which the DMA transaction maps for the device.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdriver/nc-wdfdriver-evt_wdf_driver_device_add */
NTSTATUS PktDmaEvtDeviceAdd(WDFDRIVER Driver, PWDFDEVICE_INIT DeviceInit)
{
    WDF_PNPPOWER_EVENT_CALLBACKS pnp;
    WDF_OBJECT_ATTRIBUTES attributes;
    PPKTDMA_DEVICE_CONTEXT ctx;
    WDFDEVICE device;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(Driver);
    PAGED_CODE();

    WdfDeviceInitSetIoType(DeviceInit, WdfDeviceIoDirect);
    WDF_PNPPOWER_EVENT_CALLBACKS_INIT(&pnp);
    pnp.EvtDevicePrepareHardware = PktDmaEvtDevicePrepareHardware;
    pnp.EvtDeviceReleaseHardware = PktDmaEvtDeviceReleaseHardware;
    pnp.EvtDeviceD0Entry = PktDmaEvtDeviceD0Entry;
    pnp.EvtDeviceD0Exit = PktDmaEvtDeviceD0Exit;
    WdfDeviceInitSetPnpPowerEventCallbacks(DeviceInit, &pnp);

    WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(&attributes, PKTDMA_DEVICE_CONTEXT);
    status = WdfDeviceCreate(&DeviceInit, &attributes, &device);
    if (!NT_SUCCESS(status))
        return status;
    ctx = PktDmaGetDeviceContext(device);
    RtlZeroMemory(ctx, sizeof(*ctx));
    ctx->Device = device;

    status = WdfDeviceCreateDeviceInterface(device, &GUID_DEVINTERFACE_PKTDMA, NULL);
    if (NT_SUCCESS(status))
        status = PktDmaCreateQueue(ctx);
    if (NT_SUCCESS(status))
        status = PktDmaCreateInterrupt(ctx);
    if (NT_SUCCESS(status))
        status = PktDmaCreateDma(ctx);
    return status;
}
