#include "device_timeline.hpp"

#include "json_fields.hpp"
#include "rules/diagnostic_values.hpp"

#include <algorithm>
#include <map>
#include <optional>

namespace helpline::server {

namespace {

struct GaugeAgg {
  double min = 0, max = 0, last = 0, sum = 0;
  int64_t last_ts = -1;
  int64_t reports = 0;  // heartbeats / metric items folded in
  int64_t samples = 0;  // samples the device aggregated into them
  void add(double v, double lo, double hi, int64_t ts, int64_t n) {
    if (reports == 0) {
      min = lo;
      max = hi;
    } else {
      min = std::min(min, lo);
      max = std::max(max, hi);
    }
    if (ts >= last_ts) {
      last = v;
      last_ts = ts;
    }
    sum += v;
    ++reports;
    samples += std::max<int64_t>(n, 1);
  }
};

struct Bucket {
  std::map<std::string, int64_t> levels, kinds;
  int64_t total = 0, heartbeats = 0, device_firings = 0, server_firings = 0, tickets = 0;
};

struct Series {
  bool counter = false;
  std::map<size_t, GaugeAgg> gauges;  // by bucket index
  std::map<size_t, double> sums;      // counters
};

struct FiringRow {
  int64_t ts;
  std::string source, rule_id, metric, op, action;
  std::optional<double> threshold, value;
  std::optional<std::string> ticket_id, notice_id;
};

double num(const rapidjson::Value &o, const char *k, double def) {
  auto it = o.FindMember(k);
  return it != o.MemberEnd() && it->value.IsNumber() ? it->value.GetDouble() : def;
}

std::string text(const rapidjson::Value &o, const char *k) {
  auto it = o.FindMember(k);
  return it != o.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

void add_heartbeat(const rapidjson::Value *attrs, size_t b, int64_t ts,
                   std::map<std::string, Series> &series) {
  if (!attrs) return;
  auto m = attrs->FindMember("metrics");
  if (m == attrs->MemberEnd() || !m->value.IsObject()) return;
  auto gauges = m->value.FindMember("gauges");
  if (gauges != m->value.MemberEnd() && gauges->value.IsObject()) {
    for (const auto &g : gauges->value.GetObject()) {
      if (!g.value.IsObject()) continue;
      double last = num(g.value, "last", 0);
      Series &s = series[g.name.GetString()];
      s.gauges[b].add(last, num(g.value, "min", last), num(g.value, "max", last), ts,
                      static_cast<int64_t>(num(g.value, "samples", 1)));
    }
  }
  auto counters = m->value.FindMember("counters");
  if (counters != m->value.MemberEnd() && counters->value.IsObject()) {
    for (const auto &c : counters->value.GetObject()) {
      if (!c.value.IsNumber()) continue;
      Series &s = series[c.name.GetString()];
      s.counter = true;
      s.sums[b] += c.value.GetDouble();
    }
  }
}

void opt_num(JsonOut &j, const char *k, const std::optional<double> &v) {
  j.key(k);
  if (v)
    j.number(*v);
  else
    j.null();
}

}  // namespace

std::string timeline_json(const std::string &device_id, const TimelineFacts &f) {
  size_t n = f.bucket > 0 ? static_cast<size_t>((f.to - f.from + f.bucket - 1) / f.bucket) : 0;
  std::vector<Bucket> buckets(n);
  std::map<std::string, Series> series;
  std::vector<FiringRow> firings;
  auto index = [&](int64_t ts) -> std::optional<size_t> {
    if (ts < f.from || ts >= f.to) return std::nullopt;
    return static_cast<size_t>((ts - f.from) / f.bucket);
  };

  for (const auto &d : f.diagnostics) {
    auto b = index(d.ts);
    if (!b) continue;
    Bucket &bk = buckets[*b];
    ++bk.total;
    ++bk.levels[level_bucket(level_rank(d.level))];
    ++bk.kinds[d.kind];
    bool heartbeat = is_heartbeat(d);
    ParsedAttributes parsed(d.attributes_json);
    if (heartbeat) {
      ++bk.heartbeats;
      add_heartbeat(parsed.get(), *b, d.ts, series);
    } else if (d.kind == "metric" && d.value) {
      series[d.name].gauges[*b].add(*d.value, *d.value, *d.value, d.ts, 1);
    } else if (d.kind == "event" && d.attributes_json.find("\"rule\"") != std::string::npos &&
               is_rule_firing(d, parsed.get())) {
      ++bk.device_firings;
      const rapidjson::Value &r = (*parsed.get())["rule"];
      FiringRow row{d.ts, "device", text(r, "rule_id"), text(r, "metric"), text(r, "op"), "event", {}, {},
                    {},   {}};
      if (r.HasMember("threshold") && r["threshold"].IsNumber()) row.threshold = r["threshold"].GetDouble();
      if (r.HasMember("value") && r["value"].IsNumber()) row.value = r["value"].GetDouble();
      firings.push_back(std::move(row));
    }
  }
  for (const auto &s : f.server_firings) {
    auto b = index(s.at);
    if (!b) continue;
    ++buckets[*b].server_firings;
    firings.push_back(
        FiringRow{s.at, "server", s.rule_id, "", "", s.action, {}, s.value, s.ticket_id, s.notice_id});
  }
  for (const auto &t : f.tickets)
    if (auto b = index(t.created_at)) ++buckets[*b].tickets;
  std::sort(firings.begin(), firings.end(),
            [](const FiringRow &a, const FiringRow &b) { return a.ts < b.ts; });

  JsonOut j;
  j.begin_object()
      .field("device_id", device_id)
      .field("from", f.from)
      .field("to", f.to)
      .field("bucket", f.bucket)
      .field("truncated", f.truncated);
  j.key("buckets").begin_array();
  for (size_t i = 0; i < n; ++i) {
    const Bucket &b = buckets[i];
    int64_t from = f.from + static_cast<int64_t>(i) * f.bucket;
    j.begin_object().field("from", from).field("to", std::min(f.to, from + f.bucket)).field("total", b.total);
    j.key("levels").begin_object();
    for (const char *l : {"fatal", "error", "warning", "info", "debug", "other"}) {
      auto it = b.levels.find(l);
      j.field(l, it == b.levels.end() ? int64_t(0) : it->second);
    }
    j.end_object().key("kinds").begin_object();
    for (const auto &[k, v] : b.kinds) j.field(k.c_str(), v);
    j.end_object()
        .field("heartbeats", b.heartbeats)
        .field("device_rule_firings", b.device_firings)
        .field("server_rule_firings", b.server_firings)
        .field("tickets_opened", b.tickets)
        .end_object();
  }
  j.end_array().key("metrics").begin_object();
  for (const auto &[name, s] : series) {
    j.key(name.c_str())
        .begin_object()
        .field("type", s.counter ? "counter" : "gauge")
        .key("points")
        .begin_array();
    for (size_t i = 0; i < n; ++i) {
      if (s.counter) {
        auto it = s.sums.find(i);
        if (it == s.sums.end())
          j.null();
        else
          j.begin_object().key("sum").number(it->second).end_object();
      } else {
        auto it = s.gauges.find(i);
        if (it == s.gauges.end()) {
          j.null();
        } else {
          const GaugeAgg &g = it->second;
          j.begin_object().key("last").number(g.last).key("min").number(g.min).key("max").number(g.max);
          j.key("avg")
              .number(g.sum / static_cast<double>(g.reports))
              .field("samples", g.samples)
              .end_object();
        }
      }
    }
    j.end_array().end_object();
  }
  j.end_object().key("rule_firings").begin_array();
  for (const auto &r : firings) {
    j.begin_object().field("ts", r.ts).field("source", r.source).field("rule_id", r.rule_id);
    if (r.source == "device") j.field("metric", r.metric).field("op", r.op);
    if (r.source == "device") opt_num(j, "threshold", r.threshold);
    opt_num(j, "value", r.value);
    if (r.source == "server")
      j.field("action", r.action).opt_field("ticket_id", r.ticket_id).opt_field("notice_id", r.notice_id);
    j.end_object();
  }
  j.end_array().key("tickets").begin_array();
  for (const auto &t : f.tickets)
    j.begin_object()
        .field("id", t.id)
        .field("subject", t.subject)
        .field("status", t.status)
        .field("proactive", t.proactive_rule.has_value())
        .opt_field("rule_id", t.proactive_rule)
        .field("created_at", t.created_at)
        .end_object();
  j.end_array().end_object();
  return j.take();
}

}  // namespace helpline::server
