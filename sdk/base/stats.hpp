// Counters shared between the worker (writer) and host threads (readers of stats_json).
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

namespace helpline::detail {

struct SyncStats {
  std::atomic<int64_t> queued{0};           // rows in the outbox (committed)
  std::atomic<int64_t> queued_bytes{0};     // their payload bytes
  std::atomic<int64_t> evictable_bytes{0};  // bytes of rows that may be evicted
  std::atomic<int64_t> pending_commit{0};   // accepted, not yet committed
  std::atomic<int64_t> committed{0};        // rows committed since open
  std::atomic<int64_t> in_flight{0};
  std::atomic<int64_t> delivered{0};
  std::atomic<int64_t> retries{0};
  std::atomic<int64_t> dropped{0};
  std::atomic<int64_t> dead_lettered{0};
  std::atomic<int64_t> last_success_at{0};  // unix ms, 0 = never
  std::atomic<int64_t> polls{0};
  std::atomic<bool> online{true};

  void set_error(const std::string &e) {
    std::lock_guard<std::mutex> lock(mu_);
    last_error_ = e;
  }
  std::string error() const {
    std::lock_guard<std::mutex> lock(mu_);
    return last_error_;
  }

 private:
  mutable std::mutex mu_;
  std::string last_error_;
};

}  // namespace helpline::detail
