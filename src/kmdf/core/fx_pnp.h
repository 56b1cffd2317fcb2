/* fx_pnp.h - the device PnP/power sequence as a const state table (kmdf layer, internal).
 * A device rests in a stable state (ADDED, STARTED, DX, FAILED, SURPRISE_REMOVED, REMOVED) until
 * the PnP manager (the host API, through fx_device.h) sends a request.  A request leads into a
 * chain of transient states; each transient state's entry function performs one documented step
 * (one driver callback, or one hook point for queues/interrupts/DMA) and returns an event that
 * the table maps to the next state.  docs/kmdf-core.md prints the table with the documented
 * source of each step.
 *
 * Transitions of the stable states (everything else is in fx_pnp.c's table):
 *   ADDED            START -> first start chain; REMOVE -> removal; SURPRISE_REMOVE -> SURPRISE_REMOVED
 *   STARTED          POWER_DOWN -> power-down chain -> DX; REMOVE / SURPRISE_REMOVE -> removal
 *   DX               POWER_UP -> power-up chain -> STARTED; REMOVE / SURPRISE_REMOVE -> removal
 *   FAILED           REMOVE -> removal; SURPRISE_REMOVE -> SURPRISE_REMOVED
 *   SURPRISE_REMOVED REMOVE -> removal
 *   REMOVED          (none: the device object is deleted)
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/a-user-plugs-in-a-device
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/a-user-unplugs-a-device
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/a-device-enters-a-low-power-state
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/a-device-returns-to-its-working-state */
#ifndef DMABOX_KMDF_CORE_FX_PNP_H
#define DMABOX_KMDF_CORE_FX_PNP_H

#include <stdatomic.h>
#include <stdbool.h>

#include <ntddk.h>
#include <wdf.h>

struct fx_device;

enum fx_pnp_state {
    /* stable: wait for a request */
    FX_PNP_STATE_ADDED,            /* WdfDeviceCreate done, never started */
    FX_PNP_STATE_STARTED,          /* D0, I/O flowing */
    FX_PNP_STATE_DX,               /* powered down while attached; hardware still assigned */
    FX_PNP_STATE_FAILED,           /* a start or power transition failed; hardware released */
    FX_PNP_STATE_SURPRISE_REMOVED, /* surprise-removed, hardware released, awaiting REMOVE */
    FX_PNP_STATE_REMOVED,          /* device object deleted */
    /* start / power-up */
    FX_PNP_STATE_ASSIGN_RESOURCES,
    FX_PNP_STATE_PREPARE_HARDWARE,
    FX_PNP_STATE_D0_ENTRY,
    FX_PNP_STATE_INTERRUPTS_ENABLE,
    FX_PNP_STATE_D0_ENTRY_POST_INTERRUPTS,
    FX_PNP_STATE_DMA_ENABLE,
    FX_PNP_STATE_QUEUES_START,
    FX_PNP_STATE_SELF_IO_START,
    FX_PNP_STATE_ENABLE_INTERFACES,
    /* undoing a power-up that failed after EvtDeviceD0Entry succeeded */
    FX_PNP_STATE_UNDO_QUEUES_STOP,
    FX_PNP_STATE_UNDO_DMA_DISABLE,
    FX_PNP_STATE_UNDO_D0_EXIT_PRE_INTERRUPTS,
    FX_PNP_STATE_UNDO_INTERRUPTS_DISABLE,
    FX_PNP_STATE_UNDO_D0_EXIT,
    FX_PNP_STATE_POWER_UP_FAILED,
    /* power-down (to Dx, for removal, for surprise removal) */
    FX_PNP_STATE_SELF_IO_SUSPEND,
    FX_PNP_STATE_QUEUES_STOP,
    FX_PNP_STATE_DMA_DISABLE,
    FX_PNP_STATE_D0_EXIT_PRE_INTERRUPTS,
    FX_PNP_STATE_INTERRUPTS_DISABLE,
    FX_PNP_STATE_D0_EXIT,
    FX_PNP_STATE_POWER_DOWN_DONE,
    /* removal */
    FX_PNP_STATE_REMOVE_DISABLE_INTERFACES,
    FX_PNP_STATE_SURPRISE_DISABLE_INTERFACES,
    FX_PNP_STATE_SURPRISE_CALLBACK,
    FX_PNP_STATE_SURPRISE_QUEUES_STOP,
    FX_PNP_STATE_SURPRISE_SELF_IO_SUSPEND,
    FX_PNP_STATE_RELEASE_HARDWARE_FAILED,
    FX_PNP_STATE_RELEASE_HARDWARE_REMOVE,
    FX_PNP_STATE_RELEASE_HARDWARE_SURPRISE,
    FX_PNP_STATE_QUEUES_PURGE,
    FX_PNP_STATE_SELF_IO_FLUSH,
    FX_PNP_STATE_SELF_IO_CLEANUP,
    FX_PNP_STATE_DELETE,
    FX_PNP_STATE_COUNT
};

enum fx_pnp_event {
    FX_PNP_EVENT_NONE = 0,         /* ends a row's transition list */
    /* requests from the PnP manager */
    FX_PNP_EVENT_START,
    FX_PNP_EVENT_POWER_DOWN,
    FX_PNP_EVENT_POWER_UP,
    FX_PNP_EVENT_REMOVE,
    FX_PNP_EVENT_SURPRISE_REMOVE,
    /* results of a step */
    FX_PNP_EVENT_SUCCESS,
    FX_PNP_EVENT_FAILURE,
    /* decisions */
    FX_PNP_EVENT_FIRST_START,      /* the failed power-up was the device's start */
    FX_PNP_EVENT_RESUME,           /* the failed power-up was a return from Dx */
    FX_PNP_EVENT_TO_DX,
    FX_PNP_EVENT_TO_REMOVE,
    FX_PNP_EVENT_TO_SURPRISE,
    FX_PNP_EVENT_TO_FAILED,
    FX_PNP_EVENT_IN_D0,            /* the device is in D0 */
    FX_PNP_EVENT_HW_ASSIGNED,      /* not in D0, resources still assigned */
    FX_PNP_EVENT_NO_HARDWARE,      /* never started or already released */
    FX_PNP_EVENT_COUNT
};

/* Why the current chain runs; decides where shared steps lead. */
enum fx_pnp_goal {
    FX_PNP_GOAL_NONE,
    FX_PNP_GOAL_START,
    FX_PNP_GOAL_RESUME,
    FX_PNP_GOAL_DX,
    FX_PNP_GOAL_REMOVE,
    FX_PNP_GOAL_SURPRISE,
};

/* Self-managed I/O, as far as the driver has seen it. */
enum fx_pnp_self_io {
    FX_PNP_SELF_IO_NONE,           /* EvtDeviceSelfManagedIoInit not called yet */
    FX_PNP_SELF_IO_RUNNING,        /* Init (or Restart) called */
    FX_PNP_SELF_IO_SUSPENDED,      /* Suspend called */
    FX_PNP_SELF_IO_CLEANED,        /* Cleanup called */
};

/* Per-device sequence state.  `state` may be read from any thread; everything else belongs to
 * the driver's PnP thread. */
struct fx_pnp {
    _Atomic int state;             /* enum fx_pnp_state */
    enum fx_pnp_goal goal;
    WDF_POWER_DEVICE_STATE previous; /* for EvtDeviceD0Entry* */
    WDF_POWER_DEVICE_STATE target;   /* for EvtDeviceD0Exit* (and the undo of a power-up) */
    WDF_POWER_DEVICE_STATE dx_state; /* where a device in DX is */
    bool in_d0;                    /* EvtDeviceD0Entry succeeded, EvtDeviceD0Exit not yet called */
    bool resources_assigned;       /* from ASSIGN_RESOURCES until EvtDeviceReleaseHardware */
    enum fx_pnp_self_io self_io;
    bool step_failed;              /* a step of the current chain failed */
    NTSTATUS status;               /* first failure of the current request */
};

/* One row of the table. */
struct fx_pnp_transition {
    enum fx_pnp_event event;
    enum fx_pnp_state next;
};

#define FX_PNP_MAX_TRANSITIONS 5

struct fx_pnp_row {
    const char *name;
    /* The step, or NULL for a stable state.  Returns one of the events listed in `on`. */
    enum fx_pnp_event (*entry)(struct fx_device *dev);
    struct fx_pnp_transition on[FX_PNP_MAX_TRANSITIONS]; /* ends at FX_PNP_EVENT_NONE */
    const char *source;            /* the documented rule this step follows */
};

const char *fx_pnp_state_name(enum fx_pnp_state state);
const char *fx_pnp_event_name(enum fx_pnp_event event);

/* The table row of a state (NULL past the end). */
const struct fx_pnp_row *fx_pnp_row(enum fx_pnp_state state);

/* The state `event` leads to from `state`, or FX_PNP_STATE_COUNT when the row has no such
 * transition (a request not allowed in that state). */
enum fx_pnp_state fx_pnp_next(enum fx_pnp_state state, enum fx_pnp_event event);

/* Checks the table's consistency (rows indexed by their state, transient rows with an entry,
 * stable rows with none, every next state valid and reachable from ADDED).  Returns the number
 * of defects and prints each to stderr; 0 for a sound table. */
unsigned fx_pnp_table_check(void);

/* Runs a request (START, POWER_DOWN, POWER_UP, REMOVE or SURPRISE_REMOVE) on the device's PnP
 * thread: from the current stable state through the chain to the next stable state, checking
 * every entry's event against its row (an event not in the row is a framework bug: FX_ASSERT).
 * `target` is the Dx state of POWER_DOWN (WdfPowerDeviceD1..D3), ignored otherwise.
 * Returns STATUS_SUCCESS, STATUS_INVALID_DEVICE_STATE (request not allowed in the current
 * state; nothing happens), or the first failure a step met (a driver callback's status). */
NTSTATUS fx_pnp_request(struct fx_device *dev, enum fx_pnp_event request,
                        WDF_POWER_DEVICE_STATE target);

static inline enum fx_pnp_state fx_pnp_state(const struct fx_pnp *p)
{
    return (enum fx_pnp_state)atomic_load_explicit(&p->state, memory_order_acquire);
}

/* ---- the steps (fx_pnp_steps.c), one per transient state; each runs on the PnP thread ---- */
enum fx_pnp_event fx_pnp_step_assign_resources(struct fx_device *dev);
enum fx_pnp_event fx_pnp_step_prepare_hardware(struct fx_device *dev);
enum fx_pnp_event fx_pnp_step_d0_entry(struct fx_device *dev);
enum fx_pnp_event fx_pnp_step_interrupts_enable(struct fx_device *dev);
enum fx_pnp_event fx_pnp_step_d0_entry_post_interrupts(struct fx_device *dev);
enum fx_pnp_event fx_pnp_step_dma_enable(struct fx_device *dev);
enum fx_pnp_event fx_pnp_step_queues_start(struct fx_device *dev);
enum fx_pnp_event fx_pnp_step_self_io_start(struct fx_device *dev);
enum fx_pnp_event fx_pnp_step_enable_interfaces(struct fx_device *dev);
enum fx_pnp_event fx_pnp_step_power_up_failed(struct fx_device *dev);
enum fx_pnp_event fx_pnp_step_self_io_suspend(struct fx_device *dev);
enum fx_pnp_event fx_pnp_step_queues_stop(struct fx_device *dev);
enum fx_pnp_event fx_pnp_step_dma_disable(struct fx_device *dev);
enum fx_pnp_event fx_pnp_step_d0_exit_pre_interrupts(struct fx_device *dev);
enum fx_pnp_event fx_pnp_step_interrupts_disable(struct fx_device *dev);
enum fx_pnp_event fx_pnp_step_d0_exit(struct fx_device *dev);
enum fx_pnp_event fx_pnp_step_power_down_done(struct fx_device *dev);
enum fx_pnp_event fx_pnp_step_remove_disable_interfaces(struct fx_device *dev);
enum fx_pnp_event fx_pnp_step_surprise_disable_interfaces(struct fx_device *dev);
enum fx_pnp_event fx_pnp_step_surprise_callback(struct fx_device *dev);
enum fx_pnp_event fx_pnp_step_release_hardware(struct fx_device *dev);
enum fx_pnp_event fx_pnp_step_queues_purge(struct fx_device *dev);
enum fx_pnp_event fx_pnp_step_self_io_flush(struct fx_device *dev);
enum fx_pnp_event fx_pnp_step_self_io_cleanup(struct fx_device *dev);
enum fx_pnp_event fx_pnp_step_delete(struct fx_device *dev);

#endif
