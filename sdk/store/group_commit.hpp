// Group commit: host threads hand items over in microseconds; the worker writes everything
// handed over since its last commit in one transaction (one fsync for many items).
//
// The hand-off buffer is bounded (items and bytes): when the disk cannot keep up, accept()
// fails with HELPLINE_E_BUSY instead of growing memory. The storage limit is enforced here
// too: accept() refuses a protected item (ticket, message) that would only fit by evicting
// other protected items, and commit() evicts the oldest low-priority rows to stay under it.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/stats.hpp"
#include "store/outbox.hpp"

namespace helpline::detail {

class GroupCommit {
 public:
  // One transaction takes at most this many items: a burst is written in chunks, so the first
  // items are durable after one chunk's fsync instead of after the whole burst's.
  static constexpr std::size_t kMaxItemsPerCommit = 2048;

  GroupCommit(sqlite3 *db, Outbox &outbox, SyncStats &stats, uint64_t storage_limit,
              std::size_t max_pending_items = 16384, std::size_t max_pending_bytes = 16u << 20);

  // Host thread. Returns true when the buffer was empty, i.e. the caller must post a commit.
  // Throws Error(HELPLINE_E_BUSY / HELPLINE_E_DISK_FULL).
  bool accept(NewItem item);

  // Worker thread. On failure the items stay buffered, in order, for the next commit.
  CommitResult commit();

  std::size_t pending() const;
  // Host thread, any: the local changes of items accepted and not yet committed, in order (what
  // a reader overlays on the store so that it sees its own writes at once).
  std::vector<std::shared_ptr<const LocalChange>> pending_local() const;
  // Worker: writes an item's local change inside the commit's transaction.
  void set_local_writer(std::function<void(const LocalChange &)> writer) {
    local_writer_ = std::move(writer);
  }
  // Worker: refresh the committed totals the host-side limit check reads.
  void refresh_totals();

 private:
  sqlite3 *db_;
  Outbox &outbox_;
  SyncStats &stats_;
  const int64_t storage_limit_;
  const std::size_t max_items_;
  const std::size_t max_bytes_;

  mutable std::mutex mu_;
  std::vector<NewItem> pending_;
  int64_t pending_bytes_ = 0;
  int64_t pending_evictable_bytes_ = 0;
  std::function<void(const LocalChange &)> local_writer_;
  // Local changes of the batch being committed: still shown to readers until the commit is
  // visible in the store, so a write never disappears from view for the length of an fsync.
  std::vector<std::shared_ptr<const LocalChange>> committing_local_;
  std::atomic<bool> failing_{false};
  std::string failure_;
};

}  // namespace helpline::detail
