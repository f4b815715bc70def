#include "diagnostics/diagnostic_event.hpp"

#include <rapidjson/document.h>
#include "json/json_out.hpp"

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"

namespace helpline::detail {

NewItem make_diagnostic_event(std::string_view name, std::string_view attributes_json) {
  rapidjson::Document attributes;
  if (!attributes_json.empty()) {
    attributes.Parse(attributes_json.data(), attributes_json.size());
    if (attributes.HasParseError() || !attributes.IsObject()) {
      throw Error(HELPLINE_E_INVALID_JSON, "helpline_diagnostics_send: attributes_json must be a JSON object");
    }
  }
  NewItem item{Channel::kDiagnostics, "diagnostic", kPriorityDiagnostics, new_uuid_v7(), {}, now_ms(), {}, nullptr};
  JsonOut w;
  w.begin_object().field("idempotency_key", item.idempotency_key).field("kind", "event").field("name", name);
  w.field("ts", item.created_at);
  if (!attributes_json.empty()) w.key("attributes").value(attributes);
  w.end_object();
  item.payload = w.take();
  return item;
}

}  // namespace helpline::detail
