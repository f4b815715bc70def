// POST /v1/batch: many device writes in one request, each with its own idempotency key and result.
#include "api/api.hpp"
#include "api/render.hpp"
#include "api_error.hpp"
#include "crypto.hpp"
#include "json_fields.hpp"
#include "json_out.hpp"

#include <cstdio>

namespace helpline::server {

namespace {

std::string url_decode(const std::string &s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else if (s[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> parse_query(const std::string &q) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t i = 0;
  while (i < q.size()) {
    size_t amp = q.find('&', i);
    if (amp == std::string::npos) amp = q.size();
    std::string part = q.substr(i, amp - i);
    size_t eq = part.find('=');
    if (!part.empty())
      out.emplace_back(url_decode(part.substr(0, eq)),
                       eq == std::string::npos ? "" : url_decode(part.substr(eq + 1)));
    i = amp + 1;
  }
  return out;
}

bool valid_key(const std::string &k) {
  if (k.empty() || k.size() > 255) return false;
  for (unsigned char ch : k)
    if (ch < 0x20 || ch > 0x7e) return false;
  return true;
}

void write_error(JsonOut &j, const std::optional<std::string> &key, int status, const std::string &code,
                 const std::string &message) {
  j.obj()
      .key("idempotency_key")
      .opt_str(key)
      .kv("status", status)
      .kv("outcome", "error")
      .kv("retryable", status >= 500);
  j.key("error").obj().kv("code", code).kv("message", message).end_obj().end_obj();
}

}  // namespace

Reply Api::batch(Call &c) {
  const JsonValue *items = field(*c.body, "items");
  if (!items || !items->IsArray() || items->Empty()) throw bad_request("items: must be a non-empty array");
  if (items->Size() > c.app->limits.max_batch_items)
    throw ApiError(413, "payload_too_large",
                   "at most " + std::to_string(c.app->limits.max_batch_items) + " items per batch");
  rapidjson::Document empty;
  empty.SetObject();
  JsonOut j;
  j.obj().key("results").arr();
  for (const auto &item : items->GetArray()) {
    std::optional<std::string> key;
    try {
      if (!item.IsObject()) throw bad_request("item: must be an object");
      key = req_string(item, "idempotency_key", 1, 255);
      if (!valid_key(*key)) throw bad_request("idempotency_key: 1..255 printable ASCII characters");
      std::string method = req_string(item, "method", 1, 8);
      std::string target = req_string(item, "path", 1, 2000);
      const JsonValue *body = field(item, "body");
      if (body && !body->IsObject()) throw bad_request("body: must be an object");
      if (!body) body = &empty;
      size_t qpos = target.find('?');
      std::string path = target.substr(0, qpos);
      auto query =
          qpos == std::string::npos ? decltype(parse_query("")){} : parse_query(target.substr(qpos + 1));
      std::vector<std::string> params;
      const Route *route = match(method, path, params, nullptr);
      if (!route || !route->batchable || !route->write)
        throw bad_request("path: " + method + " " + path + " cannot be used in a batch");

      Call sub;
      sub.http = c.http;
      sub.method = method;
      sub.path = path;
      sub.query = &query;
      sub.params = std::move(params);
      sub.body = body;
      sub.raw_body = nullptr;
      sub.app = c.app;
      sub.device = c.device;
      sub.tx = c.tx;
      std::string fingerprint = sha256_hex(method + " " + target + "\n" + to_json(*body));
      c.tx->savepoint();
      Reply r;
      try {
        r = execute_write(sub, *route, *key, fingerprint);
        c.tx->release_savepoint();
      } catch (...) {
        c.tx->rollback_savepoint();
        throw;
      }
      c.max_event_seq = std::max(c.max_event_seq, sub.max_event_seq);
      c.wake.insert(c.wake.end(), sub.wake.begin(), sub.wake.end());
      bool replayed = false;
      for (const auto &h : r.headers)
        if (h.first == "Idempotent-Replayed") replayed = true;
      j.obj().kv("idempotency_key", *key).kv("status", r.status).kv("outcome", replayed ? "duplicate" : "ok");
      j.key("body").raw(r.body.empty() ? std::string("{}") : r.body).end_obj();
    } catch (const ApiError &e) {
      write_error(j, key, e.status(), e.code(), e.what());
    } catch (const std::exception &e) {
      std::fprintf(stderr, "helpline-server: batch item failed: %s\n", e.what());
      write_error(j, key, 500, "internal", "internal server error");
    }
  }
  j.end_arr().end_obj();
  return json(200, j.take());
}

}  // namespace helpline::server
