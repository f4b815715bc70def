// extern "C" shims that need no instance: status names, version, memory, last error.
#include <cstdlib>

#include "capi/guard.hpp"

using namespace helpline::detail;

extern "C" {

const char *helpline_status_str(helpline_status_t s) {
  // Expanded from the one list in helpline.h, so a new code gets its name without an edit here.
  switch (s) {
#define HELPLINE_STATUS_NAME(name, value, message) \
  case name:                                       \
    return #name;
    HELPLINE_STATUS_MAP(HELPLINE_STATUS_NAME)
#undef HELPLINE_STATUS_NAME
    default:
      return "HELPLINE_E_UNKNOWN";
  }
}

uint32_t helpline_version(void) {
  return HELPLINE_VERSION_NUMBER;
}

const char *helpline_version_string(void) {
  return HELPLINE_VERSION_STRING;
}

void helpline_free(void *p) {
  std::free(p);
}

const char *helpline_last_error(const helpline_t *h) {
  (void)h;  // messages are per thread, so any handle (or none) sees the same one
  return last_error();
}

}  // extern "C"
