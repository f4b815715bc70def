// The per-device health timeline (protocol.md 14.5): diagnostics, rule firings and tickets bucketed by time,
// heartbeat gauges folded per bucket, counters summed. Expected values are worked out in the comments.
#define BOOST_TEST_MODULE helpline_server_device_timeline
#include <boost/test/unit_test.hpp>

#include "device_timeline.hpp"
#include "server_test_support.hpp"

#include <string>

using namespace helpline::server;
using helpline::server::test::parse;

namespace {

constexpr int64_t kHour = 3600000;

DiagnosticRecord diag(int64_t ts, const std::string &kind, const std::string &name,
                      const std::string &attrs = "", std::optional<std::string> level = {},
                      std::optional<double> value = {}) {
  DiagnosticRecord d;
  d.ts = ts;
  d.kind = kind;
  d.name = name;
  d.attributes_json = attrs;
  d.level = std::move(level);
  d.value = value;
  return d;
}

// Two and a half hours: buckets [0, 1h), [1h, 2h), [2h, 2.5h).
TimelineFacts sample() {
  TimelineFacts f;
  f.from = 0;
  f.to = 2 * kHour + kHour / 2;
  f.bucket = kHour;
  f.diagnostics = {
      diag(1000, "log", "db", "", std::string("error")),
      // battery: min 40, max 60, last 50 from 10 samples; crashes +2
      diag(2000, "metric", "heartbeat",
           R"({"metrics": {"counters": {"crashes": 2},
               "gauges": {"battery": {"last": 50, "min": 40, "max": 60, "samples": 10}}}})"),
      // battery: only "last" (30): min = max = 30, one sample; crashes +3
      diag(3000, "metric", "heartbeat",
           R"({"metrics": {"counters": {"crashes": 3}, "gauges": {"battery": {"last": 30}}}})"),
      diag(kHour + 5, "metric", "temp", "", std::nullopt, 21.0),
      diag(kHour + 10, "event", "rule_fired",
           R"({"rule": {"rule_id": "hot", "metric": "temp", "op": ">", "threshold": 20, "value": 21}})",
           std::string("warning")),
      diag(f.to, "log", "late", "", std::string("error")),  // outside: to is exclusive
      diag(-1, "log", "early"),                             // outside
  };
  RuleFiringRecord s;
  s.rule_id = "r1";
  s.action = "ticket";
  s.ticket_id = "t9";
  s.value = 5.0;
  s.at = 2 * kHour + 1;
  f.server_firings = {s};
  TicketRecord t;
  t.id = "t9";
  t.subject = "hot";
  t.status = "open";
  t.proactive_rule = "r1";
  t.created_at = 2 * kHour + 2;
  f.tickets = {t};
  return f;
}

}  // namespace

BOOST_AUTO_TEST_CASE(buckets_count_levels_kinds_heartbeats_firings_and_tickets) {
  rapidjson::Document d = parse(timeline_json("dev-1", sample()));
  BOOST_TEST(std::string(d["device_id"].GetString()) == "dev-1");
  BOOST_TEST(d["bucket"].GetInt64() == kHour);
  BOOST_TEST(!d["truncated"].GetBool());
  const auto &b = d["buckets"];
  BOOST_REQUIRE(b.Size() == 3u);

  BOOST_TEST(b[0]["from"].GetInt64() == 0);
  BOOST_TEST(b[0]["to"].GetInt64() == kHour);
  BOOST_TEST(b[0]["total"].GetInt64() == 3);
  BOOST_TEST(b[0]["levels"]["error"].GetInt64() == 1);
  BOOST_TEST(b[0]["levels"]["other"].GetInt64() == 2);  // heartbeats carry no level
  BOOST_TEST(b[0]["levels"]["fatal"].GetInt64() == 0);
  BOOST_TEST(b[0]["kinds"]["log"].GetInt64() == 1);
  BOOST_TEST(b[0]["kinds"]["metric"].GetInt64() == 2);
  BOOST_TEST(b[0]["heartbeats"].GetInt64() == 2);

  BOOST_TEST(b[1]["total"].GetInt64() == 2);
  BOOST_TEST(b[1]["levels"]["warning"].GetInt64() == 1);
  BOOST_TEST(b[1]["device_rule_firings"].GetInt64() == 1);
  BOOST_TEST(b[1]["heartbeats"].GetInt64() == 0);

  // The last bucket is cut at `to`.
  BOOST_TEST(b[2]["from"].GetInt64() == 2 * kHour);
  BOOST_TEST(b[2]["to"].GetInt64() == 2 * kHour + kHour / 2);
  BOOST_TEST(b[2]["total"].GetInt64() == 0);
  BOOST_TEST(b[2]["server_rule_firings"].GetInt64() == 1);
  BOOST_TEST(b[2]["tickets_opened"].GetInt64() == 1);
  BOOST_TEST(b[2]["kinds"].ObjectEmpty());
}

BOOST_AUTO_TEST_CASE(gauges_fold_min_max_last_and_average_counters_sum) {
  rapidjson::Document d = parse(timeline_json("dev-1", sample()));
  const auto &battery = d["metrics"]["battery"];
  BOOST_TEST(std::string(battery["type"].GetString()) == "gauge");
  const auto &p0 = battery["points"][0];
  BOOST_TEST(p0["last"].GetDouble() == 30.0);  // the newest report
  BOOST_TEST(p0["min"].GetDouble() == 30.0);
  BOOST_TEST(p0["max"].GetDouble() == 60.0);
  BOOST_TEST(p0["avg"].GetDouble() == 40.0);  // (50 + 30) / 2 reports
  BOOST_TEST(p0["samples"].GetInt64() == 11);
  BOOST_TEST(battery["points"][1].IsNull());
  BOOST_TEST(battery["points"][2].IsNull());

  const auto &crashes = d["metrics"]["crashes"];
  BOOST_TEST(std::string(crashes["type"].GetString()) == "counter");
  BOOST_TEST(crashes["points"][0]["sum"].GetDouble() == 5.0);
  BOOST_TEST(crashes["points"][1].IsNull());

  const auto &temp = d["metrics"]["temp"];  // a plain metric item is a gauge too
  BOOST_TEST(temp["points"][0].IsNull());
  BOOST_TEST(temp["points"][1]["last"].GetDouble() == 21.0);
  BOOST_TEST(temp["points"][1]["samples"].GetInt64() == 1);
}

BOOST_AUTO_TEST_CASE(rule_firings_from_devices_and_the_server_are_listed_by_time) {
  rapidjson::Document d = parse(timeline_json("dev-1", sample()));
  const auto &f = d["rule_firings"];
  BOOST_REQUIRE(f.Size() == 2u);
  BOOST_TEST(std::string(f[0]["source"].GetString()) == "device");
  BOOST_TEST(f[0]["ts"].GetInt64() == kHour + 10);
  BOOST_TEST(std::string(f[0]["rule_id"].GetString()) == "hot");
  BOOST_TEST(std::string(f[0]["metric"].GetString()) == "temp");
  BOOST_TEST(std::string(f[0]["op"].GetString()) == ">");
  BOOST_TEST(f[0]["threshold"].GetDouble() == 20.0);
  BOOST_TEST(f[0]["value"].GetDouble() == 21.0);
  BOOST_TEST(!f[0].HasMember("action"));

  BOOST_TEST(std::string(f[1]["source"].GetString()) == "server");
  BOOST_TEST(std::string(f[1]["action"].GetString()) == "ticket");
  BOOST_TEST(std::string(f[1]["ticket_id"].GetString()) == "t9");
  BOOST_TEST(f[1]["notice_id"].IsNull());
  BOOST_TEST(f[1]["value"].GetDouble() == 5.0);
  BOOST_TEST(!f[1].HasMember("metric"));
  BOOST_TEST(!f[1].HasMember("threshold"));

  const auto &t = d["tickets"];
  BOOST_REQUIRE(t.Size() == 1u);
  BOOST_TEST(std::string(t[0]["id"].GetString()) == "t9");
  BOOST_TEST(t[0]["proactive"].GetBool());
  BOOST_TEST(std::string(t[0]["rule_id"].GetString()) == "r1");
}

BOOST_AUTO_TEST_CASE(a_truncated_load_is_reported_and_an_empty_one_gives_empty_buckets) {
  TimelineFacts f;
  f.from = 0;
  f.to = 2 * 24 * kHour;
  f.bucket = 24 * kHour;
  f.truncated = true;
  rapidjson::Document d = parse(timeline_json("dev-2", f));
  BOOST_TEST(d["truncated"].GetBool());
  BOOST_REQUIRE(d["buckets"].Size() == 2u);
  BOOST_TEST(d["buckets"][1]["from"].GetInt64() == 24 * kHour);
  BOOST_TEST(d["buckets"][1]["total"].GetInt64() == 0);
  BOOST_TEST(d["metrics"].ObjectEmpty());
  BOOST_TEST(d["rule_firings"].Empty());
}
