/* host.h - the host API's internal structures (host layer): the objects behind the opaque
 * dmabox_*_t handles, the handle registry that validates them, per-call thread attachment, the
 * device rundown that orders I/O against removal, and the machine-RAM buffer table.
 * Public contract: include/dmabox/dmabox.h and docs/host-api.md. */
#ifndef DMABOX_HOST_HOST_H
#define DMABOX_HOST_HOST_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dmabox/dmabox.h>

#include "kmdf/object/fx_list.h"
#include "platform/exec.h"

struct machine;
struct dmabox_dev;
struct fx_device;
struct fx_driver_image;
struct fx_io;

/* ---- handle registry ----
 * Every handle the API gives out is registered here, so an entry point can tell a live handle
 * from NULL, garbage, a closed handle or one of another type without dereferencing it.  This is
 * the host layer's one process-wide structure (a handle is passed without its machine, so the
 * table cannot hang off a machine); it holds no machine state.  A lookup takes a reference, so
 * the object stays in memory for the call even if another thread closes the handle meanwhile. */

enum host_type {
    HOST_TYPE_MACHINE = 1,
    HOST_TYPE_SLOT,
    HOST_TYPE_DRIVER,
    HOST_TYPE_DEVICE,
    HOST_TYPE_HANDLE,
    HOST_TYPE_IO,
};

struct host_obj {
    enum host_type type;
    _Atomic long refs;                    /* the registry's reference + one per user */
    void (*free_fn)(struct host_obj *o);  /* runs when refs drops to zero */
    struct host_obj *hash_next;           /* registry chain; stripe lock */
    bool registered;                      /* stripe lock */
};

/* refs = 1 (the registry's, dropped by host_obj_unregister). */
void host_obj_init(struct host_obj *o, enum host_type type, void (*free_fn)(struct host_obj *));
void host_obj_register(struct host_obj *o);
/* Makes the handle invalid for new lookups and drops the registry's reference.  Returns false
 * if it was not registered (a second close). */
bool host_obj_unregister(struct host_obj *o);
/* The live object of that type at p, with a reference taken; NULL if there is none. */
struct host_obj *host_obj_get(const void *p, enum host_type type);
void host_obj_ref(struct host_obj *o);
void host_obj_put(struct host_obj *o);

/* ---- objects ---- */

struct host_buffer {
    void *va;
    size_t size;                          /* as requested */
    _Atomic long busy;                    /* I/Os using it: it cannot be freed meanwhile */
};

struct host_buffers {
    pthread_rwlock_t lock;
    struct host_buffer **sorted;          /* by va */
    size_t count, cap;
    uint64_t bytes;
};

struct dmabox_machine {
    struct host_obj obj;                  /* first */
    struct machine *m;
    struct dmabox_machine_config cfg;
    pthread_mutex_t lock;                 /* the lists and slots below; before any device lock */
    struct dmabox_slot *slots[DMABOX_MAX_SLOTS];
    struct fx_list drivers;               /* struct dmabox_driver.link, load order */
    struct fx_list devices;               /* struct dmabox_device.m_link, attach order */
    struct fx_list handles;               /* struct dmabox_handle.link */
    struct fx_list ios;                   /* struct dmabox_io.m_link: not yet freed */
    struct host_buffers buffers;
    _Atomic uint64_t io_submitted, io_completed, io_cancels;
};

struct dmabox_slot {
    struct host_obj obj;
    struct dmabox_machine *hm;            /* referenced */
    unsigned index;
    struct dmabox_dev *bus_dev;           /* set once plugged; hm->lock */
    char model[32];
    struct dmabox_device *device;         /* attached and not yet removed; hm->lock */
    bool attaching;                       /* hm->lock */
    bool unplugged;                       /* hm->lock */
};

struct dmabox_driver {
    struct host_obj obj;
    struct dmabox_machine *hm;
    struct fx_driver_image *img;
    void *dl;                             /* dlopen handle, NULL for a linked-in driver */
    char name[64];
    struct fx_list link;                  /* hm->drivers; hm->lock */
    pthread_mutex_t pnp_lock;             /* one attach/unload at a time */
    bool unloaded;                        /* pnp_lock */
};

/* Host view of a device.  ACTIVE covers STARTED and DX (the framework's state tells which). */
enum host_dev_state {
    HOST_DEV_ACTIVE,
    HOST_DEV_SURPRISE_REMOVED,
    HOST_DEV_REMOVING,
    HOST_DEV_REMOVED,
};

struct dmabox_device {
    struct host_obj obj;
    struct dmabox_machine *hm;
    struct dmabox_driver *driver;         /* referenced */
    struct dmabox_slot *slot;             /* NULL: no hardware; referenced */
    pthread_mutex_t pnp_lock;             /* one PnP request at a time, held across it */
    pthread_mutex_t lock;                 /* state, fx, active */
    enum host_dev_state state;
    struct fx_device *fx;                 /* NULL once removed */
    unsigned active;                      /* callers using fx outside pnp_lock (open, I/O) */
    struct exec_event idle;               /* manual-reset: set while active == 0 */
    struct fx_list m_link;                /* hm->devices; hm->lock */
};

struct dmabox_handle {
    struct host_obj obj;
    struct dmabox_machine *hm;
    struct dmabox_device *dev;            /* referenced */
    struct fx_list link;                  /* hm->handles; hm->lock */
    struct fx_list ios;                   /* struct dmabox_io.h_link in flight; hm->lock */
};

/* One asynchronous or synchronous I/O.  Phases: SUBMITTING (inside fx_io_submit) -> PENDING
 * (accepted) -> DONE; a completion that arrives while SUBMITTING is stored and reported by the
 * submitter after fx_io_submit returns, so the callback never runs inside the submission. */
enum host_io_phase {
    HOST_IO_SUBMITTING,
    HOST_IO_PENDING,
    HOST_IO_EARLY,        /* completed during the submission; the submitter reports it */
    HOST_IO_DONE,
};

struct dmabox_io {
    struct host_obj obj;                  /* registered only when the application holds it */
    struct dmabox_machine *hm;
    struct dmabox_handle *handle;         /* referenced */
    struct host_buffer *bufs[2];          /* busy while the I/O runs */
    struct fx_io *fx;                     /* the runtime's I/O; released when this is freed */
    dmabox_io_done_fn *done;
    void *ctx;
    _Atomic int phase;                    /* enum host_io_phase */
    dmabox_status_t status;               /* written before phase becomes EARLY/DONE */
    size_t information;
    struct exec_event completed;          /* manual-reset, set at DONE */
    struct fx_list m_link;                /* hm->ios until freed; hm->lock */
    struct fx_list h_link;                /* handle->ios while in flight; hm->lock */
};

/* ---- calls ----
 * Each entry point runs as a call on one machine: the calling thread is attached to it for the
 * call (and restored afterwards), and the thread and level are checked. */

enum host_call_kind {
    HOST_CALL_BLOCKING,   /* may wait for the machine: application threads only, passive */
    HOST_CALL_PASSIVE,    /* does not wait, but the runtime needs PASSIVE_LEVEL */
    HOST_CALL_ANY,        /* <= DISPATCH_LEVEL, any thread of the machine (completion callbacks) */
};

struct host_call {
    struct dmabox_machine *hm;
    struct machine *saved_machine;
    const char *saved_name;
    bool switched;
};

/* Checks the calling thread may make this kind of call on hm and attaches it.  Returns
 * STATUS_SUCCESS or STATUS_NOT_SUPPORTED (a machine thread, another machine's thread, or a
 * level the call cannot run at). */
dmabox_status_t host_call_enter(struct host_call *c, struct dmabox_machine *hm,
                                enum host_call_kind kind);
void host_call_leave(struct host_call *c);

/* Resolves a handle of `type` (a reference taken: drop it with host_obj_put) and enters a call
 * on its machine.  STATUS_INVALID_HANDLE or a host_call_enter status otherwise. */
dmabox_status_t host_enter_obj(struct host_call *c, const void *handle, enum host_type type,
                               enum host_call_kind kind, struct host_obj **out);
/* host_call_leave + host_obj_put. */
void host_leave_obj(struct host_call *c, struct host_obj *o);

/* The machine a child object belongs to. */
struct dmabox_machine *host_obj_machine(struct host_obj *o);

/* ---- device rundown (dmabox_device.c) ---- */

/* Takes an active reference on a device that still has a framework device and returns it in
 * *fx.  STATUS_SUCCESS, STATUS_DEVICE_REMOVED (surprise-removed), STATUS_DELETE_PENDING (being
 * removed) or STATUS_NO_SUCH_DEVICE (removed). */
dmabox_status_t host_device_acquire(struct dmabox_device *d, struct fx_device **fx);
void host_device_release(struct dmabox_device *d);
/* Orderly removal of a device (caller holds no host lock).  Idempotent: STATUS_NO_SUCH_DEVICE
 * if already removed. */
dmabox_status_t host_device_remove(struct dmabox_device *d);
/* Surprise removal then removal (a slot being unplugged). */
void host_device_pull(struct dmabox_device *d);
/* Unregisters every device of drv (their handles become invalid) after their removal. */
void host_devices_forget(struct dmabox_machine *hm, struct dmabox_driver *drv);

/* ---- handles and I/O (dmabox_device.c, dmabox_io.c) ---- */
/* Unregisters h, cancels its I/O and unlinks it; false if it was already closed. */
bool host_handle_close(struct dmabox_handle *h);
/* Cancels every I/O of h still in flight (hm->lock not held). */
void host_handle_cancel_all(struct dmabox_handle *h);
/* Machine teardown: releases the I/O handles the application never released; returns how
 * many there were. */
size_t host_ios_release_all(struct dmabox_machine *hm);

/* ---- drivers (dmabox_driver.c) ---- */
/* Removes its devices, unloads and closes the image, unregisters the handle.
 * STATUS_INVALID_HANDLE if it was already unloaded. */
dmabox_status_t host_driver_unload(struct dmabox_driver *drv);

/* ---- statistics (dmabox_stats.c) ---- */
/* The calling thread is attached to hm->m.  Works during teardown too (after the framework and
 * WDM layers detached, their counters read zero). */
void host_stats_collect(struct dmabox_machine *hm, struct dmabox_machine_stats *out);

/* ---- buffers (dmabox_buffer.c) ---- */
int host_buffers_init(struct host_buffers *b);
/* Frees every buffer still allocated; returns how many there were. */
size_t host_buffers_fini(struct dmabox_machine *hm);
/* The buffer that holds [p, p+len) with its busy count raised, or NULL. */
struct host_buffer *host_buffer_use(struct dmabox_machine *hm, const void *p, size_t len);
void host_buffer_unuse(struct host_buffer *b);
void host_buffers_count(struct dmabox_machine *hm, uint64_t *count, uint64_t *bytes);

#endif
