#include "sync/request_builder.hpp"

#include "helpline/helpline.h"
#include "sync/gzip.hpp"

namespace helpline::detail {

std::string percent_encode(const std::string &s) {
  static const char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

HttpRequest RequestBuilder::base(const char *method, const std::string &path, long timeout_ms,
                                 const std::string &token) const {
  HttpRequest r;
  r.method = method;
  r.url = endpoint_ + path;
  r.timeout_ms = timeout_ms;
  r.headers.push_back("X-Helpline-App-Key: " + app_key_);
  r.headers.push_back("X-Helpline-Device-Id: " + device_.id);
  r.headers.push_back("X-Helpline-Device-Secret: " + device_.secret);
  r.headers.push_back(std::string("User-Agent: helpline-sdk/") + HELPLINE_VERSION_STRING);
  r.headers.emplace_back("Expect:");  // no 100-continue round trip
  if (!token.empty()) r.headers.push_back("Authorization: Bearer " + token);
  return r;
}

HttpRequest RequestBuilder::get(const std::string &path_and_query, long timeout_ms,
                                const std::string &token) const {
  return base("GET", path_and_query, timeout_ms, token);
}

HttpRequest RequestBuilder::post_raw(const std::string &path, std::string body,
                                     const std::string &content_type, const std::string &idempotency_key,
                                     long timeout_ms, const std::string &token) const {
  HttpRequest r = base("POST", path, timeout_ms, token);
  r.headers.push_back("Content-Type: " + content_type);
  r.headers.push_back("Idempotency-Key: " + idempotency_key);
  r.body = std::move(body);
  return r;
}

HttpRequest RequestBuilder::post_json(const std::string &path, std::string body, long timeout_ms,
                                      const std::string &token) const {
  HttpRequest r = base("POST", path, timeout_ms, token);
  r.headers.emplace_back("Content-Type: application/json");
  if (body.size() > kGzipThreshold) {
    r.body = gzip_compress(body);
    r.headers.emplace_back("Content-Encoding: gzip");
  } else {
    r.body = std::move(body);
  }
  return r;
}

}  // namespace helpline::detail
