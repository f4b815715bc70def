#include "base/error.hpp"

namespace helpline::detail {
namespace {
thread_local std::string t_last_error;
}

void set_last_error(const std::string &message) noexcept {
  try {
    t_last_error = message;
  } catch (...) {
    t_last_error.clear();  // out of memory: an empty message beats a crash
  }
}

const char *last_error() noexcept {
  return t_last_error.c_str();
}

}  // namespace helpline::detail
