// Reading what the SDK puts inside diagnostics (protocol.md 10.1): heartbeat metrics, rule firings, plain
// metric items, attribute paths and levels. Shared by the server rules, the health timeline and the OTLP
// export.
#pragma once
#include "store/store.hpp"

#include <rapidjson/document.h>

#include <optional>
#include <string>

namespace helpline::server {

// kind "metric", name "heartbeat": attributes.metrics = {"interval_ms", "counters": {name: n},
// "gauges": {name: {"last", "min", "max", "samples"}}}.
bool is_heartbeat(const DiagnosticRecord &d);
// kind "event" with attributes.rule (an on-device rule fired).
bool is_rule_firing(const DiagnosticRecord &d, const rapidjson::Value *attrs);

// The value of `metric` carried by this item: a metric item's own value (name == metric), a heartbeat's
// gauge "last" or counter sum, or a device rule firing's measured value (attributes.rule.metric == metric).
std::optional<double> metric_value(const DiagnosticRecord &d, const rapidjson::Value *attrs,
                                   const std::string &metric);
// attributes at a dotted path ("battery.level"), or nullptr.
const rapidjson::Value *attribute_at(const rapidjson::Value *attrs, const std::string &dotted);

// Level buckets: 0 none/unknown, 1 debug (trace, debug), 2 info (info, notice), 3 warning (warn, warning),
// 4 error (error, err), 5 fatal (fatal, critical, crit, emergency, alert).
int level_rank(const std::optional<std::string> &level);
const char *level_bucket(int rank);  // "other", "debug", "info", "warning", "error", "fatal"

// Lazily parsed attributes of one diagnostic (parsed once, only when a consumer needs them).
class ParsedAttributes {
 public:
  explicit ParsedAttributes(const std::string &json) : json_(json) {}
  const rapidjson::Value *get();  // nullptr when empty or not an object

 private:
  const std::string &json_;
  bool parsed_ = false;
  rapidjson::Document doc_;
};

}  // namespace helpline::server
