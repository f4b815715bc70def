// SQLite side of AgentRepo (store/agent_repo.hpp).
#include "store/sqlite/sqlite_repos.hpp"

namespace helpline::server {

namespace {

AgentRecord agent_row(Query &q) {
  return AgentRecord{q.text(0), q.text(1), q.text(2), q.text(3), q.text(4), q.i64(5)};
}

}  // namespace

void SqliteAgentRepo::insert(const std::string &app, const AgentRecord &a) {
  Query q(db_,
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

std::optional<AgentRecord> SqliteAgentRepo::find_by_email(const std::string &app, const std::string &email) {
  Query q(db_,
          "SELECT id, email, name, role, password_hash, created_at FROM agents WHERE app=?1 AND email=?2");
  q.bind(1, app).bind(2, email);
  if (!q.step()) return std::nullopt;
  return agent_row(q);
}

std::optional<AgentRecord> SqliteAgentRepo::find(const std::string &app, const std::string &id) {
  Query q(db_, "SELECT id, email, name, role, password_hash, created_at FROM agents WHERE app=?1 AND id=?2");
  q.bind(1, app).bind(2, id);
  if (!q.step()) return std::nullopt;
  return agent_row(q);
}

std::vector<AgentRecord> SqliteAgentRepo::list(const std::string &app) {
  Query q(db_,
          "SELECT id, email, name, role, password_hash, created_at FROM agents WHERE app=?1 ORDER BY email");
  q.bind(1, app);
  std::vector<AgentRecord> out;
  while (q.step()) out.push_back(agent_row(q));
  return out;
}

void SqliteAgentRepo::insert_session(const std::string &token_hash, const std::string &app,
                                     const std::string &agent_id, int64_t expires_at) {
  {
    Query d(db_, "DELETE FROM agent_sessions WHERE expires_at < ?1");
    d.bind(1, expires_at - int64_t(400) * 24 * 3600 * 1000).run();
  }
  Query q(db_, "INSERT INTO agent_sessions(token_hash, app, agent_id, expires_at) VALUES(?1,?2,?3,?4)");
  q.bind(1, token_hash).bind(2, app).bind(3, agent_id).bind(4, expires_at).run();
}

std::optional<std::pair<std::string, std::string>> SqliteAgentRepo::find_session(
    const std::string &token_hash, int64_t now) {
  Query q(db_, "SELECT app, agent_id FROM agent_sessions WHERE token_hash=?1 AND expires_at>?2");
  q.bind(1, token_hash).bind(2, now);
  if (!q.step()) return std::nullopt;
  return std::make_pair(q.text(0), q.text(1));
}

void SqliteAgentRepo::delete_session(const std::string &token_hash) {
  Query q(db_, "DELETE FROM agent_sessions WHERE token_hash=?1");
  q.bind(1, token_hash).run();
}

}  // namespace helpline::server
