// Turns what a user typed into an FTS5 MATCH expression. Every word becomes quoted phrases (so no
// user text is ever FTS5 syntax: AND, NEAR(, ^, :, " and * are inert) in the forms the index may hold
// it (stemmed in each of the query's languages, and as written for names), grouped: a group is one
// thing the user asked for with its alternatives (a spelling correction, completions of a half-typed
// word, a folded code, two words typed apart that the catalog writes as one, the server's expansions).
// Groups are what coverage (how much of the question a hit answers) counts.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "faq/engine/faq_spelling.hpp"
#include "faq/engine/faq_text.hpp"

namespace helpline::detail {

struct FtsQuery {
  std::string match;         // the MATCH expression; empty when nothing is searchable
  std::string rows;          // an expression matching the same rows, cheaper (no phrase only BM25 needs)
  std::string phrase_group;  // phrase i of match belongs to group (phrase_group[i] - 'A')
  int groups = 0;
  std::vector<std::string> group_match;  // per group: its phrases joined by OR
  std::vector<int64_t> group_df;         // per group: articles holding its likeliest form (0: unknown)
  std::vector<std::pair<std::string, bool>> terms;  // every phrase's text, and whether it is a prefix
  std::vector<int64_t> term_df;                     // per term: articles holding it (0: unknown)
  std::vector<int64_t> term_weight;                 // per term: weight in percent (below 100: expansions)
  std::vector<size_t> group_first;                  // per group: its first term
  std::vector<int64_t> phrase_df;                   // per phrase of match, in its order: as term_df
  std::vector<int64_t> phrase_weight;               // per phrase of match: as term_weight
  std::string fallback;     // with titles first: every phrase joined by OR, for too few title hits
  int64_t candidates = -1;  // articles match can hold at most (sum of document frequencies), -1: unknown
};

constexpr int kMaxQueryGroups = 24;

// What the builder consults: the vocabulary and index, the stemmers, and the languages a query's words
// are stemmed in (its own first; then the default language; an empty locale: the catalog's languages).
struct Lexicon {
  Speller &speller;
  Stemmer &stemmer;
  std::vector<std::string> langs;
};

// `typing`: the last word has nothing after it, so the user may still be typing it ("reset pass").
// The cost of BM25 is per matching row, so not every word picks candidates: the rarest groups do, as
// long as the articles holding them stay within `common_df` together, "(rare) AND (all)", which keeps
// the common words in the ranking without ranking every article that has them. When every word is
// more common than that, and `titles_first`, the candidates are the articles holding a word in their
// title, tags or codes; otherwise (or when no word's frequency is known) every phrase joined by OR.
FtsQuery build_fts_query(const std::vector<Word> &words, bool typing, Lexicon &lex, int64_t common_df,
                         bool titles_first);

}  // namespace helpline::detail
