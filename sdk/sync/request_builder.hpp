// Builds requests to the Helpline server: base URL, identity headers, optional gzip body.
#pragma once

#include <string>

#include "base/transport.hpp"
#include "store/meta.hpp"

namespace helpline::detail {

// Percent-encodes everything but RFC 3986 unreserved characters (query values, path segments).
std::string percent_encode(const std::string &s);

class RequestBuilder {
 public:
  RequestBuilder(std::string endpoint, std::string app_key, DeviceCredential device)
      : endpoint_(std::move(endpoint)), app_key_(std::move(app_key)), device_(std::move(device)) {}

  // Bodies over this many bytes are sent gzip-compressed.
  static constexpr std::size_t kGzipThreshold = 1024;

  // `token`: the identity JWT of the user the request is made for; empty for the anonymous device.
  HttpRequest get(const std::string &path_and_query, long timeout_ms, const std::string &token) const;
  HttpRequest post_json(const std::string &path, std::string body, long timeout_ms,
                        const std::string &token) const;
  // A raw upload (attachments): body sent as is with its content type and idempotency key.
  HttpRequest post_raw(const std::string &path, std::string body, const std::string &content_type,
                       const std::string &idempotency_key, long timeout_ms, const std::string &token) const;

  bool configured() const noexcept { return !endpoint_.empty() && !app_key_.empty(); }
  const std::string &device_id() const noexcept { return device_.id; }
  // Worker thread (the only user of requests): the device id changes when the user erases their data.
  void set_device(DeviceCredential device) { device_ = std::move(device); }

 private:
  HttpRequest base(const char *method, const std::string &path, long timeout_ms,
                   const std::string &token) const;

  std::string endpoint_;
  std::string app_key_;
  DeviceCredential device_;
};

}  // namespace helpline::detail
