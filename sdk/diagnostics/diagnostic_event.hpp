// Diagnostics events as outbox items for POST /v1/diagnostics/batch.
#pragma once

#include <string_view>

#include "store/outbox.hpp"

namespace helpline::detail {

constexpr std::size_t kMaxDiagnosticAttributesBytes = 64 * 1024;

// `attributes_json` may be empty (none) or a JSON object. Throws Error(HELPLINE_E_INVALID_JSON).
NewItem make_diagnostic_event(std::string_view name, std::string_view attributes_json);

}  // namespace helpline::detail
