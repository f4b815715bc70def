# HELPLINE_SANITIZE: "" (none), "address" (ASan + UBSan) or "thread" (TSan).
# Applied globally so tests, the server and the library agree on the runtime.
set(HELPLINE_SANITIZE "" CACHE STRING "Sanitizer: address | thread | empty")
if(HELPLINE_SANITIZE STREQUAL "address")
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
elseif(HELPLINE_SANITIZE STREQUAL "thread")
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
elseif(NOT HELPLINE_SANITIZE STREQUAL "")
  message(FATAL_ERROR "HELPLINE_SANITIZE must be address, thread or empty")
endif()
