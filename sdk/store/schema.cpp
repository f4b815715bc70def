#include "store/schema.hpp"

#include <string>

#include "base/sqlite.hpp"

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
    // 3 -> 4: the offline FAQ catalog, its search index and vocabulary, local votes. Frozen copy of what
    // sdk/faq/engine/faq_schema.cpp held when it shipped (that file may change for the server's in-memory
    // index; this text may not: a later change to the SDK's catalog is a new migration).
    R"sql(
CREATE TABLE faq_state (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE faq_sections (
  id         TEXT PRIMARY KEY,
  locale     TEXT NOT NULL,
  lang       TEXT NOT NULL,
  title      TEXT NOT NULL,
  position   INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX faq_sections_lang ON faq_sections (lang, position);
CREATE TABLE faq_articles (
  rid               INTEGER PRIMARY KEY,
  id                TEXT NOT NULL UNIQUE,
  section_id        TEXT NOT NULL,
  locale            TEXT NOT NULL,
  lang              TEXT NOT NULL,
  title             TEXT NOT NULL,
  body              TEXT NOT NULL,
  tags              TEXT NOT NULL,
  position          INTEGER NOT NULL,
  helpful_count     INTEGER NOT NULL,
  not_helpful_count INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL,
  keywords          TEXT NOT NULL,
  codes             TEXT NOT NULL
);
CREATE INDEX faq_articles_section ON faq_articles (section_id, position);
CREATE VIRTUAL TABLE faq_fts USING fts5 (
  title, keywords, codes, body,
  content = 'faq_articles', content_rowid = 'rid',
  tokenize = 'porter unicode61 remove_diacritics 2', prefix = '2 3'
);
CREATE TRIGGER faq_articles_ai AFTER INSERT ON faq_articles BEGIN
  INSERT INTO faq_fts (rowid, title, keywords, codes, body)
  VALUES (new.rid, new.title, new.keywords, new.codes, new.body);
END;
CREATE TRIGGER faq_articles_ad AFTER DELETE ON faq_articles BEGIN
  INSERT INTO faq_fts (faq_fts, rowid, title, keywords, codes, body)
  VALUES ('delete', old.rid, old.title, old.keywords, old.codes, old.body);
END;
CREATE TRIGGER faq_articles_au AFTER UPDATE OF rid, title, keywords, codes, body ON faq_articles BEGIN
  INSERT INTO faq_fts (faq_fts, rowid, title, keywords, codes, body)
  VALUES ('delete', old.rid, old.title, old.keywords, old.codes, old.body);
  INSERT INTO faq_fts (rowid, title, keywords, codes, body)
  VALUES (new.rid, new.title, new.keywords, new.codes, new.body);
END;
CREATE TABLE faq_terms (
  term TEXT PRIMARY KEY,
  df   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX faq_terms_shape ON faq_terms (substr(term, 1, 1), length(term));
CREATE INDEX faq_terms_start ON faq_terms (substr(term, 1, 2), df DESC);
CREATE TABLE faq_votes (
  article_id TEXT PRIMARY KEY,
  helpful    INTEGER NOT NULL,
  voted_at   INTEGER NOT NULL
) WITHOUT ROWID;
)sql",
    // 4 -> 5: the FAQ index holds stemmed words written by the catalog (Snowball, per article language)
    // instead of porter over the rows, and the vocabulary two-letter words; the server's query expansions.
    // The cached catalog is dropped with its cursor and ETag: the next sync fetches a full snapshot and
    // indexes it (until then the offline FAQ is empty; re-indexing in place would cost the library more
    // than its budget allows for a one-time step).
    R"sql(
DROP TRIGGER faq_articles_ai;
DROP TRIGGER faq_articles_ad;
DROP TRIGGER faq_articles_au;
DROP TABLE faq_fts;
CREATE VIRTUAL TABLE faq_fts USING fts5 (
  title, keywords, codes, body,
  tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
CREATE TABLE faq_forms (
  term TEXT PRIMARY KEY,
  df   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE faq_expansions (
  term    TEXT NOT NULL,
  lang    TEXT NOT NULL,
  targets TEXT NOT NULL,
  PRIMARY KEY (term, lang)
) WITHOUT ROWID;
DELETE FROM faq_articles;
DELETE FROM faq_sections;
DELETE FROM faq_terms;
DELETE FROM faq_state WHERE key IN ('cursor', 'etag', 'articles');
)sql",
};

constexpr int kMigrationCount = static_cast<int>(sizeof(kMigrations) / sizeof(kMigrations[0]));
static_assert(kMigrationCount == kSchemaVersion, "one migration per schema version");

}  // namespace

const char *migration_sql(int from_version) {
  return from_version >= 0 && from_version < kMigrationCount ? kMigrations[from_version] : nullptr;
}

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
