#pragma once
// Clocks for tests and benchmarks: elapsed time on the steady clock, wall-clock milliseconds, CLOCK_MONOTONIC
// nanoseconds (comparable across processes, e.g. with a child's).

#include <time.h>

#include <chrono>

namespace helpline::testing {

using Clock = std::chrono::steady_clock;

/// Milliseconds elapsed since `start`.
inline long long ms_since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

/// Microseconds elapsed since `start`.
inline double us_since(Clock::time_point start) {
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}

/// A duration in microseconds.
inline double us(Clock::duration d) {
  return std::chrono::duration<double, std::micro>(d).count();
}

/// A duration in seconds.
inline double secs(Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

/// Wall-clock milliseconds since the Unix epoch.
inline long long now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// CLOCK_MONOTONIC in nanoseconds: the same clock in every process of the machine.
inline long long mono_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<long long>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

/// The mono_ns() value `d` from now (a deadline for ChildProcess).
inline long long deadline_in(std::chrono::milliseconds d) {
  return mono_ns() + d.count() * 1000000LL;
}

}  // namespace helpline::testing
