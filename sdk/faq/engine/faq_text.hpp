// Words as the FTS5 index sees them, shared by the catalog (what is indexed) and the search (what is
// asked), so both fold case and diacritics and stem identically: SQLite's own unicode61 tokenizer does
// the splitting, with the byte offsets we need to see "ERR-SYNC-409" or "Wi-Fi" as one chunk, and
// Snowball stems each word in the article's language before the index sees it.
#pragma once

#include <sqlite3.h>

#include <string>
#include <string_view>
#include <vector>

struct sb_stemmer;

namespace helpline::detail {

struct Word {
  std::string text;        // lower case, diacritics removed ("Zurücksetzen" -> "zurucksetzen")
  bool joined = false;     // glued to the previous word by one '-' or '_' (same chunk)
  int start = 0, end = 0;  // byte offsets in the text split
};

// The FTS5 extension API of a connection; throws Error(HELPLINE_E_STORE) when SQLite lacks FTS5.
fts5_api *fts5_api_of(sqlite3 *db);

// unicode61 (remove_diacritics 2): the index's tokenizer, which sees the words already stemmed by
// index_text and so only splits them again.
class WordSplitter {
 public:
  explicit WordSplitter(sqlite3 *db);
  ~WordSplitter();
  WordSplitter(const WordSplitter &) = delete;
  WordSplitter &operator=(const WordSplitter &) = delete;

  std::vector<Word> split(std::string_view text) const;

 private:
  fts5_tokenizer api_{};
  Fts5Tokenizer *tokenizer_ = nullptr;
};

bool has_digit(std::string_view w);
bool has_alpha(std::string_view w);
// Whether `w` is one of the space-separated words of `list`.
bool in_list(std::string_view list, std::string_view w);
// Words too common to rank by ("how", "my", "der", "pourquoi"): English, German, French.
bool is_stop_word(std::string_view w);
// What the codes column holds for a text: each multi-word chunk folded ("wifi", "errsync409") and
// each code word ("e42") with its number ("42"), so codes typed loosely still meet.
std::string code_terms(const std::vector<Word> &words);
// Adds the vocabulary of a text (words and numbers of 2+ bytes, folded chunks).
void add_vocabulary(const std::vector<Word> &words, std::vector<std::string> &out);
// The non-empty pieces of `s` between `sep`s.
std::vector<std::string> pieces(std::string_view s, char sep);
// "de-AT" -> "de"; "" stays "".
std::string language_of(std::string_view locale);

// Negations carry intent ("won't charge", "nicht verbunden"): every form of one (not, no, cannot, the
// contractions with or without the apostrophe, German kein/nicht, French pas) is the one word "not" in the
// index and in queries. The word before a "'t" (don, won, can) is only a negation with it.
bool is_negation(std::string_view w);
bool is_contraction_stem(std::string_view w);

// Snowball stemmers (libstemmer) by language, made on first use. Not thread-safe: one per owner.
class Stemmer {
 public:
  Stemmer() = default;
  ~Stemmer();
  Stemmer(const Stemmer &) = delete;
  Stemmer &operator=(const Stemmer &) = delete;
  // The stem of a folded word in `lang` ("en", "de"); the word itself when it holds a digit or Snowball
  // has no stemmer for the language.
  std::string stem(const std::string &word, const std::string &lang);

 private:
  std::vector<std::pair<std::string, sb_stemmer *>> stemmers_;
};

// The words of `text` as the index holds them, one per word of `words` (its split): stems in `lang`,
// negations as "not" ("" for the "t" of a contraction), and words that read as names (capitalised inside
// a sentence of a text that is not title-cased: "Windows", "Ring") as written, so a name is never
// stemmed into a common word. With `wanted` (forms separated by spaces, as a search looks for them), a word
// is stemmed only when its first two bytes start one of them (stemming keeps a word's first two letters),
// others are returned as written: the same matches for those forms at a fraction of the stemming.
std::vector<std::string> index_forms(std::string_view text, const std::vector<Word> &words, Stemmer &stemmer,
                                     const std::string &lang, std::string_view wanted = {});
// index_forms joined by spaces: what an FTS column holds.
std::string index_text(std::string_view text, const std::vector<Word> &words, Stemmer &stemmer,
                       const std::string &lang);

}  // namespace helpline::detail
