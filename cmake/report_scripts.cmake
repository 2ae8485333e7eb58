# The report generator (tools/report/*.py) embedded in the cssim binary, so that `cssim report`
# works from any build or install directory: gen/tools/cssim/report_scripts.inc holds one
# {"<file name>", R"cssim_py(<text>)cssim_py"} row per script. Configure runs again when a
# script changes.
file(GLOB CSSIM_REPORT_SCRIPTS ${CMAKE_SOURCE_DIR}/tools/report/*.py)
list(SORT CSSIM_REPORT_SCRIPTS)
set(rows "")
foreach(script ${CSSIM_REPORT_SCRIPTS})
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${script})
  get_filename_component(name ${script} NAME)
  file(READ ${script} text)
  string(FIND "${text}" ")cssim_py\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${script} contains the raw-string delimiter )cssim_py\"")
  endif()
  string(APPEND rows "{\"${name}\", R\"cssim_py(${text})cssim_py\"},\n")
endforeach()
# The directory itself too: a new script re-runs the glob.
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tools/report)
# Written through a copy that changes only when the text does, so a configure rebuilds nothing.
file(WRITE ${CMAKE_BINARY_DIR}/gen/tools/cssim/report_scripts.inc.new "${rows}")
configure_file(${CMAKE_BINARY_DIR}/gen/tools/cssim/report_scripts.inc.new
               ${CMAKE_BINARY_DIR}/gen/tools/cssim/report_scripts.inc COPYONLY)
