#include "core/event_queue.hpp"

#include "base/json_writer.hpp"

namespace helpline::detail {

void EventQueue::push(Event event) {
  std::lock_guard<std::mutex> lock(mu_);
  if (events_.size() - head_ >= capacity_) {
    events_[head_++] = Event{};  // the oldest is dropped (its memory now)
    ++lost_total_;
    ++lost_unreported_;
  }
  events_.push_back(std::move(event));
  compact();
}

// Events before head_ were taken: cleared when all were, moved down once they are half the vector
// (so the vector holds at most twice the capacity, and each event moves at most once on average).
void EventQueue::compact() {
  if (head_ == events_.size()) {
    events_.clear();
    head_ = 0;
  } else if (head_ >= 32 && head_ * 2 >= events_.size()) {
    events_.erase(events_.begin(), events_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }
}

bool EventQueue::pop(Event &out) {
  std::lock_guard<std::mutex> lock(mu_);
  if (lost_unreported_ > 0) {
    out = Event{HELPLINE_EVENT_EVENTS_LOST, JsonObjectWriter().field("lost", lost_unreported_).finish()};
    lost_unreported_ = 0;
    return true;
  }
  if (head_ == events_.size()) return false;
  out = std::move(events_[head_++]);
  compact();
  return true;
}

std::size_t EventQueue::pending() const {
  std::lock_guard<std::mutex> lock(mu_);
  return events_.size() - head_ + (lost_unreported_ > 0 ? 1 : 0);
}

uint64_t EventQueue::lost() const {
  std::lock_guard<std::mutex> lock(mu_);
  return lost_total_;
}

}  // namespace helpline::detail
