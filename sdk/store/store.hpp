// The local store: one SQLite file in data_dir, WAL mode, versioned schema. Opening it also
// recovers from a file that is not (or no longer) a Helpline database by moving it aside.
#pragma once

#include <memory>
#include <string>

#include "base/sqlite.hpp"

namespace helpline::detail {

struct StoreRecovery {
  bool happened = false;
  std::string moved_to;  // where the unreadable file went
  std::string reason;
};

class Store {
 public:
  static constexpr const char *kFileName = "helpline.db";

  // Opens (creating if needed) data_dir/helpline.db and migrates it. Fills `recovery` when the
  // old file had to be moved aside. Throws Error (HELPLINE_E_INCOMPATIBLE_STORE, _STORE, _IO).
  static std::unique_ptr<Store> open(const std::string &data_dir, StoreRecovery &recovery);

  sqlite3 *db() const noexcept { return db_.get(); }
  int schema_version() const noexcept { return schema_version_; }
  const std::string &path() const noexcept { return path_; }

 private:
  Store(SqliteDb db, std::string path, int version)
      : db_(std::move(db)), path_(std::move(path)), schema_version_(version) {}

  SqliteDb db_;
  std::string path_;
  int schema_version_;
};

}  // namespace helpline::detail
