#pragma once
// A device talking to the server over the device API (docs/protocol.md 3): app key and device id on every
// request, optionally a user's JWT; and reading the items of a sync answer.

#include <rapidjson/document.h>

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "helpline/testing/checks.hpp"
#include "helpline/testing/http_client.hpp"
#include "helpline/testing/json.hpp"
#include "helpline/testing/jwt.hpp"
#include "helpline/testing/server_config.hpp"
#include "helpline/testing/server_process.hpp"
#include "helpline/testing/unique.hpp"
#include "protocol/wire.hpp"

namespace helpline::testing {

struct Device {
  std::string app_key;
  std::string id;
  HttpClient http;

  explicit Device(const ServerProcess &server, std::string app = kAppKey,
                  std::string device_id = unique("dev-"))
      : app_key(std::move(app)), id(std::move(device_id)), http(server.base_url()) {
    http.set_default_header("X-Helpline-App-Key", app_key);
    http.set_default_header("X-Helpline-Device-Id", id);
  }
  /// Sign in as `sub` (a JWT minted with `secret`).
  void sign_in(const std::string &sub, const std::string &secret = kAppSecret) {
    http.set_default_header("Authorization", "Bearer " + mint_jwt(secret, identity_claims(sub)));
  }
  void sign_out() { http.clear_default_header("Authorization"); }

  Response create_ticket(const std::string &subject = "Printer jam", const std::string &body = "It jams",
                         const Headers &headers = {}) {
    return http.post(wire::path::kTickets, R"({"subject":)" + q(subject) + R"(,"body":)" + q(body) + "}",
                     headers);
  }
  /// Creates a ticket and returns its id (requires 201).
  std::string new_ticket(const std::string &subject = "Printer jam") {
    const Response r = create_ticket(subject);
    REQUIRE_STATUS(r, 201);
    return str_at(json(r), "/id");
  }
  Response send_message(const std::string &ticket, const std::string &body, const Headers &headers = {}) {
    return http.post(wire::path::kTicketsPrefix + ticket + wire::path::kMessagesSuffix,
                     R"({"body":)" + q(body) + "}", headers);
  }
  Response sync(const std::string &cursor = "", int wait = 0, long timeout_ms = 15000) {
    Request req;
    req.path = std::string(wire::path::kSync) + "?wait=" + std::to_string(wait) +
               (cursor.empty() ? "" : "&cursor=" + url_encode(cursor));
    req.timeout_ms = timeout_ms;
    return http.send(req);
  }
};

/// One item of POST /v1/batch (docs/protocol.md 8): a request with its idempotency key.
inline std::string batch_item(const std::string &key, const std::string &method, const std::string &path,
                              const std::string &body = "{}") {
  return R"({"idempotency_key":)" + q(key) + R"(,"method":)" + q(method) + R"(,"path":)" + q(path) +
         R"(,"body":)" + body + "}";
}

/// How many tickets `dev` lists (first page of 100; requires 200).
inline std::size_t ticket_count(Device &dev) {
  const auto r = dev.http.get(std::string(wire::path::kTickets) + "?limit=100");
  BOOST_REQUIRE_EQUAL(r.status, 200);
  return size_at(json(r), "/items");
}

/// The cursor after everything `dev` has so far (follows has_more), so a test sees only what it causes.
inline std::string drained_cursor(Device &dev) {
  std::string cursor;
  for (int page = 0; page < 100; ++page) {
    const auto r = dev.sync(cursor);
    BOOST_REQUIRE_EQUAL(r.status, 200);
    const auto doc = json(r);
    cursor = str_at(doc, "/cursor");
    const auto *more = at(doc, "/has_more");
    if (more == nullptr || !more->IsTrue()) return cursor;
  }
  BOOST_FAIL("sync never reached has_more=false");
  return cursor;
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

}  // namespace helpline::testing
