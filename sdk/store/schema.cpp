#include "store/schema.hpp"

#include <string>

#include "faq/faq_schema.hpp"
#include "store/sqlite.hpp"

namespace helpline::detail {
namespace {

// migrations[i] takes the schema from version i to i + 1. Append only: never edit a shipped one.
const char *const kMigrations[] = {
    // 0 -> 1: key/value metadata; the outbox (the single source of truth for anything to send)
    // with running totals per priority (kept in the same transactions, so they are exact and
    // read in O(1) at open); the dead-letter table for items the server refused for good.
    R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  channel         INTEGER NOT NULL,
  kind            TEXT    NOT NULL,
  priority        INTEGER NOT NULL,
  payload         BLOB    NOT NULL,
  idempotency_key TEXT    NOT NULL UNIQUE,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  created_at      INTEGER NOT NULL
);
CREATE INDEX outbox_due ON outbox (channel, next_attempt_at, id);
CREATE INDEX outbox_channel_id ON outbox (channel, id);
CREATE INDEX outbox_evict ON outbox (priority, id);
CREATE TABLE outbox_totals (
  priority INTEGER PRIMARY KEY,
  rows     INTEGER NOT NULL,
  bytes    INTEGER NOT NULL
);
CREATE TABLE dead_letter (
  id              INTEGER PRIMARY KEY,
  kind            TEXT    NOT NULL,
  payload         BLOB    NOT NULL,
  idempotency_key TEXT    NOT NULL,
  http_status     INTEGER NOT NULL,
  error           TEXT    NOT NULL,
  failed_at       INTEGER NOT NULL
);
)sql",
    // 1 -> 2: tickets and conversations. The outbox learns whose item a row is (principal: ''
    // for the anonymous device, else the user id), so items are sent with the credentials they
    // were written under. identities keeps each signed-in user's token until nothing of theirs
    // is queued. tickets/messages/attachments are the local view the host reads.
    R"sql(
ALTER TABLE outbox ADD COLUMN principal TEXT NOT NULL DEFAULT '';
CREATE TABLE identities (
  user_id    TEXT PRIMARY KEY,
  token      TEXT NOT NULL,
  logged_out INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE TABLE tickets (
  id            TEXT PRIMARY KEY,
  subject       TEXT NOT NULL,
  status        TEXT NOT NULL,
  fields        TEXT NOT NULL DEFAULT '{}',
  delivery      TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  needs_history INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX tickets_updated ON tickets (updated_at);
CREATE TABLE messages (
  id          TEXT PRIMARY KEY,
  ticket_id   TEXT NOT NULL,
  seq         INTEGER,
  author_type TEXT NOT NULL,
  author_name TEXT,
  body        TEXT NOT NULL,
  delivery    TEXT NOT NULL,
  read        INTEGER NOT NULL,
  created_at  INTEGER NOT NULL
);
CREATE INDEX messages_ticket ON messages (ticket_id, created_at);
CREATE UNIQUE INDEX messages_ticket_seq ON messages (ticket_id, seq) WHERE seq IS NOT NULL;
CREATE TABLE attachments (
  id           TEXT PRIMARY KEY,
  ticket_id    TEXT NOT NULL,
  message_id   TEXT NOT NULL,
  filename     TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size         INTEGER NOT NULL,
  state        TEXT NOT NULL
);
CREATE INDEX attachments_message ON attachments (message_id);
)sql",
    // 2 -> 3: proactive notices the server targeted at this device, with the user's state.
    R"sql(
CREATE TABLE notices (
  id         TEXT PRIMARY KEY,
  json       TEXT NOT NULL,
  state      TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
)sql",
    // 3 -> 4: the offline FAQ catalog, its search index and vocabulary, local votes (faq/faq_schema.cpp).
    faq_schema_sql(),
};

constexpr int kMigrationCount = static_cast<int>(sizeof(kMigrations) / sizeof(kMigrations[0]));
static_assert(kMigrationCount == kSchemaVersion, "one migration per schema version");

}  // namespace

int migrate(sqlite3 *db) {
  int version = static_cast<int>(query_int64(db, "PRAGMA user_version"));
  if (version > kSchemaVersion) {
    throw Error(HELPLINE_E_INCOMPATIBLE_STORE,
                "store schema version " + std::to_string(version) + " is newer than this SDK supports (" +
                    std::to_string(kSchemaVersion) + "); upgrade the SDK. The store was left untouched.");
  }
  if (version == kSchemaVersion) return version;
  exec(db, "BEGIN IMMEDIATE");
  try {
    for (int v = version; v < kSchemaVersion; ++v) exec(db, kMigrations[v]);
    exec(db, ("PRAGMA application_id = " + std::to_string(kApplicationId)).c_str());
    exec(db, ("PRAGMA user_version = " + std::to_string(kSchemaVersion)).c_str());
    exec(db, "COMMIT");
  } catch (...) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  return kSchemaVersion;
}

}  // namespace helpline::detail
