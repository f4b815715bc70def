#include "store/outbox.hpp"

namespace helpline::detail {

Outbox::Outbox(sqlite3 *db)
    : db_(db),
      insert_(db,
              "INSERT INTO outbox (channel, kind, priority, payload, idempotency_key, created_at, principal) "
              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"),
      totals_update_(db,
                     "INSERT INTO outbox_totals (priority, rows, bytes) VALUES (?1, ?2, ?3) "
                     "ON CONFLICT (priority) DO UPDATE SET rows = rows + excluded.rows, "
                     "bytes = bytes + excluded.bytes"),
      // "+next_attempt_at" keeps SQLite on outbox_channel_id: rows come in id order and the scan
      // stops after LIMIT, instead of sorting every due row of a large backlog per batch.
      due_(db,
           "SELECT id, priority, kind, idempotency_key, payload, attempts, principal FROM outbox "
           "WHERE channel = ?1 AND id > ?4 AND +next_attempt_at <= ?2 ORDER BY id LIMIT ?3"),
      next_due_(db, "SELECT min(next_attempt_at) FROM outbox WHERE channel = ?1"),
      remove_(db, "DELETE FROM outbox WHERE id = ?1 RETURNING priority, length(payload)"),
      delete_(db, "DELETE FROM outbox WHERE id = ?1"),
      reschedule_(db, "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?2 WHERE id = ?1"),
      attempt_(db, "UPDATE outbox SET attempts = attempts + 1 WHERE id = ?1"),
      dead_(db,
            "INSERT INTO dead_letter (kind, payload, idempotency_key, http_status, error, failed_at) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"),
      min_id_(db, "SELECT min(id) FROM outbox"),
      totals_(db, "SELECT priority, rows, bytes FROM outbox_totals"),
      principal_(db, "SELECT 1 FROM outbox WHERE principal = ?1 LIMIT 1") {}

OutboxTotals Outbox::totals() {
  OutboxTotals t;
  try {
    while (totals_.step()) {
      t.rows += totals_.column_int64(1);
      t.bytes += totals_.column_int64(2);
      if (totals_.column_int64(0) < kLowestProtectedPriority) t.evictable_bytes += totals_.column_int64(2);
    }
  } catch (...) {
    totals_.reset();
    throw;
  }
  totals_.reset();
  return t;
}

void Outbox::adjust_totals(int priority, int64_t rows, int64_t bytes) {
  totals_update_.bind(1, int64_t{priority}).bind(2, rows).bind(3, bytes);
  totals_update_.run();
}

int64_t Outbox::insert(const std::vector<NewItem> &items) {
  int64_t per_priority_rows[kPriorityControl + 1] = {0};
  int64_t per_priority_bytes[kPriorityControl + 1] = {0};
  for (const auto &item : items) {
    if (item.payload.empty()) continue;
    insert_.bind(1, static_cast<int64_t>(item.channel()))
        .bind(2, std::string(item.kind->name))
        .bind(3, int64_t{item.priority()})
        .bind(4, item.payload)
        .bind(5, item.idempotency_key)
        .bind(6, item.created_at)
        .bind(7, item.principal);
    insert_.run();
    per_priority_rows[item.priority()] += 1;
    per_priority_bytes[item.priority()] += static_cast<int64_t>(item.payload.size());
  }
  for (int p = 0; p <= kPriorityControl; ++p) {
    if (per_priority_rows[p] != 0) adjust_totals(p, per_priority_rows[p], per_priority_bytes[p]);
  }
  return sqlite3_last_insert_rowid(db_);
}

std::vector<QueuedItem> Outbox::due(Channel channel, int64_t now_ms, int max_items, int64_t max_bytes,
                                    int64_t after_id) {
  std::vector<QueuedItem> out;
  due_.bind(1, static_cast<int64_t>(channel)).bind(2, now_ms).bind(3, int64_t{max_items}).bind(4, after_id);
  int64_t bytes = 0;
  try {
    while (due_.step()) {
      QueuedItem item{due_.column_int64(0), static_cast<int>(due_.column_int64(1)),
                      due_.column_text(2),  due_.column_text(3),
                      due_.column_text(4),  due_.column_int64(5),
                      due_.column_text(6)};
      bytes += static_cast<int64_t>(item.payload.size());
      if (!out.empty() && bytes > max_bytes) break;
      out.push_back(std::move(item));
    }
  } catch (...) {
    due_.reset();
    throw;
  }
  due_.reset();
  return out;
}

int64_t Outbox::next_due(Channel channel) {
  next_due_.bind(1, static_cast<int64_t>(channel));
  int64_t v = -1;
  if (next_due_.step() && sqlite3_column_type(next_due_.get(), 0) != SQLITE_NULL)
    v = next_due_.column_int64(0);
  next_due_.reset();
  return v;
}

bool Outbox::remove(int64_t id) {
  remove_.bind(1, id);
  int64_t priority = -1, bytes = 0;
  try {
    if (remove_.step()) {
      priority = remove_.column_int64(0);
      bytes = remove_.column_int64(1);
      while (remove_.step()) {
      }
    }
  } catch (...) {
    remove_.reset();
    throw;
  }
  remove_.reset();
  if (priority < 0) return false;
  adjust_totals(static_cast<int>(priority), -1, -bytes);
  return true;
}

void Outbox::remove_delivered(std::vector<const QueuedItem *> &items) {
  int64_t rows[kPriorityControl + 1] = {0};
  int64_t bytes[kPriorityControl + 1] = {0};
  std::size_t kept = 0;
  for (const QueuedItem *item : items) {
    delete_.bind(1, item->id);
    delete_.run();
    if (sqlite3_changes(db_) == 0) continue;  // already gone (an erase, consent revoked meanwhile)
    rows[item->priority] += 1;
    bytes[item->priority] += static_cast<int64_t>(item->payload.size());
    items[kept++] = item;
  }
  items.resize(kept);
  for (int p = 0; p <= kPriorityControl; ++p) {
    if (rows[p] != 0) adjust_totals(p, -rows[p], -bytes[p]);
  }
}

void Outbox::reschedule(int64_t id, int64_t next_attempt_at) {
  reschedule_.bind(1, id).bind(2, next_attempt_at);
  reschedule_.run();
}

void Outbox::count_attempt(int64_t id) {
  attempt_.bind(1, id);
  attempt_.run();
}

bool Outbox::dead_letter(const QueuedItem &item, long http_status, const std::string &error, int64_t now_ms) {
  if (!remove(item.id)) return false;
  dead_.bind(1, item.kind)
      .bind(2, item.payload)
      .bind(3, item.idempotency_key)
      .bind(4, static_cast<int64_t>(http_status))
      .bind(5, error)
      .bind(6, now_ms);
  dead_.run();
  return true;
}

int64_t Outbox::evict_to(int64_t limit_bytes) {
  OutboxTotals t = totals();
  if (t.bytes <= limit_bytes) return 0;
  int64_t dropped = 0;
  Statement oldest(
      db_, "SELECT id, length(payload) FROM outbox WHERE priority < ?1 ORDER BY priority, id LIMIT 512");
  while (t.bytes > limit_bytes) {
    oldest.bind(1, int64_t{kLowestProtectedPriority});
    std::vector<std::pair<int64_t, int64_t>> victims;
    while (oldest.step()) victims.emplace_back(oldest.column_int64(0), oldest.column_int64(1));
    oldest.reset();
    if (victims.empty()) break;  // only protected rows left: they are never evicted
    for (const auto &[id, bytes] : victims) {
      if (t.bytes <= limit_bytes) break;
      remove(id);
      t.bytes -= bytes;
      ++dropped;
    }
  }
  return dropped;
}

int64_t Outbox::remove_kind(const std::string &kind) {
  Statement ids(db_, "SELECT id FROM outbox WHERE kind = ?1");
  ids.bind(1, kind);
  std::vector<int64_t> victims;
  while (ids.step()) victims.push_back(ids.column_int64(0));
  for (int64_t id : victims) remove(id);
  return static_cast<int64_t>(victims.size());
}

int64_t Outbox::min_id() {
  int64_t v = -1;
  if (min_id_.step() && sqlite3_column_type(min_id_.get(), 0) != SQLITE_NULL) v = min_id_.column_int64(0);
  min_id_.reset();
  return v;
}

}  // namespace helpline::detail

namespace helpline::detail {

bool Outbox::has_principal(const std::string &principal) {
  principal_.bind(1, principal);
  bool found = principal_.step();
  principal_.reset();
  return found;
}

}  // namespace helpline::detail
