# RTL twins (rtl/): every rtl/<unit>/<top>.counters names a top-level block. Next to it,
# rtl/<unit>/<top>.f lists the block's sources relative to rtl/ ("gen:<file>" for a generated
# one). From the .counters file CMake generates, at configure time, the counter list for both
# sides: the SV package <top>_counters_pkg (gen/rtl/) and the C++ list
# cssim::counters::<top>::kList (gen/model/cosim/<top>_counters.h). Each block is Verilated in
# SystemC mode, with FST tracing compiled in, into the one static library cssim_rtl (one copy of
# the Verilator runtime for all blocks). -Wall makes any lint warning a build error; a block's
# scoped waivers are rtl/lint/<top>.vlt.
find_package(verilator REQUIRED HINTS /usr/share/verilator)
find_package(ZLIB REQUIRED)  # FST waves
find_package(Threads REQUIRED)  # the Verilator runtime
set(CSSIM_GEN_DIR ${CMAKE_BINARY_DIR}/gen)

function(cssim_camel name out)
  string(REPLACE "_" ";" parts "${name}")
  set(camel "")
  foreach(p IN LISTS parts)
    string(SUBSTRING "${p}" 0 1 first)
    string(TOUPPER "${first}" first)
    string(SUBSTRING "${p}" 1 -1 rest)
    string(APPEND camel "${first}${rest}")
  endforeach()
  set(${out} "${camel}" PARENT_SCOPE)
endfunction()

function(cssim_gen_counters top counters_file)
  file(STRINGS ${counters_file} lines)
  set(sv "")
  set(cc "")
  set(index 0)
  foreach(line IN LISTS lines)
    string(STRIP "${line}" line)
    if(line STREQUAL "" OR line MATCHES "^#")
      continue()
    endif()
    if(NOT line MATCHES "^([a-z][a-z0-9_]*)[ \t]+([a-z][a-z0-9_.]*)[ \t]*(.*)$")
      message(FATAL_ERROR "${counters_file}: bad line '${line}'; allowed: "
                          "<rtl_name> <model.stat.path> <description>")
    endif()
    set(rtl "${CMAKE_MATCH_1}")
    set(model "${CMAKE_MATCH_2}")
    set(desc "${CMAKE_MATCH_3}")
    cssim_camel("${rtl}" camel)
    string(APPEND sv "  localparam int unsigned Cnt${camel} = ${index};  // ${desc}\n")
    string(APPEND cc "    {\"${rtl}\", \"${model}\"},  // ${desc}\n")
    math(EXPR index "${index} + 1")
  endforeach()
  if(index EQUAL 0)
    message(FATAL_ERROR "${counters_file}: no counters; a block exposes at least one")
  endif()
  file(RELATIVE_PATH rel ${CMAKE_SOURCE_DIR} ${counters_file})
  file(CONFIGURE OUTPUT ${CSSIM_GEN_DIR}/rtl/${top}_counters_pkg.sv CONTENT
"// Generated from ${rel} by cmake/rtl.cmake: do not edit.
package ${top}_counters_pkg;
  localparam int unsigned NumCounters = ${index};
${sv}endpackage
" @ONLY)
  file(CONFIGURE OUTPUT ${CSSIM_GEN_DIR}/model/cosim/${top}_counters.h CONTENT
"// Generated from ${rel} by cmake/rtl.cmake: do not edit.
#pragma once

#include <vector>

#include \"model/cosim/twin.h\"

namespace cssim::counters::${top} {

inline const std::vector<CounterSpec> kList = {
${cc}};

}  // namespace cssim::counters::${top}
" @ONLY)
endfunction()

file(GLOB CSSIM_RTL_COUNTERS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/rtl/*/*.counters)
# Which blocks to Verilate: all (the default), or a list of tops, or "none" (a model-only build).
set(CSSIM_RTL_ONLY "all" CACHE STRING "RTL tops to Verilate: all, none, or a ;-list of tops")
set(CSSIM_RTL_TOPS "")
add_library(cssim_rtl STATIC ${CMAKE_SOURCE_DIR}/cmake/rtl_anchor.cc)
set(CSSIM_RTL_TREE_TOPS "")  # every block of the tree, built or not
set(twin_headers "")
set(twin_rows "")
foreach(counters IN LISTS CSSIM_RTL_COUNTERS)
  get_filename_component(top ${counters} NAME_WE)
  get_filename_component(dir ${counters} DIRECTORY)
  foreach(part twin regress)
    if(NOT EXISTS ${CMAKE_SOURCE_DIR}/model/cosim/${top}_${part}.h)
      message(FATAL_ERROR "${counters}: no model/cosim/${top}_${part}.h (every RTL block has a "
                          "twin and a regression: model/cosim/factory.h)")
    endif()
    string(APPEND twin_headers "#include \"model/cosim/${top}_${part}.h\"\n")
  endforeach()
  list(APPEND CSSIM_RTL_TREE_TOPS ${top})
  cssim_camel("${top}" camel)
  if(NOT CSSIM_RTL_ONLY STREQUAL "all" AND NOT top IN_LIST CSSIM_RTL_ONLY)
    string(APPEND twin_rows "CSSIM_NO_TWIN(${top}, ${camel})\n")
    continue()
  endif()
  string(APPEND twin_rows "CSSIM_TWIN(${top}, ${camel})\n")
  set(flist ${dir}/${top}.f)
  if(NOT EXISTS ${flist})
    message(FATAL_ERROR "${counters}: no source list ${flist}")
  endif()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${counters} ${flist})
  cssim_gen_counters(${top} ${counters})
  file(STRINGS ${flist} entries)
  set(srcs "")
  foreach(e IN LISTS entries)
    string(STRIP "${e}" e)
    if(e STREQUAL "" OR e MATCHES "^#")
      continue()
    elseif(e MATCHES "^gen:(.*)$")
      list(APPEND srcs ${CSSIM_GEN_DIR}/rtl/${CMAKE_MATCH_1})
    else()
      list(APPEND srcs ${CMAKE_SOURCE_DIR}/rtl/${e})
    endif()
  endforeach()
  # The block's waivers, if any, go first: Verilator 5.006 applies a .vlt's lint_off only to the
  # files it reads after it (tools/rtl-lint does the same).
  set(waivers "")
  if(EXISTS ${CMAKE_SOURCE_DIR}/rtl/lint/${top}.vlt)
    set(waivers ${CMAKE_SOURCE_DIR}/rtl/lint/${top}.vlt)
  endif()
  verilate(cssim_rtl SYSTEMC TRACE_FST PREFIX V${top} TOP_MODULE ${top}
    DIRECTORY ${CMAKE_BINARY_DIR}/rtl/${top}
    SOURCES ${waivers} ${srcs}
    VERILATOR_ARGS -Wall
    # The generated C++ is large (MBs per block): -O1 (-O0 for the run-once code) instead of
    # the Release -O3 keeps the build of a fresh clone short.
    OPT_FAST -O1 OPT_SLOW -O0 OPT_GLOBAL -O1)
  # The block's Verilated headers (V<top>.h) only for its twin's source, the one file that
  # includes them: no other object's command line depends on which blocks are built.
  set_property(SOURCE ${CMAKE_SOURCE_DIR}/model/cosim/${top}_twin.cc APPEND PROPERTY
    INCLUDE_DIRECTORIES ${CMAKE_BINARY_DIR}/rtl/${top})
  list(APPEND CSSIM_RTL_TOPS ${top})
endforeach()
# verilate() adds each block's directory to cssim_rtl's PUBLIC include path: keep it for
# cssim_rtl's own sources and take it off the path of the targets that link cssim_rtl.
get_target_property(rtl_interface_dirs cssim_rtl INTERFACE_INCLUDE_DIRECTORIES)
if(rtl_interface_dirs)
  list(FILTER rtl_interface_dirs EXCLUDE REGEX "^${CMAKE_BINARY_DIR}/rtl/")
  set_target_properties(cssim_rtl PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${rtl_interface_dirs}")
endif()
# The registry of twins (model/cosim/factory.h), in the order of the .counters paths:
# twin_headers.h includes every block's twin and regression headers (declarations only, the same
# in every build of the tree); twin_list.inc has one row per block, CSSIM_TWIN(top, Camel) if this
# build Verilates it, else CSSIM_NO_TWIN(top, Camel). Only model/cosim/factory.cc and regress.cc
# (and the registry's unit test) read twin_list.inc, so no other object depends on which blocks
# are built. file(CONFIGURE) rewrites a file only when its text changes.
file(CONFIGURE OUTPUT ${CSSIM_GEN_DIR}/model/cosim/twin_headers.h CONTENT
"// Generated by cmake/rtl.cmake from rtl/*/*.counters: do not edit.
#pragma once

${twin_headers}" @ONLY)
file(CONFIGURE OUTPUT ${CSSIM_GEN_DIR}/model/cosim/twin_list.inc CONTENT
"// Generated by cmake/rtl.cmake from rtl/*/*.counters and CSSIM_RTL_ONLY: do not edit.
// One row per RTL block: CSSIM_TWIN(top, Camel) built, CSSIM_NO_TWIN(top, Camel) left out.
${twin_rows}" @ONLY)
# verilate() keeps these private; the twins' .cc files include the Verilated headers too.
target_compile_definitions(cssim_rtl INTERFACE VM_SC=1 VM_TRACE=1 VM_TRACE_FST=1 VM_TRACE_VCD=0
  VM_COVERAGE=0)
target_include_directories(cssim_rtl PUBLIC ${VERILATOR_ROOT}/include
  ${VERILATOR_ROOT}/include/vltstd ${CSSIM_GEN_DIR})
# Generated code: not ours to keep warning-free.
target_compile_options(cssim_rtl PRIVATE -w)
target_link_libraries(cssim_rtl PUBLIC PkgConfig::SystemC ZLIB::ZLIB Threads::Threads)
