#include "store/group_commit.hpp"

#include <iterator>

namespace helpline::detail {

GroupCommit::GroupCommit(sqlite3 *db, Outbox &outbox, SyncStats &stats, uint64_t storage_limit,
                         std::size_t max_pending_items, std::size_t max_pending_bytes)
    : db_(db),
      outbox_(outbox),
      stats_(stats),
      storage_limit_(static_cast<int64_t>(storage_limit)),
      max_items_(max_pending_items),
      max_bytes_(max_pending_bytes) {}

bool GroupCommit::accept(NewItem item) {
  const auto size = static_cast<int64_t>(item.payload.size());
  std::lock_guard<std::mutex> lock(mu_);
  if (failing_.load(std::memory_order_acquire) && item.priority() < kPriorityControl) {
    throw Error(HELPLINE_E_DISK_FULL, "the store cannot write (" + failure_ + "); item not accepted");
  }
  if (pending_.size() >= max_items_ || pending_bytes_ + size > static_cast<int64_t>(max_bytes_)) {
    throw Error(HELPLINE_E_BUSY, "the hand-off queue to the disk writer is full; retry shortly");
  }
  if (size > storage_limit_) {
    throw Error(HELPLINE_E_TOO_LARGE, "item of " + std::to_string(size) + " bytes exceeds the storage limit");
  }
  if (item.priority() >= kLowestProtectedPriority) {
    int64_t total = stats_.queued_bytes.load() + pending_bytes_ + size;
    int64_t evictable = stats_.evictable_bytes.load() + pending_evictable_bytes_;
    if (total - evictable > storage_limit_) {
      throw Error(HELPLINE_E_DISK_FULL, "storage limit of " + std::to_string(storage_limit_) +
                                            " bytes reached by undelivered tickets and messages");
    }
  } else {
    pending_evictable_bytes_ += size;
  }
  bool was_empty = pending_.empty();
  pending_bytes_ += size;
  pending_.push_back(std::move(item));
  stats_.pending_commit.store(static_cast<int64_t>(pending_.size()));
  return was_empty;
}

CommitResult GroupCommit::commit() {
  std::vector<NewItem> batch;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (pending_.size() <= kMaxItemsPerCommit) {
      batch.swap(pending_);
    } else {
      auto cut = pending_.begin() + static_cast<std::ptrdiff_t>(kMaxItemsPerCommit);
      batch.assign(std::make_move_iterator(pending_.begin()), std::make_move_iterator(cut));
      pending_.erase(pending_.begin(), cut);
    }
    for (const auto &item : batch) {
      if (item.local) committing_local_.push_back(item.local);
      const auto size = static_cast<int64_t>(item.payload.size());
      pending_bytes_ -= size;
      if (item.priority() < kLowestProtectedPriority) pending_evictable_bytes_ -= size;
    }
  }
  CommitResult r;
  if (batch.empty()) return r;
  try {
    Transaction tx(db_);
    outbox_.insert(batch);
    if (local_writer_) {
      for (const auto &item : batch) {
        if (item.local) local_writer_(*item.local);
      }
    }
    r.evicted = outbox_.evict_to(storage_limit_);
    tx.commit();
    r.committed = static_cast<int64_t>(batch.size());
    failing_.store(false, std::memory_order_release);
  } catch (const Error &e) {
    r.ok = false;
    r.status = e.status();
    r.error = e.what();
    std::lock_guard<std::mutex> lock(mu_);
    // Put the batch back in front of anything accepted meanwhile: order is preserved.
    for (const auto &item : batch) {
      pending_bytes_ += static_cast<int64_t>(item.payload.size());
      if (item.priority() < kLowestProtectedPriority)
        pending_evictable_bytes_ += static_cast<int64_t>(item.payload.size());
    }
    pending_.insert(pending_.begin(), std::make_move_iterator(batch.begin()),
                    std::make_move_iterator(batch.end()));
    failure_ = e.what();
    failing_.store(true, std::memory_order_release);
  }
  if (r.ok) {
    // Totals first, then the pending count: a reader never sees the items in neither.
    refresh_totals();
    stats_.committed.fetch_add(r.committed);
    stats_.dropped.fetch_add(r.evicted);
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    committing_local_.clear();
    stats_.pending_commit.store(static_cast<int64_t>(pending_.size()));
    r.more = r.ok && !pending_.empty();
  }
  return r;
}

std::vector<std::shared_ptr<const LocalChange>> GroupCommit::pending_local() const {
  std::vector<std::shared_ptr<const LocalChange>> out;
  std::lock_guard<std::mutex> lock(mu_);
  out = committing_local_;
  for (const auto &item : pending_) {
    if (item.local) out.push_back(item.local);
  }
  return out;
}

std::size_t GroupCommit::pending() const {
  std::lock_guard<std::mutex> lock(mu_);
  return pending_.size();
}

void GroupCommit::refresh_totals() {
  OutboxTotals t = outbox_.totals();
  stats_.queued.store(t.rows);
  stats_.queued_bytes.store(t.bytes);
  stats_.evictable_bytes.store(t.evictable_bytes);
}

}  // namespace helpline::detail
