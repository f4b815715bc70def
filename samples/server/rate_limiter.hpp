// Token buckets per device (app + device id) and per client address (app + address). Thread-safe; stale
// buckets are pruned as the map grows.
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
  // The same for a client address (its own buckets: a device id never collides with an address).
  int acquire_address(const std::string &app, const std::string &address, double rate, double burst);
  void reset_app(const std::string &app);  // both kinds of bucket

 private:
  int take(const std::string &key, double rate, double burst);

  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point last;
  };
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace helpline::server
