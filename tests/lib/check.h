/* check.h - minimal test assertions.  A failed CHECK prints file:line and the expression, and the
 * test exits non-zero at the end (CHECK) or at once (REQUIRE).  Tests end with `return check_done();`
 * which prints the closing line "N passed, M failed" that CI reads. */
#ifndef DMABOX_TEST_CHECK_H
#define DMABOX_TEST_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

extern _Atomic unsigned long check_passed, check_failed;

void check_fail(const char *file, int line, const char *expr, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#define CHECK(e)                                                                               \
    do {                                                                                       \
        if (e)                                                                                 \
            check_passed++;                                                                    \
        else                                                                                   \
            check_fail(__FILE__, __LINE__, #e, " ");                                           \
    } while (0)

#define REQUIRE(e)                                                                             \
    do {                                                                                       \
        if (e) {                                                                               \
            check_passed++;                                                                    \
        } else {                                                                               \
            check_fail(__FILE__, __LINE__, #e, " ");                                           \
            exit(1);                                                                           \
        }                                                                                      \
    } while (0)

/* Integer equality with both values printed. */
#define CHECK_EQ(a, b)                                                                         \
    do {                                                                                       \
        unsigned long long check_a_ = (unsigned long long)(a), check_b_ = (unsigned long long)(b); \
        if (check_a_ == check_b_)                                                              \
            check_passed++;                                                                    \
        else                                                                                   \
            check_fail(__FILE__, __LINE__, #a " == " #b, "0x%llx != 0x%llx", check_a_, check_b_); \
    } while (0)

/* Prints "N passed, M failed" and returns the process exit status. */
int check_done(void);

#endif
