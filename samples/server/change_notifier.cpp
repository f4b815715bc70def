#include "change_notifier.hpp"

#include <vector>

namespace helpline::server {

uint64_t ChangeNotifier::subscribe(const std::string &app, int64_t seen, Callback cb) {
  {
    std::lock_guard<std::mutex> g(mutex_);
    auto it = latest_.find(app);
    bool ready = shutdown_ || (it != latest_.end() && it->second > seen);
    if (!ready) {
      uint64_t token = next_token_++;
      waiters_.emplace(token, Waiter{app, seen, std::move(cb)});
      return token;
    }
  }
  cb();
  return 0;
}

void ChangeNotifier::cancel(uint64_t token) {
  std::lock_guard<std::mutex> g(mutex_);
  waiters_.erase(token);
}

void ChangeNotifier::notify(const std::string &app, int64_t seq) {
  std::vector<Callback> fire;
  {
    std::lock_guard<std::mutex> g(mutex_);
    int64_t &l = latest_[app];
    if (seq > l) l = seq;
    for (auto it = waiters_.begin(); it != waiters_.end();) {
      if (it->second.app == app && l > it->second.seen) {
        fire.push_back(std::move(it->second.cb));
        it = waiters_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto &cb : fire) cb();
}

int64_t ChangeNotifier::latest(const std::string &app) {
  std::lock_guard<std::mutex> g(mutex_);
  auto it = latest_.find(app);
  return it == latest_.end() ? 0 : it->second;
}

void ChangeNotifier::shutdown() {
  std::vector<Callback> fire;
  {
    std::lock_guard<std::mutex> g(mutex_);
    shutdown_ = true;
    for (auto &w : waiters_) fire.push_back(std::move(w.second.cb));
    waiters_.clear();
  }
  for (auto &cb : fire) cb();
}

}  // namespace helpline::server
