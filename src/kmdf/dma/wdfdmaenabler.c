/* wdfdmaenabler.c - DDI shims of wdfdmaenabler.h (kmdf layer): IRQL, handle, pointer and Size
 * checks and the documented statuses; the enabler's work is in fx_dmaenabler.c.  A bad handle is
 * a finding (a bug check on Windows); after it, in RECORD mode, a status-returning DDI returns
 * STATUS_INVALID_HANDLE and the others return 0 / NULL / nothing.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdmaenabler/nf-wdfdmaenabler-wdfdmaenablercreate
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdmaenabler/nf-wdfdmaenabler-wdfdmaenablersetmaximumscattergatherelements
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdmaenabler/nf-wdfdmaenabler-wdfdmaenablergetfragmentlength
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdmaenabler/nf-wdfdmaenabler-wdfdmaenablerwdmgetdmaadapter */
#include "kmdf/ddi_table.h"
#include "kmdf/dma/fx_dmaenabler.h"
#include "platform/exec_ctx.h"
#include "verifier/vf.h"

/* Rule WDF-PARAM-002: a WDF_DMA_DIRECTION argument is ReadFromDevice or WriteToDevice (KMDF
 * breaks into the debugger with verifier on and returns 0 / NULL). */
static bool fx_dma_check_direction(struct fx_dma_enabler *e, WDF_DMA_DIRECTION dir,
                                   const char *ddi, const void *caller)
{
    if (fx_dma_direction_valid(dir))
        return true;
    vf_report(VF_RULE_PARAM_INVALID, fx_dma_enabler_handle(e), ddi, caller,
              "DmaDirection %d is not a WDF_DMA_DIRECTION value", (int)dir);
    return false;
}

NTSTATUS imp_WdfDmaEnablerCreate(PWDF_DRIVER_GLOBALS globals, WDFDEVICE Device,
                                 PWDF_DMA_ENABLER_CONFIG Config, PWDF_OBJECT_ATTRIBUTES Attributes,
                                 WDFDMAENABLER *DmaEnablerHandle)
{
    static const char ddi[] = "WdfDmaEnablerCreate";
    const void *caller = VF_CALLER();
    struct fx_dma_enabler *e;
    struct fx_object *obj;
    NTSTATUS status;

    if (!fx_check_not_null(DmaEnablerHandle, "DmaEnablerHandle", ddi, caller))
        return STATUS_INVALID_PARAMETER;
    *DmaEnablerHandle = NULL;
    if (!fx_check_irql(EXEC_LEVEL_PASSIVE, ddi, caller))
        return STATUS_INVALID_DEVICE_REQUEST;
    obj = fx_object_resolve(globals, Device, FX_TYPE_DEVICE, ddi, caller);
    if (obj == NULL)
        return STATUS_INVALID_HANDLE;
    if (!fx_check_not_null(Config, "Config", ddi, caller))
        return STATUS_INVALID_PARAMETER;
    status = fx_dma_enabler_create(to_device(obj), Config, Attributes, ddi, caller, &e);
    if (NT_SUCCESS(status))
        *DmaEnablerHandle = fx_dma_enabler_handle(e);
    return status;
}

/* System-mode DMA is outside what dmabox models; no enabler can have a system profile. */
NTSTATUS imp_WdfDmaEnablerConfigureSystemProfile(PWDF_DRIVER_GLOBALS globals,
                                                 WDFDMAENABLER DmaEnabler,
                                                 PWDF_DMA_SYSTEM_PROFILE_CONFIG ProfileConfig,
                                                 WDF_DMA_DIRECTION ConfigDirection)
{
    static const char ddi[] = "WdfDmaEnablerConfigureSystemProfile";
    const void *caller = VF_CALLER();

    (void)ConfigDirection;
    if (!fx_check_irql(EXEC_LEVEL_PASSIVE, ddi, caller))
        return STATUS_INVALID_DEVICE_REQUEST;
    if (fx_dma_enabler_resolve(globals, DmaEnabler, ddi, caller) == NULL)
        return STATUS_INVALID_HANDLE;
    if (ProfileConfig == NULL)
        return STATUS_INVALID_PARAMETER;
    DbgPrintEx(DPFLTR_SYSTEM_ID, DPFLTR_WARNING_LEVEL,
               "WDF %s: system-mode DMA is not supported by dmabox, returning 0x%08X\n", ddi,
               (unsigned)STATUS_NOT_SUPPORTED);
    return STATUS_NOT_SUPPORTED;
}

size_t imp_WdfDmaEnablerGetMaximumLength(PWDF_DRIVER_GLOBALS globals, WDFDMAENABLER DmaEnabler)
{
    static const char ddi[] = "WdfDmaEnablerGetMaximumLength";
    const void *caller = VF_CALLER();
    struct fx_dma_enabler *e;

    if (!fx_check_irql(EXEC_LEVEL_DISPATCH, ddi, caller))
        return 0;
    e = fx_dma_enabler_resolve(globals, DmaEnabler, ddi, caller);
    return e != NULL ? fx_dma_enabler_maximum_length(e) : 0;
}

size_t imp_WdfDmaEnablerGetMaximumScatterGatherElements(PWDF_DRIVER_GLOBALS globals,
                                                        WDFDMAENABLER DmaEnabler)
{
    static const char ddi[] = "WdfDmaEnablerGetMaximumScatterGatherElements";
    const void *caller = VF_CALLER();
    struct fx_dma_enabler *e;

    if (!fx_check_irql(EXEC_LEVEL_DISPATCH, ddi, caller))
        return 0;
    e = fx_dma_enabler_resolve(globals, DmaEnabler, ddi, caller);
    return e != NULL ? fx_dma_enabler_max_sg_elements(e) : 0;
}

/* 0 is traced and ignored; values above 32 bits are clamped to WDF_DMA_ENABLER_UNLIMITED_FRAGMENTS,
 * as KMDF keeps the limit in a ULONG. */
VOID imp_WdfDmaEnablerSetMaximumScatterGatherElements(PWDF_DRIVER_GLOBALS globals,
                                                      WDFDMAENABLER DmaEnabler,
                                                      size_t MaximumFragments)
{
    static const char ddi[] = "WdfDmaEnablerSetMaximumScatterGatherElements";
    const void *caller = VF_CALLER();
    struct fx_dma_enabler *e;

    if (!fx_check_irql(EXEC_LEVEL_PASSIVE, ddi, caller))
        return;
    e = fx_dma_enabler_resolve(globals, DmaEnabler, ddi, caller);
    if (e == NULL)
        return;
    if (MaximumFragments == 0) {
        DbgPrintEx(DPFLTR_SYSTEM_ID, DPFLTR_WARNING_LEVEL,
                   "WDF %s: MaximumFragments 0 ignored, the limit stays %zu\n", ddi,
                   fx_dma_enabler_max_sg_elements(e));
        return;
    }
    if (MaximumFragments > WDF_DMA_ENABLER_UNLIMITED_FRAGMENTS)
        MaximumFragments = WDF_DMA_ENABLER_UNLIMITED_FRAGMENTS;
    atomic_store_explicit(&e->max_sg_elements, MaximumFragments, memory_order_relaxed);
}

size_t imp_WdfDmaEnablerGetFragmentLength(PWDF_DRIVER_GLOBALS globals, WDFDMAENABLER DmaEnabler,
                                          WDF_DMA_DIRECTION DmaDirection)
{
    static const char ddi[] = "WdfDmaEnablerGetFragmentLength";
    const void *caller = VF_CALLER();
    struct fx_dma_enabler *e;

    if (!fx_check_irql(EXEC_LEVEL_DISPATCH, ddi, caller))
        return 0;
    e = fx_dma_enabler_resolve(globals, DmaEnabler, ddi, caller);
    if (e == NULL || !fx_dma_check_direction(e, DmaDirection, ddi, caller))
        return 0;
    return fx_dma_enabler_fragment_length(e, DmaDirection);
}

PDMA_ADAPTER imp_WdfDmaEnablerWdmGetDmaAdapter(PWDF_DRIVER_GLOBALS globals,
                                               WDFDMAENABLER DmaEnabler,
                                               WDF_DMA_DIRECTION DmaDirection)
{
    static const char ddi[] = "WdfDmaEnablerWdmGetDmaAdapter";
    const void *caller = VF_CALLER();
    struct fx_dma_enabler *e;

    if (!fx_check_irql(EXEC_LEVEL_DISPATCH, ddi, caller))
        return NULL;
    e = fx_dma_enabler_resolve(globals, DmaEnabler, ddi, caller);
    if (e == NULL || !fx_dma_check_direction(e, DmaDirection, ddi, caller))
        return NULL;
    return fx_dma_enabler_adapter(e, DmaDirection);
}
