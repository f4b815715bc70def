// Server rules (docs/protocol.md 14.3): proactive tickets (one open per device and rule), targeted notices,
// counting within a window, device targeting, bad input; the device rule set pushed as `rules` sync items
// (14.4).
#define BOOST_TEST_MODULE server_rules
#include "helpline/testing.hpp"
#include "helpline/testing/checks.hpp"
#include "helpline/testing/clock.hpp"
#include "helpline/testing/device_client.hpp"
#include "helpline/testing/diagnostics_items.hpp"
#include "helpline/testing/json.hpp"
#include "helpline/testing/shared_server.hpp"
#include "helpline/testing/unique.hpp"
#include "helpline/testing/wait.hpp"

namespace hlt = helpline::testing;
namespace diag = helpline::testing::diag;
using namespace helpline::testing;

namespace {

std::string create_rule(const std::string &body) {
  auto http = shared_agent_client("admin");
  const auto r = http.post("/v1/agent/rules", body);
  BOOST_REQUIRE_MESSAGE(r.status == 201, "rule: " + r.describe());
  return str_at(json(r), "/id");
}

// Proactive tickets of the device (agent view).
rapidjson::Document tickets_of(const std::string &device_id) {
  auto http = shared_agent_client("admin");
  return json(http.get("/v1/agent/tickets?requester=device:" + device_id));
}

long long firings(const std::string &rule_id) {
  auto http = shared_agent_client("admin");
  return int_at(json(http.get("/v1/agent/rules/" + rule_id)), "/firings");
}

std::string disk_rule(const std::string &extra_match = "") {
  return R"({"name":"Disk almost full","match":{"kind":"metric","name":"heartbeat","metric":"disk_free_pct",)"
         R"("op":"<","value":5)" +
         extra_match +
         R"(},"action":{"type":"ticket","subject":"Disk almost full on {device_id}","body":"{value}% free"}})";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(proactive_tickets)

BOOST_AUTO_TEST_CASE(a_matching_heartbeat_opens_exactly_one_proactive_ticket_per_device_and_rule) {
  const std::string model = unique("P");
  const std::string rule = create_rule(disk_rule(R"(,"target":{"model":)" + q(model) + "}"));
  Device dev(shared_server());
  BOOST_REQUIRE_EQUAL(dev.http.put("/v1/device", R"({"model":)" + q(model) + "}").status, 200);
  const long long now = hlt::now_ms();
  diag::send_ok(dev, {diag::heartbeat(now, {{"disk_free_pct", 50}})});  // no match
  diag::send_ok(dev, {diag::heartbeat(now + 1, {{"disk_free_pct", 3}})});
  BOOST_REQUIRE(hlt::wait_until([&] { return size_at(tickets_of(dev.id), "/items") == 1; }));
  const auto doc = tickets_of(dev.id);
  BOOST_CHECK_EQUAL(str_at(doc, "/items/0/subject"), "Disk almost full on " + dev.id);
  BOOST_CHECK(hlt::at(doc, "/items/0/proactive")->GetBool());
  BOOST_CHECK_EQUAL(str_at(doc, "/items/0/rule_id"), rule);
  BOOST_CHECK_EQUAL(str_at(doc, "/items/0/requester/type"), "device");
  BOOST_CHECK_EQUAL(str_at(doc, "/items/0/requester/id"), dev.id);
  const std::string ticket = str_at(doc, "/items/0/id");

  // More matches while it is open: de-duplicated, still one ticket, each firing recorded.
  diag::send_ok(dev, {diag::heartbeat(now + 2, {{"disk_free_pct", 2}}),
                      diag::heartbeat(now + 3, {{"disk_free_pct", 1}})});
  BOOST_REQUIRE(hlt::wait_until([&] { return firings(rule) == 3; }));
  BOOST_CHECK_EQUAL(size_at(tickets_of(dev.id), "/items"), 1u);

  // The owner's device learns about it through sync, and reads the rule's message.
  const auto sync = json(dev.sync());
  bool seen = false;
  for (const auto *item : hlt::items_of_type(sync, "ticket"))
    seen = seen || str_at(*item, "/data/id") == ticket;
  BOOST_CHECK(seen);
  const auto messages = json(dev.http.get("/v1/tickets/" + ticket + "/messages"));
  BOOST_CHECK_EQUAL(str_at(messages, "/items/0/author/type"), "system");
  BOOST_CHECK_EQUAL(str_at(messages, "/items/0/body"), "3% free");  // the value that opened it

  // Once solved, the next match opens a new one.
  auto http = shared_agent_client("admin");
  REQUIRE_STATUS(http.patch("/v1/agent/tickets/" + ticket, R"({"status":"solved"})"), 200);
  diag::send_ok(dev, {diag::heartbeat(now + 4, {{"disk_free_pct", 1}})});
  BOOST_CHECK(hlt::wait_until([&] { return size_at(tickets_of(dev.id), "/items") == 2; }));
}

BOOST_AUTO_TEST_CASE(devices_outside_the_rule_target_and_non_matching_items_fire_nothing) {
  const std::string model = unique("T");
  const std::string rule = create_rule(disk_rule(R"(,"target":{"model":)" + q(model) + "}"));
  Device other(shared_server()), bare(shared_server());
  BOOST_REQUIRE_EQUAL(other.http.put("/v1/device", R"({"model":"elsewhere"})").status, 200);
  const long long now = hlt::now_ms();
  diag::send_ok(other, {diag::heartbeat(now, {{"disk_free_pct", 1}})});
  diag::send_ok(bare, {diag::heartbeat(now, {{"disk_free_pct", 1}})});  // no attributes: no match
  diag::send_ok(bare, {diag::item("metric", "heartbeat", now + 1, "", R"({"metrics":{"gauges":{}}})")});
  // A later firing of another rule proves the engine has processed these batches.
  const std::string probe = create_rule(
      R"({"name":"probe","match":{"kind":"event","name":"probe"},"action":{"type":"ticket","subject":"p","body":"p"}})");
  Device probe_dev(shared_server());
  diag::send_ok(probe_dev, {diag::item("event", "probe", now)});
  BOOST_REQUIRE(hlt::wait_until([&] { return firings(probe) == 1; }));
  BOOST_CHECK_EQUAL(firings(rule), 0);
  BOOST_CHECK_EQUAL(size_at(tickets_of(other.id), "/items"), 0u);
}

BOOST_AUTO_TEST_CASE(count_within_window_needs_that_many_matches_per_device) {
  const std::string name = unique("wifi");
  const std::string rule = create_rule(R"({"name":"flaky wifi","match":{"kind":"event","name":)" + q(name) +
                                       R"(,"level":["error","fatal"],"count":3,"window_s":3600},)"
                                       R"("action":{"type":"ticket","subject":"Wi-Fi","body":"drops"}})");
  Device dev(shared_server());
  const long long now = hlt::now_ms();
  // Two errors, one info (not matching), and one error outside the hour before the last.
  diag::send_ok(dev, {diag::item("event", name, now - 2 * 3600000, R"("level":"error")"),
                      diag::item("event", name, now - 1000, R"("level":"error")"),
                      diag::item("event", name, now - 900, R"("level":"info")"),
                      diag::item("event", name, now - 800, R"("level":"ERROR")")});
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  BOOST_CHECK_EQUAL(firings(rule), 0);
  diag::send_ok(dev, {diag::item("event", name, now, R"("level":"fatal")")});
  BOOST_REQUIRE(hlt::wait_until([&] { return firings(rule) == 1; }));
  BOOST_CHECK_EQUAL(size_at(tickets_of(dev.id), "/items"), 1u);
}

BOOST_AUTO_TEST_CASE(a_signed_in_users_device_gets_the_ticket_as_the_user) {
  const std::string name = unique("overheat");
  create_rule(
      R"({"name":"overheat","match":{"kind":"event","name":)" + q(name) +
      R"(,"attribute":"temp_c","op":">=","value":80},"action":{"type":"ticket","subject":"Hot","body":"b"}})");
  Device dev(shared_server());
  const std::string user = unique("u");
  dev.sign_in(user);
  diag::send_ok(dev, {diag::item("event", name, hlt::now_ms(), "", R"({"temp_c":79})")});
  diag::send_ok(dev, {diag::item("event", name, hlt::now_ms(), "", R"({"temp_c":85.5})")});
  auto http = shared_agent_client("admin");
  BOOST_REQUIRE(hlt::wait_until(
      [&] { return size_at(json(http.get("/v1/agent/tickets?requester=user:" + user)), "/items") == 1; }));
  const auto doc = json(http.get("/v1/agent/tickets?requester=user:" + user));
  BOOST_CHECK_EQUAL(str_at(doc, "/items/0/requester/type"), "user");
  BOOST_CHECK_EQUAL(str_at(json(dev.http.get("/v1/tickets")), "/items/0/subject"), "Hot");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(notice_action)

BOOST_AUTO_TEST_CASE(a_crash_publishes_one_notice_to_devices_with_the_same_model_and_firmware) {
  const std::string model = unique("N"), name = unique("crash");
  const std::string rule =
      create_rule(R"({"name":"crash notice","match":{"kind":"event","name":)" + q(name) +
                  R"(},"action":{"type":"notice","title":"Known issue on {firmware_version}",)"
                  R"("body":"A fix is coming","severity":"warning",)"
                  R"("target_from_device":["model","firmware_version"]}})");
  Device crashing(shared_server()), same(shared_server()), newer(shared_server());
  for (auto [d, fw] :
       {std::pair<Device *, const char *>{&crashing, "2.3.1"}, {&same, "2.3.1"}, {&newer, "2.4.0"}})
    BOOST_REQUIRE_EQUAL(
        d->http.put("/v1/device", R"({"model":)" + q(model) + R"(,"firmware_version":)" + q(fw) + "}").status,
        200);
  diag::send_ok(crashing, {diag::item("event", name, hlt::now_ms(), R"("level":"fatal")")});
  BOOST_REQUIRE(hlt::wait_until([&] { return size_at(json(same.http.get("/v1/notices")), "/items") >= 1; }));
  const auto list = json(same.http.get("/v1/notices"));
  const rapidjson::Value *n = nullptr;
  for (const auto &v : hlt::at(list, "/items")->GetArray())
    if (std::string(v["title"].GetString()) == "Known issue on 2.3.1") n = &v;
  BOOST_REQUIRE(n != nullptr);
  BOOST_CHECK_EQUAL(str_at(*n, "/target/model"), model);
  BOOST_CHECK_EQUAL(str_at(*n, "/target/firmware_version"), "2.3.1");
  const std::string id = str_at(*n, "/id");
  BOOST_CHECK(!hlt::contains_id(json(newer.http.get("/v1/notices")), "/items", id));
  // A second crash: the notice is live, nothing new is published.
  diag::send_ok(same, {diag::item("event", name, hlt::now_ms())});
  BOOST_REQUIRE(hlt::wait_until([&] { return firings(rule) == 2; }));
  auto http = shared_agent_client("admin");
  int count = 0;
  const auto notices = json(http.get("/v1/agent/notices"));  // kept alive for the loop
  for (const auto &v : hlt::at(notices, "/items")->GetArray())
    if (std::string(v["id"].GetString()) == id) ++count;
  BOOST_CHECK_EQUAL(count, 1);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(rule_api)

BOOST_AUTO_TEST_CASE(malformed_rules_are_400_with_the_field_named) {
  auto http = shared_agent_client("admin");
  const std::pair<const char *, const char *> cases[] = {
      {R"({"name":"x","match":{"metric":"m","op":"~","value":1},"action":{"type":"ticket","subject":"s","body":"b"}})",
       "match.op: unknown operator \"~\""},
      {R"({"name":"x","match":{"metric":"m","op":"<"},"action":{"type":"ticket","subject":"s","body":"b"}})",
       "match.value"},
      {R"({"name":"x","match":{"metric":"m","op":"<","value":"low"},"action":{"type":"ticket","subject":"s","body":"b"}})",
       "match.value"},
      {R"({"name":"x","match":{},"action":{"type":"ticket","subject":"s","body":"b"}})", "match:"},
      {R"({"name":"x","match":{"kind":"crash"},"action":{"type":"ticket","subject":"s","body":"b"}})",
       "match.kind"},
      {R"({"name":"x","match":{"kind":"event","count":0},"action":{"type":"ticket","subject":"s","body":"b"}})",
       "match.count"},
      {R"({"name":"x","match":{"kind":"event","target":{"model":{"above":"1"}}},"action":{"type":"ticket","subject":"s","body":"b"}})",
       "match.target.model"},
      {R"({"name":"x","match":{"kind":"event"},"action":{"type":"email"}})", "action.type"},
      {R"({"name":"x","match":{"kind":"event"},"action":{"type":"ticket","body":"b"}})", "action.subject"},
      {R"({"name":"x","match":{"kind":"event"},"action":{"type":"notice","title":"t","body":"b"}})",
       "action:"},
      {R"({"name":"x","match":{"kind":"event"}})", "action"},
  };
  for (const auto &[body, want] : cases) {
    const auto r = http.post("/v1/agent/rules", body);
    CHECK_ERROR(r, 400, "invalid_request");
    BOOST_CHECK_MESSAGE(str_at(json(r), "/error/message").find(want) != std::string::npos,
                        "want '" << want << "' in " << r.body);
  }
  CHECK_ERROR(http.post("/v1/agent/rules", "{not json"), 400, "malformed_json");
}

BOOST_AUTO_TEST_CASE(rules_crud_is_admin_only_for_writes) {
  auto agent = hlt::agent_client(hlt::shared_agent());
  const std::string only_here = R"(,"target":{"model":"crud-test-only"})";
  CHECK_ERROR(agent.post("/v1/agent/rules", disk_rule(only_here)), 403, "forbidden");
  const std::string id = create_rule(disk_rule(only_here));
  auto http = shared_agent_client("admin");
  BOOST_CHECK(hlt::contains_id(json(agent.get("/v1/agent/rules")), "/items", id));
  const auto patched = http.patch("/v1/agent/rules/" + id, R"({"enabled":false,"name":"renamed"})");
  REQUIRE_STATUS(patched, 200);
  BOOST_CHECK(!hlt::at(json(patched), "/enabled")->GetBool());
  BOOST_CHECK_EQUAL(str_at(json(patched), "/name"), "renamed");
  BOOST_CHECK_EQUAL(str_at(json(patched), "/match/metric"), "disk_free_pct");
  CHECK_ERROR(http.patch("/v1/agent/rules/" + id, R"({"match":{"metric":"m","op":"=~","value":1}})"), 400,
              "invalid_request");
  CHECK_STATUS(http.del("/v1/agent/rules/" + id), 204);
  CHECK_ERROR(http.get("/v1/agent/rules/" + id), 404, "not_found");
  CHECK_ERROR(http.del("/v1/agent/rules/" + id), 404, "not_found");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(device_rules)

// One shared server: the app's rule set is global, so these cases run in order on their own server.
BOOST_AUTO_TEST_CASE(a_new_rule_set_reaches_every_device_once_and_the_newest_only) {
  hlt::ServerProcess server(hlt::shared_config());
  auto agent = hlt::create_and_login_agent(server, unique("a") + "@example.com", "admin");
  auto http = hlt::agent_client(agent, server);
  Device early(server);
  std::string cursor = str_at(json(early.sync()), "/cursor");

  BOOST_CHECK_EQUAL(int_at(json(http.get("/v1/agent/device-rules")), "/version"), 0);
  const std::string v1 =
      R"({"rules":[{"id":"disk_low","metric":"disk_free_pct","op":"<","value":5,"for_s":600,"cooldown_s":3600,)"
      R"("kind":"disk_low","when":{"model":"X100"}}]})";
  const auto put1 = http.put("/v1/agent/device-rules", v1);
  REQUIRE_STATUS(put1, 200);
  BOOST_CHECK_EQUAL(int_at(json(put1), "/version"), 1);

  const auto s1 = json(early.sync(cursor));
  auto items = hlt::items_of_type(s1, "rules");
  BOOST_REQUIRE_EQUAL(items.size(), 1u);
  BOOST_CHECK_EQUAL(int_at(*items[0], "/data/version"), 1);
  BOOST_CHECK_EQUAL(str_at(*items[0], "/data/rules/0/id"), "disk_low");
  BOOST_CHECK_EQUAL(str_at(*items[0], "/data/rules/0/op"), "<");
  cursor = str_at(s1, "/cursor");

  // The same set again changes nothing and sends nothing.
  REQUIRE_STATUS(http.put("/v1/agent/device-rules", v1), 200);
  BOOST_CHECK_EQUAL(int_at(json(http.get("/v1/agent/device-rules")), "/version"), 1);
  BOOST_CHECK_EQUAL(hlt::count_of_type(json(early.sync(cursor)), "rules"), 0u);

  const std::string v2 =
      R"({"rules":[{"id":"wifi","metric":"wifi_disconnects","op":">","value":3,"window_s":3600}]})";
  BOOST_CHECK_EQUAL(int_at(json(http.put("/v1/agent/device-rules", v2)), "/version"), 2);
  const auto s2 = json(early.sync(cursor));
  items = hlt::items_of_type(s2, "rules");
  BOOST_REQUIRE_EQUAL(items.size(), 1u);
  BOOST_CHECK_EQUAL(int_at(*items[0], "/data/version"), 2);

  // A device that has never synced gets the current version, and only it.
  Device late(server);
  const auto s3 = json(late.sync());
  items = hlt::items_of_type(s3, "rules");
  BOOST_REQUIRE_EQUAL(items.size(), 1u);
  BOOST_CHECK_EQUAL(int_at(*items[0], "/data/version"), 2);
  BOOST_CHECK_EQUAL(str_at(*items[0], "/data/rules/0/id"), "wifi");
}

BOOST_AUTO_TEST_CASE(bad_rule_sets_are_400_and_the_previous_set_is_kept) {
  hlt::ServerProcess server(hlt::shared_config());
  auto agent = hlt::create_and_login_agent(server, unique("a") + "@example.com", "admin");
  auto http = hlt::agent_client(agent, server);
  REQUIRE_STATUS(
      http.put("/v1/agent/device-rules", R"({"rules":[{"id":"a","metric":"m","op":"<","value":1}]})"), 200);
  std::string many = R"({"rules":[)";
  for (int i = 0; i < 65; ++i)
    many += (i ? "," : "") + std::string(R"({"id":"r)") + std::to_string(i) +
            R"(","metric":"m","op":"<","value":1})";
  many += "]}";
  const std::pair<std::string, const char *> cases[] = {
      {R"({"rules":[{"id":"a","metric":"m","op":"~=","value":1}]})", "rules[0].op: unknown operator \"~=\""},
      {R"({"rules":[{"id":"a","metric":"m","op":"<","value":1},{"id":"b","metric":"m","op":"<>","value":1}]})",
       "rules[1].op: unknown operator"},
      {R"({"rules":[{"id":"a","metric":"m","op":"<","value":"1"}]})", "rules[0].value"},
      {R"({"rules":[{"metric":"m","op":"<","value":1}]})", "rules[0].id"},
      {R"({"rules":[{"id":"a","metric":"m","op":"<","value":1,"for_s":-1}]})", "rules[0].for_s"},
      {R"({"rules":[{"id":"a","metric":"m","op":"<","value":1,"when":{"model":1}}]})", "rules[0].when.model"},
      {R"({"rules":[{"id":"a","metric":"m","op":"<","value":1},{"id":"a","metric":"n","op":">","value":1}]})",
       "rules[1].id: duplicate"},
      {R"({"rules":{"id":"a"}})", "rules: must be an array"},
      {many, "at most 64"},
  };
  for (const auto &[body, want] : cases) {
    const auto r = http.put("/v1/agent/device-rules", body);
    CHECK_ERROR(r, 400, "invalid_request");
    BOOST_CHECK_MESSAGE(str_at(json(r), "/error/message").find(want) != std::string::npos,
                        "want '" << want << "' in " << r.body);
  }
  CHECK_ERROR(http.put("/v1/agent/device-rules", "[1,"), 400, "malformed_json");
  const auto kept = json(http.get("/v1/agent/device-rules"));
  BOOST_CHECK_EQUAL(int_at(kept, "/version"), 1);
  BOOST_CHECK_EQUAL(str_at(kept, "/rules/0/id"), "a");
  auto plain = hlt::agent_client(hlt::create_and_login_agent(server, unique("p") + "@example.com"), server);
  CHECK_ERROR(plain.put("/v1/agent/device-rules", R"({"rules":[]})"), 403, "forbidden");
}

BOOST_AUTO_TEST_SUITE_END()
