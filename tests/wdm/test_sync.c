/* test_sync.c - kernel synchronisation and base services between real threads: spin-lock mutual
 * exclusion and IRQL, notification vs synchronization events, wait timeouts, multi-object waits,
 * the performance counter and clocks, list helpers, Rtl routines and interlocked operations.
 * Run under TSan too: every hand-over here must be visible to it.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/spin-locks
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/event-objects
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-kewaitforsingleobject
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-kequeryperformancecounter */
#include <pthread.h>

#include <ntddk.h>

#include "check.h"
#include "verifier/vf.h"

#define THREADS 4
#define ROUNDS 20000

static LONGLONG now_100ns(void)
{
    return KeQueryPerformanceCounter(NULL).QuadPart;
}

/* ---- spin locks ---- */

struct counter_ctx {
    KSPIN_LOCK lock;
    unsigned long counter;     /* protected by lock, deliberately not atomic */
    _Atomic unsigned long bad_irql;
    int queued;                /* use in-stack queued acquisition */
};

static void *counter_main(void *arg)
{
    struct counter_ctx *c = arg;
    for (int i = 0; i < ROUNDS; i++) {
        if (c->queued) {
            KLOCK_QUEUE_HANDLE h;
            KeAcquireInStackQueuedSpinLock(&c->lock, &h);
            if (KeGetCurrentIrql() != DISPATCH_LEVEL)
                c->bad_irql++;
            c->counter++;
            KeReleaseInStackQueuedSpinLock(&h);
        } else {
            KIRQL old;
            KeAcquireSpinLock(&c->lock, &old);
            if (KeGetCurrentIrql() != DISPATCH_LEVEL || old != PASSIVE_LEVEL)
                c->bad_irql++;
            c->counter++;
            KeReleaseSpinLock(&c->lock, old);
        }
        if (KeGetCurrentIrql() != PASSIVE_LEVEL)
            c->bad_irql++;
    }
    return NULL;
}

static void test_spinlock_exclusion(int queued)
{
    struct counter_ctx c = {.queued = queued};
    pthread_t threads[THREADS];

    KeInitializeSpinLock(&c.lock);
    for (int i = 0; i < THREADS; i++)
        REQUIRE(pthread_create(&threads[i], NULL, counter_main, &c) == 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(threads[i], NULL);
    CHECK_EQ(c.counter, (unsigned long)THREADS * ROUNDS);
    CHECK_EQ(c.bad_irql, 0);
    CHECK(KeTestSpinLock(&c.lock));
}

struct holder_ctx {
    KSPIN_LOCK lock;
    KEVENT held, release;
};

static void *holder_main(void *arg)
{
    struct holder_ctx *h = arg;
    KLOCK_QUEUE_HANDLE qh;
    KeAcquireInStackQueuedSpinLock(&h->lock, &qh);
    KeSetEvent(&h->held, 0, FALSE);
    /* A real holder would not wait at DISPATCH_LEVEL; poll so the verifier stays quiet. */
    while (KeReadStateEvent(&h->release) == 0)
        YieldProcessor();
    KeReleaseInStackQueuedSpinLock(&qh);
    return NULL;
}

/* KeTryToAcquireSpinLockAtDpcLevel fails while another thread holds the lock. */
static void test_spinlock_try(void)
{
    struct holder_ctx h;
    pthread_t thread;
    KIRQL old;

    KeInitializeSpinLock(&h.lock);
    KeInitializeEvent(&h.held, NotificationEvent, FALSE);
    KeInitializeEvent(&h.release, NotificationEvent, FALSE);
    REQUIRE(pthread_create(&thread, NULL, holder_main, &h) == 0);
    KeWaitForSingleObject(&h.held, Executive, KernelMode, FALSE, NULL);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    CHECK(!KeTryToAcquireSpinLockAtDpcLevel(&h.lock));
    KeLowerIrql(old);
    KeSetEvent(&h.release, 0, FALSE);
    pthread_join(thread, NULL);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    CHECK(KeTryToAcquireSpinLockAtDpcLevel(&h.lock));
    KeReleaseSpinLockFromDpcLevel(&h.lock);
    KeLowerIrql(old);
}

/* ---- events ---- */

struct waiter_ctx {
    KEVENT *event;
    KEVENT done;             /* synchronization: one set per finished wait */
    _Atomic long woken;
    _Atomic long ok;
};

static void *waiter_main(void *arg)
{
    struct waiter_ctx *w = arg;
    NTSTATUS status = KeWaitForSingleObject(w->event, Executive, KernelMode, FALSE, NULL);
    if (status == STATUS_SUCCESS)
        w->ok++;
    w->woken++;
    KeSetEvent(&w->done, 0, FALSE);
    return NULL;
}

static void start_waiters(struct waiter_ctx *w, KEVENT *event, pthread_t *threads)
{
    w->event = event;
    w->woken = w->ok = 0;
    KeInitializeEvent(&w->done, SynchronizationEvent, FALSE);
    for (int i = 0; i < 3; i++)
        REQUIRE(pthread_create(&threads[i], NULL, waiter_main, w) == 0);
}

/* A notification event releases every waiter and stays signalled until reset. */
static void test_notification_event(void)
{
    KEVENT event;
    struct waiter_ctx w;
    pthread_t threads[3];
    LARGE_INTEGER zero = {.QuadPart = 0};

    KeInitializeEvent(&event, NotificationEvent, FALSE);
    CHECK_EQ(KeReadStateEvent(&event), 0);
    start_waiters(&w, &event, threads);
    CHECK_EQ(KeSetEvent(&event, IO_NO_INCREMENT, FALSE), 0);
    for (int i = 0; i < 3; i++)
        pthread_join(threads[i], NULL);
    CHECK_EQ(w.ok, 3);
    CHECK_EQ(KeReadStateEvent(&event), 1);
    CHECK_EQ(KeSetEvent(&event, 0, FALSE), 1);
    CHECK_EQ(KeWaitForSingleObject(&event, Executive, KernelMode, FALSE, &zero), STATUS_SUCCESS);
    CHECK_EQ(KeReadStateEvent(&event), 1); /* waits do not consume a notification event */
    CHECK_EQ(KeResetEvent(&event), 1);
    CHECK_EQ(KeResetEvent(&event), 0);
    CHECK_EQ(KeWaitForSingleObject(&event, Executive, KernelMode, FALSE, &zero), STATUS_TIMEOUT);
    KeSetEvent(&event, 0, FALSE);
    KeClearEvent(&event);
    CHECK_EQ(KeReadStateEvent(&event), 0);
}

/* A synchronization event releases exactly one waiter per set and resets itself. */
static void test_synchronization_event(void)
{
    KEVENT event;
    struct waiter_ctx w;
    pthread_t threads[3];
    LARGE_INTEGER zero = {.QuadPart = 0};

    KeInitializeEvent(&event, SynchronizationEvent, FALSE);
    start_waiters(&w, &event, threads);
    for (long n = 1; n <= 3; n++) {
        KeSetEvent(&event, 0, FALSE);
        KeWaitForSingleObject(&w.done, Executive, KernelMode, FALSE, NULL);
        CHECK_EQ(w.woken, n);
        CHECK_EQ(KeReadStateEvent(&event), 0);
    }
    for (int i = 0; i < 3; i++)
        pthread_join(threads[i], NULL);
    CHECK_EQ(w.ok, 3);

    /* Signalled with nobody waiting: the first wait takes it, the next one finds it reset. */
    CHECK_EQ(KeSetEvent(&event, 0, FALSE), 0);
    CHECK_EQ(KeSetEvent(&event, 0, FALSE), 1);
    CHECK_EQ(KeReadStateEvent(&event), 1);
    CHECK_EQ(KeWaitForSingleObject(&event, Executive, KernelMode, FALSE, &zero), STATUS_SUCCESS);
    CHECK_EQ(KeReadStateEvent(&event), 0);
    CHECK_EQ(KeWaitForSingleObject(&event, Executive, KernelMode, FALSE, &zero), STATUS_TIMEOUT);

    KeInitializeEvent(&event, SynchronizationEvent, TRUE);
    CHECK_EQ(KeWaitForSingleObject(&event, Executive, KernelMode, FALSE, &zero), STATUS_SUCCESS);
}

struct setter_ctx {
    KEVENT *event;
    KEVENT go;
};

static void *setter_main(void *arg)
{
    struct setter_ctx *s = arg;
    KeWaitForSingleObject(&s->go, Executive, KernelMode, FALSE, NULL);
    KeSetEvent(s->event, 0, FALSE);
    return NULL;
}

static void test_timeouts(void)
{
    KEVENT event;
    LARGE_INTEGER zero = {.QuadPart = 0}, rel = {.QuadPart = -200000}, abs, big;
    LONGLONG t0;
    struct setter_ctx s;
    pthread_t thread;

    KeInitializeEvent(&event, SynchronizationEvent, FALSE);
    t0 = now_100ns();
    CHECK_EQ(KeWaitForSingleObject(&event, Executive, KernelMode, FALSE, &zero), STATUS_TIMEOUT);

    t0 = now_100ns();
    CHECK_EQ(KeWaitForSingleObject(&event, Executive, KernelMode, FALSE, &rel), STATUS_TIMEOUT);
    CHECK(now_100ns() - t0 >= 200000); /* at least 20 ms */

    KeQuerySystemTime(&abs);
    abs.QuadPart += 200000;
    t0 = now_100ns();
    CHECK_EQ(KeWaitForSingleObject(&event, Executive, KernelMode, FALSE, &abs), STATUS_TIMEOUT);
    CHECK(now_100ns() - t0 >= 190000); /* absolute: realtime vs monotonic may differ slightly */

    KeQuerySystemTime(&abs);
    abs.QuadPart -= 10000000; /* a second ago */
    CHECK_EQ(KeWaitForSingleObject(&event, Executive, KernelMode, FALSE, &abs), STATUS_TIMEOUT);

    /* Satisfied by another thread well within a long timeout. */
    s.event = &event;
    KeInitializeEvent(&s.go, NotificationEvent, FALSE);
    REQUIRE(pthread_create(&thread, NULL, setter_main, &s) == 0);
    KeSetEvent(&s.go, 0, FALSE);
    big.QuadPart = -600LL * 10000000; /* ten minutes */
    CHECK_EQ(KeWaitForSingleObject(&event, Executive, KernelMode, FALSE, &big), STATUS_SUCCESS);
    pthread_join(thread, NULL);
    CHECK_EQ(KeReadStateEvent(&event), 0);

    rel.QuadPart = -100000;
    t0 = now_100ns();
    CHECK_EQ(KeDelayExecutionThread(KernelMode, FALSE, &rel), STATUS_SUCCESS);
    CHECK(now_100ns() - t0 >= 100000);
}

static void test_wait_multiple(void)
{
    KEVENT sync, notif;
    PVOID objects[2] = {&sync, &notif};
    LARGE_INTEGER zero = {.QuadPart = 0}, rel = {.QuadPart = -100000};
    struct setter_ctx s;
    pthread_t thread;
    LONGLONG t0;

    KeInitializeEvent(&sync, SynchronizationEvent, FALSE);
    KeInitializeEvent(&notif, NotificationEvent, FALSE);
    CHECK_EQ(KeWaitForMultipleObjects(2, objects, WaitAny, Executive, KernelMode, FALSE, &zero,
                                      NULL),
             STATUS_TIMEOUT);
    KeSetEvent(&notif, 0, FALSE);
    CHECK_EQ(KeWaitForMultipleObjects(2, objects, WaitAny, Executive, KernelMode, FALSE, &zero,
                                      NULL),
             STATUS_WAIT_1);

    /* WaitAll with one missing: times out and consumes nothing. */
    KeResetEvent(&notif);
    KeSetEvent(&sync, 0, FALSE);
    t0 = now_100ns();
    CHECK_EQ(KeWaitForMultipleObjects(2, objects, WaitAll, Executive, KernelMode, FALSE, &rel,
                                      NULL),
             STATUS_TIMEOUT);
    CHECK(now_100ns() - t0 >= 100000);
    CHECK_EQ(KeReadStateEvent(&sync), 1);
    KeSetEvent(&notif, 0, FALSE);
    CHECK_EQ(KeWaitForMultipleObjects(2, objects, WaitAll, Executive, KernelMode, FALSE, NULL,
                                      NULL),
             STATUS_SUCCESS);
    CHECK_EQ(KeReadStateEvent(&sync), 0);   /* consumed */
    CHECK_EQ(KeReadStateEvent(&notif), 1);  /* not consumed */

    /* WaitAny blocked until another thread sets the synchronization event. */
    KeResetEvent(&notif);
    s.event = &sync;
    KeInitializeEvent(&s.go, NotificationEvent, FALSE);
    REQUIRE(pthread_create(&thread, NULL, setter_main, &s) == 0);
    KeSetEvent(&s.go, 0, FALSE);
    CHECK_EQ(KeWaitForMultipleObjects(2, objects, WaitAny, Executive, KernelMode, FALSE, NULL,
                                      NULL),
             STATUS_WAIT_0);
    pthread_join(thread, NULL);
    CHECK_EQ(KeReadStateEvent(&sync), 0);
}

/* ---- time ---- */

static void test_clocks(void)
{
    LARGE_INTEGER freq = {.QuadPart = 0}, a, b, sys, ticks1, ticks2;
    ULONG64 qpc = 0;

    a = KeQueryPerformanceCounter(&freq);
    CHECK_EQ(freq.QuadPart, 10000000);
    for (int i = 0; i < 1000; i++) {
        b = KeQueryPerformanceCounter(NULL);
        CHECK(b.QuadPart >= a.QuadPart);
        a = b;
    }
    KeStallExecutionProcessor(2000);
    b = KeQueryPerformanceCounter(NULL);
    CHECK(b.QuadPart - a.QuadPart >= 20000);

    KeQuerySystemTime(&sys);
    CHECK(sys.QuadPart > 132223104000000000LL); /* after 2020-01-01 */
    KeQuerySystemTimePrecise(&b);
    CHECK(b.QuadPart >= sys.QuadPart);
    CHECK(KeQueryInterruptTimePrecise(&qpc) > 0);
    CHECK(qpc > 0);
    CHECK(KeQueryUnbiasedInterruptTime() >= KeQueryInterruptTime() - 10000000);
    CHECK_EQ(KeQueryTimeIncrement(), 156250);
    KeQueryTickCount(&ticks1);
    KeStallExecutionProcessor(16000);
    KeQueryTickCount(&ticks2);
    CHECK(ticks2.QuadPart >= ticks1.QuadPart + 1);
}

/* ---- lists ---- */

struct item {
    int value;
    LIST_ENTRY link;
    SINGLE_LIST_ENTRY slink;
};

static int list_values(PLIST_ENTRY head, int *out, int max)
{
    int n = 0;
    for (PLIST_ENTRY e = head->Flink; e != head && n < max; e = e->Flink)
        out[n++] = CONTAINING_RECORD(e, struct item, link)->value;
    return n;
}

static void test_lists(void)
{
    struct item it[6];
    LIST_ENTRY head, other;
    SINGLE_LIST_ENTRY shead = {NULL};
    int v[8], n;

    for (int i = 0; i < 6; i++)
        it[i].value = i;
    InitializeListHead(&head);
    CHECK(IsListEmpty(&head));
    CHECK(RemoveHeadList(&head) == &head); /* empty: the head itself */
    InsertTailList(&head, &it[1].link);
    InsertTailList(&head, &it[2].link);
    InsertHeadList(&head, &it[0].link);
    n = list_values(&head, v, 8);
    CHECK_EQ(n, 3);
    CHECK(v[0] == 0 && v[1] == 1 && v[2] == 2);
    CHECK(!RemoveEntryList(&it[1].link));
    CHECK(RemoveTailList(&head) == &it[2].link);
    CHECK(RemoveEntryList(&it[0].link)); /* now empty */
    CHECK(IsListEmpty(&head));

    /* AppendTailList splices a headless circular list (it[4] <-> it[5]) after it[3]. */
    InsertTailList(&head, &it[3].link);
    InitializeListHead(&other);
    InsertTailList(&other, &it[4].link);
    InsertTailList(&other, &it[5].link);
    RemoveEntryList(&other);
    AppendTailList(&head, &it[4].link);
    n = list_values(&head, v, 8);
    CHECK_EQ(n, 3);
    CHECK(v[0] == 3 && v[1] == 4 && v[2] == 5);
    CHECK(head.Blink == &it[5].link && it[5].link.Flink == &head);

    PushEntryList(&shead, &it[0].slink);
    PushEntryList(&shead, &it[1].slink);
    CHECK(PopEntryList(&shead) == &it[1].slink);
    CHECK(PopEntryList(&shead) == &it[0].slink);
    CHECK(PopEntryList(&shead) == NULL);
}

/* ---- Rtl ---- */

static void test_rtl_memory(void)
{
    UCHAR a[16], b[16];

    RtlFillMemory(a, sizeof(a), 0x5a);
    RtlCopyMemory(b, a, sizeof(b));
    CHECK(RtlEqualMemory(a, b, sizeof(a)));
    CHECK_EQ(RtlCompareMemory(a, b, sizeof(a)), 16);
    b[9] = 0;
    CHECK_EQ(RtlCompareMemory(a, b, sizeof(a)), 9);
    CHECK(!RtlEqualMemory(a, b, sizeof(a)));
    RtlMoveMemory(a + 1, a, 8);
    CHECK_EQ(a[8], 0x5a);
    RtlZeroMemory(a, 4);
    CHECK(a[0] == 0 && a[3] == 0 && a[4] == 0x5a);
    CHECK(RtlSecureZeroMemory(b, sizeof(b)) == b);
    CHECK_EQ(RtlCompareMemory(b, (UCHAR[16]){0}, 16), 16);
}

static void test_rtl_strings(void)
{
    UNICODE_STRING s, d, e;
    WCHAR buf[8];
    ULONG value = 0;
    ANSI_STRING as;

    RtlInitUnicodeString(&s, u"Hello");
    CHECK_EQ(s.Length, 10);
    CHECK_EQ(s.MaximumLength, 12);
    RtlInitUnicodeString(&e, NULL);
    CHECK(e.Length == 0 && e.MaximumLength == 0 && e.Buffer == NULL);
    RtlInitAnsiString(&as, "abc");
    CHECK(as.Length == 3 && as.MaximumLength == 4);

    /* Copy truncates to MaximumLength and terminates only when there is room. */
    d.Buffer = buf;
    d.MaximumLength = 6;
    buf[3] = 0x7777;
    RtlCopyUnicodeString(&d, &s);
    CHECK_EQ(d.Length, 6);
    CHECK(buf[0] == 'H' && buf[2] == 'l' && buf[3] == 0x7777);
    d.MaximumLength = sizeof(buf);
    RtlCopyUnicodeString(&d, &s);
    CHECK_EQ(d.Length, 10);
    CHECK_EQ(buf[5], 0);
    RtlCopyUnicodeString(&d, NULL);
    CHECK_EQ(d.Length, 0);

    RtlInitUnicodeString(&d, u"HELLO");
    CHECK(!RtlEqualUnicodeString(&s, &d, FALSE));
    CHECK(RtlEqualUnicodeString(&s, &d, TRUE));
    CHECK(RtlCompareUnicodeString(&s, &d, FALSE) > 0); /* 'e' > 'E' */
    CHECK_EQ(RtlCompareUnicodeString(&s, &d, TRUE), 0);
    RtlInitUnicodeString(&e, u"Hell");
    CHECK(RtlCompareUnicodeString(&e, &s, FALSE) < 0);

    /* Append */
    d.Buffer = buf;
    d.Length = 0;
    d.MaximumLength = sizeof(buf);
    CHECK_EQ(RtlAppendUnicodeToString(&d, u"ab"), STATUS_SUCCESS);
    CHECK_EQ(RtlAppendUnicodeStringToString(&d, &s), STATUS_SUCCESS);
    CHECK_EQ(d.Length, 14);
    CHECK_EQ(RtlAppendUnicodeStringToString(&d, &s), STATUS_BUFFER_TOO_SMALL);
    CHECK_EQ(d.Length, 14);

    RtlInitUnicodeString(&s, u"  -0x1F");
    CHECK_EQ(RtlUnicodeStringToInteger(&s, 0, &value), STATUS_SUCCESS);
    CHECK_EQ(value, (ULONG)-31);
    RtlInitUnicodeString(&s, u"123abc");
    CHECK_EQ(RtlUnicodeStringToInteger(&s, 10, &value), STATUS_SUCCESS);
    CHECK_EQ(value, 123);
    CHECK_EQ(RtlUnicodeStringToInteger(&s, 16, &value), STATUS_SUCCESS);
    CHECK_EQ(value, 0x123abc);
    RtlInitUnicodeString(&s, u"0b101");
    CHECK_EQ(RtlUnicodeStringToInteger(&s, 0, &value), STATUS_SUCCESS);
    CHECK_EQ(value, 5);
    CHECK_EQ(RtlUnicodeStringToInteger(&s, 3, &value), STATUS_INVALID_PARAMETER);

    d.Buffer = buf;
    d.MaximumLength = sizeof(buf);
    CHECK_EQ(RtlIntegerToUnicodeString(255, 16, &d), STATUS_SUCCESS);
    CHECK(d.Length == 4 && buf[0] == 'F' && buf[1] == 'F' && buf[2] == 0);
    CHECK_EQ(RtlIntegerToUnicodeString(4096, 0, &d), STATUS_SUCCESS);
    CHECK(d.Length == 8 && buf[0] == '4' && buf[3] == '6');
    d.MaximumLength = 4;
    CHECK_EQ(RtlIntegerToUnicodeString(123, 10, &d), STATUS_BUFFER_OVERFLOW);
    CHECK_EQ(RtlIntegerToUnicodeString(1, 7, &d), STATUS_INVALID_PARAMETER);
}

/* ---- interlocked ---- */

static LONG shared_counter;

static void *interlocked_main(void *arg)
{
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        InterlockedIncrement(&shared_counter);
        InterlockedExchangeAdd(&shared_counter, 2);
        InterlockedDecrement(&shared_counter);
    }
    return NULL;
}

static void test_interlocked(void)
{
    LONG v = 5;
    LONG64 w = 0x100000000LL;
    PVOID p = NULL;
    int x, y;
    pthread_t threads[THREADS];

    CHECK_EQ(InterlockedIncrement(&v), 6);
    CHECK_EQ(InterlockedDecrement(&v), 5);
    CHECK_EQ(InterlockedExchange(&v, 9), 5);
    CHECK_EQ(InterlockedExchangeAdd(&v, 3), 9);
    CHECK_EQ(InterlockedAdd(&v, 3), 15);
    CHECK_EQ(InterlockedCompareExchange(&v, 1, 99), 15); /* no match: unchanged */
    CHECK_EQ(v, 15);
    CHECK_EQ(InterlockedCompareExchange(&v, 1, 15), 15);
    CHECK_EQ(v, 1);
    CHECK_EQ(InterlockedOr(&v, 6), 1);
    CHECK_EQ(InterlockedAnd(&v, 3), 7);
    CHECK_EQ(v, 3);
    CHECK_EQ(InterlockedXor(&v, 1), 3);
    CHECK_EQ(v, 2);
    CHECK(!InterlockedBitTestAndSet(&v, 4));
    CHECK(InterlockedBitTestAndReset(&v, 4));
    CHECK_EQ(v, 2);
    v = 0x7fffffff;
    CHECK_EQ(InterlockedIncrement(&v), (LONG)0x80000000); /* 32-bit wrap, like LONG */

    CHECK_EQ(InterlockedIncrement64(&w), 0x100000001LL);
    CHECK_EQ(InterlockedExchangeAdd64(&w, 0x100000000LL), 0x100000001LL);
    CHECK_EQ(InterlockedCompareExchange64(&w, 7, 0x200000001LL), 0x200000001LL);
    CHECK_EQ(w, 7);
    CHECK_EQ(InterlockedExchange64(&w, -1), 7);
    CHECK_EQ(InterlockedAnd64(&w, 0xff), -1);
    CHECK_EQ(InterlockedOr64(&w, 0x100), 0xff);
    CHECK_EQ(w, 0x1ff);

    CHECK(InterlockedExchangePointer(&p, &x) == NULL);
    CHECK(InterlockedCompareExchangePointer(&p, &y, NULL) == &x); /* no match */
    CHECK(InterlockedCompareExchangePointer(&p, &y, &x) == &x);
    CHECK(p == &y);
    WriteRelease(&v, 42);
    CHECK_EQ(ReadAcquire(&v), 42);
    KeMemoryBarrier();
    _ReadWriteBarrier();

    shared_counter = 0;
    for (int i = 0; i < THREADS; i++)
        REQUIRE(pthread_create(&threads[i], NULL, interlocked_main, NULL) == 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(threads[i], NULL);
    CHECK_EQ(shared_counter, 2L * THREADS * ROUNDS);
}

int main(void)
{
    /* Correct use throughout: any finding aborts (the default verifier mode). */
    test_spinlock_exclusion(0);
    test_spinlock_exclusion(1);
    test_spinlock_try();
    test_notification_event();
    test_synchronization_event();
    test_timeouts();
    test_wait_multiple();
    test_clocks();
    test_lists();
    test_rtl_memory();
    test_rtl_strings();
    test_interlocked();
    CHECK_EQ(vf_total(), 0);
    return check_done();
}
