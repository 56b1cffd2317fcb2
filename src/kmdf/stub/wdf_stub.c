/* wdf_stub.c - the KMDF stub compiled into every driver image (kmdf layer, driver side): the two
 * variables the WDK's inline DDI wrappers use.  The framework fills them when it binds the image
 * (fx_driver_bind); drivers build with -fvisibility=hidden, so both are exported explicitly for a
 * shared-object driver to be bound through dlsym.  Nothing else belongs here.
 * https://learn.microsoft.com/en-us/windows-hardware/drivers/wdf/building-and-loading-a-kmdf-driver */
#include <ntddk.h>
#include <wdf.h>

__attribute__((visibility("default"))) PWDF_DRIVER_GLOBALS WdfDriverGlobals;
__attribute__((visibility("default"))) const WDFFUNC *WdfFunctions_01033;
