/* mdl.c - memory descriptor lists and the Mm address queries over machine RAM (wdm layer).
 * Every buffer an MDL may describe (pool, common buffers, application I/O buffers) is a physmem
 * range, already mapped in kernel space; so "locking" fills the PFN array from physmem and
 * "mapping" returns the buffer's own address.  docs/memory.md.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/using-mdls
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-mmbuildmdlfornonpagedpool
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-mmprobeandlockpages
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-iobuildpartialmdl */
#include <wdm.h>

#include "platform/exec_ctx.h"
#include "platform/physmem.h"
#include "verifier/vf.h"
#include "wdm/wdm_machine.h"

#define MDL_POOL_TAG 0x206c644du     /* 'Mdl ' */
#define MDL_PFN_INVALID (~(PFN_NUMBER)0) /* left in the PFN array for pages that are not RAM */

/* The calling thread's machine RAM, or NULL after reporting VF_RULE_NO_MACHINE. */
static struct physmem *mdl_ram(const char *ddi, const void *caller)
{
    struct machine *m = exec_ctx_self()->machine;
    if (m == NULL) {
        /* Rule CTX-001: WDM services exist only on a machine's threads. */
        vf_report(VF_RULE_NO_MACHINE, NULL, ddi, caller, "thread '%s' has no machine",
                  exec_ctx_self()->name);
        return NULL;
    }
    return m->mem;
}

/* Rule IRQL-001: reports a call above the DDI's documented maximum level. */
static void mdl_check_level(unsigned max, const void *object, const char *ddi, const void *caller)
{
    unsigned level = exec_ctx_self()->level;
    if (level > max)
        vf_report(VF_RULE_IRQL_TOO_HIGH, object, ddi, caller, "IRQL %u (maximum %u)", level, max);
}

static ULONG mdl_pages(const MDL *mdl)
{
    return ADDRESS_AND_SIZE_TO_SPAN_PAGES(MmGetMdlVirtualAddress(mdl), mdl->ByteCount);
}

/* Fills the PFN array from physmem.  Returns 1, or 0 after reporting Rule MDL-001 when a page is
 * not machine RAM (those entries are MDL_PFN_INVALID, so a DMA through them fails visibly). */
static int mdl_fill_pfns(struct physmem *pm, PMDL mdl, const char *ddi, const void *caller)
{
    PPFN_NUMBER pfn = MmGetMdlPfnArray(mdl);
    ULONG n = mdl_pages(mdl), bad = 0;
    for (ULONG i = 0; i < n; i++) {
        phys_addr_t pa = physmem_virt_to_phys(pm, (PCHAR)mdl->StartVa + ((SIZE_T)i << PAGE_SHIFT));
        if (pa == PHYSMEM_BAD_ADDR) {
            pfn[i] = MDL_PFN_INVALID;
            bad++;
        } else {
            pfn[i] = (PFN_NUMBER)(pa >> PAGE_SHIFT);
        }
    }
    if (bad == 0)
        return 1;
    /* Rule MDL-001: an MDL may only describe machine RAM (pool, common buffers, I/O buffers). */
    vf_report(VF_RULE_MDL_BAD_BUFFER, mdl, ddi, caller,
              "buffer %p, %u bytes: %u of %u pages are not machine RAM",
              MmGetMdlVirtualAddress(mdl), mdl->ByteCount, bad, n);
    return 0;
}

SIZE_T MmSizeOfMdl(PVOID Base, SIZE_T Length)
{
    return sizeof(MDL) + sizeof(PFN_NUMBER) * (SIZE_T)ADDRESS_AND_SIZE_TO_SPAN_PAGES(Base, Length);
}

PMDL IoAllocateMdl(PVOID VirtualAddress, ULONG Length, BOOLEAN SecondaryBuffer,
                   BOOLEAN ChargeQuota, PIRP Irp)
{
    const void *caller = VF_CALLER();
    UNREFERENCED_PARAMETER(SecondaryBuffer);
    UNREFERENCED_PARAMETER(ChargeQuota);
    /* Irp is accepted but the MDL is not linked to it: the IRP is opaque to this layer. */
    UNREFERENCED_PARAMETER(Irp);
    /* The nonpaged pool allocation checks IRQL <= DISPATCH_LEVEL on IoAllocateMdl's behalf. */
    PMDL mdl = wdm_pool_alloc(MmSizeOfMdl(VirtualAddress, Length), MDL_POOL_TAG, 0,
                              "IoAllocateMdl", caller);
    if (mdl == NULL)
        return NULL;
    MmInitializeMdl(mdl, VirtualAddress, Length);
    return mdl;
}

VOID IoFreeMdl(PMDL Mdl)
{
    const void *caller = VF_CALLER();
    /* IRQL <= DISPATCH_LEVEL is checked by the pool free below, in IoFreeMdl's name. */
    /* Rule MDL-002: pages locked by MmProbeAndLockPages must be unlocked before the MDL goes. */
    if (Mdl != NULL && (Mdl->MdlFlags & MDL_PAGES_LOCKED))
        vf_report(VF_RULE_MDL_FREE_LOCKED, Mdl, "IoFreeMdl", caller,
                  "MDL for %p, %u bytes, freed with its pages locked", MmGetMdlVirtualAddress(Mdl),
                  Mdl->ByteCount);
    wdm_pool_free(Mdl, MDL_POOL_TAG, 1, "IoFreeMdl", caller);
}

VOID MmBuildMdlForNonPagedPool(PMDL MemoryDescriptorList)
{
    const void *caller = VF_CALLER();
    PMDL mdl = MemoryDescriptorList;
    struct physmem *pm = mdl_ram("MmBuildMdlForNonPagedPool", caller);
    mdl_check_level(EXEC_LEVEL_DISPATCH, mdl, "MmBuildMdlForNonPagedPool", caller);
    if (pm == NULL || !mdl_fill_pfns(pm, mdl, "MmBuildMdlForNonPagedPool", caller))
        return;
    mdl->MappedSystemVa = MmGetMdlVirtualAddress(mdl);
    mdl->MdlFlags |= MDL_SOURCE_IS_NONPAGED_POOL;
}

VOID MmProbeAndLockPages(PMDL MemoryDescriptorList, KPROCESSOR_MODE AccessMode,
                         LOCK_OPERATION Operation)
{
    const void *caller = VF_CALLER();
    PMDL mdl = MemoryDescriptorList;
    struct physmem *pm = mdl_ram("MmProbeAndLockPages", caller);
    /* Pageable (user) buffers at <= APC_LEVEL, nonpageable ones at <= DISPATCH_LEVEL. */
    mdl_check_level(AccessMode == UserMode ? EXEC_LEVEL_APC : EXEC_LEVEL_DISPATCH, mdl,
                    "MmProbeAndLockPages", caller);
    /* Windows raises STATUS_ACCESS_VIOLATION for a bad buffer; we report and leave it unlocked. */
    if (pm == NULL || !mdl_fill_pfns(pm, mdl, "MmProbeAndLockPages", caller))
        return;
    mdl->MdlFlags |= MDL_PAGES_LOCKED;
    if (Operation != IoReadAccess)
        mdl->MdlFlags |= MDL_WRITE_OPERATION;
}

VOID MmUnlockPages(PMDL MemoryDescriptorList)
{
    const void *caller = VF_CALLER();
    PMDL mdl = MemoryDescriptorList;
    mdl_check_level(EXEC_LEVEL_DISPATCH, mdl, "MmUnlockPages", caller);
    /* Rule MDL-003: only pages locked by MmProbeAndLockPages may be unlocked. */
    if (!(mdl->MdlFlags & MDL_PAGES_LOCKED)) {
        vf_report(VF_RULE_MDL_NOT_LOCKED, mdl, "MmUnlockPages", caller,
                  "MDL for %p, %u bytes, flags 0x%04x, is not locked", MmGetMdlVirtualAddress(mdl),
                  mdl->ByteCount, (unsigned)(USHORT)mdl->MdlFlags);
        return;
    }
    /* Unlocking also releases a system mapping made from the locked pages. */
    if (mdl->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA)
        mdl->MappedSystemVa = NULL;
    mdl->MdlFlags &= (CSHORT) ~(MDL_PAGES_LOCKED | MDL_WRITE_OPERATION | MDL_MAPPED_TO_SYSTEM_VA);
}

PVOID MmMapLockedPagesSpecifyCache(PMDL MemoryDescriptorList, KPROCESSOR_MODE AccessMode,
                                   MEMORY_CACHING_TYPE CacheType, PVOID RequestedAddress,
                                   ULONG BugCheckOnFailure, ULONG Priority)
{
    const void *caller = VF_CALLER();
    PMDL mdl = MemoryDescriptorList;
    struct physmem *pm = mdl_ram("MmMapLockedPagesSpecifyCache", caller);
    PVOID va = MmGetMdlVirtualAddress(mdl);
    /* All RAM is mapped cached in kernel space already; cache type and priority change nothing. */
    UNREFERENCED_PARAMETER(CacheType);
    UNREFERENCED_PARAMETER(RequestedAddress);
    UNREFERENCED_PARAMETER(BugCheckOnFailure);
    UNREFERENCED_PARAMETER(Priority);
    mdl_check_level(AccessMode == UserMode ? EXEC_LEVEL_APC : EXEC_LEVEL_DISPATCH, mdl,
                    "MmMapLockedPagesSpecifyCache", caller);
    /* User-space mappings do not exist on this machine: fail as a mapping failure does. */
    if (pm == NULL || AccessMode != KernelMode)
        return NULL;
    if (mdl->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA)
        return mdl->MappedSystemVa;
    /* Rule MDL-003: only locked (or nonpaged-built, or partial) MDLs may be mapped. */
    if (!(mdl->MdlFlags & (MDL_PAGES_LOCKED | MDL_SOURCE_IS_NONPAGED_POOL | MDL_PARTIAL))) {
        vf_report(VF_RULE_MDL_NOT_LOCKED, mdl, "MmMapLockedPagesSpecifyCache", caller,
                  "MDL for %p, %u bytes, flags 0x%04x: pages not locked", va, mdl->ByteCount,
                  (unsigned)(USHORT)mdl->MdlFlags);
        return NULL;
    }
    if (!physmem_contains(pm, va, mdl->ByteCount)) {
        vf_report(VF_RULE_MDL_BAD_BUFFER, mdl, "MmMapLockedPagesSpecifyCache", caller,
                  "buffer %p, %u bytes, is not machine RAM", va, mdl->ByteCount);
        return NULL;
    }
    mdl->MappedSystemVa = va;
    mdl->MdlFlags |= MDL_MAPPED_TO_SYSTEM_VA;
    if (mdl->MdlFlags & MDL_PARTIAL)
        mdl->MdlFlags |= MDL_PARTIAL_HAS_BEEN_MAPPED;
    return va;
}

PVOID MmMapLockedPages(PMDL MemoryDescriptorList, KPROCESSOR_MODE AccessMode)
{
    return MmMapLockedPagesSpecifyCache(MemoryDescriptorList, AccessMode, MmCached, NULL, TRUE,
                                        NormalPagePriority);
}

VOID MmUnmapLockedPages(PVOID BaseAddress, PMDL MemoryDescriptorList)
{
    PMDL mdl = MemoryDescriptorList;
    mdl_check_level(EXEC_LEVEL_DISPATCH, mdl, "MmUnmapLockedPages", VF_CALLER());
    /* Rule MDL-004: unmap exactly the address a mapping call returned for this MDL. */
    if (!(mdl->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA) || BaseAddress != mdl->MappedSystemVa) {
        vf_report(VF_RULE_MDL_NOT_MAPPED, mdl, "MmUnmapLockedPages", VF_CALLER(),
                  "address %p, MDL mapped at %p, flags 0x%04x", BaseAddress, mdl->MappedSystemVa,
                  (unsigned)(USHORT)mdl->MdlFlags);
        return;
    }
    mdl->MappedSystemVa = NULL;
    mdl->MdlFlags &= (CSHORT) ~(MDL_MAPPED_TO_SYSTEM_VA | MDL_PARTIAL_HAS_BEEN_MAPPED);
}

VOID IoBuildPartialMdl(PMDL SourceMdl, PMDL TargetMdl, PVOID VirtualAddress, ULONG Length)
{
    const void *caller = VF_CALLER();
    PCHAR src_va = MmGetMdlVirtualAddress(SourceMdl);
    ULONG_PTR offset = (ULONG_PTR)((PCHAR)VirtualAddress - src_va);

    if ((PCHAR)VirtualAddress < src_va || offset >= SourceMdl->ByteCount ||
        (Length != 0 && Length > SourceMdl->ByteCount - offset)) {
        vf_report(VF_RULE_MDL_BAD_BUFFER, TargetMdl, "IoBuildPartialMdl", caller,
                  "range %p+%u is outside the source MDL %p+%u", VirtualAddress, Length,
                  (void *)src_va, SourceMdl->ByteCount);
        return;
    }
    if (Length == 0)
        Length = (ULONG)(SourceMdl->ByteCount - offset);
    SIZE_T need = MmSizeOfMdl(VirtualAddress, Length);
    if (need <= 0x7fff && (SIZE_T)TargetMdl->Size < need) {
        vf_report(VF_RULE_MDL_BAD_BUFFER, TargetMdl, "IoBuildPartialMdl", caller,
                  "target MDL holds %d bytes, the part needs %zu", TargetMdl->Size, (size_t)need);
        return;
    }

    CSHORT keep = TargetMdl->MdlFlags & (MDL_ALLOCATED_FIXED_SIZE | MDL_ALLOCATED_MUST_SUCCEED);
    CSHORT inherit = SourceMdl->MdlFlags & (MDL_SOURCE_IS_NONPAGED_POOL | MDL_IO_PAGE_READ |
                                            MDL_WRITE_OPERATION | MDL_IO_SPACE);
    TargetMdl->Process = SourceMdl->Process;
    TargetMdl->StartVa = PAGE_ALIGN(VirtualAddress);
    TargetMdl->ByteOffset = BYTE_OFFSET(VirtualAddress);
    TargetMdl->ByteCount = Length;
    TargetMdl->MdlFlags = (CSHORT)(keep | inherit | MDL_PARTIAL);
    TargetMdl->MappedSystemVa = NULL;
    /* A system address of the source covers the part too. */
    if (SourceMdl->MdlFlags & (MDL_SOURCE_IS_NONPAGED_POOL | MDL_MAPPED_TO_SYSTEM_VA)) {
        TargetMdl->MappedSystemVa = (PCHAR)SourceMdl->MappedSystemVa + offset;
        if (SourceMdl->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA)
            TargetMdl->MdlFlags |= MDL_MAPPED_TO_SYSTEM_VA;
    }

    /* The part's first page is page (source byte offset + offset) / PAGE_SIZE of the source. */
    PPFN_NUMBER from = MmGetMdlPfnArray(SourceMdl) + ((SourceMdl->ByteOffset + offset) >> PAGE_SHIFT);
    PPFN_NUMBER to = MmGetMdlPfnArray(TargetMdl);
    ULONG n = mdl_pages(TargetMdl);
    for (ULONG i = 0; i < n; i++)
        to[i] = from[i];
}

PHYSICAL_ADDRESS MmGetPhysicalAddress(PVOID BaseAddress)
{
    PHYSICAL_ADDRESS pa = {.QuadPart = 0};
    struct physmem *pm = mdl_ram("MmGetPhysicalAddress", VF_CALLER());
    if (pm != NULL) {
        phys_addr_t p = physmem_virt_to_phys(pm, BaseAddress);
        if (p != PHYSMEM_BAD_ADDR)
            pa.QuadPart = (LONGLONG)p;
    }
    return pa;
}

BOOLEAN MmIsAddressValid(PVOID VirtualAddress)
{
    struct physmem *pm = mdl_ram("MmIsAddressValid", VF_CALLER());
    return pm != NULL && physmem_virt_to_phys(pm, VirtualAddress) != PHYSMEM_BAD_ADDR;
}
