// SQLite side of MetricsRepo (store/metrics_repo.hpp).
#include "store/sqlite/sqlite_repos.hpp"

namespace helpline::server {

std::vector<TicketFact> SqliteMetricsRepo::tickets(const std::string &app, int64_t from, int64_t to) {
  Query q(db_,
          "SELECT t.created_at, t.fields, t.device, d.attrs FROM tickets t LEFT JOIN devices d "
          "ON d.app=t.app AND d.device_id=t.device_id WHERE t.app=?1 AND t.created_at>=?2 AND "
          "t.created_at<?3");
  q.bind(1, app).bind(2, from).bind(3, to);
  std::vector<TicketFact> out;
  while (q.step()) out.push_back(TicketFact{q.i64(0), q.text(1), q.text(2), q.text(3)});
  return out;
}

std::vector<FirstReplyFact> SqliteMetricsRepo::first_replies(const std::string &app, int64_t from,
                                                             int64_t to) {
  Query q(db_,
          "SELECT t.created_at, f.first FROM (SELECT ticket_id, min(created_at) AS first FROM messages "
          "WHERE app=?1 AND author_type='agent' GROUP BY ticket_id) f JOIN tickets t ON t.app=?1 AND "
          "t.id=f.ticket_id WHERE f.first>=?2 AND f.first<?3");
  q.bind(1, app).bind(2, from).bind(3, to);
  std::vector<FirstReplyFact> out;
  while (q.step()) out.push_back(FirstReplyFact{q.i64(0), q.i64(1)});
  return out;
}

std::vector<ResolutionFact> SqliteMetricsRepo::resolutions(const std::string &app, int64_t from, int64_t to) {
  // A resolution is a change from open/pending to solved/closed; a ticket counts once, at its latest one,
  // and only while it is still solved or closed.
  Query q(db_,
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

std::vector<SurveyFact> SqliteMetricsRepo::surveys(const std::string &app, int64_t from, int64_t to) {
  Query q(db_,
          "SELECT kind, score, created_at FROM surveys WHERE app=?1 AND created_at>=?2 AND created_at<?3");
  q.bind(1, app).bind(2, from).bind(3, to);
  std::vector<SurveyFact> out;
  while (q.step()) out.push_back(SurveyFact{q.text(0), q.i64(1), q.i64(2)});
  return out;
}

std::vector<DeflectionFact> SqliteMetricsRepo::deflections(const std::string &app, int64_t from, int64_t to) {
  Query q(db_,
          "SELECT created_at, ticket_id IS NOT NULL FROM deflections WHERE app=?1 AND created_at>=?2 AND "
          "created_at<?3");
  q.bind(1, app).bind(2, from).bind(3, to);
  std::vector<DeflectionFact> out;
  while (q.step()) out.push_back(DeflectionFact{q.i64(0), q.i64(1) != 0});
  return out;
}

int64_t SqliteMetricsRepo::backlog(const std::string &app, int64_t at) {
  Query q(db_,
          "SELECT count(*) FROM tickets t WHERE t.app=?1 AND t.created_at<?2 AND COALESCE((SELECT l.status "
          "FROM ticket_status_log l WHERE l.app=?1 AND l.ticket_id=t.id AND l.at<?2 ORDER BY l.at DESC, "
          "l.seq DESC LIMIT 1), 'open') IN ('open','pending')");
  q.bind(1, app).bind(2, at);
  return q.step() ? q.i64(0) : 0;
}

}  // namespace helpline::server
