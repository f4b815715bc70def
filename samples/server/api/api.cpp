#include "api/api.hpp"

#include "api/render.hpp"
#include "api_error.hpp"
#include "crypto.hpp"
#include "gzip.hpp"
#include "ids.hpp"
#include "json_fields.hpp"
#include "json_out.hpp"
#include "otlp/otlp_exporter.hpp"

#include <cstdio>

namespace helpline::server {

namespace {

std::vector<std::string_view> split_path(std::string_view p) {
  std::vector<std::string_view> out;
  size_t i = 1;
  while (i <= p.size()) {
    size_t j = p.find('/', i);
    if (j == std::string_view::npos) j = p.size();
    out.push_back(p.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

bool is_json_type(const std::string *ct) {
  if (!ct) return false;
  std::string v = ct->substr(0, ct->find(';'));
  while (!v.empty() && v.back() == ' ') v.pop_back();
  for (auto &c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return v == "application/json";
}

bool valid_device_id(const std::string &s) {
  if (s.size() < 8 || s.size() > 128) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
          c == '_' || c == ':' || c == '-'))
      return false;
  return true;
}

bool valid_idem_key(const std::string &k) {
  if (k.empty() || k.size() > 255) return false;
  for (unsigned char c : k)
    if (c < 0x20 || c > 0x7e) return false;
  return true;
}

const AppLimits kDefaultLimits{};

}  // namespace

const std::string *Call::query_param(const char *name) const {
  if (!query) return nullptr;
  for (const auto &q : *query)
    if (q.first == name) return &q.second;
  return nullptr;
}

Api::Api(ServerConfig &config, Store &store, ChangeNotifier &notifier, RateLimiter &limiter,
         FaultInjector &faults, bool test_mode)
    : config_(config),
      store_(store),
      notifier_(notifier),
      limiter_(limiter),
      faults_(faults),
      test_mode_(test_mode) {
  using K = RouteKind;
  using B = BodyKind;
  routes_ = {
      {"GET", "/v1/health", &Api::health, K::open, B::none, false, false, false},
      {"POST", "/v1/identify", &Api::identify, K::device, B::optional_json, true, true, true},
      {"PUT", "/v1/device", &Api::device_put, K::device, B::json, true, true, true},
      {"GET", "/v1/device", &Api::device_get, K::device, B::none, false, false, false},
      {"PUT", "/v1/device/push-token", &Api::push_token_put, K::device, B::json, true, true, true},
      {"DELETE", "/v1/device/push-token", &Api::push_token_delete, K::device, B::none, true, true, true},
      {"GET", "/v1/me", &Api::me_get, K::device, B::none, false, false, false},
      {"PATCH", "/v1/me/attributes", &Api::me_attributes_patch, K::device, B::json, true, true, true},
      {"POST", "/v1/tickets", &Api::tickets_create, K::device, B::json, true, true, true},
      {"GET", "/v1/tickets", &Api::tickets_list, K::device, B::none, false, false, false},
      {"GET", "/v1/tickets/{}", &Api::ticket_get, K::device, B::none, false, false, false},
      {"PATCH", "/v1/tickets/{}", &Api::ticket_patch, K::device, B::json, true, true, true},
      {"POST", "/v1/tickets/{}/reopen", &Api::ticket_reopen, K::device, B::optional_json, true, true, true},
      {"POST", "/v1/tickets/{}/messages", &Api::messages_create, K::device, B::json, true, true, true},
      {"GET", "/v1/tickets/{}/messages", &Api::messages_list, K::device, B::none, false, false, false},
      {"POST", "/v1/attachments", &Api::attachment_upload, K::device, B::raw, true, true, false},
      {"GET", "/v1/attachments/{}", &Api::attachment_get, K::device, B::none, false, false, false},
      {"GET", "/v1/faq", &Api::faq_get, K::device, B::none, false, false, false},
      {"GET", "/v1/faq/articles/{}", &Api::faq_article_get, K::device, B::none, false, false, false},
      {"POST", "/v1/faq/articles/{}/vote", &Api::faq_vote, K::device, B::json, true, true, true},
      {"POST", "/v1/diagnostics/batch", &Api::diagnostics_batch, K::device, B::json, false, false, false},
      {"POST", "/v1/surveys", &Api::surveys_create, K::device, B::json, true, true, true},
      {"POST", "/v1/deflections", &Api::deflections_create, K::device, B::json, true, true, true},
      {"GET", "/v1/notices", &Api::notices_list, K::device, B::none, false, false, false},
      {"POST", "/v1/notices/{}/ack", &Api::notice_ack, K::device, B::optional_json, true, true, true},
      {"GET", "/v1/sync", &Api::sync, K::device, B::none, false, false, false},
      {"POST", "/v1/batch", &Api::batch, K::device, B::json, true, false, false},
      // Privacy (section 20): erase is idempotent by nature and export is a read, so neither is recorded in
      // the idempotency table (a replayed key runs again); both are batch items (the SDK's outbox).
      {"POST", "/v1/me/erase", &Api::me_erase, K::device, B::optional_json, true, false, true},
      {"GET", "/v1/me/export", &Api::me_export, K::device, B::none, false, false, false},
      {"POST", "/v1/me/export", &Api::me_export, K::device, B::optional_json, true, false, true},

      {"POST", "/v1/agent/login", &Api::agent_login, K::agent_login, B::json, false, false, false},
      {"POST", "/v1/agent/logout", &Api::agent_logout, K::agent, B::optional_json, true, false, false},
      {"GET", "/v1/agent/me", &Api::agent_me, K::agent, B::none, false, false, false},
      {"GET", "/v1/agent/agents", &Api::agents_list, K::agent, B::none, false, false, false},
      {"POST", "/v1/agent/agents", &Api::agents_create, K::agent, B::json, true, true, false},
      {"GET", "/v1/agent/tickets", &Api::agent_tickets_list, K::agent, B::none, false, false, false},
      {"GET", "/v1/agent/tickets/{}", &Api::agent_ticket_get, K::agent, B::none, false, false, false},
      {"PATCH", "/v1/agent/tickets/{}", &Api::agent_ticket_patch, K::agent, B::json, true, true, false},
      {"GET", "/v1/agent/tickets/{}/messages", &Api::agent_messages_list, K::agent, B::none, false, false,
       false},
      {"POST", "/v1/agent/tickets/{}/messages", &Api::agent_message_create, K::agent, B::json, true, true,
       false},
      {"GET", "/v1/agent/tickets/{}/diagnostics", &Api::agent_ticket_diagnostics, K::agent, B::none, false,
       false, false},
      {"GET", "/v1/agent/tickets/{}/device", &Api::agent_ticket_device, K::agent, B::none, false, false,
       false},
      {"POST", "/v1/agent/diagnostics-requests", &Api::agent_diag_request_create, K::agent, B::json, true,
       true, false},
      {"GET", "/v1/agent/diagnostics-requests", &Api::agent_diag_requests_list, K::agent, B::none, false,
       false, false},
      {"POST", "/v1/agent/attachments", &Api::agent_attachment_upload, K::agent, B::raw, true, true, false},
      {"GET", "/v1/agent/attachments/{}", &Api::agent_attachment_get, K::agent, B::none, false, false, false},
      {"GET", "/v1/agent/faq", &Api::agent_faq_get, K::agent, B::none, false, false, false},
      {"POST", "/v1/agent/faq/sections", &Api::faq_section_create, K::agent, B::json, true, true, false},
      {"PATCH", "/v1/agent/faq/sections/{}", &Api::faq_section_patch, K::agent, B::json, true, true, false},
      {"DELETE", "/v1/agent/faq/sections/{}", &Api::faq_section_delete, K::agent, B::none, true, true, false},
      {"POST", "/v1/agent/faq/articles", &Api::faq_article_create, K::agent, B::json, true, true, false},
      {"PATCH", "/v1/agent/faq/articles/{}", &Api::faq_article_patch, K::agent, B::json, true, true, false},
      {"DELETE", "/v1/agent/faq/articles/{}", &Api::faq_article_delete, K::agent, B::none, true, true, false},
      {"GET", "/v1/agent/notices", &Api::agent_notices_list, K::agent, B::none, false, false, false},
      {"POST", "/v1/agent/notices", &Api::notice_create, K::agent, B::json, true, true, false},
      {"PATCH", "/v1/agent/notices/{}", &Api::notice_patch, K::agent, B::json, true, true, false},
      {"DELETE", "/v1/agent/notices/{}", &Api::notice_delete, K::agent, B::none, true, true, false},
      {"GET", "/v1/agent/metrics", &Api::agent_metrics, K::agent, B::none, false, false, false},
      {"GET", "/v1/agent/metrics.csv", &Api::agent_metrics_csv, K::agent, B::none, false, false, false},
      {"GET", "/v1/agent/survey-prompts", &Api::survey_prompts_list, K::agent, B::none, false, false, false},
      {"POST", "/v1/agent/survey-prompts", &Api::survey_prompt_create, K::agent, B::json, true, true, false},
      {"GET", "/v1/agent/devices", &Api::agent_devices_list, K::agent, B::none, false, false, false},
      {"GET", "/v1/agent/devices/{}", &Api::agent_device_get, K::agent, B::none, false, false, false},
      {"GET", "/v1/agent/devices/{}/diagnostics", &Api::agent_device_diagnostics, K::agent, B::none, false,
       false, false},
      {"GET", "/v1/agent/devices/{}/timeline", &Api::agent_device_timeline, K::agent, B::none, false, false,
       false},
      {"GET", "/v1/agent/rules", &Api::rules_list, K::agent, B::none, false, false, false},
      {"POST", "/v1/agent/rules", &Api::rule_create, K::agent, B::json, true, true, false},
      {"GET", "/v1/agent/rules/{}", &Api::rule_get, K::agent, B::none, false, false, false},
      {"PATCH", "/v1/agent/rules/{}", &Api::rule_patch, K::agent, B::json, true, true, false},
      {"DELETE", "/v1/agent/rules/{}", &Api::rule_delete, K::agent, B::none, true, true, false},
      {"GET", "/v1/agent/device-rules", &Api::device_rules_get, K::agent, B::none, false, false, false},
      {"PUT", "/v1/agent/device-rules", &Api::device_rules_put, K::agent, B::json, true, true, false},
      {"GET", "/v1/agent/otlp", &Api::otlp_stats, K::agent, B::none, false, false, false},
      {"GET", "/v1/agent/principals/{}/export", &Api::agent_principal_export, K::agent, B::none, false, false,
       false},
      {"POST", "/v1/agent/principals/{}/erase", &Api::agent_principal_erase, K::agent, B::optional_json, true,
       false, false},
      {"GET", "/v1/agent/erasures", &Api::agent_erasures_list, K::agent, B::none, false, false, false},
  };
  ingest_.add_sink(&rules_);
  if (test_mode_) {
    routes_.push_back(
        {"GET", "/v1/_test/faults", &Api::test_faults_get, K::test, B::none, false, false, false});
    routes_.push_back(
        {"POST", "/v1/_test/faults", &Api::test_faults_post, K::test, B::json, false, false, false});
    routes_.push_back({"POST", "/v1/_test/pause", &Api::test_pause, K::test, B::json, false, false, false});
    routes_.push_back({"POST", "/v1/_test/limits", &Api::test_limits, K::test, B::json, false, false, false});
    routes_.push_back({"POST", "/v1/_test/token", &Api::test_token, K::test, B::json, false, false, false});
    routes_.push_back({"POST", "/v1/_test/clock", &Api::test_clock, K::test, B::json, false, false, false});
  }
  split_routes();
}

void Api::split_routes() {
  route_segments_.clear();
  for (const auto &r : routes_) {
    std::vector<std::string> segs;
    for (auto v : split_path(r.pattern)) segs.emplace_back(v);
    route_segments_.push_back(std::move(segs));
  }
}

void Api::stop() {
  ingest_.stop();
}

void Api::set_otlp(OtlpExporter *exporter) {
  otlp_ = exporter;
  if (exporter) ingest_.add_sink(exporter);
}

void Api::init() {
  auto tx = store_.read();
  for (const auto &a : config_.apps) notifier_.notify(a.first, tx->max_event_seq(a.first), {});
}

bool Api::faultable(const std::string &path) {
  return path != "/v1/health" && path.rfind("/v1/_test/", 0) != 0 && !is_console_path(path);
}

size_t Api::body_limit(const std::string &path, const std::string *app_key) const {
  const AppConfig *app = app_key ? config_.app(*app_key) : nullptr;
  const AppLimits &l = app ? app->limits : kDefaultLimits;
  if (path == "/v1/attachments" || path == "/v1/agent/attachments") return l.max_attachment_bytes;
  return l.max_body_bytes;
}

const Route *Api::match(const std::string &method, const std::string &path, std::vector<std::string> &params,
                        std::string *allow) const {
  auto segs = split_path(path);
  const Route *found = nullptr;
  for (size_t ri = 0; ri < routes_.size(); ++ri) {
    const Route &r = routes_[ri];
    const auto &psegs = route_segments_[ri];
    if (psegs.size() != segs.size()) continue;
    std::vector<std::string> ps;
    bool ok = true;
    for (size_t i = 0; i < segs.size() && ok; ++i) {
      if (psegs[i] == "{}") {
        if (segs[i].empty())
          ok = false;
        else
          ps.emplace_back(segs[i]);
      } else if (psegs[i] != segs[i]) {
        ok = false;
      }
    }
    if (!ok) continue;
    if (method == r.method || (method == "HEAD" && std::string(r.method) == "GET")) {
      if (!found) {
        found = &r;
        params = std::move(ps);
      }
    } else if (allow) {
      if (!allow->empty()) *allow += ", ";
      *allow += r.method;
    }
  }
  return found;
}

Reply Api::json(int status, std::string body) {
  Reply r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

std::string Api::error_body(const std::string &code, const std::string &message) {
  JsonOut j;
  j.obj().key("error").obj().kv("code", code).kv("message", message).end_obj().end_obj();
  return j.take();
}

HandleResult Api::handle(const HttpRequest &req) {
  HandleResult result;
  if (const std::string *a = req.header("x-helpline-app-key")) result.log_app = *a;
  if (const std::string *d = req.header("x-helpline-device-id")) result.log_device = *d;
  Reply reply;
  try {
    reply = dispatch(req, result);
  } catch (const ApiError &e) {
    reply = json(e.status(), error_body(e.code(), e.what()));
    if (e.retry_after() > 0) reply.headers.emplace_back("Retry-After", std::to_string(e.retry_after()));
  } catch (const std::exception &e) {
    std::fprintf(stderr, "helpline-server: internal error on %s %s: %s\n", req.method.c_str(),
                 req.path.c_str(), e.what());
    reply = json(500, error_body("internal", "internal server error"));
  }
  if (result.wait || result.deferred) return result;
  result.response.status = reply.status;
  result.response.body = std::move(reply.body);
  result.response.content_type = std::move(reply.content_type);
  result.response.headers = std::move(reply.headers);
  return result;
}

void Api::authenticate_device(const HttpRequest &req, const AppConfig *&app, Principal &p) {
  const std::string *key = req.header("x-helpline-app-key");
  if (!key || key->empty()) throw ApiError(401, "unauthenticated", "missing X-Helpline-App-Key");
  app = config_.app(*key);
  if (!app) throw ApiError(401, "invalid_app_key", "unknown app key");
  const std::string *dev = req.header("x-helpline-device-id");
  if (!dev || dev->empty()) throw ApiError(401, "unauthenticated", "missing X-Helpline-Device-Id");
  if (!valid_device_id(*dev)) throw bad_request("X-Helpline-Device-Id: must match [A-Za-z0-9._:-]{8,128}");
  p.device_id = *dev;
  const std::string *auth = req.header("authorization");
  if (!auth) {
    if (!app->settings.allow_anonymous)
      throw ApiError(401, "unauthenticated", "this app requires a signed-in user");
    p.owner = "device:" + p.device_id;
    return;
  }
  if (auth->compare(0, 7, "Bearer ") != 0 || auth->size() <= 7)
    throw ApiError(401, "unauthenticated", "Authorization must be 'Bearer <identity JWT>'");
  Identity id;
  JwtError err =
      verify_jwt(auth->substr(7), app->app_secret, now_ms() / 1000, app->settings.jwt_leeway_seconds, id);
  switch (err) {
    case JwtError::none:
      break;
    case JwtError::expired:
      throw ApiError(401, "token_expired", "identity token expired");
    case JwtError::bad_alg:
      throw ApiError(401, "invalid_token", "identity token must be signed with HS256");
    case JwtError::bad_signature:
      throw ApiError(401, "invalid_token", "identity token signature mismatch");
    case JwtError::missing_claim:
      throw ApiError(401, "invalid_token", "identity token lacks sub or exp");
    case JwtError::not_yet_valid:
      throw ApiError(401, "invalid_token", "identity token not valid yet (nbf)");
    case JwtError::malformed:
      throw ApiError(401, "invalid_token", "identity token is malformed");
  }
  p.owner = "user:" + id.sub;
  p.user = std::move(id);
}

void Api::authenticate_agent(const HttpRequest &req, const AppConfig *&app, AgentSession &s, bool write) {
  const std::string *auth = req.header("authorization");
  std::string token;
  if (auth) {
    if (auth->compare(0, 7, "Bearer ") != 0 || auth->size() <= 7)
      throw ApiError(401, "invalid_agent_token", "missing agent token");
    token = auth->substr(7);
  } else if (auto c = cookie(req, kSessionCookie); c && !c->empty()) {
    token = *c;
    s.via_cookie = true;
  } else {
    throw ApiError(401, "invalid_agent_token", "missing agent token");
  }
  s.token_hash = sha256_hex(token);
  auto tx = store_.read();
  auto sess = tx->find_agent_session(s.token_hash, now_ms());
  if (!sess) throw ApiError(401, "invalid_agent_token", "unknown or expired agent token");
  app = config_.app(sess->first);
  const std::string *key = req.header("x-helpline-app-key");
  if (!app || (key && *key != app->app_key))
    throw ApiError(401, "invalid_agent_token", "agent token does not belong to this app");
  auto agent = tx->find_agent(app->app_key, sess->second);
  if (!agent) throw ApiError(401, "invalid_agent_token", "agent no longer exists");
  s.agent = std::move(*agent);
  // A cookie rides along with any request the browser makes; a write must also prove it comes from the
  // console's own script, which alone can read the CSRF cookie (double submit, bound to the session).
  if (s.via_cookie && write) {
    const std::string *sent = req.header("x-csrf-token");
    if (!sent || !constant_time_equal(*sent, csrf_token_for(token)))
      throw ApiError(403, "csrf_failed", "missing or wrong X-CSRF-Token for this console session");
  }
}

void Api::maybe_purge() {
  int64_t now = now_ms();
  int64_t last = last_purge_.load();
  if (now - last < 3600 * 1000 || !last_purge_.compare_exchange_strong(last, now)) return;
  int64_t ttl_hours = 1;
  for (const auto &a : config_.apps)
    ttl_hours = std::max(ttl_hours, a.second->settings.idempotency_ttl_hours);
  auto tx = store_.write();
  tx->purge_idempotency(now - ttl_hours * 3600 * 1000);
  tx->commit();
}

Reply Api::execute_write(Call &call, const Route &route, const std::string &idem_key,
                         const std::string &fingerprint) {
  // Routes that do not honour Idempotency-Key (erase, export) run again on a replayed key, unrecorded.
  if (!route.idempotent) return (this->*route.handler)(call);
  std::string scope = call.agent ? "agent:" + call.agent->agent.id : "device:" + call.device->device_id;
  if (!idem_key.empty()) {
    auto rec = call.tx->find_idempotency(call.app->app_key, scope, idem_key);
    if (rec) {
      if (rec->fingerprint != fingerprint)
        throw ApiError(409, "idempotency_conflict", "Idempotency-Key was used for a different request");
      Reply r = json(rec->status, rec->body);
      r.headers.emplace_back("Idempotent-Replayed", "true");
      return r;
    }
  }
  Reply r = (this->*route.handler)(call);
  if (!idem_key.empty() && r.status >= 200 && r.status < 300)
    call.tx->save_idempotency(call.app->app_key, scope, idem_key,
                              IdempotencyRecord{fingerprint, r.status, r.body}, now_ms());
  return r;
}

Reply Api::dispatch(const HttpRequest &req, HandleResult &result) {
  if (is_console_path(req.path)) return console_asset(req);
  std::vector<std::string> params;
  std::string allow;
  const Route *route = match(req.method, req.path, params, &allow);
  if (!route) {
    if (!allow.empty()) {
      Reply r = json(405, error_body("method_not_allowed", req.method + " is not allowed here"));
      r.headers.emplace_back("Allow", allow);
      return r;
    }
    throw ApiError(404, "not_found", "no such endpoint: " + req.path);
  }

  // Body: size cap, encoding, content type (before authentication, as documented).
  std::string decoded;
  const std::string *raw = &req.body;
  const std::string *app_key = req.header("x-helpline-app-key");
  size_t cap = body_limit(req.path, app_key);
  if (route->body != BodyKind::none) {
    if (req.body.size() > cap)
      throw ApiError(413, "payload_too_large", "body exceeds " + std::to_string(cap) + " bytes");
    const std::string *enc = req.header("content-encoding");
    if (enc && !enc->empty() && *enc != "identity") {
      if (*enc != "gzip")
        throw ApiError(415, "unsupported_encoding", "Content-Encoding must be gzip or identity");
      switch (gunzip(req.body, cap, decoded)) {
        case GunzipResult::ok:
          break;
        case GunzipResult::too_large:
          throw ApiError(413, "payload_too_large",
                         "decompressed body exceeds " + std::to_string(cap) + " bytes");
        case GunzipResult::corrupt:
          throw ApiError(400, "malformed_body", "gzip body cannot be decoded");
      }
      raw = &decoded;
    }
    bool json_body = route->body == BodyKind::json || route->body == BodyKind::optional_json;
    if (json_body && !(route->body == BodyKind::optional_json && raw->empty()) &&
        !is_json_type(req.header("content-type")))
      throw ApiError(415, "unsupported_media_type", "Content-Type must be application/json");
  }

  Call call;
  call.http = &req;
  call.method = req.method;
  call.path = req.path;
  call.query = &req.query;
  call.params = std::move(params);
  call.raw_body = raw;

  Principal principal;
  AgentSession agent;
  const AppConfig *app = nullptr;
  switch (route->kind) {
    case RouteKind::open:
    case RouteKind::test:
      break;
    case RouteKind::device: {
      authenticate_device(req, app, principal);
      call.device = &principal;
      int wait =
          limiter_.acquire(app->app_key, principal.device_id, app->limits.device_requests_per_second.load(),
                           app->limits.device_burst.load());
      if (wait > 0) throw ApiError(429, "rate_limited", "too many requests from this device", wait);
      break;
    }
    case RouteKind::agent:
      authenticate_agent(req, app, agent, route->write);
      call.agent = &agent;
      break;
    case RouteKind::agent_login:
      if (!app_key || app_key->empty()) throw ApiError(401, "unauthenticated", "missing X-Helpline-App-Key");
      app = config_.app(*app_key);
      if (!app) throw ApiError(401, "invalid_app_key", "unknown app key");
      break;
  }
  call.app = app;

  rapidjson::Document doc;
  if (route->body == BodyKind::json || route->body == BodyKind::optional_json) {
    if (raw->empty() && route->body == BodyKind::optional_json)
      doc.SetObject();
    else if (raw->empty())
      throw ApiError(400, "malformed_json", "a JSON object body is required");
    else
      parse_json_object(*raw, doc);
  } else {
    doc.SetObject();
  }
  call.body = &doc;

  // An export is a read that also writes its audit row (section 20): it runs in a write transaction, but
  // needs no CSRF token (authenticated above as a read).
  bool audited_read = route->handler == &Api::me_export || route->handler == &Api::agent_principal_export;
  if (!route->write && !audited_read) {
    // Sync opens its own read transaction only when the notifier says there may be something new.
    if (route->kind == RouteKind::open || route->kind == RouteKind::test || route->handler == &Api::sync) {
      Reply r = (this->*route->handler)(call);
      if (call.wait) result.wait = std::move(call.wait);
      return r;
    }
    if (route->handler == &Api::diagnostics_batch) {  // inserts happen on the ingest thread
      Reply r = (this->*route->handler)(call);
      result.deferred = std::move(call.deferred);
      return r;
    }
    auto tx = store_.read();
    call.tx = tx.get();
    Reply r = (this->*route->handler)(call);
    if (call.wait) result.wait = std::move(call.wait);
    return r;
  }

  std::string idem_key;
  if (route->idempotent) {
    if (const std::string *k = req.header("idempotency-key")) {
      if (!valid_idem_key(*k)) throw bad_request("Idempotency-Key: 1..255 printable ASCII characters");
      idem_key = *k;
    }
  }
  std::string fingerprint;
  if (!idem_key.empty()) {
    // Whitespace-insensitive for JSON (re-serialised), byte-exact for raw uploads.
    std::string basis =
        req.method + " " + req.target + "\n" + (route->body == BodyKind::raw ? *raw : to_json(doc));
    fingerprint = sha256_hex(basis);
  }
  maybe_purge();
  Reply r;
  int64_t seq = 0;
  {
    auto tx = store_.write();
    call.tx = tx.get();
    if (call.agent || call.device)
      r = execute_write(call, *route, idem_key, fingerprint);
    else
      r = (this->*route->handler)(call);
    tx->commit();
    seq = call.max_event_seq;
  }
  if (seq > 0) notifier_.notify(app->app_key, seq, call.wake);
  return r;
}

// ---- helpers shared by handlers

int64_t Api::emit(Call &c, EventRecord e) {
  e.created_at = now_ms();
  int64_t seq = c.tx->insert_event(c.app->app_key, e);
  c.max_event_seq = std::max(c.max_event_seq, seq);
  c.wake.push_back(WakeTarget{e.owner.value_or(std::string()), e.device_id.value_or(std::string()),
                              e.broadcast, e.origin_device.value_or(std::string())});
  return seq;
}

std::pair<int64_t, int> Api::page_params(Call &c, int max_limit, int default_limit) {
  int limit = default_limit;
  if (const std::string *l = c.query_param("limit")) {
    char *end = nullptr;
    long v = std::strtol(l->c_str(), &end, 10);
    if (l->empty() || *end || v < 1 || v > max_limit)
      throw bad_request("limit: must be an integer in 1.." + std::to_string(max_limit));
    limit = static_cast<int>(v);
  }
  int64_t cursor = 0;
  if (const std::string *cs = c.query_param("cursor")) {
    if (!cs->empty()) {
      char *end = nullptr;
      long long v = std::strtoll(cs->c_str(), &end, 10);
      if (*end || v < 0) throw ApiError(400, "invalid_cursor", "cursor was not produced by this server");
      cursor = v;
    }
  }
  return {cursor, limit};
}

Reply Api::health(Call &) {
  JsonOut j;
  j.obj().kv("status", "ok").kv("version", HELPLINE_SERVER_VERSION).kv("protocol", "v1").end_obj();
  return json(200, j.take());
}

}  // namespace helpline::server
