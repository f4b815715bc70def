// The device rule format the SDK loads (helpline_rules_load_json and `rules` sync items, protocol.md 14.4):
// {"id", "metric", "op", "value", "for_s"?, "window_s"?, "cooldown_s"?, "kind"?, "when"?}. Validated here
// with the SDK's own limits so a rule set the server accepts is one every device accepts.
#pragma once
#include "json_fields.hpp"

#include <string>

namespace helpline::server {

inline constexpr size_t kMaxDeviceRules = 64;  // the SDK's Rules::kMaxRules

// Validates `rules` (must be an array) and returns it re-serialised; throws a 400 ApiError naming the rule
// ("rules[1].op: unknown operator \"~\" (use <, <=, >, >=, ==, !=)").
std::string validate_device_rules(const JsonValue *rules);

}  // namespace helpline::server
