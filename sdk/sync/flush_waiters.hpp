// helpline_flush() callers waiting until every outbox row up to an id is gone (delivered or
// dead-lettered). Worker thread only.
#pragma once

#include <cstdint>
#include <future>
#include <memory>
#include <vector>

namespace helpline::detail {

class FlushWaiters {
 public:
  void add(int64_t target_id, std::shared_ptr<std::promise<void>> done) {
    waiters_.push_back({target_id, std::move(done)});
  }
  // min_id: the smallest id still in the outbox, or -1 when it is empty.
  void update(int64_t min_id) {
    for (auto it = waiters_.begin(); it != waiters_.end();) {
      if (min_id < 0 || min_id > it->target) {
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
    std::shared_ptr<std::promise<void>> done;
  };
  std::vector<Waiter> waiters_;
};

}  // namespace helpline::detail
