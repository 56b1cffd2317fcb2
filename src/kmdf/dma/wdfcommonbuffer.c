/* wdfcommonbuffer.c - DDI shims of wdfcommonbuffer.h (kmdf layer): IRQL, handle, pointer, Length
 * and Size checks and the documented statuses; the buffer's work is in fx_commonbuffer.c.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfcommonbuffer/nf-wdfcommonbuffer-wdfcommonbuffercreate
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfcommonbuffer/nf-wdfcommonbuffer-wdfcommonbuffercreatewithconfig
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfcommonbuffer/nf-wdfcommonbuffer-wdfcommonbuffergetalignedlogicaladdress */
#include "kmdf/ddi_table.h"
#include "kmdf/dma/fx_dmaenabler.h"
#include "platform/exec_ctx.h"
#include "verifier/vf.h"

static struct fx_common_buffer *fx_common_buffer_resolve(PWDF_DRIVER_GLOBALS globals,
                                                         WDFCOMMONBUFFER handle, const char *ddi,
                                                         const void *caller)
{
    struct fx_object *obj =
        fx_object_resolve(globals, handle, FX_TYPE_COMMON_BUFFER, ddi, caller);
    return obj != NULL ? to_common_buffer(obj) : NULL;
}

/* The common steps of both creation DDIs, after the out-pointer was cleared. */
static NTSTATUS fx_common_buffer_create_checked(PWDF_DRIVER_GLOBALS globals,
                                                WDFDMAENABLER DmaEnabler, size_t Length,
                                                const ULONG *alignment,
                                                PWDF_OBJECT_ATTRIBUTES Attributes,
                                                WDFCOMMONBUFFER *CommonBuffer, const char *ddi,
                                                const void *caller)
{
    struct fx_dma_enabler *e;
    struct fx_common_buffer *cb;
    NTSTATUS status;

    if (!fx_check_irql(EXEC_LEVEL_PASSIVE, ddi, caller))
        return STATUS_INVALID_DEVICE_REQUEST;
    e = fx_dma_enabler_resolve(globals, DmaEnabler, ddi, caller);
    if (e == NULL)
        return STATUS_INVALID_HANDLE;
    /* Rule DMA-EN-007: a zero Length is STATUS_INVALID_PARAMETER. */
    if (Length == 0)
        return STATUS_INVALID_PARAMETER;
    status = fx_common_buffer_create(e, Length,
                                     alignment != NULL ? *alignment : e->common_buffer_alignment,
                                     Attributes, ddi, caller, &cb);
    if (NT_SUCCESS(status))
        *CommonBuffer = (WDFCOMMONBUFFER)fx_object_handle(&cb->obj);
    return status;
}

NTSTATUS imp_WdfCommonBufferCreate(PWDF_DRIVER_GLOBALS globals, WDFDMAENABLER DmaEnabler,
                                   size_t Length, PWDF_OBJECT_ATTRIBUTES Attributes,
                                   WDFCOMMONBUFFER *CommonBuffer)
{
    static const char ddi[] = "WdfCommonBufferCreate";
    const void *caller = VF_CALLER();

    if (!fx_check_not_null(CommonBuffer, "CommonBuffer", ddi, caller))
        return STATUS_INVALID_PARAMETER;
    *CommonBuffer = NULL;
    return fx_common_buffer_create_checked(globals, DmaEnabler, Length, NULL, Attributes,
                                           CommonBuffer, ddi, caller);
}

NTSTATUS imp_WdfCommonBufferCreateWithConfig(PWDF_DRIVER_GLOBALS globals,
                                             WDFDMAENABLER DmaEnabler, size_t Length,
                                             PWDF_COMMON_BUFFER_CONFIG Config,
                                             PWDF_OBJECT_ATTRIBUTES Attributes,
                                             WDFCOMMONBUFFER *CommonBuffer)
{
    static const char ddi[] = "WdfCommonBufferCreateWithConfig";
    const void *caller = VF_CALLER();
    ULONG mask;

    if (!fx_check_not_null(Config, "Config", ddi, caller) ||
        !fx_check_not_null(CommonBuffer, "CommonBuffer", ddi, caller))
        return STATUS_INVALID_PARAMETER;
    /* Rule DMA-EN-008: Config->Size is sizeof(WDF_COMMON_BUFFER_CONFIG), checked before the
     * out-handle is cleared, as KMDF does. */
    if (Config->Size != sizeof(WDF_COMMON_BUFFER_CONFIG))
        return STATUS_INFO_LENGTH_MISMATCH;
    *CommonBuffer = NULL;
    mask = Config->AlignmentRequirement;
    /* Rule WDF-PARAM-002: AlignmentRequirement is a mask (2^n - 1), as FILE_xxx_ALIGNMENT. */
    if ((mask & (mask + 1)) != 0) {
        vf_report(VF_RULE_PARAM_INVALID, DmaEnabler, ddi, caller,
                  "Config->AlignmentRequirement 0x%x is not a 2^n - 1 mask", (unsigned)mask);
        return STATUS_INVALID_PARAMETER;
    }
    return fx_common_buffer_create_checked(globals, DmaEnabler, Length, &mask, Attributes,
                                           CommonBuffer, ddi, caller);
}

PVOID imp_WdfCommonBufferGetAlignedVirtualAddress(PWDF_DRIVER_GLOBALS globals,
                                                  WDFCOMMONBUFFER CommonBuffer)
{
    static const char ddi[] = "WdfCommonBufferGetAlignedVirtualAddress";
    const void *caller = VF_CALLER();
    struct fx_common_buffer *cb;

    if (!fx_check_irql(EXEC_LEVEL_DISPATCH, ddi, caller))
        return NULL;
    cb = fx_common_buffer_resolve(globals, CommonBuffer, ddi, caller);
    return cb != NULL ? cb->va : NULL;
}

PHYSICAL_ADDRESS imp_WdfCommonBufferGetAlignedLogicalAddress(PWDF_DRIVER_GLOBALS globals,
                                                             WDFCOMMONBUFFER CommonBuffer)
{
    static const char ddi[] = "WdfCommonBufferGetAlignedLogicalAddress";
    const void *caller = VF_CALLER();
    PHYSICAL_ADDRESS none = {.QuadPart = 0};
    struct fx_common_buffer *cb;

    if (!fx_check_irql(EXEC_LEVEL_DISPATCH, ddi, caller))
        return none;
    cb = fx_common_buffer_resolve(globals, CommonBuffer, ddi, caller);
    return cb != NULL ? cb->la : none;
}

size_t imp_WdfCommonBufferGetLength(PWDF_DRIVER_GLOBALS globals, WDFCOMMONBUFFER CommonBuffer)
{
    static const char ddi[] = "WdfCommonBufferGetLength";
    const void *caller = VF_CALLER();
    struct fx_common_buffer *cb;

    if (!fx_check_irql(EXEC_LEVEL_DISPATCH, ddi, caller))
        return 0;
    cb = fx_common_buffer_resolve(globals, CommonBuffer, ddi, caller);
    return cb != NULL ? cb->length : 0;
}
