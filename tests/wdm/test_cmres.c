/* test_cmres.c - the raw and translated CM_RESOURCE_LISTs built from a plugged device's bus
 * resources, the x64 layout of the CM_* structures, and RtlCm{Encode,Decode}MemIoResource
 * (wdm layer).  Expected contents: docs/wdm-io.md.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/ns-wdm-_cm_partial_resource_descriptor
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/using-interrupt-resource-descriptors */
#include <stddef.h>
#include <string.h>

#include <wdm.h>

#include "check.h"
#include "dmabox/device_model.h"
#include "platform/bus.h"
#include "platform/exec_ctx.h"
#include "platform/intr.h"
#include "platform/machine.h"
#include "platform/physmem.h"
#include "verifier/vf.h"
#include "wdm/wdm_cmres.h"

#define CPUS 3

/* ---- two models that only have resources: A = memory BAR + port BAR + 64-bit memory BAR +
 * line interrupt, B = memory BAR + 4 MSI messages. ---- */

static uint64_t nop_read(void *state, uint64_t offset, unsigned size)
{
    (void)state, (void)offset, (void)size;
    return 0;
}

static void nop_write(void *state, uint64_t offset, uint64_t value, unsigned size)
{
    (void)state, (void)offset, (void)value, (void)size;
}

static const struct dmabox_mmio_ops nop_ops = {nop_read, nop_write, 0, 0};

static int nop_realize(struct dmabox_dev *dev, void *state, const struct dmabox_props *props,
                       char *err, size_t errlen)
{
    (void)dev, (void)state, (void)props, (void)err, (void)errlen;
    return 0;
}

static void nop_unrealize(struct dmabox_dev *dev, void *state)
{
    (void)dev, (void)state;
}

static void nop_reset(void *state)
{
    (void)state;
}

static const struct dmabox_device_model model_line = {
    .abi_version = DMABOX_DEVICE_MODEL_ABI,
    .name = "resline",
    .description = "memory + port + 64-bit memory BARs, line interrupt",
    .dma_address_bits = 64,
    .irq_kind = DMABOX_IRQ_LINE,
    .state_size = 8,
    .bars = {{DMABOX_BAR_MEM32, 4096, &nop_ops},
             {DMABOX_BAR_IO, 32, &nop_ops},
             {DMABOX_BAR_MEM64, 1u << 20, &nop_ops}},
    .realize = nop_realize,
    .unrealize = nop_unrealize,
    .reset = nop_reset,
};

static const struct dmabox_device_model model_msi = {
    .abi_version = DMABOX_DEVICE_MODEL_ABI,
    .name = "resmsi",
    .description = "memory BAR, four MSI messages",
    .dma_address_bits = 32,
    .irq_kind = DMABOX_IRQ_MSI,
    .msi_vectors = 4,
    .state_size = 8,
    .bars = {{DMABOX_BAR_MEM32, 4096, &nop_ops}},
    .realize = nop_realize,
    .unrealize = nop_unrealize,
    .reset = nop_reset,
};

/* The descriptors run past the declared [1] array; computing the address from the offset keeps
 * gcc's -Warray-bounds from treating constant indices as overruns. */
static PCM_PARTIAL_RESOURCE_DESCRIPTOR desc(PCM_RESOURCE_LIST list, ULONG i)
{
    size_t head = offsetof(CM_RESOURCE_LIST, List[0].PartialResourceList.PartialDescriptors);
    return (PCM_PARTIAL_RESOURCE_DESCRIPTOR)((PUCHAR)list + head +
                                             i * sizeof(CM_PARTIAL_RESOURCE_DESCRIPTOR));
}

/* Both lists: one PCI bus, version 1.1, `count` descriptors. */
static void check_list_header(PCM_RESOURCE_LIST list, ULONG count)
{
    CHECK_EQ(list->Count, 1);
    CHECK_EQ(list->List[0].InterfaceType, PCIBus);
    CHECK_EQ(list->List[0].BusNumber, 0);
    CHECK_EQ(list->List[0].PartialResourceList.Version, 1);
    CHECK_EQ(list->List[0].PartialResourceList.Revision, 1);
    CHECK_EQ(list->List[0].PartialResourceList.Count, count);
}

/* A memory BAR: same Start (the machine-physical BAR address) in both lists, outside RAM. */
static void check_memory(struct machine *m, PCM_PARTIAL_RESOURCE_DESCRIPTOR r,
                         PCM_PARTIAL_RESOURCE_DESCRIPTOR t, const struct bus_resource *br,
                         ULONG length)
{
    CHECK_EQ(r->Type, CmResourceTypeMemory);
    CHECK_EQ(r->ShareDisposition, CmResourceShareDeviceExclusive);
    CHECK_EQ(r->Flags, CM_RESOURCE_MEMORY_READ_WRITE);
    CHECK_EQ(r->u.Memory.Start.QuadPart, br->start);
    CHECK_EQ(r->u.Memory.Length, length);
    CHECK(memcmp(r, t, sizeof(*r)) == 0);
    CHECK(physmem_phys_to_host(m->mem, (phys_addr_t)t->u.Memory.Start.QuadPart, 1) == NULL);
}

static void test_line_device(struct machine *m)
{
    struct bus_resource br[8];
    struct dmabox_dev *dev;
    PCM_RESOURCE_LIST raw, tr;
    PCM_PARTIAL_RESOURCE_DESCRIPTOR r, t;
    char err[128];
    size_t n;
    uint8_t level;

    REQUIRE(bus_plug(m->bus, 1, &model_line, NULL, &dev, err, sizeof(err)) == 0);
    n = bus_resources(dev, br, 8);
    REQUIRE(n == 4);
    REQUIRE(wdm_cmres_build(dev, &raw, &tr) == STATUS_SUCCESS);
    check_list_header(raw, 4);
    check_list_header(tr, 4);

    check_memory(m, desc(raw, 0), desc(tr, 0), &br[0], 4096);
    CHECK(desc(tr, 0)->u.Memory.Start.QuadPart < (LONGLONG)PHYSMEM_4G);

    /* The port range: Start is the port number in both; translated says I/O space. */
    r = desc(raw, 1);
    t = desc(tr, 1);
    CHECK_EQ(r->Type, CmResourceTypePort);
    CHECK_EQ(r->ShareDisposition, CmResourceShareDeviceExclusive);
    CHECK_EQ(t->Flags, CM_RESOURCE_PORT_IO);
    CHECK_EQ(t->u.Port.Start.QuadPart, br[1].start);
    CHECK(br[1].start != 0 && br[1].start < 0x10000);
    CHECK_EQ(t->u.Port.Length, 32);
    CHECK(memcmp(r, t, sizeof(*r)) == 0);

    /* The 64-bit BAR sits above 4 GiB. */
    check_memory(m, desc(raw, 2), desc(tr, 2), &br[2], 1u << 20);
    CHECK(desc(tr, 2)->u.Memory.Start.QuadPart >= (LONGLONG)PHYSMEM_4G);

    /* The line interrupt: level-sensitive, shared; raw = the bus line (config 0x3C), translated
     * = DIRQL, a vector whose IRQL is vector / 16, every CPU. */
    level = intr_source_level(bus_device_intr(dev));
    r = desc(raw, 3);
    t = desc(tr, 3);
    CHECK_EQ(r->Type, CmResourceTypeInterrupt);
    CHECK_EQ(t->Type, CmResourceTypeInterrupt);
    CHECK_EQ(r->Flags, CM_RESOURCE_INTERRUPT_LEVEL_SENSITIVE);
    CHECK_EQ(t->Flags, CM_RESOURCE_INTERRUPT_LEVEL_SENSITIVE);
    CHECK_EQ(r->Flags & CM_RESOURCE_INTERRUPT_MESSAGE, 0);
    CHECK_EQ(r->ShareDisposition, CmResourceShareShared);
    CHECK_EQ(t->ShareDisposition, CmResourceShareShared);
    CHECK_EQ(r->u.Interrupt.Level, bus_config_read(dev, 0x3C, 1));
    CHECK_EQ(r->u.Interrupt.Vector, bus_config_read(dev, 0x3C, 1));
    CHECK_EQ(r->u.Interrupt.Affinity, (KAFFINITY)-1);
    CHECK(level >= EXEC_LEVEL_DEVICE_MIN);
    CHECK_EQ(t->u.Interrupt.Level, level);
    CHECK_EQ(t->u.Interrupt.Vector >> 4, level);
    CHECK_EQ(t->u.Interrupt.Affinity, (1u << CPUS) - 1);

    /* Decoding the memory and port descriptors gives the bus's numbers back. */
    {
        ULONGLONG start = 0;
        CHECK_EQ(RtlCmDecodeMemIoResource(desc(tr, 0), &start), 4096);
        CHECK_EQ(start, br[0].start);
        CHECK_EQ(RtlCmDecodeMemIoResource(desc(tr, 1), &start), 32);
        CHECK_EQ(start, br[1].start);
        CHECK_EQ(RtlCmDecodeMemIoResource(desc(tr, 3), &start), 0);
        CHECK_EQ(start, 0);
        CHECK_EQ(RtlCmDecodeMemIoResource(desc(tr, 2), NULL), 1u << 20);
    }

    wdm_cmres_free(raw);
    wdm_cmres_free(tr);
    bus_unplug(dev);
}

/* MSI: one descriptor for all messages, latched + message; Raw.MessageCount is the number of
 * messages, translated carries DIRQL and a system vector. */
static void test_msi_device(struct machine *m)
{
    struct bus_resource br[8];
    struct dmabox_dev *dev;
    PCM_RESOURCE_LIST raw, tr;
    PCM_PARTIAL_RESOURCE_DESCRIPTOR r, t;
    char err[128];
    uint8_t level;

    REQUIRE(bus_plug(m->bus, 2, &model_msi, NULL, &dev, err, sizeof(err)) == 0);
    REQUIRE(bus_resources(dev, br, 8) == 2);
    REQUIRE(wdm_cmres_build(dev, &raw, &tr) == STATUS_SUCCESS);
    check_list_header(raw, 2);
    check_list_header(tr, 2);
    check_memory(m, desc(raw, 0), desc(tr, 0), &br[0], 4096);

    level = intr_source_level(bus_device_intr(dev));
    r = desc(raw, 1);
    t = desc(tr, 1);
    CHECK_EQ(r->Type, CmResourceTypeInterrupt);
    CHECK_EQ(r->Flags, CM_RESOURCE_INTERRUPT_LATCHED | CM_RESOURCE_INTERRUPT_MESSAGE);
    CHECK_EQ(t->Flags, CM_RESOURCE_INTERRUPT_LATCHED | CM_RESOURCE_INTERRUPT_MESSAGE);
    CHECK_EQ(r->ShareDisposition, CmResourceShareDeviceExclusive);
    CHECK_EQ(r->u.MessageInterrupt.Raw.MessageCount, 4);
    CHECK_EQ(r->u.MessageInterrupt.Raw.Vector, br[1].line);
    CHECK_EQ(r->u.MessageInterrupt.Raw.Affinity, (1u << CPUS) - 1);
    CHECK_EQ(t->u.MessageInterrupt.Translated.Level, level);
    CHECK_EQ(t->u.MessageInterrupt.Translated.Vector, WDM_CMRES_VECTOR(level, br[1].line));
    CHECK_EQ(t->u.MessageInterrupt.Translated.Vector >> 4, level);
    CHECK_EQ(t->u.MessageInterrupt.Translated.Affinity, (1u << CPUS) - 1);

    wdm_cmres_free(raw);
    wdm_cmres_free(tr);
    bus_unplug(dev);
}

static void test_build_arguments(void)
{
    PCM_RESOURCE_LIST raw = (PCM_RESOURCE_LIST)1, tr = (PCM_RESOURCE_LIST)1;

    CHECK_EQ(wdm_cmres_build(NULL, &raw, &tr), STATUS_INVALID_PARAMETER);
    CHECK(raw == NULL && tr == NULL);
    CHECK_EQ(wdm_cmres_size(0), sizeof(CM_RESOURCE_LIST));
    CHECK_EQ(wdm_cmres_size(4), 20 + 4 * 20);
    wdm_cmres_free(NULL);
}

/* The x64 WDK layout, as a driver compiled against the real headers would see it. */
static void test_layout(void)
{
    CHECK_EQ(sizeof(CM_PARTIAL_RESOURCE_DESCRIPTOR), 20);
    CHECK_EQ(offsetof(CM_PARTIAL_RESOURCE_DESCRIPTOR, Type), 0);
    CHECK_EQ(offsetof(CM_PARTIAL_RESOURCE_DESCRIPTOR, ShareDisposition), 1);
    CHECK_EQ(offsetof(CM_PARTIAL_RESOURCE_DESCRIPTOR, Flags), 2);
    CHECK_EQ(offsetof(CM_PARTIAL_RESOURCE_DESCRIPTOR, u), 4);
    CHECK_EQ(offsetof(CM_PARTIAL_RESOURCE_DESCRIPTOR, u.Port.Start), 4);
    CHECK_EQ(offsetof(CM_PARTIAL_RESOURCE_DESCRIPTOR, u.Port.Length), 12);
    CHECK_EQ(offsetof(CM_PARTIAL_RESOURCE_DESCRIPTOR, u.Interrupt.Level), 4);
    CHECK_EQ(offsetof(CM_PARTIAL_RESOURCE_DESCRIPTOR, u.Interrupt.Vector), 8);
    CHECK_EQ(offsetof(CM_PARTIAL_RESOURCE_DESCRIPTOR, u.Interrupt.Affinity), 12);
    CHECK_EQ(sizeof(((CM_PARTIAL_RESOURCE_DESCRIPTOR *)0)->u.Interrupt.Affinity), 8);
    CHECK_EQ(offsetof(CM_PARTIAL_RESOURCE_DESCRIPTOR, u.MessageInterrupt.Raw.Reserved), 4);
    CHECK_EQ(offsetof(CM_PARTIAL_RESOURCE_DESCRIPTOR, u.MessageInterrupt.Raw.MessageCount), 6);
    CHECK_EQ(offsetof(CM_PARTIAL_RESOURCE_DESCRIPTOR, u.MessageInterrupt.Raw.Vector), 8);
    CHECK_EQ(offsetof(CM_PARTIAL_RESOURCE_DESCRIPTOR, u.MessageInterrupt.Translated.Vector), 8);
    CHECK_EQ(offsetof(CM_PARTIAL_RESOURCE_DESCRIPTOR, u.Memory.Length), 12);
    CHECK_EQ(offsetof(CM_PARTIAL_RESOURCE_DESCRIPTOR, u.Dma.Reserved1), 12);
    CHECK_EQ(offsetof(CM_PARTIAL_RESOURCE_DESCRIPTOR, u.DmaV3.TransferWidth), 12);
    CHECK_EQ(offsetof(CM_PARTIAL_RESOURCE_DESCRIPTOR, u.DevicePrivate.Data[2]), 12);
    CHECK_EQ(offsetof(CM_PARTIAL_RESOURCE_DESCRIPTOR, u.BusNumber.Reserved), 12);
    CHECK_EQ(offsetof(CM_PARTIAL_RESOURCE_DESCRIPTOR, u.DeviceSpecificData.DataSize), 4);
    CHECK_EQ(offsetof(CM_PARTIAL_RESOURCE_DESCRIPTOR, u.Memory40.Length40), 12);
    CHECK_EQ(offsetof(CM_PARTIAL_RESOURCE_DESCRIPTOR, u.Memory48.Length48), 12);
    CHECK_EQ(offsetof(CM_PARTIAL_RESOURCE_DESCRIPTOR, u.Memory64.Length64), 12);
    CHECK_EQ(offsetof(CM_PARTIAL_RESOURCE_DESCRIPTOR, u.Connection.IdHighPart), 12);
    CHECK_EQ(sizeof(CM_PARTIAL_RESOURCE_LIST), 28);
    CHECK_EQ(sizeof(CM_FULL_RESOURCE_DESCRIPTOR), 36);
    CHECK_EQ(offsetof(CM_FULL_RESOURCE_DESCRIPTOR, PartialResourceList), 8);
    CHECK_EQ(sizeof(CM_RESOURCE_LIST), 40);
    CHECK_EQ(offsetof(CM_RESOURCE_LIST, List), 4);
    /* Constants drivers compare against. */
    CHECK_EQ(CmResourceTypePort, 1);
    CHECK_EQ(CmResourceTypeInterrupt, 2);
    CHECK_EQ(CmResourceTypeMemory, 3);
    CHECK_EQ(CmResourceTypeMemoryLarge, 7);
    CHECK_EQ(CmResourceTypeDevicePrivate, 129);
    CHECK_EQ(CmResourceShareDeviceExclusive, 1);
    CHECK_EQ(CmResourceShareShared, 3);
    CHECK_EQ(PCIBus, 5);
    CHECK_EQ(CM_RESOURCE_INTERRUPT_LATCHED, 1);
    CHECK_EQ(CM_RESOURCE_INTERRUPT_MESSAGE, 2);
    CHECK_EQ(CM_RESOURCE_PORT_IO, 1);
    CHECK_EQ(CM_RESOURCE_MEMORY_LARGE_40, 0x200);
}

/* Large lengths pick the 40/48/64-bit encodings; unencodable ones are refused. */
static void test_encode_decode(void)
{
    CM_PARTIAL_RESOURCE_DESCRIPTOR d;
    ULONGLONG start = 0;

    memset(&d, 0, sizeof(d));
    CHECK_EQ(RtlCmEncodeMemIoResource(&d, CmResourceTypeMemory, 0x2000, 0xE0001000ull),
             STATUS_SUCCESS);
    CHECK_EQ(d.Type, CmResourceTypeMemory);
    CHECK_EQ(d.u.Memory.Length, 0x2000);
    CHECK_EQ(RtlCmDecodeMemIoResource(&d, &start), 0x2000);
    CHECK_EQ(start, 0xE0001000ull);

    CHECK_EQ(RtlCmEncodeMemIoResource(&d, CmResourceTypeMemory, 1ull << 33, 0), STATUS_UNSUCCESSFUL);
    CHECK_EQ(RtlCmEncodeMemIoResource(&d, CmResourceTypePort, 1ull << 32, 0), STATUS_UNSUCCESSFUL);
    CHECK_EQ(RtlCmEncodeMemIoResource(&d, CmResourceTypeInterrupt, 16, 0),
             STATUS_INVALID_PARAMETER);

    CHECK_EQ(RtlCmEncodeMemIoResource(&d, CmResourceTypeMemoryLarge, 1ull << 33, 1ull << 40),
             STATUS_SUCCESS);
    CHECK_EQ(d.Type, CmResourceTypeMemoryLarge);
    CHECK_EQ(d.Flags & CM_RESOURCE_MEMORY_LARGE, CM_RESOURCE_MEMORY_LARGE_40);
    CHECK_EQ(d.u.Memory40.Length40, (1ull << 33) >> 8);
    CHECK_EQ(RtlCmDecodeMemIoResource(&d, &start), 1ull << 33);
    CHECK_EQ(start, 1ull << 40);

    CHECK_EQ(RtlCmEncodeMemIoResource(&d, CmResourceTypeMemoryLarge, 1ull << 44, 0),
             STATUS_SUCCESS);
    CHECK_EQ(d.Flags & CM_RESOURCE_MEMORY_LARGE, CM_RESOURCE_MEMORY_LARGE_48);
    CHECK_EQ(RtlCmDecodeMemIoResource(&d, NULL), 1ull << 44);

    CHECK_EQ(RtlCmEncodeMemIoResource(&d, CmResourceTypeMemoryLarge, 1ull << 50, 0),
             STATUS_SUCCESS);
    CHECK_EQ(d.Flags & CM_RESOURCE_MEMORY_LARGE, CM_RESOURCE_MEMORY_LARGE_64);
    CHECK_EQ(d.u.Memory64.Length64, 1u << 18);
    CHECK_EQ(RtlCmDecodeMemIoResource(&d, NULL), 1ull << 50);

    /* Over 1 TiB but not a multiple of 64 KiB: no encoding fits; the descriptor is untouched. */
    CHECK_EQ(RtlCmEncodeMemIoResource(&d, CmResourceTypeMemoryLarge, (1ull << 41) + 256, 0),
             STATUS_UNSUCCESSFUL);
    CHECK_EQ(d.Flags & CM_RESOURCE_MEMORY_LARGE, CM_RESOURCE_MEMORY_LARGE_64);
    CHECK_EQ(RtlCmDecodeMemIoResource(&d, NULL), 1ull << 50);
}

int main(void)
{
    struct machine_config cfg = {.cpus = CPUS};
    struct machine *m;

    REQUIRE(machine_create(&cfg, &m) == 0);
    REQUIRE(vf_machine_attach(m) == 0);
    test_layout();
    test_build_arguments();
    test_encode_decode();
    test_line_device(m);
    test_msi_device(m);
    CHECK_EQ(vf_total(), 0);
    vf_machine_detach(m);
    machine_destroy(m);
    return check_done();
}
