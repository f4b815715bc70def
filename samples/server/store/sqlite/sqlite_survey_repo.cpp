// SQLite side of SurveyRepo (store/survey_repo.hpp).
#include "store/sqlite/sqlite_repos.hpp"

namespace helpline::server {

bool SqliteSurveyRepo::exists(const std::string &app, const std::string &id) {
  Query q(db_, "SELECT 1 FROM surveys WHERE app=?1 AND id=?2");
  q.bind(1, app).bind(2, id);
  return q.step();
}

void SqliteSurveyRepo::insert(const std::string &app, const SurveyRecord &s) {
  Query q(db_,
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

bool SqliteSurveyRepo::deflection_exists(const std::string &app, const std::string &id) {
  Query q(db_, "SELECT 1 FROM deflections WHERE app=?1 AND id=?2");
  q.bind(1, app).bind(2, id);
  return q.step();
}

void SqliteSurveyRepo::insert_deflection(const std::string &app, const DeflectionRecord &d) {
  Query q(db_,
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

std::vector<DeflectionRecord> SqliteSurveyRepo::deflected_queries(const std::string &app, int limit) {
  Query q(db_,
          "SELECT id, owner, device_id, article_ids, query, ticket_id, created_at FROM deflections "
          "WHERE app=?1 AND ticket_id IS NULL AND query IS NOT NULL ORDER BY created_at DESC LIMIT ?2");
  q.bind(1, app).bind(2, limit);
  std::vector<DeflectionRecord> out;
  while (q.step())
    out.push_back(
        DeflectionRecord{q.text(0), q.text(1), q.text(2), q.text(3), q.opt_text(4), q.opt_text(5), q.i64(6)});
  return out;
}

bool SqliteSurveyRepo::prompt_exists(const std::string &app, const std::string &id) {
  Query q(db_, "SELECT 1 FROM survey_prompts WHERE app=?1 AND id=?2");
  q.bind(1, app).bind(2, id);
  return q.step();
}

void SqliteSurveyRepo::insert_prompt(const std::string &app, const SurveyPromptRecord &p) {
  Query q(db_,
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

std::vector<SurveyPromptRecord> SqliteSurveyRepo::prompts(const std::string &app, int limit) {
  Query q(db_,
          "SELECT id, kind, reason, ticket_id, target, agent_id, devices, created_at FROM survey_prompts "
          "WHERE app=?1 ORDER BY created_at DESC, id DESC LIMIT ?2");
  q.bind(1, app).bind(2, limit);
  std::vector<SurveyPromptRecord> out;
  while (q.step())
    out.push_back(SurveyPromptRecord{q.text(0), q.text(1), q.text(2), q.opt_text(3), q.opt_text(4),
                                     q.opt_text(5), q.i64(6), q.i64(7)});
  return out;
}

}  // namespace helpline::server
