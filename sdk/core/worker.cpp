#include "core/worker.hpp"

#include <pthread.h>

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
  }
  cv_.notify_one();
  return true;
}

bool Worker::post_at(Clock::time_point when, Task task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ || timers_.size() >= max_queued_) return false;
    timers_.emplace(when, std::move(task));
  }
  cv_.notify_one();
  return true;
}

void Worker::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

bool Worker::is_current_thread() const noexcept { return std::this_thread::get_id() == thread_id_; }

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
      task();
      task = nullptr;  // release captures outside the lock
      lock.lock();
      continue;
    }
    if (stopping_) break;
    if (timers_.empty()) {
      cv_.wait(lock);
      continue;
    }
    auto due = timers_.begin()->first;
    if (Clock::now() >= due) {
      Task task = std::move(timers_.begin()->second);
      timers_.erase(timers_.begin());
      lock.unlock();
      task();
      task = nullptr;
      lock.lock();
      continue;
    }
    cv_.wait_until(lock, due);
  }
  timers_.clear();
}

}  // namespace helpline::detail
