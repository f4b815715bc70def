#include "fault_injector.hpp"

#include "ids.hpp"

namespace helpline::server {

FaultInjector::FaultInjector(const FaultSettings &s)
    : s_(s), rng_(s.seed ? s.seed : std::random_device{}()) {}

FaultDecision FaultInjector::decide(const std::string &path) {
  std::lock_guard<std::mutex> g(mutex_);
  FaultDecision d;
  // The prefix limits every fault, the delay included (docs/protocol.md section 19).
  if (!s_.path_prefix.empty() && path.compare(0, s_.path_prefix.size(), s_.path_prefix) != 0) return d;
  d.delay_ms = s_.delay_ms;
  if (s_.fault_5xx_percent == 0 && s_.fault_429_percent == 0 && s_.drop_percent == 0) return d;
  int roll = static_cast<int>(rng_() % 100);
  if (roll < s_.fault_5xx_percent) {
    d.fault = (draws_++ % 2 == 0) ? Fault::status_500 : Fault::status_503;
  } else if (roll < s_.fault_5xx_percent + s_.fault_429_percent) {
    d.fault = Fault::status_429;
  } else if (roll < s_.fault_5xx_percent + s_.fault_429_percent + s_.drop_percent) {
    d.fault = Fault::drop;
  }
  return d;
}

FaultSettings FaultInjector::settings() {
  std::lock_guard<std::mutex> g(mutex_);
  return s_;
}

void FaultInjector::update(const FaultSettings &s, bool reseed) {
  std::lock_guard<std::mutex> g(mutex_);
  s_ = s;
  if (reseed) {
    rng_.seed(s.seed);
    draws_ = 0;
  }
}

std::chrono::steady_clock::time_point FaultInjector::paused_until() {
  std::lock_guard<std::mutex> g(mutex_);
  return paused_until_;
}

int64_t FaultInjector::pause(int ms) {
  std::lock_guard<std::mutex> g(mutex_);
  if (ms <= 0) {
    paused_until_ = {};
    return 0;
  }
  paused_until_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  return now_ms() + ms;
}

}  // namespace helpline::server
