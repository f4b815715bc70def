#include "rate_limiter.hpp"

#include <cmath>

namespace helpline::server {

int RateLimiter::acquire(const std::string &app, const std::string &device, double rate, double burst) {
  if (rate <= 0) return 0;
  std::string key;
  key.reserve(app.size() + device.size() + 1);
  key.append(app).push_back('\n');
  key.append(device);
  return take(key, rate, burst);
}

int RateLimiter::acquire_address(const std::string &app, const std::string &address, double rate,
                                 double burst) {
  if (rate <= 0) return 0;
  // '@' is not a device id character: the two kinds of bucket never share a key.
  return take(app + "\n@" + address, rate, burst);
}

int RateLimiter::take(const std::string &key, double rate, double burst) {
  if (burst < 1) burst = 1;
  auto now = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> g(mutex_);
  if (buckets_.size() > 200000) {
    // Buckets idle long enough to be full again carry no state worth keeping.
    for (auto it = buckets_.begin(); it != buckets_.end();) {
      double idle = std::chrono::duration<double>(now - it->second.last).count();
      if (idle * rate >= burst)
        it = buckets_.erase(it);
      else
        ++it;
    }
  }
  auto it = buckets_.find(key);
  if (it == buckets_.end()) it = buckets_.emplace(key, Bucket{burst, now}).first;
  Bucket &b = it->second;
  double elapsed = std::chrono::duration<double>(now - b.last).count();
  b.tokens = std::min(burst, b.tokens + elapsed * rate);
  b.last = now;
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return 0;
  }
  double wait = (1.0 - b.tokens) / rate;
  int secs = static_cast<int>(std::ceil(wait));
  return secs < 1 ? 1 : secs;
}

void RateLimiter::reset_app(const std::string &app) {
  std::lock_guard<std::mutex> g(mutex_);
  std::string prefix = app + "\n";
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    if (it->first.compare(0, prefix.size(), prefix) == 0)
      it = buckets_.erase(it);
    else
      ++it;
  }
}

}  // namespace helpline::server
