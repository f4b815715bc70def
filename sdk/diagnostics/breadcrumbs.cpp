#include "diagnostics/breadcrumbs.hpp"

#include "helpline/helpline.h"

namespace helpline::detail {

const char *level_name(int level) {
  switch (level) {
    case HELPLINE_LOG_DEBUG: return "debug";
    case HELPLINE_LOG_INFO: return "info";
    case HELPLINE_LOG_WARN: return "warning";
    default: return "error";
  }
}

void Breadcrumbs::add(int level, std::string category, std::string message, int64_t at_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  if (ring_.size() == kCapacity) ring_.pop_front();
  ring_.push_back(Crumb{at_ms, level, std::move(category), std::move(message)});
}

void Breadcrumbs::write(JsonOut &out, std::size_t max) const {
  std::lock_guard<std::mutex> lock(mu_);
  out.begin_array();
  std::size_t skip = ring_.size() > max ? ring_.size() - max : 0;
  for (std::size_t i = skip; i < ring_.size(); ++i) {
    const Crumb &c = ring_[i];
    out.begin_object().field("ts", c.ts).field("level", level_name(c.level)).field("category", c.category);
    out.field("message", c.message).end_object();
  }
  out.end_array();
}

void Breadcrumbs::clear() {
  std::lock_guard<std::mutex> lock(mu_);
  ring_.clear();
}

std::size_t Breadcrumbs::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return ring_.size();
}

}  // namespace helpline::detail
