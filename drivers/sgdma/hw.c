/* hw.c - the sgdma reference driver's hardware and power callbacks: finding and mapping the
 * register BAR, checking the device's identity and capabilities (EvtDevicePrepareHardware),
 * programming the descriptor rings and unmasking interrupts on entry to D0, masking and
 * quiescing on exit (ending a transfer still in flight at removal), and unmapping.  The ring
 * programming is the hardware half of stage 1 of the bus-master DMA sequence.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/handling-i-o-requests-in-a-kmdf-driver-for-a-bus-master-dma-device
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/finding-and-mapping-hardware-resources
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/supporting-power-management-for-dma-devices
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/a-device-enters-a-low-power-state */
#include "sgdma.h"

/* The most bytes one transfer may have so that its descriptors always fit in the ring: an SG
 * list of a T-byte transfer has at most T / PAGE_SIZE + 2 elements, and splitting elements
 * longer than MaxDescBytes adds at most T / MaxDescBytes descriptors. */
static size_t SgdmaTransferLimit(ULONG RingSize, ULONG MaxDescBytes)
{
    ULONG64 slots = RingSize - 1 - 2;
    ULONG64 limit = slots * MaxDescBytes * PAGE_SIZE / ((ULONG64)MaxDescBytes + PAGE_SIZE);

    limit &= ~((ULONG64)PAGE_SIZE - 1);
    if (limit > SGDMA_MAX_TRANSFER)
        limit = SGDMA_MAX_TRANSFER;
    return (size_t)limit;
}

/* Reads and checks the identity and capability registers.  A device this driver cannot drive
 * correctly fails the start with STATUS_DEVICE_CONFIGURATION_ERROR. */
static NTSTATUS SgdmaCheckDevice(SGDMA_DEVICE *Dev)
{
    ULONG maxDescs, align, maxDesc, c;

    if (SgdmaRead(Dev, SGDMA_REG_ID) != SGDMA_ID_MAGIC ||
        SGDMA_VERSION_MAJOR(SgdmaRead(Dev, SGDMA_REG_VERSION)) != 1 ||
        SGDMA_CAPS_CHANNELS(SgdmaRead(Dev, SGDMA_REG_CAPS)) < SGDMA_CHANNELS ||
        SgdmaRead(Dev, SGDMA_REG_DESC_SIZE) != sizeof(SGDMA_DESCRIPTOR) ||
        SgdmaRead(Dev, SGDMA_REG_ADDR_WIDTH) < 64)
        return STATUS_DEVICE_CONFIGURATION_ERROR;
    maxDescs = SgdmaRead(Dev, SGDMA_REG_MAX_DESCS);
    align = SgdmaRead(Dev, SGDMA_REG_ALIGN);
    maxDesc = SgdmaRead(Dev, SGDMA_REG_MAX_DESC_BYTES);
    /* The ALIGN the device asks for must be one the framework's SG lists can meet: a power of
     * two no larger than a page (then every element boundary inside the buffer is aligned). */
    if (align == 0 || (align & (align - 1)) != 0 || align > PAGE_SIZE || maxDesc < align ||
        maxDescs < 4)
        return STATUS_DEVICE_CONFIGURATION_ERROR;
    Dev->Align = align;
    Dev->MaxDescBytes = maxDesc & ~(align - 1);
    Dev->MemorySize = (ULONG64)SgdmaRead(Dev, SGDMA_REG_DEV_MEM_SIZE) |
                      ((ULONG64)SgdmaRead(Dev, SGDMA_REG_DEV_MEM_SIZE + 4) << 32);
    for (c = 0; c < SGDMA_CHANNELS; c++) {
        ULONG ring = SGDMA_RING_ENTRIES;

        while (ring > maxDescs)
            ring /= 2;
        Dev->Channel[c].RingSize = ring;
    }
    Dev->MaxTransfer = SgdmaTransferLimit(Dev->Channel[0].RingSize, Dev->MaxDescBytes);
    if (Dev->MaxTransfer < PAGE_SIZE)
        return STATUS_DEVICE_CONFIGURATION_ERROR;
    return STATUS_SUCCESS;
}

/* Counts the MSI messages granted; with a single message, interrupt object 0 serves both
 * channels (the device folds them onto it) and object 1 is left without a resource. */
static VOID SgdmaAssignCauses(SGDMA_DEVICE *Dev, WDFCMRESLIST Raw, WDFCMRESLIST Translated)
{
    ULONG i, n = WdfCmResourceListGetCount(Translated), messages = 0;

    for (i = 0; i < n; i++) {
        PCM_PARTIAL_RESOURCE_DESCRIPTOR d = WdfCmResourceListGetDescriptor(Translated, i);
        PCM_PARTIAL_RESOURCE_DESCRIPTOR r = WdfCmResourceListGetDescriptor(Raw, i);

        if (d->Type != CmResourceTypeInterrupt)
            continue;
        messages += (d->Flags & CM_RESOURCE_INTERRUPT_MESSAGE)
                        ? r->u.MessageInterrupt.Raw.MessageCount
                        : 1;
    }
    SgdmaGetInterrupt(Dev->Interrupt[0])->CauseMask =
        messages >= SGDMA_CHANNELS ? SGDMA_INT_CHANNEL(0)
                                   : SGDMA_INT_CHANNEL(0) | SGDMA_INT_CHANNEL(1);
    SgdmaGetInterrupt(Dev->Interrupt[1])->CauseMask =
        messages >= SGDMA_CHANNELS ? SGDMA_INT_CHANNEL(1) : 0;
}

/* Finds the memory BAR among the translated resources, maps it and checks the device. */
NTSTATUS SgdmaEvtDevicePrepareHardware(WDFDEVICE Device, WDFCMRESLIST ResourcesRaw,
                                       WDFCMRESLIST ResourcesTranslated)
{
    SGDMA_DEVICE *dev = SgdmaGetDevice(Device);
    ULONG i, n = WdfCmResourceListGetCount(ResourcesTranslated);
    NTSTATUS status;

    for (i = 0; i < n && dev->Registers == NULL; i++) {
        PCM_PARTIAL_RESOURCE_DESCRIPTOR d = WdfCmResourceListGetDescriptor(ResourcesTranslated, i);

        if (d->Type != CmResourceTypeMemory || d->u.Memory.Length < 0x300)
            continue;
        dev->Registers = MmMapIoSpaceEx(d->u.Memory.Start, d->u.Memory.Length,
                                        PAGE_READWRITE | PAGE_NOCACHE);
        if (dev->Registers == NULL)
            return STATUS_INSUFFICIENT_RESOURCES;
        dev->RegistersLength = d->u.Memory.Length;
    }
    if (dev->Registers == NULL)
        return STATUS_DEVICE_CONFIGURATION_ERROR;
    status = SgdmaCheckDevice(dev);
    if (!NT_SUCCESS(status))
        return status;     /* EvtDeviceReleaseHardware runs and unmaps */
    SgdmaAssignCauses(dev, ResourcesRaw, ResourcesTranslated);
    InterlockedExchange(&dev->SurpriseRemoved, 0);
    return STATUS_SUCCESS;
}

NTSTATUS SgdmaEvtDeviceReleaseHardware(WDFDEVICE Device, WDFCMRESLIST ResourcesTranslated)
{
    SGDMA_DEVICE *dev = SgdmaGetDevice(Device);

    UNREFERENCED_PARAMETER(ResourcesTranslated);
    if (dev->Registers != NULL) {
        MmUnmapIoSpace(dev->Registers, dev->RegistersLength);
        dev->Registers = NULL;
    }
    return STATUS_SUCCESS;
}

VOID SgdmaChannelStart(SGDMA_CHANNEL *Channel)
{
    SGDMA_DEVICE *dev = Channel->Device;
    ULONG base = SGDMA_CH_BASE(Channel->Index);

    SgdmaWrite(dev, base + SGDMA_CH_CTRL, SGDMA_CTRL_CH_RESET);
    SgdmaWrite(dev, base + SGDMA_CH_RING_BASE, Channel->RingLogical.LowPart);
    SgdmaWrite(dev, base + SGDMA_CH_RING_BASE + 4, (ULONG)Channel->RingLogical.HighPart);
    SgdmaWrite(dev, base + SGDMA_CH_RING_SIZE, Channel->RingSize);     /* HEAD = TAIL = 0 */
    /* One interrupt per transfer: its last descriptor asks for it (INT_ON_COMPLETE). */
    SgdmaWrite(dev, base + SGDMA_CH_COALESCE_COUNT, 0);
    SgdmaWrite(dev, base + SGDMA_CH_COALESCE_TIME_US, 0);
    SgdmaWrite(dev, base + SGDMA_CH_CTRL, SGDMA_CTRL_RUN);
    Channel->Tail = 0;
    Channel->First = 0;
    Channel->Count = 0;
}

/* Entering D0 (start, or back from Dx): a function-level reset, then both rings.  Interrupt
 * causes stay masked until the interrupts are connected. */
NTSTATUS SgdmaEvtDeviceD0Entry(WDFDEVICE Device, WDF_POWER_DEVICE_STATE PreviousState)
{
    SGDMA_DEVICE *dev = SgdmaGetDevice(Device);
    ULONG c;

    UNREFERENCED_PARAMETER(PreviousState);
    SgdmaWrite(dev, SGDMA_REG_RESET, SGDMA_RESET_FLR);
    for (c = 0; c < SGDMA_CHANNELS; c++)
        SgdmaChannelStart(&dev->Channel[c]);
    return STATUS_SUCCESS;
}

/* The interrupts are connected: unmask DONE and ERROR of both channels. */
NTSTATUS SgdmaEvtDeviceD0EntryPostInterruptsEnabled(WDFDEVICE Device,
                                                    WDF_POWER_DEVICE_STATE PreviousState)
{
    SGDMA_DEVICE *dev = SgdmaGetDevice(Device);

    UNREFERENCED_PARAMETER(PreviousState);
    SgdmaWrite(dev, SGDMA_REG_INT_MASK,
               SGDMA_INT_ALL & ~(SGDMA_INT_DONE(0) | SGDMA_INT_ERROR(0) | SGDMA_INT_DONE(1) |
                                 SGDMA_INT_ERROR(1)));
    return STATUS_SUCCESS;
}

/* Before the interrupts are disconnected: the power-managed queues have already stopped (for a
 * power-down, after every request in flight completed), so nothing new starts; mask. */
NTSTATUS SgdmaEvtDeviceD0ExitPreInterruptsDisabled(WDFDEVICE Device,
                                                   WDF_POWER_DEVICE_STATE TargetState)
{
    SGDMA_DEVICE *dev = SgdmaGetDevice(Device);

    UNREFERENCED_PARAMETER(TargetState);
    SgdmaWrite(dev, SGDMA_REG_INT_MASK, SGDMA_INT_ALL);
    return STATUS_SUCCESS;
}

/* Leaving D0: the interrupts and their DPCs are quiet.  The reset stops both engines (it
 * returns once they let go, so no DMA follows it); a transfer still in flight (only at removal,
 * when the framework does not wait for the queues' requests) is then ended with what the device
 * reported as moved, and its request completed. */
NTSTATUS SgdmaEvtDeviceD0Exit(WDFDEVICE Device, WDF_POWER_DEVICE_STATE TargetState)
{
    SGDMA_DEVICE *dev = SgdmaGetDevice(Device);
    ULONG c;

    UNREFERENCED_PARAMETER(TargetState);
    SgdmaWrite(dev, SGDMA_REG_RESET, SGDMA_RESET_FLR);
    for (c = 0; c < SGDMA_CHANNELS; c++)
        SgdmaChannelAbandon(&dev->Channel[c]);
    return STATUS_SUCCESS;
}

/* The device is gone: requests that cannot finish complete with STATUS_DEVICE_REMOVED. */
VOID SgdmaEvtDeviceSurpriseRemoval(WDFDEVICE Device)
{
    InterlockedExchange(&SgdmaGetDevice(Device)->SurpriseRemoved, 1);
}
