#include "faq/engine/faq_text.hpp"

#include <libstemmer.h>

#include <algorithm>
#include <cstring>
#include <iterator>

#include "base/error.hpp"
#include "base/sqlite.hpp"

namespace helpline::detail {
namespace {

// Stop words only leave the query, never the index: phrases still match. One string, each word
// followed by a space: a table of pointers would cost a relocation per word in the library.
const char kStopWords[] =
    "a aber about after again all als also am an and any are as at au auch auf aus aux avec be been "
    "before bei being bin bis but by can cant ce ces cette comment could d da dans das dass de dem den "
    "der des did didn die do doch does doesn don dont du ein eine einem einen einer eines elle en er es "
    "est et for from fur get gets getting got habe haben had has hat have having hello hi how i ich if "
    "ihr il im in into is isn ist it its ja je just kann la le les ll m ma mais me mein meine meinem "
    "meinen mes mich mir mit moi mon my nach ne nicht no noch not nous now nur ob oder of on once only "
    "or ou our par pas please plus pour pourquoi qu que qui quoi re s sa se sein ses should sich sie "
    "sind so some son still sur t ta te than thanks that the their them then there these they this those "
    "to too tu uber um un und une uns ve very vom von vous warum was wasn we weil wenn were what when "
    "where which while who why wie wieso will wir wird with wo won wont would y you your zu zum zur";

// Grammar, not vocabulary: the closed classes of negation words and of the stems English contracts with
// "n't" (typed "doesn't", "doesnt" or "doesn t").
constexpr std::string_view kNegations =
    "not no cannot nicht kein keine keinen keinem keiner keines pas dont doesnt didnt isnt arent wasnt "
    "werent wont cant couldnt shouldnt wouldnt havent hasnt hadnt aint";
constexpr std::string_view kContractions =
    "don doesn didn isn aren wasn weren won can couldn shouldn wouldn haven hasn hadn ain";

}  // namespace

bool in_list(std::string_view all, std::string_view w) {
  for (size_t at = 0; !w.empty() && (at = all.find(w, at)) != std::string_view::npos; at += w.size()) {
    bool starts = at == 0 || all[at - 1] == ' ';
    bool ends = at + w.size() == all.size() || all[at + w.size()] == ' ';
    if (starts && ends) return true;
  }
  return false;
}

namespace {

constexpr size_t kMaxTermBytes = 40;  // longer "words" are noise (URLs, hashes), not vocabulary

struct SplitState {
  std::string_view text;
  std::vector<Word> *out;
  int last_end = -1;
};

int on_token(void *ctx, int /*flags*/, const char *token, int n, int start, int end) {
  auto *s = static_cast<SplitState *>(ctx);
  Word w;
  w.text.assign(token, static_cast<size_t>(n));
  w.joined = s->last_end >= 0 && start == s->last_end + 1 &&
             (s->text[start - 1] == '-' || s->text[start - 1] == '_');
  s->last_end = w.end = end;
  w.start = start;
  s->out->push_back(std::move(w));
  return SQLITE_OK;
}

template <class F>
void for_each_chunk(const std::vector<Word> &words, F f) {
  for (size_t i = 0; i < words.size();) {
    size_t j = i + 1;
    while (j < words.size() && words[j].joined) ++j;
    f(i, j);
    i = j;
  }
}

void add_digit_runs(const std::string &w, std::string &out) {
  for (size_t i = 0; i < w.size();) {
    if (w[i] < '0' || w[i] > '9') {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < w.size() && w[j] >= '0' && w[j] <= '9') ++j;
    out.append(w, i, j - i).push_back(' ');
    i = j;
  }
}

}  // namespace

fts5_api *fts5_api_of(sqlite3 *db) {
  fts5_api *api = nullptr;
  Statement st(db, "SELECT fts5(?1)");
  sqlite3_bind_pointer(st.get(), 1, &api, "fts5_api_ptr", nullptr);
  st.step();
  if (api == nullptr) throw Error(HELPLINE_E_STORE, "SQLite was built without FTS5");
  return api;
}

WordSplitter::WordSplitter(sqlite3 *db) {
  fts5_api *api = fts5_api_of(db);
  void *user = nullptr;
  const char *args[] = {"remove_diacritics", "2"};
  if (api->xFindTokenizer(api, "unicode61", &user, &api_) != SQLITE_OK ||
      api_.xCreate(user, args, 2, &tokenizer_) != SQLITE_OK)
    throw Error(HELPLINE_E_STORE, "FTS5 unicode61 tokenizer unavailable");
}

WordSplitter::~WordSplitter() {
  if (tokenizer_ != nullptr) api_.xDelete(tokenizer_);
}

std::vector<Word> WordSplitter::split(std::string_view text) const {
  std::vector<Word> out;
  SplitState state{text, &out};
  int rc = api_.xTokenize(tokenizer_, &state, FTS5_TOKENIZE_DOCUMENT, text.data(),
                          static_cast<int>(text.size()), on_token);
  if (rc != SQLITE_OK)
    throw Error(rc == SQLITE_NOMEM ? HELPLINE_E_NO_MEMORY : HELPLINE_E_STORE, "FTS5 tokenizer failed");
  return out;
}

bool has_digit(std::string_view w) {
  return std::any_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool has_alpha(std::string_view w) {
  // Non-ASCII bytes count as letters: the tokenizer already dropped non-letter symbols.
  return std::any_of(w.begin(), w.end(), [](char c) { return (c < '0' || c > '9'); });
}

bool is_stop_word(std::string_view w) {
  return in_list(std::string_view(kStopWords, sizeof kStopWords - 1), w);
}

bool is_negation(std::string_view w) {
  return in_list(kNegations, w);
}

bool is_contraction_stem(std::string_view w) {
  return in_list(kContractions, w);
}

std::string code_terms(const std::vector<Word> &words) {
  std::string out;
  for_each_chunk(words, [&](size_t i, size_t j) {
    if (j - i > 1) {
      for (size_t k = i; k < j; ++k) out += words[k].text;
      out.push_back(' ');
    }
    for (size_t k = i; k < j; ++k) {
      const std::string &w = words[k].text;
      if (has_digit(w) && has_alpha(w)) {
        out.append(w).push_back(' ');
        add_digit_runs(w, out);
      } else if (j - i > 1 && has_digit(w)) {
        out.append(w).push_back(' ');
      }
    }
  });
  if (!out.empty()) out.pop_back();
  return out;
}

void add_vocabulary(const std::vector<Word> &words, std::vector<std::string> &out) {
  for_each_chunk(words, [&](size_t i, size_t j) {
    std::string folded;
    for (size_t k = i; k < j; ++k) {
      const std::string &w = words[k].text;
      // Numbers of 2+ digits too: their frequency tells a code's number ("409") from a common word.
      // Two-letter words too ("pc", "ok", "2fa"): they are searched, so their frequency must be known.
      if (w.size() >= 2 && w.size() <= kMaxTermBytes) out.push_back(w);
      if (j - i > 1) folded += w;
    }
    if (folded.size() >= 3 && folded.size() <= kMaxTermBytes) out.push_back(std::move(folded));
  });
}

Stemmer::~Stemmer() {
  for (auto &s : stemmers_)
    if (s.second != nullptr) sb_stemmer_delete(s.second);
}

namespace {

// British and American spelling meet before stemming (Snowball keeps "recognise" and "recognize"
// apart): -ise, -ised, -ises, -ising, -iser(s), -isation(s) -> -iz..., on words of 6+ letters.
std::string american(std::string w) {
  for (size_t at = w.size() >= 6 ? w.rfind("is") : std::string::npos;
       at != std::string::npos && at + 8 >= w.size();) {
    if (in_list("e ed es ing er ers ation ations", std::string_view(w).substr(at + 2))) w[at + 1] = 'z';
    break;
  }
  return w;
}

}  // namespace

std::string Stemmer::stem(const std::string &word_in, const std::string &lang) {
  if (lang.empty() || has_digit(word_in)) return word_in;
  const std::string word = lang == "en" ? american(word_in) : word_in;
  sb_stemmer *st = nullptr;
  auto it = std::find_if(stemmers_.begin(), stemmers_.end(), [&](const auto &s) { return s.first == lang; });
  if (it != stemmers_.end()) {
    st = it->second;
  } else if (stemmers_.size() < 32) {  // languages are a catalog's few; a flood of bad ones stays unstemmed
    st = sb_stemmer_new(lang.c_str(), nullptr);
    stemmers_.emplace_back(lang, st);
  }
  if (st == nullptr) return word;
  const sb_symbol *out =
      sb_stemmer_stem(st, reinterpret_cast<const sb_symbol *>(word.data()), static_cast<int>(word.size()));
  if (out == nullptr) return word;  // out of memory: the word unstemmed still matches itself
  return std::string(reinterpret_cast<const char *>(out), static_cast<size_t>(sb_stemmer_length(st)));
}

std::vector<std::string> index_forms(std::string_view text, const std::vector<Word> &words, Stemmer &stemmer,
                                     const std::string &lang, std::string_view wanted) {
  auto maybe = [&](const std::string &w) {
    if (wanted.empty()) return true;
    for (size_t at = 0; (at = wanted.find(std::string_view(w).substr(0, 2), at)) != std::string_view::npos;
         ++at)
      if (at == 0 || wanted[at - 1] == ' ') return true;
    return false;
  };
  const bool negations = wanted.empty() || in_list(wanted, "not");
  auto upper = [&](const Word &w) {
    return text[static_cast<size_t>(w.start)] >= 'A' && text[w.start] <= 'Z';
  };
  // Title Case ("Reset Your Password") says nothing about names.
  size_t long_words = 0, capitalised = 0;
  for (const Word &w : words)
    if (w.text.size() >= 4 && has_alpha(w.text)) long_words += 1, capitalised += upper(w) ? 1 : 0;
  bool title_case = capitalised * 2 > long_words;
  std::vector<std::string> out;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string &w = words[i].text;
    if (!negations && !maybe(w)) {  // cannot match what is wanted, in any form
      out.push_back(w);
      continue;
    }
    bool apostrophe_t = i + 1 < words.size() && words[i + 1].text == "t" &&
                        words[i + 1].start > words[i].end && words[i + 1].start - words[i].end <= 3;
    if (w == "t" && i > 0 && is_contraction_stem(words[i - 1].text) && !out.empty() && out.back() == "not") {
      out.emplace_back();
      continue;
    }
    if (is_negation(w) || (apostrophe_t && is_contraction_stem(w))) {
      out.emplace_back("not");
      continue;
    }
    size_t before = static_cast<size_t>(words[i].start);
    while (before > 0 && (text[before - 1] == ' ' || text[before - 1] == '"' || text[before - 1] == '('))
      --before;
    bool sentence_start =
        before == 0 || std::string_view(".!?:;\n\t").find(text[before - 1]) != std::string_view::npos;
    bool name = !title_case && !sentence_start && upper(words[i]);
    out.push_back(name || !maybe(w) ? w : stemmer.stem(w, lang));
  }
  return out;
}

std::string index_text(std::string_view text, const std::vector<Word> &words, Stemmer &stemmer,
                       const std::string &lang) {
  std::string out;
  for (const std::string &f : index_forms(text, words, stemmer, lang))
    if (!f.empty()) out.append(f).push_back(' ');
  if (!out.empty()) out.pop_back();
  return out;
}

std::vector<std::string> pieces(std::string_view s, char sep) {
  std::vector<std::string> out;
  for (size_t at = 0; at < s.size();) {
    size_t end = std::min(s.find(sep, at), s.size());
    if (end > at) out.emplace_back(s.substr(at, end - at));
    at = end + 1;
  }
  return out;
}

std::string language_of(std::string_view locale) {
  std::string lang;
  for (char c : locale) {
    if (c == '-' || c == '_') break;
    lang.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return lang;
}

}  // namespace helpline::detail
