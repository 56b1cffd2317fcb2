/* fx_dmatx_sg.c - the scatter/gather profile of the DMA transaction (kmdf layer): fragmentation
 * checks at Initialize, one BuildScatterGatherList[Ex] (preallocated list buffer) or
 * GetScatterGatherList[Ex] (NO_SGLIST_PREALLOCATION) per transfer, PutScatterGatherList when the
 * transfer completes.  The adapter (src/wdm/adapter) does the mapping, bouncing and IOMMU windows.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/using-scatter-gather-dma
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nc-wdm-pbuild_scatter_gather_list
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdmatransaction/nf-wdfdmatransaction-wdfdmatransactioninitialize */
#include "kmdf/dma/fx_dmatransaction.h"

/* Rule DMA-TX (documented status): a transfer that needs more SG elements than
 * WdfDmaEnablerSetMaximumScatterGatherElements allows makes Initialize (or the stage after a
 * partial completion) fail with STATUS_WDF_TOO_FRAGMENTED; the framework does not split at the
 * element limit (nf-wdfdmatransaction-wdfdmatransactioninitialize). */
static NTSTATUS sg_init_resources(struct fx_dma_transaction *tx)
{
    size_t limit = fx_dma_enabler_max_sg_elements(tx->enabler);
    size_t nmr = tx->dir->map_registers;
    size_t pos, fits, pages;

    if (tx->single_transfer) {
        if (tx->length > tx->max_fragment)
            return STATUS_WDF_TOO_MANY_TRANSFERS;
        pages = fx_dmatx_pages(tx, 0, tx->length, (size_t)-1, &fits);
        if (fits < tx->length)
            return STATUS_BUFFER_TOO_SMALL;
        if (pages > nmr)
            return STATUS_WDF_NOT_ENOUGH_MAP_REGISTERS;
        return pages > limit ? STATUS_WDF_TOO_FRAGMENTED : STATUS_SUCCESS;
    }
    for (pos = 0; pos < tx->length; pos += tx->max_fragment) {
        size_t len = tx->length - pos < tx->max_fragment ? tx->length - pos : tx->max_fragment;

        pages = fx_dmatx_pages(tx, pos, len, (size_t)-1, &fits);
        if (fits < len)
            return STATUS_BUFFER_TOO_SMALL; /* the MDL chain is shorter than the length */
        if (pages > limit)
            return STATUS_WDF_TOO_FRAGMENTED;
    }
    return STATUS_SUCCESS;
}

static NTSTATUS sg_start(struct fx_dma_transaction *tx)
{
    (void)tx;
    return STATUS_SUCCESS;
}

/* The adapter's list-control routine: the list is ready (now, or later when map registers
 * freed up); DISPATCH_LEVEL. */
static VOID NTAPI sg_list_control(PDEVICE_OBJECT devobj, PIRP irp, PSCATTER_GATHER_LIST list,
                                  PVOID context)
{
    struct fx_dma_transaction *tx = context;

    (void)devobj;
    (void)irp;
    tx->sg_list = list;
    fx_dmatx_program(tx, list);
}

/* Next transfer: len = min(remaining, T), cut back to the last MDL boundary that fits the
 * adapter's map registers (a single MDL always fits: T <= (NMR - 1) pages). */
static NTSTATUS sg_stage(struct fx_dma_transaction *tx)
{
    PDMA_ADAPTER a = tx->dir->adapter;
    PDMA_OPERATIONS ops = a->DmaOperations;
    PDEVICE_OBJECT devobj = fx_dma_enabler_device_object(tx->enabler);
    BOOLEAN write = tx->direction == WdfDmaDirectionWriteToDevice;
    size_t pos = tx->transferred, len, fits, pages, off;
    PMDL mdl;
    PVOID va;
    NTSTATUS st;

    len = tx->remaining < tx->max_fragment ? tx->remaining : tx->max_fragment;
    pages = fx_dmatx_pages(tx, pos, len, tx->dir->map_registers, &fits);
    if (pages > fx_dma_enabler_max_sg_elements(tx->enabler))
        return STATUS_WDF_TOO_FRAGMENTED;
    if (pages > tx->dir->map_registers && !tx->single_transfer)
        len = fits;
    mdl = fx_dmatx_locate(tx, pos, &off);
    FX_ASSERT(mdl != NULL && len > 0);
    va = (char *)MmGetMdlVirtualAddress(mdl) + off;
    tx->remaining -= len;
    if (tx->dma_version >= 3 && ops->BuildScatterGatherListEx != NULL) {
        ULONG flags = tx->immediate ? DMA_SYNCHRONOUS_CALLBACK : 0;

        if (tx->sg_buffer != NULL)
            st = ops->BuildScatterGatherListEx(a, devobj, tx->transfer_context, mdl, off,
                                               (ULONG)len, flags, sg_list_control, tx, write,
                                               tx->sg_buffer, tx->sg_buffer_size, NULL, NULL,
                                               NULL);
        else
            st = ops->GetScatterGatherListEx(a, devobj, tx->transfer_context, mdl, off,
                                             (ULONG)len, flags, sg_list_control, tx, write, NULL,
                                             NULL, NULL);
    } else if (tx->sg_buffer != NULL) {
        st = ops->BuildScatterGatherList(a, devobj, mdl, va, (ULONG)len, sg_list_control, tx,
                                         write, tx->sg_buffer, tx->sg_buffer_size);
    } else {
        st = ops->GetScatterGatherList(a, devobj, mdl, va, (ULONG)len, sg_list_control, tx,
                                       write);
    }
    /* On success the list-control routine ran or will run: tx is no longer ours. */
    if (!NT_SUCCESS(st))
        tx->remaining += len;
    return st;
}

static NTSTATUS sg_transfer_completed(struct fx_dma_transaction *tx)
{
    PDMA_ADAPTER a = tx->dir->adapter;

    if (tx->sg_list != NULL) {
        a->DmaOperations->PutScatterGatherList(a, tx->sg_list,
                                               tx->direction == WdfDmaDirectionWriteToDevice);
        tx->sg_list = NULL;
    }
    return STATUS_SUCCESS;
}

static void sg_release(struct fx_dma_transaction *tx)
{
    if (tx->dir != NULL)
        (void)sg_transfer_completed(tx);
}

const struct fx_dmatx_profile_ops fx_dmatx_sg_ops = {
    .name = "scatter-gather",
    .init_resources = sg_init_resources,
    .start = sg_start,
    .stage = sg_stage,
    .transfer_completed = sg_transfer_completed,
    .release = sg_release,
};
