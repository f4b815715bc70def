#include "store/sqlite_db.hpp"

#include <stdexcept>

namespace helpline::server {

SqliteDb::SqliteDb(const std::string &path) {
  int rc = sqlite3_open_v2(path.c_str(), &db_,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error("cannot open database " + path + ": " + msg);
  }
  sqlite3_busy_timeout(db_, 5000);
  exec("PRAGMA journal_mode=WAL");
  exec("PRAGMA synchronous=NORMAL");
  exec("PRAGMA foreign_keys=ON");
  exec("PRAGMA temp_store=MEMORY");
  // Deleted and overwritten content (erasures, updates, idempotency purges) is zeroed in the file instead of
  // lingering in free space and freelist pages (docs/protocol.md "Privacy").
  exec("PRAGMA secure_delete=ON");
  // Keep hot index pages in memory and read through mmap: fewer syscalls on ingest-heavy loads.
  exec("PRAGMA cache_size=-16384");
  exec("PRAGMA mmap_size=268435456");
}

SqliteDb::~SqliteDb() {
  for (auto &e : cache_) sqlite3_finalize(e.second);
  sqlite3_close(db_);
}

void SqliteDb::fail(const char *what) {
  throw std::runtime_error(std::string("sqlite: ") + what + ": " + sqlite3_errmsg(db_));
}

void SqliteDb::exec(const char *sql) {
  char *err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown";
    sqlite3_free(err);
    throw std::runtime_error(std::string("sqlite: ") + msg + " in: " + sql);
  }
}

sqlite3_stmt *SqliteDb::prepare(const char *sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return it->second;
  sqlite3_stmt *st = nullptr;
  if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, nullptr) != SQLITE_OK) fail(sql);
  cache_.emplace(sql, st);
  return st;
}

Query &Query::bind(int i, const std::string &v) {
  sqlite3_bind_text(st_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}
Query &Query::bind(int i, const char *v) {
  sqlite3_bind_text(st_, i, v, -1, SQLITE_STATIC);
  return *this;
}
Query &Query::bind(int i, const std::optional<std::string> &v) {
  if (v) return bind(i, *v);
  sqlite3_bind_null(st_, i);
  return *this;
}
Query &Query::bind(int i, int64_t v) {
  sqlite3_bind_int64(st_, i, v);
  return *this;
}
Query &Query::bind(int i, const std::optional<int64_t> &v) {
  if (v) return bind(i, *v);
  sqlite3_bind_null(st_, i);
  return *this;
}
Query &Query::bind(int i, const std::optional<double> &v) {
  if (v)
    sqlite3_bind_double(st_, i, *v);
  else
    sqlite3_bind_null(st_, i);
  return *this;
}
Query &Query::bind_static(int i, const std::string &v) {
  sqlite3_bind_text(st_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  return *this;
}
Query &Query::bind_static(int i, const std::optional<std::string> &v) {
  if (v) return bind_static(i, *v);
  sqlite3_bind_null(st_, i);
  return *this;
}
Query &Query::bind_blob(int i, const std::string &v) {
  sqlite3_bind_blob(st_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}

bool Query::step() {
  int rc = sqlite3_step(st_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  if (rc == SQLITE_CONSTRAINT)
    throw std::runtime_error(std::string("constraint: ") + sqlite3_errmsg(db_.handle()));
  db_.fail("step");
}

void Query::run() {
  while (step()) {
  }
}

std::string Query::text(int c) {
  const unsigned char *p = sqlite3_column_text(st_, c);
  if (!p) return {};
  return std::string(reinterpret_cast<const char *>(p), static_cast<size_t>(sqlite3_column_bytes(st_, c)));
}

std::optional<std::string> Query::opt_text(int c) {
  if (sqlite3_column_type(st_, c) == SQLITE_NULL) return std::nullopt;
  return text(c);
}

std::optional<int64_t> Query::opt_i64(int c) {
  if (sqlite3_column_type(st_, c) == SQLITE_NULL) return std::nullopt;
  return i64(c);
}

std::optional<double> Query::opt_dbl(int c) {
  if (sqlite3_column_type(st_, c) == SQLITE_NULL) return std::nullopt;
  return sqlite3_column_double(st_, c);
}

std::string Query::blob(int c) {
  const void *p = sqlite3_column_blob(st_, c);
  if (!p) return {};
  return std::string(static_cast<const char *>(p), static_cast<size_t>(sqlite3_column_bytes(st_, c)));
}

}  // namespace helpline::server
