#include "diagnostics/diagnostics.hpp"

#include <rapidjson/document.h>

#include "base/clock.hpp"
#include "base/error.hpp"
#include "base/ids.hpp"
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
  if (f.load_1m) w.key("load_1m").number(*f.load_1m);
  opt("mem_total_bytes", f.mem_total_bytes);
  opt("mem_available_bytes", f.mem_available_bytes);
  opt("disk_total_bytes", f.disk_total_bytes);
  opt("disk_free_bytes", f.disk_free_bytes);
  if (f.disk_total_bytes && f.disk_free_bytes && *f.disk_total_bytes > 0) {
    w.key("disk_free_pct")
        .number(100.0 * static_cast<double>(*f.disk_free_bytes) / static_cast<double>(*f.disk_total_bytes));
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
  if (d.HasParseError() || !d.IsObject())
    throw Error(HELPLINE_E_INVALID_JSON, "attributes_json must be a JSON object");
  redactor_.apply(d, d.GetAllocator());
  return to_json(d);
}

std::optional<NewItem> Diagnostics::make_item(const DiagnosticSpec &spec, const std::string &device_json) {
  const int64_t now = now_ms();
  NewItem item{&kDiagnosticKind, new_uuid_v7(), {}, now, {}, nullptr};
  const std::string facts = facts_json();
  // 0: everything, 1: no breadcrumbs, 2: no facts, 3: not even the device context (host attributes of
  // nearly 64 KiB); past the server's cap it is refused here rather than by the server later.
  for (int attempt = 0; attempt < 4; ++attempt) {
    JsonOut a;
    a.begin_object();
    if (!spec.attributes_json.empty()) {
      rapidjson::Document d;
      d.Parse(spec.attributes_json.data(), spec.attributes_json.size());
      for (const auto &m : d.GetObject()) a.key(m.name.GetString()).value(m.value);
    }
    if (!spec.extra_key.empty()) a.raw_field(spec.extra_key, spec.extra_json);
    if (attempt < 3) a.raw_field("device", device_json);
    if (attempt < 2 && !facts.empty()) a.raw_field("facts", facts);
    if (attempt < 1) {
      a.key("breadcrumbs");
      crumbs_.write(a, kTicketBreadcrumbs);
    }
    a.end_object();
    std::string attributes = a.take();
    if (attributes.size() > kMaxAttributesBytes && attempt < 2) continue;
    if (attributes.size() > kServerAttributesCap) {
      if (attempt < 3) continue;
      throw Error(HELPLINE_E_TOO_LARGE,
                  "diagnostic \"" + spec.name + "\": attributes are " + std::to_string(attributes.size()) +
                      " bytes once redacted; the limit is " + std::to_string(kServerAttributesCap));
    }
    JsonOut w;
    w.begin_object()
        .field("idempotency_key", item.idempotency_key)
        .field("kind", spec.kind)
        .field("name", spec.name);
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
    if (before_send_(before_send_user_, item.payload.c_str(), &replacement) == HELPLINE_SEND_DROP)
      return std::nullopt;
    if (!replacement.text.empty()) {
      rapidjson::Document d;
      d.Parse(replacement.text.data(), replacement.text.size());
      if (d.HasParseError() || !d.IsObject())
        return std::nullopt;  // unusable: dropped, never sent half-edited
      // The idempotency key is ours: it must stay what the outbox row carries.
      d.RemoveMember("idempotency_key");
      d.AddMember("idempotency_key", rapidjson::Value(item.idempotency_key.c_str(), d.GetAllocator()),
                  d.GetAllocator());
      item.payload = to_json(d);
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  since_ticket_.push_back(Sent{item.idempotency_key, spec.name, now});
  if (since_ticket_.size() > 5) since_ticket_.erase(since_ticket_.begin());
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
  if (logs.text.size() > kMaxLogBytes)
    logs.text.erase(0, logs.text.size() - kMaxLogBytes);  // keep the newest
  std::string text = redactor_.apply(logs.text);
  // Keep the newest part whose escaped JSON fits kMaxLogJsonBytes (quotes, backslashes and control
  // characters grow when escaped), starting at a line (or at least a UTF-8 character) boundary.
  std::size_t cost = 2, start = text.size();
  while (start > 0) {
    const unsigned char c = static_cast<unsigned char>(text[start - 1]);
    const std::size_t n =
        c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f' ? 2
        : c < 0x20                                                                             ? 6
                                                                                               : 1;
    if (cost + n > kMaxLogJsonBytes) break;
    cost += n;
    --start;
  }
  if (start > 0 && text[start - 1] != '\n') {
    std::size_t line = text.find('\n', start);
    if (line != std::string::npos && line + 1 < text.size()) {
      start = line + 1;
    } else {
      while (start < text.size() && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) ++start;
    }
  }
  text.erase(0, start);
  return text;
}

std::string Diagnostics::take_for_ticket(std::size_t max_bytes) {
  std::vector<Sent> sent;
  {
    std::lock_guard<std::mutex> lock(mu_);
    sent.swap(since_ticket_);
  }
  if (sent.empty() && crumbs_.size() == 0) return std::string();
  JsonOut w;
  w.begin_object().key("diagnostics").begin_array();
  for (const auto &s : sent)
    w.begin_object().field("id", s.id).field("name", s.name).field("ts", s.ts).end_object();
  w.end_array().key("breadcrumbs");
  const std::size_t used = w.take().size() + 32;
  crumbs_.write(w, kTicketBreadcrumbs, max_bytes > used ? max_bytes - used : 0);
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
