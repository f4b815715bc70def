// Transport-neutral request/response types: the API layer sees these, never Beast.
#pragma once
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace helpline::server {

struct HttpRequest {
  std::string method;                                        // "GET", "POST", ...
  std::string target;                                        // path + query as received
  std::string path;                                          // decoded path without query
  std::vector<std::pair<std::string, std::string>> query;    // decoded
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::string body;                                          // raw bytes as received (possibly gzip)
  // Set instead of `body` for an upload the transport spooled to disk (Api::spools_body): an unlinked
  // temporary file holding `body_file_size` bytes. Read it with pread-like access from offset 0 (fseek).
  std::shared_ptr<std::FILE> body_file;
  uint64_t body_file_size = 0;
  std::string remote;  // "ip:port" of the peer
  std::string request_id;

  const std::string *header(const char *lower_name) const {
    for (const auto &h : headers)
      if (h.first == lower_name) return &h.second;
    return nullptr;
  }
  const std::string *query_param(const char *name) const {
    for (const auto &q : query)
      if (q.first == name) return &q.second;
    return nullptr;
  }
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  bool close = false;
};

struct HandleResult;

// A long-poll that found nothing: the transport waits until the notifier reports a change newer than
// `seen_seq` for `app_key` or `deadline` passes, then calls `retry(final)`.
struct LongPoll {
  std::string app_key;
  std::string owner;  // whose items would end the wait
  std::string device_id;
  int64_t seen_seq = 0;
  std::chrono::steady_clock::time_point deadline;
  std::function<HandleResult(bool final)> retry;
};

// A response produced later on another thread: the transport calls `start(complete)`, and `complete`
// (callable from any thread, exactly once) delivers the response.
using Deferred = std::function<void(std::function<void(HttpResponse)> complete)>;

struct HandleResult {
  HttpResponse response;
  std::shared_ptr<LongPoll> wait;  // set: do not answer yet
  Deferred deferred;               // set: do not answer yet
  std::string log_app;
  std::string log_device;
};

}  // namespace helpline::server
