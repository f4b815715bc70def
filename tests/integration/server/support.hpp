#pragma once
// Shared helpers for the server integration tests: a shared server per test program, device clients, JSON
// access. Tests follow docs/protocol.md (the contract), section numbers are cited in the test names'
// comments.

#include <rapidjson/document.h>
#include <rapidjson/pointer.h>
#include <boost/test/unit_test.hpp>

#include <unistd.h>
#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "helpline/testing.hpp"

namespace hlt = helpline::testing;

namespace support {

/// An app with small caps, for 413 tests (docs 16).
inline const std::string kCapsAppKey = "caps-app-key";
/// An app with allow_anonymous: false (docs 3.1).
inline const std::string kClosedAppKey = "closed-app-key";
inline const std::string kClosedAppSecret = "closed-app-secret-0123456789";

inline hlt::ServerConfig shared_config() {
  hlt::ServerConfig config;
  hlt::AppConfig caps{kCapsAppKey, "caps-app-secret-0123456789", "Caps App", {}, {}};
  caps.limits.device_requests_per_second = 0;
  caps.limits.max_body_bytes = 4096;
  caps.limits.max_attachment_bytes = 1024;
  caps.limits.max_batch_items = 3;
  caps.limits.max_diagnostics_batch_items = 5;
  config.apps.push_back(caps);
  hlt::AppConfig closed{kClosedAppKey, kClosedAppSecret, "Closed App", {}, {}};
  closed.limits.device_requests_per_second = 0;
  closed.settings.allow_anonymous = false;
  config.apps.push_back(closed);
  config.long_poll_max_seconds = 10;  // tests that need the clamp start their own server
  return config;
}

/// One server for the whole test program (tests isolate themselves with unique device ids and users).
inline hlt::ServerProcess &shared_server() {
  static hlt::ServerProcess server(shared_config());
  return server;
}

/// Milliseconds elapsed since `start`.
inline long long ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start)
      .count();
}

/// A process-unique id with `prefix` (valid as device id, user id, client id: [A-Za-z0-9_-]).
inline std::string unique(const std::string &prefix) {
  static std::atomic<int> counter{0};
  return prefix + std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

/// JSON string literal for `s`.
inline std::string q(const std::string &s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

/// The body as JSON; fails the test (with the response) when it is not.
inline rapidjson::Document json(const hlt::Response &r) {
  rapidjson::Document doc;
  doc.Parse(r.body.c_str(), r.body.size());
  BOOST_REQUIRE_MESSAGE(!doc.HasParseError(), "response is not JSON: " + r.describe());
  return doc;
}

/// Value at JSON pointer `ptr` ("/error/code"), or nullptr.
inline const rapidjson::Value *at(const rapidjson::Value &doc, const char *ptr) {
  return rapidjson::Pointer(ptr).Get(doc);
}

inline std::string str_at(const rapidjson::Value &doc, const char *ptr) {
  const auto *v = at(doc, ptr);
  return (v != nullptr && v->IsString()) ? v->GetString() : std::string("<missing>");
}

inline long long int_at(const rapidjson::Value &doc, const char *ptr) {
  const auto *v = at(doc, ptr);
  return (v != nullptr && v->IsInt64()) ? v->GetInt64() : -999999;
}

inline std::size_t size_at(const rapidjson::Value &doc, const char *ptr) {
  const auto *v = at(doc, ptr);
  return (v != nullptr && v->IsArray()) ? v->Size() : static_cast<std::size_t>(-1);
}

/// `error.code` of an error response ("<not an error>" otherwise).
inline std::string error_code(const hlt::Response &r) {
  rapidjson::Document doc;
  doc.Parse(r.body.c_str(), r.body.size());
  if (doc.HasParseError()) return "<not json: " + r.body.substr(0, 200) + ">";
  return str_at(doc, "/error/code");
}

/// Asserts status and error code (docs 2), printing the response on failure.
#define CHECK_ERROR(resp, want_status, want_code)                                         \
  do {                                                                                    \
    const hlt::Response &r_ = (resp);                                                     \
    BOOST_CHECK_MESSAGE(r_.status == (want_status),                                       \
                        "status: want " << (want_status) << ", got " << r_.describe());   \
    BOOST_CHECK_MESSAGE(support::error_code(r_) == (want_code),                           \
                        "error.code: want " << (want_code) << ", got " << r_.describe()); \
  } while (0)

#define CHECK_STATUS(resp, want_status)                                                 \
  do {                                                                                  \
    const hlt::Response &r_ = (resp);                                                   \
    BOOST_CHECK_MESSAGE(r_.status == (want_status),                                     \
                        "status: want " << (want_status) << ", got " << r_.describe()); \
  } while (0)

#define REQUIRE_STATUS(resp, want_status)                                                 \
  do {                                                                                    \
    const hlt::Response &r_ = (resp);                                                     \
    BOOST_REQUIRE_MESSAGE(r_.status == (want_status),                                     \
                          "status: want " << (want_status) << ", got " << r_.describe()); \
  } while (0)

/// A device talking to the server: app key and device id on every request, optionally a user's JWT.
struct Device {
  std::string app_key;
  std::string id;
  hlt::HttpClient http;

  explicit Device(const hlt::ServerProcess &server, std::string app = hlt::kAppKey,
                  std::string device_id = unique("dev-"))
      : app_key(std::move(app)), id(std::move(device_id)), http(server.base_url()) {
    http.set_default_header("X-Helpline-App-Key", app_key);
    http.set_default_header("X-Helpline-Device-Id", id);
  }
  /// Sign in as `sub` (a JWT minted with `secret`).
  void sign_in(const std::string &sub, const std::string &secret = hlt::kAppSecret) {
    http.set_default_header("Authorization", "Bearer " + hlt::mint_jwt(secret, hlt::identity_claims(sub)));
  }
  void sign_out() { http.clear_default_header("Authorization"); }

  hlt::Response create_ticket(const std::string &subject = "Printer jam", const std::string &body = "It jams",
                              const hlt::Headers &headers = {}) {
    return http.post("/v1/tickets", R"({"subject":)" + q(subject) + R"(,"body":)" + q(body) + "}", headers);
  }
  /// Creates a ticket and returns its id (requires 201).
  std::string new_ticket(const std::string &subject = "Printer jam") {
    const hlt::Response r = create_ticket(subject);
    REQUIRE_STATUS(r, 201);
    return str_at(json(r), "/id");
  }
  hlt::Response send_message(const std::string &ticket, const std::string &body,
                             const hlt::Headers &headers = {}) {
    return http.post("/v1/tickets/" + ticket + "/messages", R"({"body":)" + q(body) + "}", headers);
  }
  hlt::Response sync(const std::string &cursor = "", int wait = 0, long timeout_ms = 15000) {
    hlt::Request req;
    req.path = "/v1/sync?wait=" + std::to_string(wait) +
               (cursor.empty() ? "" : "&cursor=" + hlt::url_encode(cursor));
    req.timeout_ms = timeout_ms;
    return http.send(req);
  }
};

/// An agent logged in on the shared server's default app (created once per role per program).
inline const hlt::AgentAccount &shared_agent(const std::string &role = "agent") {
  static hlt::AgentAccount agent =
      hlt::create_and_login_agent(shared_server(), unique("agent") + "@example.com");
  static hlt::AgentAccount admin =
      hlt::create_and_login_agent(shared_server(), unique("admin") + "@example.com", "admin");
  return role == "admin" ? admin : agent;
}

/// An HttpClient with the agent's bearer token.
inline hlt::HttpClient agent_client(const hlt::AgentAccount &agent,
                                    const hlt::ServerProcess &server = shared_server()) {
  hlt::HttpClient http(server.base_url());
  http.set_default_header("Authorization", "Bearer " + agent.token);
  return http;
}

/// Items of a sync response with `type`.
inline std::vector<const rapidjson::Value *> items_of_type(const rapidjson::Document &doc,
                                                           const std::string &type) {
  std::vector<const rapidjson::Value *> out;
  const auto *items = at(doc, "/items");
  if (items == nullptr || !items->IsArray()) return out;
  for (const auto &item : items->GetArray()) {
    if (item.IsObject() && item.HasMember("type") && item["type"].IsString() &&
        type == item["type"].GetString()) {
      out.push_back(&item);
    }
  }
  return out;
}

/// Pointers into a temporary would dangle: keep the document in a variable.
std::vector<const rapidjson::Value *> items_of_type(rapidjson::Document &&doc,
                                                    const std::string &type) = delete;

/// Number of items of a sync response with `type`.
inline std::size_t count_of_type(const rapidjson::Document &doc, const std::string &type) {
  return items_of_type(doc, type).size();
}

/// Whether array at `ptr` holds an object whose "id" is `id` (or a string equal to `id`).
inline bool contains_id(const rapidjson::Value &doc, const char *ptr, const std::string &id) {
  const auto *arr = at(doc, ptr);
  if (arr == nullptr || !arr->IsArray()) return false;
  for (const auto &v : arr->GetArray()) {
    if (v.IsString() && id == v.GetString()) return true;
    if (v.IsObject() && v.HasMember("id") && v["id"].IsString() && id == v["id"].GetString()) return true;
  }
  return false;
}

}  // namespace support
