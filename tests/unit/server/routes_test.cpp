// The route table (docs/protocol.md): every resource's handler class adds its routes; together they must be
// exactly the table the protocol documents (methods, paths, auth kinds, bodies, flags), and dispatch must
// behave as specified (405 with Allow, HEAD as GET, idempotent replays, batches) without a transport.
#define BOOST_TEST_MODULE helpline_server_routes
#include <boost/test/unit_test.hpp>

#include "api/api.hpp"
#include "server_test_support.hpp"
#include "store/sqlite/sqlite_store.hpp"

#include <algorithm>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

using namespace helpline::server;
using helpline::server::test::parse;
using helpline::server::test::TempDir;

namespace {

using K = RouteKind;
using B = BodyKind;
using T = TxMode;

struct Expected {
  const char *method;
  const char *pattern;
  RouteKind kind;
  BodyKind body;
  bool write, idempotent, batchable;
  TxMode tx;
};

// The table as it stood when the routes were one list in api.cpp (in that order), plus the transaction mode
// each handler got by name there (sync and the diagnostics batch: their own; the exports: audited).
const Expected kTable[] = {
    {"GET", "/v1/health", K::open, B::none, false, false, false, T::standard},
    {"POST", "/v1/identify", K::device, B::optional_json, true, true, true, T::standard},
    {"PUT", "/v1/device", K::device, B::json, true, true, true, T::standard},
    {"GET", "/v1/device", K::device, B::none, false, false, false, T::standard},
    {"PUT", "/v1/device/push-token", K::device, B::json, true, true, true, T::standard},
    {"DELETE", "/v1/device/push-token", K::device, B::none, true, true, true, T::standard},
    {"GET", "/v1/me", K::device, B::none, false, false, false, T::standard},
    {"PATCH", "/v1/me/attributes", K::device, B::json, true, true, true, T::standard},
    {"POST", "/v1/tickets", K::device, B::json, true, true, true, T::standard},
    {"GET", "/v1/tickets", K::device, B::none, false, false, false, T::standard},
    {"GET", "/v1/tickets/{}", K::device, B::none, false, false, false, T::standard},
    {"PATCH", "/v1/tickets/{}", K::device, B::json, true, true, true, T::standard},
    {"POST", "/v1/tickets/{}/reopen", K::device, B::optional_json, true, true, true, T::standard},
    {"POST", "/v1/tickets/{}/messages", K::device, B::json, true, true, true, T::standard},
    {"GET", "/v1/tickets/{}/messages", K::device, B::none, false, false, false, T::standard},
    {"POST", "/v1/attachments", K::device, B::raw, true, true, false, T::standard},
    {"GET", "/v1/attachments/{}", K::device, B::none, false, false, false, T::standard},
    {"GET", "/v1/faq", K::device, B::none, false, false, false, T::own},
    {"GET", "/v1/faq/articles/{}", K::device, B::none, false, false, false, T::standard},
    {"POST", "/v1/faq/articles/{}/vote", K::device, B::json, true, true, true, T::standard},
    {"POST", "/v1/diagnostics/batch", K::device, B::json, false, false, false, T::own},
    {"POST", "/v1/surveys", K::device, B::json, true, true, true, T::standard},
    {"POST", "/v1/deflections", K::device, B::json, true, true, true, T::standard},
    {"GET", "/v1/notices", K::device, B::none, false, false, false, T::standard},
    {"POST", "/v1/notices/{}/ack", K::device, B::optional_json, true, true, true, T::standard},
    {"GET", "/v1/sync", K::device, B::none, false, false, false, T::own},
    {"POST", "/v1/batch", K::device, B::json, true, false, false, T::standard},
    {"POST", "/v1/me/erase", K::device, B::optional_json, true, false, true, T::standard},
    {"GET", "/v1/me/export", K::device, B::none, false, false, false, T::audited},
    {"POST", "/v1/me/export", K::device, B::optional_json, true, false, true, T::audited},
    {"POST", "/v1/agent/login", K::agent_login, B::json, false, false, false,
     T::own},  // hashed off the I/O thread
    {"POST", "/v1/agent/logout", K::agent, B::optional_json, true, false, false, T::standard},
    {"GET", "/v1/agent/me", K::agent, B::none, false, false, false, T::standard},
    {"GET", "/v1/agent/agents", K::agent, B::none, false, false, false, T::standard},
    {"POST", "/v1/agent/agents", K::agent, B::json, true, true, false, T::standard},
    {"GET", "/v1/agent/tickets", K::agent, B::none, false, false, false, T::standard},
    {"GET", "/v1/agent/tickets/{}", K::agent, B::none, false, false, false, T::standard},
    {"PATCH", "/v1/agent/tickets/{}", K::agent, B::json, true, true, false, T::standard},
    {"GET", "/v1/agent/tickets/{}/messages", K::agent, B::none, false, false, false, T::standard},
    {"POST", "/v1/agent/tickets/{}/messages", K::agent, B::json, true, true, false, T::standard},
    {"GET", "/v1/agent/tickets/{}/diagnostics", K::agent, B::none, false, false, false, T::standard},
    {"GET", "/v1/agent/tickets/{}/device", K::agent, B::none, false, false, false, T::standard},
    {"POST", "/v1/agent/diagnostics-requests", K::agent, B::json, true, true, false, T::standard},
    {"GET", "/v1/agent/diagnostics-requests", K::agent, B::none, false, false, false, T::standard},
    {"POST", "/v1/agent/attachments", K::agent, B::raw, true, true, false, T::standard},
    {"GET", "/v1/agent/attachments/{}", K::agent, B::none, false, false, false, T::standard},
    {"GET", "/v1/agent/faq", K::agent, B::none, false, false, false, T::standard},
    {"POST", "/v1/agent/faq/sections", K::agent, B::json, true, true, false, T::standard},
    {"PATCH", "/v1/agent/faq/sections/{}", K::agent, B::json, true, true, false, T::standard},
    {"DELETE", "/v1/agent/faq/sections/{}", K::agent, B::none, true, true, false, T::standard},
    {"POST", "/v1/agent/faq/articles", K::agent, B::json, true, true, false, T::standard},
    {"PATCH", "/v1/agent/faq/articles/{}", K::agent, B::json, true, true, false, T::standard},
    {"DELETE", "/v1/agent/faq/articles/{}", K::agent, B::none, true, true, false, T::standard},
    {"GET", "/v1/agent/faq/synonyms", K::agent, B::none, false, false, false, T::standard},
    {"POST", "/v1/agent/faq/synonyms", K::agent, B::json, true, true, false, T::standard},
    {"PUT", "/v1/agent/faq/synonyms/{}", K::agent, B::json, true, true, false, T::standard},
    {"DELETE", "/v1/agent/faq/synonyms/{}", K::agent, B::none, true, true, false, T::standard},
    {"GET", "/v1/agent/notices", K::agent, B::none, false, false, false, T::standard},
    {"POST", "/v1/agent/notices", K::agent, B::json, true, true, false, T::standard},
    {"PATCH", "/v1/agent/notices/{}", K::agent, B::json, true, true, false, T::standard},
    {"DELETE", "/v1/agent/notices/{}", K::agent, B::none, true, true, false, T::standard},
    {"GET", "/v1/agent/metrics", K::agent, B::none, false, false, false, T::standard},
    {"GET", "/v1/agent/metrics.csv", K::agent, B::none, false, false, false, T::standard},
    {"GET", "/v1/agent/survey-prompts", K::agent, B::none, false, false, false, T::standard},
    {"POST", "/v1/agent/survey-prompts", K::agent, B::json, true, true, false, T::standard},
    {"GET", "/v1/agent/devices", K::agent, B::none, false, false, false, T::standard},
    {"GET", "/v1/agent/devices/{}", K::agent, B::none, false, false, false, T::standard},
    {"GET", "/v1/agent/devices/{}/diagnostics", K::agent, B::none, false, false, false, T::standard},
    {"GET", "/v1/agent/devices/{}/timeline", K::agent, B::none, false, false, false, T::standard},
    {"GET", "/v1/agent/rules", K::agent, B::none, false, false, false, T::standard},
    {"POST", "/v1/agent/rules", K::agent, B::json, true, true, false, T::standard},
    {"GET", "/v1/agent/rules/{}", K::agent, B::none, false, false, false, T::standard},
    {"PATCH", "/v1/agent/rules/{}", K::agent, B::json, true, true, false, T::standard},
    {"DELETE", "/v1/agent/rules/{}", K::agent, B::none, true, true, false, T::standard},
    {"GET", "/v1/agent/device-rules", K::agent, B::none, false, false, false, T::standard},
    {"PUT", "/v1/agent/device-rules", K::agent, B::json, true, true, false, T::standard},
    {"GET", "/v1/agent/otlp", K::agent, B::none, false, false, false, T::standard},
    {"GET", "/v1/agent/principals/{}/export", K::agent, B::none, false, false, false, T::audited},
    {"POST", "/v1/agent/principals/{}/erase", K::agent, B::optional_json, true, false, false, T::standard},
    {"GET", "/v1/agent/erasures", K::agent, B::none, false, false, false, T::standard},
    {"GET", "/v1/_test/faults", K::test, B::none, false, false, false, T::standard},
    {"POST", "/v1/_test/faults", K::test, B::json, false, false, false, T::standard},
    {"POST", "/v1/_test/pause", K::test, B::json, false, false, false, T::standard},
    {"POST", "/v1/_test/limits", K::test, B::json, false, false, false, T::standard},
    {"POST", "/v1/_test/token", K::test, B::json, false, false, false, T::standard},
    {"POST", "/v1/_test/clock", K::test, B::json, false, false, false, T::standard},
};
constexpr size_t kTestRoutes = 6;  // /v1/_test/*, last in the table

using Row = std::tuple<std::string, std::string, int, int, bool, bool, bool, int>;

Row row_of(const Expected &e) {
  return {e.method,     e.pattern,   static_cast<int>(e.kind), static_cast<int>(e.body), e.write,
          e.idempotent, e.batchable, static_cast<int>(e.tx)};
}

Row row_of(const Route &r) {
  return {r.method,     r.pattern,   static_cast<int>(r.kind), static_cast<int>(r.body), r.write,
          r.idempotent, r.batchable, static_cast<int>(r.tx)};
}

// An Api over a fresh SQLite store, with one app.
struct Server {
  explicit Server(bool test_mode = true) : store(dir.file("helpline.db")), faults(FaultSettings{}) {
    auto app = std::make_unique<AppConfig>();
    app->app_key = "pk_demo";
    app->app_secret = "at-least-16-chars-secret";
    config.apps.emplace("pk_demo", std::move(app));
    api = std::make_unique<Api>(config, store, notifier, limiter, faults, test_mode);
    api->init();
  }
  ~Server() { api->stop(); }

  HttpResponse call(const std::string &method, const std::string &target, const std::string &body = "",
                    std::vector<std::pair<std::string, std::string>> headers = {}) {
    HttpRequest req;
    req.method = method;
    req.target = target;
    req.path = target.substr(0, target.find('?'));
    req.body = body;
    req.headers = {{"x-helpline-app-key", "pk_demo"}, {"x-helpline-device-id", "device-0001"}};
    if (!body.empty()) req.headers.emplace_back("content-type", "application/json");
    for (auto &h : headers) req.headers.push_back(std::move(h));
    HandleResult r = api->handle(req);
    BOOST_REQUIRE(!r.wait);
    BOOST_REQUIRE(!r.deferred);
    return r.response;
  }

  TempDir dir;
  ServerConfig config;
  SqliteStore store;
  ChangeNotifier notifier;
  RateLimiter limiter;
  FaultInjector faults;
  std::unique_ptr<Api> api;
};

const std::string *header(const HttpResponse &r, const std::string &name) {
  for (const auto &h : r.headers)
    if (h.first == name) return &h.second;
  return nullptr;
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_handler_classes_add_exactly_the_documented_routes) {
  Server s;
  std::vector<Row> want, got;
  for (const auto &e : kTable) want.push_back(row_of(e));
  for (const auto &r : s.api->router().routes()) got.push_back(row_of(r));
  BOOST_TEST(got.size() == want.size());
  std::sort(want.begin(), want.end());
  std::sort(got.begin(), got.end());
  for (size_t i = 0; i < std::min(want.size(), got.size()); ++i)
    BOOST_TEST((want[i] == got[i]), "route " << std::get<0>(want[i]) << " " << std::get<1>(want[i]) << " vs "
                                             << std::get<0>(got[i]) << " " << std::get<1>(got[i]));
}

BOOST_AUTO_TEST_CASE(routes_of_one_path_keep_their_order) {
  // The order decides the Allow header of a 405 (and which route HEAD finds).
  Server s;
  std::map<std::string, std::vector<std::string>> want, got;
  for (const auto &e : kTable) want[e.pattern].push_back(e.method);
  for (const auto &r : s.api->router().routes()) got[r.pattern].push_back(r.method);
  for (const auto &[pattern, methods] : want) BOOST_TEST(got[pattern] == methods, pattern);
}

BOOST_AUTO_TEST_CASE(test_controls_are_routed_only_in_test_mode) {
  Server s(false);
  BOOST_TEST(s.api->router().routes().size() == std::size(kTable) - kTestRoutes);
  for (const auto &r : s.api->router().routes()) BOOST_TEST(r.pattern.rfind("/v1/_test/", 0) != 0u);
}

BOOST_AUTO_TEST_CASE(matching_takes_path_parameters_and_lists_the_other_methods) {
  Server s;
  const Router &router = s.api->router();
  std::vector<std::string> params;
  std::string allow;
  const Route *r = router.match("GET", "/v1/tickets/t_1/messages", params, &allow);
  BOOST_REQUIRE(r);
  BOOST_TEST(r->pattern == "/v1/tickets/{}/messages");
  BOOST_TEST(params == std::vector<std::string>{"t_1"});

  r = router.match("HEAD", "/v1/agent/rules/r_9", params, nullptr);  // HEAD is served as GET
  BOOST_REQUIRE(r);
  BOOST_TEST(std::string(r->method) == "GET");
  BOOST_TEST(params == std::vector<std::string>{"r_9"});

  allow.clear();
  BOOST_TEST(router.match("PUT", "/v1/agent/rules/r_9", params, &allow) == nullptr);
  BOOST_TEST(allow == "GET, PATCH, DELETE");
  allow.clear();
  BOOST_TEST(router.match("DELETE", "/v1/tickets", params, &allow) == nullptr);
  BOOST_TEST(allow == "POST, GET");

  allow.clear();
  BOOST_TEST(router.match("GET", "/v1/tickets//messages", params, &allow) == nullptr);  // empty id
  BOOST_TEST(allow.empty());
  BOOST_TEST(router.match("GET", "/v1/tickets/t_1/messages/x", params, &allow) == nullptr);
  BOOST_TEST(id_pattern("/v1/notices/", "/ack") == "/v1/notices/{}/ack");
}

BOOST_AUTO_TEST_CASE(faults_never_hit_health_test_controls_or_the_console) {
  BOOST_TEST(!Api::faultable("/v1/health"));
  BOOST_TEST(!Api::faultable("/v1/_test/faults"));
  BOOST_TEST(!Api::faultable("/console/app.js"));
  BOOST_TEST(Api::faultable("/v1/tickets"));
  BOOST_TEST(Api::faultable("/v1/sync"));
}

BOOST_AUTO_TEST_CASE(body_limits_follow_the_app_and_the_path) {
  Server s;
  std::string key = "pk_demo";
  BOOST_TEST(s.api->body_limit("/v1/tickets", &key) == (1u << 20));
  BOOST_TEST(s.api->body_limit("/v1/attachments", &key) == (10u << 20));
  BOOST_TEST(s.api->body_limit("/v1/agent/attachments", nullptr) == (10u << 20));
}

BOOST_AUTO_TEST_CASE(dispatch_answers_health_405_and_404_as_json) {
  Server s;
  HttpResponse h = s.call("GET", "/v1/health");
  BOOST_TEST(h.status == 200);
  rapidjson::Document d = parse(h.body);
  BOOST_TEST(std::string(d["version"].GetString()) == HELPLINE_SERVER_VERSION);

  HttpResponse m = s.call("PATCH", "/v1/device");
  BOOST_TEST(m.status == 405);
  BOOST_REQUIRE(header(m, "Allow"));
  BOOST_TEST(*header(m, "Allow") == "PUT, GET");
  BOOST_TEST(std::string(parse(m.body)["error"]["code"].GetString()) == "method_not_allowed");

  HttpResponse n = s.call("GET", "/v1/nothing");
  BOOST_TEST(n.status == 404);
  BOOST_TEST(std::string(parse(n.body)["error"]["message"].GetString()) == "no such endpoint: /v1/nothing");
}

BOOST_AUTO_TEST_CASE(an_idempotent_write_replays_and_a_reused_key_with_another_body_conflicts) {
  Server s;
  const std::string body = R"({"subject": "Printer jam", "body": "It jams."})";
  HttpResponse first = s.call("POST", "/v1/tickets", body, {{"idempotency-key", "k-1"}});
  BOOST_TEST(first.status == 201);
  BOOST_TEST(!header(first, "Idempotent-Replayed"));
  HttpResponse again = s.call("POST", "/v1/tickets", " " + body, {{"idempotency-key", "k-1"}});  // same JSON
  BOOST_TEST(again.status == 201);
  BOOST_REQUIRE(header(again, "Idempotent-Replayed"));
  BOOST_TEST(again.body == first.body);
  HttpResponse other =
      s.call("POST", "/v1/tickets", R"({"subject": "Other", "body": "x"})", {{"idempotency-key", "k-1"}});
  BOOST_TEST(other.status == 409);
  HttpResponse bad = s.call("POST", "/v1/tickets", body, {{"idempotency-key", std::string("k\x01")}});
  BOOST_TEST(bad.status == 400);

  HttpResponse list = s.call("GET", "/v1/tickets");
  BOOST_TEST(parse(list.body)["items"].Size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_batch_runs_each_item_with_its_own_key_and_result) {
  Server s;
  HttpResponse r = s.call("POST", "/v1/batch", R"({"items": [
      {"idempotency_key": "a", "method": "POST", "path": "/v1/tickets", "body": {"subject": "s", "body": "b"}},
      {"idempotency_key": "a", "method": "POST", "path": "/v1/tickets", "body": {"subject": "s", "body": "b"}},
      {"idempotency_key": "b", "method": "GET", "path": "/v1/tickets"},
      {"idempotency_key": "c", "method": "PUT", "path": "/v1/device?x=1", "body": {"model": "X1"}}]})");
  BOOST_TEST(r.status == 200);
  rapidjson::Document d = parse(r.body);
  const auto &res = d["results"];
  BOOST_REQUIRE(res.Size() == 4u);
  BOOST_TEST(std::string(res[0]["outcome"].GetString()) == "ok");
  BOOST_TEST(res[0]["status"].GetInt() == 201);
  BOOST_TEST(std::string(res[1]["outcome"].GetString()) == "duplicate");
  BOOST_TEST(std::string(res[1]["body"]["id"].GetString()) == res[0]["body"]["id"].GetString());
  BOOST_TEST(std::string(res[2]["outcome"].GetString()) == "error");  // a read is not a batch item
  BOOST_TEST(res[2]["status"].GetInt() == 400);
  BOOST_TEST(!res[2]["retryable"].GetBool());
  BOOST_TEST(res[3]["status"].GetInt() == 200);
  BOOST_TEST(std::string(res[3]["body"]["model"].GetString()) == "X1");
}
