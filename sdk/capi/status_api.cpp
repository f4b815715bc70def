// extern "C" shims that need no instance: status names, version, memory, last error.
#include <cstdlib>

#include "capi/guard.hpp"

using namespace helpline::detail;

extern "C" {

const char *helpline_status_str(helpline_status_t s) {
  switch (s) {
#define HELPLINE_NAME(code) \
  case code:                \
    return #code;
    HELPLINE_NAME(HELPLINE_OK)
    HELPLINE_NAME(HELPLINE_E_INVALID_ARGUMENT)
    HELPLINE_NAME(HELPLINE_E_INVALID_UTF8)
    HELPLINE_NAME(HELPLINE_E_TOO_LARGE)
    HELPLINE_NAME(HELPLINE_E_NO_MEMORY)
    HELPLINE_NAME(HELPLINE_E_IO)
    HELPLINE_NAME(HELPLINE_E_STORE)
    HELPLINE_NAME(HELPLINE_E_INCOMPATIBLE_STORE)
    HELPLINE_NAME(HELPLINE_E_LOCKED)
    HELPLINE_NAME(HELPLINE_E_CLOSED)
    HELPLINE_NAME(HELPLINE_E_TIMEOUT)
    HELPLINE_NAME(HELPLINE_E_NOT_FOUND)
    HELPLINE_NAME(HELPLINE_E_NETWORK)
    HELPLINE_NAME(HELPLINE_E_SERVER)
    HELPLINE_NAME(HELPLINE_E_DISK_FULL)
    HELPLINE_NAME(HELPLINE_E_NO_CONSENT)
    HELPLINE_NAME(HELPLINE_E_INVALID_STATE)
    HELPLINE_NAME(HELPLINE_E_INVALID_JSON)
    HELPLINE_NAME(HELPLINE_E_INTERNAL)
#undef HELPLINE_NAME
    default:
      return "HELPLINE_E_UNKNOWN";
  }
}

uint32_t helpline_version(void) { return HELPLINE_VERSION_NUMBER; }

const char *helpline_version_string(void) { return HELPLINE_VERSION_STRING; }

void helpline_free(void *p) { std::free(p); }

const char *helpline_last_error(const helpline_t *h) {
  (void)h;  // messages are per thread, so any handle (or none) sees the same one
  return last_error();
}

}  // extern "C"
