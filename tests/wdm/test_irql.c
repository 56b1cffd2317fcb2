/* test_irql.c - IRQL changes and every IRQL / spin-lock / wait verifier rule of the wdm layer,
 * each provoked on purpose in RECORD mode and counted exactly, plus correct use with no finding.
 * Rules: IRQL-001 (above a DDI's maximum), IRQL-002 (not passive), IRQL-003 (raise to lower /
 * lower to higher), SPIN-001 (AtDpcLevel below DISPATCH_LEVEL), SPIN-002 (release not owned),
 * SPIN-003 (recursive acquire), IRQL-004 (blocking wait at DISPATCH_LEVEL), WAIT-001.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-keraiseirql
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-keacquirespinlockatdpclevel
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-kewaitforsingleobject */
#include <pthread.h>

#include <ntddk.h>

#include "check.h"
#include "verifier/vf.h"
#include "wdm/wdm_irql.h"

/* Every rule this file provokes, for the "nothing else fired" checks. */
static const enum vf_rule rules[] = {
    VF_RULE_IRQL_TOO_HIGH,      VF_RULE_IRQL_NOT_PASSIVE,   VF_RULE_IRQL_RAISE_LOWER,
    VF_RULE_SPINLOCK_IRQL,      VF_RULE_SPINLOCK_NOT_OWNED, VF_RULE_SPINLOCK_RECURSIVE,
    VF_RULE_WAIT_AT_DISPATCH,   VF_RULE_WAIT_BAD_ARGUMENT,
};

/* Asserts that `rule` fired exactly `n` times and no other rule fired, then resets. */
#define EXPECT_ONLY(rule, n)                                                                   \
    do {                                                                                       \
        CHECK_EQ(vf_count(rule), (n));                                                         \
        CHECK_EQ(vf_total(), (n));                                                             \
        vf_reset();                                                                            \
    } while (0)

static void test_raise_lower_correct(void)
{
    KIRQL old, old2;

    CHECK_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
    KeRaiseIrql(APC_LEVEL, &old);
    CHECK_EQ(old, PASSIVE_LEVEL);
    CHECK_EQ(KeGetCurrentIrql(), APC_LEVEL);
    KeRaiseIrql(DISPATCH_LEVEL, &old2);
    CHECK_EQ(old2, APC_LEVEL);
    KeRaiseIrql(DISPATCH_LEVEL, &old2); /* raising to the same level is allowed */
    CHECK_EQ(old2, DISPATCH_LEVEL);
    KeLowerIrql(APC_LEVEL);
    CHECK_EQ(KeGetCurrentIrql(), APC_LEVEL);
    KeLowerIrql(old);
    CHECK_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);

    CHECK_EQ(KeRaiseIrqlToDpcLevel(), PASSIVE_LEVEL);
    CHECK_EQ(KeGetCurrentIrql(), DISPATCH_LEVEL);
    CHECK_EQ(KeRaiseIrqlToSynchLevel(), DISPATCH_LEVEL);
    CHECK_EQ(KeGetCurrentIrql(), SYNCH_LEVEL);
    KeRaiseIrql(HIGH_LEVEL, &old);
    CHECK_EQ(old, SYNCH_LEVEL);
    KeLowerIrql(PASSIVE_LEVEL);
    CHECK_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);

    PAGED_CODE(); /* passive: fine */
    KeRaiseIrql(APC_LEVEL, &old);
    PAGED_CODE(); /* APC_LEVEL: still fine */
    KeLowerIrql(old);
    CHECK_EQ(vf_total(), 0);
}

/* Rule IRQL-003. */
static void test_raise_lower_misuse(void)
{
    KIRQL old;

    KeRaiseIrql(DISPATCH_LEVEL, &old);
    KeRaiseIrql(PASSIVE_LEVEL, &old); /* raise to a lower level */
    CHECK_EQ(old, DISPATCH_LEVEL);
    CHECK_EQ(KeGetCurrentIrql(), DISPATCH_LEVEL); /* unchanged */
    KeLowerIrql(PASSIVE_LEVEL);
    KeLowerIrql(APC_LEVEL); /* lower to a higher level */
    CHECK_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
    KeRaiseIrql(HIGH_LEVEL + 1, &old); /* not a level */
    CHECK_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
    EXPECT_ONLY(VF_RULE_IRQL_RAISE_LOWER, 3);
}

/* Rules IRQL-001 and IRQL-002 through PAGED_CODE and the helpers other DDIs use. */
static void test_max_and_passive_checks(void)
{
    KIRQL old;
    UNICODE_STRING a, b;

    KeRaiseIrql(DISPATCH_LEVEL, &old);
    PAGED_CODE();
    CHECK_EQ(wdm_irql_check_max(DISPATCH_LEVEL, "test", NULL), 1);
    CHECK_EQ(wdm_irql_check_max(APC_LEVEL, "test", NULL), 0);
    EXPECT_ONLY(VF_RULE_IRQL_TOO_HIGH, 2);

    RtlInitUnicodeString(&a, u"x");
    RtlInitUnicodeString(&b, u"x");
    CHECK(RtlEqualUnicodeString(&a, &b, FALSE)); /* still works after the finding */
    CHECK_EQ(wdm_irql_check_passive("test", NULL), 0);
    EXPECT_ONLY(VF_RULE_IRQL_NOT_PASSIVE, 2);
    KeLowerIrql(old);
    CHECK_EQ(wdm_irql_check_passive("test", NULL), 1);
    CHECK_EQ(vf_total(), 0);
}

static void test_spinlock_correct(void)
{
    KSPIN_LOCK lock;
    KLOCK_QUEUE_HANDLE handle;
    KIRQL old;

    KeInitializeSpinLock(&lock);
    KeAcquireSpinLock(&lock, &old);
    CHECK_EQ(old, PASSIVE_LEVEL);
    CHECK_EQ(KeGetCurrentIrql(), DISPATCH_LEVEL);
    CHECK(!KeTestSpinLock(&lock));
    KeReleaseSpinLock(&lock, old);
    CHECK_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
    CHECK(KeTestSpinLock(&lock));

    KeRaiseIrql(DISPATCH_LEVEL, &old);
    KeAcquireSpinLockAtDpcLevel(&lock);
    KeReleaseSpinLockFromDpcLevel(&lock);
    CHECK(KeTryToAcquireSpinLockAtDpcLevel(&lock));
    KeReleaseSpinLockFromDpcLevel(&lock);
    KeAcquireInStackQueuedSpinLockAtDpcLevel(&lock, &handle);
    KeReleaseInStackQueuedSpinLockFromDpcLevel(&handle);
    CHECK_EQ(KeGetCurrentIrql(), DISPATCH_LEVEL);
    KeLowerIrql(old);

    KeAcquireInStackQueuedSpinLock(&lock, &handle);
    CHECK_EQ(handle.OldIrql, PASSIVE_LEVEL);
    CHECK_EQ(KeGetCurrentIrql(), DISPATCH_LEVEL);
    KeReleaseInStackQueuedSpinLock(&handle);
    CHECK_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);

    old = KeAcquireSpinLockForDpc(&lock);
    KeReleaseSpinLockForDpc(&lock, old);
    CHECK(KeTestSpinLock(&lock));
    CHECK_EQ(vf_total(), 0);
}

/* Rule SPIN-001: the AtDpcLevel forms below DISPATCH_LEVEL. */
static void test_spinlock_at_dpc_below_dispatch(void)
{
    KSPIN_LOCK lock;
    KLOCK_QUEUE_HANDLE handle;

    KeInitializeSpinLock(&lock);
    KeAcquireSpinLockAtDpcLevel(&lock);
    KeReleaseSpinLockFromDpcLevel(&lock);
    KeAcquireInStackQueuedSpinLockAtDpcLevel(&lock, &handle);
    KeReleaseInStackQueuedSpinLockFromDpcLevel(&handle);
    CHECK(KeTestSpinLock(&lock));
    EXPECT_ONLY(VF_RULE_SPINLOCK_IRQL, 4);
}

/* Rule SPIN-003: a second acquire by the owner is reported and does not deadlock; rule SPIN-002:
 * the second release then finds the lock free. */
static void test_spinlock_recursive(void)
{
    KSPIN_LOCK lock;
    KIRQL old1, old2;

    KeInitializeSpinLock(&lock);
    KeAcquireSpinLock(&lock, &old1);
    KeAcquireSpinLock(&lock, &old2);
    CHECK_EQ(old2, DISPATCH_LEVEL);
    EXPECT_ONLY(VF_RULE_SPINLOCK_RECURSIVE, 1);
    KeReleaseSpinLock(&lock, old2);
    CHECK(KeTestSpinLock(&lock));
    KeReleaseSpinLock(&lock, old1);
    CHECK_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
    EXPECT_ONLY(VF_RULE_SPINLOCK_NOT_OWNED, 1);
}

struct owner_thread {
    KSPIN_LOCK *lock;
    KEVENT acquired, may_release;
};

static void *owner_main(void *arg)
{
    struct owner_thread *t = arg;
    KIRQL old;
    KeAcquireSpinLock(t->lock, &old);
    KeSetEvent(&t->acquired, 0, FALSE);
    KeLowerIrql(PASSIVE_LEVEL); /* only to wait; the lock stays held */
    KeWaitForSingleObject(&t->may_release, Executive, KernelMode, FALSE, NULL);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    KeReleaseSpinLock(t->lock, PASSIVE_LEVEL);
    return NULL;
}

/* Rule SPIN-002: a release by a thread that is not the owner leaves the owner's lock alone. */
static void test_spinlock_release_by_other_thread(void)
{
    KSPIN_LOCK lock;
    struct owner_thread t = {.lock = &lock};
    pthread_t thread;
    KIRQL old;

    KeInitializeSpinLock(&lock);
    KeInitializeEvent(&t.acquired, NotificationEvent, FALSE);
    KeInitializeEvent(&t.may_release, NotificationEvent, FALSE);
    REQUIRE(pthread_create(&thread, NULL, owner_main, &t) == 0);
    KeWaitForSingleObject(&t.acquired, Executive, KernelMode, FALSE, NULL);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    KeReleaseSpinLock(&lock, old);
    CHECK(!KeTestSpinLock(&lock)); /* still the owner's */
    CHECK_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
    KeSetEvent(&t.may_release, 0, FALSE);
    pthread_join(thread, NULL);
    CHECK(KeTestSpinLock(&lock));
    EXPECT_ONLY(VF_RULE_SPINLOCK_NOT_OWNED, 1);
}

/* Rule IRQL-003 on release: NewIrql above the current level; rule SPIN-001: releasing after the
 * driver lowered below DISPATCH_LEVEL; rule IRQL-001: acquiring above DISPATCH_LEVEL. */
static void test_spinlock_release_irql(void)
{
    KSPIN_LOCK lock;
    KIRQL old;

    KeInitializeSpinLock(&lock);
    KeAcquireSpinLock(&lock, &old);
    KeReleaseSpinLock(&lock, CLOCK_LEVEL);
    CHECK_EQ(KeGetCurrentIrql(), DISPATCH_LEVEL);
    KeLowerIrql(PASSIVE_LEVEL);
    EXPECT_ONLY(VF_RULE_IRQL_RAISE_LOWER, 1);

    KeAcquireSpinLock(&lock, &old);
    KeLowerIrql(PASSIVE_LEVEL);
    KeReleaseSpinLock(&lock, old);
    EXPECT_ONLY(VF_RULE_SPINLOCK_IRQL, 1);

    KeRaiseIrql(CLOCK_LEVEL, &old);
    CHECK_EQ(KeAcquireSpinLockRaiseToDpc(&lock), CLOCK_LEVEL);
    CHECK_EQ(KeGetCurrentIrql(), CLOCK_LEVEL); /* never lowered behind the driver's back */
    KeReleaseSpinLock(&lock, CLOCK_LEVEL);
    KeLowerIrql(old);
    EXPECT_ONLY(VF_RULE_IRQL_TOO_HIGH, 1);
}

/* Rule IRQL-004: a wait that can block at DISPATCH_LEVEL; polling there is allowed, polling
 * above DISPATCH_LEVEL is IRQL-001. */
static void test_wait_at_dispatch(void)
{
    KEVENT event;
    LARGE_INTEGER zero = {.QuadPart = 0}, shortwait = {.QuadPart = -1};
    KIRQL old;

    KeInitializeEvent(&event, NotificationEvent, TRUE);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    CHECK_EQ(KeWaitForSingleObject(&event, Executive, KernelMode, FALSE, &zero), STATUS_SUCCESS);
    CHECK_EQ(vf_total(), 0);
    CHECK_EQ(KeWaitForSingleObject(&event, Executive, KernelMode, FALSE, NULL), STATUS_SUCCESS);
    CHECK_EQ(KeWaitForSingleObject(&event, Executive, KernelMode, FALSE, &shortwait),
             STATUS_SUCCESS);
    CHECK_EQ(KeDelayExecutionThread(KernelMode, FALSE, &shortwait), STATUS_SUCCESS);
    EXPECT_ONLY(VF_RULE_WAIT_AT_DISPATCH, 3);

    KeRaiseIrql(PROFILE_LEVEL, &old);
    CHECK_EQ(KeWaitForSingleObject(&event, Executive, KernelMode, FALSE, &zero), STATUS_SUCCESS);
    KeSetEvent(&event, 0, FALSE);
    EXPECT_ONLY(VF_RULE_IRQL_TOO_HIGH, 2);
    KeLowerIrql(PASSIVE_LEVEL);
}

/* Rule WAIT-001: objects that are not events, and more objects than the thread's wait blocks. */
static void test_wait_bad_arguments(void)
{
    KEVENT events[4];
    PVOID objects[4];
    LARGE_INTEGER zero = {.QuadPart = 0};
    KEVENT not_an_event;

    for (int i = 0; i < 4; i++) {
        KeInitializeEvent(&events[i], NotificationEvent, TRUE);
        objects[i] = &events[i];
    }
    KeInitializeEvent(&not_an_event, NotificationEvent, TRUE);
    not_an_event.Header.Type = 6; /* ThreadObject */
    CHECK_EQ(KeWaitForSingleObject(&not_an_event, Executive, KernelMode, FALSE, &zero),
             STATUS_INVALID_PARAMETER);
    CHECK_EQ(KeWaitForMultipleObjects(4, objects, WaitAny, Executive, KernelMode, FALSE, &zero,
                                      NULL),
             STATUS_INVALID_PARAMETER);
    EXPECT_ONLY(VF_RULE_WAIT_BAD_ARGUMENT, 2);

    {
        KWAIT_BLOCK blocks[4];
        CHECK_EQ(KeWaitForMultipleObjects(4, objects, WaitAll, Executive, KernelMode, FALSE,
                                          &zero, blocks),
                 STATUS_SUCCESS);
        CHECK_EQ(vf_total(), 0);
    }
}

int main(void)
{
    vf_set_mode(VF_MODE_RECORD);
    vf_set_quiet(1);
    vf_reset();

    test_raise_lower_correct();
    test_raise_lower_misuse();
    test_max_and_passive_checks();
    test_spinlock_correct();
    test_spinlock_at_dpc_below_dispatch();
    test_spinlock_recursive();
    test_spinlock_release_by_other_thread();
    test_spinlock_release_irql();
    test_wait_at_dispatch();
    test_wait_bad_arguments();

    for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
        CHECK_EQ(vf_count(rules[i]), 0);
    CHECK_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
    return check_done();
}
