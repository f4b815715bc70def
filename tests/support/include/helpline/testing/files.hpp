#pragma once
// Files for tests: modes, directory listings, deterministic bytes.

#include <sys/stat.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "helpline/testing/temp_dir.hpp"

namespace helpline::testing {

/// The permission bits of `path` (e.g. 0600). Throws std::runtime_error when it cannot be stat'ed.
inline unsigned file_mode(const std::string &path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw std::runtime_error("cannot stat " + path);
  return st.st_mode & 07777;
}

/// Files in `dir` whose name starts with `prefix`.
inline std::vector<std::string> files_starting_with(const std::string &dir, const std::string &prefix) {
  std::vector<std::string> found;
  for (const auto &e : std::filesystem::directory_iterator(dir)) {
    std::string name = e.path().filename().string();
    if (name.rfind(prefix, 0) == 0) found.push_back(e.path().string());
  }
  return found;
}

/// Regular files directly in `dir` (0 when it does not exist).
inline std::size_t files_in(const std::filesystem::path &dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return 0;
  std::size_t n = 0;
  for (const auto &e : std::filesystem::directory_iterator(dir, ec)) {
    if (e.is_regular_file()) ++n;
  }
  return n;
}

/// `n` bytes of a xorshift pattern that depends on `seed`: deterministic, incompressible.
inline std::string pattern_bytes(std::size_t n, unsigned seed) {
  std::string data(n, '\0');
  uint32_t x = 2463534242u ^ seed;
  for (auto &c : data) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    c = static_cast<char>(x & 0xff);
  }
  return data;
}

/// Writes `n` bytes of the pattern of `seed` to `file`; returns the content.
inline std::string write_pattern(const std::filesystem::path &file, std::size_t n, unsigned seed = 1) {
  std::string data = pattern_bytes(n, seed);
  write_file(file, data);
  return data;
}

/// Bytes that are certainly not a SQLite file (no "SQLite format 3" header), deterministic.
inline std::string garbage_bytes(std::size_t n) {
  std::string s = pattern_bytes(n, 0);
  s[0] = 'G';  // never "SQLite format 3"
  return s;
}

}  // namespace helpline::testing
