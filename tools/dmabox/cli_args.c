/* cli_args.c - option helpers shared by the dmabox subcommands (tools layer). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

int cli_bad_usage(const char *command, const char *fmt, const char *arg)
{
    fprintf(stderr, "dmabox %s: ", command);
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n(dmabox %s --help for the options)\n", command);
    return CLI_EXIT_USAGE;
}

int cli_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
    char *end;
    unsigned long long v;

    if (*s == '\0' || *s == '-' || *s == '+' || *s == ' ')
        return -1;
    errno = 0;
    v = strtoull(s, &end, 0);
    if (errno != 0 || *end != '\0' || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}
