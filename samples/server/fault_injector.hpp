// Test-only fault injection: decides per request whether to fail, throttle, drop or delay it.
#pragma once
#include <chrono>
#include <cstdint>
#include <mutex>
#include <random>
#include <string>

namespace helpline::server {

struct FaultSettings {
  int fault_5xx_percent = 0;
  int fault_429_percent = 0;
  int drop_percent = 0;
  int delay_ms = 0;
  uint64_t seed = 0;
  std::string path_prefix;
};

enum class Fault { none, status_500, status_503, status_429, drop };

struct FaultDecision {
  Fault fault = Fault::none;
  int delay_ms = 0;
};

class FaultInjector {
 public:
  explicit FaultInjector(const FaultSettings &s);
  FaultDecision decide(const std::string &path);
  FaultSettings settings();
  void update(const FaultSettings &s, bool reseed);
  // Requests arriving before the returned time wait until then (test pause).
  std::chrono::steady_clock::time_point paused_until();
  int64_t pause(int ms);  // returns the pause end as Unix ms (0 when cleared)

 private:
  std::mutex mutex_;
  FaultSettings s_;
  std::mt19937_64 rng_;
  uint64_t draws_ = 0;
  std::chrono::steady_clock::time_point paused_until_{};
};

}  // namespace helpline::server
