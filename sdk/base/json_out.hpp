// JSON output for everything the SDK writes (wire items, local views, events). A thin class over
// RapidJSON's Writer whose methods are compiled once, out of line: calling the Writer directly
// inlines its escaping code at every call site, which cost ~100 KB of library size.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace helpline::detail {

class JsonOut {
 public:
  JsonOut();
  JsonOut(const JsonOut &) = delete;
  JsonOut &operator=(const JsonOut &) = delete;

  JsonOut &begin_object();
  JsonOut &end_object();
  JsonOut &begin_array();
  JsonOut &end_array();
  JsonOut &key(std::string_view k);
  JsonOut &str(std::string_view v);
  JsonOut &i64(int64_t v);
  JsonOut &u64(uint64_t v);
  JsonOut &boolean(bool v);
  // A number in its shortest exact form (2.5e-07, 1e+21); non-finite values (an overflowing sum) are
  // clamped to +-DBL_MAX so the output stays JSON.
  JsonOut &number(double v);
  JsonOut &null();
  // Already-serialised JSON (an object, array or any value) embedded as is.
  JsonOut &raw(std::string_view json);
  // A parsed value, written compactly.
  JsonOut &value(const rapidjson::Value &v);

  // key + value in one call.
  JsonOut &field(std::string_view k, std::string_view v) { return key(k).str(v); }
  JsonOut &field(std::string_view k, const char *v) { return key(k).str(v); }
  JsonOut &field(std::string_view k, const std::string &v) { return key(k).str(v); }
  JsonOut &field(std::string_view k, int64_t v) { return key(k).i64(v); }
  JsonOut &field(std::string_view k, int v) { return key(k).i64(v); }
  JsonOut &field(std::string_view k, uint64_t v) { return key(k).u64(v); }
  JsonOut &field(std::string_view k, bool v) { return key(k).boolean(v); }
  JsonOut &null_field(std::string_view k) { return key(k).null(); }
  JsonOut &raw_field(std::string_view k, std::string_view json) { return key(k).raw(json); }
  // The value, or null when absent.
  JsonOut &opt_field(std::string_view k, const std::optional<std::string> &v);
  // Stored JSON text (a document kept as text): as `raw`, but empty text (nothing stored) is null.
  JsonOut &raw_or_null(std::string_view json);
  JsonOut &raw_or_null_field(std::string_view k, std::string_view json);

  std::string take() const;

 private:
  rapidjson::StringBuffer buffer_;
  rapidjson::Writer<rapidjson::StringBuffer> writer_;
};

// Compact re-serialisation of a parsed value.
std::string to_json(const rapidjson::Value &v);

}  // namespace helpline::detail
