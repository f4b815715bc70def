#include "diagnostics/diagnostics.hpp"

#include <rapidjson/document.h>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "linux/collectors.hpp"

namespace helpline::detail {
namespace {

std::string facts_to_json(const platform::DeviceFacts &f) {
  JsonOut w;
  w.begin_object();
  auto opt = [&](const char *key, const std::optional<int64_t> &v) {
    if (v) w.field(key, *v);
  };
  if (f.cpu_count) w.field("cpu_count", *f.cpu_count);
  if (!f.cpu_model.empty()) w.field("cpu_model", f.cpu_model);
  if (f.load_1m) w.key("load_1m").raw(std::to_string(*f.load_1m));
  opt("mem_total_bytes", f.mem_total_bytes);
  opt("mem_available_bytes", f.mem_available_bytes);
  opt("disk_total_bytes", f.disk_total_bytes);
  opt("disk_free_bytes", f.disk_free_bytes);
  if (f.disk_total_bytes && f.disk_free_bytes && *f.disk_total_bytes > 0) {
    w.key("disk_free_pct").raw(std::to_string(100.0 * static_cast<double>(*f.disk_free_bytes) /
                                              static_cast<double>(*f.disk_total_bytes)));
  }
  opt("uptime_s", f.uptime_s);
  opt("process_rss_bytes", f.process_rss_bytes);
  w.key("network").begin_array();
  for (const auto &i : f.interfaces) w.begin_object().field("name", i.name).field("up", i.up).end_object();
  w.end_array().end_object();
  return w.take();
}

}  // namespace

Diagnostics::Diagnostics(const Options &options)
    : before_send_(options.before_send),
      before_send_user_(options.before_send_user),
      log_provider_(options.log_provider),
      log_provider_user_(options.log_provider_user) {
  redactor_.set_builtin(options.builtin_redaction);
  for (const auto &p : options.redaction_patterns) redactor_.add_pattern(p);
}

std::string Diagnostics::redact_attributes(std::string_view json) const {
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  if (d.HasParseError() || !d.IsObject()) throw Error(HELPLINE_E_INVALID_JSON, "attributes_json must be a JSON object");
  redactor_.apply(d, d.GetAllocator());
  return to_json(d);
}

std::optional<NewItem> Diagnostics::make_item(const DiagnosticSpec &spec, const std::string &device_json) {
  const int64_t now = now_ms();
  NewItem item{Channel::kDiagnostics, "diagnostic", kPriorityDiagnostics, new_uuid_v7(), {}, now, {}, nullptr};
  const std::string facts = facts_json();
  for (int attempt = 0; attempt < 3; ++attempt) {  // 0: everything, 1: no breadcrumbs, 2: no facts
    JsonOut a;
    a.begin_object();
    if (!spec.attributes_json.empty()) {
      rapidjson::Document d;
      d.Parse(spec.attributes_json.data(), spec.attributes_json.size());
      for (const auto &m : d.GetObject()) a.key(m.name.GetString()).value(m.value);
    }
    if (!spec.extra_key.empty()) a.raw_field(spec.extra_key, spec.extra_json);
    a.raw_field("device", device_json);
    if (attempt < 2 && !facts.empty()) a.raw_field("facts", facts);
    if (attempt < 1) {
      a.key("breadcrumbs");
      crumbs_.write(a, kTicketBreadcrumbs);
    }
    a.end_object();
    std::string attributes = a.take();
    if (attributes.size() > kMaxAttributesBytes && attempt < 2) continue;
    JsonOut w;
    w.begin_object().field("idempotency_key", item.idempotency_key).field("kind", spec.kind).field("name", spec.name);
    w.field("ts", now);
    if (!spec.level.empty()) w.field("level", spec.level);
    if (!spec.message.empty()) w.field("message", spec.message);
    w.raw_field("attributes", attributes);
    if (!spec.ticket_id.empty()) w.field("ticket_id", spec.ticket_id);
    if (!spec.request_id.empty()) w.field("request_id", spec.request_id);
    w.end_object();
    item.payload = w.take();
    break;
  }
  if (before_send_ != nullptr) {
    helpline_buffer_s replacement;
    if (before_send_(before_send_user_, item.payload.c_str(), &replacement) == HELPLINE_SEND_DROP) return std::nullopt;
    if (!replacement.text.empty()) {
      rapidjson::Document d;
      d.Parse(replacement.text.data(), replacement.text.size());
      if (d.HasParseError() || !d.IsObject()) return std::nullopt;  // unusable: dropped, never sent half-edited
      // The idempotency key is ours: it must stay what the outbox row carries.
      d.RemoveMember("idempotency_key");
      d.AddMember("idempotency_key", rapidjson::Value(item.idempotency_key.c_str(), d.GetAllocator()), d.GetAllocator());
      item.payload = to_json(d);
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  since_ticket_.push_back(Sent{item.idempotency_key, spec.name, now});
  if (since_ticket_.size() > 5) since_ticket_.pop_front();
  return item;
}

void Diagnostics::refresh_facts(const std::string &data_dir) {
  std::string json = facts_to_json(platform::collect_device_facts(data_dir));
  std::lock_guard<std::mutex> lock(mu_);
  facts_ = std::move(json);
}

std::string Diagnostics::facts_json() const {
  std::lock_guard<std::mutex> lock(mu_);
  return facts_;
}

std::string Diagnostics::host_logs() const {
  if (log_provider_ == nullptr) return std::string();
  helpline_buffer_s logs;
  log_provider_(log_provider_user_, &logs);
  if (logs.text.size() > kMaxLogBytes) logs.text.erase(0, logs.text.size() - kMaxLogBytes);  // keep the newest
  return redactor_.apply(logs.text);
}

std::string Diagnostics::take_for_ticket() {
  std::deque<Sent> sent;
  {
    std::lock_guard<std::mutex> lock(mu_);
    sent.swap(since_ticket_);
  }
  if (sent.empty() && crumbs_.size() == 0) return std::string();
  JsonOut w;
  w.begin_object().key("diagnostics").begin_array();
  for (const auto &s : sent) w.begin_object().field("id", s.id).field("name", s.name).field("ts", s.ts).end_object();
  w.end_array().key("breadcrumbs");
  crumbs_.write(w, kTicketBreadcrumbs);
  w.end_object();
  return w.take();
}

void Diagnostics::clear() {
  crumbs_.clear();
  metrics_.clear();
  std::lock_guard<std::mutex> lock(mu_);
  since_ticket_.clear();
}

}  // namespace helpline::detail
