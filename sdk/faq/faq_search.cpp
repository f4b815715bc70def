#include "faq/faq_search.hpp"

#include <algorithm>
#include <cmath>
#include <memory>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/error.hpp"
#include "core/utf8.hpp"
#include "faq/faq_query.hpp"

namespace helpline::detail {

struct FaqSearch::Hit {
  int64_t rid = 0;
  std::string id, section_id, title, locale, snippet;
  double score = 0, confidence = 0;
};

namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;
// A word in more than 1/kCommonShare of the articles does not pick candidates on its own (it still
// ranks them); below 50 articles every word does.
constexpr int64_t kCommonShare = 20;

void put(JsonWriter &w, const char *key, std::string_view v) {
  w.Key(key);
  w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
}

// ---- helpline_faq_coverage(faq_fts, phrase_groups): the FTS5 auxiliary function behind coverage.

struct GroupWeights {
  std::vector<double> weight;  // IDF of the group; 0 when no article holds it (cannot count against)
  double total = 0;
};

int count_row(const Fts5ExtensionApi *, Fts5Context *, void *n) {
  ++*static_cast<int64_t *>(n);
  return SQLITE_OK;
}

// Computed once per query (like bm25's own IDF) and kept as the query's auxiliary data.
GroupWeights *group_weights(const Fts5ExtensionApi *api, Fts5Context *fts, const char *map, int phrases) {
  if (auto *cached = static_cast<GroupWeights *>(api->xGetAuxdata(fts, 0))) return cached;
  auto w = std::make_unique<GroupWeights>();
  sqlite3_int64 rows = 0;
  if (api->xRowCount(fts, &rows) != SQLITE_OK) return nullptr;
  std::vector<int64_t> df(kMaxQueryGroups, 0);
  for (int p = 0; p < phrases; ++p) {
    int64_t n = 0;
    if (api->xQueryPhrase(fts, p, &n, count_row) != SQLITE_OK) return nullptr;
    df[map[p] - 'A'] = std::max(df[map[p] - 'A'], n);
  }
  for (int64_t d : df) {
    w->weight.push_back(d == 0 ? 0.0 : std::log(1.0 + static_cast<double>(rows) / static_cast<double>(d)));
    w->total += w->weight.back();
  }
  GroupWeights *raw = w.get();
  // SQLite owns it from here (and frees it itself if this fails).
  if (api->xSetAuxdata(fts, w.release(), [](void *p) { delete static_cast<GroupWeights *>(p); }) != SQLITE_OK)
    return nullptr;
  return raw;
}

void coverage(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int argc,
              sqlite3_value **argv) {
  int phrases = api->xPhraseCount(fts);
  const char *map = argc == 1 ? reinterpret_cast<const char *>(sqlite3_value_text(argv[0])) : nullptr;
  bool valid = map != nullptr && phrases > 0 && sqlite3_value_bytes(argv[0]) == phrases;
  for (int p = 0; valid && p < phrases; ++p) valid = map[p] >= 'A' && map[p] < 'A' + kMaxQueryGroups;
  if (!valid) return sqlite3_result_double(ctx, 1.0);  // not our query shape: do not re-rank
  GroupWeights *w = group_weights(api, fts, map, phrases);
  if (w == nullptr) return sqlite3_result_error_code(ctx, SQLITE_ERROR);
  if (w->total <= 0) return sqlite3_result_double(ctx, 0.0);
  std::vector<bool> matched(kMaxQueryGroups, false);
  double got = 0;
  for (int p = 0; p < phrases; ++p) {
    Fts5PhraseIter it;
    int col = -1, off = -1;
    int g = map[p] - 'A';
    if (matched[g] || api->xPhraseFirst(fts, p, &it, &col, &off) != SQLITE_OK || col < 0) continue;
    matched[g] = true;
    got += w->weight[g];
  }
  sqlite3_result_double(ctx, got / w->total);
}

struct LocaleFilter {
  std::string locale, lang, fallback;  // locale lower-cased; all empty: every locale
};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char &c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

LocaleFilter locale_filter(std::string_view locale, const std::string &default_lang) {
  bool ok = locale.size() <= 35;
  for (char c : locale)
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_');
  if (!ok) throw Error(HELPLINE_E_INVALID_ARGUMENT, "faq: locale must match [A-Za-z0-9_-]{0,35}");
  if (locale.empty()) return {};
  std::string l = lower(locale);
  std::replace(l.begin(), l.end(), '_', '-');
  return {l, language_of(l), default_lang};
}

// Prefers the asked locale; the default language is a fallback, not a peer.
double locale_factor(const LocaleFilter &f, const std::string &locale, const std::string &lang) {
  if (f.lang.empty() || lower(locale) == f.locale) return 1.0;
  if (lang == f.lang) return (f.locale == f.lang || lower(locale) == lang) ? 1.0 : 0.95;
  return 0.8;
}

void check_text(std::string_view s) {
  if (s.size() > kMaxFaqQueryBytes)
    throw Error(HELPLINE_E_TOO_LARGE, "faq: query over " + std::to_string(kMaxFaqQueryBytes) + " bytes");
  if (!is_valid_utf8(s)) throw Error(HELPLINE_E_INVALID_UTF8, "faq: query is not valid UTF-8");
}

// At most `max` bytes, cut on a character boundary.
std::string_view head(std::string_view s, size_t max) {
  if (s.size() <= max) return s;
  while (max > 0 && (static_cast<unsigned char>(s[max]) & 0xC0) == 0x80) --max;
  return s.substr(0, max);
}

// Registers helpline_faq_coverage on the connection (before a statement using it is prepared).
sqlite3 *with_coverage(sqlite3 *db) {
  fts5_api *api = fts5_api_of(db);
  if (api->xCreateFunction(api, "helpline_faq_coverage", nullptr, coverage, nullptr) != SQLITE_OK)
    throw Error(HELPLINE_E_STORE, "faq: cannot register the coverage function");
  return db;
}

// The user is still typing the last word when nothing follows it.
bool typing(std::string_view q) {
  if (q.empty()) return false;
  auto c = static_cast<unsigned char>(q.back());
  return c >= 0x80 || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

}  // namespace

FaqSearch::FaqSearch(sqlite3 *read_db, std::string default_locale)
    : db_(read_db),
      default_lang_(language_of(default_locale)),
      words_(read_db),
      speller_(read_db),
      articles_(read_db, "SELECT CAST(value AS INTEGER) FROM faq_state WHERE key = 'articles'"),
      begin_(read_db, "BEGIN"),
      commit_(read_db, "COMMIT"),
      match_(with_coverage(read_db),
             "SELECT a.rid, a.id, a.section_id, a.title, a.locale, a.lang, -rank, "
             "helpline_faq_coverage(faq_fts, ?2) "
             "FROM faq_fts JOIN faq_articles a ON a.rid = faq_fts.rowid "
             "WHERE faq_fts MATCH ?1 AND rank MATCH 'bm25(10.0, 6.0, 8.0, 1.0)' "
             "AND (?3 = '' OR a.lang = ?3 OR a.lang = ?4) ORDER BY rank LIMIT 50"),
      snippet_(read_db,
               "SELECT snippet(faq_fts, 3, '<b>', '</b>', '…', 16) FROM faq_fts "
               "WHERE faq_fts MATCH ?1 AND rowid = ?2") {}

std::vector<FaqSearch::Hit> FaqSearch::rank(std::string_view text, bool is_typing, std::string_view locale,
                                            int limit, double min_confidence) {
  if (limit < 1) throw Error(HELPLINE_E_INVALID_ARGUMENT, "faq: limit must be at least 1");
  limit = std::min(limit, kMaxFaqHits);
  LocaleFilter lf = locale_filter(locale, default_lang_);
  std::vector<Word> words = words_.split(text);
  // One snapshot for the whole call (unless the owner already holds a transaction on the connection).
  bool own = sqlite3_get_autocommit(db_) != 0;
  if (own) {
    ResetOnExit r(begin_);
    begin_.step();
  }
  struct End {
    Statement &commit;
    bool own;
    ~End() {
      if (own) sqlite3_step(commit.get());
      commit.reset();
    }
  } end{commit_, own};

  int64_t articles = 0;
  {
    ResetOnExit r(articles_);
    if (articles_.step()) articles = articles_.column_int64(0);
  }
  FtsQuery q = build_fts_query(words, is_typing, speller_, std::max<int64_t>(articles / kCommonShare, 50));
  std::vector<Hit> hits;
  if (q.groups == 0) return hits;
  {
    ResetOnExit r(match_);
    match_.bind(1, q.match).bind(2, q.phrase_group).bind(3, lf.lang).bind(4, lf.fallback);
    while (match_.step()) {
      Hit h;
      h.rid = match_.column_int64(0);
      h.id = match_.column_text(1);
      h.section_id = match_.column_text(2);
      h.title = match_.column_text(3);
      h.locale = match_.column_text(4);
      h.confidence = sqlite3_column_double(match_.get(), 7);
      h.score = sqlite3_column_double(match_.get(), 6) * h.confidence * h.confidence *
                locale_factor(lf, h.locale, match_.column_text(5));
      if (h.confidence >= min_confidence && h.score > 0) hits.push_back(std::move(h));
    }
  }
  std::stable_sort(hits.begin(), hits.end(), [](const Hit &a, const Hit &b) { return a.score > b.score; });
  if (hits.size() > static_cast<size_t>(limit)) hits.resize(static_cast<size_t>(limit));
  for (Hit &h : hits) {
    ResetOnExit r(snippet_);
    if (snippet_.bind(1, q.match).bind(2, h.rid).step()) h.snippet = snippet_.column_text(0);
  }
  return hits;
}

namespace {

template <class Hits>
void write_hits(JsonWriter &w, const Hits &hits) {
  w.Key("hits");
  w.StartArray();
  for (const auto &h : hits) {
    w.StartObject();
    put(w, "id", h.id);
    put(w, "section_id", h.section_id);
    put(w, "title", h.title);
    put(w, "snippet", h.snippet);
    w.Key("score");
    w.Double(std::round(h.score * 1e4) / 1e4);
    w.Key("confidence");
    w.Double(std::round(h.confidence * 1e3) / 1e3);
    put(w, "locale", h.locale);
    w.EndObject();
  }
  w.EndArray();
}

}  // namespace

std::string FaqSearch::search_json(std::string_view query, std::string_view locale, int limit) {
  check_text(query);
  auto hits = rank(query, typing(query), locale, limit, 0.0);
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  put(w, "query", query);
  put(w, "locale", locale);
  write_hits(w, hits);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::string FaqSearch::suggest_for_ticket_json(std::string_view subject, std::string_view body, int limit) {
  if (!is_valid_utf8(subject) || !is_valid_utf8(body))
    throw Error(HELPLINE_E_INVALID_UTF8, "faq: ticket text is not valid UTF-8");
  std::string text(head(subject, kMaxFaqQueryBytes));
  text.append("\n").append(head(body, kMaxFaqQueryBytes));
  auto hits = rank(text, false, "", limit, kSuggestMinConfidence);
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("min_confidence");
  w.Double(kSuggestMinConfidence);
  write_hits(w, hits);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::string FaqSearch::sections_json(std::string_view locale) {
  LocaleFilter lf = locale_filter(locale, default_lang_);
  Statement st(db_,
               "SELECT s.id, s.locale, s.title, s.position, a.id, a.title, a.position "
               "FROM faq_sections s LEFT JOIN faq_articles a ON a.section_id = s.id "
               "WHERE ?1 = '' OR s.lang = ?1 OR s.lang = ?2 "
               "ORDER BY s.lang <> ?1, s.position, s.id, a.position, a.id");
  st.bind(1, lf.lang).bind(2, lf.fallback);
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  put(w, "locale", locale);
  w.Key("sections");
  w.StartArray();
  std::string current;
  bool open = false;
  while (st.step()) {
    std::string id = st.column_text(0);
    if (!open || id != current) {
      if (open) w.EndArray(), w.EndObject();
      open = true;
      current = id;
      w.StartObject();
      put(w, "id", id);
      put(w, "locale", st.column_text(1));
      put(w, "title", st.column_text(2));
      w.Key("position");
      w.Int64(st.column_int64(3));
      w.Key("articles");
      w.StartArray();
    }
    if (sqlite3_column_type(st.get(), 4) == SQLITE_NULL) continue;  // a section without articles
    w.StartObject();
    put(w, "id", st.column_text(4));
    put(w, "title", st.column_text(5));
    w.Key("position");
    w.Int64(st.column_int64(6));
    w.EndObject();
  }
  if (open) w.EndArray(), w.EndObject();
  w.EndArray();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::string FaqSearch::article_json(std::string_view id) {
  Statement st(db_,
               "SELECT a.id, a.section_id, a.locale, a.title, a.body, a.tags, a.position, a.helpful_count, "
               "a.not_helpful_count, a.updated_at, v.helpful FROM faq_articles a "
               "LEFT JOIN faq_votes v ON v.article_id = a.id WHERE a.id = ?1");
  st.bind(1, std::string(id));
  if (!st.step()) throw Error(HELPLINE_E_NOT_FOUND, "faq: no article " + std::string(id));
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  const char *text_keys[] = {"id", "section_id", "locale", "title", "body"};
  for (int i = 0; i < 5; ++i) put(w, text_keys[i], st.column_text(i));
  std::string tags = st.column_text(5);
  w.Key("tags");
  w.RawValue(tags.data(), tags.size(), rapidjson::kArrayType);  // normalised by FaqCatalog
  const char *int_keys[] = {"position", "helpful_count", "not_helpful_count", "updated_at"};
  for (int i = 0; i < 4; ++i) {
    w.Key(int_keys[i]);
    w.Int64(st.column_int64(6 + i));
  }
  w.Key("vote");
  if (sqlite3_column_type(st.get(), 10) == SQLITE_NULL) {
    w.Null();
  } else {
    w.Bool(st.column_int64(10) != 0);
  }
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace helpline::detail
