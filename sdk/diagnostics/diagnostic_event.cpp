#include "diagnostics/diagnostic_event.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

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
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("idempotency_key");
  w.String(item.idempotency_key.c_str());
  w.Key("kind");
  w.String("event");
  w.Key("name");
  w.String(name.data(), static_cast<rapidjson::SizeType>(name.size()));
  w.Key("ts");
  w.Int64(item.created_at);
  if (!attributes_json.empty()) {
    w.Key("attributes");
    attributes.Accept(w);
  }
  w.EndObject();
  item.payload.assign(buf.GetString(), buf.GetSize());
  return item;
}

}  // namespace helpline::detail
