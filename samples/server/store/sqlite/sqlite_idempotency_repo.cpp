// SQLite side of IdempotencyRepo (store/idempotency_repo.hpp).
#include "store/sqlite/sqlite_repos.hpp"

namespace helpline::server {

std::optional<IdempotencyRecord> SqliteIdempotencyRepo::find(const std::string &app, const std::string &scope,
                                                             const std::string &key) {
  Query q(db_, "SELECT fingerprint, status, body FROM idempotency WHERE app=?1 AND scope=?2 AND key=?3");
  q.bind(1, app).bind(2, scope).bind(3, key);
  if (!q.step()) return std::nullopt;
  return IdempotencyRecord{q.text(0), static_cast<int>(q.i64(1)), q.text(2)};
}

void SqliteIdempotencyRepo::save(const std::string &app, const std::string &scope, const std::string &key,
                                 const IdempotencyRecord &rec, int64_t now) {
  Query q(db_,
          "INSERT OR REPLACE INTO idempotency(app, scope, key, fingerprint, status, body, created_at) "
          "VALUES(?1,?2,?3,?4,?5,?6,?7)");
  q.bind(1, app)
      .bind(2, scope)
      .bind(3, key)
      .bind(4, rec.fingerprint)
      .bind(5, rec.status)
      .bind(6, rec.body)
      .bind(7, now);
  q.run();
}

void SqliteIdempotencyRepo::purge(int64_t older_than) {
  Query q(db_, "DELETE FROM idempotency WHERE created_at < ?1");
  q.bind(1, older_than).run();
}

}  // namespace helpline::server
