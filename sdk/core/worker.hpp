// The SDK's worker thread: runs posted tasks and timers in order. It sleeps on a condition
// variable with no timeout when there is nothing to do, so an idle SDK causes zero wake-ups.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace helpline::detail {

class Worker {
 public:
  using Task = std::function<void()>;
  using Clock = std::chrono::steady_clock;

  explicit Worker(std::size_t max_queued_tasks = 65536);
  ~Worker();
  Worker(const Worker &) = delete;
  Worker &operator=(const Worker &) = delete;

  void start(const std::string &thread_name);

  // Queues a task; false when stopping or when the (bounded) queue is full.
  bool post(Task task);
  // Runs `task` at or after `when` unless the worker stops first.
  bool post_at(Clock::time_point when, Task task);

  // Runs the tasks already queued, then ends the thread and joins it. Timers that are not yet
  // due are dropped. Must not be called from the worker thread itself.
  void stop();

  bool is_current_thread() const noexcept;
  std::size_t queued() const;

 private:
  void run();

  const std::size_t max_queued_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Task> tasks_;
  std::multimap<Clock::time_point, Task> timers_;
  bool stopping_ = false;
  std::thread thread_;
  std::thread::id thread_id_;
};

}  // namespace helpline::detail
