/* cmd_devices.c - `dmabox devices`: the device models of the registry (devices/registry.c), one
 * line each with its description, then its plug options (name=default  meaning), which
 * `dmabox run --device-option` accepts (tools layer).  docs/cli.md. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "registry.h"

static void print_options(const char *help)
{
    const char *line = help;
    while (line != NULL && *line != '\0') {
        const char *end = strchr(line, '\n');
        int len = end ? (int)(end - line) : (int)strlen(line);
        printf("      %.*s\n", len, line);
        line = end ? end + 1 : NULL;
    }
}

int cmd_devices(int argc, char **argv)
{
    static const struct option options[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    int c;

    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        if (c == 'h') {
            printf("usage: dmabox devices [--help]\n\nLists the device models, one line each, with "
                   "their plug options\n(name=default  meaning; give them to `dmabox run` as "
                   "--device-option NAME=VALUE).\n");
            return CLI_EXIT_OK;
        }
        fprintf(stderr, "dmabox devices: unknown option '%s'\n", argv[optind - 1]);
        return CLI_EXIT_USAGE;
    }
    if (optind != argc) {
        fprintf(stderr, "dmabox devices: unexpected argument '%s'\n", argv[optind]);
        return CLI_EXIT_USAGE;
    }
    size_t count;
    const struct dmabox_device_model *const *models = dmabox_device_models(&count);
    for (size_t i = 0; i < count; i++) {
        printf("%-8s %s\n", models[i]->name, models[i]->description);
        print_options(models[i]->options_help);
    }
    return CLI_EXIT_OK;
}
