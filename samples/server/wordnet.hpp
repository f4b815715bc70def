// A reader of the WordNet 3.0 database files (Debian's wordnet-base: /usr/share/wordnet; format: man 5
// wndb), used for the FAQ's query expansions (faq_expansions.hpp). The files are mapped read-only and read
// in place: an index file is sorted by lemma, so a lemma is found by binary search; a synset is the line of a
// data file at the byte offset the index names. Base forms of inflected words follow WordNet's Morphy: the
// exception lists (*.exc), then the standard suffix detachment rules. Every field read from the files is
// bounds-checked: a corrupt or truncated file yields fewer answers, never a crash.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace helpline::server {

enum class WnPos { noun, verb, adj, adv };
inline constexpr WnPos kWnPoses[] = {WnPos::noun, WnPos::verb, WnPos::adj, WnPos::adv};

// One line of index.<pos>: the lemma's senses in that part of speech.
struct WnIndexEntry {
  int senses = 0;                 // synset_cnt
  int tagged = 0;                 // tagsense_cnt: the first `tagged` senses are attested in the concordance
  std::vector<uint32_t> offsets;  // its synsets in data.<pos>, most frequent sense first
};

// A pointer of a synset to another synset (or between two of their words).
struct WnPointer {
  std::string symbol;  // "+" derivationally related form, "&" similar to, "@" hypernym, ...
  WnPos pos = WnPos::noun;
  uint32_t offset = 0;
  int source = 0;  // word number in this synset (1-based); 0 with target 0: the synsets as a whole
  int target = 0;  // word number in the target synset
};

struct WnSynset {
  WnPos pos = WnPos::noun;
  std::vector<std::string> words;  // lemmas in index form: lower case, '_' between words, no markers
  std::vector<bool> proper;        // per word: capitalised in the database, a name ("Mobile", the city)
  std::vector<WnPointer> pointers;
};

class WordNet {  // read-only, thread-safe after open
 public:
  // nullptr when `dir` lacks one of the index/data files of the four parts of speech (or cannot be mapped).
  static std::unique_ptr<WordNet> open(const std::string &dir);
  ~WordNet();
  WordNet(const WordNet &) = delete;
  WordNet &operator=(const WordNet &) = delete;

  // The index entry of `lemma` (index form: lower case, '_' for spaces); nullopt when it is not in `pos`.
  std::optional<WnIndexEntry> lookup(std::string_view lemma, WnPos pos) const;
  // The synset at `offset` of data.<pos>; nullopt when no synset line starts there.
  std::optional<WnSynset> synset(WnPos pos, uint32_t offset) const;
  // Morphy: the lemmas of `pos` that `word` (lower case) is an inflection of, or `word` itself when it is
  // one.
  std::vector<std::string> base_forms(std::string_view word, WnPos pos) const;
  // Other lemmas of the synsets of `lemma` in `pos`.
  std::vector<std::string> synonyms(std::string_view lemma, WnPos pos) const;
  // Lemmas of any part of speech that `lemma` (in `pos`) has a derivationally related form pointer ("+") to.
  std::vector<std::string> derivations(std::string_view lemma, WnPos pos) const;

 private:
  struct MappedFile;
  WordNet();
  bool load(const std::string &dir);

  std::unique_ptr<MappedFile> index_[4];
  std::unique_ptr<MappedFile> data_[4];
  std::unordered_map<std::string, std::vector<std::string>> exceptions_[4];  // inflected form -> base forms
};

}  // namespace helpline::server
