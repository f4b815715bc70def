#include "base/ids.hpp"

#include <chrono>
#include <cstdint>

#include <unistd.h>

#include "base/random.hpp"

namespace helpline::detail {
namespace {

// Random bytes from a per-thread pool refilled 512 bytes at a time: one getrandom() per 32 ids
// instead of one per id (host calls create ids on their own thread, in microseconds). A forked
// child refills first, so it never repeats its parent's ids.
void pooled_random(unsigned char *out, std::size_t n) {
  thread_local unsigned char pool[512];
  thread_local std::size_t used = sizeof pool;
  thread_local pid_t owner = 0;
  if (used + n > sizeof pool || owner != ::getpid()) {
    platform::random_bytes(pool, sizeof pool);
    used = 0;
    owner = ::getpid();
  }
  for (std::size_t i = 0; i < n; ++i) out[i] = pool[used + i];
  used += n;
}

}  // namespace

std::string new_uuid_v7() {
  unsigned char b[16];
  pooled_random(b, sizeof b);
  auto ms = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                      std::chrono::system_clock::now().time_since_epoch())
                                      .count());
  for (int i = 0; i < 6; ++i) b[i] = static_cast<unsigned char>(ms >> (40 - 8 * i));
  b[6] = static_cast<unsigned char>(0x70 | (b[6] & 0x0F));  // version 7
  b[8] = static_cast<unsigned char>(0x80 | (b[8] & 0x3F));  // variant 10
  static const char hex[] = "0123456789abcdef";
  std::string s;
  s.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
    s.push_back(hex[b[i] >> 4]);
    s.push_back(hex[b[i] & 0x0F]);
  }
  return s;
}

std::string new_secret() {
  unsigned char b[32];
  platform::random_bytes(b, sizeof b);
  static const char hex[] = "0123456789abcdef";
  std::string s;
  s.reserve(64);
  for (unsigned char c : b) {
    s.push_back(hex[c >> 4]);
    s.push_back(hex[c & 0x0F]);
  }
  return s;
}

}  // namespace helpline::detail
