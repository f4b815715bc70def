// Agent API: login, roles, tickets, replies, diagnostics view, FAQ and notices management
// (docs/protocol.md sections 3.3, 14, 18).
#define BOOST_TEST_MODULE server_agent
#include "helpline/testing.hpp"
#include "helpline/testing/checks.hpp"
#include "helpline/testing/device_client.hpp"
#include "helpline/testing/json.hpp"
#include "helpline/testing/shared_server.hpp"
#include "helpline/testing/unique.hpp"

namespace hlt = helpline::testing;
using namespace helpline::testing;

BOOST_AUTO_TEST_SUITE(login)

BOOST_AUTO_TEST_CASE(admin_command_creates_an_agent_who_can_log_in) {
  const std::string email = unique("login") + "@example.com";
  hlt::create_agent(shared_server(), email, "s3cret-password");
  hlt::HttpClient http(shared_server().base_url());
  const auto r = hlt::agent_login(http, hlt::kAppKey, email, "s3cret-password");
  REQUIRE_STATUS(r, 200);
  const auto doc = json(r);
  BOOST_CHECK(!str_at(doc, "/token").empty() && str_at(doc, "/token") != "<missing>");
  BOOST_CHECK_GT(int_at(doc, "/expires_at"), 1600000000000LL);
  BOOST_CHECK_EQUAL(str_at(doc, "/agent/email"), email);
  BOOST_CHECK_EQUAL(str_at(doc, "/agent/role"), "agent");
}

BOOST_AUTO_TEST_CASE(wrong_password_is_401_invalid_credentials) {
  const std::string email = unique("wrongpw") + "@example.com";
  hlt::create_agent(shared_server(), email, "right-password");
  hlt::HttpClient http(shared_server().base_url());
  CHECK_ERROR(hlt::agent_login(http, hlt::kAppKey, email, "wrong-password"), 401, "invalid_credentials");
}

BOOST_AUTO_TEST_CASE(login_without_app_key_is_401) {
  const std::string email = unique("noapp") + "@example.com";
  hlt::create_agent(shared_server(), email, "no-app-key-pw");
  hlt::HttpClient http(shared_server().base_url());
  const auto r = http.post("/v1/agent/login", R"({"email":)" + q(email) + R"(,"password":"no-app-key-pw"})");
  CHECK_STATUS(r, 401);
}

BOOST_AUTO_TEST_CASE(unknown_email_is_401_invalid_credentials) {
  hlt::HttpClient http(shared_server().base_url());
  CHECK_ERROR(hlt::agent_login(http, hlt::kAppKey, "nobody@example.com", "whatever-pw"), 401,
              "invalid_credentials");
}

BOOST_AUTO_TEST_CASE(agent_of_one_app_cannot_log_in_to_another_app) {
  const std::string email = unique("appscoped") + "@example.com";
  hlt::create_agent(shared_server(), email, "app-scoped-pw");
  hlt::HttpClient http(shared_server().base_url());
  CHECK_ERROR(hlt::agent_login(http, hlt::kOtherAppKey, email, "app-scoped-pw"), 401, "invalid_credentials");
}

BOOST_AUTO_TEST_CASE(stored_password_is_not_plaintext_in_the_database) {
  const std::string password = unique("PlainTextCanary");
  hlt::create_agent(shared_server(), unique("hash") + "@example.com", password);
  const std::string db =
      hlt::read_file(shared_server().db_path()) + hlt::read_file(shared_server().db_path().string() + "-wal");
  BOOST_CHECK(db.find(password) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(admin_list_agents_command_shows_the_agent) {
  const std::string email = unique("listed") + "@example.com";
  hlt::create_agent(shared_server(), email, "listed-password");
  const auto r = shared_server().run_command({"admin", "list-agents", "--app", hlt::kAppKey});
  BOOST_CHECK_EQUAL(r.exit_code, 0);
  BOOST_CHECK_MESSAGE(r.output.find(email) != std::string::npos, r.output);
  BOOST_CHECK(r.output.find("listed-password") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(admin_add_agent_with_an_existing_email_fails) {
  const std::string email = unique("dupcli") + "@example.com";
  hlt::create_agent(shared_server(), email, "first-password");
  const auto r = shared_server().run_command(
      {"admin", "add-agent", "--app", hlt::kAppKey, "--email", email, "--password", "second-password"});
  BOOST_CHECK_NE(r.exit_code, 0);
  hlt::HttpClient http(shared_server().base_url());
  CHECK_STATUS(hlt::agent_login(http, hlt::kAppKey, email, "first-password"), 200);
}

BOOST_AUTO_TEST_CASE(missing_agent_token_is_401_invalid_agent_token) {
  hlt::HttpClient http(shared_server().base_url());
  CHECK_ERROR(http.get("/v1/agent/tickets"), 401, "invalid_agent_token");
}

BOOST_AUTO_TEST_CASE(unknown_agent_token_is_401_invalid_agent_token) {
  hlt::HttpClient http(shared_server().base_url());
  http.set_default_header("Authorization", "Bearer not-a-real-token");
  CHECK_ERROR(http.get("/v1/agent/me"), 401, "invalid_agent_token");
}

BOOST_AUTO_TEST_CASE(app_key_header_not_matching_the_tokens_app_is_401_invalid_agent_token) {
  auto http = shared_agent_client();
  CHECK_ERROR(http.get("/v1/agent/me", {{"X-Helpline-App-Key", hlt::kOtherAppKey}}), 401,
              "invalid_agent_token");
  CHECK_STATUS(http.get("/v1/agent/me", {{"X-Helpline-App-Key", hlt::kAppKey}}), 200);
}

BOOST_AUTO_TEST_CASE(me_returns_the_logged_in_agent) {
  const auto &account = hlt::shared_agent();
  auto http = shared_agent_client();
  const auto r = http.get("/v1/agent/me");
  REQUIRE_STATUS(r, 200);
  BOOST_CHECK_EQUAL(str_at(json(r), "/email"), account.email);
  BOOST_CHECK_EQUAL(str_at(json(r), "/role"), "agent");
}

BOOST_AUTO_TEST_CASE(logout_revokes_the_token) {
  const auto account = hlt::create_and_login_agent(shared_server(), unique("logout") + "@example.com");
  auto http = hlt::agent_client(account);
  REQUIRE_STATUS(http.get("/v1/agent/me"), 200);
  hlt::Request out;
  out.method = "POST";
  out.path = "/v1/agent/logout";
  CHECK_STATUS(http.send(out), 204);
  CHECK_ERROR(http.get("/v1/agent/me"), 401, "invalid_agent_token");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(roles)

BOOST_AUTO_TEST_CASE(agent_role_cannot_list_agents_403_forbidden) {
  auto http = shared_agent_client();
  CHECK_ERROR(http.get("/v1/agent/agents"), 403, "forbidden");
}

BOOST_AUTO_TEST_CASE(agent_role_cannot_create_agents_403_forbidden) {
  auto http = shared_agent_client();
  CHECK_ERROR(http.post("/v1/agent/agents", R"({"email":"x@example.com","password":"long-enough"})"), 403,
              "forbidden");
}

BOOST_AUTO_TEST_CASE(admin_lists_agents) {
  auto http = shared_agent_client("admin");
  const auto r = http.get("/v1/agent/agents");
  REQUIRE_STATUS(r, 200);
  BOOST_CHECK_GE(size_at(json(r), "/items"), 2U);
}

BOOST_AUTO_TEST_CASE(admin_creates_an_agent_who_can_log_in) {
  auto http = shared_agent_client("admin");
  const std::string email = unique("created") + "@example.com";
  const auto r = http.post("/v1/agent/agents",
                           R"({"email":)" + q(email) + R"(,"password":"long-enough-pw","role":"agent"})");
  REQUIRE_STATUS(r, 201);
  const auto created = json(r);
  BOOST_CHECK_EQUAL(str_at(created, "/email"), email);
  BOOST_CHECK(!created.HasMember("password") && !created.HasMember("password_hash"));
  hlt::HttpClient anon(shared_server().base_url());
  CHECK_STATUS(hlt::agent_login(anon, hlt::kAppKey, email, "long-enough-pw"), 200);
}

BOOST_AUTO_TEST_CASE(creating_an_agent_with_an_existing_email_is_409_conflict) {
  auto http = shared_agent_client("admin");
  const std::string email = unique("twice") + "@example.com";
  const std::string body = R"({"email":)" + q(email) + R"(,"password":"long-enough-pw"})";
  REQUIRE_STATUS(http.post("/v1/agent/agents", body), 201);
  CHECK_ERROR(http.post("/v1/agent/agents", body), 409, "conflict");
}

BOOST_AUTO_TEST_CASE(agent_password_shorter_than_8_is_400) {
  auto http = shared_agent_client("admin");
  CHECK_ERROR(http.post("/v1/agent/agents",
                        R"({"email":)" + q(unique("short") + "@example.com") + R"(,"password":"short"})"),
              400, "invalid_request");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(tickets)

BOOST_AUTO_TEST_CASE(agent_sees_tickets_of_every_requester_in_the_app) {
  Device a(shared_server());
  Device b(shared_server());
  b.sign_in(unique("u-"));
  const std::string ta = a.new_ticket();
  const std::string tb = b.new_ticket();
  auto http = shared_agent_client();
  const auto r = http.get("/v1/agent/tickets?limit=100");
  REQUIRE_STATUS(r, 200);
  BOOST_CHECK(hlt::contains_id(json(r), "/items", ta));
  BOOST_CHECK(hlt::contains_id(json(r), "/items", tb));
}

BOOST_AUTO_TEST_CASE(agent_filters_tickets_by_requester_and_status) {
  const std::string sub = unique("u-");
  Device dev(shared_server());
  dev.sign_in(sub);
  const std::string open = dev.new_ticket();
  const std::string solved = dev.new_ticket();
  REQUIRE_STATUS(dev.http.patch("/v1/tickets/" + solved, R"({"status":"solved"})"), 200);
  auto http = shared_agent_client();
  const auto r = http.get("/v1/agent/tickets?requester=" + hlt::url_encode("user:" + sub) + "&status=solved");
  REQUIRE_STATUS(r, 200);
  const auto doc = json(r);
  BOOST_CHECK_EQUAL(size_at(doc, "/items"), 1U);
  BOOST_CHECK(hlt::contains_id(doc, "/items", solved));
}

BOOST_AUTO_TEST_CASE(agent_searches_ticket_subjects_with_q) {
  const std::string word = unique("Needle");
  Device dev(shared_server());
  const std::string hit = dev.new_ticket("Has " + word + " inside");
  const std::string miss = dev.new_ticket("Nothing here");
  auto http = shared_agent_client();
  const auto doc = json(http.get("/v1/agent/tickets?q=" + hlt::url_encode(word)));
  BOOST_CHECK(hlt::contains_id(doc, "/items", hit));
  BOOST_CHECK(!hlt::contains_id(doc, "/items", miss));
}

BOOST_AUTO_TEST_CASE(agent_of_another_app_gets_404_for_a_ticket) {
  Device dev(shared_server());
  const std::string ticket = dev.new_ticket();
  const auto other = hlt::create_and_login_agent(shared_server(), unique("other") + "@example.com", "agent",
                                                 hlt::kOtherAppKey);
  auto http = hlt::agent_client(other);
  CHECK_ERROR(http.get("/v1/agent/tickets/" + ticket), 404, "not_found");
  CHECK_ERROR(http.post("/v1/agent/tickets/" + ticket + "/messages", R"({"body":"hi"})"), 404, "not_found");
}

BOOST_AUTO_TEST_CASE(agent_reply_is_authored_by_agent_and_visible_to_the_user) {
  Device dev(shared_server());
  const std::string ticket = dev.new_ticket();
  auto http = shared_agent_client();
  const auto r = http.post("/v1/agent/tickets/" + ticket + "/messages", R"({"body":"We are on it"})");
  REQUIRE_STATUS(r, 201);
  BOOST_CHECK_EQUAL(str_at(json(r), "/author/type"), "agent");
  const auto msgs = json(dev.http.get("/v1/tickets/" + ticket + "/messages"));
  BOOST_REQUIRE_EQUAL(size_at(msgs, "/items"), 2U);
  BOOST_CHECK_EQUAL(str_at(msgs, "/items/1/body"), "We are on it");
}

BOOST_AUTO_TEST_CASE(agent_reads_a_ticket_and_its_conversation) {
  Device dev(shared_server());
  dev.sign_in(unique("u-"));
  const std::string ticket = dev.new_ticket("Screen flickers");
  REQUIRE_STATUS(dev.send_message(ticket, "since the update"), 201);
  auto http = shared_agent_client();
  const auto t = http.get("/v1/agent/tickets/" + ticket);
  REQUIRE_STATUS(t, 200);
  BOOST_CHECK_EQUAL(str_at(json(t), "/subject"), "Screen flickers");
  BOOST_CHECK_EQUAL(str_at(json(t), "/requester/type"), "user");
  const auto m = http.get("/v1/agent/tickets/" + ticket + "/messages");
  REQUIRE_STATUS(m, 200);
  const auto doc = json(m);
  BOOST_REQUIRE_EQUAL(size_at(doc, "/items"), 2U);
  BOOST_CHECK_EQUAL(str_at(doc, "/items/1/body"), "since the update");
  CHECK_ERROR(http.get("/v1/agent/tickets/t_nope"), 404, "not_found");
}

BOOST_AUTO_TEST_CASE(agent_reply_with_status_changes_the_ticket_in_the_same_step) {
  Device dev(shared_server());
  const std::string ticket = dev.new_ticket();
  auto http = shared_agent_client();
  REQUIRE_STATUS(
      http.post("/v1/agent/tickets/" + ticket + "/messages", R"({"body":"Fixed","status":"pending"})"), 201);
  BOOST_CHECK_EQUAL(str_at(json(dev.http.get("/v1/tickets/" + ticket)), "/status"), "pending");
}

BOOST_AUTO_TEST_CASE(agent_sets_status_and_assignee) {
  Device dev(shared_server());
  const std::string ticket = dev.new_ticket();
  auto http = shared_agent_client();
  const auto me = json(http.get("/v1/agent/me"));
  const std::string agent_id = str_at(me, "/id");
  const auto r =
      http.patch("/v1/agent/tickets/" + ticket, R"({"status":"pending","assignee_id":)" + q(agent_id) + "}");
  REQUIRE_STATUS(r, 200);
  BOOST_CHECK_EQUAL(str_at(json(r), "/status"), "pending");
  const auto assigned = json(http.get("/v1/agent/tickets?assignee=" + agent_id + "&limit=100"));
  BOOST_CHECK(hlt::contains_id(assigned, "/items", ticket));
  const auto unassigned = json(http.get("/v1/agent/tickets?assignee=none&limit=100"));
  BOOST_CHECK(!hlt::contains_id(unassigned, "/items", ticket));
}

BOOST_AUTO_TEST_CASE(agent_patch_with_invalid_status_is_400) {
  Device dev(shared_server());
  const std::string ticket = dev.new_ticket();
  auto http = shared_agent_client();
  CHECK_ERROR(http.patch("/v1/agent/tickets/" + ticket, R"({"status":"deleted"})"), 400, "invalid_request");
}

BOOST_AUTO_TEST_CASE(agent_sees_the_diagnostics_of_the_tickets_device) {
  Device dev(shared_server());
  const std::string ticket = dev.new_ticket();
  REQUIRE_STATUS(
      dev.http.post(
          "/v1/diagnostics/batch",
          R"({"items":[{"idempotency_key":"k1","kind":"event","name":"boot-loop","ts":1700000000000},)"
          R"({"idempotency_key":"k2","kind":"metric","name":"temp","ts":1700000000001,"value":71.5}]})"),
      200);
  Device stranger(shared_server());
  REQUIRE_STATUS(
      stranger.http.post(
          "/v1/diagnostics/batch",
          R"({"items":[{"idempotency_key":"k1","kind":"event","name":"not-mine","ts":1700000000000}]})"),
      200);
  auto http = shared_agent_client();
  const auto r = http.get("/v1/agent/tickets/" + ticket + "/diagnostics");
  REQUIRE_STATUS(r, 200);
  const auto doc = json(r);
  BOOST_CHECK_EQUAL(size_at(doc, "/items"), 2U);
  for (const auto &item : doc["items"].GetArray()) {
    BOOST_CHECK_EQUAL(str_at(item, "/device_id"), dev.id);
  }
  const auto metrics = json(http.get("/v1/agent/tickets/" + ticket + "/diagnostics?kind=metric"));
  BOOST_REQUIRE_EQUAL(size_at(metrics, "/items"), 1U);
  BOOST_CHECK_EQUAL(str_at(metrics, "/items/0/name"), "temp");
}

BOOST_AUTO_TEST_CASE(agent_sees_the_tickets_device_attributes) {
  Device dev(shared_server());
  REQUIRE_STATUS(dev.http.put("/v1/device", R"({"model":"X100","firmware_version":"2.3.1"})"), 200);
  const std::string ticket = dev.new_ticket();
  auto http = shared_agent_client();
  const auto r = http.get("/v1/agent/tickets/" + ticket + "/device");
  REQUIRE_STATUS(r, 200);
  BOOST_CHECK_EQUAL(str_at(json(r), "/model"), "X100");
}

BOOST_AUTO_TEST_CASE(agent_downloads_a_users_attachment) {
  Device dev(shared_server());
  hlt::Request up;
  up.method = "POST";
  up.path = "/v1/attachments?filename=crash.log";
  up.content_type = "text/plain";
  up.body = "stack trace";
  const auto r = dev.http.send(up);
  REQUIRE_STATUS(r, 201);
  auto http = shared_agent_client();
  const auto got = http.get("/v1/agent/attachments/" + str_at(json(r), "/id"));
  CHECK_STATUS(got, 200);
  BOOST_CHECK_EQUAL(got.body, "stack trace");
}

BOOST_AUTO_TEST_CASE(ticket_device_is_404_when_the_device_never_sent_attributes) {
  Device dev(shared_server());
  const std::string ticket = dev.new_ticket();
  auto http = shared_agent_client();
  CHECK_ERROR(http.get("/v1/agent/tickets/" + ticket + "/device"), 404, "not_found");
}

BOOST_AUTO_TEST_CASE(agent_list_paginates_newest_first) {
  const std::string word = unique("Page");
  Device dev(shared_server());
  const std::string a = dev.new_ticket(word + " a");
  const std::string b = dev.new_ticket(word + " b");
  const std::string c = dev.new_ticket(word + " c");
  auto http = shared_agent_client();
  const auto p1 = json(http.get("/v1/agent/tickets?limit=2&q=" + hlt::url_encode(word)));
  BOOST_REQUIRE_EQUAL(size_at(p1, "/items"), 2U);
  BOOST_CHECK_EQUAL(str_at(p1, "/items/0/id"), c);
  BOOST_CHECK_EQUAL(str_at(p1, "/items/1/id"), b);
  const auto p2 = json(http.get("/v1/agent/tickets?limit=2&q=" + hlt::url_encode(word) +
                                "&cursor=" + hlt::url_encode(str_at(p1, "/next_cursor"))));
  BOOST_REQUIRE_EQUAL(size_at(p2, "/items"), 1U);
  BOOST_CHECK_EQUAL(str_at(p2, "/items/0/id"), a);
}

BOOST_AUTO_TEST_CASE(agent_attachment_linked_in_a_reply_is_downloadable_by_the_user) {
  Device dev(shared_server());
  const std::string ticket = dev.new_ticket();
  auto http = shared_agent_client();
  hlt::Request up;
  up.method = "POST";
  up.path = "/v1/agent/attachments?filename=manual.pdf";
  up.content_type = "application/pdf";
  up.body = "%PDF-1.4 fake";
  const auto att = http.send(up);
  REQUIRE_STATUS(att, 201);
  const std::string id = str_at(json(att), "/id");
  REQUIRE_STATUS(http.post("/v1/agent/tickets/" + ticket + "/messages",
                           R"({"body":"See the manual","attachment_ids":[)" + q(id) + "]}"),
                 201);
  const auto got = dev.http.get("/v1/attachments/" + id);
  REQUIRE_STATUS(got, 200);
  BOOST_CHECK_EQUAL(got.body, "%PDF-1.4 fake");
  Device stranger(shared_server());
  CHECK_ERROR(stranger.http.get("/v1/attachments/" + id), 404, "not_found");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(content)

BOOST_AUTO_TEST_CASE(section_with_live_articles_cannot_be_deleted_409) {
  auto http = shared_agent_client();
  const auto s = http.post("/v1/agent/faq/sections", R"({"locale":"en-US","title":"Busy"})");
  REQUIRE_STATUS(s, 201);
  const std::string section = str_at(json(s), "/id");
  const auto a = http.post("/v1/agent/faq/articles",
                           R"({"section_id":)" + q(section) + R"(,"locale":"en-US","title":"t","body":"b"})");
  REQUIRE_STATUS(a, 201);
  CHECK_ERROR(http.del("/v1/agent/faq/sections/" + section), 409, "conflict");
  REQUIRE_STATUS(http.del("/v1/agent/faq/articles/" + str_at(json(a), "/id")), 204);
  CHECK_STATUS(http.del("/v1/agent/faq/sections/" + section), 204);
}

BOOST_AUTO_TEST_CASE(section_edit_changes_title_and_position) {
  auto http = shared_agent_client();
  const auto s = http.post("/v1/agent/faq/sections", R"({"locale":"en-US","title":"Old","position":1})");
  REQUIRE_STATUS(s, 201);
  const auto p =
      http.patch("/v1/agent/faq/sections/" + str_at(json(s), "/id"), R"({"title":"New","position":5})");
  REQUIRE_STATUS(p, 200);
  BOOST_CHECK_EQUAL(str_at(json(p), "/title"), "New");
  BOOST_CHECK_EQUAL(int_at(json(p), "/position"), 5);
  CHECK_ERROR(http.patch("/v1/agent/faq/sections/fs_nope", R"({"title":"x"})"), 404, "not_found");
}

BOOST_AUTO_TEST_CASE(agent_faq_listing_includes_unpublished_articles) {
  auto http = shared_agent_client();
  const auto s = http.post("/v1/agent/faq/sections", R"({"locale":"en-US","title":"Drafts"})");
  REQUIRE_STATUS(s, 201);
  const auto a = http.post("/v1/agent/faq/articles",
                           R"({"section_id":)" + q(str_at(json(s), "/id")) +
                               R"(,"locale":"en-US","title":"draft","body":"b","published":false})");
  REQUIRE_STATUS(a, 201);
  BOOST_CHECK(hlt::contains_id(json(http.get("/v1/agent/faq")), "/articles", str_at(json(a), "/id")));
}

BOOST_AUTO_TEST_CASE(article_in_unknown_section_is_rejected) {
  auto http = shared_agent_client();
  const auto r = http.post("/v1/agent/faq/articles",
                           R"({"section_id":"fs_nope","locale":"en-US","title":"t","body":"b"})");
  BOOST_CHECK_MESSAGE(r.status == 400 || r.status == 404, r.describe());
}

BOOST_AUTO_TEST_CASE(notice_edit_is_listed_with_target_and_ack_count) {
  auto http = shared_agent_client();
  const auto n = http.post("/v1/agent/notices", R"({"title":"Maintenance","body":"Tonight","target":{}})");
  REQUIRE_STATUS(n, 201);
  const std::string id = str_at(json(n), "/id");
  const auto p =
      http.patch("/v1/agent/notices/" + id, R"({"title":"Maintenance moved","severity":"critical"})");
  REQUIRE_STATUS(p, 200);
  BOOST_CHECK_EQUAL(str_at(json(p), "/title"), "Maintenance moved");
  bool found = false;
  const auto listing = json(http.get("/v1/agent/notices"));
  for (const auto &item : listing["items"].GetArray()) {
    if (str_at(item, "/id") != id) continue;
    found = true;
    BOOST_CHECK(item.HasMember("target"));
    BOOST_CHECK(item.HasMember("ack_count"));
    BOOST_CHECK_EQUAL(str_at(item, "/severity"), "critical");
  }
  BOOST_CHECK(found);
}

BOOST_AUTO_TEST_CASE(notice_with_invalid_severity_is_400) {
  auto http = shared_agent_client();
  CHECK_ERROR(http.post("/v1/agent/notices", R"({"title":"t","body":"b","severity":"apocalyptic"})"), 400,
              "invalid_request");
}

BOOST_AUTO_TEST_CASE(inactive_notice_is_not_shown_to_devices) {
  auto http = shared_agent_client();
  const auto n = http.post("/v1/agent/notices", R"({"title":"Hidden","body":"b","active":false})");
  REQUIRE_STATUS(n, 201);
  Device dev(shared_server());
  BOOST_CHECK(!hlt::contains_id(json(dev.http.get("/v1/notices")), "/items", str_at(json(n), "/id")));
}

BOOST_AUTO_TEST_CASE(diagnostics_request_needs_a_ticket_or_device_400) {
  auto http = shared_agent_client();
  CHECK_ERROR(http.post("/v1/agent/diagnostics-requests", R"({"kinds":["snapshot"]})"), 400,
              "invalid_request");
}

BOOST_AUTO_TEST_SUITE_END()
