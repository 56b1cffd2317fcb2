/* wdm/ioaccess.h - section of wdm.h: mapping device memory (MmMapIoSpace, MmMapIoSpaceEx,
 * MmUnmapIoSpace, implemented in src/wdm/mm_iospace.c) and the register and port accessors
 * (READ/WRITE_REGISTER_*, READ/WRITE_PORT_*, implemented in src/wdm/ioaccess.c).
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-mmmapiospace
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-mmmapiospaceex
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-read_register_ulong
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-read_port_ulong
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/mapping-bus-relative-addresses-to-virtual-addresses */
#ifndef DMABOX_WDK_WDM_IOACCESS_H
#define DMABOX_WDK_WDM_IOACCESS_H

#include "../ntdef.h"
#include "memory.h"

/* Page protections of MmMapIoSpaceEx (winnt.h values). */
#define PAGE_NOACCESS 0x01
#define PAGE_READONLY 0x02
#define PAGE_READWRITE 0x04
#define PAGE_WRITECOPY 0x08
#define PAGE_EXECUTE 0x10
#define PAGE_EXECUTE_READ 0x20
#define PAGE_EXECUTE_READWRITE 0x40
#define PAGE_EXECUTE_WRITECOPY 0x80
#define PAGE_GUARD 0x100
#define PAGE_NOCACHE 0x200
#define PAGE_WRITECOMBINE 0x400

/* Maps [PhysicalAddress, +NumberOfBytes) of one memory BAR (a translated CmResourceTypeMemory
 * range) for register access.  The returned address is only meaningful to READ/WRITE_REGISTER_*:
 * dereferencing it directly faults at once.  Returns NULL when the range is not inside one memory
 * BAR of a plugged device, is empty, or the cache type is not a MEMORY_CACHING_TYPE value.
 * IRQL <= DISPATCH_LEVEL. */
NTKERNELAPI PVOID MmMapIoSpace(PHYSICAL_ADDRESS PhysicalAddress, SIZE_T NumberOfBytes,
                               MEMORY_CACHING_TYPE CacheType);

/* As MmMapIoSpace; Protect is one of PAGE_READONLY / PAGE_READWRITE / PAGE_EXECUTE* plus at most
 * one of PAGE_NOCACHE / PAGE_WRITECOMBINE, else NULL.  The protection is checked, not enforced.
 * IRQL <= DISPATCH_LEVEL. */
NTKERNELAPI PVOID MmMapIoSpaceEx(PHYSICAL_ADDRESS PhysicalAddress, SIZE_T NumberOfBytes,
                                 ULONG Protect);

/* Undoes MmMapIoSpace[Ex]; NumberOfBytes must be the size that was mapped.  Later accesses
 * through the address are findings (MMIO-001).  IRQL <= DISPATCH_LEVEL. */
NTKERNELAPI VOID MmUnmapIoSpace(PVOID BaseAddress, SIZE_T NumberOfBytes);

/* Memory-space registers, any IRQL.  Register is an address inside a MmMapIoSpace mapping; each
 * call is one access of that width delivered to the device model.  An access outside every
 * mapping is finding MMIO-001, a width the device refuses is MMIO-002; such reads return
 * all-ones (a PCI master abort).
 * The _BUFFER_ forms move Count values between Buffer and Count consecutive registers starting at
 * Register (the x64 WDK copies with rep movs, so the register address advances). */
UCHAR READ_REGISTER_UCHAR(volatile UCHAR *Register);
USHORT READ_REGISTER_USHORT(volatile USHORT *Register);
ULONG READ_REGISTER_ULONG(volatile ULONG *Register);
ULONG64 READ_REGISTER_ULONG64(volatile ULONG64 *Register);
VOID READ_REGISTER_BUFFER_UCHAR(volatile UCHAR *Register, PUCHAR Buffer, ULONG Count);
VOID READ_REGISTER_BUFFER_USHORT(volatile USHORT *Register, PUSHORT Buffer, ULONG Count);
VOID READ_REGISTER_BUFFER_ULONG(volatile ULONG *Register, PULONG Buffer, ULONG Count);
VOID READ_REGISTER_BUFFER_ULONG64(volatile ULONG64 *Register, PULONG64 Buffer, ULONG Count);
VOID WRITE_REGISTER_UCHAR(volatile UCHAR *Register, UCHAR Value);
VOID WRITE_REGISTER_USHORT(volatile USHORT *Register, USHORT Value);
VOID WRITE_REGISTER_ULONG(volatile ULONG *Register, ULONG Value);
VOID WRITE_REGISTER_ULONG64(volatile ULONG64 *Register, ULONG64 Value);
VOID WRITE_REGISTER_BUFFER_UCHAR(volatile UCHAR *Register, PUCHAR Buffer, ULONG Count);
VOID WRITE_REGISTER_BUFFER_USHORT(volatile USHORT *Register, PUSHORT Buffer, ULONG Count);
VOID WRITE_REGISTER_BUFFER_ULONG(volatile ULONG *Register, PULONG Buffer, ULONG Count);
VOID WRITE_REGISTER_BUFFER_ULONG64(volatile ULONG64 *Register, PULONG64 Buffer, ULONG Count);

/* I/O-space ports, any IRQL.  Port is the port number cast to a pointer: exactly the value
 * (PUCHAR)(ULONG_PTR)u.Port.Start.QuadPart of a translated CmResourceTypePort descriptor (whose
 * Flags say CM_RESOURCE_PORT_IO), plus the register's offset.  Errors as for registers.
 * The _BUFFER_ forms access the same port Count times (string I/O, rep ins/outs). */
NTHALAPI UCHAR READ_PORT_UCHAR(PUCHAR Port);
NTHALAPI USHORT READ_PORT_USHORT(PUSHORT Port);
NTHALAPI ULONG READ_PORT_ULONG(PULONG Port);
NTHALAPI VOID READ_PORT_BUFFER_UCHAR(PUCHAR Port, PUCHAR Buffer, ULONG Count);
NTHALAPI VOID READ_PORT_BUFFER_USHORT(PUSHORT Port, PUSHORT Buffer, ULONG Count);
NTHALAPI VOID READ_PORT_BUFFER_ULONG(PULONG Port, PULONG Buffer, ULONG Count);
NTHALAPI VOID WRITE_PORT_UCHAR(PUCHAR Port, UCHAR Value);
NTHALAPI VOID WRITE_PORT_USHORT(PUSHORT Port, USHORT Value);
NTHALAPI VOID WRITE_PORT_ULONG(PULONG Port, ULONG Value);
NTHALAPI VOID WRITE_PORT_BUFFER_UCHAR(PUCHAR Port, PUCHAR Buffer, ULONG Count);
NTHALAPI VOID WRITE_PORT_BUFFER_USHORT(PUSHORT Port, PUSHORT Buffer, ULONG Count);
NTHALAPI VOID WRITE_PORT_BUFFER_ULONG(PULONG Port, PULONG Buffer, ULONG Count);

#endif
