/* debug.c - DbgPrint and friends, assertions, breakpoints and bug checks (wdm layer).
 * Output goes to stderr, one write per call, prefixed "[driver] ", at most 512 bytes per message
 * (the Windows limit).  The formatter implements the Windows kernel's conversions itself because
 * they differ from glibc's: l is 32-bit (LONG), I64/I32/I give explicit sizes, %wZ/%Z print
 * counted strings, %ws/%S/%ls print UTF-16 strings (converted to UTF-8), %p prints 16 hex digits.
 * Filtering: levels 0..N print, N from DMABOX_DBGPRINT_LEVEL (default 3, DPFLTR_INFO_LEVEL, so
 * KdPrint output shows; -1 silences everything).
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-dbgprintex
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/debugger/reading-and-filtering-debugging-messages
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-kebugcheckex */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include <wdm.h>

#include "verifier/vf.h"

#define DBG_MESSAGE_MAX 512
#define DBG_DEFAULT_MAX_LEVEL 3
#define KERNEL_SECURITY_CHECK_FAILURE 0x139

struct dbg_out {
    char *buf;
    size_t len, cap; /* cap excludes the terminator */
};

static void out_char(struct dbg_out *o, char c)
{
    if (o->len < o->cap)
        o->buf[o->len++] = c;
}

static void out_str(struct dbg_out *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n && s[i] != '\0'; i++)
        out_char(o, s[i]);
}

/* One UTF-16 code unit sequence as UTF-8; lone surrogates become U+FFFD. */
static void out_utf16(struct dbg_out *o, const WCHAR *s, size_t units, int stop_at_nul)
{
    for (size_t i = 0; i < units; i++) {
        uint32_t cp = s[i];
        if (stop_at_nul && cp == 0)
            break;
        if (cp >= 0xd800 && cp < 0xdc00 && i + 1 < units && s[i + 1] >= 0xdc00 && s[i + 1] < 0xe000)
            cp = 0x10000 + ((cp - 0xd800) << 10) + (s[++i] - 0xdc00u);
        else if (cp >= 0xd800 && cp < 0xe000)
            cp = 0xfffd;
        if (cp < 0x80) {
            out_char(o, (char)cp);
        } else if (cp < 0x800) {
            out_char(o, (char)(0xc0 | (cp >> 6)));
            out_char(o, (char)(0x80 | (cp & 0x3f)));
        } else if (cp < 0x10000) {
            out_char(o, (char)(0xe0 | (cp >> 12)));
            out_char(o, (char)(0x80 | ((cp >> 6) & 0x3f)));
            out_char(o, (char)(0x80 | (cp & 0x3f)));
        } else {
            out_char(o, (char)(0xf0 | (cp >> 18)));
            out_char(o, (char)(0x80 | ((cp >> 12) & 0x3f)));
            out_char(o, (char)(0x80 | ((cp >> 6) & 0x3f)));
            out_char(o, (char)(0x80 | (cp & 0x3f)));
        }
    }
}

/* The parsed pieces of one conversion specification. */
struct dbg_spec {
    char flags[8];
    int width, precision; /* -1 when absent */
    int bits;             /* integer size: 8, 16, 32, 64; 0 = default (int) */
    int wide;             /* w / l on strings and characters, or the upper-case S/C/Z */
    char conv;
};

static const char *parse_spec(const char *f, struct dbg_spec *sp, va_list *ap)
{
    size_t nf = 0;
    sp->width = sp->precision = -1;
    sp->bits = 0;
    sp->wide = 0;
    while (*f && strchr("-+ #0", *f) && nf + 1 < sizeof(sp->flags))
        sp->flags[nf++] = *f++;
    sp->flags[nf] = '\0';
    if (*f == '*') {
        sp->width = va_arg(*ap, int);
        f++;
    } else {
        for (sp->width = *f >= '0' && *f <= '9' ? 0 : -1; *f >= '0' && *f <= '9'; f++)
            sp->width = sp->width * 10 + (*f - '0');
    }
    if (*f == '.') {
        f++;
        sp->precision = 0;
        if (*f == '*') {
            sp->precision = va_arg(*ap, int);
            f++;
        }
        for (; *f >= '0' && *f <= '9'; f++)
            sp->precision = sp->precision * 10 + (*f - '0');
    }
    if (f[0] == 'I' && f[1] == '6' && f[2] == '4') {
        sp->bits = 64, f += 3;
    } else if (f[0] == 'I' && f[1] == '3' && f[2] == '2') {
        sp->bits = 32, f += 3;
    } else if (f[0] == 'I' || f[0] == 'z' || f[0] == 't' || f[0] == 'j') {
        sp->bits = 64, f += 1;
    } else if (f[0] == 'l' && f[1] == 'l') {
        sp->bits = 64, f += 2;
    } else if (f[0] == 'h' && f[1] == 'h') {
        sp->bits = 8, f += 2;
    } else if (f[0] == 'h') {
        sp->bits = 16, f += 1;
    } else if (f[0] == 'l' || f[0] == 'w') {
        sp->bits = 32, sp->wide = 1, f += 1; /* Windows: l is 32-bit; on s/c it means wide */
    }
    sp->conv = *f;
    return *f ? f + 1 : f;
}

static void out_integer(struct dbg_out *o, const struct dbg_spec *sp, va_list *ap)
{
    char fmt[48], text[72];
    int n = snprintf(fmt, sizeof(fmt), "%%%s", sp->flags);
    int is_signed = sp->conv == 'd' || sp->conv == 'i';
    unsigned long long u;
    long long s;

    if (sp->bits == 64) {
        u = va_arg(*ap, unsigned long long);
        s = (long long)u;
    } else {
        unsigned int raw = va_arg(*ap, unsigned int);
        if (sp->bits == 8) {
            u = (unsigned char)raw;
            s = (signed char)raw;
        } else if (sp->bits == 16) {
            u = (unsigned short)raw;
            s = (short)raw;
        } else {
            u = raw;
            s = (int)raw;
        }
    }
    if (sp->width >= 0)
        n += snprintf(fmt + n, sizeof(fmt) - (size_t)n, "%d", sp->width);
    if (sp->precision >= 0)
        n += snprintf(fmt + n, sizeof(fmt) - (size_t)n, ".%d", sp->precision);
    snprintf(fmt + n, sizeof(fmt) - (size_t)n, "ll%c", sp->conv);
    if (is_signed)
        snprintf(text, sizeof(text), fmt, s);
    else
        snprintf(text, sizeof(text), fmt, u);
    out_str(o, text, sizeof(text));
}

static void out_double(struct dbg_out *o, const struct dbg_spec *sp, va_list *ap)
{
    char fmt[32], text[128];
    double d = va_arg(*ap, double);
    snprintf(fmt, sizeof(fmt), "%%%s*.*%c", sp->flags, sp->conv);
    snprintf(text, sizeof(text), fmt, sp->width >= 0 ? sp->width : 0,
             sp->precision >= 0 ? sp->precision : 6, d);
    out_str(o, text, sizeof(text));
}

/* Strings and characters: pads to the width, counted in characters (UTF-8 sequences), not
 * bytes, as the width counts characters on Windows. */
static void out_padded(struct dbg_out *o, const struct dbg_spec *sp, const char *text, size_t n)
{
    int left = strchr(sp->flags, '-') != NULL;
    size_t chars = 0, pad;
    for (size_t i = 0; i < n; i++)
        chars += ((unsigned char)text[i] & 0xc0) != 0x80;
    pad = sp->width > 0 && (size_t)sp->width > chars ? (size_t)sp->width - chars : 0;
    for (size_t i = 0; !left && i < pad; i++)
        out_char(o, ' ');
    out_str(o, text, n);
    for (size_t i = 0; left && i < pad; i++)
        out_char(o, ' ');
}

static void out_text_arg(struct dbg_out *o, const struct dbg_spec *sp, va_list *ap)
{
    char text[DBG_MESSAGE_MAX + 1];
    struct dbg_out t = {text, 0, DBG_MESSAGE_MAX};
    size_t limit = sp->precision >= 0 ? (size_t)sp->precision : (size_t)-1;

    if (sp->conv == 'Z') {
        const void *str = va_arg(*ap, const void *);
        if (str == NULL) {
            out_str(&t, "(null)", 6);
        } else if (sp->wide) {
            const UNICODE_STRING *us = str;
            size_t units = us->Length / sizeof(WCHAR);
            out_utf16(&t, us->Buffer, units < limit ? units : limit, 0);
        } else {
            const ANSI_STRING *as = str;
            size_t bytes = as->Length < limit ? as->Length : limit;
            for (size_t i = 0; i < bytes; i++)
                out_char(&t, as->Buffer[i]);
        }
    } else if (sp->conv == 'c') {
        int c = va_arg(*ap, int);
        if (sp->wide) {
            WCHAR w = (WCHAR)c;
            out_utf16(&t, &w, 1, 0);
        } else {
            out_char(&t, (char)c);
        }
    } else if (sp->wide) {
        const WCHAR *ws = va_arg(*ap, const WCHAR *);
        if (ws == NULL)
            out_str(&t, "(null)", 6);
        else
            out_utf16(&t, ws, limit, 1);
    } else {
        const char *s = va_arg(*ap, const char *);
        out_str(&t, s == NULL ? "(null)" : s, s == NULL ? 6 : limit);
    }
    out_padded(o, sp, text, t.len);
}

static void dbg_vformat(struct dbg_out *o, const char *f, va_list *ap)
{
    while (*f) {
        struct dbg_spec sp;
        if (*f != '%') {
            out_char(o, *f++);
            continue;
        }
        if (f[1] == '%') {
            out_char(o, '%');
            f += 2;
            continue;
        }
        f = parse_spec(f + 1, &sp, ap);
        if (sp.conv == 'S' || sp.conv == 'C') {
            sp.wide = 1;
            sp.conv = sp.conv == 'S' ? 's' : 'c';
        }
        switch (sp.conv) {
        case 'd': case 'i': case 'u': case 'x': case 'X': case 'o':
            out_integer(o, &sp, ap);
            break;
        case 'p': {
            struct dbg_spec pp = {.flags = "0", .width = 16, .precision = -1, .bits = 64,
                                  .conv = 'X'};
            out_integer(o, &pp, ap);
            break;
        }
        case 's': case 'c': case 'Z':
            out_text_arg(o, &sp, ap);
            break;
        case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'a': case 'A':
            out_double(o, &sp, ap);
            break;
        case 'n':
            (void)va_arg(*ap, void *); /* never written, as in the Windows kernel */
            break;
        default:
            out_char(o, '%');
            if (sp.conv != '\0')
                out_char(o, sp.conv);
            break;
        }
    }
}

/* Levels 0-31 name one bit; above 31 the value is a mask of levels. */
static int dbg_level_enabled(ULONG level)
{
    const char *env = getenv("DMABOX_DBGPRINT_LEVEL");
    long max = env != NULL ? strtol(env, NULL, 0) : DBG_DEFAULT_MAX_LEVEL;
    if (max < 0)
        return 0;
    if (max > 31)
        max = 31;
    if (level <= 31)
        return (long)level <= max;
    return (level & ~DPFLTR_MASK & (ULONG)((2ull << max) - 1)) != 0;
}

ULONG vDbgPrintExWithPrefix(PCCH Prefix, ULONG ComponentId, ULONG Level, PCCH Format,
                            va_list arglist)
{
    char text[DBG_MESSAGE_MAX + 1];
    struct dbg_out o = {text, 0, DBG_MESSAGE_MAX};
    va_list ap;

    (void)ComponentId;
    if (!dbg_level_enabled(Level))
        return STATUS_SUCCESS;
    out_str(&o, "[driver] ", 9);
    out_str(&o, Prefix != NULL ? Prefix : "", DBG_MESSAGE_MAX);
    va_copy(ap, arglist);
    dbg_vformat(&o, Format, &ap);
    va_end(ap);
    text[o.len] = '\0';
    fputs(text, stderr);
    return STATUS_SUCCESS;
}

ULONG vDbgPrintEx(ULONG ComponentId, ULONG Level, PCCH Format, va_list arglist)
{
    return vDbgPrintExWithPrefix(NULL, ComponentId, Level, Format, arglist);
}

ULONG DbgPrintEx(ULONG ComponentId, ULONG Level, PCSTR Format, ...)
{
    va_list ap;
    ULONG rc;
    va_start(ap, Format);
    rc = vDbgPrintExWithPrefix(NULL, ComponentId, Level, Format, ap);
    va_end(ap);
    return rc;
}

/* DbgPrint is DbgPrintEx for the default component at DPFLTR_INFO_LEVEL. */
ULONG DbgPrint(PCSTR Format, ...)
{
    va_list ap;
    ULONG rc;
    va_start(ap, Format);
    rc = vDbgPrintExWithPrefix(NULL, DPFLTR_DEFAULT_ID, DPFLTR_INFO_LEVEL, Format, ap);
    va_end(ap);
    return rc;
}

VOID DbgBreakPoint(VOID)
{
    fprintf(stderr, "[driver] DbgBreakPoint from %p: breaking in (SIGTRAP)\n", VF_CALLER());
    raise(SIGTRAP);
}

VOID DbgBreakPointWithStatus(ULONG Status)
{
    fprintf(stderr, "[driver] DbgBreakPointWithStatus(0x%08X) from %p: breaking in (SIGTRAP)\n",
            Status, VF_CALLER());
    raise(SIGTRAP);
}

static DECLSPEC_NORETURN void dbg_bugcheck(ULONG code, ULONG_PTR p1, ULONG_PTR p2, ULONG_PTR p3,
                                           ULONG_PTR p4, const void *caller)
{
    fprintf(stderr,
            "*** STOP: 0x%08X (0x%016llX, 0x%016llX, 0x%016llX, 0x%016llX) called from %p\n",
            code, (unsigned long long)p1, (unsigned long long)p2, (unsigned long long)p3,
            (unsigned long long)p4, caller);
    fflush(stderr);
    abort();
}

VOID KeBugCheckEx(ULONG BugCheckCode, ULONG_PTR BugCheckParameter1, ULONG_PTR BugCheckParameter2,
                  ULONG_PTR BugCheckParameter3, ULONG_PTR BugCheckParameter4)
{
    dbg_bugcheck(BugCheckCode, BugCheckParameter1, BugCheckParameter2, BugCheckParameter3,
                 BugCheckParameter4, VF_CALLER());
}

VOID KeBugCheck(ULONG BugCheckCode)
{
    dbg_bugcheck(BugCheckCode, 0, 0, 0, 0, VF_CALLER());
}

/* __fastfail: bug check 0x139 with the failure code as the first parameter. */
VOID RtlFailFast(ULONG Code)
{
    dbg_bugcheck(KERNEL_SECURITY_CHECK_FAILURE, Code, 0, 0, 0, VF_CALLER());
}

/* A checked build stops at a failed assertion; here the process aborts after saying where. */
VOID RtlAssert(PVOID VoidFailedAssertion, PVOID VoidFileName, ULONG LineNumber,
               PSTR MutableMessage)
{
    fprintf(stderr, "*** Assertion failed: %s%s%s\n***   Source File: %s, line %u\n",
            MutableMessage != NULL ? MutableMessage : "", MutableMessage != NULL ? ": " : "",
            (const char *)VoidFailedAssertion, (const char *)VoidFileName, LineNumber);
    fflush(stderr);
    abort();
}
