#include "store/store.hpp"

#include <unistd.h>
#include <ctime>

#include "posix/fs.hpp"
#include "store/schema.hpp"

namespace helpline::detail {
namespace {

SqliteDb open_connection(const std::string &path) {
  sqlite3 *raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, nullptr);
  SqliteDb db(raw);
  if (rc != SQLITE_OK) throw_sqlite(raw, rc, "cannot open store '" + path + "'");
  sqlite3_extended_result_codes(raw, 1);
  return db;
}

// Runs a one-value query and returns SQLite's result code instead of throwing, so that a
// damaged file can be told apart from other failures.
int probe(sqlite3 *db, const char *sql, int64_t &out) {
  sqlite3_stmt *st = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &st, nullptr);
  if (rc == SQLITE_OK) {
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
      out = sqlite3_column_int64(st, 0);
      rc = SQLITE_OK;
    } else if (rc == SQLITE_DONE) {
      out = 0;
      rc = SQLITE_OK;
    }
  }
  sqlite3_finalize(st);
  return rc;
}

bool is_damage(int rc) {
  int primary = rc & 0xff;
  return primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT;
}

struct Probe {
  bool unusable = false;  // damaged or foreign: move aside
  std::string reason;
  int64_t user_version = 0;
};

Probe classify(sqlite3 *db) {
  Probe p;
  int64_t app_id = 0, objects = 0;
  int rc = probe(db, "PRAGMA application_id", app_id);
  if (rc == SQLITE_OK) rc = probe(db, "PRAGMA user_version", p.user_version);
  if (rc == SQLITE_OK) rc = probe(db, "SELECT count(*) FROM sqlite_schema", objects);
  if (is_damage(rc)) {
    p.unusable = true;
    p.reason = std::string("not a readable SQLite database: ") + sqlite3_errmsg(db);
  } else if (rc != SQLITE_OK) {
    throw_sqlite(db, rc, "cannot read store");
  } else if (app_id != kApplicationId && (p.user_version != 0 || objects != 0)) {
    p.unusable = true;
    p.reason =
        "a SQLite database that does not belong to Helpline (application_id " + std::to_string(app_id) + ")";
  }
  return p;
}

std::string move_aside(const std::string &path) {
  std::string base = path + ".corrupt-" + std::to_string(static_cast<long long>(std::time(nullptr)));
  std::string target = base;
  for (int i = 1; platform::path_exists(target); ++i) target = base + "-" + std::to_string(i);
  platform::rename_path(path, target, false);
  platform::rename_path(path + "-wal", target + "-wal", true);
  ::unlink((path + "-shm").c_str());
  return target;
}

}  // namespace

std::unique_ptr<Store> Store::open(const std::string &data_dir, StoreRecovery &recovery) {
  const std::string path = data_dir + "/" + kFileName;
  if (!platform::path_exists(path)) platform::create_private_file(path);

  SqliteDb db = open_connection(path);
  Probe p = classify(db.get());
  if (p.unusable) {
    db.reset();
    recovery.happened = true;
    recovery.reason = p.reason;
    recovery.moved_to = move_aside(path);
    platform::create_private_file(path);
    db = open_connection(path);
    p = classify(db.get());
    if (p.unusable) throw Error(HELPLINE_E_STORE, "fresh store is unreadable: " + p.reason);
  }
  if (p.user_version > kSchemaVersion) {
    // Checked before any write (even the journal mode), so the newer SDK's file stays intact.
    migrate(db.get());  // throws HELPLINE_E_INCOMPATIBLE_STORE with the details
  }

  {
    Statement wal(db.get(), "PRAGMA journal_mode=WAL");
    if (!wal.step() || wal.column_text(0) != "wal") {
      throw Error(HELPLINE_E_STORE,
                  std::string("cannot switch store to WAL mode: ") + sqlite3_errmsg(db.get()));
    }
  }
  // FULL: a committed transaction survives power loss, not only a crashed process. Group
  // commit amortises the fsync (docs/OFFLINE.md).
  // secure_delete: deleted rows (delivered items, an erased user's data) are overwritten with zeros in the
  // file rather than left in free space (Debian's SQLite does this by default; other builds do not:
  // docs/SECURITY.md).
  exec(db.get(),
       "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA journal_size_limit=4194304; PRAGMA "
       "secure_delete=ON");
  int version = migrate(db.get());
  return std::unique_ptr<Store>(new Store(std::move(db), path, version));
}

}  // namespace helpline::detail
