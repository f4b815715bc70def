// The server's SQLite connections: the SDK's RAII layer (base/sqlite.hpp: a connection with a statement
// cache, Query) opened with the server's settings.
#pragma once
#include "base/sqlite.hpp"

#include <memory>
#include <string>

namespace helpline::server {

using detail::Query;
using detail::SqliteConnection;

// WAL, NORMAL sync, foreign keys, secure_delete, a 5 s busy timeout, a larger page cache and mmap.
std::unique_ptr<SqliteConnection> open_connection(const std::string &path);

}  // namespace helpline::server
