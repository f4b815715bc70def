// The device context attached to every ticket and registered with the server (PUT /v1/device):
// OS and SDK facts collected here, plus what the host sets with helpline_set_device_attribute.
// Well-known keys (app_version, model, firmware_version, locale) are top-level fields; any other
// key is a free attribute used for notice targeting. Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace helpline::detail {

class DeviceContext {
 public:
  static constexpr std::size_t kMaxAttributes = 64;

  DeviceContext();
  // Restores attributes saved by attributes_json() (ignores anything unreadable).
  void restore(const std::string &attributes_json);
  // Sets (or with nullopt removes) one attribute. Throws Error(HELPLINE_E_TOO_LARGE) past 64 keys.
  void set(const std::string &key, const std::optional<std::string> &value);
  // The host-set attributes, for persisting.
  std::string attributes_json() const;
  // {"model", "os", "os_version", "firmware_version", "app_version", "sdk_version", "locale",
  //  "attributes": {...}} as PUT /v1/device and tickets' "device" field take it.
  std::string json() const;
  // Every attribute the server's notice targeting knows (model, os, os_version, app_version,
  // sdk_version, firmware_version, locale, and the free attributes), flat.
  std::map<std::string, std::string> flat() const;

 private:
  mutable std::mutex mu_;
  std::string os_, os_version_, arch_, locale_;
  std::map<std::string, std::string> attributes_;
  mutable std::string json_;  // cached json(); empty when stale
};

}  // namespace helpline::detail
