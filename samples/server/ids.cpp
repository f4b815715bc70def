#include "ids.hpp"

#include "crypto.hpp"

#include <chrono>
#include <cstdio>

namespace helpline::server {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string new_id(const char *prefix) {
  char ts[16];
  std::snprintf(ts, sizeof ts, "%012llx", static_cast<unsigned long long>(now_ms()) & 0xFFFFFFFFFFFFULL);
  return std::string(prefix) + ts + random_hex(6);
}

}  // namespace helpline::server
