/* wdm/pool.h - section of wdm.h: executive pool allocation (Ex*Pool*).  Implemented in
 * src/wdm/pool.c on top of the calling thread's machine RAM.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-exallocatepool2
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/pool_flags
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/ne-wdm-_pool_type
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-exfreepoolwithtag */
#ifndef DMABOX_WDK_WDM_POOL_H
#define DMABOX_WDK_WDM_POOL_H

#include "../ntdef.h"

/* Low 32 bits: required attributes (the allocation fails if one is unknown or unsatisfiable).
 * High 32 bits: optional attributes (ignored when unknown). */
typedef ULONG64 POOL_FLAGS;

#define POOL_FLAG_REQUIRED_START 0x0000000000000001ull
#define POOL_FLAG_USE_QUOTA 0x0000000000000001ull
#define POOL_FLAG_UNINITIALIZED 0x0000000000000002ull
#define POOL_FLAG_SESSION 0x0000000000000004ull
#define POOL_FLAG_CACHE_ALIGNED 0x0000000000000008ull
#define POOL_FLAG_RESERVED1 0x0000000000000010ull
#define POOL_FLAG_RAISE_ON_FAILURE 0x0000000000000020ull
#define POOL_FLAG_NON_PAGED 0x0000000000000040ull
#define POOL_FLAG_NON_PAGED_EXECUTE 0x0000000000000080ull
#define POOL_FLAG_PAGED 0x0000000000000100ull
#define POOL_FLAG_RESERVED2 0x0000000000000200ull
#define POOL_FLAG_RESERVED3 0x0000000000000400ull
#define POOL_FLAG_REQUIRED_END 0x0000000080000000ull
#define POOL_FLAG_OPTIONAL_START 0x0000000100000000ull
#define POOL_FLAG_SPECIAL_POOL 0x0000000100000000ull
#define POOL_FLAG_OPTIONAL_END 0x8000000000000000ull

typedef enum _POOL_TYPE {
    NonPagedPool,
    NonPagedPoolExecute = NonPagedPool,
    PagedPool,
    NonPagedPoolMustSucceed = NonPagedPool + 2,
    DontUseThisType,
    NonPagedPoolCacheAligned = NonPagedPool + 4,
    PagedPoolCacheAligned,
    NonPagedPoolCacheAlignedMustS = NonPagedPool + 6,
    MaxPoolType,
    NonPagedPoolBase = 0,
    NonPagedPoolBaseMustSucceed = NonPagedPoolBase + 2,
    NonPagedPoolBaseCacheAligned = NonPagedPoolBase + 4,
    NonPagedPoolBaseCacheAlignedMustS = NonPagedPoolBase + 6,
    NonPagedPoolSession = 32,
    PagedPoolSession = NonPagedPoolSession + 1,
    NonPagedPoolMustSucceedSession = PagedPoolSession + 1,
    DontUseThisTypeSession = NonPagedPoolMustSucceedSession + 1,
    NonPagedPoolCacheAlignedSession = DontUseThisTypeSession + 1,
    PagedPoolCacheAlignedSession = NonPagedPoolCacheAlignedSession + 1,
    NonPagedPoolCacheAlignedMustSSession = PagedPoolCacheAlignedSession + 1,
    NonPagedPoolNx = 512,
    NonPagedPoolNxCacheAligned = NonPagedPoolNx + 4,
    NonPagedPoolSessionNx = NonPagedPoolNx + 32,
} POOL_TYPE;

/* Allocates NumberOfBytes (zeroed unless POOL_FLAG_UNINITIALIZED).  Exactly one of
 * POOL_FLAG_NON_PAGED / _NON_PAGED_EXECUTE / _PAGED is required; Tag must be non-zero.  Returns
 * NULL on failure.  Nonpaged: IRQL <= DISPATCH_LEVEL; paged: IRQL <= APC_LEVEL.
 * Sizes >= PAGE_SIZE are page-aligned; smaller blocks are 16-byte aligned and never cross a page. */
NTKERNELAPI PVOID ExAllocatePool2(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag);

/* Older interface: the contents are NOT zeroed.  Returns NULL on failure. */
NTKERNELAPI PVOID ExAllocatePoolWithTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag);

/* ExAllocatePoolWithTag, zero-filled / explicitly uninitialised. */
NTKERNELAPI PVOID ExAllocatePoolZero(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag);
NTKERNELAPI PVOID ExAllocatePoolUninitialized(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag);

/* Untagged allocation: tag 'None', as the WDK's pool-tagging build maps it. */
#define ExAllocatePool(PoolType, NumberOfBytes)                                                 \
    ExAllocatePoolWithTag((PoolType), (NumberOfBytes), 0x656e6f4eu /* 'enoN' */)

/* Frees a pool block; Tag must equal the allocation's tag.  Same IRQL limits as allocation. */
NTKERNELAPI VOID ExFreePoolWithTag(PVOID P, ULONG Tag);
NTKERNELAPI VOID ExFreePool(PVOID P);

#endif
