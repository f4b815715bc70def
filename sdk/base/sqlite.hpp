// RAII for SQLite handles and the few statement helpers the store uses.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include <sqlite3.h>

#include "base/error.hpp"

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

// A connection that keeps every statement it prepares, for a program that runs the same statements over and
// over on a long-lived connection (helpline-server's store). Statements are cached by the address of their
// SQL text: pass string literals only. Errors throw Error(HELPLINE_E_STORE, ...). Not thread-safe: one
// thread at a time uses a connection (it is opened with SQLITE_OPEN_NOMUTEX).
class SqliteConnection {
 public:
  explicit SqliteConnection(const std::string &path);  // opens or creates the file
  ~SqliteConnection();
  SqliteConnection(const SqliteConnection &) = delete;
  SqliteConnection &operator=(const SqliteConnection &) = delete;

  void exec(const char *sql);
  sqlite3_stmt *prepare(const char *sql);  // cached
  sqlite3 *handle() const noexcept { return db_; }
  [[noreturn]] void fail(const char *what) const;

 private:
  sqlite3 *db_ = nullptr;
  std::unordered_map<const void *, sqlite3_stmt *> cache_;
};

// One use of a cached statement: bind, step, read columns. Resets the statement and clears its bindings when
// it goes out of scope, so the next use starts clean.
class Query {
 public:
  Query(SqliteConnection &db, const char *sql) : db_(db), st_(db.prepare(sql)) {}
  ~Query();
  Query(const Query &) = delete;
  Query &operator=(const Query &) = delete;

  Query &bind(int i, const std::string &v);
  Query &bind(int i, const char *v);  // not copied: a literal or text that outlives the query
  Query &bind(int i, const std::optional<std::string> &v);  // nullopt binds NULL (so do the other optionals)
  Query &bind(int i, int64_t v);
  Query &bind(int i, int v) { return bind(i, static_cast<int64_t>(v)); }
  Query &bind(int i, bool v) { return bind(i, static_cast<int64_t>(v ? 1 : 0)); }
  Query &bind(int i, const std::optional<int64_t> &v);
  Query &bind(int i, const std::optional<double> &v);
  Query &bind_blob(int i, const std::string &v);
  // No copy: `v` must stay alive and unchanged until the statement has been stepped (hot insert paths).
  Query &bind_static(int i, const std::string &v);
  Query &bind_static(int i, const std::optional<std::string> &v);
  bool step();  // true: a row is available; a constraint violation throws "constraint: ..."
  void run();   // steps to completion
  int changes() const;

  std::string text(int c) const;
  std::optional<std::string> opt_text(int c) const;  // nullopt for NULL (so do the other opt_ readers)
  int64_t i64(int c) const;
  std::optional<int64_t> opt_i64(int c) const;
  std::optional<double> opt_dbl(int c) const;
  std::string blob(int c) const;

 private:
  SqliteConnection &db_;
  sqlite3_stmt *st_;
};

}  // namespace helpline::detail
