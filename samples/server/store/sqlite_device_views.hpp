// SQLite side of the device views (agent API), server rules and device rule sets: free functions on the
// transaction's connection, called by SqliteTx (store/sqlite_store.cpp) so that file stays about the core.
#pragma once
#include "store/sqlite_db.hpp"
#include "store/store.hpp"

namespace helpline::server::device_views {

// Makes sure the device has a diag_devices row (its key in the registry of devices agents can see).
void register_device(SqliteDb &db, const std::string &app, const std::string &device_id);
void touch_device(SqliteDb &db, int64_t dev_key, const DeviceSeen &seen);
std::vector<DeviceSummaryRecord> list_device_summaries(SqliteDb &db, const std::string &app,
                                                       const DeviceFilter &f);
std::optional<DeviceSummaryRecord> find_device_summary(SqliteDb &db, const std::string &app,
                                                       const std::string &device_id);
std::vector<DiagnosticRecord> device_diagnostics(SqliteDb &db, const std::string &app,
                                                 const std::string &device_id, const DiagnosticFilter &f);
std::vector<RuleFiringRecord> device_rule_firings(SqliteDb &db, const std::string &app,
                                                  const std::string &device_id, int64_t from, int64_t to,
                                                  int limit);

std::vector<ServerRuleRecord> list_server_rules(SqliteDb &db, const std::string &app);
std::optional<ServerRuleRecord> find_server_rule(SqliteDb &db, const std::string &app, const std::string &id);
void upsert_server_rule(SqliteDb &db, const std::string &app, const ServerRuleRecord &r);
bool delete_server_rule(SqliteDb &db, const std::string &app, const std::string &id);
void insert_rule_firing(SqliteDb &db, const std::string &app, const RuleFiringRecord &f);
int64_t rule_firing_count(SqliteDb &db, const std::string &app, const std::string &rule_id);

std::optional<DeviceRuleSetRecord> find_device_rule_set(SqliteDb &db, const std::string &app);
void save_device_rule_set(SqliteDb &db, const std::string &app, const DeviceRuleSetRecord &r);

}  // namespace helpline::server::device_views
