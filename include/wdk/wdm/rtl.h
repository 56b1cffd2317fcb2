/* wdm/rtl.h - the run-time library routines a KMDF driver uses: memory copy/fill/compare and
 * UNICODE_STRING/ANSI_STRING handling.  The memory routines are macros over the C library, as in
 * the WDK; the string routines are in src/wdm/rtl.c.  Case-insensitive comparison folds ASCII
 * letters only.  Header layer.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-rtlcomparememory
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-rtlinitunicodestring
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-rtlunicodestringtointeger */
#ifndef DMABOX_WDK_WDM_RTL_H
#define DMABOX_WDK_WDM_RTL_H

#include "../ntdef.h"

#define RtlEqualMemory(Destination, Source, Length) (!memcmp((Destination), (Source), (Length)))
#define RtlMoveMemory(Destination, Source, Length) memmove((Destination), (Source), (Length))
#define RtlCopyMemory(Destination, Source, Length) memcpy((Destination), (Source), (Length))
#define RtlFillMemory(Destination, Length, Fill) memset((Destination), (Fill), (Length))
#define RtlZeroMemory(Destination, Length) memset((Destination), 0, (Length))
#define RtlCopyBytes RtlCopyMemory
#define RtlZeroBytes RtlZeroMemory
#define RtlFillBytes RtlFillMemory

/* Number of leading bytes that match (Length when the blocks are equal). */
NTSYSAPI SIZE_T RtlCompareMemory(_In_ const VOID *Source1, _In_ const VOID *Source2,
                                 _In_ SIZE_T Length);

/* Zeroes memory in a way the compiler may not remove (for secrets); returns Ptr. */
FORCEINLINE PVOID RtlSecureZeroMemory(_Out_writes_bytes_all_(cnt) PVOID ptr, _In_ SIZE_T cnt)
{
    volatile char *p = (volatile char *)ptr;
    while (cnt-- > 0)
        *p++ = 0;
    return ptr;
}

/* Points DestinationString at the NUL-terminated SourceString (no copy); NULL gives an empty
 * string.  Length excludes the terminator, MaximumLength includes it. */
_IRQL_requires_max_(DISPATCH_LEVEL)
NTSYSAPI VOID RtlInitUnicodeString(_Out_ PUNICODE_STRING DestinationString,
                                   _In_opt_z_ PCWSTR SourceString);
_IRQL_requires_max_(DISPATCH_LEVEL)
NTSYSAPI VOID RtlInitAnsiString(_Out_ PANSI_STRING DestinationString, _In_opt_z_ PCSZ SourceString);
_IRQL_requires_max_(DISPATCH_LEVEL)
NTSYSAPI VOID RtlInitString(_Out_ PSTRING DestinationString, _In_opt_z_ PCSZ SourceString);

/* Copies as much of SourceString as fits in DestinationString->MaximumLength; adds a terminator
 * when there is room.  A NULL source makes the destination empty. */
_IRQL_requires_max_(DISPATCH_LEVEL)
NTSYSAPI VOID RtlCopyUnicodeString(_Inout_ PUNICODE_STRING DestinationString,
                                   _In_opt_ PCUNICODE_STRING SourceString);

/* <0, 0, >0 like memcmp, over UTF-16 code units; shorter-prefix strings sort first. */
_IRQL_requires_max_(PASSIVE_LEVEL) _Must_inspect_result_
NTSYSAPI LONG RtlCompareUnicodeString(_In_ PCUNICODE_STRING String1, _In_ PCUNICODE_STRING String2,
                                      _In_ BOOLEAN CaseInSensitive);
_IRQL_requires_max_(PASSIVE_LEVEL) _Must_inspect_result_
NTSYSAPI BOOLEAN RtlEqualUnicodeString(_In_ PCUNICODE_STRING String1, _In_ PCUNICODE_STRING String2,
                                       _In_ BOOLEAN CaseInSensitive);

_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI WCHAR RtlUpcaseUnicodeChar(_In_ WCHAR SourceCharacter);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI WCHAR RtlDowncaseUnicodeChar(_In_ WCHAR SourceCharacter);

/* Appends; STATUS_BUFFER_TOO_SMALL (destination unchanged) when it does not fit. */
_IRQL_requires_max_(DISPATCH_LEVEL)
NTSYSAPI NTSTATUS RtlAppendUnicodeStringToString(_Inout_ PUNICODE_STRING Destination,
                                                 _In_ PCUNICODE_STRING Source);
_IRQL_requires_max_(DISPATCH_LEVEL)
NTSYSAPI NTSTATUS RtlAppendUnicodeToString(_Inout_ PUNICODE_STRING Destination,
                                           _In_opt_z_ PCWSTR Source);

/* Base 0 reads a 0x / 0o / 0b prefix (default 10); otherwise 2, 8, 10 or 16.  Leading white
 * space and one sign are accepted; parsing stops at the first non-digit. */
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS RtlUnicodeStringToInteger(_In_ PCUNICODE_STRING String, _In_opt_ ULONG Base,
                                            _Out_ PULONG Value);
/* Base 0 means 10.  STATUS_BUFFER_OVERFLOW when the digits do not fit in MaximumLength. */
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS RtlIntegerToUnicodeString(_In_ ULONG Value, _In_opt_ ULONG Base,
                                            _Inout_ PUNICODE_STRING String);

#endif
