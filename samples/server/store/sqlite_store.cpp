#include "store/sqlite_store.hpp"

#include "store/sqlite_device_views.hpp"
#include "store/sqlite_privacy.hpp"
#include "store/sqlite_rows.hpp"
#include "store/sqlite_schema.hpp"

#include <cstdio>
#include <stdexcept>

namespace helpline::server {

namespace {

class SqliteTx : public StoreTx {
 public:
  // Writer: holds the write lock for its lifetime. Reader: borrows a pooled connection.
  SqliteTx(SqliteStore &store, SqliteDb &db, std::unique_lock<std::mutex> lock)
      : store_(store), db_(&db), lock_(std::move(lock)), writable_(true) {
    db_->exec("BEGIN IMMEDIATE");
  }
  SqliteTx(SqliteStore &store, std::unique_ptr<SqliteDb> reader)
      : store_(store), db_(reader.get()), reader_(std::move(reader)), writable_(false) {
    db_->exec("BEGIN");
  }
  ~SqliteTx() override {
    if (!done_) {
      try {
        db_->exec("ROLLBACK");
      } catch (...) {
        // The connection stays usable; SQLite rolls back on its own if the statement failed mid-way.
      }
    }
    if (reader_) store_.give_reader(std::move(reader_));
  }

  void commit() override {
    db_->exec("COMMIT");
    done_ = true;
  }
  void savepoint() override { db_->exec("SAVEPOINT item"); }
  void release_savepoint() override { db_->exec("RELEASE item"); }
  void rollback_savepoint() override {
    db_->exec("ROLLBACK TO item");
    db_->exec("RELEASE item");
  }

  // ---- idempotency
  std::optional<IdempotencyRecord> find_idempotency(const std::string &app, const std::string &scope,
                                                    const std::string &key) override {
    Query q(*db_, "SELECT fingerprint, status, body FROM idempotency WHERE app=?1 AND scope=?2 AND key=?3");
    q.bind(1, app).bind(2, scope).bind(3, key);
    if (!q.step()) return std::nullopt;
    return IdempotencyRecord{q.text(0), static_cast<int>(q.i64(1)), q.text(2)};
  }
  void save_idempotency(const std::string &app, const std::string &scope, const std::string &key,
                        const IdempotencyRecord &rec, int64_t now) override {
    Query q(*db_,
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
  void purge_idempotency(int64_t older_than) override {
    Query q(*db_, "DELETE FROM idempotency WHERE created_at < ?1");
    q.bind(1, older_than).run();
  }

  // ---- devices
  void upsert_device(const std::string &app, const DeviceRecord &d) override {
    Query q(*db_,
            "INSERT INTO devices(app, device_id, user_sub, attrs, updated_at) VALUES(?1,?2,?3,?4,?5) "
            "ON CONFLICT(app, device_id) DO UPDATE SET user_sub=COALESCE(excluded.user_sub, user_sub), "
            "attrs=excluded.attrs, updated_at=excluded.updated_at");
    q.bind(1, app).bind(2, d.device_id).bind(3, d.user_sub).bind(4, d.attrs_json).bind(5, d.updated_at).run();
    device_views::register_device(*db_, app, d.device_id);
  }
  std::optional<DeviceRecord> find_device(const std::string &app, const std::string &device_id) override {
    Query q(*db_, "SELECT user_sub, attrs, updated_at FROM devices WHERE app=?1 AND device_id=?2");
    q.bind(1, app).bind(2, device_id);
    if (!q.step()) return std::nullopt;
    return DeviceRecord{device_id, q.opt_text(0), q.text(1), q.i64(2)};
  }

  std::vector<DeviceRecord> list_devices(const std::string &app) override {
    Query q(*db_,
            "SELECT device_id, user_sub, attrs, updated_at FROM devices WHERE app=?1 ORDER BY device_id");
    q.bind(1, app);
    std::vector<DeviceRecord> out;
    while (q.step()) out.push_back(DeviceRecord{q.text(0), q.opt_text(1), q.text(2), q.i64(3)});
    return out;
  }

  void upsert_push_token(const std::string &app, const std::string &device_id,
                         const PushTokenRecord &p) override {
    Query q(*db_,
            "INSERT INTO push_tokens(app, device_id, platform, token, updated_at) VALUES(?1,?2,?3,?4,?5) "
            "ON CONFLICT(app, device_id) DO UPDATE SET platform=excluded.platform, token=excluded.token, "
            "updated_at=excluded.updated_at");
    q.bind(1, app).bind(2, device_id).bind(3, p.platform).bind(4, p.token).bind(5, p.updated_at).run();
  }
  void delete_push_token(const std::string &app, const std::string &device_id) override {
    Query q(*db_, "DELETE FROM push_tokens WHERE app=?1 AND device_id=?2");
    q.bind(1, app).bind(2, device_id).run();
  }
  std::optional<PushTokenRecord> find_push_token(const std::string &app,
                                                 const std::string &device_id) override {
    Query q(*db_, "SELECT platform, token, updated_at FROM push_tokens WHERE app=?1 AND device_id=?2");
    q.bind(1, app).bind(2, device_id);
    if (!q.step()) return std::nullopt;
    return PushTokenRecord{q.text(0), q.text(1), q.i64(2)};
  }

  // ---- principal attributes
  std::vector<AttributeRecord> principal_attributes(const std::string &app,
                                                    const std::string &principal) override {
    Query q(*db_, "SELECT key, value FROM principal_attributes WHERE app=?1 AND principal=?2 ORDER BY key");
    q.bind(1, app).bind(2, principal);
    std::vector<AttributeRecord> out;
    while (q.step()) out.push_back(AttributeRecord{q.text(0), q.text(1)});
    return out;
  }
  void set_principal_attribute(const std::string &app, const std::string &principal, const AttributeRecord &a,
                               int64_t now) override {
    Query q(*db_,
            "INSERT INTO principal_attributes(app, principal, key, value, updated_at) VALUES(?1,?2,?3,?4,?5) "
            "ON CONFLICT(app, principal, key) DO UPDATE SET value=excluded.value, "
            "updated_at=excluded.updated_at");
    q.bind(1, app).bind(2, principal).bind(3, a.key).bind(4, a.value_json).bind(5, now).run();
  }
  void delete_principal_attribute(const std::string &app, const std::string &principal,
                                  const std::string &key) override {
    Query q(*db_, "DELETE FROM principal_attributes WHERE app=?1 AND principal=?2 AND key=?3");
    q.bind(1, app).bind(2, principal).bind(3, key).run();
  }
  void delete_principal_attributes(const std::string &app, const std::string &principal) override {
    Query q(*db_, "DELETE FROM principal_attributes WHERE app=?1 AND principal=?2");
    q.bind(1, app).bind(2, principal).run();
  }

  // ---- tickets
  void insert_ticket(const std::string &app, TicketRecord &t) override {
    Query q(*db_,
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
    t.seq = sqlite3_last_insert_rowid(db_->handle());
  }
  std::optional<TicketRecord> find_ticket(const std::string &app, const std::string &id) override {
    Query q(*db_, "SELECT " TICKET_COLS " FROM tickets WHERE app=?1 AND id=?2");
    q.bind(1, app).bind(2, id);
    if (!q.step()) return std::nullopt;
    return ticket_row(q);
  }
  void update_ticket(const std::string &app, const TicketRecord &t) override {
    Query q(*db_,
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
  std::vector<TicketRecord> list_tickets(const std::string &app, const TicketFilter &f) override {
    Query q(*db_,
            "SELECT " TICKET_COLS
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
  std::vector<std::string> move_tickets(const std::string &app, const std::string &from_owner,
                                        const std::string &to_owner, const std::optional<std::string> &name,
                                        const std::optional<std::string> &email) override {
    std::vector<std::string> ids;
    {
      Query q(*db_, "SELECT id FROM tickets WHERE app=?1 AND owner=?2 ORDER BY seq");
      q.bind(1, app).bind(2, from_owner);
      while (q.step()) ids.push_back(q.text(0));
    }
    Query u(*db_,
            "UPDATE tickets SET owner=?3, requester_name=COALESCE(?4, requester_name), "
            "requester_email=COALESCE(?5, requester_email) WHERE app=?1 AND owner=?2");
    u.bind(1, app).bind(2, from_owner).bind(3, to_owner).bind(4, name).bind(5, email).run();
    return ids;
  }
  bool message_exists(const std::string &app, const std::string &id) override {
    Query q(*db_, "SELECT 1 FROM messages WHERE app=?1 AND id=?2");
    q.bind(1, app).bind(2, id);
    return q.step();
  }
  void insert_message(const std::string &app, const MessageRecord &m) override {
    Query q(
        *db_,
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
  std::vector<MessageRecord> list_messages(const std::string &app, const std::string &ticket_id,
                                           int64_t after_seq, int limit) override {
    Query q(
        *db_,
        "SELECT id, ticket_id, seq, author_type, author_name, author_id, author_device, body, attachments, "
        "created_at FROM messages WHERE app=?1 AND ticket_id=?2 AND seq>?3 ORDER BY seq LIMIT ?4");
    q.bind(1, app).bind(2, ticket_id).bind(3, after_seq).bind(4, limit);
    std::vector<MessageRecord> out;
    while (q.step()) {
      MessageRecord m;
      m.id = q.text(0);
      m.ticket_id = q.text(1);
      m.seq = q.i64(2);
      m.author_type = q.text(3);
      m.author_name = q.opt_text(4);
      m.author_id = q.opt_text(5);
      m.author_device = q.opt_text(6);
      m.body = q.text(7);
      m.attachments_json = q.text(8);
      m.created_at = q.i64(9);
      out.push_back(std::move(m));
    }
    return out;
  }
  std::vector<std::string> ticket_devices(const std::string &app, const std::string &ticket_id) override {
    Query q(*db_,
            "SELECT device_id FROM tickets WHERE app=?1 AND id=?2 AND device_id IS NOT NULL UNION "
            "SELECT author_device FROM messages WHERE app=?1 AND ticket_id=?2 AND author_device IS NOT NULL");
    q.bind(1, app).bind(2, ticket_id);
    std::vector<std::string> out;
    while (q.step()) out.push_back(q.text(0));
    return out;
  }

  // ---- attachments
  void insert_attachment(const std::string &app, const AttachmentRecord &a) override {
    Query q(*db_,
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
  std::optional<AttachmentRecord> find_attachment(const std::string &app, const std::string &id,
                                                  bool with_data) override {
    Query q(*db_,
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
  void link_attachment(const std::string &app, const std::string &id, const std::string &ticket_id,
                       const std::string &message_id) override {
    Query q(*db_, "UPDATE attachments SET ticket_id=?3, message_id=?4 WHERE app=?1 AND id=?2");
    q.bind(1, app).bind(2, id).bind(3, ticket_id).bind(4, message_id).run();
  }

  // ---- surveys
  bool survey_exists(const std::string &app, const std::string &id) override {
    Query q(*db_, "SELECT 1 FROM surveys WHERE app=?1 AND id=?2");
    q.bind(1, app).bind(2, id);
    return q.step();
  }
  void insert_survey(const std::string &app, const SurveyRecord &s) override {
    Query q(*db_,
            "INSERT INTO surveys(app, id, owner, device_id, kind, score, ticket_id, comment, created_at) "
            "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)");
    q.bind(1, app)
        .bind(2, s.id)
        .bind(3, s.owner)
        .bind(4, s.device_id)
        .bind(5, s.kind)
        .bind(6, s.score)
        .bind(7, s.ticket_id)
        .bind(8, s.comment)
        .bind(9, s.created_at)
        .run();
  }

  bool deflection_exists(const std::string &app, const std::string &id) override {
    Query q(*db_, "SELECT 1 FROM deflections WHERE app=?1 AND id=?2");
    q.bind(1, app).bind(2, id);
    return q.step();
  }
  void insert_deflection(const std::string &app, const DeflectionRecord &d) override {
    Query q(*db_,
            "INSERT INTO deflections(app, id, owner, device_id, article_ids, query, ticket_id, created_at) "
            "VALUES(?1,?2,?3,?4,?5,?6,?7,?8)");
    q.bind(1, app)
        .bind(2, d.id)
        .bind(3, d.owner)
        .bind(4, d.device_id)
        .bind(5, d.article_ids_json)
        .bind(6, d.query)
        .bind(7, d.ticket_id)
        .bind(8, d.created_at)
        .run();
  }
  bool survey_prompt_exists(const std::string &app, const std::string &id) override {
    Query q(*db_, "SELECT 1 FROM survey_prompts WHERE app=?1 AND id=?2");
    q.bind(1, app).bind(2, id);
    return q.step();
  }
  void insert_survey_prompt(const std::string &app, const SurveyPromptRecord &p) override {
    Query q(*db_,
            "INSERT INTO survey_prompts(app, id, kind, reason, ticket_id, target, agent_id, devices, "
            "created_at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)");
    q.bind(1, app)
        .bind(2, p.id)
        .bind(3, p.kind)
        .bind(4, p.reason)
        .bind(5, p.ticket_id)
        .bind(6, p.target_json)
        .bind(7, p.agent_id)
        .bind(8, p.devices)
        .bind(9, p.created_at)
        .run();
  }
  std::vector<SurveyPromptRecord> list_survey_prompts(const std::string &app, int limit) override {
    Query q(*db_,
            "SELECT id, kind, reason, ticket_id, target, agent_id, devices, created_at FROM survey_prompts "
            "WHERE app=?1 ORDER BY created_at DESC, id DESC LIMIT ?2");
    q.bind(1, app).bind(2, limit);
    std::vector<SurveyPromptRecord> out;
    while (q.step())
      out.push_back(SurveyPromptRecord{q.text(0), q.text(1), q.text(2), q.opt_text(3), q.opt_text(4),
                                       q.opt_text(5), q.i64(6), q.i64(7)});
    return out;
  }

  // ---- ticket status history and metrics facts
  void insert_status_change(const std::string &app, const std::string &ticket_id, const std::string &status,
                            const std::string &previous, const std::string &changed_by, int64_t at) override {
    Query q(*db_,
            "INSERT INTO ticket_status_log(app, ticket_id, status, previous, changed_by, at) "
            "VALUES(?1,?2,?3,?4,?5,?6)");
    q.bind(1, app).bind(2, ticket_id).bind(3, status).bind(4, previous).bind(5, changed_by).bind(6, at).run();
  }
  std::vector<TicketFact> metric_tickets(const std::string &app, int64_t from, int64_t to) override {
    Query q(*db_,
            "SELECT t.created_at, t.fields, t.device, d.attrs FROM tickets t LEFT JOIN devices d "
            "ON d.app=t.app AND d.device_id=t.device_id WHERE t.app=?1 AND t.created_at>=?2 AND "
            "t.created_at<?3");
    q.bind(1, app).bind(2, from).bind(3, to);
    std::vector<TicketFact> out;
    while (q.step()) out.push_back(TicketFact{q.i64(0), q.text(1), q.text(2), q.text(3)});
    return out;
  }
  std::vector<FirstReplyFact> metric_first_replies(const std::string &app, int64_t from,
                                                   int64_t to) override {
    Query q(*db_,
            "SELECT t.created_at, f.first FROM (SELECT ticket_id, min(created_at) AS first FROM messages "
            "WHERE app=?1 AND author_type='agent' GROUP BY ticket_id) f JOIN tickets t ON t.app=?1 AND "
            "t.id=f.ticket_id WHERE f.first>=?2 AND f.first<?3");
    q.bind(1, app).bind(2, from).bind(3, to);
    std::vector<FirstReplyFact> out;
    while (q.step()) out.push_back(FirstReplyFact{q.i64(0), q.i64(1)});
    return out;
  }
  std::vector<ResolutionFact> metric_resolutions(const std::string &app, int64_t from, int64_t to) override {
    // A resolution is a change from open/pending to solved/closed; a ticket counts once, at its latest one,
    // and only while it is still solved or closed.
    Query q(*db_,
            "SELECT t.created_at, r.resolved_at, "
            "(SELECT count(*) FROM messages m WHERE m.app=?1 AND m.ticket_id=t.id AND m.author_type='agent' "
            "AND m.created_at<=r.resolved_at), "
            "(SELECT count(*) FROM ticket_status_log l WHERE l.app=?1 AND l.ticket_id=t.id AND "
            "l.previous IN ('solved','closed') AND l.status IN ('open','pending')) "
            "FROM (SELECT ticket_id, max(at) AS resolved_at FROM ticket_status_log WHERE app=?1 AND "
            "status IN ('solved','closed') AND previous IN ('open','pending') GROUP BY ticket_id) r "
            "JOIN tickets t ON t.app=?1 AND t.id=r.ticket_id "
            "WHERE t.status IN ('solved','closed') AND r.resolved_at>=?2 AND r.resolved_at<?3");
    q.bind(1, app).bind(2, from).bind(3, to);
    std::vector<ResolutionFact> out;
    while (q.step()) out.push_back(ResolutionFact{q.i64(0), q.i64(1), q.i64(2), q.i64(3)});
    return out;
  }
  std::vector<SurveyFact> metric_surveys(const std::string &app, int64_t from, int64_t to) override {
    Query q(*db_,
            "SELECT kind, score, created_at FROM surveys WHERE app=?1 AND created_at>=?2 AND created_at<?3");
    q.bind(1, app).bind(2, from).bind(3, to);
    std::vector<SurveyFact> out;
    while (q.step()) out.push_back(SurveyFact{q.text(0), q.i64(1), q.i64(2)});
    return out;
  }
  std::vector<DeflectionFact> metric_deflections(const std::string &app, int64_t from, int64_t to) override {
    Query q(*db_,
            "SELECT created_at, ticket_id IS NOT NULL FROM deflections WHERE app=?1 AND created_at>=?2 AND "
            "created_at<?3");
    q.bind(1, app).bind(2, from).bind(3, to);
    std::vector<DeflectionFact> out;
    while (q.step()) out.push_back(DeflectionFact{q.i64(0), q.i64(1) != 0});
    return out;
  }
  int64_t metric_backlog(const std::string &app, int64_t at) override {
    Query q(*db_,
            "SELECT count(*) FROM tickets t WHERE t.app=?1 AND t.created_at<?2 AND COALESCE((SELECT l.status "
            "FROM ticket_status_log l WHERE l.app=?1 AND l.ticket_id=t.id AND l.at<?2 ORDER BY l.at DESC, "
            "l.seq DESC LIMIT 1), 'open') IN ('open','pending')");
    q.bind(1, app).bind(2, at);
    return q.step() ? q.i64(0) : 0;
  }

  // ---- faq
  int64_t next_faq_seq(const std::string &app) override {
    Query q(*db_,
            "INSERT INTO faq_state(app, seq) VALUES(?1, 1) ON CONFLICT(app) DO UPDATE SET seq=seq+1 "
            "RETURNING seq");
    q.bind(1, app);
    if (!q.step()) db_->fail("faq seq");
    return q.i64(0);
  }
  int64_t faq_seq(const std::string &app) override {
    Query q(*db_, "SELECT seq FROM faq_state WHERE app=?1");
    q.bind(1, app);
    return q.step() ? q.i64(0) : 0;
  }
  void upsert_faq_section(const std::string &app, const FaqSectionRecord &s) override {
    Query q(*db_,
            "INSERT OR REPLACE INTO faq_sections(app, id, locale, title, position, deleted, change_seq, "
            "updated_at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8)");
    q.bind(1, app)
        .bind(2, s.id)
        .bind(3, s.locale)
        .bind(4, s.title)
        .bind(5, s.position)
        .bind(6, s.deleted)
        .bind(7, s.change_seq)
        .bind(8, s.updated_at)
        .run();
  }
  static FaqSectionRecord section_row(Query &q) {
    FaqSectionRecord s;
    s.id = q.text(0);
    s.locale = q.text(1);
    s.title = q.text(2);
    s.position = q.i64(3);
    s.deleted = q.i64(4) != 0;
    s.change_seq = q.i64(5);
    s.updated_at = q.i64(6);
    return s;
  }
  std::optional<FaqSectionRecord> find_faq_section(const std::string &app, const std::string &id) override {
    Query q(*db_,
            "SELECT id, locale, title, position, deleted, change_seq, updated_at FROM faq_sections "
            "WHERE app=?1 AND id=?2");
    q.bind(1, app).bind(2, id);
    if (!q.step()) return std::nullopt;
    return section_row(q);
  }
  std::vector<FaqSectionRecord> faq_sections_since(const std::string &app, int64_t since) override {
    Query q(*db_,
            "SELECT id, locale, title, position, deleted, change_seq, updated_at FROM faq_sections "
            "WHERE app=?1 AND change_seq>?2 ORDER BY position, id");
    q.bind(1, app).bind(2, since);
    std::vector<FaqSectionRecord> out;
    while (q.step()) out.push_back(section_row(q));
    return out;
  }
  void upsert_faq_article(const std::string &app, const FaqArticleRecord &a) override {
    Query q(*db_,
            "INSERT INTO faq_articles(app, id, section_id, locale, title, body, tags, position, published, "
            "deleted, change_seq, updated_at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12) "
            "ON CONFLICT(app, id) DO UPDATE SET section_id=excluded.section_id, locale=excluded.locale, "
            "title=excluded.title, body=excluded.body, tags=excluded.tags, position=excluded.position, "
            "published=excluded.published, deleted=excluded.deleted, change_seq=excluded.change_seq, "
            "updated_at=excluded.updated_at");
    q.bind(1, app)
        .bind(2, a.id)
        .bind(3, a.section_id)
        .bind(4, a.locale)
        .bind(5, a.title)
        .bind(6, a.body)
        .bind(7, a.tags_json)
        .bind(8, a.position)
        .bind(9, a.published)
        .bind(10, a.deleted)
        .bind(11, a.change_seq)
        .bind(12, a.updated_at)
        .run();
  }
  static FaqArticleRecord article_row(Query &q) {
    FaqArticleRecord a;
    a.id = q.text(0);
    a.section_id = q.text(1);
    a.locale = q.text(2);
    a.title = q.text(3);
    a.body = q.text(4);
    a.tags_json = q.text(5);
    a.position = q.i64(6);
    a.published = q.i64(7) != 0;
    a.deleted = q.i64(8) != 0;
    a.helpful = q.i64(9);
    a.not_helpful = q.i64(10);
    a.change_seq = q.i64(11);
    a.updated_at = q.i64(12);
    return a;
  }
#define ARTICLE_COLS                                                                                \
  "id, section_id, locale, title, body, tags, position, published, deleted, helpful, not_helpful, " \
  "change_seq, "                                                                                    \
  "updated_at"
  std::optional<FaqArticleRecord> find_faq_article(const std::string &app, const std::string &id) override {
    Query q(*db_, "SELECT " ARTICLE_COLS " FROM faq_articles WHERE app=?1 AND id=?2");
    q.bind(1, app).bind(2, id);
    if (!q.step()) return std::nullopt;
    return article_row(q);
  }
  std::vector<FaqArticleRecord> faq_articles_since(const std::string &app, int64_t since) override {
    Query q(*db_, "SELECT " ARTICLE_COLS
                  " FROM faq_articles WHERE app=?1 AND change_seq>?2 "
                  "ORDER BY section_id, position, id");
    q.bind(1, app).bind(2, since);
    std::vector<FaqArticleRecord> out;
    while (q.step()) out.push_back(article_row(q));
    return out;
  }
  int64_t live_articles_in_section(const std::string &app, const std::string &section_id) override {
    Query q(*db_, "SELECT count(*) FROM faq_articles WHERE app=?1 AND section_id=?2 AND deleted=0");
    q.bind(1, app).bind(2, section_id);
    return q.step() ? q.i64(0) : 0;
  }
  void set_faq_vote(const std::string &app, const std::string &article_id, const std::string &device_id,
                    bool helpful) override {
    // The counters are aggregates adjusted by each vote (not recounted from faq_votes): votes of an erased
    // device are deleted but stay counted.
    std::optional<bool> previous;
    {
      Query q(*db_, "SELECT helpful FROM faq_votes WHERE app=?1 AND article_id=?2 AND device_id=?3");
      q.bind(1, app).bind(2, article_id).bind(3, device_id);
      if (q.step()) previous = q.i64(0) != 0;
    }
    {
      Query q(*db_,
              "INSERT OR REPLACE INTO faq_votes(app, article_id, device_id, helpful) VALUES(?1,?2,?3,?4)");
      q.bind(1, app).bind(2, article_id).bind(3, device_id).bind(4, helpful).run();
    }
    int64_t d_helpful = (helpful ? 1 : 0) - (previous && *previous ? 1 : 0);
    int64_t d_not = (helpful ? 0 : 1) - (previous && !*previous ? 1 : 0);
    Query u(*db_,
            "UPDATE faq_articles SET helpful=max(0, helpful+?3), not_helpful=max(0, not_helpful+?4) "
            "WHERE app=?1 AND id=?2");
    u.bind(1, app).bind(2, article_id).bind(3, d_helpful).bind(4, d_not).run();
  }

  // ---- notices
  void upsert_notice(const std::string &app, const NoticeRecord &n) override {
    Query q(*db_,
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
  static NoticeRecord notice_row(Query &q) {
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
#define NOTICE_COLS                                                                           \
  "id, title, body, severity, url, target, starts_at, ends_at, active, deleted, created_at, " \
  "updated_at, faq_article_id"
  std::optional<NoticeRecord> find_notice(const std::string &app, const std::string &id) override {
    Query q(*db_, "SELECT " NOTICE_COLS " FROM notices WHERE app=?1 AND id=?2");
    q.bind(1, app).bind(2, id);
    if (!q.step()) return std::nullopt;
    return notice_row(q);
  }
  std::vector<NoticeRecord> list_notices(const std::string &app) override {
    Query q(*db_,
            "SELECT " NOTICE_COLS " FROM notices WHERE app=?1 AND deleted=0 ORDER BY created_at DESC, id");
    q.bind(1, app);
    std::vector<NoticeRecord> out;
    while (q.step()) out.push_back(notice_row(q));
    return out;
  }
  void ack_notice(const std::string &app, const std::string &id, const std::string &device_id,
                  int64_t now) override {
    Query q(*db_,
            "INSERT OR IGNORE INTO notice_acks(app, notice_id, device_id, acked_at) VALUES(?1,?2,?3,?4)");
    q.bind(1, app).bind(2, id).bind(3, device_id).bind(4, now).run();
  }
  std::optional<int64_t> notice_ack_time(const std::string &app, const std::string &id,
                                         const std::string &device_id) override {
    Query q(*db_, "SELECT acked_at FROM notice_acks WHERE app=?1 AND notice_id=?2 AND device_id=?3");
    q.bind(1, app).bind(2, id).bind(3, device_id);
    if (!q.step()) return std::nullopt;
    return q.i64(0);
  }
  int64_t notice_ack_count(const std::string &app, const std::string &id) override {
    Query q(*db_, "SELECT count(*) FROM notice_acks WHERE app=?1 AND notice_id=?2");
    q.bind(1, app).bind(2, id);
    return q.step() ? q.i64(0) : 0;
  }

  // ---- events
  int64_t insert_event(const std::string &app, const EventRecord &e) override {
    Query q(*db_,
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
    return sqlite3_last_insert_rowid(db_->handle());
  }
  int64_t max_event_seq(const std::string &app) override {
    Query q(*db_, "SELECT max(seq) FROM events WHERE app=?1");
    q.bind(1, app);
    return q.step() ? q.i64(0) : 0;
  }
  std::vector<EventRecord> events_for(const std::string &app, const std::string &owner,
                                      const std::string &device_id, int64_t after, int64_t upto,
                                      int limit) override {
    Query q(*db_,
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

  // ---- diagnostics
  int64_t diag_device_key(const std::string &app, const std::string &device_id) {
    if (cached_dev_key_ && cached_dev_app_ == app && cached_dev_id_ == device_id) return cached_dev_key_;
    {
      Query q(*db_, "SELECT id FROM diag_devices WHERE app=?1 AND device_id=?2");
      q.bind(1, app).bind(2, device_id);
      if (q.step())
        cached_dev_key_ = q.i64(0);
      else
        cached_dev_key_ = 0;
    }
    if (!cached_dev_key_) {
      Query q(*db_, "INSERT INTO diag_devices(app, device_id) VALUES(?1,?2)");
      q.bind(1, app).bind(2, device_id).run();
      cached_dev_key_ = sqlite3_last_insert_rowid(db_->handle());
    }
    cached_dev_app_ = app;
    cached_dev_id_ = device_id;
    return cached_dev_key_;
  }
  bool insert_diagnostic(const std::string &app, DiagnosticRecord &d) override {
    int64_t dev = diag_device_key(app, d.device_id);
    Query q(
        *db_,
        "INSERT OR IGNORE INTO diagnostics(dev, idem_key, kind, name, ts, level, message, value, attributes, "
        "ticket_id, request_id, received_at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)");
    q.bind(1, dev)
        .bind_static(2, d.idempotency_key)
        .bind_static(3, d.kind)
        .bind_static(4, d.name)
        .bind(5, d.ts)
        .bind_static(6, d.level)
        .bind_static(7, d.message)
        .bind(8, d.value)
        .bind_static(10, d.ticket_id)
        .bind_static(11, d.request_id)
        .bind(12, d.received_at);
    if (d.attributes_json.empty())
      q.bind(9, std::optional<std::string>());
    else
      q.bind_static(9, d.attributes_json);
    q.run();
    if (q.changes() == 0) return false;
    d.seq = sqlite3_last_insert_rowid(db_->handle());
    return true;
  }
  std::vector<DiagnosticRecord> ticket_diagnostics(const std::string &app, const std::string &ticket_id,
                                                   const std::vector<std::string> &devices,
                                                   const std::optional<std::string> &kind, int64_t before_seq,
                                                   int limit) override {
    const std::string arr = json_array(devices);  // one static (cached) statement for any number of devices
    Query q(*db_,
            "SELECT " DIAGNOSTIC_COLS " "
            "FROM diagnostics d JOIN diag_devices dd ON dd.id=d.dev WHERE d.seq IN ("
            "SELECT seq FROM diagnostics WHERE dev IN (SELECT id FROM diag_devices WHERE app=?1 AND "
            "device_id IN (SELECT value FROM json_each(?3))) "
            "UNION SELECT x.seq FROM diagnostics x JOIN diag_devices xd ON xd.id=x.dev "
            "WHERE x.ticket_id=?2 AND xd.app=?1) "
            "AND (?4 IS NULL OR d.kind=?4) AND (?5=0 OR d.seq<?5) ORDER BY d.seq DESC LIMIT ?6");
    q.bind(1, app).bind(2, ticket_id).bind(3, arr).bind(4, kind).bind(5, before_seq).bind(6, limit);
    std::vector<DiagnosticRecord> out;
    while (q.step()) out.push_back(diagnostic_row(q));
    return out;
  }
  void insert_diagnostics_request(const std::string &app, const DiagnosticsRequestRecord &r) override {
    Query q(*db_,
            "INSERT INTO diagnostics_requests(app, id, ticket_id, device_id, owner, kinds, message, status, "
            "agent_id, created_at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)");
    q.bind(1, app)
        .bind(2, r.id)
        .bind(3, r.ticket_id)
        .bind(4, r.device_id)
        .bind(5, r.owner)
        .bind(6, r.kinds_json)
        .bind(7, r.message)
        .bind(8, r.status)
        .bind(9, r.agent_id)
        .bind(10, r.created_at)
        .run();
  }
  static DiagnosticsRequestRecord request_row(Query &q) {
    DiagnosticsRequestRecord r;
    r.id = q.text(0);
    r.ticket_id = q.opt_text(1);
    r.device_id = q.opt_text(2);
    r.owner = q.opt_text(3);
    r.kinds_json = q.text(4);
    r.message = q.opt_text(5);
    r.status = q.text(6);
    r.agent_id = q.text(7);
    r.created_at = q.i64(8);
    return r;
  }
  std::optional<DiagnosticsRequestRecord> find_diagnostics_request(const std::string &app,
                                                                   const std::string &id) override {
    Query q(*db_,
            "SELECT id, ticket_id, device_id, owner, kinds, message, status, agent_id, created_at "
            "FROM diagnostics_requests WHERE app=?1 AND id=?2");
    q.bind(1, app).bind(2, id);
    if (!q.step()) return std::nullopt;
    return request_row(q);
  }
  void fulfil_diagnostics_request(const std::string &app, const std::string &id) override {
    Query q(*db_, "UPDATE diagnostics_requests SET status='fulfilled' WHERE app=?1 AND id=?2");
    q.bind(1, app).bind(2, id).run();
  }
  std::vector<DiagnosticsRequestRecord> list_diagnostics_requests(
      const std::string &app, const std::optional<std::string> &ticket_id) override {
    Query q(*db_,
            "SELECT id, ticket_id, device_id, owner, kinds, message, status, agent_id, created_at "
            "FROM diagnostics_requests WHERE app=?1 AND (?2 IS NULL OR ticket_id=?2) "
            "ORDER BY created_at DESC LIMIT 500");
    q.bind(1, app).bind(2, ticket_id);
    std::vector<DiagnosticsRequestRecord> out;
    while (q.step()) out.push_back(request_row(q));
    return out;
  }

  // ---- device views, server rules, device rule sets (store/sqlite_device_views.cpp)
  void touch_device(const std::string &app, const std::string &device_id, const DeviceSeen &seen) override {
    device_views::touch_device(*db_, diag_device_key(app, device_id), seen);
  }
  std::vector<DeviceSummaryRecord> list_device_summaries(const std::string &app,
                                                         const DeviceFilter &f) override {
    return device_views::list_device_summaries(*db_, app, f);
  }
  std::optional<DeviceSummaryRecord> find_device_summary(const std::string &app,
                                                         const std::string &device_id) override {
    return device_views::find_device_summary(*db_, app, device_id);
  }
  std::vector<DiagnosticRecord> device_diagnostics(const std::string &app, const std::string &device_id,
                                                   const DiagnosticFilter &f) override {
    return device_views::device_diagnostics(*db_, app, device_id, f);
  }
  std::vector<TicketRecord> device_tickets(const std::string &app, const std::string &device_id, int64_t from,
                                           int64_t to, int limit) override {
    Query q(*db_, "SELECT " TICKET_COLS
                  " FROM tickets WHERE app=?1 AND device_id=?2 AND created_at>=?3 AND created_at<?4 "
                  "ORDER BY created_at LIMIT ?5");
    q.bind(1, app).bind(2, device_id).bind(3, from).bind(4, to).bind(5, limit);
    std::vector<TicketRecord> out;
    while (q.step()) out.push_back(ticket_row(q));
    return out;
  }
  std::vector<RuleFiringRecord> device_rule_firings(const std::string &app, const std::string &device_id,
                                                    int64_t from, int64_t to, int limit) override {
    return device_views::device_rule_firings(*db_, app, device_id, from, to, limit);
  }
  std::vector<ServerRuleRecord> list_server_rules(const std::string &app) override {
    return device_views::list_server_rules(*db_, app);
  }
  std::optional<ServerRuleRecord> find_server_rule(const std::string &app, const std::string &id) override {
    return device_views::find_server_rule(*db_, app, id);
  }
  void upsert_server_rule(const std::string &app, const ServerRuleRecord &r) override {
    device_views::upsert_server_rule(*db_, app, r);
  }
  bool delete_server_rule(const std::string &app, const std::string &id) override {
    return device_views::delete_server_rule(*db_, app, id);
  }
  void insert_rule_firing(const std::string &app, const RuleFiringRecord &f) override {
    device_views::insert_rule_firing(*db_, app, f);
  }
  int64_t rule_firing_count(const std::string &app, const std::string &rule_id) override {
    return device_views::rule_firing_count(*db_, app, rule_id);
  }
  std::optional<TicketRecord> open_proactive_ticket(const std::string &app, const std::string &rule_id,
                                                    const std::string &device_id) override {
    Query q(
        *db_,
        "SELECT " TICKET_COLS
        " FROM tickets WHERE app=?1 AND proactive_rule=?2 AND device_id=?3 AND status IN ('open','pending') "
        "LIMIT 1");
    q.bind(1, app).bind(2, rule_id).bind(3, device_id);
    if (!q.step()) return std::nullopt;
    return ticket_row(q);
  }
  std::optional<DeviceRuleSetRecord> find_device_rule_set(const std::string &app) override {
    return device_views::find_device_rule_set(*db_, app);
  }
  void save_device_rule_set(const std::string &app, const DeviceRuleSetRecord &r) override {
    device_views::save_device_rule_set(*db_, app, r);
  }

  void move_owned(const std::string &app, const std::string &from_owner,
                  const std::string &to_owner) override {
    {
      Query q(*db_, "UPDATE attachments SET owner=?3 WHERE app=?1 AND owner=?2");
      q.bind(1, app).bind(2, from_owner).bind(3, to_owner).run();
    }
    Query q(*db_, "UPDATE surveys SET owner=?3 WHERE app=?1 AND owner=?2");
    q.bind(1, app).bind(2, from_owner).bind(3, to_owner).run();
  }

  // ---- privacy (store/sqlite_privacy.cpp)
  std::vector<std::string> user_devices(const std::string &app, const std::string &sub) override {
    return privacy::user_devices(*db_, app, sub);
  }
  EraseCounts erase(const std::string &app, const EraseScope &scope) override {
    cached_dev_key_ = 0;  // diag_devices rows may go
    return privacy::erase(*db_, app, scope);
  }
  void unlink_device(const std::string &app, const std::string &device_id, const std::string &sub) override {
    privacy::unlink_device(*db_, app, device_id, sub);
  }
  ExportData export_data(const std::string &app, const EraseScope &scope, int max_diagnostics) override {
    return privacy::export_data(*db_, app, scope, max_diagnostics);
  }
  void insert_erasure(const std::string &app, const ErasureRecord &r) override {
    privacy::insert_erasure(*db_, app, r);
  }
  std::vector<ErasureRecord> list_erasures(const std::string &app, int limit) override {
    return privacy::list_erasures(*db_, app, limit);
  }

  // ---- agents
  void insert_agent(const std::string &app, const AgentRecord &a) override {
    Query q(*db_,
            "INSERT INTO agents(app, id, email, name, role, password_hash, created_at) "
            "VALUES(?1,?2,?3,?4,?5,?6,?7)");
    q.bind(1, app)
        .bind(2, a.id)
        .bind(3, a.email)
        .bind(4, a.name)
        .bind(5, a.role)
        .bind(6, a.password_hash)
        .bind(7, a.created_at)
        .run();
  }
  static AgentRecord agent_row(Query &q) {
    return AgentRecord{q.text(0), q.text(1), q.text(2), q.text(3), q.text(4), q.i64(5)};
  }
  std::optional<AgentRecord> find_agent_by_email(const std::string &app, const std::string &email) override {
    Query q(*db_,
            "SELECT id, email, name, role, password_hash, created_at FROM agents WHERE app=?1 AND email=?2");
    q.bind(1, app).bind(2, email);
    if (!q.step()) return std::nullopt;
    return agent_row(q);
  }
  std::optional<AgentRecord> find_agent(const std::string &app, const std::string &id) override {
    Query q(*db_,
            "SELECT id, email, name, role, password_hash, created_at FROM agents WHERE app=?1 AND id=?2");
    q.bind(1, app).bind(2, id);
    if (!q.step()) return std::nullopt;
    return agent_row(q);
  }
  std::vector<AgentRecord> list_agents(const std::string &app) override {
    Query q(
        *db_,
        "SELECT id, email, name, role, password_hash, created_at FROM agents WHERE app=?1 ORDER BY email");
    q.bind(1, app);
    std::vector<AgentRecord> out;
    while (q.step()) out.push_back(agent_row(q));
    return out;
  }
  void insert_agent_session(const std::string &token_hash, const std::string &app,
                            const std::string &agent_id, int64_t expires_at) override {
    {
      Query d(*db_, "DELETE FROM agent_sessions WHERE expires_at < ?1");
      d.bind(1, expires_at - int64_t(400) * 24 * 3600 * 1000).run();
    }
    Query q(*db_, "INSERT INTO agent_sessions(token_hash, app, agent_id, expires_at) VALUES(?1,?2,?3,?4)");
    q.bind(1, token_hash).bind(2, app).bind(3, agent_id).bind(4, expires_at).run();
  }
  std::optional<std::pair<std::string, std::string>> find_agent_session(const std::string &token_hash,
                                                                        int64_t now) override {
    Query q(*db_, "SELECT app, agent_id FROM agent_sessions WHERE token_hash=?1 AND expires_at>?2");
    q.bind(1, token_hash).bind(2, now);
    if (!q.step()) return std::nullopt;
    return std::make_pair(q.text(0), q.text(1));
  }
  void delete_agent_session(const std::string &token_hash) override {
    Query q(*db_, "DELETE FROM agent_sessions WHERE token_hash=?1");
    q.bind(1, token_hash).run();
  }

 private:
  SqliteStore &store_;
  SqliteDb *db_;
  std::unique_lock<std::mutex> lock_;
  std::unique_ptr<SqliteDb> reader_;
  bool writable_;
  bool done_ = false;
  int64_t cached_dev_key_ = 0;
  std::string cached_dev_app_, cached_dev_id_;
};

}  // namespace

namespace {

int on_wal_commit(void *ctx, sqlite3 *, const char *, int pages) {
  if (pages >= 1000) static_cast<SqliteStore *>(ctx)->request_checkpoint();
  return SQLITE_OK;
}

}  // namespace

SqliteStore::SqliteStore(const std::string &path) : path_(path) {
  writer_ = std::make_unique<SqliteDb>(path);
  migrate(*writer_);
  writer_->exec("PRAGMA wal_autocheckpoint=0");
  sqlite3_wal_hook(writer_->handle(), on_wal_commit, this);
  ckpt_thread_ = std::thread([this] { checkpoint_loop(); });
}

void SqliteStore::request_checkpoint() {
  {
    std::lock_guard<std::mutex> g(ckpt_mutex_);
    ckpt_wanted_ = true;
  }
  ckpt_cv_.notify_one();
}

void SqliteStore::checkpoint_loop() {
  std::unique_ptr<SqliteDb> db;
  try {
    db = std::make_unique<SqliteDb>(path_);
  } catch (const std::exception &e) {
    std::fprintf(stderr, "helpline-server: checkpointer disabled: %s\n", e.what());
    return;
  }
  std::unique_lock<std::mutex> lock(ckpt_mutex_);
  for (;;) {
    ckpt_cv_.wait(lock, [this] { return ckpt_wanted_ || ckpt_stop_; });
    if (ckpt_stop_) return;
    ckpt_wanted_ = false;
    lock.unlock();
    int log_pages = 0, done_pages = 0;
    int rc =
        sqlite3_wal_checkpoint_v2(db->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &log_pages, &done_pages);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY)
      std::fprintf(stderr, "helpline-server: WAL checkpoint failed: %s\n", sqlite3_errmsg(db->handle()));
    lock.lock();
  }
}

SqliteStore::~SqliteStore() {
  {
    std::lock_guard<std::mutex> g(ckpt_mutex_);
    ckpt_stop_ = true;
  }
  ckpt_cv_.notify_one();
  if (ckpt_thread_.joinable()) ckpt_thread_.join();
  readers_.clear();
  try {
    writer_->exec("PRAGMA wal_checkpoint(TRUNCATE)");
  } catch (...) {
    // Closing still checkpoints; a failed explicit checkpoint only leaves a larger WAL.
  }
}

std::unique_ptr<StoreTx> SqliteStore::write() {
  std::unique_lock<std::mutex> lock(write_mutex_);
  return std::make_unique<SqliteTx>(*this, *writer_, std::move(lock));
}

std::unique_ptr<StoreTx> SqliteStore::read() {
  return std::make_unique<SqliteTx>(*this, take_reader());
}

std::unique_ptr<SqliteDb> SqliteStore::take_reader() {
  {
    std::lock_guard<std::mutex> g(pool_mutex_);
    if (!readers_.empty()) {
      auto db = std::move(readers_.back());
      readers_.pop_back();
      return db;
    }
  }
  return std::make_unique<SqliteDb>(path_);
}

void SqliteStore::give_reader(std::unique_ptr<SqliteDb> db) {
  std::lock_guard<std::mutex> g(pool_mutex_);
  if (readers_.size() < 16) readers_.push_back(std::move(db));
}

}  // namespace helpline::server
