/* fx_list.h - the framework's intrusive doubly linked list (kmdf layer, internal).
 * A circular list with a sentinel head, as the NT LIST_ENTRY, but kept separate from the WDK
 * type so framework code never depends on driver-visible headers for its own bookkeeping.
 * Not thread-safe: the owner of the list says which lock protects it. */
#ifndef DMABOX_KMDF_FX_LIST_H
#define DMABOX_KMDF_FX_LIST_H

#include <stdbool.h>
#include <stddef.h>

struct fx_list {
    struct fx_list *next, *prev;
};

#define FX_CONTAINER_OF(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))

static inline void fx_list_init(struct fx_list *head)
{
    head->next = head->prev = head;
}

static inline bool fx_list_empty(const struct fx_list *head)
{
    return head->next == head;
}

static inline void fx_list_add_tail(struct fx_list *head, struct fx_list *entry)
{
    entry->prev = head->prev;
    entry->next = head;
    head->prev->next = entry;
    head->prev = entry;
}

/* Unlinks entry and leaves it pointing at itself, so a second removal is harmless. */
static inline void fx_list_del(struct fx_list *entry)
{
    entry->prev->next = entry->next;
    entry->next->prev = entry->prev;
    fx_list_init(entry);
}

#endif
