// Notice targeting: matches a notice's `target` object against a device's attributes (protocol section 12).
#pragma once
#include <string>

namespace helpline::server {

// Throws ApiError 400 when `target_json` is not a valid target object.
void validate_target(const std::string &target_json);
// attrs_json: the device document from PUT /v1/device (empty = unknown device).
bool target_matches(const std::string &target_json, const std::string &attrs_json);
// Dotted-numeric compare: <0, 0, >0.
int compare_versions(const std::string &a, const std::string &b);

}  // namespace helpline::server
