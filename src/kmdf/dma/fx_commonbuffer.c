/* fx_commonbuffer.c - framework common buffers (kmdf layer): a WDFCOMMONBUFFER is a child of its
 * DMA enabler holding one AllocateCommonBuffer allocation of the enabler's read adapter (so it is
 * physically contiguous, reachable by the device's address width and has its IOMMU window open)
 * with its logical address aligned as the enabler or WDF_COMMON_BUFFER_CONFIG asks.  It is freed
 * when the object is deleted, by the driver or with the enabler.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/using-common-buffers
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfcommonbuffer/nf-wdfcommonbuffer-wdfcommonbuffercreate
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfcommonbuffer/nf-wdfcommonbuffer-wdfcommonbuffercreatewithconfig */
#include "kmdf/dma/fx_dmaenabler.h"

#include <stdint.h>
#include <string.h>

#include "verifier/vf.h"

/* The adapter follows every common buffer with at least 64 guard bytes (docs/dma-adapter.md,
 * src/wdm/adapter/common_buffer.c); the framework checks those first ones itself. */
#define FX_CB_GUARD_CHECKED 64u

C_ASSERT(sizeof(((struct fx_common_buffer *)0)->guard) == FX_CB_GUARD_CHECKED);

/* Rule DMA-CB-001, named after the WDFCOMMONBUFFER: a CPU write past the buffer's end shows as
 * changed guard bytes.  The framework reports it with the object's handle and creation site,
 * then puts the bytes back so the adapter's own check at FreeCommonBuffer does not report the
 * same overrun a second time (it still reports writes beyond these first bytes). */
static void fx_common_buffer_check_guard(struct fx_common_buffer *cb)
{
    UCHAR *g = (UCHAR *)cb->raw_va + cb->raw_length;
    size_t count = 0, first = 0;

    for (size_t i = FX_CB_GUARD_CHECKED; i-- > 0;) {
        if (g[i] != cb->guard[i]) {
            count++;
            first = i;
        }
    }
    if (count == 0)
        return;
    vf_report(VF_RULE_COMMON_BUFFER_OVERRUN, fx_object_handle(&cb->obj), "WdfObjectDelete",
              cb->obj.origin,
              "WDFCOMMONBUFFER of %zu bytes: %zu byte(s) written past its end, the first at "
              "offset +%zu (its creation is the caller shown)",
              cb->length, count, (size_t)(g + first - (UCHAR *)cb->va) - cb->length);
    memcpy(g, cb->guard, FX_CB_GUARD_CHECKED);
}

/* Delete: the memory goes back to the adapter, which closes the IOMMU window and checks the
 * rest of the guard bytes.  The enabler is still alive: this buffer holds a reference on it
 * until destroy. */
static void fx_common_buffer_dispose(struct fx_object *obj)
{
    struct fx_common_buffer *cb = to_common_buffer(obj);
    PDMA_ADAPTER a = cb->adapter;

    if (a == NULL)
        return;
    cb->adapter = NULL;
    fx_common_buffer_check_guard(cb);
    a->DmaOperations->FreeCommonBuffer(a, cb->raw_length, cb->raw_la, cb->raw_va, TRUE);
}

static void fx_common_buffer_destroy(struct fx_object *obj)
{
    struct fx_common_buffer *cb = to_common_buffer(obj);

    fx_common_buffer_dispose(obj); /* a leaked buffer freed without its dispose */
    if (cb->enabler != NULL)
        fx_object_dereference(&cb->enabler->obj);
}

/* The enabler is always the parent: a ParentObject is STATUS_WDF_PARENT_ASSIGNMENT_NOT_ALLOWED
 * (nf-wdfcommonbuffer-wdfcommonbuffercreate, Attributes). */
static const struct fx_object_ops fx_common_buffer_ops = {
    .type = FX_TYPE_COMMON_BUFFER,
    .size = sizeof(struct fx_common_buffer),
    .attr_options = FX_ATTR_PARENT_NOT_ALLOWED,
    .dispose = fx_common_buffer_dispose,
    .destroy = fx_common_buffer_destroy,
};

/* KMDF asks the adapter for Length + the alignment mask when the mask exceeds a page, since the
 * adapter only guarantees page alignment; smaller masks are met by the page-aligned buffer
 * itself (FxCommonBuffer::AllocateCommonBuffer).  False if that does not fit a ULONG. */
static bool fx_common_buffer_raw_length(size_t length, ULONG alignment, ULONG *raw)
{
    uint64_t n = length;

    if (alignment > PAGE_SIZE - 1)
        n += alignment;
    if (n > UINT32_MAX)
        return false;
    *raw = (ULONG)n;
    return true;
}

NTSTATUS fx_common_buffer_create(struct fx_dma_enabler *e, size_t length, ULONG alignment,
                                 PWDF_OBJECT_ATTRIBUTES attributes, const char *ddi,
                                 const void *caller, struct fx_common_buffer **out)
{
    struct fx_common_buffer *cb;
    struct fx_object *obj;
    PDMA_ADAPTER a = e->read.adapter;
    uint64_t raw, aligned;
    ULONG raw_length;
    NTSTATUS status;

    *out = NULL;
    status = fx_object_create(e->obj.globals, &fx_common_buffer_ops, attributes, &e->obj, ddi,
                              caller, &obj);
    if (!NT_SUCCESS(status))
        return status;
    cb = to_common_buffer(obj);
    cb->enabler = e;
    fx_object_reference(&e->obj);
    if (!fx_common_buffer_raw_length(length, alignment, &raw_length)) {
        DbgPrintEx(DPFLTR_SYSTEM_ID, DPFLTR_WARNING_LEVEL,
                   "WDF %s: Length %zu (with alignment 0x%x) does not fit a common buffer, "
                   "returning 0x%08X\n", ddi, length, (unsigned)alignment,
                   (unsigned)STATUS_INSUFFICIENT_RESOURCES);
        status = STATUS_INSUFFICIENT_RESOURCES;
        goto fail;
    }
    cb->raw_va = a->DmaOperations->AllocateCommonBuffer(a, raw_length, &cb->raw_la, TRUE);
    if (cb->raw_va == NULL) {
        status = STATUS_INSUFFICIENT_RESOURCES;
        goto fail;
    }
    cb->adapter = a;
    cb->raw_length = raw_length;
    memcpy(cb->guard, (UCHAR *)cb->raw_va + raw_length, FX_CB_GUARD_CHECKED);
    cb->length = length;
    cb->alignment = alignment;
    raw = (uint64_t)cb->raw_la.QuadPart;
    aligned = (raw + alignment) & ~(uint64_t)alignment;
    /* Only the logical address is aligned on purpose; the virtual address moves with it. */
    FX_ASSERT(aligned - raw + length <= raw_length);
    cb->la.QuadPart = (LONGLONG)aligned;
    cb->va = (UCHAR *)cb->raw_va + (aligned - raw);
    *out = cb;
    return STATUS_SUCCESS;

fail:
    fx_object_discard(obj);
    return status;
}
