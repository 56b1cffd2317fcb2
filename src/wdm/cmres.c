/* cmres.c - hardware resource lists (wdm layer): the raw and translated CM_RESOURCE_LISTs of a
 * plugged device, built from the bus's resource report, and RtlCmDecodeMemIoResource /
 * RtlCmEncodeMemIoResource.  Descriptor contents: docs/wdm-io.md.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/ns-wdm-_cm_partial_resource_descriptor
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/raw-and-translated-resources
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/using-interrupt-resource-descriptors */
#include "wdm_cmres.h"

#include <stdlib.h>

#include "ntstatus.h"
#include "platform/bus.h"
#include "platform/machine.h"

/* Version and revision Windows reports for PnP-assigned lists. */
#define CMRES_LIST_VERSION 1
#define CMRES_LIST_REVISION 1

/* At most six BARs and one interrupt. */
#define CMRES_MAX (BUS_MAX_BARS + 1)

SIZE_T wdm_cmres_size(ULONG count)
{
    SIZE_T head =
        (SIZE_T)FIELD_OFFSET(CM_RESOURCE_LIST, List[0].PartialResourceList.PartialDescriptors);
    SIZE_T size = head + (SIZE_T)count * sizeof(CM_PARTIAL_RESOURCE_DESCRIPTOR);
    return size < sizeof(CM_RESOURCE_LIST) ? sizeof(CM_RESOURCE_LIST) : size;
}

/* Every simulated CPU may take the interrupt (Windows' default policy for a device). */
static KAFFINITY cmres_cpu_affinity(const struct dmabox_dev *dev)
{
    unsigned cpus = bus_device_machine(dev)->config.cpus;
    return cpus >= 8 * sizeof(KAFFINITY) ? ~(KAFFINITY)0 : ((KAFFINITY)1 << cpus) - 1;
}

/* A memory range: raw and translated Start are both the BAR's machine-physical address (the
 * simulated host bridge translates 1:1).  Ranges of 4 GiB or more use CmResourceTypeMemoryLarge. */
static void cmres_fill_memory(const struct bus_resource *r, PCM_PARTIAL_RESOURCE_DESCRIPTOR raw,
                              PCM_PARTIAL_RESOURCE_DESCRIPTOR tr)
{
    UCHAR type = r->length > MAXULONG ? CmResourceTypeMemoryLarge : CmResourceTypeMemory;

    raw->ShareDisposition = CmResourceShareDeviceExclusive;
    raw->Flags = CM_RESOURCE_MEMORY_READ_WRITE;
    /* BAR sizes are powers of two, so every length the bus reports is encodable. */
    (void)RtlCmEncodeMemIoResource(raw, type, r->length, r->start);
    *tr = *raw;
}

/* A port range: Start is the port number in both lists, and the translated descriptor says
 * CM_RESOURCE_PORT_IO, so the driver uses (PUCHAR)(ULONG_PTR)Start with READ/WRITE_PORT_*. */
static void cmres_fill_port(const struct bus_resource *r, PCM_PARTIAL_RESOURCE_DESCRIPTOR raw,
                            PCM_PARTIAL_RESOURCE_DESCRIPTOR tr)
{
    raw->Type = CmResourceTypePort;
    raw->ShareDisposition = CmResourceShareDeviceExclusive;
    raw->Flags = CM_RESOURCE_PORT_IO;
    raw->u.Port.Start.QuadPart = (LONGLONG)r->start;
    raw->u.Port.Length = (ULONG)r->length;
    *tr = *raw;
}

/* A line interrupt is level-sensitive and shareable.  Raw: the bus's line as level and vector,
 * any processor.  Translated: the device's DIRQL, a system vector, the machine's CPUs. */
static void cmres_fill_line(const struct dmabox_dev *dev, const struct bus_resource *r,
                            PCM_PARTIAL_RESOURCE_DESCRIPTOR raw, PCM_PARTIAL_RESOURCE_DESCRIPTOR tr)
{
    raw->Type = CmResourceTypeInterrupt;
    raw->ShareDisposition = CmResourceShareShared;
    raw->Flags = CM_RESOURCE_INTERRUPT_LEVEL_SENSITIVE;
    *tr = *raw;
    raw->u.Interrupt.Level = r->line;
    raw->u.Interrupt.Vector = r->line;
    raw->u.Interrupt.Affinity = (KAFFINITY)-1;
    tr->u.Interrupt.Level = r->level;
    tr->u.Interrupt.Vector = WDM_CMRES_VECTOR(r->level, r->line);
    tr->u.Interrupt.Affinity = cmres_cpu_affinity(dev);
}

/* MSI: one descriptor for all messages (they share an address), edge-triggered, exclusive.
 * Raw.MessageCount is how the driver learns how many messages it got. */
static void cmres_fill_message(const struct dmabox_dev *dev, const struct bus_resource *r,
                               PCM_PARTIAL_RESOURCE_DESCRIPTOR raw,
                               PCM_PARTIAL_RESOURCE_DESCRIPTOR tr)
{
    raw->Type = CmResourceTypeInterrupt;
    raw->ShareDisposition = CmResourceShareDeviceExclusive;
    raw->Flags = CM_RESOURCE_INTERRUPT_LATCHED | CM_RESOURCE_INTERRUPT_MESSAGE;
    *tr = *raw;
    raw->u.MessageInterrupt.Raw.MessageCount = (USHORT)r->vectors;
    raw->u.MessageInterrupt.Raw.Vector = r->line;
    raw->u.MessageInterrupt.Raw.Affinity = cmres_cpu_affinity(dev);
    tr->u.MessageInterrupt.Translated.Level = r->level;
    tr->u.MessageInterrupt.Translated.Vector = WDM_CMRES_VECTOR(r->level, r->line);
    tr->u.MessageInterrupt.Translated.Affinity = cmres_cpu_affinity(dev);
}

static PCM_RESOURCE_LIST cmres_alloc(ULONG count)
{
    PCM_RESOURCE_LIST list = calloc(1, wdm_cmres_size(count));
    if (list == NULL)
        return NULL;
    list->Count = 1;
    list->List[0].InterfaceType = PCIBus;
    list->List[0].BusNumber = 0;
    list->List[0].PartialResourceList.Version = CMRES_LIST_VERSION;
    list->List[0].PartialResourceList.Revision = CMRES_LIST_REVISION;
    list->List[0].PartialResourceList.Count = count;
    return list;
}

NTSTATUS wdm_cmres_build(struct dmabox_dev *dev, PCM_RESOURCE_LIST *raw,
                         PCM_RESOURCE_LIST *translated)
{
    struct bus_resource res[CMRES_MAX];
    PCM_RESOURCE_LIST rl, tl;
    size_t n, i;

    if (raw != NULL)
        *raw = NULL;
    if (translated != NULL)
        *translated = NULL;
    if (dev == NULL || raw == NULL || translated == NULL)
        return STATUS_INVALID_PARAMETER;
    n = bus_resources(dev, res, CMRES_MAX);
    if (n > CMRES_MAX)
        n = CMRES_MAX;
    rl = cmres_alloc((ULONG)n);
    tl = cmres_alloc((ULONG)n);
    if (rl == NULL || tl == NULL) {
        free(rl);
        free(tl);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    for (i = 0; i < n; i++) {
        PCM_PARTIAL_RESOURCE_DESCRIPTOR r = &rl->List[0].PartialResourceList.PartialDescriptors[i];
        PCM_PARTIAL_RESOURCE_DESCRIPTOR t = &tl->List[0].PartialResourceList.PartialDescriptors[i];
        switch (res[i].type) {
        case BUS_RES_MEMORY:
            cmres_fill_memory(&res[i], r, t);
            break;
        case BUS_RES_PORT:
            cmres_fill_port(&res[i], r, t);
            break;
        case BUS_RES_INTERRUPT:
            if (res[i].message)
                cmres_fill_message(dev, &res[i], r, t);
            else
                cmres_fill_line(dev, &res[i], r, t);
            break;
        }
    }
    *raw = rl;
    *translated = tl;
    return STATUS_SUCCESS;
}

void wdm_cmres_free(PCM_RESOURCE_LIST list)
{
    free(list);
}

ULONGLONG RtlCmDecodeMemIoResource(PCM_PARTIAL_RESOURCE_DESCRIPTOR Descriptor, PULONGLONG Start)
{
    ULONGLONG start = 0, length = 0;

    switch (Descriptor->Type) {
    case CmResourceTypeMemory:
    case CmResourceTypePort:
        start = (ULONGLONG)Descriptor->u.Generic.Start.QuadPart;
        length = Descriptor->u.Generic.Length;
        break;
    case CmResourceTypeMemoryLarge:
        start = (ULONGLONG)Descriptor->u.Generic.Start.QuadPart;
        if (Descriptor->Flags & CM_RESOURCE_MEMORY_LARGE_40)
            length = (ULONGLONG)Descriptor->u.Memory40.Length40 << 8;
        else if (Descriptor->Flags & CM_RESOURCE_MEMORY_LARGE_48)
            length = (ULONGLONG)Descriptor->u.Memory48.Length48 << 16;
        else if (Descriptor->Flags & CM_RESOURCE_MEMORY_LARGE_64)
            length = (ULONGLONG)Descriptor->u.Memory64.Length64 << 32;
        else
            length = Descriptor->u.Generic.Length;
        break;
    default:
        break;
    }
    if (Start != NULL)
        *Start = start;
    return length;
}

/* MemoryLarge picks the smallest encoding whose unit divides Length: 256 B units up to ~1 TiB,
 * 64 KiB units up to ~256 TiB, 4 GiB units beyond. */
static NTSTATUS cmres_encode_large(PCM_PARTIAL_RESOURCE_DESCRIPTOR d, ULONGLONG length)
{
    USHORT flag;
    unsigned shift;

    if (length <= CM_RESOURCE_MEMORY_LARGE_40_MAXLEN && (length & 0xff) == 0) {
        flag = CM_RESOURCE_MEMORY_LARGE_40;
        shift = 8;
    } else if (length <= CM_RESOURCE_MEMORY_LARGE_48_MAXLEN && (length & 0xffff) == 0) {
        flag = CM_RESOURCE_MEMORY_LARGE_48;
        shift = 16;
    } else if ((length & 0xffffffffull) == 0) {
        flag = CM_RESOURCE_MEMORY_LARGE_64;
        shift = 32;
    } else {
        return STATUS_UNSUCCESSFUL;
    }
    /* Length40, Length48 and Length64 share one slot (the Generic.Length offset). */
    d->Flags = (USHORT)((d->Flags & ~CM_RESOURCE_MEMORY_LARGE) | flag);
    d->u.Generic.Length = (ULONG)(length >> shift);
    return STATUS_SUCCESS;
}

NTSTATUS RtlCmEncodeMemIoResource(PCM_PARTIAL_RESOURCE_DESCRIPTOR Descriptor, UCHAR Type,
                                  ULONGLONG Length, ULONGLONG Start)
{
    NTSTATUS status = STATUS_SUCCESS;

    switch (Type) {
    case CmResourceTypeMemory:
    case CmResourceTypePort:
        if (Length > MAXULONG)
            return STATUS_UNSUCCESSFUL;
        Descriptor->u.Generic.Length = (ULONG)Length;
        break;
    case CmResourceTypeMemoryLarge:
        status = cmres_encode_large(Descriptor, Length);
        if (!NT_SUCCESS(status))
            return status;
        break;
    default:
        return STATUS_INVALID_PARAMETER;
    }
    Descriptor->Type = Type;
    Descriptor->u.Generic.Start.QuadPart = (LONGLONG)Start;
    return status;
}
