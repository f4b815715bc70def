// Wakes long-polls. The API reports each commit's newest sync-feed sequence per app together with whom the
// new items are for; a waiter is woken only by items it could receive (its principal, its device, or a
// broadcast), so one agent reply does not make every polling device of the app query the database.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace helpline::server {

struct WakeTarget {
  std::string owner;      // principal ("user:..." / "device:..."), may be empty
  std::string device_id;  // device, may be empty
  bool broadcast = false;
  std::string origin_device;  // the device that caused it never receives it: do not wake it
};

class ChangeNotifier {
 public:
  using Callback = std::function<void()>;
  // Calls `cb` once (possibly at once, on the calling thread) when an item newer than `seen` for this owner
  // or device (or a broadcast) is committed, or at shutdown. If anything newer than `seen` was committed
  // before this call it fires at once (the caller re-checks). Returns a token for cancel().
  uint64_t subscribe(const std::string &app, int64_t seen, const std::string &owner,
                     const std::string &device_id, Callback cb);
  void cancel(uint64_t token);
  void notify(const std::string &app, int64_t seq, const std::vector<WakeTarget> &targets);
  int64_t latest(const std::string &app);
  void shutdown();  // fires every waiter; later subscriptions fire at once

 private:
  struct Waiter {
    std::string owner;
    std::string device_id;
    Callback cb;
  };
  struct AppState {
    int64_t latest = 0;
    std::map<uint64_t, Waiter> waiters;
  };
  std::mutex mutex_;
  std::unordered_map<std::string, AppState> apps_;
  std::unordered_map<uint64_t, std::string> token_app_;
  uint64_t next_token_ = 1;
  bool shutdown_ = false;
};

}  // namespace helpline::server
