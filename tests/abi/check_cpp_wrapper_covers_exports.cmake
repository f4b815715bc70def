# ctest -P script: every function of symbols.txt is reached from helpline.hpp (called, or handed
# over as a function pointer such as helpline_free to unique_ptr), so a C++ host gets the whole C
# interface through the wrapper and a new C function cannot be added without its wrapper.
#   -DWRAPPER=<helpline.hpp> -DEXPECTED=<symbols.txt>
cmake_policy(SET CMP0057 NEW)  # if(IN_LIST) in -P mode

# Deliberate exceptions, "symbol|reason" each. There are none: every symbol is wrapped, including
# helpline_free / helpline_options_free (owners' deleters), helpline_last_error and
# helpline_status_str (behind helpline::check and helpline::Error), and the callback-side
# functions (helpline_buffer_*, helpline_http_response_*) behind helpline::Buffer / HttpResponse.
# Add one only with the reason the wrapper must not offer the function.
set(not_wrapped "")

file(READ ${WRAPPER} text)
# Comments and string literals do not count: naming a function in either does not wrap it.
string(REGEX REPLACE "//[^\n]*" "" code "${text}")
string(REGEX REPLACE "/\\*([^*]|\\*+[^*/])*\\*+/" "" code "${code}")
string(REGEX REPLACE "\"([^\"\\\\\n]|\\\\.)*\"" "\"\"" code "${code}")

file(STRINGS ${EXPECTED} expected REGEX "^[^#]")
set(excused "")
set(problems "")
foreach(entry IN LISTS not_wrapped)
  string(REGEX MATCH "^[^|]+" sym "${entry}")
  list(APPEND excused "${sym}")
  if(NOT sym IN_LIST expected)
    string(APPEND problems "\n  ${sym}: listed as not wrapped, but it is not in symbols.txt")
  endif()
endforeach()

set(n_wrapped 0)
foreach(sym IN LISTS expected)
  if(code MATCHES "[^A-Za-z0-9_]${sym}[^A-Za-z0-9_]")
    math(EXPR n_wrapped "${n_wrapped} + 1")
    if(sym IN_LIST excused)
      string(APPEND problems "\n  ${sym}: wrapped now; remove it from not_wrapped in this script")
    endif()
  elseif(NOT sym IN_LIST excused)
    string(APPEND problems "\n  ${sym}: exported (symbols.txt) but not called from helpline.hpp")
  endif()
endforeach()

if(problems)
  message(FATAL_ERROR "helpline.hpp does not wrap the whole C interface:${problems}")
endif()
list(LENGTH expected n)
list(LENGTH excused n_excused)
message(STATUS "helpline.hpp wraps ${n_wrapped} of the ${n} exported functions (${n_excused} deliberate exceptions)")
