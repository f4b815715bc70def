// One logical call as handlers see it (a single HTTP request or one item of a batch), the reply they give,
// and the few helpers every handler uses.
#pragma once
#include "change_notifier.hpp"
#include "config.hpp"
#include "http_types.hpp"
#include "jwt.hpp"
#include "store/store.hpp"

#include <rapidjson/document.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace helpline::server {

struct Principal {
  std::string device_id;
  std::string owner;  // "user:<sub>" | "device:<id>"
  std::optional<Identity> user;
};

struct AgentSession {
  AgentRecord agent;
  std::string token_hash;
  bool via_cookie = false;  // console session (cookie) rather than a bearer token
};

struct Reply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
};

struct Call {
  const HttpRequest *http = nullptr;
  std::string method;
  std::string path;
  const std::vector<std::pair<std::string, std::string>> *query = nullptr;
  std::vector<std::string> params;
  const rapidjson::Value *body = nullptr;  // JSON object (empty object when no body)
  const std::string *raw_body = nullptr;   // decompressed bytes
  const AppConfig *app = nullptr;
  const Principal *device = nullptr;
  const AgentSession *agent = nullptr;
  StoreTx *tx = nullptr;
  int64_t max_event_seq = 0;
  std::vector<WakeTarget> wake;  // whom the emitted sync items are for (long-poll wake-ups after commit)
  std::shared_ptr<LongPoll> wait;
  Deferred deferred;

  const std::string *query_param(const char *name) const;
};

// A JSON reply.
Reply json(int status, std::string body);
// 204, no body and no content type.
Reply no_content();
// {"error": {"code", "message"}}
std::string error_body(const std::string &code, const std::string &message);

// ?limit= in 1..max_limit (default_limit when absent); 400 otherwise.
int limit_param(Call &c, int max_limit, int default_limit);
// A time in Unix ms from the query (`from`, `to`, `bucket`): an integer in 0..kMaxTimeMs (the end of year
// 9999), so that sums and differences of such times never overflow; 400 otherwise. nullopt when absent.
inline constexpr int64_t kMaxTimeMs = 253402300799999;
std::optional<int64_t> ms_param(const Call &c, const char *name);
// ?cursor= as this server produced it (0 when absent or empty); 400 invalid_cursor otherwise.
int64_t cursor_param(Call &c);
// ?cursor=&limit= of a keyset page: (cursor, limit).
std::pair<int64_t, int> page_params(Call &c, int max_limit, int default_limit);

// Appends a sync item in the call's transaction and notes whom it is for (long-poll wake-ups after commit).
int64_t emit(Call &c, EventRecord e);

// The device id of a "device:<id>" owner; nullopt for a user.
std::optional<std::string> owner_device(const std::string &owner);

// 403 unless the calling agent is an admin.
void require_admin(const Call &c);

}  // namespace helpline::server
