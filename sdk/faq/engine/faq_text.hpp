// Words as the FTS5 index sees them, shared by the catalog (what is indexed) and the search (what is
// asked), so both fold case and diacritics identically: SQLite's own unicode61 tokenizer does the
// splitting, with the byte offsets we need to see "ERR-SYNC-409" or "Wi-Fi" as one chunk.
#pragma once

#include <sqlite3.h>

#include <string>
#include <string_view>
#include <vector>

namespace helpline::detail {

struct Word {
  std::string text;        // lower case, diacritics removed ("Zurücksetzen" -> "zurucksetzen")
  bool joined = false;     // glued to the previous word by one '-' or '_' (same chunk)
  int start = 0, end = 0;  // byte offsets in the text split
};

// The FTS5 extension API of a connection; throws Error(HELPLINE_E_STORE) when SQLite lacks FTS5.
fts5_api *fts5_api_of(sqlite3 *db);

// unicode61 (remove_diacritics 2), the tokenizer under the index's porter stemmer; with `stem`, the
// index's own tokenizer (porter over it: words as the index holds them, for highlighting).
class WordSplitter {
 public:
  explicit WordSplitter(sqlite3 *db, bool stem = false);
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
// Words too common to rank by ("how", "my", "der", "pourquoi"): English, German, French.
bool is_stop_word(std::string_view w);
// What the codes column holds for a text: each multi-word chunk folded ("wifi", "errsync409") and
// each code word ("e42") with its number ("42"), so codes typed loosely still meet.
std::string code_terms(const std::vector<Word> &words);
// Adds the vocabulary of a text (words of 3+ bytes, numbers of 2+ digits, folded chunks).
void add_vocabulary(const std::vector<Word> &words, std::vector<std::string> &out);
// "de-AT" -> "de"; "" stays "".
std::string language_of(std::string_view locale);

}  // namespace helpline::detail
