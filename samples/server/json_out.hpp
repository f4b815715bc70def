// Thin wrapper over rapidjson::Writer so response builders read like the JSON they produce.
#pragma once
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <optional>
#include <string>

namespace helpline::server {

class JsonOut {
 public:
  JsonOut() : w_(buf_) {}
  JsonOut &obj() {
    w_.StartObject();
    return *this;
  }
  JsonOut &end_obj() {
    w_.EndObject();
    return *this;
  }
  JsonOut &arr() {
    w_.StartArray();
    return *this;
  }
  JsonOut &end_arr() {
    w_.EndArray();
    return *this;
  }
  JsonOut &key(const char *k) {
    w_.Key(k);
    return *this;
  }
  JsonOut &str(const std::string &s) {
    w_.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
    return *this;
  }
  JsonOut &str(const char *s) {
    w_.String(s);
    return *this;
  }
  JsonOut &opt_str(const std::optional<std::string> &s) {
    if (s)
      str(*s);
    else
      null();
    return *this;
  }
  JsonOut &i64(int64_t v) {
    w_.Int64(v);
    return *this;
  }
  JsonOut &dbl(double v) {
    w_.Double(v);
    return *this;
  }
  JsonOut &boolean(bool v) {
    w_.Bool(v);
    return *this;
  }
  JsonOut &null() {
    w_.Null();
    return *this;
  }
  // Embeds JSON text the server itself produced earlier (stored documents); empty text becomes null.
  JsonOut &raw(const std::string &json) {
    if (json.empty()) return null();
    w_.RawValue(json.data(), json.size(), rapidjson::kObjectType);
    return *this;
  }
  JsonOut &kv(const char *k, const std::string &v) { return key(k).str(v); }
  JsonOut &kv(const char *k, const char *v) { return key(k).str(v); }
  JsonOut &kv(const char *k, int64_t v) { return key(k).i64(v); }
  JsonOut &kv(const char *k, int v) { return key(k).i64(v); }
  JsonOut &kv(const char *k, bool v) { return key(k).boolean(v); }
  JsonOut &kv_opt(const char *k, const std::optional<std::string> &v) { return key(k).opt_str(v); }
  JsonOut &kv_raw(const char *k, const std::string &json) { return key(k).raw(json); }
  std::string take() { return std::string(buf_.GetString(), buf_.GetSize()); }

 private:
  rapidjson::StringBuffer buf_;
  rapidjson::Writer<rapidjson::StringBuffer> w_;
};

}  // namespace helpline::server
