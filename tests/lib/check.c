/* check.c - minimal test assertions (see check.h). */
#include "check.h"

#include <stdarg.h>

_Atomic unsigned long check_passed, check_failed;

void check_fail(const char *file, int line, const char *expr, const char *fmt, ...)
{
    va_list ap;
    check_failed++;
    fprintf(stderr, "%s:%d: CHECK failed: %s: ", file, line, expr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int check_done(void)
{
    printf("%lu passed, %lu failed\n", (unsigned long)check_passed, (unsigned long)check_failed);
    return check_failed == 0 ? 0 : 1;
}
