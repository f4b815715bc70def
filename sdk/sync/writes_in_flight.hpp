// Write requests on the wire, across every channel: outbox batches and uploads (sync/sender) and the device
// PUT (device/device_registration). An erase is sent only when none is left (nothing sent before it may
// land after it), and helpline_flush() waits for the ones started before it. Worker thread only.
#pragma once

#include <cstdint>

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
  bool idle() const noexcept { return count_ == 0; }
  // The newest ticket handed out (0: none yet), and the oldest still in flight (UINT64_MAX: none).
  uint64_t last_started() const noexcept { return last_; }
  uint64_t oldest() const noexcept;

  // Set by the sender while a barrier (an erase) waits for the writes on the wire: no other write starts.
  bool barrier_waiting = false;

 private:
  // At most four at once (a batch or upload, two diagnostics batches, the device PUT); room for eight.
  static constexpr int kSlots = 8;
  uint64_t in_flight_[kSlots] = {};  // tickets in the order started
  int count_ = 0;
  uint64_t last_ = 0;
  FinishedFn finished_ = nullptr;
  void *owner_ = nullptr;
};

}  // namespace helpline::detail
