// The store's schema: versioned by PRAGMA user_version, migrated forward only.
#pragma once

#include <sqlite3.h>

namespace helpline::detail {

// Marks a database as ours (PRAGMA application_id), so a foreign SQLite file is recognised.
constexpr int kApplicationId = 0x484C504E;  // "HLPN"
// The newest schema this SDK knows. A store with a higher user_version is refused.
constexpr int kSchemaVersion = 5;

// Brings the schema from its current version to kSchemaVersion in one transaction.
// Throws Error(HELPLINE_E_INCOMPATIBLE_STORE) for a newer store. Returns the version.
int migrate(sqlite3 *db);

// The SQL that takes the schema from `from_version` to from_version + 1 (0 <= from_version <
// kSchemaVersion): frozen text, checked against its shipped fingerprint by tests/unit/migrations_test.cpp.
const char *migration_sql(int from_version);

}  // namespace helpline::detail
