// The instance as its features see it: one small interface (implemented by core/client.cpp) instead
// of a callback per service, so a feature names what it uses and the core stays out of its folder.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/worker.hpp"
#include "helpline/helpline.h"
#include "items/item.hpp"

namespace helpline::detail {

class Instance {
 public:
  virtual ~Instance() = default;

  // Any thread: delivers an event per the delivery mode (worker callback or dispatch queue).
  virtual void emit(helpline_event_type_t type, std::string json) = 0;
  // Host threads: hands items to the group commit, stamped with the current principal, adjacent in
  // the order. Throws Error (HELPLINE_E_CLOSED, _BUSY, _DISK_FULL).
  virtual void enqueue(std::vector<NewItem> items) = 0;
  // Host threads: queues a task for the worker, or throws Error(HELPLINE_E_CLOSED / _BUSY) naming `caller`.
  virtual void post(Worker::Task task, const char *caller) = 0;
  virtual Worker &worker() noexcept = 0;
  // Worker: the credentials of the principal the worker last committed ('' = the anonymous device).
  virtual std::string token() const = 0;
  // Worker: writes what was accepted (one transaction per chunk).
  virtual CommitResult commit_now() = 0;
  // Any thread: returns once everything accepted before the call is committed (on the worker: commits
  // now). Throws Error naming `caller`: HELPLINE_E_TIMEOUT after timeout_ms, _CLOSED (the instance is
  // closing: close commits it), or the commit's error (the items stay accepted in memory).
  virtual void commit_durably(uint32_t timeout_ms, const char *caller) = 0;
  // Worker: rows left the outbox (totals, tokens no longer needed, flush waiters).
  virtual void outbox_changed() = 0;

  void enqueue(NewItem item) {
    std::vector<NewItem> items;
    items.push_back(std::move(item));
    enqueue(std::move(items));
  }
};

}  // namespace helpline::detail
