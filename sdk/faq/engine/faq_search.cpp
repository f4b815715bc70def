#include "faq/engine/faq_search.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <utility>

#include "base/error.hpp"
#include "base/json_out.hpp"
#include "base/utf8.hpp"
#include "faq/engine/faq_query.hpp"

namespace helpline::detail {

struct FaqSearch::Hit {
  int64_t rid = 0;
  std::string id, section_id, title, locale, lang, snippet;
  double score = 0, confidence = 0;
};

namespace {

// The rarest words pick candidates while together they hold at most 1/kCommonShare of the articles
// (at least 50); the others still rank them.
constexpr int64_t kCommonShare = 40;
// Over 2000 articles, BM25 ranks at most this many candidates unless the candidate words' document
// frequencies add up to at most 1/kCommonShare of the articles; past it, the first ones by rowid.
constexpr int64_t kMaxRanked = 200;
// Share of a word's confidence weight a hit gets when it matched the word only through an expansion.
constexpr double kGuessShare = 0.6;

// A number with a fixed number of decimals (JsonOut writes integers only).
void number(JsonOut &out, std::string_view key, double v, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  out.key(key).raw(buf);
}

// helpline_faq_groups(faq_fts, phrase_groups): bit g set when the row matches a phrase of group g.
void matched_groups(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int argc,
                    sqlite3_value **argv) {
  int phrases = api->xPhraseCount(fts);
  const char *map = argc == 1 ? reinterpret_cast<const char *>(sqlite3_value_text(argv[0])) : nullptr;
  if (map == nullptr || sqlite3_value_bytes(argv[0]) != phrases) return sqlite3_result_int64(ctx, 0);
  int64_t mask = 0;
  for (int p = 0; p < phrases; ++p) {
    Fts5PhraseIter it;
    int col = -1, off = -1;
    int g = map[p] - 'A';
    if (g < 0 || g >= kMaxQueryGroups || (mask >> g & 1)) continue;
    if (api->xPhraseFirst(fts, p, &it, &col, &off) == SQLITE_OK && col >= 0) mask |= int64_t{1} << g;
  }
  sqlite3_result_int64(ctx, mask);
}

// helpline_faq_bm25(phrase groups, idf x 10000, ...): FTS5's bm25() (k1 1.2, b 0.75; title x10, keywords
// x6, codes x8, body x1) with each phrase's IDF given by the caller (from the index's document frequencies; a
// phrase past the arguments weighs 0): bm25() counts them itself on its first row by visiting every row that
// holds each phrase, which costs more than ranking the candidates when a query holds a common word. A group
// (one thing asked: a word and its alternatives) adds its best phrase, not their sum: an article that holds
// three completions of "tra" is not three times the answer.
void bm25(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int argc,
          sqlite3_value **argv) {
  static const double kWeight[] = {10.0, 6.0, 8.0, 1.0};
  constexpr double k1 = 1.2, b = 0.75;
  const char *map = argc > 0 ? reinterpret_cast<const char *>(sqlite3_value_text(argv[0])) : nullptr;
  int phrases = std::min(api->xPhraseCount(fts), argc - 1), inst = 0, len = 0;
  sqlite3_int64 rows = 0, total = 0;
  if (map == nullptr || phrases < 0 || static_cast<int>(std::strlen(map)) < phrases ||
      api->xRowCount(fts, &rows) != SQLITE_OK || api->xColumnTotalSize(fts, -1, &total) != SQLITE_OK ||
      api->xColumnSize(fts, -1, &len) != SQLITE_OK || api->xInstCount(fts, &inst) != SQLITE_OK)
    return sqlite3_result_double(ctx, 0);
  std::vector<double> freq(static_cast<size_t>(phrases)), best(kMaxQueryGroups);
  for (int i = 0; i < inst; ++i) {
    int p = 0, col = 0, off = 0;
    if (api->xInst(fts, i, &p, &col, &off) == SQLITE_OK && p >= 0 && p < phrases && col >= 0 && col < 4)
      freq[static_cast<size_t>(p)] += kWeight[col];
  }
  double avgdl = rows > 0 && total > 0 ? static_cast<double>(total) / static_cast<double>(rows) : 1.0;
  double norm = k1 * (1 - b + b * len / avgdl), score = 0;
  for (int p = 0; p < phrases; ++p) {
    double f = freq[static_cast<size_t>(p)];
    auto g = static_cast<size_t>(map[p] - 'A');
    if (g < best.size())
      best[g] = std::max(best[g], sqlite3_value_double(argv[p + 1]) / 1e4 * f * (k1 + 1) / (f + norm));
  }
  for (double v : best) score += v;
  sqlite3_result_double(ctx, -score);
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
    ok = ok &&
         ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_');
  if (!ok) throw Error(HELPLINE_E_INVALID_ARGUMENT, "faq: locale must match [A-Za-z0-9_-]{0,35}");
  if (locale.empty()) return {};
  std::string l = lower(locale);
  std::replace(l.begin(), l.end(), '_', '-');
  return {l, language_of(l), default_lang};
}

// Prefers the asked locale; the default language is a fallback, not a peer.
double locale_factor(const LocaleFilter &f, const std::string &locale, const std::string &lang) {
  if (f.lang.empty() || lower(locale) == f.locale) return 1.0;
  if (lang == f.lang) return (f.locale == f.lang || lower(locale) == lang) ? 1.0 : 0.9;
  return 0.5;
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

// Registers helpline_faq_groups on the connection (before a statement using it is prepared).
sqlite3 *with_groups(sqlite3 *db) {
  fts5_api *api = fts5_api_of(db);
  if (api->xCreateFunction(api, "helpline_faq_groups", nullptr, matched_groups, nullptr) != SQLITE_OK ||
      api->xCreateFunction(api, "helpline_faq_bm25", nullptr, bm25, nullptr) != SQLITE_OK)
    throw Error(HELPLINE_E_STORE, "faq: cannot register the ranking functions");
  return db;
}

// IDF of each group. A group of catalog words no candidate matches weighs nothing (the candidates
// were picked by rarer words: it cannot tell them apart). A word no article holds in any form weighs
// `unknown` x the rarest word's IDF (half in a search; less in a ticket's free text, whose own words are
// mostly not the catalog's): the question asked for something the catalog may not answer, so a hit
// matching only the rest is less certain (a filler phrase alone is never a confident answer). Matched only
// through the server's expansions (no form of it is in the catalog), a word counts the rarest IDF but a hit
// gets kGuessShare of it: a synonym is a guess at the sense.
std::vector<double> group_weights(const FtsQuery &q, int64_t articles, int64_t matched_any, double unknown) {
  std::vector<double> w;
  const double n = static_cast<double>(std::max<int64_t>(articles, 1));
  for (int g = 0; g < q.groups; ++g) {
    double df = static_cast<double>(std::max<int64_t>(q.group_df[g], 1));
    w.push_back((matched_any >> g & 1) ? std::log(1.0 + n / df)
                : q.group_df[g] == 0   ? unknown * std::log(1.0 + n)
                                       : 0);
  }
  return w;
}

// The best fragment of the body: kSnippetWords words holding the most distinct query words (then the
// most hits), hits centred, matched words in <b>...</b>, "…" where text was cut (FTS5 snippet()'s
// output, computed only for the hits returned and without re-running the MATCH per hit).
std::string snippet(const std::string &body, const std::vector<Word> &tok,
                    const std::vector<std::pair<std::string, bool>> &terms) {
  constexpr size_t kSnippetWords = 16;
  size_t n = tok.size(), w = std::min(n, kSnippetWords);
  if (n == 0) return {};
  std::vector<int> hit(n, -1);
  for (size_t i = 0; i < n; ++i)
    for (size_t t = 0; t < terms.size() && hit[i] < 0; ++t)
      if (terms[t].second ? tok[i].text.compare(0, terms[t].first.size(), terms[t].first) == 0
                          : tok[i].text == terms[t].first)
        hit[i] = static_cast<int>(t);
  size_t start = 0;
  int64_t best = -1;
  std::vector<char> seen(terms.size());
  for (size_t s = 0; s + w <= n; ++s) {
    std::fill(seen.begin(), seen.end(), 0);
    int64_t score = 0;
    for (size_t i = s; i < s + w; ++i)
      if (hit[i] >= 0) score += seen[static_cast<size_t>(hit[i])]++ ? 1 : 1000;
    if (score > best) best = score, start = s;
  }
  size_t first = start + w, last = start;
  for (size_t i = start; i < start + w; ++i)
    if (hit[i] >= 0) first = std::min(first, i), last = i;
  if (first < start + w) {  // centre the hits in the fragment
    size_t slack = w - (last - first + 1);
    start = std::min(first - std::min(first, slack / 2), n - w);
  }
  std::string out = start > 0 ? "…" : "";
  size_t pos = start > 0 ? static_cast<size_t>(tok[start].start) : 0;
  for (size_t i = start; i < start + w; ++i) {
    auto b = static_cast<size_t>(tok[i].start), e = static_cast<size_t>(tok[i].end);
    out.append(body, pos, b - pos);
    if (hit[i] >= 0) out += "<b>";
    out.append(body, b, e - b);
    if (hit[i] >= 0) out += "</b>";
    pos = e;
  }
  if (start + w == n)
    out.append(body, pos, std::string::npos);
  else
    out += "…";
  return out;
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
      articles_(read_db, "SELECT value FROM faq_state WHERE key IN ('articles', 'langs') ORDER BY key"),
      begin_(read_db, "BEGIN"),
      commit_(read_db, "COMMIT"),
      match_(with_groups(read_db),
             "SELECT a.rid, a.id, a.section_id, a.title, a.locale, a.lang, -rank, "
             "helpline_faq_groups(faq_fts, ?2) "
             "FROM faq_fts JOIN faq_articles a ON a.rid = faq_fts.rowid "
             "WHERE faq_fts MATCH ?1 AND rank MATCH ?6 "
             "AND faq_fts.rowid <= ?5 AND (?3 = '' OR a.lang = ?3 OR a.lang = ?4) ORDER BY rank LIMIT 50"),
      nth_(read_db, "SELECT rowid FROM faq_fts WHERE faq_fts MATCH ?1 LIMIT 1 OFFSET ?2"),
      body_(read_db, "SELECT body FROM faq_articles WHERE rid = ?1") {}

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
  std::string catalog_langs;
  {
    ResetOnExit r(articles_);
    if (articles_.step()) articles = articles_.column_int64(0);
    if (articles_.step()) catalog_langs = articles_.column_text(0);
  }
  // The query's words are stemmed in its language and the default one; without a locale, in the
  // catalog's languages (a ticket may be written in any of them).
  Lexicon lex{speller_, stemmer_, {}};
  for (const std::string &l : {lf.lang, default_lang_})
    if (!l.empty() && std::find(lex.langs.begin(), lex.langs.end(), l) == lex.langs.end())
      lex.langs.push_back(l);
  for (const std::string &l : pieces(lf.lang.empty() ? catalog_langs : std::string(), ' '))
    if (lex.langs.size() < 8 && std::find(lex.langs.begin(), lex.langs.end(), l) == lex.langs.end())
      lex.langs.push_back(l);
  int64_t common = std::max<int64_t>(articles / kCommonShare, 50);
  bool large = common > 50;  // over 2000 articles: titles first, candidates capped
  FtsQuery q = build_fts_query(words, is_typing, lex, common, large);
  std::vector<Hit> hits;
  if (q.groups == 0) return hits;
  std::vector<std::pair<int64_t, double>> rows;  // (group mask, bm25 x locale) per candidate
  int64_t matched_any = 0;
  // IDF per phrase as FTS5's bm25() computes it, from the vocabulary's document frequencies.
  std::string idfs;
  for (size_t p = 0; p < q.phrase_df.size(); ++p) {
    double n = static_cast<double>(std::max<int64_t>(articles, 1));
    double d = std::min(static_cast<double>(std::max<int64_t>(q.phrase_df[p], 1)), n);
    char buf[32];
    // In 1/10000 as integers: "%f" would write a decimal comma under some C locales.
    // At least 1 after weighting: a word every article holds, reached through an expansion or a prefix
    // (weight below 100), must still score above 0 (truncated to 0 its hits were dropped).
    std::snprintf(buf, sizeof buf, ",%lld",
                  std::max(1LL, static_cast<long long>(std::max(std::log((n - d + 0.5) / (d + 0.5)), 1e-4) *
                                                       1e2 * static_cast<double>(q.phrase_weight[p]))));
    idfs += buf;
  }
  // The query; then, when every word is common and too few titles hold one, the articles that hold one
  // anywhere (a loop, not a function called twice: one copy of the code).
  for (int pass = 0; pass < 2; ++pass) {
    if (pass == 1 && (q.fallback.empty() || hits.size() >= static_cast<size_t>(limit))) break;
    const std::string &match = pass == 0 ? q.match : q.fallback;
    const std::string phrase_group =
        pass == 0 ? q.phrase_group : q.phrase_group.substr(0, q.phrase_group.size() / 2);
    hits.clear();
    rows.clear();
    matched_any = 0;
    int64_t last = INT64_MAX;  // the last candidate ranked: past kMaxRanked, the first ones by rowid
    if (large && (q.candidates < 0 || q.candidates > kMaxRanked)) {
      ResetOnExit r(nth_);
      if (nth_.bind(1, pass == 0 ? q.rows : match).bind(2, kMaxRanked - 1).step())
        last = nth_.column_int64(0);
    }
    ResetOnExit r(match_);
    match_.bind(1, match).bind(2, phrase_group).bind(3, lf.lang).bind(4, lf.fallback).bind(5, last);
    match_.bind(6, "helpline_faq_bm25('" + phrase_group + "'" + idfs + ")");
    while (match_.step()) {
      Hit h;
      h.rid = match_.column_int64(0);
      h.id = match_.column_text(1);
      h.section_id = match_.column_text(2);
      h.title = match_.column_text(3);
      h.locale = match_.column_text(4);
      h.lang = match_.column_text(5);
      int64_t mask = match_.column_int64(7);
      matched_any |= mask;
      rows.emplace_back(mask, sqlite3_column_double(match_.get(), 6) * locale_factor(lf, h.locale, h.lang));
      hits.push_back(std::move(h));
    }
  }
  std::vector<double> weight = group_weights(q, articles, matched_any, min_confidence > 0 ? 0.25 : 0.5);
  double total = 0;
  for (double w : weight) total += w;
  for (size_t i = 0; i < hits.size(); ++i) {
    double got = 0;
    for (int g = 0; g < q.groups; ++g)
      got += (rows[i].first >> g & 1) ? weight[g] * (q.group_df[g] == 0 ? kGuessShare : 1.0) : 0;
    hits[i].confidence = total > 0 ? got / total : 0;
    hits[i].score = rows[i].second * hits[i].confidence * hits[i].confidence;
  }
  hits.erase(std::remove_if(hits.begin(), hits.end(),
                            [&](const Hit &h) { return h.score <= 0 || h.confidence < min_confidence; }),
             hits.end());
  // At most 50 rows: an insertion sort (stable: equal scores keep BM25 order) is enough, and small.
  for (size_t i = 1; i < hits.size(); ++i)
    for (size_t j = i; j > 0 && hits[j].score > hits[j - 1].score; --j) std::swap(hits[j], hits[j - 1]);
  if (hits.size() > static_cast<size_t>(limit)) hits.resize(static_cast<size_t>(limit));
  if (hits.empty()) return hits;
  std::vector<std::pair<std::string, bool>> forms;  // the query's words as the index holds them
  std::string wanted;
  for (const auto &[phrase, prefix] : q.terms) {
    auto ws = words_.split(phrase);
    for (size_t i = 0; i < ws.size(); ++i) forms.emplace_back(ws[i].text, prefix && i + 1 == ws.size());
    wanted.append(phrase).push_back(' ');
  }
  for (Hit &h : hits) {
    ResetOnExit r(body_);
    if (body_.bind(1, h.rid).step()) {
      std::string body = body_.column_text(0);
      std::vector<Word> tok = words_.split(body);
      std::vector<std::string> indexed = index_forms(body, tok, stemmer_, h.lang, wanted);
      for (size_t i = 0; i < tok.size(); ++i) tok[i].text = std::move(indexed[i]);
      h.snippet = snippet(body, tok, forms);
    }
  }
  return hits;
}

namespace {

template <class Hits>
void write_hits(JsonOut &out, const Hits &hits) {
  out.key("hits").begin_array();
  for (const auto &h : hits) {
    out.begin_object().field("id", h.id).field("section_id", h.section_id).field("title", h.title);
    out.field("snippet", h.snippet);
    number(out, "score", h.score, 4);
    number(out, "confidence", h.confidence, 3);
    out.field("locale", h.locale).end_object();
  }
  out.end_array();
}

}  // namespace

std::string FaqSearch::search_json(std::string_view query, std::string_view locale, int limit) {
  check_text(query);
  auto hits = rank(query, typing(query), locale, limit, 0.0);
  JsonOut out;
  out.begin_object().field("query", query).field("locale", locale);
  write_hits(out, hits);
  return out.end_object().take();
}

std::string FaqSearch::suggest_for_ticket_json(std::string_view subject, std::string_view body, int limit) {
  if (!is_valid_utf8(subject) || !is_valid_utf8(body))
    throw Error(HELPLINE_E_INVALID_UTF8, "faq: ticket text is not valid UTF-8");
  std::string text(head(subject, kMaxFaqQueryBytes));
  text.append("\n").append(head(body, kMaxFaqQueryBytes));
  auto hits = rank(text, false, "", limit, kSuggestMinConfidence);
  JsonOut out;
  out.begin_object();
  number(out, "min_confidence", kSuggestMinConfidence, 2);
  write_hits(out, hits);
  return out.end_object().take();
}

std::string FaqSearch::sections_json(std::string_view locale) {
  LocaleFilter lf = locale_filter(locale, default_lang_);
  Statement st(db_,
               "SELECT s.id, s.locale, s.title, s.position, a.id, a.title, a.position "
               "FROM faq_sections s LEFT JOIN faq_articles a ON a.section_id = s.id "
               "WHERE ?1 = '' OR s.lang = ?1 OR s.lang = ?2 "
               "ORDER BY s.lang <> ?1, s.position, s.id, a.position, a.id");
  st.bind(1, lf.lang).bind(2, lf.fallback);
  JsonOut out;
  out.begin_object().field("locale", locale).key("sections").begin_array();
  std::string current;
  bool open = false;
  while (st.step()) {
    std::string id = st.column_text(0);
    if (!open || id != current) {
      if (open) out.end_array().end_object();
      open = true;
      current = id;
      out.begin_object().field("id", id).field("locale", st.column_text(1)).field("title", st.column_text(2));
      out.field("position", st.column_int64(3)).key("articles").begin_array();
    }
    if (sqlite3_column_type(st.get(), 4) == SQLITE_NULL) continue;  // a section without articles
    out.begin_object().field("id", st.column_text(4)).field("title", st.column_text(5));
    out.field("position", st.column_int64(6)).end_object();
  }
  if (open) out.end_array().end_object();
  return out.end_array().end_object().take();
}

std::string FaqSearch::article_json(std::string_view id, std::optional<bool> pending_vote) {
  Statement st(db_,
               "SELECT a.id, a.section_id, a.locale, a.title, a.body, a.tags, a.position, a.helpful_count, "
               "a.not_helpful_count, a.updated_at, v.helpful FROM faq_articles a "
               "LEFT JOIN faq_votes v ON v.article_id = a.id WHERE a.id = ?1");
  st.bind(1, std::string(id));
  if (!st.step()) throw Error(HELPLINE_E_NOT_FOUND, "faq: no article " + std::string(id));
  JsonOut out;
  out.begin_object();
  const char *text_keys[] = {"id", "section_id", "locale", "title", "body"};
  for (int i = 0; i < 5; ++i) out.field(text_keys[i], st.column_text(i));
  out.raw_field("tags", st.column_text(5));  // normalised JSON array, written by FaqCatalog
  const char *int_keys[] = {"position", "helpful_count", "not_helpful_count", "updated_at"};
  for (int i = 0; i < 4; ++i) out.field(int_keys[i], st.column_int64(6 + i));
  if (pending_vote) {
    out.field("vote", *pending_vote);
  } else if (sqlite3_column_type(st.get(), 10) == SQLITE_NULL) {
    out.null_field("vote");
  } else {
    out.field("vote", st.column_int64(10) != 0);
  }
  return out.end_object().take();
}

}  // namespace helpline::detail
