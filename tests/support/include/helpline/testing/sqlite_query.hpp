#pragma once
// Read-only queries of a SQLite file (the server's database, an SDK's store) to see what was stored and how
// often.

#include <filesystem>
#include <string>
#include <vector>

namespace helpline::testing {

/// Runs `sql` with text parameters ?1, ?2, ... on `db_file` opened read-only (waiting up to 5 s for a
/// writer's lock); returns the rows as text columns (NULL as ""). Throws std::runtime_error when it fails.
std::vector<std::vector<std::string>> query(const std::filesystem::path &db_file, const std::string &sql,
                                            const std::vector<std::string> &params = {});

}  // namespace helpline::testing
