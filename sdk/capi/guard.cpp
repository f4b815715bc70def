#include "capi/guard.hpp"

namespace helpline::detail {

helpline_status_t status_of_current_exception(const char *function) noexcept {
  try {
    throw;
  } catch (const Error &e) {
    set_last_error(e.what());
    return e.status();
  } catch (const std::bad_alloc &) {
    set_last_error(std::string(function) + ": out of memory");
    return HELPLINE_E_NO_MEMORY;
  } catch (const std::exception &e) {
    set_last_error(std::string(function) + ": internal error: " + e.what());
    return HELPLINE_E_INTERNAL;
  } catch (...) {
    set_last_error(std::string(function) + ": internal error");
    return HELPLINE_E_INTERNAL;
  }
}

}  // namespace helpline::detail
