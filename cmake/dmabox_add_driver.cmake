# dmabox_add_driver(NAME [SHARED|STATIC] SOURCES <files...>)
#
# Builds KMDF driver sources, unchanged, against the WDK-compatible headers in include/wdk.
# Sets every flag a Windows driver source needs on gcc/LP64:
#   -fshort-wchar        WCHAR and L"..." literals are 16-bit, as on Windows
#   -fms-extensions      anonymous structs/unions the WDK headers and drivers use
#   -Wno-unknown-pragmas #pragma alloc_text / warning(...) / prefast are MSVC-only
#   -Wno-multichar       pool tags are written as 'Tag1' character constants
# The driver sees only include/wdk: no dmabox or Linux header is on its include path.
# STATIC (the default) links into a test or host program; SHARED makes a loadable .so.
set(DMABOX_WDK_INCLUDE ${CMAKE_CURRENT_LIST_DIR}/../include/wdk)
# The KMDF stub (WdfDriverGlobals, WdfFunctions_01033) is compiled into every driver image, as the
# WDK links WdfDriverEntry.lib into every KMDF driver.
set(DMABOX_WDF_STUB ${CMAKE_CURRENT_LIST_DIR}/../src/kmdf/stub/wdf_stub.c)

function(dmabox_driver_flags target)
  target_include_directories(${target} PRIVATE ${DMABOX_WDK_INCLUDE})
  target_compile_options(${target} PRIVATE -fshort-wchar -fms-extensions -Wno-unknown-pragmas -Wno-multichar)
  target_compile_definitions(${target} PRIVATE _AMD64_ _WIN64 KMDF_VERSION_MAJOR=1
                                               KMDF_VERSION_MINOR=33)
endfunction()

# A driver module exports exactly what the loader looks up (DriverEntry and the stub's two
# symbols) through a version script, and binds its own symbols locally (-Bsymbolic) so two drivers
# loaded into one process never resolve into each other.  The WDM functions it calls resolve into
# the loading program, which must export them (ENABLE_EXPORTS, as the dmabox tool does).
set(DMABOX_DRIVER_EXPORTS ${CMAKE_CURRENT_LIST_DIR}/dmabox_driver.map)

function(dmabox_add_driver name)
  cmake_parse_arguments(D "SHARED;STATIC" "" "SOURCES" ${ARGN})
  if(D_SHARED)
    add_library(${name} MODULE ${D_SOURCES} ${DMABOX_WDF_STUB})
    set_target_properties(${name} PROPERTIES PREFIX "" LINK_DEPENDS ${DMABOX_DRIVER_EXPORTS})
    target_link_options(${name} PRIVATE -Wl,--version-script=${DMABOX_DRIVER_EXPORTS} -Wl,-Bsymbolic)
  else()
    add_library(${name} STATIC ${D_SOURCES} ${DMABOX_WDF_STUB})
  endif()
  dmabox_driver_flags(${name})
endfunction()
