// The FAQ search engine as a library: the narrow header for programs other than the SDK
// (helpline-server ranks automated answers with it). An index lives in its own in-memory SQLite
// database, is fed GET /v1/faq documents (docs/protocol.md section 9: full snapshots or `since`
// deltas) and answers searches with the same ranking, spelling correction and code folding the SDK
// uses offline (faq_search.hpp describes the ranking). Not thread-safe: one caller at a time.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace helpline::faq {

class FaqIndex {
 public:
  // An empty index; `default_locale` is the language other locales fall back to. Throws
  // std::runtime_error when SQLite cannot open an in-memory database.
  explicit FaqIndex(const std::string &default_locale = "en");
  ~FaqIndex();
  FaqIndex(const FaqIndex &) = delete;
  FaqIndex &operator=(const FaqIndex &) = delete;

  // Applies one GET /v1/faq answer (one transaction). Throws std::runtime_error on malformed JSON,
  // with the index unchanged.
  void apply(const std::string &faq_document_json);
  // {"query", "locale", "hits": [{"id", "section_id", "title", "snippet", "score", "confidence",
  // "locale"}]}, best first. Throws std::runtime_error on bad input (invalid UTF-8, bad locale).
  std::string search_json(std::string_view query, std::string_view locale, int limit);
  // {"hits": [...]} as search_json, only hits confident enough to suggest for a ticket being written.
  std::string suggest_for_ticket_json(std::string_view subject, std::string_view body, int limit);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Whether `word` is one edit from `known` with the same first byte (optimal string alignment distance 1;
// both folded to lower case): a typo the device's speller corrects, not a word to learn an expansion for.
// Distance 2, which the speller also corrects in long words, would also take real words for typos
// ("geplatzt" / "geplant"): measured, it lost more learned paraphrases than it saved typos.
bool spelling_neighbours(std::string_view word, std::string_view known);

}  // namespace helpline::faq
