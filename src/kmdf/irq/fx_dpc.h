/* fx_dpc.h - the framework DPC object behind WDFDPC (kmdf layer, internal): a platform DPC
 * (exec_dpc) that calls the driver's EvtDpcFunc at DISPATCH_LEVEL on a DPC thread.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/using-dpc-objects
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdpc/nf-wdfdpc-wdfdpccreate */
#ifndef DMABOX_KMDF_IRQ_FX_DPC_H
#define DMABOX_KMDF_IRQ_FX_DPC_H

#include "kmdf/irq/fx_irq_common.h"

struct fx_dpc {
    struct fx_object obj;          /* first, as for every object */
    struct fx_object *parent;      /* ParentObject (WdfDpcGetParentObject); constant */
    PFN_WDF_DPC fn;
    struct fx_serial serial;
    struct exec_dpc dpc;           /* holds a reference on obj while queued */
    struct fx_rundown rundown;
    bool ready;                    /* fully initialised (dispose/destroy of a failed create) */
};

static inline struct fx_dpc *to_dpc(struct fx_object *o)
{
    FX_ASSERT(o->ops->type == FX_TYPE_DPC);
    return FX_CONTAINER_OF(o, struct fx_dpc, obj);
}

/* WdfDpcCreate's work (the shim checked IRQL and pointers).  Returns STATUS_SUCCESS,
 * STATUS_INFO_LENGTH_MISMATCH (Config->Size), STATUS_INVALID_DEVICE_REQUEST (the parent is not a
 * device or below one), STATUS_WDF_INCOMPATIBLE_EXECUTION_LEVEL (AutomaticSerialization under a
 * passive parent) or an fx_object_create status (STATUS_WDF_PARENT_NOT_SPECIFIED, ...). */
NTSTATUS fx_dpc_create(struct fx_driver_globals *g, PWDF_DPC_CONFIG config,
                       PWDF_OBJECT_ATTRIBUTES attributes, const char *ddi, const void *caller,
                       struct fx_dpc **out);

/* Queues the DPC on the calling thread's CPU (CPU 0 from a thread on no CPU).  Any IRQL.
 * Returns false if it was already queued. */
bool fx_dpc_enqueue(struct fx_dpc *d);

/* Removes a queued DPC (true) or reports it was not queued (false); with wait (PASSIVE_LEVEL,
 * checked by the shim) also waits until a running callback has returned. */
bool fx_dpc_cancel(struct fx_dpc *d, bool wait);

#endif
