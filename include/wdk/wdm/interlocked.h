/* wdm/interlocked.h - the Interlocked* operations and memory barriers of the WDK (x64 intrinsics),
 * as inline functions over the gcc __atomic builtins with the full-barrier ordering that the
 * x64 LOCK-prefixed instructions give.  LONG is 32-bit; the ...64 forms take LONG64.
 * Header layer.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/interlocked-variable-access
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-interlockedcompareexchange
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-kememorybarrier */
#ifndef DMABOX_WDK_WDM_INTERLOCKED_H
#define DMABOX_WDK_WDM_INTERLOCKED_H

#include "../ntdef.h"

#define DMABOX_SEQ __ATOMIC_SEQ_CST

/* ---- 32-bit: each returns the new value (Increment/Decrement/Add) or the old one (the rest) ---- */
FORCEINLINE LONG InterlockedIncrement(_Inout_ _Interlocked_operand_ LONG volatile *Addend)
{
    return __atomic_add_fetch(Addend, 1, DMABOX_SEQ);
}
FORCEINLINE LONG InterlockedDecrement(_Inout_ _Interlocked_operand_ LONG volatile *Addend)
{
    return __atomic_sub_fetch(Addend, 1, DMABOX_SEQ);
}
FORCEINLINE LONG InterlockedAdd(_Inout_ _Interlocked_operand_ LONG volatile *Addend, _In_ LONG Value)
{
    return __atomic_add_fetch(Addend, Value, DMABOX_SEQ);
}
FORCEINLINE LONG InterlockedExchange(_Inout_ _Interlocked_operand_ LONG volatile *Target, _In_ LONG Value)
{
    return __atomic_exchange_n(Target, Value, DMABOX_SEQ);
}
FORCEINLINE LONG InterlockedExchangeAdd(_Inout_ _Interlocked_operand_ LONG volatile *Addend, _In_ LONG Value)
{
    return __atomic_fetch_add(Addend, Value, DMABOX_SEQ);
}
FORCEINLINE LONG InterlockedCompareExchange(_Inout_ _Interlocked_operand_ LONG volatile *Destination,
                                            _In_ LONG Exchange, _In_ LONG Comperand)
{
    __atomic_compare_exchange_n(Destination, &Comperand, Exchange, 0, DMABOX_SEQ, DMABOX_SEQ);
    return Comperand;
}
FORCEINLINE LONG InterlockedOr(_Inout_ _Interlocked_operand_ LONG volatile *Destination, _In_ LONG Value)
{
    return __atomic_fetch_or(Destination, Value, DMABOX_SEQ);
}
FORCEINLINE LONG InterlockedAnd(_Inout_ _Interlocked_operand_ LONG volatile *Destination, _In_ LONG Value)
{
    return __atomic_fetch_and(Destination, Value, DMABOX_SEQ);
}
FORCEINLINE LONG InterlockedXor(_Inout_ _Interlocked_operand_ LONG volatile *Destination, _In_ LONG Value)
{
    return __atomic_fetch_xor(Destination, Value, DMABOX_SEQ);
}
/* Bit tests return the bit's previous value. */
FORCEINLINE BOOLEAN InterlockedBitTestAndSet(_Inout_ LONG volatile *Base, _In_ LONG Bit)
{
    LONG mask = (LONG)(1u << (Bit & 31));
    return (BOOLEAN)((__atomic_fetch_or(Base, mask, DMABOX_SEQ) & mask) != 0);
}
FORCEINLINE BOOLEAN InterlockedBitTestAndReset(_Inout_ LONG volatile *Base, _In_ LONG Bit)
{
    LONG mask = (LONG)(1u << (Bit & 31));
    return (BOOLEAN)((__atomic_fetch_and(Base, ~mask, DMABOX_SEQ) & mask) != 0);
}

/* ---- 16-bit and 8-bit ---- */
FORCEINLINE SHORT InterlockedIncrement16(_Inout_ SHORT volatile *Addend)
{
    return __atomic_add_fetch(Addend, 1, DMABOX_SEQ);
}
FORCEINLINE SHORT InterlockedDecrement16(_Inout_ SHORT volatile *Addend)
{
    return __atomic_sub_fetch(Addend, 1, DMABOX_SEQ);
}
FORCEINLINE SHORT InterlockedCompareExchange16(_Inout_ SHORT volatile *Destination,
                                               _In_ SHORT Exchange, _In_ SHORT Comperand)
{
    __atomic_compare_exchange_n(Destination, &Comperand, Exchange, 0, DMABOX_SEQ, DMABOX_SEQ);
    return Comperand;
}
FORCEINLINE CHAR InterlockedExchange8(_Inout_ CHAR volatile *Target, _In_ CHAR Value)
{
    return __atomic_exchange_n(Target, Value, DMABOX_SEQ);
}
FORCEINLINE CHAR InterlockedOr8(_Inout_ CHAR volatile *Destination, _In_ CHAR Value)
{
    return __atomic_fetch_or(Destination, Value, DMABOX_SEQ);
}
FORCEINLINE CHAR InterlockedAnd8(_Inout_ CHAR volatile *Destination, _In_ CHAR Value)
{
    return __atomic_fetch_and(Destination, Value, DMABOX_SEQ);
}

/* ---- 64-bit ---- */
FORCEINLINE LONG64 InterlockedIncrement64(_Inout_ LONG64 volatile *Addend)
{
    return __atomic_add_fetch(Addend, 1, DMABOX_SEQ);
}
FORCEINLINE LONG64 InterlockedDecrement64(_Inout_ LONG64 volatile *Addend)
{
    return __atomic_sub_fetch(Addend, 1, DMABOX_SEQ);
}
FORCEINLINE LONG64 InterlockedAdd64(_Inout_ LONG64 volatile *Addend, _In_ LONG64 Value)
{
    return __atomic_add_fetch(Addend, Value, DMABOX_SEQ);
}
FORCEINLINE LONG64 InterlockedExchange64(_Inout_ LONG64 volatile *Target, _In_ LONG64 Value)
{
    return __atomic_exchange_n(Target, Value, DMABOX_SEQ);
}
FORCEINLINE LONG64 InterlockedExchangeAdd64(_Inout_ LONG64 volatile *Addend, _In_ LONG64 Value)
{
    return __atomic_fetch_add(Addend, Value, DMABOX_SEQ);
}
FORCEINLINE LONG64 InterlockedCompareExchange64(_Inout_ LONG64 volatile *Destination,
                                                _In_ LONG64 Exchange, _In_ LONG64 Comperand)
{
    __atomic_compare_exchange_n(Destination, &Comperand, Exchange, 0, DMABOX_SEQ, DMABOX_SEQ);
    return Comperand;
}
FORCEINLINE LONG64 InterlockedOr64(_Inout_ LONG64 volatile *Destination, _In_ LONG64 Value)
{
    return __atomic_fetch_or(Destination, Value, DMABOX_SEQ);
}
FORCEINLINE LONG64 InterlockedAnd64(_Inout_ LONG64 volatile *Destination, _In_ LONG64 Value)
{
    return __atomic_fetch_and(Destination, Value, DMABOX_SEQ);
}
FORCEINLINE LONG64 InterlockedXor64(_Inout_ LONG64 volatile *Destination, _In_ LONG64 Value)
{
    return __atomic_fetch_xor(Destination, Value, DMABOX_SEQ);
}

/* ---- pointers ---- */
FORCEINLINE PVOID InterlockedExchangePointer(_Inout_ PVOID volatile *Target, _In_opt_ PVOID Value)
{
    return __atomic_exchange_n(Target, Value, DMABOX_SEQ);
}
FORCEINLINE PVOID InterlockedCompareExchangePointer(_Inout_ PVOID volatile *Destination,
                                                    _In_opt_ PVOID Exchange, _In_opt_ PVOID Comperand)
{
    __atomic_compare_exchange_n(Destination, &Comperand, Exchange, 0, DMABOX_SEQ, DMABOX_SEQ);
    return Comperand;
}

/* Ordering variants: x64 has only the full-barrier forms, so the WDK maps these onto them. */
#define InterlockedIncrementAcquire InterlockedIncrement
#define InterlockedIncrementRelease InterlockedIncrement
#define InterlockedIncrementNoFence InterlockedIncrement
#define InterlockedDecrementAcquire InterlockedDecrement
#define InterlockedDecrementRelease InterlockedDecrement
#define InterlockedDecrementNoFence InterlockedDecrement
#define InterlockedCompareExchangeAcquire InterlockedCompareExchange
#define InterlockedCompareExchangeRelease InterlockedCompareExchange
#define InterlockedCompareExchangeNoFence InterlockedCompareExchange
#define InterlockedCompareExchangePointerAcquire InterlockedCompareExchangePointer
#define InterlockedCompareExchangePointerRelease InterlockedCompareExchangePointer
#define InterlockedCompareExchangePointerNoFence InterlockedCompareExchangePointer
#define InterlockedExchangeNoFence InterlockedExchange
#define InterlockedOrNoFence InterlockedOr
#define InterlockedAndNoFence InterlockedAnd
#define InterlockedIncrementSizeT(a) ((SIZE_T)InterlockedIncrement64((LONG64 volatile *)(a)))
#define InterlockedDecrementSizeT(a) ((SIZE_T)InterlockedDecrement64((LONG64 volatile *)(a)))
#define InterlockedExchangeAddSizeT(a, b) \
    ((SIZE_T)InterlockedExchangeAdd64((LONG64 volatile *)(a), (LONG64)(b)))

/* The compiler-intrinsic spellings some drivers call directly. */
#define _InterlockedIncrement InterlockedIncrement
#define _InterlockedDecrement InterlockedDecrement
#define _InterlockedExchange InterlockedExchange
#define _InterlockedExchangeAdd InterlockedExchangeAdd
#define _InterlockedCompareExchange InterlockedCompareExchange
#define _InterlockedOr InterlockedOr
#define _InterlockedAnd InterlockedAnd

/* ---- plain loads and stores with ordering (ReadAcquire & co.) ---- */
FORCEINLINE LONG ReadAcquire(_In_ LONG const volatile *Source)
{
    return __atomic_load_n(Source, __ATOMIC_ACQUIRE);
}
FORCEINLINE LONG ReadNoFence(_In_ LONG const volatile *Source)
{
    return __atomic_load_n(Source, __ATOMIC_RELAXED);
}
FORCEINLINE VOID WriteRelease(_Out_ LONG volatile *Destination, _In_ LONG Value)
{
    __atomic_store_n(Destination, Value, __ATOMIC_RELEASE);
}
FORCEINLINE VOID WriteNoFence(_Out_ LONG volatile *Destination, _In_ LONG Value)
{
    __atomic_store_n(Destination, Value, __ATOMIC_RELAXED);
}
FORCEINLINE LONG64 ReadAcquire64(_In_ LONG64 const volatile *Source)
{
    return __atomic_load_n(Source, __ATOMIC_ACQUIRE);
}
FORCEINLINE LONG64 ReadNoFence64(_In_ LONG64 const volatile *Source)
{
    return __atomic_load_n(Source, __ATOMIC_RELAXED);
}
FORCEINLINE VOID WriteRelease64(_Out_ LONG64 volatile *Destination, _In_ LONG64 Value)
{
    __atomic_store_n(Destination, Value, __ATOMIC_RELEASE);
}
FORCEINLINE VOID WriteNoFence64(_Out_ LONG64 volatile *Destination, _In_ LONG64 Value)
{
    __atomic_store_n(Destination, Value, __ATOMIC_RELAXED);
}
FORCEINLINE PVOID ReadPointerAcquire(_In_ PVOID const volatile *Source)
{
    return __atomic_load_n(Source, __ATOMIC_ACQUIRE);
}
FORCEINLINE PVOID ReadPointerNoFence(_In_ PVOID const volatile *Source)
{
    return __atomic_load_n(Source, __ATOMIC_RELAXED);
}
FORCEINLINE VOID WritePointerRelease(_Out_ PVOID volatile *Destination, _In_opt_ PVOID Value)
{
    __atomic_store_n(Destination, Value, __ATOMIC_RELEASE);
}
FORCEINLINE VOID WritePointerNoFence(_Out_ PVOID volatile *Destination, _In_opt_ PVOID Value)
{
    __atomic_store_n(Destination, Value, __ATOMIC_RELAXED);
}

/* ---- barriers ---- */
/* Compiler-only barriers: the compiler may not move memory accesses across them. */
#define _ReadWriteBarrier() __asm__ __volatile__("" ::: "memory")
#define _ReadBarrier() _ReadWriteBarrier()
#define _WriteBarrier() _ReadWriteBarrier()
#define KeMemoryBarrierWithoutFence() _ReadWriteBarrier()

/* Full hardware barrier.  ThreadSanitizer does not model stand-alone fences (gcc warns under
 * -fsanitize=thread), so that build uses a locked read-modify-write, which orders the same way
 * on x64. */
FORCEINLINE VOID MemoryBarrier(VOID)
{
#if defined(__SANITIZE_THREAD__)
    LONG volatile barrier = 0;
    __atomic_fetch_or(&barrier, 0, DMABOX_SEQ);
#else
    __atomic_thread_fence(DMABOX_SEQ);
#endif
}
#define KeMemoryBarrier() MemoryBarrier()
#define FastFence() MemoryBarrier()

/* The spin-wait hint (x64 PAUSE). */
FORCEINLINE VOID YieldProcessor(VOID)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

#undef DMABOX_SEQ

#endif
