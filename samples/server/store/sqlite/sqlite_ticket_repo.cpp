// SQLite side of TicketRepo (store/ticket_repo.hpp).
#include "store/sqlite/sqlite_repos.hpp"
#include "store/sqlite/sqlite_rows.hpp"

namespace helpline::server {

void SqliteTicketRepo::insert(const std::string &app, TicketRecord &t) {
  Query q(db_,
          "INSERT INTO tickets(app, id, owner, device_id, subject, status, fields, device, requester_name, "
          "requester_email, assignee_id, message_count, created_at, updated_at, proactive_rule) "
          "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15)");
  q.bind(1, app)
      .bind(2, t.id)
      .bind(3, t.owner)
      .bind(4, t.device_id)
      .bind(5, t.subject)
      .bind(6, t.status)
      .bind(7, t.fields_json)
      .bind(8, t.device_json)
      .bind(9, t.requester_name)
      .bind(10, t.requester_email)
      .bind(11, t.assignee_id)
      .bind(12, t.message_count)
      .bind(13, t.created_at)
      .bind(14, t.updated_at)
      .bind(15, t.proactive_rule);
  q.run();
  t.seq = sqlite3_last_insert_rowid(db_.handle());
}

std::optional<TicketRecord> SqliteTicketRepo::find(const std::string &app, const std::string &id) {
  Query q(db_, "SELECT " TICKET_COLS " FROM tickets WHERE app=?1 AND id=?2");
  q.bind(1, app).bind(2, id);
  if (!q.step()) return std::nullopt;
  return ticket_row(q);
}

void SqliteTicketRepo::update(const std::string &app, const TicketRecord &t) {
  Query q(db_,
          "UPDATE tickets SET status=?3, assignee_id=?4, message_count=?5, updated_at=?6 "
          "WHERE app=?1 AND id=?2");
  q.bind(1, app)
      .bind(2, t.id)
      .bind(3, t.status)
      .bind(4, t.assignee_id)
      .bind(5, t.message_count)
      .bind(6, t.updated_at)
      .run();
}

std::vector<TicketRecord> SqliteTicketRepo::list(const std::string &app, const TicketFilter &f) {
  Query q(db_, "SELECT " TICKET_COLS
               " FROM tickets WHERE app=?1 AND owner != 'erased' AND (?2 IS NULL OR owner=?2) "
               "AND (?3 IS NULL OR status=?3) AND (?4 IS NULL OR (?4='none' AND assignee_id IS NULL) OR "
               "assignee_id=?4) AND (?5 IS NULL OR instr(lower(subject), lower(?5)) > 0) "
               "AND (?6 = 0 OR seq < ?6) "
               "AND (?8 IS NULL OR CASE WHEN json_valid(device) THEN json_extract(device, '$.model') END=?8) "
               "AND (?9 IS NULL OR CASE WHEN json_valid(device) THEN json_extract(device, '$.app_version') "
               "END=?9) "
               "AND (?10 IS NULL OR ?10 = (EXISTS(SELECT 1 FROM diag_devices dd JOIN diagnostics d ON "
               "d.dev=dd.id WHERE dd.app=?1 AND dd.device_id=tickets.device_id) OR "
               "EXISTS(SELECT 1 FROM diagnostics x JOIN diag_devices xd ON xd.id=x.dev WHERE "
               "x.ticket_id=tickets.id AND xd.app=?1))) "
               "ORDER BY seq DESC LIMIT ?7");
  std::optional<int64_t> has_diag;
  if (f.has_diagnostics) has_diag = *f.has_diagnostics ? 1 : 0;
  q.bind(1, app)
      .bind(2, f.owner)
      .bind(3, f.status)
      .bind(4, f.assignee)
      .bind(5, f.subject_contains)
      .bind(6, f.before_seq)
      .bind(7, f.limit)
      .bind(8, f.model)
      .bind(9, f.app_version)
      .bind(10, has_diag);
  std::vector<TicketRecord> out;
  while (q.step()) out.push_back(ticket_row(q));
  return out;
}

std::vector<std::string> SqliteTicketRepo::move_owner(const std::string &app, const std::string &from_owner,
                                                      const std::string &to_owner,
                                                      const std::optional<std::string> &name,
                                                      const std::optional<std::string> &email) {
  std::vector<std::string> ids;
  {
    Query q(db_, "SELECT id FROM tickets WHERE app=?1 AND owner=?2 ORDER BY seq");
    q.bind(1, app).bind(2, from_owner);
    while (q.step()) ids.push_back(q.text(0));
  }
  Query u(db_,
          "UPDATE tickets SET owner=?3, requester_name=COALESCE(?4, requester_name), "
          "requester_email=COALESCE(?5, requester_email) WHERE app=?1 AND owner=?2");
  u.bind(1, app).bind(2, from_owner).bind(3, to_owner).bind(4, name).bind(5, email).run();
  return ids;
}

bool SqliteTicketRepo::message_exists(const std::string &app, const std::string &id) {
  Query q(db_, "SELECT 1 FROM messages WHERE app=?1 AND id=?2");
  q.bind(1, app).bind(2, id);
  return q.step();
}

void SqliteTicketRepo::insert_message(const std::string &app, const MessageRecord &m) {
  Query q(db_,
          "INSERT INTO messages(app, id, ticket_id, seq, author_type, author_name, author_id, author_device, "
          "body, attachments, created_at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)");
  q.bind(1, app)
      .bind(2, m.id)
      .bind(3, m.ticket_id)
      .bind(4, m.seq)
      .bind(5, m.author_type)
      .bind(6, m.author_name)
      .bind(7, m.author_id)
      .bind(8, m.author_device)
      .bind(9, m.body)
      .bind(10, m.attachments_json)
      .bind(11, m.created_at);
  q.run();
}

std::vector<MessageRecord> SqliteTicketRepo::messages(const std::string &app, const std::string &ticket_id,
                                                      int64_t after_seq, int limit) {
  Query q(db_, "SELECT " MESSAGE_COLS
               " FROM messages WHERE app=?1 AND ticket_id=?2 AND seq>?3 ORDER BY seq LIMIT ?4");
  q.bind(1, app).bind(2, ticket_id).bind(3, after_seq).bind(4, limit);
  std::vector<MessageRecord> out;
  while (q.step()) out.push_back(message_row(q));
  return out;
}

std::vector<std::string> SqliteTicketRepo::devices(const std::string &app, const std::string &ticket_id) {
  Query q(db_,
          "SELECT device_id FROM tickets WHERE app=?1 AND id=?2 AND device_id IS NOT NULL UNION "
          "SELECT author_device FROM messages WHERE app=?1 AND ticket_id=?2 AND author_device IS NOT NULL");
  q.bind(1, app).bind(2, ticket_id);
  std::vector<std::string> out;
  while (q.step()) out.push_back(q.text(0));
  return out;
}

void SqliteTicketRepo::insert_status_change(const std::string &app, const std::string &ticket_id,
                                            const std::string &status, const std::string &previous,
                                            const std::string &changed_by, int64_t at) {
  Query q(db_,
          "INSERT INTO ticket_status_log(app, ticket_id, status, previous, changed_by, at) "
          "VALUES(?1,?2,?3,?4,?5,?6)");
  q.bind(1, app).bind(2, ticket_id).bind(3, status).bind(4, previous).bind(5, changed_by).bind(6, at).run();
}

std::vector<TicketRecord> SqliteTicketRepo::created_by_device(const std::string &app,
                                                              const std::string &device_id, int64_t from,
                                                              int64_t to, int limit) {
  Query q(db_, "SELECT " TICKET_COLS
               " FROM tickets WHERE app=?1 AND device_id=?2 AND created_at>=?3 AND created_at<?4 "
               "ORDER BY created_at LIMIT ?5");
  q.bind(1, app).bind(2, device_id).bind(3, from).bind(4, to).bind(5, limit);
  std::vector<TicketRecord> out;
  while (q.step()) out.push_back(ticket_row(q));
  return out;
}

std::optional<TicketRecord> SqliteTicketRepo::open_proactive(const std::string &app,
                                                             const std::string &rule_id,
                                                             const std::string &device_id) {
  Query q(
      db_,
      "SELECT " TICKET_COLS
      " FROM tickets WHERE app=?1 AND proactive_rule=?2 AND device_id=?3 AND status IN ('open','pending') "
      "LIMIT 1");
  q.bind(1, app).bind(2, rule_id).bind(3, device_id);
  if (!q.step()) return std::nullopt;
  return ticket_row(q);
}

}  // namespace helpline::server
