#include "base/worker.hpp"

#include <pthread.h>

#include <algorithm>

namespace helpline::detail {

Worker::Worker(std::size_t max_queued_tasks) : max_queued_(max_queued_tasks) {}

Worker::~Worker() {
  if (thread_.joinable()) stop();
}

void Worker::start(const std::string &thread_name) {
  std::lock_guard<std::mutex> lock(mu_);
  thread_ = std::thread([this] { run(); });
  thread_id_ = thread_.get_id();
  // Names are capped at 15 bytes by Linux; visible in top/gdb, which helps hosts audit us.
  pthread_setname_np(thread_.native_handle(), thread_name.substr(0, 15).c_str());
}

bool Worker::post(Task task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ || tasks_.size() >= max_queued_) return false;
    tasks_.push_back(std::move(task));
    notify();  // under the lock: once stop() has run, the waiter may be gone
  }
  return true;
}

bool Worker::post_front(Task task) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_ || tasks_.size() >= max_queued_) return false;
  tasks_.push_front(std::move(task));
  notify();
  return true;
}

bool Worker::post_at(Clock::time_point when, Task task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ || timers_.size() >= max_queued_) return false;
    timers_.emplace(when, std::move(task));
    notify();
  }
  return true;
}

void Worker::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    notify();
  }
  if (thread_.joinable()) thread_.join();
}

void Worker::notify() {
  if (waiter_ != nullptr) {
    waiter_->wakeup();
  } else {
    cv_.notify_one();
  }
}

void Worker::sleep(std::unique_lock<std::mutex> &lock, const Clock::time_point *deadline) {
  if (waiter_ == nullptr) {
    if (deadline == nullptr) {
      cv_.wait(lock);
    } else {
      cv_.wait_until(lock, *deadline);
    }
    return;
  }
  int timeout_ms = -1;
  if (deadline != nullptr) {
    auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline - Clock::now()).count();
    timeout_ms = static_cast<int>(std::max<long long>(0, std::min<long long>(left, 24LL * 3600 * 1000)));
  }
  // A wakeup() between unlock and wait() is not lost: the waiter remembers it (curl's wakeup
  // pipe), so the wait returns at once.
  lock.unlock();
  run_guarded([this, timeout_ms] { waiter_->wait(timeout_ms); });
  lock.lock();
}

void Worker::run_guarded(const Task &task) noexcept {
  // A failing task (a store error while applying results, say) must not take the host's
  // process down: report it and keep going; the affected work is retried from disk.
  try {
    task();
  } catch (const std::exception &e) {
    if (on_error_) on_error_(e.what());
  } catch (...) {
    if (on_error_) on_error_("unknown exception in worker task");
  }
}

bool Worker::is_current_thread() const noexcept {
  return std::this_thread::get_id() == thread_id_;
}

std::size_t Worker::queued() const {
  std::lock_guard<std::mutex> lock(mu_);
  return tasks_.size() + timers_.size();
}

void Worker::run() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    if (!tasks_.empty()) {
      Task task = std::move(tasks_.front());
      tasks_.pop_front();
      lock.unlock();
      run_guarded(task);
      task = nullptr;  // release captures outside the lock
      lock.lock();
      continue;
    }
    if (stopping_) break;
    if (timers_.empty()) {
      sleep(lock, nullptr);
      continue;
    }
    auto due = timers_.begin()->first;
    if (Clock::now() >= due) {
      Task task = std::move(timers_.begin()->second);
      timers_.erase(timers_.begin());
      lock.unlock();
      run_guarded(task);
      task = nullptr;
      lock.lock();
      continue;
    }
    sleep(lock, &due);
  }
  timers_.clear();
}

}  // namespace helpline::detail
