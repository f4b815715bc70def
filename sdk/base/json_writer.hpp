// Builds one flat JSON object (escaping and UTF-8 handled by RapidJSON through JsonOut).
#pragma once

#include <cstdint>
#include <string>

#include "base/json_out.hpp"

namespace helpline::detail {

class JsonObjectWriter {
 public:
  JsonObjectWriter() { out_.begin_object(); }

  template <class T>
  JsonObjectWriter &field(const char *key, const T &value) {
    out_.field(key, value);
    return *this;
  }
  JsonObjectWriter &field(const char *key, const char *value) {
    if (value == nullptr) {
      out_.null_field(key);
    } else {
      out_.field(key, value);
    }
    return *this;
  }
  // Embeds already-serialised JSON (an object or array built elsewhere) as the value.
  JsonObjectWriter &raw_field(const char *key, const std::string &json) {
    out_.raw_field(key, json);
    return *this;
  }
  JsonObjectWriter &null_field(const char *key) {
    out_.null_field(key);
    return *this;
  }

  std::string finish() {
    out_.end_object();
    return out_.take();
  }

 private:
  JsonOut out_;
};

}  // namespace helpline::detail
