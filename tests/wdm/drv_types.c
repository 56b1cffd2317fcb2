/* drv_types.c - driver-side half of test_types: an ordinary KMDF driver source, built only with
 * dmabox_add_driver() (-fshort-wchar, -fms-extensions, include/wdk alone), that reports the sizes
 * and field offsets it sees, so test_types can compare them with the runtime's view.  It must
 * include <ntddk.h> then <wdf.h> and nothing else: that is the check that a driver compiles. */
#include <ntddk.h>
#include <wdf.h>

/* Windows sizes, checked where the driver compiles. */
C_ASSERT(sizeof(ULONG) == 4 && sizeof(LONG) == 4 && sizeof(ULONG_PTR) == 8);
C_ASSERT(sizeof(WCHAR) == 2 && sizeof(L'a') == 2 && sizeof(L"ab") == 3 * sizeof(WCHAR));

DECLARE_CONST_UNICODE_STRING(DrvTypesName, L"dmabox");

typedef struct _DRV_TYPES_FACT {
    PCSTR Name;
    ULONG Value;
} DRV_TYPES_FACT;

#define SIZE_FACT(t) {"sizeof(" #t ")", (ULONG)sizeof(t)}
#define OFFSET_FACT(t, f) {"offsetof(" #t ", " #f ")", (ULONG)FIELD_OFFSET(t, f)}

static const DRV_TYPES_FACT DrvTypesFacts[] = {
    SIZE_FACT(CHAR), SIZE_FACT(UCHAR), SIZE_FACT(SHORT), SIZE_FACT(USHORT), SIZE_FACT(LONG),
    SIZE_FACT(ULONG), SIZE_FACT(LONGLONG), SIZE_FACT(ULONGLONG), SIZE_FACT(LONG_PTR),
    SIZE_FACT(ULONG_PTR), SIZE_FACT(SIZE_T), SIZE_FACT(WCHAR), SIZE_FACT(BOOLEAN), SIZE_FACT(PVOID),
    SIZE_FACT(HANDLE), SIZE_FACT(NTSTATUS), SIZE_FACT(KIRQL), SIZE_FACT(LARGE_INTEGER),
    SIZE_FACT(ULARGE_INTEGER), SIZE_FACT(PHYSICAL_ADDRESS), SIZE_FACT(UNICODE_STRING),
    SIZE_FACT(ANSI_STRING), SIZE_FACT(LIST_ENTRY), SIZE_FACT(SINGLE_LIST_ENTRY), SIZE_FACT(GUID),
    SIZE_FACT(KSPIN_LOCK), SIZE_FACT(KLOCK_QUEUE_HANDLE), SIZE_FACT(KEVENT), SIZE_FACT(KWAIT_BLOCK),
    SIZE_FACT(EVENT_TYPE), SIZE_FACT(MDL), SIZE_FACT(WDFOBJECT), SIZE_FACT(WDF_OBJECT_ATTRIBUTES),
    SIZE_FACT(WDF_DRIVER_GLOBALS),
    OFFSET_FACT(LARGE_INTEGER, LowPart), OFFSET_FACT(LARGE_INTEGER, HighPart),
    OFFSET_FACT(LARGE_INTEGER, QuadPart), OFFSET_FACT(LARGE_INTEGER, u.LowPart),
    OFFSET_FACT(LARGE_INTEGER, u.HighPart), OFFSET_FACT(PHYSICAL_ADDRESS, HighPart),
    OFFSET_FACT(UNICODE_STRING, Length), OFFSET_FACT(UNICODE_STRING, MaximumLength),
    OFFSET_FACT(UNICODE_STRING, Buffer), OFFSET_FACT(ANSI_STRING, Buffer),
    OFFSET_FACT(LIST_ENTRY, Flink), OFFSET_FACT(LIST_ENTRY, Blink), OFFSET_FACT(GUID, Data2),
    OFFSET_FACT(GUID, Data3), OFFSET_FACT(GUID, Data4), OFFSET_FACT(KLOCK_QUEUE_HANDLE, LockQueue.Lock),
    OFFSET_FACT(KLOCK_QUEUE_HANDLE, OldIrql), OFFSET_FACT(KEVENT, Header.SignalState),
    OFFSET_FACT(MDL, MappedSystemVa), OFFSET_FACT(MDL, ByteCount), OFFSET_FACT(MDL, ByteOffset),
    OFFSET_FACT(WDF_OBJECT_ATTRIBUTES, EvtCleanupCallback),
    OFFSET_FACT(WDF_OBJECT_ATTRIBUTES, ExecutionLevel),
    OFFSET_FACT(WDF_OBJECT_ATTRIBUTES, SynchronizationScope),
    OFFSET_FACT(WDF_OBJECT_ATTRIBUTES, ParentObject),
    OFFSET_FACT(WDF_OBJECT_ATTRIBUTES, ContextSizeOverride),
    OFFSET_FACT(WDF_OBJECT_ATTRIBUTES, ContextTypeInfo),
    {"sizeof(L\"ab\")", (ULONG)sizeof(L"ab")},
};

const DRV_TYPES_FACT *DrvTypesGetFacts(ULONG *Count)
{
    *Count = (ULONG)ARRAYSIZE(DrvTypesFacts);
    return DrvTypesFacts;
}

PCUNICODE_STRING DrvTypesGetName(VOID)
{
    return &DrvTypesName;
}

/* PHYSICAL_ADDRESS as a driver fills one: QuadPart in, the 32-bit halves out. */
VOID DrvTypesSplitAddress(LONGLONG Value, PULONG LowPart, PLONG HighPart)
{
    PHYSICAL_ADDRESS address;
    address.QuadPart = Value;
    *LowPart = address.LowPart;
    *HighPart = address.HighPart;
}

/* A little of everything a DMA driver writes, in driver flavour, run by the test at
 * PASSIVE_LEVEL.  Returns STATUS_SUCCESS when every step behaved. */
NTSTATUS DrvTypesExercise(VOID)
{
    UNICODE_STRING copy;
    WCHAR buffer[16];
    KSPIN_LOCK lock;
    KIRQL oldIrql;
    LIST_ENTRY head, entry;
    LONG counter = 0;

    PAGED_CODE();
    RtlInitUnicodeString(&copy, L"dma");
    if (copy.Length != 6 || copy.MaximumLength != 8)
        return STATUS_UNSUCCESSFUL;
    copy.Buffer = buffer;
    copy.MaximumLength = sizeof(buffer);
    RtlCopyUnicodeString(&copy, &DrvTypesName);
    if (!RtlEqualUnicodeString(&copy, &DrvTypesName, FALSE))
        return STATUS_UNSUCCESSFUL;
    KdPrint(("drv_types: %wZ %ws %lu %I64x\n", &copy, buffer, (ULONG)copy.Length,
             (ULONGLONG)0x1234));

    KeInitializeSpinLock(&lock);
    KeAcquireSpinLock(&lock, &oldIrql);
    NT_ASSERT(KeGetCurrentIrql() == DISPATCH_LEVEL);
    InterlockedIncrement(&counter);
    KeReleaseSpinLock(&lock, oldIrql);

    InitializeListHead(&head);
    InsertTailList(&head, &entry);
    if (RemoveHeadList(&head) != &entry || !IsListEmpty(&head))
        return STATUS_UNSUCCESSFUL;
    return counter == 1 && KeGetCurrentIrql() == PASSIVE_LEVEL ? STATUS_SUCCESS
                                                               : STATUS_UNSUCCESSFUL;
}
