#include "faq/engine/faq_spelling.hpp"

#include <algorithm>
#include <cstdlib>
#include <utility>

#include "faq/engine/faq_text.hpp"

namespace helpline::detail {
namespace {

using Scored = std::pair<int64_t, std::string>;  // (rank key, word): smaller key first

// The `max` smallest, in order (max is 2 or 3: repeated selection beats pulling in a sort).
std::vector<std::string> best(std::vector<Scored> &v, size_t max) {
  std::vector<std::string> out;
  for (size_t n = 0; n < max && n < v.size(); ++n) {
    size_t min = n;
    for (size_t i = n + 1; i < v.size(); ++i)
      if (v[i] < v[min]) min = i;
    std::swap(v[n], v[min]);
    out.push_back(std::move(v[n].second));
  }
  return out;
}

}  // namespace

int edit_distance(std::string_view a, std::string_view b, int max) {
  int n = static_cast<int>(a.size()), m = static_cast<int>(b.size());
  if (std::abs(n - m) > max) return max + 1;
  // Three rolling rows: two back for transpositions.
  std::vector<int> prev2(m + 1), prev(m + 1), cur(m + 1);
  for (int j = 0; j <= m; ++j) prev[j] = j;
  for (int i = 1; i <= n; ++i) {
    cur[0] = i;
    int row_min = i;
    for (int j = 1; j <= m; ++j) {
      int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      int d = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d = std::min(d, prev2[j - 2] + 1);
      cur[j] = d;
      row_min = std::min(row_min, d);
    }
    if (row_min > max) return max + 1;
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return std::min(prev[m], max + 1);
}

Speller::Speller(sqlite3 *db)
    : term_(db, "SELECT df FROM faq_terms WHERE term = ?1"),
      index_term_(db, "SELECT df FROM faq_forms WHERE term = ?1"),
      expansion_(db, "SELECT targets FROM faq_expansions WHERE term = ?1 AND lang = ?2"),
      shape_(db,
             "SELECT term, df FROM faq_terms WHERE substr(term, 1, 1) = substr(?1, 1, 1) "
             "AND length(term) BETWEEN length(?1) - ?2 AND length(?1) + ?2"),
      range_(db, "SELECT term, df FROM faq_terms WHERE term > ?1 AND term < ?2 LIMIT 512"),
      start_(db,
             "SELECT term, df FROM faq_terms WHERE substr(term, 1, 2) = ?1 AND term > ?1 "
             "ORDER BY df DESC, term LIMIT 16") {}

int64_t Speller::frequency(const std::string &word) {
  ResetOnExit r(term_);
  return term_.bind(1, word).step() ? term_.column_int64(0) : 0;
}

int64_t Speller::index_frequency(const std::string &form) {
  ResetOnExit r(index_term_);
  return index_term_.bind(1, form).step() ? index_term_.column_int64(0) : 0;
}

std::vector<std::string> Speller::expansions(const std::string &form, const std::string &lang) {
  ResetOnExit r(expansion_);
  if (!expansion_.bind(1, form).bind(2, lang).step()) return {};
  return pieces(expansion_.column_text(0), '\t');
}

std::vector<std::string> Speller::corrections(const std::string &word, size_t max) {
  int limit = word.size() <= 4 ? 1 : 2;
  ResetOnExit r(shape_);
  shape_.bind(1, word).bind(2, int64_t{limit});
  std::vector<Scored> found;
  int best_distance = limit;
  while (shape_.step()) {
    std::string term = shape_.column_text(0);
    int d = edit_distance(word, term, best_distance);
    if (d > best_distance || d == 0 || is_stop_word(term)) continue;
    if (d < best_distance) found.clear();  // only the closest words are worth a guess
    best_distance = d;
    found.emplace_back(-shape_.column_int64(1), std::move(term));
  }
  return best(found, max);
}

std::vector<std::string> Speller::completions(const std::string &prefix, size_t max) {
  if (prefix.empty()) return {};
  std::vector<Scored> found;
  std::string end = prefix;
  end.back() = static_cast<char>(end.back() + 1);  // UTF-8 never holds 0xff, so this cannot wrap
  // Two ASCII letters ("wifi ba") start hundreds of words: the likeliest come first (index
  // faq_terms_start), a few more than `max` to cover stop words. Longer prefixes: the first 512.
  bool two = prefix.size() == 2 && static_cast<unsigned char>(prefix[0]) < 0x80 &&
             static_cast<unsigned char>(prefix[1]) < 0x80;
  Statement &st = two ? start_ : range_;
  ResetOnExit r(st);
  st.bind(1, prefix);
  if (!two) st.bind(2, end);
  while (st.step()) {
    std::string term = st.column_text(0);
    if (!is_stop_word(term)) found.emplace_back(-st.column_int64(1), std::move(term));
  }
  return best(found, max);
}

std::string Speller::split(const std::string &word) {
  for (size_t i = 2; i + 2 <= word.size(); ++i) {
    std::string left = word.substr(0, i), right = word.substr(i);
    if (!is_stop_word(left) && !is_stop_word(right) && frequency(left) > 0 && frequency(right) > 0)
      return left + " " + right;
  }
  return {};
}

}  // namespace helpline::detail
