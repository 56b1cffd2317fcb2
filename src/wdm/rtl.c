/* rtl.c - Rtl memory comparison and counted-string routines (wdm layer).
 * Strings are counted UTF-16 (UNICODE_STRING) or 8-bit (ANSI_STRING) buffers whose Length is in
 * bytes; nothing here relies on a terminator except the Init routines, which measure one.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-rtlcopyunicodestring
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-rtlcompareunicodestring
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-rtlunicodestringtointeger
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-rtlintegertounicodestring */
#include <wdm.h>

#include "verifier/vf.h"
#include "wdm_irql.h"

/* Longest string RtlInit* can describe: MaximumLength (a USHORT) must hold the terminator. */
#define RTL_MAX_INIT_BYTES ((MAXUSHORT & ~1u) - sizeof(WCHAR))

SIZE_T RtlCompareMemory(const VOID *Source1, const VOID *Source2, SIZE_T Length)
{
    const UCHAR *a = Source1, *b = Source2;
    SIZE_T i = 0;
    while (i < Length && a[i] == b[i])
        i++;
    return i;
}

VOID RtlInitUnicodeString(PUNICODE_STRING DestinationString, PCWSTR SourceString)
{
    SIZE_T bytes = 0;
    if (SourceString != NULL) {
        while (SourceString[bytes / sizeof(WCHAR)] != UNICODE_NULL)
            bytes += sizeof(WCHAR);
        if (bytes > RTL_MAX_INIT_BYTES)
            bytes = RTL_MAX_INIT_BYTES;
        DestinationString->Length = (USHORT)bytes;
        DestinationString->MaximumLength = (USHORT)(bytes + sizeof(WCHAR));
    } else {
        DestinationString->Length = DestinationString->MaximumLength = 0;
    }
    DestinationString->Buffer = (PWCH)SourceString;
}

VOID RtlInitAnsiString(PANSI_STRING DestinationString, PCSZ SourceString)
{
    SIZE_T bytes = SourceString != NULL ? strlen(SourceString) : 0;
    if (bytes > MAXUSHORT - 1)
        bytes = MAXUSHORT - 1;
    DestinationString->Length = (USHORT)bytes;
    DestinationString->MaximumLength = SourceString != NULL ? (USHORT)(bytes + 1) : 0;
    DestinationString->Buffer = (PCHAR)SourceString;
}

VOID RtlInitString(PSTRING DestinationString, PCSZ SourceString)
{
    RtlInitAnsiString(DestinationString, SourceString);
}

VOID RtlCopyUnicodeString(PUNICODE_STRING DestinationString, PCUNICODE_STRING SourceString)
{
    USHORT bytes;
    if (SourceString == NULL) {
        DestinationString->Length = 0;
        return;
    }
    bytes = SourceString->Length < DestinationString->MaximumLength
                ? SourceString->Length
                : (USHORT)(DestinationString->MaximumLength & ~1u);
    memmove(DestinationString->Buffer, SourceString->Buffer, bytes);
    DestinationString->Length = bytes;
    if (bytes + sizeof(WCHAR) <= DestinationString->MaximumLength)
        DestinationString->Buffer[bytes / sizeof(WCHAR)] = UNICODE_NULL;
}

/* ASCII folding only: the runtime has no Unicode case tables (documented in rtl.h). */
WCHAR RtlUpcaseUnicodeChar(WCHAR SourceCharacter)
{
    return (SourceCharacter >= 'a' && SourceCharacter <= 'z') ? (WCHAR)(SourceCharacter - 32)
                                                              : SourceCharacter;
}

WCHAR RtlDowncaseUnicodeChar(WCHAR SourceCharacter)
{
    return (SourceCharacter >= 'A' && SourceCharacter <= 'Z') ? (WCHAR)(SourceCharacter + 32)
                                                              : SourceCharacter;
}

/* Both comparisons are PASSIVE_LEVEL routines (pageable on Windows): rule IRQL-002. */
LONG RtlCompareUnicodeString(PCUNICODE_STRING String1, PCUNICODE_STRING String2,
                             BOOLEAN CaseInSensitive)
{
    USHORT n1 = String1->Length / sizeof(WCHAR), n2 = String2->Length / sizeof(WCHAR);
    USHORT n = n1 < n2 ? n1 : n2;

    wdm_irql_check_passive("RtlCompareUnicodeString", VF_CALLER());
    for (USHORT i = 0; i < n; i++) {
        WCHAR c1 = String1->Buffer[i], c2 = String2->Buffer[i];
        if (CaseInSensitive) {
            c1 = RtlUpcaseUnicodeChar(c1);
            c2 = RtlUpcaseUnicodeChar(c2);
        }
        if (c1 != c2)
            return (LONG)c1 - (LONG)c2;
    }
    return (LONG)n1 - (LONG)n2;
}

BOOLEAN RtlEqualUnicodeString(PCUNICODE_STRING String1, PCUNICODE_STRING String2,
                              BOOLEAN CaseInSensitive)
{
    wdm_irql_check_passive("RtlEqualUnicodeString", VF_CALLER());
    if (String1->Length != String2->Length)
        return FALSE;
    for (USHORT i = 0; i < String1->Length / sizeof(WCHAR); i++) {
        WCHAR c1 = String1->Buffer[i], c2 = String2->Buffer[i];
        if (CaseInSensitive) {
            c1 = RtlUpcaseUnicodeChar(c1);
            c2 = RtlUpcaseUnicodeChar(c2);
        }
        if (c1 != c2)
            return FALSE;
    }
    return TRUE;
}

static NTSTATUS rtl_append(PUNICODE_STRING dest, const WCHAR *src, SIZE_T bytes)
{
    if (dest->Length + bytes > dest->MaximumLength)
        return STATUS_BUFFER_TOO_SMALL;
    memmove((PUCHAR)dest->Buffer + dest->Length, src, bytes);
    dest->Length = (USHORT)(dest->Length + bytes);
    if (dest->Length + sizeof(WCHAR) <= dest->MaximumLength)
        dest->Buffer[dest->Length / sizeof(WCHAR)] = UNICODE_NULL;
    return STATUS_SUCCESS;
}

NTSTATUS RtlAppendUnicodeStringToString(PUNICODE_STRING Destination, PCUNICODE_STRING Source)
{
    return rtl_append(Destination, Source->Buffer, Source->Length);
}

NTSTATUS RtlAppendUnicodeToString(PUNICODE_STRING Destination, PCWSTR Source)
{
    UNICODE_STRING src;
    if (Source == NULL)
        return STATUS_SUCCESS;
    RtlInitUnicodeString(&src, Source);
    return rtl_append(Destination, src.Buffer, src.Length);
}

static int rtl_digit_value(WCHAR c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 10;
    return 99;
}

NTSTATUS RtlUnicodeStringToInteger(PCUNICODE_STRING String, ULONG Base, PULONG Value)
{
    const WCHAR *p = String->Buffer;
    const WCHAR *end = p + String->Length / sizeof(WCHAR);
    ULONG result = 0;
    int negative = 0;

    wdm_irql_check_passive("RtlUnicodeStringToInteger", VF_CALLER());
    if (Base != 0 && Base != 2 && Base != 8 && Base != 10 && Base != 16)
        return STATUS_INVALID_PARAMETER;
    while (p < end && *p <= ' ')
        p++;
    if (p < end && (*p == '-' || *p == '+'))
        negative = *p++ == '-';
    if (Base == 0) {
        Base = 10;
        if (end - p >= 2 && p[0] == '0') {
            WCHAR prefix = RtlDowncaseUnicodeChar(p[1]);
            ULONG prefixed = prefix == 'x' ? 16 : prefix == 'o' ? 8 : prefix == 'b' ? 2 : 0;
            if (prefixed != 0) {
                Base = prefixed;
                p += 2;
            }
        }
    }
    for (; p < end && (ULONG)rtl_digit_value(*p) < Base; p++)
        result = result * Base + (ULONG)rtl_digit_value(*p);
    *Value = negative ? 0u - result : result;
    return STATUS_SUCCESS;
}

NTSTATUS RtlIntegerToUnicodeString(ULONG Value, ULONG Base, PUNICODE_STRING String)
{
    static const char digits[] = "0123456789ABCDEF";
    WCHAR text[33];
    int n = 0;

    wdm_irql_check_passive("RtlIntegerToUnicodeString", VF_CALLER());
    if (Base == 0)
        Base = 10;
    if (Base != 2 && Base != 8 && Base != 10 && Base != 16)
        return STATUS_INVALID_PARAMETER;
    do {
        text[32 - ++n] = (WCHAR)digits[Value % Base];
        Value /= Base;
    } while (Value != 0);
    if ((SIZE_T)n * sizeof(WCHAR) > String->MaximumLength)
        return STATUS_BUFFER_OVERFLOW;
    memcpy(String->Buffer, &text[32 - n], (SIZE_T)n * sizeof(WCHAR));
    String->Length = (USHORT)(n * sizeof(WCHAR));
    if (String->Length + sizeof(WCHAR) <= String->MaximumLength)
        String->Buffer[n] = UNICODE_NULL;
    return STATUS_SUCCESS;
}
