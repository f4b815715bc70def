#include "base/sqlite.hpp"

namespace helpline::detail {

void throw_sqlite(sqlite3 *db, int rc, const std::string &what) {
  std::string message = what + ": " + (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc)) +
                        " (sqlite " + std::to_string(rc) + ")";
  int primary = rc & 0xff;
  if (primary == SQLITE_FULL) throw Error(HELPLINE_E_DISK_FULL, message);
  if (primary == SQLITE_NOMEM) throw Error(HELPLINE_E_NO_MEMORY, message);
  throw Error(HELPLINE_E_STORE, message);
}

Statement::Statement(sqlite3 *db, const char *sql) : db_(db) {
  int rc = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr);
  if (rc != SQLITE_OK) throw_sqlite(db, rc, "prepare");
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  throw_sqlite(db_, rc, "step");
}

void Statement::run() {
  try {
    while (step()) {
    }
  } catch (...) {
    reset();
    throw;
  }
  reset();
}

std::string Statement::column_text(int i) const {
  const auto *text = sqlite3_column_text(stmt_, i);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char *>(text),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, i)));
}

Transaction::Transaction(sqlite3 *db) : db_(db) {
  exec(db, "BEGIN IMMEDIATE");
}

Transaction::~Transaction() {
  if (!done_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
  exec(db_, "COMMIT");
  done_ = true;
}

void exec(sqlite3 *db, const char *sql) {
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) throw_sqlite(db, rc, "exec");
}

int64_t query_int64(sqlite3 *db, const char *sql) {
  Statement st(db, sql);
  if (!st.step()) return 0;
  return st.column_int64(0);
}

// ---- SqliteConnection, Query

SqliteConnection::SqliteConnection(const std::string &path) {
  int rc = sqlite3_open_v2(path.c_str(), &db_,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw Error(HELPLINE_E_STORE, "cannot open database " + path + ": " + msg);
  }
}

SqliteConnection::~SqliteConnection() {
  for (auto &e : cache_) sqlite3_finalize(e.second);
  sqlite3_close(db_);
}

void SqliteConnection::fail(const char *what) const {
  throw Error(HELPLINE_E_STORE, std::string("sqlite: ") + what + ": " + sqlite3_errmsg(db_));
}

void SqliteConnection::exec(const char *sql) {
  char *err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err != nullptr ? err : "unknown";
    sqlite3_free(err);
    throw Error(HELPLINE_E_STORE, "sqlite: " + msg + " in: " + sql);
  }
}

sqlite3_stmt *SqliteConnection::prepare(const char *sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return it->second;
  sqlite3_stmt *st = nullptr;
  if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, nullptr) != SQLITE_OK) fail(sql);
  cache_.emplace(sql, st);
  return st;
}

Query::~Query() {
  sqlite3_reset(st_);
  sqlite3_clear_bindings(st_);
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
Query &Query::bind_blob(int i, const std::string &v) {
  sqlite3_bind_blob(st_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
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

bool Query::step() {
  int rc = sqlite3_step(st_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  if (rc == SQLITE_CONSTRAINT)
    throw Error(HELPLINE_E_STORE, std::string("constraint: ") + sqlite3_errmsg(db_.handle()));
  db_.fail("step");
}

void Query::run() {
  while (step()) {
  }
}

int Query::changes() const {
  return sqlite3_changes(db_.handle());
}

std::string Query::text(int c) const {
  const unsigned char *p = sqlite3_column_text(st_, c);
  if (p == nullptr) return {};
  return std::string(reinterpret_cast<const char *>(p), static_cast<size_t>(sqlite3_column_bytes(st_, c)));
}

std::optional<std::string> Query::opt_text(int c) const {
  if (sqlite3_column_type(st_, c) == SQLITE_NULL) return std::nullopt;
  return text(c);
}

int64_t Query::i64(int c) const {
  return sqlite3_column_int64(st_, c);
}

std::optional<int64_t> Query::opt_i64(int c) const {
  if (sqlite3_column_type(st_, c) == SQLITE_NULL) return std::nullopt;
  return i64(c);
}

std::optional<double> Query::opt_dbl(int c) const {
  if (sqlite3_column_type(st_, c) == SQLITE_NULL) return std::nullopt;
  return sqlite3_column_double(st_, c);
}

std::string Query::blob(int c) const {
  const void *p = sqlite3_column_blob(st_, c);
  if (p == nullptr) return {};
  return std::string(static_cast<const char *>(p), static_cast<size_t>(sqlite3_column_bytes(st_, c)));
}

}  // namespace helpline::detail
