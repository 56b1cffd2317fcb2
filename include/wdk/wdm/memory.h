/* wdm/memory.h - section of wdm.h: page-size arithmetic, the memory-manager enumerations drivers
 * pass to Mm* routines, and address queries.  Implemented in src/wdm/mdl.c.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-mmgetphysicaladdress
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/ne-wdm-_memory_caching_type
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-address_and_size_to_span_pages */
#ifndef DMABOX_WDK_WDM_MEMORY_H
#define DMABOX_WDK_WDM_MEMORY_H

#include "../ntdef.h"

/* x64 pages: 4 KiB. */
#define PAGE_SIZE 0x1000
#define PAGE_SHIFT 12L

/* Offset of a virtual address within its page. */
#define BYTE_OFFSET(Va) ((ULONG)((LONG_PTR)(Va) & (PAGE_SIZE - 1)))
/* The page-aligned base of a virtual address. */
#define PAGE_ALIGN(Va) ((PVOID)((ULONG_PTR)(Va) & ~((ULONG_PTR)PAGE_SIZE - 1)))
/* Pages needed to hold Size bytes starting at a page boundary. */
#define BYTES_TO_PAGES(Size) (((Size) >> PAGE_SHIFT) + (((Size) & (PAGE_SIZE - 1)) != 0))
/* Size rounded up to a whole number of pages. */
#define ROUND_TO_PAGES(Size) (((ULONG_PTR)(Size) + PAGE_SIZE - 1) & ~((ULONG_PTR)PAGE_SIZE - 1))
/* Pages touched by the Size bytes starting at Va (Va need not be aligned). */
#define ADDRESS_AND_SIZE_TO_SPAN_PAGES(Va, Size)                                                \
    ((ULONG)((((SIZE_T)BYTE_OFFSET(Va)) + ((SIZE_T)(Size)) + (PAGE_SIZE - 1)) >> PAGE_SHIFT))
#define COMPUTE_PAGES_SPANNED(Va, Size) ADDRESS_AND_SIZE_TO_SPAN_PAGES(Va, Size)

/* Another section (or a later wdm.h part) may also need these; define them once. */
#ifndef DMABOX_WDK_MODE_DEFINED
#define DMABOX_WDK_MODE_DEFINED
typedef enum _MODE { KernelMode, UserMode, MaximumMode } MODE;
#endif

#ifndef DMABOX_WDK_MEMORY_CACHING_TYPE_DEFINED
#define DMABOX_WDK_MEMORY_CACHING_TYPE_DEFINED
typedef enum _MEMORY_CACHING_TYPE_ORIG { MmFrameBufferCached = 2 } MEMORY_CACHING_TYPE_ORIG;
typedef enum _MEMORY_CACHING_TYPE {
    MmNonCached = FALSE,
    MmCached = TRUE,
    MmWriteCombined = MmFrameBufferCached,
    MmHardwareCoherentCached,
    MmNonCachedUnordered,
    MmUSWCCached,
    MmMaximumCacheType,
    MmNotMapped = -1
} MEMORY_CACHING_TYPE;
#endif

typedef enum _LOCK_OPERATION { IoReadAccess, IoWriteAccess, IoModifyAccess } LOCK_OPERATION;

/* Priority argument of MmGetSystemAddressForMdlSafe / MmMapLockedPagesSpecifyCache, which may be
 * OR-ed with the MdlMapping* flags. */
typedef enum _MM_PAGE_PRIORITY {
    LowPagePriority,
    NormalPagePriority = 16,
    HighPagePriority = 32
} MM_PAGE_PRIORITY;

#define MdlMappingNoWrite 0x80000000
#define MdlMappingNoExecute 0x40000000
#define MdlMappingWithGuardPtes 0x20000000

/* Machine-physical address of a kernel virtual address in machine RAM; 0 when it is not RAM.
 * Any IRQL. */
NTKERNELAPI PHYSICAL_ADDRESS MmGetPhysicalAddress(PVOID BaseAddress);

/* TRUE when the address is in machine RAM (the only memory this machine can page-fault-free
 * access on a driver's behalf).  Any IRQL. */
NTKERNELAPI BOOLEAN MmIsAddressValid(PVOID VirtualAddress);

#endif
