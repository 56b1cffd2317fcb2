/* vf_rules.c - the verifier rule catalogue (IDs, names, documentation pages); see vf_rules.h. */
#include "vf_rules.h"

#include <stddef.h>

#define DOC_IRQL "https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/managing-hardware-priorities"
#define DOC_SPIN "https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/spin-locks"
#define DOC_POOL "https://learn.microsoft.com/en-us/windows-hardware/drivers/devtest/special-pool"
#define DOC_MDL "https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/using-mdls"
#define DOC_MMIO "https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-mmmapiospace"
#define DOC_MMIO_UNMAP "https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-mmunmapiospace"
#define DOC_KMDF_VF "https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/using-kmdf-verifier"
#define DOC_OBJ_LIFE "https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/framework-object-life-cycle"
#define DOC_OBJ_DEL "https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfobject/nf-wdfobject-wdfobjectdelete"
#define DOC_FREEPOOL "https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-exfreepoolwithtag"
#define DOC_POOL2 "https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-exallocatepool2"
#define DOC_UNLOCK "https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-mmunlockpages"
#define DOC_UNMAP "https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-mmunmaplockedpages"
#define DOC_CONTEXT "https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/framework-object-context-space"

static const struct vf_rule_info rules[VF_RULE_COUNT] = {
    [VF_RULE_IRQL_TOO_HIGH] = {"IRQL-001", "ddi-irql-too-high", DOC_IRQL},
    [VF_RULE_IRQL_NOT_PASSIVE] = {"IRQL-002", "ddi-requires-passive", DOC_IRQL},
    [VF_RULE_IRQL_RAISE_LOWER] = {"IRQL-003", "raise-lower-mismatch", DOC_IRQL},
    [VF_RULE_SPINLOCK_IRQL] = {"SPIN-001", "spinlock-wrong-irql", DOC_SPIN},
    [VF_RULE_SPINLOCK_NOT_OWNED] = {"SPIN-002", "spinlock-release-not-owned", DOC_SPIN},
    [VF_RULE_SPINLOCK_RECURSIVE] = {"SPIN-003", "spinlock-recursive-acquire", DOC_SPIN},
    [VF_RULE_WAIT_AT_DISPATCH] = {"IRQL-004", "wait-at-dispatch", DOC_IRQL},
    [VF_RULE_POOL_BAD_FREE] = {"POOL-001", "pool-bad-free", DOC_POOL},
    [VF_RULE_POOL_LEAK] = {"POOL-002", "pool-leak-at-teardown", DOC_POOL},
    [VF_RULE_MDL_BAD_BUFFER] = {"MDL-001", "mdl-buffer-not-ram", DOC_MDL},
    [VF_RULE_MMIO_UNMAPPED] = {"MMIO-001", "register-access-unmapped", DOC_MMIO},
    [VF_RULE_HANDLE_INVALID] = {"WDF-HANDLE-001", "handle-invalid", DOC_KMDF_VF},
    [VF_RULE_HANDLE_WRONG_TYPE] = {"WDF-HANDLE-002", "handle-wrong-type", DOC_KMDF_VF},
    [VF_RULE_HANDLE_DELETED] = {"WDF-HANDLE-003", "handle-deleted", DOC_OBJ_LIFE},
    [VF_RULE_NULL_PARAMETER] = {"WDF-PARAM-001", "required-parameter-null", DOC_KMDF_VF},
    [VF_RULE_OBJECT_DELETE_NOT_ALLOWED] = {"WDF-OBJ-001", "delete-not-allowed", DOC_OBJ_DEL},
    [VF_RULE_OBJECT_REF_UNDERFLOW] = {"WDF-OBJ-002", "reference-underflow", DOC_OBJ_LIFE},
    [VF_RULE_CONTEXT_BAD_TYPE] = {"WDF-CTX-001", "context-type-invalid", DOC_CONTEXT},
    [VF_RULE_POOL_TAG_MISMATCH] = {"POOL-003", "pool-free-tag-mismatch", DOC_FREEPOOL},
    [VF_RULE_NO_MACHINE] = {"CTX-001", "thread-not-on-a-machine", DOC_IRQL},
    [VF_RULE_POOL_BAD_REQUEST] = {"POOL-004", "pool-bad-request", DOC_POOL2},
    [VF_RULE_POOL_CANNOT_RAISE] = {"POOL-005", "pool-failure-cannot-raise", DOC_POOL2},
    [VF_RULE_MDL_FREE_LOCKED] = {"MDL-002", "mdl-freed-while-locked", DOC_UNLOCK},
    [VF_RULE_MDL_NOT_LOCKED] = {"MDL-003", "mdl-pages-not-locked", DOC_UNLOCK},
    [VF_RULE_MDL_NOT_MAPPED] = {"MDL-004", "mdl-unmap-not-mapped", DOC_UNMAP},
    [VF_RULE_MMIO_BAD_WIDTH] = {"MMIO-002", "register-access-bad-width", DOC_MMIO},
    [VF_RULE_MMIO_BAD_UNMAP] = {"MMIO-003", "unmap-io-space-mismatch", DOC_MMIO_UNMAP},
    [VF_RULE_WAIT_BAD_ARGUMENT] = {"WAIT-001", "wait-bad-argument",
                                   "https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-kewaitformultipleobjects"},
    [VF_RULE_DDI_NOT_IMPLEMENTED] = {"WDF-DDI-001", "ddi-not-implemented",
                                     "https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/building-and-loading-a-kmdf-driver"},
    [VF_RULE_OBJECT_LEAK] = {"WDF-OBJ-003", "object-leaked", DOC_OBJ_LIFE},
    [VF_RULE_LOCK_RECURSIVE] = {"WDF-LOCK-001", "lock-recursive-acquire",
                                "https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfsync/nf-wdfsync-wdfwaitlockacquire"},
    [VF_RULE_LOCK_NOT_OWNED] = {"WDF-LOCK-002", "lock-release-not-owned",
                                "https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfsync/nf-wdfsync-wdfwaitlockrelease"},
    [VF_RULE_DEVICE_INIT_MISUSE] = {"WDF-DEV-001", "device-init-misuse",
                                    "https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdevice/nf-wdfdevice-wdfdevicecreate"},
    [VF_RULE_PARAM_INVALID] = {"WDF-PARAM-002", "parameter-invalid", DOC_KMDF_VF},
    [VF_RULE_DMA_ADAPTER_INVALID] = {"DMA-ADP-001", "dma-adapter-invalid",
                                     "https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-iogetdmaadapter"},
    [VF_RULE_DMA_IRQL_NOT_DISPATCH] = {"DMA-IRQL-001", "dma-requires-dispatch",
                                       "https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nc-wdm-pallocate_adapter_channel"},
    [VF_RULE_DMA_BAD_BUFFER] = {"DMA-BUF-001", "dma-buffer-outside-mdl",
                                "https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nc-wdm-pget_scatter_gather_list"},
    [VF_RULE_DMA_SG_BAD_PUT] = {"DMA-SG-001", "sg-list-bad-put",
                                "https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nc-wdm-pput_scatter_gather_list"},
    [VF_RULE_DMA_SG_LEAK] = {"DMA-SG-002", "sg-list-leaked",
                             "https://learn.microsoft.com/en-us/windows-hardware/drivers/devtest/dma-verification"},
    [VF_RULE_DMA_MAP_REGISTERS_MISUSE] = {"DMA-MR-001", "map-registers-misuse",
                                          "https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nc-wdm-pfree_map_registers"},
    [VF_RULE_DMA_MAP_REGISTERS_LEAK] = {"DMA-MR-002", "map-registers-leaked",
                                        "https://learn.microsoft.com/en-us/windows-hardware/drivers/devtest/dma-verification"},
    [VF_RULE_COMMON_BUFFER_OVERRUN] = {"DMA-CB-001", "common-buffer-overrun",
                                       "https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nc-wdm-pallocate_common_buffer"},
    [VF_RULE_DMA_COMMON_BUFFER_BAD_FREE] = {"DMA-CB-002", "common-buffer-bad-free",
                                            "https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nc-wdm-pfree_common_buffer"},
    [VF_RULE_DMA_COMMON_BUFFER_LEAK] = {"DMA-CB-003", "common-buffer-leaked",
                                        "https://learn.microsoft.com/en-us/windows-hardware/drivers/devtest/dma-verification"},
    [VF_RULE_INTR_LOCK_RECURSIVE] = {"WDF-INTR-001", "interrupt-lock-recursive",
                                     "https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfinterrupt/nf-wdfinterrupt-wdfinterruptacquirelock"},
    [VF_RULE_INTR_NO_DEFERRED_CALLBACK] = {"WDF-INTR-002", "interrupt-queue-without-callback",
                                           "https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfinterrupt/nf-wdfinterrupt-wdfinterruptqueuedpcforisr"},
    [VF_RULE_INTR_RELEASE_NOT_HELD] = {"WDF-INTR-003", "interrupt-release-not-held",
                                       "https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfinterrupt/nf-wdfinterrupt-wdfinterruptreleaselock"},
    [VF_RULE_INTR_NO_RESOURCE] = {"WDF-INTR-004", "interrupt-lock-without-resource",
                                  "https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfinterrupt/nf-wdfinterrupt-wdfinterruptacquirelock"},
    [VF_RULE_WAIT_OWN_CALLBACK] = {"WDF-DEFER-001", "wait-from-own-callback",
                                   "https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdftimer/nf-wdftimer-wdftimerstop"},
    [VF_RULE_REQUEST_COMPLETED_TWICE] = {"WDF-REQ-001", "request-completed-twice",
                                         "https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfrequest/nf-wdfrequest-wdfrequestcomplete"},
    [VF_RULE_REQUEST_COMPLETE_CANCELABLE] = {"WDF-REQ-002", "request-completed-while-cancelable",
                                             "https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfrequest/nf-wdfrequest-wdfrequestunmarkcancelable"},
    [VF_RULE_REQUEST_NOT_COMPLETED] = {"WDF-REQ-003", "request-left-at-removal",
                                       "https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/using-power-managed-i-o-queues"},
    [VF_RULE_REQUEST_USED_AFTER_COMPLETE] = {"WDF-REQ-004", "request-used-after-completion",
                                             "https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfrequest/nf-wdfrequest-wdfrequestretrieveoutputbuffer"},
    [VF_RULE_REQUEST_STOP_ACK_NO_STOP] = {"WDF-REQ-005", "stop-acknowledge-without-stop",
                                          "https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfrequest/nf-wdfrequest-wdfrequeststopacknowledge"},
    [VF_RULE_DMATX_WRONG_STATE] = {"DMA-TX-001", "dma-transaction-wrong-state",
                                   "https://learn.microsoft.com/en-us/windows-hardware/drivers/debugger/bug-check-0x10d---wdf-violation"},
    [VF_RULE_DMATX_NO_TRANSFER] = {"DMA-TX-002", "dma-completed-without-transfer",
                                   "https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdmatransaction/nf-wdfdmatransaction-wdfdmatransactiondmacompleted"},
    [VF_RULE_DMATX_LENGTH_OVER] = {"DMA-TX-003", "dma-completed-length-too-large",
                                   "https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdmatransaction/nf-wdfdmatransaction-wdfdmatransactiondmacompletedwithlength"},
    [VF_RULE_DMATX_RELEASE_EXECUTING] = {"DMA-TX-004", "dma-transaction-released-while-executing",
                                         "https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdfdmatransaction/nf-wdfdmatransaction-wdfdmatransactionrelease"},
    [VF_RULE_DMATX_REQUEST_COMPLETED] = {"DMA-TX-005", "request-completed-during-dma",
                                         "https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/completing-a-dma-transaction"},
    [VF_RULE_DMATX_LEAKED] = {"DMA-TX-006", "dma-transaction-in-flight-at-removal",
                              "https://learn.microsoft.com/en-us/windows-hardware/drivers/devtest/dma-verification"},
    [VF_RULE_DMATX_NOT_SUPPORTED] = {"DMA-TX-007", "dma-transaction-ddi-not-supported",
                                     "https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/using-dma-version-3"},
};

const struct vf_rule_info *vf_rule_info(enum vf_rule rule)
{
    static const struct vf_rule_info unknown = {"?", "unknown-rule", ""};
    if ((unsigned)rule >= VF_RULE_COUNT || rules[rule].id == NULL)
        return &unknown;
    return &rules[rule];
}
