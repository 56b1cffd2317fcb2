/* test_pool.c - executive pool (wdm layer): zeroing, alignment, machine RAM backing, findings for
 * bad frees (POOL-001), tag mismatches (POOL-003), bad requests (POOL-004), failures that cannot
 * raise (POOL-005), IRQL (IRQL-001), no machine (CTX-001), and leaks at detach (POOL-002).
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-exallocatepool2
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-exfreepoolwithtag */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <wdm.h>

#include "check.h"
#include "platform/exec_ctx.h"
#include "platform/machine.h"
#include "platform/physmem.h"
#include "verifier/vf.h"
#include "wdm/wdm_machine.h"

/* The value of the MSVC literal 'abcd' (a in the high byte), without multi-char constants. */
#define TAG(a, b, c, d) ((ULONG)(d) | (ULONG)(c) << 8 | (ULONG)(b) << 16 | (ULONG)(a) << 24)
#define TAG_TEST TAG('T', 's', 't', '1')
#define TAG_OTHER TAG('O', 't', 'h', 'r')

static struct machine *machine_up(void)
{
    struct machine_config cfg = {.ram_bytes = 64ull << 20};
    struct machine *m;
    REQUIRE(machine_create(&cfg, &m) == 0);
    REQUIRE(vf_machine_attach(m) == 0);
    REQUIRE(wdm_machine_attach(m) == 0);
    vf_set_mode(VF_MODE_RECORD);
    vf_set_quiet(1);
    return m;
}

static void machine_down(struct machine *m)
{
    struct physmem_stats st;
    wdm_machine_detach(m);
    physmem_get_stats(m->mem, &st);
    CHECK_EQ(st.frames_free, st.frames_total); /* the pool gave every page back */
    CHECK_EQ(st.ranges_mapped, 0);
    vf_machine_detach(m);
    machine_destroy(m);
}

static int all_bytes(const void *p, int value, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i] != (unsigned char)value)
            return 0;
    return 1;
}

static void test_zeroing_and_reuse(struct machine *m)
{
    UNREFERENCED_PARAMETER(m);
    /* Pool2 zeroes unless POOL_FLAG_UNINITIALIZED, even when it reuses a dirty block. */
    PUCHAR a = ExAllocatePool2(POOL_FLAG_NON_PAGED | POOL_FLAG_UNINITIALIZED, 200, TAG_TEST);
    REQUIRE(a != NULL);
    memset(a, 0xAB, 200);
    ExFreePoolWithTag(a, TAG_TEST);
    PUCHAR b = ExAllocatePool2(POOL_FLAG_NON_PAGED, 200, TAG_TEST);
    CHECK(b == a); /* same slot: the zeroing below is real work, not fresh memory */
    CHECK(all_bytes(b, 0, 200));
    memset(b, 0xAB, 200);
    ExFreePool(b);
    /* ExAllocatePoolWithTag does not zero: the freed block's poison shows through. */
    PUCHAR c = ExAllocatePoolWithTag(NonPagedPoolNx, 200, TAG_TEST);
    CHECK(c == a);
    CHECK(all_bytes(c, 0xdd, 200));
    ExFreePoolWithTag(c, TAG_TEST);
    PUCHAR d = ExAllocatePoolZero(PagedPool, 200, TAG_TEST);
    CHECK(d == a);
    CHECK(all_bytes(d, 0, 200));
    ExFreePool(d);

    /* Large blocks too. */
    PUCHAR big = ExAllocatePool2(POOL_FLAG_PAGED, 3 * PAGE_SIZE + 5, TAG_TEST);
    REQUIRE(big != NULL);
    CHECK(all_bytes(big, 0, 3 * PAGE_SIZE + 5));
    ExFreePoolWithTag(big, TAG_TEST);
    CHECK_EQ(vf_total(), 0);
}

static void test_alignment_and_backing(struct machine *m)
{
    enum { N = 40 };
    static const SIZE_T sizes[N / 4] = {1, 15, 16, 17, 100, 1000, 2000, 4000, 4048, 4049};
    PVOID p[N];
    for (int i = 0; i < N; i++) {
        SIZE_T size = sizes[i % (N / 4)];
        p[i] = ExAllocatePool2(POOL_FLAG_NON_PAGED, size, TAG_TEST);
        REQUIRE(p[i] != NULL);
        CHECK_EQ((ULONG_PTR)p[i] % 16, 0);
        /* Below a page: never crosses a page boundary. */
        CHECK_EQ(BYTE_OFFSET(p[i]) + size <= PAGE_SIZE, 1);
        CHECK(physmem_contains(m->mem, p[i], size));
        CHECK(MmGetPhysicalAddress(p[i]).QuadPart != 0);
        memset(p[i], i, size);
    }
    for (int i = 0; i < N; i++) {
        CHECK(all_bytes(p[i], i, sizes[i % (N / 4)])); /* no block overlapped another */
        ExFreePoolWithTag(p[i], TAG_TEST);
    }
    PVOID page = ExAllocatePool2(POOL_FLAG_NON_PAGED, PAGE_SIZE, TAG_TEST);
    PVOID pages = ExAllocatePoolWithTag(NonPagedPool, 10 * PAGE_SIZE + 1, TAG_TEST);
    PVOID line = ExAllocatePool2(POOL_FLAG_NON_PAGED | POOL_FLAG_CACHE_ALIGNED, 24, TAG_TEST);
    PVOID line2 = ExAllocatePoolWithTag(NonPagedPoolCacheAligned, 300, TAG_TEST);
    REQUIRE(page && pages && line && line2);
    CHECK_EQ(BYTE_OFFSET(page), 0);
    CHECK_EQ(BYTE_OFFSET(pages), 0);
    CHECK_EQ((ULONG_PTR)line % 64, 0);
    CHECK_EQ((ULONG_PTR)line2 % 64, 0);
    CHECK(physmem_contains(m->mem, pages, 10 * PAGE_SIZE + 1));
    ExFreePool(page);
    ExFreePool(pages);
    ExFreePoolWithTag(line, TAG_TEST);
    ExFreePoolWithTag(line2, TAG_TEST);
    /* A freed cache-aligned block is still recognised on a second free. */
    ExFreePoolWithTag(line2, TAG_TEST);
    CHECK_EQ(vf_count(VF_RULE_POOL_BAD_FREE), 1);
    vf_reset();
}

static void test_stats(struct machine *m)
{
    struct wdm_pool_stats s0, s1;
    wdm_pool_get_stats(m, &s0);
    PVOID a = ExAllocatePool2(POOL_FLAG_NON_PAGED, 100, TAG_TEST);
    PVOID b = ExAllocatePool2(POOL_FLAG_PAGED, 3 * PAGE_SIZE, TAG_TEST);
    wdm_pool_get_stats(m, &s1);
    CHECK_EQ(s1.allocations - s0.allocations, 2);
    CHECK_EQ(s1.live_blocks - s0.live_blocks, 2);
    CHECK_EQ(s1.bytes_outstanding - s0.bytes_outstanding, 100 + 3 * PAGE_SIZE);
    CHECK_EQ(s1.pages_mapped - s0.pages_mapped, 4); /* header page + 3 data pages */
    ExFreePool(a);
    ExFreePool(b);
    wdm_pool_get_stats(m, &s1);
    CHECK_EQ(s1.frees - s0.frees, 2);
    CHECK_EQ(s1.live_blocks, s0.live_blocks);
    CHECK_EQ(s1.bytes_outstanding, s0.bytes_outstanding);
    CHECK_EQ(s1.pages_mapped, s0.pages_mapped);
}

/* Rules POOL-001 and POOL-003. */
static void test_bad_frees(void)
{
    int on_stack[8];
    vf_reset();
    PUCHAR p = ExAllocatePool2(POOL_FLAG_NON_PAGED, 64, TAG_TEST);
    REQUIRE(p != NULL);
    ExFreePoolWithTag(p, TAG_OTHER);               /* wrong tag: reported, still freed */
    CHECK_EQ(vf_count(VF_RULE_POOL_TAG_MISMATCH), 1);
    ExFreePoolWithTag(p, TAG_TEST);                /* so this is a double free */
    CHECK_EQ(vf_count(VF_RULE_POOL_BAD_FREE), 1);
    ExFreePool(on_stack);                          /* not machine RAM */
    void *heap = malloc(64);
    ExFreePool(heap);                              /* host heap */
    free(heap);
    ExFreePool(NULL);
    CHECK_EQ(vf_count(VF_RULE_POOL_BAD_FREE), 4);

    PUCHAR q = ExAllocatePool2(POOL_FLAG_NON_PAGED, 256, TAG_TEST);
    REQUIRE(q != NULL);
    ExFreePool(q + 16);                            /* inside a live block */
    ExFreePool(q + 1);                             /* misaligned */
    CHECK_EQ(vf_count(VF_RULE_POOL_BAD_FREE), 6);
    PUCHAR r = ExAllocatePool2(POOL_FLAG_NON_PAGED, 2 * PAGE_SIZE, TAG_TEST);
    REQUIRE(r != NULL);
    ExFreePool(r + PAGE_SIZE);                     /* inside a large block */
    ExFreePool(r);
    ExFreePool(r);                                 /* large double free: range already unmapped */
    CHECK_EQ(vf_count(VF_RULE_POOL_BAD_FREE), 8);
    ExFreePool(q);
    CHECK_EQ(vf_count(VF_RULE_POOL_TAG_MISMATCH), 1);
    CHECK_EQ(vf_total(), 9);

    struct vf_finding f;
    REQUIRE(vf_finding_get(0, &f) == 0);
    CHECK_EQ(f.rule, VF_RULE_POOL_TAG_MISMATCH);
    CHECK(strcmp(f.ddi, "ExFreePoolWithTag") == 0);
    CHECK(strstr(f.detail, "'rhtO'") != NULL && strstr(f.detail, "'1tsT'") != NULL);
    vf_reset();
}

/* Rules POOL-004 and POOL-005. */
static void test_bad_requests(void)
{
    vf_reset();
    CHECK(ExAllocatePool2(POOL_FLAG_NON_PAGED, 16, 0) == NULL);
    CHECK(ExAllocatePool2(POOL_FLAG_NON_PAGED | POOL_FLAG_PAGED, 16, TAG_TEST) == NULL);
    CHECK(ExAllocatePool2(POOL_FLAG_UNINITIALIZED, 16, TAG_TEST) == NULL);
    CHECK(ExAllocatePool2(POOL_FLAG_NON_PAGED | POOL_FLAG_RESERVED2, 16, TAG_TEST) == NULL);
    CHECK(ExAllocatePool2(POOL_FLAG_NON_PAGED, 0, TAG_TEST) == NULL);
    CHECK(ExAllocatePoolWithTag(DontUseThisType, 16, TAG_TEST) == NULL);
    CHECK(ExAllocatePoolWithTag((POOL_TYPE)(NonPagedPoolNx | PagedPool), 16, TAG_TEST) == NULL);
    CHECK_EQ(vf_count(VF_RULE_POOL_BAD_REQUEST), 7);
    /* Unknown optional (high 32-bit) flags are ignored. */
    PVOID ok = ExAllocatePool2(POOL_FLAG_NON_PAGED | (1ull << 40), 16, TAG_TEST);
    CHECK(ok != NULL);
    ExFreePool(ok);

    /* Out of memory: NULL, a documented failure, not misuse... */
    CHECK(ExAllocatePool2(POOL_FLAG_NON_PAGED, 1ull << 30, TAG_TEST) == NULL);
    CHECK(ExAllocatePoolWithTag(NonPagedPool, (SIZE_T)-1, TAG_TEST) == NULL);
    CHECK_EQ(vf_total(), 7);
    /* ...unless the caller asked for an exception we cannot raise. */
    CHECK(ExAllocatePool2(POOL_FLAG_NON_PAGED | POOL_FLAG_RAISE_ON_FAILURE, 1ull << 30,
                          TAG_TEST) == NULL);
    CHECK(ExAllocatePoolWithTag(NonPagedPoolMustSucceed, 1ull << 30, TAG_TEST) == NULL);
    CHECK_EQ(vf_count(VF_RULE_POOL_CANNOT_RAISE), 2);
    vf_reset();
}

/* Rule IRQL-001: nonpaged pool at <= DISPATCH_LEVEL, paged pool at <= APC_LEVEL. */
static void test_irql(void)
{
    struct exec_ctx *ctx = exec_ctx_self();
    vf_reset();
    ctx->level = EXEC_LEVEL_APC;
    PVOID paged = ExAllocatePool2(POOL_FLAG_PAGED, 32, TAG_TEST);
    CHECK_EQ(vf_count(VF_RULE_IRQL_TOO_HIGH), 0);
    ctx->level = EXEC_LEVEL_DISPATCH;
    PVOID np = ExAllocatePool2(POOL_FLAG_NON_PAGED, 32, TAG_TEST);
    CHECK_EQ(vf_count(VF_RULE_IRQL_TOO_HIGH), 0);
    PVOID paged2 = ExAllocatePoolWithTag(PagedPool, 32, TAG_TEST);
    CHECK_EQ(vf_count(VF_RULE_IRQL_TOO_HIGH), 1);
    ExFreePool(paged);                             /* paged free at DISPATCH_LEVEL */
    CHECK_EQ(vf_count(VF_RULE_IRQL_TOO_HIGH), 2);
    ExFreePool(np);
    CHECK_EQ(vf_count(VF_RULE_IRQL_TOO_HIGH), 2);
    ctx->level = EXEC_LEVEL_DEVICE_MIN;
    PVOID np2 = ExAllocatePool2(POOL_FLAG_NON_PAGED, 32, TAG_TEST);
    CHECK_EQ(vf_count(VF_RULE_IRQL_TOO_HIGH), 3);
    ctx->level = EXEC_LEVEL_PASSIVE;
    ExFreePool(paged2);
    ExFreePool(np2);
    CHECK_EQ(vf_count(VF_RULE_IRQL_TOO_HIGH), 3);
    CHECK_EQ(vf_total(), 3);
    vf_reset();
}

/* Rule CTX-001: a thread on no machine gets NULL and a finding (to the process verifier). */
static void test_no_machine(struct machine *m)
{
    exec_ctx_attach(NULL, "host");
    vf_set_mode(VF_MODE_RECORD);
    vf_set_quiet(1);
    vf_reset();
    CHECK(ExAllocatePool2(POOL_FLAG_NON_PAGED, 16, TAG_TEST) == NULL);
    ExFreePool((PVOID)16);
    CHECK_EQ(vf_count(VF_RULE_NO_MACHINE), 2);
    vf_reset();
    vf_set_mode(VF_MODE_ABORT);
    exec_ctx_attach(m, "app");
}

struct worker_arg {
    struct machine *m;
    unsigned seed;
};

static void *worker(void *p)
{
    struct worker_arg *a = p;
    PUCHAR held[32] = {0};
    exec_ctx_attach(a->m, "worker");
    for (int i = 0; i < 4000; i++) {
        unsigned k = (a->seed = a->seed * 1103515245u + 12345u) >> 16;
        int slot = k % 32;
        if (held[slot] != NULL) {
            if (held[slot][0] != (UCHAR)slot)
                check_fail(__FILE__, __LINE__, "block intact", "slot %d", slot);
            ExFreePoolWithTag(held[slot], TAG_TEST);
            held[slot] = NULL;
        } else {
            SIZE_T size = 1 + (k >> 5) % (k & 1 ? 5000 : 500);
            held[slot] = ExAllocatePool2(POOL_FLAG_NON_PAGED, size, TAG_TEST);
            if (held[slot] != NULL)
                held[slot][0] = (UCHAR)slot;
        }
    }
    for (int i = 0; i < 32; i++)
        if (held[i] != NULL)
            ExFreePool(held[i]);
    return NULL;
}

static void test_threads(struct machine *m)
{
    pthread_t t[3];
    struct worker_arg args[3];
    struct wdm_pool_stats s0, s1;
    wdm_pool_get_stats(m, &s0);
    for (int i = 0; i < 3; i++) {
        args[i] = (struct worker_arg){m, 17u * (unsigned)i + 1};
        REQUIRE(pthread_create(&t[i], NULL, worker, &args[i]) == 0);
    }
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    wdm_pool_get_stats(m, &s1);
    CHECK_EQ(s1.live_blocks, s0.live_blocks);
    CHECK_EQ(s1.bytes_outstanding, s0.bytes_outstanding);
    CHECK(s1.allocations - s0.allocations > 3000);
    CHECK_EQ(vf_total(), 0);
}

/* Rule POOL-002: blocks still allocated at teardown are reported with tag and size. */
static void test_leaks_at_detach(void)
{
    struct machine *m = machine_up();
    PVOID a = ExAllocatePool2(POOL_FLAG_NON_PAGED, 40, TAG('L', 'e', 'a', 'k'));
    PVOID b = ExAllocatePool2(POOL_FLAG_PAGED, 5 * PAGE_SIZE, TAG('B', 'i', 'g', 'L'));
    PVOID c = ExAllocatePool2(POOL_FLAG_PAGED, 8, TAG_TEST);
    REQUIRE(a && b && c);
    ExFreePool(c);
    wdm_machine_detach(m);
    CHECK_EQ(vf_count(VF_RULE_POOL_LEAK), 2);
    CHECK_EQ(vf_total(), 2);
    int saw_small = 0, saw_big = 0;
    struct vf_finding f;
    for (size_t i = 0; vf_finding_get(i, &f) == 0; i++) {
        saw_small |= f.object == a && strstr(f.detail, "'kaeL'") && strstr(f.detail, "40 bytes");
        saw_big |= f.object == b && strstr(f.detail, "'LgiB'") && strstr(f.detail, "20480 bytes");
    }
    CHECK(saw_small);
    CHECK(saw_big);
    struct physmem_stats st;
    physmem_get_stats(m->mem, &st);
    CHECK_EQ(st.frames_free, st.frames_total);
    wdm_machine_detach(m); /* idempotent */
    vf_machine_detach(m);
    machine_destroy(m);
}

int main(void)
{
    struct machine *m = machine_up();
    test_zeroing_and_reuse(m);
    test_alignment_and_backing(m);
    test_stats(m);
    test_bad_frees();
    test_bad_requests();
    test_irql();
    test_no_machine(m);
    vf_set_mode(VF_MODE_RECORD);
    test_threads(m);
    CHECK_EQ(vf_count(VF_RULE_POOL_LEAK), 0);
    machine_down(m);
    test_leaks_at_detach();
    return check_done();
}
