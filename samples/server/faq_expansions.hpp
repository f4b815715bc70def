// Query expansions of the FAQ (docs/protocol.md section 9.1): a bounded table of "term -> catalog words" the
// device's offline search uses to meet a user's everyday word with the catalog's own words ("cell phone" ->
// "phone"). Three sources, computed here without any I/O but the WordNet files: WordNet for the catalog's
// English vocabulary, agents' synonyms, and words learned from deflections. Pure functions: the server caches
// their results per app (api/faq_expansion_cache.hpp).
#pragma once
#include "store/faq_repo.hpp"
#include "store/survey_repo.hpp"
#include "wordnet.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace helpline::server {

struct FaqExpansion {
  std::string term;             // what the user may type: lower case, words separated by one space
  std::vector<std::string> to;  // catalog words it stands for, best first
  std::string locale;           // "" = any language
  std::string source;           // "wordnet" | "agent" | "learned"
};

inline constexpr size_t kMaxExpansions = 4096;  // entries of the whole table
// WordNet's share of it: measured on both evaluation sets (tests/unit/server/faq_expansions_eval_test.cpp,
// docs/PERFORMANCE.md), WordNet's expansions change held-out MRR@10 by +0.003 (bank) and 0 (own) whether
// 4096 or 1024 are shipped; 1024 entries are ~75 KB of every full FAQ answer instead of ~300 KB.
inline constexpr size_t kMaxWordNetExpansions = 1024;
inline constexpr size_t kMaxExpansionTargets = 8;  // targets of one entry
inline constexpr size_t kMaxWordNetTargets = 4;    // targets of a WordNet entry
inline constexpr int kMaxWordNetSenses = 12;       // see wordnet_expansions
inline constexpr int kLearnedMinDevices = 3;       // distinct devices before a word is learned
inline constexpr size_t kLearnedTitleWords = 2;    // title words a learned word maps to, per article

// (a) WordNet: for each English word of the catalog (titles, tags and bodies of the articles whose locale's
// language is "en"), the synonyms, derivationally related forms and, for adjectives, "similar to" lemmas of
// its base forms' senses, as terms pointing at that catalog word. Terms that are catalog words are left out
// (the device matches them already). Best supported first, at most `max_entries`. articles: the app's live
// published articles (others are skipped).
std::vector<FaqExpansion> wordnet_expansions(const WordNet &wn, const std::vector<FaqArticleRecord> &articles,
                                             size_t max_entries = kMaxWordNetExpansions);
// (c) Learned: a query word no article contains, and that is not one edit from a word one contains (a typo
// the device corrects: faq::spelling_neighbours), that led to a deflection (no ticket_id) through an article
// on at least `min_devices` distinct devices points at that article's most distinctive title words. Best
// supported first.
std::vector<FaqExpansion> learned_expansions(const std::vector<DeflectionRecord> &deflections,
                                             const std::vector<FaqArticleRecord> &articles,
                                             int min_devices = kLearnedMinDevices);
// One table: for the same (term, locale) an agent's entry wins over a learned one, a learned over WordNet's
// (an entry for every language, locale "", wins over lower sources' entries of the term in any locale).
// At most kMaxExpansionTargets targets per entry and `max_entries` entries, kept in that order of sources
// (each input best first, as the functions above return them).
std::vector<FaqExpansion> merge_expansions(std::vector<FaqExpansion> agent, std::vector<FaqExpansion> learned,
                                           std::vector<FaqExpansion> wordnet,
                                           size_t max_entries = kMaxExpansions);

// A term as stored and matched: trimmed, runs of white space as one space, ASCII letters in lower case.
std::string normalize_term(std::string_view term);
// Words of a term (split at spaces).
size_t term_words(std::string_view normalized_term);
// "en-US" -> "en", "de_AT" -> "de", "" -> "" (lower case).
std::string language_of(std::string_view locale);

}  // namespace helpline::server
