// Turns what a user typed into an FTS5 MATCH expression. Every word becomes a quoted phrase (so no
// user text is ever FTS5 syntax: AND, NEAR(, ^, :, " and * are inert), grouped: a group is one thing
// the user asked for with its alternatives (a spelling correction, a completion of a half-typed
// word, a folded code). Groups are what coverage (how much of the question a hit answers) counts.
#pragma once

#include <string>
#include <vector>

#include "faq/faq_spelling.hpp"
#include "faq/faq_text.hpp"

namespace helpline::detail {

struct FtsQuery {
  std::string match;         // the MATCH expression; empty when nothing is searchable
  std::string phrase_group;  // phrase i of match belongs to group (phrase_group[i] - 'A')
  int groups = 0;
  std::vector<std::string> group_match;  // per group: its phrases joined by OR
  std::vector<int64_t> group_df;         // per group: articles holding the word as typed (0: unknown)
};

constexpr int kMaxQueryGroups = 24;

// `typing`: the last word has nothing after it, so the user may still be typing it ("reset pass").
// match is every phrase joined by OR, unless words held by more than `common_df` articles sit next to
// rarer ones: then only articles with a rarer word are candidates, "(rare) AND (all)", which keeps the
// common words in the ranking without ranking every article that has them (the cost of BM25 is per
// matching row).
FtsQuery build_fts_query(const std::vector<Word> &words, bool typing, Speller &speller, int64_t common_df);

}  // namespace helpline::detail
