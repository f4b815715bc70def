// Wakes long-polls: the API reports the newest committed sync-feed sequence per app; waiters registered with
// the sequence they have already seen are called once something newer exists (or at shutdown).
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>

namespace helpline::server {

class ChangeNotifier {
 public:
  using Callback = std::function<void()>;
  // Calls `cb` (possibly at once, on the calling thread) when latest(app) > seen. Returns a token for
  // cancel().
  uint64_t subscribe(const std::string &app, int64_t seen, Callback cb);
  void cancel(uint64_t token);
  void notify(const std::string &app, int64_t seq);
  int64_t latest(const std::string &app);
  void shutdown();  // fires every waiter; later subscriptions fire at once

 private:
  struct Waiter {
    std::string app;
    int64_t seen;
    Callback cb;
  };
  std::mutex mutex_;
  std::unordered_map<std::string, int64_t> latest_;
  std::map<uint64_t, Waiter> waiters_;
  uint64_t next_token_ = 1;
  bool shutdown_ = false;
};

}  // namespace helpline::server
