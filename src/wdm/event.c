/* event.c - KEVENT and the dispatcher waits (wdm layer).
 *
 * The event's state is one 32-bit futex word (Header.SignalState), changed only by atomic
 * compare-and-swap, so any thread can set or wait and TSan sees every hand-over:
 *   bit 0       signalled
 *   bits 1-12   single-object waiters (KeWaitForSingleObject) currently registered
 *   bits 13-15  multi-object waiters ("watchers", KeWaitForMultipleObjects) registered
 *   bits 16-31  ticket: for a notification event a generation, bumped by every KeSetEvent that
 *               signals, so a waiter released by a set stays released even if the event is reset
 *               before it runs; for a synchronization event the number of hand-offs: KeSetEvent
 *               gives the signal straight to a registered waiter (the event stays non-signalled,
 *               as on Windows) instead of leaving it for whichever thread looks first.
 * Sleeping uses FUTEX_WAIT_BITSET with an absolute CLOCK_MONOTONIC deadline; multi-object waits
 * use futex_waitv.  WaitAll takes the synchronization events one by one and gives them back if
 * another one is gone, which is atomic enough for the drivers this runtime targets.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/event-objects
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-kesetevent
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-kewaitforsingleobject
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-kewaitformultipleobjects */
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <sched.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "verifier/vf.h"
#include "wdm_event.h"
#include "wdm_irql.h"
#include "wdm_time.h"

#define EV_SIGNALLED 0x1u
#define EV_WAITER_ONE (1u << 1)
#define EV_WAITER_MASK (0xfffu << 1)
#define EV_WATCHER_ONE (1u << 13)
#define EV_WATCHER_MASK (0x7u << 13)
#define EV_TICKET_ONE (1u << 16)

#define EV_WAITERS(v) (((v) & EV_WAITER_MASK) >> 1)
#define EV_WATCHERS(v) (((v) & EV_WATCHER_MASK) >> 13)
#define EV_TICKET(v) ((v) >> 16)

static uint32_t *ev_word(PRKEVENT event)
{
    return (uint32_t *)&event->Header.SignalState;
}

static uint32_t ev_load(PRKEVENT event)
{
    return __atomic_load_n(ev_word(event), __ATOMIC_ACQUIRE);
}

static int ev_cas(PRKEVENT event, uint32_t *expected, uint32_t desired)
{
    return __atomic_compare_exchange_n(ev_word(event), expected, desired, 0, __ATOMIC_ACQ_REL,
                                       __ATOMIC_ACQUIRE);
}

static int ev_is_sync(PRKEVENT event)
{
    return event->Header.Type == EventSynchronizationObject;
}

static void ev_deadline_timespec(uint64_t deadline, struct timespec *ts)
{
    ts->tv_sec = (time_t)(deadline / 1000000000u);
    ts->tv_nsec = (long)(deadline % 1000000000u);
}

static void futex_wake(uint32_t *word, int count)
{
    syscall(SYS_futex, word, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, count, NULL, NULL, 0);
}

/* Sleeps while *word == seen, until woken or the deadline passes (spurious returns are fine:
 * every caller re-reads the word). */
static void futex_wait_until(uint32_t *word, uint32_t seen, uint64_t deadline)
{
    struct timespec ts;
    if (deadline != WDM_TIME_FOREVER)
        ev_deadline_timespec(deadline, &ts);
    syscall(SYS_futex, word, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, seen,
            deadline == WDM_TIME_FOREVER ? NULL : &ts, NULL, FUTEX_BITSET_MATCH_ANY);
}

/* Sleeps until any words[i] != seen[i], a wake, or the deadline.  Without futex_waitv (Linux
 * before 5.16, or older kernel headers) it sleeps on the first word for at most a millisecond at
 * a time, so a set of another object is noticed within that slice. */
static void futex_wait_any_until(uint32_t **words, const uint32_t *seen, ULONG count,
                                 uint64_t deadline)
{
    uint64_t slice;
#if defined(SYS_futex_waitv) && defined(FUTEX_32)
    struct futex_waitv waiters[MAXIMUM_WAIT_OBJECTS];
    struct timespec ts;

    for (ULONG i = 0; i < count; i++) {
        waiters[i].val = seen[i];
        waiters[i].uaddr = (uintptr_t)words[i];
        waiters[i].flags = FUTEX_32 | FUTEX_PRIVATE_FLAG;
        waiters[i].__reserved = 0;
    }
    if (deadline != WDM_TIME_FOREVER)
        ev_deadline_timespec(deadline, &ts);
    if (syscall(SYS_futex_waitv, waiters, count, 0, deadline == WDM_TIME_FOREVER ? NULL : &ts,
                CLOCK_MONOTONIC) >= 0 ||
        errno != ENOSYS)
        return;
#else
    (void)count;
#endif
    slice = wdm_time_monotonic_ns() + 1000000u;
    futex_wait_until(words[0], seen[0], slice < deadline ? slice : deadline);
}

/* Adds `one` to a counter field of the word; when the field is full the thread yields until a
 * slot frees (thousands of simultaneous waiters on one event: not expected in practice). */
static uint32_t ev_register(PRKEVENT event, uint32_t one, uint32_t mask)
{
    uint32_t v = ev_load(event);
    for (;;) {
        if ((v & mask) == mask) {
            sched_yield();
            v = ev_load(event);
            continue;
        }
        if (ev_cas(event, &v, v + one))
            return v + one;
    }
}

static void ev_unregister(PRKEVENT event, uint32_t one)
{
    uint32_t v = ev_load(event);
    while (!ev_cas(event, &v, v - one))
        ;
}

/* Signals; returns the previous signalled state.  Wakes the threads that may now proceed. */
static LONG ev_set(PRKEVENT event)
{
    uint32_t v = ev_load(event), nv;
    for (;;) {
        if (v & EV_SIGNALLED)
            return 1;
        if (ev_is_sync(event) && EV_WAITERS(v) > EV_TICKET(v))
            nv = v + EV_TICKET_ONE;            /* hand the signal to a waiting thread */
        else if (ev_is_sync(event))
            nv = v | EV_SIGNALLED;
        else
            nv = (v | EV_SIGNALLED) + EV_TICKET_ONE; /* new generation releases all waiters */
        if (ev_cas(event, &v, nv))
            break;
    }
    if (EV_WATCHERS(nv) > 0 || (!ev_is_sync(event) && EV_WAITERS(nv) > 0))
        futex_wake(ev_word(event), INT_MAX);
    else if (EV_WAITERS(nv) > 0)
        futex_wake(ev_word(event), 1);
    return 0;
}

/* One attempt to satisfy a wait without registering: consumes a synchronization event's signal. */
static int ev_try_take(PRKEVENT event)
{
    uint32_t v = ev_load(event);
    while (v & EV_SIGNALLED) {
        if (!ev_is_sync(event))
            return 1;
        if (ev_cas(event, &v, v & ~EV_SIGNALLED))
            return 1;
    }
    return 0;
}

/* The single-object wait on a registered waiter slot.  Returns 1 when satisfied, 0 on timeout. */
static int ev_wait_registered(PRKEVENT event, uint64_t deadline)
{
    uint32_t v = ev_register(event, EV_WAITER_ONE, EV_WAITER_MASK);
    uint32_t generation = EV_TICKET(v);

    for (;;) {
        v = ev_load(event);
        if (ev_is_sync(event)) {
            /* A hand-off first: the invariant hand-offs <= waiters must survive our leaving. */
            if (EV_TICKET(v) > 0) {
                if (ev_cas(event, &v, v - EV_TICKET_ONE - EV_WAITER_ONE))
                    return 1;
                continue;
            }
            if (v & EV_SIGNALLED) {
                if (ev_cas(event, &v, (v & ~EV_SIGNALLED) - EV_WAITER_ONE))
                    return 1;
                continue;
            }
        } else if ((v & EV_SIGNALLED) || EV_TICKET(v) != generation) {
            ev_unregister(event, EV_WAITER_ONE);
            return 1;
        }
        if (wdm_time_monotonic_ns() >= deadline) {
            if (ev_cas(event, &v, v - EV_WAITER_ONE))
                return 0;
            continue;
        }
        futex_wait_until(ev_word(event), v, deadline);
    }
}

NTSTATUS wdm_event_wait(PRKEVENT event, const LARGE_INTEGER *timeout)
{
    uint64_t deadline;
    if (ev_try_take(event))
        return STATUS_SUCCESS;
    deadline = wdm_time_deadline(timeout);
    if (deadline <= wdm_time_monotonic_ns())
        return STATUS_TIMEOUT;
    return ev_wait_registered(event, deadline) ? STATUS_SUCCESS : STATUS_TIMEOUT;
}

LONG wdm_event_set(PRKEVENT event)
{
    return ev_set(event);
}

static int ev_type_ok(PRKEVENT event)
{
    return event->Header.Type == EventNotificationObject ||
           event->Header.Type == EventSynchronizationObject;
}

/* Callable at IRQL <= DISPATCH_LEVEL (on nonpaged memory). */
VOID KeInitializeEvent(PRKEVENT Event, EVENT_TYPE Type, BOOLEAN State)
{
    Event->Header.Type = Type == SynchronizationEvent ? EventSynchronizationObject
                                                      : EventNotificationObject;
    Event->Header.Signalling = 0;
    Event->Header.Size = (UCHAR)(sizeof(KEVENT) / sizeof(LONG));
    Event->Header.Reserved1 = 0;
    Event->Header.WaitListHead.Flink = &Event->Header.WaitListHead;
    Event->Header.WaitListHead.Blink = &Event->Header.WaitListHead;
    __atomic_store_n(ev_word(Event), State ? EV_SIGNALLED : 0u, __ATOMIC_RELEASE);
}

/* IRQL <= DISPATCH_LEVEL (rule IRQL-001).  Wait == TRUE only promises an immediate wait call;
 * nothing is held between the two here. */
LONG KeSetEvent(PRKEVENT Event, KPRIORITY Increment, BOOLEAN Wait)
{
    (void)Increment;
    (void)Wait;
    wdm_irql_check_max(DISPATCH_LEVEL, "KeSetEvent", VF_CALLER());
    return ev_set(Event);
}

/* Both return (KeResetEvent) or drop the previous state; hand-offs already made stay made. */
LONG KeResetEvent(PRKEVENT Event)
{
    uint32_t v;
    wdm_irql_check_max(DISPATCH_LEVEL, "KeResetEvent", VF_CALLER());
    v = __atomic_fetch_and(ev_word(Event), ~EV_SIGNALLED, __ATOMIC_ACQ_REL);
    return (v & EV_SIGNALLED) ? 1 : 0;
}

VOID KeClearEvent(PRKEVENT Event)
{
    wdm_irql_check_max(DISPATCH_LEVEL, "KeClearEvent", VF_CALLER());
    __atomic_fetch_and(ev_word(Event), ~EV_SIGNALLED, __ATOMIC_ACQ_REL);
}

LONG KeReadStateEvent(PRKEVENT Event)
{
    return (ev_load(Event) & EV_SIGNALLED) ? 1 : 0;
}

/* Rules for every wait (KeWaitForSingleObject/KeWaitForMultipleObjects): IRQL <= DISPATCH_LEVEL,
 * and a wait that can block (NULL or non-zero timeout) needs IRQL <= APC_LEVEL (rule IRQL-004).
 * After a recorded finding the wait still runs, so the driver sees consistent results. */
static void wait_check_irql(const LARGE_INTEGER *timeout, const char *ddi, const void *caller)
{
    KIRQL now = wdm_irql_current();
    if (timeout == NULL || timeout->QuadPart != 0) {
        if (now >= DISPATCH_LEVEL)
            vf_report(VF_RULE_WAIT_AT_DISPATCH, NULL, ddi, caller,
                      "wait that can block (timeout %s) at IRQL %u",
                      timeout == NULL ? "infinite" : "non-zero", now);
        return;
    }
    wdm_irql_check_max(DISPATCH_LEVEL, ddi, caller);
}

NTSTATUS KeWaitForSingleObject(PVOID Object, KWAIT_REASON WaitReason, KPROCESSOR_MODE WaitMode,
                               BOOLEAN Alertable, PLARGE_INTEGER Timeout)
{
    const void *caller = VF_CALLER();
    PRKEVENT event = Object;

    (void)WaitReason;
    (void)WaitMode;
    (void)Alertable;
    wait_check_irql(Timeout, "KeWaitForSingleObject", caller);
    if (event == NULL || !ev_type_ok(event)) {
        vf_report(VF_RULE_WAIT_BAD_ARGUMENT, Object, "KeWaitForSingleObject", caller,
                  "object is not a KEVENT (type %d); only events are implemented",
                  event == NULL ? -1 : event->Header.Type);
        return STATUS_INVALID_PARAMETER;
    }
    return wdm_event_wait(event, Timeout);
}

/* WaitAll: every object signalled at once; synchronization events are consumed together.
 * Returns 1 when taken.  Events taken before a missing one are signalled again. */
static int wait_all_try(PRKEVENT *events, ULONG count)
{
    for (ULONG i = 0; i < count; i++) {
        if (!(ev_load(events[i]) & EV_SIGNALLED))
            return 0;
    }
    for (ULONG i = 0; i < count; i++) {
        if (!ev_try_take(events[i])) {
            for (ULONG j = 0; j < i; j++) {
                if (ev_is_sync(events[j]))
                    ev_set(events[j]);
            }
            return 0;
        }
    }
    return 1;
}

/* WaitAny: the first object (lowest index) that is signalled, or whose generation moved on
 * (a notification event set since `seen` was read).  Returns its index or -1. */
static LONG wait_any_try(PRKEVENT *events, const uint32_t *seen, ULONG count)
{
    for (ULONG i = 0; i < count; i++) {
        if (ev_try_take(events[i]))
            return (LONG)i;
        if (seen != NULL && !ev_is_sync(events[i]) &&
            EV_TICKET(ev_load(events[i])) != EV_TICKET(seen[i]))
            return (LONG)i;
    }
    return -1;
}

static NTSTATUS wait_multiple(PRKEVENT *events, ULONG count, WAIT_TYPE type, uint64_t deadline)
{
    uint32_t *words[MAXIMUM_WAIT_OBJECTS];
    uint32_t seen[MAXIMUM_WAIT_OBJECTS], first[MAXIMUM_WAIT_OBJECTS];
    NTSTATUS status = STATUS_TIMEOUT;

    for (ULONG i = 0; i < count; i++) {
        words[i] = ev_word(events[i]);
        first[i] = ev_register(events[i], EV_WATCHER_ONE, EV_WATCHER_MASK);
    }
    for (;;) {
        for (ULONG i = 0; i < count; i++)
            seen[i] = ev_load(events[i]);
        if (type == WaitAll) {
            if (wait_all_try(events, count)) {
                status = STATUS_SUCCESS;
                break;
            }
        } else {
            LONG index = wait_any_try(events, first, count);
            if (index >= 0) {
                status = STATUS_WAIT_0 + index;
                break;
            }
        }
        if (wdm_time_monotonic_ns() >= deadline)
            break;
        futex_wait_any_until(words, seen, count, deadline);
    }
    for (ULONG i = 0; i < count; i++)
        ev_unregister(events[i], EV_WATCHER_ONE);
    return status;
}

NTSTATUS KeWaitForMultipleObjects(ULONG Count, PVOID Object[], WAIT_TYPE WaitType,
                                  KWAIT_REASON WaitReason, KPROCESSOR_MODE WaitMode,
                                  BOOLEAN Alertable, PLARGE_INTEGER Timeout,
                                  PKWAIT_BLOCK WaitBlockArray)
{
    const void *caller = VF_CALLER();
    PRKEVENT events[MAXIMUM_WAIT_OBJECTS];
    uint64_t deadline;

    (void)WaitReason;
    (void)WaitMode;
    (void)Alertable;
    wait_check_irql(Timeout, "KeWaitForMultipleObjects", caller);
    /* More than THREAD_WAIT_OBJECTS needs the caller's wait blocks; never more than
     * MAXIMUM_WAIT_OBJECTS (both bug checks on Windows). */
    if (Count == 0 || Count > MAXIMUM_WAIT_OBJECTS ||
        (Count > THREAD_WAIT_OBJECTS && WaitBlockArray == NULL) ||
        (WaitType != WaitAll && WaitType != WaitAny)) {
        vf_report(VF_RULE_WAIT_BAD_ARGUMENT, Object, "KeWaitForMultipleObjects", caller,
                  "Count %u, WaitType %d, WaitBlockArray %p", Count, (int)WaitType,
                  (void *)WaitBlockArray);
        return STATUS_INVALID_PARAMETER;
    }
    for (ULONG i = 0; i < Count; i++) {
        events[i] = Object[i];
        if (events[i] == NULL || !ev_type_ok(events[i])) {
            vf_report(VF_RULE_WAIT_BAD_ARGUMENT, Object[i], "KeWaitForMultipleObjects", caller,
                      "object %u is not a KEVENT; only events are implemented", i);
            return STATUS_INVALID_PARAMETER;
        }
    }
    if (WaitType == WaitAll) {
        if (wait_all_try(events, Count))
            return STATUS_SUCCESS;
    } else {
        LONG index = wait_any_try(events, NULL, Count);
        if (index >= 0)
            return STATUS_WAIT_0 + index;
    }
    deadline = wdm_time_deadline(Timeout);
    if (deadline <= wdm_time_monotonic_ns())
        return STATUS_TIMEOUT;
    return wait_multiple(events, Count, WaitType, deadline);
}

/* IRQL <= APC_LEVEL; it always blocks, so at DISPATCH_LEVEL or above it is rule IRQL-004. */
NTSTATUS KeDelayExecutionThread(KPROCESSOR_MODE WaitMode, BOOLEAN Alertable,
                                PLARGE_INTEGER Interval)
{
    uint64_t deadline = wdm_time_deadline(Interval);
    struct timespec ts;
    KIRQL now = wdm_irql_current();

    (void)WaitMode;
    (void)Alertable;
    if (now >= DISPATCH_LEVEL)
        vf_report(VF_RULE_WAIT_AT_DISPATCH, NULL, "KeDelayExecutionThread", VF_CALLER(),
                  "delay at IRQL %u (maximum APC_LEVEL)", now);
    if (deadline == WDM_TIME_FOREVER)
        deadline = wdm_time_monotonic_ns() + 1000000000ull * 3600 * 24 * 365;
    ev_deadline_timespec(deadline, &ts);
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
        ;
    return STATUS_SUCCESS;
}
