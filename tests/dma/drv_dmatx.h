/* drv_dmatx.h - the interface between the DMA-transaction test driver (drv_dmatx.c, a KMDF driver
 * built against the WDK headers only) and its harnesses (tests/dma/test_dmatx*.c).  The driver
 * drives sgdma (ScatterGather64 profile, descriptor rings in common buffers) or pktdma (Packet
 * profile, one register-programmed transfer), polling the device's status from the caller's
 * thread instead of an interrupt (docs/dma.md says why).  WDK types only. */
#ifndef DRV_DMATX_H
#define DRV_DMATX_H

#include <ntddk.h>
#include <wdf.h>

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath);

/* Deliberate misuse, one per verifier rule (docs/rules.md). */
typedef enum _DRV_DMATX_MISUSE {
    DrvDmaTxMisuseNone = 0,
    DrvDmaTxMisuseExecuteTwice,         /* DMA-TX-001 */
    DrvDmaTxMisuseInitializeNoRelease,  /* DMA-TX-001: re-initialize after completion */
    DrvDmaTxMisuseCompleteTwice,        /* DMA-TX-002 */
    DrvDmaTxMisuseLengthOver,           /* DMA-TX-003 */
    DrvDmaTxMisuseReleaseExecuting,     /* DMA-TX-004 */
    DrvDmaTxMisuseDeleteExecuting,      /* DMA-TX-004 */
    DrvDmaTxMisuseLeakAtRemoval,        /* DMA-TX-006: left in flight, device removed */
    DrvDmaTxMisuseV3DdiOnV2,            /* DMA-TX-007 */
    DrvDmaTxMisuseHighIrql,             /* IRQL-001: a transaction DDI above DISPATCH_LEVEL */
    DrvDmaTxMisuseDmaAfterComplete,     /* sgdma: replays the last descriptor after the
                                           transaction completed (the device faults) */
    DrvDmaTxMisuseCompleteRequestEarly, /* DMA-TX-005: request completed before the DMA ends */
} DRV_DMATX_MISUSE;

typedef struct _DRV_DMATX_CONFIG {
    WDF_DMA_PROFILE Profile;      /* WdfDmaProfileScatterGather64Duplex / ...64 / Packet */
    size_t MaximumLength;
    size_t MaxSgElements;         /* 0: leave unlimited */
    ULONG DmaVersion;             /* WdmDmaVersionOverride: 0 or 3 */
    BOOLEAN SgDevice;             /* TRUE: sgdma registers; FALSE: pktdma */
    BOOLEAN Queue;                /* direct I/O and a sequential default queue whose EvtIoRead/
                                     EvtIoWrite use InitializeUsingRequest */
    BOOLEAN BufferedIo;           /* with Queue: buffered instead of direct read/write I/O */
    BOOLEAN Interrupts;           /* completion through the interrupt (pktdma: its line; sgdma:
                                     one MSI message per channel), the ISR and the DPC
                                     (DmaCompleted* and the next EvtProgramDma run in the DPC)
                                     instead of polling */
} DRV_DMATX_CONFIG;

/* Set before the device is added. */
VOID DrvDmaTxConfigure(const DRV_DMATX_CONFIG *Config);
VOID DrvDmaTxSetMisuse(DRV_DMATX_MISUSE Misuse);

/* What one DrvDmaTxTransfer saw. */
typedef struct _DRV_DMATX_RESULT {
    NTSTATUS InitStatus;          /* Initialize */
    NTSTATUS ExecuteStatus;
    NTSTATUS Status;              /* the request status the driver would complete with */
    NTSTATUS DmaStatus;           /* *Status of the terminal DmaCompleted* */
    size_t Bytes;                 /* WdfDmaTransactionGetBytesTransferred at the end */
    ULONG ProgramCalls;           /* EvtProgramDma calls */
    ULONG MaxElements;            /* largest SG list seen */
    ULONG Elements;               /* elements over all lists */
    size_t MaxTransfer;           /* largest GetCurrentDmaTransferLength seen */
    ULONG NotDispatch;            /* EvtProgramDma calls not at DISPATCH_LEVEL */
    ULONG FalseReturns;           /* DmaCompleted* returning FALSE */
} DRV_DMATX_RESULT;

/* Moves Length bytes of the buffer (Mdl, starting Offset bytes into it) to (WriteToDevice) or
 * from device memory at DevOffset with the driver's preallocated transaction on `Channel`
 * (0: the write transaction, 1: the read transaction), then Releases it for reuse.
 * MaxLength != 0: WdfDmaTransactionSetMaximumLength after Initialize.  Passive level, on a
 * thread of the machine; several channels may run at once on different threads. */
VOID DrvDmaTxTransfer(ULONG Channel, WDF_DMA_DIRECTION Direction, PMDL Mdl, size_t Offset,
                      size_t Length, ULONG DevOffset, size_t MaxLength, DRV_DMATX_RESULT *Result);

/* The preallocated transaction of a channel (for the harness's counters). */
WDFDMATRANSACTION DrvDmaTxHandle(ULONG Channel);
WDFDMAENABLER DrvDmaTxEnabler(VOID);
WDFDEVICE DrvDmaTxDevice(VOID);

/* I/O controls of the request mode: the function's low bit is the direction (0 write to the
 * device, 1 read from it); the method is the one named.  READ_IN_DIRECT and WRITE_NEITHER are
 * combinations WdfDmaTransactionInitializeUsingRequest refuses. */
#define IOCTL_DMATX_WRITE_BUFFERED \
    CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_DMATX_READ_BUFFERED \
    CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_DMATX_WRITE_IN_DIRECT \
    CTL_CODE(FILE_DEVICE_UNKNOWN, 0x802, METHOD_IN_DIRECT, FILE_ANY_ACCESS)
#define IOCTL_DMATX_READ_OUT_DIRECT \
    CTL_CODE(FILE_DEVICE_UNKNOWN, 0x803, METHOD_OUT_DIRECT, FILE_ANY_ACCESS)
#define IOCTL_DMATX_WRITE_NEITHER \
    CTL_CODE(FILE_DEVICE_UNKNOWN, 0x804, METHOD_NEITHER, FILE_ANY_ACCESS)
#define IOCTL_DMATX_READ_IN_DIRECT \
    CTL_CODE(FILE_DEVICE_UNKNOWN, 0x805, METHOD_IN_DIRECT, FILE_ANY_ACCESS)

/* What the last read (Channel 1) or write (Channel 0) request saw. */
VOID DrvDmaTxIoResult(ULONG Channel, DRV_DMATX_RESULT *Result);

/* The bus address of the first element of the last SG list EvtProgramDma saw on a channel. */
ULONG64 DrvDmaTxLastAddress(ULONG Channel);

#endif
