/* test_dma_adapter_threads.c - the DMA adapter under concurrency (wdm layer, label dma; meant for
 * TSan too): threads of the machine get and put scatter/gather lists and allocate and free map
 * registers on one adapter with too few registers for all of them, so requests queue and are
 * granted in other threads' puts.  Every list must have the right elements, every request must
 * be granted exactly once, and nothing may be left: registers, windows, queue.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/map-registers */
#include "test_dma_adapter_fixture.h"

#include <stdatomic.h>

#include "platform/exec_ctx.h"

#define THREADS 4
#define ITERATIONS 300
#define MAXLEN (64u * 1024u)

struct worker {
    PDMA_ADAPTER adapter;
    struct machine *m;
    struct dma_buf buf;
    SCATTER_GATHER_ELEMENT want[DMA_MAX_ELEMENTS];
    ULONG nwant;
    struct exec_event granted;            /* auto-reset: the routine ran */
    _Atomic(PSCATTER_GATHER_LIST) list;
    _Atomic(PVOID) base;
    _Atomic unsigned routine_calls, bad_irql, bad_lists;
    bool packet;                          /* this worker uses the packet path */
    _Atomic int *ready;                   /* start barrier */
    _Atomic int *first_granted;           /* worker 0 holds its first grant */
    struct worker *first;                 /* worker 0 */
};

static VOID NTAPI list_granted(PDEVICE_OBJECT DeviceObject, PIRP Irp,
                               PSCATTER_GATHER_LIST ScatterGather, PVOID Context)
{
    struct worker *w = Context;
    bool same = ScatterGather->NumberOfElements == w->nwant;

    (void)DeviceObject;
    (void)Irp;
    for (ULONG i = 0; same && i < w->nwant; i++)
        same = ScatterGather->Elements[i].Address.QuadPart == w->want[i].Address.QuadPart &&
               ScatterGather->Elements[i].Length == w->want[i].Length;
    if (!same)
        atomic_fetch_add(&w->bad_lists, 1);
    if (KeGetCurrentIrql() != DISPATCH_LEVEL)
        atomic_fetch_add(&w->bad_irql, 1);
    atomic_fetch_add(&w->routine_calls, 1);
    atomic_store(&w->list, ScatterGather);
    exec_event_set(&w->granted);
}

static IO_ALLOCATION_ACTION NTAPI channel_granted(PDEVICE_OBJECT DeviceObject, PIRP Irp,
                                                  PVOID MapRegisterBase, PVOID Context)
{
    struct worker *w = Context;

    (void)DeviceObject;
    (void)Irp;
    if (KeGetCurrentIrql() != DISPATCH_LEVEL)
        atomic_fetch_add(&w->bad_irql, 1);
    atomic_fetch_add(&w->routine_calls, 1);
    atomic_store(&w->base, MapRegisterBase);
    exec_event_set(&w->granted);
    return DeallocateObjectKeepRegisters;
}

static void worker_main(void *arg)
{
    struct worker *w = arg;
    PDMA_OPERATIONS ops = w->adapter->DmaOperations;
    ULONG regs = ADDRESS_AND_SIZE_TO_SPAN_PAGES(w->buf.start, w->buf.len);
    NTSTATUS st;

    /* Start together, so that requests overlap. */
    atomic_fetch_add(w->ready, 1);
    for (unsigned k = 0; atomic_load(w->ready) < THREADS; k++)
        exec_cpu_relax(k);
    /* The others start once worker 0 holds two of the three registers, so at least one of
     * their requests (two registers each) has to queue. */
    for (unsigned k = 0; w != w->first && !atomic_load(w->first_granted); k++)
        exec_cpu_relax(k);
    for (int i = 0; i < ITERATIONS; i++) {
        if (w->packet)
            DMA_AT_DISPATCH(st = ops->AllocateAdapterChannel(w->adapter, NULL, regs,
                                                             channel_granted, w));
        else
            DMA_AT_DISPATCH(st = ops->GetScatterGatherList(w->adapter, NULL, w->buf.mdl,
                                                           w->buf.start, w->buf.len,
                                                           list_granted, w, i & 1));
        REQUIRE(st == STATUS_SUCCESS);
        /* Granted now or later, possibly in another worker's put: wait for it. */
        REQUIRE(exec_event_wait(&w->granted, PK_TIMEOUT_NS));
        /* Worker 0 holds its first grant until another request has queued. */
        if (w == w->first && i == 0) {
            atomic_store(w->first_granted, 1);
            for (unsigned k = 0; dma_stats(w->adapter).waiting == 0; k++)
                exec_cpu_relax(k);
        }
        if (w->packet) {
            ULONG len = w->buf.len;
            PVOID base = atomic_load(&w->base);
            PHYSICAL_ADDRESS la = ops->MapTransfer(w->adapter, w->buf.mdl, base, w->buf.start,
                                                   &len, TRUE);
            if (len == 0 || la.QuadPart != w->want[0].Address.QuadPart)
                atomic_fetch_add(&w->bad_lists, 1);
            ops->FlushAdapterBuffers(w->adapter, w->buf.mdl, base, w->buf.start, len, TRUE);
            DMA_AT_DISPATCH(ops->FreeMapRegisters(w->adapter, base, regs));
        } else {
            PSCATTER_GATHER_LIST l = atomic_load(&w->list);
            DMA_AT_DISPATCH(ops->PutScatterGatherList(w->adapter, l, i & 1));
        }
    }
}

int main(void)
{
    struct pk p;
    struct worker w[THREADS];
    struct exec_thread *t[THREADS];
    ULONG nmr;
    _Atomic int ready = 0, first_granted = 0;

    dma_pk_up(&p, NULL);
    /* Three registers: any two 2-register requests in flight together make the third wait. */
    PDMA_ADAPTER a = dma_adapter(p.m, p.dev, dma_desc(DEVICE_DESCRIPTION_VERSION2, TRUE, TRUE, MAXLEN),
                                 3, &nmr);
    for (int i = 0; i < THREADS; i++) {
        memset(&w[i], 0, sizeof(w[i]));
        w[i].adapter = a;
        w[i].m = p.m;
        w[i].packet = i == THREADS - 1;
        w[i].ready = &ready;
        w[i].first_granted = &first_granted;
        w[i].first = &w[0];
        w[i].buf = dma_buf_new(p.m, 2, PHYSMEM_SCATTERED, 0x800, PAGE_SIZE);
        w[i].nwant = dma_expected(p.m, w[i].buf.start, w[i].buf.len, w[i].want);
        exec_event_init(&w[i].granted, true, false);
    }
    for (int i = 0; i < THREADS; i++) {
        char name[16];

        snprintf(name, sizeof(name), "dmaw%d", i);
        REQUIRE(exec_thread_create(p.m, name, -1, EXEC_LEVEL_PASSIVE, worker_main, &w[i], &t[i]) == 0);
    }
    for (int i = 0; i < THREADS; i++)
        exec_thread_join(t[i]);

    for (int i = 0; i < THREADS; i++) {
        CHECK_EQ(atomic_load(&w[i].routine_calls), ITERATIONS);
        CHECK_EQ(atomic_load(&w[i].bad_irql), 0);
        CHECK_EQ(atomic_load(&w[i].bad_lists), 0);
    }
    struct wdm_dma_adapter_stats st = dma_stats(a);
    CHECK_EQ(st.sg_lists_built, (THREADS - 1) * ITERATIONS);
    CHECK_EQ(st.channel_grants, ITERATIONS);
    CHECK_EQ(st.sg_lists_outstanding, 0);
    CHECK_EQ(st.map_registers_in_use, 0);
    CHECK(st.map_registers_peak <= 3);
    CHECK_EQ(st.waiting, 0);
    CHECK_EQ(st.windows_open, 0);
    CHECK_EQ(iommu_window_count(p.m->iommu, p.devid), 0);
    /* Overlap is what the test is about: some requests must have waited. */
    CHECK(st.deferred > 0);
    printf("deferred %llu of %d requests\n", (unsigned long long)st.deferred,
           THREADS * ITERATIONS);
    a->DmaOperations->PutDmaAdapter(a);
    CHECK_EQ(vf_total(), 0);
    for (int i = 0; i < THREADS; i++)
        dma_buf_free(p.m, &w[i].buf);
    dma_pk_down(&p);
    return check_done();
}
