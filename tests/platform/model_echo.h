/* model_echo.h - a tiny device model for the platform tests (tests layer).
 *
 * BAR0 (32-bit memory, 4 KiB, 4- and 8-byte access): registers that DMA between host memory and a
 * device-side buffer, raise/lower/send the interrupt and kick a worker.  BAR1 (32 ports, 1..4
 * bytes): a scratch register and the ID.  BAR2 (64-bit memory, 64 KiB, any width): the device-side
 * buffer itself.  Every access records its offset, width and value so a test can check what
 * reached the model.  Options: buf_kib=64, fail=0 (realize fails with a message when 1). */
#ifndef DMABOX_TEST_MODEL_ECHO_H
#define DMABOX_TEST_MODEL_ECHO_H

#include <stdatomic.h>
#include <stdint.h>

#include "dmabox/device_model.h"

#define ECHO_VENDOR 0x1DB0
#define ECHO_DEVICE 0xEC40
#define ECHO_ID 0xEC400001u
#define ECHO_BAR0_SIZE 4096
#define ECHO_BAR1_SIZE 32
#define ECHO_BAR2_SIZE 65536

enum echo_reg {
    ECHO_REG_ID = 0x00,          /* RO */
    ECHO_REG_HOST_ADDR = 0x08,   /* 64-bit bus address (or two 32-bit halves) */
    ECHO_REG_LEN = 0x10,         /* bytes; for CMD_SEND the vector */
    ECHO_REG_DEV_OFF = 0x14,     /* offset in the device buffer */
    ECHO_REG_CMD = 0x18,         /* WO: enum echo_cmd */
    ECHO_REG_STATUS = 0x1C,      /* RO: enum dmabox_dma_result of the last DMA */
    ECHO_REG_SCRATCH = 0x20,     /* RW, 64-bit */
    ECHO_REG_DONE = 0x30,        /* RO: commands the worker finished */
};

enum echo_cmd {
    ECHO_CMD_TO_DEVICE = 1,      /* DMA read: host -> device buffer, now */
    ECHO_CMD_TO_HOST = 2,        /* DMA write: device buffer -> host, now */
    ECHO_CMD_RAISE = 3,
    ECHO_CMD_LOWER = 4,
    ECHO_CMD_SEND = 5,           /* MSI edge on vector LEN */
    ECHO_CMD_ASYNC_TO_HOST = 6,  /* the worker does TO_HOST, then raises the interrupt */
};

struct echo_state {
    struct dmabox_dev *dev;
    struct dmabox_worker *worker;
    uint8_t *buf;
    uint64_t buf_size;
    _Atomic uint64_t host_addr, scratch, port_scratch;
    _Atomic uint32_t len, dev_off, status, done;
    _Atomic unsigned resets;
    /* The last access that reached the model: offset | bar << 24, width, value, write flag. */
    _Atomic uint64_t last_off, last_value;
    _Atomic unsigned last_size, last_write;
};

extern const struct dmabox_device_model echo_model;   /* 64-bit DMA, line interrupt */

#endif
