/* sgdma_regs.h - register map of the sgdma device model, as data (devices layer).
 *
 * Offsets, widths, access kinds, reset values and fields of BAR0, plus the descriptor layout and
 * the descriptor status word.  This header and docs/devices/sgdma.md describe the same hardware;
 * tests/devices/test_sgdma_regmap.c checks that the two tables in the doc match the tables below
 * and that a freshly plugged device reads back these reset values.  Drivers do not include this
 * file (they see only include/wdk); they program the device from the document. */
#ifndef DMABOX_DEVICES_SGDMA_REGS_H
#define DMABOX_DEVICES_SGDMA_REGS_H

#include <stdint.h>

/* ---- identity (docs/devices/sgdma.md, "Identity") ---- */
#define SGDMA_VENDOR_ID 0x1DB0u
#define SGDMA_DEVICE_ID 0x5347u
#define SGDMA_REVISION 0x01u
#define SGDMA_CLASS_CODE 0x088000u   /* base 0x08 system peripheral, sub 0x80 other */
#define SGDMA_BAR0_SIZE 0x1000u
#define SGDMA_MSI_VECTORS 2u
#define SGDMA_CHANNELS 2u
#define SGDMA_CHAN_H2D 0u            /* host-to-device: reads host memory, MSI vector 0 */
#define SGDMA_CHAN_D2H 1u            /* device-to-host: writes host memory, MSI vector 1 */

/* ---- global registers ---- */
#define SGDMA_REG_ID 0x000u
#define SGDMA_REG_VERSION 0x004u
#define SGDMA_REG_CAPS 0x008u
#define SGDMA_REG_ADDR_WIDTH 0x00Cu
#define SGDMA_REG_MAX_DESC_BYTES 0x010u
#define SGDMA_REG_MAX_DESCS 0x014u
#define SGDMA_REG_ALIGN 0x018u
#define SGDMA_REG_DESC_SIZE 0x01Cu
#define SGDMA_REG_DEV_MEM_SIZE 0x020u     /* 64-bit */
#define SGDMA_REG_RESET 0x028u
#define SGDMA_REG_INT_STATUS 0x030u
#define SGDMA_REG_INT_MASK 0x034u
#define SGDMA_REG_INT_SET 0x038u
#define SGDMA_REG_MEM_WIN_ADDR 0x040u     /* 64-bit */
#define SGDMA_REG_MEM_WIN_DATA 0x048u     /* 32-bit, or 64-bit access */

#define SGDMA_ID_MAGIC 0x53474441u        /* "SGDA" */
#define SGDMA_VERSION_1_0 0x00010000u     /* [31:16] major, [15:0] minor */
#define SGDMA_CAPS_CHANNELS_MASK 0x0000000Fu
#define SGDMA_CAPS_VECTORS_SHIFT 8
#define SGDMA_CAPS_VECTORS_MASK 0x00000F00u
#define SGDMA_CAPS_MEM_WIN (1u << 16)
#define SGDMA_CAPS_VALUE (SGDMA_CHANNELS | (SGDMA_MSI_VECTORS << SGDMA_CAPS_VECTORS_SHIFT) | \
                          SGDMA_CAPS_MEM_WIN)
#define SGDMA_MAX_DESCS 4096u
#define SGDMA_DESC_SIZE 32u

#define SGDMA_RESET_FLR (1u << 0)         /* RESET: write 1 = function-level reset */

/* INT_STATUS / INT_MASK / INT_SET: 8 bits per channel, channel c at bit 8*c. */
#define SGDMA_INT_DONE(c) (1u << (8u * (c) + 0u))
#define SGDMA_INT_ERROR(c) (1u << (8u * (c) + 1u))
#define SGDMA_INT_ABORTED(c) (1u << (8u * (c) + 2u))
#define SGDMA_INT_CHAN_BITS(c) (7u << (8u * (c)))
#define SGDMA_INT_ALL (SGDMA_INT_CHAN_BITS(0) | SGDMA_INT_CHAN_BITS(1))

/* ---- channel registers: channel c at SGDMA_CHAN_BASE(c) + offset ---- */
#define SGDMA_CHAN_BASE(c) (0x100u + 0x100u * (c))
#define SGDMA_CH_CTRL 0x00u
#define SGDMA_CH_STATUS 0x04u
#define SGDMA_CH_RING_BASE 0x08u          /* 64-bit */
#define SGDMA_CH_RING_SIZE 0x10u
#define SGDMA_CH_HEAD 0x14u
#define SGDMA_CH_TAIL 0x18u
#define SGDMA_CH_COALESCE_COUNT 0x20u
#define SGDMA_CH_COALESCE_TIME_US 0x24u
#define SGDMA_CH_ERR_STATUS 0x28u
#define SGDMA_CH_ERR_DESC 0x2Cu
#define SGDMA_CH_ERR_ADDR 0x30u           /* 64-bit */
#define SGDMA_CH_DESC_COUNT 0x40u         /* 64-bit counters from here */
#define SGDMA_CH_BYTE_COUNT 0x48u
#define SGDMA_CH_IRQ_COUNT 0x50u
#define SGDMA_CH_ERR_COUNT 0x58u
#define SGDMA_CH_ABORT_COUNT 0x60u

#define SGDMA_CTRL_RUN (1u << 0)          /* RW */
#define SGDMA_CTRL_ABORT (1u << 1)        /* WO, reads 0 */
#define SGDMA_CTRL_CH_RESET (1u << 2)     /* WO, reads 0 */

#define SGDMA_STATUS_STATE_MASK 0x3u      /* enum sgdma_chan_state */
#define SGDMA_STATUS_BUSY (1u << 4)
#define SGDMA_STATUS_EMPTY (1u << 5)

/* ERR_STATUS: why the channel entered ERROR. */
#define SGDMA_ERR_CODE_MASK 0x000000FFu
#define SGDMA_ERR_RESULT_SHIFT 8          /* enum dmabox_dma_result of a BUS_ABORT */
#define SGDMA_ERR_RESULT_MASK 0x0000FF00u
#define SGDMA_ERR_PHASE_SHIFT 16
#define SGDMA_ERR_PHASE_MASK 0x000F0000u

enum sgdma_err_phase {
    SGDMA_ERR_PHASE_NONE = 0,
    SGDMA_ERR_PHASE_FETCH = 1,            /* reading the descriptor */
    SGDMA_ERR_PHASE_DATA = 2,             /* moving the payload */
    SGDMA_ERR_PHASE_WRITEBACK = 3,        /* writing the status word back */
    SGDMA_ERR_PHASE_SETUP = 4,            /* checking the descriptor or the ring */
};

/* Error codes, in ERR_STATUS.CODE and in a descriptor's STATUS.ERR_CODE. */
enum sgdma_err_code {
    SGDMA_ERR_NONE = 0,
    SGDMA_ERR_BUS_ABORT = 1,              /* a DMA access failed; BUS_RESULT says how */
    SGDMA_ERR_BAD_LENGTH = 2,             /* length 0 or above MAX_DESC_BYTES */
    SGDMA_ERR_MISALIGNED = 3,             /* address, device offset or length not ALIGN-aligned */
    SGDMA_ERR_RANGE = 4,                  /* device offset + length beyond DEV_MEM_SIZE */
    SGDMA_ERR_DEVICE = 5,                 /* internal device error (fault site dev.desc_error) */
    SGDMA_ERR_BAD_RING = 6,               /* RUN with an invalid RING_BASE/RING_SIZE/TAIL */
};

enum sgdma_chan_state {
    SGDMA_CHAN_STATE_IDLE = 0,
    SGDMA_CHAN_STATE_RUNNING = 1,
    SGDMA_CHAN_STATE_ERROR = 2,
    SGDMA_CHAN_STATE_ABORTED = 3,
};

/* ---- descriptor (32 bytes, little-endian, 32-byte aligned, in host memory) ---- */
#define SGDMA_DESC_HOST_ADDR 0x00u        /* u64 bus address of the host buffer */
#define SGDMA_DESC_DEV_OFFSET 0x08u       /* u64 offset in device memory */
#define SGDMA_DESC_LENGTH 0x10u           /* u32 bytes */
#define SGDMA_DESC_FLAGS 0x14u            /* u32, written by the driver */
#define SGDMA_DESC_STATUS 0x18u           /* u32, written back by the device */
#define SGDMA_DESC_BYTES_DONE 0x1Cu       /* u32, written back by the device */

#define SGDMA_DESC_FLAG_INT_ON_COMPLETE (1u << 0)

#define SGDMA_DSTAT_DONE (1u << 0)
#define SGDMA_DSTAT_ERROR (1u << 1)
#define SGDMA_DSTAT_SHORT (1u << 2)
#define SGDMA_DSTAT_ERR_CODE_SHIFT 8
#define SGDMA_DSTAT_ERR_CODE_MASK 0x0000FF00u
#define SGDMA_DSTAT_RESULT_SHIFT 16
#define SGDMA_DSTAT_RESULT_MASK 0x00FF0000u

/* ---- the register tables (what the doc's two register tables must say) ---- */
enum sgdma_access {
    SGDMA_ACCESS_RO,
    SGDMA_ACCESS_RW,
    SGDMA_ACCESS_W1C,
    SGDMA_ACCESS_WO,
};

/* Reset value kinds: a constant, or the value of a realize option. */
enum sgdma_reset_kind {
    SGDMA_RESET_CONST,
    SGDMA_RESET_OPT_MAX_DESC_BYTES,
    SGDMA_RESET_OPT_ALIGN,
    SGDMA_RESET_OPT_MEM_SIZE,
    SGDMA_RESET_NONE,                     /* reading has a side effect (MEM_WIN_DATA) */
};

struct sgdma_reg_info {
    const char *name;
    uint32_t offset;                      /* global: BAR0 offset; channel: offset in the block */
    unsigned width;                       /* bits: 32 or 64 */
    enum sgdma_access access;
    enum sgdma_reset_kind reset_kind;
    uint64_t reset;                       /* SGDMA_RESET_CONST */
};

#define SGDMA_INT_MASK_RESET SGDMA_INT_ALL
#define SGDMA_STATUS_RESET SGDMA_STATUS_EMPTY

static const struct sgdma_reg_info sgdma_global_regs[] = {
    {"ID", SGDMA_REG_ID, 32, SGDMA_ACCESS_RO, SGDMA_RESET_CONST, SGDMA_ID_MAGIC},
    {"VERSION", SGDMA_REG_VERSION, 32, SGDMA_ACCESS_RO, SGDMA_RESET_CONST, SGDMA_VERSION_1_0},
    {"CAPS", SGDMA_REG_CAPS, 32, SGDMA_ACCESS_RO, SGDMA_RESET_CONST, SGDMA_CAPS_VALUE},
    {"ADDR_WIDTH", SGDMA_REG_ADDR_WIDTH, 32, SGDMA_ACCESS_RO, SGDMA_RESET_CONST, 64},
    {"MAX_DESC_BYTES", SGDMA_REG_MAX_DESC_BYTES, 32, SGDMA_ACCESS_RO,
     SGDMA_RESET_OPT_MAX_DESC_BYTES, 0},
    {"MAX_DESCS", SGDMA_REG_MAX_DESCS, 32, SGDMA_ACCESS_RO, SGDMA_RESET_CONST, SGDMA_MAX_DESCS},
    {"ALIGN", SGDMA_REG_ALIGN, 32, SGDMA_ACCESS_RO, SGDMA_RESET_OPT_ALIGN, 0},
    {"DESC_SIZE", SGDMA_REG_DESC_SIZE, 32, SGDMA_ACCESS_RO, SGDMA_RESET_CONST, SGDMA_DESC_SIZE},
    {"DEV_MEM_SIZE", SGDMA_REG_DEV_MEM_SIZE, 64, SGDMA_ACCESS_RO, SGDMA_RESET_OPT_MEM_SIZE, 0},
    {"RESET", SGDMA_REG_RESET, 32, SGDMA_ACCESS_WO, SGDMA_RESET_CONST, 0},
    {"INT_STATUS", SGDMA_REG_INT_STATUS, 32, SGDMA_ACCESS_W1C, SGDMA_RESET_CONST, 0},
    {"INT_MASK", SGDMA_REG_INT_MASK, 32, SGDMA_ACCESS_RW, SGDMA_RESET_CONST, SGDMA_INT_MASK_RESET},
    {"INT_SET", SGDMA_REG_INT_SET, 32, SGDMA_ACCESS_WO, SGDMA_RESET_CONST, 0},
    {"MEM_WIN_ADDR", SGDMA_REG_MEM_WIN_ADDR, 64, SGDMA_ACCESS_RW, SGDMA_RESET_CONST, 0},
    {"MEM_WIN_DATA", SGDMA_REG_MEM_WIN_DATA, 32, SGDMA_ACCESS_RW, SGDMA_RESET_NONE, 0},
};

static const struct sgdma_reg_info sgdma_chan_regs[] = {
    {"CTRL", SGDMA_CH_CTRL, 32, SGDMA_ACCESS_RW, SGDMA_RESET_CONST, 0},
    {"STATUS", SGDMA_CH_STATUS, 32, SGDMA_ACCESS_RO, SGDMA_RESET_CONST, SGDMA_STATUS_RESET},
    {"RING_BASE", SGDMA_CH_RING_BASE, 64, SGDMA_ACCESS_RW, SGDMA_RESET_CONST, 0},
    {"RING_SIZE", SGDMA_CH_RING_SIZE, 32, SGDMA_ACCESS_RW, SGDMA_RESET_CONST, 0},
    {"HEAD", SGDMA_CH_HEAD, 32, SGDMA_ACCESS_RO, SGDMA_RESET_CONST, 0},
    {"TAIL", SGDMA_CH_TAIL, 32, SGDMA_ACCESS_RW, SGDMA_RESET_CONST, 0},
    {"COALESCE_COUNT", SGDMA_CH_COALESCE_COUNT, 32, SGDMA_ACCESS_RW, SGDMA_RESET_CONST, 1},
    {"COALESCE_TIME_US", SGDMA_CH_COALESCE_TIME_US, 32, SGDMA_ACCESS_RW, SGDMA_RESET_CONST, 0},
    {"ERR_STATUS", SGDMA_CH_ERR_STATUS, 32, SGDMA_ACCESS_RO, SGDMA_RESET_CONST, 0},
    {"ERR_DESC", SGDMA_CH_ERR_DESC, 32, SGDMA_ACCESS_RO, SGDMA_RESET_CONST, 0},
    {"ERR_ADDR", SGDMA_CH_ERR_ADDR, 64, SGDMA_ACCESS_RO, SGDMA_RESET_CONST, 0},
    {"DESC_COUNT", SGDMA_CH_DESC_COUNT, 64, SGDMA_ACCESS_RO, SGDMA_RESET_CONST, 0},
    {"BYTE_COUNT", SGDMA_CH_BYTE_COUNT, 64, SGDMA_ACCESS_RO, SGDMA_RESET_CONST, 0},
    {"IRQ_COUNT", SGDMA_CH_IRQ_COUNT, 64, SGDMA_ACCESS_RO, SGDMA_RESET_CONST, 0},
    {"ERR_COUNT", SGDMA_CH_ERR_COUNT, 64, SGDMA_ACCESS_RO, SGDMA_RESET_CONST, 0},
    {"ABORT_COUNT", SGDMA_CH_ABORT_COUNT, 64, SGDMA_ACCESS_RO, SGDMA_RESET_CONST, 0},
};

#define SGDMA_GLOBAL_REG_COUNT (sizeof(sgdma_global_regs) / sizeof(sgdma_global_regs[0]))
#define SGDMA_CHAN_REG_COUNT (sizeof(sgdma_chan_regs) / sizeof(sgdma_chan_regs[0]))

/* ---- realize options and their defaults ---- */
#define SGDMA_OPT_MEM_MIB_DEFAULT 64u
#define SGDMA_OPT_MEM_MIB_MAX 4096u
#define SGDMA_OPT_MAX_DESC_BYTES_DEFAULT (1u << 20)
#define SGDMA_OPT_ALIGN_DEFAULT 1u
#define SGDMA_OPT_ALIGN_MAX 4096u

#endif
