// One /v1/batch item: {"idempotency_key", "method", "path", "body"} (docs/protocol.md section 5).
#pragma once

#include <string>

#include "json/json_out.hpp"

namespace helpline::detail {

// `body_json` is already-serialised JSON (an object).
std::string batch_item_json(const std::string &key, const char *method, const std::string &path,
                            const std::string &body_json);

}  // namespace helpline::detail
