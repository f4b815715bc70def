// RAII SQLite connection with a prepared-statement cache, and a Query cursor over a cached statement.
#pragma once
#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

namespace helpline::server {

class SqliteDb {
 public:
  explicit SqliteDb(const std::string &path);
  ~SqliteDb();
  SqliteDb(const SqliteDb &) = delete;
  SqliteDb &operator=(const SqliteDb &) = delete;

  void exec(const char *sql);
  // Statements are cached by the address of the SQL literal: pass string literals only.
  sqlite3_stmt *prepare(const char *sql);
  sqlite3 *handle() { return db_; }
  [[noreturn]] void fail(const char *what);

 private:
  sqlite3 *db_ = nullptr;
  std::unordered_map<const void *, sqlite3_stmt *> cache_;
};

class Query {
 public:
  Query(SqliteDb &db, const char *sql) : db_(db), st_(db.prepare(sql)) {}
  ~Query() {
    sqlite3_reset(st_);
    sqlite3_clear_bindings(st_);
  }
  Query(const Query &) = delete;
  Query &operator=(const Query &) = delete;

  Query &bind(int i, const std::string &v);
  Query &bind(int i, const char *v);
  Query &bind(int i, const std::optional<std::string> &v);
  Query &bind(int i, int64_t v);
  Query &bind(int i, int v) { return bind(i, static_cast<int64_t>(v)); }
  Query &bind(int i, bool v) { return bind(i, static_cast<int64_t>(v ? 1 : 0)); }
  Query &bind(int i, const std::optional<int64_t> &v);
  Query &bind(int i, const std::optional<double> &v);
  Query &bind_blob(int i, const std::string &v);
  // No copy: `v` must stay alive and unchanged until the statement has been stepped (hot insert paths).
  Query &bind_static(int i, const std::string &v);
  Query &bind_static(int i, const std::optional<std::string> &v);
  bool step();  // true: a row is available
  void run();   // step to completion
  int changes() { return sqlite3_changes(db_.handle()); }

  std::string text(int c);
  std::optional<std::string> opt_text(int c);
  int64_t i64(int c) { return sqlite3_column_int64(st_, c); }
  std::optional<int64_t> opt_i64(int c);
  std::optional<double> opt_dbl(int c);
  std::string blob(int c);

 private:
  SqliteDb &db_;
  sqlite3_stmt *st_;
};

}  // namespace helpline::server
