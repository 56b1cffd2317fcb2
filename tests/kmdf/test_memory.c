/* test_memory.c - WDFMEMORY through the linked-in test driver: pool-backed and preallocated
 * objects, GetBuffer, AssignBuffer, the documented bounds statuses of CopyTo/FromBuffer (a status,
 * no finding), parent deletion freeing the pool buffer, and the IRQL rules for paged pool.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfmemory/nf-wdfmemory-wdfmemorycreate
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfmemory/nf-wdfmemory-wdfmemorycopytobuffer
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfmemory/nf-wdfmemory-wdfmemorycopyfrombuffer
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfmemory/nf-wdfmemory-wdfmemoryassignbuffer */
#include <string.h>

#include "drv_objects.h"

#include "check.h"
#include "kmdf/fx_globals.h"
#include "kmdf/kmdf_machine.h"
#include "platform/exec_ctx.h"
#include "platform/machine.h"
#include "platform/physmem.h"
#include "verifier/vf.h"
#include "wdm/wdm_machine.h"

/* The DDI named in the most recent finding. */
static const char *last_ddi(void)
{
    static struct vf_finding f;
    size_t n = vf_kept();

    if (n == 0 || vf_finding_get(n - 1, &f) != 0)
        return "";
    return f.ddi != NULL ? f.ddi : "";
}

static uint64_t pool_live(struct machine *m)
{
    struct wdm_pool_stats st;
    wdm_pool_get_stats(m, &st);
    return st.live_blocks;
}

static void test_pool_memory(struct machine *m)
{
    unsigned char src[100], dst[128];
    uint64_t base = pool_live(m);
    WDFMEMORY mem = NULL;
    PVOID buffer = NULL;
    size_t size = 0;

    vf_reset();
    CHECK_EQ(DrvMemCreate(NonPagedPoolNx, 100, NULL, &mem, &buffer), STATUS_SUCCESS);
    REQUIRE(mem != NULL && buffer != NULL);
    CHECK_EQ(pool_live(m), base + 1);
    /* The buffer is machine RAM, as any pool buffer. */
    CHECK(physmem_contains(m->mem, buffer, 100));
    CHECK(DrvMemGetBuffer(mem, &size) == buffer);
    CHECK_EQ(size, 100);

    for (int i = 0; i < 100; i++)
        src[i] = (unsigned char)(i * 7 + 1);
    CHECK_EQ(DrvMemCopyFrom(mem, 0, src, 100), STATUS_SUCCESS);
    CHECK(memcmp(buffer, src, 100) == 0);
    memset(dst, 0xee, sizeof(dst));
    CHECK_EQ(DrvMemCopyTo(mem, 0, dst, 100), STATUS_SUCCESS);
    CHECK(memcmp(dst, src, 100) == 0);
    CHECK_EQ(dst[100], 0xee);
    memset(dst, 0xee, sizeof(dst));
    CHECK_EQ(DrvMemCopyTo(mem, 60, dst, 40), STATUS_SUCCESS);
    CHECK(memcmp(dst, src + 60, 40) == 0);
    CHECK_EQ(dst[40], 0xee);

    /* CopyToBuffer: past the end is STATUS_BUFFER_TOO_SMALL, nothing copied. */
    memset(dst, 0xee, sizeof(dst));
    CHECK_EQ(DrvMemCopyTo(mem, 60, dst, 41), STATUS_BUFFER_TOO_SMALL);
    CHECK_EQ(DrvMemCopyTo(mem, 100, dst, 1), STATUS_BUFFER_TOO_SMALL);
    CHECK_EQ(DrvMemCopyTo(mem, 0, dst, 101), STATUS_BUFFER_TOO_SMALL);
    CHECK_EQ(DrvMemCopyTo(mem, SIZE_MAX, dst, 2), STATUS_BUFFER_TOO_SMALL);
    CHECK_EQ(dst[0], 0xee);
    CHECK_EQ(DrvMemCopyTo(mem, 0, dst, 0), STATUS_INVALID_PARAMETER);
    /* CopyFromBuffer: an offset at/after the end is STATUS_INVALID_BUFFER_SIZE, a too long
     * copy STATUS_BUFFER_TOO_SMALL; the buffer is untouched. */
    CHECK_EQ(DrvMemCopyFrom(mem, 100, dst, 1), STATUS_INVALID_BUFFER_SIZE);
    CHECK_EQ(DrvMemCopyFrom(mem, 90, dst, 11), STATUS_BUFFER_TOO_SMALL);
    CHECK_EQ(DrvMemCopyFrom(mem, 90, dst, SIZE_MAX), STATUS_BUFFER_TOO_SMALL);
    CHECK(memcmp(buffer, src, 100) == 0);
    CHECK_EQ(DrvMemCopyFrom(mem, 90, dst, 10), STATUS_SUCCESS);
    CHECK(memcmp((unsigned char *)buffer + 90, dst, 10) == 0);
    CHECK(memcmp(buffer, src, 90) == 0);
    /* Documented failures are statuses, not misuse. */
    CHECK_EQ(vf_total(), 0);

    /* A NULL buffer is misuse (Rule WDF-PARAM-001). */
    CHECK_EQ(DrvMemCopyTo(mem, 0, NULL, 4), STATUS_INVALID_PARAMETER);
    CHECK_EQ(vf_count(VF_RULE_NULL_PARAMETER), 1);

    /* AssignBuffer is only for preallocated objects (Rule WDF-HANDLE-002). */
    CHECK_EQ(DrvMemAssign(mem, dst, 10), STATUS_INVALID_PARAMETER);
    CHECK_EQ(vf_count(VF_RULE_HANDLE_WRONG_TYPE), 1);

    DrvDelete(mem);
    CHECK_EQ(pool_live(m), base);
    CHECK_EQ(DrvMemCreate(NonPagedPoolNx, 0, NULL, &mem, &buffer), STATUS_INVALID_PARAMETER);
    CHECK(mem == NULL && buffer == NULL);
    CHECK_EQ(DrvMemCreate((POOL_TYPE)DontUseThisType, 16, NULL, &mem, &buffer),
             STATUS_INVALID_PARAMETER);
    CHECK_EQ(vf_total(), 2);
    CHECK_EQ(kmdf_object_count(m, FX_TYPE_MEMORY), 0);
}

static void test_preallocated(struct machine *m)
{
    static unsigned char mine[64], other[20];
    uint64_t base = pool_live(m);
    WDFMEMORY mem = NULL, rejected = (WDFMEMORY)1;
    size_t size = 0;

    vf_reset();
    memset(mine, 0x11, sizeof(mine));
    CHECK_EQ(DrvMemCreatePreallocated(mine, sizeof(mine), &mem), STATUS_SUCCESS);
    CHECK(DrvMemGetBuffer(mem, &size) == mine);
    CHECK_EQ(size, 64);
    CHECK_EQ(pool_live(m), base); /* no pool behind it */
    CHECK_EQ(DrvMemCopyFrom(mem, 60, "abcd", 4), STATUS_SUCCESS);
    CHECK(memcmp(mine + 60, "abcd", 4) == 0);
    CHECK_EQ(DrvMemAssign(mem, other, sizeof(other)), STATUS_SUCCESS);
    CHECK(DrvMemGetBuffer(mem, &size) == other);
    CHECK_EQ(size, 20);
    CHECK_EQ(DrvMemCopyFrom(mem, 20, "x", 1), STATUS_INVALID_BUFFER_SIZE);
    CHECK_EQ(DrvMemAssign(mem, other, 0), STATUS_INVALID_PARAMETER);
    CHECK_EQ(DrvMemCreatePreallocated(mine, 0, &rejected), STATUS_INVALID_PARAMETER);
    CHECK(rejected == NULL);
    CHECK_EQ(vf_total(), 0);
    CHECK_EQ(DrvMemCreatePreallocated(NULL, 8, &rejected), STATUS_INVALID_PARAMETER);
    CHECK_EQ(vf_count(VF_RULE_NULL_PARAMETER), 1);
    CHECK_EQ(kmdf_object_count(m, FX_TYPE_MEMORY), 1);
    DrvDelete(mem);
    CHECK_EQ(kmdf_object_count(m, FX_TYPE_MEMORY), 0);
    /* The driver's buffer is the driver's: still there, untouched by the delete. */
    CHECK_EQ(mine[0], 0x11);
}

/* A memory object goes with its parent, and its pool buffer with it. */
static void test_parent_and_lifetime(struct machine *m)
{
    uint64_t base = pool_live(m);
    WDFOBJECT parent;
    WDFMEMORY mem, kept;
    PVOID buffer;
    size_t size = 1;

    vf_reset();
    CHECK_EQ(DrvCreatePlain(&parent), STATUS_SUCCESS);
    CHECK_EQ(DrvMemCreate(PagedPool, 5000, parent, &mem, &buffer), STATUS_SUCCESS);
    CHECK_EQ(DrvMemCreate(NonPagedPoolNx, 64, parent, &kept, &buffer), STATUS_SUCCESS);
    CHECK_EQ(pool_live(m), base + 2);
    /* A reference keeps the buffer usable after the parent (and so the object) is deleted. */
    DrvReference(kept);
    DrvDelete(parent);
    CHECK_EQ(pool_live(m), base + 1);
    CHECK(DrvMemGetBuffer(mem, &size) == NULL);
    CHECK_EQ(size, 0);
    CHECK_EQ(vf_count(VF_RULE_HANDLE_DELETED), 1);
    memset(buffer, 0x5a, 64);
    DrvDereference(kept);
    CHECK_EQ(pool_live(m), base);
    CHECK_EQ(kmdf_object_count(m, FX_TYPE_MEMORY), 0);
    CHECK_EQ(vf_total(), 1);
}

/* Rule IRQL-001: paged pool only at IRQL <= APC_LEVEL; nonpaged up to DISPATCH_LEVEL. */
static void test_irql(struct machine *m)
{
    WDFMEMORY paged, nonpaged, mem = NULL;
    unsigned char byte = 0;
    PVOID buffer;

    vf_reset();
    CHECK_EQ(DrvMemCreate(PagedPool, 32, NULL, &paged, &buffer), STATUS_SUCCESS);
    exec_ctx_self()->level = EXEC_LEVEL_DISPATCH;
    CHECK_EQ(DrvMemCreate(PagedPool, 32, NULL, &mem, &buffer), STATUS_INVALID_DEVICE_REQUEST);
    CHECK(mem == NULL);
    CHECK_EQ(vf_count(VF_RULE_IRQL_TOO_HIGH), 1);
    CHECK(strcmp(last_ddi(), "WdfMemoryCreate") == 0);
    CHECK_EQ(DrvMemCopyTo(paged, 0, &byte, 1), STATUS_INVALID_DEVICE_REQUEST);
    CHECK_EQ(vf_count(VF_RULE_IRQL_TOO_HIGH), 2);
    CHECK_EQ(DrvMemCreate(NonPagedPoolNx, 32, NULL, &nonpaged, &buffer), STATUS_SUCCESS);
    CHECK_EQ(DrvMemCopyTo(nonpaged, 0, &byte, 1), STATUS_SUCCESS);
    DrvDelete(nonpaged);
    exec_ctx_self()->level = EXEC_LEVEL_PASSIVE;
    DrvDelete(paged);
    CHECK_EQ(vf_total(), 2);
    CHECK_EQ(kmdf_object_count(m, FX_TYPE_MEMORY), 0);
}

int main(void)
{
    struct machine_config cfg = {.ram_bytes = 64ull << 20};
    struct machine *m;

    REQUIRE(machine_create(&cfg, &m) == 0);
    REQUIRE(vf_machine_attach(m) == 0);
    REQUIRE(wdm_machine_attach(m) == 0);
    REQUIRE(kmdf_machine_attach(m) == 0);
    vf_set_mode(VF_MODE_RECORD);
    vf_set_quiet(1);
    REQUIRE(fx_driver_bind(m, "drv_memory", &WdfDriverGlobals, &WdfFunctions_01033) ==
            STATUS_SUCCESS);

    test_pool_memory(m);
    test_preallocated(m);
    test_parent_and_lifetime(m);
    test_irql(m);

    vf_reset();
    fx_driver_unbind(WdfDriverGlobals);
    kmdf_machine_detach(m);
    wdm_machine_detach(m);
    CHECK_EQ(vf_total(), 0); /* no object or pool leaked */
    vf_machine_detach(m);
    machine_destroy(m);
    return check_done();
}
