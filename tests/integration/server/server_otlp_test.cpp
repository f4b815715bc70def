// OpenTelemetry export (docs/protocol.md 18.2): ingested diagnostics re-exported as OTLP/HTTP JSON logs and
// metrics to a collector written here (otlp_receiver.hpp), every payload validated against the OTLP JSON
// mapping; a down collector never slows ingest, drops are counted, retryable failures are retried.
#define BOOST_TEST_MODULE server_otlp
#include "helpline/testing.hpp"
#include "helpline/testing/checks.hpp"
#include "helpline/testing/clock.hpp"
#include "helpline/testing/device_client.hpp"
#include "helpline/testing/diagnostics_items.hpp"
#include "helpline/testing/json.hpp"
#include "helpline/testing/shared_server.hpp"
#include "helpline/testing/unique.hpp"
#include "helpline/testing/wait.hpp"
#include "otlp_receiver.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <fstream>
#include <sstream>

namespace hlt = helpline::testing;
namespace diag = helpline::testing::diag;
using namespace helpline::testing;

namespace {

// A server whose server.json has an "otlp" section (`otlp_json`).
std::unique_ptr<hlt::ServerProcess> server_with_otlp(const std::string &otlp_json) {
  auto server = std::make_unique<hlt::ServerProcess>(hlt::shared_config(), false);
  std::ifstream in(server->config_path());
  std::stringstream ss;
  ss << in.rdbuf();
  rapidjson::Document doc;
  doc.Parse(ss.str().c_str());
  rapidjson::Document otlp(&doc.GetAllocator());
  otlp.Parse(otlp_json.c_str());
  BOOST_REQUIRE(!otlp.HasParseError());
  doc.AddMember("otlp", rapidjson::Value(otlp, doc.GetAllocator()), doc.GetAllocator());
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  doc.Accept(w);
  std::ofstream(server->config_path()) << buf.GetString();
  server->start();
  return server;
}

rapidjson::Document stats(hlt::ServerProcess &server) {
  auto agent = hlt::create_and_login_agent(server, hlt::unique("o") + "@example.com");
  auto http = hlt::agent_client(agent, server);
  return json(http.get("/v1/agent/otlp"));
}

struct Parsed {
  std::vector<rapidjson::Document> logs, metrics;
};

// Every received payload, validated; fails the test on any mapping violation.
Parsed validated(otlp_test::Receiver &rx) {
  Parsed out;
  for (const auto &r : rx.received()) {
    BOOST_CHECK_EQUAL(r.headers.at("content-type"), "application/json");
    rapidjson::Document d;
    d.Parse(r.body.c_str(), r.body.size());
    BOOST_REQUIRE_MESSAGE(!d.HasParseError(), "payload is not JSON: " + r.body.substr(0, 200));
    otlp_test::Validator v;
    if (r.path == "/v1/logs")
      v.logs_request(d);
    else if (r.path == "/v1/metrics")
      v.metrics_request(d);
    else
      BOOST_ERROR("unexpected path " + r.path);
    for (const auto &e : v.errors) BOOST_ERROR("OTLP mapping: " + r.path + " " + e);
    (r.path == "/v1/logs" ? out.logs : out.metrics).push_back(std::move(d));
  }
  return out;
}

size_t count(const std::vector<rapidjson::Document> &docs, const char *resource_key, const char *scope_key,
             const char *items_key) {
  size_t n = 0;
  for (const auto &d : docs)
    for (const auto &r : d[resource_key].GetArray())
      for (const auto &s : r[scope_key].GetArray()) n += s[items_key].Size();
  return n;
}

// Attribute `key` of a KeyValue list, or nullptr.
const rapidjson::Value *attr(const rapidjson::Value &list, const std::string &key) {
  for (const auto &kv : list.GetArray())
    if (key == kv["key"].GetString()) return &kv["value"];
  return nullptr;
}

std::string attr_str(const rapidjson::Value &list, const std::string &key) {
  const auto *v = attr(list, key);
  return v && v->HasMember("stringValue") ? (*v)["stringValue"].GetString() : "<missing>";
}

// The log record whose event.name is `name` (and the resource it came with).
std::pair<const rapidjson::Value *, const rapidjson::Value *> record(const Parsed &p,
                                                                     const std::string &name) {
  for (const auto &d : p.logs)
    for (const auto &r : d["resourceLogs"].GetArray())
      for (const auto &s : r["scopeLogs"].GetArray())
        for (const auto &lr : s["logRecords"].GetArray())
          if (attr_str(lr["attributes"], "event.name") == name) return {&lr, &r["resource"]};
  return {nullptr, nullptr};
}

const rapidjson::Value *metric(const Parsed &p, const std::string &name) {
  for (const auto &d : p.metrics)
    for (const auto &r : d["resourceMetrics"].GetArray())
      for (const auto &s : r["scopeMetrics"].GetArray())
        for (const auto &m : s["metrics"].GetArray())
          if (name == m["name"].GetString()) return &m;
  return nullptr;
}

std::string nanos(long long ms) {
  return std::to_string(ms) + "000000";
}

}  // namespace

BOOST_AUTO_TEST_CASE(diagnostics_are_exported_as_valid_otlp_logs_and_metrics_with_their_content) {
  otlp_test::Receiver rx;
  auto server = server_with_otlp(R"({"endpoint":")" + rx.endpoint() +
                                 R"(","headers":{"X-Api-Key":"k-123"},"batch_ms":100})");
  Device dev(*server);
  BOOST_REQUIRE_EQUAL(dev.http
                          .put("/v1/device", R"({"model":"X100","os":"linux","os_version":"6.1",)"
                                             R"("app_version":"1.4.0","firmware_version":"2.3.1"})")
                          .status,
                      200);
  const long long ts = hlt::now_ms() - 5000;
  diag::send_ok(
      dev, {diag::item("event", "crash", ts, R"("level":"error","message":"segfault in render")",
                       R"({"thread":"main","count":3,"ratio":0.5,"ok":true,"nested":{"a":[1,"x",null]}})"),
            diag::item("breadcrumb", "ui.tap", ts + 1),
            diag::device_rule_firing(ts + 2, "disk_low", "disk_free_pct", 5, 4),
            diag::item("snapshot", "diagnostics_request", ts + 3, "",
                       R"({"logs":"line 1\nline 2","breadcrumbs":[{"category":"ui","message":"tap"}]})"),
            diag::heartbeat(ts + 4, {{"disk_free_pct", 42}}, {{"wifi_disconnects", 3}})});
  BOOST_REQUIRE(hlt::wait_until(
      [&] {
        auto p = validated(rx);
        return count(p.logs, "resourceLogs", "scopeLogs", "logRecords") >= 4 && !p.metrics.empty();
      },
      std::chrono::seconds(10)));
  const Parsed p = validated(rx);
  BOOST_CHECK_EQUAL(count(p.logs, "resourceLogs", "scopeLogs", "logRecords"),
                    4u);  // heartbeats are metrics only
  for (const auto &r : rx.received()) BOOST_CHECK_EQUAL(r.headers.at("x-api-key"), "k-123");

  auto [crash, resource] = record(p, "crash");
  BOOST_REQUIRE(crash != nullptr);
  const auto &ra = (*resource)["attributes"];
  BOOST_CHECK_EQUAL(attr_str(ra, "service.name"), hlt::kAppKey);
  BOOST_CHECK_EQUAL(attr_str(ra, "device.id"), dev.id);
  BOOST_CHECK_EQUAL(attr_str(ra, "device.model.identifier"), "X100");
  BOOST_CHECK_EQUAL(attr_str(ra, "os.name"), "linux");
  BOOST_CHECK_EQUAL(attr_str(ra, "os.version"), "6.1");
  BOOST_CHECK_EQUAL(attr_str(ra, "service.version"), "1.4.0");
  BOOST_CHECK_EQUAL(attr_str(ra, "helpline.firmware_version"), "2.3.1");
  BOOST_CHECK_EQUAL((*crash)["timeUnixNano"].GetString(), nanos(ts));
  BOOST_CHECK_EQUAL((*crash)["severityNumber"].GetInt(), 17);  // ERROR
  BOOST_CHECK_EQUAL((*crash)["severityText"].GetString(), std::string("error"));
  BOOST_CHECK_EQUAL((*crash)["body"]["stringValue"].GetString(), std::string("segfault in render"));
  const auto &ca = (*crash)["attributes"];
  BOOST_CHECK_EQUAL(attr_str(ca, "helpline.kind"), "event");
  BOOST_CHECK_EQUAL(attr_str(ca, "thread"), "main");
  BOOST_CHECK_EQUAL((*attr(ca, "count"))["intValue"].GetString(), std::string("3"));
  BOOST_CHECK_CLOSE((*attr(ca, "ratio"))["doubleValue"].GetDouble(), 0.5, 1e-9);
  BOOST_CHECK((*attr(ca, "ok"))["boolValue"].GetBool());
  const auto &nested = (*attr(ca, "nested"))["kvlistValue"]["values"];
  const auto &arr = (*attr(nested, "a"))["arrayValue"]["values"];
  BOOST_REQUIRE_EQUAL(arr.Size(), 3u);
  BOOST_CHECK_EQUAL(arr[0]["intValue"].GetString(), std::string("1"));
  BOOST_CHECK_EQUAL(arr[1]["stringValue"].GetString(), std::string("x"));
  BOOST_CHECK(arr[2].IsObject() && arr[2].MemberCount() == 0);  // null: the empty AnyValue
  BOOST_CHECK(attr(ca, "helpline.diagnostic_id") != nullptr);

  auto [crumb, r2] = record(p, "ui.tap");
  BOOST_REQUIRE(crumb != nullptr);
  BOOST_CHECK_EQUAL((*crumb)["severityNumber"].GetInt(), 9);  // INFO when no level
  BOOST_CHECK_EQUAL((*crumb)["body"]["stringValue"].GetString(), std::string("ui.tap"));
  auto [fired, r3] = record(p, "disk_low");
  BOOST_REQUIRE(fired != nullptr);
  BOOST_CHECK_EQUAL((*fired)["severityNumber"].GetInt(), 13);  // WARN
  BOOST_CHECK_EQUAL(attr_str((*fired)["attributes"], "helpline.rule_id"), "disk_low");
  auto [snap, r4] = record(p, "diagnostics_request");
  BOOST_REQUIRE(snap != nullptr);
  BOOST_CHECK_EQUAL(attr_str((*snap)["attributes"], "logs"), "line 1\nline 2");
  BOOST_CHECK_EQUAL(attr_str((*snap)["attributes"], "helpline.kind"), "snapshot");

  const auto *disk = metric(p, "disk_free_pct");
  BOOST_REQUIRE(disk != nullptr);
  BOOST_CHECK_CLOSE((*disk)["gauge"]["dataPoints"][0]["asDouble"].GetDouble(), 42.0, 1e-9);
  BOOST_CHECK_EQUAL((*disk)["gauge"]["dataPoints"][0]["timeUnixNano"].GetString(), nanos(ts + 4));
  const auto *wifi = metric(p, "wifi_disconnects");
  BOOST_REQUIRE(wifi != nullptr);
  BOOST_CHECK_EQUAL((*wifi)["sum"]["aggregationTemporality"].GetInt(), 1);  // DELTA
  BOOST_CHECK(!(*wifi)["sum"]["isMonotonic"].GetBool());
  BOOST_CHECK_CLOSE((*wifi)["sum"]["dataPoints"][0]["asDouble"].GetDouble(), 3.0, 1e-9);
  BOOST_CHECK_EQUAL((*wifi)["sum"]["dataPoints"][0]["startTimeUnixNano"].GetString(), nanos(ts + 4 - 60000));

  const auto s = stats(*server);
  BOOST_CHECK(hlt::at(s, "/enabled")->GetBool());
  BOOST_CHECK_EQUAL(int_at(s, "/exported_log_records"), 4);
  BOOST_CHECK_EQUAL(int_at(s, "/exported_metric_points"), 2);
  BOOST_CHECK_EQUAL(int_at(s, "/dropped_queue_full"), 0);
}

BOOST_AUTO_TEST_CASE(a_down_collector_never_slows_ingest_and_drops_are_counted) {
  int port = 0;
  {
    otlp_test::Receiver closed;  // take a free port, then close it: nothing listens there
    port = std::stoi(closed.endpoint().substr(closed.endpoint().rfind(':') + 1));
  }
  auto server = server_with_otlp(R"({"endpoint":"http://127.0.0.1:)" + std::to_string(port) +
                                 R"(","batch_ms":50,"max_queue_items":5,"max_retries":1,"timeout_ms":500})");
  Device dev(*server);
  for (int round = 0; round < 3; ++round) {
    std::vector<std::string> items;
    for (int i = 0; i < 10; ++i)
      items.push_back(diag::item("event", "e", hlt::now_ms(), R"("level":"info")"));
    const auto start = std::chrono::steady_clock::now();
    diag::send_ok(dev, items);
    BOOST_CHECK_LT(hlt::ms_since(start), 1000);
  }
  BOOST_REQUIRE(hlt::wait_until(
      [&] {
        auto s = stats(*server);
        return int_at(s, "/queued") == 0 && int_at(s, "/requests_failed") >= 1;
      },
      std::chrono::seconds(10)));
  const auto s = stats(*server);
  BOOST_CHECK_EQUAL(int_at(s, "/accepted") + int_at(s, "/dropped_queue_full"), 30);
  BOOST_CHECK_GE(int_at(s, "/dropped_queue_full"), 5);  // the first batch of 10 met a queue of 5
  BOOST_CHECK_EQUAL(int_at(s, "/exported_log_records"), 0);
  BOOST_CHECK(str_at(s, "/last_error").find("/v1/logs") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(retryable_failures_are_retried_and_a_refused_batch_is_dropped) {
  otlp_test::Receiver rx;
  rx.fail_next(2, 503);
  auto server = server_with_otlp(R"({"endpoint":")" + rx.endpoint() + R"(","batch_ms":50,"max_retries":3})");
  Device dev(*server);
  diag::send_ok(dev, {diag::item("event", "first", hlt::now_ms(), R"("level":"error")")});
  BOOST_REQUIRE(hlt::wait_until([&] { return rx.received().size() == 1; }, std::chrono::seconds(10)));
  BOOST_CHECK_EQUAL(rx.refused(), 2);
  validated(rx);
  auto s = stats(*server);
  BOOST_CHECK_EQUAL(int_at(s, "/requests_failed"), 2);
  BOOST_CHECK_EQUAL(int_at(s, "/exported_log_records"), 1);

  rx.fail_next(1, 400);  // not retryable: given up at once
  diag::send_ok(dev, {diag::item("event", "second", hlt::now_ms())});
  BOOST_REQUIRE(hlt::wait_until([&] { return int_at(stats(*server), "/dropped_failed") == 1; },
                                std::chrono::seconds(10)));
  BOOST_CHECK_EQUAL(rx.refused(), 3);
  BOOST_CHECK_EQUAL(rx.received().size(), 1u);
}

BOOST_AUTO_TEST_CASE(an_invalid_otlp_section_stops_the_server_with_exit_code_2) {
  auto server = std::make_unique<hlt::ServerProcess>(hlt::shared_config(), false);
  const std::string cfg = R"({"otlp":{"endpoint":"ftp://collector"},"apps":[]})";
  std::ofstream(server->config_path()) << cfg;
  const auto r = server->run_command({"--config", server->config_path().string(), "--listen", "127.0.0.1:0"});
  BOOST_CHECK_EQUAL(r.exit_code, 2);
  BOOST_CHECK(r.output.find("otlp.endpoint") != std::string::npos);
}
