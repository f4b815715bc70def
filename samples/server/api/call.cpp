#include "api/call.hpp"

#include "api_error.hpp"
#include "ids.hpp"
#include "json_fields.hpp"

#include <cerrno>
#include <cstdlib>

namespace helpline::server {

const std::string *Call::query_param(const char *name) const {
  if (!query) return nullptr;
  for (const auto &q : *query)
    if (q.first == name) return &q.second;
  return nullptr;
}

Reply json(int status, std::string body) {
  Reply r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Reply no_content() {
  Reply r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

std::string error_body(const std::string &code, const std::string &message) {
  JsonOut j;
  j.begin_object()
      .key("error")
      .begin_object()
      .field("code", code)
      .field("message", valid_utf8(message))  // messages may quote a path or method as sent
      .end_object()
      .end_object();
  return j.take();
}

std::optional<int64_t> ms_param(const Call &c, const char *name) {
  const std::string *v = c.query_param(name);
  if (!v || v->empty()) return std::nullopt;
  char *end = nullptr;
  errno = 0;
  long long n = std::strtoll(v->c_str(), &end, 10);
  if (*end || errno == ERANGE || n < 0 || n > kMaxTimeMs)
    throw bad_request(std::string(name) + ": must be an integer in 0.." + std::to_string(kMaxTimeMs) +
                      " (ms)");
  return n;
}

int limit_param(Call &c, int max_limit, int default_limit) {
  const std::string *l = c.query_param("limit");
  if (!l) return default_limit;
  char *end = nullptr;
  long v = std::strtol(l->c_str(), &end, 10);
  if (l->empty() || *end || v < 1 || v > max_limit)
    throw bad_request("limit: must be an integer in 1.." + std::to_string(max_limit));
  return static_cast<int>(v);
}

int64_t cursor_param(Call &c) {
  const std::string *cs = c.query_param("cursor");
  if (!cs || cs->empty()) return 0;
  char *end = nullptr;
  long long v = std::strtoll(cs->c_str(), &end, 10);
  if (*end || v < 0) throw ApiError(400, "invalid_cursor", "cursor was not produced by this server");
  return v;
}

std::pair<int64_t, int> page_params(Call &c, int max_limit, int default_limit) {
  int limit = limit_param(c, max_limit, default_limit);
  return {cursor_param(c), limit};
}

int64_t emit(Call &c, EventRecord e) {
  e.created_at = now_ms();
  int64_t seq = c.tx->events().insert(c.app->app_key, e);
  c.max_event_seq = std::max(c.max_event_seq, seq);
  c.wake.push_back(WakeTarget{e.owner.value_or(std::string()), e.device_id.value_or(std::string()),
                              e.broadcast, e.origin_device.value_or(std::string())});
  return seq;
}

std::optional<std::string> owner_device(const std::string &owner) {
  if (owner.rfind("device:", 0) == 0) return owner.substr(7);
  return std::nullopt;
}

void require_admin(const Call &c) {
  if (c.agent->agent.role != "admin") throw ApiError(403, "forbidden", "admin role required");
}

}  // namespace helpline::server
