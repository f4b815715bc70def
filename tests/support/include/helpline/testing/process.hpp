#pragma once
// What /proc says about this process: its threads, its descriptors, fields of a status file.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace helpline::testing {

/// Entries in directory `dir`.
inline int count_entries(const char *dir) {
  int n = 0;
  for (auto it = std::filesystem::directory_iterator(dir); it != std::filesystem::directory_iterator(); ++it)
    ++n;
  return n;
}
/// Threads of this process.
inline int count_threads() {
  return count_entries("/proc/self/task");
}
/// Open descriptors of this process (the iterator's own descriptor is counted every time alike).
inline int count_fds() {
  return count_entries("/proc/self/fd");
}

/// The number after `key` (e.g. "voluntary_ctxt_switches:") on its line of a /proc status file; -1 when
/// absent.
inline long status_field(const std::string &path, const std::string &key) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) == 0) return std::atol(line.c_str() + key.size());
  }
  return -1;
}

}  // namespace helpline::testing
