// Diagnostics as OTLP/HTTP JSON (protocol.md 18.2): resources, log records, gauges and delta sums, following
// the OTLP JSON mapping (64-bit integers as decimal strings, AnyValue objects, enums as numbers).
#define BOOST_TEST_MODULE helpline_server_otlp_json
#include <boost/test/unit_test.hpp>

#include "otlp/otlp_json.hpp"
#include "server_test_support.hpp"

#include <map>
#include <string>

using namespace helpline::server;
using helpline::server::test::parse;

namespace {

DiagnosticRecord log_item() {
  DiagnosticRecord d;
  d.seq = 42;
  d.device_id = "dev-00000001";
  d.kind = "log";
  d.name = "boot";
  d.ts = 1700000000123;
  d.received_at = 1700000000456;
  d.level = "error";
  d.message = "disk full";
  d.value = 2.5;
  d.ticket_id = "t1";
  d.attributes_json =
      R"({"rule": {"rule_id": "r9"}, "count": 3, "ok": true, "big": 18446744073709551615,
          "nested": {"a": [1, "x", null]}})";
  return d;
}

DiagnosticRecord heartbeat() {
  DiagnosticRecord d;
  d.seq = 43;
  d.kind = "metric";
  d.name = "heartbeat";
  d.ts = 1000000;
  d.attributes_json =
      R"({"metrics": {"interval_ms": 60000, "counters": {"crashes": 2}, "gauges": {"battery": {"last": 14.5}}}})";
  return d;
}

DiagnosticRecord metric_item() {
  DiagnosticRecord d;
  d.seq = 44;
  d.kind = "metric";
  d.name = "temp";
  d.ts = 2000000;
  d.value = 21.5;
  return d;
}

// key -> value object of an OTLP attribute list.
std::map<std::string, const rapidjson::Value *> attributes(const rapidjson::Value &list) {
  std::map<std::string, const rapidjson::Value *> out;
  for (const auto &kv : list.GetArray()) out[kv["key"].GetString()] = &kv["value"];
  return out;
}

std::string str(const rapidjson::Value *v) {
  return v->HasMember("stringValue") ? (*v)["stringValue"].GetString() : "<not a string>";
}

}  // namespace

BOOST_AUTO_TEST_CASE(levels_map_to_otlp_severity_numbers) {
  BOOST_TEST(otlp_severity(std::nullopt) == 9);
  BOOST_TEST(otlp_severity(std::string("trace")) == 5);
  BOOST_TEST(otlp_severity(std::string("DEBUG")) == 5);
  BOOST_TEST(otlp_severity(std::string("info")) == 9);
  BOOST_TEST(otlp_severity(std::string("warning")) == 13);
  BOOST_TEST(otlp_severity(std::string("err")) == 17);
  BOOST_TEST(otlp_severity(std::string("critical")) == 21);
  BOOST_TEST(otlp_severity(std::string("verbose")) == 9);
}

BOOST_AUTO_TEST_CASE(a_log_record_carries_times_as_nanosecond_strings_and_attributes_as_any_values) {
  DiagnosticRecord l = log_item(), h = heartbeat();
  OtlpDevice dev{
      "pk_app",
      "dev-00000001",
      R"({"model": "X1", "os": "linux", "app_version": "3.1", "attributes": {"channel": "kiosk", "n": 1}})",
      {&l, &h}};
  size_t records = 99;
  rapidjson::Document d = parse(otlp_logs_request({dev}, records));
  BOOST_TEST(records == 1u);  // the heartbeat is a metric, not a log record
  const auto &rl = d["resourceLogs"];
  BOOST_REQUIRE(rl.Size() == 1u);

  auto res = attributes(rl[0]["resource"]["attributes"]);
  BOOST_TEST(str(res["service.name"]) == "pk_app");
  BOOST_TEST(str(res["device.id"]) == "dev-00000001");
  BOOST_TEST(str(res["device.model.identifier"]) == "X1");
  BOOST_TEST(str(res["os.name"]) == "linux");
  BOOST_TEST(str(res["service.version"]) == "3.1");
  BOOST_TEST(str(res["helpline.device.channel"]) == "kiosk");
  BOOST_TEST(res.count("helpline.device.n") == 0u);  // only string attributes
  BOOST_TEST(res.count("os.version") == 0u);

  const auto &scope = rl[0]["scopeLogs"][0]["scope"];
  BOOST_TEST(std::string(scope["name"].GetString()) == "helpline-server");
  BOOST_TEST(std::string(scope["version"].GetString()) == HELPLINE_SERVER_VERSION);

  const auto &rec = rl[0]["scopeLogs"][0]["logRecords"][0];
  BOOST_TEST(std::string(rec["timeUnixNano"].GetString()) == "1700000000123000000");
  BOOST_TEST(std::string(rec["observedTimeUnixNano"].GetString()) == "1700000000456000000");
  BOOST_TEST(rec["severityNumber"].GetInt() == 17);
  BOOST_TEST(std::string(rec["severityText"].GetString()) == "error");
  BOOST_TEST(std::string(rec["body"]["stringValue"].GetString()) == "disk full");

  auto a = attributes(rec["attributes"]);
  BOOST_TEST(str(a["event.name"]) == "boot");
  BOOST_TEST(str(a["helpline.kind"]) == "log");
  BOOST_TEST(std::string((*a["helpline.diagnostic_id"])["intValue"].GetString()) == "42");
  BOOST_TEST(str(a["helpline.ticket_id"]) == "t1");
  BOOST_TEST((*a["helpline.value"])["doubleValue"].GetDouble() == 2.5);
  BOOST_TEST(str(a["helpline.rule_id"]) == "r9");
  BOOST_TEST(std::string((*a["count"])["intValue"].GetString()) == "3");
  BOOST_TEST((*a["ok"])["boolValue"].GetBool());
  BOOST_TEST((*a["big"])["doubleValue"].GetDouble() == 18446744073709551615.0);  // beyond int64
  BOOST_TEST((*a["rule"]).HasMember("kvlistValue"));
  const auto &arr = (*a["nested"])["kvlistValue"]["values"][0]["value"]["arrayValue"]["values"];
  BOOST_REQUIRE(arr.Size() == 3u);
  BOOST_TEST(std::string(arr[0]["intValue"].GetString()) == "1");
  BOOST_TEST(std::string(arr[1]["stringValue"].GetString()) == "x");
  BOOST_TEST(arr[2].ObjectEmpty());  // null is the empty AnyValue
}

BOOST_AUTO_TEST_CASE(without_a_message_the_body_is_the_name_and_without_a_level_info) {
  DiagnosticRecord l = log_item();
  l.message.reset();
  l.level.reset();
  l.ts = -5;  // before the epoch: clamped to 0
  OtlpDevice dev{"pk_app", "dev-00000001", "", {&l}};
  size_t records = 0;
  rapidjson::Document d = parse(otlp_logs_request({dev}, records));
  const auto &rec = d["resourceLogs"][0]["scopeLogs"][0]["logRecords"][0];
  BOOST_TEST(std::string(rec["body"]["stringValue"].GetString()) == "boot");
  BOOST_TEST(rec["severityNumber"].GetInt() == 9);
  BOOST_TEST(!rec.HasMember("severityText"));
  BOOST_TEST(std::string(rec["timeUnixNano"].GetString()) == "0");
}

BOOST_AUTO_TEST_CASE(the_resource_falls_back_to_the_device_object_of_an_item) {
  DiagnosticRecord l = log_item();
  l.attributes_json = R"({"device": {"model": "Z9", "os_version": "6.1"}})";
  OtlpDevice dev{"pk_app", "dev-00000001", "", {&l}};
  size_t records = 0;
  rapidjson::Document d = parse(otlp_logs_request({dev}, records));
  auto res = attributes(d["resourceLogs"][0]["resource"]["attributes"]);
  BOOST_TEST(str(res["device.model.identifier"]) == "Z9");
  BOOST_TEST(str(res["os.version"]) == "6.1");
}

BOOST_AUTO_TEST_CASE(heartbeats_give_gauges_and_delta_sums_and_metric_items_gauges) {
  DiagnosticRecord l = log_item(), h = heartbeat(), m = metric_item();
  OtlpDevice dev{"pk_app", "dev-00000001", "", {&l, &h, &m}};
  size_t points = 0;
  rapidjson::Document d = parse(otlp_metrics_request({dev}, points));
  BOOST_TEST(points == 3u);  // battery, temp, crashes
  const auto &metrics = d["resourceMetrics"][0]["scopeMetrics"][0]["metrics"];
  BOOST_REQUIRE(metrics.Size() == 3u);
  // Gauges first, by name; then sums.
  BOOST_TEST(std::string(metrics[0]["name"].GetString()) == "battery");
  const auto &bp = metrics[0]["gauge"]["dataPoints"][0];
  BOOST_TEST(std::string(bp["timeUnixNano"].GetString()) == "1000000000000");
  BOOST_TEST(bp["asDouble"].GetDouble() == 14.5);
  BOOST_TEST(std::string(metrics[1]["name"].GetString()) == "temp");
  BOOST_TEST(metrics[1]["gauge"]["dataPoints"][0]["asDouble"].GetDouble() == 21.5);

  const auto &sum = metrics[2];
  BOOST_TEST(std::string(sum["name"].GetString()) == "crashes");
  BOOST_TEST(sum["sum"]["aggregationTemporality"].GetInt() == 1);  // DELTA
  BOOST_TEST(!sum["sum"]["isMonotonic"].GetBool());
  const auto &sp = sum["sum"]["dataPoints"][0];
  BOOST_TEST(std::string(sp["startTimeUnixNano"].GetString()) == "940000000000");  // ts - interval_ms
  BOOST_TEST(std::string(sp["timeUnixNano"].GetString()) == "1000000000000");
  BOOST_TEST(sp["asDouble"].GetDouble() == 2.0);
}

BOOST_AUTO_TEST_CASE(nothing_to_export_gives_an_empty_body) {
  DiagnosticRecord l = log_item(), h = heartbeat();
  size_t n = 7;
  BOOST_TEST(otlp_metrics_request({OtlpDevice{"pk_app", "d", "", {&l}}}, n).empty());
  BOOST_TEST(n == 0u);
  n = 7;
  BOOST_TEST(otlp_logs_request({OtlpDevice{"pk_app", "d", "", {&h}}}, n).empty());
  BOOST_TEST(n == 0u);
  BOOST_TEST(otlp_logs_request({}, n).empty());
}

BOOST_AUTO_TEST_CASE(a_device_with_only_metrics_gets_no_resource_logs_entry) {
  DiagnosticRecord l = log_item(), h = heartbeat();
  OtlpDevice logs_only{"pk_app", "a", "", {&l}}, metrics_only{"pk_app", "b", "", {&h}};
  size_t records = 0;
  rapidjson::Document d = parse(otlp_logs_request({metrics_only, logs_only}, records));
  BOOST_TEST(records == 1u);
  BOOST_REQUIRE(d["resourceLogs"].Size() == 1u);
  auto res = attributes(d["resourceLogs"][0]["resource"]["attributes"]);
  BOOST_TEST(str(res["device.id"]) == "a");
}
