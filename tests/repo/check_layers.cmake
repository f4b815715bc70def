# The SDK's folders form layers (docs/ARCHITECTURE.md): an #include may only reach a folder of a lower
# layer (or its own folder), so no include runs back up and no two folders include each other — a new
# cycle fails here. helpline-server may use only the SDK's named shared subset: base/, protocol/ and the
# FAQ engine's narrow header. Run: cmake -DSOURCE_DIR=<repo> -P tests/repo/check_layers.cmake
if(NOT SOURCE_DIR)
  message(FATAL_ERROR "pass -DSOURCE_DIR=<repository root>")
endif()

# folder -> layer. A folder not listed fails the check (add it with its layer).
set(LAYER_base 0)
set(LAYER_protocol 0)
set(LAYER_posix 1)
set(LAYER_linux 2)
set(LAYER_http_curl 2)
set(LAYER_items 2)
set(LAYER_faq/engine 2)
set(LAYER_store 3)
set(LAYER_sync 4)
set(LAYER_identity 5)
set(LAYER_device 5)
set(LAYER_tickets 6)
set(LAYER_faq 6)
set(LAYER_diagnostics 6)
set(LAYER_notices 6)
set(LAYER_surveys 6)
set(LAYER_privacy 6)
set(LAYER_core 7)
set(LAYER_capi 8)

# The folder a file or an include path belongs to ("faq/engine/x.hpp" -> faq/engine, "tickets/x.hpp" -> tickets).
function(folder_of path out)
  if(path MATCHES "^faq/engine/")
    set(${out} "faq/engine" PARENT_SCOPE)
  elseif(path MATCHES "^([A-Za-z_]+)/")
    set(${out} "${CMAKE_MATCH_1}" PARENT_SCOPE)
  else()
    set(${out} "" PARENT_SCOPE)
  endif()
endfunction()

set(errors "")
set(checked 0)
file(GLOB_RECURSE sdk_files RELATIVE ${SOURCE_DIR}/sdk ${SOURCE_DIR}/sdk/*.cpp ${SOURCE_DIR}/sdk/*.hpp)
file(GLOB_RECURSE platform_files RELATIVE ${SOURCE_DIR}/platform ${SOURCE_DIR}/platform/*.cpp
     ${SOURCE_DIR}/platform/*.hpp)
foreach(root sdk platform)
  foreach(rel IN LISTS ${root}_files)
    folder_of("${rel}" from)
    if(NOT DEFINED LAYER_${from})
      string(APPEND errors "  ${root}/${rel}: folder '${from}' has no layer in tests/repo/check_layers.cmake\n")
      continue()
    endif()
    file(STRINGS ${SOURCE_DIR}/${root}/${rel} includes REGEX "^#include \"[^\"]+\"")
    foreach(line IN LISTS includes)
      string(REGEX REPLACE "^#include \"([^\"]+)\".*" "\\1" target "${line}")
      folder_of("${target}" to)
      if(to STREQUAL "" OR to STREQUAL "helpline" OR to STREQUAL from)
        continue()  # the public header, or the same folder
      endif()
      math(EXPR checked "${checked} + 1")
      if(NOT DEFINED LAYER_${to})
        string(APPEND errors "  ${root}/${rel}: includes ${target} (folder '${to}' has no layer)\n")
      elseif(NOT LAYER_${to} LESS LAYER_${from})
        string(APPEND errors "  ${root}/${rel} (${from}, layer ${LAYER_${from}}) includes ${target} "
                             "(${to}, layer ${LAYER_${to}}): runs back up a layer\n")
      endif()
    endforeach()
  endforeach()
endforeach()

# helpline-server: its own folders, plus the SDK's shared subset only.
file(GLOB_RECURSE server_files RELATIVE ${SOURCE_DIR}/samples/server ${SOURCE_DIR}/samples/server/*.cpp
     ${SOURCE_DIR}/samples/server/*.hpp)
foreach(rel IN LISTS server_files)
  file(STRINGS ${SOURCE_DIR}/samples/server/${rel} includes REGEX "^#include \"[^\"]+\"")
  foreach(line IN LISTS includes)
    string(REGEX REPLACE "^#include \"([^\"]+)\".*" "\\1" target "${line}")
    if(EXISTS ${SOURCE_DIR}/samples/server/${target})
      continue()  # the server's own header
    endif()
    get_filename_component(dir ${SOURCE_DIR}/samples/server/${rel} DIRECTORY)
    if(EXISTS ${dir}/${target})
      continue()  # relative to the including file
    endif()
    math(EXPR checked "${checked} + 1")
    if(NOT (target MATCHES "^base/" OR target MATCHES "^protocol/" OR target STREQUAL "faq/engine/faq_engine.hpp"
            OR target MATCHES "^helpline/"))
      string(APPEND errors "  samples/server/${rel} includes ${target}: not in the SDK's shared subset "
                           "(base/, protocol/, faq/engine/faq_engine.hpp)\n")
    endif()
  endforeach()
endforeach()

if(errors)
  message(FATAL_ERROR "layer check failed:\n${errors}")
endif()
message(STATUS "layer check: ${checked} cross-folder includes, none runs back up a layer")
