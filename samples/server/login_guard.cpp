#include "login_guard.hpp"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <utility>

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace helpline::server {

namespace {

std::string pair_key(const std::string &account, const std::string &address) {
  return account + '\n' + address;
}

}  // namespace

LoginThrottle::LoginThrottle(LoginPolicy policy) : policy_(policy) {}

int64_t LoginThrottle::wait_ms(const Table &t, const std::string &key, int free, int64_t now) const {
  auto it = t.find(key);
  if (it == t.end()) return 0;
  const Counter &c = it->second;
  if (c.failures + c.in_flight < free) return 0;
  if (c.failures < free || c.in_flight > 0) return 1000;  // wait for the answers of the attempts in flight
  int n = c.failures - free + 1;
  int64_t delay = n >= 30 ? policy_.max_delay_ms : std::min(policy_.max_delay_ms, (int64_t{1} << n) * 1000);
  int64_t until = c.last_failure_ms + delay;
  return until > now ? until - now : 0;
}

int64_t LoginThrottle::admit(const std::string &account, const std::string &address, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  prune(now_ms);
  const std::string pk = pair_key(account, address);
  int64_t wait = std::max(wait_ms(pair_, pk, policy_.account_free_failures, now_ms),
                          wait_ms(address_, address, policy_.address_free_failures, now_ms));
  auto known = known_.find(pk);
  bool known_address = known != known_.end() && now_ms - known->second < policy_.known_address_ms;
  if (!known_address)
    wait = std::max(wait, wait_ms(account_, account, policy_.account_wide_free_failures, now_ms));
  auto a = address_.find(address);
  if (a != address_.end() && a->second.in_flight >= policy_.max_in_flight_per_address)
    wait = std::max<int64_t>(wait, 1000);
  if (wait > 0) return wait;
  for (Counter *c : {&pair_[pk], &address_[address], &account_[account]}) {
    ++c->in_flight;
    c->touched_ms = now_ms;
  }
  cap(pair_);
  cap(address_);
  cap(account_);
  return 0;
}

void LoginThrottle::finish(const std::string &account, const std::string &address, bool success,
                           int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string pk = pair_key(account, address);
  for_each_tier(pk, address, account, [&](Table *table, Table::iterator it) {
    Counter &c = it->second;
    if (c.in_flight > 0) --c.in_flight;
    c.touched_ms = now_ms;
    if (success && table == &account_) {
      // Not cleared: one real login must not hand a distributed guesser a fresh budget. The tier never
      // applies to this address again (known_), and it is forgotten a day after the guessing stops.
    } else if (success) {
      c.failures = 0;
      if (c.in_flight == 0) table->erase(it);
    } else {
      ++c.failures;
      c.last_failure_ms = now_ms;
    }
  });
  if (success) {
    known_[pk] = now_ms;
    if (known_.size() > policy_.max_entries) {
      // Forget the addresses that logged in longest ago.
      std::vector<std::pair<int64_t, std::string>> by_age;
      by_age.reserve(known_.size());
      for (const auto &k : known_) by_age.emplace_back(k.second, k.first);
      auto mid = by_age.begin() + static_cast<std::ptrdiff_t>(by_age.size() / 4);
      std::nth_element(by_age.begin(), mid, by_age.end());
      for (auto it = by_age.begin(); it != mid; ++it) known_.erase(it->second);
    }
  }
}

void LoginThrottle::cancel(const std::string &account, const std::string &address) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string pk = pair_key(account, address);
  for_each_tier(pk, address, account, [](Table *table, Table::iterator it) {
    if (it->second.in_flight > 0) --it->second.in_flight;
    if (it->second.in_flight == 0 && it->second.failures == 0) table->erase(it);
  });
}

// The counters of the three tiers that exist (one may have been evicted meanwhile): f(table, entry).
void LoginThrottle::for_each_tier(const std::string &pair_key, const std::string &address,
                                  const std::string &account,
                                  const std::function<void(Table *, Table::iterator)> &f) {
  std::pair<Table *, const std::string *> tables[] = {
      {&pair_, &pair_key}, {&address_, &address}, {&account_, &account}};
  for (auto &[table, key] : tables) {
    auto it = table->find(*key);
    if (it != table->end()) f(table, it);
  }
}

size_t LoginThrottle::entries() const {
  std::lock_guard<std::mutex> lock(mu_);
  return pair_.size() + address_.size() + account_.size() + known_.size();
}

// Every minute: drop the counters without a failure for forget_after_ms and the stale known addresses.
void LoginThrottle::prune(int64_t now) {
  if (now - last_prune_ms_ < 60 * 1000) return;
  last_prune_ms_ = now;
  for (Table *t : {&pair_, &address_, &account_})
    for (auto it = t->begin(); it != t->end();) {
      const Counter &c = it->second;
      bool stale =
          c.in_flight == 0 && now - std::max(c.last_failure_ms, c.touched_ms) > policy_.forget_after_ms;
      it = stale ? t->erase(it) : std::next(it);
    }
  for (auto it = known_.begin(); it != known_.end();)
    it = now - it->second > policy_.known_address_ms ? known_.erase(it) : std::next(it);
}

// Over the cap: evict the quarter of the entries touched longest ago (never one with attempts in flight).
void LoginThrottle::cap(Table &t) {
  if (t.size() <= policy_.max_entries) return;
  std::vector<std::pair<int64_t, const std::string *>> by_age;
  by_age.reserve(t.size());
  for (const auto &e : t)
    if (e.second.in_flight == 0) by_age.emplace_back(e.second.touched_ms, &e.first);
  size_t n = std::min(by_age.size(), t.size() / 4);
  auto mid = by_age.begin() + static_cast<std::ptrdiff_t>(n);
  std::nth_element(by_age.begin(), mid, by_age.end());
  std::vector<std::string> victims;
  for (auto it = by_age.begin(); it != mid; ++it) victims.push_back(*it->second);
  for (const auto &k : victims) t.erase(k);
}

PasswordPool::PasswordPool(size_t threads, size_t queue_limit) : limit_(queue_limit) {
  for (size_t i = 0; i < std::max<size_t>(1, threads); ++i) threads_.emplace_back([this] { work(); });
}

PasswordPool::~PasswordPool() {
  std::deque<Job> left;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto &t : threads_) t.join();
  {
    std::lock_guard<std::mutex> lock(mu_);
    left.swap(queue_);
  }
  for (auto &j : left)
    if (j.drop) j.drop();
}

bool PasswordPool::reserve() {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_ || reserved_ >= limit_) return false;
  ++reserved_;
  return true;
}

void PasswordPool::submit(Job job) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(job));
  }
  cv_.notify_one();
}

void PasswordPool::release_reservation() {
  std::lock_guard<std::mutex> lock(mu_);
  if (reserved_ > 0) --reserved_;
}

void PasswordPool::work() {
#ifdef __linux__
  // Below the I/O threads: a login flood slows logins, not every other request.
  setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 10);
#endif
  while (true) {
    Job job;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      job = std::move(queue_.front());
      queue_.pop_front();
      if (job.reserved && reserved_ > 0) --reserved_;
    }
    try {
      job.run();
    } catch (const std::exception &e) {  // jobs answer their own errors; this is the last resort
      std::fprintf(stderr, "helpline-server: password job failed: %s\n", e.what());
    }
  }
}

size_t password_threads() {
  return std::thread::hardware_concurrency() >= 4 ? 2 : 1;
}

}  // namespace helpline::server
