#include "store/sqlite/sqlite_schema.hpp"

#include <string>

namespace helpline::server {

namespace {

const char *kMigration1 = R"SQL(
CREATE TABLE idempotency(app TEXT NOT NULL, scope TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL,
  status INTEGER NOT NULL, body TEXT NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY(app, scope, key)) WITHOUT ROWID;
CREATE INDEX idempotency_created ON idempotency(created_at);

CREATE TABLE devices(app TEXT NOT NULL, device_id TEXT NOT NULL, user_sub TEXT, attrs TEXT NOT NULL,
  updated_at INTEGER NOT NULL, PRIMARY KEY(app, device_id)) WITHOUT ROWID;

CREATE TABLE tickets(seq INTEGER PRIMARY KEY AUTOINCREMENT, app TEXT NOT NULL, id TEXT NOT NULL, owner TEXT NOT NULL,
  device_id TEXT, subject TEXT NOT NULL, status TEXT NOT NULL, fields TEXT, device TEXT, requester_name TEXT,
  requester_email TEXT, assignee_id TEXT, message_count INTEGER NOT NULL, created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL, UNIQUE(app, id));
CREATE INDEX tickets_owner ON tickets(app, owner, seq);

CREATE TABLE messages(app TEXT NOT NULL, id TEXT NOT NULL, ticket_id TEXT NOT NULL, seq INTEGER NOT NULL,
  author_type TEXT NOT NULL, author_name TEXT, author_id TEXT, author_device TEXT, body TEXT NOT NULL,
  attachments TEXT NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY(app, id)) WITHOUT ROWID;
CREATE UNIQUE INDEX messages_ticket ON messages(app, ticket_id, seq);

CREATE TABLE attachments(app TEXT NOT NULL, id TEXT NOT NULL, owner TEXT NOT NULL, filename TEXT NOT NULL,
  content_type TEXT NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL, ticket_id TEXT, message_id TEXT,
  created_at INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY(app, id));

CREATE TABLE surveys(app TEXT NOT NULL, id TEXT NOT NULL, owner TEXT NOT NULL, device_id TEXT NOT NULL,
  kind TEXT NOT NULL, score INTEGER NOT NULL, ticket_id TEXT, comment TEXT, created_at INTEGER NOT NULL,
  PRIMARY KEY(app, id));

CREATE TABLE faq_state(app TEXT PRIMARY KEY, seq INTEGER NOT NULL);
CREATE TABLE faq_sections(app TEXT NOT NULL, id TEXT NOT NULL, locale TEXT NOT NULL, title TEXT NOT NULL,
  position INTEGER NOT NULL, deleted INTEGER NOT NULL, change_seq INTEGER NOT NULL, updated_at INTEGER NOT NULL,
  PRIMARY KEY(app, id));
CREATE INDEX faq_sections_change ON faq_sections(app, change_seq);
CREATE TABLE faq_articles(app TEXT NOT NULL, id TEXT NOT NULL, section_id TEXT NOT NULL, locale TEXT NOT NULL,
  title TEXT NOT NULL, body TEXT NOT NULL, tags TEXT NOT NULL, position INTEGER NOT NULL, published INTEGER NOT NULL,
  deleted INTEGER NOT NULL, helpful INTEGER NOT NULL DEFAULT 0, not_helpful INTEGER NOT NULL DEFAULT 0,
  change_seq INTEGER NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY(app, id));
CREATE INDEX faq_articles_change ON faq_articles(app, change_seq);
CREATE TABLE faq_votes(app TEXT NOT NULL, article_id TEXT NOT NULL, device_id TEXT NOT NULL, helpful INTEGER NOT NULL,
  PRIMARY KEY(app, article_id, device_id)) WITHOUT ROWID;

CREATE TABLE notices(app TEXT NOT NULL, id TEXT NOT NULL, title TEXT NOT NULL, body TEXT NOT NULL,
  severity TEXT NOT NULL, url TEXT, target TEXT NOT NULL, starts_at INTEGER, ends_at INTEGER, active INTEGER NOT NULL,
  deleted INTEGER NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY(app, id));
CREATE TABLE notice_acks(app TEXT NOT NULL, notice_id TEXT NOT NULL, device_id TEXT NOT NULL,
  acked_at INTEGER NOT NULL, PRIMARY KEY(app, notice_id, device_id)) WITHOUT ROWID;

CREATE TABLE events(seq INTEGER PRIMARY KEY AUTOINCREMENT, app TEXT NOT NULL, owner TEXT, device_id TEXT,
  broadcast INTEGER NOT NULL, origin_device TEXT, type TEXT NOT NULL, data TEXT NOT NULL, target TEXT,
  created_at INTEGER NOT NULL);
CREATE INDEX events_app ON events(app, seq);

-- Diagnostics rows refer to a small integer device key: the dedup index stays compact on ingest-heavy loads.
CREATE TABLE diag_devices(id INTEGER PRIMARY KEY, app TEXT NOT NULL, device_id TEXT NOT NULL, UNIQUE(app, device_id));
CREATE TABLE diagnostics(seq INTEGER PRIMARY KEY, dev INTEGER NOT NULL, idem_key TEXT NOT NULL, kind TEXT NOT NULL,
  name TEXT NOT NULL, ts INTEGER NOT NULL, level TEXT, message TEXT, value REAL, attributes TEXT, ticket_id TEXT,
  request_id TEXT, received_at INTEGER NOT NULL, UNIQUE(dev, idem_key));
CREATE INDEX diagnostics_ticket ON diagnostics(ticket_id) WHERE ticket_id IS NOT NULL;

CREATE TABLE diagnostics_requests(app TEXT NOT NULL, id TEXT NOT NULL, ticket_id TEXT, device_id TEXT, owner TEXT,
  kinds TEXT NOT NULL, message TEXT, status TEXT NOT NULL, agent_id TEXT NOT NULL, created_at INTEGER NOT NULL,
  PRIMARY KEY(app, id));

CREATE TABLE agents(app TEXT NOT NULL, id TEXT NOT NULL, email TEXT NOT NULL COLLATE NOCASE, name TEXT NOT NULL,
  role TEXT NOT NULL, password_hash TEXT NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY(app, id),
  UNIQUE(app, email));
CREATE TABLE agent_sessions(token_hash TEXT PRIMARY KEY, app TEXT NOT NULL, agent_id TEXT NOT NULL,
  expires_at INTEGER NOT NULL) WITHOUT ROWID;
)SQL";

// Push tokens (one per device) and principal attributes (PATCH /v1/me/attributes).
const char *kMigration2 = R"SQL(
CREATE TABLE push_tokens(app TEXT NOT NULL, device_id TEXT NOT NULL, platform TEXT NOT NULL, token TEXT NOT NULL,
  updated_at INTEGER NOT NULL, PRIMARY KEY(app, device_id)) WITHOUT ROWID;
CREATE TABLE principal_attributes(app TEXT NOT NULL, principal TEXT NOT NULL, key TEXT NOT NULL,
  value TEXT NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY(app, principal, key)) WITHOUT ROWID;
)SQL";

// Metrics (docs/metrics.md): ticket status history (resolutions, reopens, backlog at any instant), FAQ
// deflections, survey prompts, and time indexes for windowed queries. Tickets that were already solved or
// closed get one history row at their last update, so they count as resolved then.
const char *kMigration3 = R"SQL(
CREATE TABLE ticket_status_log(seq INTEGER PRIMARY KEY AUTOINCREMENT, app TEXT NOT NULL, ticket_id TEXT NOT NULL,
  status TEXT NOT NULL, previous TEXT NOT NULL, changed_by TEXT NOT NULL, at INTEGER NOT NULL);
CREATE INDEX ticket_status_log_ticket ON ticket_status_log(app, ticket_id, at);
CREATE INDEX ticket_status_log_at ON ticket_status_log(app, at);
INSERT INTO ticket_status_log(app, ticket_id, status, previous, changed_by, at)
  SELECT app, id, status, 'open', 'system', updated_at FROM tickets WHERE status IN ('solved', 'closed');
CREATE INDEX tickets_created ON tickets(app, created_at);
CREATE INDEX surveys_created ON surveys(app, created_at);
CREATE INDEX messages_agent ON messages(app, ticket_id, created_at) WHERE author_type = 'agent';

CREATE TABLE deflections(app TEXT NOT NULL, id TEXT NOT NULL, owner TEXT NOT NULL, device_id TEXT NOT NULL,
  article_ids TEXT NOT NULL, query TEXT, ticket_id TEXT, created_at INTEGER NOT NULL, PRIMARY KEY(app, id));
CREATE INDEX deflections_created ON deflections(app, created_at);

CREATE TABLE survey_prompts(app TEXT NOT NULL, id TEXT NOT NULL, kind TEXT NOT NULL, reason TEXT NOT NULL,
  ticket_id TEXT, target TEXT, agent_id TEXT, devices INTEGER NOT NULL, created_at INTEGER NOT NULL,
  PRIMARY KEY(app, id));
)SQL";

// Device diagnostics views, server rules, device rule sets. diag_devices becomes the registry of
// every device an agent can look at (PUT /v1/device or diagnostics) with when it was last heard from; the
// (dev, ts) index serves per-device lists and the health timeline.
const char *kMigration4 = R"SQL(
ALTER TABLE tickets ADD COLUMN proactive_rule TEXT;
CREATE INDEX tickets_proactive ON tickets(app, proactive_rule, device_id) WHERE proactive_rule IS NOT NULL;
CREATE INDEX tickets_device ON tickets(app, device_id, created_at);
ALTER TABLE notices ADD COLUMN faq_article_id TEXT;

ALTER TABLE diag_devices ADD COLUMN last_seen INTEGER;
ALTER TABLE diag_devices ADD COLUMN last_error_at INTEGER;
ALTER TABLE diag_devices ADD COLUMN last_warning_at INTEGER;
INSERT OR IGNORE INTO diag_devices(app, device_id) SELECT app, device_id FROM devices;
UPDATE diag_devices SET last_seen=(SELECT max(received_at) FROM diagnostics WHERE dev=diag_devices.id);
CREATE INDEX diagnostics_dev_ts ON diagnostics(dev, ts);

CREATE TABLE server_rules(app TEXT NOT NULL, id TEXT NOT NULL, definition TEXT NOT NULL, enabled INTEGER NOT NULL,
  agent_id TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY(app, id));
CREATE TABLE rule_firings(seq INTEGER PRIMARY KEY AUTOINCREMENT, app TEXT NOT NULL, rule_id TEXT NOT NULL,
  device_id TEXT NOT NULL, action TEXT NOT NULL, ticket_id TEXT, notice_id TEXT, diagnostic_seq INTEGER NOT NULL,
  value REAL, at INTEGER NOT NULL);
CREATE INDEX rule_firings_device ON rule_firings(app, device_id, at);
CREATE INDEX rule_firings_rule ON rule_firings(app, rule_id);
CREATE TABLE device_rule_sets(app TEXT PRIMARY KEY, version INTEGER NOT NULL, rules TEXT NOT NULL, agent_id TEXT,
  updated_at INTEGER NOT NULL);
)SQL";

// Privacy (erase and export a user's data): the audit of erasures and exports. It keeps only that one
// happened, when, by whom and for which pseudonymous id (HMAC of the owner with the app secret), never the
// owner itself.
const char *kMigration5 = R"SQL(
CREATE TABLE erasures(seq INTEGER PRIMARY KEY AUTOINCREMENT, app TEXT NOT NULL, id TEXT NOT NULL,
  pseudonym TEXT NOT NULL, scope TEXT NOT NULL, action TEXT NOT NULL, requested_by TEXT NOT NULL,
  at INTEGER NOT NULL, UNIQUE(app, id));
CREATE INDEX erasures_app ON erasures(app, seq);
CREATE INDEX events_device ON events(app, device_id) WHERE device_id IS NOT NULL;
CREATE INDEX events_owner ON events(app, owner) WHERE owner IS NOT NULL;
)SQL";

// Device credentials (docs/protocol.md section 3.1): the SHA-256 of the secret a device presents, recorded by
// the first request that presents one; and the tombstones of device ids retired by an erasure, kept as a
// pseudonym (SHA-256 of app and id) so that no late request can write under them again.
const char *kMigration6 = R"SQL(
CREATE TABLE device_credentials(app TEXT NOT NULL, device_id TEXT NOT NULL, secret_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL, PRIMARY KEY(app, device_id)) WITHOUT ROWID;
CREATE TABLE retired_devices(app TEXT NOT NULL, pseudonym TEXT NOT NULL, retired_at INTEGER NOT NULL,
  PRIMARY KEY(app, pseudonym)) WITHOUT ROWID;
)SQL";

// FAQ query expansions (docs/protocol.md section 9.1): agents' synonyms (one entry per term and locale), and
// the table devices receive as it was last computed, one row of entries per locale, with the FAQ change
// sequence at which it last changed (deltas carry it only when it changed after their cursor).
const char *kMigration7 = R"SQL(
CREATE TABLE faq_synonyms(app TEXT NOT NULL, id TEXT NOT NULL, term TEXT NOT NULL, targets TEXT NOT NULL,
  locale TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY(app, id));
CREATE UNIQUE INDEX faq_synonyms_term ON faq_synonyms(app, term, locale);
CREATE TABLE faq_expansions(app TEXT NOT NULL, locale TEXT NOT NULL, entries TEXT NOT NULL,
  PRIMARY KEY(app, locale)) WITHOUT ROWID;
CREATE TABLE faq_expansion_state(app TEXT PRIMARY KEY, change_seq INTEGER NOT NULL);
)SQL";

const char *const kMigrations[] = {kMigration1, kMigration2, kMigration3, kMigration4,
                                   kMigration5, kMigration6, kMigration7};
static_assert(sizeof(kMigrations) / sizeof(kMigrations[0]) == kSchemaVersion,
              "one migration per schema version");

}  // namespace

void migrate(SqliteConnection &db) {
  int v = static_cast<int>(detail::query_int64(db.handle(), "PRAGMA user_version"));
  if (v > kSchemaVersion)
    throw SchemaTooNew("database schema version " + std::to_string(v) + " is newer than this server (" +
                       std::to_string(kSchemaVersion) + "); refusing to open it");
  for (int next = v + 1; next <= kSchemaVersion; ++next) {
    db.exec("BEGIN IMMEDIATE");
    try {
      db.exec(kMigrations[next - 1]);
      db.exec(("PRAGMA user_version=" + std::to_string(next)).c_str());
      db.exec("COMMIT");
    } catch (...) {
      db.exec("ROLLBACK");
      throw;
    }
  }
}

}  // namespace helpline::server
