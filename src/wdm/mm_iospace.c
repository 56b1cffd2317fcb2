/* mm_iospace.c - MmMapIoSpace, MmMapIoSpaceEx and MmUnmapIoSpace over the platform's BAR mappings
 * (wdm layer).  A mapping is an address in the platform's inaccessible MMIO arena that only
 * READ/WRITE_REGISTER_* (ioaccess.c) can use.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-mmmapiospace
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-mmmapiospaceex
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-mmunmapiospace */
#include "wdm/ioaccess.h"

#include "platform/exec_ctx.h"
#include "platform/mmio.h"
#include "verifier/vf.h"

/* Rule IRQL-001: the three routines may be called at IRQL <= DISPATCH_LEVEL (each page's
 * Requirements table).  The call still goes ahead when the finding is only recorded. */
static void iospace_check_irql(const struct exec_ctx *ctx, const char *ddi, const void *caller)
{
    if (ctx->level > EXEC_LEVEL_DISPATCH)
        vf_report(VF_RULE_IRQL_TOO_HIGH, NULL, ddi, caller,
                  "called at IRQL %u; the maximum is DISPATCH_LEVEL (2)", ctx->level);
}

static PVOID iospace_map(PHYSICAL_ADDRESS pa, SIZE_T bytes, const char *ddi, const void *caller)
{
    struct exec_ctx *ctx = exec_ctx_self();

    iospace_check_irql(ctx, ddi, caller);
    /* Documented: NumberOfBytes must be greater than zero. */
    if (ctx->machine == NULL || bytes == 0 || pa.QuadPart < 0)
        return NULL;
    return mmio_map(ctx->machine, (phys_addr_t)pa.QuadPart, bytes);
}

PVOID MmMapIoSpace(PHYSICAL_ADDRESS PhysicalAddress, SIZE_T NumberOfBytes,
                   MEMORY_CACHING_TYPE CacheType)
{
    /* Registers are never cached here, so every valid caching type maps the same way. */
    if ((int)CacheType < MmNonCached || (int)CacheType >= MmMaximumCacheType)
        return NULL;
    return iospace_map(PhysicalAddress, NumberOfBytes, "MmMapIoSpace", VF_CALLER());
}

/* Exactly one access protection, and at most one of the two caching modifiers. */
static int iospace_protect_valid(ULONG protect)
{
    const ULONG access = PAGE_READONLY | PAGE_READWRITE | PAGE_EXECUTE | PAGE_EXECUTE_READ |
                         PAGE_EXECUTE_READWRITE;
    const ULONG cache = PAGE_NOCACHE | PAGE_WRITECOMBINE;
    ULONG a = protect & access;

    if ((protect & ~(access | cache)) != 0)
        return 0;
    if (a == 0 || (a & (a - 1)) != 0)
        return 0;
    return (protect & cache) != cache;
}

PVOID MmMapIoSpaceEx(PHYSICAL_ADDRESS PhysicalAddress, SIZE_T NumberOfBytes, ULONG Protect)
{
    if (!iospace_protect_valid(Protect))
        return NULL;
    return iospace_map(PhysicalAddress, NumberOfBytes, "MmMapIoSpaceEx", VF_CALLER());
}

/* Rule MMIO-003: BaseAddress and NumberOfBytes must be exactly what MmMapIoSpace[Ex] returned and
 * was given; anything else (a stale, foreign or partial range) is reported and ignored. */
VOID MmUnmapIoSpace(PVOID BaseAddress, SIZE_T NumberOfBytes)
{
    struct exec_ctx *ctx = exec_ctx_self();
    const void *caller = VF_CALLER();

    iospace_check_irql(ctx, "MmUnmapIoSpace", caller);
    if (ctx->machine == NULL || mmio_unmap(ctx->machine, BaseAddress, NumberOfBytes) < 0)
        vf_report(VF_RULE_MMIO_BAD_UNMAP, BaseAddress, "MmUnmapIoSpace", caller,
                  "%p (+%zu bytes) is not a mapping made by MmMapIoSpace", BaseAddress,
                  (size_t)NumberOfBytes);
}
