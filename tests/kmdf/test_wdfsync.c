/* test_wdfsync.c - WDFSPINLOCK and WDFWAITLOCK through a linked-in test driver: mutual exclusion
 * between threads, the IRQL a spin lock raises to and restores, wait-lock timeout semantics,
 * and the findings for misuse (SPIN-001/002/003, IRQL-001/002/004, WDF-LOCK-001/002) and for bad
 * handles (WDF-HANDLE-001/002/003), each counted exactly.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfsync/nf-wdfsync-wdfspinlockacquire
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfsync/nf-wdfsync-wdfwaitlockacquire */
#include <pthread.h>

#include <ntddk.h>
#include <wdf.h>

#include "check.h"
#include "kmdf/fx_globals.h"
#include "kmdf/kmdf_machine.h"
#include "platform/exec_ctx.h"
#include "platform/machine.h"
#include "verifier/vf.h"
#include "wdm/wdm_machine.h"

NTSTATUS DrvSyncSpinCreate(WDFSPINLOCK *Lock);
NTSTATUS DrvSyncWaitCreate(WDFWAITLOCK *Lock);
VOID DrvSyncSpinAcquire(WDFSPINLOCK Lock);
VOID DrvSyncSpinRelease(WDFSPINLOCK Lock);
NTSTATUS DrvSyncWaitAcquire(WDFWAITLOCK Lock, PLONGLONG Timeout);
VOID DrvSyncWaitRelease(WDFWAITLOCK Lock);
VOID DrvSyncDelete(WDFOBJECT Object);
ULONG DrvSyncSpinCount(WDFSPINLOCK Lock, ULONG *Counter, ULONG Rounds);
ULONG DrvSyncWaitCount(WDFWAITLOCK Lock, ULONG *Counter, ULONG Rounds);

#define THREADS 4
#define ROUNDS 5000

static struct machine *machine;

/* Asserts that `rule` fired exactly `n` times and nothing else did, then resets. */
#define EXPECT_ONLY(rule, n)                                                                   \
    do {                                                                                       \
        CHECK_EQ(vf_count(rule), (n));                                                         \
        CHECK_EQ(vf_total(), (n));                                                             \
        vf_reset();                                                                            \
    } while (0)

struct count_ctx {
    WDFSPINLOCK spin;
    WDFWAITLOCK wait;
    ULONG counter;
    _Atomic ULONG bad;
    KIRQL start_irql;
};

static void *count_main(void *arg)
{
    struct count_ctx *c = arg;
    KIRQL old;

    exec_ctx_attach(machine, "worker");
    if (c->spin != NULL) {
        KeRaiseIrql(c->start_irql, &old);
        c->bad += DrvSyncSpinCount(c->spin, &c->counter, ROUNDS);
        KeLowerIrql(old);
    } else {
        c->bad += DrvSyncWaitCount(c->wait, &c->counter, ROUNDS);
    }
    return NULL;
}

static void run_counters(struct count_ctx *c)
{
    pthread_t threads[THREADS];
    for (int i = 0; i < THREADS; i++)
        REQUIRE(pthread_create(&threads[i], NULL, count_main, c) == 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(threads[i], NULL);
}

/* Exclusion with the IRQL raised to DISPATCH_LEVEL inside and restored after, from PASSIVE and
 * from APC_LEVEL callers. */
static void test_spinlock_exclusion(void)
{
    struct count_ctx c = {0};
    long before = kmdf_object_count(machine, FX_TYPE_SPINLOCK);

    CHECK_EQ(DrvSyncSpinCreate(&c.spin), STATUS_SUCCESS);
    REQUIRE(c.spin != NULL);
    CHECK_EQ(kmdf_object_count(machine, FX_TYPE_SPINLOCK), before + 1);
    c.start_irql = PASSIVE_LEVEL;
    run_counters(&c);
    CHECK_EQ(c.counter, THREADS * ROUNDS);
    c.start_irql = APC_LEVEL;
    run_counters(&c);
    CHECK_EQ(c.counter, 2 * THREADS * ROUNDS);
    CHECK_EQ(c.bad, 0);

    DrvSyncSpinAcquire(c.spin);
    CHECK_EQ(KeGetCurrentIrql(), DISPATCH_LEVEL);
    DrvSyncSpinRelease(c.spin);
    CHECK_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
    DrvSyncDelete(c.spin);
    CHECK_EQ(kmdf_object_count(machine, FX_TYPE_SPINLOCK), before);
    CHECK_EQ(vf_total(), 0);
}

static void test_spinlock_misuse(void)
{
    WDFSPINLOCK spin = NULL;
    KIRQL old;

    REQUIRE(DrvSyncSpinCreate(&spin) == STATUS_SUCCESS);

    /* SPIN-002: release without holding it (at DISPATCH_LEVEL, so only that rule). */
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    DrvSyncSpinRelease(spin);
    KeLowerIrql(old);
    EXPECT_ONLY(VF_RULE_SPINLOCK_NOT_OWNED, 1);

    /* SPIN-003: a second acquire by the holder returns without deadlocking. */
    DrvSyncSpinAcquire(spin);
    DrvSyncSpinAcquire(spin);
    DrvSyncSpinRelease(spin);
    CHECK_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
    EXPECT_ONLY(VF_RULE_SPINLOCK_RECURSIVE, 1);

    /* SPIN-001: released after the driver lowered the IRQL itself. */
    DrvSyncSpinAcquire(spin);
    KeLowerIrql(PASSIVE_LEVEL);
    DrvSyncSpinRelease(spin);
    EXPECT_ONLY(VF_RULE_SPINLOCK_IRQL, 1);

    /* IRQL-001: acquired above DISPATCH_LEVEL; the IRQL is left where it was. */
    KeRaiseIrql(CLOCK_LEVEL, &old);
    DrvSyncSpinAcquire(spin);
    CHECK_EQ(KeGetCurrentIrql(), CLOCK_LEVEL);
    DrvSyncSpinRelease(spin);
    CHECK_EQ(KeGetCurrentIrql(), CLOCK_LEVEL);
    KeLowerIrql(old);
    EXPECT_ONLY(VF_RULE_IRQL_TOO_HIGH, 1);

    DrvSyncDelete(spin);
}

struct contender {
    WDFWAITLOCK lock;
    LONGLONG timeout;
    NTSTATUS status;
    LONGLONG waited; /* 100 ns units */
    int release;
};

static void *contender_main(void *arg)
{
    struct contender *c = arg;
    LONGLONG t0;

    exec_ctx_attach(machine, "contender");
    t0 = KeQueryPerformanceCounter(NULL).QuadPart;
    c->status = DrvSyncWaitAcquire(c->lock, &c->timeout);
    c->waited = KeQueryPerformanceCounter(NULL).QuadPart - t0;
    if (c->status == STATUS_SUCCESS && c->release)
        DrvSyncWaitRelease(c->lock);
    return NULL;
}

static void contend(struct contender *c)
{
    pthread_t thread;
    REQUIRE(pthread_create(&thread, NULL, contender_main, c) == 0);
    pthread_join(thread, NULL);
}

/* Timeouts: zero only tries, a relative timeout waits at least that long, NULL waits until
 * the holder releases; the IRQL never changes. */
static void test_waitlock_timeouts(void)
{
    WDFWAITLOCK lock = NULL;
    LONGLONG zero = 0;
    struct count_ctx c = {0};

    CHECK_EQ(DrvSyncWaitCreate(&lock), STATUS_SUCCESS);
    REQUIRE(lock != NULL);
    CHECK_EQ(DrvSyncWaitAcquire(lock, NULL), STATUS_SUCCESS);
    CHECK_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
    {
        struct contender t = {.lock = lock, .timeout = 0};
        contend(&t);
        CHECK_EQ(t.status, STATUS_TIMEOUT);
    }
    {
        struct contender t = {.lock = lock, .timeout = -150000}; /* 15 ms */
        contend(&t);
        CHECK_EQ(t.status, STATUS_TIMEOUT);
        CHECK(t.waited >= 150000);
    }
    DrvSyncWaitRelease(lock);
    {
        struct contender t = {.lock = lock, .timeout = 0, .release = 1};
        contend(&t);
        CHECK_EQ(t.status, STATUS_SUCCESS);
    }
    CHECK_EQ(DrvSyncWaitAcquire(lock, &zero), STATUS_SUCCESS);
    DrvSyncWaitRelease(lock);

    c.wait = lock;
    run_counters(&c);
    CHECK_EQ(c.counter, THREADS * ROUNDS);
    CHECK_EQ(c.bad, 0);
    DrvSyncDelete(lock);
    CHECK_EQ(vf_total(), 0);
}

static void test_waitlock_misuse(void)
{
    WDFWAITLOCK lock = NULL;
    LONGLONG zero = 0, shortwait = -10;
    KIRQL old;

    REQUIRE(DrvSyncWaitCreate(&lock) == STATUS_SUCCESS);

    /* IRQL-004: a wait that can block at DISPATCH_LEVEL (the lock is free, so it proceeds). */
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    CHECK_EQ(DrvSyncWaitAcquire(lock, NULL), STATUS_SUCCESS);
    DrvSyncWaitRelease(lock);
    CHECK_EQ(DrvSyncWaitAcquire(lock, &zero), STATUS_SUCCESS); /* trying is allowed here */
    DrvSyncWaitRelease(lock);
    KeLowerIrql(old);
    EXPECT_ONLY(VF_RULE_WAIT_AT_DISPATCH, 1);

    /* IRQL-002: a timed wait at APC_LEVEL. */
    KeRaiseIrql(APC_LEVEL, &old);
    CHECK_EQ(DrvSyncWaitAcquire(lock, &shortwait), STATUS_SUCCESS);
    DrvSyncWaitRelease(lock);
    KeLowerIrql(old);
    EXPECT_ONLY(VF_RULE_IRQL_NOT_PASSIVE, 1);

    /* WDF-LOCK-001: recursive acquire; WDF-LOCK-002: release when not held. */
    CHECK_EQ(DrvSyncWaitAcquire(lock, NULL), STATUS_SUCCESS);
    CHECK_EQ(DrvSyncWaitAcquire(lock, NULL), STATUS_TIMEOUT);
    EXPECT_ONLY(VF_RULE_LOCK_RECURSIVE, 1);
    DrvSyncWaitRelease(lock);
    DrvSyncWaitRelease(lock);
    EXPECT_ONLY(VF_RULE_LOCK_NOT_OWNED, 1);
    CHECK_EQ(DrvSyncWaitAcquire(lock, &zero), STATUS_SUCCESS); /* still usable */
    DrvSyncWaitRelease(lock);
    CHECK_EQ(vf_total(), 0);
    DrvSyncDelete(lock);
}

/* Bad handles: NULL, another type, a deleted lock. */
static void test_bad_handles(void)
{
    WDFSPINLOCK spin = NULL;
    WDFWAITLOCK wait = NULL;
    LONGLONG zero = 0;

    REQUIRE(DrvSyncSpinCreate(&spin) == STATUS_SUCCESS);
    REQUIRE(DrvSyncWaitCreate(&wait) == STATUS_SUCCESS);

    DrvSyncSpinAcquire(NULL);
    CHECK_EQ(DrvSyncWaitAcquire(NULL, &zero), STATUS_INVALID_HANDLE);
    CHECK_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
    EXPECT_ONLY(VF_RULE_HANDLE_INVALID, 2);

    CHECK_EQ(DrvSyncWaitAcquire((WDFWAITLOCK)spin, &zero), STATUS_INVALID_HANDLE);
    DrvSyncSpinRelease((WDFSPINLOCK)wait);
    EXPECT_ONLY(VF_RULE_HANDLE_WRONG_TYPE, 2);

    DrvSyncDelete(spin);
    DrvSyncDelete(wait);
    vf_reset();
    DrvSyncSpinAcquire(spin);
    DrvSyncWaitRelease(wait);
    CHECK_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
    EXPECT_ONLY(VF_RULE_HANDLE_DELETED, 2);

    CHECK_EQ(DrvSyncSpinCreate(NULL), STATUS_INVALID_PARAMETER);
    EXPECT_ONLY(VF_RULE_NULL_PARAMETER, 1);
}

int main(void)
{
    struct machine_config cfg = {.ram_bytes = 64ull << 20};

    REQUIRE(machine_create(&cfg, &machine) == 0);
    REQUIRE(vf_machine_attach(machine) == 0);
    REQUIRE(wdm_machine_attach(machine) == 0);
    REQUIRE(kmdf_machine_attach(machine) == 0);
    vf_set_mode(VF_MODE_RECORD);
    vf_set_quiet(1);
    REQUIRE(fx_driver_bind(machine, "drv_wdfsync", &WdfDriverGlobals, &WdfFunctions_01033) ==
            STATUS_SUCCESS);

    test_spinlock_exclusion();
    test_spinlock_misuse();
    test_waitlock_timeouts();
    test_waitlock_misuse();
    test_bad_handles();

    vf_reset();
    fx_driver_unbind(WdfDriverGlobals);
    CHECK_EQ(kmdf_object_count(machine, FX_TYPE_SPINLOCK), 0);
    CHECK_EQ(kmdf_object_count(machine, FX_TYPE_WAITLOCK), 0);
    kmdf_machine_detach(machine);
    wdm_machine_detach(machine);
    CHECK_EQ(vf_total(), 0);
    vf_machine_detach(machine);
    machine_destroy(machine);
    return check_done();
}
