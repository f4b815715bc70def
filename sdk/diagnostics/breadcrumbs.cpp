#include "diagnostics/breadcrumbs.hpp"

#include <cstdint>
#include <vector>

#include "helpline/helpline.h"

namespace helpline::detail {

const char *level_name(int level) {
  switch (level) {
    case HELPLINE_LOG_DEBUG:
      return "debug";
    case HELPLINE_LOG_INFO:
      return "info";
    case HELPLINE_LOG_WARN:
      return "warning";
    default:
      return "error";
  }
}

void Breadcrumbs::add(int level, std::string category, std::string message, int64_t at_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  Crumb c{at_ms, level, std::move(category), std::move(message)};
  if (ring_.size() < kCapacity) {
    ring_.push_back(std::move(c));
  } else {  // full: the oldest is overwritten
    ring_[oldest_] = std::move(c);
    oldest_ = (oldest_ + 1) % kCapacity;
  }
}

void Breadcrumbs::write(JsonOut &out, std::size_t max, std::size_t max_bytes) const {
  std::lock_guard<std::mutex> lock(mu_);
  const std::size_t skip = ring_.size() > max ? ring_.size() - max : 0;
  // Newest first, as long as the (escaped) JSON fits the budget.
  std::vector<std::string> kept;
  std::size_t used = 2;
  for (std::size_t i = ring_.size(); i > skip; --i) {
    const Crumb &c = ring_[(oldest_ + i - 1) % ring_.size()];
    JsonOut one;
    one.begin_object().field("ts", c.ts).field("level", level_name(c.level)).field("category", c.category);
    one.field("message", c.message).end_object();
    std::string json = one.take();
    if (used + json.size() + 1 > max_bytes) break;
    used += json.size() + 1;
    kept.push_back(std::move(json));
  }
  out.begin_array();
  for (auto it = kept.rbegin(); it != kept.rend(); ++it) out.raw(*it);
  out.end_array();
}

void Breadcrumbs::clear() {
  std::lock_guard<std::mutex> lock(mu_);
  ring_.clear();
  oldest_ = 0;
}

std::size_t Breadcrumbs::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return ring_.size();
}

}  // namespace helpline::detail
