#pragma once
// Diagnostics posted the way the SDK shapes them (heartbeats, rule firings, snapshots;
// docs/protocol.md 10.1), for the server tests.

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "helpline/testing/checks.hpp"
#include "helpline/testing/device_client.hpp"
#include "helpline/testing/json.hpp"
#include "helpline/testing/unique.hpp"
#include "protocol/wire.hpp"

namespace helpline::testing::diag {

/// One diagnostics item (docs 10); `extra` is appended raw inside the object (e.g. R"("level":"error")").
inline std::string item(const std::string &kind, const std::string &name, long long ts,
                        const std::string &extra = "", const std::string &attributes = "") {
  std::string s = R"({"idempotency_key":)" + q(unique("d-")) + R"(,"kind":)" + q(kind) + R"(,"name":)" +
                  q(name) + R"(,"ts":)" + std::to_string(ts);
  if (!extra.empty()) s += "," + extra;
  if (!attributes.empty()) s += R"(,"attributes":)" + attributes;
  return s + "}";
}

/// A heartbeat as the SDK sends it: gauges {name: last} and counters {name: sum} over interval_ms.
inline std::string heartbeat(long long ts, const std::vector<std::pair<std::string, double>> &gauges,
                             const std::vector<std::pair<std::string, double>> &counters = {},
                             long long interval_ms = 60000) {
  std::string g = "{", c = "{";
  for (const auto &[k, v] : gauges) {
    if (g.size() > 1) g += ",";
    g += q(k) + R"(:{"last":)" + std::to_string(v) + R"(,"min":)" + std::to_string(v - 1) + R"(,"max":)" +
         std::to_string(v + 1) + R"(,"samples":3})";
  }
  for (const auto &[k, v] : counters) {
    if (c.size() > 1) c += ",";
    c += q(k) + ":" + std::to_string(v);
  }
  return item("metric", "heartbeat", ts, "",
              R"({"metrics":{"interval_ms":)" + std::to_string(interval_ms) + R"(,"counters":)" + c + "}" +
                  R"(,"gauges":)" + g + R"(},"device":{"model":"X100"},"facts":{"uptime_s":5}}})");
}

/// An on-device rule firing (kind event, level warning, attributes.rule).
inline std::string device_rule_firing(long long ts, const std::string &rule_id, const std::string &metric,
                                      double threshold, double value) {
  return item("event", rule_id, ts, R"("level":"warning")",
              R"({"rule":{"rule_id":)" + q(rule_id) + R"(,"kind":)" + q(rule_id) + R"(,"metric":)" +
                  q(metric) + R"(,"op":"<","threshold":)" + std::to_string(threshold) + R"(,"value":)" +
                  std::to_string(value) + "}}");
}

/// POST /v1/diagnostics/batch with `items`.
inline Response send(Device &dev, const std::vector<std::string> &items) {
  std::string body = R"({"items":[)";
  for (std::size_t i = 0; i < items.size(); ++i) body += (i ? "," : "") + items[i];
  return dev.http.post(wire::path::kDiagnosticsBatch, body + "]}");
}

/// Sends and requires every item accepted.
inline void send_ok(Device &dev, const std::vector<std::string> &items) {
  const auto r = send(dev, items);
  REQUIRE_STATUS(r, 200);
  const auto doc = json(r);
  BOOST_REQUIRE_MESSAGE(int_at(doc, "/accepted") == static_cast<long long>(items.size()),
                        "not all accepted: " + r.describe());
}

}  // namespace helpline::testing::diag
