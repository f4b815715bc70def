#include "faq_expansions.hpp"

#include "faq/engine/faq_engine.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace helpline::server {

namespace {

// Function words of English, German and French: they carry no intent of their own, and WordNet lists some of
// them only under unrelated content senses ("can" -> "tin", "will" -> "volition"), so they are never a
// catalog word to expand nor a word to learn. Grammar of the three languages, not vocabulary of any catalog.
const char kStopWords[] =
    "about above after again against all also although always among and another any are because been before "
    "being below between both but can cannot could did does doing done down during each either else ever "
    "every few for from had has have having her here hers herself him himself his how however into its "
    "itself "
    "just least less many may might more most much must myself neither never nor not now off once only onto "
    "other others our ours out over own per please same shall she should since some such than that the their "
    "theirs them then there these they this those though through thus too under unless until upon very via "
    "was were what whatever when where whether which while who whom whose why will with within without would "
    "yet you your yours yourself "
    "aber alle allem allen aller alles als also andere auch auf aus bei beim bin bis bist dann das dass dem "
    "den denn der des die dies diese diesem diesen dieser doch dort durch ein eine einem einen einer eines "
    "euch euer fur gegen hab habe haben hat hatte hier ich ihm ihn ihr ihre ist jede jedem jeden jeder kann "
    "kein keine man mein meine mich mir mit muss nach nicht noch nun nur oder ohne sehr sein seine sich sie "
    "sind uber und uns unser unter vom von vor war waren warum was weil welche wenn wer wie wieder wir wird "
    "zum zur "
    "aux avec ces cette comme comment dans des elle elles est eux ils leur les lui mais mes moi mon nos "
    "notre "
    "nous par pas plus pour pourquoi quand que qui quoi sans ses son sont sur tes toi ton une vos votre vous";

bool is_stop_word(std::string_view w) {
  static const std::unordered_set<std::string_view> words = [] {
    std::unordered_set<std::string_view> s;
    std::string_view all(kStopWords, sizeof kStopWords - 1);
    size_t i = 0;
    while (i < all.size()) {
      size_t j = std::min(all.find(' ', i), all.size());
      if (j > i) s.insert(all.substr(i, j - i));
      i = j + 1;
    }
    return s;
  }();
  return words.count(w) != 0;
}

// Bytes of a non-ASCII separator at `i` (0: none): Latin-1 signs U+00A0..U+00BF and General Punctuation
// U+2000..U+206F (spaces, dashes, quotes), except the right single quote, an apostrophe in typed text.
size_t separator_at(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return k < s.size() ? static_cast<unsigned char>(s[k]) : 0; };
  if (b(i) == 0xC2 && b(i + 1) >= 0xA0 && b(i + 1) <= 0xBF) return 2;
  if (b(i) == 0xE2 && (b(i + 1) == 0x80 || b(i + 1) == 0x81) && !(b(i + 1) == 0x80 && b(i + 2) == 0x99))
    return 3;
  return 0;
}

bool is_ascii_alnum(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

void flush_word(std::string &word, std::vector<std::string> &out) {
  while (!word.empty() && word.back() == '\'') word.pop_back();
  size_t lead = word.find_first_not_of('\'');
  if (lead != std::string::npos) out.push_back(word.substr(lead));
  word.clear();
}

// Words of a text: runs of letters, digits, apostrophes and non-ASCII characters, ASCII and Latin-1 capitals
// in lower case ("Größe" -> "größe"), the right single quote as an apostrophe.
std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> out;
  std::string word;
  for (size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      if (size_t sep = separator_at(text, i)) {
        flush_word(word, out);
        i += sep;
      } else if (c == 0xE2) {  // U+2019
        word.push_back('\'');
        i += 3;
      } else if (c == 0xC3 && i + 1 < text.size()) {  // U+00C0..U+00DE capitals, but U+00D7 (multiplication)
        auto n = static_cast<unsigned char>(text[i + 1]);
        word.push_back(static_cast<char>(c));
        word.push_back(static_cast<char>(n >= 0x80 && n <= 0x9E && n != 0x97 ? n + 0x20 : n));
        i += 2;
      } else {
        word.push_back(static_cast<char>(c));
        ++i;
      }
    } else if (is_ascii_alnum(c) || c == '\'') {
      word.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
      ++i;
    } else {
      flush_word(word, out);
      ++i;
    }
  }
  flush_word(word, out);
  return out;
}

// Letters of a word made of letters only (ASCII letters, non-ASCII characters), else 0.
size_t letters_only(std::string_view w) {
  size_t n = 0;
  for (char ch : w) {
    auto c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || c >= 0xC0) {
      ++n;
    } else if (c < 0x80) {
      return 0;
    }  // 0x80..0xBF: continuation bytes of a character already counted
  }
  return n;
}

bool is_ascii_word(std::string_view w) {
  return !w.empty() && std::all_of(w.begin(), w.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

bool is_live(const FaqArticleRecord &a) {
  return !a.deleted && a.published;
}

std::vector<std::string> tags_of(const FaqArticleRecord &a) {
  std::vector<std::string> out;
  rapidjson::Document d;
  d.Parse(a.tags_json.c_str(), a.tags_json.size());
  if (d.HasParseError() || !d.IsArray()) return out;
  for (const auto &t : d.GetArray())
    if (t.IsString()) out.emplace_back(t.GetString(), t.GetStringLength());
  return out;
}

std::vector<std::string> article_words(const FaqArticleRecord &a) {
  std::vector<std::string> words = split_words(a.title);
  for (const auto &t : tags_of(a))
    for (auto &w : split_words(t)) words.push_back(std::move(w));
  for (auto &w : split_words(a.body)) words.push_back(std::move(w));
  return words;
}

// ---- (a) WordNet

// Catalog words found under a (part of speech, lemma), and the one expansions point at: the most frequent
// surface form, which is what the device's index holds.
struct BaseForm {
  std::string target;
  int count = 0;
};

using SenseKey = uint64_t;  // part of speech and synset offset of the catalog word's sense

SenseKey sense_key(WnPos pos, uint32_t offset) {
  return (static_cast<uint64_t>(pos) << 32) | offset;
}

class WordNetLinks {
 public:
  WordNetLinks(const WordNet &wn, const std::set<std::string> &known) : wn_(wn), known_(known) {}

  // `lemma` (of `pos`) may stand for `target` through the catalog word's sense `sense`.
  void add(const std::string &lemma, WnPos pos, const std::string &target, SenseKey sense) {
    std::string term = term_of(lemma);
    if (term.empty() || term == target || known_.count(term) || !specific(lemma, pos)) return;
    links_[term][target].insert(sense);
  }

  std::vector<FaqExpansion> entries(size_t max_entries) const {
    std::vector<std::pair<size_t, FaqExpansion>> ranked;  // (support, entry)
    for (const auto &[term, targets] : links_) {
      std::vector<std::pair<size_t, std::string>> by_senses;
      size_t support = 0;
      for (const auto &[target, senses] : targets) {
        by_senses.emplace_back(senses.size(), target);
        support += senses.size();
      }
      std::sort(by_senses.begin(), by_senses.end(), [](const auto &a, const auto &b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
      });
      FaqExpansion e{term, {}, "en", "wordnet"};
      for (size_t i = 0; i < by_senses.size() && i < kMaxWordNetTargets; ++i)
        e.to.push_back(by_senses[i].second);
      ranked.emplace_back(support, std::move(e));
    }
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const auto &a, const auto &b) { return a.first > b.first; });
    std::vector<FaqExpansion> out;
    for (auto &r : ranked) {
      if (out.size() >= max_entries) break;
      out.push_back(std::move(r.second));
    }
    return out;
  }

 private:
  // "cell_phone" -> "cell phone"; empty unless it is 1..3 words of ASCII letters, 3+ letters in all, and
  // not a function word.
  static std::string term_of(const std::string &lemma) {
    std::string term = lemma;
    std::replace(term.begin(), term.end(), '_', ' ');
    size_t words = term_words(term);
    bool letters =
        std::all_of(term.begin(), term.end(), [](char c) { return c == ' ' || (c >= 'a' && c <= 'z'); });
    if (!letters || words < 1 || words > 3 || term.size() < 3 || term.find("  ") != std::string::npos ||
        term.front() == ' ' || term.back() == ' ' || is_stop_word(term))
      return {};
    return term;
  }

  // Lemmas with more than kMaxWordNetSenses senses ("set", "run", "get", "break": 20 to 60) are too
  // ambiguous to stand for one catalog word: their other senses' synonyms would match unrelated queries,
  // and beyond about a dozen senses those wrong links outnumber the right ones. WordNet's own sense count
  // decides, not a word list.
  bool specific(const std::string &lemma, WnPos pos) {
    auto key = std::make_pair(static_cast<int>(pos), lemma);
    auto it = specific_.find(key);
    if (it != specific_.end()) return it->second;
    auto e = wn_.lookup(lemma, pos);
    bool ok = e && e->senses <= kMaxWordNetSenses;
    specific_.emplace(key, ok);
    return ok;
  }

  const WordNet &wn_;
  const std::set<std::string> &known_;
  std::map<std::string, std::map<std::string, std::set<SenseKey>>> links_;  // term -> target -> senses
  std::map<std::pair<int, std::string>, bool> specific_;
};

// The English vocabulary of the catalog: ASCII words of 3+ letters that are not function words, with their
// number of occurrences.
std::map<std::string, int> english_vocabulary(const std::vector<FaqArticleRecord> &articles) {
  std::map<std::string, int> vocab;
  for (const auto &a : articles) {
    if (!is_live(a) || language_of(a.locale) != "en") continue;
    for (const auto &w : article_words(a))
      if (w.size() >= 3 && is_ascii_word(w) && !is_stop_word(w)) ++vocab[w];
  }
  return vocab;
}

int synset_word_number(const WnSynset &s, const std::string &lemma) {
  for (size_t i = 0; i < s.words.size(); ++i)
    if (s.words[i] == lemma) return static_cast<int>(i + 1);
  return 0;
}

// The expansions one sense of a catalog word's base form gives: the synset's other lemmas, the lemmas its
// derivationally related form pointers name, and for adjectives the lemmas of "similar to" synsets.
void link_sense(const WordNet &wn, WnPos pos, uint32_t offset, const std::string &lemma,
                const std::string &target, WordNetLinks &links) {
  auto s = wn.synset(pos, offset);
  if (!s) return;
  int self = synset_word_number(*s, lemma);
  if (self == 0 || s->proper[static_cast<size_t>(self) - 1]) return;  // a name: "Mobile" the city
  SenseKey sense = sense_key(pos, offset);
  for (size_t i = 0; i < s->words.size(); ++i)
    if (s->words[i] != lemma && !s->proper[i]) links.add(s->words[i], pos, target, sense);
  for (const auto &p : s->pointers) {
    bool derived = p.symbol == "+" && p.source == self;
    bool similar = pos == WnPos::adj && p.symbol == "&" && p.source == 0;
    if (!derived && !similar) continue;
    auto t = wn.synset(p.pos, p.offset);
    if (!t) continue;
    for (size_t i = 0; i < t->words.size(); ++i) {
      bool named = derived ? static_cast<size_t>(p.target) == i + 1 : similar;
      if (named && !t->proper[i]) links.add(t->words[i], derived ? p.pos : WnPos::adj, target, sense);
    }
  }
}

// ---- (c) learned

std::vector<std::string> json_strings(const std::string &json) {
  std::vector<std::string> out;
  rapidjson::Document d;
  d.Parse(json.c_str(), json.size());
  if (d.HasParseError() || !d.IsArray()) return out;
  for (const auto &v : d.GetArray())
    if (v.IsString()) out.emplace_back(v.GetString(), v.GetStringLength());
  return out;
}

bool learnable(const std::string &w) {
  return letters_only(w) >= 3 && !is_stop_word(w);
}

// The `n` title words of an article that are rarest in the catalog (highest IDF), earlier ones first on ties.
std::vector<std::string> distinctive_title_words(const FaqArticleRecord &a,
                                                 const std::unordered_map<std::string, int> &df, size_t n) {
  std::vector<std::string> words;
  for (auto &w : split_words(a.title))
    if (learnable(w) && std::find(words.begin(), words.end(), w) == words.end())
      words.push_back(std::move(w));
  std::stable_sort(words.begin(), words.end(), [&](const std::string &x, const std::string &y) {
    auto fx = df.find(x), fy = df.find(y);
    return (fx == df.end() ? 0 : fx->second) < (fy == df.end() ? 0 : fy->second);
  });
  if (words.size() > n) words.resize(n);
  return words;
}

struct LearnedEntry {
  size_t support = 0;                              // most devices behind one of its articles
  std::vector<std::pair<size_t, std::string>> to;  // (devices, title word)
};

void add_target(LearnedEntry &e, size_t devices, const std::string &word) {
  for (auto &t : e.to)
    if (t.second == word) {
      t.first = std::max(t.first, devices);
      return;
    }
  e.to.emplace_back(devices, word);
}

}  // namespace

std::string normalize_term(std::string_view term) {
  std::string out;
  bool space = false;
  for (char ch : term) {
    if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch - 'A' + 'a') : ch);
  }
  return out;
}

size_t term_words(std::string_view normalized_term) {
  if (normalized_term.empty()) return 0;
  return static_cast<size_t>(std::count(normalized_term.begin(), normalized_term.end(), ' ')) + 1;
}

std::string language_of(std::string_view locale) {
  std::string out(locale.substr(0, std::min(locale.find_first_of("-_"), locale.size())));
  for (auto &c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::vector<FaqExpansion> wordnet_expansions(const WordNet &wn, const std::vector<FaqArticleRecord> &articles,
                                             size_t max_entries) {
  std::map<std::string, int> vocab = english_vocabulary(articles);
  std::set<std::string> known;  // catalog words and their base forms: the device matches them already
  std::map<std::pair<int, std::string>, BaseForm> bases;
  for (const auto &[word, count] : vocab) {
    known.insert(word);
    for (WnPos pos : kWnPoses) {
      for (const auto &base : wn.base_forms(word, pos)) {
        if (base.size() < 3) continue;  // "uses" -> "us" is a rule's accident, not a word of the catalog
        known.insert(base);
        BaseForm &b = bases[{static_cast<int>(pos), base}];
        if (count > b.count || (count == b.count && (b.target.empty() || word.size() < b.target.size()))) {
          b.target = word;
          b.count = count;
        }
      }
    }
  }
  WordNetLinks links(wn, known);
  for (const auto &[key, base] : bases) {
    auto pos = static_cast<WnPos>(key.first);
    auto e = wn.lookup(key.second, pos);
    if (!e || e->senses > kMaxWordNetSenses) continue;  // see WordNetLinks::specific
    for (uint32_t offset : e->offsets) link_sense(wn, pos, offset, key.second, base.target, links);
  }
  return links.entries(max_entries);
}

std::vector<FaqExpansion> learned_expansions(const std::vector<DeflectionRecord> &deflections,
                                             const std::vector<FaqArticleRecord> &articles, int min_devices) {
  std::unordered_map<std::string, const FaqArticleRecord *> by_id;
  std::unordered_map<std::string, int> df;  // articles containing each word: what the catalog contains
  for (const auto &a : articles) {
    if (!is_live(a)) continue;
    by_id[a.id] = &a;
    std::vector<std::string> words = article_words(a);
    for (const auto &w : std::set<std::string>(words.begin(), words.end())) ++df[w];
  }
  // A misspelt catalog word is no term: the device's speller corrects it, and an expansion to the deflecting
  // article's title words would compete with the correction. Catalog words by first byte; verdicts cached.
  std::unordered_map<char, std::vector<const std::string *>> by_first;
  for (const auto &[w, n] : df)
    if (!w.empty()) by_first[w[0]].push_back(&w);
  std::unordered_map<std::string, bool> typo;
  auto is_typo = [&](const std::string &w) {
    auto [it, fresh] = typo.emplace(w, false);
    if (fresh)
      for (const std::string *k : by_first[w[0]])
        if (k->size() + 2 >= w.size() && k->size() <= w.size() + 2 && faq::spelling_neighbours(w, *k)) {
          it->second = true;
          break;
        }
    return it->second;
  };
  // word -> article -> devices whose deflections joined them
  std::map<std::string, std::map<std::string, std::set<std::string>>> seen;
  for (const auto &d : deflections) {
    if (d.ticket_id || !d.query || d.device_id.empty()) continue;  // not deflected, or erased
    std::vector<std::string> ids = json_strings(d.article_ids_json);
    for (const auto &w : split_words(*d.query)) {
      if (!learnable(w) || df.count(w) || is_typo(w)) continue;
      for (const auto &id : ids)
        if (by_id.count(id)) seen[w][id].insert(d.device_id);
    }
  }
  std::map<std::pair<std::string, std::string>, LearnedEntry> entries;  // (term, language)
  size_t needed = static_cast<size_t>(std::max(1, min_devices));
  for (const auto &[word, per_article] : seen) {
    for (const auto &[id, devices] : per_article) {
      if (devices.size() < needed) continue;
      const FaqArticleRecord &a = *by_id.at(id);
      LearnedEntry &e = entries[{word, language_of(a.locale)}];
      e.support = std::max(e.support, devices.size());
      for (const auto &t : distinctive_title_words(a, df, kLearnedTitleWords))
        add_target(e, devices.size(), t);
    }
  }
  std::vector<std::pair<size_t, FaqExpansion>> ranked;
  for (auto &[key, e] : entries) {
    std::stable_sort(e.to.begin(), e.to.end(),
                     [](const auto &x, const auto &y) { return x.first > y.first; });
    FaqExpansion x{key.first, {}, key.second, "learned"};
    for (size_t i = 0; i < e.to.size() && i < kMaxExpansionTargets; ++i) x.to.push_back(e.to[i].second);
    if (!x.to.empty()) ranked.emplace_back(e.support, std::move(x));
  }
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto &x, const auto &y) { return x.first > y.first; });
  std::vector<FaqExpansion> out;
  for (auto &r : ranked) out.push_back(std::move(r.second));
  return out;
}

namespace {

const char kSpaces[] = " \t\n\r\f\v";

std::string trim(const std::string &s) {
  size_t first = s.find_first_not_of(kSpaces);
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpaces) - first + 1);
}

// Targets trimmed, without the term itself and without repeats (ASCII case aside), at most the cap.
void add_targets(FaqExpansion &into, const std::vector<std::string> &targets) {
  for (const auto &t : targets) {
    if (into.to.size() >= kMaxExpansionTargets) return;
    std::string key = normalize_term(t);
    if (key.empty() || key == into.term) continue;
    bool repeat = std::any_of(into.to.begin(), into.to.end(),
                              [&](const std::string &have) { return normalize_term(have) == key; });
    if (!repeat) into.to.push_back(trim(t));
  }
}

}  // namespace

std::vector<FaqExpansion> merge_expansions(std::vector<FaqExpansion> agent, std::vector<FaqExpansion> learned,
                                           std::vector<FaqExpansion> wordnet, size_t max_entries) {
  std::vector<FaqExpansion> out;
  std::map<std::pair<std::string, std::string>, size_t> at;  // (term, locale) -> index in out
  for (auto *source : {&agent, &learned, &wordnet}) {
    for (auto &e : *source) {
      FaqExpansion x{normalize_term(e.term), {}, e.locale, e.source};
      if (x.term.empty()) continue;
      auto it = at.find({x.term, x.locale});
      if (it != at.end()) {
        // Two entries of one source (an agent's twice) join; an entry of a lower source loses.
        if (out[it->second].source == x.source) add_targets(out[it->second], e.to);
        continue;
      }
      // A higher source's entry for every language ("") covers this locale too.
      auto any = at.find({x.term, std::string()});
      if (any != at.end() && out[any->second].source != x.source) continue;
      add_targets(x, e.to);
      if (x.to.empty() || out.size() >= max_entries) continue;
      at.emplace(std::make_pair(x.term, x.locale), out.size());
      out.push_back(std::move(x));
    }
  }
  return out;
}

}  // namespace helpline::server
