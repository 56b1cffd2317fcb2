/* test_types.c - the Windows (LLP64) type sizes and layouts, seen from runtime code (plain gcc,
 * 4-byte wchar_t) and from driver code (drv_types.c, built as a driver with -fshort-wchar).
 * Every size and field offset the driver reports must equal the runtime's, so structures passed
 * between driver and framework mean the same bytes on both sides.
 * https://learn.microsoft.com/en-us/windows/win32/winprog/windows-data-types */
#include <stddef.h>
#include <string.h>

#include <ntddk.h>
#include <wdf.h>

#include "check.h"

typedef struct _DRV_TYPES_FACT {
    PCSTR Name;
    ULONG Value;
} DRV_TYPES_FACT;

const DRV_TYPES_FACT *DrvTypesGetFacts(ULONG *Count);
PCUNICODE_STRING DrvTypesGetName(VOID);
VOID DrvTypesSplitAddress(LONGLONG Value, PULONG LowPart, PLONG HighPart);
NTSTATUS DrvTypesExercise(VOID);

#define SIZE_FACT(t) {"sizeof(" #t ")", (ULONG)sizeof(t)}
#define OFFSET_FACT(t, f) {"offsetof(" #t ", " #f ")", (ULONG)offsetof(t, f)}

/* The runtime's view, same names as the driver's table. */
static const DRV_TYPES_FACT runtime_facts[] = {
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
    {"sizeof(L\"ab\")", (ULONG)sizeof(u"ab")}, /* driver L"" == runtime u"": UTF-16 units */
};

static const DRV_TYPES_FACT *find_fact(const DRV_TYPES_FACT *facts, ULONG count, const char *name)
{
    for (ULONG i = 0; i < count; i++) {
        if (strcmp(facts[i].Name, name) == 0)
            return &facts[i];
    }
    return NULL;
}

static ULONG fact_value(const char *name)
{
    const DRV_TYPES_FACT *f = find_fact(runtime_facts, RTL_NUMBER_OF(runtime_facts), name);
    REQUIRE(f != NULL);
    return f->Value;
}

/* The Windows x64 sizes themselves, in runtime code. */
static void test_windows_sizes(void)
{
    CHECK_EQ(sizeof(ULONG), 4);
    CHECK_EQ(sizeof(LONG), 4);
    CHECK_EQ(sizeof(ULONG_PTR), 8);
    CHECK_EQ(sizeof(SIZE_T), 8);
    CHECK_EQ(sizeof(WCHAR), 2);
    CHECK_EQ(sizeof(BOOLEAN), 1);
    CHECK_EQ(sizeof(LARGE_INTEGER), 8);
    CHECK_EQ(sizeof(PHYSICAL_ADDRESS), 8);
    CHECK_EQ(sizeof(UNICODE_STRING), 16);
    CHECK_EQ(offsetof(UNICODE_STRING, MaximumLength), 2);
    CHECK_EQ(offsetof(UNICODE_STRING, Buffer), 8);
    CHECK_EQ(offsetof(LARGE_INTEGER, HighPart), 4);
    CHECK_EQ(offsetof(LARGE_INTEGER, u.HighPart), 4);
    CHECK_EQ(sizeof(KEVENT), 24);
    CHECK_EQ(sizeof(KSPIN_LOCK), 8);
    CHECK_EQ(sizeof(KLOCK_QUEUE_HANDLE), 24);
    CHECK_EQ(fact_value("sizeof(L\"ab\")"), 6);
}

static void test_driver_agrees(void)
{
    ULONG count = 0;
    const DRV_TYPES_FACT *drv = DrvTypesGetFacts(&count);

    CHECK_EQ(count, RTL_NUMBER_OF(runtime_facts));
    for (ULONG i = 0; i < RTL_NUMBER_OF(runtime_facts); i++) {
        const DRV_TYPES_FACT *d = find_fact(drv, count, runtime_facts[i].Name);
        if (d == NULL) {
            check_fail(__FILE__, __LINE__, runtime_facts[i].Name, "missing in the driver's table");
            continue;
        }
        if (d->Value != runtime_facts[i].Value)
            check_fail(__FILE__, __LINE__, runtime_facts[i].Name, "driver %u, runtime %u",
                       d->Value, runtime_facts[i].Value);
        else
            check_passed++;
    }
}

/* DECLARE_CONST_UNICODE_STRING in driver code: lengths in bytes, buffer in UTF-16. */
static void test_driver_unicode_string(void)
{
    PCUNICODE_STRING name = DrvTypesGetName();
    static const WCHAR expected[] = u"dmabox";

    CHECK_EQ(name->Length, 12);
    CHECK_EQ(name->MaximumLength, 14);
    CHECK(memcmp(name->Buffer, expected, sizeof(expected)) == 0);
    CHECK_EQ(name->Buffer[6], 0);
}

static void test_physical_address(void)
{
    ULONG low = 0;
    LONG high = 0;
    PHYSICAL_ADDRESS pa;

    DrvTypesSplitAddress(0x123456789abcdef0LL, &low, &high);
    CHECK_EQ(low, 0x9abcdef0u);
    CHECK_EQ(high, 0x12345678);
    pa.QuadPart = -2;
    CHECK_EQ(pa.LowPart, 0xfffffffeu);
    CHECK_EQ(pa.u.HighPart, -1);
}

int main(void)
{
    test_windows_sizes();
    test_driver_agrees();
    test_driver_unicode_string();
    test_physical_address();
    CHECK_EQ(DrvTypesExercise(), STATUS_SUCCESS);
    return check_done();
}
