/* exec_ctx.h - the per-thread execution context of the simulated machine (platform layer).
 * Every thread that runs driver or device code carries one: which machine it belongs to, which
 * simulated CPU it stands for, and its current interrupt level.  The level is a plain number here
 * (0 passive, 1 APC, 2 dispatch, >2 device levels); the wdm layer gives it the name IRQL.
 * WDM calls carry no context argument, so this thread-local is how they find their machine. */
#ifndef DMABOX_PLATFORM_EXEC_CTX_H
#define DMABOX_PLATFORM_EXEC_CTX_H

#include <stdint.h>

struct machine;

enum exec_level {
    EXEC_LEVEL_PASSIVE = 0,
    EXEC_LEVEL_APC = 1,
    EXEC_LEVEL_DISPATCH = 2,
    EXEC_LEVEL_DEVICE_MIN = 3, /* device interrupt levels (DIRQL) start here */
    EXEC_LEVEL_HIGH = 15,
};

struct exec_ctx {
    struct machine *machine; /* NULL for a host thread not yet attached to a machine */
    int cpu;                 /* simulated CPU index, -1 for application/host threads */
    uint8_t level;           /* current interrupt level of this thread */
    const char *name;        /* for reports: "dpc0", "intr:sgdma0", "app" ... */
};

/* The calling thread's context; never NULL (a new thread starts passive, on no machine). */
struct exec_ctx *exec_ctx_self(void);

/* Attach the calling thread to a machine as an application/host thread (cpu -1, passive). */
void exec_ctx_attach(struct machine *machine, const char *name);

#endif
