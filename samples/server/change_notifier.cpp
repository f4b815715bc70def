#include "change_notifier.hpp"

namespace helpline::server {

uint64_t ChangeNotifier::subscribe(const std::string &app, int64_t seen, const std::string &owner,
                                   const std::string &device_id, Callback cb) {
  {
    std::lock_guard<std::mutex> g(mutex_);
    AppState &st = apps_[app];
    if (!shutdown_ && st.latest <= seen) {
      uint64_t token = next_token_++;
      st.waiters.emplace(token, Waiter{owner, device_id, std::move(cb)});
      token_app_.emplace(token, app);
      return token;
    }
  }
  cb();
  return 0;
}

void ChangeNotifier::cancel(uint64_t token) {
  std::lock_guard<std::mutex> g(mutex_);
  auto it = token_app_.find(token);
  if (it == token_app_.end()) return;
  apps_[it->second].waiters.erase(token);
  token_app_.erase(it);
}

void ChangeNotifier::notify(const std::string &app, int64_t seq, const std::vector<WakeTarget> &targets) {
  std::vector<Callback> fire;
  {
    std::lock_guard<std::mutex> g(mutex_);
    AppState &st = apps_[app];
    if (seq > st.latest) st.latest = seq;
    for (auto it = st.waiters.begin(); it != st.waiters.end();) {
      bool hit = false;
      for (size_t i = 0; !hit && i < targets.size(); ++i) {
        const auto &t = targets[i];
        if (!t.origin_device.empty() && t.origin_device == it->second.device_id) continue;
        hit = t.broadcast || (!t.owner.empty() && t.owner == it->second.owner) ||
              (!t.device_id.empty() && t.device_id == it->second.device_id);
      }
      if (hit) {
        fire.push_back(std::move(it->second.cb));
        token_app_.erase(it->first);
        it = st.waiters.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto &cb : fire) cb();
}

int64_t ChangeNotifier::latest(const std::string &app) {
  std::lock_guard<std::mutex> g(mutex_);
  auto it = apps_.find(app);
  return it == apps_.end() ? 0 : it->second.latest;
}

void ChangeNotifier::shutdown() {
  std::vector<Callback> fire;
  {
    std::lock_guard<std::mutex> g(mutex_);
    shutdown_ = true;
    for (auto &a : apps_)
      for (auto &w : a.second.waiters) fire.push_back(std::move(w.second.cb));
    for (auto &a : apps_) a.second.waiters.clear();
    token_app_.clear();
  }
  for (auto &cb : fire) cb();
}

}  // namespace helpline::server
