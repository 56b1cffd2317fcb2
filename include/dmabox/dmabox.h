/* dmabox.h - the host API (layer 4): what an application or a test uses to run a KMDF driver on
 * a simulated machine.  Create a machine, plug device models into slots, load a driver (a shared
 * object or one linked into the program), attach it to a slot, open the device by interface
 * class, send reads, writes and I/O controls (synchronous or with a completion callback), cancel
 * them, move the device through power states and removal, and read the machine's counters.
 * docs/host-api.md documents every entry point, its statuses, the threading rules and the
 * lifecycle.  This header is free of WDK headers: statuses are NTSTATUS numbers in an int32_t.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/using-ntstatus-values */
#ifndef DMABOX_DMABOX_H
#define DMABOX_DMABOX_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- statuses ----
 * Every entry point returns an NTSTATUS value.  Success and informational values are >= 0. */
typedef int32_t dmabox_status_t;

#define DMABOX_SUCCESS(s) ((dmabox_status_t)(s) >= 0)

#define DMABOX_STATUS_SUCCESS                 ((dmabox_status_t)0x00000000)
#define DMABOX_STATUS_TIMEOUT                 ((dmabox_status_t)0x00000102)
#define DMABOX_STATUS_PENDING                 ((dmabox_status_t)0x00000103)
#define DMABOX_STATUS_UNSUCCESSFUL            ((dmabox_status_t)0xC0000001)
#define DMABOX_STATUS_INVALID_HANDLE          ((dmabox_status_t)0xC0000008)
#define DMABOX_STATUS_INVALID_PARAMETER       ((dmabox_status_t)0xC000000D)
#define DMABOX_STATUS_NO_SUCH_DEVICE          ((dmabox_status_t)0xC000000E)
#define DMABOX_STATUS_INVALID_DEVICE_REQUEST  ((dmabox_status_t)0xC0000010)
#define DMABOX_STATUS_BUFFER_TOO_SMALL        ((dmabox_status_t)0xC0000023)
#define DMABOX_STATUS_OBJECT_NAME_NOT_FOUND   ((dmabox_status_t)0xC0000034)
#define DMABOX_STATUS_DEVICE_ALREADY_ATTACHED ((dmabox_status_t)0xC0000038)
#define DMABOX_STATUS_DELETE_PENDING          ((dmabox_status_t)0xC0000056)
#define DMABOX_STATUS_INVALID_IMAGE_FORMAT    ((dmabox_status_t)0xC000007B)
#define DMABOX_STATUS_INSUFFICIENT_RESOURCES  ((dmabox_status_t)0xC000009A)
#define DMABOX_STATUS_NOT_SUPPORTED           ((dmabox_status_t)0xC00000BB)
#define DMABOX_STATUS_INVALID_USER_BUFFER     ((dmabox_status_t)0xC00000E8)
#define DMABOX_STATUS_IMAGE_ALREADY_LOADED    ((dmabox_status_t)0xC000010E)
#define DMABOX_STATUS_CANCELLED               ((dmabox_status_t)0xC0000120)
#define DMABOX_STATUS_DLL_NOT_FOUND           ((dmabox_status_t)0xC0000135)
#define DMABOX_STATUS_ENTRYPOINT_NOT_FOUND    ((dmabox_status_t)0xC0000139)
#define DMABOX_STATUS_INVALID_DEVICE_STATE    ((dmabox_status_t)0xC0000184)
#define DMABOX_STATUS_DEVICE_BUSY             ((dmabox_status_t)0x80000011)
#define DMABOX_STATUS_DEVICE_REMOVED          ((dmabox_status_t)0xC00002B6)

/* The symbolic name of a status ("STATUS_INVALID_HANDLE"), or "STATUS_<unknown>" for a value
 * dmabox does not know.  Never NULL; any thread. */
const char *dmabox_status_name(dmabox_status_t status);

/* ---- handles (opaque; every entry point validates them) ---- */
typedef struct dmabox_machine dmabox_machine_t;
typedef struct dmabox_slot dmabox_slot_t;       /* a plugged device model */
typedef struct dmabox_driver dmabox_driver_t;   /* a loaded driver image */
typedef struct dmabox_device dmabox_device_t;   /* a driver's device on a slot (its WDFDEVICE) */
typedef struct dmabox_handle dmabox_handle_t;   /* an open device, the target of I/O */
typedef struct dmabox_io dmabox_io_t;           /* one asynchronous I/O */

/* ---- machine ---- */
enum dmabox_verifier_mode {
    DMABOX_VERIFIER_ABORT = 0,   /* a finding prints and aborts: for correct drivers (default) */
    DMABOX_VERIFIER_RECORD = 1,  /* findings are counted (dmabox_machine_stats) and kept */
};

/* Zero fields take the defaults. */
struct dmabox_machine_config {
    unsigned cpus;               /* simulated CPUs (DPC threads); default 2, at most 64 */
    uint64_t ram_bytes;          /* machine RAM, a multiple of 4 KiB; default 256 MiB */
    uint64_t ram_above_4g;       /* how much of it sits at bus addresses >= 4 GiB; default half */
    uint64_t seed;               /* frame placement and fault injection; default 1 */
    enum dmabox_verifier_mode verifier_mode;
    int verifier_quiet;          /* RECORD mode: do not print findings */
};

struct dmabox_machine_stats;

dmabox_status_t dmabox_machine_create(const struct dmabox_machine_config *cfg,
                                      dmabox_machine_t **out);
/* Tears everything down in order: open handles closed (their I/O cancelled), drivers unloaded
 * (devices removed), slots unplugged, buffers freed, then the framework, WDM and verifier layers
 * and the machine.  Leaks the layers find (pool, framework objects, requests) are verifier
 * findings; `final` (may be NULL) receives the statistics after them, before the verifier goes. */
dmabox_status_t dmabox_machine_destroy(dmabox_machine_t *machine,
                                       struct dmabox_machine_stats *final);

/* ---- slots ---- */
#define DMABOX_MAX_SLOTS 8

/* Plugs a model ("sgdma", "pktdma") into slot 0..DMABOX_MAX_SLOTS-1 with options
 * "name=value,name=value" (NULL or "" for none). */
dmabox_status_t dmabox_plug(dmabox_machine_t *machine, unsigned slot, const char *model,
                            const char *options, dmabox_slot_t **out);
/* Unplugs: a device still attached is surprise-removed and removed first, as when a card is
 * pulled.  The slot handle is invalid afterwards. */
dmabox_status_t dmabox_unplug(dmabox_slot_t *slot);

/* ---- drivers ---- */
/* Any function pointer type; pass a driver's DriverEntry with a cast to this type. */
typedef void (*dmabox_fn_t)(void);

/* Loads a driver shared object (built with dmabox_add_driver(... SHARED ...)): dlopen with
 * RTLD_NOW | RTLD_LOCAL, then DriverEntry, WdfDriverGlobals and WdfFunctions_01033 by dlsym.
 * The driver's name is the file name without directory and ".so". */
dmabox_status_t dmabox_driver_load_so(dmabox_machine_t *machine, const char *path,
                                      dmabox_driver_t **out);
/* Loads a driver linked into the program: its DriverEntry and the addresses of its
 * WdfDriverGlobals and WdfFunctions_01033 variables (DMABOX_LINKED_DRIVER passes all three). */
dmabox_status_t dmabox_driver_load_linked(dmabox_machine_t *machine, const char *name,
                                          dmabox_fn_t driver_entry, void *wdf_driver_globals,
                                          void *wdf_functions, dmabox_driver_t **out);
#define DMABOX_LINKED_DRIVER (dmabox_fn_t)DriverEntry, (void *)&WdfDriverGlobals, \
                             (void *)&WdfFunctions_01033
/* Removes the driver's devices (orderly), calls EvtDriverUnload, unbinds and dlcloses it.  Its
 * device handles become invalid; open handles of its devices report STATUS_NO_SUCH_DEVICE. */
dmabox_status_t dmabox_driver_unload(dmabox_driver_t *driver);

/* ---- devices ---- */
/* Calls EvtDriverDeviceAdd for the slot's device (slot NULL: a device without hardware) and
 * starts it (PrepareHardware, D0Entry, ... SelfManagedIoInit).  A failed start is removed
 * again, as the PnP manager does, and its status returned. */
dmabox_status_t dmabox_device_attach(dmabox_driver_t *driver, dmabox_slot_t *slot,
                                     dmabox_device_t **out);

enum dmabox_power_state {
    DMABOX_POWER_D1 = 1,
    DMABOX_POWER_D2 = 2,
    DMABOX_POWER_D3 = 3,
};
/* Power down to Dx while attached / back to D0.  I/O sent meanwhile waits in the driver's
 * power-managed queues until the device is back in D0. */
dmabox_status_t dmabox_device_power_down(dmabox_device_t *device, enum dmabox_power_state state);
dmabox_status_t dmabox_device_power_up(dmabox_device_t *device);
/* Surprise removal (EvtDeviceSurpriseRemoval ... ReleaseHardware); I/O then fails with
 * STATUS_DEVICE_REMOVED until dmabox_device_remove. */
dmabox_status_t dmabox_device_surprise_remove(dmabox_device_t *device);
/* Orderly removal; the device object is deleted.  The device handle stays valid (reporting
 * STATUS_NO_SUCH_DEVICE) until its driver is unloaded. */
dmabox_status_t dmabox_device_remove(dmabox_device_t *device);

/* ---- open / close ---- */
/* Same layout as the WDK's GUID. */
typedef struct dmabox_guid {
    uint32_t data1;
    uint16_t data2;
    uint16_t data3;
    uint8_t data4[8];
} dmabox_guid_t;

/* Opens the first started device (in attach order) exposing an enabled interface of this class
 * (WdfDeviceCreateDeviceInterface). */
dmabox_status_t dmabox_device_open(dmabox_machine_t *machine, const dmabox_guid_t *interface_class,
                                   dmabox_handle_t **out);
/* Cancels the handle's I/O still in progress (completions still arrive) and closes it. */
dmabox_status_t dmabox_close(dmabox_handle_t *handle);

/* ---- buffers (machine RAM, so the device can DMA straight into them) ---- */
enum dmabox_buffer_flags {
    DMABOX_BUF_CONTIGUOUS = 1 << 0, /* physically contiguous (default: scattered frames) */
    DMABOX_BUF_BELOW_4G = 1 << 1,   /* only frames below 4 GiB */
    DMABOX_BUF_ABOVE_4G = 1 << 2,   /* only frames at or above 4 GiB (forces bouncing) */
};
/* Page-aligned, zeroed, followed by an unmapped guard page. */
dmabox_status_t dmabox_buffer_alloc(dmabox_machine_t *machine, size_t size, unsigned flags,
                                    void **out);
dmabox_status_t dmabox_buffer_free(dmabox_machine_t *machine, void *buffer);

/* ---- I/O ----
 * Buffers must lie inside one dmabox_buffer_alloc buffer of the handle's machine; lengths are
 * 1 .. 4 GiB - 1 (I/O control buffers may be NULL with length 0). */
#define DMABOX_MAX_TRANSFER 0xFFFFFFFFull

dmabox_status_t dmabox_read(dmabox_handle_t *handle, void *buffer, size_t length, uint64_t offset,
                            size_t *bytes);
dmabox_status_t dmabox_write(dmabox_handle_t *handle, const void *buffer, size_t length,
                             uint64_t offset, size_t *bytes);
dmabox_status_t dmabox_ioctl(dmabox_handle_t *handle, uint32_t code, const void *in,
                             size_t in_length, void *out, size_t out_length, size_t *bytes);

/* Runs once per accepted asynchronous I/O, with its final status and information (bytes), on
 * the thread that completed it: a driver thread (possibly at DISPATCH_LEVEL) or the submitting
 * thread.  It must not block or call blocking entry points. */
typedef void dmabox_io_done_fn(void *ctx, dmabox_status_t status, size_t information);

/* Return STATUS_PENDING when accepted (done, if not NULL, runs once, possibly before the call
 * returns).  *io (if io is not NULL) is the I/O, to wait for, cancel and release; with io NULL
 * the I/O releases itself after completing.  Any other status: rejected, done never runs. */
dmabox_status_t dmabox_read_async(dmabox_handle_t *handle, void *buffer, size_t length,
                                  uint64_t offset, dmabox_io_done_fn *done, void *ctx,
                                  dmabox_io_t **io);
dmabox_status_t dmabox_write_async(dmabox_handle_t *handle, const void *buffer, size_t length,
                                   uint64_t offset, dmabox_io_done_fn *done, void *ctx,
                                   dmabox_io_t **io);
dmabox_status_t dmabox_ioctl_async(dmabox_handle_t *handle, uint32_t code, const void *in,
                                   size_t in_length, void *out, size_t out_length,
                                   dmabox_io_done_fn *done, void *ctx, dmabox_io_t **io);
/* Asks for cancellation (IoCancelIrp): the I/O still completes, usually STATUS_CANCELLED. */
dmabox_status_t dmabox_cancel(dmabox_io_t *io);
/* Waits up to timeout_ms (UINT64_MAX: forever) for completion.  Returns the I/O's final status
 * (*information set if not NULL), or STATUS_TIMEOUT. */
dmabox_status_t dmabox_io_wait(dmabox_io_t *io, uint64_t timeout_ms, size_t *information);
#define DMABOX_WAIT_FOREVER UINT64_MAX
/* Releases the I/O handle (it may still be in progress; done still runs). */
dmabox_status_t dmabox_io_release(dmabox_io_t *io);

/* ---- statistics ---- */
#define DMABOX_STATS_MAX_RULES 128

struct dmabox_rule_count {
    const char *id;              /* "WDF-HANDLE-001" (static string) */
    const char *name;            /* "handle-invalid" */
    uint64_t count;
};

struct dmabox_slot_stats {
    int plugged;                 /* 0: the remaining fields are zero */
    char model[32];
    int attached;                /* a driver's device is attached and not removed */
    /* bus counters kept for every model */
    uint64_t dma_reads, dma_writes, dma_bytes_read, dma_bytes_written;
    uint64_t dma_denied, dma_unmapped, mmio_reads, mmio_writes, guest_errors;
    uint64_t faults_injected, faults_fired;
    /* interrupts */
    uint64_t irq_raised, irq_delivered, irq_claimed, irq_unclaimed, irq_storms;
};

struct dmabox_machine_stats {
    uint64_t findings_total;     /* verifier findings since machine creation */
    unsigned rule_count;         /* entries in rules[]: the rules with findings */
    struct dmabox_rule_count rules[DMABOX_STATS_MAX_RULES];
    uint64_t iommu_faults;
    uint64_t pool_live_blocks, pool_bytes_outstanding, pool_allocations, pool_frees;
    uint64_t framework_objects;  /* KMDF objects not yet freed */
    uint64_t drivers_loaded, devices_attached, handles_open;
    uint64_t buffers_live, buffer_bytes;
    uint64_t io_submitted, io_completed, io_cancel_requests, io_outstanding;
    struct dmabox_slot_stats slots[DMABOX_MAX_SLOTS];
    /* Final statistics of dmabox_machine_destroy only: what the application left open for the
     * teardown to close (handles), release (I/O handles) and free (buffers). */
    uint64_t forgotten_handles, forgotten_ios, forgotten_buffers;
};

dmabox_status_t dmabox_machine_stats(dmabox_machine_t *machine, struct dmabox_machine_stats *out);
/* Findings of one rule in a stats snapshot, by ID ("POOL-002") or name; 0 if none. */
uint64_t dmabox_stats_rule(const struct dmabox_machine_stats *stats, const char *rule);

/* ---- DMA statistics (framework and adapter counters) ----
 * Summed over the DMA objects the machine's drivers have alive now: every WDFDMATRANSACTION
 * (counts since its creation, reuse included) and the WDM adapters of every WDFDMAENABLER.  A
 * driver keeps these objects for the life of its device, so read them after the I/O of interest
 * completed and before the device is removed.  Call it while the machine is quiescent: no I/O in
 * flight, no power change, removal or unload in progress (the objects are walked without
 * references).  Any application thread at PASSIVE_LEVEL. */
struct dmabox_dma_stats {
    uint64_t enablers;           /* WDFDMAENABLERs alive */
    uint64_t transaction_objects;/* WDFDMATRANSACTIONs alive */
    uint64_t transactions;       /* successful WdfDmaTransactionExecute calls */
    uint64_t program_dma_calls;  /* EvtProgramDma calls (transfers) */
    uint64_t sg_elements;        /* SG elements handed to EvtProgramDma */
    uint64_t sg_lists_built;     /* adapter: Get/BuildScatterGatherList[Ex] grants */
    uint64_t bounce_bytes_in;    /* adapter: copied into bounce pages before the device read */
    uint64_t bounce_bytes_out;   /* adapter: copied out of bounce pages after the device wrote */
    uint64_t bounced_pieces;     /* adapter: buffer pieces that went through a bounce page */
    uint64_t map_registers_peak; /* adapter: the highest peak of one adapter */
};

/* SUCCESS, INVALID_HANDLE, INVALID_PARAMETER (out NULL), NOT_SUPPORTED (wrong thread). */
dmabox_status_t dmabox_machine_dma_stats(dmabox_machine_t *machine, struct dmabox_dma_stats *out);

#ifdef __cplusplus
}
#endif

#endif
