// Agent logins (security issue #16): Argon2id never runs on an I/O thread, and failed attempts are throttled.
//
// PasswordPool: a bounded queue of password jobs on 1-2 threads of their own (a full queue is a 503).
// LoginThrottle: counts failed logins per account and address, per address, and per account over all
// addresses, and answers how long an attempt must wait (a 429 with Retry-After, decided before any hashing):
//   - each counter allows `free` failures; after that the n-th further attempt must come 2^n s after the last
//     failure (2 s, 4 s, ... capped at 15 min), and only one attempt at a time is verified;
//   - attempts being verified count as failures until they finish, so parallel guesses cannot overrun a
//   budget;
//   - the account-wide counter (distributed guessing) does not apply to an address the account has logged in
//     from successfully (30 days), so an attacker cannot lock the agent out of the places it works from;
//   - a success clears the counters of that address (account+address, and the address's own); the
//   account-wide
//     counter is kept (one real login must not give a distributed guesser a fresh budget), the address
//     becomes a known one for the account.
// Entries are forgotten 24 h after their last failure; each table is capped (oldest entries evicted).
#pragma once
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace helpline::server {

struct LoginPolicy {
  int account_free_failures = 5;        // per (app, email, address)
  int address_free_failures = 20;       // per address, over every account
  int account_wide_free_failures = 20;  // per (app, email), over addresses it never logged in from
  int64_t max_delay_ms = 15 * 60 * 1000;
  int max_in_flight_per_address = 8;  // attempts being verified at once from one address
  int64_t forget_after_ms = 24LL * 3600 * 1000;
  int64_t known_address_ms = 30LL * 24 * 3600 * 1000;
  size_t max_entries = 50000;  // per table
};

class LoginThrottle {
 public:
  explicit LoginThrottle(LoginPolicy policy = {});
  // 0: verify the attempt now (it is in flight until finish() or cancel()); else milliseconds to wait.
  int64_t admit(const std::string &account, const std::string &address, int64_t now_ms);
  void finish(const std::string &account, const std::string &address, bool success, int64_t now_ms);
  void cancel(const std::string &account, const std::string &address);  // admitted, never verified
  size_t entries() const;

 private:
  struct Counter {
    int failures = 0;
    int in_flight = 0;
    int64_t last_failure_ms = 0;
    int64_t touched_ms = 0;
  };
  using Table = std::unordered_map<std::string, Counter>;
  int64_t wait_ms(const Table &t, const std::string &key, int free, int64_t now) const;
  void prune(int64_t now);
  void cap(Table &t);
  void for_each_tier(const std::string &pair_key, const std::string &address, const std::string &account,
                     const std::function<void(Table *, Table::iterator)> &f);

  LoginPolicy policy_;
  mutable std::mutex mu_;
  Table pair_, address_, account_;
  std::unordered_map<std::string, int64_t> known_;  // account + address -> last success
  int64_t last_prune_ms_ = 0;
};

class PasswordPool {
 public:
  struct Job {
    std::function<void()> run;
    std::function<void()> drop;  // called instead of run when the pool stops first
    bool reserved = true;        // submitted into a slot from reserve()
  };
  PasswordPool(size_t threads, size_t queue_limit);
  ~PasswordPool();  // finishes the running jobs, drops the queued ones
  PasswordPool(const PasswordPool &) = delete;
  PasswordPool &operator=(const PasswordPool &) = delete;

  bool reserve();              // a queue slot, or false when the queue is full
  void submit(Job job);        // into a reserved slot
  void release_reservation();  // a reserved slot that will not be used

 private:
  void work();

  size_t limit_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> queue_;
  size_t reserved_ = 0;  // slots promised and not yet taken by a worker
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

// Threads a password pool should get on this machine: 1, or 2 with four cores or more.
size_t password_threads();

}  // namespace helpline::server
