// The local FAQ catalog: one forward-only migration worth of DDL (see faq_schema.cpp for why each
// table exists). Owned by the store's migrations; the FAQ code only reads and writes the rows.
#pragma once

namespace helpline::detail {

// Plain CREATE statements (tables, indexes, FTS5 tables, triggers) that run once on a fresh database,
// inside the migration's transaction.
const char *faq_schema_sql();

}  // namespace helpline::detail
