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

// How the worker sleeps. The default uses a condition variable; the sync engine plugs in the
// network transport so one poll() waits for sockets and for new tasks alike.
class WorkerWaiter {
 public:
  virtual ~WorkerWaiter() = default;
  // Called with no lock held; returns on wakeup(), network activity or after timeout_ms
  // (negative: no timeout).
  virtual void wait(int timeout_ms) = 0;
  virtual void wakeup() = 0;  // thread-safe
};

class Worker {
 public:
  using Task = std::function<void()>;
  using Clock = std::chrono::steady_clock;

  explicit Worker(std::size_t max_queued_tasks = 65536);
  ~Worker();
  Worker(const Worker &) = delete;
  Worker &operator=(const Worker &) = delete;

  // Before start(): sleep through `waiter` instead of the condition variable (not owned).
  void set_waiter(WorkerWaiter *waiter) noexcept { waiter_ = waiter; }
  // Before start(): receives what a throwing task threw (the worker itself carries on).
  void set_error_handler(std::function<void(const std::string &)> handler) { on_error_ = std::move(handler); }
  void start(const std::string &thread_name);

  // Queues a task; false when stopping or when the (bounded) queue is full.
  bool post(Task task);
  // Queues a task ahead of everything else queued (group commits: they bound durability).
  bool post_front(Task task);
  // Runs `task` at or after `when` unless the worker stops first.
  bool post_at(Clock::time_point when, Task task);

  // Runs the tasks already queued, then ends the thread and joins it. Timers that are not yet
  // due are dropped. Must not be called from the worker thread itself.
  void stop();

  bool is_current_thread() const noexcept;
  std::size_t queued() const;

 private:
  void run();
  void sleep(std::unique_lock<std::mutex> &lock, const Clock::time_point *deadline);
  void notify();
  void run_guarded(const Task &task) noexcept;

  const std::size_t max_queued_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Task> tasks_;
  std::multimap<Clock::time_point, Task> timers_;
  bool stopping_ = false;
  WorkerWaiter *waiter_ = nullptr;
  std::function<void(const std::string &)> on_error_;
  std::thread thread_;
  std::thread::id thread_id_;
};

// Queues a task for an instance's worker or throws Error(HELPLINE_E_CLOSED / HELPLINE_E_BUSY) naming
// `caller` (the C function being served): how host-thread calls hand work to the worker.
using PostFn = std::function<void(Worker::Task task, const char *caller)>;

}  // namespace helpline::detail
