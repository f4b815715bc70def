#include "sync/writes_in_flight.hpp"

#include <algorithm>

namespace helpline::detail {

uint64_t WritesInFlight::started() {
  in_flight_.push_back(++last_);
  return last_;
}

void WritesInFlight::finished(uint64_t ticket) {
  in_flight_.erase(std::remove(in_flight_.begin(), in_flight_.end(), ticket), in_flight_.end());
  if (finished_ != nullptr) finished_(owner_);
}

uint64_t WritesInFlight::oldest() const noexcept {
  // Tickets are appended in increasing order and removed in place: the first is the oldest.
  return in_flight_.empty() ? UINT64_MAX : in_flight_.front();
}

}  // namespace helpline::detail
