/* exec_ctx.c - per-thread execution context (platform layer); see exec_ctx.h. */
#include "exec_ctx.h"

static _Thread_local struct exec_ctx tls_ctx = {.machine = 0, .cpu = -1, .level = 0, .name = "host"};

struct exec_ctx *exec_ctx_self(void)
{
    return &tls_ctx;
}

void exec_ctx_attach(struct machine *machine, const char *name)
{
    tls_ctx.machine = machine;
    tls_ctx.cpu = -1;
    tls_ctx.level = EXEC_LEVEL_PASSIVE;
    tls_ctx.name = name;
}
