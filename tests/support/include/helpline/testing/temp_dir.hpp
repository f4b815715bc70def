#pragma once
// A private directory under $TMPDIR (or /tmp) that is removed with everything in it on destruction, and
// whole-file reads and writes.

#include <filesystem>
#include <string>

namespace helpline::testing {

class TempDir {
 public:
  /// Creates `<tmp>/<prefix>XXXXXX`. Throws std::runtime_error when the directory cannot be made.
  explicit TempDir(const std::string &prefix = "helpline-test-");
  /// Gives the owner its permissions back (a test may have made the directory read-only) and removes it
  /// recursively, unless HELPLINE_KEEP_TEMP=1 is set in the environment (then its path is printed to stderr,
  /// to look at a failed run).
  ~TempDir();
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;

  const std::filesystem::path &path() const { return path_; }
  std::filesystem::path operator/(const std::string &name) const { return path_ / name; }
  /// `<dir>/<name>` as a string (for the C API).
  std::string sub(const std::string &name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

/// Writes `content` to `file` (binary, truncating). Throws std::runtime_error on failure.
void write_file(const std::filesystem::path &file, const std::string &content);
/// Reads a whole file. Throws std::runtime_error when it cannot be opened.
std::string read_file(const std::filesystem::path &file);
/// Reads a whole file; an empty string when it cannot be opened (e.g. a log nothing was written to yet).
std::string read_file_if_exists(const std::filesystem::path &file);

}  // namespace helpline::testing
