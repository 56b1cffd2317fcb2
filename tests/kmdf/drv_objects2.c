/* drv_objects2.c - the object-model test driver's second source file: it includes the same
 * context-type header as drv_objects.c, so the type's info and accessor exist in both files and
 * must agree (WDF_DECLARE_CONTEXT_TYPE across translation units). */
#include <ntddk.h>
#include <wdf.h>

#include "drv_objects.h"
#include "drv_objects_ctx.h"

PVOID DrvNameContextOtherFile(WDFOBJECT Object)
{
    return ObjGetName(Object);
}

PCWDF_OBJECT_CONTEXT_TYPE_INFO DrvNameTypeInfoOtherFile(VOID)
{
    return WDF_GET_CONTEXT_TYPE_INFO(OBJ_NAME_CONTEXT);
}
