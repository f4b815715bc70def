#include "diagnostics/metrics.hpp"

#include <algorithm>

#include "base/clock.hpp"
#include "base/error.hpp"

namespace helpline::detail {

Metrics::Value &Metrics::slot(const std::string &name, bool gauge) {
  auto it = values_.find(name);
  if (it == values_.end()) {
    if (values_.size() >= kMaxNames) {
      throw Error(HELPLINE_E_TOO_LARGE, "at most " + std::to_string(kMaxNames) + " distinct metrics");
    }
    it = values_.emplace(name, Value{}).first;
    it->second.gauge = gauge;
  } else if (it->second.gauge != gauge) {
    throw Error(HELPLINE_E_INVALID_ARGUMENT,
                "metric \"" + name + "\" is a " + (gauge ? "counter" : "gauge") + "; use the matching call");
  }
  return it->second;
}

bool Metrics::add(const std::string &name, double delta) {
  std::lock_guard<std::mutex> lock(mu_);
  Value &v = slot(name, false);
  v.sum += delta;
  v.samples += 1;
  bool first = !dirty_;
  if (first) interval_start_ms_ = now_ms();
  dirty_ = true;
  return first;
}

bool Metrics::set(const std::string &name, double value) {
  std::lock_guard<std::mutex> lock(mu_);
  Value &v = slot(name, true);
  v.min = v.samples == 0 ? value : std::min(v.min, value);
  v.max = v.samples == 0 ? value : std::max(v.max, value);
  v.last = value;
  v.samples += 1;
  bool first = !dirty_;
  if (first) interval_start_ms_ = now_ms();
  dirty_ = true;
  return first;
}

std::string Metrics::take_heartbeat(int64_t now) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!dirty_) return std::string();
  JsonOut w;
  w.begin_object().field("interval_ms", now - interval_start_ms_).key("counters").begin_object();
  for (const auto &[name, v] : values_) {
    if (!v.gauge && v.samples > 0) w.key(name).number(v.sum);
  }
  w.end_object().key("gauges").begin_object();
  for (const auto &[name, v] : values_) {
    if (!v.gauge || v.samples == 0) continue;
    w.key(name).begin_object().key("last").number(v.last).key("min").number(v.min);
    w.key("max").number(v.max).field("samples", v.samples).end_object();
  }
  w.end_object().end_object();
  // A new interval: counters start from zero; gauges keep their names (and kinds).
  for (auto &[name, v] : values_) v = Value{v.gauge, 0, 0, 0, 0, 0};
  dirty_ = false;
  return w.take();
}

void Metrics::clear() {
  std::lock_guard<std::mutex> lock(mu_);
  values_.clear();
  dirty_ = false;
}

}  // namespace helpline::detail
