// SQLite side of RuleRepo (store/rule_repo.hpp).
#include "store/sqlite/sqlite_repos.hpp"

namespace helpline::server {

namespace {

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

std::vector<ServerRuleRecord> SqliteRuleRepo::list(const std::string &app) {
  Query q(db_,
          "SELECT id, definition, enabled, agent_id, created_at, updated_at FROM server_rules WHERE app=?1 "
          "ORDER BY created_at, id");
  q.bind(1, app);
  std::vector<ServerRuleRecord> out;
  while (q.step()) out.push_back(rule_row(q));
  return out;
}

std::optional<ServerRuleRecord> SqliteRuleRepo::find(const std::string &app, const std::string &id) {
  Query q(db_,
          "SELECT id, definition, enabled, agent_id, created_at, updated_at FROM server_rules WHERE app=?1 "
          "AND id=?2");
  q.bind(1, app).bind(2, id);
  if (!q.step()) return std::nullopt;
  return rule_row(q);
}

void SqliteRuleRepo::upsert(const std::string &app, const ServerRuleRecord &r) {
  Query q(
      db_,
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

bool SqliteRuleRepo::remove(const std::string &app, const std::string &id) {
  Query q(db_, "DELETE FROM server_rules WHERE app=?1 AND id=?2");
  q.bind(1, app).bind(2, id).run();
  return q.changes() > 0;
}

void SqliteRuleRepo::insert_firing(const std::string &app, const RuleFiringRecord &f) {
  Query q(db_,
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

int64_t SqliteRuleRepo::firing_count(const std::string &app, const std::string &rule_id) {
  Query q(db_, "SELECT count(*) FROM rule_firings WHERE app=?1 AND rule_id=?2");
  q.bind(1, app).bind(2, rule_id);
  return q.step() ? q.i64(0) : 0;
}

std::vector<RuleFiringRecord> SqliteRuleRepo::device_firings(const std::string &app,
                                                             const std::string &device_id, int64_t from,
                                                             int64_t to, int limit) {
  Query q(db_,
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

std::optional<DeviceRuleSetRecord> SqliteRuleRepo::find_device_rule_set(const std::string &app) {
  Query q(db_, "SELECT version, rules, agent_id, updated_at FROM device_rule_sets WHERE app=?1");
  q.bind(1, app);
  if (!q.step()) return std::nullopt;
  return DeviceRuleSetRecord{q.i64(0), q.text(1), q.opt_text(2), q.i64(3)};
}

void SqliteRuleRepo::save_device_rule_set(const std::string &app, const DeviceRuleSetRecord &r) {
  Query q(db_,
          "INSERT OR REPLACE INTO device_rule_sets(app, version, rules, agent_id, updated_at) "
          "VALUES(?1,?2,?3,?4,?5)");
  q.bind(1, app).bind(2, r.version).bind(3, r.rules_json).bind(4, r.agent_id).bind(5, r.updated_at).run();
}

}  // namespace helpline::server
