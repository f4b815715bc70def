// One open SDK instance: owns the data_dir lock, the store, the worker, the transport and the
// sync pipeline (group commit -> outbox -> sender; poller for inbound), and event delivery.
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
#include "core/stats.hpp"
#include "core/worker.hpp"
#include "posix/fs.hpp"
#include "store/group_commit.hpp"
#include "store/meta.hpp"
#include "store/outbox.hpp"
#include "store/store.hpp"
#include "sync/flush_waiters.hpp"
#include "sync/poller.hpp"
#include "sync/request_builder.hpp"
#include "sync/sender.hpp"
#include "sync/transport.hpp"

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

  // Hands an item to the group commit (host thread; microseconds). Throws Error.
  void enqueue(NewItem item);
  void set_network_available(bool available);
  void sync_now();
  void set_diagnostics_consent(bool granted);
  bool diagnostics_consent() const noexcept { return diagnostics_consent_.load(); }

  bool is_worker_thread() const noexcept { return worker_.is_current_thread(); }
  // True on the worker, and on a host thread inside this instance's helpline_dispatch().
  bool in_own_callback() const noexcept;
  // No accepted item is waiting to be committed or delivered.
  bool nothing_queued() const noexcept;
  bool closing() const noexcept { return closing_.load(std::memory_order_acquire); }
  const Logger &logger() const noexcept { return logger_; }

  // Delivers an event according to the delivery mode (worker callback or dispatch queue).
  void emit(helpline_event_type_t type, std::string json);

 private:
  explicit Client(Options options);
  void post_or_throw(Worker::Task task, const char *what);
  // Worker thread:
  void commit_now();
  void wake_at(int64_t wall_ms);
  void on_timer();
  void outbox_changed();

  Options options_;
  Logger logger_;
  std::unique_ptr<platform::FileLock> lock_;
  std::unique_ptr<Store> store_;
  int schema_version_ = 0;
  SyncStats stats_;
  EventQueue events_;

  // Declared before the worker so that they outlive it.
  std::unique_ptr<Transport> transport_;
  std::unique_ptr<WorkerWaiter> waiter_;
  std::unique_ptr<Meta> meta_;
  std::unique_ptr<Outbox> outbox_;
  std::unique_ptr<GroupCommit> commit_;
  std::unique_ptr<RequestBuilder> requests_;
  std::unique_ptr<Sender> sender_;
  std::unique_ptr<Poller> poller_;
  FlushWaiters flush_waiters_;     // worker thread only
  int64_t next_wake_ms_ = INT64_MAX;  // worker thread only
  bool commit_retry_pending_ = false; // worker thread only

  Worker worker_;
  std::atomic<bool> closing_{false};
  std::atomic<bool> diagnostics_consent_{false};
  std::mutex close_mu_;
  bool closed_ = false;

  std::atomic<uint64_t> events_delivered_{0};
  std::atomic<uint64_t> events_without_callback_{0};
};

}  // namespace helpline::detail
