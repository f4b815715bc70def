// Helpers shared by the unit tests: temporary directories, /proc counters, file bytes, an event
// recorder and one-line open/close helpers over the C interface.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <regex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "helpline/helpline.h"

namespace helpline_test {

// A fresh directory under /tmp, removed with everything inside when the object goes.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "helpline-unit-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all, std::filesystem::perm_options::add,
                                 ec);
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;

  const std::string &path() const { return path_; }
  std::string sub(const std::string &name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline int count_entries(const char *dir) {
  int n = 0;
  for (auto it = std::filesystem::directory_iterator(dir); it != std::filesystem::directory_iterator(); ++it)
    ++n;
  return n;
}
// Threads of this process.
inline int count_threads() {
  return count_entries("/proc/self/task");
}
// Open descriptors of this process (the iterator's own descriptor is counted every time alike).
inline int count_fds() {
  return count_entries("/proc/self/fd");
}

inline std::string read_file(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void write_file(const std::string &path, const std::string &bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path);
}

inline unsigned file_mode(const std::string &path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw std::runtime_error("cannot stat " + path);
  return st.st_mode & 07777;
}

// Files in `dir` whose name starts with `prefix`.
inline std::vector<std::string> files_starting_with(const std::string &dir, const std::string &prefix) {
  std::vector<std::string> found;
  for (const auto &e : std::filesystem::directory_iterator(dir)) {
    std::string name = e.path().filename().string();
    if (name.rfind(prefix, 0) == 0) found.push_back(e.path().string());
  }
  return found;
}

// True when `message` names `word` as a whole word (e.g. the argument "o" in "...: o is NULL").
inline bool mentions(const std::string &message, const std::string &word) {
  return std::regex_search(message, std::regex("(^|[^A-Za-z0-9_])" + word + "([^A-Za-z0-9_]|$)"));
}

inline std::string last_error() {
  return helpline_last_error(nullptr);
}

// An options object for `dir` (and nothing else set). Throws when the setter fails.
inline helpline_options_t *options_for(const std::string &dir) {
  helpline_options_t *o = helpline_options_new();
  if (o == nullptr) throw std::runtime_error("helpline_options_new returned NULL");
  if (helpline_options_set_data_dir(o, dir.c_str()) != HELPLINE_OK) {
    helpline_options_free(o);
    throw std::runtime_error("set_data_dir failed: " + last_error());
  }
  return o;
}

// Opens `dir` with default options; returns the status and the handle (NULL on failure).
inline helpline_status_t open_dir(const std::string &dir, helpline_t **out) {
  return helpline_open(options_for(dir), out);
}

// Records events (thread-safe) so tests can wait for them and look at where they ran.
class EventRecorder {
 public:
  struct Event {
    helpline_event_type_t type;
    std::string json;
    std::thread::id thread;
  };

  static void callback(void *user, helpline_event_type_t type, const char *json) {
    auto *self = static_cast<EventRecorder *>(user);
    {
      std::lock_guard<std::mutex> lock(self->mu_);
      self->events_.push_back(Event{type, json != nullptr ? json : "", std::this_thread::get_id()});
    }
    self->cv_.notify_all();
  }

  // Waits until an event of `type` arrived; returns it (or false after the timeout).
  bool wait_for(helpline_event_type_t type, Event &out,
                std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    std::unique_lock<std::mutex> lock(mu_);
    bool found = cv_.wait_for(lock, timeout, [&] {
      for (const auto &e : events_) {
        if (e.type == type) return true;
      }
      return false;
    });
    if (!found) return false;
    for (const auto &e : events_) {
      if (e.type == type) {
        out = e;
        break;
      }
    }
    return true;
  }

  std::vector<Event> events() const {
    std::lock_guard<std::mutex> lock(mu_);
    return events_;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Event> events_;
};

// Log lines (thread-safe).
class LogRecorder {
 public:
  struct Line {
    helpline_log_level_t level;
    std::string message;
  };
  static void callback(void *user, helpline_log_level_t level, const char *message) {
    auto *self = static_cast<LogRecorder *>(user);
    std::lock_guard<std::mutex> lock(self->mu_);
    self->lines_.push_back(Line{level, message != nullptr ? message : ""});
  }
  std::vector<Line> lines() const {
    std::lock_guard<std::mutex> lock(mu_);
    return lines_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<Line> lines_;
};

// Bytes that are certainly not a SQLite file (no "SQLite format 3" header), deterministic.
inline std::string garbage_bytes(std::size_t n) {
  std::string s(n, '\0');
  uint32_t x = 2463534242u;
  for (auto &c : s) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    c = static_cast<char>(x & 0xff);
  }
  s[0] = 'G';  // never "SQLite format 3"
  return s;
}

}  // namespace helpline_test
