// File-system calls the SDK needs, behind one interface so other platforms can port them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace helpline::detail::platform {

// Makes sure `path` is a directory the process can write to, creating it (one level) with
// mode 0700 when missing. Throws Error(HELPLINE_E_IO) with the reason otherwise.
void ensure_private_dir(const std::string &path);

bool path_exists(const std::string &path);

// Creates an empty file with mode 0600 unless it exists (so SQLite's files inherit 0600).
void create_private_file(const std::string &path);

// rename(2); throws Error(HELPLINE_E_IO) on failure. A missing `from` is fine when optional.
void rename_path(const std::string &from, const std::string &to, bool optional);

// Copies a regular file to `to` (created 0600, synced to disk) and returns its size. Throws
// Error(HELPLINE_E_NOT_FOUND) when `from` is missing or not a regular file, HELPLINE_E_TOO_LARGE
// when it is over max_bytes (nothing copied), HELPLINE_E_DISK_FULL, HELPLINE_E_IO otherwise; a
// partial copy is removed.
int64_t copy_file_private(const std::string &from, const std::string &to, int64_t max_bytes);

// unlink(2), ignoring a missing file.
void remove_file(const std::string &path);

// Names of the entries of a directory (without "." and ".."); empty when it cannot be read.
std::vector<std::string> list_dir(const std::string &path);

// Holds an exclusive advisory lock (flock) on a file for the lifetime of the object. flock is
// per open file description, so a second lock attempt from the same process also fails.
class FileLock {
 public:
  // Throws Error(HELPLINE_E_LOCKED) when another holder exists, HELPLINE_E_IO on other errors.
  explicit FileLock(const std::string &path);
  ~FileLock();
  FileLock(const FileLock &) = delete;
  FileLock &operator=(const FileLock &) = delete;

 private:
  int fd_ = -1;
};

}  // namespace helpline::detail::platform
