#include "core/event_queue.hpp"

#include "base/json_writer.hpp"

namespace helpline::detail {

void EventQueue::push(Event event) {
  std::lock_guard<std::mutex> lock(mu_);
  if (events_.size() >= capacity_) {
    events_.pop_front();
    ++lost_total_;
    ++lost_unreported_;
  }
  events_.push_back(std::move(event));
}

bool EventQueue::pop(Event &out) {
  std::lock_guard<std::mutex> lock(mu_);
  if (lost_unreported_ > 0) {
    out = Event{HELPLINE_EVENT_EVENTS_LOST, JsonObjectWriter().field("lost", lost_unreported_).finish()};
    lost_unreported_ = 0;
    return true;
  }
  if (events_.empty()) return false;
  out = std::move(events_.front());
  events_.pop_front();
  return true;
}

std::size_t EventQueue::pending() const {
  std::lock_guard<std::mutex> lock(mu_);
  return events_.size() + (lost_unreported_ > 0 ? 1 : 0);
}

uint64_t EventQueue::lost() const {
  std::lock_guard<std::mutex> lock(mu_);
  return lost_total_;
}

}  // namespace helpline::detail
