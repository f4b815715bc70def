#pragma once
// Recorders for what the SDK hands to the host's callbacks (events, log lines), thread-safe, so a test can
// wait for an event and look at what came and on which thread.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "helpline/helpline.h"

namespace helpline::testing {

/// Events delivered to the event callback (on the worker or a dispatching host thread), kept for assertions.
/// Register with helpline_options_set_event_callback(o, &EventRecorder::callback, &recorder).
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

  /// Every event so far, in order.
  std::vector<Event> events() const {
    std::lock_guard<std::mutex> lock(mu_);
    return events_;
  }
  /// The JSON of the events of `type`, in order.
  std::vector<std::string> of(helpline_event_type_t type) const {
    std::lock_guard<std::mutex> lock(mu_);
    return of_locked(type);
  }
  void clear() {
    std::lock_guard<std::mutex> lock(mu_);
    events_.clear();
  }

  /// Waits until an event of `type` arrived; copies the first into `out` (false after the timeout).
  bool wait_for(helpline_event_type_t type, Event &out,
                std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
    std::unique_lock<std::mutex> lock(mu_);
    const bool found = cv_.wait_for(lock, timeout, [&] { return first_locked(type) != nullptr; });
    if (found) out = *first_locked(type);
    return found;
  }
  /// Waits until `pred(events of type)` holds or `timeout` passes; returns whether it held.
  bool wait_for(helpline_event_type_t type, const std::function<bool(const std::vector<std::string> &)> &pred,
                std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return pred(of_locked(type)); });
  }
  /// Waits until some event of `type` contains every string of `needles`; returns whether one came.
  bool wait_contains(helpline_event_type_t type, const std::vector<std::string> &needles,
                     std::chrono::milliseconds timeout) {
    return wait_for(
        type, [&](const std::vector<std::string> &evs) { return count_matching(evs, needles) > 0; }, timeout);
  }
  /// How many events of `type` contain every string of `needles`.
  std::size_t count(helpline_event_type_t type, const std::vector<std::string> &needles = {}) const {
    return count_matching(of(type), needles);
  }
  /// Every event as "<type> <json>" lines, for failure messages.
  std::string dump() const {
    std::lock_guard<std::mutex> lock(mu_);
    std::string out;
    for (const auto &e : events_) out += std::to_string(e.type) + " " + e.json + "\n";
    return out;
  }
  /// How many of `evs` contain every string of `needles`.
  static std::size_t count_matching(const std::vector<std::string> &evs,
                                    const std::vector<std::string> &needles) {
    std::size_t n = 0;
    for (const auto &j : evs) {
      bool all = true;
      for (const auto &needle : needles) all = all && j.find(needle) != std::string::npos;
      if (all) ++n;
    }
    return n;
  }

 private:
  std::vector<std::string> of_locked(helpline_event_type_t type) const {
    std::vector<std::string> out;
    for (const auto &e : events_) {
      if (e.type == type) out.push_back(e.json);
    }
    return out;
  }
  const Event *first_locked(helpline_event_type_t type) const {
    for (const auto &e : events_) {
      if (e.type == type) return &e;
    }
    return nullptr;
  }

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Event> events_;
};

/// Lines handed to the log callback (thread-safe).
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

}  // namespace helpline::testing
