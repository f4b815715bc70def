#include "faq/engine/faq_catalog.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "base/clock.hpp"
#include "base/error.hpp"
#include "base/json_out.hpp"
#include "base/sqlite.hpp"
#include "base/utf8.hpp"
#include "faq/engine/faq_spelling.hpp"

namespace helpline::detail {
namespace {

struct Section {
  std::string id, locale, title;
  int64_t position = 0, updated_at = 0;
};

struct Article {
  std::string id, section_id, locale, title, body, tags, keywords;
  int64_t position = 0, helpful = 0, not_helpful = 0, updated_at = 0;
};

struct Expansion {
  std::string term, lang, targets;  // targets tab-separated
};

}  // namespace

struct FaqCatalog::Answer {
  bool full = false;
  bool has_expansions = false;  // present: replaces the whole table
  std::vector<Section> sections;
  std::vector<Article> articles;
  std::vector<std::string> deleted_sections, deleted_articles;
  std::vector<Expansion> expansions;
  std::string cursor;
};

namespace {

// Bounds on the expansions a device keeps, whatever a server sends (docs/protocol.md section 9).
constexpr size_t kMaxExpansions = 4096, kMaxTargets = 8, kMaxExpansionBytes = 64;

[[noreturn]] void bad(const std::string &where, const char *what) {
  throw Error(HELPLINE_E_INVALID_JSON, "faq: " + where + ": " + what);
}

// Reads typed members; `where` names the element in error messages ("articles[3].title").
class Fields {
 public:
  Fields(const rapidjson::Value &v, std::string where) : v_(v), where_(std::move(where)) {
    if (!v.IsObject()) bad(where_, "expected an object");
  }
  std::string text(const char *key, bool required = true) const {
    auto it = v_.FindMember(key);
    if (it == v_.MemberEnd() || it->value.IsNull()) {
      if (required) bad(where_ + "." + key, "required");
      return {};
    }
    if (!it->value.IsString()) bad(where_ + "." + key, "expected a string");
    return std::string(it->value.GetString(), it->value.GetStringLength());
  }
  std::string id(const char *key) const {
    std::string s = text(key);
    if (s.empty()) bad(where_ + "." + key, "empty id");
    return s;
  }
  int64_t integer(const char *key) const {
    auto it = v_.FindMember(key);
    if (it == v_.MemberEnd() || it->value.IsNull()) return 0;
    if (!it->value.IsInt64()) bad(where_ + "." + key, "expected an integer");
    return it->value.GetInt64();
  }
  const rapidjson::Value *array(const char *key) const {
    auto it = v_.FindMember(key);
    if (it == v_.MemberEnd() || it->value.IsNull()) return nullptr;
    if (!it->value.IsArray()) bad(where_ + "." + key, "expected an array");
    return &it->value;
  }

 private:
  const rapidjson::Value &v_;
  std::string where_;
};

std::vector<std::string> ids(const rapidjson::Value *arr, const std::string &where) {
  std::vector<std::string> out;
  if (arr == nullptr) return out;
  for (const auto &v : arr->GetArray()) {
    if (!v.IsString() || v.GetStringLength() == 0) bad(where, "expected non-empty id strings");
    out.emplace_back(v.GetString(), v.GetStringLength());
  }
  return out;
}

// Tags are stored as normalised JSON (returned verbatim by article_json) and as plain words for the
// index, where they act as the author's synonyms.
void read_tags(const Fields &f, const std::string &where, Article &a) {
  a.tags = "[]";
  if (const rapidjson::Value *tags = f.array("tags")) {
    for (const auto &t : tags->GetArray()) {
      if (!t.IsString()) bad(where + ".tags", "expected strings");
      a.keywords.append(t.GetString(), t.GetStringLength()).append(" ; ");
    }
    a.tags = to_json(*tags);
  }
}

// An answer nests 3 levels; refusing deep nesting before parsing keeps RapidJSON's recursive parser
// (the one the rest of the SDK uses) from exhausting a thread's stack on garbage.
bool too_deep(const std::string &json, int max) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : json) {
    if (in_string) {
      in_string = escaped || c != '"';
      escaped = !escaped && c == '\\';
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

FaqCatalog::Answer parse(const std::string &json) {
  if (!is_valid_utf8(json)) bad("answer", "not valid UTF-8");
  if (too_deep(json, 16)) bad("answer", "nested too deep");
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError()) bad("answer", rapidjson::GetParseError_En(doc.GetParseError()));
  Fields top(doc, "answer");
  FaqCatalog::Answer a;
  auto full = doc.FindMember("full");
  if (full != doc.MemberEnd() && !full->value.IsBool()) bad("answer.full", "expected a boolean");
  a.full = full != doc.MemberEnd() && full->value.GetBool();
  a.cursor = top.text("cursor");
  if (const rapidjson::Value *secs = top.array("sections")) {
    for (rapidjson::SizeType i = 0; i < secs->Size(); ++i) {
      std::string where = "sections[" + std::to_string(i) + "]";
      Fields f((*secs)[i], where);
      a.sections.push_back(
          {f.id("id"), f.text("locale"), f.text("title"), f.integer("position"), f.integer("updated_at")});
    }
  }
  if (const rapidjson::Value *arts = top.array("articles")) {
    for (rapidjson::SizeType i = 0; i < arts->Size(); ++i) {
      std::string where = "articles[" + std::to_string(i) + "]";
      Fields f((*arts)[i], where);
      Article art;
      art.id = f.id("id");
      art.section_id = f.text("section_id");
      art.locale = f.text("locale");
      art.title = f.text("title");
      art.body = f.text("body", false);
      read_tags(f, where, art);
      art.position = f.integer("position");
      art.helpful = f.integer("helpful_count");
      art.not_helpful = f.integer("not_helpful_count");
      art.updated_at = f.integer("updated_at");
      a.articles.push_back(std::move(art));
    }
  }
  if (const rapidjson::Value *exp = top.array("expansions")) {
    a.has_expansions = true;
    for (rapidjson::SizeType i = 0; i < exp->Size() && a.expansions.size() < kMaxExpansions; ++i) {
      Fields f((*exp)[i], "expansions[" + std::to_string(i) + "]");
      Expansion e{f.text("term"), language_of(f.text("locale", false)), {}};
      for (const std::string &t : ids(f.array("to"), "expansions.to"))
        if (t.size() <= kMaxExpansionBytes && t.find('\t') == std::string::npos &&
            std::count(e.targets.begin(), e.targets.end(), '\t') < static_cast<long>(kMaxTargets) - 1)
          e.targets += (e.targets.empty() ? "" : "\t") + t;
      if (!e.term.empty() && e.term.size() <= kMaxExpansionBytes && !e.targets.empty())
        a.expansions.push_back(std::move(e));
    }
  }
  auto del = doc.FindMember("deleted");
  if (del != doc.MemberEnd() && !del->value.IsNull()) {
    Fields d(del->value, "answer.deleted");
    a.deleted_sections = ids(d.array("sections"), "deleted.sections");
    a.deleted_articles = ids(d.array("articles"), "deleted.articles");
  }
  return a;
}

// Applies one answer inside the caller's transaction. The vocabulary's document frequencies are
// summed in memory and written once at the end.
class Writer {
 public:
  Writer(sqlite3 *db, const WordSplitter &words, Stemmer &stemmer)
      : db_(db), words_(words), stemmer_(stemmer) {}

  int64_t remove_article(const std::string &id) {
    ResetOnExit r(find_);
    if (!find_.bind(1, id).step()) return 0;
    int64_t rid = find_.column_int64(3);
    std::vector<Word> parts[3];
    split(find_.column_text(0), find_.column_text(1), find_.column_text(2), -1, parts);
    {
      ResetOnExit f(indexed_);
      if (indexed_.bind(1, rid).step())
        count_forms(indexed_.column_text(0) + ' ' + indexed_.column_text(1) + ' ' + indexed_.column_text(2) +
                        ' ' + indexed_.column_text(3),
                    -1);
    }
    remove_.bind(1, id).run();
    unindex_.bind(1, rid).run();
    return 1;
  }

  void insert_article(const Article &a) {
    std::vector<Word> parts[3];
    std::string codes = split(a.title, a.keywords, a.body, +1, parts);
    std::string lang = language_of(a.locale);
    insert_.bind(1, a.id).bind(2, a.section_id).bind(3, a.locale).bind(4, lang).bind(5, a.title);
    insert_.bind(6, a.body).bind(7, a.tags).bind(8, a.position).bind(9, a.helpful).bind(10, a.not_helpful);
    insert_.bind(11, a.updated_at).bind(12, a.keywords).bind(13, codes).run();
    std::string title = index_text(a.title, parts[0], stemmer_, lang);
    std::string keywords = index_text(a.keywords, parts[1], stemmer_, lang);
    std::string body = index_text(a.body, parts[2], stemmer_, lang);
    index_.bind(1, sqlite3_last_insert_rowid(db_))
        .bind(2, title)
        .bind(3, keywords)
        .bind(4, codes)
        .bind(5, body);
    index_.run();
    count_forms(title + ' ' + keywords + ' ' + codes + ' ' + body, +1);
  }

  void replace_expansions(const std::vector<Expansion> &expansions) {
    exec(db_, "DELETE FROM faq_expansions");
    Statement put(db_, "INSERT OR REPLACE INTO faq_expansions (term, lang, targets) VALUES (?1, ?2, ?3)");
    for (const auto &e : expansions) {
      // Looked up by the words of a query as the index holds them (stemmed in the entry's language).
      std::string key = index_text(e.term, words_.split(e.term), stemmer_, e.lang);
      if (!key.empty()) put.bind(1, key).bind(2, e.lang).bind(3, e.targets).run();
    }
  }

  // Writes the document frequencies counted (surface words and index forms) once per answer.
  void flush_terms() {
    for (bool forms : {false, true}) {
      std::string table = forms ? "faq_forms" : "faq_terms";
      Statement up(db_, ("INSERT INTO " + table +
                         " (term, df) VALUES (?1, ?2) ON CONFLICT (term) DO UPDATE SET df = df + excluded.df")
                            .c_str());
      for (const auto &[term, n] : forms ? forms_ : df_)
        if (n.df != 0) up.bind(1, term).bind(2, n.df).run();
      exec(db_, ("DELETE FROM " + table + " WHERE df <= 0").c_str());
    }
  }

 private:
  // Splits an article's texts into `parts` (title, keywords, body) and adds `sign` to the document
  // frequency of every distinct term of the article; returns its codes.
  std::string split(const std::string &title, const std::string &keywords, const std::string &body, int sign,
                    std::vector<Word> (&parts)[3]) {
    const std::string *texts[] = {&title, &keywords, &body};
    std::vector<std::string> terms;
    std::string codes;
    for (int i = 0; i < 3; ++i) {
      parts[i] = words_.split(*texts[i]);
      add_vocabulary(parts[i], terms);
      if (sign > 0) codes += code_terms(parts[i]) + ' ';
    }
    ++article_;
    for (auto &t : terms) count(df_, std::move(t), sign);
    return codes;
  }

  struct Count {
    int64_t df = 0, article = 0;
  };
  using Counts = std::unordered_map<std::string, Count>;

  void count(Counts &counts, std::string term, int sign) {
    Count &c = counts[std::move(term)];
    if (c.article != article_) c.df += sign, c.article = article_;  // once per article
  }

  // The distinct forms of an article's index columns (space-separated), counted once.
  void count_forms(const std::string &indexed, int sign) {
    for (std::string &f : pieces(indexed, ' ')) count(forms_, std::move(f), sign);
  }

  sqlite3 *db_;
  const WordSplitter &words_;
  Stemmer &stemmer_;
  Counts df_, forms_;
  int64_t article_ = 0;
  Statement find_{db_, "SELECT title, keywords, body, rid FROM faq_articles WHERE id = ?1"};
  Statement remove_{db_, "DELETE FROM faq_articles WHERE id = ?1"};
  Statement unindex_{db_, "DELETE FROM faq_fts WHERE rowid = ?1"};
  Statement indexed_{db_, "SELECT title, keywords, codes, body FROM faq_fts WHERE rowid = ?1"};
  Statement insert_{db_,
                    "INSERT INTO faq_articles (id, section_id, locale, lang, title, body, tags, position, "
                    "helpful_count, not_helpful_count, updated_at, keywords, codes) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"};
  Statement index_{db_,
                   "INSERT INTO faq_fts (rowid, title, keywords, codes, body) VALUES (?1, ?2, ?3, ?4, ?5)"};
};

// Rows of `table` whose id the snapshot does not hold any more.
int64_t count_missing(sqlite3 *db, const char *sql, const std::unordered_set<std::string> &keep) {
  Statement st(db, sql);
  int64_t n = 0;
  while (st.step()) n += keep.count(st.column_text(0)) == 0 ? 1 : 0;
  return n;
}

}  // namespace

FaqCatalog::FaqCatalog(sqlite3 *db) : db_(db), words_(db) {}

FaqCatalog::~FaqCatalog() = default;

FaqApplyResult FaqCatalog::apply(const std::string &server_json) {
  return apply_answer(parse(server_json));  // everything is validated before anything is written
}

FaqApplyResult FaqCatalog::apply_answer(const Answer &answer) {
  FaqApplyResult result;
  result.full = answer.full;
  result.cursor = answer.cursor;
  result.upserted = static_cast<int64_t>(answer.sections.size() + answer.articles.size());

  Transaction tx(db_);
  Writer w(db_, words_, *stemmer_);
  if (answer.full) {
    std::unordered_set<std::string> keep;
    for (const auto &s : answer.sections) keep.insert(s.id);
    result.deleted += count_missing(db_, "SELECT id FROM faq_sections", keep);
    keep.clear();
    for (const auto &a : answer.articles) keep.insert(a.id);
    result.deleted += count_missing(db_, "SELECT id FROM faq_articles", keep);
    exec(db_,
         "DELETE FROM faq_articles; DELETE FROM faq_fts; DELETE FROM faq_sections; DELETE FROM faq_terms; "
         "DELETE FROM faq_forms;");
  } else {
    for (const auto &id : answer.deleted_articles) result.deleted += w.remove_article(id);
    Statement del(db_, "DELETE FROM faq_sections WHERE id = ?1");
    for (const auto &id : answer.deleted_sections) {
      del.bind(1, id).run();
      result.deleted += sqlite3_changes(db_);
    }
  }
  Statement sec(db_,
                "INSERT OR REPLACE INTO faq_sections (id, locale, lang, title, position, updated_at) "
                "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  for (const auto &s : answer.sections)
    sec.bind(1, s.id)
        .bind(2, s.locale)
        .bind(3, language_of(s.locale))
        .bind(4, s.title)
        .bind(5, s.position)
        .bind(6, s.updated_at)
        .run();
  for (const auto &a : answer.articles) {
    w.remove_article(a.id);  // an update may change anything (locale included); ids may repeat
    w.insert_article(a);
  }
  w.flush_terms();
  if (answer.has_expansions) w.replace_expansions(answer.expansions);
  exec(db_, "DELETE FROM faq_votes WHERE article_id NOT IN (SELECT id FROM faq_articles)");
  set_state("cursor", answer.cursor);
  // The languages a query's words are stemmed in (besides its own).
  Statement langs(db_, "SELECT group_concat(lang, ' ') FROM (SELECT DISTINCT lang FROM faq_articles)");
  set_state("langs", langs.step() ? langs.column_text(0) : std::string());
  set_state("articles", std::to_string(query_int64(db_, "SELECT count(*) FROM faq_articles")));
  tx.commit();
  return result;
}

std::string FaqCatalog::state(const char *key) {
  Statement st(db_, "SELECT value FROM faq_state WHERE key = ?1");
  st.bind(1, std::string(key));
  return st.step() ? st.column_text(0) : std::string();
}

void FaqCatalog::set_state(const char *key, const std::string &value) {
  Statement st(db_, "INSERT OR REPLACE INTO faq_state (key, value) VALUES (?1, ?2)");
  st.bind(1, std::string(key)).bind(2, value).run();
}

std::string FaqCatalog::cursor() {
  return state("cursor");
}
std::string FaqCatalog::etag() {
  return state("etag");
}
void FaqCatalog::set_etag(const std::string &etag) {
  set_state("etag", etag);
}

void FaqCatalog::forget_cursor() {
  set_state("cursor", std::string());
  set_state("etag", std::string());
}

void FaqCatalog::record_vote(const std::string &article_id, bool helpful) {
  Statement find(db_, "SELECT 1 FROM faq_articles WHERE id = ?1");
  find.bind(1, article_id);
  if (!find.step()) throw Error(HELPLINE_E_NOT_FOUND, "faq: no article " + article_id);
  Statement st(db_, "INSERT OR REPLACE INTO faq_votes (article_id, helpful, voted_at) VALUES (?1, ?2, ?3)");
  st.bind(1, article_id).bind(2, int64_t{helpful ? 1 : 0}).bind(3, now_ms()).run();
}

}  // namespace helpline::detail
