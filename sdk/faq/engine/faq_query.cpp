#include "faq/engine/faq_query.hpp"

#include <algorithm>
#include <utility>

namespace helpline::detail {
namespace {

constexpr size_t kCompletions = 3;
constexpr size_t kCorrections = 2;

class Group {
 public:
  void add(const std::string &text, bool prefix) {
    if (text.empty()) return;
    std::pair<std::string, bool> alt(text, prefix);
    if (std::find(alts_.begin(), alts_.end(), alt) == alts_.end()) alts_.push_back(std::move(alt));
  }
  bool empty() const { return alts_.empty(); }
  const std::string &key() const { return alts_.front().first; }
  // Articles holding the likeliest alternative (as typed, corrected or completed).
  // Also records each phrase's document frequency (the group's, for a phrase the vocabulary lacks).
  void emit(FtsQuery &q, Speller &speller) const {
    std::vector<int64_t> dfs;
    int64_t df = 0;
    for (const auto &alt : alts_) df = std::max(df, dfs.emplace_back(speller.frequency(alt.first)));
    for (int64_t d : dfs) q.term_df.push_back(d > 0 ? d : df);
    q.group_first.push_back(q.terms.size());
    std::string m;
    for (const auto &[text, prefix] : alts_) {
      if (!m.empty()) m += " OR ";
      m += '"';
      for (char c : text) m.append(c == '"' ? 2 : 1, c);
      m += prefix ? "\"*" : "\"";
      q.terms.emplace_back(text, prefix);
    }
    q.group_match.push_back(std::move(m));
    q.group_df.push_back(df);
    ++q.groups;
  }
  size_t size() const { return alts_.size(); }

 private:
  std::vector<std::pair<std::string, bool>> alts_;
};

void add_all(Group &g, const std::vector<std::string> &words) {
  for (const auto &w : words) g.add(w, false);
}

// One word on its own: the word, or (unknown to the catalog) its likely spellings. The word being
// typed, unless it is already a word of the catalog, matches through its likeliest completions.
Group single(const std::string &w, bool typing, Speller &speller) {
  Group g;
  bool noise = is_stop_word(w) || (w.size() == 1 && !has_digit(w));
  if (noise) return g;
  if (typing && w.size() >= 2 && speller.frequency(w) == 0) {
    // The likeliest completions; FTS5's own prefix query (costly on short prefixes) only when the
    // vocabulary has none, to catch forms it lacks.
    auto more = speller.completions(w, kCompletions);
    g.add(w, more.empty());
    add_all(g, more);
    if (!more.empty()) return g;
  }
  g.add(w, false);
  if (w.size() < 3 || has_digit(w) || speller.known(w)) return g;
  // Unknown: a truncated word ("thermo"), a typo ("thermostt"), or two words run together ("darkmode").
  auto guesses = w.size() >= 4 ? speller.completions(w, kCompletions) : std::vector<std::string>();
  if (guesses.empty()) guesses = speller.corrections(w, kCorrections);
  if (guesses.empty()) guesses.push_back(speller.split(w));
  add_all(g, guesses);
  return g;
}

// A chunk such as "ERR-SYNC-409", "wi-fi" or "E-42": folded ("errsync409", as the codes column holds
// it), as a phrase, and by its numbers alone so "ERR-409" still meets "ERR-SYNC-409".
Group chunk(const std::vector<Word> &words, size_t i, size_t j, bool typing) {
  Group g;
  std::string folded, phrase;
  for (size_t k = i; k < j; ++k) {
    folded += words[k].text;
    phrase += (k > i ? " " : "") + words[k].text;
  }
  g.add(folded, typing);
  g.add(phrase, typing);
  for (size_t k = i; k < j; ++k)
    if (has_digit(words[k].text)) g.add(words[k].text, false);
  return g;
}

// Appends the groups `take` selects to q.match (joined by OR) and their phrases to q.phrase_group.
template <class Take>
void append(FtsQuery &q, const std::vector<size_t> &phrases, Take take) {
  bool first = true;
  for (int g = 0; g < q.groups; ++g) {
    if (!take(g)) continue;
    q.match += (first ? "" : " OR ") + q.group_match[g];
    q.phrase_group.append(phrases[g], static_cast<char>('A' + g));
    for (size_t k = 0; k < phrases[g]; ++k) q.phrase_df.push_back(q.term_df[q.group_first[g] + k]);
    first = false;
  }
}

}  // namespace

FtsQuery build_fts_query(const std::vector<Word> &words, bool typing, Speller &speller, int64_t common_df,
                         bool titles_first) {
  FtsQuery q;
  std::vector<std::string> seen;
  std::vector<size_t> phrases;  // per group
  for (size_t i = 0; i < words.size() && q.groups < kMaxQueryGroups;) {
    size_t j = i + 1;
    while (j < words.size() && words[j].joined) ++j;
    bool last_typed = typing && j == words.size();
    Group g = j - i == 1 ? single(words[i].text, last_typed, speller) : chunk(words, i, j, last_typed);
    if (!g.empty() && std::find(seen.begin(), seen.end(), g.key()) == seen.end()) {
      seen.push_back(g.key());
      phrases.push_back(g.size());
      g.emit(q, speller);
    }
    i = j;
  }
  // Candidates: the rarest groups while the articles they hold stay within common_df together.
  std::vector<int> order;
  for (int g = 0; g < q.groups; ++g)
    if (q.group_df[g] > 0) order.push_back(g);
  for (size_t i = 1; i < order.size(); ++i)  // at most kMaxQueryGroups: insertion sort, stable and small
    for (size_t j = i; j > 0 && q.group_df[order[j]] < q.group_df[order[j - 1]]; --j)
      std::swap(order[j], order[j - 1]);
  std::vector<char> pick(static_cast<size_t>(q.groups), 0);
  int picked = 0;
  q.candidates = 0;
  for (int g : order) {
    if (q.candidates + q.group_df[g] > common_df) break;
    q.candidates += q.group_df[g];
    pick[static_cast<size_t>(g)] = 1;
    ++picked;
  }
  auto all = [](int) { return true; };
  if (picked > 0 && picked < q.groups) {
    q.match = "(";
    append(q, phrases, [&](int g) { return pick[static_cast<size_t>(g)] != 0; });
    q.match += ") AND (";
    append(q, phrases, all);
    q.match += ")";
  } else if (picked == 0 && titles_first) {
    // Every word is common: articles holding one in the title, tags or codes are the candidates.
    q.candidates = -1;
    append(q, phrases, all);
    q.fallback = q.match;
    q.match = "(" + q.fallback + ") AND ({title keywords codes} : (" + q.fallback + "))";
    q.phrase_group += q.phrase_group;  // the copy's phrases: no IDF (phrase_df covers the first)
  } else {
    if (picked == 0) q.candidates = -1;
    append(q, phrases, all);
  }
  return q;
}

}  // namespace helpline::detail
