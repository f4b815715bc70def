// Server-generated ids (time-ordered, prefixed) and the clock.
#pragma once
#include <cstdint>
#include <string>

namespace helpline::server {

int64_t now_ms();
// Test mode only (/v1/_test/clock): freezes now_ms() at `ms`; 0 returns to the real clock.
void set_frozen_clock(int64_t ms);
int64_t frozen_clock();                  // 0 when the real clock is in use
std::string new_id(const char *prefix);  // e.g. "t_" + 12 hex ms + 12 hex random

}  // namespace helpline::server
