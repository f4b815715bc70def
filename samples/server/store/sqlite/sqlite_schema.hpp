// Forward-only schema migrations keyed by PRAGMA user_version.
#pragma once
#include "store/sqlite/sqlite_connection.hpp"

#include <stdexcept>

namespace helpline::server {

constexpr int kSchemaVersion = 7;

class SchemaTooNew : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

void migrate(SqliteConnection &db);  // throws SchemaTooNew for a database from a newer server

}  // namespace helpline::server
