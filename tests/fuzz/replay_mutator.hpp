// What the deterministic fuzz replays share (faq_fuzz_replay, server_fuzz_replay): a seeded xorshift, the
// corpus loader (files in name order) and the mutator (byte flips, a target's tokens, invalid bytes,
// erasures, duplications, truncations, splices of other seeds; optionally flips of a fixed-size control
// prefix).
#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace helpline_fuzz_replay {

using Bytes = std::string;

struct Rng {
  uint64_t s;  // fixed per replay: the same inputs on every run
  uint64_t next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
  size_t below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(next() % n); }
};

struct Mutator {
  std::vector<const char *> tokens;  // inserted whole (the target's syntax)
  size_t control_bytes = 0;          // a prefix the target decodes as control bytes (never truncated away)
  size_t max_size = 64 * 1024;

  Bytes operator()(Bytes b, const std::vector<Bytes> &seeds, Rng &r) const {
    const int ops = 1 + static_cast<int>(r.below(4));
    for (int i = 0; i < ops; ++i) {
      const size_t at = r.below(b.size() + 1);
      switch (r.below(control_bytes > 0 ? 9 : 7)) {
        case 0:
          if (!b.empty()) b[r.below(b.size())] ^= static_cast<char>(1u << r.below(8));
          break;
        case 1:
          b.insert(at, 1, static_cast<char>(r.below(256)));
          break;
        case 2: {
          const char *t = tokens[r.below(tokens.size())];
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
          b.resize(std::max(at, control_bytes));
          break;
        case 7:
          if (b.size() >= control_bytes) b[r.below(control_bytes)] ^= static_cast<char>(1u << r.below(8));
          break;
        case 8:
          if (b.size() >= control_bytes) b[r.below(control_bytes)] = static_cast<char>(r.below(256));
          break;
        default: {
          const Bytes &other = seeds[r.below(seeds.size())];
          const size_t from = r.below(other.size() + 1);
          b.insert(at, other.substr(from, r.below(128)));
        }
      }
      if (b.size() > max_size) b.resize(max_size);
    }
    return b;
  }
};

// The regular files of `dir`, in name order.
inline std::vector<Bytes> load(const std::filesystem::path &dir) {
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

}  // namespace helpline_fuzz_replay
