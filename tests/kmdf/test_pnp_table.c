/* test_pnp_table.c - the PnP/power state table itself (HOUSE-STYLE §7: every (state, event)
 * pair, including the "not allowed" cells): consistency (fx_pnp_table_check), the full request
 * matrix of the stable states, no request accepted in a transient state, every transient row
 * answering only its own events, and the documented step order of each main path.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/a-user-plugs-in-a-device
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/a-user-unplugs-a-device
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/a-device-enters-a-low-power-state
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/a-device-returns-to-its-working-state */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "kmdf/core/fx_pnp.h"

#define S(x) FX_PNP_STATE_##x
#define E(x) FX_PNP_EVENT_##x
#define NO FX_PNP_STATE_COUNT

enum { REQUESTS = 5 };
static const enum fx_pnp_event requests[REQUESTS] = {E(START), E(POWER_DOWN), E(POWER_UP),
                                                     E(REMOVE), E(SURPRISE_REMOVE)};

/* Where each request leads from each stable state (NO: refused). */
static const enum fx_pnp_state matrix[S(REMOVED) + 1][REQUESTS] = {
    [S(ADDED)] = {S(ASSIGN_RESOURCES), NO, NO, S(REMOVE_DISABLE_INTERFACES), S(SURPRISE_REMOVED)},
    [S(STARTED)] = {NO, S(SELF_IO_SUSPEND), NO, S(REMOVE_DISABLE_INTERFACES),
                    S(SURPRISE_DISABLE_INTERFACES)},
    [S(DX)] = {NO, NO, S(D0_ENTRY), S(REMOVE_DISABLE_INTERFACES), S(SURPRISE_DISABLE_INTERFACES)},
    [S(FAILED)] = {NO, NO, NO, S(REMOVE_DISABLE_INTERFACES), S(SURPRISE_REMOVED)},
    [S(SURPRISE_REMOVED)] = {NO, NO, NO, S(QUEUES_PURGE), NO},
    [S(REMOVED)] = {NO, NO, NO, NO, NO},
};

static void test_consistency(void)
{
    CHECK_EQ(fx_pnp_table_check(), 0);
    for (unsigned s = 0; s < FX_PNP_STATE_COUNT; s++) {
        const struct fx_pnp_row *row = fx_pnp_row((enum fx_pnp_state)s);
        REQUIRE(row != NULL);
        CHECK(strcmp(fx_pnp_state_name((enum fx_pnp_state)s), "?") != 0);
        CHECK(row->source != NULL && row->source[0] != '\0');
        for (unsigned t = s + 1; t < FX_PNP_STATE_COUNT; t++)
            CHECK(strcmp(row->name, fx_pnp_row((enum fx_pnp_state)t)->name) != 0);
    }
    CHECK(fx_pnp_row(FX_PNP_STATE_COUNT) == NULL);
    for (unsigned e = 0; e < FX_PNP_EVENT_COUNT; e++)
        CHECK(strcmp(fx_pnp_event_name((enum fx_pnp_event)e), "?") != 0);
}

/* Every (state, event) cell. */
static void test_all_cells(void)
{
    for (unsigned s = 0; s < FX_PNP_STATE_COUNT; s++) {
        const struct fx_pnp_row *row = fx_pnp_row((enum fx_pnp_state)s);
        bool stable = s <= S(REMOVED);

        CHECK_EQ(row->entry == NULL, stable);
        for (unsigned e = 0; e < FX_PNP_EVENT_COUNT; e++) {
            enum fx_pnp_state next = fx_pnp_next((enum fx_pnp_state)s, (enum fx_pnp_event)e);
            bool listed = false;

            for (unsigned i = 0; i < FX_PNP_MAX_TRANSITIONS && row->on[i].event != E(NONE); i++)
                listed |= row->on[i].event == (enum fx_pnp_event)e;
            CHECK_EQ(next != NO, listed);
            if (e == E(NONE))
                CHECK_EQ(next, NO);
            for (unsigned r = 0; r < REQUESTS; r++) {
                if (requests[r] != (enum fx_pnp_event)e)
                    continue;
                if (stable)
                    CHECK_EQ(next, matrix[s][r]);
                else
                    CHECK_EQ(next, NO);
            }
        }
    }
}

/* Follows `events` from `from`, recording the entry of each state passed, until a stable state;
 * a transient step answers SUCCESS unless `events` names its decision. */
static void walk(enum fx_pnp_state from, enum fx_pnp_event request, const enum fx_pnp_event *events,
                 char *out, size_t len)
{
    enum fx_pnp_state s = fx_pnp_next(from, request);
    size_t used = 0;

    out[0] = '\0';
    while (s != NO && fx_pnp_row(s)->entry != NULL) {
        enum fx_pnp_state next = fx_pnp_next(s, E(SUCCESS));

        if (next == NO && *events != E(NONE))
            next = fx_pnp_next(s, *events++);
        used += (size_t)snprintf(out + used, len - used, "%s ", fx_pnp_state_name(s));
        s = next;
    }
    snprintf(out + used, len - used, "-> %s", s == NO ? "STUCK" : fx_pnp_state_name(s));
}

static void check_walk(enum fx_pnp_state from, enum fx_pnp_event request,
                       const enum fx_pnp_event *events, const char *want)
{
    char got[1024];

    walk(from, request, events, got, sizeof(got));
    if (strcmp(got, want) != 0)
        fprintf(stderr, "walk mismatch\n  want: %s\n  got:  %s\n", want, got);
    CHECK(strcmp(got, want) == 0);
}

static void test_paths(void)
{
    static const enum fx_pnp_event none[] = {E(NONE)};
    static const enum fx_pnp_event to_dx[] = {E(TO_DX), E(NONE)};
    static const enum fx_pnp_event remove_in_d0[] = {E(IN_D0), E(TO_REMOVE), E(NONE)};
    static const enum fx_pnp_event remove_in_dx[] = {E(HW_ASSIGNED), E(NONE)};
    static const enum fx_pnp_event surprise_in_d0[] = {E(IN_D0), E(TO_SURPRISE), E(NONE)};

    check_walk(S(ADDED), E(START), none,
               "ASSIGN_RESOURCES PREPARE_HARDWARE D0_ENTRY INTERRUPTS_ENABLE "
               "D0_ENTRY_POST_INTERRUPTS DMA_ENABLE QUEUES_START SELF_IO_START ENABLE_INTERFACES "
               "-> STARTED");
    check_walk(S(STARTED), E(POWER_DOWN), to_dx,
               "SELF_IO_SUSPEND QUEUES_STOP DMA_DISABLE D0_EXIT_PRE_INTERRUPTS INTERRUPTS_DISABLE "
               "D0_EXIT POWER_DOWN_DONE -> DX");
    check_walk(S(DX), E(POWER_UP), none,
               "D0_ENTRY INTERRUPTS_ENABLE D0_ENTRY_POST_INTERRUPTS DMA_ENABLE QUEUES_START "
               "SELF_IO_START ENABLE_INTERFACES -> STARTED");
    check_walk(S(STARTED), E(REMOVE), remove_in_d0,
               "REMOVE_DISABLE_INTERFACES SELF_IO_SUSPEND QUEUES_STOP DMA_DISABLE "
               "D0_EXIT_PRE_INTERRUPTS INTERRUPTS_DISABLE D0_EXIT POWER_DOWN_DONE "
               "RELEASE_HARDWARE_REMOVE QUEUES_PURGE SELF_IO_FLUSH SELF_IO_CLEANUP DELETE -> "
               "REMOVED");
    check_walk(S(DX), E(REMOVE), remove_in_dx,
               "REMOVE_DISABLE_INTERFACES RELEASE_HARDWARE_REMOVE QUEUES_PURGE SELF_IO_FLUSH "
               "SELF_IO_CLEANUP DELETE -> REMOVED");
    check_walk(S(STARTED), E(SURPRISE_REMOVE), surprise_in_d0,
               "SURPRISE_DISABLE_INTERFACES SURPRISE_CALLBACK SURPRISE_QUEUES_STOP "
               "SURPRISE_SELF_IO_SUSPEND DMA_DISABLE D0_EXIT_PRE_INTERRUPTS INTERRUPTS_DISABLE "
               "D0_EXIT POWER_DOWN_DONE RELEASE_HARDWARE_SURPRISE -> SURPRISE_REMOVED");
    check_walk(S(SURPRISE_REMOVED), E(REMOVE), none,
               "QUEUES_PURGE SELF_IO_FLUSH SELF_IO_CLEANUP DELETE -> REMOVED");
}

int main(void)
{
    test_consistency();
    test_all_cells();
    test_paths();
    return check_done();
}
