/* pktdma_regs.h - register map of the pktdma device model, as data (devices layer).
 * Every register and field listed here is described, with the same offset, access kind and reset
 * value, in docs/devices/pktdma.md; tests/devices/test_pktdma_regs.c checks that the two agree and
 * that a freshly plugged device reads back these reset values.  Reset values of the capability
 * registers are those of the default options (they follow the plug options). */
#ifndef DMABOX_DEVICES_PKTDMA_REGS_H
#define DMABOX_DEVICES_PKTDMA_REGS_H

#include <stdint.h>

#define PKTDMA_VENDOR_ID 0x1DB0u
#define PKTDMA_DEVICE_ID 0x504Bu   /* "PK" */
#define PKTDMA_REVISION 0x01u
#define PKTDMA_CLASS_CODE 0x080100u   /* base-system peripheral / DMA controller / generic */
#define PKTDMA_BAR0_SIZE 256u

#define PKTDMA_ID_MAGIC 0x504B5444u   /* "PKTD" */
#define PKTDMA_VERSION_1_0 0x00010000u

/* Register offsets in BAR0 (all 32-bit). */
enum pktdma_reg_offset {
    PKTDMA_REG_ID = 0x00,
    PKTDMA_REG_VERSION = 0x04,
    PKTDMA_REG_CAP_MAX_LEN = 0x08,
    PKTDMA_REG_CAP_ADDR_BITS = 0x0C,
    PKTDMA_REG_CAP_ALIGN = 0x10,
    PKTDMA_REG_CAP_MEM_SIZE = 0x14,
    PKTDMA_REG_ADDR_LO = 0x20,
    PKTDMA_REG_ADDR_HI = 0x24,
    PKTDMA_REG_LENGTH = 0x28,
    PKTDMA_REG_DEV_OFFSET = 0x2C,
    PKTDMA_REG_CTRL = 0x30,
    PKTDMA_REG_STATUS = 0x34,
    PKTDMA_REG_BYTES_DONE = 0x38,
    PKTDMA_REG_STAT_XFERS = 0x40,
    PKTDMA_REG_STAT_BYTES_LO = 0x44,
    PKTDMA_REG_STAT_BYTES_HI = 0x48,
    PKTDMA_REG_STAT_IRQS = 0x4C,
    PKTDMA_REG_STAT_ABORTS = 0x50,
    PKTDMA_REG_STAT_ERRORS = 0x54,
};

/* CTRL fields. GO, ABORT and RESET are write-only strobes and read as 0. */
#define PKTDMA_CTRL_DIRECTION (1u << 0)   /* 0: device-to-host (writes host memory), 1: host-to-device */
#define PKTDMA_CTRL_INT_ENABLE (1u << 1)
#define PKTDMA_CTRL_GO (1u << 2)
#define PKTDMA_CTRL_ABORT (1u << 3)
#define PKTDMA_CTRL_RESET (1u << 4)
#define PKTDMA_CTRL_RW_MASK (PKTDMA_CTRL_DIRECTION | PKTDMA_CTRL_INT_ENABLE)

/* STATUS fields. */
#define PKTDMA_STATUS_BUSY (1u << 0)
#define PKTDMA_STATUS_DONE (1u << 1)
#define PKTDMA_STATUS_ERROR (1u << 2)
#define PKTDMA_STATUS_CODE_SHIFT 8
#define PKTDMA_STATUS_CODE_MASK (0xFu << PKTDMA_STATUS_CODE_SHIFT)
#define PKTDMA_STATUS_CODE(status) (((status) & PKTDMA_STATUS_CODE_MASK) >> PKTDMA_STATUS_CODE_SHIFT)

/* STATUS.ERROR_CODE values. */
enum pktdma_err {
    PKTDMA_ERR_NONE = 0,
    PKTDMA_ERR_BUS_ABORT = 1,   /* a DMA access was refused by the bus (IOMMU, not RAM) */
    PKTDMA_ERR_ADDR_RANGE = 2,  /* ADDR_HI != 0, or the buffer crosses 4 GiB */
    PKTDMA_ERR_BAD_LENGTH = 3,  /* LENGTH == 0 or > CAP_MAX_LEN */
    PKTDMA_ERR_DEV_RANGE = 4,   /* DEV_OFFSET + LENGTH beyond device memory */
    PKTDMA_ERR_ABORTED = 5,     /* CTRL.ABORT while BUSY */
    PKTDMA_ERR_ALIGN = 6,       /* ADDR_LO, LENGTH or DEV_OFFSET not a multiple of CAP_ALIGN */
    PKTDMA_ERR_DEVICE = 7,      /* internal device error (fault site dev.desc_error) */
};

enum pktdma_access {
    PKTDMA_ACCESS_RO,    /* writes ignored (reported as a guest error) */
    PKTDMA_ACCESS_RW,
    PKTDMA_ACCESS_W1C,   /* writing 1 clears a bit, writing 0 leaves it */
    PKTDMA_ACCESS_WO,    /* write-only strobe, reads 0 */
};

static inline const char *pktdma_access_name(enum pktdma_access a)
{
    static const char *const names[] = {
        [PKTDMA_ACCESS_RO] = "RO",
        [PKTDMA_ACCESS_RW] = "RW",
        [PKTDMA_ACCESS_W1C] = "W1C",
        [PKTDMA_ACCESS_WO] = "WO",
    };
    return (unsigned)a < sizeof(names) / sizeof(names[0]) ? names[a] : "?";
}

static inline const char *pktdma_err_name(enum pktdma_err e)
{
    static const char *const names[] = {
        [PKTDMA_ERR_NONE] = "NONE",
        [PKTDMA_ERR_BUS_ABORT] = "BUS_ABORT",
        [PKTDMA_ERR_ADDR_RANGE] = "ADDR_RANGE",
        [PKTDMA_ERR_BAD_LENGTH] = "BAD_LENGTH",
        [PKTDMA_ERR_DEV_RANGE] = "DEV_RANGE",
        [PKTDMA_ERR_ABORTED] = "ABORTED",
        [PKTDMA_ERR_ALIGN] = "ALIGN",
        [PKTDMA_ERR_DEVICE] = "DEVICE",
    };
    return (unsigned)e < sizeof(names) / sizeof(names[0]) ? names[e] : "?";
}

/* One register: its register-level access kind is that of its fields (STATUS mixes RO and W1C
 * fields and is listed as W1C; CTRL mixes RW and WO fields and is listed as RW). */
struct pktdma_reg_desc {
    uint32_t offset;
    const char *name;
    enum pktdma_access access;
    uint32_t reset;               /* with default options */
};

struct pktdma_field_desc {
    uint32_t reg;                 /* enum pktdma_reg_offset */
    const char *name;
    unsigned shift, width;
    enum pktdma_access access;
};

/* Default options (docs/devices/pktdma.md, "Options"). */
#define PKTDMA_DEFAULT_MEM_MIB 16u
#define PKTDMA_DEFAULT_MAX_LEN (1u << 20)
#define PKTDMA_DEFAULT_ALIGN 1u

__attribute__((unused)) static const struct pktdma_reg_desc pktdma_regs[] = {
    {PKTDMA_REG_ID, "ID", PKTDMA_ACCESS_RO, PKTDMA_ID_MAGIC},
    {PKTDMA_REG_VERSION, "VERSION", PKTDMA_ACCESS_RO, PKTDMA_VERSION_1_0},
    {PKTDMA_REG_CAP_MAX_LEN, "CAP_MAX_LEN", PKTDMA_ACCESS_RO, PKTDMA_DEFAULT_MAX_LEN},
    {PKTDMA_REG_CAP_ADDR_BITS, "CAP_ADDR_BITS", PKTDMA_ACCESS_RO, 32},
    {PKTDMA_REG_CAP_ALIGN, "CAP_ALIGN", PKTDMA_ACCESS_RO, PKTDMA_DEFAULT_ALIGN},
    {PKTDMA_REG_CAP_MEM_SIZE, "CAP_MEM_SIZE", PKTDMA_ACCESS_RO, PKTDMA_DEFAULT_MEM_MIB << 20},
    {PKTDMA_REG_ADDR_LO, "ADDR_LO", PKTDMA_ACCESS_RW, 0},
    {PKTDMA_REG_ADDR_HI, "ADDR_HI", PKTDMA_ACCESS_RW, 0},
    {PKTDMA_REG_LENGTH, "LENGTH", PKTDMA_ACCESS_RW, 0},
    {PKTDMA_REG_DEV_OFFSET, "DEV_OFFSET", PKTDMA_ACCESS_RW, 0},
    {PKTDMA_REG_CTRL, "CTRL", PKTDMA_ACCESS_RW, 0},
    {PKTDMA_REG_STATUS, "STATUS", PKTDMA_ACCESS_W1C, 0},
    {PKTDMA_REG_BYTES_DONE, "BYTES_DONE", PKTDMA_ACCESS_RO, 0},
    {PKTDMA_REG_STAT_XFERS, "STAT_XFERS", PKTDMA_ACCESS_RO, 0},
    {PKTDMA_REG_STAT_BYTES_LO, "STAT_BYTES_LO", PKTDMA_ACCESS_RO, 0},
    {PKTDMA_REG_STAT_BYTES_HI, "STAT_BYTES_HI", PKTDMA_ACCESS_RO, 0},
    {PKTDMA_REG_STAT_IRQS, "STAT_IRQS", PKTDMA_ACCESS_RO, 0},
    {PKTDMA_REG_STAT_ABORTS, "STAT_ABORTS", PKTDMA_ACCESS_RO, 0},
    {PKTDMA_REG_STAT_ERRORS, "STAT_ERRORS", PKTDMA_ACCESS_RO, 0},
};

__attribute__((unused)) static const struct pktdma_field_desc pktdma_fields[] = {
    {PKTDMA_REG_VERSION, "MINOR", 0, 16, PKTDMA_ACCESS_RO},
    {PKTDMA_REG_VERSION, "MAJOR", 16, 16, PKTDMA_ACCESS_RO},
    {PKTDMA_REG_CTRL, "DIRECTION", 0, 1, PKTDMA_ACCESS_RW},
    {PKTDMA_REG_CTRL, "INT_ENABLE", 1, 1, PKTDMA_ACCESS_RW},
    {PKTDMA_REG_CTRL, "GO", 2, 1, PKTDMA_ACCESS_WO},
    {PKTDMA_REG_CTRL, "ABORT", 3, 1, PKTDMA_ACCESS_WO},
    {PKTDMA_REG_CTRL, "RESET", 4, 1, PKTDMA_ACCESS_WO},
    {PKTDMA_REG_STATUS, "BUSY", 0, 1, PKTDMA_ACCESS_RO},
    {PKTDMA_REG_STATUS, "DONE", 1, 1, PKTDMA_ACCESS_W1C},
    {PKTDMA_REG_STATUS, "ERROR", 2, 1, PKTDMA_ACCESS_W1C},
    {PKTDMA_REG_STATUS, "ERROR_CODE", 8, 4, PKTDMA_ACCESS_RO},
};

#define PKTDMA_NREGS (sizeof(pktdma_regs) / sizeof(pktdma_regs[0]))
#define PKTDMA_NFIELDS (sizeof(pktdma_fields) / sizeof(pktdma_fields[0]))

#endif
