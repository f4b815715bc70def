#include "store/meta.hpp"

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

}  // namespace helpline::detail
