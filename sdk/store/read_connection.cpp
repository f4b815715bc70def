#include "store/read_connection.hpp"

namespace helpline::detail {

void ReadConnection::open() {
  sqlite3 *db = nullptr;
  int rc = sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
  SqliteDb owned(db);
  if (rc != SQLITE_OK) throw_sqlite(db, rc, "open read connection");
  sqlite3_busy_timeout(db, 1000);
  db_ = std::move(owned);
}

void ReadConnection::close() {
  std::lock_guard<std::mutex> lock(mu_);
  closed_ = true;
  for (auto &drop : on_close_) drop();
  db_.reset();
}

}  // namespace helpline::detail
