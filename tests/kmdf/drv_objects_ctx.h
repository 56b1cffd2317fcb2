/* drv_objects_ctx.h - context types of the object-model test driver, declared in a header that
 * two driver source files include, as real drivers do: both get the accessor, and the weak
 * _WDF_<type>_TYPE_INFO definitions must fold into one so that both agree on the type. */
#ifndef DRV_OBJECTS_CTX_H
#define DRV_OBJECTS_CTX_H

#include <ntddk.h>
#include <wdf.h>

typedef struct _OBJ_NAME_CONTEXT {
    CHAR Name[16];
    ULONG Value;
    UCHAR Pad[44]; /* odd total size: 64 bytes, checked zeroed end to end */
} OBJ_NAME_CONTEXT, *POBJ_NAME_CONTEXT;
WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(OBJ_NAME_CONTEXT, ObjGetName)

typedef struct _EXTRA_CONTEXT {
    ULONGLONG Words[5];
} EXTRA_CONTEXT;
WDF_DECLARE_CONTEXT_TYPE(EXTRA_CONTEXT)

typedef struct _NEVER_ATTACHED_CONTEXT {
    ULONG Unused;
} NEVER_ATTACHED_CONTEXT;
WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(NEVER_ATTACHED_CONTEXT, GetNeverAttached)

#endif
