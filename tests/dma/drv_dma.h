/* drv_dma.h - the DMA enabler / common buffer test driver's entry points (tests/dma).  The driver
 * (drv_dma.c) is built with dmabox_add_driver and sees only the WDK headers; the harnesses
 * (test_enabler*.c, test_common_buffer*.c) load it with fx_driver_load against the pktdma or
 * sgdma model, choose what EvtDriverDeviceAdd creates with DrvDmaSetPlan, and read its log.
 *
 * The log records, in order: "PrepareHardware", "ReleaseHardware", "D0Entry(<from>)",
 * "D0EntryPost(<from>)", "D0ExitPre(<to>)", "D0Exit(<to>)", "SelfIoInit", "SelfIoRestart",
 * "SelfIoSuspend", "SelfIoFlush", "SelfIoCleanup", and per enabler (letters A, B, C in creation
 * order) "A.Fill", "A.Enable", "A.IoStart", "A.IoStop", "A.Disable", "A.Flush", "A.Cleanup";
 * a callback made to fail is logged with "=fail", one that ran at the wrong IRQL with "!IRQL". */
#ifndef DRV_DMA_H
#define DRV_DMA_H

#include <ntddk.h>
#include <wdf.h>

DRIVER_INITIALIZE DriverEntry;

#define DRV_DMA_MAX_ENABLERS 3

typedef struct _DRV_DMA_PLAN {
    BOOLEAN SetAlignment;             /* WdfDeviceSetAlignmentRequirement(Alignment) first */
    ULONG Alignment;
    BOOLEAN InPrepareHardware;        /* create the enablers there instead of in DeviceAdd */
    ULONG Count;                      /* enablers to create (0..DRV_DMA_MAX_ENABLERS) */
    WDF_DMA_PROFILE Profile;          /* for every enabler */
    size_t MaximumLength;
    ULONG WdmDmaVersionOverride;
    BOOLEAN PowerCallbacks;           /* register the six power callbacks */
} DRV_DMA_PLAN;

/* Forgets everything from a previous load and sets what EvtDriverDeviceAdd does. */
VOID DrvDmaSetPlan(const DRV_DMA_PLAN *Plan);
/* Makes the callback logged as Name ("B.Enable", "A.Fill"...) return Status; NULL: none. */
VOID DrvDmaFail(const CHAR *Name, NTSTATUS Status);

const CHAR *DrvDmaLog(VOID);
VOID DrvDmaLogReset(VOID);

WDFDEVICE DrvDmaDevice(VOID);
/* The enablers the plan created, by index (NULL past the count or after deletion). */
WDFDMAENABLER DrvDmaEnabler(ULONG Index);
/* The status of the last enabler creation the plan made. */
NTSTATUS DrvDmaPlanStatus(VOID);
/* Registers of the device (mapped in EvtDevicePrepareHardware) and its ID register. */
ULONG DrvDmaDeviceId(VOID);

/* Creates an enabler of the device with the given configuration; the callbacks, if asked, log
 * under the next letter.  For the parameter tests. */
NTSTATUS DrvDmaCreateEnabler(PWDF_DMA_ENABLER_CONFIG Config, PWDF_OBJECT_ATTRIBUTES Attributes,
                             BOOLEAN PowerCallbacks, WDFDMAENABLER *Enabler);

/* Moves Length bytes between a common buffer at logical address La and device memory at
 * DevOffset with the device's own engine (pktdma: one packet; sgdma: one descriptor of a
 * two-entry ring in the common buffer Ring), polling for completion.  Returns STATUS_SUCCESS,
 * STATUS_IO_DEVICE_ERROR (the device reported an error) or STATUS_IO_TIMEOUT. */
NTSTATUS DrvDmaMove(WDFCOMMONBUFFER Ring, PHYSICAL_ADDRESS La, ULONG Length, ULONG DevOffset,
                    BOOLEAN ToDevice);

#define DRV_DMA_ID_PKTDMA 0x504B5444u /* "PKTD" */
#define DRV_DMA_ID_SGDMA 0x53474441u  /* "SGDA" */

#endif
