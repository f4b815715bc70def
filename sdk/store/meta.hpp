// Small durable settings: device id, sync cursor, consents.
#pragma once

#include <optional>
#include <string>

#include "base/sqlite.hpp"

namespace helpline::detail {

// The device's identity towards the server: its id (X-Helpline-Device-Id) and the secret that proves it
// (X-Helpline-Device-Secret, docs/protocol.md section 3). Created at the first open (a store written before
// device secrets gets its secret then) and replaced together when an erase retires the id.
struct DeviceCredential {
  std::string id;
  std::string secret;
};

class Meta;
// The stored credential, creating what is missing.
DeviceCredential load_device_credential(Meta &meta);
void store_device_credential(Meta &meta, const DeviceCredential &c);
// Keys an erase keeps besides the credential are listed by privacy/local_erase.cpp.
inline constexpr const char *kDeviceIdKey = "device_id";
inline constexpr const char *kDeviceSecretKey = "device_secret";

class Meta {
 public:
  explicit Meta(sqlite3 *db);
  std::optional<std::string> get(const std::string &key);
  void set(const std::string &key, const std::string &value);
  void remove(const std::string &key);

 private:
  Statement get_;
  Statement set_;
  Statement remove_;
};

}  // namespace helpline::detail
