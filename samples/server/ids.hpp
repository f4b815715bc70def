// Server-generated ids (time-ordered, prefixed) and the clock.
#pragma once
#include <cstdint>
#include <string>

namespace helpline::server {

int64_t now_ms();
std::string new_id(const char *prefix);  // e.g. "t_" + 12 hex ms + 12 hex random

}  // namespace helpline::server
