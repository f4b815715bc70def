// Deterministic replay of the FAQ fuzz targets, run by ctest under gcc (label unit): every seed in
// corpus/query and corpus/apply, then 20000 mutations of them from a fixed seed (byte flips, FTS5 and
// JSON syntax, invalid UTF-8, splices, truncations). A failure aborts with the input on stderr.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "faq_fuzz_targets.hpp"

namespace {

using Bytes = std::string;

const char *const kTokens[] = {
    "\"",
    "*",
    "NEAR(",
    " AND ",
    " OR ",
    " NOT ",
    "^",
    ":",
    "(",
    ")",
    "{",
    "}",
    "-",
    "_",
    "\xff",
    "\xc3",
    "\xed\xa0\x80",
    "\xf0\x9f\x98\x80",
    "\0",
    "e42",
    "ERR-SYNC-409",
    "thermostt",
    "reset pass",
    " ",
    "\n",
    "[",
    "]",
    ",",
    "null",
    "true",
    "1e309",
    "-1",
    "9223372036854775808",
    "\"id\"",
    "\"articles\"",
    "\"deleted\"",
    "\"full\":true",
    "\"tags\":[",
};

struct Rng {
  uint64_t s = 0x9E3779B97F4A7C15ull;  // fixed: the same 20000 inputs on every run
  uint64_t next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
  size_t below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(next() % n); }
};

Bytes mutate(Bytes b, const std::vector<Bytes> &seeds, Rng &r) {
  int ops = 1 + static_cast<int>(r.below(4));
  for (int i = 0; i < ops; ++i) {
    size_t at = r.below(b.size() + 1);
    switch (r.below(7)) {
      case 0:
        if (!b.empty()) b[r.below(b.size())] ^= static_cast<char>(1u << r.below(8));
        break;
      case 1:
        b.insert(at, 1, static_cast<char>(r.below(256)));
        break;
      case 2: {
        const char *t = kTokens[r.below(sizeof(kTokens) / sizeof(kTokens[0]))];
        b.insert(at, t, std::max<size_t>(1, std::char_traits<char>::length(t)));
        break;
      }
      case 3:
        b.erase(at, r.below(16));
        break;
      case 4:
        if (at < b.size()) b.insert(at, b.substr(at, r.below(64)));
        break;
      case 5:
        b.resize(at);
        break;
      default: {
        const Bytes &other = seeds[r.below(seeds.size())];
        size_t from = r.below(other.size() + 1);
        b.insert(at, other.substr(from, r.below(128)));
      }
    }
    if (b.size() > 64 * 1024) b.resize(64 * 1024);
  }
  return b;
}

std::vector<Bytes> load(const std::filesystem::path &dir) {
  std::vector<std::filesystem::path> files;
  for (const auto &e : std::filesystem::directory_iterator(dir)) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::vector<Bytes> out;
  for (const auto &f : files) {
    std::ifstream in(f, std::ios::binary);
    out.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return out;
}

int run(const Bytes &b, bool apply) {
  const auto *p = reinterpret_cast<const uint8_t *>(b.data());
  return apply ? helpline_fuzz::apply_one(p, b.size()) : helpline_fuzz::query_one(p, b.size());
}

}  // namespace

int main(int argc, char **argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <corpus dir> [mutations]\n", argv[0]);
    return 2;
  }
  std::filesystem::path root = argv[1];
  long mutations = argc > 2 ? std::atol(argv[2]) : 20000;
  auto queries = load(root / "query"), answers = load(root / "apply");
  if (queries.empty() || answers.empty()) return 2;
  for (const auto &b : queries) run(b, false);
  for (const auto &b : answers) run(b, true);
  Rng r;
  for (long i = 0; i < mutations; ++i) {
    bool apply = i % 4 == 3;  // searches are the hot path; one in four inputs is a server answer
    const auto &seeds = apply ? answers : queries;
    run(mutate(seeds[r.below(seeds.size())], seeds, r), apply);
  }
  std::printf("replayed %zu + %zu seeds and %ld mutations\n", queries.size(), answers.size(), mutations);
  return 0;
}
