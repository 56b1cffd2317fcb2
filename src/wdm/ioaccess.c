/* ioaccess.c - READ/WRITE_REGISTER_* and READ/WRITE_PORT_* (wdm layer): every access is one call
 * into the platform's O(1) register dispatch (mmio_read/mmio_write, port_read/port_write), which
 * runs the device model's handler on the calling thread.  Misses are verifier findings.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-read_register_ulong
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-write_register_ulong
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-read_port_ulong
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-write_port_buffer_ulong */
#include "wdm/ioaccess.h"

#include <errno.h>
#include <stdint.h>

#include "platform/exec_ctx.h"
#include "platform/mmio.h"
#include "verifier/vf.h"

/* The WDK's accessors are memory barriers: stores the driver made before a register write (to a
 * descriptor in a common buffer, say) are visible before the write reaches the device, and loads
 * after a register read see what the device wrote before it returned that value.  Between threads
 * that ordering comes from the dispatch itself: every model access synchronizes with the device's
 * worker through the model's lock or its kick event.  What remains is the compiler, which must not
 * move the driver's accesses across the call (on x86-64 the hardware fences would be no-ops anyway,
 * and ThreadSanitizer rejects stand-alone fences). */
static inline void io_fence_before_write(void)
{
    __asm__ __volatile__("" ::: "memory");
}

static inline void io_fence_after_read(void)
{
    __asm__ __volatile__("" ::: "memory");
}

/* What a read returns when nothing answers: all ones, like a PCI master abort. */
static inline uint64_t io_all_ones(unsigned size)
{
    return size >= 8 ? ~(uint64_t)0 : ((uint64_t)1 << (size * 8)) - 1;
}

/* Rules MMIO-001 (address outside every mapping / port BAR) and MMIO-002 (width the device does
 * not accept).  The docs require Register to lie in "a mapped range in memory space" and Port in
 * "a mapped range in I/O space". */
static void io_report(int rc, const volatile void *where, int is_port, unsigned size,
                      ULONG index, const char *ddi, const void *caller)
{
    const void *object = (const void *)(uintptr_t)where;
    const char *space = is_port ? "port" : "register";

    if (rc == -EINVAL)
        vf_report(VF_RULE_MMIO_BAD_WIDTH, object, ddi, caller,
                  "%u-byte access to %s %p (element %u): width or alignment refused by the "
                  "device", size, space, object, index);
    else
        vf_report(VF_RULE_MMIO_UNMAPPED, object, ddi, caller,
                  "%u-byte access to %s %p (element %u) is outside every mapped %s range", size,
                  space, object, index, is_port ? "port" : "MmMapIoSpace");
}

static inline int io_read(struct machine *m, const volatile void *where, int is_port,
                          unsigned size, uint64_t *value)
{
    if (m == NULL)
        return -EFAULT;
    if (is_port)
        return port_read(m, (uint64_t)(uintptr_t)where, size, value);
    return mmio_read(m, where, size, value);
}

static inline int io_write(struct machine *m, volatile void *where, int is_port, unsigned size,
                           uint64_t value)
{
    if (m == NULL)
        return -EFAULT;
    if (is_port)
        return port_write(m, (uint64_t)(uintptr_t)where, size, value);
    return mmio_write(m, where, size, value);
}

static uint64_t io_read_one(const volatile void *where, int is_port, unsigned size,
                            const char *ddi, const void *caller)
{
    uint64_t value;
    int rc = io_read(exec_ctx_self()->machine, where, is_port, size, &value);

    io_fence_after_read();
    if (__builtin_expect(rc == 0, 1))
        return value & io_all_ones(size);
    io_report(rc, where, is_port, size, 0, ddi, caller);
    return io_all_ones(size);
}

static void io_write_one(volatile void *where, int is_port, unsigned size, uint64_t value,
                         const char *ddi, const void *caller)
{
    int rc;

    io_fence_before_write();
    rc = io_write(exec_ctx_self()->machine, where, is_port, size, value);
    if (__builtin_expect(rc != 0, 0))
        io_report(rc, where, is_port, size, 0, ddi, caller);
}

static inline uint64_t io_buffer_get(const void *buffer, unsigned size, ULONG i)
{
    switch (size) {
    case 1:
        return ((const UCHAR *)buffer)[i];
    case 2:
        return ((const USHORT *)buffer)[i];
    case 4:
        return ((const ULONG *)buffer)[i];
    default:
        return ((const ULONG64 *)buffer)[i];
    }
}

static inline void io_buffer_put(void *buffer, unsigned size, ULONG i, uint64_t value)
{
    switch (size) {
    case 1:
        ((UCHAR *)buffer)[i] = (UCHAR)value;
        break;
    case 2:
        ((USHORT *)buffer)[i] = (USHORT)value;
        break;
    case 4:
        ((ULONG *)buffer)[i] = (ULONG)value;
        break;
    default:
        ((ULONG64 *)buffer)[i] = value;
        break;
    }
}

/* The address of element i: registers advance by the width (rep movs), a port stays put (rep ins
 * / rep outs). */
static inline volatile void *io_element(volatile void *where, int is_port, unsigned size, ULONG i)
{
    return is_port ? where : (volatile void *)((volatile UCHAR *)where + (size_t)i * size);
}

/* Count reads into buffer.  The first failing element is reported once; it and the rest read as
 * all-ones without touching the device again (the transfer is already broken). */
static void io_read_buffer(volatile void *where, int is_port, unsigned size, void *buffer,
                           ULONG count, const char *ddi, const void *caller)
{
    struct machine *m = exec_ctx_self()->machine;
    ULONG i;

    for (i = 0; i < count; i++) {
        uint64_t value;
        int rc = io_read(m, io_element(where, is_port, size, i), is_port, size, &value);
        if (__builtin_expect(rc != 0, 0)) {
            io_report(rc, io_element(where, is_port, size, i), is_port, size, i, ddi, caller);
            for (; i < count; i++)
                io_buffer_put(buffer, size, i, io_all_ones(size));
            break;
        }
        io_buffer_put(buffer, size, i, value);
    }
    io_fence_after_read();
}

/* Count writes from buffer; stops at (and reports) the first failing element. */
static void io_write_buffer(volatile void *where, int is_port, unsigned size, const void *buffer,
                            ULONG count, const char *ddi, const void *caller)
{
    struct machine *m = exec_ctx_self()->machine;
    ULONG i;

    io_fence_before_write();
    for (i = 0; i < count; i++) {
        volatile void *at = io_element(where, is_port, size, i);
        int rc = io_write(m, at, is_port, size, io_buffer_get(buffer, size, i));
        if (__builtin_expect(rc != 0, 0)) {
            io_report(rc, at, is_port, size, i, ddi, caller);
            break;
        }
    }
}

/* ---- memory-space registers ---- */

UCHAR READ_REGISTER_UCHAR(volatile UCHAR *Register)
{
    return (UCHAR)io_read_one(Register, 0, 1, "READ_REGISTER_UCHAR", VF_CALLER());
}

USHORT READ_REGISTER_USHORT(volatile USHORT *Register)
{
    return (USHORT)io_read_one(Register, 0, 2, "READ_REGISTER_USHORT", VF_CALLER());
}

ULONG READ_REGISTER_ULONG(volatile ULONG *Register)
{
    return (ULONG)io_read_one(Register, 0, 4, "READ_REGISTER_ULONG", VF_CALLER());
}

ULONG64 READ_REGISTER_ULONG64(volatile ULONG64 *Register)
{
    return io_read_one(Register, 0, 8, "READ_REGISTER_ULONG64", VF_CALLER());
}

VOID READ_REGISTER_BUFFER_UCHAR(volatile UCHAR *Register, PUCHAR Buffer, ULONG Count)
{
    io_read_buffer(Register, 0, 1, Buffer, Count, "READ_REGISTER_BUFFER_UCHAR", VF_CALLER());
}

VOID READ_REGISTER_BUFFER_USHORT(volatile USHORT *Register, PUSHORT Buffer, ULONG Count)
{
    io_read_buffer(Register, 0, 2, Buffer, Count, "READ_REGISTER_BUFFER_USHORT", VF_CALLER());
}

VOID READ_REGISTER_BUFFER_ULONG(volatile ULONG *Register, PULONG Buffer, ULONG Count)
{
    io_read_buffer(Register, 0, 4, Buffer, Count, "READ_REGISTER_BUFFER_ULONG", VF_CALLER());
}

VOID READ_REGISTER_BUFFER_ULONG64(volatile ULONG64 *Register, PULONG64 Buffer, ULONG Count)
{
    io_read_buffer(Register, 0, 8, Buffer, Count, "READ_REGISTER_BUFFER_ULONG64", VF_CALLER());
}

VOID WRITE_REGISTER_UCHAR(volatile UCHAR *Register, UCHAR Value)
{
    io_write_one(Register, 0, 1, Value, "WRITE_REGISTER_UCHAR", VF_CALLER());
}

VOID WRITE_REGISTER_USHORT(volatile USHORT *Register, USHORT Value)
{
    io_write_one(Register, 0, 2, Value, "WRITE_REGISTER_USHORT", VF_CALLER());
}

VOID WRITE_REGISTER_ULONG(volatile ULONG *Register, ULONG Value)
{
    io_write_one(Register, 0, 4, Value, "WRITE_REGISTER_ULONG", VF_CALLER());
}

VOID WRITE_REGISTER_ULONG64(volatile ULONG64 *Register, ULONG64 Value)
{
    io_write_one(Register, 0, 8, Value, "WRITE_REGISTER_ULONG64", VF_CALLER());
}

VOID WRITE_REGISTER_BUFFER_UCHAR(volatile UCHAR *Register, PUCHAR Buffer, ULONG Count)
{
    io_write_buffer(Register, 0, 1, Buffer, Count, "WRITE_REGISTER_BUFFER_UCHAR", VF_CALLER());
}

VOID WRITE_REGISTER_BUFFER_USHORT(volatile USHORT *Register, PUSHORT Buffer, ULONG Count)
{
    io_write_buffer(Register, 0, 2, Buffer, Count, "WRITE_REGISTER_BUFFER_USHORT", VF_CALLER());
}

VOID WRITE_REGISTER_BUFFER_ULONG(volatile ULONG *Register, PULONG Buffer, ULONG Count)
{
    io_write_buffer(Register, 0, 4, Buffer, Count, "WRITE_REGISTER_BUFFER_ULONG", VF_CALLER());
}

VOID WRITE_REGISTER_BUFFER_ULONG64(volatile ULONG64 *Register, PULONG64 Buffer, ULONG Count)
{
    io_write_buffer(Register, 0, 8, Buffer, Count, "WRITE_REGISTER_BUFFER_ULONG64", VF_CALLER());
}

/* ---- I/O-space ports (the pointer value is the port number) ---- */

UCHAR READ_PORT_UCHAR(PUCHAR Port)
{
    return (UCHAR)io_read_one(Port, 1, 1, "READ_PORT_UCHAR", VF_CALLER());
}

USHORT READ_PORT_USHORT(PUSHORT Port)
{
    return (USHORT)io_read_one(Port, 1, 2, "READ_PORT_USHORT", VF_CALLER());
}

ULONG READ_PORT_ULONG(PULONG Port)
{
    return (ULONG)io_read_one(Port, 1, 4, "READ_PORT_ULONG", VF_CALLER());
}

VOID READ_PORT_BUFFER_UCHAR(PUCHAR Port, PUCHAR Buffer, ULONG Count)
{
    io_read_buffer(Port, 1, 1, Buffer, Count, "READ_PORT_BUFFER_UCHAR", VF_CALLER());
}

VOID READ_PORT_BUFFER_USHORT(PUSHORT Port, PUSHORT Buffer, ULONG Count)
{
    io_read_buffer(Port, 1, 2, Buffer, Count, "READ_PORT_BUFFER_USHORT", VF_CALLER());
}

VOID READ_PORT_BUFFER_ULONG(PULONG Port, PULONG Buffer, ULONG Count)
{
    io_read_buffer(Port, 1, 4, Buffer, Count, "READ_PORT_BUFFER_ULONG", VF_CALLER());
}

VOID WRITE_PORT_UCHAR(PUCHAR Port, UCHAR Value)
{
    io_write_one(Port, 1, 1, Value, "WRITE_PORT_UCHAR", VF_CALLER());
}

VOID WRITE_PORT_USHORT(PUSHORT Port, USHORT Value)
{
    io_write_one(Port, 1, 2, Value, "WRITE_PORT_USHORT", VF_CALLER());
}

VOID WRITE_PORT_ULONG(PULONG Port, ULONG Value)
{
    io_write_one(Port, 1, 4, Value, "WRITE_PORT_ULONG", VF_CALLER());
}

VOID WRITE_PORT_BUFFER_UCHAR(PUCHAR Port, PUCHAR Buffer, ULONG Count)
{
    io_write_buffer(Port, 1, 1, Buffer, Count, "WRITE_PORT_BUFFER_UCHAR", VF_CALLER());
}

VOID WRITE_PORT_BUFFER_USHORT(PUSHORT Port, PUSHORT Buffer, ULONG Count)
{
    io_write_buffer(Port, 1, 2, Buffer, Count, "WRITE_PORT_BUFFER_USHORT", VF_CALLER());
}

VOID WRITE_PORT_BUFFER_ULONG(PULONG Port, PULONG Buffer, ULONG Count)
{
    io_write_buffer(Port, 1, 4, Buffer, Count, "WRITE_PORT_BUFFER_ULONG", VF_CALLER());
}
