/* cli_exec.h - runs the built `dmabox` binary (DMABOX_EXE, set by tests/tools/CMakeLists.txt)
 * with arguments and captures its exit status, stdout and stderr (tests/tools).  Output goes to
 * memfds, so nothing can block on a full pipe; the test waits for the process to exit. */
#ifndef DMABOX_TEST_CLI_EXEC_H
#define DMABOX_TEST_CLI_EXEC_H

#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

extern char **environ;

#define CLI_MAX_ARGS 32
#define CLI_MAX_OUT (1 << 20)

struct cli_result {
    int status;        /* exit status, or -1 if it did not exit normally */
    char *out, *err;   /* NUL-terminated, malloc'ed */
};

static inline char *cli_slurp(int fd)
{
    char *buf = malloc(CLI_MAX_OUT + 1);
    size_t n = 0;
    ssize_t r;

    REQUIRE(buf != NULL);
    lseek(fd, 0, SEEK_SET);
    while (n < CLI_MAX_OUT && (r = read(fd, buf + n, CLI_MAX_OUT - n)) > 0)
        n += (size_t)r;
    buf[n] = '\0';
    close(fd);
    return buf;
}

/* Runs DMABOX_EXE with the NULL-terminated arguments. */
static inline struct cli_result cli_run(const char *arg0, ...)
{
    char *argv[CLI_MAX_ARGS + 2];
    posix_spawn_file_actions_t fa;
    struct cli_result r = {.status = -1};
    int out = memfd_create("dmabox-out", 0), err = memfd_create("dmabox-err", 0);
    int argc = 0, ws;
    pid_t pid;
    va_list ap;

    REQUIRE(out >= 0 && err >= 0);
    argv[argc++] = (char *)DMABOX_EXE;
    va_start(ap, arg0);
    for (const char *a = arg0; a != NULL && argc <= CLI_MAX_ARGS; a = va_arg(ap, const char *))
        argv[argc++] = (char *)a;
    va_end(ap);
    argv[argc] = NULL;
    REQUIRE(posix_spawn_file_actions_init(&fa) == 0);
    REQUIRE(posix_spawn_file_actions_adddup2(&fa, out, 1) == 0);
    REQUIRE(posix_spawn_file_actions_adddup2(&fa, err, 2) == 0);
    REQUIRE(posix_spawn(&pid, DMABOX_EXE, &fa, NULL, argv, environ) == 0);
    posix_spawn_file_actions_destroy(&fa);
    REQUIRE(waitpid(pid, &ws, 0) == pid);
    if (WIFEXITED(ws))
        r.status = WEXITSTATUS(ws);
    r.out = cli_slurp(out);
    r.err = cli_slurp(err);
    if (r.status < 0)
        fprintf(stderr, "dmabox did not exit normally (wait status 0x%x)\n", ws);
    return r;
}

static inline void cli_free(struct cli_result *r)
{
    free(r->out);
    free(r->err);
}

/* Prints what the command said when a check on it failed. */
static inline void cli_dump(const struct cli_result *r)
{
    fprintf(stderr, "--- exit %d, stdout:\n%s--- stderr:\n%s---\n", r->status, r->out, r->err);
}

#define CLI_CHECK_STATUS(r, want)                                                              \
    do {                                                                                       \
        CHECK_EQ((r).status, (want));                                                          \
        if ((r).status != (want))                                                              \
            cli_dump(&(r));                                                                    \
    } while (0)

#endif
