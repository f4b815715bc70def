// SQLite side of DiagnosticsRepo (store/diagnostics_repo.hpp).
#include "store/sqlite/sqlite_repos.hpp"
#include "store/sqlite/sqlite_rows.hpp"

namespace helpline::server {

namespace {

DiagnosticsRequestRecord request_row(Query &q) {
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

#define SUMMARY_COLS                                                                         \
  "dd.id, dd.device_id, d.user_sub, d.attrs, d.updated_at, dd.last_seen, dd.last_error_at, " \
  "dd.last_warning_at"

DeviceSummaryRecord summary_row(Query &q) {
  DeviceSummaryRecord s;
  s.seq = q.i64(0);
  s.device_id = q.text(1);
  s.user_sub = q.opt_text(2);
  s.attrs_json = q.opt_text(3).value_or(std::string());
  s.attrs_updated_at = q.opt_i64(4);
  s.last_seen = q.opt_i64(5);
  s.last_error_at = q.opt_i64(6);
  s.last_warning_at = q.opt_i64(7);
  return s;
}

}  // namespace

int64_t DiagDeviceKeys::key(const std::string &app, const std::string &device_id) {
  if (key_ && app_ == app && device_id_ == device_id) return key_;
  {
    Query q(db_, "SELECT id FROM diag_devices WHERE app=?1 AND device_id=?2");
    q.bind(1, app).bind(2, device_id);
    if (q.step())
      key_ = q.i64(0);
    else
      key_ = 0;
  }
  if (!key_) {
    Query q(db_, "INSERT INTO diag_devices(app, device_id) VALUES(?1,?2)");
    q.bind(1, app).bind(2, device_id).run();
    key_ = sqlite3_last_insert_rowid(db_.handle());
  }
  app_ = app;
  device_id_ = device_id;
  return key_;
}

bool SqliteDiagnosticsRepo::insert(const std::string &app, DiagnosticRecord &d) {
  int64_t dev = keys_.key(app, d.device_id);
  Query q(
      db_,
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
  d.seq = sqlite3_last_insert_rowid(db_.handle());
  return true;
}

std::vector<DiagnosticRecord> SqliteDiagnosticsRepo::for_ticket(const std::string &app,
                                                                const std::string &ticket_id,
                                                                const std::vector<std::string> &devices,
                                                                const std::optional<std::string> &kind,
                                                                int64_t before_seq, int limit) {
  const std::string arr = json_array(devices);  // one static (cached) statement for any number of devices
  Query q(db_, "SELECT " DIAGNOSTIC_COLS
               " "
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

void SqliteDiagnosticsRepo::insert_request(const std::string &app, const DiagnosticsRequestRecord &r) {
  Query q(db_,
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

std::optional<DiagnosticsRequestRecord> SqliteDiagnosticsRepo::find_request(const std::string &app,
                                                                            const std::string &id) {
  Query q(db_,
          "SELECT id, ticket_id, device_id, owner, kinds, message, status, agent_id, created_at "
          "FROM diagnostics_requests WHERE app=?1 AND id=?2");
  q.bind(1, app).bind(2, id);
  if (!q.step()) return std::nullopt;
  return request_row(q);
}

void SqliteDiagnosticsRepo::fulfil_request(const std::string &app, const std::string &id) {
  Query q(db_, "UPDATE diagnostics_requests SET status='fulfilled' WHERE app=?1 AND id=?2");
  q.bind(1, app).bind(2, id).run();
}

std::vector<DiagnosticsRequestRecord> SqliteDiagnosticsRepo::requests(
    const std::string &app, const std::optional<std::string> &ticket_id) {
  Query q(db_,
          "SELECT id, ticket_id, device_id, owner, kinds, message, status, agent_id, created_at "
          "FROM diagnostics_requests WHERE app=?1 AND (?2 IS NULL OR ticket_id=?2) "
          "ORDER BY created_at DESC LIMIT 500");
  q.bind(1, app).bind(2, ticket_id);
  std::vector<DiagnosticsRequestRecord> out;
  while (q.step()) out.push_back(request_row(q));
  return out;
}

void SqliteDiagnosticsRepo::touch_device(const std::string &app, const std::string &device_id,
                                         const DeviceSeen &seen) {
  int64_t dev_key = keys_.key(app, device_id);
  Query q(db_,
          "UPDATE diag_devices SET last_seen=max(COALESCE(last_seen,0),?2), "
          "last_error_at=CASE WHEN ?3 IS NULL THEN last_error_at ELSE max(COALESCE(last_error_at,0),?3) END, "
          "last_warning_at=CASE WHEN ?4 IS NULL THEN last_warning_at "
          "ELSE max(COALESCE(last_warning_at,0),?4) END WHERE id=?1");
  q.bind(1, dev_key).bind(2, seen.at).bind(3, seen.error_at).bind(4, seen.warning_at).run();
}

std::vector<DeviceSummaryRecord> SqliteDiagnosticsRepo::device_summaries(const std::string &app,
                                                                         const DeviceFilter &f) {
  Query q(db_, "SELECT " SUMMARY_COLS
               " FROM diag_devices dd LEFT JOIN devices d ON d.app=dd.app AND d.device_id=dd.device_id "
               "WHERE dd.app=?1 AND (?2=0 OR dd.id<?2) AND (?3 IS NULL OR instr(dd.device_id, ?3)>0 OR "
               "instr(COALESCE(d.attrs,''), ?3)>0) ORDER BY dd.id DESC LIMIT ?4");
  q.bind(1, app).bind(2, f.before_seq).bind(3, f.contains).bind(4, f.limit);
  std::vector<DeviceSummaryRecord> out;
  while (q.step()) out.push_back(summary_row(q));
  return out;
}

std::optional<DeviceSummaryRecord> SqliteDiagnosticsRepo::find_device_summary(const std::string &app,
                                                                              const std::string &device_id) {
  Query q(db_, "SELECT " SUMMARY_COLS
               " FROM diag_devices dd LEFT JOIN devices d ON d.app=dd.app AND d.device_id=dd.device_id "
               "WHERE dd.app=?1 AND dd.device_id=?2");
  q.bind(1, app).bind(2, device_id);
  if (!q.step()) return std::nullopt;
  return summary_row(q);
}

std::vector<DiagnosticRecord> SqliteDiagnosticsRepo::for_device(const std::string &app,
                                                                const std::string &device_id,
                                                                const DiagnosticFilter &f) {
  Query q(
      db_,
      "SELECT seq, idem_key, kind, name, ts, level, message, value, attributes, ticket_id, request_id, "
      "received_at FROM diagnostics WHERE dev=(SELECT id FROM diag_devices WHERE app=?1 AND device_id=?2) "
      "AND (?3 IS NULL OR kind=?3) AND (?4 IS NULL OR name=?4) AND (?5 IS NULL OR level=?5) "
      "AND (?6 IS NULL OR ts>=?6) AND (?7 IS NULL OR ts<?7) AND (?8=0 OR seq<?8) "
      "ORDER BY seq DESC LIMIT ?9");
  q.bind(1, app)
      .bind(2, device_id)
      .bind(3, f.kind)
      .bind(4, f.name)
      .bind(5, f.level)
      .bind(6, f.from)
      .bind(7, f.to)
      .bind(8, f.before_seq)
      .bind(9, f.limit);
  std::vector<DiagnosticRecord> out;
  while (q.step()) out.push_back(diagnostic_row(q, &device_id));
  return out;
}

}  // namespace helpline::server
