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

#include "server_fuzz_targets.hpp"

namespace {

using Bytes = std::string;

const char *const kTokens[] = {
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

struct Rng {
  uint64_t s = 0x2545F4914F6CDD1Dull;  // fixed: the same inputs on every run
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
    switch (r.below(9)) {
      case 0:
        if (!b.empty()) b[r.below(b.size())] ^= static_cast<char>(1u << r.below(8));
        break;
      case 1:  // the four control bytes: method, route, headers
        if (b.size() >= 4) b[r.below(4)] ^= static_cast<char>(1u << r.below(8));
        break;
      case 2:
        if (b.size() >= 4) b[r.below(4)] = static_cast<char>(r.below(256));
        break;
      case 3:
        b.insert(at, 1, static_cast<char>(r.below(256)));
        break;
      case 4: {
        const char *t = kTokens[r.below(sizeof(kTokens) / sizeof(kTokens[0]))];
        b.insert(at, t, std::max<size_t>(1, std::char_traits<char>::length(t)));
        break;
      }
      case 5:
        b.erase(at, r.below(16));
        break;
      case 6:
        if (at < b.size()) b.insert(at, b.substr(at, r.below(64)));
        break;
      case 7:
        b.resize(std::max<size_t>(at, 4));
        break;
      default: {
        const Bytes &other = seeds[r.below(seeds.size())];
        size_t from = r.below(other.size() + 1);
        b.insert(at, other.substr(from, r.below(128)));
      }
    }
    if (b.size() > 16 * 1024) b.resize(16 * 1024);
  }
  return b;
}

std::vector<Bytes> load(const std::filesystem::path &dir) {
  std::vector<std::filesystem::path> files;
  for (const auto &e : std::filesystem::directory_iterator(dir))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::vector<Bytes> out;
  for (const auto &f : files) {
    std::ifstream in(f, std::ios::binary);
    out.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return out;
}

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
  Rng r;
  for (long i = 0; i < mutations; ++i) run(mutate(seeds[r.below(seeds.size())], seeds, r));
  helpline_server_fuzz::shutdown();
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("replayed %zu seeds and %ld mutations in %.1f s\n", seeds.size(), mutations, s);
  return 0;
}
