// RAII for SQLite handles and the few statement helpers the store uses.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <sqlite3.h>

#include "core/error.hpp"

namespace helpline::detail {

struct SqliteCloser {
  void operator()(sqlite3 *db) const noexcept { sqlite3_close_v2(db); }
};
using SqliteDb = std::unique_ptr<sqlite3, SqliteCloser>;

// Throws Error(HELPLINE_E_STORE, ...) or HELPLINE_E_DISK_FULL for SQLITE_FULL.
[[noreturn]] void throw_sqlite(sqlite3 *db, int rc, const std::string &what);

class Statement {
 public:
  Statement(sqlite3 *db, const char *sql);
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement &) = delete;
  Statement &operator=(const Statement &) = delete;

  // Returns true while a row is available, false when done; throws on error.
  bool step();
  int64_t column_int64(int i) const { return sqlite3_column_int64(stmt_, i); }
  std::string column_text(int i) const;
  sqlite3_stmt *get() const noexcept { return stmt_; }

 private:
  sqlite3 *db_;
  sqlite3_stmt *stmt_ = nullptr;
};

// Runs SQL without results; throws on error.
void exec(sqlite3 *db, const char *sql);
// Runs a single-value query such as "PRAGMA user_version".
int64_t query_int64(sqlite3 *db, const char *sql);

}  // namespace helpline::detail
