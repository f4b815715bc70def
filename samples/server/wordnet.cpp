#include "wordnet.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>

namespace helpline::server {

namespace {

const char *const kPosNames[] = {"noun", "verb", "adj", "adv"};

size_t index_of(WnPos pos) {
  return static_cast<size_t>(pos);
}

std::optional<WnPos> pos_of(char c) {
  switch (c) {
    case 'n':
      return WnPos::noun;
    case 'v':
      return WnPos::verb;
    case 'a':
    case 's':  // adjective satellite
      return WnPos::adj;
    case 'r':
      return WnPos::adv;
    default:
      return std::nullopt;
  }
}

// Splits a line at single spaces (the files' only separator); empty fields are dropped.
std::vector<std::string_view> fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    size_t j = line.find(' ', i);
    if (j == std::string_view::npos) j = line.size();
    if (j > i) out.push_back(line.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

// A number in `base` that fits `max`; nullopt for anything else (the files are untrusted input).
std::optional<uint32_t> number(std::string_view s, int base, uint32_t max = UINT32_MAX) {
  if (s.empty() || s.size() > 10) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (d < 0 || d >= base) return std::nullopt;
    v = v * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
  }
  if (v > max) return std::nullopt;
  return static_cast<uint32_t>(v);
}

// The line that starts at `from` (without its newline).
std::string_view line_at(std::string_view file, size_t from) {
  size_t end = file.find('\n', from);
  return file.substr(from, (end == std::string_view::npos ? file.size() : end) - from);
}

// The line whose first field is `key` in a file sorted by that field, or empty. The license lines at the top
// start with spaces (an empty first field), so they sort first and are never a match.
std::string_view find_sorted_line(std::string_view file, std::string_view key) {
  size_t lo = 0, hi = file.size();  // lo is always the start of a line
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    size_t start = mid;  // back to the start of mid's line: lo <= start <= mid < hi, so each step shrinks
    while (start > lo && file[start - 1] != '\n') --start;
    std::string_view line = line_at(file, start);
    std::string_view lemma = line.substr(0, std::min(line.find(' '), line.size()));
    int c = lemma.compare(key);
    if (c == 0) return line;
    if (c < 0) {
      lo = start + line.size() + 1;
    } else {
      hi = start;
    }
  }
  return {};
}

// Adjective lemmas in data.adj may carry a syntactic marker: "big(p)", "galore(ip)".
std::string index_form(std::string_view word) {
  size_t paren = word.find('(');
  if (paren != std::string_view::npos) word = word.substr(0, paren);
  std::string out(word);
  for (auto &c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

struct Rule {
  const char *suffix;
  const char *ending;
};

// Morphy's detachment rules (WordNet's morph.c), per part of speech.
const std::vector<Rule> &rules_of(WnPos pos) {
  static const std::vector<Rule> noun{{"s", ""},      {"ses", "s"},   {"xes", "x"},   {"zes", "z"},
                                      {"ches", "ch"}, {"shes", "sh"}, {"men", "man"}, {"ies", "y"}};
  static const std::vector<Rule> verb{{"s", ""},   {"ies", "y"}, {"es", "e"},  {"es", ""},
                                      {"ed", "e"}, {"ed", ""},   {"ing", "e"}, {"ing", ""}};
  static const std::vector<Rule> adj{{"er", ""}, {"est", ""}, {"er", "e"}, {"est", "e"}};
  static const std::vector<Rule> none;
  switch (pos) {
    case WnPos::noun:
      return noun;
    case WnPos::verb:
      return verb;
    case WnPos::adj:
      return adj;
    case WnPos::adv:
      break;
  }
  return none;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

void add_unique(std::vector<std::string> &out, std::string s) {
  if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(std::move(s));
}

void load_exceptions(const std::string &path,
                     std::unordered_map<std::string, std::vector<std::string>> &out) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    auto f = fields(line);
    if (f.size() < 2) continue;
    auto &bases = out[std::string(f[0])];
    for (size_t i = 1; i < f.size(); ++i) bases.emplace_back(f[i]);
  }
}

}  // namespace

// A file mapped read-only for the life of the WordNet (the page cache shares it between processes).
struct WordNet::MappedFile {
  const char *data = nullptr;
  size_t size = 0;
  ~MappedFile() {
    if (data) munmap(const_cast<char *>(data), size);
  }
  std::string_view view() const { return {data, size}; }
  static std::unique_ptr<MappedFile> open(const std::string &path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return nullptr;
    struct stat st {};
    auto file = std::make_unique<MappedFile>();
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
      void *p = mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
      if (p != MAP_FAILED) {
        file->data = static_cast<const char *>(p);
        file->size = static_cast<size_t>(st.st_size);
      }
    }
    ::close(fd);
    return file->data ? std::move(file) : nullptr;
  }
};

WordNet::WordNet() = default;
WordNet::~WordNet() = default;

std::unique_ptr<WordNet> WordNet::open(const std::string &dir) {
  std::unique_ptr<WordNet> wn(new WordNet());
  if (!wn->load(dir)) return nullptr;
  return wn;
}

bool WordNet::load(const std::string &dir) {
  for (WnPos pos : kWnPoses) {
    size_t i = index_of(pos);
    std::string name = kPosNames[i];
    index_[i] = MappedFile::open(dir + "/index." + name);
    data_[i] = MappedFile::open(dir + "/data." + name);
    if (!index_[i] || !data_[i]) return false;
    load_exceptions(dir + "/" + name + ".exc", exceptions_[i]);  // optional: fewer irregular forms without
  }
  return true;
}

std::optional<WnIndexEntry> WordNet::lookup(std::string_view lemma, WnPos pos) const {
  if (lemma.empty()) return std::nullopt;
  std::string_view line = find_sorted_line(index_[index_of(pos)]->view(), lemma);
  // lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt synset_offset [synset_offset...]
  auto f = fields(line);
  if (f.size() < 4) return std::nullopt;
  auto synsets = number(f[2], 10, 10000);
  auto pointer_kinds = number(f[3], 10, 1000);
  if (!synsets || !pointer_kinds) return std::nullopt;
  size_t first_offset = 4 + *pointer_kinds + 2;
  if (f.size() < first_offset + *synsets) return std::nullopt;
  WnIndexEntry e;
  e.senses = static_cast<int>(*synsets);
  e.tagged = static_cast<int>(number(f[first_offset - 1], 10, 10000).value_or(0));
  for (size_t i = 0; i < *synsets; ++i) {
    auto off = number(f[first_offset + i], 10);
    if (!off) return std::nullopt;
    e.offsets.push_back(*off);
  }
  return e;
}

std::optional<WnSynset> WordNet::synset(WnPos pos, uint32_t offset) const {
  std::string_view file = data_[index_of(pos)]->view();
  if (offset >= file.size() || (offset > 0 && file[offset - 1] != '\n')) return std::nullopt;
  std::string_view line = line_at(file, offset);
  line = line.substr(0, std::min(line.find(" | "), line.size()));  // the gloss is not needed
  // synset_offset lex_filenum ss_type w_cnt word lex_id [word lex_id...] p_cnt [ptr...] [frames...]
  auto f = fields(line);
  if (f.size() < 4 || number(f[0], 10) != offset || f[2].size() != 1) return std::nullopt;
  auto type = pos_of(f[2][0]);
  auto words = number(f[3], 16, 255);
  if (!type || !words || f.size() < 5 + 2 * *words) return std::nullopt;
  WnSynset s;
  s.pos = *type;
  for (size_t i = 0; i < *words; ++i) {
    std::string_view w = f[4 + 2 * i];
    s.words.push_back(index_form(w));
    s.proper.push_back(w[0] >= 'A' && w[0] <= 'Z');
  }
  size_t p = 4 + 2 * *words;
  auto pointers = number(f[p], 10, 9999);
  if (!pointers || f.size() < p + 1 + 4 * *pointers) return std::nullopt;
  for (size_t i = 0; i < *pointers; ++i) {
    size_t k = p + 1 + 4 * i;
    auto target = number(f[k + 1], 10);
    auto tpos = pos_of(f[k + 2].size() == 1 ? f[k + 2][0] : '?');
    auto st = number(f[k + 3], 16, 0xffff);  // source/target: four hex digits
    if (!target || !tpos || !st || f[k + 3].size() != 4) continue;
    s.pointers.push_back(WnPointer{std::string(f[k]), *tpos, *target, static_cast<int>(*st >> 8),
                                   static_cast<int>(*st & 0xff)});
  }
  return s;
}

std::vector<std::string> WordNet::base_forms(std::string_view word, WnPos pos) const {
  std::vector<std::string> out;
  const auto &exc = exceptions_[index_of(pos)];
  auto it = exc.find(std::string(word));
  if (it != exc.end())
    for (const auto &b : it->second)
      if (lookup(b, pos)) add_unique(out, b);
  if (lookup(word, pos)) add_unique(out, std::string(word));
  // Morphy leaves nouns in "-ss" ("glass") and words of two letters alone.
  if (word.size() <= 2 || (pos == WnPos::noun && ends_with(word, "ss"))) return out;
  for (const Rule &r : rules_of(pos)) {
    if (!ends_with(word, r.suffix) || word.size() == std::char_traits<char>::length(r.suffix)) continue;
    std::string base(word.substr(0, word.size() - std::char_traits<char>::length(r.suffix)));
    base += r.ending;
    if (lookup(base, pos)) add_unique(out, base);
  }
  return out;
}

std::vector<std::string> WordNet::synonyms(std::string_view lemma, WnPos pos) const {
  std::vector<std::string> out;
  auto e = lookup(lemma, pos);
  if (!e) return out;
  for (uint32_t off : e->offsets)
    if (auto s = synset(pos, off))
      for (const auto &w : s->words)
        if (w != lemma) add_unique(out, w);
  return out;
}

std::vector<std::string> WordNet::derivations(std::string_view lemma, WnPos pos) const {
  std::vector<std::string> out;
  auto e = lookup(lemma, pos);
  if (!e) return out;
  for (uint32_t off : e->offsets) {
    auto s = synset(pos, off);
    if (!s) continue;
    for (const auto &p : s->pointers) {
      if (p.symbol != "+" || p.source < 1 || static_cast<size_t>(p.source) > s->words.size() ||
          s->words[static_cast<size_t>(p.source) - 1] != lemma)
        continue;
      auto t = synset(p.pos, p.offset);
      if (t && p.target >= 1 && static_cast<size_t>(p.target) <= t->words.size())
        add_unique(out, t->words[static_cast<size_t>(p.target) - 1]);
    }
  }
  return out;
}

}  // namespace helpline::server
