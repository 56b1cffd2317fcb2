/* sgdma_hw.h - the sgdma device's registers and descriptor layout, as the reference driver uses
 * them (drivers/sgdma).  The device's specification is docs/devices/sgdma.md (sections 4-8);
 * only what the driver touches is listed here. */
#ifndef SGDMA_HW_H
#define SGDMA_HW_H

/* Global registers (BAR0 offsets). */
#define SGDMA_REG_ID 0x000
#define SGDMA_REG_VERSION 0x004
#define SGDMA_REG_CAPS 0x008
#define SGDMA_REG_ADDR_WIDTH 0x00C
#define SGDMA_REG_MAX_DESC_BYTES 0x010
#define SGDMA_REG_MAX_DESCS 0x014
#define SGDMA_REG_ALIGN 0x018
#define SGDMA_REG_DESC_SIZE 0x01C
#define SGDMA_REG_DEV_MEM_SIZE 0x020    /* 64-bit */
#define SGDMA_REG_RESET 0x028
#define SGDMA_REG_INT_STATUS 0x030
#define SGDMA_REG_INT_MASK 0x034

#define SGDMA_ID_MAGIC 0x53474441u      /* "SGDA" */
#define SGDMA_VERSION_MAJOR(v) ((v) >> 16)
#define SGDMA_CAPS_CHANNELS(c) ((c) & 0xFu)
#define SGDMA_RESET_FLR 0x1u

/* INT_STATUS / INT_MASK: 8 bits per channel, channel c at bit 8c. */
#define SGDMA_INT_DONE(c) (0x1u << (8 * (c)))
#define SGDMA_INT_ERROR(c) (0x2u << (8 * (c)))
#define SGDMA_INT_ABORTED(c) (0x4u << (8 * (c)))
#define SGDMA_INT_CHANNEL(c) (0xFFu << (8 * (c)))
#define SGDMA_INT_ALL 0x0707u

/* Channel blocks: H2D (channel 0) at 0x100, D2H (channel 1) at 0x200. */
#define SGDMA_CH_BASE(c) (0x100u * ((c) + 1))
#define SGDMA_CH_CTRL 0x00
#define SGDMA_CH_STATUS 0x04
#define SGDMA_CH_RING_BASE 0x08         /* 64-bit: low half, high half at +4 */
#define SGDMA_CH_RING_SIZE 0x10
#define SGDMA_CH_HEAD 0x14
#define SGDMA_CH_TAIL 0x18
#define SGDMA_CH_COALESCE_COUNT 0x20
#define SGDMA_CH_COALESCE_TIME_US 0x24
#define SGDMA_CH_ERR_STATUS 0x28

#define SGDMA_CTRL_RUN 0x1u
#define SGDMA_CTRL_CH_RESET 0x4u
#define SGDMA_STATE(status) ((status) & 0x3u)
#define SGDMA_STATE_ERROR 2u

#define SGDMA_CHANNEL_H2D 0
#define SGDMA_CHANNEL_D2H 1
#define SGDMA_CHANNELS 2

/* A 32-byte descriptor in host memory (docs/devices/sgdma.md section 6). */
typedef struct _SGDMA_DESCRIPTOR {
    ULONG64 HostAddress;
    ULONG64 DeviceOffset;
    ULONG Length;
    ULONG Flags;
    ULONG Status;                       /* written back by the device */
    ULONG BytesDone;                    /* written back by the device */
} SGDMA_DESCRIPTOR;

C_ASSERT(sizeof(SGDMA_DESCRIPTOR) == 32);

#define SGDMA_DESC_INT_ON_COMPLETE 0x1u
#define SGDMA_DESC_DONE 0x1u
#define SGDMA_DESC_ERROR 0x2u
#define SGDMA_DESC_SHORT 0x4u

#endif
