// SQLite side of FaqRepo (store/faq_repo.hpp).
#include "store/sqlite/sqlite_repos.hpp"

namespace helpline::server {

namespace {

FaqSectionRecord section_row(Query &q) {
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

#define ARTICLE_COLS                                                                                \
  "id, section_id, locale, title, body, tags, position, published, deleted, helpful, not_helpful, " \
  "change_seq, "                                                                                    \
  "updated_at"

FaqArticleRecord article_row(Query &q) {
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

}  // namespace

int64_t SqliteFaqRepo::next_seq(const std::string &app) {
  Query q(db_,
          "INSERT INTO faq_state(app, seq) VALUES(?1, 1) ON CONFLICT(app) DO UPDATE SET seq=seq+1 "
          "RETURNING seq");
  q.bind(1, app);
  if (!q.step()) db_.fail("faq seq");
  return q.i64(0);
}

int64_t SqliteFaqRepo::seq(const std::string &app) {
  Query q(db_, "SELECT seq FROM faq_state WHERE app=?1");
  q.bind(1, app);
  return q.step() ? q.i64(0) : 0;
}

void SqliteFaqRepo::upsert_section(const std::string &app, const FaqSectionRecord &s) {
  Query q(db_,
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

std::optional<FaqSectionRecord> SqliteFaqRepo::find_section(const std::string &app, const std::string &id) {
  Query q(db_,
          "SELECT id, locale, title, position, deleted, change_seq, updated_at FROM faq_sections "
          "WHERE app=?1 AND id=?2");
  q.bind(1, app).bind(2, id);
  if (!q.step()) return std::nullopt;
  return section_row(q);
}

void SqliteFaqRepo::upsert_article(const std::string &app, const FaqArticleRecord &a) {
  Query q(db_,
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

std::optional<FaqArticleRecord> SqliteFaqRepo::find_article(const std::string &app, const std::string &id) {
  Query q(db_, "SELECT " ARTICLE_COLS " FROM faq_articles WHERE app=?1 AND id=?2");
  q.bind(1, app).bind(2, id);
  if (!q.step()) return std::nullopt;
  return article_row(q);
}

std::vector<FaqSectionRecord> SqliteFaqRepo::sections_since(const std::string &app, int64_t since) {
  Query q(db_,
          "SELECT id, locale, title, position, deleted, change_seq, updated_at FROM faq_sections "
          "WHERE app=?1 AND change_seq>?2 ORDER BY position, id");
  q.bind(1, app).bind(2, since);
  std::vector<FaqSectionRecord> out;
  while (q.step()) out.push_back(section_row(q));
  return out;
}

std::vector<FaqArticleRecord> SqliteFaqRepo::articles_since(const std::string &app, int64_t since) {
  Query q(db_, "SELECT " ARTICLE_COLS
               " FROM faq_articles WHERE app=?1 AND change_seq>?2 "
               "ORDER BY section_id, position, id");
  q.bind(1, app).bind(2, since);
  std::vector<FaqArticleRecord> out;
  while (q.step()) out.push_back(article_row(q));
  return out;
}

int64_t SqliteFaqRepo::live_articles_in_section(const std::string &app, const std::string &section_id) {
  Query q(db_, "SELECT count(*) FROM faq_articles WHERE app=?1 AND section_id=?2 AND deleted=0");
  q.bind(1, app).bind(2, section_id);
  return q.step() ? q.i64(0) : 0;
}

void SqliteFaqRepo::set_vote(const std::string &app, const std::string &article_id,
                             const std::string &device_id, bool helpful) {
  // The counters are aggregates adjusted by each vote (not recounted from faq_votes): votes of an erased
  // device are deleted but stay counted.
  std::optional<bool> previous;
  {
    Query q(db_, "SELECT helpful FROM faq_votes WHERE app=?1 AND article_id=?2 AND device_id=?3");
    q.bind(1, app).bind(2, article_id).bind(3, device_id);
    if (q.step()) previous = q.i64(0) != 0;
  }
  {
    Query q(db_, "INSERT OR REPLACE INTO faq_votes(app, article_id, device_id, helpful) VALUES(?1,?2,?3,?4)");
    q.bind(1, app).bind(2, article_id).bind(3, device_id).bind(4, helpful).run();
  }
  int64_t d_helpful = (helpful ? 1 : 0) - (previous && *previous ? 1 : 0);
  int64_t d_not = (helpful ? 0 : 1) - (previous && !*previous ? 1 : 0);
  Query u(db_,
          "UPDATE faq_articles SET helpful=max(0, helpful+?3), not_helpful=max(0, not_helpful+?4) "
          "WHERE app=?1 AND id=?2");
  u.bind(1, app).bind(2, article_id).bind(3, d_helpful).bind(4, d_not).run();
}

}  // namespace helpline::server

namespace helpline::server {

namespace {

FaqSynonymRecord synonym_row(Query &q) {
  return FaqSynonymRecord{q.text(0), q.text(1), q.text(2), q.text(3), q.i64(4), q.i64(5)};
}

#define SYNONYM_COLS "id, term, targets, locale, created_at, updated_at"

}  // namespace

std::vector<FaqSynonymRecord> SqliteFaqRepo::synonyms(const std::string &app) {
  Query q(db_, "SELECT " SYNONYM_COLS " FROM faq_synonyms WHERE app=?1 ORDER BY term, locale");
  q.bind(1, app);
  std::vector<FaqSynonymRecord> out;
  while (q.step()) out.push_back(synonym_row(q));
  return out;
}

std::optional<FaqSynonymRecord> SqliteFaqRepo::find_synonym(const std::string &app, const std::string &id) {
  Query q(db_, "SELECT " SYNONYM_COLS " FROM faq_synonyms WHERE app=?1 AND id=?2");
  q.bind(1, app).bind(2, id);
  if (!q.step()) return std::nullopt;
  return synonym_row(q);
}

std::optional<std::string> SqliteFaqRepo::synonym_with_term(const std::string &app, const std::string &term,
                                                            const std::string &locale) {
  Query q(db_, "SELECT id FROM faq_synonyms WHERE app=?1 AND term=?2 AND locale=?3");
  q.bind(1, app).bind(2, term).bind(3, locale);
  if (!q.step()) return std::nullopt;
  return q.text(0);
}

int64_t SqliteFaqRepo::synonym_count(const std::string &app) {
  Query q(db_, "SELECT count(*) FROM faq_synonyms WHERE app=?1");
  q.bind(1, app);
  return q.step() ? q.i64(0) : 0;
}

void SqliteFaqRepo::upsert_synonym(const std::string &app, const FaqSynonymRecord &s) {
  Query q(db_,
          "INSERT INTO faq_synonyms(app, id, term, targets, locale, created_at, updated_at) "
          "VALUES(?1,?2,?3,?4,?5,?6,?7) ON CONFLICT(app, id) DO UPDATE SET term=excluded.term, "
          "targets=excluded.targets, locale=excluded.locale, updated_at=excluded.updated_at");
  q.bind(1, app)
      .bind(2, s.id)
      .bind(3, s.term)
      .bind(4, s.targets_json)
      .bind(5, s.locale)
      .bind(6, s.created_at)
      .bind(7, s.updated_at)
      .run();
}

void SqliteFaqRepo::delete_synonym(const std::string &app, const std::string &id) {
  Query q(db_, "DELETE FROM faq_synonyms WHERE app=?1 AND id=?2");
  q.bind(1, app).bind(2, id).run();
}

int64_t SqliteFaqRepo::expansions_seq(const std::string &app) {
  Query q(db_, "SELECT change_seq FROM faq_expansion_state WHERE app=?1");
  q.bind(1, app);
  return q.step() ? q.i64(0) : 0;
}

std::map<std::string, std::string> SqliteFaqRepo::expansions(const std::string &app) {
  Query q(db_, "SELECT locale, entries FROM faq_expansions WHERE app=?1");
  q.bind(1, app);
  std::map<std::string, std::string> out;
  while (q.step()) out.emplace(q.text(0), q.text(1));
  return out;
}

void SqliteFaqRepo::set_expansions(const std::string &app, int64_t seq,
                                   const std::map<std::string, std::string> &by_locale) {
  Query(db_, "DELETE FROM faq_expansions WHERE app=?1").bind(1, app).run();
  for (const auto &[locale, entries] : by_locale) {
    Query q(db_, "INSERT INTO faq_expansions(app, locale, entries) VALUES(?1,?2,?3)");
    q.bind(1, app).bind(2, locale).bind(3, entries).run();
  }
  Query q(db_,
          "INSERT INTO faq_expansion_state(app, change_seq) VALUES(?1,?2) "
          "ON CONFLICT(app) DO UPDATE SET change_seq=excluded.change_seq");
  q.bind(1, app).bind(2, seq).run();
}

}  // namespace helpline::server
