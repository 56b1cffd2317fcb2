/* wdm/irp.h - section of wdm.h: the I/O request packet (IRP), its stack location and the I/O
 * control code macros, as far as a KMDF driver and the DMA code touch them.  The framework
 * builds every IRP (src/kmdf/io/fx_io_submit.c) and the driver reaches it through
 * WdfRequestWdmGetIrp.  The members keep the WDK's names, order and x64 offsets (checked below),
 * so code that reads Irp->MdlAddress, Irp->AssociatedIrp.SystemBuffer, Irp->IoStatus or the
 * current stack location's Parameters compiles and behaves unchanged; the kernel-private members
 * are kept only as opaque space.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/ns-wdm-_irp
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/ns-wdm-_io_stack_location
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/defining-i-o-control-codes */
#ifndef DMABOX_WDK_WDM_IRP_H
#define DMABOX_WDK_WDM_IRP_H

#include "../ntdef.h"
#include "mdl.h"

#ifndef DMABOX_WDK_IRP_DECLARED
#define DMABOX_WDK_IRP_DECLARED
typedef struct _IRP IRP, *PIRP;
#endif

struct _DEVICE_OBJECT;
typedef struct _FILE_OBJECT *PFILE_OBJECT;
typedef struct _ETHREAD *PETHREAD;
typedef struct _IO_SECURITY_CONTEXT *PIO_SECURITY_CONTEXT;

/* ---- major function codes (IRP_MJ_*) ---- */
#define IRP_MJ_CREATE 0x00
#define IRP_MJ_CREATE_NAMED_PIPE 0x01
#define IRP_MJ_CLOSE 0x02
#define IRP_MJ_READ 0x03
#define IRP_MJ_WRITE 0x04
#define IRP_MJ_QUERY_INFORMATION 0x05
#define IRP_MJ_SET_INFORMATION 0x06
#define IRP_MJ_QUERY_EA 0x07
#define IRP_MJ_SET_EA 0x08
#define IRP_MJ_FLUSH_BUFFERS 0x09
#define IRP_MJ_QUERY_VOLUME_INFORMATION 0x0a
#define IRP_MJ_SET_VOLUME_INFORMATION 0x0b
#define IRP_MJ_DIRECTORY_CONTROL 0x0c
#define IRP_MJ_FILE_SYSTEM_CONTROL 0x0d
#define IRP_MJ_DEVICE_CONTROL 0x0e
#define IRP_MJ_INTERNAL_DEVICE_CONTROL 0x0f
#define IRP_MJ_SHUTDOWN 0x10
#define IRP_MJ_LOCK_CONTROL 0x11
#define IRP_MJ_CLEANUP 0x12
#define IRP_MJ_CREATE_MAILSLOT 0x13
#define IRP_MJ_QUERY_SECURITY 0x14
#define IRP_MJ_SET_SECURITY 0x15
#define IRP_MJ_POWER 0x16
#define IRP_MJ_SYSTEM_CONTROL 0x17
#define IRP_MJ_DEVICE_CHANGE 0x18
#define IRP_MJ_QUERY_QUOTA 0x19
#define IRP_MJ_SET_QUOTA 0x1a
#define IRP_MJ_PNP 0x1b
/* IRP_MJ_MAXIMUM_FUNCTION is in driverobj.h (the DRIVER_OBJECT dispatch table needs it). */

/* ---- I/O control codes ---- */
#define CTL_CODE(DeviceType, Function, Method, Access)                                         \
    (((ULONG)(DeviceType) << 16) | ((ULONG)(Access) << 14) | ((ULONG)(Function) << 2) |         \
     (ULONG)(Method))
#define DEVICE_TYPE_FROM_CTL_CODE(ctrlCode) (((ULONG)(ctrlCode) & 0xffff0000) >> 16)
#define METHOD_FROM_CTL_CODE(ctrlCode) ((ULONG)((ctrlCode) & 3))

/* How the I/O manager hands an IOCTL's buffers to the driver. */
#define METHOD_BUFFERED 0
#define METHOD_IN_DIRECT 1
#define METHOD_OUT_DIRECT 2
#define METHOD_NEITHER 3
#define METHOD_DIRECT_TO_HARDWARE METHOD_IN_DIRECT
#define METHOD_DIRECT_FROM_HARDWARE METHOD_OUT_DIRECT

/* The access the caller's handle needs for an IOCTL. */
#define FILE_ANY_ACCESS 0
#define FILE_SPECIAL_ACCESS (FILE_ANY_ACCESS)
#define FILE_READ_ACCESS (0x0001)
#define FILE_WRITE_ACCESS (0x0002)

/* ---- status block ---- */
typedef struct _IO_STATUS_BLOCK {
    union {
        NTSTATUS Status;
        PVOID Pointer;
    };
    ULONG_PTR Information; /* bytes transferred, for reads, writes and IOCTLs */
} IO_STATUS_BLOCK, *PIO_STATUS_BLOCK;

typedef VOID NTAPI DRIVER_CANCEL(struct _DEVICE_OBJECT *DeviceObject, struct _IRP *Irp);
typedef DRIVER_CANCEL *PDRIVER_CANCEL;

typedef NTSTATUS NTAPI IO_COMPLETION_ROUTINE(struct _DEVICE_OBJECT *DeviceObject,
                                             struct _IRP *Irp, PVOID Context);
typedef IO_COMPLETION_ROUTINE *PIO_COMPLETION_ROUTINE;

/* Boost values for completion (IoCompleteRequest / WdfRequestCompleteWithPriorityBoost).
 * IO_NO_INCREMENT is in event.h.  The simulated scheduler ignores priority boosts. */
#define IO_CD_ROM_INCREMENT 1
#define IO_DISK_INCREMENT 1
#define IO_KEYBOARD_INCREMENT 6
#define IO_MAILSLOT_INCREMENT 2
#define IO_MOUSE_INCREMENT 6
#define IO_NAMED_PIPE_INCREMENT 2
#define IO_NETWORK_INCREMENT 2
#define IO_PARALLEL_INCREMENT 1
#define IO_SERIAL_INCREMENT 2
#define IO_SOUND_INCREMENT 8
#define IO_VIDEO_INCREMENT 1

/* ---- the stack location ----
 * The WDK aligns some ULONG members to pointer size (POINTER_ALIGNMENT, an x64 __declspec);
 * ntdef.h defines that macro empty, so this header spells the alignment out. */
#define DMABOX_PTR_ALIGNED __attribute__((aligned(sizeof(void *))))

typedef struct _IO_STACK_LOCATION {
    UCHAR MajorFunction;
    UCHAR MinorFunction;
    UCHAR Flags;
    UCHAR Control;
    union {
        struct {
            ULONG Length;
            ULONG DMABOX_PTR_ALIGNED Key;
            ULONG Flags;
            LARGE_INTEGER ByteOffset;
        } Read;
        struct {
            ULONG Length;
            ULONG DMABOX_PTR_ALIGNED Key;
            ULONG Flags;
            LARGE_INTEGER ByteOffset;
        } Write;
        struct {
            ULONG OutputBufferLength;
            ULONG DMABOX_PTR_ALIGNED InputBufferLength;
            ULONG DMABOX_PTR_ALIGNED IoControlCode;
            PVOID Type3InputBuffer;
        } DeviceIoControl;
        struct {
            PVOID Argument1;
            PVOID Argument2;
            PVOID Argument3;
            PVOID Argument4;
        } Others;
    } Parameters;
    struct _DEVICE_OBJECT *DeviceObject;
    PFILE_OBJECT FileObject;
    PIO_COMPLETION_ROUTINE CompletionRoutine;
    PVOID Context;
} IO_STACK_LOCATION, *PIO_STACK_LOCATION;

/* ---- the IRP ---- */
struct _IRP {
    CSHORT Type; /* IO_TYPE_IRP */
    USHORT Size;
    PMDL MdlAddress; /* direct I/O: the locked pages of the caller's buffer */
    ULONG Flags;     /* IRP_* */
    union {
        struct _IRP *MasterIrp;
        LONG IrpCount;
        PVOID SystemBuffer; /* buffered I/O: the nonpaged copy of the caller's buffer */
    } AssociatedIrp;
    LIST_ENTRY ThreadListEntry;
    IO_STATUS_BLOCK IoStatus;
    KPROCESSOR_MODE RequestorMode;
    BOOLEAN PendingReturned;
    CHAR StackCount;
    CHAR CurrentLocation;
    BOOLEAN Cancel;
    KIRQL CancelIrql;
    CCHAR ApcEnvironment;
    UCHAR AllocationFlags;
    PIO_STATUS_BLOCK UserIosb;
    struct _KEVENT *UserEvent;
    union {
        struct {
            PVOID UserApcRoutine;
            PVOID UserApcContext;
        } AsynchronousParameters;
        LARGE_INTEGER AllocationSize;
    } Overlay;
    PDRIVER_CANCEL CancelRoutine;
    PVOID UserBuffer; /* the caller's own address (neither I/O, METHOD_NEITHER output) */
    union {
        struct {
            PVOID DriverContext[4];
            PETHREAD Thread;
            PCHAR AuxiliaryBuffer;
            LIST_ENTRY ListEntry;
            struct _IO_STACK_LOCATION *CurrentStackLocation;
            PFILE_OBJECT OriginalFileObject;
        } Overlay;
        UCHAR Apc[88]; /* KAPC: kernel-private */
        PVOID CompletionKey;
    } Tail;
};

#define IO_TYPE_IRP 0x00000006

/* IRP.Flags (the subset the framework sets). */
#define IRP_NOCACHE 0x00000001
#define IRP_PAGING_IO 0x00000002
#define IRP_BUFFERED_IO 0x00000010
#define IRP_DEALLOCATE_BUFFER 0x00000020
#define IRP_INPUT_OPERATION 0x00000040

C_ASSERT(sizeof(IO_STATUS_BLOCK) == 16);
C_ASSERT(FIELD_OFFSET(IO_STACK_LOCATION, Parameters) == 8);
C_ASSERT(FIELD_OFFSET(IO_STACK_LOCATION, Parameters.Read.Key) == 16);
C_ASSERT(FIELD_OFFSET(IO_STACK_LOCATION, Parameters.Read.ByteOffset) == 24);
C_ASSERT(FIELD_OFFSET(IO_STACK_LOCATION, Parameters.DeviceIoControl.InputBufferLength) == 16);
C_ASSERT(FIELD_OFFSET(IO_STACK_LOCATION, Parameters.DeviceIoControl.IoControlCode) == 24);
C_ASSERT(FIELD_OFFSET(IO_STACK_LOCATION, Parameters.DeviceIoControl.Type3InputBuffer) == 32);
C_ASSERT(FIELD_OFFSET(IO_STACK_LOCATION, DeviceObject) == 40);
C_ASSERT(sizeof(IO_STACK_LOCATION) == 72);
C_ASSERT(FIELD_OFFSET(IRP, MdlAddress) == 8);
C_ASSERT(FIELD_OFFSET(IRP, AssociatedIrp) == 24);
C_ASSERT(FIELD_OFFSET(IRP, IoStatus) == 48);
C_ASSERT(FIELD_OFFSET(IRP, RequestorMode) == 64);
C_ASSERT(FIELD_OFFSET(IRP, Cancel) == 68);
C_ASSERT(FIELD_OFFSET(IRP, CancelRoutine) == 104);
C_ASSERT(FIELD_OFFSET(IRP, UserBuffer) == 112);
C_ASSERT(FIELD_OFFSET(IRP, Tail) == 120);
C_ASSERT(FIELD_OFFSET(IRP, Tail.Overlay.CurrentStackLocation) == 184);
C_ASSERT(sizeof(IRP) == 208);

/* The stack location of the driver the IRP is at (inline in the WDK). */
FORCEINLINE PIO_STACK_LOCATION IoGetCurrentIrpStackLocation(PIRP Irp)
{
    return Irp->Tail.Overlay.CurrentStackLocation;
}

/* The location the next lower driver would see. */
FORCEINLINE PIO_STACK_LOCATION IoGetNextIrpStackLocation(PIRP Irp)
{
    return Irp->Tail.Overlay.CurrentStackLocation - 1;
}

#endif
