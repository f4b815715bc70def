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
  // Runs a statement that returns no rows, then resets it for reuse.
  void run();
  void reset() noexcept {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  Statement &bind(int i, int64_t v) {
    check(sqlite3_bind_int64(stmt_, i, v));
    return *this;
  }
  Statement &bind(int i, const std::string &v) {
    check(sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
    return *this;
  }
  int64_t column_int64(int i) const { return sqlite3_column_int64(stmt_, i); }
  std::string column_text(int i) const;
  sqlite3_stmt *get() const noexcept { return stmt_; }

 private:
  void check(int rc) {
    if (rc != SQLITE_OK) throw_sqlite(db_, rc, "bind");
  }
  sqlite3 *db_;
  sqlite3_stmt *stmt_ = nullptr;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back when destroyed without commit().
class Transaction {
 public:
  explicit Transaction(sqlite3 *db);
  ~Transaction();
  Transaction(const Transaction &) = delete;
  Transaction &operator=(const Transaction &) = delete;
  void commit();

 private:
  sqlite3 *db_;
  bool done_ = false;
};

// Runs SQL without results; throws on error.
void exec(sqlite3 *db, const char *sql);
// Runs a single-value query such as "PRAGMA user_version".
int64_t query_int64(sqlite3 *db, const char *sql);

}  // namespace helpline::detail
