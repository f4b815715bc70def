// The outbox: every item waiting to be sent, on disk. Rows carry their complete wire JSON
// (idempotency key included), so sending needs no re-encoding. Runs on the worker thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/sqlite.hpp"
#include "items/item.hpp"

namespace helpline::detail {

struct OutboxTotals {
  int64_t rows = 0;
  int64_t bytes = 0;
  int64_t evictable_bytes = 0;  // bytes of rows below kLowestProtectedPriority
};

class Outbox {
 public:
  explicit Outbox(sqlite3 *db);

  OutboxTotals totals();
  // Inserts inside the caller's transaction (items without payload are skipped). Returns the id
  // of the last row.
  int64_t insert(const std::vector<NewItem> &items);
  // Oldest first, due at `now_ms`, at most max_items and about max_bytes (at least one row).
  // Only rows with id > after_id.
  std::vector<QueuedItem> due(Channel channel, int64_t now_ms, int max_items, int64_t max_bytes,
                              int64_t after_id = 0);
  // Earliest next_attempt_at on a channel, or -1 when the channel is empty.
  int64_t next_due(Channel channel);
  // False when the row was gone already.
  bool remove(int64_t id);
  // Deletes delivered rows (inside the caller's transaction), one totals update per priority. Leaves in
  // `items` only the rows it deleted: an erase or a revoked consent may have dropped some while their
  // request was on the wire, and their answer then changes nothing locally.
  void remove_delivered(std::vector<const QueuedItem *> &items);
  void reschedule(int64_t id, int64_t next_attempt_at);
  void count_attempt(int64_t id);
  // Moves the row to dead_letter; false (and nothing written) when the row was gone already.
  bool dead_letter(const QueuedItem &item, long http_status, const std::string &error, int64_t now_ms);
  // Deletes the oldest rows of evictable priorities until bytes <= limit. Returns rows dropped.
  int64_t evict_to(int64_t limit_bytes);
  // Deletes every row of a kind (e.g. diagnostics when consent is revoked). Returns rows.
  int64_t remove_kind(const std::string &kind);
  int64_t min_id();
  // Rows still queued for a principal.
  bool has_principal(const std::string &principal);

 private:
  void adjust_totals(int priority, int64_t rows, int64_t bytes);

  sqlite3 *db_;
  Statement insert_;
  Statement totals_update_;
  Statement due_;
  Statement next_due_;
  Statement remove_;
  Statement delete_;
  Statement reschedule_;
  Statement attempt_;
  Statement dead_;
  Statement min_id_;
  Statement totals_;
  Statement principal_;
};

}  // namespace helpline::detail
