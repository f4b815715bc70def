#include "sync/request_builder.hpp"

#include "helpline/helpline.h"
#include "sync/gzip.hpp"

namespace helpline::detail {

HttpRequest RequestBuilder::base(const char *method, const std::string &path, long timeout_ms) const {
  HttpRequest r;
  r.method = method;
  r.url = endpoint_ + path;
  r.timeout_ms = timeout_ms;
  r.headers.push_back("X-Helpline-App-Key: " + app_key_);
  r.headers.push_back("X-Helpline-Device-Id: " + device_id_);
  r.headers.push_back(std::string("User-Agent: helpline-sdk/") + HELPLINE_VERSION_STRING);
  r.headers.emplace_back("Expect:");  // no 100-continue round trip
  return r;
}

HttpRequest RequestBuilder::get(const std::string &path_and_query, long timeout_ms) const {
  return base("GET", path_and_query, timeout_ms);
}

HttpRequest RequestBuilder::post_json(const std::string &path, std::string body, long timeout_ms) const {
  HttpRequest r = base("POST", path, timeout_ms);
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
