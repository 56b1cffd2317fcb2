/* test_dev_services.c - the services of include/dmabox/device_model.h that test_iommu does not
 * cover: options, workers (kick, kick_after, sleep interrupted by destroy), interrupts end to end
 * (model worker -> DMA -> interrupt -> ISR), MSI vectors, guest errors, per-device fault counts
 * (platform tests).  Waits are on events the ISR or the worker sets, never on sleeps. */
#include <errno.h>
#include <stdatomic.h>
#include <string.h>

#include "check.h"
#include "model_echo.h"
#include "platform/bus.h"
#include "platform/exec.h"
#include "platform/fault.h"
#include "platform/intr.h"
#include "platform/iommu.h"
#include "platform/machine.h"
#include "platform/mmio.h"

#define LONG_NS (10ull * 1000000000ull)

static struct machine *m;

struct isr_ctx {
    uint8_t *regs;                 /* BAR0 of the echo device, NULL for MSI */
    atomic_uint calls;
    atomic_uint last_message;
    struct exec_event fired;
};

/* Like a driver's ISR: a line device is silenced through its register; a message needs nothing. */
static bool echo_isr(void *ctx, unsigned message_id)
{
    struct isr_ctx *c = ctx;
    if (c->regs != NULL)
        (void)mmio_write(m, c->regs + ECHO_REG_CMD, 4, ECHO_CMD_LOWER);
    atomic_store(&c->last_message, message_id);
    atomic_fetch_add(&c->calls, 1);
    exec_event_set(&c->fired);
    return true;
}

static void test_props(void)
{
    struct dmabox_prop items[] = {{"a", "12"}, {"hex", "0x40"}, {"bad", "12k"}, {"neg", "-1"},
                                  {"empty", ""}, {"a", "99"}};
    struct dmabox_props p = {items, 6};
    uint64_t v = 0;
    CHECK_EQ(strcmp(dmabox_props_get(&p, "a"), "12"), 0);      /* the first one wins */
    CHECK(dmabox_props_get(&p, "missing") == NULL);
    CHECK(dmabox_props_get(NULL, "a") == NULL);
    CHECK_EQ(dmabox_props_u64(&p, "a", 5, &v), 0);
    CHECK_EQ(v, 12);
    CHECK_EQ(dmabox_props_u64(&p, "hex", 5, &v), 0);
    CHECK_EQ(v, 0x40);
    CHECK_EQ(dmabox_props_u64(&p, "missing", 5, &v), 0);
    CHECK_EQ(v, 5);
    CHECK_EQ(dmabox_props_u64(&p, "bad", 5, &v), -EINVAL);
    CHECK_EQ(v, 5);
    CHECK_EQ(dmabox_props_u64(&p, "neg", 5, &v), -EINVAL);
    CHECK_EQ(dmabox_props_u64(&p, "empty", 5, &v), -EINVAL);
}

/* Worker -> DMA -> line interrupt -> ISR, then the same with a timer kick. */
static void test_worker_line(void)
{
    struct dmabox_dev *dev;
    struct echo_state *s;
    struct bus_resource res[4];
    struct isr_ctx ic = {0};
    struct bus_dev_stats st;
    uint8_t *host;
    uint64_t pa;
    char err[128];
    REQUIRE(bus_plug(m->bus, 0, &echo_model, NULL, &dev, err, sizeof(err)) == 0);
    s = dmabox_dev_state(dev);
    bus_resources(dev, res, 4);
    ic.regs = mmio_map(m, res[0].start, ECHO_BAR0_SIZE);
    REQUIRE(ic.regs != NULL);
    exec_event_init(&ic.fired, true, false);
    REQUIRE(intr_connect(bus_device_intr(dev), echo_isr, &ic) == 0);
    intr_source_enable(bus_device_intr(dev));

    host = physmem_alloc(m->mem, 1, PHYSMEM_ZERO);
    pa = physmem_virt_to_phys(m->mem, host);
    for (unsigned i = 0; i < 256; i++)
        s->buf[i] = (uint8_t)(i ^ 0x5A);
    REQUIRE(iommu_map(m->iommu, bus_device_id(dev), pa, 4096, IOMMU_DIR_DEVICE_WRITES) == 0);
    CHECK_EQ(mmio_write(m, ic.regs + ECHO_REG_HOST_ADDR, 8, pa), 0);
    CHECK_EQ(mmio_write(m, ic.regs + ECHO_REG_LEN, 4, 256), 0);
    CHECK_EQ(mmio_write(m, ic.regs + ECHO_REG_CMD, 4, ECHO_CMD_ASYNC_TO_HOST), 0);
    REQUIRE(exec_event_wait(&ic.fired, LONG_NS));
    CHECK_EQ(s->done, 1);
    CHECK_EQ(s->status, DMABOX_DMA_OK);
    CHECK_EQ(memcmp(host, s->buf, 256), 0);
    CHECK_EQ(atomic_load(&ic.calls), 1);

    /* kick_after: the timer kicks the worker, which interrupts again. */
    memset(host, 0, 256);
    dmabox_worker_kick_after(s->worker, 2000000);
    REQUIRE(exec_event_wait(&ic.fired, LONG_NS));
    CHECK_EQ(s->done, 2);
    CHECK_EQ(memcmp(host, s->buf, 256), 0);
    bus_device_stats(dev, &st);
    CHECK_EQ(st.irqs_raised, 2);
    CHECK_EQ(st.dma_writes, 2);
    CHECK_EQ(st.dma_bytes_written, 512);

    intr_disconnect(bus_device_intr(dev));
    CHECK_EQ(iommu_unmap(m->iommu, bus_device_id(dev), pa, 4096, IOMMU_DIR_DEVICE_WRITES), 0);
    CHECK_EQ(mmio_unmap(m, ic.regs, ECHO_BAR0_SIZE), 0);
    physmem_free(m->mem, host);
    bus_unplug(dev);
}

static void test_msi(void)
{
    struct dmabox_device_model md = echo_model;
    struct dmabox_dev *dev;
    struct isr_ctx ic = {0};
    struct bus_dev_stats st;
    char err[128];
    md.name = "echomsi";
    md.irq_kind = DMABOX_IRQ_MSI;
    md.msi_vectors = 4;
    REQUIRE(bus_plug(m->bus, 1, &md, NULL, &dev, err, sizeof(err)) == 0);
    exec_event_init(&ic.fired, true, false);
    REQUIRE(intr_connect(bus_device_intr(dev), echo_isr, &ic) == 0);
    intr_source_enable(bus_device_intr(dev));
    dmabox_irq_send(dev, 2);
    REQUIRE(exec_event_wait(&ic.fired, LONG_NS));
    CHECK_EQ(atomic_load(&ic.last_message), 2);
    dmabox_irq_raise(dev);                                     /* MSI: an edge on vector 0 */
    REQUIRE(exec_event_wait(&ic.fired, LONG_NS));
    CHECK_EQ(atomic_load(&ic.last_message), 0);
    dmabox_irq_lower(dev);                                     /* nothing to drop */
    dmabox_irq_send(dev, 4);                                   /* no such vector: model error */
    bus_device_stats(dev, &st);
    CHECK_EQ(st.irqs_raised, 2);
    intr_disconnect(bus_device_intr(dev));
    CHECK_EQ(atomic_load(&ic.calls), 2);
    bus_unplug(dev);
}

/* A worker function that sleeps until stopped: destroy interrupts the sleep. */
static struct dmabox_worker *sleeper;
static struct exec_event sleeper_in;
static atomic_int sleep_result = -1;

static void sleeper_fn(void *state)
{
    (void)state;
    exec_event_set(&sleeper_in);
    atomic_store(&sleep_result, dmabox_worker_sleep(sleeper, 60ull * 1000000000ull));
    if (dmabox_worker_stopping(sleeper))
        atomic_fetch_add(&sleep_result, 10);
}

static void test_worker_stop(void)
{
    struct dmabox_dev *dev;
    uint64_t t0;
    char err[128];
    REQUIRE(bus_plug(m->bus, 2, &echo_model, NULL, &dev, err, sizeof(err)) == 0);
    exec_event_init(&sleeper_in, false, false);
    sleeper = dmabox_worker_create(dev, "sleeper", sleeper_fn);
    REQUIRE(sleeper != NULL);
    CHECK(dmabox_worker_sleep(sleeper, 0));                    /* not stopping: true */
    dmabox_worker_kick(sleeper);
    REQUIRE(exec_event_wait(&sleeper_in, LONG_NS));
    t0 = dmabox_now_ns();
    dmabox_worker_destroy(sleeper);
    CHECK(dmabox_now_ns() - t0 < 5000000000ull);               /* not the 60 s sleep */
    CHECK_EQ(atomic_load(&sleep_result), 10);                  /* slept false, stopping true */
    bus_unplug(dev);
}

static void test_errors_and_faults(void)
{
    struct dmabox_dev *a, *b;
    struct fault_spec sp = {.countdown = 2, .every = 2};
    struct bus_dev_stats sa, sb;
    char err[128];
    REQUIRE(bus_plug(m->bus, 3, &echo_model, NULL, &a, err, sizeof(err)) == 0);
    REQUIRE(bus_plug(m->bus, 4, &echo_model, NULL, &b, err, sizeof(err)) == 0);
    dmabox_dev_guest_error(a, "descriptor %d has length %u", 3, 0u);
    dmabox_dev_guest_error(a, "again");
    CHECK(!dmabox_dev_fault(a, "dev.desc_error"));             /* not armed */
    CHECK_EQ(fault_arm(m->faults, "dev.desc_error", &sp), 0);
    CHECK(!dmabox_dev_fault(a, "dev.desc_error"));             /* hit 1 */
    CHECK(dmabox_dev_fault(b, "dev.desc_error"));              /* hit 2: one global site */
    CHECK(!dmabox_dev_fault(a, "dev.desc_error"));
    CHECK(dmabox_dev_fault(a, "dev.desc_error"));              /* hit 4 */
    fault_disarm_all(m->faults);
    bus_device_stats(a, &sa);
    bus_device_stats(b, &sb);
    CHECK_EQ(sa.guest_errors, 2);
    CHECK_EQ(sb.guest_errors, 0);
    CHECK_EQ(sa.faults_fired, 1);
    CHECK_EQ(sb.faults_fired, 1);
    CHECK_EQ(fault_fired(m->faults, "dev.desc_error"), 2);
    CHECK_EQ(strcmp(dmabox_dev_name(b), "echo1"), 0);
    bus_unplug(a);
    bus_unplug(b);
}

int main(void)
{
    REQUIRE(machine_create(NULL, &m) == 0);
    test_props();
    test_worker_line();
    test_msi();
    test_worker_stop();
    test_errors_and_faults();
    machine_destroy(m);
    return check_done();
}
