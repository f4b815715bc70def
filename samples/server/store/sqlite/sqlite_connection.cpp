#include "store/sqlite/sqlite_connection.hpp"

namespace helpline::server {

std::unique_ptr<SqliteConnection> open_connection(const std::string &path) {
  auto db = std::make_unique<SqliteConnection>(path);
  sqlite3_busy_timeout(db->handle(), 5000);
  db->exec("PRAGMA journal_mode=WAL");
  db->exec("PRAGMA synchronous=NORMAL");
  db->exec("PRAGMA foreign_keys=ON");
  db->exec("PRAGMA temp_store=MEMORY");
  // Deleted and overwritten content (erasures, updates, idempotency purges) is zeroed in the file instead of
  // lingering in free space and freelist pages (docs/protocol.md "Privacy").
  db->exec("PRAGMA secure_delete=ON");
  // Keep hot index pages in memory and read through mmap: fewer syscalls on ingest-heavy loads.
  db->exec("PRAGMA cache_size=-16384");
  db->exec("PRAGMA mmap_size=268435456");
  return db;
}

}  // namespace helpline::server
