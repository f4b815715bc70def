// SQLite side of NoticeRepo (store/notice_repo.hpp).
#include "store/sqlite/sqlite_repos.hpp"

namespace helpline::server {

namespace {

#define NOTICE_COLS                                                                           \
  "id, title, body, severity, url, target, starts_at, ends_at, active, deleted, created_at, " \
  "updated_at, faq_article_id"

NoticeRecord notice_row(Query &q) {
  NoticeRecord n;
  n.id = q.text(0);
  n.title = q.text(1);
  n.body = q.text(2);
  n.severity = q.text(3);
  n.url = q.opt_text(4);
  n.target_json = q.text(5);
  n.starts_at = q.opt_i64(6);
  n.ends_at = q.opt_i64(7);
  n.active = q.i64(8) != 0;
  n.deleted = q.i64(9) != 0;
  n.created_at = q.i64(10);
  n.updated_at = q.i64(11);
  n.faq_article_id = q.opt_text(12);
  return n;
}

}  // namespace

void SqliteNoticeRepo::upsert(const std::string &app, const NoticeRecord &n) {
  Query q(db_,
          "INSERT OR REPLACE INTO notices(app, id, title, body, severity, url, target, starts_at, ends_at, "
          "active, deleted, created_at, updated_at, faq_article_id) "
          "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)");
  q.bind(1, app)
      .bind(2, n.id)
      .bind(3, n.title)
      .bind(4, n.body)
      .bind(5, n.severity)
      .bind(6, n.url)
      .bind(7, n.target_json)
      .bind(8, n.starts_at)
      .bind(9, n.ends_at)
      .bind(10, n.active)
      .bind(11, n.deleted)
      .bind(12, n.created_at)
      .bind(13, n.updated_at)
      .bind(14, n.faq_article_id)
      .run();
}

std::optional<NoticeRecord> SqliteNoticeRepo::find(const std::string &app, const std::string &id) {
  Query q(db_, "SELECT " NOTICE_COLS " FROM notices WHERE app=?1 AND id=?2");
  q.bind(1, app).bind(2, id);
  if (!q.step()) return std::nullopt;
  return notice_row(q);
}

std::vector<NoticeRecord> SqliteNoticeRepo::list(const std::string &app) {
  Query q(db_, "SELECT " NOTICE_COLS " FROM notices WHERE app=?1 AND deleted=0 ORDER BY created_at DESC, id");
  q.bind(1, app);
  std::vector<NoticeRecord> out;
  while (q.step()) out.push_back(notice_row(q));
  return out;
}

void SqliteNoticeRepo::ack(const std::string &app, const std::string &id, const std::string &device_id,
                           int64_t now) {
  Query q(db_, "INSERT OR IGNORE INTO notice_acks(app, notice_id, device_id, acked_at) VALUES(?1,?2,?3,?4)");
  q.bind(1, app).bind(2, id).bind(3, device_id).bind(4, now).run();
}

std::optional<int64_t> SqliteNoticeRepo::ack_time(const std::string &app, const std::string &id,
                                                  const std::string &device_id) {
  Query q(db_, "SELECT acked_at FROM notice_acks WHERE app=?1 AND notice_id=?2 AND device_id=?3");
  q.bind(1, app).bind(2, id).bind(3, device_id);
  if (!q.step()) return std::nullopt;
  return q.i64(0);
}

int64_t SqliteNoticeRepo::ack_count(const std::string &app, const std::string &id) {
  Query q(db_, "SELECT count(*) FROM notice_acks WHERE app=?1 AND notice_id=?2");
  q.bind(1, app).bind(2, id);
  return q.step() ? q.i64(0) : 0;
}

}  // namespace helpline::server
