#include "faq/engine/faq_query.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace helpline::detail {
namespace {

constexpr size_t kCompletions = 6;
constexpr size_t kCorrections = 2;
constexpr size_t kExpansions = 8;
// An expansion is a guess at what the user meant: it ranks, but below the words they typed.
constexpr int64_t kExpansionWeight = 60;  // percent
// A typed prefix matches every word it may become: below the likeliest completions themselves.
constexpr int64_t kPrefixWeight = 50;

// German separable verb particles: "schalte ... aus" is "ausschalten" in an article.
constexpr std::string_view kParticles =
    "ab an auf aus bei ein fest her herunter hin los mit nach runter raus rein um uber vor weg zu zuruck";

struct Alt {
  std::string text;  // folded words separated by spaces
  bool prefix, expansion, completion;
  bool operator==(const Alt &o) const { return text == o.text && prefix == o.prefix; }
};

// Each word of `text` stemmed in `lang`, joined by spaces.
std::string stemmed(const std::string &text, const std::string &lang, Stemmer &stemmer) {
  std::string out;
  for (const std::string &w : pieces(text, ' ')) out += (out.empty() ? "" : " ") + stemmer.stem(w, lang);
  return out;
}

class Group {
 public:
  void add(const std::string &text, bool prefix = false, bool expansion = false, bool completion = false) {
    if (text.empty() || alts_.size() >= 16) return;
    Alt alt{text, prefix, expansion, completion};
    if (std::find(alts_.begin(), alts_.end(), alt) == alts_.end()) alts_.push_back(std::move(alt));
  }
  bool empty() const { return alts_.empty(); }
  const std::string &key() const { return alts_.front().text; }
  size_t phrases() const { return phrases_; }

  // Each alternative in every form the index may hold it (stemmed per language, as written), with the
  // articles holding that form; the group's frequency is its most frequent form's.
  void emit(FtsQuery &q, Lexicon &lex) {
    std::vector<std::pair<std::string, bool>> forms;  // (form, prefix)
    std::vector<int64_t> dfs;
    std::vector<int64_t> weights;
    std::vector<char> completed;
    int64_t df = 0, top_completion = 1;
    for (const Alt &alt : alts_) {
      std::vector<std::string> variants;
      if (alt.prefix) {
        variants.push_back(alt.text);
      } else {
        for (const std::string &lang : lex.langs) variants.push_back(stemmed(alt.text, lang, lex.stemmer));
        variants.push_back(alt.text);
      }
      for (std::string &v : variants) {
        std::pair<std::string, bool> form(std::move(v), alt.prefix);
        if (std::find(forms.begin(), forms.end(), form) != forms.end()) continue;
        int64_t d = alt.prefix ? 0 : frequency(form.first, lex.speller);
        if (!alt.expansion) df = std::max(df, d);
        if (alt.completion) top_completion = std::max(top_completion, d);
        forms.push_back(std::move(form));
        dfs.push_back(d);
        completed.push_back(alt.completion ? 1 : 0);
        weights.push_back(alt.expansion                    ? kExpansionWeight
                          : alt.prefix && alts_.size() > 1 ? kPrefixWeight
                                                           : 100);
      }
    }
    // A completion weighs by how likely the user is typing it: the square root of its frequency
    // relative to the most frequent completion ("tra" is more likely "transfer" than "track").
    for (size_t i = 0; i < forms.size(); ++i)
      if (completed[i])
        weights[i] =
            std::max<int64_t>(30, static_cast<int64_t>(100 * std::sqrt(static_cast<double>(dfs[i]) /
                                                                       static_cast<double>(top_completion))));
    q.group_first.push_back(q.terms.size());
    std::string m;
    for (size_t i = 0; i < forms.size(); ++i) {
      if (!m.empty()) m += " OR ";
      m += '"';
      for (char c : forms[i].first) m.append(c == '"' ? 2 : 1, c);
      m += forms[i].second ? "\"*" : "\"";
      q.terms.push_back(std::move(forms[i]));
      q.term_df.push_back(dfs[i] > 0 ? dfs[i] : df);
      q.term_weight.push_back(weights[i]);
    }
    phrases_ = dfs.size();
    q.group_match.push_back(std::move(m));
    q.group_df.push_back(df);
    ++q.groups;
  }

 private:
  // Articles holding every word of a form (an upper bound for a phrase of several).
  static int64_t frequency(const std::string &form, Speller &speller) {
    int64_t df = INT64_MAX;
    for (const std::string &w : pieces(form, ' ')) df = std::min(df, speller.index_frequency(w));
    return df == INT64_MAX ? 0 : df;
  }

  std::vector<Alt> alts_;
  size_t phrases_ = 0;
};

void add_all(Group &g, const std::vector<std::string> &words, bool expansion = false,
             bool completion = false) {
  for (const auto &w : words) g.add(w, false, expansion, completion);
}

// The server's expansions for a word (or two words) in each of the query's languages.
void add_expansions(Group &g, const std::string &text, Lexicon &lex) {
  std::vector<std::string> found;
  auto take = [&](const std::string &key, const std::string &lang) {
    for (std::string &t : lex.speller.expansions(key, lang))
      if (found.size() < kExpansions && std::find(found.begin(), found.end(), t) == found.end())
        found.push_back(std::move(t));
  };
  for (const std::string &lang : lex.langs) take(stemmed(text, lang, lex.stemmer), lang);
  take(text, "");
  add_all(g, found, true);
}

bool in_index(const std::string &w, Lexicon &lex) {
  if (lex.speller.frequency(w) > 0) return true;
  for (const std::string &lang : lex.langs)
    if (lex.speller.index_frequency(lex.stemmer.stem(w, lang)) > 0) return true;
  return false;
}

// One word on its own: the word, or (unknown to the catalog) its likely spellings. The word being
// typed matches through its likeliest completions (and itself when it is already a word); the
// server's expansions and, with German particles in the query, the separable verb's joined form
// ("schalte ... aus" -> "ausschalte") are alternatives.
Group single(const std::string &w, bool typing, Lexicon &lex, const std::vector<std::string> &particles) {
  Group g;
  bool noise = is_stop_word(w) || (w.size() == 1 && !has_digit(w));
  if (noise) return g;
  if (typing && w.size() >= 2) {
    // FTS5's own prefix query (costly on short prefixes) only when the vocabulary has no completion;
    // then the word may also be a finished word with a typo (below).
    bool word = lex.speller.frequency(w) > 0;
    auto more = lex.speller.completions(w, kCompletions);
    if (word) g.add(w);
    // Every word it may become (the likeliest completions rank above the rest) when the vocabulary has
    // more than the completions listed, or the index may hold forms the vocabulary does not (a code's
    // number): FTS5 scans every indexed form with that prefix, the costliest phrase of a query.
    // Otherwise the word as typed is enough besides its completions.
    g.add(w, more.size() >= kCompletions || has_digit(w));
    add_all(g, more, false, true);
    if (word || !more.empty()) return g;
  }
  g.add(w);
  if (!has_digit(w)) {
    for (const std::string &p : particles) g.add(p + w);
    add_expansions(g, w, lex);
  }
  if (w.size() < 3 || has_digit(w) || in_index(w, lex)) return g;
  // Unknown: a truncated word ("thermo"), a typo ("thermostt"), or two words run together ("darkmode").
  auto guesses = w.size() >= 4 ? lex.speller.completions(w, kCompletions) : std::vector<std::string>();
  if (guesses.empty()) guesses = lex.speller.corrections(w, kCorrections);
  if (guesses.empty()) guesses.push_back(lex.speller.split(w));
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

// Two words typed apart that the catalog writes as one ("wi fi", "log in", "x 17", "ab 3001", German
// "passwort anderung" -> "passwortanderung"): the joined word and the phrase.
// Or two words the server's expansions know together ("cell phone"). Empty when neither.
Group pair(const std::string &a, const std::string &b, bool typing, Lexicon &lex) {
  Group g;
  std::string joined = a + b;
  bool known = lex.speller.frequency(joined) > 0;
  if (known || (typing && !lex.speller.completions(joined, 1).empty())) {
    g.add(joined, !known);
    g.add(a + " " + b);
    return g;
  }
  add_expansions(g, a + " " + b, lex);
  if (!g.empty()) g.add(a + " " + b);
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
    for (size_t k = 0; k < phrases[g]; ++k) {
      q.phrase_df.push_back(q.term_df[q.group_first[g] + k]);
      q.phrase_weight.push_back(q.term_weight[q.group_first[g] + k]);
    }
    first = false;
  }
}

bool negation_at(const std::vector<Word> &words, size_t i) {
  return is_negation(words[i].text) ||
         (is_contraction_stem(words[i].text) && i + 1 < words.size() && words[i + 1].text == "t");
}

}  // namespace

FtsQuery build_fts_query(const std::vector<Word> &words, bool typing, Lexicon &lex, int64_t common_df,
                         bool titles_first) {
  FtsQuery q;
  std::vector<std::string> particles;
  if (std::find(lex.langs.begin(), lex.langs.end(), "de") != lex.langs.end())
    for (const Word &w : words)
      if (in_list(kParticles, w.text) && particles.size() < 2) particles.push_back(w.text);
  std::vector<std::string> seen;
  std::vector<size_t> phrases;  // per group
  auto single_at = [&](size_t i) {
    return i < words.size() && (i + 1 == words.size() || !words[i + 1].joined);
  };
  for (size_t i = 0; i < words.size() && q.groups < kMaxQueryGroups;) {
    size_t j = i + 1;
    while (j < words.size() && words[j].joined) ++j;
    bool last_typed = typing && j == words.size();
    Group g;
    if (j - i > 1) {
      g = chunk(words, i, j, last_typed);
    } else if (negation_at(words, i)) {
      g.add("not");
      if (i + 1 < words.size() && words[i + 1].text == "t") ++j;
    } else {
      if (single_at(j) && !words[j].joined) {
        g = pair(words[i].text, words[j].text, typing && j + 1 == words.size(), lex);
        if (!g.empty()) ++j;
      }
      if (g.empty()) g = single(words[i].text, last_typed, lex, particles);
    }
    if (!g.empty() && std::find(seen.begin(), seen.end(), g.key()) == seen.end()) {
      seen.push_back(g.key());
      g.emit(q, lex);
      phrases.push_back(g.phrases());
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
    q.rows = q.match + ")";  // the picked groups alone: every row of the whole expression
    q.match += ") AND (";
    append(q, phrases, all);
    q.match += ")";
  } else if (picked == 0 && titles_first) {
    // Every word is common: articles holding one in the title, tags or codes are the candidates.
    q.candidates = -1;
    append(q, phrases, all);
    q.fallback = q.match;
    q.rows = "{title keywords codes} : (" + q.fallback + ")";
    q.match = "(" + q.fallback + ") AND (" + q.rows + ")";
    q.phrase_group += q.phrase_group;  // the copy's phrases: no IDF (phrase_df covers the first)
  } else {
    if (picked == 0) q.candidates = -1;
    append(q, phrases, all);
    q.rows = q.match;
  }
  return q;
}

}  // namespace helpline::detail
