#include "otlp/otlp_json.hpp"

#include "json_fields.hpp"
#include "rules/diagnostic_values.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <cmath>
#include <map>

namespace helpline::server {

namespace {

const char *const kScopeName = "helpline-server";

// fixed64 nanoseconds since the epoch, as a decimal string (clamped to what fits: 1970..2554).
std::string nanos(int64_t ms) {
  if (ms <= 0) return "0";
  return std::to_string(std::min<int64_t>(ms, 18446744073709LL)) + "000000";
}

void any_value(JsonOut &j, const rapidjson::Value &v, int depth);

void kv_list(JsonOut &j, const rapidjson::Value &obj, int depth) {
  j.begin_array();
  for (const auto &m : obj.GetObject()) {
    j.begin_object().field("key", std::string(m.name.GetString(), m.name.GetStringLength())).key("value");
    any_value(j, m.value, depth + 1);
    j.end_object();
  }
  j.end_array();
}

// AnyValue: exactly one of stringValue, boolValue, intValue (string), doubleValue, arrayValue, kvlistValue;
// JSON null is the empty AnyValue.
void any_value(JsonOut &j, const rapidjson::Value &v, int depth) {
  j.begin_object();
  if (depth > 32) {
    j.field("stringValue", "<too deep>");
  } else if (v.IsString()) {
    j.field("stringValue", std::string(v.GetString(), v.GetStringLength()));
  } else if (v.IsBool()) {
    j.field("boolValue", v.GetBool());
  } else if (v.IsInt64()) {
    j.field("intValue", std::to_string(v.GetInt64()));
  } else if (v.IsUint64()) {
    j.key("doubleValue").number(static_cast<double>(v.GetUint64()));
  } else if (v.IsNumber()) {
    j.key("doubleValue").number(v.GetDouble());
  } else if (v.IsArray()) {
    j.key("arrayValue").begin_object().key("values").begin_array();
    for (const auto &e : v.GetArray()) any_value(j, e, depth + 1);
    j.end_array().end_object();
  } else if (v.IsObject()) {
    j.key("kvlistValue").begin_object().key("values");
    kv_list(j, v, depth);
    j.end_object();
  }
  j.end_object();
}

void str_attr(JsonOut &j, const char *key, const std::string &value) {
  j.begin_object()
      .field("key", key)
      .key("value")
      .begin_object()
      .field("stringValue", value)
      .end_object()
      .end_object();
}

const rapidjson::Value *member(const rapidjson::Value *o, const char *k) {
  if (!o || !o->IsObject()) return nullptr;
  auto it = o->FindMember(k);
  return it == o->MemberEnd() ? nullptr : &it->value;
}

// Resource attributes: OpenTelemetry semantic conventions where one exists, helpline.* otherwise. The device
// document comes from PUT /v1/device, else from the "device" object the SDK attaches to diagnostics.
void resource(JsonOut &j, const OtlpDevice &d) {
  rapidjson::Document doc;
  const rapidjson::Value *dev = nullptr;
  if (!d.attrs_json.empty()) {
    doc.Parse(d.attrs_json.data(), d.attrs_json.size());
    if (!doc.HasParseError() && doc.IsObject()) dev = &doc;
  }
  rapidjson::Document first;
  if (!dev) {
    for (const auto *item : d.items) {
      if (item->attributes_json.find("\"device\"") == std::string::npos) continue;
      first.Parse(item->attributes_json.data(), item->attributes_json.size());
      if (!first.HasParseError() && first.IsObject() && member(&first, "device") &&
          member(&first, "device")->IsObject()) {
        dev = member(&first, "device");
        break;
      }
    }
  }
  j.key("resource").begin_object().key("attributes").begin_array();
  str_attr(j, "service.name", d.app_key);
  str_attr(j, "device.id", d.device_id);
  static const std::pair<const char *, const char *> kMap[] = {
      {"model", "device.model.identifier"},
      {"os", "os.name"},
      {"os_version", "os.version"},
      {"app_version", "service.version"},
      {"firmware_version", "helpline.firmware_version"},
      {"sdk_version", "helpline.sdk_version"},
      {"locale", "helpline.locale"}};
  for (const auto &[from, to] : kMap) {
    const rapidjson::Value *v = member(dev, from);
    if (v && v->IsString()) str_attr(j, to, std::string(v->GetString(), v->GetStringLength()));
  }
  if (const rapidjson::Value *extra = member(dev, "attributes"); extra && extra->IsObject())
    for (const auto &m : extra->GetObject())
      if (m.value.IsString())
        str_attr(j, ("helpline.device." + std::string(m.name.GetString())).c_str(), m.value.GetString());
  j.end_array().end_object();
}

void scope(JsonOut &j) {
  j.key("scope")
      .begin_object()
      .field("name", kScopeName)
      .field("version", HELPLINE_SERVER_VERSION)
      .end_object();
}

bool is_metric_item(const DiagnosticRecord &d) {
  return is_heartbeat(d) || (d.kind == "metric" && d.value);
}

void log_record(JsonOut &j, const DiagnosticRecord &d) {
  int sev = otlp_severity(d.level);
  j.begin_object().field("timeUnixNano", nanos(d.ts)).field("observedTimeUnixNano", nanos(d.received_at));
  j.field("severityNumber", sev);
  if (d.level) j.field("severityText", *d.level);
  j.key("body").begin_object().field("stringValue", d.message ? *d.message : d.name).end_object();
  j.key("attributes").begin_array();
  str_attr(j, "event.name", d.name);
  str_attr(j, "helpline.kind", d.kind);
  j.begin_object()
      .field("key", "helpline.diagnostic_id")
      .key("value")
      .begin_object()
      .field("intValue", std::to_string(d.seq))
      .end_object()
      .end_object();
  if (d.ticket_id) str_attr(j, "helpline.ticket_id", *d.ticket_id);
  if (d.request_id) str_attr(j, "helpline.request_id", *d.request_id);
  if (d.value && std::isfinite(*d.value))
    j.begin_object()
        .field("key", "helpline.value")
        .key("value")
        .begin_object()
        .key("doubleValue")
        .number(*d.value)
        .end_object()
        .end_object();
  if (!d.attributes_json.empty()) {
    rapidjson::Document a;
    a.Parse(d.attributes_json.data(), d.attributes_json.size());
    if (!a.HasParseError() && a.IsObject()) {
      if (const rapidjson::Value *rule = member(&a, "rule"); rule && rule->IsObject()) {
        const rapidjson::Value *id = member(rule, "rule_id");
        if (id && id->IsString()) str_attr(j, "helpline.rule_id", id->GetString());
      }
      for (const auto &m : a.GetObject()) {
        j.begin_object().field("key", std::string(m.name.GetString(), m.name.GetStringLength())).key("value");
        any_value(j, m.value, 1);
        j.end_object();
      }
    }
  }
  j.end_array().end_object();
}

struct Point {
  int64_t start_ms = 0, ts_ms = 0;
  double value = 0;
};

}  // namespace

int otlp_severity(const std::optional<std::string> &level) {
  switch (level_rank(level)) {
    case 1:
      return 5;  // DEBUG
    case 3:
      return 13;  // WARN
    case 4:
      return 17;  // ERROR
    case 5:
      return 21;  // FATAL
    default:
      return 9;  // INFO
  }
}

std::string otlp_logs_request(const std::vector<OtlpDevice> &devices, size_t &records) {
  records = 0;
  JsonOut j;
  j.begin_object().key("resourceLogs").begin_array();
  for (const auto &d : devices) {
    bool any = false;
    for (const auto *item : d.items) any = any || !is_metric_item(*item);
    if (!any) continue;
    j.begin_object();
    resource(j, d);
    j.key("scopeLogs").begin_array().begin_object();
    scope(j);
    j.key("logRecords").begin_array();
    for (const auto *item : d.items) {
      if (is_metric_item(*item)) continue;
      log_record(j, *item);
      ++records;
    }
    j.end_array().end_object().end_array().end_object();
  }
  j.end_array().end_object();
  return records ? j.take() : std::string();
}

std::string otlp_metrics_request(const std::vector<OtlpDevice> &devices, size_t &points) {
  points = 0;
  JsonOut j;
  j.begin_object().key("resourceMetrics").begin_array();
  for (const auto &d : devices) {
    std::map<std::string, std::vector<Point>> gauges, sums;
    for (const auto *item : d.items) {
      if (!is_metric_item(*item)) continue;
      if (!is_heartbeat(*item)) {
        if (std::isfinite(*item->value)) gauges[item->name].push_back(Point{0, item->ts, *item->value});
        continue;
      }
      rapidjson::Document a;
      a.Parse(item->attributes_json.data(), item->attributes_json.size());
      if (a.HasParseError() || !a.IsObject()) continue;
      const rapidjson::Value *m = member(&a, "metrics");
      const rapidjson::Value *interval = member(m, "interval_ms");
      int64_t start = item->ts - (interval && interval->IsInt64() ? interval->GetInt64() : 0);
      if (const rapidjson::Value *g = member(m, "gauges"); g && g->IsObject())
        for (const auto &x : g->GetObject()) {
          const rapidjson::Value *last = member(&x.value, "last");
          if (last && last->IsNumber() && std::isfinite(last->GetDouble()))
            gauges[x.name.GetString()].push_back(Point{0, item->ts, last->GetDouble()});
        }
      if (const rapidjson::Value *c = member(m, "counters"); c && c->IsObject())
        for (const auto &x : c->GetObject())
          if (x.value.IsNumber() && std::isfinite(x.value.GetDouble()))
            sums[x.name.GetString()].push_back(Point{start, item->ts, x.value.GetDouble()});
    }
    if (gauges.empty() && sums.empty()) continue;
    j.begin_object();
    resource(j, d);
    j.key("scopeMetrics").begin_array().begin_object();
    scope(j);
    j.key("metrics").begin_array();
    for (const auto &[name, pts] : gauges) {
      j.begin_object().field("name", name).key("gauge").begin_object().key("dataPoints").begin_array();
      for (const auto &p : pts) {
        j.begin_object().field("timeUnixNano", nanos(p.ts_ms)).key("asDouble").number(p.value).end_object();
        ++points;
      }
      j.end_array().end_object().end_object();
    }
    for (const auto &[name, pts] : sums) {
      j.begin_object().field("name", name).key("sum").begin_object().key("dataPoints").begin_array();
      for (const auto &p : pts) {
        j.begin_object().field("startTimeUnixNano", nanos(p.start_ms)).field("timeUnixNano", nanos(p.ts_ms));
        j.key("asDouble").number(p.value).end_object();
        ++points;
      }
      // AGGREGATION_TEMPORALITY_DELTA: each heartbeat carries the counter's change over its interval; not
      // monotonic, since the SDK's counters accept negative increments.
      j.end_array().field("aggregationTemporality", 1).field("isMonotonic", false).end_object().end_object();
    }
    j.end_array().end_object().end_array().end_object();
  }
  j.end_array().end_object();
  return points ? j.take() : std::string();
}

}  // namespace helpline::server
