// The agent web console's server side: static files, cookie sessions with CSRF protection, app isolation,
// inbox filters, and survey prompts in /v1/sync (protocol sections 11.1, 13, 14, 14.1).
#define BOOST_TEST_MODULE server_console
#include "helpline/testing.hpp"
#include "helpline/testing/checks.hpp"
#include "helpline/testing/device_client.hpp"
#include "helpline/testing/json.hpp"
#include "helpline/testing/shared_server.hpp"
#include "helpline/testing/unique.hpp"

#include <optional>

namespace hlt = helpline::testing;
using namespace helpline::testing;

namespace {

// A console session: the cookies the login set, sent back as a browser would.
struct Console {
  hlt::HttpClient http{shared_server().base_url()};
  std::string session;
  std::string csrf;
  hlt::Response login;

  explicit Console(const std::string &app = hlt::kAppKey) {
    const std::string email = unique("console") + "@example.com";
    hlt::create_agent(shared_server(), email, "console-password", "agent", app);
    login = http.post("/v1/agent/login",
                      R"({"email":)" + q(email) + R"(,"password":"console-password","session":"cookie"})",
                      {{"X-Helpline-App-Key", app}});
    BOOST_REQUIRE_MESSAGE(login.status == 200, login.describe());
    for (const auto &[name, value] : login.headers) {
      if (name != "set-cookie") continue;
      const std::string pair = value.substr(0, value.find(';'));
      const std::string k = pair.substr(0, pair.find('='));
      const std::string v = pair.substr(pair.find('=') + 1);
      if (k == "hl_session") session = v;
      if (k == "hl_csrf") csrf = v;
    }
    BOOST_REQUIRE(!session.empty() && !csrf.empty());
    http.set_default_header("Cookie", "hl_session=" + session + "; hl_csrf=" + csrf);
  }
  hlt::Headers with_csrf() const { return {{"X-CSRF-Token", csrf}}; }
};

std::optional<std::string> set_cookie(const hlt::Response &r, const std::string &name) {
  for (const auto &[k, v] : r.headers)
    if (k == "set-cookie" && v.rfind(name + "=", 0) == 0) return v;
  return std::nullopt;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(static_files)

BOOST_AUTO_TEST_CASE(the_console_page_is_served_with_a_strict_content_security_policy) {
  hlt::HttpClient http(shared_server().base_url());
  const auto r = http.get("/console/");
  REQUIRE_STATUS(r, 200);
  BOOST_CHECK(r.header("content-type").value_or("").rfind("text/html", 0) == 0);
  BOOST_CHECK(r.body.find("<title>Helpline console</title>") != std::string::npos);
  const std::string csp = r.header("content-security-policy").value_or("");
  BOOST_CHECK(csp.find("default-src 'self'") != std::string::npos);
  BOOST_CHECK(csp.find("frame-ancestors 'none'") != std::string::npos);
  BOOST_CHECK_EQUAL(r.header("x-content-type-options").value_or(""), "nosniff");
  const auto js = http.get("/console/js/app.js");
  REQUIRE_STATUS(js, 200);
  BOOST_CHECK(js.header("content-type").value_or("").rfind("text/javascript", 0) == 0);
}

BOOST_AUTO_TEST_CASE(console_without_slash_redirects_and_unknown_or_escaping_paths_are_404) {
  hlt::HttpClient http(shared_server().base_url());
  const auto r = http.get("/console");
  CHECK_STATUS(r, 301);
  BOOST_CHECK_EQUAL(r.header("location").value_or(""), "/console/");
  CHECK_STATUS(http.get("/console/nope.js"), 404);
  CHECK_STATUS(http.get("/console/..%2f..%2fCMakeLists.txt"), 404);
  CHECK_STATUS(http.get("/console/.hidden"), 404);
  CHECK_STATUS(http.post("/console/index.html", "{}"), 405);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(sessions)

BOOST_AUTO_TEST_CASE(cookie_login_sets_httponly_samesite_strict_cookies_and_hides_the_token) {
  Console c;
  const auto session = set_cookie(c.login, "hl_session");
  const auto csrf = set_cookie(c.login, "hl_csrf");
  BOOST_REQUIRE(session && csrf);
  BOOST_CHECK(session->find("HttpOnly") != std::string::npos);
  BOOST_CHECK(session->find("SameSite=Strict") != std::string::npos);
  BOOST_CHECK(session->find("Path=/v1/agent") != std::string::npos);
  BOOST_CHECK(csrf->find("SameSite=Strict") != std::string::npos);
  BOOST_CHECK(csrf->find("HttpOnly") == std::string::npos);  // the console's script must read it
  const auto doc = json(c.login);
  BOOST_CHECK(hlt::at(doc, "/token") == nullptr);
  BOOST_CHECK_EQUAL(str_at(doc, "/csrf_token"), c.csrf);
}

BOOST_AUTO_TEST_CASE(cookies_are_secure_unless_served_over_plain_http_on_loopback) {
  const std::string email = unique("secure") + "@example.com";
  hlt::create_agent(shared_server(), email, "secure-password");
  hlt::HttpClient http(shared_server().base_url());
  const std::string body = R"({"email":)" + q(email) + R"(,"password":"secure-password","session":"cookie"})";
  const auto local = http.post("/v1/agent/login", body, {{"X-Helpline-App-Key", hlt::kAppKey}});
  BOOST_CHECK(set_cookie(local, "hl_session")->find("Secure") == std::string::npos);
  const auto proxied = http.post("/v1/agent/login", body,
                                 {{"X-Helpline-App-Key", hlt::kAppKey}, {"X-Forwarded-Proto", "https"}});
  BOOST_CHECK(set_cookie(proxied, "hl_session")->find("; Secure") != std::string::npos);
  BOOST_CHECK(set_cookie(proxied, "hl_csrf")->find("; Secure") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_session_cookie_authenticates_reads) {
  Console c;
  const auto r = c.http.get("/v1/agent/me");
  REQUIRE_STATUS(r, 200);
  BOOST_CHECK_EQUAL(str_at(json(r), "/role"), "agent");
}

BOOST_AUTO_TEST_CASE(unauthenticated_console_api_calls_are_401) {
  hlt::HttpClient http(shared_server().base_url());
  for (const char *path : {"/v1/agent/me", "/v1/agent/tickets", "/v1/agent/metrics", "/v1/agent/metrics.csv",
                           "/v1/agent/survey-prompts", "/v1/agent/faq", "/v1/agent/notices"})
    CHECK_ERROR(http.get(path), 401, "invalid_agent_token");
  CHECK_ERROR(http.get("/v1/agent/me", {{"Cookie", "hl_session=hla_forged"}}), 401, "invalid_agent_token");
  CHECK_ERROR(http.post("/v1/agent/survey-prompts", R"({"kind":"nps"})"), 401, "invalid_agent_token");
}

BOOST_AUTO_TEST_CASE(a_cookie_write_without_the_csrf_token_is_403_and_does_nothing) {
  Console c;
  Device dev(shared_server());
  const std::string t = dev.new_ticket();
  CHECK_ERROR(c.http.post("/v1/agent/tickets/" + t + "/messages", R"({"body":"forged"})"), 403,
              "csrf_failed");
  CHECK_ERROR(c.http.post("/v1/agent/tickets/" + t + "/messages", R"({"body":"forged"})",
                          {{"X-CSRF-Token", std::string(64, '0')}}),
              403, "csrf_failed");
  BOOST_CHECK_EQUAL(int_at(json(c.http.get("/v1/agent/tickets/" + t)), "/message_count"), 1);
  CHECK_STATUS(c.http.post("/v1/agent/tickets/" + t + "/messages", R"({"body":"real"})", c.with_csrf()), 201);
}

BOOST_AUTO_TEST_CASE(the_csrf_token_of_one_session_does_not_work_for_another) {
  Console a;
  Console b;
  CHECK_ERROR(
      a.http.post("/v1/agent/survey-prompts", R"({"kind":"nps","target":{"model":"none"}})", b.with_csrf()),
      403, "csrf_failed");
}

BOOST_AUTO_TEST_CASE(bearer_tokens_need_no_csrf_token) {
  const auto agent = hlt::create_and_login_agent(shared_server(), unique("bearer") + "@example.com");
  auto http = hlt::agent_client(agent);
  CHECK_STATUS(http.post("/v1/agent/survey-prompts", R"({"kind":"nps","target":{"model":"none"}})"), 201);
}

BOOST_AUTO_TEST_CASE(logout_revokes_the_session_and_clears_the_cookies) {
  Console c;
  const auto r = c.http.post("/v1/agent/logout", "{}", c.with_csrf());
  CHECK_STATUS(r, 204);
  BOOST_CHECK(set_cookie(r, "hl_session")->find("Max-Age=0") != std::string::npos);
  BOOST_CHECK(set_cookie(r, "hl_csrf")->find("Max-Age=0") != std::string::npos);
  CHECK_ERROR(c.http.get("/v1/agent/me"), 401, "invalid_agent_token");
}

BOOST_AUTO_TEST_CASE(an_agent_of_app_a_cannot_see_app_b) {
  Console a(hlt::kAppKey);
  Device dev_b(shared_server(), hlt::kOtherAppKey);
  const std::string t = dev_b.new_ticket("other app ticket");
  CHECK_ERROR(a.http.get("/v1/agent/tickets/" + t), 404, "not_found");
  CHECK_ERROR(a.http.get("/v1/agent/tickets/" + t + "/messages"), 404, "not_found");
  const auto list = a.http.get("/v1/agent/tickets?q=other%20app%20ticket");
  REQUIRE_STATUS(list, 200);
  BOOST_CHECK_EQUAL(hlt::size_at(json(list), "/items"), 0U);
  // The session belongs to app A: naming app B's key is refused.
  CHECK_ERROR(a.http.get("/v1/agent/me", {{"X-Helpline-App-Key", hlt::kOtherAppKey}}), 401,
              "invalid_agent_token");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(inbox_filters)

BOOST_AUTO_TEST_CASE(tickets_filter_by_device_model_app_version_and_diagnostics) {
  const std::string model = unique("M");
  Device with_diag(shared_server());
  Device without(shared_server());
  const auto r1 = with_diag.http.post("/v1/tickets", R"({"subject":"s","body":"b","device":{"model":)" +
                                                         q(model) + R"(,"app_version":"9.1"}})");
  const auto r2 = without.http.post("/v1/tickets", R"({"subject":"s","body":"b","device":{"model":)" +
                                                       q(model) + R"(,"app_version":"9.2"}})");
  REQUIRE_STATUS(r1, 201);
  REQUIRE_STATUS(r2, 201);
  const std::string t1 = str_at(json(r1), "/id");
  const std::string t2 = str_at(json(r2), "/id");
  REQUIRE_STATUS(
      with_diag.http.post("/v1/diagnostics/batch", R"({"items":[{"idempotency_key":"d1","kind":"event",
      "name":"crash","ts":1700000000000}]})"),
      200);
  auto http = hlt::agent_client(hlt::shared_agent());
  auto ids = [&](const std::string &query) {
    const auto r = http.get("/v1/agent/tickets?model=" + hlt::url_encode(model) + query);
    BOOST_REQUIRE_MESSAGE(r.status == 200, r.describe());
    std::vector<std::string> out;
    const auto page = json(r);  // kept alive for the loop
    for (const auto &t : page["items"].GetArray()) out.emplace_back(t["id"].GetString());
    return out;
  };
  BOOST_CHECK_EQUAL(ids("").size(), 2U);
  BOOST_CHECK(ids("&app_version=9.2") == std::vector<std::string>{t2});
  BOOST_CHECK(ids("&has_diagnostics=true") == std::vector<std::string>{t1});
  BOOST_CHECK(ids("&has_diagnostics=false") == std::vector<std::string>{t2});
  CHECK_ERROR(http.get("/v1/agent/tickets?has_diagnostics=maybe"), 400, "invalid_request");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(survey_prompts)

BOOST_AUTO_TEST_CASE(an_agent_solving_a_ticket_prompts_its_owner_for_csat) {
  Device dev(shared_server());
  const std::string t = dev.new_ticket();
  auto http = hlt::agent_client(hlt::shared_agent());
  REQUIRE_STATUS(http.post("/v1/agent/tickets/" + t + "/messages", R"({"body":"fixed","status":"solved"})"),
                 201);
  const auto doc = json(dev.sync());
  const auto prompts = hlt::items_of_type(doc, "survey_prompt");
  BOOST_REQUIRE_EQUAL(prompts.size(), 1U);
  const auto &data = (*prompts[0])["data"];
  BOOST_CHECK_EQUAL(str_at(data, "/kind"), "csat");
  BOOST_CHECK_EQUAL(str_at(data, "/ticket_id"), t);
  BOOST_CHECK_EQUAL(str_at(data, "/reason"), "ticket_solved");
  BOOST_CHECK(str_at(data, "/id").rfind("sp_", 0) == 0);
  BOOST_CHECK_GT(int_at(data, "/created_at"), 0);
  // The ticket_status item comes first, so the device knows the ticket is solved when it asks.
  BOOST_CHECK_LT(int_at(*hlt::items_of_type(doc, "ticket_status")[0], "/seq"), int_at(*prompts[0], "/seq"));
}

BOOST_AUTO_TEST_CASE(every_device_of_a_signed_in_owner_gets_the_csat_prompt) {
  const std::string sub = unique("owner");
  Device phone(shared_server());
  Device tablet(shared_server());
  phone.sign_in(sub);
  tablet.sign_in(sub);
  const std::string t = phone.new_ticket();
  auto http = hlt::agent_client(hlt::shared_agent());
  REQUIRE_STATUS(http.patch("/v1/agent/tickets/" + t, R"({"status":"solved"})"), 200);
  BOOST_CHECK_EQUAL(hlt::count_of_type(json(phone.sync()), "survey_prompt"), 1U);
  BOOST_CHECK_EQUAL(hlt::count_of_type(json(tablet.sync()), "survey_prompt"), 1U);
}

BOOST_AUTO_TEST_CASE(no_csat_prompt_when_the_user_solves_or_the_agent_closes_or_sets_pending) {
  Device dev(shared_server());
  const std::string a = dev.new_ticket();
  const std::string b = dev.new_ticket();
  const std::string c = dev.new_ticket();
  auto http = hlt::agent_client(hlt::shared_agent());
  REQUIRE_STATUS(dev.http.patch("/v1/tickets/" + a, R"({"status":"solved"})"), 200);
  REQUIRE_STATUS(http.patch("/v1/agent/tickets/" + b, R"({"status":"closed"})"), 200);
  REQUIRE_STATUS(http.patch("/v1/agent/tickets/" + c, R"({"status":"pending"})"), 200);
  REQUIRE_STATUS(http.patch("/v1/agent/tickets/" + b, R"({"status":"solved"})"), 200);  // closed -> solved
  BOOST_CHECK_EQUAL(hlt::count_of_type(json(dev.sync()), "survey_prompt"), 0U);
}

BOOST_AUTO_TEST_CASE(a_scheduled_nps_prompt_reaches_exactly_the_matching_devices) {
  const std::string region = unique("region");
  Device old_fw(shared_server());
  Device new_fw(shared_server());
  Device other_region(shared_server());
  Device unregistered(shared_server());
  REQUIRE_STATUS(old_fw.http.put("/v1/device",
                                 R"({"firmware_version":"2.3.1","attributes":{"region":)" + q(region) + "}}"),
                 200);
  REQUIRE_STATUS(new_fw.http.put("/v1/device", R"({"firmware_version":"2.10.0","attributes":{"region":)" +
                                                   q(region) + "}}"),
                 200);
  REQUIRE_STATUS(
      other_region.http.put("/v1/device", R"({"firmware_version":"2.10.0","attributes":{"region":"x"}})"),
      200);
  auto http = hlt::agent_client(hlt::shared_agent());
  const auto r = http.post("/v1/agent/survey-prompts", R"({"kind":"nps","target":{"region":)" + q(region) +
                                                           R"(,"firmware_version":{"min":"2.4"}}})");
  REQUIRE_STATUS(r, 201);
  const auto created = json(r);
  BOOST_CHECK_EQUAL(int_at(created, "/devices"), 1);
  BOOST_CHECK_EQUAL(str_at(created, "/reason"), "scheduled");
  const auto doc = json(new_fw.sync());
  const auto prompts = hlt::items_of_type(doc, "survey_prompt");
  BOOST_REQUIRE_EQUAL(prompts.size(), 1U);
  const auto &data = (*prompts[0])["data"];
  BOOST_CHECK_EQUAL(str_at(data, "/kind"), "nps");
  BOOST_CHECK(hlt::at(data, "/ticket_id")->IsNull());
  BOOST_CHECK_EQUAL(str_at(data, "/reason"), "scheduled");
  BOOST_CHECK_EQUAL(str_at(data, "/id"), str_at(created, "/id"));
  for (Device *d : {&old_fw, &other_region, &unregistered})
    BOOST_CHECK_EQUAL(hlt::count_of_type(json(d->sync()), "survey_prompt"), 0U);
  // Listed for agents.
  const auto list = json(http.get("/v1/agent/survey-prompts"));
  BOOST_CHECK(hlt::contains_id(list, "/items", str_at(created, "/id")));
}

BOOST_AUTO_TEST_CASE(a_scheduled_prompt_is_validated_like_a_notice_target) {
  auto http = hlt::agent_client(hlt::shared_agent());
  CHECK_ERROR(http.post("/v1/agent/survey-prompts", R"({"kind":"nps","target":{"model":{"bogus":1}}})"), 400,
              "invalid_request");
  CHECK_ERROR(http.post("/v1/agent/survey-prompts", R"({"kind":"poll"})"), 400, "invalid_request");
  CHECK_ERROR(http.post("/v1/agent/survey-prompts", R"({"kind":"nps","target":[]})"), 400, "invalid_request");
  const std::string id = unique("sp-client-");
  CHECK_STATUS(http.post("/v1/agent/survey-prompts", R"({"id":)" + q(id) + R"(,"target":{"model":"none"}})"),
               201);
  CHECK_ERROR(http.post("/v1/agent/survey-prompts", R"({"id":)" + q(id) + "}"), 409, "conflict");
}

BOOST_AUTO_TEST_SUITE_END()
