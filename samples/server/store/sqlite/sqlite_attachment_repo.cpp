// SQLite side of AttachmentRepo (store/attachment_repo.hpp).
#include "store/sqlite/sqlite_repos.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <stdexcept>

namespace helpline::server {

namespace {

// Fills the zeroblob of the row just inserted from `file`, one chunk at a time.
void copy_into_blob(SqliteConnection &conn, std::FILE *file, int64_t size) {
  sqlite3 *db = conn.handle();
  sqlite3_int64 row = sqlite3_last_insert_rowid(db);
  sqlite3_blob *blob = nullptr;
  if (sqlite3_blob_open(db, "main", "attachments", "data", row, 1, &blob) != SQLITE_OK) {
    sqlite3_blob_close(blob);
    conn.fail("attachment blob open");
  }
  std::unique_ptr<sqlite3_blob, int (*)(sqlite3_blob *)> guard(blob, sqlite3_blob_close);
  if (std::fseek(file, 0, SEEK_SET) != 0) throw std::runtime_error("cannot rewind the attachment upload");
  constexpr size_t kChunk = 1 << 16;
  std::unique_ptr<char[]> buf(new char[kChunk]);
  int64_t offset = 0;
  while (offset < size) {
    size_t want = static_cast<size_t>(std::min<int64_t>(kChunk, size - offset));
    size_t got = std::fread(buf.get(), 1, want, file);
    if (got == 0) throw std::runtime_error("attachment upload is shorter than its size");
    if (sqlite3_blob_write(blob, buf.get(), static_cast<int>(got), static_cast<int>(offset)) != SQLITE_OK)
      conn.fail("attachment blob write");
    offset += static_cast<int64_t>(got);
  }
}

}  // namespace

void SqliteAttachmentRepo::insert(const std::string &app, const AttachmentRecord &a) {
  Query q(db_,
          "INSERT INTO attachments(app, id, owner, filename, content_type, size, sha256, ticket_id, "
          "message_id, created_at, data) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,"
          "CASE WHEN ?12 THEN zeroblob(?6) ELSE ?11 END)");
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
      .bind(12, a.data_file != nullptr);
  static const std::string kNone;
  q.bind_blob(11, a.data_file ? kNone : a.data);
  q.run();
  if (a.data_file) copy_into_blob(db_, a.data_file, a.size);
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
