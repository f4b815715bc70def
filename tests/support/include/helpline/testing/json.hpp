#pragma once
// Building and reading JSON in tests: string literals, values by JSON pointer or key (with a visible
// placeholder when missing, so an assertion message shows what was there).

#include <rapidjson/document.h>
#include <rapidjson/pointer.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstddef>
#include <string>

namespace helpline::testing {

/// JSON string literal for `s` (quotes and backslashes escaped).
inline std::string q(const std::string &s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

/// Compact JSON text of a value (for messages and substring checks).
inline std::string to_json(const rapidjson::Value &v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

/// Value at JSON pointer `ptr` ("/error/code"), or nullptr.
inline const rapidjson::Value *at(const rapidjson::Value &doc, const char *ptr) {
  return rapidjson::Pointer(ptr).Get(doc);
}
inline std::string str_at(const rapidjson::Value &doc, const char *ptr) {
  const auto *v = at(doc, ptr);
  return (v != nullptr && v->IsString()) ? v->GetString() : std::string("<missing>");
}
inline long long int_at(const rapidjson::Value &doc, const char *ptr) {
  const auto *v = at(doc, ptr);
  return (v != nullptr && v->IsInt64()) ? v->GetInt64() : -999999;
}
/// Whether the value at `ptr` is there and null.
inline bool null_at(const rapidjson::Value &doc, const char *ptr) {
  const auto *v = at(doc, ptr);
  return v != nullptr && v->IsNull();
}
inline std::size_t size_at(const rapidjson::Value &doc, const char *ptr) {
  const auto *v = at(doc, ptr);
  return (v != nullptr && v->IsArray()) ? v->Size() : static_cast<std::size_t>(-1);
}

/// Member `key` of object `o` as a string, "<missing>" when absent or not a string.
inline std::string str_of(const rapidjson::Value &o, const char *key) {
  if (!o.IsObject() || !o.HasMember(key) || !o[key].IsString()) return "<missing>";
  return std::string(o[key].GetString(), o[key].GetStringLength());
}
/// Member `key` of object `o` as an integer, `fallback` when absent or not an integer.
inline long long int_of(const rapidjson::Value &o, const char *key, long long fallback = -1) {
  if (!o.IsObject() || !o.HasMember(key) || !o[key].IsInt64()) return fallback;
  return o[key].GetInt64();
}
/// Whether object `o` has member `key` set to null.
inline bool is_null(const rapidjson::Value &o, const char *key) {
  return o.IsObject() && o.HasMember(key) && o[key].IsNull();
}

/// Whether array at `ptr` holds an object whose "id" is `id` (or a string equal to `id`).
inline bool contains_id(const rapidjson::Value &doc, const char *ptr, const std::string &id) {
  const auto *arr = at(doc, ptr);
  if (arr == nullptr || !arr->IsArray()) return false;
  for (const auto &v : arr->GetArray()) {
    if (v.IsString() && id == v.GetString()) return true;
    if (v.IsObject() && v.HasMember("id") && v["id"].IsString() && id == v["id"].GetString()) return true;
  }
  return false;
}

/// An integer field of a flat JSON object ("dropped": 3) or -1 when absent (text search, no parse).
inline long long json_int(const std::string &json, const std::string &field) {
  const std::string key = "\"" + field + "\":";
  auto pos = json.find(key);
  if (pos == std::string::npos) return -1;
  return std::stoll(json.substr(pos + key.size()));
}

/// A string field of a flat JSON object, or "" when absent / not a string (text search, no parse).
inline std::string json_str(const std::string &json, const std::string &field) {
  const std::string key = "\"" + field + "\":\"";
  auto pos = json.find(key);
  if (pos == std::string::npos) return "";
  pos += key.size();
  auto end = json.find('"', pos);
  return json.substr(pos, end - pos);
}

}  // namespace helpline::testing
