#include "diagnostics/diagnostics_scheduler.hpp"

#include <algorithm>

#include "base/clock.hpp"
#include "base/json_out.hpp"
#include "base/json_writer.hpp"
#include "base/sqlite.hpp"
#include "protocol/wire.hpp"

namespace helpline::detail {
namespace {

constexpr const char *kConsentKey = "consent_diagnostics";
constexpr const char *kRulesKeyPrefix = "rules_";  // + "host" | "server"

}  // namespace

DiagnosticsScheduler::DiagnosticsScheduler(const Options &options, Diagnostics &diagnostics,
                                           DeviceContext &device, Meta &meta, Outbox &outbox, sqlite3 *db,
                                           SyncStats &stats, const Logger &logger, Instance &instance)
    : options_(options),
      diagnostics_(diagnostics),
      device_(device),
      meta_(meta),
      outbox_(outbox),
      db_(db),
      stats_(stats),
      logger_(logger),
      instance_(instance) {
  consent_.store(meta_.get(kConsentKey).value_or("0") == "1");
  diagnostics_.rules().set_attributes(device_.flat());
  for (const char *source : {"host", "server"}) {
    std::string saved = meta_.get(std::string(kRulesKeyPrefix) + source).value_or("");
    if (saved.empty()) continue;
    try {
      diagnostics_.rules().load(source, saved);
    } catch (const Error &e) {
      logger_.warn(std::string("saved rules not loaded: ") + e.what());
    }
  }
}

void DiagnosticsScheduler::require_consent(const char *function) const {
  if (!consent()) {
    throw Error(
        HELPLINE_E_NO_CONSENT,
        std::string(function) + ": no diagnostics consent (helpline_set_consent); the data was discarded");
  }
}

void DiagnosticsScheduler::send(const std::string &name, std::string_view attributes_json) {
  require_consent("helpline_diagnostics_send");
  DiagnosticSpec spec;
  spec.name = name;
  if (!attributes_json.empty()) spec.attributes_json = diagnostics_.redact_attributes(attributes_json);
  auto item = diagnostics_.make_item(spec, device_.json());
  if (item) {
    instance_.enqueue(std::move(*item));
  }
}

void DiagnosticsScheduler::breadcrumb(int level, std::string_view category, std::string_view message) {
  require_consent("helpline_breadcrumb");
  std::string_view cut = message.substr(0, Breadcrumbs::kMaxMessageBytes);
  while (!cut.empty() && cut.size() < message.size() &&
         (static_cast<unsigned char>(message[cut.size()]) & 0xC0) == 0x80) {
    cut.remove_suffix(1);  // never cut inside a UTF-8 sequence
  }
  diagnostics_.breadcrumbs().add(level, diagnostics_.redact(category), diagnostics_.redact(cut), now_ms());
}

void DiagnosticsScheduler::metric(const std::string &name, double value, bool counter) {
  require_consent(counter ? "helpline_metric_add" : "helpline_metric_set");
  Metrics &m = diagnostics_.metrics();
  bool first = counter ? m.add(name, value) : m.set(name, value);
  if (first) {
    instance_.post(
        [this] {
          instance_.worker().post_at(Worker::Clock::now() + std::chrono::seconds(options_.heartbeat_s),
                                     [this] { on_heartbeat(); });
        },
        "helpline_metric");
  }
  Rules &rules = diagnostics_.rules();
  std::vector<Firing> firings = rules.sample(name, value, counter, now_ms());
  if (!firings.empty()) instance_.post([this, firings] { fire(firings); }, "helpline_metric");
  const int64_t due = rules.next_deadline();
  if (due > 0 && rules_due_at_.exchange(due) != due) {
    instance_.post(
        [this, due] {
          instance_.worker().post_at(
              Worker::Clock::now() + std::chrono::milliseconds(std::max<int64_t>(0, due - now_ms())),
              [this] { on_rules_due(); });
        },
        "helpline_metric");
  }
}

void DiagnosticsScheduler::load_rules(const std::string &json) {
  diagnostics_.rules().load("host", json);
  instance_.post([this, json] { meta_.set(std::string(kRulesKeyPrefix) + "host", json); },
                 "helpline_rules_load_json");
}

std::string DiagnosticsScheduler::take_for_ticket(std::size_t max_bytes) {
  return consent() ? diagnostics_.take_for_ticket(max_bytes) : std::string();
}

void DiagnosticsScheduler::enqueue_diagnostic(const DiagnosticSpec &spec) {
  if (!consent()) return;
  try {
    auto item = diagnostics_.make_item(spec, device_.json());
    if (item) {
      instance_.enqueue(std::move(*item));
    }
  } catch (const Error &e) {
    logger_.warn(std::string("diagnostic not sent: ") + e.what());
  }
}

void DiagnosticsScheduler::on_heartbeat() {
  std::string metrics = diagnostics_.metrics().take_heartbeat(now_ms());
  if (metrics.empty()) return;
  DiagnosticSpec spec;
  spec.kind = "metric";
  spec.name = "heartbeat";
  spec.extra_key = "metrics";
  spec.extra_json = metrics;
  diagnostics_.refresh_facts(options_.data_dir);
  enqueue_diagnostic(spec);
}

void DiagnosticsScheduler::on_rules_due() {
  rules_due_at_.store(-1);
  Rules &rules = diagnostics_.rules();
  fire(rules.tick(now_ms()));
  const int64_t due = rules.next_deadline();
  if (due > 0 && rules_due_at_.exchange(due) != due) {
    instance_.worker().post_at(
        Worker::Clock::now() + std::chrono::milliseconds(std::max<int64_t>(0, due - now_ms())),
        [this] { on_rules_due(); });
  }
}

void DiagnosticsScheduler::fire(const std::vector<Firing> &firings) {
  if (firings.empty()) return;
  diagnostics_.refresh_facts(options_.data_dir);
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
    instance_.emit(HELPLINE_EVENT_RULE_FIRED, rule_json);
  }
}

bool DiagnosticsScheduler::on_rules(const rapidjson::Value &item) {
  if (!item.HasMember("data") || !item["data"].IsObject()) return false;
  std::string json = to_json(item["data"]);
  try {
    diagnostics_.rules().load("server", json);
    meta_.set(std::string(kRulesKeyPrefix) + "server", json);
  } catch (const Error &e) {
    logger_.warn(std::string("rules from the server refused, previous rules kept: ") + e.what());
  }
  return true;
}

bool DiagnosticsScheduler::on_request(const rapidjson::Value &item) {
  if (!item.HasMember("data") || !item["data"].IsObject()) return true;
  const rapidjson::Value &data = item["data"];
  std::string id = data.HasMember("id") && data["id"].IsString() ? data["id"].GetString() : "";
  if (id.empty()) return true;
  std::string request = to_json(data);
  if (consent()) {
    answer_request(id, request);
  } else {
    if (pending_requests_.size() < 16) pending_requests_.push_back(request);
    instance_.emit(HELPLINE_EVENT_DIAGNOSTICS_REQUEST,
                   request.substr(0, request.size() - 1) + ",\"answered\":false}");
  }
  return true;
}

// The request already names its ticket on the server: the snapshot only carries the request id.
void DiagnosticsScheduler::answer_request(const std::string &id, const std::string &request_json) {
  diagnostics_.refresh_facts(options_.data_dir);
  DiagnosticSpec spec;
  spec.kind = "snapshot";
  spec.name = "diagnostics_request";
  spec.request_id = id;
  std::string logs = diagnostics_.host_logs();
  if (!logs.empty()) {
    JsonOut l;
    l.str(logs);
    spec.extra_key = "logs";
    spec.extra_json = l.take();
  }
  enqueue_diagnostic(spec);
  instance_.emit(HELPLINE_EVENT_DIAGNOSTICS_REQUEST,
                 request_json.substr(0, request_json.size() - 1) + ",\"answered\":true}");
}

void DiagnosticsScheduler::set_consent(bool granted) {
  consent_.store(granted);
  instance_.post([this, granted] { apply_consent(granted); }, "helpline_set_consent");
}

void DiagnosticsScheduler::apply_consent(bool granted) {
  instance_.commit_now();  // what was accepted before the change is on disk first
  Transaction tx(db_);
  meta_.set(kConsentKey, granted ? "1" : "0");
  int64_t dropped = granted ? 0 : outbox_.remove_kind(wire::kind::kDiagnostic);
  tx.commit();
  if (!granted) {
    clear();
  } else {
    std::vector<std::string> waiting;
    waiting.swap(pending_requests_);
    for (const auto &request : waiting) {
      rapidjson::Document d;
      d.Parse(request.data(), request.size());
      answer_request(d["id"].GetString(), request);
    }
  }
  if (dropped > 0) {
    stats_.dropped.fetch_add(dropped);
    instance_.emit(HELPLINE_EVENT_DROPPED,
                   JsonObjectWriter().field("dropped", dropped).field("reason", "consent_revoked").finish());
    instance_.outbox_changed();
  }
}

void DiagnosticsScheduler::clear() {
  diagnostics_.clear();
  pending_requests_.clear();
}

void DiagnosticsScheduler::register_items(ItemRegistry &registry) {
  registry.add_kind(kDiagnosticKind);
  registry.add_sync_type(wire::sync_type::kRules, this, [](void *owner, const rapidjson::Value &item) {
    return owner_as<DiagnosticsScheduler>(owner).on_rules(item);
  });
  registry.add_sync_type(wire::sync_type::kDiagnosticsRequest, this,
                         [](void *owner, const rapidjson::Value &item) {
                           return owner_as<DiagnosticsScheduler>(owner).on_request(item);
                         });
}

}  // namespace helpline::detail
