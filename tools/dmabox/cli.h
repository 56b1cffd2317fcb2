/* cli.h - shared declarations of the dmabox command line (tools layer). */
#ifndef DMABOX_TOOLS_CLI_H
#define DMABOX_TOOLS_CLI_H

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

int cmd_run(int argc, char **argv);
int cmd_bringup(int argc, char **argv);
int cmd_devices(int argc, char **argv);

#endif
