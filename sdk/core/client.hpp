// One open SDK instance: owns the data_dir lock, the store, the worker and event delivery.
// Host calls reach it through the handle registry, which hands out shared ownership so that
// close() on one thread never frees it under a call running on another.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "core/event_queue.hpp"
#include "core/logger.hpp"
#include "core/options.hpp"
#include "core/worker.hpp"
#include "posix/fs.hpp"
#include "store/store.hpp"

namespace helpline::detail {

class Client {
 public:
  // Opens data_dir, its lock and store, then starts the worker. Throws Error.
  static std::shared_ptr<Client> open(Options options);
  ~Client();

  helpline_status_t flush(uint32_t timeout_ms);
  // Flushes up to timeout_ms, stops the worker, closes the store, releases the lock.
  helpline_status_t close(uint32_t timeout_ms);
  int dispatch(int max_events);
  std::string stats_json() const;

  bool is_worker_thread() const noexcept { return worker_.is_current_thread(); }
  bool closing() const noexcept { return closing_.load(std::memory_order_acquire); }
  const Logger &logger() const noexcept { return logger_; }

  // Delivers an event according to the delivery mode (worker callback or dispatch queue).
  void emit(helpline_event_type_t type, std::string json);

 private:
  explicit Client(Options options);

  Options options_;
  Logger logger_;
  std::unique_ptr<platform::FileLock> lock_;
  std::unique_ptr<Store> store_;  // used on the worker thread once open
  int schema_version_ = 0;
  EventQueue events_;
  Worker worker_;
  std::atomic<bool> closing_{false};
  std::mutex close_mu_;
  bool closed_ = false;

  std::atomic<uint64_t> events_delivered_{0};
  std::atomic<uint64_t> events_without_callback_{0};
};

}  // namespace helpline::detail
