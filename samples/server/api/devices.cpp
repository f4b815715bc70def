// Device views for agents (protocol.md 14.5): the device list with health, one device's diagnostics, and its
// health timeline.
#include "api/devices.hpp"

#include "api/render.hpp"
#include "api_error.hpp"
#include "device_timeline.hpp"
#include "ids.hpp"
#include "json_fields.hpp"

namespace helpline::server {

namespace {

constexpr int64_t kHealthWindowMs = 24 * 3600 * 1000LL;
constexpr int kTimelineMaxRows = 100000;
constexpr int64_t kHour = 3600 * 1000LL, kDay = 24 * kHour;

// ok | warning | error | stale | unknown (docs: protocol.md 14.5).
const char *health_of(const DeviceSummaryRecord &d, int64_t now) {
  if (!d.last_seen) return "unknown";
  if (d.last_error_at && *d.last_error_at >= now - kHealthWindowMs) return "error";
  if (d.last_warning_at && *d.last_warning_at >= now - kHealthWindowMs) return "warning";
  if (*d.last_seen < now - kHealthWindowMs) return "stale";
  return "ok";
}

void opt_i64(JsonOut &j, const char *k, const std::optional<int64_t> &v) {
  j.key(k);
  if (v)
    j.i64(*v);
  else
    j.null();
}

void render_summary(JsonOut &j, const DeviceSummaryRecord &d, int64_t now) {
  j.begin_object()
      .field("device_id", d.device_id)
      .opt_field("user", d.user_sub)
      .raw_or_null_field("attributes", d.attrs_json);
  opt_i64(j, "attributes_updated_at", d.attrs_updated_at);
  opt_i64(j, "last_seen", d.last_seen);
  opt_i64(j, "last_error_at", d.last_error_at);
  opt_i64(j, "last_warning_at", d.last_warning_at);
  j.field("health", health_of(d, now)).end_object();
}

std::optional<std::string> query_text(Call &c, const char *name, size_t max) {
  const std::string *v = c.query_param(name);
  if (!v || v->empty()) return std::nullopt;
  if (v->size() > max) throw bad_request(std::string(name) + ": at most " + std::to_string(max) + " bytes");
  return *v;
}

}  // namespace

void DeviceViewHandlers::add_routes(Router &r) {
  using K = RouteKind;
  using B = BodyKind;
  using H = DeviceViewHandlers;
  r.add({"GET", "/v1/agent/devices", handler(this, &H::agent_devices_list), K::agent, B::none, false, false,
         false});
  r.add({"GET", "/v1/agent/devices/{}", handler(this, &H::agent_device_get), K::agent, B::none, false, false,
         false});
  r.add({"GET", "/v1/agent/devices/{}/diagnostics", handler(this, &H::agent_device_diagnostics), K::agent,
         B::none, false, false, false});
  r.add({"GET", "/v1/agent/devices/{}/timeline", handler(this, &H::agent_device_timeline), K::agent, B::none,
         false, false, false});
}

Reply DeviceViewHandlers::agent_devices_list(Call &c) {
  auto [cursor, limit] = page_params(c, 100, 50);
  auto health = query_text(c, "health", 16);
  if (health && *health != "ok" && *health != "warning" && *health != "error" && *health != "stale" &&
      *health != "unknown")
    throw bad_request("health: one of ok, warning, error, stale, unknown");
  DeviceFilter f;
  f.contains = query_text(c, "q", 200);
  f.before_seq = cursor;
  f.limit = 200;
  int64_t now = now_ms();
  std::vector<DeviceSummaryRecord> rows;
  // The health filter is applied on top of keyset pages (health depends on the clock, not stored).
  for (int round = 0; round < 50 && static_cast<int>(rows.size()) <= limit; ++round) {
    auto page = c.tx->diagnostics().device_summaries(c.app->app_key, f);
    for (auto &r : page)
      if (!health || *health == health_of(r, now)) rows.push_back(std::move(r));
    if (static_cast<int>(page.size()) < f.limit) break;
    f.before_seq = page.back().seq;
  }
  return json(200, page_json(std::move(rows), limit,
                             [now](JsonOut &j, const DeviceSummaryRecord &d) { render_summary(j, d, now); }));
}

Reply DeviceViewHandlers::agent_device_get(Call &c) {
  auto d = c.tx->diagnostics().find_device_summary(c.app->app_key, c.params[0]);
  if (!d) throw not_found("device");
  JsonOut j;
  render_summary(j, *d, now_ms());
  return json(200, j.take());
}

Reply DeviceViewHandlers::agent_device_diagnostics(Call &c) {
  if (!c.tx->diagnostics().find_device_summary(c.app->app_key, c.params[0])) throw not_found("device");
  auto [cursor, limit] = page_params(c, 100, 50);
  DiagnosticFilter f;
  f.kind = query_text(c, "kind", 16);
  f.name = query_text(c, "name", 200);
  f.level = query_text(c, "level", 32);
  f.from = ms_param(c, "from");
  f.to = ms_param(c, "to");
  f.before_seq = cursor;
  f.limit = limit + 1;
  auto rows = c.tx->diagnostics().for_device(c.app->app_key, c.params[0], f);
  return json(200, page_json(std::move(rows), limit, render_diagnostic));
}

Reply DeviceViewHandlers::agent_device_timeline(Call &c) {
  if (!c.tx->diagnostics().find_device_summary(c.app->app_key, c.params[0])) throw not_found("device");
  int64_t bucket = kHour;
  if (auto b = query_text(c, "bucket", 16)) {
    if (*b == "hour")
      bucket = kHour;
    else if (*b == "day")
      bucket = kDay;
    else
      throw bad_request("bucket: hour or day");
  }
  int64_t to = ms_param(c, "to").value_or(now_ms() + 1);  // default: up to and including now
  int64_t from = ms_param(c, "from").value_or(to - (bucket == kHour ? kDay : 30 * kDay));
  from -= from % bucket;  // UTC-aligned buckets
  if (from >= to) throw bad_request("from: must be before to");
  if ((to - from + bucket - 1) / bucket > 500) throw bad_request("from/to: at most 500 buckets");
  TimelineFacts facts;
  facts.from = from;
  facts.to = to;
  facts.bucket = bucket;
  DiagnosticFilter f;
  f.from = from;
  f.to = to;
  f.limit = kTimelineMaxRows + 1;
  facts.diagnostics = c.tx->diagnostics().for_device(c.app->app_key, c.params[0], f);
  if (facts.diagnostics.size() > static_cast<size_t>(kTimelineMaxRows)) {
    facts.diagnostics.resize(kTimelineMaxRows);  // the newest rows: the oldest buckets are incomplete
    facts.truncated = true;
  }
  facts.server_firings = c.tx->rules().device_firings(c.app->app_key, c.params[0], from, to, 10000);
  facts.tickets = c.tx->tickets().created_by_device(c.app->app_key, c.params[0], from, to, 1000);
  return json(200, timeline_json(c.params[0], facts));
}

}  // namespace helpline::server
