// Exponential backoff with full jitter (delay = uniform(0, min(cap, base * 2^failures))), and
// server-directed pauses (Retry-After) that override it.
#pragma once

#include <cstdint>
#include <random>

namespace helpline::detail {

class Backoff {
 public:
  Backoff(int64_t base_ms, int64_t cap_ms, uint64_t seed) : base_ms_(base_ms), cap_ms_(cap_ms), rng_(seed) {}

  // Records a failure; returns the delay before the next attempt.
  int64_t failure();
  // Records a failure the server asked to wait out: max(retry_after, jittered delay) is not
  // used — the server knows best, so exactly retry_after_ms (at least 1 ms).
  int64_t retry_after(int64_t retry_after_ms);
  // The delay after a failed HTTP exchange: what the server asked (429/503 with Retry-After,
  // seconds; -1 when absent), otherwise failure().
  int64_t after_response(long status, long retry_after_s);
  void success() noexcept { failures_ = 0; }
  void reset() noexcept { failures_ = 0; }
  int failures() const noexcept { return failures_; }
  // The ceiling of the next failure's delay (for tests and stats).
  int64_t ceiling() const noexcept;

 private:
  int64_t base_ms_;
  int64_t cap_ms_;
  int failures_ = 0;
  std::mt19937_64 rng_;
};

}  // namespace helpline::detail
