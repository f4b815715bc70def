#pragma once
// Names no other test program running at the same time uses, for tests that share a server.

#include <unistd.h>

#include <atomic>
#include <string>

namespace helpline::testing {

/// A process-unique id with `prefix` (valid as device id, user id, client id: [A-Za-z0-9_-]).
inline std::string unique(const std::string &prefix) {
  static std::atomic<int> counter{0};
  return prefix + std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

}  // namespace helpline::testing
