// Diagnostics on the device, without a server: Linux collectors, PII redaction, on-device
// rules (threshold, for_s, window_s, cooldown, when), metric aggregation into heartbeats, the
// breadcrumb ring, consent gates and bad input at the C interface.
#define BOOST_TEST_MODULE helpline_diagnostics
#include <boost/test/unit_test.hpp>

#include <sys/resource.h>

#include <rapidjson/document.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "base/error.hpp"
#include "base/json_out.hpp"
#include "diagnostics/breadcrumbs.hpp"
#include "diagnostics/metrics.hpp"
#include "diagnostics/redaction.hpp"
#include "diagnostics/rules.hpp"
#include "helpline/testing/checks.hpp"
#include "helpline/testing/events.hpp"
#include "helpline/testing/internal_errors.hpp"
#include "helpline/testing/sdk.hpp"
#include "helpline/testing/temp_dir.hpp"
#include "linux/collectors.hpp"

using helpline::detail::Breadcrumbs;
using helpline::detail::Firing;
using helpline::detail::JsonOut;
using helpline::detail::Metrics;
using helpline::detail::Redactor;
using helpline::detail::Rules;
using namespace helpline::testing;
using namespace std::chrono_literals;

namespace {

std::string redact(const std::string &text) {
  Redactor r;
  return r.apply(text);
}

constexpr int64_t kS = 1000;     // ms per second
constexpr int64_t kMin = 60000;  // ms per minute

// An open instance with no endpoint (nothing leaves the process); closed at the end of the scope.
struct Instance {
  TempDir dir;
  helpline_t *h = nullptr;
  EventRecorder events;
  explicit Instance(bool consent_required = true) {
    helpline_options_t *o = options_for(dir.sub("data"));
    helpline_options_set_event_callback(o, EventRecorder::callback, &events);
    if (!consent_required) helpline_options_set_consent_required(o, HELPLINE_CONSENT_DIAGNOSTICS, 0);
    if (helpline_open(o, &h) != HELPLINE_OK) throw std::runtime_error("open failed: " + last_error());
  }
  ~Instance() {
    if (h != nullptr) helpline_close(h, 0);
  }
  std::size_t count(helpline_event_type_t type) const {
    std::size_t n = 0;
    for (const auto &e : events.events()) n += e.type == type ? 1 : 0;
    return n;
  }
};

double cpu_seconds() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(collectors)

BOOST_AUTO_TEST_CASE(linux_facts_are_sane) {
  TempDir dir;
  const auto t0 = std::chrono::steady_clock::now();
  auto f = helpline::detail::platform::collect_device_facts(dir.path());
  using Micros = std::chrono::duration<double, std::micro>;
  const double took_us = Micros(std::chrono::steady_clock::now() - t0).count();
  BOOST_TEST_MESSAGE("collect_device_facts took " << took_us << " us");
  BOOST_TEST(!f.os.empty());
  BOOST_REQUIRE(f.cpu_count.has_value());
  BOOST_TEST(*f.cpu_count >= 1);
  BOOST_REQUIRE(f.mem_total_bytes.has_value());
  BOOST_REQUIRE(f.mem_available_bytes.has_value());
  BOOST_TEST(*f.mem_available_bytes > 0);
  BOOST_TEST(*f.mem_total_bytes > *f.mem_available_bytes);
  BOOST_REQUIRE(f.disk_total_bytes.has_value());
  BOOST_REQUIRE(f.disk_free_bytes.has_value());
  BOOST_TEST(*f.disk_total_bytes > 0);
  BOOST_TEST(*f.disk_free_bytes >= 0);
  BOOST_TEST(*f.disk_free_bytes <= *f.disk_total_bytes);
  BOOST_REQUIRE(f.uptime_s.has_value());
  BOOST_TEST(*f.uptime_s > 0);
  BOOST_REQUIRE(f.process_rss_bytes.has_value());
  BOOST_TEST(*f.process_rss_bytes > 0);
  BOOST_TEST(*f.process_rss_bytes < *f.mem_total_bytes);
  for (const auto &i : f.interfaces) {
    BOOST_TEST(i.name != "lo");
    BOOST_TEST(!i.name.empty());
  }
}

BOOST_AUTO_TEST_CASE(a_missing_path_leaves_disk_out_instead_of_failing) {
  auto f = helpline::detail::platform::collect_device_facts("/nonexistent/helpline/dir");
  BOOST_TEST(!f.disk_total_bytes.has_value());
  BOOST_TEST(!f.disk_free_bytes.has_value());
  BOOST_TEST(f.cpu_count.has_value());
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(redaction)

BOOST_AUTO_TEST_CASE(emails) {
  BOOST_TEST(redact("mail john.doe+tag@example.co.uk now") == "mail [email] now");
  BOOST_TEST(redact("<a_b@mail-host.example.org>") == "<[email]>");
  BOOST_TEST(redact("end with a dot: x@y.com.") == "end with a dot: [email].");
}

BOOST_AUTO_TEST_CASE(ipv4) {
  BOOST_TEST(redact("from 192.168.1.20 via 10.0.0.1:8080") == "from [ip] via [ip]:8080");
  BOOST_TEST(redact("255.255.255.255") == "[ip]");
}

BOOST_AUTO_TEST_CASE(ipv6_compressed_loopback_and_full_form) {
  BOOST_TEST(redact("bound to ::1 ok") == "bound to [ip] ok");
  BOOST_TEST(redact("peer 2001:0db8:85a3:0000:0000:8a2e:0370:7334 left") == "peer [ip] left");
  BOOST_TEST(redact("peer fe80::1ff:fe23:4567:890a up") == "peer [ip] up");
  BOOST_TEST(redact("[2001:db8::8]:443") == "[[ip]]:443");
}

BOOST_AUTO_TEST_CASE(long_digit_runs_with_spaces_and_dashes) {
  BOOST_TEST(redact("card 4111 1111 1111 1111 declined") == "card [number] declined");
  BOOST_TEST(redact("call 555-123-4567 now") == "call [number] now");
  BOOST_TEST(redact("acct 123456789") == "acct [number]");
  BOOST_TEST(redact("id=12345678901234567890") == "id=[number]");
}

BOOST_AUTO_TEST_CASE(negatives_times_versions_short_numbers_are_kept) {
  for (const char *s : {"at 12:30:45 the job ran", "version 1.2.3.4.5 installed", "retry 3 of 12345678",
                        "code 12345678", "fw 2.10.3", "12-34-56", "ratio 3:4", "weights 0.25 0.75"}) {
    BOOST_TEST(redact(s) == s, "changed: \"" << s << "\" -> \"" << redact(s) << "\"");
  }
}

// C++ hosts write scope names in breadcrumbs ("std::vector", "helpline::Client::open"): a pair of
// colons between identifiers is not an IPv6 address.
BOOST_AUTO_TEST_CASE(negatives_cpp_scopes_are_not_ipv6) {
  for (const char *s :
       {"std::vector grew", "helpline::Client::open failed", "in Foo::bar()", "ns::sub::fn()"}) {
    BOOST_TEST(redact(s) == s, "changed: \"" << s << "\" -> \"" << redact(s) << "\"");
  }
}

BOOST_AUTO_TEST_CASE(builtin_off_keeps_everything) {
  Redactor r;
  r.set_builtin(false);
  BOOST_TEST(r.apply("a@b.com 10.0.0.1 123456789") == "a@b.com 10.0.0.1 123456789");
}

BOOST_AUTO_TEST_CASE(custom_posix_pattern) {
  Redactor r;
  r.add_pattern("token=[A-Za-z0-9]+");
  r.add_pattern("^secret");
  BOOST_TEST(r.apply("GET /x?token=abc123&y=1 by a@b.com") == "GET /x?[redacted]&y=1 by [email]");
  BOOST_TEST(r.apply("token=a token=b") == "[redacted] [redacted]");
  BOOST_TEST(r.apply("secret secret") == "[redacted] secret");  // ^ anchors at the start only
  BOOST_TEST(r.apply("nothing here") == "nothing here");
}

BOOST_AUTO_TEST_CASE(json_values_are_redacted_keys_are_not) {
  Redactor r;
  rapidjson::Document d =
      parse(R"({"a@b.com":"mail a@b.com","n":[1,"10.1.2.3",{"x":"555-123-4567"}],"k":5})");
  r.apply(d, d.GetAllocator());
  BOOST_TEST(helpline::detail::to_json(d) ==
             R"({"a@b.com":"mail [email]","n":[1,"[ip]",{"x":"[number]"}],"k":5})");
}

BOOST_AUTO_TEST_CASE(bad_pattern_is_refused_at_the_option) {
  helpline_options_t *o = helpline_options_new();
  BOOST_TEST(helpline_options_add_redaction_pattern(o, "(unclosed") == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(mentions(last_error(), "redaction"));
  BOOST_TEST(helpline_options_add_redaction_pattern(o, "[a-") == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(helpline_options_add_redaction_pattern(o, "") == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(helpline_options_add_redaction_pattern(o, nullptr) == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(helpline_options_add_redaction_pattern(o, "ok[0-9]+") == HELPLINE_OK);
  for (int i = 1; i < 32; ++i)
    BOOST_TEST(helpline_options_add_redaction_pattern(o, "p[0-9]+") == HELPLINE_OK);
  BOOST_TEST(helpline_options_add_redaction_pattern(o, "p33") == HELPLINE_E_INVALID_ARGUMENT);  // 33rd
  helpline_options_free(o);
  BOOST_TEST(status_of([] { Redactor().add_pattern("(x"); }) == HELPLINE_E_INVALID_ARGUMENT);
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(rules)

BOOST_AUTO_TEST_CASE(gauge_fires_once_when_crossing_then_respects_cooldown) {
  Rules r;
  r.load("host",
         R"({"rules":[{"id":"low_disk","metric":"disk_free_pct","op":"<","value":5,"cooldown_s":600}]})");
  BOOST_TEST(r.sample("disk_free_pct", 50, false, 0).empty());
  auto f = r.sample("disk_free_pct", 4, false, 1 * kS);
  BOOST_REQUIRE_EQUAL(f.size(), 1u);
  BOOST_TEST(f[0].rule_id == "low_disk");
  BOOST_TEST(f[0].kind == "low_disk");  // kind defaults to the id
  BOOST_TEST(f[0].op == "<");
  BOOST_TEST(f[0].threshold == 5.0);
  BOOST_TEST(f[0].value == 4.0);
  // Staying below: no second firing.
  for (int i = 2; i < 100; ++i) BOOST_TEST(r.sample("disk_free_pct", 3, false, i * kS).empty());
  // Other metrics never trigger it.
  BOOST_TEST(r.sample("cpu", 1, false, 100 * kS).empty());
  // Recovery, then down again after the cooldown: fires again.
  BOOST_TEST(r.sample("disk_free_pct", 40, false, 200 * kS).empty());
  BOOST_TEST(r.sample("disk_free_pct", 2, false, 1 * kS + 600 * kS).size() == 1u);
}

BOOST_AUTO_TEST_CASE(noise_around_the_threshold_within_the_cooldown_does_not_fire_again) {
  Rules r;
  r.load("host", R"({"rules":[{"id":"batt","metric":"battery","op":"<=","value":10,"cooldown_s":3600}]})");
  std::size_t fired = 0;
  // 9.9, 10.1, 9.9, 10.1 ... every 10 s for 50 minutes.
  for (int i = 0; i < 300; ++i)
    fired += r.sample("battery", i % 2 == 0 ? 9.9 : 10.1, false, i * 10 * kS).size();
  BOOST_TEST(fired == 1u);
  // Past the cooldown, the next crossing fires again (once).
  fired = 0;
  for (int i = 0; i < 20; ++i) {
    fired += r.sample("battery", i % 2 == 0 ? 9.9 : 10.1, false, 3600 * kS + i * 10 * kS).size();
  }
  BOOST_TEST(fired == 1u);
}

BOOST_AUTO_TEST_CASE(for_s_requires_the_condition_to_hold) {
  Rules r;
  r.load("host",
         R"({"rules":[{"id":"low","metric":"disk","op":"<","value":5,"for_s":600,"cooldown_s":60}]})");
  BOOST_TEST(r.next_deadline() == -1);
  BOOST_TEST(r.sample("disk", 3, false, 0).empty());
  BOOST_TEST(r.next_deadline() == 600 * kS);
  BOOST_TEST(r.tick(599 * kS).empty());
  BOOST_TEST(r.sample("disk", 4, false, 300 * kS).empty());  // still below: the clock keeps running
  BOOST_TEST(r.next_deadline() == 600 * kS);
  auto f = r.tick(600 * kS);
  BOOST_REQUIRE_EQUAL(f.size(), 1u);
  BOOST_TEST(f[0].value == 4.0);  // the latest value
  BOOST_TEST(r.next_deadline() == -1);
  BOOST_TEST(r.tick(700 * kS).empty());

  // A dip that does not last: no firing even long after.
  BOOST_TEST(r.sample("disk", 50, false, 800 * kS).empty());
  BOOST_TEST(r.sample("disk", 1, false, 900 * kS).empty());
  BOOST_TEST(r.sample("disk", 50, false, 1400 * kS).empty());  // 500 s < 600 s
  BOOST_TEST(r.next_deadline() == -1);
  BOOST_TEST(r.tick(5000 * kS).empty());
  // A sample after the duration also completes it (no tick needed).
  BOOST_TEST(r.sample("disk", 1, false, 6000 * kS).empty());
  BOOST_TEST(r.sample("disk", 1, false, 6600 * kS).size() == 1u);
}

// A "for" condition that completes while the cooldown still blocks the rule: the next time the
// rule can fire is the end of the cooldown, not a moment in the past (the SDK's worker arms a timer
// at next_deadline(); a past deadline re-arms it at once, forever).
BOOST_AUTO_TEST_CASE(next_deadline_is_never_in_the_past_while_the_cooldown_blocks) {
  Rules r;
  r.load("host",
         R"({"rules":[{"id":"low","metric":"disk","op":"<","value":5,"for_s":10,"cooldown_s":3600}]})");
  r.sample("disk", 1, false, 0);
  BOOST_TEST(r.tick(10 * kS).size() == 1u);
  r.sample("disk", 50, false, 20 * kS);
  r.sample("disk", 1, false, 30 * kS);
  BOOST_TEST(r.tick(40 * kS).empty());  // held 10 s, but within the cooldown
  const int64_t due = r.next_deadline();
  BOOST_TEST((due == -1 || due > 40 * kS), "next_deadline " << due << " is in the past (now 40000)");
  // And once the cooldown is over it fires.
  BOOST_TEST(r.tick(10 * kS + 3600 * kS).size() == 1u);
}

BOOST_AUTO_TEST_CASE(counter_window_sums_increments) {
  Rules r;
  r.load(
      "host",
      R"({"rules":[{"id":"flaps","metric":"wifi_disconnects","op":">","value":3,"window_s":3600,"cooldown_s":60}]})");
  BOOST_TEST(r.sample("wifi_disconnects", 1, true, 0).empty());
  BOOST_TEST(r.sample("wifi_disconnects", 1, true, 10 * kMin).empty());
  BOOST_TEST(r.sample("wifi_disconnects", 1, true, 20 * kMin).empty());  // 3 in the hour: not > 3
  auto f = r.sample("wifi_disconnects", 1, true, 30 * kMin);
  BOOST_REQUIRE_EQUAL(f.size(), 1u);
  BOOST_TEST(f[0].value == 4.0);

  // Spread out: never more than 3 within any hour.
  Rules slow;
  slow.load("host",
            R"({"rules":[{"id":"flaps","metric":"wifi_disconnects","op":">","value":3,"window_s":3600}]})");
  std::size_t fired = 0;
  for (int i = 0; i < 40; ++i) fired += slow.sample("wifi_disconnects", 1, true, i * 25 * kMin).size();
  BOOST_TEST(fired == 0u);
  // A burst of 2 with a weight: deltas, not counts.
  BOOST_TEST(slow.sample("wifi_disconnects", 5, true, 2000 * kMin).size() == 1u);
}

BOOST_AUTO_TEST_CASE(when_filters_on_device_attributes) {
  Rules r;
  r.load(
      "host",
      R"({"rules":[{"id":"hot","metric":"temp_c","op":">","value":80,"when":{"model":"X100"},"cooldown_s":0}]})");
  BOOST_TEST(r.sample("temp_c", 90, false, 0).empty());  // no attributes: does not apply
  r.set_attributes({{"model", "Y200"}});
  BOOST_TEST(r.sample("temp_c", 20, false, 1 * kS).empty());
  BOOST_TEST(r.sample("temp_c", 90, false, 2 * kS).empty());
  r.set_attributes({{"model", "X100"}, {"firmware_version", "2.1"}});
  BOOST_TEST(r.sample("temp_c", 20, false, 3 * kS).empty());
  BOOST_TEST(r.sample("temp_c", 90, false, 4 * kS).size() == 1u);
}

BOOST_AUTO_TEST_CASE(host_and_server_sets_are_separate) {
  Rules r;
  r.load("host", R"({"rules":[{"id":"a","metric":"m","op":">","value":1}]})");
  r.load(
      "server",
      R"({"rules":[{"id":"b","metric":"m","op":">","value":2},{"id":"c","metric":"n","op":"==","value":0}]})");
  BOOST_TEST(r.size() == 3u);
  r.load("host", R"({"rules":[]})");
  BOOST_TEST(r.size() == 2u);
  auto f = r.sample("m", 5, false, 0);
  BOOST_REQUIRE_EQUAL(f.size(), 1u);
  BOOST_TEST(f[0].rule_id == "b");
}

BOOST_AUTO_TEST_CASE(malformed_or_unknown_operator_is_refused_and_previous_rules_are_kept) {
  Rules r;
  r.load("host", R"({"rules":[{"id":"keep","metric":"m","op":">","value":1,"cooldown_s":0}]})");
  struct Bad {
    const char *json;
    helpline_status_t status;
  };
  const Bad bad[] = {
      {"{\"rules\":[", HELPLINE_E_INVALID_JSON},
      {"[]", HELPLINE_E_INVALID_JSON},
      {R"({"rules":{}})", HELPLINE_E_INVALID_JSON},
      {R"({"rules":[1]})", HELPLINE_E_INVALID_JSON},
      {R"({"rules":[{"metric":"m","op":">","value":1}]})", HELPLINE_E_INVALID_JSON},             // no id
      {R"({"rules":[{"id":"x","metric":"m","op":">","value":"1"}]})", HELPLINE_E_INVALID_JSON},  // value type
      {R"({"rules":[{"id":"x","metric":"m","op":">"}]})", HELPLINE_E_INVALID_JSON},
      {R"({"rules":[{"id":"x","metric":"m","op":">","value":1,"when":{"model":5}}]})",
       HELPLINE_E_INVALID_JSON},
      {R"({"rules":[{"id":"x","metric":"m","op":"~=","value":1}]})", HELPLINE_E_INVALID_ARGUMENT},
      {R"({"rules":[{"id":"x","metric":"m","op":"<>","value":1}]})", HELPLINE_E_INVALID_ARGUMENT},
      {R"({"rules":[{"id":"x","metric":"m","op":">","value":1,"for_s":-1}]})", HELPLINE_E_INVALID_ARGUMENT},
      {R"({"rules":[{"id":"x","metric":"m","op":">","value":1,"cooldown_s":"1h"}]})",
       HELPLINE_E_INVALID_ARGUMENT},
      // A good rule before a bad one: all or nothing.
      {R"({"rules":[{"id":"ok","metric":"m","op":"<","value":0},{"id":"x","metric":"m","op":"=>","value":1}]})",
       HELPLINE_E_INVALID_ARGUMENT},
  };
  for (const auto &b : bad) {
    BOOST_TEST(status_of([&] { r.load("host", b.json); }) == b.status, b.json);
    BOOST_TEST(r.size() == 1u, b.json);
  }
  std::string rules = "{\"rules\":[";
  for (int i = 0; i < 65; ++i)
    rules += std::string(i ? "," : "") + R"({"id":"r","metric":"m","op":">","value":1})";
  rules += "]}";
  BOOST_TEST(status_of([&] { r.load("host", rules); }) == HELPLINE_E_TOO_LARGE);
  BOOST_TEST(r.size() == 1u);
  // The kept rule still works (and the bad set's "ok" rule was never installed).
  auto f = r.sample("m", 5, false, 0);
  BOOST_REQUIRE_EQUAL(f.size(), 1u);
  BOOST_TEST(f[0].rule_id == "keep");
  BOOST_TEST(r.sample("m", -5, false, 1).empty());
}

BOOST_AUTO_TEST_CASE(rules_load_json_reports_clear_errors_and_keeps_previous_rules) {
  Instance in(false);
  BOOST_REQUIRE(helpline_rules_load_json(
                    in.h, R"({"rules":[{"id":"keep","metric":"m","op":">","value":1,"cooldown_s":0}]})") ==
                HELPLINE_OK);
  BOOST_TEST(helpline_rules_load_json(in.h, "{\"rules\":[{") == HELPLINE_E_INVALID_JSON);
  BOOST_TEST(mentions(last_error(), "rules"));
  BOOST_TEST(helpline_rules_load_json(in.h, R"({"rules":[{"id":"bad","metric":"m","op":"=~","value":1}]})") ==
             HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(last_error().find("unknown operator") != std::string::npos, last_error());
  BOOST_TEST(last_error().find("=~") != std::string::npos, last_error());
  BOOST_TEST(last_error().find("bad") != std::string::npos, last_error());
  BOOST_TEST(helpline_rules_load_json(in.h, nullptr) == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(helpline_rules_load_json(in.h, "") == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(helpline_rules_load_json(in.h, "{\"rules\":[\"\xff\"]}") == HELPLINE_E_INVALID_UTF8);
  BOOST_TEST(helpline_rules_load_json(in.h, std::string(256 * 1024 + 1, ' ').c_str()) ==
             HELPLINE_E_TOO_LARGE);
  BOOST_TEST(helpline_rules_load_json(nullptr, "{\"rules\":[]}") == HELPLINE_E_INVALID_ARGUMENT);

  // The first rule set is still in force: crossing fires it.
  BOOST_REQUIRE(helpline_metric_set(in.h, "m", 0) == HELPLINE_OK);
  BOOST_REQUIRE(helpline_metric_set(in.h, "m", 2) == HELPLINE_OK);
  EventRecorder::Event e;
  BOOST_REQUIRE(in.events.wait_for(HELPLINE_EVENT_RULE_FIRED, e));
  rapidjson::Document d = parse(e.json);
  BOOST_TEST(std::string(d["rule_id"].GetString()) == "keep");
  BOOST_TEST(std::string(d["metric"].GetString()) == "m");
  BOOST_TEST(std::string(d["op"].GetString()) == ">");
  BOOST_TEST(d["threshold"].GetDouble() == 1.0);
  BOOST_TEST(d["value"].GetDouble() == 2.0);
}

BOOST_AUTO_TEST_CASE(host_rules_survive_a_reopen) {
  TempDir dir;
  const std::string data = dir.sub("data");
  {
    helpline_options_t *o = options_for(data);
    helpline_options_set_consent_required(o, HELPLINE_CONSENT_DIAGNOSTICS, 0);
    helpline_t *h = nullptr;
    BOOST_REQUIRE(helpline_open(o, &h) == HELPLINE_OK);
    BOOST_REQUIRE(helpline_rules_load_json(
                      h, R"({"rules":[{"id":"saved","metric":"m","op":">","value":1}]})") == HELPLINE_OK);
    BOOST_REQUIRE(helpline_close(h, 1000) == HELPLINE_OK);
  }
  EventRecorder events;
  helpline_options_t *o = options_for(data);
  helpline_options_set_consent_required(o, HELPLINE_CONSENT_DIAGNOSTICS, 0);
  helpline_options_set_event_callback(o, EventRecorder::callback, &events);
  helpline_t *h = nullptr;
  BOOST_REQUIRE(helpline_open(o, &h) == HELPLINE_OK);
  BOOST_REQUIRE(helpline_metric_set(h, "m", 5) == HELPLINE_OK);
  EventRecorder::Event e;
  BOOST_TEST(events.wait_for(HELPLINE_EVENT_RULE_FIRED, e));
  BOOST_TEST(e.json.find("\"saved\"") != std::string::npos, e.json);
  helpline_close(h, 0);
}

// End to end through the worker: a for_s rule that completes during its cooldown must not keep the
// worker busy (see next_deadline_is_never_in_the_past_while_the_cooldown_blocks).
BOOST_AUTO_TEST_CASE(a_for_rule_blocked_by_its_cooldown_does_not_spin_the_worker) {
  Instance in(false);
  BOOST_REQUIRE(
      helpline_rules_load_json(
          in.h,
          R"({"rules":[{"id":"low","metric":"disk","op":"<","value":5,"for_s":0.2,"cooldown_s":3600}]})") ==
      HELPLINE_OK);
  BOOST_REQUIRE(helpline_metric_set(in.h, "disk", 1) == HELPLINE_OK);
  EventRecorder::Event e;
  BOOST_REQUIRE(in.events.wait_for(HELPLINE_EVENT_RULE_FIRED, e));
  BOOST_REQUIRE(helpline_metric_set(in.h, "disk", 50) == HELPLINE_OK);
  // Idle with the condition false: the baseline.
  std::this_thread::sleep_for(300ms);
  double before = cpu_seconds();
  std::this_thread::sleep_for(1000ms);
  const double idle = cpu_seconds() - before;
  BOOST_REQUIRE(helpline_metric_set(in.h, "disk", 1) == HELPLINE_OK);  // held again; the cooldown blocks it
  std::this_thread::sleep_for(400ms);
  before = cpu_seconds();
  std::this_thread::sleep_for(1000ms);
  const double blocked = cpu_seconds() - before;
  BOOST_TEST_MESSAGE("CPU in 1 s: idle " << idle << " s, rule blocked by its cooldown " << blocked << " s");
  BOOST_TEST(idle < 0.05, "process used " << idle << " s of CPU in 1 s while idle");
  BOOST_TEST(blocked < 0.05,
             "process used " << blocked << " s of CPU in 1 s while idle (baseline " << idle << " s)");
  BOOST_TEST(in.count(HELPLINE_EVENT_RULE_FIRED) == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(metrics)

BOOST_AUTO_TEST_CASE(heartbeat_aggregates_counters_and_gauges_and_resets) {
  Metrics m;
  BOOST_TEST(m.take_heartbeat(0).empty());           // nothing recorded: no heartbeat
  BOOST_TEST(m.add("wifi_disconnects", 1) == true);  // first sample of the interval
  BOOST_TEST(m.add("wifi_disconnects", 2) == false);
  BOOST_TEST(m.add("bytes_sent", 1000.5) == false);
  for (double v : {40.0, 35.0, 60.0, 50.0}) m.set("disk_free_pct", v);
  std::string hb = m.take_heartbeat(10 * kS);
  rapidjson::Document d = parse(hb);
  BOOST_TEST(d["counters"]["wifi_disconnects"].GetDouble() == 3.0);
  BOOST_TEST(d["counters"]["bytes_sent"].GetDouble() == 1000.5);
  BOOST_TEST(!d["counters"].HasMember("disk_free_pct"));
  const auto &g = d["gauges"]["disk_free_pct"];
  BOOST_TEST(g["last"].GetDouble() == 50.0);
  BOOST_TEST(g["min"].GetDouble() == 35.0);
  BOOST_TEST(g["max"].GetDouble() == 60.0);
  BOOST_TEST(g["samples"].GetInt64() == 4);
  BOOST_TEST(d.HasMember("interval_ms"));

  // Reset: nothing until the next sample; then only what happened since.
  BOOST_TEST(m.take_heartbeat(20 * kS).empty());
  BOOST_TEST(m.set("disk_free_pct", 10) == true);
  rapidjson::Document d2 = parse(m.take_heartbeat(30 * kS));
  BOOST_TEST(d2["counters"].ObjectEmpty());  // a counter without samples is not repeated as 0
  BOOST_TEST(d2["gauges"]["disk_free_pct"]["min"].GetDouble() == 10.0);
  BOOST_TEST(d2["gauges"]["disk_free_pct"]["max"].GetDouble() == 10.0);
  BOOST_TEST(d2["gauges"]["disk_free_pct"]["samples"].GetInt64() == 1);
}

BOOST_AUTO_TEST_CASE(negative_gauges_get_the_right_min_and_max) {
  Metrics m;
  for (double v : {-5.0, -20.0, -1.0}) m.set("temp_c", v);
  rapidjson::Document d = parse(m.take_heartbeat(1));
  BOOST_TEST(d["gauges"]["temp_c"]["min"].GetDouble() == -20.0);
  BOOST_TEST(d["gauges"]["temp_c"]["max"].GetDouble() == -1.0);
}

// Values are numbers: tiny and huge ones keep their value (no fixed 6-decimal formatting).
BOOST_AUTO_TEST_CASE(heartbeat_values_keep_their_precision) {
  Metrics m;
  m.set("latency_s", 2.5e-7);
  m.add("bytes", 1e21);
  rapidjson::Document d = parse(m.take_heartbeat(1));
  BOOST_TEST(d["gauges"]["latency_s"]["last"].GetDouble() == 2.5e-7);
  BOOST_TEST(d["counters"]["bytes"].GetDouble() == 1e21);
}

// Every value the host passes is finite, but a counter's sum can overflow: the heartbeat (a protocol item,
// sent verbatim inside the batch body) and the rule event must stay valid JSON.
BOOST_AUTO_TEST_CASE(an_overflowing_counter_keeps_the_heartbeat_and_rule_events_valid_json) {
  Metrics m;
  m.add("huge", 1e308);
  m.add("huge", 1e308);
  std::string hb = m.take_heartbeat(1);
  rapidjson::Document d;
  d.Parse(hb.c_str(), hb.size());
  BOOST_TEST(!d.HasParseError(), "heartbeat is not JSON: " << hb);

  Instance in(false);
  BOOST_REQUIRE(
      helpline_rules_load_json(in.h, R"({"rules":[{"id":"big","metric":"huge","op":">","value":1e308}]})") ==
      HELPLINE_OK);
  BOOST_REQUIRE(helpline_metric_add(in.h, "huge", 1e308) == HELPLINE_OK);
  BOOST_REQUIRE(helpline_metric_add(in.h, "huge", 1e308) == HELPLINE_OK);
  EventRecorder::Event e;
  BOOST_REQUIRE(in.events.wait_for(HELPLINE_EVENT_RULE_FIRED, e));
  rapidjson::Document ev;
  ev.Parse(e.json.c_str());
  BOOST_TEST(!ev.HasParseError(), "RULE_FIRED event is not JSON: " << e.json.substr(0, 300));
}

BOOST_AUTO_TEST_CASE(counter_gauge_clash_and_257th_metric_are_refused) {
  Metrics m;
  m.add("c", 1);
  m.set("g", 1);
  BOOST_TEST(status_of([&] { m.set("c", 1); }) == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(status_of([&] { m.add("g", 1); }) == HELPLINE_E_INVALID_ARGUMENT);
  for (int i = 2; i < 256; ++i) m.add("m" + std::to_string(i), 1);
  BOOST_TEST(status_of([&] { m.add("one_too_many", 1); }) == HELPLINE_E_TOO_LARGE);
  BOOST_TEST(status_of([&] { m.set("one_too_many", 1); }) == HELPLINE_E_TOO_LARGE);
  BOOST_TEST(status_of([&] { m.add("m2", 1); }) == HELPLINE_OK);  // known names still work
  // Names (and kinds) survive a heartbeat.
  m.take_heartbeat(5);
  BOOST_TEST(status_of([&] { m.add("new_after_heartbeat", 1); }) == HELPLINE_E_TOO_LARGE);
  BOOST_TEST(status_of([&] { m.set("c", 1); }) == HELPLINE_E_INVALID_ARGUMENT);
}

BOOST_AUTO_TEST_CASE(through_the_c_interface) {
  Instance in(false);
  BOOST_TEST(helpline_metric_add(in.h, "c", 1) == HELPLINE_OK);
  BOOST_TEST(helpline_metric_set(in.h, "c", 1) == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(mentions(last_error(), "counter"));
  BOOST_TEST(helpline_metric_set(in.h, "g", 1) == HELPLINE_OK);
  BOOST_TEST(helpline_metric_add(in.h, "g", 1) == HELPLINE_E_INVALID_ARGUMENT);
  for (int i = 2; i < 256; ++i)
    BOOST_REQUIRE(helpline_metric_add(in.h, ("m" + std::to_string(i)).c_str(), 1) == HELPLINE_OK);
  BOOST_TEST(helpline_metric_add(in.h, "m256", 1) == HELPLINE_E_TOO_LARGE);
  BOOST_TEST(helpline_metric_set(in.h, "x", std::nan("")) == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(helpline_metric_add(in.h, "c", std::numeric_limits<double>::infinity()) ==
             HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(helpline_metric_add(in.h, "c", -std::numeric_limits<double>::infinity()) ==
             HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(mentions(last_error(), "finite"));
  BOOST_TEST(helpline_metric_add(in.h, nullptr, 1) == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(helpline_metric_add(in.h, "", 1) == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(helpline_metric_add(in.h, std::string(65, 'n').c_str(), 1) == HELPLINE_E_TOO_LARGE);
  BOOST_TEST(helpline_metric_add(in.h, "bad\xff", 1) == HELPLINE_E_INVALID_UTF8);
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(breadcrumbs)

BOOST_AUTO_TEST_CASE(ring_keeps_the_newest_100_oldest_first) {
  Breadcrumbs b;
  for (int i = 0; i < 150; ++i) b.add(i % 4, "cat", "m" + std::to_string(i), i);
  BOOST_TEST(b.size() == 100u);
  JsonOut out;
  b.write(out);
  rapidjson::Document d = parse(out.take());
  BOOST_REQUIRE(d.IsArray());
  BOOST_REQUIRE_EQUAL(d.Size(), 100u);
  BOOST_TEST(std::string(d[0]["message"].GetString()) == "m50");
  BOOST_TEST(d[0]["ts"].GetInt64() == 50);
  BOOST_TEST(std::string(d[99]["message"].GetString()) == "m149");
  BOOST_TEST(std::string(d[99]["category"].GetString()) == "cat");
  BOOST_TEST(std::string(d[1]["level"].GetString()) == "error");  // 51 % 4 == HELPLINE_LOG_ERROR
  BOOST_TEST(std::string(d[2]["level"].GetString()) == "debug");  // 52 % 4 == HELPLINE_LOG_DEBUG
  BOOST_TEST(std::string(d[3]["level"].GetString()) == "info");
  BOOST_TEST(std::string(d[4]["level"].GetString()) == "warning");
  JsonOut last;
  b.write(last, 3);
  rapidjson::Document d3 = parse(last.take());
  BOOST_REQUIRE_EQUAL(d3.Size(), 3u);
  BOOST_TEST(std::string(d3[0]["message"].GetString()) == "m147");
  b.clear();
  BOOST_TEST(b.size() == 0u);
}

BOOST_AUTO_TEST_CASE(levels_and_limits_at_the_c_interface) {
  Instance in(false);
  BOOST_TEST(helpline_breadcrumb(in.h, "ui", "tapped") == HELPLINE_OK);
  BOOST_TEST(helpline_breadcrumb_level(in.h, HELPLINE_LOG_ERROR, "net", "failed") == HELPLINE_OK);
  BOOST_TEST(helpline_breadcrumb_level(in.h, HELPLINE_LOG_OFF, "net", "x") == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(helpline_breadcrumb_level(in.h, -1, "net", "x") == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(helpline_breadcrumb(in.h, "", "x") == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(helpline_breadcrumb(in.h, std::string(65, 'c').c_str(), "x") == HELPLINE_E_TOO_LARGE);
  BOOST_TEST(helpline_breadcrumb(in.h, "ui", "") == HELPLINE_OK);  // an empty message is fine
  BOOST_TEST(helpline_breadcrumb(in.h, "ui", std::string(5000, 'm').c_str()) ==
             HELPLINE_OK);  // cut, not refused
  BOOST_TEST(helpline_breadcrumb(in.h, "ui", "bad \xc3") == HELPLINE_E_INVALID_UTF8);
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(consent)

BOOST_AUTO_TEST_CASE(nothing_is_recorded_without_consent_and_everything_after) {
  Instance in;
  BOOST_TEST(helpline_breadcrumb(in.h, "ui", "x") == HELPLINE_E_NO_CONSENT);
  BOOST_TEST(mentions(last_error(), "consent"));
  BOOST_TEST(helpline_breadcrumb_level(in.h, HELPLINE_LOG_WARN, "ui", "x") == HELPLINE_E_NO_CONSENT);
  BOOST_TEST(helpline_metric_add(in.h, "c", 1) == HELPLINE_E_NO_CONSENT);
  BOOST_TEST(helpline_metric_set(in.h, "g", 1) == HELPLINE_E_NO_CONSENT);
  BOOST_TEST(helpline_diagnostics_send(in.h, "crash", nullptr) == HELPLINE_E_NO_CONSENT);
  BOOST_TEST(helpline_diagnostics_send(in.h, "crash", "{\"a\":1}") == HELPLINE_E_NO_CONSENT);
  // Rules are configuration, not data: loading them needs no consent.
  BOOST_TEST(helpline_rules_load_json(in.h, R"({"rules":[]})") == HELPLINE_OK);

  BOOST_REQUIRE(helpline_set_consent(in.h, HELPLINE_CONSENT_DIAGNOSTICS, 1) == HELPLINE_OK);
  BOOST_TEST(helpline_breadcrumb(in.h, "ui", "x") == HELPLINE_OK);
  BOOST_TEST(helpline_metric_add(in.h, "c", 1) == HELPLINE_OK);
  BOOST_TEST(helpline_metric_set(in.h, "g", 1) == HELPLINE_OK);
  BOOST_TEST(helpline_diagnostics_send(in.h, "crash", "{\"a\":1}") == HELPLINE_OK);

  BOOST_REQUIRE(helpline_set_consent(in.h, HELPLINE_CONSENT_DIAGNOSTICS, 0) == HELPLINE_OK);
  BOOST_TEST(helpline_breadcrumb(in.h, "ui", "x") == HELPLINE_E_NO_CONSENT);
  BOOST_TEST(helpline_metric_add(in.h, "c", 1) == HELPLINE_E_NO_CONSENT);
  BOOST_TEST(helpline_diagnostics_send(in.h, "crash", nullptr) == HELPLINE_E_NO_CONSENT);

  BOOST_TEST(helpline_set_consent(in.h, 99, 1) == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(helpline_set_consent(nullptr, HELPLINE_CONSENT_DIAGNOSTICS, 1) == HELPLINE_E_INVALID_ARGUMENT);
}

BOOST_AUTO_TEST_CASE(consent_is_persisted) {
  TempDir dir;
  const std::string data = dir.sub("data");
  helpline_t *h = nullptr;
  BOOST_REQUIRE(open_dir(data, &h) == HELPLINE_OK);
  BOOST_REQUIRE(helpline_set_consent(h, HELPLINE_CONSENT_DIAGNOSTICS, 1) == HELPLINE_OK);
  BOOST_REQUIRE(helpline_close(h, 1000) == HELPLINE_OK);
  BOOST_REQUIRE(open_dir(data, &h) == HELPLINE_OK);
  BOOST_TEST(helpline_breadcrumb(h, "ui", "x") == HELPLINE_OK);
  BOOST_REQUIRE(helpline_set_consent(h, HELPLINE_CONSENT_DIAGNOSTICS, 0) == HELPLINE_OK);
  BOOST_REQUIRE(helpline_close(h, 1000) == HELPLINE_OK);
  BOOST_REQUIRE(open_dir(data, &h) == HELPLINE_OK);
  BOOST_TEST(helpline_breadcrumb(h, "ui", "x") == HELPLINE_E_NO_CONSENT);
  helpline_close(h, 0);
}

BOOST_AUTO_TEST_CASE(not_required_means_allowed_without_set_consent) {
  Instance in(false);
  BOOST_TEST(helpline_breadcrumb(in.h, "ui", "x") == HELPLINE_OK);
  BOOST_TEST(helpline_metric_add(in.h, "c", 1) == HELPLINE_OK);
  BOOST_TEST(helpline_metric_set(in.h, "g", 1) == HELPLINE_OK);
  BOOST_TEST(helpline_diagnostics_send(in.h, "boot", nullptr) == HELPLINE_OK);
  helpline_options_t *o = helpline_options_new();
  BOOST_TEST(helpline_options_set_consent_required(o, 7, 0) == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(helpline_options_set_consent_required(nullptr, HELPLINE_CONSENT_DIAGNOSTICS, 0) ==
             HELPLINE_E_INVALID_ARGUMENT);
  helpline_options_free(o);
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(bad_input)

BOOST_AUTO_TEST_CASE(one_megabyte_attribute_json_is_refused) {
  Instance in(false);
  std::string big = "{\"blob\":\"" + std::string(1 << 20, 'a') + "\"}";
  BOOST_TEST(helpline_diagnostics_send(in.h, "big", big.c_str()) == HELPLINE_E_TOO_LARGE);
  BOOST_TEST(mentions(last_error(), "attributes_json"));
  // Just over the documented 64 KiB: refused too; well under: fine.
  std::string over = "{\"blob\":\"" + std::string(64 * 1024, 'a') + "\"}";
  BOOST_TEST(helpline_diagnostics_send(in.h, "big", over.c_str()) == HELPLINE_E_TOO_LARGE);
  std::string ok = "{\"blob\":\"" + std::string(1000, 'a') + "\"}";
  BOOST_TEST(helpline_diagnostics_send(in.h, "ok", ok.c_str()) == HELPLINE_OK);
}

BOOST_AUTO_TEST_CASE(diagnostics_send_arguments) {
  Instance in(false);
  BOOST_TEST(helpline_diagnostics_send(in.h, nullptr, nullptr) == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(helpline_diagnostics_send(in.h, "", nullptr) == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(helpline_diagnostics_send(in.h, std::string(201, 'k').c_str(), nullptr) == HELPLINE_E_TOO_LARGE);
  BOOST_TEST(helpline_diagnostics_send(in.h, std::string(200, 'k').c_str(), nullptr) == HELPLINE_OK);
  BOOST_TEST(helpline_diagnostics_send(in.h, "k", "[1,2]") == HELPLINE_E_INVALID_JSON);
  BOOST_TEST(helpline_diagnostics_send(in.h, "k", "{\"a\":") == HELPLINE_E_INVALID_JSON);
  BOOST_TEST(helpline_diagnostics_send(in.h, "k", "\"s\"") == HELPLINE_E_INVALID_JSON);
  BOOST_TEST(helpline_diagnostics_send(in.h, "k", "{\"a\":\"\xff\"}") == HELPLINE_E_INVALID_UTF8);
  BOOST_TEST(helpline_diagnostics_send(in.h, "k", "{}") == HELPLINE_OK);
  BOOST_TEST(helpline_diagnostics_send(nullptr, "k", nullptr) == HELPLINE_E_INVALID_ARGUMENT);
}

BOOST_AUTO_TEST_CASE(options_ranges) {
  helpline_options_t *o = helpline_options_new();
  BOOST_TEST(helpline_options_set_heartbeat_interval(o, 9) == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(helpline_options_set_heartbeat_interval(o, 10) == HELPLINE_OK);
  BOOST_TEST(helpline_options_set_heartbeat_interval(o, 86400) == HELPLINE_OK);
  BOOST_TEST(helpline_options_set_heartbeat_interval(o, 86401) == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(helpline_options_set_builtin_redaction(o, 0) == HELPLINE_OK);
  BOOST_TEST(helpline_options_set_before_send(o, nullptr, nullptr) == HELPLINE_OK);
  BOOST_TEST(helpline_options_set_log_provider(o, nullptr, nullptr) == HELPLINE_OK);
  BOOST_TEST(helpline_options_set_before_send(nullptr, nullptr, nullptr) == HELPLINE_E_INVALID_ARGUMENT);
  helpline_options_free(o);
}

BOOST_AUTO_TEST_CASE(notice_calls_on_an_empty_store) {
  Instance in(false);
  char *json = nullptr;
  BOOST_REQUIRE(helpline_notices_json(in.h, &json) == HELPLINE_OK);
  BOOST_TEST(std::string(json) == "{\"notices\":[]}");
  helpline_free(json);
  BOOST_TEST(helpline_notice_mark(in.h, "n_missing", HELPLINE_NOTICE_SEEN) == HELPLINE_E_NOT_FOUND);
  BOOST_TEST(helpline_notice_mark(in.h, "n_missing", 3) == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(helpline_notice_mark(in.h, "", HELPLINE_NOTICE_SEEN) == HELPLINE_E_INVALID_ARGUMENT);
  BOOST_TEST(helpline_notices_json(in.h, nullptr) == HELPLINE_E_INVALID_ARGUMENT);
}

BOOST_AUTO_TEST_SUITE_END()
