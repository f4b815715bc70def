// POST /v1/batch: many device writes in one request, each with its own idempotency key and result.
#include "api/batch.hpp"

#include "api/idempotency.hpp"
#include "api/render.hpp"
#include "api_error.hpp"
#include "json_fields.hpp"
#include "query_string.hpp"

#include <cstdio>

namespace helpline::server {

namespace {

void write_error(JsonOut &j, const std::optional<std::string> &key, int status, const std::string &code,
                 const std::string &message) {
  j.begin_object()
      .opt_field("idempotency_key", key)
      .field("status", status)
      .field("outcome", "error")
      .field("retryable", status >= 500);
  j.key("error").begin_object().field("code", code).field("message", message).end_object().end_object();
}

}  // namespace

BatchHandlers::BatchHandlers(const Router &router) : router_(router) {}

void BatchHandlers::add_routes(Router &r) {
  r.add({"POST", wire::path::kBatch, handler(this, &BatchHandlers::batch), RouteKind::device, BodyKind::json,
         true, false, false});
}

Reply BatchHandlers::batch(Call &c) {
  const JsonValue *items = field(*c.body, "items");
  if (!items || !items->IsArray() || items->Empty()) throw bad_request("items: must be a non-empty array");
  if (items->Size() > c.app->limits.max_batch_items)
    throw ApiError(413, "payload_too_large",
                   "at most " + std::to_string(c.app->limits.max_batch_items) + " items per batch");
  rapidjson::Document empty;
  empty.SetObject();
  JsonOut j;
  j.begin_object().key("results").begin_array();
  for (const auto &item : items->GetArray()) {
    std::optional<std::string> key;
    try {
      if (!item.IsObject()) throw bad_request("item: must be an object");
      key = req_string(item, "idempotency_key", 1, wire::limit::kIdempotencyKeyBytes);
      if (!wire::valid_idempotency_key(key->data(), key->size()))
        throw bad_request("idempotency_key: 1..255 printable ASCII characters");
      std::string method = req_string(item, "method", 1, 8);
      std::string target = req_string(item, "path", 1, wire::limit::kBatchPathBytes);
      const JsonValue *body = field(item, "body");
      if (body && !body->IsObject()) throw bad_request("body: must be an object");
      if (!body) body = &empty;
      size_t qpos = target.find('?');
      std::string path = target.substr(0, qpos);
      QueryParams query = qpos == std::string::npos ? QueryParams{} : parse_query(target.substr(qpos + 1));
      std::vector<std::string> params;
      const Route *route = router_.match(method, path, params, nullptr);
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
      std::string fingerprint = request_fingerprint(method, target, to_json(*body));
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
      j.begin_object()
          .field("idempotency_key", *key)
          .field("status", r.status)
          .field("outcome", replayed ? "duplicate" : "ok");
      j.key("body").raw_or_null(r.body.empty() ? std::string("{}") : r.body).end_object();
    } catch (const ApiError &e) {
      write_error(j, key, e.status(), e.code(), e.what());
    } catch (const std::exception &e) {
      std::fprintf(stderr, "helpline-server: batch item failed: %s\n", e.what());
      write_error(j, key, 500, "internal", "internal server error");
    }
  }
  j.end_array().end_object();
  return json(200, j.take());
}

}  // namespace helpline::server
