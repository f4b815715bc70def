#include "device/device_context.hpp"

#include <rapidjson/document.h>

#include "base/error.hpp"
#include "base/json_out.hpp"
#include "helpline/helpline_version.h"
#include "posix/device_info.hpp"

namespace helpline::detail {
namespace {

const char *const kTopLevel[] = {"app_version", "model", "firmware_version", "locale"};

bool top_level(const std::string &key) {
  for (const char *k : kTopLevel) {
    if (key == k) return true;
  }
  return false;
}

void put(JsonOut &w, const std::string &key, const std::string &v) {
  if (!v.empty()) w.field(key, v);
}

}  // namespace

DeviceContext::DeviceContext() {
  platform::OsInfo info = platform::read_os_info();
  os_ = info.os;
  os_version_ = info.os_version;
  arch_ = info.arch;
  locale_ = info.locale;
}

void DeviceContext::restore(const std::string &attributes_json) {
  rapidjson::Document d;
  d.Parse(attributes_json.data(), attributes_json.size());
  if (d.HasParseError() || !d.IsObject()) return;
  std::lock_guard<std::mutex> lock(mu_);
  json_.clear();
  for (const auto &m : d.GetObject()) {
    if (m.value.IsString() && attributes_.size() < kMaxAttributes)
      attributes_[m.name.GetString()] = m.value.GetString();
  }
}

void DeviceContext::set(const std::string &key, const std::optional<std::string> &value) {
  std::lock_guard<std::mutex> lock(mu_);
  json_.clear();
  if (!value) {
    attributes_.erase(key);
    return;
  }
  if (attributes_.size() >= kMaxAttributes && attributes_.count(key) == 0) {
    throw Error(HELPLINE_E_TOO_LARGE, "helpline_set_device_attribute: at most 64 attributes");
  }
  attributes_[key] = *value;
}

std::string DeviceContext::attributes_json() const {
  JsonOut w;
  w.begin_object();
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto &[k, v] : attributes_) put(w, k, v);
  }
  w.end_object();
  return w.take();
}

std::map<std::string, std::string> DeviceContext::flat() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, std::string> out = attributes_;
  out["os"] = os_;
  out["os_version"] = os_version_;
  out["arch"] = arch_;
  out["sdk_version"] = HELPLINE_VERSION_STRING;
  if (out.count("locale") == 0 && !locale_.empty()) out["locale"] = locale_;
  return out;
}

std::string DeviceContext::json() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (!json_.empty()) return json_;
  JsonOut w;
  auto attr = [&](const char *key) {
    auto it = attributes_.find(key);
    return it == attributes_.end() ? std::string() : it->second;
  };
  w.begin_object();
  put(w, "os", os_);
  put(w, "os_version", os_version_);
  put(w, "sdk_version", HELPLINE_VERSION_STRING);
  put(w, "app_version", attr("app_version"));
  put(w, "model", attr("model"));
  put(w, "firmware_version", attr("firmware_version"));
  std::string locale = attr("locale");
  put(w, "locale", locale.empty() ? locale_ : locale);
  w.key("attributes").begin_object();
  put(w, "arch", arch_);
  for (const auto &[k, v] : attributes_) {
    if (!top_level(k)) put(w, k, v);
  }
  w.end_object().end_object();
  json_ = w.take();
  return json_;
}

}  // namespace helpline::detail
