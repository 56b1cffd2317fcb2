/* cli.h - shared declarations of the dmabox command line (tools layer). */
#ifndef DMABOX_TOOLS_CLI_H
#define DMABOX_TOOLS_CLI_H

#include <stdint.h>

enum cli_exit {
    CLI_EXIT_OK = 0,       /* everything verified */
    CLI_EXIT_FAILURE = 1,  /* data mismatch, verifier finding, device or I/O error */
    CLI_EXIT_USAGE = 2,    /* bad command line */
};

struct cli_command {
    const char *name;
    const char *summary;
    int (*fn)(int argc, char **argv);   /* argv[0] is the command name */
};

/* Prints "dmabox <command>: <fmt with arg>" and the --help hint; returns CLI_EXIT_USAGE. */
int cli_bad_usage(const char *command, const char *fmt, const char *arg);
/* A whole unsigned number, decimal or 0x-hexadecimal, in [min, max]: 0, or -1 if not. */
int cli_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);

int cmd_run(int argc, char **argv);
int cmd_bringup(int argc, char **argv);
int cmd_devices(int argc, char **argv);

#endif
