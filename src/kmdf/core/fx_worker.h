/* fx_worker.h - a driver's PnP thread (kmdf layer, internal): one machine thread at PASSIVE_LEVEL
 * that runs requests one at a time, in the order they were submitted, while the submitter waits.
 * DriverEntry, EvtDriverDeviceAdd, every PnP/power callback and EvtDriverUnload run on it, so a
 * driver's PnP and power callbacks are never concurrent with each other, as the framework
 * guarantees, and they always run on a thread of the simulated machine (never the host's).
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/pnp-and-power-management-scenarios */
#ifndef DMABOX_KMDF_CORE_FX_WORKER_H
#define DMABOX_KMDF_CORE_FX_WORKER_H

#include <stdbool.h>

#include "ntdef.h"
#include "ntstatus.h"

struct machine;
struct fx_worker;

/* Starts a worker thread named `name` on machine m (exec_thread_create, passive level).
 * Returns 0 or a negative errno.  Passive level. */
int fx_worker_start(struct machine *m, const char *name, struct fx_worker **out);

/* Runs every request already submitted, then stops and joins the thread and frees the worker.
 * Not from the worker itself.  NULL is ignored. */
void fx_worker_stop(struct fx_worker *w);

/* Runs fn(arg) on the worker and returns its status once it has run.  From the worker itself
 * fn runs at once (a nested request).  From any other thread the caller blocks, so it must be
 * at PASSIVE_LEVEL.  Returns STATUS_DEVICE_NOT_READY if the worker is stopping. */
NTSTATUS fx_worker_call(struct fx_worker *w, NTSTATUS (*fn)(void *arg), void *arg);

/* True on the worker's own thread. */
bool fx_worker_is_current(const struct fx_worker *w);

#endif
