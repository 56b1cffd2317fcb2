/* test_host_api.h - helpers shared by the host-API tests (tests/kmdf/test_host_api*.c):
 * a status check that prints names, and a machine configuration small enough for many
 * machines per test. */
#ifndef TEST_HOST_API_H
#define TEST_HOST_API_H

#include <dmabox/dmabox.h>

#include "check.h"

/* Status equality with both values printed by name. */
#define CHECK_ST(expr, want)                                                                   \
    do {                                                                                       \
        dmabox_status_t got_ = (expr), want_ = (want);                                         \
        if (got_ == want_)                                                                     \
            check_passed++;                                                                    \
        else                                                                                   \
            check_fail(__FILE__, __LINE__, #expr, "%s (0x%08x), want %s (0x%08x)",            \
                       dmabox_status_name(got_), (unsigned)got_, dmabox_status_name(want_),   \
                       (unsigned)want_);                                                       \
    } while (0)

static inline struct dmabox_machine_config host_test_config(void)
{
    struct dmabox_machine_config cfg = {.cpus = 2, .ram_bytes = 64ull << 20, .seed = 7};
    return cfg;
}

#endif
