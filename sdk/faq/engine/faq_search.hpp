// The reader side of the offline FAQ: search, browse, article, ticket deflection. Uses its own
// read-only connection to the store's WAL database and never writes; no network. One caller at a time
// (the owner serialises calls); each call reads one consistent snapshot of the catalog.
//
// Ranking: BM25 (FTS5's formula, with IDF from the vocabulary's document frequencies instead of
// FTS5's count over every row holding each word) over title (x10), tags (x6: the author's synonyms),
// codes (x8) and body (x1), times coverage^2, times a locale factor, over the best 50 BM25 rows.
// Candidates (the rows BM25 ranks; the cost is per ranked row) come from the query's rarest words,
// as long as they hold at most 1/40 of the articles together (at most 50 below 2000 articles). Over
// 2000 articles, when every word is more common, from the articles holding one in the title, tags or
// codes (all that hold one when fewer than `limit` do), and at most 200 are ranked then (past that,
// the first by rowid: an arbitrary cut, only for queries made of common words). Coverage ("confidence") is
// the IDF-weighted share of the query's groups (a word with its corrections/completions, or a code) that the
// article matches, so an article answering the whole question beats one that repeats one word. Words the
// catalog does not hold are corrected against its vocabulary (edit distance 1-2, same first letter); the last
// word, when nothing follows it, is also completed ("reset pass" finds "password"); codes typed loosely
// ("e42", "E-42", "err sync 409", "ERR-SYNC-409") meet their folded forms. Stop words (en/de/fr) are ignored.
//
// Locales: a locale "de-AT" searches its language ("de", any region) and the default locale's
// language ("en"); default-language hits of another-language query rank at 0.5x (shown when the
// asked language has nothing as good), a different region of the same language at 0.9x. An unknown but
// well-formed locale therefore gets the default language. Empty locale: all locales, unweighted. Not a locale
// ([A-Za-z0-9_-]{1,35}): HELPLINE_E_INVALID_ARGUMENT.
//
// Snippets: the best fragment of the body (up to 16 words, most distinct query words), matched words
// (as the index stems them) wrapped in <b>...</b>, "…" where text was cut; only for the hits returned. The
// body is returned as stored: a host rendering HTML escapes it first.
//
// Bad input: invalid UTF-8 -> HELPLINE_E_INVALID_UTF8; a query over 1024 bytes -> HELPLINE_E_TOO_LARGE;
// limit < 1 -> HELPLINE_E_INVALID_ARGUMENT (above 50 it is capped); an empty query, punctuation or
// stop words only -> zero hits (not an error: search-as-you-type starts empty). FTS5 syntax in a
// query is searched as text. Store failures -> HELPLINE_E_STORE; no other SQL error escapes.
#pragma once

#include <sqlite3.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/sqlite.hpp"
#include "faq/engine/faq_spelling.hpp"
#include "faq/engine/faq_text.hpp"

namespace helpline::detail {

constexpr size_t kMaxFaqQueryBytes = 1024;
constexpr int kMaxFaqHits = 50;
// suggest_for_ticket only shows hits at least this confident (coverage of the ticket's words).
constexpr double kSuggestMinConfidence = 0.5;

class FaqSearch {
 public:
  explicit FaqSearch(sqlite3 *read_db, std::string default_locale = "en");

  // {"query", "locale", "hits": [{"id", "section_id", "title", "snippet", "score", "confidence",
  // "locale"}]}, best first; score > 0, confidence in [0, 1].
  std::string search_json(std::string_view query, std::string_view locale, int limit);
  // {"locale", "sections": [{"id", "locale", "title", "position", "articles": [{"id", "title",
  // "position"}]}]}: sections of the locale's language first, then the default language's.
  std::string sections_json(std::string_view locale);
  // The article as synced plus "vote": true/false/null (this device's vote; `pending_vote`, a vote
  // accepted and not yet in the store, wins). HELPLINE_E_NOT_FOUND.
  std::string article_json(std::string_view id, std::optional<bool> pending_vote = std::nullopt);
  // Deflection before a ticket is created: {"hits": [...]} as search_json, only hits with confidence
  // >= kSuggestMinConfidence. Subject and body over 1024 bytes each are truncated, not refused.
  std::string suggest_for_ticket_json(std::string_view subject, std::string_view body, int limit);

 private:
  struct Hit;
  std::vector<Hit> rank(std::string_view text, bool typing, std::string_view locale, int limit,
                        double min_confidence);

  sqlite3 *db_;
  std::string default_lang_;
  WordSplitter words_;
  Stemmer stemmer_;
  Speller speller_;
  Statement articles_;
  Statement begin_;
  Statement commit_;
  Statement match_;
  Statement nth_;
  Statement body_;
};

}  // namespace helpline::detail
