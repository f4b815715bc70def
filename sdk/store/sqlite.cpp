#include "store/sqlite.hpp"

namespace helpline::detail {

void throw_sqlite(sqlite3 *db, int rc, const std::string &what) {
  std::string message = what + ": " + (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc)) + " (sqlite " +
                        std::to_string(rc) + ")";
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
  return std::string(reinterpret_cast<const char *>(text), static_cast<size_t>(sqlite3_column_bytes(stmt_, i)));
}

Transaction::Transaction(sqlite3 *db) : db_(db) { exec(db, "BEGIN IMMEDIATE"); }

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

}  // namespace helpline::detail
