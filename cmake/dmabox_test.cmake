# dmabox_add_test(NAME LABEL <label> SOURCES <files...> LIBS <targets...>)
# One executable per test file; the CTest label is the layer (ctest -L dma).
function(dmabox_add_test name)
  cmake_parse_arguments(T "" "LABEL" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE dmabox_testlib ${T_LIBS})
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES LABELS "${T_LABEL}" TIMEOUT 120)
endfunction()
