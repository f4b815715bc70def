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
#include "replay_mutator.hpp"

namespace {

using helpline_fuzz_replay::Bytes;
using helpline_fuzz_replay::load;

const std::vector<const char *> kTokens = {
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
  helpline_fuzz_replay::Rng r{0x9E3779B97F4A7C15ull};
  const helpline_fuzz_replay::Mutator mutate{kTokens};
  for (long i = 0; i < mutations; ++i) {
    bool apply = i % 4 == 3;  // searches are the hot path; one in four inputs is a server answer
    const auto &seeds = apply ? answers : queries;
    run(mutate(seeds[r.below(seeds.size())], seeds, r), apply);
  }
  std::printf("replayed %zu + %zu seeds and %ld mutations\n", queries.size(), answers.size(), mutations);
  return 0;
}
