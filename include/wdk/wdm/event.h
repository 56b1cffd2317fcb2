/* wdm/event.h - kernel events (KEVENT) and the dispatcher waits KeWaitForSingleObject,
 * KeWaitForMultipleObjects and KeDelayExecutionThread.  Implemented in src/wdm/event.c with
 * atomics and futexes; the structure keeps the WDK's x64 size (24 bytes) so drivers can embed it.
 * Header layer.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/kernel/event-objects
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-kewaitforsingleobject
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/wdm/nf-wdm-kewaitformultipleobjects */
#ifndef DMABOX_WDK_WDM_EVENT_H
#define DMABOX_WDK_WDM_EVENT_H

#include "irql.h"

typedef LONG KPRIORITY;

typedef enum _EVENT_TYPE { NotificationEvent, SynchronizationEvent } EVENT_TYPE;

typedef enum _WAIT_TYPE { WaitAll, WaitAny, WaitNotification, WaitDequeue } WAIT_TYPE;

typedef enum _KWAIT_REASON {
    Executive,
    FreePage,
    PageIn,
    PoolAllocation,
    DelayExecution,
    Suspended,
    UserRequest,
    WrExecutive,
    WrFreePage,
    WrPageIn,
    WrPoolAllocation,
    WrDelayExecution,
    WrSuspended,
    WrUserRequest
} KWAIT_REASON;

/* Dispatcher object type codes (the Type byte of the header). */
#define EventNotificationObject 0
#define EventSynchronizationObject 1

/* The dispatcher header: Type says which object it heads.  SignalState is the futex word that
 * event.c packs (signalled bit, waiter counts, generation or hand-off count); drivers must not
 * touch it, exactly as on Windows. */
typedef struct _DISPATCHER_HEADER {
    UCHAR Type;
    UCHAR Signalling;
    UCHAR Size;
    UCHAR Reserved1;
    LONG SignalState;
    LIST_ENTRY WaitListHead;
} DISPATCHER_HEADER;

typedef struct _KEVENT {
    DISPATCHER_HEADER Header;
} KEVENT, *PKEVENT, *PRKEVENT;

C_ASSERT(sizeof(KEVENT) == 24);

/* Opaque wait blocks, only passed through by drivers that wait on more than THREAD_WAIT_OBJECTS. */
typedef struct _KWAIT_BLOCK {
    ULONG_PTR Reserved[6];
} KWAIT_BLOCK, *PKWAIT_BLOCK, *PRKWAIT_BLOCK;

#define THREAD_WAIT_OBJECTS 3
#define MAXIMUM_WAIT_OBJECTS 64
#define EVENT_INCREMENT 1
#define IO_NO_INCREMENT 0

_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI VOID KeInitializeEvent(_Out_ PRKEVENT Event, _In_ EVENT_TYPE Type, _In_ BOOLEAN State);

/* Returns the previous signal state (0 or 1). */
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI LONG KeSetEvent(_Inout_ PRKEVENT Event, _In_ KPRIORITY Increment, _In_ BOOLEAN Wait);

_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI LONG KeResetEvent(_Inout_ PRKEVENT Event);
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI VOID KeClearEvent(_Inout_ PRKEVENT Event);
NTKERNELAPI LONG KeReadStateEvent(_In_ PRKEVENT Event);

/* Timeout: NULL waits forever; negative is relative, in 100 ns units; positive is an absolute
 * system time (100 ns units since 1601-01-01); zero tests the state without waiting.
 * Returns STATUS_SUCCESS or STATUS_TIMEOUT.  A non-zero timeout requires IRQL <= APC_LEVEL. */
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI NTSTATUS KeWaitForSingleObject(_In_ PVOID Object, _In_ KWAIT_REASON WaitReason,
                                           _In_ KPROCESSOR_MODE WaitMode, _In_ BOOLEAN Alertable,
                                           _In_opt_ PLARGE_INTEGER Timeout);

/* WaitAny returns STATUS_WAIT_0 + the index of the object that satisfied the wait; WaitAll
 * returns STATUS_SUCCESS once every object was signalled at the same time.  Count above
 * THREAD_WAIT_OBJECTS needs a WaitBlockArray (not used here, but checked as on Windows). */
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI NTSTATUS KeWaitForMultipleObjects(_In_ ULONG Count, _In_reads_(Count) PVOID Object[],
                                              _In_ WAIT_TYPE WaitType, _In_ KWAIT_REASON WaitReason,
                                              _In_ KPROCESSOR_MODE WaitMode, _In_ BOOLEAN Alertable,
                                              _In_opt_ PLARGE_INTEGER Timeout,
                                              _Out_opt_ PKWAIT_BLOCK WaitBlockArray);

/* Sleeps for Interval (same encoding as a wait timeout).  IRQL <= APC_LEVEL. */
_IRQL_requires_max_(APC_LEVEL)
NTKERNELAPI NTSTATUS KeDelayExecutionThread(_In_ KPROCESSOR_MODE WaitMode, _In_ BOOLEAN Alertable,
                                            _In_ PLARGE_INTEGER Interval);

#endif
