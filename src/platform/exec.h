/* exec.h - execution contexts of the simulated machine (platform layer).
 *
 * All thread creation and waiting in dmabox goes through this interface, so that a deterministic,
 * seeded scheduler can replace it later.  A machine has:
 *   - one DPC thread per simulated CPU, running queued DPCs at dispatch level in FIFO order;
 *   - work-item threads (passive level) running queued work items;
 *   - a timer facility (one timer thread) firing one-shot and periodic timers into a callback;
 *   - plain threads for device-model workers and interrupt delivery, created with a name, a CPU
 *     and a starting level.
 * Every thread it creates is attached to the machine (exec_ctx.h) with its cpu and level set. */
#ifndef DMABOX_PLATFORM_EXEC_H
#define DMABOX_PLATFORM_EXEC_H

#include <stdbool.h>
#include <stdint.h>

struct machine;
struct exec;

/* ---- lifetime ---- */
/* Starts DPC threads (machine->config.cpus), work threads and the timer thread; sets m->exec. */
int exec_create(struct machine *m);
/* Drains the DPC and work queues, disarms timers, then stops and joins every thread it started. */
void exec_destroy(struct machine *m);

/* ---- time ---- */
uint64_t exec_now_ns(void); /* CLOCK_MONOTONIC */

/* ---- waitable event (the only blocking primitive) ----
 * The signalled bit and the count of sleeping waiters share one futex word, so exec_event_set
 * touches the event with a single atomic operation: a waiter may free the event as soon as its
 * wait returns, while the setter is still on its way out (the futex wake itself only names the
 * address).  Waiters spin briefly before they sleep. */
struct exec_event {
    _Atomic uint32_t state; /* bit 0: signalled; bits 1..31: waiters sleeping in the kernel */
    bool auto_reset;        /* synchronization (auto-reset) vs notification (manual-reset) */
};
void exec_event_init(struct exec_event *ev, bool auto_reset, bool signalled);
/* Signals the event.  Auto-reset: exactly one wait is satisfied per signal (setting an already
 * signalled event does nothing); manual-reset: every waiter is released until the reset.
 * Callable from any thread at any level. */
void exec_event_set(struct exec_event *ev);
void exec_event_reset(struct exec_event *ev);
/* Waits until signalled or timeout_ns passes (UINT64_MAX = forever).  Returns true if signalled
 * (and, for auto-reset events, consumed the signal), false on timeout. */
bool exec_event_wait(struct exec_event *ev, uint64_t timeout_ns);

/* One step of a busy-wait loop (spin locks): `iteration` counts from 0.  Pauses the CPU for the
 * first iterations, then yields the host CPU (these VMs have 2 cores and more threads). */
void exec_cpu_relax(unsigned iteration);

/* ---- plain threads ---- */
struct exec_thread;
/* Creates a thread attached to machine m that starts at the given level on simulated CPU `cpu`
 * (-1: none) and runs fn(arg).  The name (copied, at most 31 characters) is the exec_ctx name and,
 * cut to 15 characters, the host thread name.  Returns 0 or a negative errno. */
int exec_thread_create(struct machine *m, const char *name, int cpu, uint8_t level,
                       void (*fn)(void *arg), void *arg, struct exec_thread **out);
/* Waits for the thread to return and frees it.  Never from the thread itself. */
void exec_thread_join(struct exec_thread *t);

/* ---- DPCs (dispatch level, one queue per simulated CPU) ---- */
struct exec_dpc {
    void (*fn)(struct exec_dpc *dpc, void *arg);
    void *arg;
    _Atomic int queued;          /* 1 while in a queue */
    struct exec_dpc *next;       /* queue link, owned by the exec layer */
    int cpu;                     /* target CPU (KeSetTargetProcessorDpc), -1 = none; init: -1 */
};
void exec_dpc_init(struct exec_dpc *dpc, void (*fn)(struct exec_dpc *, void *), void *arg);
/* Queues the DPC on `cpu`; -1 picks dpc->cpu if set, else the calling thread's CPU, else CPU 0.
 * An index past the last CPU wraps.  The queued flag is cleared just before fn runs, so fn may
 * queue its own DPC again; after fn returns the exec layer no longer touches the DPC (fn may free
 * it).  Returns false if it was already queued (it then runs once) or if the DPC threads have
 * stopped (exec_destroy), true otherwise.  Callable at any level. */
bool exec_dpc_queue(struct exec *x, struct exec_dpc *dpc, int cpu);
/* Removes a queued DPC; returns true if it was queued (it will not run). */
bool exec_dpc_cancel(struct exec *x, struct exec_dpc *dpc);
/* Returns once every DPC queued before the call has run to completion (KeFlushQueuedDpcs); DPCs
 * queued meanwhile are not waited for.  Passive level only, never from a DPC. */
void exec_dpc_flush(struct exec *x);

/* ---- work items (passive level) ---- */
struct exec_work {
    void (*fn)(struct exec_work *work, void *arg);
    void *arg;
    _Atomic int queued;
    struct exec_work *next;
};
void exec_work_init(struct exec_work *w, void (*fn)(struct exec_work *, void *), void *arg);
/* Queues w on the shared FIFO of the work threads; false if already queued or the work threads
 * have stopped.  The queued flag is cleared before fn runs; after fn returns the exec layer no
 * longer touches w.  Callable at any level. */
bool exec_work_queue(struct exec *x, struct exec_work *w);
/* Waits until no work item is queued or running.  Passive level, never from a work item. */
void exec_work_flush(struct exec *x);

/* ---- timers ---- */
struct exec_timer {
    void (*fn)(struct exec_timer *t, void *arg);  /* runs on the timer thread, at dispatch level */
    void *arg;
    uint64_t due_ns;       /* absolute, exec_now_ns() clock; owned by the exec layer */
    uint64_t period_ns;    /* 0 = one-shot */
    _Atomic int armed;
    struct exec_timer *next; /* list link, owned by the exec layer */
};
void exec_timer_init(struct exec_timer *t, void (*fn)(struct exec_timer *, void *), void *arg);
/* Arms (or re-arms) the timer to fire after delay_ns, then every period_ns if non-zero.  A one-shot
 * timer is disarmed just before its callback runs (the callback may re-arm it); a periodic one
 * stays armed.  After a callback returns the exec layer no longer touches the timer.
 * Returns true if it was already armed (false also when the timer thread has stopped). */
bool exec_timer_set(struct exec *x, struct exec_timer *t, uint64_t delay_ns, uint64_t period_ns);
/* Disarms; if wait, also waits for a running callback of t to return.  Called on the timer thread
 * (from a callback) it never waits, since that would wait for itself.
 * Returns true if it was armed. */
bool exec_timer_cancel(struct exec *x, struct exec_timer *t, bool wait);

#endif
