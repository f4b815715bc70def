// What the search knows about words, from the catalog's vocabulary (faq_terms) and index: is a word
// known, what might a misspelt word be, how might a half-typed word end. Read-only.
#pragma once

#include <sqlite3.h>

#include <string>
#include <string_view>
#include <vector>

#include "base/sqlite.hpp"

namespace helpline::detail {

// Resets a cached statement however the scope ends, so a failed step cannot wedge the next call.
class ResetOnExit {
 public:
  explicit ResetOnExit(Statement &st) : st_(st) {}
  ~ResetOnExit() { st_.reset(); }
  ResetOnExit(const ResetOnExit &) = delete;
  ResetOnExit &operator=(const ResetOnExit &) = delete;

 private:
  Statement &st_;
};

// Optimal string alignment distance (adjacent transpositions count 1), in bytes; returns max + 1 as
// soon as the distance is known to exceed max.
int edit_distance(std::string_view a, std::string_view b, int max);

class Speller {
 public:
  explicit Speller(sqlite3 *db);

  // Articles holding the word as written (0 when none does).
  int64_t frequency(const std::string &word);
  // Articles whose index holds `form` (a word as the index holds it: a stem, a name, a folded code).
  int64_t index_frequency(const std::string &form);
  // The catalog words the server's expansions give for a word as the index holds it, in `lang` ("" for
  // entries of any language).
  std::vector<std::string> expansions(const std::string &form, const std::string &lang);
  // Up to `max` vocabulary words at the smallest distance (1 for words of 3-4 bytes, else 2), most
  // frequent first. Candidates share the first character: a typo in the first letter is not fixed.
  std::vector<std::string> corrections(const std::string &word, size_t max);
  // Up to `max` vocabulary words that start with `prefix`, most frequent first.
  std::vector<std::string> completions(const std::string &prefix, size_t max);
  // Two words of the vocabulary run together ("darkmode" -> "dark mode", a phrase), or "".
  std::string split(const std::string &word);

 private:
  Statement term_;
  Statement index_term_;
  Statement expansion_;
  Statement shape_;
  Statement range_;
  Statement start_;
};

}  // namespace helpline::detail
