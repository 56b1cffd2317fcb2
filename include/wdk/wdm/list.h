/* wdm/list.h - doubly and singly linked lists (LIST_ENTRY, SINGLE_LIST_ENTRY) as the WDK's
 * inline routines, including their integrity checks: a corrupted neighbour link fails fast
 * (bug check 0x139, KERNEL_SECURITY_CHECK_FAILURE, code FAST_FAIL_CORRUPT_LIST_ENTRY) as on
 * Windows, rather than corrupting memory further.  Header layer; RtlFailFast is in src/wdm/debug.c.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/singly-and-doubly-linked-lists
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-removeentrylist */
#ifndef DMABOX_WDK_WDM_LIST_H
#define DMABOX_WDK_WDM_LIST_H

#include "../ntdef.h"

#define FAST_FAIL_CORRUPT_LIST_ENTRY 3

DECLSPEC_NORETURN NTSYSAPI VOID RtlFailFast(_In_ ULONG Code);

FORCEINLINE VOID FatalListEntryError(_In_ PVOID P1, _In_ PVOID P2, _In_ PVOID P3)
{
    UNREFERENCED_PARAMETER(P1);
    UNREFERENCED_PARAMETER(P2);
    UNREFERENCED_PARAMETER(P3);
    RtlFailFast(FAST_FAIL_CORRUPT_LIST_ENTRY);
}

FORCEINLINE VOID InitializeListHead(_Out_ PLIST_ENTRY ListHead)
{
    ListHead->Flink = ListHead->Blink = ListHead;
}

_Must_inspect_result_
FORCEINLINE BOOLEAN IsListEmpty(_In_ const LIST_ENTRY *ListHead)
{
    return (BOOLEAN)(ListHead->Flink == ListHead);
}

/* Returns TRUE if the list is empty afterwards. */
FORCEINLINE BOOLEAN RemoveEntryList(_In_ PLIST_ENTRY Entry)
{
    PLIST_ENTRY next = Entry->Flink, prev = Entry->Blink;
    if (next->Blink != Entry || prev->Flink != Entry)
        FatalListEntryError(prev, Entry, next);
    prev->Flink = next;
    next->Blink = prev;
    return (BOOLEAN)(next == prev);
}

/* On an empty list returns the head itself, as on Windows. */
FORCEINLINE PLIST_ENTRY RemoveHeadList(_Inout_ PLIST_ENTRY ListHead)
{
    PLIST_ENTRY entry = ListHead->Flink, next = entry->Flink;
    if (entry->Blink != ListHead || next->Blink != entry)
        FatalListEntryError(ListHead, entry, next);
    ListHead->Flink = next;
    next->Blink = ListHead;
    return entry;
}

FORCEINLINE PLIST_ENTRY RemoveTailList(_Inout_ PLIST_ENTRY ListHead)
{
    PLIST_ENTRY entry = ListHead->Blink, prev = entry->Blink;
    if (entry->Flink != ListHead || prev->Flink != entry)
        FatalListEntryError(prev, entry, ListHead);
    ListHead->Blink = prev;
    prev->Flink = ListHead;
    return entry;
}

FORCEINLINE VOID InsertTailList(_Inout_ PLIST_ENTRY ListHead, _Out_ PLIST_ENTRY Entry)
{
    PLIST_ENTRY prev = ListHead->Blink;
    if (prev->Flink != ListHead)
        FatalListEntryError(prev, ListHead, prev->Flink);
    Entry->Flink = ListHead;
    Entry->Blink = prev;
    prev->Flink = Entry;
    ListHead->Blink = Entry;
}

FORCEINLINE VOID InsertHeadList(_Inout_ PLIST_ENTRY ListHead, _Out_ PLIST_ENTRY Entry)
{
    PLIST_ENTRY next = ListHead->Flink;
    if (next->Blink != ListHead)
        FatalListEntryError(ListHead, next, next->Blink);
    Entry->Flink = next;
    Entry->Blink = ListHead;
    next->Blink = Entry;
    ListHead->Flink = Entry;
}

/* Splices the circular list that starts at ListToAppend (an entry, not a separate head) onto the
 * tail of ListHead. */
FORCEINLINE VOID AppendTailList(_Inout_ PLIST_ENTRY ListHead, _Inout_ PLIST_ENTRY ListToAppend)
{
    PLIST_ENTRY list_end = ListHead->Blink;
    ListHead->Blink->Flink = ListToAppend;
    ListHead->Blink = ListToAppend->Blink;
    ListToAppend->Blink->Flink = ListHead;
    ListToAppend->Blink = list_end;
}

FORCEINLINE PSINGLE_LIST_ENTRY PopEntryList(_Inout_ PSINGLE_LIST_ENTRY ListHead)
{
    PSINGLE_LIST_ENTRY first = ListHead->Next;
    if (first != NULL)
        ListHead->Next = first->Next;
    return first;
}

FORCEINLINE VOID PushEntryList(_Inout_ PSINGLE_LIST_ENTRY ListHead, _Inout_ PSINGLE_LIST_ENTRY Entry)
{
    Entry->Next = ListHead->Next;
    ListHead->Next = Entry;
}

#endif
