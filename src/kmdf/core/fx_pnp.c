/* fx_pnp.c - the device PnP/power sequence (kmdf layer): the const state table and the engine
 * that walks it on the driver's PnP thread.  Each transient row names the documented step it
 * performs (`source`: page and step number under https://learn.microsoft.com/en-us/windows-
 * hardware/drivers/wdf/ unless a DDI page is named); the steps are in fx_pnp_steps.c.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/a-user-plugs-in-a-device
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/a-user-unplugs-a-device
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/a-device-enters-a-low-power-state
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/a-device-returns-to-its-working-state */
#include "kmdf/core/fx_pnp.h"

#include <stdio.h>

#include "kmdf/core/fx_device.h"
#include "kmdf/core/fx_driver.h"
#include "kmdf/core/fx_worker.h"

#define S(x) FX_PNP_STATE_##x
#define E(x) FX_PNP_EVENT_##x
/* A step whose failure cannot change the path (the hardware is going down anyway). */
#define ALWAYS(next) {{E(SUCCESS), S(next)}, {E(FAILURE), S(next)}}

static const struct fx_pnp_row fx_pnp_table[FX_PNP_STATE_COUNT] = {
    /* ---- stable states ---- */
    [S(ADDED)] = {"ADDED", NULL,
                  {{E(START), S(ASSIGN_RESOURCES)},
                   {E(REMOVE), S(REMOVE_DISABLE_INTERFACES)},
                   {E(SURPRISE_REMOVE), S(SURPRISE_REMOVED)}},
                  "adding-a-device-overview: EvtDriverDeviceAdd created the device"},
    [S(STARTED)] = {"STARTED", NULL,
                    {{E(POWER_DOWN), S(SELF_IO_SUSPEND)},
                     {E(REMOVE), S(REMOVE_DISABLE_INTERFACES)},
                     {E(SURPRISE_REMOVE), S(SURPRISE_DISABLE_INTERFACES)}},
                    "a-user-plugs-in-a-device: operational"},
    [S(DX)] = {"DX", NULL,
               {{E(POWER_UP), S(D0_ENTRY)},
                {E(REMOVE), S(REMOVE_DISABLE_INTERFACES)},
                {E(SURPRISE_REMOVE), S(SURPRISE_DISABLE_INTERFACES)}},
               "a-device-enters-a-low-power-state: in Dx"},
    [S(FAILED)] = {"FAILED", NULL,
                   {{E(REMOVE), S(REMOVE_DISABLE_INTERFACES)},
                    {E(SURPRISE_REMOVE), S(SURPRISE_REMOVED)}},
                   "reporting-device-failures: the PnP manager removes a failed device"},
    [S(SURPRISE_REMOVED)] = {"SURPRISE_REMOVED", NULL,
                             {{E(REMOVE), S(QUEUES_PURGE)}},
                             "a-user-unplugs-a-device (surprise removal): awaiting removal"},
    [S(REMOVED)] = {"REMOVED", NULL, {{E(NONE), S(REMOVED)}}, "device object deleted"},

    /* ---- start and return to D0 ---- */
    [S(ASSIGN_RESOURCES)] = {"ASSIGN_RESOURCES", fx_pnp_step_assign_resources,
                             {{E(SUCCESS), S(PREPARE_HARDWARE)}, {E(FAILURE), S(FAILED)}},
                             "a-user-plugs-in-a-device: resources assigned before the device "
                             "starts; hook resources_assign"},
    [S(PREPARE_HARDWARE)] = {"PREPARE_HARDWARE", fx_pnp_step_prepare_hardware,
                             {{E(SUCCESS), S(D0_ENTRY)},
                              {E(FAILURE), S(RELEASE_HARDWARE_FAILED)}},
                             "a-user-plugs-in-a-device 1; on failure EvtDeviceReleaseHardware "
                             "(nc-wdfdevice-evt_wdf_device_prepare_hardware)"},
    [S(D0_ENTRY)] = {"D0_ENTRY", fx_pnp_step_d0_entry,
                     {{E(SUCCESS), S(INTERRUPTS_ENABLE)}, {E(FAILURE), S(POWER_UP_FAILED)}},
                     "a-user-plugs-in-a-device 2 / a-device-returns-to-its-working-state 1; "
                     "first PreviousState WdfPowerDeviceD3Final; no D0Exit after a failure "
                     "(nc-wdfdevice-evt_wdf_device_d0_entry)"},
    [S(INTERRUPTS_ENABLE)] = {"INTERRUPTS_ENABLE", fx_pnp_step_interrupts_enable,
                              {{E(SUCCESS), S(D0_ENTRY_POST_INTERRUPTS)},
                               {E(FAILURE), S(UNDO_D0_EXIT)}},
                              "a-user-plugs-in-a-device 3: EvtInterruptEnable per interrupt; "
                              "hook interrupts_enable"},
    [S(D0_ENTRY_POST_INTERRUPTS)] = {"D0_ENTRY_POST_INTERRUPTS",
                                     fx_pnp_step_d0_entry_post_interrupts,
                                     {{E(SUCCESS), S(DMA_ENABLE)},
                                      {E(FAILURE), S(UNDO_INTERRUPTS_DISABLE)}},
                                     "a-user-plugs-in-a-device 3: "
                                     "EvtDeviceD0EntryPostInterruptsEnabled"},
    [S(DMA_ENABLE)] = {"DMA_ENABLE", fx_pnp_step_dma_enable,
                       {{E(SUCCESS), S(QUEUES_START)},
                        {E(FAILURE), S(UNDO_D0_EXIT_PRE_INTERRUPTS)}},
                       "a-user-plugs-in-a-device 4: EvtDmaEnablerFill/Enable/"
                       "SelfManagedIoStart; hook dma_enable"},
    [S(QUEUES_START)] = {"QUEUES_START", fx_pnp_step_queues_start,
                         {{E(SUCCESS), S(SELF_IO_START)}, {E(FAILURE), S(UNDO_DMA_DISABLE)}},
                         "a-user-plugs-in-a-device 6: power-managed queues start; hook "
                         "queues_start"},
    [S(SELF_IO_START)] = {"SELF_IO_START", fx_pnp_step_self_io_start,
                          {{E(SUCCESS), S(ENABLE_INTERFACES)},
                           {E(FAILURE), S(UNDO_QUEUES_STOP)}},
                          "a-user-plugs-in-a-device 7 (EvtDeviceSelfManagedIoInit, first time) "
                          "/ a-device-returns-to-its-working-state 7 (...Restart)"},
    [S(ENABLE_INTERFACES)] = {"ENABLE_INTERFACES", fx_pnp_step_enable_interfaces,
                              {{E(SUCCESS), S(STARTED)}},
                              "nf-wdfdevice-wdfdevicecreatedeviceinterface: interfaces enabled "
                              "once the device has started"},

    /* ---- a power-up failed after EvtDeviceD0Entry succeeded: power down again ---- */
    [S(UNDO_QUEUES_STOP)] = {"UNDO_QUEUES_STOP", fx_pnp_step_queues_stop,
                             ALWAYS(UNDO_DMA_DISABLE), "undo of QUEUES_START"},
    [S(UNDO_DMA_DISABLE)] = {"UNDO_DMA_DISABLE", fx_pnp_step_dma_disable,
                             ALWAYS(UNDO_D0_EXIT_PRE_INTERRUPTS), "undo of DMA_ENABLE"},
    [S(UNDO_D0_EXIT_PRE_INTERRUPTS)] = {"UNDO_D0_EXIT_PRE_INTERRUPTS",
                                        fx_pnp_step_d0_exit_pre_interrupts,
                                        ALWAYS(UNDO_INTERRUPTS_DISABLE),
                                        "undo of D0_ENTRY_POST_INTERRUPTS"},
    [S(UNDO_INTERRUPTS_DISABLE)] = {"UNDO_INTERRUPTS_DISABLE", fx_pnp_step_interrupts_disable,
                                    ALWAYS(UNDO_D0_EXIT), "undo of INTERRUPTS_ENABLE"},
    [S(UNDO_D0_EXIT)] = {"UNDO_D0_EXIT", fx_pnp_step_d0_exit, ALWAYS(POWER_UP_FAILED),
                         "undo of D0_ENTRY (TargetState WdfPowerDeviceD3Final)"},
    [S(POWER_UP_FAILED)] = {"POWER_UP_FAILED", fx_pnp_step_power_up_failed,
                            {{E(FIRST_START), S(RELEASE_HARDWARE_FAILED)},
                             {E(RESUME), S(SURPRISE_DISABLE_INTERFACES)}},
                            "nc-wdfdevice-evt_wdf_device_d0_entry: a failed first start begins "
                            "an orderly removal, a failed return from Dx a surprise removal"},

    /* ---- power-down: to Dx, for removal, for surprise removal ---- */
    [S(SELF_IO_SUSPEND)] = {"SELF_IO_SUSPEND", fx_pnp_step_self_io_suspend,
                            ALWAYS(QUEUES_STOP),
                            "a-device-enters-a-low-power-state 1 / a-user-unplugs-a-device 1: "
                            "EvtDeviceSelfManagedIoSuspend"},
    [S(QUEUES_STOP)] = {"QUEUES_STOP", fx_pnp_step_queues_stop, ALWAYS(DMA_DISABLE),
                        "a-device-enters-a-low-power-state 2: power-managed queues stop; hook "
                        "queues_stop"},
    [S(DMA_DISABLE)] = {"DMA_DISABLE", fx_pnp_step_dma_disable,
                        ALWAYS(D0_EXIT_PRE_INTERRUPTS),
                        "a-device-enters-a-low-power-state 4: EvtDmaEnablerSelfManagedIoStop/"
                        "Flush/Disable; hook dma_disable"},
    [S(D0_EXIT_PRE_INTERRUPTS)] = {"D0_EXIT_PRE_INTERRUPTS", fx_pnp_step_d0_exit_pre_interrupts,
                                   ALWAYS(INTERRUPTS_DISABLE),
                                   "a-device-enters-a-low-power-state 5: "
                                   "EvtDeviceD0ExitPreInterruptsDisabled"},
    [S(INTERRUPTS_DISABLE)] = {"INTERRUPTS_DISABLE", fx_pnp_step_interrupts_disable,
                               ALWAYS(D0_EXIT),
                               "a-device-enters-a-low-power-state 5: EvtInterruptDisable per "
                               "interrupt; hook interrupts_disable"},
    [S(D0_EXIT)] = {"D0_EXIT", fx_pnp_step_d0_exit, ALWAYS(POWER_DOWN_DONE),
                    "a-device-enters-a-low-power-state 6: EvtDeviceD0Exit (TargetState D3 "
                    "for Dx, WdfPowerDeviceD3Final for removal)"},
    [S(POWER_DOWN_DONE)] = {"POWER_DOWN_DONE", fx_pnp_step_power_down_done,
                            {{E(TO_DX), S(DX)},
                             {E(TO_REMOVE), S(RELEASE_HARDWARE_REMOVE)},
                             {E(TO_SURPRISE), S(RELEASE_HARDWARE_SURPRISE)},
                             {E(TO_FAILED), S(RELEASE_HARDWARE_FAILED)}},
                            "nc-wdfdevice-evt_wdf_device_self_managed_io_suspend: a failed "
                            "power-down stops the device"},

    /* ---- removal ---- */
    [S(REMOVE_DISABLE_INTERFACES)] = {"REMOVE_DISABLE_INTERFACES",
                                      fx_pnp_step_remove_disable_interfaces,
                                      {{E(IN_D0), S(SELF_IO_SUSPEND)},
                                       {E(HW_ASSIGNED), S(RELEASE_HARDWARE_REMOVE)},
                                       {E(NO_HARDWARE), S(QUEUES_PURGE)}},
                                      "a-user-unplugs-a-device (orderly removal)"},
    [S(SURPRISE_DISABLE_INTERFACES)] = {"SURPRISE_DISABLE_INTERFACES",
                                        fx_pnp_step_surprise_disable_interfaces,
                                        {{E(SUCCESS), S(SURPRISE_CALLBACK)}},
                                        "a-user-unplugs-a-device (surprise removal)"},
    [S(SURPRISE_CALLBACK)] = {"SURPRISE_CALLBACK", fx_pnp_step_surprise_callback,
                              {{E(IN_D0), S(SURPRISE_QUEUES_STOP)},
                               {E(HW_ASSIGNED), S(RELEASE_HARDWARE_SURPRISE)}},
                              "a-user-unplugs-a-device (surprise) 1: EvtDeviceSurpriseRemoval; "
                              "surprise-removal-sequence: not in D0, ReleaseHardware follows"},
    [S(SURPRISE_QUEUES_STOP)] = {"SURPRISE_QUEUES_STOP", fx_pnp_step_queues_stop,
                                 ALWAYS(SURPRISE_SELF_IO_SUSPEND),
                                 "a-user-unplugs-a-device (surprise) 2: queues stop"},
    [S(SURPRISE_SELF_IO_SUSPEND)] = {"SURPRISE_SELF_IO_SUSPEND", fx_pnp_step_self_io_suspend,
                                     ALWAYS(DMA_DISABLE),
                                     "a-user-unplugs-a-device (surprise) 3: "
                                     "EvtDeviceSelfManagedIoSuspend"},
    [S(RELEASE_HARDWARE_FAILED)] = {"RELEASE_HARDWARE_FAILED", fx_pnp_step_release_hardware,
                                    ALWAYS(FAILED),
                                    "nc-wdfdevice-evt_wdf_device_prepare_hardware: failure "
                                    "calls EvtDeviceReleaseHardware; hook resources_release"},
    [S(RELEASE_HARDWARE_REMOVE)] = {"RELEASE_HARDWARE_REMOVE", fx_pnp_step_release_hardware,
                                    ALWAYS(QUEUES_PURGE),
                                    "a-user-unplugs-a-device 6: EvtDeviceReleaseHardware"},
    [S(RELEASE_HARDWARE_SURPRISE)] = {"RELEASE_HARDWARE_SURPRISE", fx_pnp_step_release_hardware,
                                      ALWAYS(SURPRISE_REMOVED),
                                      "a-user-unplugs-a-device (surprise) 7: "
                                      "EvtDeviceReleaseHardware"},
    [S(QUEUES_PURGE)] = {"QUEUES_PURGE", fx_pnp_step_queues_purge, ALWAYS(SELF_IO_FLUSH),
                         "removal: every queue purged; hook queues_purge"},
    [S(SELF_IO_FLUSH)] = {"SELF_IO_FLUSH", fx_pnp_step_self_io_flush,
                          {{E(SUCCESS), S(SELF_IO_CLEANUP)}},
                          "a-user-unplugs-a-device 7: EvtDeviceSelfManagedIoFlush"},
    [S(SELF_IO_CLEANUP)] = {"SELF_IO_CLEANUP", fx_pnp_step_self_io_cleanup,
                            {{E(SUCCESS), S(DELETE)}},
                            "a-user-unplugs-a-device 8: EvtDeviceSelfManagedIoCleanup"},
    [S(DELETE)] = {"DELETE", fx_pnp_step_delete, {{E(SUCCESS), S(REMOVED)}},
                   "power-down-and-removal-sequence-for-a-function-or-filter-driver: the "
                   "device object and its children are deleted (cleanup callbacks)"},
};

static const char *const fx_pnp_event_names[FX_PNP_EVENT_COUNT] = {
    [E(NONE)] = "NONE",
    [E(START)] = "START",
    [E(POWER_DOWN)] = "POWER_DOWN",
    [E(POWER_UP)] = "POWER_UP",
    [E(REMOVE)] = "REMOVE",
    [E(SURPRISE_REMOVE)] = "SURPRISE_REMOVE",
    [E(SUCCESS)] = "SUCCESS",
    [E(FAILURE)] = "FAILURE",
    [E(FIRST_START)] = "FIRST_START",
    [E(RESUME)] = "RESUME",
    [E(TO_DX)] = "TO_DX",
    [E(TO_REMOVE)] = "TO_REMOVE",
    [E(TO_SURPRISE)] = "TO_SURPRISE",
    [E(TO_FAILED)] = "TO_FAILED",
    [E(IN_D0)] = "IN_D0",
    [E(HW_ASSIGNED)] = "HW_ASSIGNED",
    [E(NO_HARDWARE)] = "NO_HARDWARE",
};

const char *fx_pnp_state_name(enum fx_pnp_state state)
{
    return (unsigned)state < FX_PNP_STATE_COUNT && fx_pnp_table[state].name != NULL
               ? fx_pnp_table[state].name
               : "?";
}

const char *fx_pnp_event_name(enum fx_pnp_event event)
{
    return (unsigned)event < FX_PNP_EVENT_COUNT && fx_pnp_event_names[event] != NULL
               ? fx_pnp_event_names[event]
               : "?";
}

const struct fx_pnp_row *fx_pnp_row(enum fx_pnp_state state)
{
    return (unsigned)state < FX_PNP_STATE_COUNT ? &fx_pnp_table[state] : NULL;
}

enum fx_pnp_state fx_pnp_next(enum fx_pnp_state state, enum fx_pnp_event event)
{
    const struct fx_pnp_row *row = fx_pnp_row(state);

    if (row == NULL || event == E(NONE))
        return FX_PNP_STATE_COUNT;
    for (unsigned i = 0; i < FX_PNP_MAX_TRANSITIONS && row->on[i].event != E(NONE); i++)
        if (row->on[i].event == event)
            return row->on[i].next;
    return FX_PNP_STATE_COUNT;
}

static bool fx_pnp_is_request(enum fx_pnp_event event)
{
    return event >= E(START) && event <= E(SURPRISE_REMOVE);
}

/* Marks every state reachable from `state` in seen[]. */
static void fx_pnp_mark_reachable(enum fx_pnp_state state, bool *seen)
{
    const struct fx_pnp_row *row = &fx_pnp_table[state];

    if (seen[state])
        return;
    seen[state] = true;
    for (unsigned i = 0; i < FX_PNP_MAX_TRANSITIONS && row->on[i].event != E(NONE); i++)
        if ((unsigned)row->on[i].next < FX_PNP_STATE_COUNT)
            fx_pnp_mark_reachable(row->on[i].next, seen);
}

static unsigned fx_pnp_check_row(enum fx_pnp_state s)
{
    const struct fx_pnp_row *row = &fx_pnp_table[s];
    bool stable = s <= S(REMOVED);
    unsigned defects = 0;

    if (row->name == NULL || row->source == NULL) {
        fprintf(stderr, "fx_pnp: state %d has no row\n", (int)s);
        return 1;
    }
    if ((row->entry == NULL) != stable) {
        fprintf(stderr, "fx_pnp: %s: %s\n", row->name,
                stable ? "stable state with an entry" : "transient state without an entry");
        defects++;
    }
    for (unsigned i = 0; i < FX_PNP_MAX_TRANSITIONS && row->on[i].event != E(NONE); i++) {
        const struct fx_pnp_transition *t = &row->on[i];
        if ((unsigned)t->next >= FX_PNP_STATE_COUNT || (unsigned)t->event >= FX_PNP_EVENT_COUNT ||
            fx_pnp_is_request(t->event) != stable) {
            fprintf(stderr, "fx_pnp: %s: bad transition %u\n", row->name, i);
            defects++;
        }
        if (fx_pnp_next(s, t->event) != t->next) {
            fprintf(stderr, "fx_pnp: %s: event %s listed twice\n", row->name,
                    fx_pnp_event_name(t->event));
            defects++;
        }
    }
    if (!stable && row->on[0].event == E(NONE)) {
        fprintf(stderr, "fx_pnp: %s: transient state with no way out\n", row->name);
        defects++;
    }
    return defects;
}

unsigned fx_pnp_table_check(void)
{
    bool seen[FX_PNP_STATE_COUNT] = {false};
    unsigned defects = 0;

    for (unsigned s = 0; s < FX_PNP_STATE_COUNT; s++)
        defects += fx_pnp_check_row((enum fx_pnp_state)s);
    if (defects != 0)
        return defects;
    fx_pnp_mark_reachable(S(ADDED), seen);
    for (unsigned s = 0; s < FX_PNP_STATE_COUNT; s++) {
        if (!seen[s]) {
            fprintf(stderr, "fx_pnp: %s is unreachable\n", fx_pnp_table[s].name);
            defects++;
        }
    }
    return defects;
}

/* ---- the engine ---- */

/* Sets up the chain a request starts: why it runs, and the power states its steps pass. */
static void fx_pnp_begin(struct fx_pnp *p, enum fx_pnp_event request,
                         WDF_POWER_DEVICE_STATE target)
{
    p->status = STATUS_SUCCESS;
    p->step_failed = false;
    /* A power-up that fails after EvtDeviceD0Entry powers down to D3Final (the device is about
     * to be removed); removal and surprise removal power down to D3Final too. */
    p->target = WdfPowerDeviceD3Final;
    switch (request) {
    case E(START):
        p->goal = FX_PNP_GOAL_START;
        p->previous = WdfPowerDeviceD3Final;
        break;
    case E(POWER_UP):
        p->goal = FX_PNP_GOAL_RESUME;
        p->previous = p->dx_state;
        break;
    case E(POWER_DOWN):
        p->goal = FX_PNP_GOAL_DX;
        p->target = target;
        break;
    case E(REMOVE):
        p->goal = FX_PNP_GOAL_REMOVE;
        break;
    default:
        p->goal = FX_PNP_GOAL_SURPRISE;
        break;
    }
}

static void fx_pnp_run(struct fx_device *dev, enum fx_pnp_state state)
{
    for (;;) {
        const struct fx_pnp_row *row = &fx_pnp_table[state];
        enum fx_pnp_event event;
        enum fx_pnp_state next;

        atomic_store_explicit(&dev->pnp.state, (int)state, memory_order_release);
        if (row->entry == NULL)
            return;
        event = row->entry(dev);
        next = fx_pnp_next(state, event);
        /* The test mode of HOUSE-STYLE §3, always on: a step may only return an event of its
         * own row. */
        if (next == FX_PNP_STATE_COUNT) {
            fprintf(stderr, "fx_pnp: step %s returned %s, not in its row\n", row->name,
                    fx_pnp_event_name(event));
            FX_ASSERT(next != FX_PNP_STATE_COUNT);
        }
        state = next;
    }
}

NTSTATUS fx_pnp_request(struct fx_device *dev, enum fx_pnp_event request,
                        WDF_POWER_DEVICE_STATE target)
{
    enum fx_pnp_state next;
    NTSTATUS status;

    FX_ASSERT(fx_pnp_is_request(request) && fx_worker_is_current(dev->image->worker));
    next = fx_pnp_next(fx_pnp_state(&dev->pnp), request);
    if (next == FX_PNP_STATE_COUNT)
        return STATUS_INVALID_DEVICE_STATE;
    fx_pnp_begin(&dev->pnp, request, target);
    /* DELETE may drop the device's last reference; keep it until the chain has ended. */
    fx_object_reference(&dev->obj);
    fx_pnp_run(dev, next);
    status = dev->pnp.status;
    fx_object_dereference(&dev->obj);
    return status;
}
