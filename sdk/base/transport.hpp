// What the sync engine needs from an HTTP stack. The default is libcurl's multi interface
// (platform/http_curl); requests run concurrently and complete on the worker thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

namespace helpline::detail {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;
  long timeout_ms = 30000;
  // Upload progress (bytes of the body sent, body size), on the worker thread; optional.
  std::function<void(int64_t sent, int64_t total)> progress;
};

struct HttpResponse {
  long status = 0;  // 0: the request failed before an HTTP status arrived
  std::string body;
  std::string error;        // transport error, when status == 0
  long retry_after_s = -1;  // Retry-After in seconds, -1 when absent
  std::string etag;
};

using HttpDone = std::function<void(HttpResponse)>;

// Records the response headers the sync engine uses (name already lower-case, value trimmed):
// Retry-After in its seconds form, and ETag.
inline void note_response_header(HttpResponse &r, const std::string &name, const std::string &value) {
  if (name == "retry-after") {
    char *end = nullptr;
    long s = std::strtol(value.c_str(), &end, 10);
    if (end != value.c_str() && s >= 0) r.retry_after_s = s;
  } else if (name == "etag") {
    r.etag = value;
  }
}

class Transport {
 public:
  virtual ~Transport() = default;
  // Starts a request; `done` runs later on the worker thread, from wait().
  virtual void start(HttpRequest request, HttpDone done) = 0;
  // Waits up to timeout_ms (negative: until woken) for network activity or wakeup(), and runs
  // the completions of finished requests.
  virtual void wait(int timeout_ms) = 0;
  // Makes a wait() in progress (or the next one) return early. Thread-safe.
  virtual void wakeup() = 0;
  virtual std::size_t active() const = 0;
  // Drops every request in flight without running its completion (used at close: the rows
  // they carried stay queued and are resent, and deduplicated, after the next open).
  virtual void abort_all() = 0;
};

}  // namespace helpline::detail
