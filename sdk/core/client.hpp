// One open SDK instance: the wiring. It owns the data_dir lock, the store, the worker, the
// transport and the sync pipeline (group commit -> outbox -> sender; poller for inbound), the
// item-kind registry every feature registers with, event delivery, and the principal stamping of
// accepted items; the features themselves live in their folders (tickets/, faq/, diagnostics/,
// notices/, surveys/, privacy/, device/, identity/). Host calls reach it through the handle
// registry, which hands out shared ownership so that close() on one thread never frees it under a
// call running on another. docs/ARCHITECTURE.md draws the layers and the path of one item.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/logger.hpp"
#include "base/options.hpp"
#include "base/stats.hpp"
#include "base/transport.hpp"
#include "base/worker.hpp"
#include "core/event_queue.hpp"
#include "device/device_context.hpp"
#include "device/device_registration.hpp"
#include "diagnostics/diagnostics.hpp"
#include "diagnostics/diagnostics_scheduler.hpp"
#include "faq/faq.hpp"
#include "identity/identity.hpp"
#include "items/instance.hpp"
#include "items/registry.hpp"
#include "notices/notices.hpp"
#include "posix/fs.hpp"
#include "privacy/privacy.hpp"
#include "store/group_commit.hpp"
#include "store/meta.hpp"
#include "store/outbox.hpp"
#include "store/read_connection.hpp"
#include "store/store.hpp"
#include "surveys/survey_prompts.hpp"
#include "sync/flush_waiters.hpp"
#include "sync/poller.hpp"
#include "sync/request_builder.hpp"
#include "sync/sender.hpp"
#include "sync/writes_in_flight.hpp"
#include "tickets/history.hpp"
#include "tickets/ticket_store.hpp"
#include "tickets/tickets.hpp"

namespace helpline::detail {

class Client final : public Instance {
 public:
  // Opens data_dir, its lock and store, then starts the worker. Throws Error.
  static std::shared_ptr<Client> open(Options options);
  ~Client();

  // helpline_flush; durable (helpline_flush_v2 HELPLINE_FLUSH_DURABLE): until what was accepted is on disk.
  helpline_status_t flush(uint32_t timeout_ms, bool durable = false);
  // Flushes up to timeout_ms, stops the worker, closes the store, releases the lock.
  helpline_status_t close(uint32_t timeout_ms);
  int dispatch(int max_events);
  std::string stats_json() const;

  // Instance: what the features use.
  void emit(helpline_event_type_t type, std::string json) override;
  using Instance::enqueue;
  void enqueue(std::vector<NewItem> items) override;
  void post(Worker::Task task, const char *caller) override;
  Worker &worker() noexcept override { return worker_; }
  std::string token() const override;
  CommitResult commit_now() override;
  void commit_durably(uint32_t timeout_ms, const char *caller) override;
  void outbox_changed() override;

  // Signs a user in or out: the principal later items are stamped with (host threads). Throw Error.
  void identify(const std::string &user_id, const std::string &token);
  void logout();
  void set_network_available(bool available);
  void sync_now();

  // The features, for the C interface (sdk/capi). Valid until close().
  Tickets &tickets() noexcept { return *tickets_; }
  Faq &faq() noexcept { return *faq_; }
  DiagnosticsScheduler &diagnostics() noexcept { return *scheduler_; }
  DeviceRegistration &device() noexcept { return *registration_; }
  Privacy &privacy() noexcept { return *privacy_; }
  std::string notices_json();
  void notice_mark(const std::string &id, helpline_notice_state_t state);

  bool is_worker_thread() const noexcept { return worker_.is_current_thread(); }
  // True on the worker, and on a host thread inside this instance's helpline_dispatch().
  bool in_own_callback() const noexcept;
  // No accepted item is waiting to be committed or delivered.
  bool nothing_queued() const noexcept;
  bool closing() const noexcept { return closing_.load(std::memory_order_acquire); }
  const Logger &logger() const noexcept { return logger_; }

 private:
  explicit Client(Options options);
  void build_features(const DeviceCredential &credential);
  void write_finished();
  void release_flushes();
  void wait_for_worker(uint32_t timeout_ms, bool durable, const char *call);
  void register_items();
  // Worker thread:
  void wake_at(int64_t wall_ms);
  void on_timer();
  void apply_identify(const change::Identify &c);  // inside the commit's transaction
  void apply_logout(const change::Logout &c);
  void after_principal_change();
  void after_erase();
  SyncHooks sync_hooks();

  Options options_;
  Logger logger_;
  std::unique_ptr<platform::FileLock> lock_;
  std::unique_ptr<Store> store_;
  int schema_version_ = 0;
  SyncStats stats_;
  EventQueue events_;
  ItemRegistry registry_;

  // Declared before the worker so that they outlive it.
  std::unique_ptr<Transport> transport_;
  std::unique_ptr<WorkerWaiter> waiter_;
  std::unique_ptr<Meta> meta_;
  std::unique_ptr<Outbox> outbox_;
  std::unique_ptr<GroupCommit> commit_;
  std::unique_ptr<ReadConnection> read_;
  std::unique_ptr<RequestBuilder> requests_;
  std::unique_ptr<Sender> sender_;
  std::unique_ptr<Poller> poller_;
  std::unique_ptr<TicketStore> ticket_store_;
  std::unique_ptr<Tickets> tickets_;
  std::unique_ptr<History> history_;
  std::unique_ptr<SurveyPrompts> prompts_;
  std::unique_ptr<Diagnostics> diagnostics_;
  std::unique_ptr<DiagnosticsScheduler> scheduler_;
  std::unique_ptr<NoticeStore> notices_;
  std::unique_ptr<NoticeView> notice_view_;  // under the read connection's lock
  std::unique_ptr<Faq> faq_;
  std::unique_ptr<DeviceRegistration> registration_;
  std::unique_ptr<Privacy> privacy_;
  Identity identity_;
  DeviceContext device_;
  std::mutex stamp_mu_;             // principal stamping + hand-off are one step (identify cannot interleave)
  bool principal_changed_ = false;  // worker thread only
  bool retry_now_ = false;          // worker thread only
  std::vector<std::string> identity_events_;  // worker thread only: emitted after the commit
  FlushWaiters flush_waiters_;                // worker thread only
  WritesInFlight writes_;                     // worker thread only
  int64_t next_wake_ms_ = INT64_MAX;          // worker thread only
  bool commit_retry_pending_ = false;         // worker thread only

  Worker worker_;
  std::atomic<bool> closing_{false};
  std::mutex close_mu_;
  bool closed_ = false;

  std::atomic<uint64_t> events_delivered_{0};
  std::atomic<uint64_t> events_without_callback_{0};
};

}  // namespace helpline::detail
