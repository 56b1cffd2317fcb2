/* vf_rules.h - the verifier rule catalogue: one enum value per rule, and its ID, name and the
 * documented rule it models (vf_rules.c).  docs/rules.md lists the same IDs with their tests.
 * Add a rule by appending to the enum and to the table in vf_rules.c. */
#ifndef DMABOX_VERIFIER_VF_RULES_H
#define DMABOX_VERIFIER_VF_RULES_H

enum vf_rule {
    /* IRQL and synchronisation (wdm) */
    VF_RULE_IRQL_TOO_HIGH,          /* DDI called above its maximum IRQL */
    VF_RULE_IRQL_NOT_PASSIVE,       /* DDI that must run at PASSIVE_LEVEL called higher */
    VF_RULE_IRQL_RAISE_LOWER,       /* KeRaiseIrql to a lower level / KeLowerIrql to a higher one */
    VF_RULE_SPINLOCK_IRQL,          /* ...AtDpcLevel below DISPATCH_LEVEL, release at wrong IRQL */
    VF_RULE_SPINLOCK_NOT_OWNED,     /* release of a spin lock this thread does not hold */
    VF_RULE_SPINLOCK_RECURSIVE,     /* acquire of a spin lock this thread already holds */
    VF_RULE_WAIT_AT_DISPATCH,       /* blocking wait at DISPATCH_LEVEL or above */
    /* Memory, pool, MDLs (wdm) */
    VF_RULE_POOL_BAD_FREE,          /* free of a pointer not from pool, or a double free */
    VF_RULE_POOL_LEAK,              /* pool still allocated at machine teardown */
    VF_RULE_MDL_BAD_BUFFER,         /* MDL built over memory that is not machine RAM */
    VF_RULE_MMIO_UNMAPPED,          /* register access outside any mapped BAR */
    /* WDF object model (kmdf) */
    VF_RULE_HANDLE_INVALID,         /* NULL or never-issued handle */
    VF_RULE_HANDLE_WRONG_TYPE,      /* handle of another object type */
    VF_RULE_HANDLE_DELETED,         /* handle of an object already deleted */
    VF_RULE_NULL_PARAMETER,         /* required pointer parameter is NULL */
    VF_RULE_OBJECT_DELETE_NOT_ALLOWED, /* WdfObjectDelete on an object the framework owns */
    VF_RULE_OBJECT_REF_UNDERFLOW,   /* more dereferences than references */
    VF_RULE_CONTEXT_BAD_TYPE,       /* context type info invalid or not attached */
    /* Pool, MDLs, thread context (wdm; appended) */
    VF_RULE_POOL_TAG_MISMATCH,      /* ExFreePoolWithTag with a tag other than the allocation's */
    VF_RULE_NO_MACHINE,             /* WDM call from a thread not attached to any machine */
    VF_RULE_POOL_BAD_REQUEST,       /* pool allocation with tag 0 or invalid pool flags/type */
    VF_RULE_POOL_CANNOT_RAISE,      /* allocation that must raise/succeed failed; NULL returned */
    VF_RULE_MDL_FREE_LOCKED,        /* IoFreeMdl of an MDL whose pages are still locked */
    VF_RULE_MDL_NOT_LOCKED,         /* unlock/map of an MDL whose pages were never locked */
    VF_RULE_MMIO_BAD_WIDTH,         /* register/port access of a width the device does not accept */
    VF_RULE_MMIO_BAD_UNMAP,         /* MmUnmapIoSpace of an address/size MmMapIoSpace did not return */
    VF_RULE_MDL_NOT_MAPPED,         /* MmUnmapLockedPages of an MDL/address that is not mapped */
    /* Waits (wdm; appended) */
    VF_RULE_WAIT_BAD_ARGUMENT,      /* wait on a non-event object, or too many objects / no wait blocks */
    /* WDF DDI table and object lifetime (kmdf; appended) */
    VF_RULE_DDI_NOT_IMPLEMENTED,    /* driver called a KMDF DDI slot dmabox does not implement */
    VF_RULE_OBJECT_LEAK,            /* object kept alive past driver unbind / machine teardown */
    /* Framework locks (kmdf; appended) */
    VF_RULE_LOCK_RECURSIVE,         /* WdfWaitLockAcquire by the thread that already holds it */
    VF_RULE_LOCK_NOT_OWNED,         /* WdfWaitLockRelease by a thread that does not hold it */
    /* Driver and device objects (kmdf core; appended) */
    VF_RULE_DEVICE_INIT_MISUSE,     /* WDFDEVICE_INIT not from EvtDriverDeviceAdd, or used after WdfDeviceCreate */
    VF_RULE_PARAM_INVALID,          /* a structure's Size or an enum parameter outside its documented values */
    /* DMA adapter (wdm/adapter; appended) */
    VF_RULE_DMA_ADAPTER_INVALID,    /* NULL/foreign adapter, bad DEVICE_DESCRIPTION, op beyond the adapter's version */
    VF_RULE_DMA_IRQL_NOT_DISPATCH,  /* adapter routine that requires DISPATCH_LEVEL called below it */
    VF_RULE_DMA_BAD_BUFFER,         /* CurrentVa/offset/length outside the MDL (chain), or zero length */
    VF_RULE_DMA_SG_BAD_PUT,         /* PutScatterGatherList of a list not outstanding on this adapter */
    VF_RULE_DMA_SG_LEAK,            /* scatter/gather list still outstanding at PutDmaAdapter */
    VF_RULE_DMA_MAP_REGISTERS_MISUSE, /* bad MapRegisterBase/count, channel not held, over-mapping */
    VF_RULE_DMA_MAP_REGISTERS_LEAK, /* map registers, channel or queued allocation left at PutDmaAdapter */
    VF_RULE_COMMON_BUFFER_OVERRUN,  /* bytes past the end of a common buffer written (found at free) */
    VF_RULE_DMA_COMMON_BUFFER_BAD_FREE, /* FreeCommonBuffer of something AllocateCommonBuffer did not return */
    VF_RULE_DMA_COMMON_BUFFER_LEAK, /* common buffer still allocated at PutDmaAdapter */
    /* Interrupts, DPCs, work items, timers (kmdf irq; appended) */
    VF_RULE_INTR_LOCK_RECURSIVE,    /* interrupt lock/synchronize by the thread that already holds it (ISR, ...) */
    VF_RULE_INTR_NO_DEFERRED_CALLBACK, /* WdfInterruptQueueDpcForIsr/WorkItemForIsr without that callback */
    VF_RULE_INTR_RELEASE_NOT_HELD,  /* WdfInterruptReleaseLock without WdfInterruptAcquireLock by this thread */
    VF_RULE_INTR_NO_RESOURCE,       /* interrupt lock/synchronize while the interrupt has no resource */
    VF_RULE_WAIT_OWN_CALLBACK,      /* WdfTimerStop(Wait)/WdfWorkItemFlush from the object's own callback */
    /* I/O queues and requests (kmdf io; appended) */
    VF_RULE_REQUEST_COMPLETED_TWICE, /* WdfRequestComplete* on a request already completed */
    VF_RULE_REQUEST_COMPLETE_CANCELABLE, /* request completed while still marked cancelable */
    VF_RULE_REQUEST_NOT_COMPLETED,  /* request the driver still owned when its device was removed */
    VF_RULE_REQUEST_USED_AFTER_COMPLETE, /* buffer/MDL/memory of a request already completed */
    VF_RULE_REQUEST_STOP_ACK_NO_STOP, /* WdfRequestStopAcknowledge without EvtIoStop for it */
    /* DMA transactions (kmdf dma; appended) */
    VF_RULE_DMATX_WRONG_STATE,      /* transaction DDI in a state that does not allow it (Execute twice, Initialize without Release, ...) */
    VF_RULE_DMATX_NO_TRANSFER,      /* DmaCompleted* with no transfer in flight */
    VF_RULE_DMATX_LENGTH_OVER,      /* DmaCompletedWithLength/Final reports more bytes than the current transfer */
    VF_RULE_DMATX_RELEASE_EXECUTING, /* Release or WdfObjectDelete of a transaction in the Transfer state */
    VF_RULE_DMATX_REQUEST_COMPLETED, /* request completed while its DMA transaction is in flight */
    VF_RULE_DMATX_LEAKED,           /* transaction still in flight when its enabler/device was deleted */
    VF_RULE_DMATX_NOT_SUPPORTED,    /* DDI the transaction's DMA version or profile does not support (v3-only, system-only) */
    VF_RULE_COUNT
};

struct vf_rule_info {
    const char *id;      /* stable ID used in code comments, tests and docs/rules.md */
    const char *name;    /* short name printed in reports */
    const char *doc;     /* the Microsoft page whose rule this models */
};

const struct vf_rule_info *vf_rule_info(enum vf_rule rule);

#endif
