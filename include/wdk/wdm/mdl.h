/* wdm/mdl.h - section of wdm.h: memory descriptor lists (MDL), the page list of a buffer that
 * drivers and the DMA code walk.  Implemented in src/wdm/mdl.c.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/ns-wdm-_mdl
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/using-mdls
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-ioallocatemdl
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-mmgetsystemaddressformdlsafe */
#ifndef DMABOX_WDK_WDM_MDL_H
#define DMABOX_WDK_WDM_MDL_H

#include "../ntdef.h"
#include "memory.h"

/* Incomplete here; the I/O section completes struct _IRP.  (C11 allows repeating a typedef.) */
#ifndef DMABOX_WDK_IRP_DECLARED
#define DMABOX_WDK_IRP_DECLARED
typedef struct _IRP IRP, *PIRP;
#endif
typedef struct _EPROCESS *PEPROCESS;

/* The MDL header; the PFN_NUMBER array of the pages it describes follows it in memory. */
typedef struct _MDL {
    struct _MDL *Next;            /* chain of MDLs describing one request's buffers */
    CSHORT Size;                  /* bytes of header + PFN array */
    CSHORT MdlFlags;              /* MDL_* */
    struct _EPROCESS *Process;
    PVOID MappedSystemVa;         /* valid with MDL_MAPPED_TO_SYSTEM_VA / _SOURCE_IS_NONPAGED_POOL */
    PVOID StartVa;                /* page-aligned base of the buffer */
    ULONG ByteCount;
    ULONG ByteOffset;             /* offset of the buffer in its first page */
} MDL, *PMDL;
typedef MDL *PMDLX;

C_ASSERT(sizeof(MDL) == 48);

#define MDL_MAPPED_TO_SYSTEM_VA 0x0001
#define MDL_PAGES_LOCKED 0x0002
#define MDL_SOURCE_IS_NONPAGED_POOL 0x0004
#define MDL_ALLOCATED_FIXED_SIZE 0x0008
#define MDL_PARTIAL 0x0010
#define MDL_PARTIAL_HAS_BEEN_MAPPED 0x0020
#define MDL_IO_PAGE_READ 0x0040
#define MDL_WRITE_OPERATION 0x0080
#define MDL_LOCKED_PAGE_TABLES 0x0100
#define MDL_PARENT_MAPPED_SYSTEM_VA MDL_LOCKED_PAGE_TABLES
#define MDL_FREE_EXTRA_PTES 0x0200
#define MDL_DESCRIBES_AWE 0x0400
#define MDL_IO_SPACE 0x0800
#define MDL_NETWORK_HEADER 0x1000
#define MDL_MAPPING_CAN_FAIL 0x2000
#define MDL_PAGE_CONTENTS_INVARIANT 0x4000
#define MDL_ALLOCATED_MUST_SUCCEED MDL_PAGE_CONTENTS_INVARIANT
#define MDL_INTERNAL 0x8000
#define MDL_MAPPING_FLAGS                                                                       \
    (MDL_MAPPED_TO_SYSTEM_VA | MDL_PAGES_LOCKED | MDL_SOURCE_IS_NONPAGED_POOL |                  \
     MDL_PARTIAL_HAS_BEEN_MAPPED | MDL_PARENT_MAPPED_SYSTEM_VA | MDL_IO_SPACE)

/* Accessors: macros in the WDK, so drivers may use them on any MDL they hold. */
#define MmGetMdlPfnArray(Mdl) ((PPFN_NUMBER)((Mdl) + 1))
#define MmGetMdlVirtualAddress(Mdl) ((PVOID)((PCHAR)((Mdl)->StartVa) + (Mdl)->ByteOffset))
#define MmGetMdlByteCount(Mdl) ((Mdl)->ByteCount)
#define MmGetMdlByteOffset(Mdl) ((Mdl)->ByteOffset)
#define MmGetMdlBaseVa(Mdl) ((Mdl)->StartVa)

/* Initialises the header of a caller-allocated MDL of at least MmSizeOfMdl(BaseVa, Length) bytes;
 * the PFN array is filled later (MmBuildMdlForNonPagedPool / MmProbeAndLockPages). */
#define MmInitializeMdl(MemoryDescriptorList, BaseVa, Length)                                  \
    do {                                                                                        \
        (MemoryDescriptorList)->Next = (PMDL)NULL;                                              \
        (MemoryDescriptorList)->Size = (CSHORT)(sizeof(MDL) +                                   \
            (sizeof(PFN_NUMBER) * ADDRESS_AND_SIZE_TO_SPAN_PAGES((BaseVa), (Length))));         \
        (MemoryDescriptorList)->MdlFlags = 0;                                                   \
        (MemoryDescriptorList)->Process = NULL;                                                 \
        (MemoryDescriptorList)->MappedSystemVa = NULL;                                          \
        (MemoryDescriptorList)->StartVa = PAGE_ALIGN(BaseVa);                                   \
        (MemoryDescriptorList)->ByteOffset = BYTE_OFFSET(BaseVa);                               \
        (MemoryDescriptorList)->ByteCount = (ULONG)(Length);                                    \
    } while (0)

/* Bytes an MDL for [Base, Base + Length) needs: header plus one PFN per spanned page. */
NTKERNELAPI SIZE_T MmSizeOfMdl(PVOID Base, SIZE_T Length);

/* Allocates and initialises an MDL for the buffer (PFNs not yet filled).  With an Irp, this
 * implementation does not attach the MDL to it (the IRP type is opaque here).  Returns NULL when
 * out of memory.  IRQL <= DISPATCH_LEVEL. */
NTKERNELAPI PMDL IoAllocateMdl(PVOID VirtualAddress, ULONG Length, BOOLEAN SecondaryBuffer,
                               BOOLEAN ChargeQuota, PIRP Irp);
/* Frees an MDL from IoAllocateMdl (not the pages it describes).  IRQL <= DISPATCH_LEVEL. */
NTKERNELAPI VOID IoFreeMdl(PMDL Mdl);

/* Describes part of SourceMdl's buffer in TargetMdl (Length 0: up to the source's end). */
NTKERNELAPI VOID IoBuildPartialMdl(PMDL SourceMdl, PMDL TargetMdl, PVOID VirtualAddress,
                                   ULONG Length);

/* Fills the PFN array of an MDL over nonpaged memory.  IRQL <= DISPATCH_LEVEL. */
NTKERNELAPI VOID MmBuildMdlForNonPagedPool(PMDL MemoryDescriptorList);

/* Fills the PFN array and marks the pages locked; MmUnlockPages undoes it. */
NTKERNELAPI VOID MmProbeAndLockPages(PMDL MemoryDescriptorList, KPROCESSOR_MODE AccessMode,
                                     LOCK_OPERATION Operation);
NTKERNELAPI VOID MmUnlockPages(PMDL MemoryDescriptorList);

/* System-space address of the MDL's buffer.  Every page of machine RAM already has a kernel
 * mapping here, so this returns the buffer's own address.  IRQL <= DISPATCH_LEVEL. */
NTKERNELAPI PVOID MmMapLockedPagesSpecifyCache(PMDL MemoryDescriptorList, KPROCESSOR_MODE AccessMode,
                                               MEMORY_CACHING_TYPE CacheType, PVOID RequestedAddress,
                                               ULONG BugCheckOnFailure, ULONG Priority);
NTKERNELAPI PVOID MmMapLockedPages(PMDL MemoryDescriptorList, KPROCESSOR_MODE AccessMode);
NTKERNELAPI VOID MmUnmapLockedPages(PVOID BaseAddress, PMDL MemoryDescriptorList);

/* Inline in the WDK: reuses an existing system mapping, else maps the locked pages. */
FORCEINLINE PVOID MmGetSystemAddressForMdlSafe(PMDL Mdl, ULONG Priority)
{
    if (Mdl->MdlFlags & (MDL_MAPPED_TO_SYSTEM_VA | MDL_SOURCE_IS_NONPAGED_POOL))
        return Mdl->MappedSystemVa;
    return MmMapLockedPagesSpecifyCache(Mdl, KernelMode, MmCached, NULL, FALSE, Priority);
}

/* Deprecated form (bug-checks on failure in Windows). */
#define MmGetSystemAddressForMdl(Mdl)                                                           \
    (((Mdl)->MdlFlags & (MDL_MAPPED_TO_SYSTEM_VA | MDL_SOURCE_IS_NONPAGED_POOL))                \
         ? ((Mdl)->MappedSystemVa)                                                              \
         : MmMapLockedPages((Mdl), KernelMode))

/* Readies a partial MDL for another IoBuildPartialMdl, dropping any system mapping it has. */
#define MmPrepareMdlForReuse(Mdl)                                                               \
    do {                                                                                        \
        if (((Mdl)->MdlFlags & MDL_PARTIAL_HAS_BEEN_MAPPED) != 0)                               \
            MmUnmapLockedPages((Mdl)->MappedSystemVa, (Mdl));                                   \
    } while (0)

#endif
