// SQLite side of EventRepo (store/event_repo.hpp).
#include "store/sqlite/sqlite_repos.hpp"

namespace helpline::server {

int64_t SqliteEventRepo::insert(const std::string &app, const EventRecord &e) {
  Query q(db_,
          "INSERT INTO events(app, owner, device_id, broadcast, origin_device, type, data, target, "
          "created_at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)");
  q.bind(1, app)
      .bind(2, e.owner)
      .bind(3, e.device_id)
      .bind(4, e.broadcast)
      .bind(5, e.origin_device)
      .bind(6, e.type)
      .bind(7, e.data_json)
      .bind(8, e.target_json)
      .bind(9, e.created_at)
      .run();
  return sqlite3_last_insert_rowid(db_.handle());
}

int64_t SqliteEventRepo::max_seq(const std::string &app) {
  Query q(db_, "SELECT max(seq) FROM events WHERE app=?1");
  q.bind(1, app);
  return q.step() ? q.i64(0) : 0;
}

std::vector<EventRecord> SqliteEventRepo::since(const std::string &app, const std::string &owner,
                                                const std::string &device_id, int64_t after, int64_t upto,
                                                int limit) {
  Query q(db_,
          "SELECT seq, owner, device_id, broadcast, origin_device, type, data, target, created_at "
          "FROM events WHERE app=?1 AND seq>?2 AND seq<=?3 "
          "AND (owner=?4 OR device_id=?5 OR broadcast=1) "
          "AND (origin_device IS NULL OR origin_device<>?5) ORDER BY seq LIMIT ?6");
  q.bind(1, app).bind(2, after).bind(3, upto).bind(4, owner).bind(5, device_id).bind(6, limit);
  std::vector<EventRecord> out;
  while (q.step()) {
    EventRecord e;
    e.seq = q.i64(0);
    e.owner = q.opt_text(1);
    e.device_id = q.opt_text(2);
    e.broadcast = q.i64(3) != 0;
    e.origin_device = q.opt_text(4);
    e.type = q.text(5);
    e.data_json = q.text(6);
    e.target_json = q.text(7);
    e.created_at = q.i64(8);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace helpline::server
