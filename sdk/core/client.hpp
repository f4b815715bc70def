// One open SDK instance: owns the data_dir lock, the store, the worker, the transport and the
// sync pipeline (group commit -> outbox -> sender; poller for inbound), and event delivery.
// Host calls reach it through the handle registry, which hands out shared ownership so that
// close() on one thread never frees it under a call running on another.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/device_context.hpp"
#include "diagnostics/diagnostics.hpp"
#include "faq/faq_catalog.hpp"
#include "faq/faq_search.hpp"
#include "faq/faq_sync.hpp"
#include "notices/notices.hpp"
#include "core/event_queue.hpp"
#include "core/identity.hpp"
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
#include "surveys/survey_prompts.hpp"
#include "sync/transport.hpp"
#include "tickets/history.hpp"
#include "tickets/ticket_store.hpp"
#include "tickets/ticket_view.hpp"

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

  // Hands items to the group commit (host thread; microseconds), stamped with the current
  // principal; several items stay adjacent in the order. Throws Error.
  void enqueue(NewItem item);
  void enqueue_all(std::vector<NewItem> items);

  // Tickets (host threads). Throw Error.
  std::string ticket_create(std::string_view subject, std::string_view body, const std::string &fields_json);
  std::string message_send(const std::string &ticket_id, std::string_view body);
  void ticket_mark_read(const std::string &ticket_id);
  void ticket_reopen(const std::string &ticket_id);
  std::string attachment_add(const std::string &ticket_id, const std::string &path, const std::string &mime);
  std::string tickets_json();
  std::string ticket_messages_json(const std::string &ticket_id);

  // Identity and device context (host threads). Throw Error.
  void identify(const std::string &user_id, const std::string &token);
  void logout();
  // Privacy (host threads). erase_all() waits for its own commit (docs/SECURITY.md). Throw Error.
  void erase_all();
  void export_request();
  void set_device_attribute(const std::string &key, const std::optional<std::string> &value);
  void set_network_available(bool available);
  void sync_now();
  void set_diagnostics_consent(bool granted);
  bool diagnostics_consent() const noexcept {
    return diagnostics_consent_.load() || !options_.diagnostics_consent_required;
  }

  // Diagnostics (host threads). Throw Error (HELPLINE_E_NO_CONSENT without consent).
  void diagnostics_send(const std::string &name, std::string_view attributes_json);
  void breadcrumb(int level, std::string_view category, std::string_view message);
  void metric(const std::string &name, double value, bool counter);
  void rules_load(const std::string &json);
  std::string notices_json();

  // FAQ (host threads): reads of the offline catalog; votes and deflections are queued.
  std::string faq_search(std::string_view query, std::string_view locale, int limit);
  std::string faq_sections(std::string_view locale);
  std::string faq_article(std::string_view id);
  void faq_vote(const std::string &id, bool helpful);
  std::string faq_suggest(std::string_view subject, std::string_view body);
  void notice_mark(const std::string &id, helpline_notice_state_t state);

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
  CommitResult commit_now();
  // Accepts the erase (a request for the server unless nothing was written since the last one)
  // and signs the user out. Returns true when the caller must post a commit.
  bool queue_erase(const char *origin, bool as_user);
  void after_erase();  // worker, after the commit that erased
  void scrub_store();  // worker: checkpoint and truncate the WAL after an erase
  void wake_at(int64_t wall_ms);
  void on_timer();
  void outbox_changed();
  void apply_local(const LocalChange &c);  // inside the commit's transaction
  void after_principal_change();
  void save_device_context();
  void register_device();
  void fetch_notices();  // worker: GET /v1/notices after the server took new device attributes
  // Worker: diagnostics produced by the SDK itself.
  void require_consent(const char *function) const;
  void enqueue_diagnostic(const DiagnosticSpec &spec);
  void on_heartbeat();
  void on_rules_due();
  void fire(const std::vector<Firing> &firings);
  bool handle_diagnostics_request(const rapidjson::Value &item);
  void answer_request(const std::string &id, const std::string &ticket_id, const std::string &request_json);
  bool handle_inbound(const rapidjson::Value &item);
  SyncHooks sync_hooks();
  // Runs fn with the ticket view on the read-only connection (opened on first use).
  template <class Fn>
  auto with_view(Fn &&fn);
  void require_ticket(const std::string &ticket_id, const char *function);
  void remember_ticket(const std::string &ticket_id);
  static constexpr std::size_t kKnownTicketsMax = 4096;
  std::mutex known_mu_;
  std::unordered_set<std::string> known_tickets_;

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
  std::unique_ptr<TicketStore> tickets_;
  std::unique_ptr<History> history_;
  std::unique_ptr<SurveyPrompts> prompts_;
  std::unique_ptr<Diagnostics> diagnostics_;
  std::unique_ptr<NoticeStore> notices_;
  std::unique_ptr<NoticeView> notice_view_;  // under read_mu_
  std::unique_ptr<FaqSearch> faq_search_;    // under read_mu_
  std::unique_ptr<FaqCatalog> faq_;
  std::unique_ptr<FaqSync> faq_sync_;
  // FAQ articles suggested while the user writes a ticket, reported with the ticket (or alone).
  struct Deflection {
    std::vector<std::string> article_ids;
    std::string query;
    int64_t at = 0;
  };
  std::mutex deflection_mu_;
  Deflection deflection_;
  void flush_deflection(int64_t older_than_ms);
  void on_deflection_timer();
  std::atomic<bool> deflection_timer_{false};
  std::atomic<int64_t> rules_due_at_{-1};     // the "for" deadline a timer is armed for
  std::vector<std::string> pending_requests_; // worker: diagnostics requests waiting for consent
  Identity identity_;
  DeviceContext device_;
  std::mutex stamp_mu_;  // principal stamping + hand-off are one step (identify cannot interleave)
  std::mutex read_mu_;
  SqliteDb read_db_;
  std::unique_ptr<TicketView> view_;
  bool principal_changed_ = false;  // worker thread only
  struct Erased {
    std::string request_id;
    std::string origin;
  };
  std::vector<Erased> erased_;  // worker thread only: erases applied in the running commit
  // Nothing was accepted since the last erase: erasing again has nothing to ask the server.
  std::atomic<bool> erase_clean_{false};
  bool retry_now_ = false;          // worker thread only
  std::vector<std::string> identity_events_;  // worker thread only: emitted after the commit
  bool device_save_pending_ = false;          // worker thread only
  bool device_in_flight_ = false;             // worker thread only
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
