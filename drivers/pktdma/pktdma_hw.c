/* pktdma_hw.c - the pktdma reference KMDF driver's hardware callbacks: map BAR0 and check the
 * device's identity and capabilities (EvtDevicePrepareHardware), unmap it
 * (EvtDeviceReleaseHardware), reset the engine on every entry to D0 and, on the way out of D0
 * for removal, take back a transfer whose interrupt will never come (EvtDeviceD0Exit).
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/finding-and-mapping-hardware-resources
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdevice/nc-wdfdevice-evt_wdf_device_d0_entry
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdevice/nc-wdfdevice-evt_wdf_device_d0_exit */
#include "pktdma.h"

/* Reads and checks the identity and capability registers. */
static NTSTATUS PktDmaCheckDevice(PPKTDMA_DEVICE_CONTEXT Ctx)
{
    if (PktDmaRead(Ctx, PKTDMA_REG_ID) != PKTDMA_ID_MAGIC)
        return STATUS_DEVICE_CONFIGURATION_ERROR;
    Ctx->Version = PktDmaRead(Ctx, PKTDMA_REG_VERSION);
    if ((Ctx->Version >> 16) != PKTDMA_VERSION_MAJOR)
        return STATUS_DEVICE_CONFIGURATION_ERROR;
    /* The packet profile promises the framework a 32-bit master; refuse a device that is not. */
    if (PktDmaRead(Ctx, PKTDMA_REG_CAP_ADDR_BITS) < 32)
        return STATUS_DEVICE_CONFIGURATION_ERROR;
    Ctx->MaxTransfer = PktDmaRead(Ctx, PKTDMA_REG_CAP_MAX_LEN);
    Ctx->Alignment = PktDmaRead(Ctx, PKTDMA_REG_CAP_ALIGN);
    Ctx->MemorySize = PktDmaRead(Ctx, PKTDMA_REG_CAP_MEM_SIZE);
    if (Ctx->MaxTransfer < PAGE_SIZE || Ctx->Alignment == 0 ||
        (Ctx->Alignment & (Ctx->Alignment - 1)) != 0 || Ctx->Alignment > PAGE_SIZE ||
        Ctx->MemorySize == 0)
        return STATUS_DEVICE_CONFIGURATION_ERROR;
    /* Buffers must start on the device's alignment (the I/O manager checks direct I/O buffers). */
    WdfDeviceSetAlignmentRequirement(Ctx->Device, Ctx->Alignment - 1);
    return STATUS_SUCCESS;
}

/* Finds the 32-bit memory BAR among the translated resources and maps it; the interrupt
 * resource is the framework's (the interrupt object was created in EvtDriverDeviceAdd).
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdevice/nc-wdfdevice-evt_wdf_device_prepare_hardware */
NTSTATUS PktDmaEvtDevicePrepareHardware(WDFDEVICE Device, WDFCMRESLIST ResourcesRaw,
                                        WDFCMRESLIST ResourcesTranslated)
{
    PPKTDMA_DEVICE_CONTEXT ctx = PktDmaGetDeviceContext(Device);
    ULONG i, count = WdfCmResourceListGetCount(ResourcesTranslated);
    NTSTATUS status;

    UNREFERENCED_PARAMETER(ResourcesRaw);
    PAGED_CODE();

    for (i = 0; i < count && ctx->Registers == NULL; i++) {
        PCM_PARTIAL_RESOURCE_DESCRIPTOR d = WdfCmResourceListGetDescriptor(ResourcesTranslated, i);

        if (d == NULL || d->Type != CmResourceTypeMemory)
            continue;
        if (d->u.Memory.Length < PKTDMA_BAR0_MIN_LENGTH)
            return STATUS_DEVICE_CONFIGURATION_ERROR;
        ctx->Registers = MmMapIoSpace(d->u.Memory.Start, d->u.Memory.Length, MmNonCached);
        if (ctx->Registers == NULL)
            return STATUS_INSUFFICIENT_RESOURCES;
        ctx->RegistersLength = d->u.Memory.Length;
    }
    if (ctx->Registers == NULL)
        return STATUS_DEVICE_CONFIGURATION_ERROR;
    status = PktDmaCheckDevice(ctx);
    if (!NT_SUCCESS(status)) {
        MmUnmapIoSpace(ctx->Registers, ctx->RegistersLength);
        ctx->Registers = NULL;
    }
    return status;
}

/* https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdevice/nc-wdfdevice-evt_wdf_device_release_hardware */
NTSTATUS PktDmaEvtDeviceReleaseHardware(WDFDEVICE Device, WDFCMRESLIST ResourcesTranslated)
{
    PPKTDMA_DEVICE_CONTEXT ctx = PktDmaGetDeviceContext(Device);

    UNREFERENCED_PARAMETER(ResourcesTranslated);
    PAGED_CODE();

    if (ctx->Registers != NULL) {
        MmUnmapIoSpace(ctx->Registers, ctx->RegistersLength);
        ctx->Registers = NULL;
    }
    return STATUS_SUCCESS;
}

/* Back in D0 (first start or return from Dx): the engine's state is unknown, so reset it; the
 * framework enables the interrupt after this returns. */
NTSTATUS PktDmaEvtDeviceD0Entry(WDFDEVICE Device, WDF_POWER_DEVICE_STATE PreviousState)
{
    PPKTDMA_DEVICE_CONTEXT ctx = PktDmaGetDeviceContext(Device);

    UNREFERENCED_PARAMETER(PreviousState);
    PktDmaWrite(ctx, PKTDMA_REG_CTRL, PKTDMA_CTRL_RESET);
    if (PktDmaRead(ctx, PKTDMA_REG_ID) != PKTDMA_ID_MAGIC)
        return STATUS_DEVICE_NOT_READY;
    InterlockedExchange(&ctx->Stopping, 0);
    return STATUS_SUCCESS;
}

/* Leaving D0.  For a move to Dx the power-managed queue has already waited until the driver
 * completed the request it owned, so nothing is in flight.  For removal (surprise or orderly,
 * TargetState D3Final) the queue does not wait: a transfer may still be running, and the
 * interrupt is already disconnected with its DPCs flushed, so its completion will never be
 * reported.  The driver stops the engine and ends the transaction itself. */
NTSTATUS PktDmaEvtDeviceD0Exit(WDFDEVICE Device, WDF_POWER_DEVICE_STATE TargetState)
{
    PPKTDMA_DEVICE_CONTEXT ctx = PktDmaGetDeviceContext(Device);

    UNREFERENCED_PARAMETER(TargetState);
    PktDmaReclaimTransfer(ctx);
    PktDmaWrite(ctx, PKTDMA_REG_CTRL, PKTDMA_CTRL_RESET);
    return STATUS_SUCCESS;
}
