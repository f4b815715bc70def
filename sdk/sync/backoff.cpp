#include "sync/backoff.hpp"

#include <algorithm>

namespace helpline::detail {

int64_t Backoff::ceiling() const noexcept {
  int64_t c = base_ms_;
  for (int i = 0; i < failures_ && c < cap_ms_; ++i) c *= 2;
  return std::min(c, cap_ms_);
}

int64_t Backoff::failure() {
  ++failures_;
  int64_t ceil = ceiling();
  std::uniform_int_distribution<int64_t> pick(0, ceil);
  return pick(rng_);
}

int64_t Backoff::retry_after(int64_t retry_after_ms) {
  ++failures_;
  return std::max<int64_t>(1, retry_after_ms);
}

int64_t Backoff::after_response(long status, long retry_after_s) {
  if ((status == 429 || status == 503) && retry_after_s >= 0) {
    return retry_after(std::max<int64_t>(1, retry_after_s) * 1000);
  }
  return failure();
}

}  // namespace helpline::detail
