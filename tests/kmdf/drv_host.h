/* drv_host.h - what the host-API tests know about their test driver (tests/kmdf/drv_host.c):
 * its interface class and its I/O control codes.  Free of WDK headers, so a host program that
 * sees only include/dmabox/dmabox.h can include it; the driver includes it after <wdf.h>.
 *
 * The driver keeps DRV_HOST_STORAGE bytes per device.  A read or write at an offset copies
 * between the caller's buffer and that storage and completes with the bytes copied (a read or
 * write starting at or past the end completes with STATUS_END_OF_FILE and 0 bytes). */
#ifndef DRV_HOST_H
#define DRV_HOST_H

#define DRV_HOST_STORAGE 16384u

/* {8a3c5e2d-41f7-4b6a-9c0e-7d1f2a3b4c5d}: a brace initializer for GUID and dmabox_guid_t. */
#define DRV_HOST_INTERFACE_INIT \
    {0x8a3c5e2du, 0x41f7u, 0x4b6au, {0x9cu, 0x0eu, 0x7du, 0x1fu, 0x2au, 0x3bu, 0x4cu, 0x5du}}

/* CTL_CODE(FILE_DEVICE_UNKNOWN, function, method, FILE_ANY_ACCESS), spelt out. */
#define DRV_HOST_CTL(function, method) ((0x22u << 16) | ((function) << 2) | (method))
#define DRV_HOST_METHOD_BUFFERED 0u
#define DRV_HOST_METHOD_OUT_DIRECT 2u

/* Parks the request in a manual queue until DRV_HOST_IOCTL_RELEASE or cancellation (the
 * framework then completes it with STATUS_CANCELLED).  No buffers needed. */
#define DRV_HOST_IOCTL_HOLD DRV_HOST_CTL(0x801u, DRV_HOST_METHOD_BUFFERED)
/* Completes every parked request with STATUS_SUCCESS; information = how many. */
#define DRV_HOST_IOCTL_RELEASE DRV_HOST_CTL(0x802u, DRV_HOST_METHOD_BUFFERED)
/* Output: DRV_HOST_INFO_COUNT 32-bit counters, indexed below. */
#define DRV_HOST_IOCTL_INFO DRV_HOST_CTL(0x803u, DRV_HOST_METHOD_BUFFERED)
/* Input: bytes; output (direct): one 32-bit sum of the input bytes. */
#define DRV_HOST_IOCTL_SUM DRV_HOST_CTL(0x804u, DRV_HOST_METHOD_OUT_DIRECT)
/* A bug on purpose: allocates 64 bytes of nonpaged pool (tag 'kaeL') and forgets them, so
 * machine teardown must report POOL-002.  No buffers. */
#define DRV_HOST_IOCTL_LEAK DRV_HOST_CTL(0x805u, DRV_HOST_METHOD_BUFFERED)

enum drv_host_info {
    DRV_HOST_INFO_D0_ENTRY,         /* EvtDeviceD0Entry calls */
    DRV_HOST_INFO_D0_EXIT,          /* EvtDeviceD0Exit calls */
    DRV_HOST_INFO_READS,            /* EvtIoRead calls */
    DRV_HOST_INFO_WRITES,           /* EvtIoWrite calls */
    DRV_HOST_INFO_HELD,             /* requests parked now */
    DRV_HOST_INFO_HAS_HARDWARE,     /* 1 if the device got a memory BAR */
    DRV_HOST_INFO_WRONG_IRQL,       /* callbacks that ran above their documented IRQL */
    DRV_HOST_INFO_COUNT
};

#endif
