// Breadcrumbs: the last things that happened in the app, kept in a bounded in-memory ring
// (oldest dropped first) and written to disk only as part of a diagnostic or a ticket. Messages
// are redacted as they are recorded. Thread-safe; recording is a lock, a redaction pass and a copy.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "base/json_out.hpp"

namespace helpline::detail {

class Breadcrumbs {
 public:
  static constexpr std::size_t kCapacity = 100;
  static constexpr std::size_t kMaxMessageBytes = 1024;

  void add(int level, std::string category, std::string message, int64_t at_ms);
  // The newest `max` breadcrumbs, oldest first, as a JSON array of {"ts","level","category","message"},
  // at most `max_bytes` of JSON (older ones are left out first).
  void write(JsonOut &out, std::size_t max = kCapacity, std::size_t max_bytes = SIZE_MAX) const;
  void clear();
  std::size_t size() const;

 private:
  struct Crumb {
    int64_t ts;
    int level;
    std::string category;
    std::string message;
  };
  mutable std::mutex mu_;
  std::vector<Crumb> ring_;  // a ring of at most kCapacity once full (a vector: no deque code in the library)
  std::size_t oldest_ = 0;   // where the oldest is once the ring is full
};

const char *level_name(int level);

}  // namespace helpline::detail
