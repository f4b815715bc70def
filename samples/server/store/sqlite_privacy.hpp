// SQLite side of "erase and export a user's data" (docs/protocol.md section 20): free functions on the
// transaction's connection, called by SqliteTx (store/sqlite_store.cpp).
#pragma once
#include "store/sqlite_db.hpp"
#include "store/store.hpp"

namespace helpline::server::privacy {

std::vector<std::string> user_devices(SqliteDb &db, const std::string &app, const std::string &sub);
EraseCounts erase(SqliteDb &db, const std::string &app, const EraseScope &scope);
void unlink_device(SqliteDb &db, const std::string &app, const std::string &device_id,
                   const std::string &sub);
ExportData export_data(SqliteDb &db, const std::string &app, const EraseScope &scope, int max_diagnostics);
void insert_erasure(SqliteDb &db, const std::string &app, const ErasureRecord &r);
std::vector<ErasureRecord> list_erasures(SqliteDb &db, const std::string &app, int limit);

}  // namespace helpline::server::privacy
