#include "helpline/testing/sqlite_query.hpp"

#include <sqlite3.h>

#include <stdexcept>
#include <utility>

namespace helpline::testing {

std::vector<std::vector<std::string>> query(const std::filesystem::path &db_file, const std::string &sql,
                                            const std::vector<std::string> &params) {
  sqlite3 *db = nullptr;
  if (sqlite3_open_v2(db_file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw std::runtime_error("open " + db_file.string() + ": " + msg);
  }
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt *st = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
    std::string msg = sqlite3_errmsg(db);
    sqlite3_close(db);
    throw std::runtime_error("prepare " + sql + ": " + msg);
  }
  for (std::size_t i = 0; i < params.size(); ++i) {
    sqlite3_bind_text(st, static_cast<int>(i + 1), params[i].c_str(), -1, SQLITE_TRANSIENT);
  }
  std::vector<std::vector<std::string>> rows;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    std::vector<std::string> row;
    for (int c = 0; c < sqlite3_column_count(st); ++c) {
      const unsigned char *t = sqlite3_column_text(st, c);
      row.emplace_back(t ? reinterpret_cast<const char *>(t) : "");
    }
    rows.push_back(std::move(row));
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  if (rc != SQLITE_DONE) throw std::runtime_error("query failed: " + sql);
  return rows;
}

}  // namespace helpline::testing
