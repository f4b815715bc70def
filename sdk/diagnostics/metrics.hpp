// Counters and gauges recorded by the host, aggregated on the device into one heartbeat per
// interval (not one message per sample). Bounded: at most kMaxNames distinct metrics. Thread-safe;
// recording is a lock and a map update.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "base/json_out.hpp"

namespace helpline::detail {

class Metrics {
 public:
  static constexpr std::size_t kMaxNames = 256;

  // Return true when this is the first sample since the last heartbeat (arm its timer). Throw
  // Error(HELPLINE_E_TOO_LARGE) for a new name past kMaxNames, HELPLINE_E_INVALID_ARGUMENT when
  // a name is used as both kinds.
  bool add(const std::string &name, double delta);
  bool set(const std::string &name, double value);
  // {"interval_ms", "counters": {name: sum}, "gauges": {name: {"last","min","max","samples"}}} for
  // the interval since the previous heartbeat; starts a new interval. Empty when nothing was recorded.
  std::string take_heartbeat(int64_t now_ms);
  void clear();

 private:
  struct Value {
    bool gauge = false;
    double sum = 0, last = 0, min = 0, max = 0;
    int64_t samples = 0;
  };
  Value &slot(const std::string &name, bool gauge);

  std::mutex mu_;
  std::map<std::string, Value> values_;
  int64_t interval_start_ms_ = 0;
  bool dirty_ = false;
};

}  // namespace helpline::detail
