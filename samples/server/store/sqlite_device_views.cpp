#include "store/sqlite_device_views.hpp"

namespace helpline::server::device_views {

namespace {

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

DiagnosticRecord diagnostic_row(Query &q, const std::string &device_id) {
  DiagnosticRecord d;
  d.seq = q.i64(0);
  d.device_id = device_id;
  d.idempotency_key = q.text(1);
  d.kind = q.text(2);
  d.name = q.text(3);
  d.ts = q.i64(4);
  d.level = q.opt_text(5);
  d.message = q.opt_text(6);
  d.value = q.opt_dbl(7);
  d.attributes_json = q.text(8);
  d.ticket_id = q.opt_text(9);
  d.request_id = q.opt_text(10);
  d.received_at = q.i64(11);
  return d;
}

ServerRuleRecord rule_row(Query &q) {
  ServerRuleRecord r;
  r.id = q.text(0);
  r.definition_json = q.text(1);
  r.enabled = q.i64(2) != 0;
  r.agent_id = q.text(3);
  r.created_at = q.i64(4);
  r.updated_at = q.i64(5);
  return r;
}

}  // namespace

void register_device(SqliteDb &db, const std::string &app, const std::string &device_id) {
  Query q(db, "INSERT OR IGNORE INTO diag_devices(app, device_id) VALUES(?1,?2)");
  q.bind(1, app).bind(2, device_id).run();
}

void touch_device(SqliteDb &db, int64_t dev_key, const DeviceSeen &seen) {
  Query q(db,
          "UPDATE diag_devices SET last_seen=max(COALESCE(last_seen,0),?2), "
          "last_error_at=CASE WHEN ?3 IS NULL THEN last_error_at ELSE max(COALESCE(last_error_at,0),?3) END, "
          "last_warning_at=CASE WHEN ?4 IS NULL THEN last_warning_at "
          "ELSE max(COALESCE(last_warning_at,0),?4) END WHERE id=?1");
  q.bind(1, dev_key).bind(2, seen.at).bind(3, seen.error_at).bind(4, seen.warning_at).run();
}

std::vector<DeviceSummaryRecord> list_device_summaries(SqliteDb &db, const std::string &app,
                                                       const DeviceFilter &f) {
  Query q(db, "SELECT " SUMMARY_COLS
              " FROM diag_devices dd LEFT JOIN devices d ON d.app=dd.app AND d.device_id=dd.device_id "
              "WHERE dd.app=?1 AND (?2=0 OR dd.id<?2) AND (?3 IS NULL OR instr(dd.device_id, ?3)>0 OR "
              "instr(COALESCE(d.attrs,''), ?3)>0) ORDER BY dd.id DESC LIMIT ?4");
  q.bind(1, app).bind(2, f.before_seq).bind(3, f.contains).bind(4, f.limit);
  std::vector<DeviceSummaryRecord> out;
  while (q.step()) out.push_back(summary_row(q));
  return out;
}

std::optional<DeviceSummaryRecord> find_device_summary(SqliteDb &db, const std::string &app,
                                                       const std::string &device_id) {
  Query q(db, "SELECT " SUMMARY_COLS
              " FROM diag_devices dd LEFT JOIN devices d ON d.app=dd.app AND d.device_id=dd.device_id "
              "WHERE dd.app=?1 AND dd.device_id=?2");
  q.bind(1, app).bind(2, device_id);
  if (!q.step()) return std::nullopt;
  return summary_row(q);
}

std::vector<DiagnosticRecord> device_diagnostics(SqliteDb &db, const std::string &app,
                                                 const std::string &device_id, const DiagnosticFilter &f) {
  Query q(
      db,
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
  while (q.step()) out.push_back(diagnostic_row(q, device_id));
  return out;
}

std::vector<RuleFiringRecord> device_rule_firings(SqliteDb &db, const std::string &app,
                                                  const std::string &device_id, int64_t from, int64_t to,
                                                  int limit) {
  Query q(db,
          "SELECT seq, rule_id, action, ticket_id, notice_id, diagnostic_seq, value, at FROM rule_firings "
          "WHERE app=?1 AND device_id=?2 AND at>=?3 AND at<?4 ORDER BY at LIMIT ?5");
  q.bind(1, app).bind(2, device_id).bind(3, from).bind(4, to).bind(5, limit);
  std::vector<RuleFiringRecord> out;
  while (q.step()) {
    RuleFiringRecord f;
    f.seq = q.i64(0);
    f.rule_id = q.text(1);
    f.device_id = device_id;
    f.action = q.text(2);
    f.ticket_id = q.opt_text(3);
    f.notice_id = q.opt_text(4);
    f.diagnostic_seq = q.i64(5);
    f.value = q.opt_dbl(6);
    f.at = q.i64(7);
    out.push_back(std::move(f));
  }
  return out;
}

std::vector<ServerRuleRecord> list_server_rules(SqliteDb &db, const std::string &app) {
  Query q(db,
          "SELECT id, definition, enabled, agent_id, created_at, updated_at FROM server_rules WHERE app=?1 "
          "ORDER BY created_at, id");
  q.bind(1, app);
  std::vector<ServerRuleRecord> out;
  while (q.step()) out.push_back(rule_row(q));
  return out;
}

std::optional<ServerRuleRecord> find_server_rule(SqliteDb &db, const std::string &app,
                                                 const std::string &id) {
  Query q(db,
          "SELECT id, definition, enabled, agent_id, created_at, updated_at FROM server_rules WHERE app=?1 "
          "AND id=?2");
  q.bind(1, app).bind(2, id);
  if (!q.step()) return std::nullopt;
  return rule_row(q);
}

void upsert_server_rule(SqliteDb &db, const std::string &app, const ServerRuleRecord &r) {
  Query q(
      db,
      "INSERT OR REPLACE INTO server_rules(app, id, definition, enabled, agent_id, created_at, updated_at) "
      "VALUES(?1,?2,?3,?4,?5,?6,?7)");
  q.bind(1, app)
      .bind(2, r.id)
      .bind(3, r.definition_json)
      .bind(4, r.enabled)
      .bind(5, r.agent_id)
      .bind(6, r.created_at)
      .bind(7, r.updated_at)
      .run();
}

bool delete_server_rule(SqliteDb &db, const std::string &app, const std::string &id) {
  Query q(db, "DELETE FROM server_rules WHERE app=?1 AND id=?2");
  q.bind(1, app).bind(2, id).run();
  return q.changes() > 0;
}

void insert_rule_firing(SqliteDb &db, const std::string &app, const RuleFiringRecord &f) {
  Query q(db,
          "INSERT INTO rule_firings(app, rule_id, device_id, action, ticket_id, notice_id, diagnostic_seq, "
          "value, at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)");
  q.bind(1, app)
      .bind(2, f.rule_id)
      .bind(3, f.device_id)
      .bind(4, f.action)
      .bind(5, f.ticket_id)
      .bind(6, f.notice_id)
      .bind(7, f.diagnostic_seq)
      .bind(8, f.value)
      .bind(9, f.at)
      .run();
}

int64_t rule_firing_count(SqliteDb &db, const std::string &app, const std::string &rule_id) {
  Query q(db, "SELECT count(*) FROM rule_firings WHERE app=?1 AND rule_id=?2");
  q.bind(1, app).bind(2, rule_id);
  return q.step() ? q.i64(0) : 0;
}

std::optional<DeviceRuleSetRecord> find_device_rule_set(SqliteDb &db, const std::string &app) {
  Query q(db, "SELECT version, rules, agent_id, updated_at FROM device_rule_sets WHERE app=?1");
  q.bind(1, app);
  if (!q.step()) return std::nullopt;
  return DeviceRuleSetRecord{q.i64(0), q.text(1), q.opt_text(2), q.i64(3)};
}

void save_device_rule_set(SqliteDb &db, const std::string &app, const DeviceRuleSetRecord &r) {
  Query q(db,
          "INSERT OR REPLACE INTO device_rule_sets(app, version, rules, agent_id, updated_at) "
          "VALUES(?1,?2,?3,?4,?5)");
  q.bind(1, app).bind(2, r.version).bind(3, r.rules_json).bind(4, r.agent_id).bind(5, r.updated_at).run();
}

}  // namespace helpline::server::device_views
