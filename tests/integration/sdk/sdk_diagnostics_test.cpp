// Diagnostics against the real server: consent (nothing leaves without it; revoking drops the queue),
// diagnostics_send with context, breadcrumbs and redaction, before_send drop/replace, heartbeats (one item
// per interval with aggregated values), on-device rules, what the next ticket takes along, remote diagnostics
// requests (with and without consent), and proactive notices (targeting by model and firmware range, seen,
// dismissed + acknowledged, withdrawn).
#define BOOST_TEST_MODULE sdk_diagnostics
#include <boost/test/unit_test.hpp>

#include <set>

#include "helpline/testing.hpp"
#include "helpline/testing/agent_client.hpp"
#include "helpline/testing/checks.hpp"
#include "helpline/testing/clock.hpp"
#include "helpline/testing/delivery.hpp"
#include "helpline/testing/events.hpp"
#include "helpline/testing/json.hpp"
#include "helpline/testing/sdk.hpp"
#include "helpline/testing/sdk_tickets.hpp"
#include "helpline/testing/sqlite_query.hpp"
#include "helpline/testing/wait.hpp"

namespace hlt = helpline::testing;

using namespace std::chrono_literals;

namespace {

/// An instance of the default app with its own data_dir, closed at the end of the scope. Long poll 2 s unless
/// `c` sets one.
struct Device : hlt::SdkDevice {
  Device(const hlt::ServerProcess &server, const hlt::OpenConfig &c = {})
      : SdkDevice(server.base_url(), c.long_poll_s != 0 ? c.long_poll_s : 2, c) {}
  void consent(bool granted) {
    BOOST_REQUIRE_EQUAL(helpline_set_consent(h(), HELPLINE_CONSENT_DIAGNOSTICS, granted ? 1 : 0),
                        HELPLINE_OK);
  }
};

/// One diagnostics row on the server.
struct Diag {
  std::string kind, name, level, message, attributes, request_id, idem_key;
};

/// The diagnostics the server stored for `device_id`, oldest first (read-only on its database).
std::vector<Diag> server_diagnostics(const hlt::ServerProcess &server, const std::string &device_id) {
  std::vector<Diag> out;
  for (const auto &r : hlt::query(server.db_path(),
                                  "SELECT d.kind, d.name, coalesce(d.level,''), coalesce(d.message,''), "
                                  "coalesce(d.attributes,''), coalesce(d.request_id,''), d.idem_key "
                                  "FROM diagnostics d JOIN diag_devices v ON v.id = d.dev "
                                  "WHERE v.device_id = ?1 ORDER BY d.seq",
                                  {device_id})) {
    out.push_back(Diag{r[0], r[1], r[2], r[3], r[4], r[5], r[6]});
  }
  return out;
}

std::vector<Diag> named(const std::vector<Diag> &all, const std::string &name) {
  std::vector<Diag> out;
  for (const auto &d : all) {
    if (d.name == name) out.push_back(d);
  }
  return out;
}

std::string dump(const std::vector<Diag> &all) {
  std::string s;
  for (const auto &d : all) s += d.kind + " " + d.name + " " + d.attributes.substr(0, 600) + "\n";
  return s;
}

/// The device attributes the server holds for `device_id` (PUT /v1/device), "" when none.
std::string server_device_attrs(const hlt::ServerProcess &server, const std::string &device_id) {
  auto rows = hlt::query(server.db_path(), "SELECT attrs FROM devices WHERE device_id = ?1", {device_id});
  return rows.empty() ? std::string() : rows[0][0];
}

/// Waits until the server knows the device's attribute value `needle` (so targeting sees it).
void wait_registered(const hlt::ServerProcess &server, const Device &d, const std::string &needle) {
  BOOST_REQUIRE_MESSAGE(
      hlt::wait_until([&] { return server_device_attrs(server, d.id()).find(needle) != std::string::npos; },
                      10s),
      "device attributes never reached the server: " << server_device_attrs(server, d.id()));
}

std::string notices_text(helpline_t *h) {
  char *json = nullptr;
  helpline_status_t s = helpline_notices_json(h, &json);
  BOOST_REQUIRE_MESSAGE(s == HELPLINE_OK, "helpline_notices_json: " << helpline_status_str(s));
  std::string out(json);
  helpline_free(json);
  return out;
}

/// The state of notice `id` in helpline_notices_json, or "" when not listed.
std::string notice_state(helpline_t *h, const std::string &id) {
  rapidjson::Document d = hlt::parse(notices_text(h));
  for (const auto &n : d["notices"].GetArray()) {
    if (hlt::str_of(n, "id") == id) return hlt::str_of(n, "state");
  }
  return "";
}

std::string create_notice(hlt::AgentClient &agent, const std::string &body_json) {
  hlt::Response r = agent.http.post("/v1/agent/notices", body_json);
  BOOST_REQUIRE_MESSAGE(r.status == 201, "create notice: " << r.describe());
  return hlt::str_of(hlt::parse(r.body), "id");
}

/// A device-API client speaking for the SDK device `d` (anonymous), proving its id with the SDK's secret.
hlt::HttpClient device_client(const hlt::ServerProcess &server, const hlt::SdkDevice &d) {
  hlt::HttpClient http(server.base_url());
  http.set_default_header("X-Helpline-App-Key", hlt::kAppKey);
  http.set_default_header("X-Helpline-Device-Id", d.id());
  http.set_default_header("X-Helpline-Device-Secret", hlt::device_secret_of(d.data()));
  return http;
}

// ---- callbacks

struct BeforeSend {
  std::mutex mu;
  std::vector<std::string> seen;
  static int cb(void *user, const char *payload, helpline_buffer_t *replacement) {
    auto *self = static_cast<BeforeSend *>(user);
    std::string p(payload);
    {
      std::lock_guard<std::mutex> lock(self->mu);
      self->seen.push_back(p);
    }
    if (p.find("\"name\":\"drop_me\"") != std::string::npos) return HELPLINE_SEND_DROP;
    if (p.find("\"name\":\"replace_me\"") != std::string::npos) {
      helpline_buffer_set(replacement,
                          R"({"kind":"event","name":"replaced","ts":1700000000000,"level":"info",)"
                          R"("attributes":{"edited":true}})");
    }
    return HELPLINE_SEND_KEEP;
  }
};

void log_provider(void *user, helpline_buffer_t *logs) {
  auto *calls = static_cast<std::atomic<int> *>(user);
  calls->fetch_add(1);
  helpline_buffer_append(logs, "12:00:01 boot ok\n");
  helpline_buffer_append(logs, "12:00:02 login bob@example.com from 192.168.0.7\n");
  helpline_buffer_append(logs, "12:00:03 sync failed: timeout\n");
}

/// As much as the log provider may give (64 KiB): many short lines, the newest last.
void big_log_provider(void *, helpline_buffer_t *logs) {
  std::string all;
  for (int i = 0; all.size() + 64 <= 64 * 1024; ++i) {
    char line[80];
    std::snprintf(line, sizeof line, "%06d \"state\"\tchanged\t%-44s\n", i, "ok");
    all += std::string(line).substr(0, 63) + "\n";
  }
  all += "LAST LINE";
  helpline_buffer_append(logs, all.substr(all.size() - 64 * 1024).c_str());
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(without_consent_nothing_diagnostic_reaches_the_server) {
  hlt::ServerProcess server;
  Device d(server);
  BOOST_CHECK_EQUAL(helpline_breadcrumb(d, "ui", "opened settings"), HELPLINE_E_NO_CONSENT);
  BOOST_CHECK_EQUAL(helpline_metric_add(d, "wifi_disconnects", 1), HELPLINE_E_NO_CONSENT);
  BOOST_CHECK_EQUAL(helpline_metric_set(d, "disk_free_pct", 3), HELPLINE_E_NO_CONSENT);
  BOOST_CHECK_EQUAL(helpline_diagnostics_send(d, "crash", "{\"thread\":\"main\"}"), HELPLINE_E_NO_CONSENT);
  BOOST_REQUIRE_EQUAL(
      helpline_rules_load_json(d, R"({"rules":[{"id":"r","metric":"m","op":">","value":0}]})"), HELPLINE_OK);
  BOOST_CHECK_EQUAL(helpline_metric_set(d, "m", 5), HELPLINE_E_NO_CONSENT);
  const std::string ticket = hlt::create_ticket(d, "No consent", "body");
  BOOST_REQUIRE_EQUAL(hlt::flush(d), HELPLINE_OK);

  hlt::AgentClient agent(server);
  rapidjson::Document diags = agent.get("/v1/agent/tickets/" + ticket + "/diagnostics");
  BOOST_CHECK_MESSAGE(diags["items"].Size() == 0u, "server has diagnostics: " << hlt::to_json(diags));
  BOOST_CHECK(server_diagnostics(server, d.id()).empty());
  rapidjson::Document t = agent.ticket(ticket);
  BOOST_REQUIRE(t.HasMember("device") && t["device"].IsObject());
  BOOST_CHECK(!t["device"].HasMember("breadcrumbs"));
  BOOST_CHECK(!t["device"].HasMember("diagnostics"));
  BOOST_CHECK_EQUAL(d.events.count(HELPLINE_EVENT_RULE_FIRED), 0u);
}

BOOST_AUTO_TEST_CASE(revoking_consent_drops_what_is_queued) {
  hlt::ServerProcess server;
  Device d(server);
  d.consent(true);
  BOOST_REQUIRE_EQUAL(hlt::flush(d), HELPLINE_OK);  // registered and idle
  server.stop();
  for (int i = 0; i < 5; ++i) BOOST_REQUIRE_EQUAL(hlt::send_diagnostic(d, "revoke", i), HELPLINE_OK);
  BOOST_REQUIRE_EQUAL(helpline_breadcrumb(d, "ui", "queued while offline"), HELPLINE_OK);
  BOOST_REQUIRE(hlt::wait_until([&] { return hlt::stat_of(d, "outbox_depth") == 5; }, 5s));
  d.consent(false);
  BOOST_REQUIRE_MESSAGE(
      d.events.wait_contains(HELPLINE_EVENT_DROPPED, {"\"reason\":\"consent_revoked\""}, 5s),
      "no DROPPED event: " << d.events.dump());
  BOOST_CHECK_EQUAL(hlt::json_int(d.events.of(HELPLINE_EVENT_DROPPED).at(0), "dropped"), 5);
  BOOST_CHECK_EQUAL(hlt::stat_of(d, "dropped"), 5);

  server.start();
  BOOST_REQUIRE_EQUAL(helpline_set_network_available(d, 1), HELPLINE_OK);
  const std::string ticket = hlt::create_ticket(d, "After revoke", "body");
  BOOST_REQUIRE_EQUAL(hlt::flush(d), HELPLINE_OK);
  BOOST_CHECK_MESSAGE(server_diagnostics(server, d.id()).empty(), dump(server_diagnostics(server, d.id())));
  hlt::AgentClient agent(server);
  rapidjson::Document t = agent.ticket(ticket);
  BOOST_CHECK_MESSAGE(!t["device"].HasMember("breadcrumbs"),
                      "breadcrumbs survived the revoke: " << hlt::to_json(t["device"]));
}

BOOST_AUTO_TEST_CASE(diagnostics_send_arrives_with_device_facts_breadcrumbs_and_redacted_text) {
  hlt::ServerProcess server;
  hlt::OpenConfig c;
  c.redaction_patterns = {"token=[A-Za-z0-9]+"};
  Device d(server, c);
  d.consent(true);
  BOOST_REQUIRE_EQUAL(helpline_set_device_attribute(d, "model", "X100"), HELPLINE_OK);
  BOOST_REQUIRE_EQUAL(helpline_breadcrumb(d, "auth", "signed in as jane@example.com"), HELPLINE_OK);
  BOOST_REQUIRE_EQUAL(
      helpline_breadcrumb_level(d, HELPLINE_LOG_WARN, "net", "retry to 10.0.0.12 token=s3cr3t"), HELPLINE_OK);
  BOOST_REQUIRE_EQUAL(helpline_diagnostics_send(
                          d, "wifi_disconnect",
                          R"({"ssid":"home","owner":"jane@example.com","card":"4111 1111 1111 1111",)"
                          R"("nested":{"peer":"fe80::1ff:fe23:4567:890a","url":"/x?token=abc123"},"n":3})"),
                      HELPLINE_OK);
  BOOST_REQUIRE_EQUAL(hlt::flush(d), HELPLINE_OK);

  auto all = server_diagnostics(server, d.id());
  auto items = named(all, "wifi_disconnect");
  BOOST_REQUIRE_MESSAGE(items.size() == 1u, dump(all));
  BOOST_CHECK_EQUAL(items[0].kind, "event");
  const std::string &text = items[0].attributes;
  for (const char *secret : {"jane@example.com", "4111", "fe80", "abc123", "s3cr3t", "10.0.0.12"}) {
    BOOST_CHECK_MESSAGE(text.find(secret) == std::string::npos,
                        "\"" << secret << "\" reached the server: " << text);
  }
  rapidjson::Document a = hlt::parse(text);
  BOOST_CHECK_EQUAL(hlt::str_of(a, "ssid"), "home");
  BOOST_CHECK_EQUAL(hlt::str_of(a, "owner"), "[email]");
  BOOST_CHECK_EQUAL(hlt::str_of(a, "card"), "[number]");
  BOOST_CHECK_EQUAL(hlt::int_of(a, "n"), 3);
  BOOST_REQUIRE(a.HasMember("nested") && a["nested"].IsObject());
  BOOST_CHECK_EQUAL(hlt::str_of(a["nested"], "peer"), "[ip]");
  BOOST_CHECK_EQUAL(hlt::str_of(a["nested"], "url"), "/x?[redacted]");
  BOOST_REQUIRE(a.HasMember("device") && a["device"].IsObject());
  BOOST_CHECK_EQUAL(hlt::str_of(a["device"], "model"), "X100");
  BOOST_CHECK(hlt::str_of(a["device"], "os") != "<missing>");
  BOOST_CHECK(hlt::str_of(a["device"], "sdk_version") != "<missing>");
  // Sent right after helpline_open (a crash report from the last run, typically): the device facts are there.
  BOOST_CHECK_MESSAGE(a.HasMember("facts") && a["facts"].IsObject(), "no facts: " << text.substr(0, 400));
  if (a.HasMember("facts") && a["facts"].IsObject()) {
    BOOST_CHECK_GE(hlt::int_of(a["facts"], "cpu_count"), 1);
    BOOST_CHECK_GT(hlt::int_of(a["facts"], "mem_total_bytes"), 0);
    BOOST_CHECK_GT(hlt::int_of(a["facts"], "process_rss_bytes"), 0);
  }
  BOOST_REQUIRE(a.HasMember("breadcrumbs") && a["breadcrumbs"].IsArray());
  BOOST_REQUIRE_EQUAL(a["breadcrumbs"].Size(), 2u);
  BOOST_CHECK_EQUAL(hlt::str_of(a["breadcrumbs"][0], "message"), "signed in as [email]");
  BOOST_CHECK_EQUAL(hlt::str_of(a["breadcrumbs"][0], "level"), "info");
  BOOST_CHECK_EQUAL(hlt::str_of(a["breadcrumbs"][1], "message"), "retry to [ip] [redacted]");
  BOOST_CHECK_EQUAL(hlt::str_of(a["breadcrumbs"][1], "level"), "warning");
  BOOST_CHECK_EQUAL(hlt::str_of(a["breadcrumbs"][1], "category"), "net");
}

BOOST_AUTO_TEST_CASE(before_send_can_drop_or_replace_a_diagnostic) {
  hlt::ServerProcess server;
  BeforeSend hook;
  hlt::OpenConfig c;
  c.consent_required = false;  // a managed fleet: no set_consent call needed
  c.before_send = &BeforeSend::cb;
  c.before_send_user = &hook;
  Device d(server, c);
  BOOST_REQUIRE_EQUAL(helpline_diagnostics_send(d, "drop_me", R"({"who":"a@b.com"})"), HELPLINE_OK);
  BOOST_REQUIRE_EQUAL(helpline_diagnostics_send(d, "replace_me", R"({"secret":"x"})"), HELPLINE_OK);
  BOOST_REQUIRE_EQUAL(helpline_diagnostics_send(d, "keep_me", R"({"k":1})"), HELPLINE_OK);
  BOOST_REQUIRE_EQUAL(hlt::flush(d), HELPLINE_OK);

  auto all = server_diagnostics(server, d.id());
  BOOST_CHECK_MESSAGE(named(all, "drop_me").empty(), dump(all));
  BOOST_CHECK_MESSAGE(named(all, "replace_me").empty(), dump(all));
  BOOST_REQUIRE_MESSAGE(named(all, "replaced").size() == 1u, dump(all));
  BOOST_CHECK_EQUAL(named(all, "replaced")[0].attributes, "{\"edited\":true}");
  BOOST_CHECK_EQUAL(named(all, "keep_me").size(), 1u);
  BOOST_CHECK_EQUAL(all.size(), 2u);
  BOOST_CHECK_EQUAL(d.events.count(HELPLINE_EVENT_DEAD_LETTER), 0u);
  // before_send saw the redacted item (protocol section 10 shape).
  std::lock_guard<std::mutex> lock(hook.mu);
  BOOST_REQUIRE_EQUAL(hook.seen.size(), 3u);
  BOOST_CHECK(hook.seen[0].find("[email]") != std::string::npos);
  BOOST_CHECK(hook.seen[0].find("a@b.com") == std::string::npos);
  rapidjson::Document p = hlt::parse(hook.seen[2]);
  BOOST_CHECK_EQUAL(hlt::str_of(p, "kind"), "event");
  BOOST_CHECK(hlt::str_of(p, "idempotency_key") != "<missing>");
  BOOST_CHECK(hlt::int_of(p, "ts") > 0);
}

BOOST_AUTO_TEST_CASE(metrics_arrive_as_one_heartbeat_per_interval_with_aggregated_values) {
  hlt::ServerProcess server;
  hlt::OpenConfig c;
  c.heartbeat_s = 10;  // the minimum the option allows
  Device d(server, c);
  d.consent(true);
  auto start = hlt::Clock::now();
  double sum = 0;
  for (int i = 0; i < 200; ++i) {
    BOOST_REQUIRE_EQUAL(helpline_metric_add(d, "wifi_disconnects", 1), HELPLINE_OK);
    BOOST_REQUIRE_EQUAL(helpline_metric_add(d, "bytes_sent", 0.5), HELPLINE_OK);
    BOOST_REQUIRE_EQUAL(helpline_metric_set(d, "disk_free_pct", 30 + (i * 7) % 41), HELPLINE_OK);
    sum += 0.5;
  }
  BOOST_REQUIRE_EQUAL(helpline_metric_set(d, "disk_free_pct", 42), HELPLINE_OK);
  BOOST_REQUIRE_EQUAL(hlt::flush(d), HELPLINE_OK);
  BOOST_CHECK_MESSAGE(server_diagnostics(server, d.id()).empty(), "samples were sent one by one");

  BOOST_REQUIRE_MESSAGE(hlt::wait_until(
                            [&] {
                              helpline_sync_now(d);
                              return !named(server_diagnostics(server, d.id()), "heartbeat").empty();
                            },
                            20s),
                        "no heartbeat within 20 s");
  const long long took = hlt::ms_since(start);
  BOOST_TEST_MESSAGE("heartbeat on the server after " << took << " ms");
  BOOST_CHECK_GE(took, 9500);
  std::this_thread::sleep_for(1500ms);
  auto beats = named(server_diagnostics(server, d.id()), "heartbeat");
  BOOST_REQUIRE_EQUAL(beats.size(), 1u);
  BOOST_CHECK_EQUAL(beats[0].kind, "metric");
  rapidjson::Document a = hlt::parse(beats[0].attributes);
  BOOST_REQUIRE_MESSAGE(a.HasMember("metrics") && a["metrics"].IsObject(), beats[0].attributes);
  const auto &m = a["metrics"];
  BOOST_CHECK_EQUAL(m["counters"]["wifi_disconnects"].GetDouble(), 200.0);
  BOOST_CHECK_EQUAL(m["counters"]["bytes_sent"].GetDouble(), sum);
  const auto &g = m["gauges"]["disk_free_pct"];
  BOOST_CHECK_EQUAL(g["last"].GetDouble(), 42.0);
  BOOST_CHECK_EQUAL(g["min"].GetDouble(), 30.0);
  BOOST_CHECK_EQUAL(g["max"].GetDouble(), 70.0);
  BOOST_CHECK_EQUAL(g["samples"].GetInt64(), 201);
  BOOST_CHECK_GE(m["interval_ms"].GetInt64(), 9000);
  BOOST_CHECK(a.HasMember("device"));
}

BOOST_AUTO_TEST_CASE(a_rule_fires_once_and_the_next_ticket_carries_recent_diagnostics_and_breadcrumbs) {
  hlt::ServerProcess server;
  Device d(server);
  d.consent(true);
  BOOST_REQUIRE_EQUAL(
      helpline_rules_load_json(
          d, R"({"rules":[{"id":"low_disk","metric":"disk_free_pct","op":"<","value":5,"cooldown_s":3600,)"
             R"("kind":"disk_low"}]})"),
      HELPLINE_OK);
  BOOST_REQUIRE_EQUAL(helpline_breadcrumb(d, "storage", "cleanup skipped"), HELPLINE_OK);
  for (double v : {50.0, 4.0, 6.0, 3.0, 5.5, 2.0, 4.9}) {
    BOOST_REQUIRE_EQUAL(helpline_metric_set(d, "disk_free_pct", v), HELPLINE_OK);
  }
  BOOST_REQUIRE_MESSAGE(d.events.wait_contains(HELPLINE_EVENT_RULE_FIRED, {"\"rule_id\":\"low_disk\""}, 5s),
                        d.events.dump());
  BOOST_REQUIRE_EQUAL(hlt::flush(d), HELPLINE_OK);
  BOOST_CHECK_EQUAL(d.events.count(HELPLINE_EVENT_RULE_FIRED), 1u);
  rapidjson::Document ev = hlt::parse(d.events.of(HELPLINE_EVENT_RULE_FIRED).at(0));
  BOOST_CHECK_EQUAL(hlt::str_of(ev, "kind"), "disk_low");
  BOOST_CHECK_EQUAL(hlt::str_of(ev, "metric"), "disk_free_pct");
  BOOST_CHECK_EQUAL(ev["value"].GetDouble(), 4.0);

  auto all = server_diagnostics(server, d.id());
  auto fired = named(all, "disk_low");
  BOOST_REQUIRE_MESSAGE(fired.size() == 1u, dump(all));
  BOOST_CHECK_EQUAL(fired[0].level, "warning");
  BOOST_CHECK_EQUAL(fired[0].kind, "event");
  rapidjson::Document a = hlt::parse(fired[0].attributes);
  BOOST_REQUIRE(a.HasMember("rule"));
  BOOST_CHECK_EQUAL(hlt::str_of(a["rule"], "rule_id"), "low_disk");

  BOOST_REQUIRE_EQUAL(helpline_diagnostics_send(d, "manual", nullptr), HELPLINE_OK);
  const std::string ticket = hlt::create_ticket(d, "Disk full", "It says the disk is full");
  BOOST_REQUIRE_EQUAL(hlt::flush(d), HELPLINE_OK);
  hlt::AgentClient agent(server);
  rapidjson::Document t = agent.ticket(ticket);
  BOOST_REQUIRE(t["device"].IsObject());
  const auto &dev = t["device"];
  BOOST_REQUIRE_MESSAGE(dev.HasMember("diagnostics") && dev["diagnostics"].IsArray(), hlt::to_json(dev));
  std::set<std::string> ids;
  for (const auto &x : dev["diagnostics"].GetArray()) ids.insert(hlt::str_of(x, "id"));
  all = server_diagnostics(server, d.id());
  BOOST_CHECK_MESSAGE(ids.count(named(all, "disk_low").at(0).idem_key) == 1u, hlt::to_json(dev));
  BOOST_CHECK_MESSAGE(ids.count(named(all, "manual").at(0).idem_key) == 1u, hlt::to_json(dev));
  BOOST_REQUIRE(dev.HasMember("breadcrumbs") && dev["breadcrumbs"].IsArray());
  BOOST_CHECK_EQUAL(hlt::str_of(dev["breadcrumbs"][0], "message"), "cleanup skipped");
  BOOST_CHECK_EQUAL(hlt::str_of(dev, "os") != "<missing>", true);

  // The agent's per-ticket view lists the device's diagnostics.
  rapidjson::Document tv = agent.get("/v1/agent/tickets/" + ticket + "/diagnostics");
  std::set<std::string> names;
  for (const auto &x : tv["items"].GetArray()) names.insert(hlt::str_of(x, "name"));
  BOOST_CHECK(names.count("disk_low") == 1u && names.count("manual") == 1u);

  // The next ticket only carries what happened since.
  const std::string second = hlt::create_ticket(d, "Another", "again");
  BOOST_REQUIRE_EQUAL(hlt::flush(d), HELPLINE_OK);
  rapidjson::Document t2 = agent.ticket(second);
  BOOST_CHECK_MESSAGE(!t2["device"].HasMember("diagnostics") || t2["device"]["diagnostics"].Size() == 0u,
                      hlt::to_json(t2["device"]));
}

// Breadcrumbs are up to 1 KiB each and the ticket takes the last 30 along: the ticket must still be accepted
// (the server caps a ticket's "device" object at 16 KiB).
BOOST_AUTO_TEST_CASE(a_ticket_after_long_breadcrumbs_is_still_delivered) {
  hlt::ServerProcess server;
  Device d(server);
  d.consent(true);
  for (int i = 0; i < 40; ++i) {
    BOOST_REQUIRE_EQUAL(helpline_breadcrumb(d, "ui", (std::to_string(i) + std::string(1000, 'x')).c_str()),
                        HELPLINE_OK);
  }
  const std::string ticket = hlt::create_ticket(d, "Long crumbs", "body");
  BOOST_REQUIRE_EQUAL(hlt::flush(d), HELPLINE_OK);
  BOOST_CHECK_MESSAGE(d.events.count(HELPLINE_EVENT_DEAD_LETTER) == 0u,
                      "ticket refused: " << d.events.dump());
  hlt::AgentClient agent(server);
  BOOST_CHECK_EQUAL(agent.status_of("/v1/agent/tickets/" + ticket), 200);
}

// Attributes within the documented 64 KiB are delivered (or refused at the call), never refused by the server
// later because the SDK added device context.
BOOST_AUTO_TEST_CASE(attributes_near_64_kib_are_delivered_or_refused_at_the_call) {
  hlt::ServerProcess server;
  hlt::OpenConfig c;
  c.consent_required = false;
  Device d(server, c);
  // Exactly the documented maximum (64 KiB of attributes_json).
  const std::string attrs = "{\"blob\":\"" + std::string(64 * 1024 - 11, 'a') + "\"}";
  BOOST_REQUIRE_EQUAL(attrs.size(), 64u * 1024u);
  helpline_status_t s = helpline_diagnostics_send(d, "near_cap", attrs.c_str());
  BOOST_REQUIRE(s == HELPLINE_OK || s == HELPLINE_E_TOO_LARGE);
  BOOST_REQUIRE_EQUAL(hlt::flush(d), HELPLINE_OK);
  if (s == HELPLINE_OK) {
    BOOST_CHECK_MESSAGE(d.events.count(HELPLINE_EVENT_DEAD_LETTER) == 0u,
                        "accepted, then refused: " << d.events.dump().substr(0, 600));
    BOOST_CHECK_EQUAL(named(server_diagnostics(server, d.id()), "near_cap").size(), 1u);
  }
}

BOOST_AUTO_TEST_CASE(remote_diagnostics_request_round_trip_with_host_logs) {
  hlt::ServerProcess server;
  std::atomic<int> log_calls{0};
  hlt::OpenConfig c;
  c.log_provider = &log_provider;
  c.log_provider_user = &log_calls;
  Device d(server, c);
  d.consent(true);
  const std::string ticket = hlt::create_ticket(d, "Sync fails", "Please help");
  BOOST_REQUIRE_EQUAL(hlt::flush(d), HELPLINE_OK);
  std::this_thread::sleep_for(300ms);  // in its long-poll

  hlt::AgentClient agent(server);
  hlt::Response r =
      agent.http.post("/v1/agent/diagnostics-requests",
                      "{\"ticket_id\":\"" + ticket + "\",\"kinds\":[\"logs\"],\"message\":\"please\"}");
  BOOST_REQUIRE_MESSAGE(r.status == 201, r.describe());
  const std::string request_id = hlt::str_of(hlt::parse(r.body), "id");
  BOOST_REQUIRE_MESSAGE(d.events.wait_contains(HELPLINE_EVENT_DIAGNOSTICS_REQUEST, {request_id}, 10s),
                        d.events.dump());
  rapidjson::Document ev = hlt::parse(d.events.of(HELPLINE_EVENT_DIAGNOSTICS_REQUEST).at(0));
  BOOST_CHECK(ev["answered"].IsBool() && ev["answered"].GetBool());
  BOOST_CHECK_EQUAL(hlt::str_of(ev, "ticket_id"), ticket);
  BOOST_CHECK_EQUAL(hlt::str_of(ev, "message"), "please");
  BOOST_CHECK_EQUAL(log_calls.load(), 1);
  BOOST_REQUIRE_EQUAL(hlt::flush(d), HELPLINE_OK);

  auto all = server_diagnostics(server, d.id());
  std::vector<Diag> snaps;
  for (const auto &x : all) {
    if (x.request_id == request_id) snaps.push_back(x);
  }
  BOOST_REQUIRE_MESSAGE(snaps.size() == 1u, dump(all));
  BOOST_CHECK_EQUAL(snaps[0].kind, "snapshot");
  rapidjson::Document a = hlt::parse(snaps[0].attributes);
  const std::string logs = hlt::str_of(a, "logs");
  BOOST_CHECK(logs.find("12:00:03 sync failed: timeout") != std::string::npos);
  BOOST_CHECK(logs.find("login [email] from [ip]") != std::string::npos);
  BOOST_CHECK(logs.find("bob@example.com") == std::string::npos);
  BOOST_CHECK(a.HasMember("facts") && a["facts"].IsObject());
  BOOST_CHECK(a.HasMember("device") && a["device"].IsObject());

  rapidjson::Document reqs = agent.get("/v1/agent/diagnostics-requests?ticket_id=" + ticket);
  BOOST_REQUIRE_EQUAL(reqs["items"].Size(), 1u);
  BOOST_CHECK_EQUAL(hlt::str_of(reqs["items"][0], "status"), "fulfilled");
  // The agent's ticket view shows the snapshot with its request id.
  rapidjson::Document tv = agent.get("/v1/agent/tickets/" + ticket + "/diagnostics?kind=snapshot");
  BOOST_REQUIRE_EQUAL(tv["items"].Size(), 1u);
  BOOST_CHECK_EQUAL(hlt::str_of(tv["items"][0], "request_id"), request_id);
}

BOOST_AUTO_TEST_CASE(a_request_without_consent_is_answered_when_consent_is_granted) {
  hlt::ServerProcess server;
  std::atomic<int> log_calls{0};
  hlt::OpenConfig c;
  c.log_provider = &log_provider;
  c.log_provider_user = &log_calls;
  Device d(server, c);
  const std::string ticket = hlt::create_ticket(d, "No consent yet", "body");
  BOOST_REQUIRE_EQUAL(hlt::flush(d), HELPLINE_OK);
  hlt::AgentClient agent(server);
  hlt::Response r = agent.http.post("/v1/agent/diagnostics-requests", "{\"ticket_id\":\"" + ticket + "\"}");
  BOOST_REQUIRE_MESSAGE(r.status == 201, r.describe());
  const std::string request_id = hlt::str_of(hlt::parse(r.body), "id");
  BOOST_REQUIRE_MESSAGE(d.events.wait_contains(HELPLINE_EVENT_DIAGNOSTICS_REQUEST, {request_id}, 10s),
                        d.events.dump());
  BOOST_CHECK_EQUAL(d.events.count(HELPLINE_EVENT_DIAGNOSTICS_REQUEST, {"\"answered\":false"}), 1u);
  BOOST_CHECK_EQUAL(log_calls.load(), 0);
  BOOST_REQUIRE_EQUAL(hlt::flush(d), HELPLINE_OK);
  BOOST_CHECK(server_diagnostics(server, d.id()).empty());
  BOOST_CHECK_EQUAL(
      hlt::str_of(agent.get("/v1/agent/diagnostics-requests?ticket_id=" + ticket)["items"][0], "status"),
      "pending");

  d.consent(true);
  BOOST_REQUIRE_MESSAGE(
      d.events.wait_contains(HELPLINE_EVENT_DIAGNOSTICS_REQUEST, {request_id, "\"answered\":true"}, 5s),
      d.events.dump());
  BOOST_REQUIRE_EQUAL(hlt::flush(d), HELPLINE_OK);
  auto all = server_diagnostics(server, d.id());
  BOOST_REQUIRE_EQUAL(all.size(), 1u);
  BOOST_CHECK_EQUAL(all[0].request_id, request_id);
  BOOST_CHECK_EQUAL(log_calls.load(), 1);
  BOOST_CHECK_EQUAL(
      hlt::str_of(agent.get("/v1/agent/diagnostics-requests?ticket_id=" + ticket)["items"][0], "status"),
      "fulfilled");
}

BOOST_AUTO_TEST_CASE(notices_are_targeted_by_model_and_firmware_range_marked_dismissed_and_withdrawn) {
  hlt::ServerProcess server;
  Device a(server);
  Device b(server);
  BOOST_REQUIRE_EQUAL(helpline_set_device_attribute(a, "model", "X100"), HELPLINE_OK);
  BOOST_REQUIRE_EQUAL(helpline_set_device_attribute(a, "firmware_version", "2.10.1"), HELPLINE_OK);
  BOOST_REQUIRE_EQUAL(helpline_set_device_attribute(b, "model", "Y200"), HELPLINE_OK);
  BOOST_REQUIRE_EQUAL(helpline_set_device_attribute(b, "firmware_version", "2.9.5"), HELPLINE_OK);
  wait_registered(server, a, "2.10.1");
  wait_registered(server, b, "2.9.5");

  hlt::AgentClient agent(server);
  const std::string by_model = create_notice(
      agent,
      R"({"title":"Recall X100","body":"Battery recall","severity":"warning","url":"https://example.com/r",)"
      R"("target":{"model":"X100"}})");
  // 2.10.1 >= 2.10 numerically; 2.9.5 is older (a text compare would say otherwise).
  const std::string by_firmware = create_notice(
      agent,
      R"({"title":"Update","body":"Firmware 2.10+ issue","target":{"firmware_version":{"min":"2.10","max":"2.12"}}})");

  BOOST_REQUIRE_MESSAGE(a.events.wait_contains(HELPLINE_EVENT_NOTICE, {by_model}, 10s), a.events.dump());
  BOOST_REQUIRE_MESSAGE(a.events.wait_contains(HELPLINE_EVENT_NOTICE, {by_firmware}, 10s), a.events.dump());
  rapidjson::Document ev = hlt::parse(a.events.of(HELPLINE_EVENT_NOTICE).at(0));
  BOOST_CHECK_EQUAL(hlt::str_of(ev, "state"), "new");
  BOOST_CHECK_EQUAL(hlt::str_of(ev, "title"), "Recall X100");
  BOOST_CHECK_EQUAL(hlt::str_of(ev, "severity"), "warning");
  BOOST_CHECK_EQUAL(hlt::str_of(ev, "url"), "https://example.com/r");
  BOOST_CHECK_EQUAL(notice_state(a, by_model), "new");
  BOOST_CHECK_EQUAL(notice_state(a, by_firmware), "new");

  // B matches neither: give its long-poll time to deliver anything it would get.
  helpline_sync_now(b);
  std::this_thread::sleep_for(2500ms);
  BOOST_CHECK_MESSAGE(b.events.count(HELPLINE_EVENT_NOTICE) == 0u, b.events.dump());
  BOOST_CHECK_EQUAL(notice_state(b, by_model), "");
  BOOST_CHECK_EQUAL(notice_state(b, by_firmware), "");

  // Seen (local), kept across an update of the notice.
  BOOST_REQUIRE_EQUAL(helpline_notice_mark(a, by_model.c_str(), HELPLINE_NOTICE_SEEN), HELPLINE_OK);
  BOOST_CHECK_EQUAL(notice_state(a, by_model), "seen");
  // Committed before the update arrives (an update racing the commit reports "new": see the report).
  BOOST_REQUIRE_EQUAL(hlt::flush(a), HELPLINE_OK);
  hlt::Response p =
      agent.http.patch("/v1/agent/notices/" + by_model, R"J({"title":"Recall X100 (updated)"})J");
  BOOST_REQUIRE_MESSAGE(p.status == 200, p.describe());
  BOOST_REQUIRE_MESSAGE(a.events.wait_contains(HELPLINE_EVENT_NOTICE, {by_model, "(updated)"}, 10s),
                        a.events.dump());
  BOOST_CHECK_EQUAL(a.events.count(HELPLINE_EVENT_NOTICE, {by_model, "(updated)", "\"state\":\"seen\""}), 1u);
  BOOST_CHECK_EQUAL(notice_state(a, by_model), "seen");

  // Dismissed: gone from the list, acknowledged on the server.
  BOOST_REQUIRE_EQUAL(helpline_notice_mark(a, by_model.c_str(), HELPLINE_NOTICE_DISMISSED), HELPLINE_OK);
  BOOST_CHECK_EQUAL(notice_state(a, by_model), "");
  BOOST_CHECK_EQUAL(helpline_notice_mark(a, by_model.c_str(), HELPLINE_NOTICE_SEEN), HELPLINE_OK);
  BOOST_CHECK_EQUAL(notice_state(a, by_model), "");  // seen never undoes dismissed
  BOOST_REQUIRE_EQUAL(hlt::flush(a), HELPLINE_OK);
  BOOST_CHECK_EQUAL(notice_state(a, by_model), "");
  hlt::HttpClient http = device_client(server, a);
  hlt::Response list = http.get("/v1/notices");
  BOOST_REQUIRE_MESSAGE(list.status == 200, list.describe());
  rapidjson::Document ld = hlt::parse(list.body);
  bool acknowledged = false, other_listed = false;
  for (const auto &n : ld["items"].GetArray()) {
    if (hlt::str_of(n, "id") == by_model) acknowledged = n["acknowledged"].GetBool();
    if (hlt::str_of(n, "id") == by_firmware) other_listed = !n["acknowledged"].GetBool();
  }
  BOOST_CHECK_MESSAGE(acknowledged, list.body);
  BOOST_CHECK_MESSAGE(other_listed, list.body);

  // Withdrawn.
  hlt::Response del = agent.http.del("/v1/agent/notices/" + by_firmware);
  BOOST_REQUIRE_MESSAGE(del.status == 204, del.describe());
  BOOST_REQUIRE_MESSAGE(a.events.wait_contains(HELPLINE_EVENT_NOTICE_WITHDRAWN, {by_firmware}, 10s),
                        a.events.dump());
  BOOST_CHECK_EQUAL(notice_state(a, by_firmware), "");
  BOOST_CHECK_EQUAL(helpline_notice_mark(a, by_firmware.c_str(), HELPLINE_NOTICE_SEEN), HELPLINE_E_NOT_FOUND);
  // A device that never had it gets no withdrawn event.
  std::this_thread::sleep_for(500ms);
  BOOST_CHECK_EQUAL(b.events.count(HELPLINE_EVENT_NOTICE_WITHDRAWN), 0u);
}

// A device whose attributes come to match a notice after it was published (the host sets the model only after
// its first sync, or a firmware update moves it into the targeted range) must still see it: GET /v1/notices
// lists it for the device, and section 12 calls that list authoritative.
BOOST_AUTO_TEST_CASE(a_notice_published_before_the_device_matched_still_reaches_it) {
  hlt::ServerProcess server;
  hlt::AgentClient agent(server);
  Device d(server);
  BOOST_REQUIRE_EQUAL(helpline_set_device_attribute(d, "firmware_version", "1.9"), HELPLINE_OK);
  wait_registered(server, d, "1.9");
  BOOST_REQUIRE(hlt::wait_until([&] { return hlt::stat_of(d, "polls") >= 1; }, 5s));
  const std::string id = create_notice(
      agent, R"({"title":"Known issue","body":"b","target":{"firmware_version":{"min":"2.0"}}})");
  std::this_thread::sleep_for(1000ms);  // the device's long-poll sees the notice and (rightly) skips it
  BOOST_REQUIRE_EQUAL(d.events.count(HELPLINE_EVENT_NOTICE), 0u);

  BOOST_REQUIRE_EQUAL(helpline_set_device_attribute(d, "firmware_version", "2.1"), HELPLINE_OK);  // updated
  wait_registered(server, d, "2.1");
  hlt::HttpClient http = device_client(server, d);
  hlt::Response list = http.get("/v1/notices");
  BOOST_REQUIRE(list.status == 200);
  BOOST_REQUIRE_MESSAGE(list.body.find(id) != std::string::npos,
                        "the server does not target it: " << list.body);
  helpline_sync_now(d);
  BOOST_CHECK_MESSAGE(d.events.wait_contains(HELPLINE_EVENT_NOTICE, {id}, 8s),
                      "the device never learned of the notice: " << d.events.dump());
  BOOST_CHECK_EQUAL(notice_state(d, id), "new");
}

// The log provider may append up to 64 KiB (helpline.h): the snapshot answering the request must still be
// accepted by the server (attributes <= 64 KiB serialised) and fulfil the request.
BOOST_AUTO_TEST_CASE(a_request_answered_with_64_kib_of_logs_is_still_fulfilled) {
  hlt::ServerProcess server;
  hlt::OpenConfig c;
  c.consent_required = false;
  c.log_provider = &big_log_provider;
  Device d(server, c);
  const std::string ticket = hlt::create_ticket(d, "Big logs", "body");
  BOOST_REQUIRE_EQUAL(hlt::flush(d), HELPLINE_OK);
  hlt::AgentClient agent(server);
  hlt::Response r = agent.http.post("/v1/agent/diagnostics-requests", "{\"ticket_id\":\"" + ticket + "\"}");
  BOOST_REQUIRE_MESSAGE(r.status == 201, r.describe());
  const std::string request_id = hlt::str_of(hlt::parse(r.body), "id");
  BOOST_REQUIRE_MESSAGE(
      d.events.wait_contains(HELPLINE_EVENT_DIAGNOSTICS_REQUEST, {request_id, "\"answered\":true"}, 10s),
      d.events.dump());
  BOOST_REQUIRE_EQUAL(hlt::flush(d), HELPLINE_OK);
  BOOST_CHECK_MESSAGE(d.events.count(HELPLINE_EVENT_DEAD_LETTER) == 0u, d.events.dump().substr(0, 800));
  BOOST_CHECK_EQUAL(
      hlt::str_of(agent.get("/v1/agent/diagnostics-requests?ticket_id=" + ticket)["items"][0], "status"),
      "fulfilled");
  auto all = server_diagnostics(server, d.id());
  BOOST_REQUIRE_MESSAGE(all.size() == 1u, dump(all));
  const std::string logs = hlt::str_of(hlt::parse(all[0].attributes), "logs");
  BOOST_CHECK(logs.find("LAST LINE") != std::string::npos);  // the newest lines are kept
}
