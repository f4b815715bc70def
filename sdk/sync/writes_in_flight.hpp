// Write requests on the wire, across every channel: outbox batches and uploads (sync/sender) and the device
// PUT (device/device_registration). An erase is sent only when none is left (nothing sent before it may
// land after it), and helpline_flush() waits for the ones started before it. Worker thread only.
#pragma once

#include <cstdint>
#include <vector>

namespace helpline::detail {

class WritesInFlight {
 public:
  using FinishedFn = void (*)(void *owner);
  // `fn` runs after each write finished (its response handled).
  void on_finished(FinishedFn fn, void *owner) noexcept {
    finished_ = fn;
    owner_ = owner;
  }
  // Returns the write's ticket, increasing with each write started.
  uint64_t started();
  void finished(uint64_t ticket);
  bool idle() const noexcept { return in_flight_.empty(); }
  // The newest ticket handed out (0: none yet), and the oldest still in flight (UINT64_MAX: none).
  uint64_t last_started() const noexcept { return last_; }
  uint64_t oldest() const noexcept;

  // Set by the sender while a barrier (an erase) waits for the writes on the wire: no other write starts.
  bool barrier_waiting = false;

 private:
  std::vector<uint64_t> in_flight_;
  uint64_t last_ = 0;
  FinishedFn finished_ = nullptr;
  void *owner_ = nullptr;
};

}  // namespace helpline::detail
