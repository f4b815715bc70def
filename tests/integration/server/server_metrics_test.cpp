// Support metrics against hand-computed fixtures (docs/metrics.md; protocol sections 11, 11.2, 14.2, 19):
// every fixture is written at controlled times with the test clock (POST /v1/_test/clock), each test case
// on a fresh server so windows and backlog hold exactly the fixture.
#define BOOST_TEST_MODULE server_metrics
#include "helpline/testing.hpp"
#include "helpline/testing/checks.hpp"
#include "helpline/testing/device_client.hpp"
#include "helpline/testing/json.hpp"
#include "helpline/testing/shared_server.hpp"
#include "helpline/testing/unique.hpp"

#include <cmath>

namespace hlt = helpline::testing;
using namespace helpline::testing;

namespace {

constexpr long long kT0 = 1700000000000LL;  // 2023-11-14T22:13:20Z
constexpr long long kMin = 60 * 1000LL;
constexpr long long kHour = 60 * kMin;

hlt::ServerConfig metrics_config() {
  hlt::ServerConfig config;
  config.test_mode = true;  // fixtures stay within the agent token's 12 h at the frozen clock
  return config;
}

// A fresh server, its clock frozen at kT0, and a logged-in agent of the default app.
struct Env {
  hlt::ServerProcess server{metrics_config()};
  hlt::HttpClient control{server.base_url()};
  hlt::HttpClient agent{server.base_url()};

  Env() {
    at(kT0);
    const auto account = hlt::create_and_login_agent(server, hlt::unique("metrics") + "@example.com");
    agent.set_default_header("Authorization", "Bearer " + account.token);
  }
  ~Env() { control.post("/v1/_test/clock", R"({"now_ms":null})"); }

  void at(long long ms) {
    const auto r = control.post("/v1/_test/clock", R"({"now_ms":)" + std::to_string(ms) + "}");
    BOOST_REQUIRE_MESSAGE(r.status == 200, "clock: " + r.describe());
  }
  rapidjson::Document metrics(long long from, long long to, long long bucket = 0) {
    std::string path = "/v1/agent/metrics?from=" + std::to_string(from) + "&to=" + std::to_string(to);
    if (bucket) path += "&bucket=" + std::to_string(bucket);
    const auto r = agent.get(path);
    BOOST_REQUIRE_MESSAGE(r.status == 200, "metrics: " + r.describe());
    return json(r);
  }
  void reply(const std::string &ticket, const std::string &status = "") {
    std::string body = R"({"body":"agent reply")" + (status.empty() ? "" : R"(,"status":)" + q(status)) + "}";
    REQUIRE_STATUS(agent.post("/v1/agent/tickets/" + ticket + "/messages", body), 201);
  }
  void set_status(const std::string &ticket, const std::string &status) {
    REQUIRE_STATUS(agent.patch("/v1/agent/tickets/" + ticket, R"({"status":)" + q(status) + "}"), 200);
  }
};

void survey(Device &dev, const std::string &kind, int score) {
  REQUIRE_STATUS(
      dev.http.post("/v1/surveys", R"({"kind":)" + q(kind) + R"(,"score":)" + std::to_string(score) + "}"),
      201);
}

double num(const rapidjson::Value &doc, const char *ptr) {
  const auto *v = hlt::at(doc, ptr);
  return (v != nullptr && v->IsNumber()) ? v->GetDouble() : std::nan("");
}

#define CHECK_NEAR(actual, expected) BOOST_CHECK_CLOSE_FRACTION((actual), (expected), 1e-9)

}  // namespace

BOOST_AUTO_TEST_SUITE(windows)

BOOST_AUTO_TEST_CASE(an_empty_window_reports_null_ratios_and_zero_counts) {
  Env env;
  const auto m = env.metrics(kT0, kT0 + kHour, 15 * kMin);
  for (const char *p : {"/totals/csat/value", "/totals/nps/value", "/totals/ces/value",
                        "/totals/frt_ms/value", "/totals/art_ms/value", "/totals/fcr/value",
                        "/totals/bot_resolved/value", "/totals/deflection/value"})
    BOOST_CHECK_MESSAGE(null_at(m, p), std::string(p) + " should be null");
  BOOST_CHECK_EQUAL(int_at(m, "/totals/tickets_created"), 0);
  BOOST_CHECK_EQUAL(int_at(m, "/totals/backlog"), 0);
  BOOST_CHECK_EQUAL(int_at(m, "/totals/csat/responses"), 0);
  BOOST_CHECK_EQUAL(hlt::size_at(m, "/series"), 4U);
  BOOST_CHECK(null_at(m, "/series/3/csat/value"));
  BOOST_CHECK_EQUAL(int_at(m, "/series/3/from"), kT0 + 45 * kMin);
  BOOST_CHECK_EQUAL(int_at(m, "/series/3/to"), kT0 + kHour);
}

BOOST_AUTO_TEST_CASE(the_window_is_half_open_from_inclusive_to_exclusive) {
  Env env;
  Device dev(env.server);
  env.at(kT0 + kHour);  // exactly at `to` of the first window, at `from` of the second
  survey(dev, "csat", 5);
  BOOST_CHECK_EQUAL(int_at(env.metrics(kT0, kT0 + kHour), "/totals/csat/responses"), 0);
  BOOST_CHECK_EQUAL(int_at(env.metrics(kT0 + kHour, kT0 + 2 * kHour), "/totals/csat/responses"), 1);
}

BOOST_AUTO_TEST_CASE(bad_windows_and_buckets_are_400) {
  Env env;
  CHECK_ERROR(env.agent.get("/v1/agent/metrics?from=10&to=10"), 400, "invalid_request");
  CHECK_ERROR(env.agent.get("/v1/agent/metrics?from=abc"), 400, "invalid_request");
  CHECK_ERROR(env.agent.get("/v1/agent/metrics?from=0&to=100000&bucket=1000"), 400, "invalid_request");
  CHECK_ERROR(env.agent.get("/v1/agent/metrics?from=0&to=86400000000&bucket=60000"), 400, "invalid_request");
}

BOOST_AUTO_TEST_CASE(without_from_and_to_the_window_is_the_last_30_days) {
  Env env;
  const auto r = env.agent.get("/v1/agent/metrics");
  REQUIRE_STATUS(r, 200);
  const auto m = json(r);
  BOOST_CHECK_EQUAL(int_at(m, "/to"), kT0);
  BOOST_CHECK_EQUAL(int_at(m, "/from"), kT0 - 30 * 24 * kHour);
  BOOST_CHECK(null_at(m, "/bucket"));
  BOOST_CHECK_EQUAL(hlt::size_at(m, "/series"), 0U);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(surveys)

BOOST_AUTO_TEST_CASE(csat_is_the_share_of_4_and_5_answers) {
  Env env;
  Device dev(env.server);
  for (int s : {5, 4, 3, 1}) survey(dev, "csat", s);
  env.at(kT0 - 1);  // outside the window
  survey(dev, "csat", 1);
  const auto m = env.metrics(kT0, kT0 + kHour);
  BOOST_CHECK_EQUAL(int_at(m, "/totals/csat/responses"), 4);
  BOOST_CHECK_EQUAL(int_at(m, "/totals/csat/satisfied"), 2);
  CHECK_NEAR(num(m, "/totals/csat/value"), 50.0);
}

BOOST_AUTO_TEST_CASE(nps_is_percent_promoters_minus_percent_detractors) {
  Env env;
  Device dev(env.server);
  for (int s : {10, 9, 9, 7, 3}) survey(dev, "nps", s);  // 3 promoters, 1 passive, 1 detractor of 5
  const auto m = env.metrics(kT0, kT0 + kHour);
  BOOST_CHECK_EQUAL(int_at(m, "/totals/nps/promoters"), 3);
  BOOST_CHECK_EQUAL(int_at(m, "/totals/nps/passives"), 1);
  BOOST_CHECK_EQUAL(int_at(m, "/totals/nps/detractors"), 1);
  CHECK_NEAR(num(m, "/totals/nps/value"), 40.0);  // 60 - 20
}

BOOST_AUTO_TEST_CASE(nps_bounds_are_6_detractor_7_passive_9_promoter) {
  Env env;
  Device dev(env.server);
  for (int s : {0, 6, 7, 8}) survey(dev, "nps", s);  // 0 promoters, 2 passives, 2 detractors
  CHECK_NEAR(num(env.metrics(kT0, kT0 + kHour), "/totals/nps/value"), -50.0);
}

BOOST_AUTO_TEST_CASE(ces_is_the_mean_effort_score) {
  Env env;
  Device dev(env.server);
  for (int s : {2, 3, 7}) survey(dev, "ces", s);
  const auto m = env.metrics(kT0, kT0 + kHour);
  BOOST_CHECK_EQUAL(int_at(m, "/totals/ces/responses"), 3);
  CHECK_NEAR(num(m, "/totals/ces/value"), 4.0);
}

BOOST_AUTO_TEST_CASE(out_of_range_scores_are_rejected_and_never_counted) {
  Env env;
  Device dev(env.server);
  CHECK_ERROR(dev.http.post("/v1/surveys", R"({"kind":"csat","score":6})"), 400, "invalid_request");
  CHECK_ERROR(dev.http.post("/v1/surveys", R"({"kind":"nps","score":11})"), 400, "invalid_request");
  CHECK_ERROR(dev.http.post("/v1/surveys", R"({"kind":"ces","score":0})"), 400, "invalid_request");
  CHECK_ERROR(dev.http.post("/v1/surveys", R"({"kind":"xyz","score":1})"), 400, "invalid_request");
  const auto m = env.metrics(kT0, kT0 + kHour);
  BOOST_CHECK_EQUAL(int_at(m, "/totals/csat/responses") + int_at(m, "/totals/nps/responses") +
                        int_at(m, "/totals/ces/responses"),
                    0);
}

BOOST_AUTO_TEST_CASE(surveys_of_every_principal_are_aggregated_anonymously) {
  Env env;
  Device anon(env.server);
  Device user(env.server);
  user.sign_in(hlt::unique("u"));
  survey(anon, "csat", 5);
  survey(user, "csat", 2);
  const auto m = env.metrics(kT0, kT0 + kHour);
  BOOST_CHECK_EQUAL(int_at(m, "/totals/csat/responses"), 2);
  CHECK_NEAR(num(m, "/totals/csat/value"), 50.0);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(tickets)

// Six tickets created at kT0 (see docs/metrics.md "Worked example"):
//   A: agent reply + solved at +1h                         -> FCR, resolution 1h
//   B: agent replies at +10m and +20m, solved at +2h        -> resolution 2h, not FCR (two replies)
//   C: agent reply + solved at +30m, user reopens at +40m, solved again at +3h -> resolution 3h, not FCR
//   D: closed by the user at +15m, no agent reply           -> resolution 15m, solved without agent
//   E: untouched (open), F: set pending at +5m             -> backlog
struct Worked : Env {
  Device dev{server};
  std::string a, b, c, d, e, f;

  Worked() {
    a = dev.new_ticket("A");
    b = dev.new_ticket("B");
    c = dev.new_ticket("C");
    d = dev.new_ticket("D");
    e = dev.new_ticket("E");
    f = dev.new_ticket("F");
    at(kT0 + 5 * kMin);
    set_status(f, "pending");
    at(kT0 + 10 * kMin);
    reply(b);
    at(kT0 + 15 * kMin);
    REQUIRE_STATUS(dev.http.patch("/v1/tickets/" + d, R"({"status":"closed"})"), 200);
    at(kT0 + 20 * kMin);
    reply(b);
    at(kT0 + 30 * kMin);
    reply(c, "solved");
    at(kT0 + 40 * kMin);
    REQUIRE_STATUS(dev.send_message(c, "still broken"), 201);
    at(kT0 + kHour);
    reply(a, "solved");
    at(kT0 + 2 * kHour);
    set_status(b, "solved");
    at(kT0 + 3 * kHour);
    set_status(c, "solved");
    at(kT0 + 5 * kHour);
  }
};

BOOST_AUTO_TEST_CASE(frt_is_the_mean_time_to_the_first_agent_message) {
  Worked w;
  // First agent messages: A +1h, B +10m, C +30m (D, E, F have none) -> (60 + 10 + 30) / 3 min.
  const auto m = w.metrics(kT0, kT0 + 4 * kHour);
  BOOST_CHECK_EQUAL(int_at(m, "/totals/frt_ms/tickets"), 3);
  CHECK_NEAR(num(m, "/totals/frt_ms/value"), 100.0 / 3 * kMin);
}

BOOST_AUTO_TEST_CASE(art_is_total_resolution_time_over_solved_tickets) {
  Worked w;
  // A 1h, B 2h, C 3h (its latest resolution), D 15m -> 6.25h / 4.
  const auto m = w.metrics(kT0, kT0 + 4 * kHour);
  BOOST_CHECK_EQUAL(int_at(m, "/totals/art_ms/tickets"), 4);
  CHECK_NEAR(num(m, "/totals/art_ms/value"), 6.25 * kHour / 4);
}

BOOST_AUTO_TEST_CASE(fcr_counts_single_agent_reply_never_reopened) {
  Worked w;
  const auto m = w.metrics(kT0, kT0 + 4 * kHour);  // only A qualifies
  BOOST_CHECK_EQUAL(int_at(m, "/totals/fcr/solved"), 4);
  BOOST_CHECK_EQUAL(int_at(m, "/totals/fcr/first_contact"), 1);
  CHECK_NEAR(num(m, "/totals/fcr/value"), 25.0);
}

BOOST_AUTO_TEST_CASE(bot_resolved_share_is_solved_without_any_agent_message) {
  Worked w;
  const auto m = w.metrics(kT0, kT0 + 4 * kHour);  // only D
  BOOST_CHECK_EQUAL(int_at(m, "/totals/bot_resolved/without_agent"), 1);
  CHECK_NEAR(num(m, "/totals/bot_resolved/value"), 25.0);
}

BOOST_AUTO_TEST_CASE(backlog_is_open_and_pending_tickets_at_the_end_of_each_bucket) {
  Worked w;
  const auto m = w.metrics(kT0, kT0 + 4 * kHour, kHour);
  BOOST_CHECK_EQUAL(int_at(m, "/totals/backlog"), 2);  // E open, F pending
  // A change at exactly a bucket's end belongs to the next bucket.
  BOOST_CHECK_EQUAL(int_at(m, "/series/0/backlog"), 5);  // A, B, C (reopened), E, F
  BOOST_CHECK_EQUAL(int_at(m, "/series/1/backlog"), 4);  // B, C, E, F
  BOOST_CHECK_EQUAL(int_at(m, "/series/2/backlog"), 3);  // C, E, F
  BOOST_CHECK_EQUAL(int_at(m, "/series/3/backlog"), 2);
}

BOOST_AUTO_TEST_CASE(series_buckets_count_each_resolution_once_at_its_latest_time) {
  Worked w;
  const auto m = w.metrics(kT0, kT0 + 4 * kHour, kHour);
  BOOST_CHECK_EQUAL(int_at(m, "/series/0/tickets_created"), 6);
  BOOST_CHECK_EQUAL(int_at(m, "/series/1/tickets_created"), 0);
  CHECK_NEAR(num(m, "/series/0/art_ms/value"), 15.0 * kMin);  // D only: C's +30m resolution was undone
  CHECK_NEAR(num(m, "/series/1/art_ms/value"), 1.0 * kHour);  // A
  CHECK_NEAR(num(m, "/series/2/art_ms/value"), 2.0 * kHour);  // B
  CHECK_NEAR(num(m, "/series/3/art_ms/value"), 3.0 * kHour);  // C
  CHECK_NEAR(num(m, "/series/0/frt_ms/value"), 20.0 * kMin);  // B (10m) and C (30m)
  CHECK_NEAR(num(m, "/series/1/frt_ms/value"), 60.0 * kMin);  // A
  BOOST_CHECK(null_at(m, "/series/2/frt_ms/value"));
}

BOOST_AUTO_TEST_CASE(a_reopened_ticket_leaves_the_resolved_set_until_solved_again) {
  Worked w;
  const auto before = w.metrics(kT0, kT0 + 6 * kHour);
  REQUIRE_STATUS(w.dev.http.post("/v1/tickets/" + w.a + "/reopen", "{}"), 200);
  const auto after = w.metrics(kT0, kT0 + 6 * kHour);
  BOOST_CHECK_EQUAL(int_at(after, "/totals/art_ms/tickets"), int_at(before, "/totals/art_ms/tickets") - 1);
  BOOST_CHECK_EQUAL(int_at(after, "/totals/fcr/first_contact"), 0);
  BOOST_CHECK_EQUAL(int_at(after, "/totals/backlog"), 3);
}

BOOST_AUTO_TEST_CASE(tickets_are_broken_down_by_channel_app_version_and_device_model) {
  Env env;
  Device dev(env.server);
  REQUIRE_STATUS(dev.http.post("/v1/tickets", R"({"subject":"s","body":"b","fields":{"channel":"kiosk"},
      "device":{"model":"X100","app_version":"1.4.0"}})"),
                 201);
  REQUIRE_STATUS(dev.http.post("/v1/tickets", R"({"subject":"s","body":"b",
      "device":{"model":"X100","app_version":"1.5.0"}})"),
                 201);
  Device registered(env.server);  // no device context on the ticket: PUT /v1/device is the fallback
  REQUIRE_STATUS(registered.http.put("/v1/device", R"({"model":"Z9","app_version":"2.0"})"), 200);
  registered.new_ticket();
  Device bare(env.server);
  bare.new_ticket();
  const auto m = env.metrics(kT0, kT0 + kHour);
  BOOST_CHECK_EQUAL(int_at(m, "/totals/tickets_created"), 4);
  BOOST_CHECK_EQUAL(int_at(m, "/totals/tickets_by_channel/kiosk"), 1);
  BOOST_CHECK_EQUAL(int_at(m, "/totals/tickets_by_channel/sdk"), 3);
  BOOST_CHECK_EQUAL(int_at(m, "/totals/tickets_by_device_model/X100"), 2);
  BOOST_CHECK_EQUAL(int_at(m, "/totals/tickets_by_device_model/Z9"), 1);
  BOOST_CHECK_EQUAL(int_at(m, "/totals/tickets_by_device_model/unknown"), 1);
  BOOST_CHECK_EQUAL(int_at(m, "/totals/tickets_by_app_version/1.4.0"), 1);
  BOOST_CHECK_EQUAL(int_at(m, "/totals/tickets_by_app_version/1.5.0"), 1);
  BOOST_CHECK_EQUAL(int_at(m, "/totals/tickets_by_app_version/2.0"), 1);
}

BOOST_AUTO_TEST_CASE(metrics_never_mix_apps) {
  Env env;
  Device other(env.server, hlt::kOtherAppKey);
  other.new_ticket();
  survey(other, "csat", 5);
  const auto m = env.metrics(kT0, kT0 + kHour);
  BOOST_CHECK_EQUAL(int_at(m, "/totals/tickets_created"), 0);
  BOOST_CHECK_EQUAL(int_at(m, "/totals/csat/responses"), 0);
  BOOST_CHECK_EQUAL(int_at(m, "/totals/backlog"), 0);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(deflections)

BOOST_AUTO_TEST_CASE(deflection_rate_is_the_share_of_suggestions_not_followed_by_a_ticket) {
  Env env;
  Device dev(env.server);
  const std::string t = dev.new_ticket();
  for (int i = 0; i < 3; ++i)
    REQUIRE_STATUS(dev.http.post("/v1/deflections", R"({"article_ids":["fa_1","fa_2"],"query":"jam"})"), 201);
  REQUIRE_STATUS(dev.http.post("/v1/deflections", R"({"article_ids":["fa_1"],"ticket_id":)" + q(t) + "}"),
                 201);
  const auto m = env.metrics(kT0, kT0 + kHour);
  BOOST_CHECK_EQUAL(int_at(m, "/totals/deflection/shown"), 4);
  BOOST_CHECK_EQUAL(int_at(m, "/totals/deflection/followed_by_ticket"), 1);
  BOOST_CHECK_EQUAL(int_at(m, "/totals/deflection/deflected"), 3);
  CHECK_NEAR(num(m, "/totals/deflection/value"), 75.0);
}

BOOST_AUTO_TEST_CASE(a_deflection_is_created_with_its_fields_echoed) {
  Env env;
  Device dev(env.server);
  const auto r =
      dev.http.post("/v1/deflections", R"({"id":"df-client-1","article_ids":["fa_1"],"query":"q"})");
  REQUIRE_STATUS(r, 201);
  const auto doc = json(r);
  BOOST_CHECK_EQUAL(str_at(doc, "/id"), "df-client-1");
  BOOST_CHECK_EQUAL(str_at(doc, "/article_ids/0"), "fa_1");
  BOOST_CHECK_EQUAL(str_at(doc, "/query"), "q");
  BOOST_CHECK_EQUAL(int_at(doc, "/created_at"), kT0);
  CHECK_ERROR(dev.http.post("/v1/deflections", R"({"id":"df-client-1"})"), 409, "conflict");
}

BOOST_AUTO_TEST_CASE(a_deflection_naming_someone_elses_ticket_is_404) {
  Env env;
  Device owner(env.server);
  Device stranger(env.server);
  const std::string t = owner.new_ticket();
  CHECK_ERROR(stranger.http.post("/v1/deflections", R"({"ticket_id":)" + q(t) + "}"), 404, "not_found");
  CHECK_ERROR(stranger.http.post("/v1/deflections", R"({"article_ids":"x"})"), 400, "invalid_request");
}

BOOST_AUTO_TEST_CASE(deflections_are_batchable_after_the_ticket_they_name) {
  Env env;
  Device dev(env.server);
  const std::string body = R"({"items":[
    {"idempotency_key":"k1","method":"POST","path":"/v1/tickets","body":{"id":"t-batch-1","subject":"s","body":"b"}},
    {"idempotency_key":"k2","method":"POST","path":"/v1/deflections","body":{"article_ids":["fa_9"],"ticket_id":"t-batch-1"}},
    {"idempotency_key":"k3","method":"POST","path":"/v1/deflections","body":{"article_ids":["fa_9"]}}]})";
  const auto r = dev.http.post("/v1/batch", body);
  REQUIRE_STATUS(r, 200);
  const auto doc = json(r);
  BOOST_CHECK_EQUAL(str_at(doc, "/results/1/outcome"), "ok");
  BOOST_CHECK_EQUAL(str_at(doc, "/results/2/outcome"), "ok");
  REQUIRE_STATUS(dev.http.post("/v1/batch", body), 200);  // replay: duplicates, nothing counted twice
  const auto m = env.metrics(kT0, kT0 + kHour);
  BOOST_CHECK_EQUAL(int_at(m, "/totals/deflection/shown"), 2);
  CHECK_NEAR(num(m, "/totals/deflection/value"), 50.0);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(csv)

BOOST_AUTO_TEST_CASE(csv_export_has_a_header_and_one_row_per_bucket_with_empty_nulls) {
  Env env;
  Device dev(env.server);
  survey(dev, "csat", 4);
  const auto r = env.agent.get("/v1/agent/metrics.csv?from=" + std::to_string(kT0) +
                               "&to=" + std::to_string(kT0 + 2 * kHour) + "&bucket=" + std::to_string(kHour));
  REQUIRE_STATUS(r, 200);
  BOOST_CHECK(r.header("content-type").value_or("").rfind("text/csv", 0) == 0);
  BOOST_CHECK(r.header("content-disposition").value_or("").find("attachment") != std::string::npos);
  BOOST_CHECK(r.body.rfind("from,to,from_iso,to_iso,tickets_created,csat,", 0) == 0);
  const std::string row1 = std::to_string(kT0) + "," + std::to_string(kT0 + kHour) +
                           ",2023-11-14T22:13:20Z,2023-11-14T23:13:20Z,0,100.00,1,,0,,0,,0,,0,,,0,,0\r\n";
  const std::string row2 = std::to_string(kT0 + kHour) + "," + std::to_string(kT0 + 2 * kHour) +
                           ",2023-11-14T23:13:20Z,2023-11-15T00:13:20Z,0,,0,,0,,0,,0,,0,,,0,,0\r\n";
  BOOST_CHECK_MESSAGE(r.body.find(row1) != std::string::npos, r.body);
  BOOST_CHECK_MESSAGE(r.body.find(row2) != std::string::npos, r.body);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(test_clock)

BOOST_AUTO_TEST_CASE(the_clock_freezes_advances_and_returns_to_real_time) {
  Env env;
  auto r = env.control.post("/v1/_test/clock", R"({"advance_ms":1000})");
  REQUIRE_STATUS(r, 200);
  BOOST_CHECK_EQUAL(int_at(json(r), "/now_ms"), kT0 + 1000);
  Device dev(env.server);
  BOOST_CHECK_EQUAL(int_at(json(dev.create_ticket()), "/created_at"), kT0 + 1000);
  r = env.control.post("/v1/_test/clock", R"({"now_ms":null})");
  REQUIRE_STATUS(r, 200);
  BOOST_CHECK(!json(r)["frozen"].GetBool());
  BOOST_CHECK_GT(int_at(json(r), "/now_ms"), kT0 + 1000);
}

BOOST_AUTO_TEST_CASE(the_clock_control_exists_only_in_test_mode) {
  hlt::HttpClient http(hlt::shared_server().base_url());
  CHECK_STATUS(http.post("/v1/_test/clock", R"({"now_ms":1})"), 404);
}

BOOST_AUTO_TEST_SUITE_END()
