// What flows through the outbox: an item accepted from a host call (NewItem) and a row read back
// for sending (QueuedItem), with the channel it is sent on and the priority that decides eviction.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "helpline/helpline.h"

#include "items/local_change.hpp"

namespace helpline::detail {

// Where a row is sent: /v1/batch (ordered writes) or /v1/diagnostics/batch.
enum class Channel : int { kBatch = 0, kDiagnostics = 1 };
constexpr int kChannelCount = 2;

// Lower priorities are evicted first when the storage limit is reached. User-written content
// (tickets, messages) is never evicted: a new item is refused instead.
enum Priority : int {
  kPriorityDiagnostics = 0,
  kPrioritySurvey = 1,
  kPriorityUser = 2,
  kPriorityControl = 3
};
constexpr int kLowestProtectedPriority = kPriorityUser;

// A kind of outbox item, declared once as a constant by the feature that builds it and registered
// with what its delivery does (items/registry.hpp). The name is stored in the outbox row.
struct ItemKind {
  const char *name;  // a wire::kind constant (protocol/wire.hpp)
  Channel channel;
  int priority;  // Priority
  // Written as the principal signed in when the call is made; false for an item that names its own
  // principal (identify: the user it signs in).
  bool stamped = true;
  // Raw bytes uploaded alone, in their place in the channel's order (attachments), not a batch item.
  bool upload = false;
  // Sent only when no write request is on the wire, on any channel (an erase: nothing sent before it may
  // land after it).
  bool barrier = false;
};

struct NewItem {
  const ItemKind *kind;
  std::string idempotency_key;
  std::string payload;    // the item's wire JSON; empty: nothing to send (a local change only)
  int64_t created_at;     // unix ms
  std::string principal;  // '' = the anonymous device, else the user id it was written as
  // What the item changes in the local view, written in the same transaction as the row.
  std::shared_ptr<const LocalChange> local;

  Channel channel() const noexcept { return kind->channel; }
  int priority() const noexcept { return kind->priority; }
};

struct QueuedItem {
  int64_t id;
  int priority;
  std::string kind;
  std::string idempotency_key;
  std::string payload;
  int64_t attempts;
  std::string principal;
};

// What one group commit (items/instance.hpp: commit_now) did.
struct CommitResult {
  bool ok = true;
  bool more = false;  // items remain buffered: commit again
  int64_t committed = 0;
  int64_t evicted = 0;
  helpline_status_t status = HELPLINE_OK;
  std::string error;
};

// Hands items to the group commit, stamped with the current principal and kept adjacent in the
// order (host threads; microseconds). Throws Error (HELPLINE_E_CLOSED, _BUSY, _DISK_FULL).
using EnqueueFn = std::function<void(std::vector<NewItem> items)>;

}  // namespace helpline::detail
