#include "helpline/testing/test_controls.hpp"

#include <rapidjson/document.h>

#include <stdexcept>

#include "helpline/testing/json.hpp"

namespace helpline::testing {

std::string TestControls::post(const std::string &path, const std::string &body) {
  const Response r = http_.post(path, body);
  if (r.status != 200) throw std::runtime_error("POST " + path + " failed: " + r.describe());
  return r.body;
}

std::string TestControls::set_faults(const std::string &settings_json) {
  return post("/v1/_test/faults", settings_json);
}

void TestControls::clear_faults() {
  post("/v1/_test/faults",
       R"({"fault_5xx_percent":0,"fault_429_percent":0,"drop_percent":0,"delay_ms":0,"path_prefix":""})");
}

void TestControls::pause(int ms) {
  post("/v1/_test/pause", R"({"ms":)" + std::to_string(ms) + "}");
}

void TestControls::set_rate_limit(const std::string &app_key, int requests_per_second, int burst) {
  post("/v1/_test/limits", R"({"app_key":)" + q(app_key) + R"(,"device_requests_per_second":)" +
                               std::to_string(requests_per_second) + R"(,"device_burst":)" +
                               std::to_string(burst) + "}");
}

std::string TestControls::mint_token(const std::string &app_key, const std::string &sub, int ttl_seconds) {
  const std::string body =
      post("/v1/_test/token", R"({"app_key":)" + q(app_key) + R"(,"sub":)" + q(sub) + R"(,"ttl_seconds":)" +
                                  std::to_string(ttl_seconds) + "}");
  rapidjson::Document doc;
  doc.Parse(body.c_str());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("token") || !doc["token"].IsString()) {
    throw std::runtime_error("/v1/_test/token: no token in " + body);
  }
  return doc["token"].GetString();
}

}  // namespace helpline::testing
