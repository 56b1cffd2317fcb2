/* test_dmatx_table.c - the transaction state table, every (state, event) cell: the framework's
 * fx_dmatx_allowed against the table of /work/shared/design/kmdf-dma-spec.md §5.1 written out
 * here independently (legal cells; every other cell is DMA-TX-001/002 in the runtime), plus the
 * state names used in findings.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/dma-transactions-and-dma-transfers */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "kmdf/dma/fx_dmatransaction.h"

enum {
    S_CR = 1 << FX_DMATX_STATE_CREATED,
    S_RS = 1 << FX_DMATX_STATE_RESERVED,
    S_IN = 1 << FX_DMATX_STATE_INITIALIZED,
    S_TR = 1 << FX_DMATX_STATE_TRANSFER,
    S_TC = 1 << FX_DMATX_STATE_TRANSFER_COMPLETED,
    S_TF = 1 << FX_DMATX_STATE_TRANSFER_FAILED,
    S_RL = 1 << FX_DMATX_STATE_RELEASED,
};

/* The states where each event is legal (Invalid and Deleted: none). */
static const unsigned expected[FX_DMATX_EVENT_COUNT] = {
    [FX_DMATX_EVENT_INITIALIZE] = S_CR | S_RS | S_RL,
    [FX_DMATX_EVENT_EXECUTE] = S_IN,
    [FX_DMATX_EVENT_DMA_COMPLETED] = S_TR,
    [FX_DMATX_EVENT_RELEASE] = S_CR | S_RS | S_IN | S_TC | S_TF | S_RL,
    [FX_DMATX_EVENT_ALLOCATE_RESOURCES] = S_CR | S_IN | S_RL,
    [FX_DMATX_EVENT_FREE_RESOURCES] = S_RS | S_IN | S_TC | S_TF | S_RL,
    [FX_DMATX_EVENT_CANCEL] = S_RS | S_IN | S_TR | S_TC | S_TF,
    [FX_DMATX_EVENT_GET_TRANSFER_INFO] = S_IN,
    [FX_DMATX_EVENT_SET_SINGLE_TRANSFER] = S_CR | S_RS | S_RL,
    [FX_DMATX_EVENT_SET_IMMEDIATE] = S_CR | S_IN | S_RL,
    [FX_DMATX_EVENT_GET_TRANSFER_CONTEXT] = S_RS | S_IN | S_TR | S_TC | S_TF,
};

int main(void)
{
    static const char *const names[FX_DMATX_STATE_COUNT] = {
        "Invalid", "Created", "Reserved", "Initialized", "Transfer", "TransferCompleted",
        "TransferFailed", "Released", "Deleted"};
    unsigned cells = 0, mismatches = 0;

    for (int e = 0; e < FX_DMATX_EVENT_COUNT; e++) {
        for (int s = 0; s < FX_DMATX_STATE_COUNT; s++) {
            bool want = (expected[e] & (1u << s)) != 0;
            bool got = fx_dmatx_allowed((enum fx_dmatx_state)s, (enum fx_dmatx_event)e);

            cells++;
            if (want != got) {
                fprintf(stderr, "event %d in state %s: want %d got %d\n", e, names[s], want,
                        got);
                mismatches++;
            }
        }
    }
    CHECK_EQ(cells, FX_DMATX_EVENT_COUNT * FX_DMATX_STATE_COUNT);
    CHECK_EQ(mismatches, 0);
    /* Out-of-range values are never legal. */
    CHECK(!fx_dmatx_allowed(FX_DMATX_STATE_COUNT, FX_DMATX_EVENT_EXECUTE));
    CHECK(!fx_dmatx_allowed(FX_DMATX_STATE_INITIALIZED, FX_DMATX_EVENT_COUNT));
    for (int s = 0; s < FX_DMATX_STATE_COUNT; s++)
        CHECK(strcmp(fx_dmatx_state_name((enum fx_dmatx_state)s), names[s]) == 0);
    CHECK(strcmp(fx_dmatx_state_name(FX_DMATX_STATE_COUNT), "?") == 0);
    return check_done();
}
