// /v1/_test/*: runtime fault injection, pause, rate limits and JWT minting. Registered only with --test-mode.
#include "api/test_controls.hpp"

#include "api_error.hpp"
#include "fault_injector.hpp"
#include "ids.hpp"
#include "json_fields.hpp"
#include "rate_limiter.hpp"

namespace helpline::server {

namespace {

std::string faults_json(const FaultSettings &s) {
  JsonOut j;
  j.begin_object()
      .field("fault_5xx_percent", s.fault_5xx_percent)
      .field("fault_429_percent", s.fault_429_percent)
      .field("drop_percent", s.drop_percent)
      .field("delay_ms", s.delay_ms)
      .field("seed", static_cast<int64_t>(s.seed))
      .field("path_prefix", s.path_prefix)
      .end_object();
  return j.take();
}

int percent(const JsonValue &b, const char *name, int current) {
  auto v = opt_int(b, name);
  if (!v) return current;
  if (*v < 0 || *v > 100) throw bad_request(std::string(name) + ": 0..100");
  return static_cast<int>(*v);
}

AppConfig &app_of(ServerConfig &config, const JsonValue &b) {
  std::string key = req_string(b, "app_key", 1, 64);
  auto it = config.apps.find(key);
  if (it == config.apps.end()) throw not_found("app");
  return *it->second;
}

}  // namespace

TestControlHandlers::TestControlHandlers(ApiContext &ctx) : ctx_(ctx) {}

void TestControlHandlers::add_routes(Router &r) {
  using K = RouteKind;
  using B = BodyKind;
  using H = TestControlHandlers;
  r.add(
      {"GET", "/v1/_test/faults", handler(this, &H::test_faults_get), K::test, B::none, false, false, false});
  r.add({"POST", "/v1/_test/faults", handler(this, &H::test_faults_post), K::test, B::json, false, false,
         false});
  r.add({"POST", "/v1/_test/pause", handler(this, &H::test_pause), K::test, B::json, false, false, false});
  r.add({"POST", "/v1/_test/limits", handler(this, &H::test_limits), K::test, B::json, false, false, false});
  r.add({"POST", "/v1/_test/token", handler(this, &H::test_token), K::test, B::json, false, false, false});
  r.add({"POST", "/v1/_test/clock", handler(this, &H::test_clock), K::test, B::json, false, false, false});
}

Reply TestControlHandlers::test_faults_get(Call &) {
  return json(200, faults_json(ctx_.faults.settings()));
}

Reply TestControlHandlers::test_faults_post(Call &c) {
  const JsonValue &b = *c.body;
  FaultSettings s = ctx_.faults.settings();
  s.fault_5xx_percent = percent(b, "fault_5xx_percent", s.fault_5xx_percent);
  s.fault_429_percent = percent(b, "fault_429_percent", s.fault_429_percent);
  s.drop_percent = percent(b, "drop_percent", s.drop_percent);
  if (s.fault_5xx_percent + s.fault_429_percent + s.drop_percent > 100)
    throw bad_request("the three percentages must add up to at most 100");
  if (auto d = opt_int(b, "delay_ms")) {
    if (*d < 0 || *d > 600000) throw bad_request("delay_ms: 0..600000");
    s.delay_ms = static_cast<int>(*d);
  }
  auto seed = opt_int(b, "seed");
  if (seed) s.seed = static_cast<uint64_t>(*seed);
  if (auto p = opt_string(b, "path_prefix", 200)) s.path_prefix = *p;
  ctx_.faults.update(s, seed.has_value());
  return json(200, faults_json(ctx_.faults.settings()));
}

Reply TestControlHandlers::test_pause(Call &c) {
  int64_t ms = req_int(*c.body, "ms");
  if (ms < 0 || ms > 600000) throw bad_request("ms: 0..600000");
  int64_t until = ctx_.faults.pause(static_cast<int>(ms));
  JsonOut j;
  j.begin_object().field("paused_until", until).end_object();
  return json(200, j.take());
}

Reply TestControlHandlers::test_limits(Call &c) {
  const JsonValue &b = *c.body;
  AppConfig &app = app_of(ctx_.config, b);  // limits are atomics meant for runtime changes
  if (const JsonValue *r = field(b, "device_requests_per_second")) {
    if (!r->IsNumber() || r->GetDouble() < 0) throw bad_request("device_requests_per_second: number >= 0");
    app.limits.device_requests_per_second = r->GetDouble();
  }
  if (const JsonValue *r = field(b, "device_burst")) {
    if (!r->IsNumber() || r->GetDouble() < 1) throw bad_request("device_burst: number >= 1");
    app.limits.device_burst = r->GetDouble();
  }
  ctx_.limiter.reset_app(app.app_key);
  JsonOut j;
  j.begin_object()
      .field("app_key", app.app_key)
      .key("device_requests_per_second")
      .number(app.limits.device_requests_per_second)
      .key("device_burst")
      .number(app.limits.device_burst)
      .end_object();
  return json(200, j.take());
}

Reply TestControlHandlers::test_token(Call &c) {
  const JsonValue &b = *c.body;
  const AppConfig &app = app_of(ctx_.config, b);
  std::string sub = req_string(b, "sub", 1, 128);
  int64_t ttl = opt_int(b, "ttl_seconds").value_or(3600);
  auto name = opt_string(b, "name", 200);
  auto email = opt_string(b, "email", 254);
  JsonOut j;
  j.begin_object()
      .field("token", mint_jwt(app.app_secret, sub, now_ms() / 1000 + ttl, name, email))
      .end_object();
  return json(200, j.take());
}

Reply TestControlHandlers::test_clock(Call &c) {
  const JsonValue &b = *c.body;
  if (has_key(b, "now_ms")) {
    auto ms = opt_int(b, "now_ms");  // null: back to the real clock
    if (ms && *ms <= 0) throw bad_request("now_ms: a positive integer or null");
    set_frozen_clock(ms.value_or(0));
  }
  if (auto adv = opt_int(b, "advance_ms")) {
    if (*adv < 0) throw bad_request("advance_ms: must be >= 0");
    if (!frozen_clock()) throw bad_request("advance_ms: the clock is not frozen (set now_ms first)");
    set_frozen_clock(frozen_clock() + *adv);
  }
  JsonOut j;
  j.begin_object().field("now_ms", now_ms()).field("frozen", frozen_clock() != 0).end_object();
  return json(200, j.take());
}

}  // namespace helpline::server
