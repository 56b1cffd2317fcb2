/* main.c - the dmabox command line: subcommand dispatch (tools layer).
 * Exit status: 0 all good, 1 data or verifier failure, 2 usage error (docs/cli.md). */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct cli_command commands[] = {
    {"run", "the main job: a reference KMDF driver moves seeded data to its device and back", cmd_run},
    {"bringup", "device bring-up: drive the model directly, move data to it and back", cmd_bringup},
    {"devices", "list the device models and their options", cmd_devices},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: dmabox <command> [options]   (dmabox <command> --help for its options)\n\n"
                 "commands:\n");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return CLI_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "dmabox: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return CLI_EXIT_USAGE;
}
