// `helpline-server admin ...`: bootstrap operations on the database (agents).
#pragma once
#include <string>
#include <vector>

namespace helpline::server {

int run_admin(const std::vector<std::string> &args);  // args after "admin"; returns the exit code

}  // namespace helpline::server
