/* test_ioaccess.c - MmMapIoSpace[Ex]/MmUnmapIoSpace and the READ/WRITE_REGISTER_* and
 * READ/WRITE_PORT_* accessors (wdm layer), against a small register-file model plugged into the
 * simulated bus.  Rules checked: MMIO-001 (access outside a mapping), MMIO-002 (bad width or
 * alignment), MMIO-003 (bad unmap), IRQL-001 (MmMapIoSpace above DISPATCH_LEVEL).
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-mmmapiospace
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-read_register_buffer_ulong
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-read_port_buffer_ulong */
#include <string.h>

#include <wdm.h>

#include "check.h"
#include "dmabox/device_model.h"
#include "platform/bus.h"
#include "platform/exec_ctx.h"
#include "platform/machine.h"
#include "verifier/vf.h"
#include "wdm/wdm_cmres.h"

/* ---- the model: BAR0 a 256-byte register file (any width), BAR1 32 ports (offset 8 a write
 * FIFO, offset 12 a read counter, the rest plain), BAR2 64 bytes that accept only 32-bit
 * accesses.  Every access is logged so the test can see exactly what reached the device. ---- */

#define PORT_FIFO 8
#define PORT_COUNTER 12

struct regs {
    uint8_t mem[256];
    uint8_t io[32];
    uint8_t strict[64];
    uint8_t fifo[64];
    unsigned fifo_len;
    uint32_t counter;
    unsigned accesses;
    uint64_t last_offset;
    unsigned last_size;
    int last_write;
};

static uint64_t le_get(const uint8_t *p, unsigned size)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static void le_put(uint8_t *p, unsigned size, uint64_t v)
{
    for (unsigned i = 0; i < size; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void regs_log(struct regs *r, uint64_t offset, unsigned size, int write)
{
    r->accesses++;
    r->last_offset = offset;
    r->last_size = size;
    r->last_write = write;
}

static uint64_t mem_read(void *state, uint64_t offset, unsigned size)
{
    struct regs *r = state;
    regs_log(r, offset, size, 0);
    return le_get(&r->mem[offset], size);
}

static void mem_write(void *state, uint64_t offset, uint64_t value, unsigned size)
{
    struct regs *r = state;
    regs_log(r, offset, size, 1);
    le_put(&r->mem[offset], size, value);
}

static uint64_t io_read(void *state, uint64_t offset, unsigned size)
{
    struct regs *r = state;
    regs_log(r, offset, size, 0);
    if (offset == PORT_COUNTER)
        return r->counter++;
    return le_get(&r->io[offset], size);
}

static void io_write(void *state, uint64_t offset, uint64_t value, unsigned size)
{
    struct regs *r = state;
    regs_log(r, offset, size, 1);
    if (offset == PORT_FIFO) {
        if (r->fifo_len + size <= sizeof(r->fifo)) {
            le_put(&r->fifo[r->fifo_len], size, value);
            r->fifo_len += size;
        }
        return;
    }
    le_put(&r->io[offset], size, value);
}

static uint64_t strict_read(void *state, uint64_t offset, unsigned size)
{
    struct regs *r = state;
    regs_log(r, offset, size, 0);
    return le_get(&r->strict[offset], size);
}

static void strict_write(void *state, uint64_t offset, uint64_t value, unsigned size)
{
    struct regs *r = state;
    regs_log(r, offset, size, 1);
    le_put(&r->strict[offset], size, value);
}

static const struct dmabox_mmio_ops mem_ops = {mem_read, mem_write, 1, 8};
static const struct dmabox_mmio_ops io_ops = {io_read, io_write, 1, 4};
static const struct dmabox_mmio_ops strict_ops = {strict_read, strict_write, 4, 4};

static int regs_realize(struct dmabox_dev *dev, void *state, const struct dmabox_props *props,
                        char *err, size_t errlen)
{
    (void)dev, (void)state, (void)props, (void)err, (void)errlen;
    return 0;
}

static void regs_unrealize(struct dmabox_dev *dev, void *state)
{
    (void)dev, (void)state;
}

static void regs_reset(void *state)
{
    (void)state;
}

static const struct dmabox_device_model regs_model = {
    .abi_version = DMABOX_DEVICE_MODEL_ABI,
    .name = "regs",
    .description = "register file for the wdm register-access tests",
    .vendor_id = 0x1234,
    .device_id = 0x0001,
    .dma_address_bits = 64,
    .irq_kind = DMABOX_IRQ_LINE,
    .state_size = sizeof(struct regs),
    .bars = {{DMABOX_BAR_MEM32, 256, &mem_ops},
             {DMABOX_BAR_IO, 32, &io_ops},
             {DMABOX_BAR_MEM32, 64, &strict_ops}},
    .realize = regs_realize,
    .unrealize = regs_unrealize,
    .reset = regs_reset,
};

/* ---- fixture ---- */

struct fixture {
    struct machine *m;
    struct dmabox_dev *dev;
    struct regs *regs;
    PHYSICAL_ADDRESS mem_pa, strict_pa;
    ULONG mem_len, strict_len;
    PUCHAR port;            /* exactly what a driver takes from the translated list */
    ULONG port_len;
};

/* The driver's view: the three ranges come from the translated resource list. */
static void fixture_init(struct fixture *f)
{
    PCM_RESOURCE_LIST raw, tr;
    PCM_PARTIAL_RESOURCE_LIST pl;
    char err[128];
    int memories = 0;

    memset(f, 0, sizeof(*f));
    REQUIRE(machine_create(NULL, &f->m) == 0);
    REQUIRE(vf_machine_attach(f->m) == 0);
    REQUIRE(bus_plug(f->m->bus, 0, &regs_model, NULL, &f->dev, err, sizeof(err)) == 0);
    f->regs = dmabox_dev_state(f->dev);
    REQUIRE(wdm_cmres_build(f->dev, &raw, &tr) == STATUS_SUCCESS);
    pl = &tr->List[0].PartialResourceList;
    for (ULONG i = 0; i < pl->Count; i++) {
        PCM_PARTIAL_RESOURCE_DESCRIPTOR d = &pl->PartialDescriptors[i];
        if (d->Type == CmResourceTypeMemory && memories++ == 0) {
            f->mem_pa = d->u.Memory.Start;
            f->mem_len = d->u.Memory.Length;
        } else if (d->Type == CmResourceTypeMemory) {
            f->strict_pa = d->u.Memory.Start;
            f->strict_len = d->u.Memory.Length;
        } else if (d->Type == CmResourceTypePort) {
            CHECK_EQ(d->Flags & CM_RESOURCE_PORT_IO, CM_RESOURCE_PORT_IO);
            f->port = (PUCHAR)(ULONG_PTR)d->u.Port.Start.QuadPart;
            f->port_len = d->u.Port.Length;
        }
    }
    wdm_cmres_free(raw);
    wdm_cmres_free(tr);
    REQUIRE(f->mem_len == 256 && f->strict_len == 64 && f->port_len == 32);
}

static void fixture_fini(struct fixture *f)
{
    if (f->dev != NULL)
        bus_unplug(f->dev);
    vf_machine_detach(f->m);
    machine_destroy(f->m);
}

static void record_findings(void)
{
    vf_set_mode(VF_MODE_RECORD);
    vf_set_quiet(1);
    vf_reset();
}

/* ---- tests ---- */

/* Each single access reaches the model once, at the right offset and width, with the value. */
static void test_register_widths(struct fixture *f)
{
    PUCHAR base = MmMapIoSpace(f->mem_pa, f->mem_len, MmNonCached);
    struct regs *r = f->regs;
    unsigned before;

    REQUIRE(base != NULL);
    before = r->accesses;
    WRITE_REGISTER_UCHAR(base + 3, 0xA5);
    CHECK_EQ(r->mem[3], 0xA5);
    CHECK_EQ(r->last_offset, 3);
    CHECK_EQ(r->last_size, 1);
    CHECK(r->last_write);
    WRITE_REGISTER_USHORT((PUSHORT)(base + 0x10), 0xBEEF);
    CHECK_EQ(le_get(&r->mem[0x10], 2), 0xBEEF);
    CHECK_EQ(r->last_size, 2);
    WRITE_REGISTER_ULONG((PULONG)(base + 0x20), 0xDEADBEEF);
    CHECK_EQ(le_get(&r->mem[0x20], 4), 0xDEADBEEF);
    CHECK_EQ(r->last_offset, 0x20);
    WRITE_REGISTER_ULONG64((PULONG64)(base + 0x40), 0x0123456789ABCDEFull);
    CHECK_EQ(le_get(&r->mem[0x40], 8), 0x0123456789ABCDEFull);
    CHECK_EQ(r->last_size, 8);
    CHECK_EQ(r->accesses - before, 4);

    /* Reads return what the model holds now (set behind the driver's back), not a cached copy. */
    le_put(&r->mem[0x48], 8, 0x1122334455667788ull);
    before = r->accesses;
    CHECK_EQ(READ_REGISTER_UCHAR(base + 0x48), 0x88);
    CHECK_EQ(r->last_size, 1);
    CHECK(!r->last_write);
    CHECK_EQ(READ_REGISTER_USHORT((PUSHORT)(base + 0x4A)), 0x5566);
    CHECK_EQ(r->last_offset, 0x4A);
    CHECK_EQ(READ_REGISTER_ULONG((PULONG)(base + 0x4C)), 0x11223344);
    CHECK_EQ(r->last_size, 4);
    CHECK_EQ(READ_REGISTER_ULONG64((PULONG64)(base + 0x48)), 0x1122334455667788ull);
    CHECK_EQ(r->last_size, 8);
    CHECK_EQ(r->accesses - before, 4);

    MmUnmapIoSpace(base, f->mem_len);
}

/* The _BUFFER_ register forms walk Count consecutive registers (x64 WDK: rep movs). */
static void test_register_buffers(struct fixture *f)
{
    PUCHAR base = MmMapIoSpace(f->mem_pa, f->mem_len, MmNonCached);
    struct regs *r = f->regs;
    ULONG out32[4] = {0}, in32[4] = {0x11111111, 0x22222222, 0x33333333, 0x44444444};
    USHORT out16[8] = {0};
    UCHAR out8[16] = {0}, in8[5] = {1, 2, 3, 4, 5};
    ULONG64 out64[2] = {0}, in64[2] = {0xAAAABBBBCCCCDDDDull, 0x1111222233334444ull};
    unsigned before;

    REQUIRE(base != NULL);
    before = r->accesses;
    WRITE_REGISTER_BUFFER_ULONG((PULONG)(base + 0x80), in32, 4);
    CHECK_EQ(r->accesses - before, 4);
    CHECK_EQ(r->last_offset, 0x8C);
    CHECK_EQ(r->last_size, 4);
    CHECK(memcmp(&r->mem[0x80], in32, sizeof(in32)) == 0);

    before = r->accesses;
    READ_REGISTER_BUFFER_ULONG((PULONG)(base + 0x80), out32, 4);
    CHECK_EQ(r->accesses - before, 4);
    CHECK(memcmp(out32, in32, sizeof(in32)) == 0);
    READ_REGISTER_BUFFER_USHORT((PUSHORT)(base + 0x80), out16, 8);
    CHECK_EQ(r->last_offset, 0x8E);
    CHECK_EQ(r->last_size, 2);
    CHECK(memcmp(out16, in32, sizeof(out16)) == 0);
    READ_REGISTER_BUFFER_UCHAR(base + 0x80, out8, 16);
    CHECK_EQ(r->last_offset, 0x8F);
    CHECK(memcmp(out8, in32, sizeof(out8)) == 0);

    WRITE_REGISTER_BUFFER_UCHAR(base + 0xA1, in8, 5);
    CHECK_EQ(r->last_offset, 0xA5);
    CHECK(memcmp(&r->mem[0xA1], in8, 5) == 0);
    WRITE_REGISTER_BUFFER_USHORT((PUSHORT)(base + 0xB0), (PUSHORT)in32, 2);
    CHECK_EQ(le_get(&r->mem[0xB0], 4), 0x11111111);
    WRITE_REGISTER_BUFFER_ULONG64((PULONG64)(base + 0xC0), in64, 2);
    CHECK_EQ(r->last_offset, 0xC8);
    CHECK_EQ(r->last_size, 8);
    READ_REGISTER_BUFFER_ULONG64((PULONG64)(base + 0xC0), out64, 2);
    CHECK(memcmp(out64, in64, sizeof(in64)) == 0);

    before = r->accesses;
    READ_REGISTER_BUFFER_ULONG((PULONG)base, out32, 0);
    CHECK_EQ(r->accesses, before);

    MmUnmapIoSpace(base, f->mem_len);
}

/* Ports: the translated Start cast to a pointer is the port; string forms repeat one port. */
static void test_ports(struct fixture *f)
{
    struct regs *r = f->regs;
    UCHAR text[3] = {'a', 'b', 'c'}, seq[4] = {0};
    USHORT words[2] = {0x1234, 0x5678};
    ULONG dwords[3] = {0};

    WRITE_PORT_ULONG((PULONG)(f->port + 4), 0xCAFEF00D);
    CHECK_EQ(le_get(&r->io[4], 4), 0xCAFEF00D);
    CHECK_EQ(r->last_offset, 4);
    CHECK_EQ(READ_PORT_ULONG((PULONG)(f->port + 4)), 0xCAFEF00D);
    WRITE_PORT_USHORT((PUSHORT)(f->port + 2), 0x4242);
    CHECK_EQ(READ_PORT_USHORT((PUSHORT)(f->port + 2)), 0x4242);
    CHECK_EQ(r->last_size, 2);
    WRITE_PORT_UCHAR(f->port + 1, 0x7E);
    CHECK_EQ(READ_PORT_UCHAR(f->port + 1), 0x7E);
    CHECK_EQ(r->last_size, 1);

    WRITE_PORT_BUFFER_UCHAR(f->port + PORT_FIFO, text, 3);
    CHECK_EQ(r->fifo_len, 3);
    CHECK(memcmp(r->fifo, "abc", 3) == 0);
    CHECK_EQ(r->last_offset, PORT_FIFO);
    WRITE_PORT_BUFFER_USHORT((PUSHORT)(f->port + PORT_FIFO), words, 2);
    CHECK_EQ(r->fifo_len, 7);
    CHECK_EQ(le_get(&r->fifo[3], 2), 0x1234);
    CHECK_EQ(le_get(&r->fifo[5], 2), 0x5678);
    WRITE_PORT_BUFFER_ULONG((PULONG)(f->port + PORT_FIFO), dwords, 1);
    CHECK_EQ(r->fifo_len, 11);

    r->counter = 10;
    READ_PORT_BUFFER_UCHAR(f->port + PORT_COUNTER, seq, 4);
    CHECK(seq[0] == 10 && seq[1] == 11 && seq[2] == 12 && seq[3] == 13);
    CHECK_EQ(r->last_offset, PORT_COUNTER);
    READ_PORT_BUFFER_ULONG((PULONG)(f->port + PORT_COUNTER), dwords, 3);
    CHECK(dwords[0] == 14 && dwords[1] == 15 && dwords[2] == 16);
    READ_PORT_BUFFER_USHORT((PUSHORT)(f->port + PORT_COUNTER), words, 2);
    CHECK(words[0] == 17 && words[1] == 18);
}

/* Rule MMIO-001: an address outside every mapping (never mapped, or unmapped since) is a finding;
 * reads give all-ones and nothing reaches the device. */
static void test_unmapped(struct fixture *f)
{
    PUCHAR base = MmMapIoSpace(f->mem_pa, f->mem_len, MmNonCached);
    struct regs *r = f->regs;
    ULONG on_stack = 0, buf[3] = {1, 2, 3};
    struct vf_finding finding;
    unsigned before;

    REQUIRE(base != NULL);
    record_findings();
    CHECK_EQ(READ_REGISTER_ULONG(&on_stack), 0xFFFFFFFFu);
    CHECK_EQ(vf_count(VF_RULE_MMIO_UNMAPPED), 1);
    REQUIRE(vf_finding_get(0, &finding) == 0);
    CHECK(strcmp(finding.ddi, "READ_REGISTER_ULONG") == 0);
    CHECK(finding.object == &on_stack);
    CHECK(finding.caller != NULL);

    WRITE_REGISTER_ULONG((PULONG)(base + 0x20), 0x5A5A5A5A);
    CHECK_EQ(READ_REGISTER_ULONG((PULONG)(base + 0x20)), 0x5A5A5A5A);
    MmUnmapIoSpace(base, f->mem_len);
    CHECK_EQ(vf_total(), 1);
    before = r->accesses;
    CHECK_EQ(READ_REGISTER_ULONG((PULONG)(base + 0x20)), 0xFFFFFFFFu);
    CHECK_EQ(READ_REGISTER_UCHAR(base), 0xFF);
    CHECK_EQ(READ_REGISTER_ULONG64((PULONG64)base), ~0ull);
    WRITE_REGISTER_ULONG((PULONG)(base + 0x20), 0);
    CHECK_EQ(vf_count(VF_RULE_MMIO_UNMAPPED), 5);
    CHECK_EQ(r->accesses, before);
    CHECK_EQ(le_get(&r->mem[0x20], 4), 0x5A5A5A5A);

    /* A buffer transfer reports once and fills every element with all-ones. */
    READ_REGISTER_BUFFER_ULONG((PULONG)base, buf, 3);
    CHECK(buf[0] == 0xFFFFFFFFu && buf[1] == 0xFFFFFFFFu && buf[2] == 0xFFFFFFFFu);
    WRITE_REGISTER_BUFFER_ULONG((PULONG)base, buf, 3);
    CHECK_EQ(vf_count(VF_RULE_MMIO_UNMAPPED), 7);
    CHECK_EQ(r->accesses, before);

    /* A port number no BAR decodes. */
    CHECK_EQ(READ_PORT_UCHAR((PUCHAR)(ULONG_PTR)0x80), 0xFF);
    WRITE_PORT_ULONG((PULONG)(ULONG_PTR)0x80, 1);
    CHECK_EQ(vf_count(VF_RULE_MMIO_UNMAPPED), 9);
    CHECK_EQ(vf_total(), 9);
    vf_set_mode(VF_MODE_ABORT);
}

/* Rule MMIO-002: a width outside the BAR's valid range, or a misaligned access, is refused. */
static void test_bad_width(struct fixture *f)
{
    PUCHAR strict = MmMapIoSpace(f->strict_pa, f->strict_len, MmNonCached);
    PUCHAR base = MmMapIoSpace(f->mem_pa, f->mem_len, MmNonCached);
    struct regs *r = f->regs;
    USHORT pair[2] = {0};
    unsigned before;

    REQUIRE(strict != NULL && base != NULL);
    record_findings();
    le_put(&r->strict[4], 4, 0x87654321);
    before = r->accesses;
    CHECK_EQ(READ_REGISTER_ULONG((PULONG)(strict + 4)), 0x87654321);
    CHECK_EQ(READ_REGISTER_UCHAR(strict + 4), 0xFF);
    CHECK_EQ(READ_REGISTER_USHORT((PUSHORT)(strict + 4)), 0xFFFF);
    WRITE_REGISTER_UCHAR(strict + 4, 0);
    CHECK_EQ(READ_REGISTER_ULONG64((PULONG64)strict), ~0ull);
    READ_REGISTER_BUFFER_USHORT((PUSHORT)strict, pair, 2);
    CHECK(pair[0] == 0xFFFF && pair[1] == 0xFFFF);
    CHECK_EQ(vf_count(VF_RULE_MMIO_BAD_WIDTH), 5);
    CHECK_EQ(r->accesses - before, 1);
    CHECK_EQ(le_get(&r->strict[4], 4), 0x87654321);

    /* Misaligned on a BAR that takes any width. */
    CHECK_EQ(READ_REGISTER_ULONG((PULONG)(base + 2)), 0xFFFFFFFFu);
    CHECK_EQ(vf_count(VF_RULE_MMIO_BAD_WIDTH), 6);
    CHECK_EQ(vf_count(VF_RULE_MMIO_UNMAPPED), 0);
    vf_set_mode(VF_MODE_ABORT);
    MmUnmapIoSpace(strict, f->strict_len);
    MmUnmapIoSpace(base, f->mem_len);
}

/* MmMapIoSpace maps only ranges inside one memory BAR; anything else is NULL, quietly. */
static void test_map_rejects(struct fixture *f)
{
    PHYSICAL_ADDRESS pa;
    PVOID va;

    vf_reset();
    pa.QuadPart = 0x100000;                                 /* machine RAM */
    CHECK(MmMapIoSpace(pa, 4096, MmNonCached) == NULL);
    pa.QuadPart = (LONGLONG)(ULONG_PTR)f->port;             /* a port number is not memory */
    CHECK(MmMapIoSpace(pa, 4, MmNonCached) == NULL);
    pa.QuadPart = f->mem_pa.QuadPart + 200;                 /* runs past the end of the BAR */
    CHECK(MmMapIoSpace(pa, 100, MmNonCached) == NULL);
    CHECK(MmMapIoSpace(f->mem_pa, 0, MmNonCached) == NULL);
    CHECK(MmMapIoSpace(f->mem_pa, f->mem_len, MmMaximumCacheType) == NULL);
    CHECK(MmMapIoSpace(f->mem_pa, f->mem_len, MmNotMapped) == NULL);
    CHECK(MmMapIoSpaceEx(f->mem_pa, f->mem_len, 0) == NULL);
    CHECK(MmMapIoSpaceEx(f->mem_pa, f->mem_len, PAGE_NOCACHE) == NULL);
    CHECK(MmMapIoSpaceEx(f->mem_pa, f->mem_len, PAGE_READWRITE | PAGE_READONLY) == NULL);
    CHECK(MmMapIoSpaceEx(f->mem_pa, f->mem_len,
                         PAGE_READWRITE | PAGE_NOCACHE | PAGE_WRITECOMBINE) == NULL);
    CHECK(MmMapIoSpaceEx(f->mem_pa, f->mem_len, PAGE_READWRITE | PAGE_GUARD) == NULL);
    CHECK_EQ(vf_total(), 0);

    /* A sub-range inside the BAR maps, and offset 0 of the mapping is the range's start. */
    pa.QuadPart = f->mem_pa.QuadPart + 0x40;
    va = MmMapIoSpaceEx(pa, 16, PAGE_READWRITE | PAGE_NOCACHE);
    REQUIRE(va != NULL);
    WRITE_REGISTER_ULONG((PULONG)va, 0x600DF00D);
    CHECK_EQ(le_get(&f->regs->mem[0x40], 4), 0x600DF00D);
    MmUnmapIoSpace(va, 16);
    va = MmMapIoSpace(f->mem_pa, f->mem_len, MmCached);
    CHECK(va != NULL);
    MmUnmapIoSpace(va, f->mem_len);
}

/* Rule MMIO-003: unmapping what was not mapped (twice, wrong size, a foreign pointer). */
static void test_bad_unmap(struct fixture *f)
{
    PVOID va = MmMapIoSpace(f->mem_pa, f->mem_len, MmNonCached);
    ULONG local;

    REQUIRE(va != NULL);
    record_findings();
    MmUnmapIoSpace(va, f->mem_len / 2);
    CHECK_EQ(vf_count(VF_RULE_MMIO_BAD_UNMAP), 1);
    CHECK_EQ(READ_REGISTER_UCHAR(va), f->regs->mem[0]);  /* still mapped */
    MmUnmapIoSpace(va, f->mem_len);
    CHECK_EQ(vf_count(VF_RULE_MMIO_BAD_UNMAP), 1);
    MmUnmapIoSpace(va, f->mem_len);
    MmUnmapIoSpace(&local, sizeof(local));
    CHECK_EQ(vf_count(VF_RULE_MMIO_BAD_UNMAP), 3);
    CHECK_EQ(vf_total(), 3);
    vf_set_mode(VF_MODE_ABORT);
}

/* Rule IRQL-001: MmMapIoSpace/MmUnmapIoSpace above DISPATCH_LEVEL; register access is fine at
 * any level (it is what an ISR does at DIRQL). */
static void test_irql(struct fixture *f)
{
    struct exec_ctx *ctx = exec_ctx_self();
    uint8_t saved = ctx->level;
    PUCHAR va;

    record_findings();
    ctx->level = EXEC_LEVEL_DISPATCH;
    va = MmMapIoSpace(f->mem_pa, f->mem_len, MmNonCached);
    CHECK(va != NULL);
    CHECK_EQ(vf_total(), 0);
    ctx->level = EXEC_LEVEL_DEVICE_MIN;
    WRITE_REGISTER_UCHAR(va, 0x42);
    CHECK_EQ(READ_REGISTER_UCHAR(va), 0x42);
    CHECK_EQ(vf_total(), 0);
    MmUnmapIoSpace(va, f->mem_len);
    CHECK_EQ(vf_count(VF_RULE_IRQL_TOO_HIGH), 1);
    va = MmMapIoSpace(f->mem_pa, f->mem_len, MmNonCached);
    CHECK_EQ(vf_count(VF_RULE_IRQL_TOO_HIGH), 2);
    ctx->level = saved;
    MmUnmapIoSpace(va, f->mem_len);
    CHECK_EQ(vf_total(), 2);
    vf_set_mode(VF_MODE_ABORT);
}

/* Surprise removal: the mapping stays reserved but dead (MMIO-001, all-ones), ports stop
 * answering, and the driver's MmUnmapIoSpace afterwards is still valid (no MMIO-003). */
static void test_removed_device(struct fixture *f)
{
    PUCHAR va = MmMapIoSpace(f->mem_pa, f->mem_len, MmNonCached);

    REQUIRE(va != NULL);
    WRITE_REGISTER_ULONG((PULONG)va, 1);
    record_findings();
    bus_unplug(f->dev);
    f->dev = NULL;
    f->regs = NULL;
    CHECK_EQ(READ_REGISTER_ULONG((PULONG)va), 0xFFFFFFFFu);
    WRITE_REGISTER_ULONG((PULONG)va, 2);
    CHECK_EQ(READ_PORT_ULONG((PULONG)f->port), 0xFFFFFFFFu);
    CHECK_EQ(vf_count(VF_RULE_MMIO_UNMAPPED), 3);
    MmUnmapIoSpace(va, f->mem_len);
    CHECK_EQ(vf_count(VF_RULE_MMIO_BAD_UNMAP), 0);
    CHECK_EQ(vf_total(), 3);
    vf_set_mode(VF_MODE_ABORT);
}

int main(void)
{
    struct fixture f;

    fixture_init(&f);
    test_register_widths(&f);
    test_register_buffers(&f);
    test_ports(&f);
    test_unmapped(&f);
    test_bad_width(&f);
    test_map_rejects(&f);
    test_bad_unmap(&f);
    test_irql(&f);
    test_removed_device(&f);
    fixture_fini(&f);
    return check_done();
}
