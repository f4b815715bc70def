// SQLite side of AttachmentRepo (store/attachment_repo.hpp).
#include "store/sqlite/sqlite_repos.hpp"

namespace helpline::server {

void SqliteAttachmentRepo::insert(const std::string &app, const AttachmentRecord &a) {
  Query q(db_,
          "INSERT INTO attachments(app, id, owner, filename, content_type, size, sha256, ticket_id, "
          "message_id, created_at, data) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)");
  q.bind(1, app)
      .bind(2, a.id)
      .bind(3, a.owner)
      .bind(4, a.filename)
      .bind(5, a.content_type)
      .bind(6, a.size)
      .bind(7, a.sha256)
      .bind(8, a.ticket_id)
      .bind(9, a.message_id)
      .bind(10, a.created_at)
      .bind_blob(11, a.data);
  q.run();
}

std::optional<AttachmentRecord> SqliteAttachmentRepo::find(const std::string &app, const std::string &id,
                                                           bool with_data) {
  Query q(db_,
          "SELECT owner, filename, content_type, size, sha256, ticket_id, message_id, created_at, "
          "CASE WHEN ?3 THEN data ELSE NULL END FROM attachments WHERE app=?1 AND id=?2");
  q.bind(1, app).bind(2, id).bind(3, with_data);
  if (!q.step()) return std::nullopt;
  AttachmentRecord a;
  a.id = id;
  a.owner = q.text(0);
  a.filename = q.text(1);
  a.content_type = q.text(2);
  a.size = q.i64(3);
  a.sha256 = q.text(4);
  a.ticket_id = q.opt_text(5);
  a.message_id = q.opt_text(6);
  a.created_at = q.i64(7);
  if (with_data) a.data = q.blob(8);
  return a;
}

void SqliteAttachmentRepo::link(const std::string &app, const std::string &id, const std::string &ticket_id,
                                const std::string &message_id) {
  Query q(db_, "UPDATE attachments SET ticket_id=?3, message_id=?4 WHERE app=?1 AND id=?2");
  q.bind(1, app).bind(2, id).bind(3, ticket_id).bind(4, message_id).run();
}

}  // namespace helpline::server
