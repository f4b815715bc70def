// Deterministic replay of the server fuzz entry point, run by ctest under any compiler (label unit): every
// seed in corpus/server (in name order, so seeds that create resources run before those using them), then N
// mutations of them from a fixed seed (header-byte flips, JSON and protocol tokens, invalid UTF-8, splices,
// truncations). An invariant violation aborts with the request on stderr (server_fuzz_targets.hpp).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "replay_mutator.hpp"
#include "server_fuzz_targets.hpp"

namespace {

using helpline_fuzz_replay::Bytes;
using helpline_fuzz_replay::load;

const std::vector<const char *> kTokens = {
    "\"",
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\n",
    "%",
    "%2F",
    "%00",
    "%FF",
    "/",
    "?",
    "&",
    "=",
    "..",
    "\xff",
    "\xc3",
    "\xed\xa0\x80",
    "\xf0\x9f\x98\x80",
    "\0",
    "null",
    "true",
    "false",
    "0",
    "-1",
    "1e309",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "\"\"",
    "{}",
    "[]",
    "\"id\":",
    "\"body\":",
    "\"subject\":",
    "\"items\":[",
    "\"status\":\"solved\"",
    "\"status\":\"pending\"",
    "\"attachment_ids\":[\"att-fixture-1\"]",
    "\"ticket_id\":\"tkt-fixture-1\"",
    "\"path\":\"/v1/tickets/tkt-fixture-1/messages\"",
    "\"method\":\"POST\"",
    "\"idempotency_key\":\"k-1\"",
    "\"target\":{\"model\":{\"min\":\"1.2\"}}",
    "\"kind\":\"metric\"",
    "tkt-fixture-1",
    "tkt-ann-1",
    "art-fixture-1",
    "ntc-fixture-1",
    "rul-fixture-1",
    "att-fixture-1",
    "user%3Aann",
    "device%3Adev-fuzz-aaaa0001",
    "cursor=",
    "limit=",
    "since=",
    "wait=1",
};

int run(const Bytes &b) {
  return helpline_server_fuzz::fuzz_server_request(reinterpret_cast<const uint8_t *>(b.data()), b.size());
}

}  // namespace

int main(int argc, char **argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <corpus/server dir> [mutations] | --routes\n", argv[0]);
    return 2;
  }
  if (std::string(argv[1]) == "--routes") {  // input byte 1 -> route, for writing seeds
    auto &w = helpline_server_fuzz::world();
    for (size_t i = 0; i < w.routes.size(); ++i)
      std::printf("%zu %s %s\n", i, w.routes[i]->method, w.routes[i]->pattern.c_str());
    helpline_server_fuzz::shutdown();
    return 0;
  }
  long mutations = argc > 2 ? std::atol(argv[2]) : 5000;
  auto seeds = load(argv[1]);
  if (seeds.empty()) return 2;
  auto start = std::chrono::steady_clock::now();
  for (const auto &b : seeds) run(b);
  helpline_fuzz_replay::Rng r{0x2545F4914F6CDD1Dull};
  // The four control bytes (method, route, headers) are mutated too; bodies stay small.
  const helpline_fuzz_replay::Mutator mutate{kTokens, 4, 16 * 1024};
  for (long i = 0; i < mutations; ++i) run(mutate(seeds[r.below(seeds.size())], seeds, r));
  helpline_server_fuzz::shutdown();
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("replayed %zu seeds and %ld mutations in %.1f s\n", seeds.size(), mutations, s);
  return 0;
}
