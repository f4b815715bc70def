#include "ids.hpp"

#include "crypto.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>

namespace helpline::server {

namespace {
std::atomic<int64_t> g_frozen_ms{0};
}  // namespace

void set_frozen_clock(int64_t ms) {
  g_frozen_ms.store(ms);
}

int64_t frozen_clock() {
  return g_frozen_ms.load();
}

int64_t now_ms() {
  if (int64_t f = g_frozen_ms.load(std::memory_order_relaxed)) return f;
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
