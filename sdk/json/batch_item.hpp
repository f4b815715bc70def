// One /v1/batch item: {"idempotency_key", "method", "path", "body"} (docs/protocol.md section 5).
#pragma once

#include <string>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace helpline::detail {

// `body_json` is already-serialised JSON (an object).
inline std::string batch_item_json(const std::string &key, const char *method, const std::string &path,
                                   const std::string &body_json) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("idempotency_key");
  w.String(key.data(), static_cast<rapidjson::SizeType>(key.size()));
  w.Key("method");
  w.String(method);
  w.Key("path");
  w.String(path.data(), static_cast<rapidjson::SizeType>(path.size()));
  w.Key("body");
  w.RawValue(body_json.data(), body_json.size(), rapidjson::kObjectType);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace helpline::detail
