/* wdm/debug.h - kernel debugging support: DbgPrint/DbgPrintEx/vDbgPrintEx (to stderr, prefixed
 * "[driver]"), KdPrint/KdPrintEx, ASSERT/NT_ASSERT/NT_VERIFY, DbgBreakPoint and KeBugCheckEx.
 * Builds are checked builds (DBG=1, ntdef.h): KdPrint and the asserts are live, and a failed
 * assertion prints the expression and its location and aborts, as a checked build breaks in.
 * The formatter understands the Windows forms: %wZ (UNICODE_STRING), %Z (ANSI_STRING), %ws/%S/%ls
 * (WCHAR strings), %C (WCHAR), %I64/%I32/%I sizes, and l meaning 32-bit.  Implemented in
 * src/wdm/debug.c; header layer.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-dbgprintex
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/debugger/reading-and-filtering-debugging-messages
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-kebugcheckex */
#ifndef DMABOX_WDK_WDM_DEBUG_H
#define DMABOX_WDK_WDM_DEBUG_H

#include <stdarg.h>

#include "../ntdef.h"

/* Component IDs (a subset of DPFLTR_TYPE, same values as the WDK). */
typedef enum _DPFLTR_TYPE {
    DPFLTR_SYSTEM_ID = 0,
    DPFLTR_IHVDRIVER_ID = 77,
    DPFLTR_IHVVIDEO_ID = 78,
    DPFLTR_IHVAUDIO_ID = 79,
    DPFLTR_IHVNETWORK_ID = 80,
    DPFLTR_IHVSTREAMING_ID = 81,
    DPFLTR_IHVBUS_ID = 82,
    DPFLTR_VERIFIER_ID = 93,
    DPFLTR_DEFAULT_ID = 101
} DPFLTR_TYPE;

/* Levels 0-31 select one bit of the component's mask; a value above 31 is itself a mask. */
#define DPFLTR_ERROR_LEVEL 0
#define DPFLTR_WARNING_LEVEL 1
#define DPFLTR_TRACE_LEVEL 2
#define DPFLTR_INFO_LEVEL 3
#define DPFLTR_MASK 0x80000000

/* Each returns STATUS_SUCCESS (printed or filtered out). */
NTSYSAPI ULONG DbgPrint(_In_z_ _Printf_format_string_ PCSTR Format, ...);
NTSYSAPI ULONG DbgPrintEx(_In_ ULONG ComponentId, _In_ ULONG Level,
                          _In_z_ _Printf_format_string_ PCSTR Format, ...);
NTSYSAPI ULONG vDbgPrintEx(_In_ ULONG ComponentId, _In_ ULONG Level, _In_z_ PCCH Format,
                           _In_ va_list arglist);
NTSYSAPI ULONG vDbgPrintExWithPrefix(_In_z_ PCCH Prefix, _In_ ULONG ComponentId, _In_ ULONG Level,
                                     _In_z_ PCCH Format, _In_ va_list arglist);

/* Breaks into the debugger: SIGTRAP, which stops under gdb and ends the process otherwise (a
 * Windows machine without a kernel debugger bug-checks). */
NTSYSAPI VOID DbgBreakPoint(VOID);
NTSYSAPI VOID DbgBreakPointWithStatus(_In_ ULONG Status);

/* Prints "*** STOP" with the code and parameters and aborts the process. */
DECLSPEC_NORETURN NTKERNELAPI VOID KeBugCheckEx(_In_ ULONG BugCheckCode, _In_ ULONG_PTR BugCheckParameter1,
                                                _In_ ULONG_PTR BugCheckParameter2,
                                                _In_ ULONG_PTR BugCheckParameter3,
                                                _In_ ULONG_PTR BugCheckParameter4);
DECLSPEC_NORETURN NTKERNELAPI VOID KeBugCheck(_In_ ULONG BugCheckCode);

/* The assertion-failure routine behind ASSERT: prints and aborts (never returns here). */
NTSYSAPI VOID RtlAssert(_In_ PVOID VoidFailedAssertion, _In_ PVOID VoidFileName,
                        _In_ ULONG LineNumber, _In_opt_z_ PSTR MutableMessage);

#if DBG
#define KdPrint(_x_) DbgPrint _x_
#define KdPrintEx(_x_) DbgPrintEx _x_
#define vKdPrintEx(_x_) vDbgPrintEx _x_
#define KdBreakPoint() DbgBreakPoint()
#define KdBreakPointWithStatus(s) DbgBreakPointWithStatus(s)
#define ASSERT(exp) \
    ((!(exp)) ? (RtlAssert((PVOID) #exp, (PVOID)__FILE__, __LINE__, NULL), FALSE) : TRUE)
#define ASSERTMSG(msg, exp) \
    ((!(exp)) ? (RtlAssert((PVOID) #exp, (PVOID)__FILE__, __LINE__, (PSTR)(msg)), FALSE) : TRUE)
#define NT_ASSERT(exp) ASSERT(exp)
#define NT_ASSERTMSG(msg, exp) ASSERTMSG(msg, exp)
#define NT_ASSERT_ASSUME(exp) ASSERT(exp)
#define NT_VERIFY(exp) ASSERT(exp)
#define NT_VERIFYMSG(msg, exp) ASSERTMSG(msg, exp)
#else
#define KdPrint(_x_) ((void)0)
#define KdPrintEx(_x_) ((void)0)
#define vKdPrintEx(_x_) ((void)0)
#define KdBreakPoint() ((void)0)
#define KdBreakPointWithStatus(s) ((void)0)
#define ASSERT(exp) ((void)0)
#define ASSERTMSG(msg, exp) ((void)0)
#define NT_ASSERT(exp) ((void)0)
#define NT_ASSERTMSG(msg, exp) ((void)0)
#define NT_ASSERT_ASSUME(exp) ((void)0)
#define NT_VERIFY(exp) ((exp) ? TRUE : FALSE)
#define NT_VERIFYMSG(msg, exp) ((exp) ? TRUE : FALSE)
#endif
#define RTL_SOFT_ASSERT(exp) ((!(exp)) ? (DbgPrint("Soft assertion failed: %s\n", #exp), FALSE) : TRUE)

#endif
