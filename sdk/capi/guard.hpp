// The C waist: every extern "C" function runs its body through guard(), which turns any
// exception into a status plus a per-thread message. Nothing ever unwinds into the host.
#pragma once

#include <cstddef>
#include <cstring>
#include <new>
#include <string>
#include <string_view>

#include "base/error.hpp"
#include "base/utf8.hpp"
#include "core/handle_registry.hpp"
#include "protocol/wire.hpp"

namespace helpline::detail {

// Turns the exception being handled into a status and a per-thread message. Out of line, so the
// catch clauses exist once instead of once per C function (that alone was ~30 KB of library).
helpline_status_t status_of_current_exception(const char *function) noexcept;

template <class Body>
helpline_status_t guard(const char *function, Body &&body) noexcept {
  try {
    return body();
  } catch (...) {
    return status_of_current_exception(function);
  }
}

inline void require(const void *p, const char *function, const char *name) {
  if (p == nullptr)
    throw Error(HELPLINE_E_INVALID_ARGUMENT, std::string(function) + ": " + name + " is NULL");
}

// Checks a string argument: not NULL, valid UTF-8, at most max_bytes, optionally non-empty.
inline std::string_view require_text(const char *s, const char *function, const char *name,
                                     std::size_t max_bytes, bool allow_empty = false) {
  require(s, function, name);
  std::string_view v(s, std::strlen(s));
  if (!allow_empty && v.empty()) {
    throw Error(HELPLINE_E_INVALID_ARGUMENT, std::string(function) + ": " + name + " is empty");
  }
  if (v.size() > max_bytes) {
    throw Error(HELPLINE_E_TOO_LARGE, std::string(function) + ": " + name + " is " +
                                          std::to_string(v.size()) + " bytes; the limit is " +
                                          std::to_string(max_bytes));
  }
  if (!is_valid_utf8(v)) {
    throw Error(HELPLINE_E_INVALID_UTF8, std::string(function) + ": " + name + " is not valid UTF-8");
  }
  return v;
}

// The live client behind a handle, or Error(HELPLINE_E_CLOSED / _INVALID_ARGUMENT).
inline std::shared_ptr<Client> require_client(const helpline_t *h, const char *function) {
  require(h, function, "h");
  auto client = HandleRegistry::find(h);
  if (!client || client->closing()) {
    throw Error(HELPLINE_E_CLOSED,
                std::string(function) + ": the instance is closed (or the handle is not valid)");
  }
  return client;
}

// Copies a string into memory the host frees with helpline_free().
inline char *copy_out(const std::string &s) {
  auto *p = static_cast<char *>(std::malloc(s.size() + 1));
  if (p == nullptr) throw std::bad_alloc();
  std::memcpy(p, s.data(), s.size());
  p[s.size()] = '\0';
  return p;
}

}  // namespace helpline::detail

// The shims use the wire limits unqualified (they are written with using namespace helpline::detail).
namespace wire = helpline::wire;
