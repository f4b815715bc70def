#pragma once
// Waiting for something another thread or process does.

#include <chrono>
#include <functional>
#include <thread>

namespace helpline::testing {

/// Polls `pred` every 10 ms until it holds or `timeout` passes; returns whether it held.
inline bool wait_until(const std::function<bool()> &pred,
                       std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (pred()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace helpline::testing
