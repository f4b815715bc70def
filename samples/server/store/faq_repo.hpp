// The FAQ: sections and articles with a per-app change sequence (deltas with tombstones), votes, agents'
// synonyms and the query expansion table devices receive.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace helpline::server {

struct FaqSectionRecord {
  std::string id;
  std::string locale;
  std::string title;
  int64_t position = 0;
  bool deleted = false;
  int64_t change_seq = 0;
  int64_t updated_at = 0;
};

struct FaqArticleRecord {
  std::string id;
  std::string section_id;
  std::string locale;
  std::string title;
  std::string body;
  std::string tags_json;  // array
  int64_t position = 0;
  bool published = true;
  bool deleted = false;
  int64_t helpful = 0;
  int64_t not_helpful = 0;
  int64_t change_seq = 0;
  int64_t updated_at = 0;
};

// An agent's synonym entry: the query expansion "term -> to" (protocol section 9.1).
struct FaqSynonymRecord {
  std::string id;
  std::string term;          // normalised (faq_expansions.hpp normalize_term)
  std::string targets_json;  // array of strings
  std::string locale;        // "" = any language
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

class FaqRepo {
 public:
  virtual ~FaqRepo() = default;
  virtual int64_t next_seq(const std::string &app) = 0;  // advances the change sequence
  virtual int64_t seq(const std::string &app) = 0;       // current change sequence (0: none yet)
  virtual void upsert_section(const std::string &app, const FaqSectionRecord &s) = 0;
  virtual std::optional<FaqSectionRecord> find_section(const std::string &app, const std::string &id) = 0;
  virtual void upsert_article(const std::string &app, const FaqArticleRecord &a) = 0;
  virtual std::optional<FaqArticleRecord> find_article(const std::string &app, const std::string &id) = 0;
  // Rows with change_seq > since (all rows incl. tombstones); since = 0 gives everything.
  virtual std::vector<FaqSectionRecord> sections_since(const std::string &app, int64_t since) = 0;
  virtual std::vector<FaqArticleRecord> articles_since(const std::string &app, int64_t since) = 0;
  virtual int64_t live_articles_in_section(const std::string &app, const std::string &section_id) = 0;
  // Sets/replaces the device's vote and adjusts the article's counters.
  virtual void set_vote(const std::string &app, const std::string &article_id, const std::string &device_id,
                        bool helpful) = 0;

  // Agents' synonyms, by term and locale.
  virtual std::vector<FaqSynonymRecord> synonyms(const std::string &app) = 0;
  virtual std::optional<FaqSynonymRecord> find_synonym(const std::string &app, const std::string &id) = 0;
  // The id of the entry holding (term, locale), if any.
  virtual std::optional<std::string> synonym_with_term(const std::string &app, const std::string &term,
                                                       const std::string &locale) = 0;
  virtual int64_t synonym_count(const std::string &app) = 0;
  virtual void upsert_synonym(const std::string &app, const FaqSynonymRecord &s) = 0;
  virtual void delete_synonym(const std::string &app, const std::string &id) = 0;

  // The expansion table devices receive: per locale, its entries as JSON objects joined by commas (a JSON
  // array without the brackets), and the change sequence at which the table last changed (0: never).
  virtual int64_t expansions_seq(const std::string &app) = 0;
  virtual std::map<std::string, std::string> expansions(const std::string &app) = 0;
  // Replaces the whole table, changed at `seq`.
  virtual void set_expansions(const std::string &app, int64_t seq,
                              const std::map<std::string, std::string> &by_locale) = 0;
};

}  // namespace helpline::server
