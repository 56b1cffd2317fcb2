/* bus_config.c - PCI-style type-0 configuration space of a device on the bus (platform layer).
 *
 * The header (0x00..0x3F) is computed from the model's identity and the few writable registers
 * kept in struct dmabox_dev; BARs follow the standard sizing protocol (write all-ones, read back
 * the size mask with the type bits; a 64-bit BAR uses two registers).  0x40..0xDF belong to the
 * model's optional config hooks; 0xE0 holds the bus-owned MSI capability (ID 0x05) of an MSI
 * device, with the vector count in the Multiple Message Capable field.  Layout: PCI Local Bus 3.0,
 * 6.1 and 6.8.1; Windows reads it through BUS_INTERFACE_STANDARD:
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/accessing-pci-device-configuration-space */
#include "bus_dev.h"

#define CMD_WRITABLE 0x0547u        /* I/O, memory, bus master, parity, SERR#, INTx disable */
#define STATUS_INTX 0x0008u         /* interrupt status: the line is asserted */
#define STATUS_CAPLIST 0x0010u
#define BAR_MEM64_TYPE 0x4u         /* bits 2:1 = 10b */
#define BAR_IO_SPACE 0x1u
#define MSI_CTRL_ENABLE 0x0001u
#define MSI_CTRL_MME_SHIFT 4
#define MSI_CTRL_64BIT 0x0080u

static unsigned log2u(unsigned v)
{
    unsigned n = 0;
    while ((1u << n) < v)
        n++;
    return n;
}

static bool has_msi(const struct dmabox_dev *dev)
{
    return dev->model->irq_kind == DMABOX_IRQ_MSI;
}

void bus_config_init(struct dmabox_dev *dev)
{
    dev->command = 0x0007;          /* firmware enabled decoding and bus mastering at boot */
    dev->cache_line = 0x10;
    dev->latency = 0;
    dev->int_line = (uint8_t)(BUS_INTX_FIRST_LINE + dev->slot);
    for (unsigned i = 0; i < BUS_MAX_BARS; i++)
        dev->bar_sizing[i] = false;
    dev->msi_control = 0;
    dev->msi_addr_lo = dev->msi_addr_hi = 0;
    dev->msi_data = 0;
}

/* Register i of the BAR block: the low half of BAR i, or the high half of the 64-bit BAR i-1. */
static uint32_t bar_read(const struct dmabox_dev *dev, unsigned i)
{
    const struct dmabox_bar_desc *bars = dev->model->bars;
    if (i > 0 && bars[i - 1].type == DMABOX_BAR_MEM64) {
        uint64_t v = dev->bar_sizing[i] ? ~(bars[i - 1].size - 1) : dev->bar_base[i - 1];
        return (uint32_t)(v >> 32);
    }
    switch (bars[i].type) {
    case DMABOX_BAR_MEM32:
    case DMABOX_BAR_MEM64: {
        uint64_t v = dev->bar_sizing[i] ? ~(bars[i].size - 1) : dev->bar_base[i];
        uint32_t type = bars[i].type == DMABOX_BAR_MEM64 ? BAR_MEM64_TYPE : 0;
        return ((uint32_t)v & ~0xFu) | type;
    }
    case DMABOX_BAR_IO: {
        uint64_t v = dev->bar_sizing[i] ? ~(bars[i].size - 1) : dev->bar_base[i];
        return ((uint32_t)v & ~0x3u) | BAR_IO_SPACE;
    }
    default:
        return 0;   /* unimplemented BAR: hardwired to zero, sizing reads 0 too */
    }
}

/* A BAR write: all-ones in the address bits starts sizing; any other value ends it.  BARs are
 * assigned once by the bus (firmware style): other addresses written by software are ignored. */
static void bar_write(struct dmabox_dev *dev, unsigned i, uint32_t v)
{
    const struct dmabox_bar_desc *bars = dev->model->bars;
    bool high = i > 0 && bars[i - 1].type == DMABOX_BAR_MEM64;
    uint32_t addr_mask = high ? ~0u : bars[i].type == DMABOX_BAR_IO ? ~0x3u : ~0xFu;
    if (!high && bars[i].type == DMABOX_BAR_NONE)
        return;
    dev->bar_sizing[i] = (v & addr_mask) == addr_mask;
}

static uint32_t header_read(const struct dmabox_dev *dev, unsigned off)
{
    const struct dmabox_device_model *md = dev->model;
    switch (off) {
    case 0x00:
        return md->vendor_id | (uint32_t)md->device_id << 16;
    case 0x04: {
        uint32_t status = has_msi(dev) ? STATUS_CAPLIST : 0;
        if (atomic_load_explicit(&dev->irq_asserted, memory_order_relaxed))
            status |= STATUS_INTX;
        return dev->command | status << 16;
    }
    case 0x08:
        return md->revision | (md->class_code & 0xFFFFFFu) << 8;
    case 0x0C:
        return dev->cache_line | (uint32_t)dev->latency << 8;   /* header type 0, no BIST */
    case 0x2C:
        return md->subsystem_vendor_id | (uint32_t)md->subsystem_id << 16;
    case 0x34:
        return has_msi(dev) ? BUS_CONFIG_MSI_CAP : 0;
    case 0x3C: {
        uint32_t pin = md->irq_kind == DMABOX_IRQ_LINE ? 1 : 0;   /* INTA# for a line device */
        return dev->int_line | pin << 8;
    }
    default:
        if (off >= 0x10 && off < 0x28)
            return bar_read(dev, (off - 0x10) / 4);
        return 0;
    }
}

static uint32_t msi_read(const struct dmabox_dev *dev, unsigned off)
{
    if (!has_msi(dev))
        return 0;
    switch (off - BUS_CONFIG_MSI_CAP) {
    case 0x0: {
        uint32_t ctrl = dev->msi_control | MSI_CTRL_64BIT | log2u(dev->model->msi_vectors) << 1;
        return 0x05u | ctrl << 16;   /* capability ID 5, end of the list */
    }
    case 0x4:
        return dev->msi_addr_lo;
    case 0x8:
        return dev->msi_addr_hi;
    case 0xC:
        return dev->msi_data;
    default:
        return 0;
    }
}

static void msi_write(struct dmabox_dev *dev, unsigned off, uint32_t v)
{
    if (!has_msi(dev))
        return;
    switch (off - BUS_CONFIG_MSI_CAP) {
    case 0x0: {
        unsigned mmc = log2u(dev->model->msi_vectors);
        unsigned mme = (v >> (16 + MSI_CTRL_MME_SHIFT)) & 7;
        if (mme > mmc)
            mme = mmc;      /* software may not enable more messages than the device asks for */
        dev->msi_control = (uint16_t)(((v >> 16) & MSI_CTRL_ENABLE) | mme << MSI_CTRL_MME_SHIFT);
        break;
    }
    case 0x4:
        dev->msi_addr_lo = v & ~0x3u;
        break;
    case 0x8:
        dev->msi_addr_hi = v;
        break;
    case 0xC:
        dev->msi_data = (uint16_t)v;
        break;
    default:
        break;
    }
}

/* The dword at an aligned offset of the bus-owned parts.  Caller holds dev->cfg_lock. */
static uint32_t dword_read_locked(const struct dmabox_dev *dev, unsigned off)
{
    if (off < 0x40)
        return header_read(dev, off);
    return msi_read(dev, off);
}

static void dword_write_locked(struct dmabox_dev *dev, unsigned off, uint32_t v)
{
    if (off >= 0x40) {
        msi_write(dev, off, v);
        return;
    }
    if (off == 0x04)
        dev->command = (uint16_t)(v & CMD_WRITABLE);   /* status bits: none are write-1-to-clear here */
    else if (off == 0x0C) {
        dev->cache_line = (uint8_t)v;
        dev->latency = (uint8_t)(v >> 8);
    } else if (off >= 0x10 && off < 0x28)
        bar_write(dev, (off - 0x10) / 4, v);
    else if (off == 0x3C)
        dev->int_line = (uint8_t)v;
}

static bool model_range(unsigned offset)
{
    return offset >= 0x40 && offset < BUS_CONFIG_MSI_CAP;
}

static bool access_ok(unsigned offset, unsigned size)
{
    return (size == 1 || size == 2 || size == 4) && offset % size == 0 &&
           offset + size <= BUS_CONFIG_SIZE;
}

static uint32_t size_mask(unsigned size)
{
    return size == 4 ? ~0u : (1u << (size * 8)) - 1;
}

/* Reads 1, 2 or 4 naturally aligned bytes; a bad size or offset reads all-ones. */
uint32_t bus_config_read(struct dmabox_dev *dev, unsigned offset, unsigned size)
{
    uint32_t v;
    if (!access_ok(offset, size))
        return ~0u;
    if (model_range(offset))
        return dev->model->config_read ? dev->model->config_read(dev->state, offset, size) &
                                             size_mask(size)
                                       : 0;
    pthread_mutex_lock(&dev->cfg_lock);
    v = dword_read_locked(dev, offset & ~3u);
    pthread_mutex_unlock(&dev->cfg_lock);
    return (v >> ((offset & 3) * 8)) & size_mask(size);
}

/* Writes 1, 2 or 4 naturally aligned bytes: read-modify-write of the containing dword, so a byte
 * write to a BAR merges with what the register reads back.  A bad size or offset is ignored. */
void bus_config_write(struct dmabox_dev *dev, unsigned offset, uint32_t value, unsigned size)
{
    unsigned shift = (offset & 3) * 8;
    uint32_t mask, cur;
    if (!access_ok(offset, size))
        return;
    if (model_range(offset)) {
        if (dev->model->config_write)
            dev->model->config_write(dev->state, offset, value & size_mask(size), size);
        return;
    }
    mask = size_mask(size) << shift;
    pthread_mutex_lock(&dev->cfg_lock);
    cur = dword_read_locked(dev, offset & ~3u);
    dword_write_locked(dev, offset & ~3u, (cur & ~mask) | ((value << shift) & mask));
    pthread_mutex_unlock(&dev->cfg_lock);
}
