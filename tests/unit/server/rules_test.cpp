// Server rules (protocol.md 14.3): validation and matching; the device rule set the server pushes (14.4);
// reading values out of diagnostics (heartbeats, rule firings, attribute paths, levels).
#define BOOST_TEST_MODULE helpline_server_rules
#include <boost/test/unit_test.hpp>

#include "api_error.hpp"
#include "rules/device_rule_set.hpp"
#include "rules/diagnostic_values.hpp"
#include "rules/server_rule.hpp"
#include "server_test_support.hpp"

#include <string>

using namespace helpline::server;
using helpline::server::test::parse;

namespace {

ServerRule rule_from(const std::string &json) {
  rapidjson::Document d = parse(json);
  return parse_server_rule(d);
}

// The message of the 400 a rule body is refused with ("" when it is accepted).
std::string rule_error(const std::string &json) {
  try {
    rule_from(json);
  } catch (const ApiError &e) {
    BOOST_TEST(e.status() == 400);
    return e.what();
  }
  return "";
}

std::string device_rules_error(const std::string &json) {
  rapidjson::Document d = parse(json);
  try {
    validate_device_rules(&d);
  } catch (const ApiError &e) {
    BOOST_TEST(e.status() == 400);
    return e.what();
  }
  return "";
}

DiagnosticRecord item(const std::string &kind, const std::string &name, const std::string &attrs = "",
                      std::optional<double> value = std::nullopt, std::optional<std::string> level = {}) {
  DiagnosticRecord d;
  d.kind = kind;
  d.name = name;
  d.attributes_json = attrs;
  d.value = value;
  d.level = std::move(level);
  return d;
}

// Whether `rule` matches `d`, and the value it compared.
std::pair<bool, std::optional<double>> matches(const ServerRule &rule, const DiagnosticRecord &d) {
  ParsedAttributes attrs(d.attributes_json);
  std::optional<double> value = 12345;  // must be reset by the call
  bool m = rule_matches_item(rule, d, attrs.get(), value);
  return {m, value};
}

const char *const kTicketAction = R"("action": {"type": "ticket", "subject": "s", "body": "b"})";

const char *const kHeartbeat =
    R"({"metrics": {"interval_ms": 60000, "counters": {"crashes": 3},
        "gauges": {"battery": {"last": 14.5, "min": 10, "max": 20, "samples": 4}}}})";

}  // namespace

BOOST_AUTO_TEST_SUITE(server_rule)

BOOST_AUTO_TEST_CASE(a_metric_rule_is_parsed_with_its_defaults) {
  ServerRule r = rule_from(std::string(R"({"name": "low battery",
      "match": {"metric": "battery", "op": "<", "value": 15}, )") +
                           kTicketAction + "}");
  BOOST_TEST(r.name == "low battery");
  BOOST_TEST(r.enabled);
  BOOST_TEST(r.metric == "battery");
  BOOST_TEST(r.op == "<");
  BOOST_REQUIRE(r.number.has_value());
  BOOST_TEST(*r.number == 15.0);
  BOOST_TEST(r.count == 1);
  BOOST_TEST(r.window_ms == 3600000);
  BOOST_TEST(r.cooldown_ms == 0);
  BOOST_TEST(r.target_json.empty());
  BOOST_TEST(r.action.type == "ticket");
  BOOST_TEST(r.action.subject == "s");
}

BOOST_AUTO_TEST_CASE(seconds_become_milliseconds_and_levels_are_lowered) {
  ServerRule r = rule_from(R"({"name": "n", "enabled": false,
      "match": {"level": ["ERROR", "Fatal"], "count": 3, "window_s": 60, "cooldown_s": 600},
      "action": {"type": "notice", "title": "t", "body": "b", "target_from_device": ["model"],
                 "duration_s": 120, "severity": "critical"}})");
  BOOST_TEST(!r.enabled);
  BOOST_TEST(r.levels == std::vector<std::string>({"error", "fatal"}));
  BOOST_TEST(r.count == 3);
  BOOST_TEST(r.window_ms == 60000);
  BOOST_TEST(r.cooldown_ms == 600000);
  BOOST_TEST(r.action.type == "notice");
  BOOST_TEST(r.action.severity == "critical");
  BOOST_REQUIRE(r.action.duration_ms.has_value());
  BOOST_TEST(*r.action.duration_ms == 120000);
  BOOST_TEST(r.action.target_from_device == std::vector<std::string>({"model"}));
}

BOOST_AUTO_TEST_CASE(bad_rules_are_refused_naming_the_field) {
  std::string a = kTicketAction;
  BOOST_TEST(rule_error(R"({"name": "n", "match": {"metric": "m", "op": "~", "value": 1}, )" + a + "}") ==
             "match.op: unknown operator \"~\" (use <, <=, >, >=, ==, !=)");
  BOOST_TEST(rule_error(R"({"name": "n", "match": {"metric": "m", "value": 1}, )" + a + "}") ==
             "match.op: required with metric or attribute (use <, <=, >, >=, ==, !=)");
  BOOST_TEST(
      rule_error(R"({"name": "n", "match": {"metric": "m", "attribute": "a", "op": "<", "value": 1}, )" + a +
                 "}") == "match: give either metric or attribute, not both");
  BOOST_TEST(rule_error(R"({"name": "n", "match": {"metric": "m", "op": "==", "value": "x"}, )" + a + "}") ==
             "match.value: must be a number (a string is allowed only with == or != on an attribute)");
  BOOST_TEST(rule_error(R"({"name": "n", "match": {}, )" + a + "}") ==
             "match: needs at least one of kind, name, level, metric, attribute");
  BOOST_TEST(rule_error(R"({"name": "n", "match": {"kind": "trace"}, )" + a + "}") ==
             "match.kind: one of event, breadcrumb, metric, snapshot, log");
  BOOST_TEST(rule_error(R"({"name": "n", "match": {"kind": "log", "count": 0}, )" + a + "}") ==
             "match.count: must be an integer in 1..1000");
  BOOST_TEST(rule_error(R"({"name": "n", "match": {"kind": "log", "window_s": 0}, )" + a + "}") ==
             "match.window_s: must be an integer number of seconds in 1..31536000");
  BOOST_TEST(rule_error(R"({"name": "n", "match": {"kind": "log", "op": "<"}, )" + a + "}") ==
             "match.op/value: need a metric or an attribute to compare");
  BOOST_TEST(rule_error(R"({"name": "n", "match": {"kind": "log"}, "action": {"type": "page"}})") ==
             "action.type: one of ticket, notice");
  BOOST_TEST(
      rule_error(
          R"({"name": "n", "match": {"kind": "log"}, "action": {"type": "notice", "title": "t", "body": "b"}})") ==
      "action: a notice needs target or target_from_device (which devices to tell)");
  BOOST_TEST(rule_error(R"({"name": "n", "action": {"type": "ticket"}})") == "match: must be an object");
  BOOST_TEST(rule_error(R"({"match": {"kind": "log"}, )" + a + "}").rfind("name", 0) == 0);
}

BOOST_AUTO_TEST_CASE(a_metric_rule_reads_heartbeat_gauges_counters_and_metric_items) {
  ServerRule battery =
      rule_from(std::string(R"({"name": "n", "match": {"metric": "battery", "op": "<", "value": 15}, )") +
                kTicketAction + "}");
  auto hb = matches(battery, item("metric", "heartbeat", kHeartbeat));
  BOOST_TEST(hb.first);
  BOOST_REQUIRE(hb.second.has_value());
  BOOST_TEST(*hb.second == 14.5);

  auto plain = matches(battery, item("metric", "battery", "", 15.0));
  BOOST_TEST(!plain.first);  // 15 < 15 is false
  BOOST_REQUIRE(plain.second.has_value());
  BOOST_TEST(*plain.second == 15.0);

  ServerRule crashes =
      rule_from(std::string(R"({"name": "n", "match": {"metric": "crashes", "op": ">=", "value": 3}, )") +
                kTicketAction + "}");
  BOOST_TEST(matches(crashes, item("metric", "heartbeat", kHeartbeat)).first);

  // An item without the metric does not match, and reports no value.
  auto other = matches(battery, item("log", "boot", R"({"battery": 1})"));
  BOOST_TEST(!other.first);
  BOOST_TEST(!other.second.has_value());
}

BOOST_AUTO_TEST_CASE(a_device_rule_firing_carries_the_measured_value) {
  ServerRule r =
      rule_from(std::string(R"({"name": "n", "match": {"metric": "temp", "op": ">", "value": 80}, )") +
                kTicketAction + "}");
  auto m = matches(
      r, item("event", "rule_fired", R"({"rule": {"rule_id": "hot", "metric": "temp", "value": 91}})"));
  BOOST_TEST(m.first);
  BOOST_TEST(*m.second == 91.0);
  // The same shape under another metric name does not count.
  BOOST_TEST(!matches(r, item("event", "rule_fired", R"({"rule": {"metric": "cpu", "value": 99}})")).first);
}

BOOST_AUTO_TEST_CASE(an_attribute_rule_compares_numbers_strings_and_booleans_at_a_dotted_path) {
  ServerRule low = rule_from(
      std::string(R"({"name": "n", "match": {"attribute": "power.level", "op": "<=", "value": 5}, )") +
      kTicketAction + "}");
  BOOST_TEST(matches(low, item("log", "x", R"({"power": {"level": 5}})")).first);
  BOOST_TEST(!matches(low, item("log", "x", R"({"power": {"level": 6}})")).first);
  BOOST_TEST(!matches(low, item("log", "x", R"({"power": {"level": "5"}})")).first);  // not a number
  BOOST_TEST(!matches(low, item("log", "x", R"({"power": 5})")).first);               // path missing

  ServerRule offline =
      rule_from(std::string(R"({"name": "n", "match": {"attribute": "net", "op": "!=", "value": "wifi"}, )") +
                kTicketAction + "}");
  BOOST_TEST(matches(offline, item("log", "x", R"({"net": "lte"})")).first);
  BOOST_TEST(!matches(offline, item("log", "x", R"({"net": "wifi"})")).first);

  ServerRule charging = rule_from(
      std::string(R"({"name": "n", "match": {"attribute": "charging", "op": "==", "value": "true"}, )") +
      kTicketAction + "}");
  BOOST_TEST(matches(charging, item("log", "x", R"({"charging": true})")).first);
  BOOST_TEST(!matches(charging, item("log", "x", R"({"charging": false})")).first);
}

BOOST_AUTO_TEST_CASE(kind_name_and_level_conditions_all_apply) {
  ServerRule r =
      rule_from(std::string(R"({"name": "n", "match": {"kind": "log", "name": "db", "level": "Error"}, )") +
                kTicketAction + "}");
  BOOST_TEST(matches(r, item("log", "db", "", std::nullopt, std::string("ERROR"))).first);
  BOOST_TEST(!matches(r, item("log", "db", "", std::nullopt, std::string("warning"))).first);
  BOOST_TEST(!matches(r, item("log", "db")).first);  // no level at all
  BOOST_TEST(!matches(r, item("event", "db", "", std::nullopt, std::string("error"))).first);
  BOOST_TEST(!matches(r, item("log", "cache", "", std::nullopt, std::string("error"))).first);
  // Without a metric condition the item's own value is reported.
  auto m = matches(r, item("log", "db", "", 7.0, std::string("error")));
  BOOST_TEST(m.first);
  BOOST_TEST(*m.second == 7.0);
}

BOOST_AUTO_TEST_CASE(operators) {
  BOOST_TEST(known_op("<="));
  BOOST_TEST(!known_op("=<"));
  BOOST_TEST(!known_op(""));
  BOOST_TEST(compare_numbers("<", 1, 2));
  BOOST_TEST(!compare_numbers("<", 2, 2));
  BOOST_TEST(compare_numbers("<=", 2, 2));
  BOOST_TEST(compare_numbers(">", 3, 2));
  BOOST_TEST(compare_numbers(">=", 2, 2));
  BOOST_TEST(compare_numbers("==", 2, 2));
  BOOST_TEST(compare_numbers("!=", 2, 3));
  BOOST_TEST(!compare_numbers("!=", 2, 2));
}

BOOST_AUTO_TEST_CASE(the_stored_definition_keeps_only_name_match_and_action) {
  rapidjson::Document d = parse(R"({"id": "r1", "enabled": true, "name": "n", "extra": 1,
      "match": {"kind": "log"}, "action": {"type": "ticket", "subject": "s", "body": "b"}})");
  rapidjson::Document def = parse(server_rule_definition(d));
  BOOST_TEST(def.MemberCount() == 3u);
  BOOST_TEST(def.HasMember("name"));
  BOOST_TEST(def.HasMember("match"));
  BOOST_TEST(def.HasMember("action"));
  BOOST_TEST(std::string(def["match"]["kind"].GetString()) == "log");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(device_rule_set)

BOOST_AUTO_TEST_CASE(a_valid_rule_set_is_returned_compact) {
  rapidjson::Document d = parse(R"([ {"id": "hot", "metric": "temp", "op": ">", "value": 80, "for_s": 30,
      "when": {"model": "X1"}} ])");
  BOOST_TEST(validate_device_rules(&d) ==
             R"([{"id":"hot","metric":"temp","op":">","value":80,"for_s":30,"when":{"model":"X1"}}])");
}

BOOST_AUTO_TEST_CASE(bad_rule_sets_are_refused_naming_the_rule) {
  BOOST_TEST(device_rules_error(R"({"id": "x"})") == "rules: must be an array of rule objects");
  BOOST_TEST(device_rules_error(R"([1])") == "rules[0]: must be an object");
  BOOST_TEST(device_rules_error(R"([{"metric": "m", "op": "<", "value": 1}])") ==
             "rules[0].id: required non-empty string");
  BOOST_TEST(device_rules_error(R"([{"id": "a", "metric": "m", "op": "<", "value": 1},
                                    {"id": "a", "metric": "m", "op": "<", "value": 1}])") ==
             "rules[1].id: duplicate \"a\"");
  BOOST_TEST(device_rules_error(R"([{"id": "a", "metric": "m", "op": "~", "value": 1}])") ==
             "rules[0].op: unknown operator \"~\" (use <, <=, >, >=, ==, !=)");
  BOOST_TEST(device_rules_error(R"([{"id": "a", "metric": "m", "op": "<", "value": "1"}])") ==
             "rules[0].value: must be a finite number");
  BOOST_TEST(device_rules_error(R"([{"id": "a", "metric": "m", "op": "<", "value": 1, "window_s": -1}])") ==
             "rules[0].window_s: must be a number of seconds in 0..31536000");
  BOOST_TEST(device_rules_error(R"([{"id": "a", "metric": "m", "op": "<", "value": 1, "when": {"m": 1}}])") ==
             "rules[0].when.m: must be a string");
  BOOST_TEST(device_rules_error(R"([{"id": "a", "metric": "", "op": "<", "value": 1}])") ==
             "rules[0].metric: must be a string of 1..200 characters");
  BOOST_TEST(device_rules_error("[]") == "");  // an empty set is valid
}

BOOST_AUTO_TEST_CASE(at_most_the_sdks_number_of_rules) {
  std::string many = "[";
  for (size_t i = 0; i <= kMaxDeviceRules; ++i)
    many += std::string(i ? "," : "") + R"({"id": "r)" + std::to_string(i) +
            R"(", "metric": "m", "op": "<", "value": 1})";
  many += "]";
  BOOST_TEST(device_rules_error(many) == "rules: at most 64 rules (the SDK's limit)");
  BOOST_CHECK_THROW(validate_device_rules(nullptr), ApiError);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(diagnostic_values)

BOOST_AUTO_TEST_CASE(heartbeats_and_rule_firings_are_recognised) {
  BOOST_TEST(is_heartbeat(item("metric", "heartbeat")));
  BOOST_TEST(!is_heartbeat(item("event", "heartbeat")));
  rapidjson::Document fired = parse(R"({"rule": {"rule_id": "r"}})");
  rapidjson::Document not_object = parse(R"({"rule": "r"})");
  BOOST_TEST(is_rule_firing(item("event", "x"), &fired));
  BOOST_TEST(!is_rule_firing(item("event", "x"), &not_object));
  BOOST_TEST(!is_rule_firing(item("log", "x"), &fired));
  BOOST_TEST(!is_rule_firing(item("event", "x"), nullptr));
}

BOOST_AUTO_TEST_CASE(a_gauge_wins_over_a_counter_of_the_same_name) {
  rapidjson::Document a = parse(R"({"metrics": {"counters": {"x": 2}, "gauges": {"x": {"last": 9}}}})");
  auto v = metric_value(item("metric", "heartbeat"), &a, "x");
  BOOST_REQUIRE(v.has_value());
  BOOST_TEST(*v == 9.0);
  BOOST_TEST(!metric_value(item("metric", "heartbeat"), &a, "y").has_value());
}

BOOST_AUTO_TEST_CASE(attribute_paths) {
  rapidjson::Document a = parse(R"({"a": {"b": {"c": 1}}, "d": 2})");
  BOOST_REQUIRE(attribute_at(&a, "a.b.c"));
  BOOST_TEST(attribute_at(&a, "a.b.c")->GetInt() == 1);
  BOOST_TEST(attribute_at(&a, "d")->GetInt() == 2);
  BOOST_TEST(attribute_at(&a, "a.x") == nullptr);
  BOOST_TEST(attribute_at(&a, "d.e") == nullptr);  // through a number
  BOOST_TEST(attribute_at(nullptr, "d") == nullptr);
}

BOOST_AUTO_TEST_CASE(levels_fall_into_six_buckets) {
  BOOST_TEST(level_rank(std::nullopt) == 0);
  BOOST_TEST(level_rank(std::string("TRACE")) == 1);
  BOOST_TEST(level_rank(std::string("notice")) == 2);
  BOOST_TEST(level_rank(std::string("Warn")) == 3);
  BOOST_TEST(level_rank(std::string("err")) == 4);
  BOOST_TEST(level_rank(std::string("alert")) == 5);
  BOOST_TEST(level_rank(std::string("verbose")) == 0);
  BOOST_TEST(std::string(level_bucket(4)) == "error");
  BOOST_TEST(std::string(level_bucket(0)) == "other");
  BOOST_TEST(std::string(level_bucket(9)) == "other");
  BOOST_TEST(std::string(level_bucket(-1)) == "other");
}

BOOST_AUTO_TEST_CASE(attributes_that_are_not_an_object_read_as_none) {
  std::string empty, array = "[1]", broken = "{", object = R"({"k": 1})";
  BOOST_TEST(ParsedAttributes(empty).get() == nullptr);
  BOOST_TEST(ParsedAttributes(array).get() == nullptr);
  BOOST_TEST(ParsedAttributes(broken).get() == nullptr);
  ParsedAttributes ok(object);
  BOOST_REQUIRE(ok.get() != nullptr);
  BOOST_TEST((*ok.get())["k"].GetInt() == 1);
}

BOOST_AUTO_TEST_SUITE_END()
