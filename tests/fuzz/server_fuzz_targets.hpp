// The helpline-server fuzz entry point, shared by the libFuzzer binary (HELPLINE_FUZZ=ON, clang:
// helpline_server_api_fuzz) and the deterministic replay driver that always runs in ctest
// (unit_server_fuzz_replay). It drives the server's request handling below the HTTP parser: Api::handle with
// routing, authentication (app key, device id, identity JWT, agent bearer token, console cookie + CSRF),
// body decoding (size caps, gzip, content type, JSON), idempotency, every handler and /v1/batch items, over a
// real SQLite store in a temporary directory (recreated every kResetEvery inputs so it stays small).
//
// Input format (docs for writing seeds by hand; see corpus/server/):
//   byte 0  method: bit 3 clear = the route's own method; set = kMethods[low 3 bits] (7 = line 3)
//   byte 1  target: 0xFF = line 1 is the whole raw target (path?query); 0xFE = "/console/" + line 1;
//           else route (byte % number of routes, in the router's order) with "{}" replaced by line 1
//   byte 2  bits 0-1 app key (main, strict, absent, line 3); bits 2-3 device id (A, B, absent, line 3);
//           bits 4-6 Authorization (none, JWT ann, JWT bob, expired JWT, admin agent token, agent token,
//           admin console cookie, line 3); bit 7 Content-Type: application/json
//   byte 3  bits 0-1 Idempotency-Key (none, "idem-1", "idem-2", line 3); bit 2 gzip the body;
//           bit 3 Content-Type = line 3 (when byte 2 bit 7 is clear); bit 4 X-CSRF-Token of the cookie
//           session; bit 5 If-None-Match = line 3; bit 6 (with bit 2) Content-Encoding = line 3, body as is;
//           bit 7 Cookie = line 3
//   then lines: 1 path parameter (or raw target), 2 query string (none when empty), 3 a fuzzed header
//   value, and everything after the third '\n' is the body.
//
// Invariants (a violation aborts, so libFuzzer and the replay report the input): the status is 100..599;
// no 5xx (no "internal" error: an exception or SQL error escaping a handler), not in a /v1/batch item result
// either; every application/json body parses; every 4xx has {"error": {"code", "message"}}; 204/304 have no
// body; 405 has Allow, 429 has Retry-After; /v1/batch and /v1/diagnostics/batch answer one result per item;
// no file outside the console directory is served; every JSON response is valid UTF-8 (with
// HELPLINE_SERVER_FUZZ_LAX_UTF8=1 that is reported once per status and error code instead of aborting).
// HELPLINE_SERVER_FUZZ_TRACE=1 prints every request and its answer.
//
// Slow paths are fenced off so each input stays fast: agent login only for the fixture agents' emails (their
// password hashes use argon2id's minimum cost; an unknown email would pay the interactive cost), and no
// POST /v1/agent/agents that would reach password hashing.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <sodium.h>
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <future>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "api/api.hpp"
#include "api/console.hpp"
#include "change_notifier.hpp"
#include "config.hpp"
#include "crypto.hpp"
#include "fault_injector.hpp"
#include "gzip.hpp"
#include "http_types.hpp"
#include "ids.hpp"
#include "jwt.hpp"
#include "password.hpp"
#include "query_string.hpp"
#include "rate_limiter.hpp"
#include "store/sqlite/sqlite_store.hpp"

#ifndef HELPLINE_CONSOLE_SOURCE_DIR
#define HELPLINE_CONSOLE_SOURCE_DIR ""
#endif

namespace helpline_server_fuzz {

using namespace helpline::server;

inline constexpr const char *kAppKey = "pk_fuzz";
inline constexpr const char *kAppSecret = "fuzz-secret-0123456789abcdef";
inline constexpr const char *kStrictKey = "pk_strict";  // no anonymous access, small caps
inline constexpr const char *kStrictSecret = "strict-secret-0123456789abcdef";
inline constexpr const char *kDeviceA = "dev-fuzz-aaaa0001";
inline constexpr const char *kDeviceB = "dev-fuzz-bbbb0002";
inline constexpr const char *kAdminEmail = "admin@fuzz.example";
inline constexpr const char *kAgentEmail = "agent@fuzz.example";
inline constexpr const char *kAgentPassword = "fuzz-password";
inline constexpr const char *kAdminToken = "hla_fuzz_admin_token_0001";
inline constexpr const char *kAgentToken = "hla_fuzz_agent_token_0002";
inline constexpr const char *kStrictAdminToken = "hla_fuzz_strict_admin_0003";
inline constexpr long kResetEvery = 5000;  // inputs per store (HELPLINE_SERVER_FUZZ_RESET overrides)

[[noreturn]] inline void fail(const char *what, const HttpRequest &req, const HttpResponse *res) {
  std::fprintf(stderr, "\n*** server fuzz invariant: %s\n    %s %s\n", what, req.method.c_str(),
               req.target.c_str());
  for (const auto &h : req.headers) std::fprintf(stderr, "    %s: %s\n", h.first.c_str(), h.second.c_str());
  std::fprintf(stderr, "    body (%zu bytes): %.400s\n", req.body.size(), req.body.c_str());
  if (res)
    std::fprintf(stderr, "    -> %d %s (%zu bytes): %.800s\n", res->status, res->content_type.c_str(),
                 res->body.size(), res->body.c_str());
  std::abort();
}

inline std::string gzip_bytes(const std::string &in) {
  z_stream z{};
  if (deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) std::abort();
  std::string out(deflateBound(&z, static_cast<uLong>(in.size())) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef *>(&out[0]);
  z.avail_out = static_cast<uInt>(out.size());
  if (deflate(&z, Z_FINISH) != Z_STREAM_END) std::abort();
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// A password hash with argon2id's minimum cost: login verifies it in microseconds.
inline std::string cheap_hash(const std::string &password) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_MIN,
                            crypto_pwhash_MEMLIMIT_MIN, crypto_pwhash_ALG_ARGON2ID13) != 0)
    std::abort();
  return out;
}

// One server: config, store, notifier, limiter, faults and the Api, plus the fixtures the inputs refer to.
struct World {
  std::string dir;
  ServerConfig config;
  std::unique_ptr<SqliteStore> store;
  ChangeNotifier notifier;
  RateLimiter limiter;
  FaultInjector faults{FaultSettings{}};
  std::unique_ptr<Api> api;
  std::vector<const Route *> routes;
  std::string jwt_ann, jwt_bob, jwt_expired, jwt_strict;

  static void add_app(ServerConfig &c, const char *key, const char *secret, bool anonymous, bool small) {
    auto app = std::make_unique<AppConfig>();
    app->app_key = key;
    app->app_secret = secret;
    app->name = key;
    app->settings.allow_anonymous = anonymous;
    app->settings.faq_auto_answer = anonymous;   // the bot answer on new tickets, in the main app
    app->limits.device_requests_per_second = 0;  // rate limit off (the test route may turn it on)
    if (small) {
      app->limits.max_body_bytes = 2048;
      app->limits.max_attachment_bytes = 4096;
      app->limits.max_batch_items = 3;
      app->limits.max_diagnostics_batch_items = 3;
    }
    c.apps.emplace(key, std::move(app));
  }

  World() {
    char tmpl[] = "/tmp/helpline-server-fuzz-XXXXXX";
    if (!::mkdtemp(tmpl)) std::abort();
    dir = tmpl;
    password_init();
    add_app(config, kAppKey, kAppSecret, true, false);
    add_app(config, kStrictKey, kStrictSecret, false, true);
    store = std::make_unique<SqliteStore>(dir + "/server.db");
    int64_t now = now_ms();
    {
      auto tx = store->write();
      std::string hash = cheap_hash(kAgentPassword);
      tx->agents().insert(kAppKey, AgentRecord{"ag_fuzz_admin", kAdminEmail, "Admin", "admin", hash, now});
      tx->agents().insert(kAppKey, AgentRecord{"ag_fuzz_agent", kAgentEmail, "Agent", "agent", hash, now});
      tx->agents().insert(kStrictKey,
                          AgentRecord{"ag_fuzz_strict", kAdminEmail, "Strict", "admin", hash, now});
      tx->agents().insert(kStrictKey,
                          AgentRecord{"ag_fuzz_strict2", kAgentEmail, "Strict2", "agent", hash, now});
      tx->commit();
    }
    restore_sessions();
    int64_t exp = now / 1000 + 10 * 365 * 86400;
    jwt_ann = mint_jwt(kAppSecret, "ann", exp, std::string("Ann"), std::string("ann@example.com"));
    jwt_bob = mint_jwt(kAppSecret, "bob", exp, std::nullopt, std::nullopt);
    jwt_expired = mint_jwt(kAppSecret, "ann", now / 1000 - 3600, std::nullopt, std::nullopt);
    jwt_strict = mint_jwt(kStrictSecret, "sam", exp, std::string("Sam"), std::nullopt);
    api = std::make_unique<Api>(config, *store, notifier, limiter, faults, true);
    api->set_console_dir(HELPLINE_CONSOLE_SOURCE_DIR);
    api->init();
    for (const auto &r : api->router().routes()) routes.push_back(&r);
  }

  ~World() {
    api->stop();
    notifier.shutdown();
    api.reset();
    store.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }

  // (Re)creates the fixture agents' sessions (a fuzzed logout revokes them).
  void restore_sessions() {
    int64_t exp = now_ms() + int64_t{10} * 365 * 86400 * 1000;
    auto tx = store->write();
    const std::pair<const char *, std::pair<const char *, const char *>> sessions[] = {
        {kAdminToken, {kAppKey, "ag_fuzz_admin"}},
        {kAgentToken, {kAppKey, "ag_fuzz_agent"}},
        {kStrictAdminToken, {kStrictKey, "ag_fuzz_strict"}}};
    for (const auto &s : sessions) {
      std::string h = sha256_hex(s.first);
      if (!tx->agents().find_session(h, now_ms()))
        tx->agents().insert_session(h, s.second.first, s.second.second, exp);
    }
    tx->commit();
  }

  // What a fuzzed test route may have changed: the clock and the rate limits.
  void reset_globals() {
    if (frozen_clock()) set_frozen_clock(0);
    for (auto &a : config.apps) {
      a.second->limits.device_requests_per_second = 0;
      a.second->limits.device_burst = 60;
    }
  }
};

struct Decoded {
  HttpRequest req;
  bool skip = false;  // a slow path (password hashing, a fenced known finding) this harness does not run
};

inline std::string take_line(const std::string &s, size_t &pos) {
  if (pos >= s.size()) return std::string();
  size_t nl = s.find('\n', pos);
  if (nl == std::string::npos) nl = s.size();
  std::string out = s.substr(pos, nl - pos);
  pos = nl + 1;
  return out;
}

inline void split_target(const std::string &target, HttpRequest &req) {
  size_t q = target.find('?');
  req.path = url_decode(std::string_view(target).substr(0, q));
  if (q != std::string::npos) req.query = parse_query(std::string_view(target).substr(q + 1));
}

inline Decoded decode(World &w, const uint8_t *data, size_t size) {
  static const char *const kMethods[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"};
  uint8_t b[4] = {0, 0, 0, 0};
  for (size_t i = 0; i < 4 && i < size; ++i) b[i] = data[i];
  std::string rest(reinterpret_cast<const char *>(data) + std::min<size_t>(size, 4), size > 4 ? size - 4 : 0);
  size_t pos = 0;
  std::string param = take_line(rest, pos), query = take_line(rest, pos), fuzzed = take_line(rest, pos);
  std::string body = pos < rest.size() ? rest.substr(pos) : std::string();

  Decoded d;
  HttpRequest &req = d.req;
  const Route *route = nullptr;
  std::string target;
  if (b[1] == 0xFF) {
    target = param;
  } else if (b[1] == 0xFE) {
    target = "/console/" + param;
  } else {
    route = w.routes[b[1] % w.routes.size()];
    target = route->pattern;
    size_t at = target.find("{}");
    if (at != std::string::npos) target.replace(at, 2, param);
  }
  if (b[1] < 0xFE && !query.empty()) target += "?" + query;
  if (b[0] & 8)
    req.method = (b[0] & 7) == 7 ? fuzzed : kMethods[b[0] & 7];
  else
    req.method = route ? route->method : "GET";
  req.target = target;
  split_target(target, req);

  auto add = [&req](const char *name, std::string value) {
    req.headers.emplace_back(name, std::move(value));
  };
  add("host", "127.0.0.1:8787");
  switch (b[2] & 3) {
    case 0:
      add("x-helpline-app-key", kAppKey);
      break;
    case 1:
      add("x-helpline-app-key", kStrictKey);
      break;
    case 3:
      add("x-helpline-app-key", fuzzed);
      break;
  }
  switch ((b[2] >> 2) & 3) {
    case 0:
      add("x-helpline-device-id", kDeviceA);
      break;
    case 1:
      add("x-helpline-device-id", kDeviceB);
      break;
    case 3:
      add("x-helpline-device-id", fuzzed);
      break;
  }
  bool strict = (b[2] & 3) == 1;
  switch ((b[2] >> 4) & 7) {
    case 1:
      add("authorization", "Bearer " + (strict ? w.jwt_strict : w.jwt_ann));
      break;
    case 2:
      add("authorization", "Bearer " + w.jwt_bob);
      break;
    case 3:
      add("authorization", "Bearer " + w.jwt_expired);
      break;
    case 4:
      add("authorization", std::string("Bearer ") + (strict ? kStrictAdminToken : kAdminToken));
      break;
    case 5:
      add("authorization", std::string("Bearer ") + kAgentToken);
      break;
    case 6:
      add("cookie", std::string(kSessionCookie) + "=" + kAdminToken);
      break;
    case 7:
      add("authorization", fuzzed);
      break;
  }
  if (b[2] & 0x80)
    add("content-type", "application/json");
  else if (b[3] & 8)
    add("content-type", fuzzed);
  switch (b[3] & 3) {
    case 1:
      add("idempotency-key", "idem-1");
      break;
    case 2:
      add("idempotency-key", "idem-2");
      break;
    case 3:
      add("idempotency-key", fuzzed);
      break;
  }
  if (b[3] & 0x10) add("x-csrf-token", csrf_token_for(kAdminToken));
  if (b[3] & 0x20) add("if-none-match", fuzzed);
  if (b[3] & 0x80) add("cookie", fuzzed);

  // The password-hashing paths: login only for the fixture agents, agent creation only until validation.
  std::vector<std::string> params;
  const Route *matched = w.api->router().match(req.method, req.path, params, nullptr);
  if (matched && std::strcmp(matched->method, "POST") == 0 &&
      (matched->pattern == "/v1/agent/login" || matched->pattern == "/v1/agent/agents")) {
    rapidjson::Document doc;
    doc.Parse(body.data(), body.size());
    if (doc.IsObject()) {
      auto email = doc.FindMember("email");
      auto password = doc.FindMember("password");
      bool known = email != doc.MemberEnd() && email->value.IsString() &&
                   (std::string(email->value.GetString(), email->value.GetStringLength()) == kAdminEmail ||
                    std::string(email->value.GetString(), email->value.GetStringLength()) == kAgentEmail);
      bool hashes = password != doc.MemberEnd() && password->value.IsString() &&
                    password->value.GetStringLength() >= (matched->pattern == "/v1/agent/login" ? 1 : 8);
      if (email != doc.MemberEnd() && email->value.IsString() && hashes && !known) d.skip = true;
    }
  }

  if ((b[3] & 4) && (b[3] & 0x40)) {
    add("content-encoding", fuzzed);
    req.body = std::move(body);
  } else if (b[3] & 4) {
    add("content-encoding", "gzip");
    req.body = gzip_bytes(body);
  } else {
    req.body = std::move(body);
  }
  return d;
}

inline const rapidjson::Value *member(const rapidjson::Value &v, const char *name) {
  if (!v.IsObject()) return nullptr;
  auto it = v.FindMember(name);
  return it == v.MemberEnd() ? nullptr : &it->value;
}

inline bool has_header(const HttpResponse &r, const char *name) {
  for (const auto &h : r.headers)
    if (h.first == name) return true;
  return false;
}

inline void soft_finding(const std::string &what, const HttpRequest &req, const HttpResponse &res) {
  static std::mutex m;
  static std::set<std::string> seen;
  std::lock_guard<std::mutex> lock(m);
  if (!seen.insert(what).second) return;
  std::fprintf(stderr, "server fuzz soft finding: %s\n    %s %s -> %d: %.300s\n", what.c_str(),
               req.method.c_str(), req.target.c_str(), res.status, res.body.c_str());
}

inline void check(const HttpRequest &req, const HttpResponse &res) {
  if (res.status < 100 || res.status > 599) fail("status outside 100..599", req, &res);
  if (res.status == 200 && is_console_path(req.path) && res.body.find("root:x:0:0") != std::string::npos)
    fail("a file outside the console was served", req, &res);
  if ((res.status == 204 || res.status == 304) && !res.body.empty()) fail("204/304 with a body", req, &res);
  if (res.status == 405 && !has_header(res, "Allow")) fail("405 without Allow", req, &res);
  if (res.status == 429 && !has_header(res, "Retry-After")) fail("429 without Retry-After", req, &res);
  bool json_type = res.content_type.rfind("application/json", 0) == 0;
  if (res.status >= 400 && !json_type) fail("error without a JSON body", req, &res);
  if (!json_type || res.body.empty()) {
    if (res.status >= 500) fail("5xx", req, &res);
    return;
  }
  rapidjson::Document doc;
  doc.Parse(res.body.data(), res.body.size());
  if (doc.HasParseError()) fail("application/json body does not parse", req, &res);
  rapidjson::Document strict;
  strict.Parse<rapidjson::kParseValidateEncodingFlag>(res.body.data(), res.body.size());
  if (strict.HasParseError()) {
    if (!std::getenv("HELPLINE_SERVER_FUZZ_LAX_UTF8")) fail("JSON response is not UTF-8", req, &res);
    const char *code = "";
    if (const auto *e = member(doc, "error"))
      if (const auto *c = member(*e, "code"))
        if (c->IsString()) code = c->GetString();
    soft_finding(std::string("JSON response is not valid UTF-8 (status ") + std::to_string(res.status) +
                     ", code " + code + ")",
                 req, res);
  }
  if (res.status >= 400) {
    const auto *e = member(doc, "error");
    const auto *code = e ? member(*e, "code") : nullptr;
    const auto *message = e ? member(*e, "message") : nullptr;
    if (!code || !code->IsString() || !message || !message->IsString())
      fail("error body without error.code/message", req, &res);
    if (res.status >= 500 && std::strcmp(code->GetString(), "injected_fault") != 0) fail("5xx", req, &res);
  }
  if (res.status != 200 || req.method != "POST") return;
  bool batch = req.path == "/v1/batch", diag = req.path == "/v1/diagnostics/batch";
  if (!batch && !diag) return;
  const auto *results = member(doc, "results");
  if (!results || !results->IsArray()) fail("batch answer without results", req, &res);
  for (const auto &r : results->GetArray()) {
    const auto *e = member(r, "error");
    const auto *code = e ? member(*e, "code") : nullptr;
    if (code && code->IsString() && std::strcmp(code->GetString(), "internal") == 0)
      fail("batch item failed with internal", req, &res);
  }
  // One result per item: compare with the request's items (decoded as the server did).
  std::string plain = req.body;
  const std::string *enc = req.header("content-encoding");
  if (enc && *enc == "gzip") {
    std::string out;
    if (gunzip(req.body, 64 << 20, out) != GunzipResult::ok) return;
    plain = std::move(out);
  }
  rapidjson::Document in;
  in.Parse(plain.data(), plain.size());
  const auto *items = member(in, "items");
  if (items && items->IsArray() && items->Size() != results->Size())
    fail("batch answer has not one result per item", req, &res);
}

// Runs a deferred or long-poll result to its response.
inline HttpResponse complete(HandleResult r, const HttpRequest &req) {
  for (int round = 0; round < 4; ++round) {
    if (r.deferred) {
      auto promise = std::make_shared<std::promise<HttpResponse>>();
      auto future = promise->get_future();
      auto called = std::make_shared<std::atomic<int>>(0);
      r.deferred([promise, called](HttpResponse res) {
        if (called->fetch_add(1) == 0) promise->set_value(std::move(res));
      });
      if (future.wait_for(std::chrono::seconds(30)) != std::future_status::ready)
        fail("deferred response never completed", req, nullptr);
      return future.get();
    }
    if (!r.wait) return r.response;
    if (!r.wait->retry) fail("long-poll without retry", req, nullptr);
    r = r.wait->retry(true);
  }
  fail("long-poll still waiting after retry(true)", req, nullptr);
}

inline std::unique_ptr<World> &world_slot() {
  static std::unique_ptr<World> w;
  return w;
}

inline long reset_every() {
  static long n = [] {
    const char *e = std::getenv("HELPLINE_SERVER_FUZZ_RESET");
    long v = e ? std::atol(e) : kResetEvery;
    return v > 0 ? v : kResetEvery;
  }();
  return n;
}

inline HttpResponse run_request(World &w, const HttpRequest &req) {
  HttpResponse res = complete(w.api->handle(req), req);
  check(req, res);
  return res;
}

// The fixtures every input may refer to (ids in the corpus): tickets of device A (anonymous) and of user ann,
// an attachment, an FAQ section and article, a notice, a server rule, an agent reply and a diagnostic.
inline void add_fixtures(World &w) {
  struct Step {
    const char *method, *target;
    int auth;  // 0 anonymous device A, 1 JWT ann on device B, 2 admin agent
    const char *body;
  };
  const Step steps[] = {
      {"PUT", "/v1/device", 0,
       R"({"model":"X100","os":"linux","os_version":"6.1","firmware_version":"2.3.1","app_version":"1.4.0",)"
       R"("locale":"en-US","attributes":{"region":"eu","beta":"true"}})"},
      {"POST", "/v1/tickets", 0,
       R"({"id":"tkt-fixture-1","subject":"Printer jam","body":"It jams","fields":{"order":"A-17"},)"
       R"("device":{"model":"X100","app_version":"1.4.0"}})"},
      {"POST", "/v1/tickets", 1, R"({"id":"tkt-ann-1","subject":"Wifi drops","body":"Every hour"})"},
      {"POST", "/v1/attachments?id=att-fixture-1&filename=log.txt", 0, "log line 1\n"},
      {"POST", "/v1/agent/faq/sections", 2, R"({"id":"sec-fixture-1","locale":"en","title":"General"})"},
      {"POST", "/v1/agent/faq/articles", 2,
       R"({"id":"art-fixture-1","section_id":"sec-fixture-1","locale":"en","title":"Reset the wifi",)"
       R"("body":"Hold the button for ten seconds","tags":["wifi","reset"]})"},
      {"POST", "/v1/agent/notices", 2,
       R"({"id":"ntc-fixture-1","title":"Maintenance","body":"Tonight","severity":"warning",)"
       R"("target":{"model":"X100"},"faq_article_id":"art-fixture-1"})"},
      {"POST", "/v1/agent/rules", 2,
       R"({"id":"rul-fixture-1","name":"Disk almost full","match":{"kind":"metric","name":"heartbeat",)"
       R"("metric":"disk_free_pct","op":"<","value":5},"action":{"type":"ticket","subject":"Disk low on {model}",)"
       R"("body":"Only {value}% free."}})"},
      {"POST", "/v1/agent/tickets/tkt-fixture-1/messages", 2, R"({"body":"Have you tried turning it off?"})"},
      {"POST", "/v1/diagnostics/batch", 0,
       R"({"items":[{"idempotency_key":"d-fixture-1","kind":"event","name":"crash","ts":1700000000000,)"
       R"("level":"error","message":"segfault","attributes":{"thread":"main"},"ticket_id":"tkt-fixture-1"}]})"},
  };
  for (const Step &s : steps) {
    HttpRequest req;
    req.method = s.method;
    req.target = s.target;
    split_target(req.target, req);
    req.headers.emplace_back("host", "127.0.0.1:8787");
    req.headers.emplace_back("x-helpline-app-key", kAppKey);
    req.headers.emplace_back("content-type",
                             req.path == "/v1/attachments" ? "text/plain" : "application/json");
    if (s.auth == 2) {
      req.headers.emplace_back("authorization", std::string("Bearer ") + kAdminToken);
    } else {
      req.headers.emplace_back("x-helpline-device-id", s.auth == 0 ? kDeviceA : kDeviceB);
      if (s.auth == 1) req.headers.emplace_back("authorization", "Bearer " + w.jwt_ann);
    }
    req.body = s.body;
    HttpResponse res = run_request(w, req);
    if (res.status >= 300)
      std::fprintf(stderr, "server fuzz: fixture %s %s failed: %d %s\n", s.method, s.target, res.status,
                   res.body.c_str());
  }
}

inline World &world() {
  static long count = 0;
  auto &slot = world_slot();
  if (!slot || ++count % reset_every() == 0) {
    slot.reset();
    slot = std::make_unique<World>();
    add_fixtures(*slot);
  }
  return *slot;
}

// The entry point: one request through Api::handle.
inline int fuzz_server_request(const uint8_t *data, size_t size) {
  World &w = world();
  Decoded d = decode(w, data, size);
  static const bool trace = std::getenv("HELPLINE_SERVER_FUZZ_TRACE") != nullptr;
  if (d.skip) {
    if (trace)
      std::fprintf(stderr, "%s %s: skipped (slow path)\n", d.req.method.c_str(), d.req.target.c_str());
    return 0;
  }
  if (trace) std::fprintf(stderr, "> %s %s\n", d.req.method.c_str(), d.req.target.c_str());
  auto start = std::chrono::steady_clock::now();
  HttpResponse res = run_request(w, d.req);
  if (trace)
    std::fprintf(stderr, "%s %s -> %d %.160s [%lld us]\n", d.req.method.c_str(), d.req.target.c_str(),
                 res.status, res.body.c_str(),
                 static_cast<long long>(std::chrono::duration_cast<std::chrono::microseconds>(
                                            std::chrono::steady_clock::now() - start)
                                            .count()));
  w.reset_globals();
  if (d.req.path.find("logout") != std::string::npos) w.restore_sessions();
  return 0;
}

// Frees the store and its temporary directory (the replay calls it at exit).
inline void shutdown() {
  world_slot().reset();
}

}  // namespace helpline_server_fuzz
