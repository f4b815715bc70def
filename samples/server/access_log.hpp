// Structured access log: one JSON object per line (stderr, a file, or off). Every line is valid JSON whatever
// the request carried (invalid UTF-8 becomes U+FFFD), and device ids are logged as a keyed pseudonym.
#pragma once
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>

namespace helpline::server {

struct AccessEntry {
  std::string req_id, remote, method, path, app, fault;
  std::string device;  // as sent: written as device_pseudonym(app, device)
  int status = 0;
  uint64_t bytes_in = 0, bytes_out = 0;
  int64_t dur_us = 0;
};

class AccessLog {
 public:
  // where: "-" stderr, "off", or a path (appended); key: of the device pseudonyms ("": random per run).
  explicit AccessLog(const std::string &where, const std::string &key = "");
  ~AccessLog();
  AccessLog(const AccessLog &) = delete;
  AccessLog &operator=(const AccessLog &) = delete;
  void write(const AccessEntry &e);
  bool enabled() const { return out_ != nullptr; }
  // First 16 hex digits of HMAC-SHA256(key, app + "\n" + device): the same device gives the same value for
  // the life of the process (lines correlate), and without the key nothing maps it back to the device id.
  std::string device_pseudonym(const std::string &app, const std::string &device) const;

 private:
  std::string key_;
  std::mutex mutex_;
  FILE *out_ = nullptr;
  bool owned_ = false;
};

}  // namespace helpline::server
