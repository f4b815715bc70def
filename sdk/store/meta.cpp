#include "store/meta.hpp"

#include "base/ids.hpp"

namespace helpline::detail {

Meta::Meta(sqlite3 *db)
    : get_(db, "SELECT value FROM meta WHERE key = ?1"),
      set_(db,
           "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = "
           "excluded.value"),
      remove_(db, "DELETE FROM meta WHERE key = ?1") {}

std::optional<std::string> Meta::get(const std::string &key) {
  get_.bind(1, key);
  std::optional<std::string> v;
  try {
    if (get_.step()) v = get_.column_text(0);
  } catch (...) {
    get_.reset();
    throw;
  }
  get_.reset();
  return v;
}

void Meta::set(const std::string &key, const std::string &value) {
  set_.bind(1, key).bind(2, value);
  set_.run();
}

void Meta::remove(const std::string &key) {
  remove_.bind(1, key);
  remove_.run();
}

DeviceCredential load_device_credential(Meta &meta) {
  DeviceCredential c{meta.get(kDeviceIdKey).value_or(""), meta.get(kDeviceSecretKey).value_or("")};
  if (c.id.empty() || c.secret.empty()) {
    if (c.id.empty()) c.id = new_uuid_v7();
    if (c.secret.empty()) c.secret = new_secret();
    store_device_credential(meta, c);
  }
  return c;
}

void store_device_credential(Meta &meta, const DeviceCredential &c) {
  meta.set(kDeviceIdKey, c.id);
  meta.set(kDeviceSecretKey, c.secret);
}

}  // namespace helpline::detail
