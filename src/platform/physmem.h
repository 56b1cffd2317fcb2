/* physmem.h - simulated physical memory (platform layer).
 *
 * Machine RAM is one memfd.  Its frames appear at machine-physical addresses in two banks, one below
 * 4 GiB and one at/above 4 GiB (like a PC's memory hole), so a 32-bit device really cannot reach
 * some pages.  Kernel buffers are virtually contiguous ranges built by mapping chosen frames page by
 * page into a reserved address range, so a buffer of N pages is physically scattered (or contiguous
 * when asked).  Devices see all RAM through one linear mapping of the same memfd: a write through
 * either view is seen through the other.
 *
 * Address spaces never mix: `void *` is a CPU (kernel-virtual) pointer, phys_addr_t a machine
 * physical address.  Bus addresses are defined by the IOMMU (iommu.h), not here. */
#ifndef DMABOX_PLATFORM_PHYSMEM_H
#define DMABOX_PLATFORM_PHYSMEM_H

#include <stddef.h>
#include <stdint.h>

typedef uint64_t phys_addr_t;

#define PHYSMEM_PAGE_SHIFT 12
#define PHYSMEM_PAGE_SIZE (1ull << PHYSMEM_PAGE_SHIFT)
#define PHYSMEM_BAD_ADDR (~(phys_addr_t)0)
#define PHYSMEM_4G (1ull << 32)

struct physmem;

enum physmem_flags {
    PHYSMEM_SCATTERED = 0,       /* default: frames chosen at random (seeded) from both banks */
    PHYSMEM_CONTIGUOUS = 1 << 0, /* physically contiguous frames */
    PHYSMEM_BELOW_4G = 1 << 1,   /* only frames below 4 GiB */
    PHYSMEM_ABOVE_4G = 1 << 2,   /* only frames at/above 4 GiB (tests of bouncing) */
    PHYSMEM_ZERO = 1 << 3,       /* zero the pages */
};

struct physmem_stats {
    uint64_t frames_total, frames_free;
    uint64_t frames_below_4g_free, frames_above_4g_free;
    uint64_t ranges_mapped;      /* live physmem_alloc ranges */
};

/* Creates RAM of ram_bytes (page multiple), of which above_4g bytes sit at >= 4 GiB.  The seed makes
 * frame placement reproducible.  Returns 0 or a negative errno. */
int physmem_create(uint64_t ram_bytes, uint64_t above_4g, uint64_t seed, struct physmem **out);
void physmem_destroy(struct physmem *pm);

/* Allocates npages frames (per flags) and maps them at a fresh kernel-virtual range; returns its
 * page-aligned start, or NULL when no suitable frames are left.  Thread-safe. */
void *physmem_alloc(struct physmem *pm, size_t npages, unsigned flags);

/* Unmaps a range from physmem_alloc and frees its frames.  Returns 0, or -EINVAL if va is not the
 * start of a live range. */
int physmem_free(struct physmem *pm, void *va);

/* Machine-physical address of a kernel-virtual address inside any live range, or PHYSMEM_BAD_ADDR.
 * O(1); safe at any level. */
phys_addr_t physmem_virt_to_phys(const struct physmem *pm, const void *va);

/* The device's (linear) view of a physical address: a host pointer through which len bytes
 * starting at pa can be read/written, or NULL if [pa, pa+len) is not entirely RAM.  O(1). */
void *physmem_phys_to_host(const struct physmem *pm, phys_addr_t pa, size_t len);

/* Is va inside a live physmem range?  (MDLs may only describe machine RAM.) */
int physmem_contains(const struct physmem *pm, const void *va, size_t len);

void physmem_get_stats(struct physmem *pm, struct physmem_stats *out);

#endif
