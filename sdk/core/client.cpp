#include "core/client.hpp"

#include <future>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/utf8.hpp"
#include "json/batch_item.hpp"
#include "tickets/ticket_items.hpp"
#include "http_curl/curl_transport.hpp"
#include "json/json_writer.hpp"
#include "posix/random.hpp"
#include "privacy/local_erase.hpp"
#include "sync/host_transport.hpp"

namespace helpline::detail {
namespace {

constexpr const char *kDeviceIdKey = "device_id";
constexpr const char *kConsentKey = "consent_diagnostics";
constexpr const char *kDeviceAttributesKey = "device_attributes";
constexpr const char *kDeviceSentKey = "device_context_sent";
constexpr const char *kAttachmentsDir = "attachments";
constexpr const char *kScrubPendingKey = "erase_scrub_pending";
// Attribute changes within this window go to the server as one PUT /v1/device.
constexpr int64_t kDeviceDebounceMs = 200;
// Suggestions followed by a ticket within this window are reported with the ticket.
constexpr int64_t kDeflectionWindowMs = 30 * 60 * 1000;
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
    throw Error(HELPLINE_E_INVALID_ARGUMENT, "helpline_open: data_dir is not set (helpline_options_set_data_dir)");
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
  std::string device_id = c->meta_->get(kDeviceIdKey).value_or("");
  if (device_id.empty()) {
    device_id = new_uuid_v7();
    c->meta_->set(kDeviceIdKey, device_id);
  }
  c->diagnostics_consent_.store(c->meta_->get(kConsentKey).value_or("0") == "1");
  delete_erased_files(*c->meta_, dir);  // an erase interrupted between its commit and its file deletions
  c->outbox_ = std::make_unique<Outbox>(db);
  c->commit_ = std::make_unique<GroupCommit>(db, *c->outbox_, c->stats_, c->options_.storage_limit);
  c->commit_->refresh_totals();
  c->identity_.load(db, *c->meta_);
  c->device_.restore(c->meta_->get(kDeviceAttributesKey).value_or("{}"));
  Client *self = c.get();
  c->tickets_ = std::make_unique<TicketStore>(db, [self](helpline_event_type_t t, std::string j) {
    self->emit(t, std::move(j));
  });
  c->commit_->set_local_writer([self](const LocalChange &change) { self->apply_local(change); });
  c->diagnostics_ = std::make_unique<Diagnostics>(c->options_);
  // Read once here (/proc, /sys, statvfs: well under a millisecond) so that a diagnostic sent right after
  // helpline_open (a crash report from the last run) carries them; the worker refreshes them later.
  c->diagnostics_->refresh_facts(dir);
  c->diagnostics_->rules().set_attributes(c->device_.flat());
  for (const char *source : {"host", "server"}) {
    std::string saved = c->meta_->get(std::string("rules_") + source).value_or("");
    if (saved.empty()) continue;
    try {
      c->diagnostics_->rules().load(source, saved);
    } catch (const Error &e) {
      c->logger_.warn(std::string("saved rules not loaded: ") + e.what());
    }
  }
  c->faq_ = std::make_unique<FaqCatalog>(db);
  c->notices_ = std::make_unique<NoticeStore>(db, [self](helpline_event_type_t t, std::string j) {
    self->emit(t, std::move(j));
  });

  uint32_t long_poll = c->options_.long_poll_s;
  if (c->options_.transport_fn != nullptr) {
    c->transport_ = std::make_unique<HostTransport>(c->options_.transport_fn, c->options_.transport_user);
    long_poll = 0;  // a synchronous host transport would hold the worker for the whole wait
  } else {
    c->transport_ = std::make_unique<CurlTransport>(TlsOptions{c->options_.ca_file, c->options_.pinned_public_key});
  }
  c->requests_ = std::make_unique<RequestBuilder>(c->options_.endpoint, c->options_.app_key, device_id);
  uint64_t seed = platform::random_u64();
  c->sender_ = std::make_unique<Sender>(db, *c->outbox_, *c->transport_, *c->requests_, c->stats_, c->logger_,
                                        c->sync_hooks(), seed, dir);
  auto current_token = [self] { return self->identity_.token_for(self->identity_.committed_user()); };
  InboundHooks inbound{[self] { return self->identity_.committed_user(); }, current_token,
                       [self](const rapidjson::Value &item) { return self->handle_inbound(item); },
                       [self] {
                         self->history_->kick();
                         self->register_device();
                       }};
  c->poller_ = std::make_unique<Poller>(db, *c->meta_, *c->transport_, *c->requests_, c->stats_, c->logger_,
                                        c->sync_hooks(), std::move(inbound), long_poll, seed ^ 0x5bd1e995u);
  c->prompts_ = std::make_unique<SurveyPrompts>(
      *c->meta_, [self](helpline_event_type_t t, std::string j) { self->emit(t, std::move(j)); },
      c->options_.survey_prompt_interval_s);
  c->faq_sync_ = std::make_unique<FaqSync>(
      *c->faq_, *c->transport_, *c->requests_, c->stats_, c->logger_, current_token,
      [self](int64_t at) { self->wake_at(at); },
      [self](std::string json) { self->emit(HELPLINE_EVENT_FAQ_UPDATED, std::move(json)); }, seed ^ 0x27d4eb2du);
  c->history_ = std::make_unique<History>(db, *c->meta_, *c->tickets_, *c->transport_, *c->requests_, c->stats_, c->logger_,
                                          current_token);

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
    c->emit(HELPLINE_EVENT_STORE_RECOVERED,
            JsonObjectWriter().field("moved_to", recovery.moved_to).field("reason", recovery.reason).finish());
  }
  c->logger_.info("opened " + dir + " (schema " + std::to_string(c->schema_version_) + ", " +
                  std::to_string(c->stats_.queued.load()) + " queued)");
  c->emit(HELPLINE_EVENT_OPENED,
          JsonObjectWriter().field("data_dir", dir).field("schema_version", c->schema_version_).finish());
  c->post_or_throw(
      [self] {
        self->commit_now();
        self->sender_->kick();
        self->poller_->poll_now();
        self->history_->kick();
        self->register_device();
        self->faq_sync_->sync_now();
        self->scrub_store();
      },
      "helpline_open");
  return c;
}

void Client::post_or_throw(Worker::Task task, const char *what) {
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

void Client::enqueue(NewItem item) {
  std::vector<NewItem> items;
  items.push_back(std::move(item));
  enqueue_all(std::move(items));
}

void Client::enqueue_all(std::vector<NewItem> items) {
  if (closing()) throw Error(HELPLINE_E_CLOSED, "the instance is closed");
  bool post = false;
  {
    std::lock_guard<std::mutex> lock(stamp_mu_);
    const std::string user = identity_.current_user();
    erase_clean_.store(false, std::memory_order_relaxed);  // written since the last erase (or about to be)
    for (auto &item : items) {
      if (item.kind != "identify") item.principal = user;
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
  hooks.delivered = [this](const QueuedItem &item, const rapidjson::Value *body) {
    if (item.kind == "identify") {
      int64_t merged = body != nullptr && body->IsObject() && body->HasMember("merged_tickets") &&
                               (*body)["merged_tickets"].IsInt64()
                           ? (*body)["merged_tickets"].GetInt64()
                           : 0;
      emit(HELPLINE_EVENT_IDENTITY, JsonObjectWriter()
                                        .field("state", "merged")
                                        .field("user_id", item.principal)
                                        .field("merged_tickets", merged)
                                        .finish());
      return;
    }
    if (item.kind == "erase") {
      emit(HELPLINE_EVENT_ERASED,
           JsonObjectWriter().field("state", "server").field("request_id", item.idempotency_key).finish());
      return;
    }
    if (item.kind == "export") {
      const bool has = body != nullptr && body->IsObject() && body->HasMember("export");
      emit(HELPLINE_EVENT_EXPORT, "{\"request_id\":" + JsonOut().str(item.idempotency_key).take() +
                                      ",\"export\":" + (has ? to_json((*body)["export"]) : "null") + "}");
      return;
    }
    tickets_->delivered(item, body);
  };
  hooks.refused = [this](const QueuedItem &item, const std::string &error) { tickets_->failed(item, error); };
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

void Client::apply_local(const LocalChange &c) {
  switch (c.kind) {
    case LocalChange::Kind::kIdentify: {
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
      break;
    }
    case LocalChange::Kind::kLogout:
      tickets_->clear();
      meta_->set(History::kListPendingKey, "0");
      identity_.apply_logout(store_->db(), *meta_, *outbox_, c.user_id);
      principal_changed_ = true;
      identity_events_.push_back(JsonObjectWriter().field("state", "logged_out").field("user_id", c.user_id).finish());
      break;
    case LocalChange::Kind::kNoticeState:
      notices_->apply(c);
      break;
    case LocalChange::Kind::kErase: {
      const std::string signed_in = identity_.committed_user();
      erase_local_data(store_->db(), *meta_, c.request_id, options_.data_dir);
      identity_.apply_erase(store_->db());
      if (!signed_in.empty()) {
        identity_events_.push_back(JsonObjectWriter()
                                       .field("state", "logged_out")
                                       .field("user_id", signed_in)
                                       .field("reason", "erased")
                                       .finish());
      }
      principal_changed_ = true;
      erased_.push_back(Erased{c.request_id, c.origin});
      meta_->set(kScrubPendingKey, "1");
      break;
    }
    case LocalChange::Kind::kFaqVote:
      try {
        faq_->record_vote(c.article_id, c.helpful);
      } catch (const Error &e) {
        logger_.info(std::string("vote kept for the server only: ") + e.what());  // article gone meanwhile
      }
      break;
    default:
      tickets_->apply(c);
  }
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

template <class Fn>
auto Client::with_view(Fn &&fn) {
  std::lock_guard<std::mutex> lock(read_mu_);
  if (closing()) throw Error(HELPLINE_E_CLOSED, "the instance is closed");
  if (!view_) {
    sqlite3 *db = nullptr;
    int rc = sqlite3_open_v2(store_->path().c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
    SqliteDb owned(db);
    if (rc != SQLITE_OK) throw_sqlite(db, rc, "open read connection");
    sqlite3_busy_timeout(db, 1000);
    read_db_ = std::move(owned);
    view_ = std::make_unique<TicketView>(read_db_.get());
    notice_view_ = std::make_unique<NoticeView>(read_db_.get());
    faq_search_ = std::make_unique<FaqSearch>(read_db_.get());
  }
  return fn(*view_, commit_->pending_local());
}

void Client::require_ticket(const std::string &ticket_id, const char *function) {
  {
    // Tickets found once stay (until a logout): a conversation's messages skip the store read.
    std::lock_guard<std::mutex> lock(known_mu_);
    if (known_tickets_.count(ticket_id) != 0) return;
  }
  bool found = with_view([&](TicketView &v, const Overlay &o) { return v.exists(ticket_id, o); });
  if (!found) {
    throw Error(HELPLINE_E_NOT_FOUND, std::string(function) + ": no ticket " + ticket_id + " in the local view");
  }
  remember_ticket(ticket_id);
}

void Client::remember_ticket(const std::string &ticket_id) {
  std::lock_guard<std::mutex> lock(known_mu_);
  if (known_tickets_.size() >= kKnownTicketsMax) known_tickets_.clear();  // bounded; refilled on demand
  known_tickets_.insert(ticket_id);
}

std::string Client::ticket_create(std::string_view subject, std::string_view body, const std::string &fields_json) {
  std::string ticket_id = new_uuid_v7();
  std::string device = device_.json();
  // The latest diagnostics and breadcrumbs go with the ticket (with consent): same object, more keys.
  // The server takes a ticket's "device" object up to 16 KiB (docs/protocol.md section 7).
  constexpr std::size_t kMaxTicketDevice = 16 * 1024 - 256;
  std::string recent = diagnostics_consent() && device.size() < kMaxTicketDevice
                           ? diagnostics_->take_for_ticket(kMaxTicketDevice - device.size())
                           : std::string();
  if (recent.size() > 2) device = device.substr(0, device.size() - 1) + "," + recent.substr(1);
  std::vector<NewItem> items;
  items.push_back(make_ticket_item(ticket_id, new_uuid_v7(), subject, body, fields_json, device));
  {
    // What the FAQ suggested while the user wrote this ticket goes right after it.
    std::lock_guard<std::mutex> lock(deflection_mu_);
    if (!deflection_.article_ids.empty()) {
      items.push_back(make_deflection_item(deflection_.article_ids, deflection_.query, ticket_id));
      deflection_ = Deflection{};
    }
  }
  enqueue_all(std::move(items));
  remember_ticket(ticket_id);
  return ticket_id;
}

std::string Client::faq_search(std::string_view query, std::string_view locale, int limit) {
  return with_view([&](TicketView &, const Overlay &) { return faq_search_->search_json(query, locale, limit); });
}

std::string Client::faq_sections(std::string_view locale) {
  return with_view([&](TicketView &, const Overlay &) { return faq_search_->sections_json(locale); });
}

std::string Client::faq_article(std::string_view id) {
  return with_view([&](TicketView &, const Overlay &o) {
    // A vote accepted a moment ago is not in the store yet: read your own writes, as the ticket view does.
    std::optional<bool> pending;
    for (const auto &c : o)
      if (c->kind == LocalChange::Kind::kFaqVote && c->article_id == id) pending = c->helpful;
    return faq_search_->article_json(id, pending);
  });
}

void Client::faq_vote(const std::string &id, bool helpful) {
  faq_article(id);  // throws HELPLINE_E_NOT_FOUND for an article the catalog does not hold
  enqueue(make_faq_vote_item(id, helpful));
}

std::string Client::faq_suggest(std::string_view subject, std::string_view body) {
  std::string json = with_view(
      [&](TicketView &, const Overlay &) { return faq_search_->suggest_for_ticket_json(subject, body, 5); });
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  if (d.IsObject() && d.HasMember("hits") && d["hits"].IsArray() && !d["hits"].Empty()) {
    std::lock_guard<std::mutex> lock(deflection_mu_);
    for (const auto &hit : d["hits"].GetArray()) {
      if (!hit.HasMember("id") || !hit["id"].IsString()) continue;
      std::string id = hit["id"].GetString();
      auto &ids = deflection_.article_ids;
      if (ids.size() < 20 && std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
    }
    deflection_.query = std::string(utf8_head(subject.empty() ? body : subject, 500));
    deflection_.at = now_ms();
    if (!deflection_timer_.exchange(true)) {  // one timer, however many suggestions are typed
      post_or_throw(
          [this] {
            worker_.post_at(Worker::Clock::now() + std::chrono::milliseconds(kDeflectionWindowMs),
                            [this] { on_deflection_timer(); });
          },
          "helpline_faq_suggest_for_ticket");
    }
  }
  return json;
}

void Client::on_deflection_timer() {
  deflection_timer_.store(false);
  flush_deflection(kDeflectionWindowMs);
  std::lock_guard<std::mutex> lock(deflection_mu_);
  if (!deflection_.article_ids.empty() && !deflection_timer_.exchange(true)) {
    const int64_t left = std::max<int64_t>(0, deflection_.at + kDeflectionWindowMs - now_ms());
    worker_.post_at(Worker::Clock::now() + std::chrono::milliseconds(left), [this] { on_deflection_timer(); });
  }
}

void Client::flush_deflection(int64_t older_than_ms) {
  NewItem item;
  {
    std::lock_guard<std::mutex> lock(deflection_mu_);
    if (deflection_.article_ids.empty() || now_ms() - deflection_.at < older_than_ms) return;
    item = make_deflection_item(deflection_.article_ids, deflection_.query, std::string());
    deflection_ = Deflection{};
  }
  // No ticket followed the suggestions: the FAQ answered the user.
  enqueue(std::move(item));
}

void Client::require_consent(const char *function) const {
  if (!diagnostics_consent()) {
    throw Error(HELPLINE_E_NO_CONSENT, std::string(function) +
                                           ": no diagnostics consent (helpline_set_consent); the data was discarded");
  }
}

void Client::diagnostics_send(const std::string &name, std::string_view attributes_json) {
  require_consent("helpline_diagnostics_send");
  DiagnosticSpec spec;
  spec.name = name;
  if (!attributes_json.empty()) spec.attributes_json = diagnostics_->redact_attributes(attributes_json);
  auto item = diagnostics_->make_item(spec, device_.json());
  if (item) enqueue(std::move(*item));
}

void Client::breadcrumb(int level, std::string_view category, std::string_view message) {
  require_consent("helpline_breadcrumb");
  std::string_view cut = message.substr(0, Breadcrumbs::kMaxMessageBytes);
  while (!cut.empty() && cut.size() < message.size() && (static_cast<unsigned char>(message[cut.size()]) & 0xC0) == 0x80) {
    cut.remove_suffix(1);  // never cut inside a UTF-8 sequence
  }
  diagnostics_->breadcrumbs().add(level, diagnostics_->redact(category), diagnostics_->redact(cut), now_ms());
}

void Client::metric(const std::string &name, double value, bool counter) {
  require_consent(counter ? "helpline_metric_add" : "helpline_metric_set");
  Metrics &m = diagnostics_->metrics();
  bool first = counter ? m.add(name, value) : m.set(name, value);
  if (first) {
    post_or_throw(
        [this] {
          worker_.post_at(Worker::Clock::now() + std::chrono::seconds(options_.heartbeat_s), [this] { on_heartbeat(); });
        },
        "helpline_metric");
  }
  Rules &rules = diagnostics_->rules();
  std::vector<Firing> firings = rules.sample(name, value, counter, now_ms());
  if (!firings.empty()) post_or_throw([this, firings] { fire(firings); }, "helpline_metric");
  const int64_t due = rules.next_deadline();
  if (due > 0 && rules_due_at_.exchange(due) != due) {
    post_or_throw(
        [this, due] {
          worker_.post_at(Worker::Clock::now() + std::chrono::milliseconds(std::max<int64_t>(0, due - now_ms())),
                          [this] { on_rules_due(); });
        },
        "helpline_metric");
  }
}

void Client::rules_load(const std::string &json) {
  diagnostics_->rules().load("host", json);
  post_or_throw([this, json] { meta_->set("rules_host", json); }, "helpline_rules_load_json");
}

void Client::enqueue_diagnostic(const DiagnosticSpec &spec) {
  if (!diagnostics_consent()) return;
  try {
    auto item = diagnostics_->make_item(spec, device_.json());
    if (item) enqueue(std::move(*item));
  } catch (const Error &e) {
    logger_.warn(std::string("diagnostic not sent: ") + e.what());
  }
}

void Client::on_heartbeat() {
  std::string metrics = diagnostics_->metrics().take_heartbeat(now_ms());
  if (metrics.empty()) return;
  DiagnosticSpec spec;
  spec.kind = "metric";
  spec.name = "heartbeat";
  spec.extra_key = "metrics";
  spec.extra_json = metrics;
  diagnostics_->refresh_facts(options_.data_dir);
  enqueue_diagnostic(spec);
}

void Client::on_rules_due() {
  rules_due_at_.store(-1);
  Rules &rules = diagnostics_->rules();
  fire(rules.tick(now_ms()));
  const int64_t due = rules.next_deadline();
  if (due > 0 && rules_due_at_.exchange(due) != due) {
    worker_.post_at(Worker::Clock::now() + std::chrono::milliseconds(std::max<int64_t>(0, due - now_ms())),
                    [this] { on_rules_due(); });
  }
}

void Client::fire(const std::vector<Firing> &firings) {
  if (firings.empty()) return;
  diagnostics_->refresh_facts(options_.data_dir);
  for (const auto &f : firings) {
    JsonOut rule;
    rule.begin_object().field("rule_id", f.rule_id).field("kind", f.kind).field("metric", f.metric);
    rule.field("op", f.op).key("threshold").number(f.threshold).key("value").number(f.value);
    rule.end_object();
    std::string rule_json = rule.take();
    DiagnosticSpec spec;
    spec.name = f.kind;
    spec.level = "warning";
    spec.message = "rule " + f.rule_id + ": " + f.metric + " " + f.op + " " + std::to_string(f.threshold);
    spec.extra_key = "rule";
    spec.extra_json = rule_json;
    enqueue_diagnostic(spec);
    emit(HELPLINE_EVENT_RULE_FIRED, rule_json);
  }
}

bool Client::handle_inbound(const rapidjson::Value &item) {
  if (tickets_->handle_sync_item(item)) return true;
  if (prompts_->handle_sync_item(item, identity_.committed_user())) return true;
  if (notices_->handle_sync_item(item, device_.flat())) return true;
  if (handle_diagnostics_request(item)) return true;
  const char *type = item["type"].GetString();
  if (std::string(type) == "erase") {
    // The user was erased on the server (from another device or by an agent): wipe this copy too,
    // and ask the server to drop what this device id still has there (as the device, not the user).
    logger_.info("the server erased this user: erasing local data");
    if (queue_erase("server", false)) worker_.post_front([this] { commit_now(); });
    return true;
  }
  if (std::string(type) == "faq_changed") {
    faq_sync_->sync_now();
    return true;
  }
  if (std::string(type) == "rules" && item.HasMember("data") && item["data"].IsObject()) {
    std::string json = to_json(item["data"]);
    try {
      diagnostics_->rules().load("server", json);
      meta_->set("rules_server", json);
    } catch (const Error &e) {
      logger_.warn(std::string("rules from the server refused, previous rules kept: ") + e.what());
    }
    return true;
  }
  return false;
}

bool Client::handle_diagnostics_request(const rapidjson::Value &item) {
  if (std::string(item["type"].GetString()) != "diagnostics_request") return false;
  if (!item.HasMember("data") || !item["data"].IsObject()) return true;
  const rapidjson::Value &data = item["data"];
  std::string id = data.HasMember("id") && data["id"].IsString() ? data["id"].GetString() : "";
  std::string ticket = data.HasMember("ticket_id") && data["ticket_id"].IsString() ? data["ticket_id"].GetString() : "";
  if (id.empty()) return true;
  std::string request = to_json(data);
  if (diagnostics_consent()) {
    answer_request(id, ticket, request);
  } else {
    if (pending_requests_.size() < 16) pending_requests_.push_back(request);
    emit(HELPLINE_EVENT_DIAGNOSTICS_REQUEST, request.substr(0, request.size() - 1) + ",\"answered\":false}");
  }
  return true;
}

void Client::answer_request(const std::string &id, const std::string &ticket_id, const std::string &request_json) {
  diagnostics_->refresh_facts(options_.data_dir);
  DiagnosticSpec spec;
  spec.kind = "snapshot";
  spec.name = "diagnostics_request";
  spec.request_id = id;
  (void)ticket_id;  // the request already names its ticket on the server
  std::string logs = diagnostics_->host_logs();
  if (!logs.empty()) {
    JsonOut l;
    l.str(logs);
    spec.extra_key = "logs";
    spec.extra_json = l.take();
  }
  enqueue_diagnostic(spec);
  emit(HELPLINE_EVENT_DIAGNOSTICS_REQUEST, request_json.substr(0, request_json.size() - 1) + ",\"answered\":true}");
}

std::string Client::notices_json() {
  return with_view([this](TicketView &, const Overlay &o) { return notice_view_->notices_json(o, now_ms()); });
}

void Client::notice_mark(const std::string &id, helpline_notice_state_t state) {
  if (state != HELPLINE_NOTICE_SEEN && state != HELPLINE_NOTICE_DISMISSED) {
    throw Error(HELPLINE_E_INVALID_ARGUMENT, "helpline_notice_mark: state must be HELPLINE_NOTICE_SEEN or _DISMISSED");
  }
  bool known = with_view([&](TicketView &, const Overlay &) { return notice_view_->exists(id); });
  if (!known) throw Error(HELPLINE_E_NOT_FOUND, "helpline_notice_mark: no notice " + id);
  auto change = std::make_shared<LocalChange>();
  change->kind = LocalChange::Kind::kNoticeState;
  change->notice_id = id;
  change->notice_state = state == HELPLINE_NOTICE_SEEN ? "seen" : "dismissed";
  change->at = now_ms();
  NewItem item{Channel::kBatch, "notice_ack", kPriorityControl, {}, {}, now_ms(), {}, change};
  if (state == HELPLINE_NOTICE_DISMISSED) {
    item.idempotency_key = new_uuid_v7();
    item.payload = batch_item_json(item.idempotency_key, "POST", "/v1/notices/" + percent_encode(id) + "/ack", "{}");
  }
  enqueue(std::move(item));
}

std::string Client::message_send(const std::string &ticket_id, std::string_view body) {
  require_ticket(ticket_id, "helpline_message_send");
  std::string message_id = new_uuid_v7();
  enqueue(make_message_item(ticket_id, message_id, body));
  return message_id;
}

void Client::ticket_mark_read(const std::string &ticket_id) {
  require_ticket(ticket_id, "helpline_ticket_mark_read");
  enqueue(make_mark_read_item(ticket_id));
}

void Client::ticket_reopen(const std::string &ticket_id) {
  require_ticket(ticket_id, "helpline_ticket_reopen");
  enqueue(make_reopen_item(ticket_id));
}

std::string Client::attachment_add(const std::string &ticket_id, const std::string &path, const std::string &mime) {
  require_ticket(ticket_id, "helpline_attachment_add");
  AttachmentFile f;
  f.id = new_uuid_v7();
  f.ticket_id = ticket_id;
  f.message_id = new_uuid_v7();
  auto slash = path.find_last_of('/');
  f.filename = slash == std::string::npos ? path : path.substr(slash + 1);
  if (f.filename.empty()) f.filename = "attachment";
  f.content_type = mime.empty() ? "application/octet-stream" : mime;
  f.stored_path = std::string(kAttachmentsDir) + "/" + f.id;
  const std::string dir = options_.data_dir + "/" + kAttachmentsDir;
  platform::ensure_private_dir(dir);
  const std::string copy = options_.data_dir + "/" + f.stored_path;
  f.size = platform::copy_file_private(path, copy, HELPLINE_MAX_ATTACHMENT_BYTES);
  std::vector<NewItem> items;
  items.push_back(make_upload_item(f));
  items.push_back(make_attachment_message_item(f));
  try {
    enqueue_all(std::move(items));
  } catch (...) {
    platform::remove_file(copy);
    throw;
  }
  return f.id;
}

std::string Client::tickets_json() {
  return with_view([](TicketView &v, const Overlay &o) { return v.tickets_json(o); });
}

std::string Client::ticket_messages_json(const std::string &ticket_id) {
  return with_view([&](TicketView &v, const Overlay &o) { return v.messages_json(ticket_id, o); });
}

void Client::identify(const std::string &user_id, const std::string &token) {
  if (closing()) throw Error(HELPLINE_E_CLOSED, "the instance is closed");
  bool post = false;
  {
    std::lock_guard<std::mutex> lock(stamp_mu_);
    const std::string current = identity_.current_user();
    if (!current.empty() && current != user_id) {
      throw Error(HELPLINE_E_INVALID_ARGUMENT, "helpline_identify: user " + current +
                                                   " is signed in; call helpline_logout first");
    }
    NewItem item = make_identify_item(user_id, token);
    item.principal = user_id;
    post = commit_->accept(std::move(item));
    erase_clean_.store(false, std::memory_order_relaxed);
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
    std::lock_guard<std::mutex> known(known_mu_);
    known_tickets_.clear();
    identity_.set_current_user(std::string());
  }
  if (post) worker_.post_front([this] { commit_now(); });
}

bool Client::queue_erase(const char *origin, bool as_user) {
  auto change = std::make_shared<LocalChange>();
  change->kind = LocalChange::Kind::kErase;
  change->origin = origin;
  change->at = now_ms();
  {
    std::lock_guard<std::mutex> lock(deflection_mu_);
    deflection_ = Deflection{};
  }
  std::lock_guard<std::mutex> lock(stamp_mu_);
  const std::string user = as_user ? identity_.current_user() : std::string();
  NewItem item{Channel::kBatch, "erase", kPriorityControl, {}, {}, now_ms(), user, nullptr};
  // The payload (with the device id being retired) is written by the commit: privacy/local_erase.cpp.
  if (!(erase_clean_.load() && identity_.current_user().empty())) {
    item.idempotency_key = new_uuid_v7();
    item.payload = batch_item_json(item.idempotency_key, "POST", "/v1/me/erase", "{}");
  }
  change->request_id = item.idempotency_key;
  change->user_id = user;
  item.local = std::move(change);
  const bool post = commit_->accept(std::move(item));
  identity_.set_current_user(std::string());
  erase_clean_.store(true);
  std::lock_guard<std::mutex> known(known_mu_);
  known_tickets_.clear();
  return post;
}

void Client::erase_all() {
  if (closing()) throw Error(HELPLINE_E_CLOSED, "the instance is closed");
  (void)queue_erase("app", true);  // the commit is posted below, and waited for
  // Durable before returning: the one host call that waits for its fsync (docs/SECURITY.md).
  auto result = std::make_shared<CommitResult>();
  if (is_worker_thread()) {
    *result = commit_now();
  } else {
    auto barrier = std::make_shared<std::promise<void>>();
    auto done = barrier->get_future();
    if (!worker_.post_front([this, barrier, result] {
          *result = commit_now();
          barrier->set_value();
        })) {
      throw Error(HELPLINE_E_CLOSED, "helpline_erase_all: the instance is closing; close writes the erase");
    }
    if (done.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
      throw Error(HELPLINE_E_TIMEOUT, "helpline_erase_all: accepted, not yet on disk after 10 s");
    }
  }
  if (!result->ok) throw Error(result->status, "helpline_erase_all: accepted, kept in memory: " + result->error);
}

void Client::export_request() {
  NewItem item{Channel::kBatch, "export", kPriorityControl, new_uuid_v7(), {}, now_ms(), {}, nullptr};
  item.payload = batch_item_json(item.idempotency_key, "POST", "/v1/me/export", "{}");
  enqueue(std::move(item));
}

void Client::after_erase() {
  if (erased_.empty()) return;
  std::vector<Erased> done;
  done.swap(erased_);
  delete_erased_files(*meta_, options_.data_dir);
  requests_->set_device_id(meta_->get(kDeviceIdKey).value_or(requests_->device_id()));
  worker_.post([this] { scrub_store(); });  // after helpline_erase_all() returned
  diagnostics_->clear();
  pending_requests_.clear();
  poller_->forget_cursor();  // restarted with the principal change below
  register_device();  // as the new device id (device attributes are the host's settings, kept)
  outbox_changed();
  for (const auto &e : done) {
    JsonObjectWriter w;
    w.field("state", "local").field("origin", e.origin);
    if (e.request_id.empty()) {
      w.null_field("request_id");
    } else {
      w.field("request_id", e.request_id);
    }
    emit(HELPLINE_EVENT_ERASED, w.finish());
  }
}

// The pages as they were before an erase stay in the WAL (and the store file keeps its old pages) until a
// checkpoint: it runs right after the erase, off the caller's thread, and at the next open if it was cut short.
void Client::scrub_store() {
  if (!meta_->get(kScrubPendingKey)) return;
  sqlite3 *db = store_->db();
  int rc = sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
  if (rc != SQLITE_OK) {
    logger_.warn("erase: WAL checkpoint incomplete (" + std::string(sqlite3_errstr(rc)) +
                 "); retried at the next open");
    return;
  }
  meta_->remove(kScrubPendingKey);
}

void Client::set_device_attribute(const std::string &key, const std::optional<std::string> &value) {
  device_.set(key, value);
  diagnostics_->rules().set_attributes(device_.flat());
  post_or_throw(
      [this] {
        if (device_save_pending_) return;
        device_save_pending_ = true;
        worker_.post_at(Worker::Clock::now() + std::chrono::milliseconds(kDeviceDebounceMs),
                        [this] { save_device_context(); });
      },
      "helpline_set_device_attribute");
}

void Client::save_device_context() {
  device_save_pending_ = false;
  meta_->set(kDeviceAttributesKey, device_.attributes_json());
  register_device();
}

// The device context is state, not an event: the newest one replaces the last (PUT), so it is
// sent directly whenever it differs from what the server last acknowledged, not queued.
void Client::register_device() {
  if (device_in_flight_ || !stats_.online.load() || !requests_->configured()) return;
  std::string context = device_.json();
  if (meta_->get(kDeviceSentKey).value_or("") == context) return;
  device_in_flight_ = true;
  HttpRequest r = requests_->post_json("/v1/device", context, 30000,
                                       identity_.token_for(identity_.committed_user()));
  r.method = "PUT";
  transport_->start(std::move(r), [this, context, sent_as = requests_->device_id()](HttpResponse response) {
    device_in_flight_ = false;
    if (sent_as != requests_->device_id()) {  // sent as a device id an erase retired meanwhile
      register_device();
      return;
    }
    if (response.status == 200) {
      meta_->set(kDeviceSentKey, context);
      // Notices are targeted when they are published: ones that match this device only now (new model,
      // firmware updated into a range) come from the authoritative list, not from /v1/sync.
      fetch_notices();
      register_device();  // changed again meanwhile?
    } else {
      logger_.info("PUT /v1/device: " + (response.status == 0 ? response.error : "HTTP " + std::to_string(response.status)) +
                   "; sent again with the next sync");
    }
  });
}

void Client::fetch_notices() {
  if (!stats_.online.load() || !requests_->configured()) return;
  const int64_t asked_at = now_ms();
  transport_->start(requests_->get("/v1/notices", 30000, identity_.token_for(identity_.committed_user())),
                    [this, asked_at](HttpResponse response) {
                      if (response.status != 200 || !notices_) return;
                      rapidjson::Document d;
                      d.Parse(response.body.data(), response.body.size());
                      if (d.HasParseError() || !d.IsObject() || !d.HasMember("items")) return;
                      notices_->reconcile(d["items"], device_.flat(), asked_at);
                    });
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
    logger_.error("commit failed, keeping " + std::to_string(commit_->pending()) + " item(s) in memory: " + r.error);
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
    erased_.clear();  // rolled back: applied again by the retry
    return r;
  }
  after_erase();
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
  faq_sync_->on_timer();
}

void Client::outbox_changed() {
  commit_->refresh_totals();
  identity_.forget_finished(store_->db(), *outbox_);
  int64_t min_id = outbox_->min_id();
  // No checkpoint here: SQLite's automatic checkpoint (every 1000 WAL pages) and journal_size_limit
  // already bound the WAL, and an extra fsync on every drain would delay the next group commit.
  flush_waiters_.update(min_id);
}

void Client::set_network_available(bool available) {
  // Applied at once, so nothing queued after this call can slip out before the worker sees it.
  stats_.online.store(available);
  post_or_throw(
      [this, available] {
        sender_->set_online(available);
        poller_->set_online(available);
        if (available) {
          faq_sync_->sync_now();  // a sync skipped while offline (at open, say) happens now
          history_->kick();
          register_device();
        }
      },
      "helpline_set_network_available");
}

void Client::sync_now() {
  post_or_throw(
      [this] {
        sender_->kick();
        poller_->poll_now();
        history_->kick();
      },
      "helpline_sync_now");
}

void Client::set_diagnostics_consent(bool granted) {
  diagnostics_consent_.store(granted);
  post_or_throw(
      [this, granted] {
        commit_now();  // what was accepted before the change is on disk first
        Transaction tx(store_->db());
        meta_->set(kConsentKey, granted ? "1" : "0");
        int64_t dropped = granted ? 0 : outbox_->remove_kind("diagnostic");
        tx.commit();
        if (!granted) {
          diagnostics_->clear();
          pending_requests_.clear();
        } else {
          std::vector<std::string> waiting;
          waiting.swap(pending_requests_);
          for (const auto &request : waiting) {
            rapidjson::Document d;
            d.Parse(request.data(), request.size());
            answer_request(d["id"].GetString(), "", request);
          }
        }
        if (dropped > 0) {
          stats_.dropped.fetch_add(dropped);
          emit(HELPLINE_EVENT_DROPPED,
               JsonObjectWriter().field("dropped", dropped).field("reason", "consent_revoked").finish());
          outbox_changed();
        }
      },
      "helpline_set_consent");
}

helpline_status_t Client::flush(uint32_t timeout_ms) {
  if (closing()) throw Error(HELPLINE_E_CLOSED, "helpline_flush: the instance is closed");
  if (is_worker_thread()) {
    throw Error(HELPLINE_E_INVALID_STATE, "helpline_flush: must not be called from an event callback");
  }
  // A zero-timeout flush cannot wait for the worker; with nothing accepted undelivered it is done.
  if (timeout_ms == 0 && nothing_queued()) return HELPLINE_OK;
  // Runs after every task posted before it: commit what was accepted, then wait until every
  // row up to the newest one has left the outbox (delivered or dead-lettered).
  auto barrier = std::make_shared<std::promise<void>>();
  auto done = barrier->get_future();
  post_or_throw(
      [this, barrier] {
        commit_now();
        int64_t target = -1;
        {
          Statement max_id(store_->db(), "SELECT max(id) FROM outbox");
          if (max_id.step() && sqlite3_column_type(max_id.get(), 0) != SQLITE_NULL) target = max_id.column_int64(0);
        }
        if (target < 0 && commit_->pending() == 0) {
          barrier->set_value();
          return;
        }
        flush_waiters_.add(target < 0 ? INT64_MAX : target, barrier);
        if (commit_->pending() == 0) flush_waiters_.update(outbox_->min_id());
        sender_->kick();
      },
      "helpline_flush");
  if (done.wait_for(std::chrono::milliseconds(timeout_ms)) != std::future_status::ready) {
    throw Error(HELPLINE_E_TIMEOUT, "helpline_flush: not delivered within " + std::to_string(timeout_ms) +
                                        " ms (" + std::to_string(stats_.queued.load()) + " still queued)");
  }
  return HELPLINE_OK;
}

bool Client::nothing_queued() const noexcept {
  return stats_.pending_commit.load() == 0 && stats_.queued.load() == 0;
}

bool Client::in_own_callback() const noexcept { return is_worker_thread() || t_dispatching == this; }

helpline_status_t Client::close(uint32_t timeout_ms) {
  if (in_own_callback()) {
    throw Error(HELPLINE_E_INVALID_STATE, "helpline_close: must not be called from an event callback");
  }
  std::lock_guard<std::mutex> lock(close_mu_);
  if (closed_) throw Error(HELPLINE_E_CLOSED, "helpline_close: already closed");
  helpline_status_t result = HELPLINE_OK;
  try {
    flush_deflection(0);  // suggestions shown and no ticket followed: the FAQ answered
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
  worker_.stop();
  transport_->abort_all();
  // The worker is gone: commit on this thread whatever was accepted and not yet written.
  CommitResult last = commit_->commit();
  while (last.ok && last.more) last = commit_->commit();
  if (!last.ok) {
    logger_.error("close: " + std::to_string(commit_->pending()) + " accepted item(s) could not be written: " +
                  last.error);
    set_last_error("helpline_close: accepted items could not be written: " + last.error);
    result = last.status;
  }
  {
    std::lock_guard<std::mutex> read_lock(read_mu_);
    view_.reset();
    notice_view_.reset();
    faq_search_.reset();
    read_db_.reset();
  }
  history_.reset();
  poller_.reset();
  prompts_.reset();
  notices_.reset();
  faq_sync_.reset();
  faq_.reset();
  sender_.reset();
  commit_.reset();
  outbox_.reset();
  tickets_.reset();
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
