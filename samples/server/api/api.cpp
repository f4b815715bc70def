#include "api/api.hpp"

#include "api/agent.hpp"
#include "api/agent_content.hpp"
#include "api/attachments.hpp"
#include "api/auth.hpp"
#include "api/batch.hpp"
#include "api/console.hpp"
#include "api/device.hpp"
#include "api/devices.hpp"
#include "api/diagnostics.hpp"
#include "api/faq.hpp"
#include "api/faq_synonyms.hpp"
#include "api/idempotency.hpp"
#include "api/me.hpp"
#include "api/metrics.hpp"
#include "api/privacy.hpp"
#include "api/rules.hpp"
#include "api/survey_prompts.hpp"
#include "api/sync.hpp"
#include "api/test_controls.hpp"
#include "api/tickets.hpp"
#include "api_error.hpp"
#include "client_address.hpp"
#include "gzip.hpp"
#include "ids.hpp"
#include "json_fields.hpp"
#include "otlp/otlp_exporter.hpp"

#include <cctype>
#include <cstdio>

namespace helpline::server {

namespace {

bool is_json_type(const std::string *ct) {
  if (!ct) return false;
  std::string v = ct->substr(0, ct->find(';'));
  while (!v.empty() && v.back() == ' ') v.pop_back();
  for (auto &c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return v == "application/json";
}

const AppLimits kDefaultLimits{};

}  // namespace

struct Api::Handlers {
  Handlers(ApiContext &ctx, const Router &router)
      : tickets(ctx),
        faq(ctx),
        diagnostics(ctx),
        sync(ctx),
        batch(router),
        agent(ctx),
        rules(ctx),
        test_controls(ctx),
        console(ctx) {}
  TicketHandlers tickets;
  DeviceHandlers device;
  MeHandlers me;
  AttachmentHandlers attachments;
  FaqHandlers faq;
  DiagnosticsHandlers diagnostics;
  SurveyPromptHandlers survey_prompts;
  SyncHandlers sync;
  BatchHandlers batch;
  PrivacyHandlers privacy;
  AgentHandlers agent;
  AgentContentHandlers agent_content;
  FaqSynonymHandlers faq_synonyms;
  MetricsHandlers metrics;
  DeviceViewHandlers devices;
  RuleHandlers rules;
  TestControlHandlers test_controls;
  ConsoleHandlers console;
};

Api::Api(ServerConfig &config, Store &store, ChangeNotifier &notifier, RateLimiter &limiter,
         FaultInjector &faults, bool test_mode)
    : faq_expansions_(config, store, notifier),
      rules_(store, notifier),
      ingest_(store),
      ctx_{config,          store,  notifier, limiter, faults,       faq_answers_,
           faq_expansions_, rules_, ingest_,  nullptr, std::string()},
      handlers_(std::make_unique<Handlers>(ctx_, router_)) {
  router_.add({"GET", wire::path::kHealth, handler(this, &Api::health), RouteKind::open, BodyKind::none,
               false, false, false});
  Handlers &h = *handlers_;
  // Device API, then agent API. Routes of one path keep their order (HEAD = GET, the Allow header).
  h.tickets.add_routes(router_);
  h.device.add_routes(router_);
  h.me.add_routes(router_);
  h.attachments.add_routes(router_);
  h.faq.add_routes(router_);
  h.diagnostics.add_routes(router_);
  h.survey_prompts.add_routes(router_);
  h.sync.add_routes(router_);
  h.batch.add_routes(router_);
  h.privacy.add_routes(router_);
  h.agent.add_routes(router_);
  h.agent_content.add_routes(router_);
  h.faq_synonyms.add_routes(router_);
  h.metrics.add_routes(router_);
  h.devices.add_routes(router_);
  h.rules.add_routes(router_);
  if (test_mode) h.test_controls.add_routes(router_);
  ingest_.add_sink(&rules_);
}

Api::~Api() = default;

void Api::stop() {
  handlers_->agent.stop();
  ingest_.stop();
}

void Api::set_otlp(OtlpExporter *exporter) {
  ctx_.otlp = exporter;
  if (exporter) ingest_.add_sink(exporter);
}

void Api::init() {
  faq_expansions_.open_wordnet();
  auto tx = ctx_.store.read();
  for (const auto &a : ctx_.config.apps) ctx_.notifier.notify(a.first, tx->events().max_seq(a.first), {});
}

bool Api::faultable(const std::string &path) {
  return path != wire::path::kHealth && path.rfind("/v1/_test/", 0) != 0 && !is_console_path(path);
}

bool Api::spools_body(const std::string &path) {
  return path == wire::path::kAttachments || path == "/v1/agent/attachments";
}

size_t Api::body_limit(const std::string &path, const std::string *app_key) const {
  const AppConfig *app = app_key ? ctx_.config.app(*app_key) : nullptr;
  const AppLimits &l = app ? app->limits : kDefaultLimits;
  if (spools_body(path)) return l.max_attachment_bytes;
  return l.max_body_bytes;
}

std::optional<HttpResponse> Api::precheck(const HttpRequest &head, std::optional<uint64_t> length) const {
  if (is_console_path(head.path)) return std::nullopt;
  auto refuse = [](int status, const char *code, const std::string &message) {
    HttpResponse r;
    r.status = status;
    r.body = error_body(code, message);
    return r;
  };
  // The documented order of checks (protocol.md section 2), as far as the head tells.
  std::vector<std::string> params;
  std::string allow;
  const Route *route = router_.match(head.method, head.path, params, &allow);
  if (!route) {
    if (allow.empty()) return refuse(404, "not_found", "no such endpoint: " + head.path);
    HttpResponse r = refuse(405, "method_not_allowed", head.method + " is not allowed here");
    r.headers.emplace_back("Allow", allow);
    return r;
  }
  const std::string *key = head.header("x-helpline-app-key");
  size_t cap = body_limit(head.path, key);
  if (length && *length > cap)
    return refuse(413, "payload_too_large", "body exceeds " + std::to_string(cap) + " bytes");
  if (route->body != BodyKind::none) {
    const std::string *enc = head.header("content-encoding");
    if (enc && !enc->empty() && *enc != "identity" && *enc != "gzip")
      return refuse(415, "unsupported_encoding", "Content-Encoding must be gzip or identity");
    if ((route->body == BodyKind::json || route->body == BodyKind::optional_json) &&
        !is_json_type(head.header("content-type")))
      return refuse(415, "unsupported_media_type", "Content-Type must be application/json");
  }
  switch (route->kind) {
    case RouteKind::device:
    case RouteKind::agent_login:
      if (!key || key->empty()) return refuse(401, "unauthenticated", "missing X-Helpline-App-Key");
      if (!ctx_.config.app(*key)) return refuse(401, "invalid_app_key", "unknown app key");
      break;
    case RouteKind::agent:
      if (!head.header("authorization") && !head.header("cookie"))
        return refuse(401, "invalid_agent_token", "missing agent token");
      if (key && !ctx_.config.app(*key))
        return refuse(401, "invalid_agent_token", "agent token does not belong to this app");
      break;
    case RouteKind::open:
    case RouteKind::test:
      break;
  }
  return std::nullopt;
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

void Api::maybe_purge() {
  int64_t now = now_ms();
  int64_t last = last_purge_.load();
  if (now - last < 3600 * 1000 || !last_purge_.compare_exchange_strong(last, now)) return;
  int64_t ttl_hours = 1;
  for (const auto &a : ctx_.config.apps)
    ttl_hours = std::max(ttl_hours, a.second->settings.idempotency_ttl_hours);
  auto tx = ctx_.store.write();
  tx->idempotency().purge(now - ttl_hours * 3600 * 1000);
  tx->commit();
}

Reply Api::dispatch(const HttpRequest &req, HandleResult &result) {
  if (is_console_path(req.path)) return handlers_->console.serve(req);
  std::vector<std::string> params;
  std::string allow;
  const Route *route = router_.match(req.method, req.path, params, &allow);
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
    uint64_t size = req.body_file ? req.body_file_size : req.body.size();
    if (size > cap)
      throw ApiError(413, "payload_too_large", "body exceeds " + std::to_string(cap) + " bytes");
    const std::string *enc = req.header("content-encoding");
    // A spooled body is never content-encoded (the transport keeps those in memory).
    if (!req.body_file && enc && !enc->empty() && *enc != "identity") {
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
    if (req.body_file && route->body != BodyKind::raw)
      throw ApiError(500, "internal", "a spooled body reached a JSON route");
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
      std::string claim;
      authenticate_device(ctx_.config, ctx_.store, req, app, principal, claim);
      call.device = &principal;
      double rate = app->limits.device_requests_per_second.load();
      double burst = app->limits.device_burst.load();
      int wait = ctx_.limiter.acquire(app->app_key, principal.device_id, rate, burst);
      if (wait > 0) throw ApiError(429, "rate_limited", "too many requests from this device", wait);
      // Fresh device ids do not buy fresh buckets: the client's address has one too.
      double address_rate = address_rate_ > 0 ? address_rate_ : 10 * rate;
      double address_burst = address_rate_ > 0 ? address_burst_ : 10 * burst;
      wait = ctx_.limiter.acquire_address(app->app_key, address_key(client_ip(ctx_.config, req)),
                                          address_rate, address_burst);
      if (wait > 0) throw ApiError(429, "rate_limited", "too many requests from this address", wait);
      if (!claim.empty()) claim_device(ctx_.store, app->app_key, principal.device_id, claim);
      break;
    }
    case RouteKind::agent:
      authenticate_agent(ctx_.config, ctx_.store, req, app, agent, route->write);
      call.agent = &agent;
      break;
    case RouteKind::agent_login:
      if (!app_key || app_key->empty()) throw ApiError(401, "unauthenticated", "missing X-Helpline-App-Key");
      app = ctx_.config.app(*app_key);
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

  // An audited read (an export, section 20) also writes its audit row: it runs in a write transaction, but
  // needs no CSRF token (authenticated above as a read).
  if (!route->write && route->tx != TxMode::audited) {
    if (route->kind == RouteKind::open || route->kind == RouteKind::test || route->tx == TxMode::own) {
      Reply r = route->handler(call);
      if (call.wait) result.wait = std::move(call.wait);              // a long-poll
      if (call.deferred) result.deferred = std::move(call.deferred);  // answered from another thread
      return r;
    }
    auto tx = ctx_.store.read();
    call.tx = tx.get();
    Reply r = route->handler(call);
    if (call.wait) result.wait = std::move(call.wait);
    return r;
  }

  std::string idem_key;
  if (route->idempotent) {
    if (const std::string *k = req.header("idempotency-key")) {
      if (!wire::valid_idempotency_key(k->data(), k->size()))
        throw bad_request("Idempotency-Key: 1..255 printable ASCII characters");
      idem_key = *k;
    }
  }
  std::string fingerprint;
  if (!idem_key.empty()) {
    // Whitespace-insensitive for JSON (re-serialised), byte-exact for raw uploads.
    // Raw bodies by their digest (an upload may be spooled to disk, never whole in memory).
    fingerprint = request_fingerprint(
        req.method, req.target,
        route->body == BodyKind::raw ? "sha256:" + body_sha256_hex(req, *raw) : to_json(doc));
  }
  maybe_purge();
  Reply r;
  int64_t seq = 0;
  {
    auto tx = ctx_.store.write();
    call.tx = tx.get();
    // Checked again in the write transaction, once per request (a batch's items share it): an erasure that
    // committed after the request was authenticated has retired its device id, and nothing may land under it.
    if (call.device) refuse_retired(*tx, app->app_key, call.device->device_id);
    if (call.agent || call.device)
      r = execute_write(call, *route, idem_key, fingerprint);
    else
      r = route->handler(call);
    tx->commit();
    seq = call.max_event_seq;
  }
  if (seq > 0) ctx_.notifier.notify(app->app_key, seq, call.wake);
  return r;
}

Reply Api::health(Call &) {
  JsonOut j;
  j.begin_object()
      .field("status", "ok")
      .field("version", HELPLINE_SERVER_VERSION)
      .field("protocol", "v1")
      .end_object();
  return json(200, j.take());
}

}  // namespace helpline::server
