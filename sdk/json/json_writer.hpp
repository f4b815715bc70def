// Builds one flat JSON object with RapidJSON (escaping and UTF-8 handled there, not by us).
#pragma once

#include <cstdint>
#include <string>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace helpline::detail {

class JsonObjectWriter {
 public:
  JsonObjectWriter() : writer_(buffer_) { writer_.StartObject(); }

  JsonObjectWriter &field(const char *key, const std::string &value) {
    writer_.Key(key);
    writer_.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
    return *this;
  }
  JsonObjectWriter &field(const char *key, const char *value) {
    writer_.Key(key);
    if (value == nullptr) {
      writer_.Null();
    } else {
      writer_.String(value);
    }
    return *this;
  }
  JsonObjectWriter &field(const char *key, int64_t value) {
    writer_.Key(key);
    writer_.Int64(value);
    return *this;
  }
  JsonObjectWriter &field(const char *key, uint64_t value) {
    writer_.Key(key);
    writer_.Uint64(value);
    return *this;
  }
  JsonObjectWriter &field(const char *key, int value) { return field(key, static_cast<int64_t>(value)); }
  JsonObjectWriter &field(const char *key, bool value) {
    writer_.Key(key);
    writer_.Bool(value);
    return *this;
  }
  // Embeds already-serialised JSON (an object or array built elsewhere) as the value.
  JsonObjectWriter &raw_field(const char *key, const std::string &json, rapidjson::Type type = rapidjson::kObjectType) {
    writer_.Key(key);
    writer_.RawValue(json.data(), json.size(), type);
    return *this;
  }
  JsonObjectWriter &null_field(const char *key) {
    writer_.Key(key);
    writer_.Null();
    return *this;
  }

  std::string finish() {
    writer_.EndObject();
    return std::string(buffer_.GetString(), buffer_.GetSize());
  }

 private:
  rapidjson::StringBuffer buffer_;
  rapidjson::Writer<rapidjson::StringBuffer> writer_;
};

}  // namespace helpline::detail
