// Structured access log: one JSON object per line (stderr, a file, or off).
#pragma once
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>

namespace helpline::server {

struct AccessEntry {
  std::string req_id, remote, method, path, app, device, fault;
  int status = 0;
  uint64_t bytes_in = 0, bytes_out = 0;
  int64_t dur_us = 0;
};

class AccessLog {
 public:
  explicit AccessLog(const std::string &where);  // "-" stderr, "off", or a path (appended)
  ~AccessLog();
  AccessLog(const AccessLog &) = delete;
  AccessLog &operator=(const AccessLog &) = delete;
  void write(const AccessEntry &e);
  bool enabled() const { return out_ != nullptr; }

 private:
  std::mutex mutex_;
  FILE *out_ = nullptr;
  bool owned_ = false;
};

}  // namespace helpline::server
