/* test_mdl.c - MDLs and Mm address queries (wdm layer): header fields and accessors for unaligned
 * buffers, PFN arrays against physmem, the device view through PFNs, chains, partial MDLs, locking
 * and mapping, and the findings MDL-001..004, IRQL-001 and POOL-002 for a leaked MDL.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/using-mdls
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-mmbuildmdlfornonpagedpool */
#include <string.h>

#include <wdm.h>

#include "check.h"
#include "platform/exec_ctx.h"
#include "platform/machine.h"
#include "platform/physmem.h"
#include "verifier/vf.h"
#include "wdm/wdm_machine.h"

#define TAG_TEST 0x31747354u /* 'Tst1' */

static struct machine *M;

static void test_page_macros(void)
{
    CHECK_EQ(PAGE_SIZE, 4096);
    CHECK_EQ(PAGE_SHIFT, 12);
    CHECK_EQ(BYTE_OFFSET((PVOID)0x12345), 0x345);
    CHECK(PAGE_ALIGN((PVOID)0x12345) == (PVOID)0x12000);
    CHECK_EQ(BYTES_TO_PAGES(0), 0);
    CHECK_EQ(BYTES_TO_PAGES(1), 1);
    CHECK_EQ(BYTES_TO_PAGES(4096), 1);
    CHECK_EQ(BYTES_TO_PAGES(4097), 2);
    CHECK_EQ(ROUND_TO_PAGES(1), 4096);
    CHECK_EQ(ROUND_TO_PAGES(8192), 8192);
    CHECK_EQ(ADDRESS_AND_SIZE_TO_SPAN_PAGES((PVOID)0x1000, 0), 0);
    CHECK_EQ(ADDRESS_AND_SIZE_TO_SPAN_PAGES((PVOID)0x1000, 1), 1);
    CHECK_EQ(ADDRESS_AND_SIZE_TO_SPAN_PAGES((PVOID)0x1000, 0x1000), 1);
    CHECK_EQ(ADDRESS_AND_SIZE_TO_SPAN_PAGES((PVOID)0x1fff, 1), 1);
    CHECK_EQ(ADDRESS_AND_SIZE_TO_SPAN_PAGES((PVOID)0x1fff, 2), 2);
    CHECK_EQ(ADDRESS_AND_SIZE_TO_SPAN_PAGES((PVOID)0x1001, 0x1000), 2);
    CHECK_EQ(ADDRESS_AND_SIZE_TO_SPAN_PAGES((PVOID)0x1064, 0x3000), 4);
    CHECK_EQ(MmSizeOfMdl((PVOID)0x1064, 0x3000), sizeof(MDL) + 4 * sizeof(PFN_NUMBER));
    CHECK_EQ(sizeof(MDL), 48);
    CHECK_EQ(FIELD_OFFSET(MDL, ByteOffset), 44);
    CHECK_EQ(MDL_MAPPED_TO_SYSTEM_VA | MDL_PAGES_LOCKED | MDL_SOURCE_IS_NONPAGED_POOL, 7);
    CHECK_EQ(MDL_PARTIAL, 0x10);
    CHECK_EQ(NormalPagePriority, 16);
    CHECK_EQ(MdlMappingNoExecute, 0x40000000);
}

/* Every PFN is the frame physmem maps at that page of the buffer. */
static int pfns_match(PMDL mdl)
{
    ULONG n = ADDRESS_AND_SIZE_TO_SPAN_PAGES(MmGetMdlVirtualAddress(mdl), MmGetMdlByteCount(mdl));
    PPFN_NUMBER pfn = MmGetMdlPfnArray(mdl);
    for (ULONG i = 0; i < n; i++) {
        phys_addr_t pa = physmem_virt_to_phys(M->mem, (PCHAR)MmGetMdlBaseVa(mdl) + i * PAGE_SIZE);
        if (pa == PHYSMEM_BAD_ADDR || pfn[i] != (PFN_NUMBER)(pa >> PAGE_SHIFT))
            return 0;
    }
    return 1;
}

static void test_nonpaged_mdl(void)
{
    PUCHAR buf = ExAllocatePool2(POOL_FLAG_NON_PAGED, 5 * PAGE_SIZE, TAG_TEST);
    REQUIRE(buf != NULL);
    PUCHAR va = buf + 100;
    ULONG len = 3 * PAGE_SIZE;
    PMDL mdl = IoAllocateMdl(va, len, FALSE, FALSE, NULL);
    REQUIRE(mdl != NULL);
    CHECK(mdl->Next == NULL);
    CHECK(MmGetMdlVirtualAddress(mdl) == va);
    CHECK(MmGetMdlBaseVa(mdl) == buf);
    CHECK_EQ(MmGetMdlByteOffset(mdl), 100);
    CHECK_EQ(MmGetMdlByteCount(mdl), len);
    CHECK_EQ(mdl->Size, sizeof(MDL) + 4 * sizeof(PFN_NUMBER));
    CHECK_EQ(mdl->MdlFlags, 0);

    MmBuildMdlForNonPagedPool(mdl);
    CHECK(mdl->MdlFlags & MDL_SOURCE_IS_NONPAGED_POOL);
    CHECK(mdl->MappedSystemVa == va);
    CHECK(pfns_match(mdl));
    CHECK(MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority | MdlMappingNoExecute) == va);

    /* The device view through the PFNs sees what the CPU wrote at the MDL's address. */
    for (ULONG i = 0; i < len; i++)
        va[i] = (UCHAR)(i * 13 + 1);
    ULONG done = 0, off = MmGetMdlByteOffset(mdl);
    PPFN_NUMBER pfn = MmGetMdlPfnArray(mdl);
    for (ULONG i = 0; done < len; i++) {
        ULONG chunk = PAGE_SIZE - off < len - done ? PAGE_SIZE - off : len - done;
        PUCHAR dev = physmem_phys_to_host(M->mem, ((phys_addr_t)pfn[i] << PAGE_SHIFT) + off, chunk);
        REQUIRE(dev != NULL);
        CHECK(memcmp(dev, va + done, chunk) == 0);
        done += chunk;
        off = 0;
    }
    CHECK_EQ(MmGetPhysicalAddress(va + 5000).QuadPart,
             physmem_virt_to_phys(M->mem, va + 5000));
    CHECK(MmIsAddressValid(va));
    CHECK(!MmIsAddressValid(&len));
    CHECK_EQ(MmGetPhysicalAddress(&len).QuadPart, 0);
    IoFreeMdl(mdl);
    ExFreePoolWithTag(buf, TAG_TEST);
    CHECK_EQ(vf_total(), 0);
}

/* A large pool buffer is physically scattered: the PFN list is what a DMA must follow. */
static void test_scattered_buffer_and_chain(void)
{
    PUCHAR a = ExAllocatePool2(POOL_FLAG_NON_PAGED, 64 * PAGE_SIZE, TAG_TEST);
    PUCHAR b = ExAllocatePool2(POOL_FLAG_NON_PAGED, 3000, TAG_TEST);
    REQUIRE(a && b);
    PMDL ma = IoAllocateMdl(a, 64 * PAGE_SIZE, FALSE, FALSE, NULL);
    PMDL mb = IoAllocateMdl(b, 3000, TRUE, FALSE, NULL);
    REQUIRE(ma && mb);
    MmBuildMdlForNonPagedPool(ma);
    MmBuildMdlForNonPagedPool(mb);
    ma->Next = mb;
    ULONG breaks = 0, total = 0, mdls = 0;
    for (PMDL m = ma; m != NULL; m = m->Next) {
        CHECK(pfns_match(m));
        total += MmGetMdlByteCount(m);
        mdls++;
    }
    PPFN_NUMBER pfn = MmGetMdlPfnArray(ma);
    for (int i = 1; i < 64; i++)
        breaks += pfn[i] != pfn[i - 1] + 1;
    CHECK(breaks > 0);
    CHECK_EQ(mdls, 2);
    CHECK_EQ(total, 64 * PAGE_SIZE + 3000);
    IoFreeMdl(mb);
    IoFreeMdl(ma);
    ExFreePool(a);
    ExFreePool(b);
    CHECK_EQ(vf_total(), 0);
}

static void test_caller_allocated_and_partial(void)
{
    PUCHAR buf = ExAllocatePool2(POOL_FLAG_NON_PAGED, 8 * PAGE_SIZE, TAG_TEST);
    REQUIRE(buf != NULL);
    /* MmInitializeMdl on storage the driver owns (here the stack). */
    union {
        MDL mdl;
        UCHAR space[sizeof(MDL) + 9 * sizeof(PFN_NUMBER)];
    } src_store, part_store;
    PMDL src = &src_store.mdl, part = &part_store.mdl;
    PUCHAR va = buf + 0x80;
    ULONG len = 8 * PAGE_SIZE - 0x80;
    REQUIRE(MmSizeOfMdl(va, len) <= sizeof(src_store));
    MmInitializeMdl(src, va, len);
    CHECK_EQ(src->Size, MmSizeOfMdl(va, len));
    CHECK(MmGetMdlVirtualAddress(src) == va);
    MmBuildMdlForNonPagedPool(src);
    CHECK(pfns_match(src));

    /* A part that starts in page 2 (offset 0x10 in it) and straddles two pages. */
    PUCHAR pva = buf + 2 * PAGE_SIZE + 0x10;
    MmInitializeMdl(part, pva, PAGE_SIZE);
    IoBuildPartialMdl(src, part, pva, PAGE_SIZE);
    CHECK(part->MdlFlags & MDL_PARTIAL);
    CHECK(part->MdlFlags & MDL_SOURCE_IS_NONPAGED_POOL);
    CHECK(MmGetMdlVirtualAddress(part) == pva);
    CHECK_EQ(MmGetMdlByteOffset(part), 0x10);
    CHECK_EQ(MmGetMdlByteCount(part), PAGE_SIZE);
    CHECK_EQ(MmGetMdlPfnArray(part)[0], MmGetMdlPfnArray(src)[2]);
    CHECK_EQ(MmGetMdlPfnArray(part)[1], MmGetMdlPfnArray(src)[3]);
    CHECK(pfns_match(part));
    CHECK(MmGetSystemAddressForMdlSafe(part, NormalPagePriority) == pva);

    /* Length 0: the rest of the source. */
    MmPrepareMdlForReuse(part);
    IoBuildPartialMdl(src, part, buf + 7 * PAGE_SIZE, 0);
    CHECK_EQ(MmGetMdlByteCount(part), PAGE_SIZE);
    CHECK_EQ(MmGetMdlPfnArray(part)[0], MmGetMdlPfnArray(src)[7]);
    CHECK_EQ(vf_total(), 0);

    /* Outside the source: Rule MDL-001. */
    IoBuildPartialMdl(src, part, buf, 16);
    IoBuildPartialMdl(src, part, buf + 7 * PAGE_SIZE, 2 * PAGE_SIZE);
    CHECK_EQ(vf_count(VF_RULE_MDL_BAD_BUFFER), 2);
    vf_reset();
    ExFreePool(buf);
}

static void test_probe_lock_map(void)
{
    PUCHAR buf = ExAllocatePool2(POOL_FLAG_PAGED, 2 * PAGE_SIZE, TAG_TEST);
    REQUIRE(buf != NULL);
    PMDL mdl = IoAllocateMdl(buf + 10, 5000, FALSE, FALSE, NULL);
    REQUIRE(mdl != NULL);
    /* Rule MDL-003: mapping needs locked pages. */
    CHECK(MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority) == NULL);
    CHECK_EQ(vf_count(VF_RULE_MDL_NOT_LOCKED), 1);

    MmProbeAndLockPages(mdl, KernelMode, IoWriteAccess);
    CHECK(mdl->MdlFlags & MDL_PAGES_LOCKED);
    CHECK(mdl->MdlFlags & MDL_WRITE_OPERATION);
    CHECK(pfns_match(mdl));
    PVOID sys = MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority);
    CHECK(sys == buf + 10);
    CHECK(mdl->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA);
    CHECK(mdl->MappedSystemVa == sys);
    CHECK(MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority) == sys);
    CHECK(MmMapLockedPagesSpecifyCache(mdl, UserMode, MmCached, NULL, FALSE, NormalPagePriority) ==
          NULL);

    /* Rule MDL-004: unmap exactly what was mapped. */
    MmUnmapLockedPages(buf, mdl);
    CHECK_EQ(vf_count(VF_RULE_MDL_NOT_MAPPED), 1);
    MmUnmapLockedPages(sys, mdl);
    CHECK(!(mdl->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA));
    MmUnmapLockedPages(sys, mdl);
    CHECK_EQ(vf_count(VF_RULE_MDL_NOT_MAPPED), 2);

    /* Rule MDL-002: free while locked; Rule MDL-003: unlock twice. */
    MmUnlockPages(mdl);
    CHECK(!(mdl->MdlFlags & (MDL_PAGES_LOCKED | MDL_WRITE_OPERATION)));
    MmUnlockPages(mdl);
    CHECK_EQ(vf_count(VF_RULE_MDL_NOT_LOCKED), 2);
    MmProbeAndLockPages(mdl, KernelMode, IoReadAccess);
    CHECK(!(mdl->MdlFlags & MDL_WRITE_OPERATION));
    IoFreeMdl(mdl);
    CHECK_EQ(vf_count(VF_RULE_MDL_FREE_LOCKED), 1);
    CHECK_EQ(vf_total(), 5);
    vf_reset();
    ExFreePool(buf);
}

/* Rule MDL-001: an MDL over memory that is not machine RAM. */
static void test_not_ram(void)
{
    UCHAR on_stack[3 * PAGE_SIZE];
    vf_reset();
    PMDL mdl = IoAllocateMdl(on_stack + 1, 2 * PAGE_SIZE, FALSE, FALSE, NULL);
    REQUIRE(mdl != NULL); /* allocating the header is fine; describing the pages is not */
    MmBuildMdlForNonPagedPool(mdl);
    CHECK_EQ(vf_count(VF_RULE_MDL_BAD_BUFFER), 1);
    CHECK(!(mdl->MdlFlags & MDL_SOURCE_IS_NONPAGED_POOL));
    CHECK_EQ(MmGetMdlPfnArray(mdl)[0], ~(PFN_NUMBER)0);
    CHECK_EQ(MmGetMdlPfnArray(mdl)[1], ~(PFN_NUMBER)0);
    MmProbeAndLockPages(mdl, KernelMode, IoReadAccess);
    CHECK_EQ(vf_count(VF_RULE_MDL_BAD_BUFFER), 2);
    CHECK(!(mdl->MdlFlags & MDL_PAGES_LOCKED));
    struct vf_finding f;
    REQUIRE(vf_finding_get(0, &f) == 0);
    CHECK(f.object == mdl);
    CHECK(strcmp(f.ddi, "MmBuildMdlForNonPagedPool") == 0);
    IoFreeMdl(mdl);
    CHECK_EQ(vf_total(), 2);
    vf_reset();
}

/* Rule IRQL-001: MDL routines at their documented maximum levels. */
static void test_irql(void)
{
    PUCHAR buf = ExAllocatePool2(POOL_FLAG_NON_PAGED, 100, TAG_TEST);
    REQUIRE(buf != NULL);
    exec_ctx_self()->level = EXEC_LEVEL_DISPATCH;
    PMDL mdl = IoAllocateMdl(buf, 100, FALSE, FALSE, NULL);
    MmBuildMdlForNonPagedPool(mdl);
    MmProbeAndLockPages(mdl, KernelMode, IoReadAccess);
    MmUnlockPages(mdl);
    CHECK_EQ(vf_total(), 0);
    MmProbeAndLockPages(mdl, UserMode, IoReadAccess); /* pageable buffer above APC_LEVEL */
    CHECK_EQ(vf_count(VF_RULE_IRQL_TOO_HIGH), 1);
    MmUnlockPages(mdl);
    exec_ctx_self()->level = EXEC_LEVEL_DEVICE_MIN;
    IoFreeMdl(mdl);
    CHECK_EQ(vf_count(VF_RULE_IRQL_TOO_HIGH), 2);
    exec_ctx_self()->level = EXEC_LEVEL_PASSIVE;
    ExFreePool(buf);
    CHECK_EQ(vf_total(), 2);
    vf_reset();
}

/* An MDL never freed is a pool leak tagged 'Mdl ' at teardown (Rule POOL-002). */
static void test_leaked_mdl(void)
{
    PUCHAR buf = ExAllocatePool2(POOL_FLAG_NON_PAGED, 100, TAG_TEST);
    REQUIRE(buf != NULL);
    REQUIRE(IoAllocateMdl(buf, 100, FALSE, FALSE, NULL) != NULL);
    ExFreePool(buf);
    vf_reset();
    wdm_machine_detach(M);
    CHECK_EQ(vf_count(VF_RULE_POOL_LEAK), 1);
    struct vf_finding f;
    REQUIRE(vf_finding_get(0, &f) == 0);
    CHECK(strstr(f.detail, "'Mdl '") != NULL);
}

int main(void)
{
    struct machine_config cfg = {.ram_bytes = 64ull << 20, .seed = 5};
    REQUIRE(machine_create(&cfg, &M) == 0);
    REQUIRE(vf_machine_attach(M) == 0);
    REQUIRE(wdm_machine_attach(M) == 0);
    vf_set_mode(VF_MODE_RECORD);
    vf_set_quiet(1);

    test_page_macros();
    test_nonpaged_mdl();
    test_scattered_buffer_and_chain();
    test_caller_allocated_and_partial();
    test_probe_lock_map();
    test_not_ram();
    test_irql();
    test_leaked_mdl();

    vf_machine_detach(M);
    machine_destroy(M);
    return check_done();
}
