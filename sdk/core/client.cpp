#include "core/client.hpp"

#include <future>

#include "base/clock.hpp"
#include "base/ids.hpp"
#include "base/json_writer.hpp"
#include "base/random.hpp"
#include "http_curl/curl_transport.hpp"
#include "identity/identity_items.hpp"
#include "surveys/survey.hpp"
#include "sync/host_transport.hpp"
#include "tickets/ticket_items.hpp"

namespace helpline::detail {
namespace {

constexpr int64_t kCommitRetryMs = 1000;

// The instance whose events this thread is delivering in helpline_dispatch(), if any: closing
// it from its own callback would pull the instance out from under the dispatch loop.
thread_local const Client *t_dispatching = nullptr;

// The worker sleeps inside the transport's poll, so network activity and new tasks both wake it.
class TransportWaiter : public WorkerWaiter {
 public:
  explicit TransportWaiter(Transport &t) : t_(t) {}
  void wait(int timeout_ms) override { t_.wait(timeout_ms); }
  void wakeup() override { t_.wakeup(); }

 private:
  Transport &t_;
};

}  // namespace

Client::Client(Options options)
    : options_(std::move(options)),
      logger_(options_.log_cb, options_.log_user, options_.log_level),
      events_(options_.event_queue_capacity) {}

Client::~Client() {
  // Normally close() already ran; this covers a failed open. The worker goes first so that it
  // never runs into members that are being destroyed.
  worker_.stop();
  if (transport_) transport_->abort_all();
}

std::shared_ptr<Client> Client::open(Options options) {
  if (options.data_dir.empty()) {
    throw Error(HELPLINE_E_INVALID_ARGUMENT,
                "helpline_open: data_dir is not set (helpline_options_set_data_dir)");
  }
  std::shared_ptr<Client> c(new Client(std::move(options)));
  const std::string &dir = c->options_.data_dir;
  platform::ensure_private_dir(dir);
  c->lock_ = std::make_unique<platform::FileLock>(dir + "/helpline.lock");
  StoreRecovery recovery;
  c->store_ = Store::open(dir, recovery);
  c->schema_version_ = c->store_->schema_version();
  sqlite3 *db = c->store_->db();

  c->meta_ = std::make_unique<Meta>(db);
  const DeviceCredential device = load_device_credential(*c->meta_);
  c->outbox_ = std::make_unique<Outbox>(db);
  c->commit_ = std::make_unique<GroupCommit>(db, *c->outbox_, c->stats_, c->options_.storage_limit);
  c->commit_->refresh_totals();
  c->identity_.load(db, *c->meta_);
  c->build_features(device);
  c->register_items();

  Client *self = c.get();
  c->waiter_ = std::make_unique<TransportWaiter>(*c->transport_);
  c->worker_.set_waiter(c->waiter_.get());
  c->worker_.set_error_handler([self](const std::string &what) {
    self->stats_.set_error(what);
    self->logger_.error("worker: " + what);
  });
  c->worker_.start("helpline-work");

  if (recovery.happened) {
    c->logger_.warn("store " + c->store_->path() + " was " + recovery.reason + "; moved aside to " +
                    recovery.moved_to + " and a new store was created");
    c->emit(
        HELPLINE_EVENT_STORE_RECOVERED,
        JsonObjectWriter().field("moved_to", recovery.moved_to).field("reason", recovery.reason).finish());
  }
  c->logger_.info("opened " + dir + " (schema " + std::to_string(c->schema_version_) + ", " +
                  std::to_string(c->stats_.queued.load()) + " queued)");
  c->emit(HELPLINE_EVENT_OPENED,
          JsonObjectWriter().field("data_dir", dir).field("schema_version", c->schema_version_).finish());
  c->post(
      [self] {
        self->commit_now();
        self->sender_->kick();
        self->poller_->poll_now();
        self->history_->kick();
        self->registration_->register_now();
        self->faq_->sync().sync_now();
        self->privacy_->scrub_store();
      },
      "helpline_open");
  return c;
}

// Builds the transport, the sync pipeline and the features, each given the shared pieces it uses.
void Client::build_features(const DeviceCredential &credential) {
  sqlite3 *db = store_->db();
  const std::string &dir = options_.data_dir;
  EmitFn emit = [this](helpline_event_type_t t, std::string j) { this->emit(t, std::move(j)); };
  auto token = [this] { return this->token(); };

  uint32_t long_poll = options_.long_poll_s;
  if (options_.transport_fn != nullptr) {
    transport_ = std::make_unique<HostTransport>(options_.transport_fn, options_.transport_user);
    long_poll = 0;  // a synchronous host transport would hold the worker for the whole wait
  } else {
    transport_ = std::make_unique<CurlTransport>(TlsOptions{options_.ca_file, options_.pinned_public_key});
  }
  requests_ = std::make_unique<RequestBuilder>(options_.endpoint, options_.app_key, credential);
  read_ = std::make_unique<ReadConnection>(store_->path(), [this] { return commit_->pending_local(); });
  read_->on_close([this] { notice_view_.reset(); });  // like every view: dropped before its connection

  diagnostics_ = std::make_unique<Diagnostics>(options_);
  // Read once here (/proc, /sys, statvfs: well under a millisecond) so that a diagnostic sent right after
  // helpline_open (a crash report from the last run) carries them; the worker refreshes them later.
  diagnostics_->refresh_facts(dir);
  notices_ = std::make_unique<NoticeStore>(db, device_, emit);
  writes_.on_finished([](void *self) { static_cast<Client *>(self)->write_finished(); }, this);
  registration_ = std::make_unique<DeviceRegistration>(
      device_, *meta_, *transport_, *requests_, writes_, stats_, logger_, *this,
      DeviceRegistration::Wiring{[this] { diagnostics_->rules().set_attributes(device_.flat()); },
                                 [this](const rapidjson::Value &items, int64_t asked_at) {
                                   notices_->reconcile(items, device_.flat(), asked_at);
                                 }});
  scheduler_ = std::make_unique<DiagnosticsScheduler>(options_, *diagnostics_, device_, *meta_, *outbox_, db,
                                                      stats_, logger_, *this);

  uint64_t seed = platform::random_u64();
  sender_ = std::make_unique<Sender>(db, *outbox_, *transport_, *requests_, writes_, stats_, logger_,
                                     sync_hooks(), registry_, seed, dir);
  InboundHooks inbound{[this] { return identity_.committed_user(); }, token,
                       [this] {
                         history_->kick();
                         registration_->register_now();
                       }};
  poller_ = std::make_unique<Poller>(db, *meta_, *transport_, *requests_, stats_, logger_, sync_hooks(),
                                     std::move(inbound), registry_, long_poll, seed ^ 0x5bd1e995u);
  prompts_ = std::make_unique<SurveyPrompts>(*meta_, identity_, emit, options_.survey_prompt_interval_s);
  faq_ = std::make_unique<Faq>(db, *read_, *this, logger_, [&](FaqCatalog &catalog) {
    return std::make_unique<FaqSync>(
        catalog, *transport_, *requests_, stats_, logger_, token, [this](int64_t at) { wake_at(at); },
        [this](std::string json) { this->emit(HELPLINE_EVENT_FAQ_UPDATED, std::move(json)); },
        seed ^ 0x27d4eb2du);
  });
  ticket_store_ = std::make_unique<TicketStore>(db, emit);
  history_ =
      std::make_unique<History>(db, *meta_, *ticket_store_, *transport_, *requests_, stats_, logger_, token);
  tickets_ = std::make_unique<Tickets>(
      *read_, dir, *this,
      Tickets::Wiring{
          [this] {
            std::string device = device_.json();
            // The latest diagnostics and breadcrumbs go with the ticket (with consent): same
            // object, more keys, within what the server takes for a ticket's "device".
            constexpr std::size_t kMaxTicketDevice = wire::limit::kTicketDeviceBytes - 256;
            std::string recent = device.size() < kMaxTicketDevice
                                     ? scheduler_->take_for_ticket(kMaxTicketDevice - device.size())
                                     : std::string();
            if (recent.size() > 2) device = device.substr(0, device.size() - 1) + "," + recent.substr(1);
            return device;
          },
          [this](const std::string &ticket_id) { return faq_->deflection().take_for_ticket(ticket_id); }});
  privacy_ =
      std::make_unique<Privacy>(db, *meta_, *commit_, identity_, *requests_, logger_, dir, *this,
                                Privacy::Wiring{stamp_mu_,
                                                [this] {
                                                  faq_->deflection().clear();
                                                  tickets_->forget_known();
                                                },
                                                [this] { after_erase(); },
                                                [this](const std::string &user_id) {
                                                  principal_changed_ = true;
                                                  if (user_id.empty()) return;
                                                  identity_events_.push_back(JsonObjectWriter()
                                                                                 .field("state", "logged_out")
                                                                                 .field("user_id", user_id)
                                                                                 .field("reason", "erased")
                                                                                 .finish());
                                                }});
  commit_->set_local_writer([this](const LocalChange &change) { registry_.apply_local(change); });
}

// Every feature's outbound kinds, local changes and inbound sync item types.
void Client::register_items() {
  register_ticket_items(registry_, *ticket_store_);
  register_identity_items(registry_, *this);
  // Signing in and out moves the principal everything else follows: applied here, in the core.
  registry_.add_local<change::Identify>(this, [](void *owner, const LocalChange &c) {
    owner_as<Client>(owner).apply_identify(std::get<change::Identify>(c));
  });
  registry_.add_local<change::Logout>(this, [](void *owner, const LocalChange &c) {
    owner_as<Client>(owner).apply_logout(std::get<change::Logout>(c));
  });
  register_survey_items(registry_, *prompts_);
  register_notice_items(registry_, *notices_);
  faq_->register_items(registry_);
  scheduler_->register_items(registry_);
  privacy_->register_items(registry_);
}

std::string Client::token() const {
  return identity_.token_for(identity_.committed_user());
}

void Client::post(Worker::Task task, const char *what) {
  if (!worker_.post(std::move(task))) {
    throw Error(closing() ? HELPLINE_E_CLOSED : HELPLINE_E_BUSY,
                std::string(what) + (closing() ? ": the instance is closing" : ": the worker queue is full"));
  }
}

void Client::emit(helpline_event_type_t type, std::string json) {
  if (options_.event_cb == nullptr) {
    events_without_callback_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (options_.delivery == HELPLINE_DELIVERY_DISPATCH) {
    events_.push(Event{type, std::move(json)});
    return;
  }
  bool queued = worker_.post([this, type, payload = std::move(json)] {
    options_.event_cb(options_.event_user, type, payload.c_str());
    events_delivered_.fetch_add(1, std::memory_order_relaxed);
  });
  if (!queued) logger_.warn("event " + std::to_string(type) + " not delivered: instance is closing");
}

void Client::enqueue(std::vector<NewItem> items) {
  if (closing()) throw Error(HELPLINE_E_CLOSED, "the instance is closed");
  bool post = false;
  {
    std::lock_guard<std::mutex> lock(stamp_mu_);
    const std::string user = identity_.current_user();
    privacy_->written();  // written since the last erase (or about to be)
    for (auto &item : items) {
      if (item.kind->stamped) item.principal = user;
      post = commit_->accept(std::move(item)) || post;
    }
  }
  if (post && !worker_.post_front([this] { commit_now(); })) {
    // The item is accepted (it is in the buffer): the next commit or close() writes it. Saying
    // otherwise would make the host retry and send it twice.
    logger_.warn("enqueue: worker queue full; the item waits for the next commit");
  }
}

SyncHooks Client::sync_hooks() {
  SyncHooks hooks;
  hooks.emit = [this](helpline_event_type_t t, std::string j) { emit(t, std::move(j)); };
  hooks.wake_at = [this](int64_t at) { wake_at(at); };
  hooks.outbox_changed = [this] { outbox_changed(); };
  hooks.token_for = [this](const std::string &principal) { return identity_.token_for(principal); };
  hooks.auth_rejected = [this](const std::string &principal, long status) {
    if (principal.empty()) return;  // the app key or device, not an identity: see CONNECTIVITY
    emit(HELPLINE_EVENT_IDENTITY, JsonObjectWriter()
                                      .field("state", "token_rejected")
                                      .field("user_id", principal)
                                      .field("http_status", static_cast<int64_t>(status))
                                      .finish());
  };
  return hooks;
}

void Client::apply_identify(const change::Identify &c) {
  const bool switched = identity_.committed_user() != c.user_id;
  // A new token for a user whose requests were refused: retry at once, not after the backoff.
  if (identity_.token_for(c.user_id) != c.token) retry_now_ = true;
  identity_.apply_identify(store_->db(), *meta_, c.user_id, c.token);
  if (switched) {
    meta_->set(History::kListPendingKey, "1");
    principal_changed_ = true;
    identity_events_.push_back(
        JsonObjectWriter().field("state", "identified").field("user_id", c.user_id).finish());
  }
}

void Client::apply_logout(const change::Logout &c) {
  ticket_store_->clear();
  meta_->set(History::kListPendingKey, "0");
  identity_.apply_logout(store_->db(), *meta_, *outbox_, c.user_id);
  principal_changed_ = true;
  identity_events_.push_back(
      JsonObjectWriter().field("state", "logged_out").field("user_id", c.user_id).finish());
}

void Client::after_principal_change() {
  for (auto &json : identity_events_) emit(HELPLINE_EVENT_IDENTITY, std::move(json));
  identity_events_.clear();
  if (retry_now_) {
    retry_now_ = false;
    sender_->set_online(stats_.online.load());
    poller_->set_online(stats_.online.load());
  }
  if (!principal_changed_) return;
  principal_changed_ = false;
  history_->restart();
  poller_->restart();
  history_->kick();
}

// Worker, after the commit that erased: what the wipe left in memory goes, the next poll starts from
// the beginning, and the device registers under its new id (its attributes are the host's settings, kept).
void Client::after_erase() {
  scheduler_->clear();
  poller_->forget_cursor();  // restarted with the principal change
  sender_->kick();  // the erase first: while it waits for the writes on the wire, the registration waits too
  registration_->register_now();
  outbox_changed();
}

std::string Client::notices_json() {
  return read_->with([this](sqlite3 *db, const Overlay &o) {
    if (!notice_view_) notice_view_ = std::make_unique<NoticeView>(db);
    return notice_view_->notices_json(o, now_ms());
  });
}

void Client::notice_mark(const std::string &id, helpline_notice_state_t state) {
  if (state != HELPLINE_NOTICE_SEEN && state != HELPLINE_NOTICE_DISMISSED) {
    throw Error(HELPLINE_E_INVALID_ARGUMENT,
                "helpline_notice_mark: state must be HELPLINE_NOTICE_SEEN or _DISMISSED");
  }
  bool known = read_->with([&](sqlite3 *db, const Overlay &) {
    if (!notice_view_) notice_view_ = std::make_unique<NoticeView>(db);
    return notice_view_->exists(id);
  });
  if (!known) throw Error(HELPLINE_E_NOT_FOUND, "helpline_notice_mark: no notice " + id);
  enqueue(make_notice_ack_item(id, state));
}

void Client::identify(const std::string &user_id, const std::string &token) {
  if (closing()) throw Error(HELPLINE_E_CLOSED, "the instance is closed");
  bool post = false;
  {
    std::lock_guard<std::mutex> lock(stamp_mu_);
    const std::string current = identity_.current_user();
    if (!current.empty() && current != user_id) {
      throw Error(HELPLINE_E_INVALID_ARGUMENT,
                  "helpline_identify: user " + current + " is signed in; call helpline_logout first");
    }
    NewItem item = make_identify_item(user_id, token);
    item.principal = user_id;
    post = commit_->accept(std::move(item));
    privacy_->written();
    identity_.set_current_user(user_id);
  }
  if (post) worker_.post_front([this] { commit_now(); });
}

void Client::logout() {
  if (closing()) throw Error(HELPLINE_E_CLOSED, "the instance is closed");
  bool post = false;
  {
    std::lock_guard<std::mutex> lock(stamp_mu_);
    if (identity_.current_user().empty()) return;  // nobody signed in: nothing to clear
    post = commit_->accept(make_logout_item(identity_.current_user()));
    tickets_->forget_known();
    identity_.set_current_user(std::string());
  }
  if (post) worker_.post_front([this] { commit_now(); });
}

CommitResult Client::commit_now() {
  CommitResult r = commit_->commit();
  while (r.ok && r.more) {
    CommitResult next = commit_->commit();
    next.committed += r.committed;
    next.evicted += r.evicted;
    r = next;
  }
  if (!r.ok) {
    stats_.set_error(r.error);
    logger_.error("commit failed, keeping " + std::to_string(commit_->pending()) +
                  " item(s) in memory: " + r.error);
    emit(HELPLINE_EVENT_STORE_ERROR, JsonObjectWriter()
                                         .field("status", helpline_status_str(r.status))
                                         .field("message", r.error)
                                         .field("pending", static_cast<uint64_t>(commit_->pending()))
                                         .finish());
    if (!commit_retry_pending_) {
      commit_retry_pending_ = true;
      worker_.post_at(Worker::Clock::now() + std::chrono::milliseconds(kCommitRetryMs), [this] {
        commit_retry_pending_ = false;
        commit_now();
      });
    }
    privacy_->commit_failed();  // rolled back: applied again by the retry
    return r;
  }
  privacy_->after_commit();
  after_principal_change();
  if (r.evicted > 0) {
    logger_.warn("storage limit: dropped " + std::to_string(r.evicted) + " low-priority item(s)");
    emit(HELPLINE_EVENT_DROPPED,
         JsonObjectWriter().field("dropped", r.evicted).field("reason", "storage_limit").finish());
  }
  if (r.committed > 0) sender_->kick();
  return r;
}

void Client::wake_at(int64_t wall_ms) {
  const int64_t now = now_ms();
  if (next_wake_ms_ > now && wall_ms >= next_wake_ms_) return;  // an earlier timer covers it
  next_wake_ms_ = wall_ms;
  worker_.post_at(Worker::Clock::now() + std::chrono::milliseconds(std::max<int64_t>(0, wall_ms - now)),
                  [this] { on_timer(); });
}

void Client::on_timer() {
  if (next_wake_ms_ <= now_ms()) next_wake_ms_ = INT64_MAX;
  sender_->kick();
  poller_->on_timer();
  faq_->sync().on_timer();
}

void Client::outbox_changed() {
  commit_->refresh_totals();
  identity_.forget_finished(store_->db(), *outbox_);
  // No checkpoint here: SQLite's automatic checkpoint (every 1000 WAL pages) and journal_size_limit
  // already bound the WAL, and an extra fsync on every drain would delay the next group commit.
  release_flushes();
}

// A device PUT on the wire holds every flush: its answer may start the next one (a context changed
// meanwhile), which the flush covers too.
void Client::release_flushes() {
  flush_waiters_.update(outbox_->min_id(), registration_->busy() ? 0 : writes_.oldest());
}

// Worker, after each write request finished: flushes waiting for it may be done, and an erase held until
// no write was on the wire goes now.
void Client::write_finished() {
  release_flushes();
  if (!writes_.idle()) return;
  sender_->kick();  // an erase that waited goes first
  registration_->register_now();
}

void Client::set_network_available(bool available) {
  // Applied at once, so nothing queued after this call can slip out before the worker sees it.
  stats_.online.store(available);
  post(
      [this, available] {
        sender_->set_online(available);
        poller_->set_online(available);
        if (available) {
          faq_->sync().sync_now();  // a sync skipped while offline (at open, say) happens now
          history_->kick();
          registration_->register_now();
        }
      },
      "helpline_set_network_available");
}

void Client::sync_now() {
  post(
      [this] {
        sender_->kick();
        poller_->poll_now();
        history_->kick();
      },
      "helpline_sync_now");
}

helpline_status_t Client::flush(uint32_t timeout_ms, bool durable) {
  const std::string call = durable ? "helpline_flush_v2" : "helpline_flush";
  if (closing()) throw Error(HELPLINE_E_CLOSED, call + ": the instance is closed");
  if (is_worker_thread()) {
    throw Error(HELPLINE_E_INVALID_STATE, call + ": must not be called from an event callback");
  }
  // A zero-timeout flush cannot wait for the worker; with nothing accepted undelivered it is done.
  if (durable ? stats_.pending_commit.load() == 0 : timeout_ms == 0 && nothing_queued()) return HELPLINE_OK;
  wait_for_worker(timeout_ms, durable, call.c_str());
  return HELPLINE_OK;
}

void Client::commit_durably(uint32_t timeout_ms, const char *caller) {
  wait_for_worker(timeout_ms, true, caller);
}

// Durable: until everything accepted before the call is committed (a task at the front of the worker's
// queue; run here on the worker). Else (helpline_flush) after every task posted before it: commit what was
// accepted, then wait until every row up to the newest one has left the outbox (delivered or dead-lettered)
// and every write request on the wire has finished.
void Client::wait_for_worker(uint32_t timeout_ms, bool durable, const char *call) {
  auto barrier = std::make_shared<std::promise<void>>();
  auto done = barrier->get_future();
  auto result = std::make_shared<CommitResult>();
  Worker::Task task = [this, barrier, result, durable] {
    *result = commit_now();
    if (durable) return barrier->set_value();
    registration_->flush();  // an attribute change still in its debounce window goes now
    int64_t target = -1;
    {
      Statement max_id(store_->db(), "SELECT max(id) FROM outbox");
      if (max_id.step() && sqlite3_column_type(max_id.get(), 0) != SQLITE_NULL)
        target = max_id.column_int64(0);
    }
    if (target < 0 && commit_->pending() == 0 && writes_.idle()) return barrier->set_value();
    flush_waiters_.add(target < 0 ? INT64_MAX : target, writes_.last_started(), barrier);
    if (commit_->pending() == 0) release_flushes();
    sender_->kick();
  };
  if (is_worker_thread()) {
    task();
  } else if (!durable) {
    post(std::move(task), call);
  } else if (!worker_.post_front(std::move(task))) {
    throw Error(HELPLINE_E_CLOSED, std::string(call) + ": the instance is closing; close commits it");
  }
  if (done.wait_for(std::chrono::milliseconds(timeout_ms)) != std::future_status::ready) {
    throw Error(
        HELPLINE_E_TIMEOUT,
        std::string(call) + (durable ? ": accepted, not yet on disk" : ": not delivered") + " in time");
  }
  if (durable && !result->ok) {
    throw Error(result->status, std::string(call) + ": accepted, kept in memory: " + result->error);
  }
}

bool Client::nothing_queued() const noexcept {
  return stats_.pending_commit.load() == 0 && stats_.queued.load() == 0;
}

bool Client::in_own_callback() const noexcept {
  return is_worker_thread() || t_dispatching == this;
}

helpline_status_t Client::close(uint32_t timeout_ms) {
  if (in_own_callback()) {
    throw Error(HELPLINE_E_INVALID_STATE, "helpline_close: must not be called from an event callback");
  }
  std::lock_guard<std::mutex> lock(close_mu_);
  if (closed_) throw Error(HELPLINE_E_CLOSED, "helpline_close: already closed");
  helpline_status_t result = HELPLINE_OK;
  try {
    faq_->deflection().flush(0);  // suggestions shown and no ticket followed: the FAQ answered
  } catch (const Error &) {
    // busy or disk full: a deflection report is not worth failing close for
  }
  try {
    flush(timeout_ms);
  } catch (const Error &e) {
    if (e.status() != HELPLINE_E_TIMEOUT) throw;
    result = HELPLINE_E_TIMEOUT;
    set_last_error("helpline_close: not everything was delivered within " + std::to_string(timeout_ms) +
                   " ms; the rest stays queued on disk for the next open");
    logger_.info("close: not everything was delivered in time; it stays queued on disk");
  }
  closing_.store(true, std::memory_order_release);
  read_->refuse();
  worker_.stop();
  transport_->abort_all();
  // The worker is gone: commit on this thread whatever was accepted and not yet written.
  CommitResult last = commit_->commit();
  while (last.ok && last.more) last = commit_->commit();
  if (!last.ok) {
    logger_.error("close: " + std::to_string(commit_->pending()) +
                  " accepted item(s) could not be written: " + last.error);
    set_last_error("helpline_close: accepted items could not be written: " + last.error);
    result = last.status;
  }
  read_->close();
  privacy_.reset();
  registration_.reset();
  history_.reset();
  poller_.reset();
  prompts_.reset();
  notices_.reset();
  faq_.reset();
  sender_.reset();
  commit_.reset();
  outbox_.reset();
  tickets_.reset();
  ticket_store_.reset();
  scheduler_.reset();
  meta_.reset();
  store_.reset();
  lock_.reset();
  closed_ = true;
  logger_.info("closed " + options_.data_dir);
  return result;
}

int Client::dispatch(int max_events) {
  if (options_.delivery != HELPLINE_DELIVERY_DISPATCH || options_.event_cb == nullptr) return 0;
  int delivered = 0;
  Event ev;
  struct Marker {  // restored even if a callback throws
    const Client *outer = t_dispatching;
    explicit Marker(const Client *self) { t_dispatching = self; }
    ~Marker() { t_dispatching = outer; }
  } marker(this);
  while ((max_events <= 0 || delivered < max_events) && events_.pop(ev)) {
    options_.event_cb(options_.event_user, ev.type, ev.json.c_str());
    events_delivered_.fetch_add(1, std::memory_order_relaxed);
    ++delivered;
  }
  return delivered;
}

std::string Client::stats_json() const {
  JsonObjectWriter w;
  std::string last_error = stats_.error();
  int64_t last_success = stats_.last_success_at.load();
  w.field("sdk_version", HELPLINE_VERSION_STRING)
      .field("data_dir", options_.data_dir)
      .field("schema_version", schema_version_)
      .field("outbox_depth", stats_.queued.load() + stats_.pending_commit.load())
      .field("queued_bytes", stats_.queued_bytes.load())
      .field("pending_commit", stats_.pending_commit.load())
      .field("committed", stats_.committed.load())
      .field("in_flight", stats_.in_flight.load())
      .field("delivered", stats_.delivered.load())
      .field("retries", stats_.retries.load())
      .field("dropped", stats_.dropped.load())
      .field("dead_lettered", stats_.dead_lettered.load())
      .field("polls", stats_.polls.load())
      .field("online", stats_.online.load())
      .field("events_pending", static_cast<uint64_t>(events_.pending()))
      .field("events_delivered", events_delivered_.load(std::memory_order_relaxed))
      .field("events_lost", events_.lost());
  if (last_error.empty()) {
    w.null_field("last_error");
  } else {
    w.field("last_error", last_error);
  }
  if (last_success == 0) {
    w.null_field("last_success_at");
  } else {
    w.field("last_success_at", last_success);
  }
  return w.finish();
}

}  // namespace helpline::detail
