/* fx_worker.c - a driver's PnP thread (kmdf layer): a FIFO of requests, each on its submitter's
 * stack, run one at a time by one exec-layer thread at PASSIVE_LEVEL; see fx_worker.h.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/pnp-and-power-management-scenarios */
#include "kmdf/core/fx_worker.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#include "kmdf/fx_globals.h"
#include "kmdf/object/fx_list.h"
#include "platform/exec.h"
#include "platform/exec_ctx.h"

/* One submitted request; lives on the submitter's stack until `done` is set. */
struct fx_worker_request {
    NTSTATUS (*fn)(void *arg);
    void *arg;
    NTSTATUS status;
    struct exec_event done;
    struct fx_list link;
};

struct fx_worker {
    struct exec_thread *thread;
    struct exec_ctx *_Atomic ctx; /* the worker thread's context, once it runs */
    pthread_mutex_t lock;
    struct fx_list queue;         /* struct fx_worker_request.link; lock */
    bool stopping;                /* lock */
    struct exec_event wake;       /* auto-reset: queue became non-empty or stopping */
};

static struct fx_worker_request *fx_worker_next(struct fx_worker *w, bool *stop)
{
    struct fx_worker_request *req = NULL;

    pthread_mutex_lock(&w->lock);
    if (!fx_list_empty(&w->queue)) {
        req = FX_CONTAINER_OF(w->queue.next, struct fx_worker_request, link);
        fx_list_del(&req->link);
    }
    *stop = req == NULL && w->stopping;
    pthread_mutex_unlock(&w->lock);
    return req;
}

static void fx_worker_main(void *arg)
{
    struct fx_worker *w = arg;

    atomic_store_explicit(&w->ctx, exec_ctx_self(), memory_order_release);
    for (;;) {
        bool stop;
        struct fx_worker_request *req = fx_worker_next(w, &stop);

        if (stop)
            break;
        if (req == NULL) {
            exec_event_wait(&w->wake, UINT64_MAX);
            continue;
        }
        req->status = req->fn(req->arg);
        /* The submitter may return (and its stack frame go) as soon as this is set. */
        exec_event_set(&req->done);
    }
}

int fx_worker_start(struct machine *m, const char *name, struct fx_worker **out)
{
    struct fx_worker *w = calloc(1, sizeof(*w));
    int rc;

    *out = NULL;
    if (w == NULL)
        return -ENOMEM;
    pthread_mutex_init(&w->lock, NULL);
    fx_list_init(&w->queue);
    exec_event_init(&w->wake, true, false);
    atomic_init(&w->ctx, NULL);
    rc = exec_thread_create(m, name, -1, EXEC_LEVEL_PASSIVE, fx_worker_main, w, &w->thread);
    if (rc != 0) {
        pthread_mutex_destroy(&w->lock);
        free(w);
        return rc;
    }
    *out = w;
    return 0;
}

void fx_worker_stop(struct fx_worker *w)
{
    if (w == NULL)
        return;
    FX_ASSERT(!fx_worker_is_current(w));
    pthread_mutex_lock(&w->lock);
    w->stopping = true;
    pthread_mutex_unlock(&w->lock);
    exec_event_set(&w->wake);
    exec_thread_join(w->thread);
    FX_ASSERT(fx_list_empty(&w->queue));
    pthread_mutex_destroy(&w->lock);
    free(w);
}

bool fx_worker_is_current(const struct fx_worker *w)
{
    return atomic_load_explicit(&w->ctx, memory_order_acquire) == exec_ctx_self();
}

NTSTATUS fx_worker_call(struct fx_worker *w, NTSTATUS (*fn)(void *arg), void *arg)
{
    struct fx_worker_request req = {.fn = fn, .arg = arg};
    bool accepted;

    if (fx_worker_is_current(w))
        return fn(arg);
    FX_ASSERT(exec_ctx_self()->level == EXEC_LEVEL_PASSIVE);
    exec_event_init(&req.done, false, false);
    pthread_mutex_lock(&w->lock);
    accepted = !w->stopping;
    if (accepted)
        fx_list_add_tail(&w->queue, &req.link);
    pthread_mutex_unlock(&w->lock);
    if (!accepted)
        return STATUS_DEVICE_NOT_READY;
    exec_event_set(&w->wake);
    exec_event_wait(&req.done, UINT64_MAX);
    return req.status;
}
