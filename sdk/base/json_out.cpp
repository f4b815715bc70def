#include "base/json_out.hpp"

#include <cfloat>
#include <cmath>

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
JsonOut &JsonOut::i64(int64_t v) {
  writer_.Int64(v);
  return *this;
}
JsonOut &JsonOut::u64(uint64_t v) {
  writer_.Uint64(v);
  return *this;
}
JsonOut &JsonOut::boolean(bool v) {
  writer_.Bool(v);
  return *this;
}
JsonOut &JsonOut::number(double v) {
  if (std::isnan(v)) v = 0;
  if (std::isinf(v)) v = v > 0 ? DBL_MAX : -DBL_MAX;
  writer_.Double(v);
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
JsonOut &JsonOut::value(const rapidjson::Value &v) {
  v.Accept(writer_);
  return *this;
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
