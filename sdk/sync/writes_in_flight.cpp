#include "sync/writes_in_flight.hpp"

namespace helpline::detail {

uint64_t WritesInFlight::started() {
  ++last_;
  if (count_ < kSlots) in_flight_[count_++] = last_;
  return last_;
}

void WritesInFlight::finished(uint64_t ticket) {
  for (int i = 0; i < count_; ++i) {
    if (in_flight_[i] != ticket) continue;
    for (--count_; i < count_; ++i) in_flight_[i] = in_flight_[i + 1];
    break;
  }
  if (finished_ != nullptr) finished_(owner_);
}

uint64_t WritesInFlight::oldest() const noexcept {
  return count_ == 0 ? UINT64_MAX
                     : in_flight_[0];  // started in order, removed in place: the first is the oldest
}

}  // namespace helpline::detail
