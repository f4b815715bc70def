#include "base/json_out.hpp"

#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace helpline::detail {

JsonOut::JsonOut() : writer_(buffer_) {}

JsonOut &JsonOut::begin_object() {
  writer_.StartObject();
  return *this;
}
JsonOut &JsonOut::end_object() {
  writer_.EndObject();
  return *this;
}
JsonOut &JsonOut::begin_array() {
  writer_.StartArray();
  return *this;
}
JsonOut &JsonOut::end_array() {
  writer_.EndArray();
  return *this;
}
JsonOut &JsonOut::key(std::string_view k) {
  writer_.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
  return *this;
}
JsonOut &JsonOut::str(std::string_view v) {
  writer_.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
  return *this;
}
// Integers through printf too: RapidJSON's Int64/Uint64 bring their own itoa and digit table.
JsonOut &JsonOut::i64(int64_t v) {
  char buf[24];
  int n = std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v));
  writer_.RawValue(buf, static_cast<size_t>(n), rapidjson::kNumberType);
  return *this;
}
JsonOut &JsonOut::u64(uint64_t v) {
  char buf[24];
  int n = std::snprintf(buf, sizeof buf, "%llu", static_cast<unsigned long long>(v));
  writer_.RawValue(buf, static_cast<size_t>(n), rapidjson::kNumberType);
  return *this;
}
JsonOut &JsonOut::boolean(bool v) {
  writer_.Bool(v);
  return *this;
}
// The shortest of %.15g, %.16g and %.17g that reads back as the same double (RapidJSON's Writer::Double
// does this with Grisu and ~3 KB of tables and code: the library's size budget prefers libc's printf).
// A C locale with a decimal comma is undone: JSON's separator is '.'.
JsonOut &JsonOut::number(double v) {
  if (std::isnan(v)) v = 0;
  if (std::isinf(v)) v = v > 0 ? DBL_MAX : -DBL_MAX;
  char buf[32];
  for (int digits = 15; digits <= 17; ++digits) {
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
    if (std::strtod(buf, nullptr) == v) break;  // strtod reads the same locale's separator
  }
  bool fraction = false;
  for (char *c = buf; *c != '\0'; ++c) {
    if (*c == ',') *c = '.';
    fraction = fraction || *c == '.' || *c == 'e';
  }
  std::string out(buf);
  if (!fraction) out += ".0";  // a double stays a double when read back (2.0, not 2)
  writer_.RawValue(out.data(), out.size(), rapidjson::kNumberType);
  return *this;
}
JsonOut &JsonOut::null() {
  writer_.Null();
  return *this;
}
JsonOut &JsonOut::raw(std::string_view json) {
  writer_.RawValue(json.data(), json.size(), rapidjson::kObjectType);
  return *this;
}
// Walks the value itself rather than Value::Accept, which would bring Writer::Double back in.
JsonOut &JsonOut::value(const rapidjson::Value &v) {
  switch (v.GetType()) {
    case rapidjson::kObjectType:
      begin_object();
      for (const auto &m : v.GetObject()) key({m.name.GetString(), m.name.GetStringLength()}).value(m.value);
      return end_object();
    case rapidjson::kArrayType:
      begin_array();
      for (const auto &e : v.GetArray()) value(e);
      return end_array();
    case rapidjson::kStringType:
      return str({v.GetString(), v.GetStringLength()});
    case rapidjson::kNumberType:
      return v.IsInt64() ? i64(v.GetInt64()) : v.IsUint64() ? u64(v.GetUint64()) : number(v.GetDouble());
    case rapidjson::kTrueType:
    case rapidjson::kFalseType:
      return boolean(v.GetBool());
    default:
      return null();
  }
}

JsonOut &JsonOut::opt_field(std::string_view k, const std::optional<std::string> &v) {
  key(k);
  return v ? str(*v) : null();
}
JsonOut &JsonOut::raw_or_null(std::string_view json) {
  return json.empty() ? null() : raw(json);
}
JsonOut &JsonOut::raw_or_null_field(std::string_view k, std::string_view json) {
  return key(k).raw_or_null(json);
}

std::string JsonOut::take() const {
  return std::string(buffer_.GetString(), buffer_.GetSize());
}

std::string to_json(const rapidjson::Value &v) {
  JsonOut out;
  out.value(v);
  return out.take();
}

}  // namespace helpline::detail
