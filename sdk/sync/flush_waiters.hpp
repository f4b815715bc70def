// helpline_flush() callers waiting until every outbox row up to an id is gone (delivered or
// dead-lettered) and every write request started before the flush has finished (sync/writes_in_flight.hpp:
// the device PUT too). Worker thread only.
#pragma once

#include <cstdint>
#include <future>
#include <memory>
#include <vector>

namespace helpline::detail {

class FlushWaiters {
 public:
  void add(int64_t target_id, uint64_t write_ticket, std::shared_ptr<std::promise<void>> done) {
    waiters_.push_back({target_id, write_ticket, std::move(done)});
  }
  // min_id: the smallest id still in the outbox, or -1 when it is empty; oldest_write: the oldest write
  // ticket still in flight (UINT64_MAX: none).
  void update(int64_t min_id, uint64_t oldest_write) {
    for (auto it = waiters_.begin(); it != waiters_.end();) {
      if ((min_id < 0 || min_id > it->target) && oldest_write > it->write_ticket) {
        it->done->set_value();
        it = waiters_.erase(it);
      } else {
        ++it;
      }
    }
  }
  bool empty() const noexcept { return waiters_.empty(); }

 private:
  struct Waiter {
    int64_t target;
    uint64_t write_ticket;
    std::shared_ptr<std::promise<void>> done;
  };
  std::vector<Waiter> waiters_;
};

}  // namespace helpline::detail
