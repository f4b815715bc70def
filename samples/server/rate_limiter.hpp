// Per-device token buckets (app + device id). Thread-safe; stale buckets are pruned as the map grows.
#pragma once
#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace helpline::server {

class RateLimiter {
 public:
  // Returns 0 when allowed, else seconds to wait (>= 1). rate <= 0 disables the limit.
  int acquire(const std::string &app, const std::string &device, double rate, double burst);
  void reset_app(const std::string &app);

 private:
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point last;
  };
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace helpline::server
