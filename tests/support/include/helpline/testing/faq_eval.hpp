#pragma once
// FAQ search evaluation sets (tests/data/faq*, each a catalog.json of GET /v1/faq "sections"/"articles"
// arrays and a queries.json of labelled queries), their split into a development part and a held-out
// part, the scores (MRR@10, Recall@1, Recall@5) and plain FTS5 baselines built from the same catalog in
// the same process: the yardstick the engine is measured against.
//
// The split is by a hash of the query's text and locale (about one query in three is held out), so it
// is fixed, independent of the file's order, and a query added later lands in a part by itself. The
// held-out part is for reporting only: tuning looks at the development part's misses, never at the
// held-out ones (the tests print misses of the development part only).

#include <sqlite3.h>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "base/sqlite.hpp"

namespace helpline::testing {

struct EvalQuery {
  std::string kind, text, locale;
  std::vector<std::string> relevant;
  bool held_out = false;
};

struct EvalArticle {
  std::string id, locale, title, body, tags;  // tags as words
};

struct EvalSet {
  std::string name;
  std::string sections_json, articles_json;  // the catalog's arrays as JSON text
  std::vector<EvalArticle> articles;
  std::vector<EvalQuery> queries;
};

inline std::string eval_read(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string eval_dump(const rapidjson::Value &v) {
  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  v.Accept(w);
  return std::string(b.GetString(), b.GetSize());
}

// FNV-1a of text + "\n" + locale; held out when it is 0 mod 3.
inline bool eval_held_out(const std::string &text, const std::string &locale) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (char c : text + "\n" + locale) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ull;
  }
  return h % 3 == 0;
}

inline EvalSet load_eval_set(const std::string &name, const std::string &dir) {
  EvalSet set;
  set.name = name;
  rapidjson::Document c;
  std::string text = eval_read(dir + "/catalog.json");
  c.Parse(text.c_str());
  if (c.HasParseError()) throw std::runtime_error(dir + "/catalog.json: bad JSON");
  set.sections_json = eval_dump(c["sections"]);
  set.articles_json = eval_dump(c["articles"]);
  for (const auto &a : c["articles"].GetArray()) {
    EvalArticle art{a["id"].GetString(), a["locale"].GetString(), a["title"].GetString(),
                    a.HasMember("body") ? a["body"].GetString() : "", ""};
    if (a.HasMember("tags"))
      for (const auto &t : a["tags"].GetArray()) art.tags += std::string(t.GetString()) + " ; ";
    set.articles.push_back(std::move(art));
  }
  rapidjson::Document q;
  text = eval_read(dir + "/queries.json");
  q.Parse(text.c_str());
  if (q.HasParseError()) throw std::runtime_error(dir + "/queries.json: bad JSON");
  for (const auto &x : q["queries"].GetArray()) {
    EvalQuery e{x["kind"].GetString(), x["query"].GetString(), x["locale"].GetString(), {}, false};
    for (const auto &r : x["relevant"].GetArray()) e.relevant.emplace_back(r.GetString());
    e.held_out = eval_held_out(e.text, e.locale);
    set.queries.push_back(std::move(e));
  }
  return set;
}

// Recall@k = share of a query's relevant articles in the top k, out of at most k (1.0 is reachable).
struct EvalScore {
  double mrr = 0, r1 = 0, r5 = 0;
  int n = 0;
  void add(const std::vector<std::string> &ranked, const std::vector<std::string> &relevant) {
    ++n;
    for (size_t i = 0; i < ranked.size() && i < 10; ++i) {
      if (std::find(relevant.begin(), relevant.end(), ranked[i]) != relevant.end()) {
        mrr += 1.0 / static_cast<double>(i + 1);
        break;
      }
    }
    auto recall = [&](size_t k) {
      size_t found = 0;
      for (size_t i = 0; i < ranked.size() && i < k; ++i)
        found += std::count(relevant.begin(), relevant.end(), ranked[i]);
      return static_cast<double>(found) / static_cast<double>(std::min(k, relevant.size()));
    };
    r1 += recall(1);
    r5 += recall(5);
  }
  double m() const { return n ? mrr / n : 0; }
  double a1() const { return n ? r1 / n : 0; }
  double a5() const { return n ? r5 / n : 0; }
};

// Plain SQLite FTS5 over the same catalog, four ways: unicode61 (every word ORed, bm25), the same with
// the last word as a prefix, porter stemming, and trigram (substrings: typo- and compound-tolerant). In
// the asked language or English, title x10 and tags x6 over the body as the engine weighs them.
class FtsBaselines {
 public:
  static constexpr const char *kNames[] = {"unicode61", "prefix", "porter", "trigram"};

  explicit FtsBaselines(const EvalSet &set) {
    sqlite3 *db = nullptr;
    sqlite3_open(":memory:", &db);
    db_.reset(db);
    const char *tokenizers[] = {"unicode61 remove_diacritics 2", "unicode61 remove_diacritics 2",
                                "porter unicode61 remove_diacritics 2", "trigram"};
    for (int t = 0; t < 4; ++t) {
      helpline::detail::exec(
          db,
          ("CREATE VIRTUAL TABLE b" + std::to_string(t) +
           " USING fts5(id UNINDEXED, lang UNINDEXED, title, tags, body, tokenize = '" + tokenizers[t] + "')")
              .c_str());
      helpline::detail::Statement ins(db, ("INSERT INTO b" + std::to_string(t) +
                                           " (id, lang, title, tags, body) VALUES (?1, ?2, ?3, ?4, ?5)")
                                              .c_str());
      for (const auto &a : set.articles)
        ins.bind(1, a.id).bind(2, lang(a.locale)).bind(3, a.title).bind(4, a.tags).bind(5, a.body).run();
    }
  }

  std::vector<std::string> search(int variant, const EvalQuery &q) {
    std::vector<std::string> words = split(q.text);
    std::string match;
    for (size_t i = 0; i < words.size(); ++i) {
      const std::string &w = words[i];
      if (variant == 3 && w.size() < 3) continue;  // trigram matches substrings of 3+ characters
      match += (match.empty() ? "\"" : " OR \"") + w + (variant == 1 && i + 1 == words.size() ? "\"*" : "\"");
    }
    std::vector<std::string> out;
    if (match.empty()) return out;
    std::string l = lang(q.locale);
    std::string table = "b" + std::to_string(variant);
    std::string sql = "SELECT id FROM " + table + " WHERE " + table +
                      " MATCH ?1 AND (?2 = '' OR lang IN (?2, 'en')) ORDER BY bm25(" + table +
                      ", 0, 0, 10, 6, 1) LIMIT 10";
    helpline::detail::Statement st(db_.get(), sql.c_str());
    st.bind(1, match).bind(2, l);
    while (st.step()) out.push_back(st.column_text(0));
    return out;
  }

 private:
  static std::string lang(const std::string &locale) { return locale.substr(0, locale.find_first_of("-_")); }
  // Letters and digits (any non-ASCII byte counts as a letter), lower-cased ASCII.
  static std::vector<std::string> split(const std::string &text) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : text) {
      auto u = static_cast<unsigned char>(c);
      if (u >= 0x80 || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')) {
        cur.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c | 0x20) : c);
      } else if (!cur.empty()) {
        out.push_back(std::move(cur));
        cur.clear();
      }
    }
    if (!cur.empty()) out.push_back(std::move(cur));
    return out;
  }
  helpline::detail::SqliteDb db_;
};

}  // namespace helpline::testing
